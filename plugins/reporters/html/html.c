/* html — one self-contained report.html a reviewer reads in two minutes.
 *
 * Sections: header (experiment, run folder, times, version, config hash) with
 * a table of contents, at a glance, data (summary, mechanisms, an example
 * good and defect series per sensor), results (mean ± sd, 95 % CI and n per
 * pipeline and metric, best in bold, a dot plot of the headline metric),
 * significance against the baseline, ROC / precision-recall / calibration,
 * predicted vs true and residual plots (regression), confusion matrices
 * (binary and multiclass), training curves, feature importance, what drives the
 * score (saliency and attention), the parameters that differ between
 * pipelines, timings per stage, failed trials (only when some failed) and
 * provenance.
 * A section with nothing to show is left out. Inline CSS and SVG, no script,
 * no external asset. Every string from the report is escaped. The bytes
 * depend on the report and the run folder's manifest.yaml alone (no clock, no
 * locale, no hash order), so the same run gives the same file.
 */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "html_chart.h"
#include "html_data.h"
#include "html_doc.h"
#include "html_sections.h"
#include "html_style.h"
#include "html_util.h"

#define HTML_REPORTER_VERSION "1.2.0"
/* A sweep with more rows than this gets the table only: a chart that tall
 * stops being readable at a glance. */
#define CHART_MAX_ROWS 30

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
  g_string_append (out, "</h1>\n<dl class=\"facts cols\">\n");
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
column_best (const HtmlDoc *t, guint col)
{
  const char *metric = t->metrics->pdata[col];
  TdMetricDirection dir = td_metric_direction (metric);
  if (dir == TD_METRIC_UNRANKED)
    return NAN;
  guint n_finite = 0;
  double best = NAN;
  for (guint row = 0; row < t->labels->len; row++)
    {
      const TdSummaryRow *c = html_doc_cell (t, row, col);
      if (c == NULL || !isfinite (c->mean))
        continue;
      n_finite++;
      if (isnan (best) || (dir == TD_METRIC_LOWER_BETTER ? c->mean < best : c->mean > best))
        best = c->mean;
    }
  return n_finite >= 2 ? best : NAN;
}

/* The bootstrap interval of summary row c (NULL when the core gave none). */
static const TdSummaryInterval *
boot_interval (const TdRunReport *r, const TdSummaryRow *c)
{
  if (!r->summary_ci || c < r->summary || c >= r->summary + r->n_summary)
    return NULL;
  const TdSummaryInterval *ci = &r->summary_ci[c - r->summary];
  return ci->boot_samples && isfinite (ci->boot_low) && isfinite (ci->boot_high) ? ci : NULL;
}

static void
summary_cell (GString *out, const TdRunReport *r, const TdSummaryRow *c, double best)
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
  g_string_append (out, is_best ? "</strong>" : "");
  double half = isfinite (c->mean) ? html_ci95_half (c->sd, c->n) : NAN;
  if (isfinite (half))
    {
      g_string_append (out, "<span class=\"ci\">[");
      html_number (out, c->mean - half);
      g_string_append (out, ", ");
      html_number (out, c->mean + half);
      g_string_append (out, "]</span>");
    }
  const TdSummaryInterval *ci = boot_interval (r, c);
  if (ci)
    {
      g_string_append (out, "<span class=\"ci boot\" title=\"percentile bootstrap over the "
                            "test sets\">boot [");
      html_number (out, ci->boot_low);
      g_string_append (out, ", ");
      html_number (out, ci->boot_high);
      g_string_append (out, "]</span>");
    }
  g_string_append (out, "</td>");
}

static void
results_head (GString *out, const HtmlDoc *t)
{
  g_string_append (out, "<thead><tr><th>Pipeline</th>");
  for (guint col = 0; col < t->metrics->len; col++)
    {
      const char *m = t->metrics->pdata[col];
      g_string_append (out, "<th class=\"num\">");
      html_escape (out, m);
      switch (td_metric_direction (m))
        {
        case TD_METRIC_HIGHER_BETTER:
          g_string_append (out, " <span class=\"dir\" title=\"higher is better\">\xe2\x86\x91</span>");
          break;
        case TD_METRIC_LOWER_BETTER:
          g_string_append (out, " <span class=\"dir\" title=\"lower is better\">\xe2\x86\x93</span>");
          break;
        case TD_METRIC_UNRANKED:
          break;
        }
      g_string_append (out, "</th>");
    }
  g_string_append (out, "</tr></thead>\n");
}

static void
results_chart (GString *out, const TdRunReport *r, const HtmlDoc *t)
{
  gint col = t->headline;
  guint n_rows = t->labels->len;
  if (col < 0 || n_rows > CHART_MAX_ROWS)
    return;
  g_autofree ChartRow *rows = g_new0 (ChartRow, n_rows);
  for (guint row = 0; row < n_rows; row++)
    rows[row] = (ChartRow) {
      .label = t->labels->pdata[row],
      .summary = html_doc_cell (t, row, (guint) col),
      .baseline = t->baseline[row],
    };
  const char *metric = t->metrics->pdata[col];
  g_string_append (out, "<figure>\n");
  html_chart (out, r, metric, rows, n_rows);
  g_string_append (out, "<figcaption><code>");
  html_escape (out, metric);
  g_string_append (out, "</code> per trial (faint dots), mean (dark dot) and \xc2\xb1 1 sd");
  if (td_metric_direction (metric) == TD_METRIC_LOWER_BETTER)
    g_string_append (out, "; lower is better");
  g_string_append (out, ".</figcaption>\n</figure>\n");
}

static void
section_results (GString *out, const TdRunReport *r, const HtmlDoc *t)
{
  g_string_append (out, "<section id=\"results\">\n<h2>Results</h2>\n");
  if (t->labels->len == 0 || t->metrics->len == 0)
    {
      g_string_append (out, "<p class=\"note\">No results were recorded.</p>\n</section>\n");
      return;
    }
  g_string_append (out, "<p class=\"note\">Each cell: mean \xc2\xb1 sd over trials (n trials) "
                        "and [the t-based 95\xc2\xa0% confidence interval of the mean], "
                        "mean \xc2\xb1 t<sub>0.975, n\xe2\x88\x92" "1</sub>\xc2\xb7sd/\xe2\x88\x9an; it "
                        "treats trials as independent, which overlapping training sets are not, "
                        "so read it as a lower bound on the uncertainty. "
                        "Bold: best mean per metric (\xe2\x86\x91 higher is better, "
                        "\xe2\x86\x93 lower is better).");
  size_t B = r->summary_ci && r->n_summary ? r->summary_ci[0].boot_samples : 0;
  if (B)
    g_string_append_printf (out, " boot [\xe2\x80\xa6]: the 95\xc2\xa0%% percentile bootstrap "
                            "interval of the mean over %zu resamples of each trial\xe2\x80\x99s "
                            "test predictions (stratified by class%s): the uncertainty from the "
                            "finite test sets, for these fitted models.", B,
                            r->summary_ci_grouped
                              ? ", clustered by group" : "");
  if (r->baseline && *r->baseline)
    {
      g_string_append (out, " Comparisons are against the baseline <strong>");
      html_escape (out, r->baseline);
      g_string_append (out, "</strong> (<a href=\"#significance\">Significance</a>).");
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
        summary_cell (out, r, html_doc_cell (t, row, col), best[col]);
      g_string_append (out, "</tr>\n");
    }
  g_string_append (out, "</tbody>\n</table></div>\n");
  results_chart (out, r, t);
  g_string_append (out, "</section>\n");
}

/* ------------------------------------------------------------------ failed */

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

/* ---------------------------------------------------------------- document */

typedef struct {
  const char *id, *title;
  GString *body;
} Section;

static void
section_add (GArray *sections, const char *id, const char *title, GString *body)
{
  Section sec = { id, title, body };
  g_array_append_val (sections, sec);
}

/* Links to the sections present, so a reader jumps to what they need. */
static void
nav (GString *out, GArray *sections)
{
  g_string_append (out, "<nav class=\"toc\">");
  for (guint k = 0; k < sections->len; k++)
    {
      const Section *sec = &g_array_index (sections, Section, k);
      if (sec->body->len == 0)
        continue;
      g_string_append_printf (out, "<a href=\"#%s\">%s</a>", sec->id, sec->title);
    }
  g_string_append (out, "</nav>\n");
}

static char *
render (const TdRunReport *r, const char *title)
{
  HtmlDoc doc;
  html_doc_init (&doc, r);

  GString *out = g_string_new ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                               "<meta charset=\"utf-8\">\n"
                               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                               "<meta name=\"generator\" content=\"tundish html reporter "
                               HTML_REPORTER_VERSION "\">\n<title>");
  html_escape (out, title);
  g_string_append (out, " \xe2\x80\x94 tundish report</title>\n<style>\n");
  g_string_append (out, html_style);
  g_string_append (out, "</style>\n</head>\n<body>\n<main>\n");

  /* Sections are rendered first so the table of contents lists only those
   * with something to show. */
  g_autoptr (GArray) sections = g_array_new (FALSE, FALSE, sizeof (Section));
  GString *b;
  html_section_glance (b = g_string_new (NULL), &doc);
  section_add (sections, "glance", "At a glance", b);
  html_section_data (b = g_string_new (NULL), r);
  section_add (sections, "data", "Data", b);
  section_results (b = g_string_new (NULL), r, &doc);
  section_add (sections, "results", "Results", b);
  html_section_targets (b = g_string_new (NULL), &doc);
  section_add (sections, "targets", "Targets", b);
  html_section_significance (b = g_string_new (NULL), &doc);
  section_add (sections, "significance", "Significance", b);
  html_section_thresholds (b = g_string_new (NULL), &doc);
  section_add (sections, "thresholds", "Alarm thresholds", b);
  html_section_drift (b = g_string_new (NULL), &doc);
  section_add (sections, "drift", "Data drift", b);
  html_section_curves (b = g_string_new (NULL), &doc);
  section_add (sections, "curves", "ROC \xc2\xb7 PR \xc2\xb7 calibration", b);
  html_section_regression (b = g_string_new (NULL), &doc);
  section_add (sections, "regression", "Predictions \xc2\xb7 residuals", b);
  html_section_confusion (b = g_string_new (NULL), &doc);
  section_add (sections, "confusion", "Confusion", b);
  html_section_training (b = g_string_new (NULL), &doc);
  section_add (sections, "training", "Training curves", b);
  html_section_importance (b = g_string_new (NULL), &doc);
  section_add (sections, "importance", "Feature importance", b);
  html_section_drivers (b = g_string_new (NULL), &doc);
  section_add (sections, "drivers", "What drives the score", b);
  html_section_root_cause (b = g_string_new (NULL), &doc);
  section_add (sections, "root-cause", "Root cause", b);
  html_section_pipelines (b = g_string_new (NULL), &doc);
  section_add (sections, "pipelines", "Pipelines", b);
  html_section_timing (b = g_string_new (NULL), &doc);
  section_add (sections, "timing", "Timings", b);
  section_failed (b = g_string_new (NULL), r);
  section_add (sections, "failed", "Failed trials", b);
  html_section_provenance (b = g_string_new (NULL), &doc);
  section_add (sections, "provenance", "Provenance", b);

  section_header (out, r, title);
  nav (out, sections);
  for (guint k = 0; k < sections->len; k++)
    {
      GString *body = g_array_index (sections, Section, k).body;
      g_string_append_len (out, body->str, (gssize) body->len);
      g_string_free (body, TRUE);
    }

  g_string_append (out, "<footer>Generated by tundish ");
  html_escape (out, r->tundish_version ? r->tundish_version : "(unknown version)");
  g_string_append (out, " \xc2\xb7 html reporter " HTML_REPORTER_VERSION
                        " \xc2\xb7 self-contained, no external assets</footer>\n"
                        "</main>\n</body>\n</html>\n");
  html_doc_clear (&doc);
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
  if (!td_file_write_atomic (path, text, -1, &local))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "html: %s", local->message);
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
  .summary = "self-contained report.html: data, results with CIs, significance, curves, provenance",
  .params = html_params,
  .n_params = G_N_ELEMENTS (html_params),
  .vtable = &html_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &html_descriptor : NULL;
}
