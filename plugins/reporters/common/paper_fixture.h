/* paper_fixture.h — the hand-built run report both paper-table tests
 * (test_latex.c, test_markdown.c) render; header-only, test-internal.
 *
 * Three pipelines, logistic the baseline; roc_auc, brier, and n, tp and fp
 * (n unranked; tp and fp, confusion counts, not a column by default; asked
 * for, gbdt's are the best of their columns). On roc_auc gbdt has two tests: delong
 * (listed first, adjusted p 0.0002) and ttest (preferred by default,
 * adjusted p 0.004: **); lstm has delong only (not significant). On brier
 * gbdt has an unadjusted bootstrap p of 0.0004 (***). The sweep variant's
 * name carries characters both formats must escape. fixture_summary_ci
 * gives the bootstrap intervals a run with summary: bootstrap computes. */
#pragma once

#include <math.h>
#include <glib/gstdio.h>
#include <tundish/tundish.h>

static const char *const fixture_metrics[] = { "roc_auc", "brier", "n", "tp", "fp", NULL };
static const char *const fixture_pipelines[] = { "gbdt", "lstm[hidden_size=32,tag=a_b&c]",
                                                 "logistic", NULL };

static const TdSummaryRow fixture_summary[] = {
  { "gbdt", "", "roc_auc", 0.90213, 0.0081, 3 },
  { "gbdt", "", "brier", 0.0834, 0.0071, 3 },
  { "gbdt", "", "n", 240, 0, 3 },
  { "gbdt", "", "tp", 30, 1, 3 },
  { "gbdt", "", "fp", 3, 1, 3 },
  { "lstm", "hidden_size=32,tag=a_b&c", "roc_auc", 0.9018, 0.02, 3 },
  { "lstm", "hidden_size=32,tag=a_b&c", "brier", NAN, NAN, 0 },
  { "lstm", "hidden_size=32,tag=a_b&c", "n", 240, 0, 3 },
  { "logistic", "", "roc_auc", 0.881, 0.014, 3 },
  { "logistic", "", "brier", 0.0904, 0.0062, 3 },
  { "logistic", "", "n", 240, 0, 3 },
  { "logistic", "", "tp", 28, 2, 3 },
  { "logistic", "", "fp", 5, 2, 3 },
};

/* Bootstrap intervals parallel to fixture_summary (as summary.csv's
 * boot_low, boot_high): lstm's roc_auc has none (NaN), the counts none
 * computed (0 samples). */
static const TdSummaryInterval fixture_summary_ci[] = {
  { 0.95, 0.8910, 0.9133, 0.88712, 0.91649, 2000 },
  { 0.95, 0.0658, 0.1010, 0.07504, 0.09187, 2000 },
  { 0.95, NAN, NAN, NAN, NAN, 0 },
  { 0.95, NAN, NAN, NAN, NAN, 0 },
  { 0.95, NAN, NAN, NAN, NAN, 0 },
  { 0.95, 0.8521, 0.9515, NAN, NAN, 2000 },
  { 0.95, NAN, NAN, NAN, NAN, 2000 },
  { 0.95, NAN, NAN, NAN, NAN, 0 },
  { 0.95, 0.8462, 0.9158, 0.86349, 0.89751, 2000 },
  { 0.95, 0.0750, 0.1058, -0.00004, 0.10032, 2000 },
  { 0.95, NAN, NAN, NAN, NAN, 0 },
  { 0.95, NAN, NAN, NAN, NAN, 0 },
  { 0.95, NAN, NAN, NAN, NAN, 0 },
};
G_STATIC_ASSERT (G_N_ELEMENTS (fixture_summary_ci) == G_N_ELEMENTS (fixture_summary));

static const TdComparisonRow fixture_comparisons[] = {
  { "gbdt", "logistic", "roc_auc", "delong", 0.021, 3.9, 0.0001, "holm", 0.0002 },
  { "lstm[hidden_size=32,tag=a_b&c]", "logistic", "roc_auc", "delong", 0.0208, 1.2, 0.35,
    "holm", 0.35 },
  { "gbdt", "logistic", "brier", "bootstrap", -0.007, -3.6, 0.0004, "none", NAN },
  { "gbdt", "logistic", "roc_auc", "ttest", 0.021, 5.1, 0.002, "holm", 0.004 },
};

static TdRunReport
fixture_report (const char *dir, gboolean with_comparisons)
{
  return (TdRunReport) {
    .experiment = "casting_line #3",
    .run_dir = dir,
    .metrics = fixture_metrics,
    .pipelines = fixture_pipelines,
    .baseline = "logistic",
    .summary = fixture_summary, .n_summary = G_N_ELEMENTS (fixture_summary),
    .n_trials = 9,
    .tundish_version = "0.1.0",
    .comparisons = with_comparisons ? fixture_comparisons : NULL,
    .n_comparisons = with_comparisons ? G_N_ELEMENTS (fixture_comparisons) : 0,
  };
}

/* The report's file name in dir after write(), read back and removed;
 * experiment (NULL: the fixture's) names the experiment; with_ci adds the
 * bootstrap intervals of fixture_summary_ci and a grouped split. */
static char *
fixture_render_full (const TdReporterVTable *v, const TdParams *params,
                     gboolean with_comparisons, const char *file, const char *experiment,
                     gboolean with_ci)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("td-paper-XXXXXX", &error);
  g_assert_no_error (error);
  TdRunReport r = fixture_report (dir, with_comparisons);
  if (experiment)
    r.experiment = experiment;
  if (with_ci)
    {
      r.summary_ci = fixture_summary_ci;
      r.split_method = "group_holdout";
      r.summary_ci_grouped = TRUE;
    }
  g_assert_true (v->write (params, &r, &error));
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);   /* no temporary file left */
  return text;
}

static G_GNUC_UNUSED char *
fixture_render_named (const TdReporterVTable *v, const TdParams *params,
                      gboolean with_comparisons, const char *file, const char *experiment)
{
  return fixture_render_full (v, params, with_comparisons, file, experiment, FALSE);
}

static G_GNUC_UNUSED char *
fixture_render (const TdReporterVTable *v, const TdParams *params, gboolean with_comparisons,
                const char *file)
{
  return fixture_render_named (v, params, with_comparisons, file, NULL);
}

/* An experiment name with terminal escapes (a window title, clear screen,
 * a bell, DEL and a C1 CSI): `cat results.md` must not obey them. */
#define FIXTURE_ESCAPES "line\x1b]0;t\x07\x1b[2J\x7f\xc2\x9bx"

static G_GNUC_UNUSED void
fixture_assert_no_controls (const char *text)
{
  for (const unsigned char *c = (const unsigned char *) text; *c; c++)
    g_assert_true (!((*c < 0x20 && *c != '\n') || *c == 0x7f
                     || (*c == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f)));
}
