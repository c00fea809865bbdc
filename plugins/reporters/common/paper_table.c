/* paper_table.c — see paper_table.h. */
#include "paper_table.h"

#include <math.h>
#include <string.h>

/* The default columns leave out the confusion counts (tp, fp, tn, fn): they
 * have a direction (tundish/metrics.h) but repeat what the rates beside
 * them say, at the size of the test split; asked for, they are ranked. */
static gboolean
is_confusion_count (const char *metric)
{
  const int k = td_binary_metric_index (metric);
  return k >= TD_M_TP && k <= TD_M_FN;
}

char *
paper_label (const char *pipeline, const char *variant)
{
  if (variant == NULL || *variant == '\0')
    return g_strdup (pipeline ? pipeline : "");
  return g_strdup_printf ("%s[%s]", pipeline ? pipeline : "", variant);
}

static gboolean
is_baseline (const char *label, const char *baseline)
{
  if (label == NULL || baseline == NULL || *baseline == '\0')
    return FALSE;
  size_t n = strlen (baseline);
  return strcmp (label, baseline) == 0 || (strncmp (label, baseline, n) == 0 && label[n] == '[');
}

const char *
paper_format (const PaperTable *t, double value, char *buf, size_t size)
{
  char fmt[16];
  g_snprintf (fmt, sizeof fmt, "%%.%df", t->decimals);
  g_ascii_formatd (buf, (int) size, fmt, value);
  /* a rounded -0.0004 is not negative */
  gboolean zero = TRUE;
  for (const char *p = buf; *p && zero; p++)
    zero = *p == '-' || *p == '0' || *p == '.';
  if (zero && buf[0] == '-')
    memmove (buf, buf + 1, strlen (buf));
  return buf;
}

static gint
find (GPtrArray *arr, const char *s)
{
  for (guint i = 0; i < arr->len; i++)
    if (strcmp (arr->pdata[i], s) == 0)
      return (gint) i;
  return -1;
}

static int
stars_of (double p)
{
  return !isfinite (p) ? 0 : p < 0.001 ? 3 : p < 0.01 ? 2 : p < 0.05 ? 1 : 0;
}

void
paper_table_build (PaperTable *t, const TdRunReport *r, const char *const *metrics,
                   size_t n_metrics, int decimals, const char *test)
{
  *t = (PaperTable) { .decimals = CLAMP (decimals, 0, 12) };
  t->labels = g_ptr_array_new_with_free_func (g_free);
  t->metrics = g_ptr_array_new ();
  t->tests = g_ptr_array_new ();

  for (size_t i = 0; r->pipelines && r->pipelines[i]; i++)
    if (find (t->labels, r->pipelines[i]) < 0)
      g_ptr_array_add (t->labels, g_strdup (r->pipelines[i]));
  for (size_t i = 0; i < r->n_summary; i++)
    {
      g_autofree char *label = paper_label (r->summary[i].pipeline, r->summary[i].variant);
      if (find (t->labels, label) < 0)
        g_ptr_array_add (t->labels, g_steal_pointer (&label));
    }
  if (metrics && n_metrics > 0)
    for (size_t i = 0; i < n_metrics; i++)
      {
        if (find (t->metrics, metrics[i]) < 0)
          g_ptr_array_add (t->metrics, (gpointer) metrics[i]);
      }
  else
    for (size_t i = 0; r->metrics && r->metrics[i]; i++)
      if (td_metric_direction (r->metrics[i]) != TD_METRIC_UNRANKED
          && !is_confusion_count (r->metrics[i]) && find (t->metrics, r->metrics[i]) < 0)
        g_ptr_array_add (t->metrics, (gpointer) r->metrics[i]);

  guint n_rows = t->labels->len, n_cols = t->metrics->len;
  t->cells = g_new0 (PaperCell, MAX (n_rows * n_cols, 1u));
  t->baseline = g_new0 (gboolean, MAX (n_rows, 1u));
  for (guint i = 0; i < n_rows; i++)
    t->baseline[i] = is_baseline (t->labels->pdata[i], r->baseline);

  t->n_min = G_MAXSIZE;
  for (size_t i = 0; i < r->n_summary; i++)
    {
      const TdSummaryRow *s = &r->summary[i];
      g_autofree char *label = paper_label (s->pipeline, s->variant);
      gint row = find (t->labels, label), col = s->metric ? find (t->metrics, s->metric) : -1;
      if (row < 0 || col < 0 || t->cells[row * n_cols + col].summary)
        continue;
      t->cells[row * n_cols + col].summary = s;
      const TdSummaryInterval *ci = r->summary_ci ? &r->summary_ci[i] : NULL;
      if (ci && ci->boot_samples && isfinite (ci->boot_low) && isfinite (ci->boot_high))
        {
          t->cells[row * n_cols + col].boot = ci;
          t->boot_samples = MAX (t->boot_samples, ci->boot_samples);
          t->boot_level = ci->level;
        }
      if (isfinite (s->mean))
        {
          t->n_min = MIN (t->n_min, s->n);
          t->n_max = MAX (t->n_max, s->n);
        }
    }
  if (t->n_min == G_MAXSIZE)
    t->n_min = 0;
  /* as the html report says it: group splits resample whole groups */
  t->boot_grouped = r->summary_ci_grouped;

  /* Best per column, on the values as printed. */
  for (guint col = 0; col < n_cols; col++)
    {
      TdMetricDirection dir = td_metric_direction (t->metrics->pdata[col]);
      if (dir == TD_METRIC_UNRANKED)
        continue;
      double best = NAN;
      guint n_finite = 0;
      for (guint row = 0; row < n_rows; row++)
        {
          const TdSummaryRow *s = t->cells[row * n_cols + col].summary;
          if (s == NULL || !isfinite (s->mean))
            continue;
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          double v = g_ascii_strtod (paper_format (t, s->mean, buf, sizeof buf), NULL);
          n_finite++;
          if (isnan (best) || (dir == TD_METRIC_LOWER_BETTER ? v < best : v > best))
            best = v;
        }
      if (n_finite < 2)
        continue;
      for (guint row = 0; row < n_rows; row++)
        {
          PaperCell *c = &t->cells[row * n_cols + col];
          if (c->summary == NULL || !isfinite (c->summary->mean))
            continue;
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          c->best = g_ascii_strtod (paper_format (t, c->summary->mean, buf, sizeof buf), NULL) == best;
        }
    }

  /* The comparison behind each cell's marks. */
  gboolean named = test && *test;
  for (size_t i = 0; i < r->n_comparisons; i++)
    {
      const TdComparisonRow *cmp = &r->comparisons[i];
      if (!is_baseline (cmp->pipeline_b, r->baseline) || cmp->pipeline_a == NULL)
        continue;
      t->any_comparison = TRUE;
      gint row = find (t->labels, cmp->pipeline_a), col = cmp->metric ? find (t->metrics, cmp->metric) : -1;
      if (row < 0 || col < 0 || t->baseline[row])
        continue;
      PaperCell *c = &t->cells[row * n_cols + col];
      gboolean preferred = g_strcmp0 (cmp->test, named ? test : PAPER_PREFERRED_TEST) == 0;
      if (named ? !preferred || c->comparison
                : c->comparison && (!preferred || g_strcmp0 (c->comparison->test, cmp->test) == 0))
        continue;
      c->comparison = cmp;
      c->stars = stars_of (isfinite (cmp->p_adjusted) ? cmp->p_adjusted : cmp->p_value);
    }

  /* The (test, correction) pairs behind the shown marks, in table order. */
  for (guint i = 0; i < n_rows * n_cols; i++)
    {
      const TdComparisonRow *cmp = t->cells[i].comparison;
      gboolean seen = cmp == NULL;
      for (guint k = 0; k < t->tests->len && !seen; k++)
        {
          const TdComparisonRow *o = t->tests->pdata[k];
          seen = g_strcmp0 (o->test, cmp->test) == 0 && g_strcmp0 (o->correction, cmp->correction) == 0;
        }
      if (!seen)
        g_ptr_array_add (t->tests, (gpointer) cmp);
    }
}

void
paper_interval (GString *out, const PaperTable *t, const PaperCell *c,
                void (*number) (GString *out, const PaperTable *t, double v))
{
  if (!c->boot)
    return;
  g_string_append (out, " [");
  number (out, t, c->boot->boot_low);
  g_string_append (out, ", ");
  number (out, t, c->boot->boot_high);
  g_string_append (out, "]");
}

char *
paper_interval_note (const PaperTable *t, const char *percent)
{
  if (!t->boot_samples)
    return NULL;
  char level[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (level, sizeof level, "%g", 100 * t->boot_level);
  return g_strdup_printf ("[low, high]: the %s%s percentile bootstrap interval of the mean "
                          "over %zu resamples of each trial's test predictions (stratified by "
                          "class%s).", level, percent, t->boot_samples,
                          t->boot_grouped ? ", clustered by group" : "");
}

const char *
paper_correction (const TdComparisonRow *c)
{
  return c->correction && *c->correction ? c->correction : "none";
}

GPtrArray *
paper_table_corrections (const PaperTable *t)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint k = 0; k < t->tests->len; k++)
    {
      const char *corr = paper_correction (t->tests->pdata[k]);
      if (find (out, corr) < 0)
        g_ptr_array_add (out, (gpointer) corr);
    }
  return out;
}

void
paper_table_clear (PaperTable *t)
{
  g_clear_pointer (&t->labels, g_ptr_array_unref);
  g_clear_pointer (&t->metrics, g_ptr_array_unref);
  g_clear_pointer (&t->tests, g_ptr_array_unref);
  g_clear_pointer (&t->cells, g_free);
  g_clear_pointer (&t->baseline, g_free);
}

void
paper_trials_phrase (GString *out, const PaperTable *t, const PaperSyntax *sx)
{
  if (t->n_min == t->n_max)
    g_string_append_printf (out, "%zu trial%s", t->n_max, t->n_max == 1 ? "" : "s");
  else
    g_string_append_printf (out, "%zu%s%zu trials", t->n_min, sx->range_dash, t->n_max);
}

/* "TEST, TEST: p adjusted ... with CORR; ..." */
static void
tests_by_correction (GString *out, const PaperTable *t, const PaperSyntax *sx)
{
  g_autoptr (GPtrArray) corrections = paper_table_corrections (t);
  for (guint j = 0; j < corrections->len; j++)
    {
      const char *corr = corrections->pdata[j];
      g_string_append (out, j ? "; " : "");
      guint n = 0;
      for (guint k = 0; k < t->tests->len; k++)
        {
          const TdComparisonRow *c = t->tests->pdata[k];
          if (g_strcmp0 (paper_correction (c), corr) != 0)
            continue;
          g_string_append (out, n++ ? ", " : "");
          sx->test (out, c->test);
        }
      if (strcmp (corr, "none") == 0)
        g_string_append_printf (out, ": %s not adjusted for multiple comparisons", sx->p);
      else
        {
          g_string_append_printf (out, ": %s adjusted for multiple comparisons with ", sx->p);
          sx->name (out, corr);
        }
    }
}

void
paper_footnote (GString *out, const PaperTable *t, const TdRunReport *r, const PaperSyntax *sx)
{
  g_string_append_printf (out, "%sMean %s sd over ", sx->opening, sx->pm);
  paper_trials_phrase (out, t, sx);
  g_string_append_printf (out, " per pipeline; bold: best mean per metric (%s higher, "
                          "%s lower is better).", sx->up, sx->down);
  g_autofree char *note = paper_interval_note (t, sx->percent);
  if (note)
    {
      g_string_append_c (out, ' ');
      g_string_append (out, note);
    }
  if (r->baseline && *r->baseline)
    {
      if (t->tests->len > 0)
        {
          g_string_append (out, " Against the baseline ");
          sx->name (out, r->baseline);
          g_string_append_printf (out, ": %s (", sx->stars);
          tests_by_correction (out, t, sx);
          g_string_append (out, ").");
        }
      else
        g_string_append (out, " No significance tests against the baseline were run.");
    }
  g_string_append (out, "\n");
}
