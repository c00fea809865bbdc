/* html_svg.c — see html_svg.h. Coordinates are printed with one decimal in
 * the C locale: sub-pixel precision is invisible and doubles the bytes. */
#include "html_svg.h"
#include "html_util.h"

#include <math.h>

enum { PAD_LEFT = 54, PAD_RIGHT = 12, PAD_TOP = 10, PAD_BOTTOM = 40 };

void
svg_num (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (buf, sizeof buf, "%.1f", v);
  /* "-0.0" would make equal files differ by the sign of a rounding error */
  g_string_append (out, g_strcmp0 (buf, "-0.0") == 0 ? "0.0" : buf);
}

SvgPlot
svg_plot (int w, int h, double x0, double x1, double y0, double y1)
{
  return (SvgPlot) {
    .x0 = x0, .x1 = x1, .y0 = y0, .y1 = y1,
    .left = PAD_LEFT, .top = PAD_TOP, .right = w - PAD_RIGHT, .bottom = h - PAD_BOTTOM,
    .w = w, .h = h,
  };
}

double
svg_x (const SvgPlot *p, double x)
{
  double span = p->x1 - p->x0;
  return p->left + (span > 0 ? (x - p->x0) / span : 0.5) * (p->right - p->left);
}

double
svg_y (const SvgPlot *p, double y)
{
  double span = p->y1 - p->y0;
  return p->bottom - (span > 0 ? (y - p->y0) / span : 0.5) * (p->bottom - p->top);
}

void
svg_pad_range (double *lo, double *hi, double fraction)
{
  if (!(*lo <= *hi))
    {
      *lo = 0;
      *hi = 1;
      return;
    }
  double pad = (*hi - *lo) * fraction;
  if (pad == 0)
    pad = MAX (fabs (*lo) * 0.05, 0.01);
  *lo -= pad;
  *hi += pad;
}

void
svg_open (GString *out, int w, int h, const char *label)
{
  g_string_append_printf (out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                               "width=\"100%%\" role=\"img\" aria-label=\"", w, h);
  html_escape (out, label);
  g_string_append (out, "\">\n");
}

void
svg_close (GString *out)
{
  g_string_append (out, "</svg>\n");
}

/* A step of 1, 2 or 5 × 10^k giving about `want` intervals over span. */
static double
nice_step (double span, int want)
{
  double raw = span / MAX (want, 1);
  double mag = pow (10.0, floor (log10 (raw)));
  double f = raw / mag;
  return (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0) * mag;
}

static void
tick_label (GString *out, double v, double step)
{
  int decimals = CLAMP ((int) -floor (log10 (step) + 1e-9), 0, 8);
  char fmt[8], buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_snprintf (fmt, sizeof fmt, "%%.%df", decimals);
  g_ascii_formatd (buf, sizeof buf, fmt, fabs (v) < step * 1e-6 ? 0.0 : v);
  if (buf[0] == '-')
    {
      g_string_append (out, "\xe2\x88\x92");
      g_string_append (out, buf + 1);
    }
  else
    g_string_append (out, buf);
}

static void
segment (GString *out, double xa, double ya, double xb, double yb, const char *stroke)
{
  g_string_append (out, "<line x1=\""); svg_num (out, xa);
  g_string_append (out, "\" y1=\""); svg_num (out, ya);
  g_string_append (out, "\" x2=\""); svg_num (out, xb);
  g_string_append (out, "\" y2=\""); svg_num (out, yb);
  g_string_append_printf (out, "\" stroke=\"%s\"/>", stroke);
}

void
svg_axes (GString *out, const SvgPlot *p, int nx, int ny, const char *x_title,
          const char *y_title)
{
  if (p->x1 > p->x0)
    {
      double step = nice_step (p->x1 - p->x0, nx);
      for (double k = ceil (p->x0 / step - 1e-9); k <= floor (p->x1 / step + 1e-9); k++)
        {
          double x = svg_x (p, k * step);
          segment (out, x, p->top, x, p->bottom, "#e4e7eb");
          g_string_append (out, "<text x=\""); svg_num (out, x);
          g_string_append (out, "\" y=\""); svg_num (out, p->bottom + 14);
          g_string_append (out, "\" font-size=\"11\" text-anchor=\"middle\" fill=\"#616e7c\">");
          tick_label (out, k * step, step);
          g_string_append (out, "</text>\n");
        }
    }
  if (p->y1 > p->y0)
    {
      double step = nice_step (p->y1 - p->y0, ny);
      for (double k = ceil (p->y0 / step - 1e-9); k <= floor (p->y1 / step + 1e-9); k++)
        {
          double y = svg_y (p, k * step);
          segment (out, p->left, y, p->right, y, "#e4e7eb");
          g_string_append (out, "<text x=\""); svg_num (out, p->left - 5);
          g_string_append (out, "\" y=\""); svg_num (out, y + 4);
          g_string_append (out, "\" font-size=\"11\" text-anchor=\"end\" fill=\"#616e7c\">");
          tick_label (out, k * step, step);
          g_string_append (out, "</text>\n");
        }
    }
  g_string_append (out, "<rect x=\""); svg_num (out, p->left);
  g_string_append (out, "\" y=\""); svg_num (out, p->top);
  g_string_append (out, "\" width=\""); svg_num (out, p->right - p->left);
  g_string_append (out, "\" height=\""); svg_num (out, p->bottom - p->top);
  g_string_append (out, "\" fill=\"none\" stroke=\"#9aa5b1\"/>\n");
  if (x_title)
    {
      g_string_append (out, "<text x=\""); svg_num (out, (p->left + p->right) / 2);
      g_string_append (out, "\" y=\""); svg_num (out, p->h - 6);
      g_string_append (out, "\" font-size=\"12\" text-anchor=\"middle\">");
      html_escape (out, x_title);
      g_string_append (out, "</text>\n");
    }
  if (y_title)
    {
      double cy = (p->top + p->bottom) / 2;
      g_string_append (out, "<text transform=\"translate(12 ");
      svg_num (out, cy);
      g_string_append (out, ") rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">");
      html_escape (out, y_title);
      g_string_append (out, "</text>\n");
    }
}

void
svg_diagonal (GString *out, const SvgPlot *p)
{
  double lo = MAX (p->x0, p->y0), hi = MIN (p->x1, p->y1);
  if (!(lo < hi))
    return;
  g_string_append (out, "<path d=\"M"); svg_num (out, svg_x (p, lo));
  g_string_append (out, " "); svg_num (out, svg_y (p, lo));
  g_string_append (out, "L"); svg_num (out, svg_x (p, hi));
  g_string_append (out, " "); svg_num (out, svg_y (p, hi));
  g_string_append (out, "\" class=\"chance\" stroke=\"#7b8794\" stroke-width=\"1\" "
                        "stroke-dasharray=\"4 4\" fill=\"none\"/>\n");
}

void
svg_hline (GString *out, const SvgPlot *p, double y)
{
  if (!isfinite (y) || y < p->y0 || y > p->y1)
    return;
  g_string_append (out, "<path d=\"M"); svg_num (out, p->left);
  g_string_append (out, " "); svg_num (out, svg_y (p, y));
  g_string_append (out, "H"); svg_num (out, p->right);
  g_string_append (out, "\" class=\"chance\" stroke=\"#7b8794\" stroke-width=\"1\" "
                        "stroke-dasharray=\"4 4\" fill=\"none\"/>\n");
}

static void
line_to (GString *d, SvgLineKind kind, double sx, double sy)
{
  if (kind == SVG_STEP_PRE)
    {
      g_string_append (d, "V");
      svg_num (d, sy);
      g_string_append (d, "H");
      svg_num (d, sx);
      return;
    }
  g_string_append (d, "L");
  svg_num (d, sx);
  g_string_append (d, " ");
  svg_num (d, sy);
}

typedef struct {
  double x, y;
} Px;

/* One unbroken stretch: points within a pixel of the last kept one are
 * dropped (the stretch's last point is always kept), then the middle of
 * three points on one horizontal or vertical line (ROC and step curves are
 * mostly such runs). */
static void
stretch (GString *d, GArray *pts, SvgLineKind kind)
{
  if (pts->len == 0)
    return;
  g_autoptr (GArray) keep = g_array_new (FALSE, FALSE, sizeof (Px));
  for (guint i = 0; i < pts->len; i++)
    {
      Px p = g_array_index (pts, Px, i);
      if (keep->len > 0 && i + 1 < pts->len)
        {
          Px l = g_array_index (keep, Px, keep->len - 1);
          if (fabs (p.x - l.x) < 1.0 && fabs (p.y - l.y) < 1.0)
            continue;
        }
      if (kind == SVG_LINE && keep->len >= 2)
        {
          Px a = g_array_index (keep, Px, keep->len - 2), b = g_array_index (keep, Px, keep->len - 1);
          if ((a.x == b.x && b.x == p.x && (b.y - a.y) * (p.y - b.y) >= 0)
              || (a.y == b.y && b.y == p.y && (b.x - a.x) * (p.x - b.x) >= 0))
            g_array_set_size (keep, keep->len - 1);
        }
      g_array_append_val (keep, p);
    }
  for (guint i = 0; i < keep->len; i++)
    {
      Px p = g_array_index (keep, Px, i);
      if (i == 0)
        {
          g_string_append (d, "M");
          svg_num (d, p.x);
          g_string_append (d, " ");
          svg_num (d, p.y);
        }
      else
        line_to (d, kind, p.x, p.y);
    }
}

void
svg_line (GString *out, const SvgPlot *p, const double *x, const double *y, size_t n,
          SvgLineKind kind, const char *colour, double width, double opacity, gboolean dashed)
{
  g_autoptr (GString) d = g_string_new (NULL);
  g_autoptr (GArray) pts = g_array_new (FALSE, FALSE, sizeof (Px));
  for (size_t i = 0; i < n; i++)
    {
      if (!isfinite (x[i]) || !isfinite (y[i]))
        {
          stretch (d, pts, kind);
          g_array_set_size (pts, 0);
          continue;
        }
      Px px = { svg_x (p, x[i]), svg_y (p, y[i]) };
      /* compare as printed, so equal-looking coordinates count as equal */
      px.x = round (px.x * 10) / 10;
      px.y = round (px.y * 10) / 10;
      g_array_append_val (pts, px);
    }
  stretch (d, pts, kind);
  if (d->len == 0)
    return;
  g_string_append (out, "<path d=\"");
  g_string_append_len (out, d->str, (gssize) d->len);
  g_string_append_printf (out, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"", colour);
  svg_num (out, width);
  g_string_append (out, "\" stroke-linejoin=\"round\"");
  if (opacity < 1)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (out, " stroke-opacity=\"%s\"",
                              g_ascii_formatd (buf, sizeof buf, "%.2f", opacity));
    }
  if (dashed)
    g_string_append (out, " stroke-dasharray=\"6 3\"");
  g_string_append (out, "/>\n");
}

void
svg_dot (GString *out, const SvgPlot *p, double x, double y, double r, const char *colour,
         double opacity)
{
  if (!isfinite (x) || !isfinite (y))
    return;
  g_string_append (out, "<circle cx=\""); svg_num (out, svg_x (p, x));
  g_string_append (out, "\" cy=\""); svg_num (out, svg_y (p, y));
  g_string_append (out, "\" r=\""); svg_num (out, r);
  g_string_append_printf (out, "\" fill=\"%s\"", colour);
  if (opacity < 1)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (out, " fill-opacity=\"%s\"",
                              g_ascii_formatd (buf, sizeof buf, "%.2f", opacity));
    }
  g_string_append (out, "/>\n");
}

const char *
svg_colour (size_t i)
{
  /* Okabe–Ito without its yellow (too light on white). */
  static const char *const palette[SVG_N_COLOURS] = {
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#8c6d31",
  };
  return palette[i % SVG_N_COLOURS];
}
