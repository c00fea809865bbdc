/* html_doc.c — see html_doc.h. */
#include "html_doc.h"
#include "html_svg.h"
#include "html_util.h"

#include <tundish/metrics.h>

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

/* Index of s in arr, appending it when new (first appearance fixes order). */
static guint
intern (GPtrArray *arr, GHashTable *seen, const char *s, gboolean copy)
{
  gpointer idx;
  if (g_hash_table_lookup_extended (seen, s, NULL, &idx))
    return GPOINTER_TO_UINT (idx);
  char *stored = copy ? g_strdup (s) : (char *) s;
  g_ptr_array_add (arr, stored);
  g_hash_table_insert (seen, stored, GUINT_TO_POINTER (arr->len - 1));
  return arr->len - 1;
}

gboolean
html_is_baseline (const char *label, const char *baseline)
{
  if (label == NULL || baseline == NULL || *baseline == '\0')
    return FALSE;
  size_t n = strlen (baseline);
  return strcmp (label, baseline) == 0 || (strncmp (label, baseline, n) == 0 && label[n] == '[');
}

double
html_ci95_half (double sd, size_t n)
{
  if (n < 2 || !isfinite (sd))
    return NAN;
  return gsl_cdf_tdist_Pinv (0.975, (double) (n - 1)) * sd / sqrt ((double) n);
}

gint
html_doc_row (const HtmlDoc *doc, const char *label)
{
  for (guint i = 0; label && i < doc->labels->len; i++)
    if (strcmp (doc->labels->pdata[i], label) == 0)
      return (gint) i;
  return -1;
}

gint
html_doc_row_of (const HtmlDoc *doc, const char *pipeline, const char *variant)
{
  g_autofree char *label = html_label (pipeline, variant);
  return html_doc_row (doc, label);
}

gint
html_doc_metric (const HtmlDoc *doc, const char *metric)
{
  for (guint i = 0; metric && i < doc->metrics->len; i++)
    if (strcmp (doc->metrics->pdata[i], metric) == 0)
      return (gint) i;
  return -1;
}

const TdSummaryRow *
html_doc_cell (const HtmlDoc *doc, guint row, guint col)
{
  return doc->cells[row * doc->metrics->len + col];
}

static gint
headline_metric (const HtmlDoc *doc)
{
  for (guint col = 0; col < doc->metrics->len; col++)
    {
      if (td_metric_direction (doc->metrics->pdata[col]) == TD_METRIC_UNRANKED)
        continue;
      for (guint row = 0; row < doc->labels->len; row++)
        {
          const TdSummaryRow *c = html_doc_cell (doc, row, col);
          if (c && isfinite (c->mean))
            return (gint) col;
        }
    }
  return -1;
}

typedef struct {
  guint row;
  double key;        /* larger is better; -inf when unknown */
} Ranked;

static gint
ranked_order (gconstpointer a, gconstpointer b)
{
  const Ranked *x = a, *y = b;
  if (x->key != y->key)
    return x->key > y->key ? -1 : 1;
  return x->row < y->row ? -1 : x->row > y->row;
}

/* Every row when they fit the palette; else the baseline rows first, then
 * the best by the headline metric, shown in table order. */
static void
choose_plotted (HtmlDoc *doc)
{
  guint n = doc->labels->len;
  doc->plotted = g_array_new (FALSE, FALSE, sizeof (guint));
  doc->colour = g_new0 (const char *, MAX (n, 1u));
  g_autofree gboolean *take = g_new0 (gboolean, MAX (n, 1u));
  if (n <= SVG_N_COLOURS)
    for (guint i = 0; i < n; i++)
      take[i] = TRUE;
  else
    {
      g_autoptr (GArray) ranked = g_array_new (FALSE, FALSE, sizeof (Ranked));
      for (guint i = 0; i < n; i++)
        {
          double key = -INFINITY;
          if (doc->baseline[i])
            key = INFINITY;
          else if (doc->headline >= 0)
            {
              const TdSummaryRow *c = html_doc_cell (doc, i, (guint) doc->headline);
              TdMetricDirection dir = td_metric_direction (doc->metrics->pdata[doc->headline]);
              if (c && isfinite (c->mean))
                key = dir == TD_METRIC_LOWER_BETTER ? -c->mean : c->mean;
            }
          Ranked rk = { i, key };
          g_array_append_val (ranked, rk);
        }
      g_array_sort (ranked, ranked_order);
      for (guint k = 0; k < SVG_N_COLOURS; k++)
        take[g_array_index (ranked, Ranked, k).row] = TRUE;
    }
  for (guint i = 0; i < n; i++)
    if (take[i])
      {
        doc->colour[i] = svg_colour (doc->plotted->len);
        g_array_append_val (doc->plotted, i);
      }
}

void
html_doc_init (HtmlDoc *doc, const TdRunReport *r)
{
  *doc = (HtmlDoc) { .r = r };
  g_autoptr (GHashTable) seen_l = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) seen_m = g_hash_table_new (g_str_hash, g_str_equal);
  doc->labels = g_ptr_array_new_with_free_func (g_free);
  doc->metrics = g_ptr_array_new ();

  /* Rows: the report's pipeline order, then any label only the summary or
   * the predictions have; columns likewise from the metric list. */
  for (size_t i = 0; r->pipelines && r->pipelines[i]; i++)
    intern (doc->labels, seen_l, r->pipelines[i], TRUE);
  for (size_t i = 0; r->metrics && r->metrics[i]; i++)
    intern (doc->metrics, seen_m, r->metrics[i], FALSE);

  g_autofree guint *row_of = g_new (guint, MAX (r->n_summary, (size_t) 1));
  g_autofree guint *col_of = g_new (guint, MAX (r->n_summary, (size_t) 1));
  for (size_t i = 0; i < r->n_summary; i++)
    {
      g_autofree char *label = html_label (r->summary[i].pipeline, r->summary[i].variant);
      row_of[i] = intern (doc->labels, seen_l, label, TRUE);
      col_of[i] = intern (doc->metrics, seen_m, r->summary[i].metric ? r->summary[i].metric : "",
                          FALSE);
    }
  for (size_t i = 0; i < r->n_predictions; i++)
    {
      g_autofree char *label = html_label (r->predictions[i].pipeline, r->predictions[i].variant);
      intern (doc->labels, seen_l, label, TRUE);
    }

  guint n_rows = doc->labels->len, n_cols = doc->metrics->len;
  doc->cells = g_new0 (const TdSummaryRow *, MAX (n_rows * n_cols, 1u));
  for (size_t i = 0; i < r->n_summary; i++)
    {
      const TdSummaryRow **cell = &doc->cells[row_of[i] * n_cols + col_of[i]];
      if (*cell == NULL)
        *cell = &r->summary[i];
    }
  doc->baseline = g_new0 (gboolean, MAX (n_rows, 1u));
  for (guint i = 0; i < n_rows; i++)
    doc->baseline[i] = html_is_baseline (doc->labels->pdata[i], r->baseline);
  doc->headline = headline_metric (doc);
  choose_plotted (doc);
}

void
html_doc_clear (HtmlDoc *doc)
{
  g_clear_pointer (&doc->labels, g_ptr_array_unref);
  g_clear_pointer (&doc->metrics, g_ptr_array_unref);
  g_clear_pointer (&doc->cells, g_free);
  g_clear_pointer (&doc->baseline, g_free);
  g_clear_pointer (&doc->plotted, g_array_unref);
  g_clear_pointer (&doc->colour, g_free);
}

void
html_legend (GString *out, const HtmlDoc *doc)
{
  g_string_append (out, "<p class=\"legend\">");
  for (guint k = 0; k < doc->plotted->len; k++)
    {
      guint row = g_array_index (doc->plotted, guint, k);
      g_string_append_printf (out, "<span class=\"key\"><span class=\"swatch\" style=\"background:%s\">"
                                   "</span>", doc->colour[row]);
      html_escape (out, doc->labels->pdata[row]);
      if (doc->baseline[row])
        g_string_append (out, " <span class=\"na\">(baseline, dashed)</span>");
      g_string_append (out, "</span>");
    }
  if (doc->plotted->len < doc->labels->len)
    {
      g_string_append (out, "<span class=\"na\">");
      html_count (out, doc->labels->len - doc->plotted->len);
      g_string_append (out, " more pipelines not drawn: the charts show the baseline and the best by ");
      if (doc->headline >= 0)
        {
          g_string_append (out, "<code>");
          html_escape (out, doc->metrics->pdata[doc->headline]);
          g_string_append (out, "</code>");
        }
      else
        g_string_append (out, "table order");
      g_string_append (out, "</span>");
    }
  g_string_append (out, "</p>\n");
}
