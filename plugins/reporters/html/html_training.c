/* html_training.c — training curves (losses and validation metrics per
 * iteration) that models reported, one chart per curve name, one line per
 * trial in its pipeline's colour. See html_sections.h. */
#include "html_doc.h"
#include "html_sections.h"
#include "html_svg.h"
#include "html_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { W = 380, H = 280 };

typedef struct {
  int repeat, fold, step;
  double value;
} Point;

static int
point_order (const void *a, const void *b)
{
  const Point *x = a, *y = b;
  if (x->repeat != y->repeat)
    return x->repeat < y->repeat ? -1 : 1;
  if (x->fold != y->fold)
    return x->fold < y->fold ? -1 : 1;
  return (x->step > y->step) - (x->step < y->step);
}

/* Points of one curve for one row (row_of: each curve point's table row),
 * ordered by trial then step. */
static GArray *
points_of (const HtmlDoc *doc, const gint *row_of, const char *curve, guint row)
{
  GArray *pts = g_array_new (FALSE, FALSE, sizeof (Point));
  const TdRunReport *r = doc->r;
  for (size_t i = 0; i < r->n_curves; i++)
    {
      const TdCurveRow *c = &r->curves[i];
      if (row_of[i] != (gint) row || g_strcmp0 (c->curve, curve) != 0)
        continue;
      Point p = { c->repeat, c->fold, c->step, c->value };
      g_array_append_val (pts, p);
    }
  if (pts->len > 1)   /* qsort (NULL, 0, ...) is undefined */
    qsort (pts->data, pts->len, sizeof (Point), point_order);
  return pts;
}

static void
chart (GString *out, const HtmlDoc *doc, const gint *row_of, const char *curve)
{
  guint n_plot = doc->plotted->len;
  g_autoptr (GPtrArray) per_row = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  size_t n_lines = 0;
  for (guint k = 0; k < n_plot; k++)
    {
      GArray *pts = points_of (doc, row_of, curve, g_array_index (doc->plotted, guint, k));
      for (guint i = 0; i < pts->len; i++)
        {
          const Point *p = &g_array_index (pts, Point, i);
          if (!isfinite (p->value))
            continue;
          x0 = MIN (x0, p->step);
          x1 = MAX (x1, p->step);
          y0 = MIN (y0, p->value);
          y1 = MAX (y1, p->value);
        }
      for (guint i = 0; i < pts->len; i++)
        {
          const Point *a = &g_array_index (pts, Point, i);
          if (i == 0 || a->repeat != a[-1].repeat || a->fold != a[-1].fold)
            n_lines++;
        }
      g_ptr_array_add (per_row, pts);
    }
  if (!(x0 <= x1))
    return;
  if (x0 == x1)
    {
      x0 -= 1;
      x1 += 1;
    }
  svg_pad_range (&y0, &y1, 0.05);

  g_string_append (out, "<figure class=\"chart\">\n");
  SvgPlot p = svg_plot (W, H, x0, x1, y0, y1);
  svg_open (out, W, H, curve);
  svg_axes (out, &p, 5, 5, "iteration", curve);
  double opacity = n_lines > (size_t) n_plot ? 0.55 : 1.0;
  for (guint k = 0; k < n_plot; k++)
    {
      guint row = g_array_index (doc->plotted, guint, k);
      GArray *pts = per_row->pdata[k];
      for (guint i = 0; i < pts->len;)
        {
          guint j = i;
          const Point *first = &g_array_index (pts, Point, i);
          while (j < pts->len && g_array_index (pts, Point, j).repeat == first->repeat
                 && g_array_index (pts, Point, j).fold == first->fold)
            j++;
          g_autofree double *x = g_new (double, j - i);
          g_autofree double *y = g_new (double, j - i);
          for (guint t = i; t < j; t++)
            {
              x[t - i] = g_array_index (pts, Point, t).step;
              y[t - i] = g_array_index (pts, Point, t).value;
            }
          svg_line (out, &p, x, y, j - i, SVG_LINE, doc->colour[row], 1.4, opacity,
                    doc->baseline[row]);
          if (j - i == 1)
            svg_dot (out, &p, x[0], y[0], 3.0, doc->colour[row], opacity);
          i = j;
        }
    }
  svg_close (out);
  g_string_append (out, "<figcaption><code>");
  html_escape (out, curve);
  g_string_append (out, "</code> per iteration, one line per trial.</figcaption>\n</figure>\n");
}

void
html_section_training (GString *out, const HtmlDoc *doc)
{
  const TdRunReport *r = doc->r;
  if (r->n_curves == 0 || doc->plotted->len == 0)
    return;
  /* Curve names in first-seen order. */
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (size_t i = 0; i < r->n_curves; i++)
    {
      const char *c = r->curves[i].curve;
      if (c && !g_hash_table_contains (seen, c))
        {
          g_hash_table_add (seen, (gpointer) c);
          g_ptr_array_add (names, (gpointer) c);
        }
    }
  /* Labels are resolved once: a long sweep reports millions of points. */
  g_autofree gint *row_of = g_new (gint, r->n_curves);
  for (size_t i = 0; i < r->n_curves; i++)
    row_of[i] = (i > 0 && g_strcmp0 (r->curves[i].pipeline, r->curves[i - 1].pipeline) == 0
                 && g_strcmp0 (r->curves[i].variant, r->curves[i - 1].variant) == 0)
                  ? row_of[i - 1]
                  : html_doc_row_of (doc, r->curves[i].pipeline, r->curves[i].variant);
  g_autoptr (GString) charts = g_string_new (NULL);
  for (guint k = 0; k < names->len; k++)
    chart (charts, doc, row_of, names->pdata[k]);
  if (charts->len == 0)
    return;
  g_string_append (out, "<section id=\"training\">\n<h2>Training curves</h2>\n");
  html_legend (out, doc);
  g_string_append (out, "<div class=\"grid\">\n");
  g_string_append_len (out, charts->str, (gssize) charts->len);
  g_string_append (out, "</div>\n</section>\n");
}
