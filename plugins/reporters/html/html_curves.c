/* html_curves.c — ROC, precision-recall and reliability diagrams from the
 * trials' stored test predictions (see html_sections.h).
 *
 * Each pipeline's bold line pools the test predictions of all its trials
 * (every repeat's test split, every fold); when a pipeline has at most
 * MAX_TRIAL_LINES trials, each trial's own curve is drawn faintly behind it,
 * so the spread across repeats is visible without a second chart. */
#include "html_doc.h"
#include "html_sections.h"
#include "html_svg.h"
#include "html_util.h"

#include <math.h>
#include <stdlib.h>

#define MAX_TRIAL_LINES 10
#define CAL_BINS 10
#define CAL_MIN_COUNT 5
enum { W = 380, H = 320 };

typedef struct {
  double s, y;
} Pair;

/* Scores descending; ties in any order (they are walked as one group). */
static int
by_score_desc (const void *a, const void *b)
{
  double x = ((const Pair *) a)->s, y = ((const Pair *) b)->s;
  return x > y ? -1 : x < y;
}

/* Points of the ROC (fpr, tpr) and PR (recall, precision) curves, one per
 * distinct score, sorted in place. ROC starts at (0, 0); PR at (0, 1) as
 * scikit-learn's precision_recall_curve ends. FALSE when a class is absent. */
typedef struct {
  GArray *fpr, *tpr, *rec, *prec;
} Curves;

static void
curves_clear (Curves *c)
{
  g_clear_pointer (&c->fpr, g_array_unref);
  g_clear_pointer (&c->tpr, g_array_unref);
  g_clear_pointer (&c->rec, g_array_unref);
  g_clear_pointer (&c->prec, g_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Curves, curves_clear)

static void
push2 (GArray *a, GArray *b, double x, double y)
{
  g_array_append_val (a, x);
  g_array_append_val (b, y);
}

static gboolean
curves_compute (Pair *p, size_t n, Curves *c)
{
  double pos = 0;
  for (size_t i = 0; i < n; i++)
    pos += p[i].y;
  double neg = (double) n - pos;
  *c = (Curves) { g_array_new (FALSE, FALSE, sizeof (double)), g_array_new (FALSE, FALSE, sizeof (double)),
                  g_array_new (FALSE, FALSE, sizeof (double)), g_array_new (FALSE, FALSE, sizeof (double)) };
  if (pos <= 0 || neg <= 0)
    return FALSE;
  qsort (p, n, sizeof *p, by_score_desc);
  push2 (c->fpr, c->tpr, 0, 0);
  push2 (c->rec, c->prec, 0, 1);
  double tp = 0, fp = 0;
  for (size_t i = 0; i < n;)
    {
      size_t j = i;
      for (; j < n && p[j].s == p[i].s; j++)
        {
          tp += p[j].y;
          fp += 1 - p[j].y;
        }
      push2 (c->fpr, c->tpr, fp / neg, tp / pos);
      push2 (c->rec, c->prec, tp / pos, tp / (tp + fp));
      i = j;
    }
  return TRUE;
}

/* A prediction set fit for these charts: one score per series, 0/1 labels,
 * finite scores. */
static gboolean
usable (const TdTrialPredictions *t)
{
  if (t->n_outputs != 1 || t->n == 0 || t->y == NULL || t->scores == NULL)
    return FALSE;
  for (size_t i = 0; i < t->n; i++)
    if ((t->y[i] != 0 && t->y[i] != 1) || !isfinite (t->scores[i]))
      return FALSE;
  return TRUE;
}

static Pair *
pairs_of (const TdTrialPredictions *t)
{
  Pair *p = g_new (Pair, t->n);
  for (size_t i = 0; i < t->n; i++)
    p[i] = (Pair) { t->scores[i], t->y[i] };
  return p;
}

/* Per plotted row: the usable trials (borrowed) and their pooled pairs. */
typedef struct {
  GPtrArray *trials;
  GArray *pool;       /* Pair */
} RowData;

static void
row_data_clear (gpointer p)
{
  RowData *d = p;
  g_clear_pointer (&d->trials, g_ptr_array_unref);
  g_clear_pointer (&d->pool, g_array_unref);
}

static void
chart_start (GString *out, SvgPlot *p, const char *label, const char *x_title,
             const char *y_title)
{
  svg_open (out, W, H, label);
  svg_axes (out, p, 5, 5, x_title, y_title);
}

static void
caption (GString *out, const char *title, const char *text)
{
  g_string_append (out, "<figcaption><strong>");
  g_string_append (out, title);
  g_string_append (out, "</strong> ");
  g_string_append (out, text);
  g_string_append (out, "</figcaption>\n</figure>\n");
}

typedef enum { ROC, PR } Kind;

static void
curve_chart (GString *out, const HtmlDoc *doc, GArray *rows, Kind kind, double prevalence)
{
  SvgPlot p = svg_plot (W, H, 0, 1, 0, 1);
  g_string_append_printf (out, "<figure class=\"chart\" id=\"%s\">\n", kind == ROC ? "roc" : "pr");
  chart_start (out, &p, kind == ROC ? "ROC curves" : "Precision-recall curves",
               kind == ROC ? "false positive rate" : "recall",
               kind == ROC ? "true positive rate" : "precision");
  if (kind == ROC)
    svg_diagonal (out, &p);
  else
    svg_hline (out, &p, prevalence);
  SvgLineKind lk = kind == ROC ? SVG_LINE : SVG_STEP_PRE;
  /* Faint per-trial lines first, so every bold line lies on top. */
  for (int pass = 0; pass < 2; pass++)
    for (guint k = 0; k < doc->plotted->len; k++)
      {
        guint row = g_array_index (doc->plotted, guint, k);
        RowData *d = &g_array_index (rows, RowData, k);
        const char *colour = doc->colour[row];
        if (pass == 0)
          {
            if (d->trials->len > MAX_TRIAL_LINES || d->trials->len < 2)
              continue;
            for (guint t = 0; t < d->trials->len; t++)
              {
                const TdTrialPredictions *tp = d->trials->pdata[t];
                g_autofree Pair *pairs = pairs_of (tp);
                g_auto (Curves) c = { 0 };
                if (!curves_compute (pairs, tp->n, &c))
                  continue;
                GArray *x = kind == ROC ? c.fpr : c.rec, *y = kind == ROC ? c.tpr : c.prec;
                svg_line (out, &p, (double *) x->data, (double *) y->data, x->len, lk, colour,
                          1.0, 0.3, FALSE);
              }
            continue;
          }
        g_auto (Curves) c = { 0 };
        if (!curves_compute ((Pair *) d->pool->data, d->pool->len, &c))
          continue;
        GArray *x = kind == ROC ? c.fpr : c.rec, *y = kind == ROC ? c.tpr : c.prec;
        svg_line (out, &p, (double *) x->data, (double *) y->data, x->len, lk, colour, 2.0, 1.0,
                  doc->baseline[row]);
      }
  svg_close (out);
}

static void
calibration_chart (GString *out, const HtmlDoc *doc, GArray *rows)
{
  SvgPlot p = svg_plot (W, H, 0, 1, 0, 1);
  g_string_append (out, "<figure class=\"chart\" id=\"calibration\">\n");
  chart_start (out, &p, "Reliability diagram", "mean predicted probability",
               "observed fraction of positives");
  svg_diagonal (out, &p);
  for (guint k = 0; k < doc->plotted->len; k++)
    {
      guint row = g_array_index (doc->plotted, guint, k);
      RowData *d = &g_array_index (rows, RowData, k);
      double sum_s[CAL_BINS] = { 0 }, sum_y[CAL_BINS] = { 0 }, cnt[CAL_BINS] = { 0 };
      for (guint i = 0; i < d->pool->len; i++)
        {
          const Pair *pr = &g_array_index (d->pool, Pair, i);
          int b = CLAMP ((int) floor (pr->s * CAL_BINS), 0, CAL_BINS - 1);
          sum_s[b] += pr->s;
          sum_y[b] += pr->y;
          cnt[b] += 1;
        }
      double x[CAL_BINS], y[CAL_BINS];
      size_t n = 0;
      for (int b = 0; b < CAL_BINS; b++)
        if (cnt[b] >= CAL_MIN_COUNT)
          {
            x[n] = sum_s[b] / cnt[b];
            y[n] = sum_y[b] / cnt[b];
            n++;
          }
      svg_line (out, &p, x, y, n, SVG_LINE, doc->colour[row], 1.5, 1.0, doc->baseline[row]);
      for (size_t i = 0; i < n; i++)
        svg_dot (out, &p, x[i], y[i], 3.0, doc->colour[row], 1.0);
    }
  svg_close (out);
}

static gboolean
probabilities (GArray *rows)
{
  for (guint k = 0; k < rows->len; k++)
    {
      GArray *pool = g_array_index (rows, RowData, k).pool;
      for (guint i = 0; i < pool->len; i++)
        {
          double s = g_array_index (pool, Pair, i).s;
          if (s < 0 || s > 1)
            return FALSE;
        }
    }
  return TRUE;
}

void
html_section_curves (GString *out, const HtmlDoc *doc)
{
  const TdRunReport *r = doc->r;
  if (r->n_predictions == 0 || doc->plotted->len == 0)
    return;
  g_autoptr (GArray) rows = g_array_new (FALSE, TRUE, sizeof (RowData));
  g_array_set_clear_func (rows, row_data_clear);
  g_array_set_size (rows, doc->plotted->len);
  g_autofree gint *slot = g_new (gint, MAX (doc->labels->len, 1u));
  for (guint i = 0; i < doc->labels->len; i++)
    slot[i] = -1;
  for (guint k = 0; k < doc->plotted->len; k++)
    {
      slot[g_array_index (doc->plotted, guint, k)] = (gint) k;
      RowData *d = &g_array_index (rows, RowData, k);
      d->trials = g_ptr_array_new ();
      d->pool = g_array_new (FALSE, FALSE, sizeof (Pair));
    }

  size_t n_unusable = 0, n_pos = 0, n_all = 0;
  for (size_t i = 0; i < r->n_predictions; i++)
    {
      const TdTrialPredictions *t = &r->predictions[i];
      gint row = html_doc_row_of (doc, t->pipeline, t->variant);
      if (row < 0 || slot[row] < 0)
        continue;
      if (!usable (t))
        {
          n_unusable++;
          continue;
        }
      RowData *d = &g_array_index (rows, RowData, slot[row]);
      g_ptr_array_add (d->trials, (gpointer) t);
      for (size_t j = 0; j < t->n; j++)
        {
          Pair pr = { t->scores[j], t->y[j] };
          g_array_append_val (d->pool, pr);
          n_pos += t->y[j] == 1;
        }
      n_all += t->n;
    }
  if (n_all == 0)
    {
      /* Regression has no curves to miss; say why for classification. */
      if (n_unusable > 0 && !(r->data && r->data->task == TD_TASK_REGRESSION))
        g_string_append (out, "<section id=\"curves\">\n<h2>ROC, precision-recall and calibration</h2>\n"
                              "<p class=\"note\">The predictions are not binary scores (one score "
                              "per series, labels 0/1), so no curves are drawn.</p>\n</section>\n");
      return;
    }
  double prevalence = (double) n_pos / (double) n_all;

  g_string_append (out, "<section id=\"curves\">\n<h2>ROC, precision-recall and calibration</h2>\n");
  html_legend (out, doc);
  g_string_append (out, "<div class=\"grid\">\n");
  curve_chart (out, doc, rows, ROC, prevalence);
  caption (out, "ROC.", "Bold: each pipeline's test predictions pooled over all its trials"
                        "; faint: one line per trial (repeat \xc3\x97 fold) when a pipeline has "
                        "2 to 10. Dashed grey: chance (AUC 0.5).");
  curve_chart (out, doc, rows, PR, prevalence);
  g_autoptr (GString) pr_text = g_string_new ("Pooled and per trial as for ROC, drawn as steps "
                                             "(the area under the steps is the average precision). "
                                             "Dashed grey: chance, the prevalence of the pooled "
                                             "test sets (");
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (pr_text, g_ascii_formatd (buf, sizeof buf, "%.3f", prevalence));
  g_string_append (pr_text, ").");
  caption (out, "Precision-recall.", pr_text->str);
  if (probabilities (rows))
    {
      calibration_chart (out, doc, rows);
      caption (out, "Calibration.", "Pooled test predictions in 10 equal-width bins of the "
                                    "predicted probability; a dot per bin with at least 5 "
                                    "series, at the bin's mean prediction and observed rate. "
                                    "Dashed grey: perfect calibration.");
    }
  g_string_append (out, "</div>\n");
  if (n_unusable > 0)
    {
      g_string_append (out, "<p class=\"note\">");
      html_count (out, n_unusable);
      g_string_append (out, " trials are left out: their predictions are not binary scores.</p>\n");
    }
  g_string_append (out, "</section>\n");
}
