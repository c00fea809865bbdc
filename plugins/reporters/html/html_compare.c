/* html_compare.c — the "at a glance" summary and the significance table
 * against the baseline (from report->comparisons, which the core computes).
 * The correction for multiple comparisons is stated wherever a p-value is
 * shown. See html_sections.h. */
#include "html_doc.h"
#include "html_sections.h"
#include "html_util.h"

#include <tundish/metrics.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ALPHA 0.05

void
html_pvalue (GString *out, double p)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (isnan (p))
    g_string_append (out, "n/a");
  else if (p < 1e-4)
    {
      /* 3.2e-07 reads as 3.2×10⁻⁷ */
      g_ascii_formatd (buf, sizeof buf, "%.1e", p);
      char *e = strchr (buf, 'e');
      *e = '\0';
      int exp = atoi (e + 1);
      g_string_append_printf (out, "%s\xc3\x97" "10<sup>\xe2\x88\x92%d</sup>", buf, -exp);
    }
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.4f", p));
}

/* "holm" -> how the report states it. */
static void
correction_text (GString *out, const char *correction)
{
  if (correction == NULL || *correction == '\0' || strcmp (correction, "none") == 0)
    g_string_append (out, "not adjusted for multiple comparisons");
  else
    {
      g_string_append (out, "adjusted with <strong>");
      html_escape (out, correction);
      g_string_append (out, "</strong>");
    }
}

/* The distinct corrections of rows, first-seen order ("none" for none). */
static GPtrArray *
corrections_of (const TdComparisonRow *const *rows, size_t n)
{
  GPtrArray *out = g_ptr_array_new ();
  for (size_t i = 0; i < n; i++)
    {
      const char *c = rows[i]->correction && *rows[i]->correction ? rows[i]->correction : "none";
      gboolean seen = FALSE;
      for (guint k = 0; k < out->len && !seen; k++)
        seen = strcmp (out->pdata[k], c) == 0;
      if (!seen)
        g_ptr_array_add (out, (gpointer) c);
    }
  return out;
}

/* "adjusted with holm", "adjusted with holm or not adjusted ..." */
static void
corrections_text (GString *out, GPtrArray *corrections)
{
  for (guint k = 0; k < corrections->len; k++)
    {
      if (k)
        g_string_append (out, k + 1 == corrections->len ? " or " : ", ");
      correction_text (out, corrections->pdata[k]);
    }
}

static double
decisive_p (const TdComparisonRow *c)
{
  return isfinite (c->p_adjusted) ? c->p_adjusted : c->p_value;
}

/* The comparisons of label against the baseline on metric, in the
 * report's order. */
static GPtrArray *
find_comparisons (const HtmlDoc *doc, const char *label, const char *metric)
{
  const TdRunReport *r = doc->r;
  GPtrArray *out = g_ptr_array_new ();
  for (size_t i = 0; i < r->n_comparisons; i++)
    {
      const TdComparisonRow *c = &r->comparisons[i];
      if (g_strcmp0 (c->pipeline_a, label) == 0 && g_strcmp0 (c->metric, metric) == 0
          && html_is_baseline (c->pipeline_b, r->baseline))
        g_ptr_array_add (out, (gpointer) c);
    }
  return out;
}

static void
estimate (GString *out, double v, const char *metric)
{
  TdMetricDirection dir = td_metric_direction (metric);
  gboolean better = dir == TD_METRIC_HIGHER_BETTER ? v > 0 : dir == TD_METRIC_LOWER_BETTER ? v < 0 : FALSE;
  gboolean worse = dir == TD_METRIC_HIGHER_BETTER ? v < 0 : dir == TD_METRIC_LOWER_BETTER ? v > 0 : FALSE;
  g_string_append (out, better ? "<span class=\"up\">" : worse ? "<span class=\"down\">" : "<span>");
  if (v > 0)
    g_string_append (out, "+");
  html_number (out, v);
  g_string_append (out, "</span>");
}

/* ------------------------------------------------------------------ glance */

static void
card_open (GString *out, const char *title)
{
  g_string_append (out, "<div class=\"card\"><p class=\"card-title\">");
  g_string_append (out, title);
  g_string_append (out, "</p>");
}

static void
mean_ci (GString *out, const TdSummaryRow *c)
{
  g_string_append (out, "<span class=\"big\">");
  html_number (out, c->mean);
  g_string_append (out, "</span>");
  if (isfinite (c->sd))
    {
      g_string_append (out, " \xc2\xb1\xc2\xa0");
      html_number (out, c->sd);
    }
  double half = html_ci95_half (c->sd, c->n);
  g_string_append (out, "<br><span class=\"na\">");
  if (isfinite (half))
    {
      g_string_append (out, "95\xc2\xa0% CI ");
      html_number (out, c->mean - half);
      g_string_append (out, "\xe2\x80\x93");
      html_number (out, c->mean + half);
      g_string_append (out, ", ");
    }
  g_string_append (out, "n\xc2\xa0=\xc2\xa0");
  html_count (out, c->n);
  g_string_append (out, "</span>");
}

static gint
best_row (const HtmlDoc *doc, guint col)
{
  TdMetricDirection dir = td_metric_direction (doc->metrics->pdata[col]);
  gint best = -1;
  for (guint row = 0; row < doc->labels->len; row++)
    {
      const TdSummaryRow *c = html_doc_cell (doc, row, col);
      if (c == NULL || !isfinite (c->mean))
        continue;
      const TdSummaryRow *b = best >= 0 ? html_doc_cell (doc, (guint) best, col) : NULL;
      if (b == NULL || (dir == TD_METRIC_LOWER_BETTER ? c->mean < b->mean : c->mean > b->mean))
        best = (gint) row;
    }
  return best;
}

void
html_section_glance (GString *out, const HtmlDoc *doc)
{
  const TdRunReport *r = doc->r;
  if (doc->headline < 0)
    return;
  guint col = (guint) doc->headline;
  const char *metric = doc->metrics->pdata[col];
  gint best = best_row (doc, col);
  gint base = -1;
  for (guint row = 0; row < doc->labels->len && base < 0; row++)
    if (doc->baseline[row] && html_doc_cell (doc, row, col))
      base = (gint) row;

  g_string_append (out, "<section id=\"glance\">\n<h2>At a glance</h2>\n<div class=\"cards\">\n");
  card_open (out, "Best by headline metric");
  g_string_append (out, "<p><span class=\"pipeline\">");
  html_escape (out, doc->labels->pdata[best]);
  g_string_append (out, "</span> <code>");
  html_escape (out, metric);
  g_string_append (out, "</code></p><p>");
  mean_ci (out, html_doc_cell (doc, (guint) best, col));
  g_string_append (out, "</p></div>\n");

  if (base >= 0)
    {
      card_open (out, "Baseline");
      g_string_append (out, "<p><span class=\"pipeline\">");
      html_escape (out, doc->labels->pdata[base]);
      g_string_append (out, "</span> <code>");
      html_escape (out, metric);
      g_string_append (out, "</code></p><p>");
      mean_ci (out, html_doc_cell (doc, (guint) base, col));
      g_string_append (out, "</p></div>\n");

      if (best != base)
        {
          card_open (out, "Best vs baseline");
          g_autoptr (GPtrArray) cs = find_comparisons (doc, doc->labels->pdata[best], metric);
          if (cs->len > 0)
            {
              /* The difference of the means; each test's own estimate may be
               * of one test set. */
              const TdSummaryRow *a = html_doc_cell (doc, (guint) best, col);
              const TdSummaryRow *b = html_doc_cell (doc, (guint) base, col);
              g_string_append (out, "<p><span class=\"big\">\xce\x94 ");
              estimate (out, a->mean - b->mean, metric);
              g_string_append (out, "</span></p><table class=\"mini\"><tr><th>test</th>"
                                    "<th class=\"num\">p</th><th class=\"num\">adjusted</th></tr>");
              for (guint k = 0; k < cs->len; k++)
                {
                  const TdComparisonRow *c = cs->pdata[k];
                  gboolean sig = decisive_p (c) < ALPHA;
                  g_string_append (out, sig ? "<tr class=\"sig\"><td>" : "<tr><td>");
                  html_escape (out, c->test);
                  g_string_append (out, "</td><td class=\"num\">");
                  html_pvalue (out, c->p_value);
                  g_string_append (out, "</td><td class=\"num\">");
                  html_pvalue (out, c->p_adjusted);
                  g_string_append (out, "</td></tr>");
                }
              g_autoptr (GPtrArray) corr = corrections_of ((const TdComparisonRow *const *) cs->pdata,
                                                           cs->len);
              g_string_append (out, "</table><p class=\"na\">p ");
              corrections_text (out, corr);
              g_string_append (out, "; bold: significant at \xce\xb1 = 0.05</p>");
            }
          else
            g_string_append (out, "<p class=\"na\">No test against the baseline on this metric "
                                  "(see Significance).</p>");
          g_string_append (out, "</div>\n");
        }
    }

  card_open (out, "Run");
  g_string_append (out, "<p>");
  html_count (out, doc->labels->len);
  g_string_append (out, doc->labels->len == 1 ? " pipeline, " : " pipelines, ");
  html_count (out, r->n_trials);
  g_string_append (out, " trials");
  if (r->n_failed)
    {
      g_string_append (out, " (<a href=\"#failed\">");
      html_count (out, r->n_failed);
      g_string_append (out, " failed</a>)");
    }
  g_string_append (out, "</p>");
  if (r->data && r->data->n_series)
    {
      g_string_append (out, "<p>");
      html_count (out, r->data->n_series);
      g_string_append (out, " series");
      if (r->data->task == TD_TASK_BINARY || r->data->task == TD_TASK_ANOMALY)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          double prev = 100.0 * (double) td_dataset_count_positive (r->data) / (double) r->data->n_series;
          g_string_append_printf (out, ", %s\xc2\xa0%% positive",
                                  g_ascii_formatd (buf, sizeof buf, "%.1f", prev));
        }
      g_string_append (out, "</p>");
    }
  g_string_append (out, "</div>\n</div>\n</section>\n");
}

/* ------------------------------------------------------------ significance */

typedef struct {
  gint pipeline, metric, test;
  size_t index;
  const TdComparisonRow *row;
} SortKey;

static int
sort_key_order (const void *a, const void *b)
{
  const SortKey *x = a, *y = b;
  if (x->pipeline != y->pipeline)
    return x->pipeline < y->pipeline ? -1 : 1;
  if (x->metric != y->metric)
    return x->metric < y->metric ? -1 : 1;
  if (x->test != y->test)
    return x->test < y->test ? -1 : 1;
  return (x->index > y->index) - (x->index < y->index);
}

/* Position of test in compare.tests; tests it does not list (all of them
 * when it is empty) come after, in the report's order. */
static gint
test_rank (const TdRunReport *r, const char *test)
{
  for (size_t i = 0; r->compare_tests && r->compare_tests[i]; i++)
    if (g_strcmp0 (r->compare_tests[i], test) == 0)
      return (gint) i;
  return G_MAXINT;
}

void
html_section_significance (GString *out, const HtmlDoc *doc)
{
  const TdRunReport *r = doc->r;
  if (doc->labels->len < 2 && r->n_comparisons == 0)
    return;
  g_string_append (out, "<section id=\"significance\">\n<h2>Significance against the baseline</h2>\n");
  if (r->baseline == NULL || *r->baseline == '\0')
    {
      g_string_append (out, "<p class=\"note\">No baseline was named, so no pipeline was tested. "
                            "Add <code>compare: { baseline: PIPELINE }</code> to the experiment.</p>\n"
                            "</section>\n");
      return;
    }
  if (r->n_comparisons == 0)
    {
      g_string_append (out, "<p class=\"note\">No comparisons against <strong>");
      html_escape (out, r->baseline);
      g_string_append (out, "</strong> were computed");
      if (r->compare_tests && r->compare_tests[0])
        {
          g_string_append (out, " (tests requested: ");
          for (size_t i = 0; r->compare_tests[i]; i++)
            {
              g_string_append (out, i ? ", " : "");
              g_string_append (out, "<code>");
              html_escape (out, r->compare_tests[i]);
              g_string_append (out, "</code>");
            }
          g_string_append (out, ")");
        }
      g_string_append (out, ".</p>\n</section>\n");
      return;
    }

  /* Rows by pipeline (table order), metric (experiment order), then test
   * (compare.tests order), so each metric's tests sit together. */
  g_autofree const TdComparisonRow **rows = g_new (const TdComparisonRow *, r->n_comparisons);
  g_autofree SortKey *keys = g_new (SortKey, r->n_comparisons);
  for (size_t i = 0; i < r->n_comparisons; i++)
    {
      const TdComparisonRow *c = &r->comparisons[i];
      gint row = html_doc_row (doc, c->pipeline_a), col = html_doc_metric (doc, c->metric);
      keys[i] = (SortKey) { row < 0 ? G_MAXINT : row, col < 0 ? G_MAXINT : col,
                            test_rank (r, c->test), i, c };
    }
  if (r->n_comparisons > 1)
    qsort (keys, r->n_comparisons, sizeof *keys, sort_key_order);
  for (size_t i = 0; i < r->n_comparisons; i++)
    rows[i] = keys[i].row;

  g_autoptr (GPtrArray) corrections = corrections_of (rows, r->n_comparisons);
  g_string_append (out, "<p class=\"note\">Each pipeline against the baseline <strong>");
  html_escape (out, r->baseline);
  g_string_append (out, "</strong>. \xce\x94 = pipeline \xe2\x88\x92 baseline as the test "
                        "estimates it (green: better, orange: worse). p-values are ");
  corrections_text (out, corrections);
  g_string_append (out, " (column <em>correction</em>); bold: adjusted p &lt; 0.05.</p>\n"
                        "<div class=\"scroll\"><table class=\"significance\"><thead><tr>"
                        "<th>Pipeline</th>");
  /* A "vs" column only when the baseline has several variants. */
  gboolean vs = FALSE;
  for (size_t i = 1; i < r->n_comparisons && !vs; i++)
    vs = g_strcmp0 (rows[i]->pipeline_b, rows[0]->pipeline_b) != 0;
  if (vs)
    g_string_append (out, "<th>vs</th>");
  g_string_append (out, "<th>Metric</th><th>Test</th>"
                        "<th class=\"num\">\xce\x94</th><th class=\"num\">Statistic</th>"
                        "<th class=\"num\">p</th><th class=\"num\">Adjusted p</th>"
                        "<th>Correction</th></tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < r->n_comparisons; i++)
    {
      const TdComparisonRow *c = rows[i];
      gboolean sig = decisive_p (c) < ALPHA;
      /* Each (pipeline, baseline, metric) group names them once, under a rule. */
      gboolean first = i == 0 || g_strcmp0 (c->metric, rows[i - 1]->metric) != 0
                       || g_strcmp0 (c->pipeline_a, rows[i - 1]->pipeline_a) != 0
                       || g_strcmp0 (c->pipeline_b, rows[i - 1]->pipeline_b) != 0;
      g_string_append (out, sig && first ? "<tr class=\"sig grp\"><td>" : sig ? "<tr class=\"sig\"><td>"
                                         : first && i ? "<tr class=\"grp\"><td>" : "<tr><td>");
      if (first)
        html_escape (out, c->pipeline_a);
      if (vs)
        {
          g_string_append (out, "</td><td>");
          if (first)
            html_escape (out, c->pipeline_b);
        }
      g_string_append (out, "</td><td>");
      if (first)
        {
          g_string_append (out, "<code>");
          html_escape (out, c->metric);
          g_string_append (out, "</code>");
        }
      g_string_append (out, "</td><td>");
      html_escape (out, c->test);
      g_string_append (out, "</td><td class=\"num\">");
      estimate (out, c->estimate, c->metric);
      g_string_append (out, "</td><td class=\"num\">");
      html_number (out, c->statistic);
      g_string_append (out, "</td><td class=\"num\">");
      html_pvalue (out, c->p_value);
      g_string_append (out, sig ? "</td><td class=\"num\"><strong>" : "</td><td class=\"num\">");
      html_pvalue (out, c->p_adjusted);
      g_string_append (out, sig ? "</strong></td><td>" : "</td><td>");
      html_escape (out, c->correction ? c->correction : "none");
      g_string_append (out, "</td></tr>\n");
    }
  g_string_append (out, "</tbody></table></div>\n</section>\n");
}
