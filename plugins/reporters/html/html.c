/* html — one self-contained report.html a reviewer reads in two minutes.
 *
 * Sections: header (experiment, run folder, times, version, config hash),
 * data summary, results table (mean ± sd (n) per pipeline and metric, best
 * per metric in bold), a dot plot of the headline metric, failed trials (only
 * when some failed), and the resolved configuration. Inline CSS and SVG, no
 * script, no external asset. Every string from the report is escaped. The
 * bytes depend on the report alone (no clock, no locale, no hash order), so
 * the same report gives the same file.
 */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "html_chart.h"
#include "html_data.h"
#include "html_style.h"
#include "html_util.h"

#define HTML_REPORTER_VERSION "1.0.0"
/* A sweep with more rows than this gets the table only: a chart that tall
 * stops being readable at a glance. */
#define CHART_MAX_ROWS 30

/* The results table: rows are pipeline labels, columns metrics. */
typedef struct {
  GPtrArray *labels;              /* char*, owned */
  GPtrArray *metrics;             /* const char*, borrowed from the report */
  const TdSummaryRow **cells;     /* [row * n_metrics + col] or NULL */
  gboolean *baseline;             /* [row] */
} Table;

static void
table_clear (Table *t)
{
  g_clear_pointer (&t->labels, g_ptr_array_unref);
  g_clear_pointer (&t->metrics, g_ptr_array_unref);
  g_clear_pointer (&t->cells, g_free);
  g_clear_pointer (&t->baseline, g_free);
}

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

static gboolean
is_baseline (const char *label, const char *baseline)
{
  if (baseline == NULL || *baseline == '\0')
    return FALSE;
  size_t n = strlen (baseline);
  return strcmp (label, baseline) == 0 || (strncmp (label, baseline, n) == 0 && label[n] == '[');
}

/* Rows: the report's pipeline order, then any label only the summary has;
 * columns likewise from the metric list. */
static void
table_build (Table *t, const TdRunReport *r)
{
  g_autoptr (GHashTable) seen_l = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) seen_m = g_hash_table_new (g_str_hash, g_str_equal);
  t->labels = g_ptr_array_new_with_free_func (g_free);
  t->metrics = g_ptr_array_new ();

  for (size_t i = 0; r->pipelines && r->pipelines[i]; i++)
    intern (t->labels, seen_l, r->pipelines[i], TRUE);
  for (size_t i = 0; r->metrics && r->metrics[i]; i++)
    intern (t->metrics, seen_m, r->metrics[i], FALSE);

  g_autofree guint *row_of = g_new (guint, MAX (r->n_summary, (size_t) 1));
  g_autofree guint *col_of = g_new (guint, MAX (r->n_summary, (size_t) 1));
  for (size_t i = 0; i < r->n_summary; i++)
    {
      g_autofree char *label = html_label (r->summary[i].pipeline, r->summary[i].variant);
      row_of[i] = intern (t->labels, seen_l, label, TRUE);
      col_of[i] = intern (t->metrics, seen_m, r->summary[i].metric ? r->summary[i].metric : "", FALSE);
    }

  guint n_rows = t->labels->len, n_cols = t->metrics->len;
  t->cells = g_new0 (const TdSummaryRow *, MAX (n_rows * n_cols, 1u));
  for (size_t i = 0; i < r->n_summary; i++)
    {
      const TdSummaryRow **cell = &t->cells[row_of[i] * n_cols + col_of[i]];
      if (*cell == NULL)
        *cell = &r->summary[i];
    }
  t->baseline = g_new0 (gboolean, MAX (n_rows, 1u));
  for (guint i = 0; i < n_rows; i++)
    t->baseline[i] = is_baseline (t->labels->pdata[i], r->baseline);
}

/* ------------------------------------------------------------------ header */

static GDateTime *
parse_utc (const char *text)
{
  if (text == NULL)
    return NULL;
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  return g_date_time_new_from_iso8601 (text, utc);
}

/* "2024-05-01 08:00:05" from the runner's ISO 8601 text (which may carry
 * microseconds); the text itself when it does not parse. */
static char *
time_text (const char *text)
{
  g_autoptr (GDateTime) t = parse_utc (text);
  if (t == NULL)
    return g_strdup (text);
  g_autoptr (GDateTime) u = g_date_time_to_utc (t);
  return g_date_time_format (u, "%Y-%m-%d %H:%M:%S");
}

static char *
duration_text (const char *started, const char *finished)
{
  g_autoptr (GDateTime) a = parse_utc (started);
  g_autoptr (GDateTime) b = parse_utc (finished);
  if (a == NULL || b == NULL)
    return NULL;
  GTimeSpan span = g_date_time_difference (b, a);
  if (span < 0)
    return NULL;
  gint64 s = span / G_TIME_SPAN_SECOND;
  if (s < 60)
    return g_strdup_printf ("%" G_GINT64_FORMAT " s", s);
  if (s < 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT " min %" G_GINT64_FORMAT " s", s / 60, s % 60);
  return g_strdup_printf ("%" G_GINT64_FORMAT " h %" G_GINT64_FORMAT " min", s / 3600, (s / 60) % 60);
}

static void
section_header (GString *out, const TdRunReport *r, const char *title)
{
  g_string_append (out, "<header class=\"top\">\n<p class=\"eyebrow\">tundish run report</p>\n<h1>");
  html_escape (out, title);
  g_string_append (out, "</h1>\n<dl class=\"facts\">\n");
  html_fact (out, "Experiment", r->experiment, FALSE);
  html_fact (out, "Run folder", r->run_dir, TRUE);
  g_autofree char *started = time_text (r->started_utc);
  html_fact (out, "Started (UTC)", started, FALSE);
  g_autofree char *took = duration_text (r->started_utc, r->finished_utc);
  g_autofree char *fin = time_text (r->finished_utc);
  g_autofree char *finished = took && fin ? g_strdup_printf ("%s (took %s)", fin, took)
                                          : g_strdup (fin);
  html_fact (out, "Finished (UTC)", finished, FALSE);

  g_string_append (out, "<dt>Trials</dt><dd>");
  html_count (out, r->n_trials);
  if (r->n_failed > 0)
    {
      g_string_append (out, ", ");
      html_count (out, r->n_failed);
      g_string_append (out, " failed");
    }
  g_string_append (out, "</dd>\n");
  html_fact (out, "tundish version", r->tundish_version, FALSE);
  html_fact (out, "Config hash", r->config_hash, TRUE);
  g_string_append (out, "</dl>\n");

  if (r->n_failed > 0)
    {
      g_string_append (out, "<p class=\"banner\">");
      html_count (out, r->n_failed);
      g_string_append (out, " of ");
      html_count (out, r->n_trials);
      g_string_append (out, " trials failed; their results are missing from the summary. "
                            "See <a href=\"#failed\">Failed trials</a>.</p>\n");
    }
  g_string_append (out, "</header>\n");
}

/* ----------------------------------------------------------------- results */

static void
pipeline_cell (GString *out, const char *label, gboolean baseline)
{
  /* "name[variant]": the variant goes on its own, lighter line, breakable
   * after its commas so a long sweep does not widen the column. */
  const char *bracket = strchr (label, '[');
  size_t n = strlen (label);
  gboolean split = bracket && bracket != label && label[n - 1] == ']';
  g_autofree char *name = split ? g_strndup (label, (gsize) (bracket - label)) : g_strdup (label);

  g_string_append (out, "<th scope=\"row\"><span class=\"pipeline\">");
  html_escape (out, name);
  g_string_append (out, "</span>");
  if (baseline)
    g_string_append (out, "<span class=\"badge\">baseline</span>");
  if (split)
    {
      g_autoptr (GString) variant = g_string_new (NULL);
      html_escape (variant, bracket);
      g_string_append (out, "<span class=\"variant\">");
      for (const char *p = variant->str; *p; p++)
        {
          g_string_append_c (out, *p);
          if (*p == ',')
            g_string_append (out, "<wbr>");
        }
      g_string_append (out, "</span>");
    }
  g_string_append (out, "</th>");
}

/* Best mean of column col: max, or min for lower-is-better metrics. NaN when
 * the metric is unranked or fewer than two rows have a finite mean (bolding a
 * lone value says nothing). */
static double
column_best (const Table *t, guint col)
{
  const char *metric = t->metrics->pdata[col];
  MetricDirection dir = html_metric_direction (metric);
  if (dir == METRIC_UNRANKED)
    return NAN;
  guint n_cols = t->metrics->len, n_finite = 0;
  double best = NAN;
  for (guint row = 0; row < t->labels->len; row++)
    {
      const TdSummaryRow *c = t->cells[row * n_cols + col];
      if (c == NULL || !isfinite (c->mean))
        continue;
      n_finite++;
      if (isnan (best) || (dir == METRIC_LOWER_BETTER ? c->mean < best : c->mean > best))
        best = c->mean;
    }
  return n_finite >= 2 ? best : NAN;
}

static void
summary_cell (GString *out, const TdSummaryRow *c, double best)
{
  if (c == NULL)
    {
      g_string_append (out, "<td class=\"num na\">\xe2\x80\x94</td>");
      return;
    }
  gboolean is_best = isfinite (c->mean) && c->mean == best;
  g_string_append (out, is_best ? "<td class=\"num best\"><strong>" : "<td class=\"num\">");
  /* No-break spaces inside "± sd (n)": a narrow window may wrap a cell only
   * between the mean and the ±. */
  html_number (out, c->mean);
  if (isfinite (c->sd))
    {
      g_string_append (out, " <span class=\"sd\">\xc2\xb1\xc2\xa0");
      html_number (out, c->sd);
      g_string_append (out, "</span>");
    }
  g_string_append (out, "\xc2\xa0<span class=\"n\">(");
  html_count (out, c->n);
  g_string_append (out, ")</span>");
  g_string_append (out, is_best ? "</strong></td>" : "</td>");
}

static void
results_head (GString *out, const Table *t)
{
  g_string_append (out, "<thead><tr><th>Pipeline</th>");
  for (guint col = 0; col < t->metrics->len; col++)
    {
      const char *m = t->metrics->pdata[col];
      g_string_append (out, "<th class=\"num\">");
      html_escape (out, m);
      switch (html_metric_direction (m))
        {
        case METRIC_HIGHER_BETTER:
          g_string_append (out, " <span class=\"dir\" title=\"higher is better\">\xe2\x86\x91</span>");
          break;
        case METRIC_LOWER_BETTER:
          g_string_append (out, " <span class=\"dir\" title=\"lower is better\">\xe2\x86\x93</span>");
          break;
        case METRIC_UNRANKED:
          break;
        }
      g_string_append (out, "</th>");
    }
  g_string_append (out, "</tr></thead>\n");
}

/* The first ranked metric with a finite mean somewhere: the experiment
 * lists its headline metric first. */
static gint
chart_metric (const Table *t)
{
  guint n_cols = t->metrics->len;
  for (guint col = 0; col < n_cols; col++)
    {
      if (html_metric_direction (t->metrics->pdata[col]) == METRIC_UNRANKED)
        continue;
      for (guint row = 0; row < t->labels->len; row++)
        {
          const TdSummaryRow *c = t->cells[row * n_cols + col];
          if (c && isfinite (c->mean))
            return (gint) col;
        }
    }
  return -1;
}

static void
results_chart (GString *out, const TdRunReport *r, const Table *t)
{
  gint col = chart_metric (t);
  guint n_rows = t->labels->len, n_cols = t->metrics->len;
  if (col < 0 || n_rows > CHART_MAX_ROWS)
    return;
  g_autofree ChartRow *rows = g_new0 (ChartRow, n_rows);
  for (guint row = 0; row < n_rows; row++)
    rows[row] = (ChartRow) {
      .label = t->labels->pdata[row],
      .summary = t->cells[row * n_cols + (guint) col],
      .baseline = t->baseline[row],
    };
  const char *metric = t->metrics->pdata[col];
  g_string_append (out, "<figure>\n");
  html_chart (out, r, metric, rows, n_rows);
  g_string_append (out, "<figcaption><code>");
  html_escape (out, metric);
  g_string_append (out, "</code> per trial (faint dots), mean (dark dot) and \xc2\xb1 1 sd");
  if (html_metric_direction (metric) == METRIC_LOWER_BETTER)
    g_string_append (out, "; lower is better");
  g_string_append (out, ".</figcaption>\n</figure>\n");
}

static void
section_results (GString *out, const TdRunReport *r, const Table *t)
{
  g_string_append (out, "<section id=\"results\">\n<h2>Results</h2>\n");
  if (t->labels->len == 0 || t->metrics->len == 0)
    {
      g_string_append (out, "<p class=\"note\">No results were recorded.</p>\n</section>\n");
      return;
    }
  g_string_append (out, "<p class=\"note\">Each cell: mean \xc2\xb1 sd over trials (n trials). "
                        "Bold: best mean per metric (\xe2\x86\x91 higher is better, "
                        "\xe2\x86\x93 lower is better).");
  if (r->baseline && *r->baseline)
    {
      g_string_append (out, " Comparisons are against the baseline <strong>");
      html_escape (out, r->baseline);
      g_string_append (out, "</strong>.");
    }
  g_string_append (out, "</p>\n<div class=\"scroll\"><table class=\"results\">\n");
  results_head (out, t);

  guint n_cols = t->metrics->len;
  g_autofree double *best = g_new (double, n_cols);
  for (guint col = 0; col < n_cols; col++)
    best[col] = column_best (t, col);

  g_string_append (out, "<tbody>\n");
  for (guint row = 0; row < t->labels->len; row++)
    {
      g_string_append (out, t->baseline[row] ? "<tr class=\"baseline\">" : "<tr>");
      pipeline_cell (out, t->labels->pdata[row], t->baseline[row]);
      for (guint col = 0; col < n_cols; col++)
        summary_cell (out, t->cells[row * n_cols + col], best[col]);
      g_string_append (out, "</tr>\n");
    }
  g_string_append (out, "</tbody>\n</table></div>\n");
  results_chart (out, r, t);
  g_string_append (out, "</section>\n");
}

/* ------------------------------------------------------- failed and config */

static void
section_failed (GString *out, const TdRunReport *r)
{
  if (r->n_failed == 0)
    return;
  g_string_append (out, "<section id=\"failed\">\n<h2>Failed trials (");
  html_count (out, r->n_failed);
  g_string_append (out, ")</h2>\n<table class=\"failed\"><thead><tr><th>Pipeline</th>"
                        "<th class=\"num\">Repeat</th><th class=\"num\">Fold</th>"
                        "<th>Message</th></tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < r->n_failed; i++)
    {
      const TdFailedTrial *f = &r->failed[i];
      g_autofree char *label = html_label (f->pipeline, f->variant);
      g_string_append (out, "<tr>");
      pipeline_cell (out, label, FALSE);
      g_string_append_printf (out, "<td class=\"num\">%d</td><td class=\"num\">%d</td>"
                                   "<td><pre class=\"msg\">", f->repeat, f->fold);
      html_escape (out, f->message ? f->message : "(no message)");
      g_string_append (out, "</pre></td></tr>\n");
    }
  g_string_append (out, "</tbody></table>\n</section>\n");
}

static void
section_config (GString *out, const TdRunReport *r)
{
  g_string_append (out, "<section id=\"config\">\n<h2>Configuration</h2>\n");
  if (r->config_yaml == NULL)
    {
      g_string_append (out, "<p class=\"note\">The resolved configuration was not recorded.</p>\n"
                            "</section>\n");
      return;
    }
  g_string_append (out, "<details>\n<summary>Resolved configuration");
  if (r->config_hash)
    {
      g_string_append (out, " <span class=\"variant\">(hash ");
      html_escape (out, r->config_hash);
      g_string_append (out, ")</span>");
    }
  g_string_append (out, "</summary>\n<pre>");
  html_escape (out, r->config_yaml);
  g_string_append (out, "</pre>\n</details>\n</section>\n");
}

/* ---------------------------------------------------------------- document */

static char *
render (const TdRunReport *r, const char *title)
{
  Table t = { 0 };
  table_build (&t, r);

  GString *out = g_string_new ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                               "<meta charset=\"utf-8\">\n"
                               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                               "<meta name=\"generator\" content=\"tundish html reporter "
                               HTML_REPORTER_VERSION "\">\n<title>");
  html_escape (out, title);
  g_string_append (out, " \xe2\x80\x94 tundish report</title>\n<style>\n");
  g_string_append (out, html_style);
  g_string_append (out, "</style>\n</head>\n<body>\n<main>\n");

  section_header (out, r, title);
  html_section_data (out, r);
  section_results (out, r, &t);
  section_failed (out, r);
  section_config (out, r);

  g_string_append (out, "<footer>Generated by tundish ");
  html_escape (out, r->tundish_version ? r->tundish_version : "(unknown version)");
  g_string_append (out, " \xc2\xb7 html reporter " HTML_REPORTER_VERSION
                        " \xc2\xb7 self-contained, no external assets</footer>\n"
                        "</main>\n</body>\n</html>\n");
  table_clear (&t);
  return g_string_free (out, FALSE);
}

static gboolean
html_write (const TdParams *params, const TdRunReport *report, GError **error)
{
  if (report->run_dir == NULL)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                           "html: the report has no run folder");
      return FALSE;
    }
  const char *title = params ? td_params_get_string (params, "title") : NULL;
  if (title == NULL || *title == '\0')
    title = report->experiment && *report->experiment ? report->experiment : "tundish run";

  g_autofree char *text = render (report, title);
  g_autofree char *path = g_build_filename (report->run_dir, "report.html", NULL);
  g_autoptr (GError) local = NULL;
  /* Atomic: a temporary file beside path, then rename. */
  if (!g_file_set_contents (path, text, -1, &local))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "html: cannot write %s: %s", path, local->message);
      return FALSE;
    }
  return TRUE;
}

static const TdParamSpec html_params[] = {
  { .name = "title", .type = TD_PARAM_STRING, .default_value = "\"\"",
    .help = "heading of the report; empty uses the experiment name" },
};

static const TdReporterVTable html_vtable = {
  .write = html_write,
};

static const TdPluginDescriptor html_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_REPORTER,
  .name = "html",
  .version = HTML_REPORTER_VERSION,
  .summary = "self-contained report.html: data, results table, failures, configuration",
  .params = html_params,
  .n_params = G_N_ELEMENTS (html_params),
  .vtable = &html_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &html_descriptor : NULL;
}
