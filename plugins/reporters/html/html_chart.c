/* html_chart.c — see html_chart.h. Plain SVG, no script: the axis is fitted
 * to the data (not to zero) because pipelines usually differ in the second
 * decimal, and the single trials are drawn so the spread behind a mean is
 * visible at a glance. */
#include "html_chart.h"
#include "html_util.h"

#include <math.h>
#include <string.h>

enum {
  WIDTH = 1120, LABEL_W = 300, PLOT_X0 = 316, PLOT_X1 = 1100,
  TOP = 6, ROW_H = 26, AXIS_H = 30, LABEL_CHARS = 40,
};

static void
num (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.1f", v));
}

/* A step of 1, 2 or 5 × 10^k giving about `want` intervals over span. */
static double
nice_step (double span, int want)
{
  double raw = span / want;
  double mag = pow (10.0, floor (log10 (raw)));
  double f = raw / mag;
  return (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0) * mag;
}

typedef struct {
  double lo, hi;
} Range;

static double
x_of (Range r, double v)
{
  return PLOT_X0 + (v - r.lo) / (r.hi - r.lo) * (PLOT_X1 - PLOT_X0);
}

static void
extend (Range *r, double v)
{
  if (!isfinite (v))
    return;
  if (v < r->lo)
    r->lo = v;
  if (v > r->hi)
    r->hi = v;
}

static void
axis (GString *out, Range r, size_t n_rows)
{
  double step = nice_step (r.hi - r.lo, 6);
  int decimals = CLAMP ((int) -floor (log10 (step) + 1e-9), 0, 8);
  char fmt[8];
  g_snprintf (fmt, sizeof fmt, "%%.%df", decimals);
  double y0 = TOP, y1 = TOP + (double) n_rows * ROW_H;

  /* Integer tick indices: adding step repeatedly would drift. */
  double k0 = ceil (r.lo / step - 1e-9), k1 = floor (r.hi / step + 1e-9);
  for (double k = k0; k <= k1; k++)
    {
      double t = k * step;
      double x = x_of (r, t);
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append (out, "<line x1=\""); num (out, x);
      g_string_append (out, "\" x2=\""); num (out, x);
      g_string_append (out, "\" y1=\""); num (out, y0);
      g_string_append (out, "\" y2=\""); num (out, y1);
      g_string_append (out, "\" stroke=\"#e4e7eb\"/>");
      g_string_append (out, "<text x=\""); num (out, x);
      g_string_append (out, "\" y=\""); num (out, y1 + 18);
      g_string_append (out, "\" font-size=\"11\" text-anchor=\"middle\" fill=\"#616e7c\">");
      /* -0.000 would look like a bug */
      g_string_append (out, g_ascii_formatd (buf, sizeof buf, fmt, k == 0 ? 0.0 : t));
      g_string_append (out, "</text>\n");
    }
  g_string_append (out, "<line x1=\""); num (out, PLOT_X0);
  g_string_append (out, "\" x2=\""); num (out, PLOT_X1);
  g_string_append (out, "\" y1=\""); num (out, y1);
  g_string_append (out, "\" y2=\""); num (out, y1);
  g_string_append (out, "\" stroke=\"#9aa5b1\"/>\n");
}

static void
row_label (GString *out, const ChartRow *row, double y)
{
  g_string_append (out, "<text x=\""); num (out, LABEL_W);
  g_string_append (out, "\" y=\""); num (out, y + 4);
  g_string_append (out, "\" font-size=\"12\" text-anchor=\"end\"");
  if (row->baseline)
    g_string_append (out, " font-weight=\"700\"");
  g_string_append (out, ">");
  /* Long sweep labels are cut so they do not run into the plot. */
  g_autofree char *valid = g_utf8_make_valid (row->label, -1);
  if (g_utf8_strlen (valid, -1) > LABEL_CHARS)
    {
      g_autofree char *cut = g_utf8_substring (valid, 0, LABEL_CHARS - 1);
      html_escape (out, cut);
      g_string_append (out, "\xe2\x80\xa6");
    }
  else
    html_escape (out, valid);
  g_string_append (out, "</text>\n");
}

void
html_chart (GString *out, const TdRunReport *report, const char *metric,
            const ChartRow *rows, size_t n_rows)
{
  g_autoptr (GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  for (size_t i = 0; i < n_rows; i++)
    if (!g_hash_table_contains (index, rows[i].label))
      g_hash_table_insert (index, (gpointer) rows[i].label, GSIZE_TO_POINTER (i + 1));

  /* Per row, that metric's finite trial values in report order. */
  g_autoptr (GPtrArray) points = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (size_t i = 0; i < n_rows; i++)
    g_ptr_array_add (points, g_array_new (FALSE, FALSE, sizeof (double)));

  Range r = { INFINITY, -INFINITY };
  for (size_t k = 0; k < report->n_results; k++)
    {
      const TdResultRow *res = &report->results[k];
      if (g_strcmp0 (res->metric, metric) != 0 || !isfinite (res->value))
        continue;
      g_autofree char *label = html_label (res->pipeline, res->variant);
      size_t i = GPOINTER_TO_SIZE (g_hash_table_lookup (index, label));
      if (i == 0)
        continue;
      g_array_append_val (points->pdata[i - 1], res->value);
      extend (&r, res->value);
    }
  for (size_t i = 0; i < n_rows; i++)
    {
      const TdSummaryRow *s = rows[i].summary;
      if (s == NULL || !isfinite (s->mean))
        continue;
      extend (&r, s->mean);
      if (isfinite (s->sd))
        {
          extend (&r, s->mean - s->sd);
          extend (&r, s->mean + s->sd);
        }
    }
  if (!(r.lo <= r.hi))
    return;
  double pad = (r.hi - r.lo) * 0.06;
  if (pad == 0.0)
    pad = MAX (fabs (r.lo) * 0.05, 0.01);
  r.lo -= pad;
  r.hi += pad;

  double height = TOP + (double) n_rows * ROW_H + AXIS_H;
  g_string_append (out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
  g_string_append_printf (out, "%d ", WIDTH);
  num (out, height);
  g_string_append (out, "\" width=\"100%\" role=\"img\" aria-label=\"");
  html_escapef (out, "%s per pipeline", metric);
  g_string_append (out, "\">\n");

  for (size_t i = 0; i < n_rows; i++)
    if (rows[i].baseline)
      {
        g_string_append (out, "<rect x=\"0\" y=\""); num (out, TOP + (double) i * ROW_H);
        g_string_append_printf (out, "\" width=\"%d\" height=\"%d\" fill=\"#e3f1f8\"/>\n",
                                WIDTH, ROW_H);
      }
  axis (out, r, n_rows);

  for (size_t i = 0; i < n_rows; i++)
    {
      double y = TOP + ((double) i + 0.5) * ROW_H;
      row_label (out, &rows[i], y);

      GArray *pts = points->pdata[i];
      for (guint k = 0; k < pts->len; k++)
        {
          /* A fixed vertical offset per trial separates coincident dots
           * without randomness. */
          double dy = (double) ((int) (k % 5) - 2) * 2.0;
          g_string_append (out, "<circle cx=\""); num (out, x_of (r, g_array_index (pts, double, k)));
          g_string_append (out, "\" cy=\""); num (out, y + dy);
          g_string_append (out, "\" r=\"3\" fill=\"#0b6e99\" fill-opacity=\"0.35\"/>\n");
        }

      const TdSummaryRow *s = rows[i].summary;
      if (s == NULL || !isfinite (s->mean))
        continue;
      if (isfinite (s->sd) && s->sd > 0)
        {
          double xa = x_of (r, s->mean - s->sd), xb = x_of (r, s->mean + s->sd);
          g_string_append (out, "<path d=\"M"); num (out, xa);
          g_string_append (out, " "); num (out, y - 5);
          g_string_append (out, "v10M"); num (out, xa);
          g_string_append (out, " "); num (out, y);
          g_string_append (out, "H"); num (out, xb);
          g_string_append (out, "M"); num (out, xb);
          g_string_append (out, " "); num (out, y - 5);
          g_string_append (out, "v10\" stroke=\"#1f2933\" stroke-width=\"1.5\" fill=\"none\"/>\n");
        }
      g_string_append (out, "<circle cx=\""); num (out, x_of (r, s->mean));
      g_string_append (out, "\" cy=\""); num (out, y);
      g_string_append (out, "\" r=\"4.5\" fill=\"#1f2933\"/>\n");
    }
  g_string_append (out, "</svg>\n");
}
