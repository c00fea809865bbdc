/* html_regression.c — for a regression run, each pipeline's test
 * predictions against the true values and its residuals (see
 * html_sections.h): the two plots a reader checks first for bias, scale
 * errors and heteroscedasticity that RMSE alone hides.
 *
 * Each pipeline's test predictions are pooled over its trials (every
 * repeat's test split, every fold). A chart draws at most MAX_POINTS dots,
 * an even stride through the pooled points, so the page stays small for a
 * large test set; the caption says when it thinned. */
#include "html_doc.h"
#include "html_sections.h"
#include "html_svg.h"
#include "html_util.h"

#include <math.h>

#define MAX_POINTS 2000
enum { W = 380, H = 320 };

typedef struct {
  GArray *truth, *pred;   /* double, pooled over the row's trials */
} Pooled;

static void
pooled_clear (gpointer p)
{
  Pooled *d = p;
  g_clear_pointer (&d->truth, g_array_unref);
  g_clear_pointer (&d->pred, g_array_unref);
}

/* Every finite (true, predicted) pair of the row's trials. */
static void
pool_row (const HtmlDoc *doc, guint row, Pooled *d)
{
  const TdRunReport *r = doc->r;
  d->truth = g_array_new (FALSE, FALSE, sizeof (double));
  d->pred = g_array_new (FALSE, FALSE, sizeof (double));
  for (size_t i = 0; i < r->n_predictions; i++)
    {
      const TdTrialPredictions *t = &r->predictions[i];
      if (t->n_outputs != 1 || !t->y || !t->scores
          || html_doc_row_of (doc, t->pipeline, t->variant) != (gint) row)
        continue;
      for (size_t j = 0; j < t->n; j++)
        if (isfinite (t->y[j]) && isfinite (t->scores[j]))
          {
            g_array_append_val (d->truth, t->y[j]);
            g_array_append_val (d->pred, t->scores[j]);
          }
    }
}

static void
number (GString *out, const char *fmt, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (out, g_ascii_formatd (buf, sizeof buf, fmt, v));
}

/* x against y as dots (an even stride through at most MAX_POINTS), with
 * the identity line (scatter) or the zero line (residuals). */
static void
dots_chart (GString *out, const char *label, const char *x_title, const char *y_title,
            const double *x, const double *y, size_t n, gboolean identity, const char *colour)
{
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (size_t i = 0; i < n; i++)
    {
      x0 = fmin (x0, x[i]), x1 = fmax (x1, x[i]);
      y0 = fmin (y0, y[i]), y1 = fmax (y1, y[i]);
    }
  if (identity)   /* one scale on both axes, so the diagonal is at 45° */
    {
      x0 = y0 = fmin (x0, y0);
      x1 = y1 = fmax (x1, y1);
    }
  else
    {
      double m = fmax (fabs (y0), fabs (y1));   /* zero in the middle */
      y0 = -m, y1 = m;
    }
  svg_pad_range (&x0, &x1, 0.05);
  svg_pad_range (&y0, &y1, 0.05);
  SvgPlot p = svg_plot (W, H, x0, x1, y0, y1);
  svg_open (out, W, H, label);
  svg_axes (out, &p, 5, 5, x_title, y_title);
  if (identity)
    svg_diagonal (out, &p);
  else
    svg_hline (out, &p, 0);
  size_t stride = n > MAX_POINTS ? (n + MAX_POINTS - 1) / MAX_POINTS : 1;
  for (size_t i = 0; i < n; i += stride)
    svg_dot (out, &p, x[i], y[i], 2.0, colour, 0.5);
  svg_close (out);
}

static void
pipeline_charts (GString *out, const HtmlDoc *doc, guint row, const Pooled *d)
{
  const size_t n = d->truth->len;
  const double *truth = (const double *) d->truth->data, *pred = (const double *) d->pred->data;
  g_autofree double *resid = g_new (double, MAX (n, (size_t) 1));
  double ss = 0, bias = 0;
  for (size_t i = 0; i < n; i++)
    {
      resid[i] = pred[i] - truth[i];
      ss += resid[i] * resid[i];
      bias += resid[i];
    }
  const char *label = doc->labels->pdata[row];
  const char *colour = doc->colour[row] ? doc->colour[row] : svg_colour (0);

  g_string_append (out, "<h3>");
  html_escape (out, label);
  g_string_append (out, "</h3>\n<div class=\"grid\">\n<figure class=\"chart\">\n");
  g_autofree char *scatter = g_strdup_printf ("%s: predicted against true", label);
  dots_chart (out, scatter, "true value", "predicted", truth, pred, n, TRUE, colour);
  g_string_append (out, "<figcaption><strong>Predicted vs true.</strong> ");
  html_count (out, n);
  g_string_append (out, " test predictions pooled over the pipeline's trials");
  if (n > MAX_POINTS)
    g_string_append_printf (out, " (every %zu-th drawn)", (n + MAX_POINTS - 1) / MAX_POINTS);
  g_string_append (out, "; pooled RMSE ");
  number (out, "%.4g", sqrt (ss / (double) n));
  g_string_append (out, ". Dashed grey: prediction = truth.</figcaption>\n</figure>\n"
                        "<figure class=\"chart\">\n");
  g_autofree char *res_label = g_strdup_printf ("%s: residuals", label);
  dots_chart (out, res_label, "predicted", "residual (predicted \xe2\x88\x92 true)", pred, resid,
              n, FALSE, colour);
  g_string_append (out, "<figcaption><strong>Residuals.</strong> Against the prediction; mean "
                        "residual (bias) ");
  number (out, "%.4g", bias / (double) n);
  g_string_append (out, ". A funnel shape means the error grows with the value; a slope, a "
                        "scale error.</figcaption>\n</figure>\n</div>\n");
}

void
html_section_regression (GString *out, const HtmlDoc *doc)
{
  const TdRunReport *r = doc->r;
  if (!r->data || r->data->task != TD_TASK_REGRESSION || r->n_predictions == 0
      || doc->plotted->len == 0)
    return;
  g_autoptr (GArray) rows = g_array_new (FALSE, TRUE, sizeof (Pooled));
  g_array_set_clear_func (rows, pooled_clear);
  g_array_set_size (rows, doc->plotted->len);
  size_t n_all = 0;
  for (guint k = 0; k < doc->plotted->len; k++)
    {
      Pooled *d = &g_array_index (rows, Pooled, k);
      pool_row (doc, g_array_index (doc->plotted, guint, k), d);
      n_all += d->truth->len;
    }
  if (n_all == 0)
    return;
  g_string_append (out, "<section id=\"regression\">\n<h2>Predictions and residuals</h2>\n");
  for (guint k = 0; k < doc->plotted->len; k++)
    {
      const Pooled *d = &g_array_index (rows, Pooled, k);
      if (d->truth->len > 0)
        pipeline_charts (out, doc, g_array_index (doc->plotted, guint, k), d);
    }
  if (doc->plotted->len < doc->labels->len)
    g_string_append (out, "<p class=\"note\">Only the pipelines drawn in the other charts are "
                          "shown; predictions.h5 has every trial's predictions.</p>\n");
  g_string_append (out, "</section>\n");
}
