/* Tests of the html reporter: escaping, summary cells, lower-is-better
 * bolding, the failed-trials section, the data summary, the title parameter
 * and byte-determinism.
 *
 * Set TD_HTML_DEMO_DIR to a folder to also write the fixture's report.html
 * there for a look in a browser (not needed by the tests). */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <tundish/tundish.h>

#include "html_util.h"

#define EVIL "<script>alert('x')</script>"
#define EVIL_ESCAPED "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"

static const TdReporterVTable *
vtable (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_assert_nonnull (d);
  g_assert_null (td_plugin_descriptor (1));
  g_assert_cmpint (d->kind, ==, TD_KIND_REPORTER);
  g_assert_cmpstr (d->name, ==, "html");
  return d->vtable;
}

static const char *const metrics[] = { "roc_auc", "brier", "n", NULL };
static const char *const pipelines[] = { "gbdt", "lstm[hidden_size=32]", EVIL, NULL };

static const TdSummaryRow summary[] = {
  { "gbdt", "", "roc_auc", 0.8126, 0.015, 5 },
  { "gbdt", "", "brier", 0.1, 0.01, 5 },
  { "gbdt", "", "n", 240, 0, 5 },
  { "lstm", "hidden_size=32", "roc_auc", 0.79, 0.02, 4 },
  { "lstm", "hidden_size=32", "brier", 0.08, 0.01, 4 },
  { "lstm", "hidden_size=32", "n", 240, 0, 4 },
  { EVIL, "", "roc_auc", 0.5, NAN, 1 },
  { EVIL, "", "brier", 0.25, NAN, 1 },
  { EVIL, "", "n", 240, NAN, 1 },
};

/* Parallel to summary: only lstm's roc_auc has a bootstrap interval. */
#define NO_CI { 0.95, NAN, NAN, NAN, NAN, 1000 }
static const TdSummaryInterval summary_ci[] = {
  NO_CI, NO_CI, NO_CI,
  { 0.95, NAN, NAN, 0.75, 0.83, 1000 }, NO_CI, NO_CI,
  NO_CI, NO_CI, NO_CI,
};

static const TdResultRow results[] = {
  { "gbdt", "", "roc_auc", 0, 0, 0.80 },
  { "gbdt", "", "roc_auc", 1, 0, 0.83 },
  { "gbdt", "", "roc_auc", 2, 0, 0.81 },
  { "gbdt", "", "roc_auc", 3, 0, 0.82 },
  { "gbdt", "", "roc_auc", 4, 0, 0.8025 },
  { "lstm", "hidden_size=32", "roc_auc", 0, 0, 0.77 },
  { "lstm", "hidden_size=32", "roc_auc", 1, 0, 0.81 },
  { "lstm", "hidden_size=32", "roc_auc", 2, 0, 0.78 },
  { "lstm", "hidden_size=32", "roc_auc", 3, 0, 0.80 },
  { EVIL, "", "roc_auc", 0, 0, 0.5 },
};

static const TdFailedTrial failed[] = {
  { "lstm", "hidden_size=32", 4, 0, "fit: loss is NaN at epoch 7 (lr 0.1 & <clip> off)" },
};

static TdDataset *
dataset (void)
{
  TdDataset *d = td_dataset_new (10, 50, 3, TD_TASK_BINARY, 2);
  td_dataset_set_channel_name (d, 0, "mold_level");
  td_dataset_set_channel_name (d, 1, "casting_speed");
  td_dataset_set_channel_name (d, 2, "\"odd\" & <name>");
  const char *mech[10] = { "none", "none", "none", "none", "none", "none", "none",
                           "clogging", "clogging", "breakout" };
  for (size_t s = 7; s < 10; s++)
    d->y[s] = 1.0;
  td_dataset_add_meta_str (d, "mechanism", mech);
  return d;
}

static TdRunReport
make_report (const char *dir, const TdDataset *data, gboolean with_failures)
{
  return (TdRunReport) {
    .experiment = "steel-casting & friends",
    .config_yaml = "experiment: steel-casting & friends\nseed: 42\nnote: \"<b>not bold</b>\"\n",
    .config_hash = "1a2b3c4d",
    .run_dir = dir,
    .started_utc = "2024-05-01T12:00:00Z",
    .finished_utc = "2024-05-01T12:14:29.75Z",   /* microseconds, as the runner writes */
    .generator = "steel_casting",
    .data = data,
    .split_method = "stratified_holdout",
    .n_train = 7, .n_valid = 1, .n_test = 2,
    .metrics = metrics,
    .pipelines = pipelines,
    .baseline = "gbdt",
    .results = results, .n_results = G_N_ELEMENTS (results),
    .summary = summary, .n_summary = G_N_ELEMENTS (summary), .summary_ci = summary_ci,
    .failed = with_failures ? failed : NULL,
    .n_failed = with_failures ? G_N_ELEMENTS (failed) : 0,
    .n_trials = 11,
    .tundish_version = "0.1.0",
  };
}

/* Write the report into dir (a fresh folder when NULL) and return
 * report.html's text. */
static char *
render_in (const char *dir, const TdParams *params, gboolean with_failures)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = dir ? NULL : g_dir_make_tmp ("td-html-XXXXXX", &error);
  g_assert_no_error (error);
  if (tmp)
    dir = tmp;
  g_autoptr (TdDataset) data = dataset ();
  TdRunReport r = make_report (dir, data, with_failures);

  g_assert_true (vtable ()->write (params, &r, &error));
  g_assert_no_error (error);

  g_autofree char *path = g_build_filename (dir, "report.html", NULL);
  char *text = NULL;
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_unlink (path);
  if (tmp)
    g_assert_cmpint (g_rmdir (tmp), ==, 0);   /* no temporary file left behind */
  return text;
}

static char *
render (const TdParams *params, gboolean with_failures)
{
  return render_in (NULL, params, with_failures);
}

static TdParams *
default_params (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_autoptr (GError) error = NULL;
  TdParams *p = td_params_new_defaults (d->params, d->n_params, &error);
  g_assert_no_error (error);
  return p;
}

static size_t
count (const char *haystack, const char *needle)
{
  size_t n = 0;
  for (const char *p = strstr (haystack, needle); p; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
assert_contains (const char *html, const char *needle)
{
  if (strstr (html, needle) == NULL)
    g_error ("report.html lacks: %s", needle);
}

static void
test_escaping (void)
{
  g_autoptr (TdParams) p = default_params ();
  g_autofree char *html = render (p, TRUE);
  g_autofree char *lower = g_ascii_strdown (html, -1);

  g_assert_null (strstr (lower, "<script"));   /* nothing executable, ever */
  assert_contains (html, EVIL_ESCAPED);
  assert_contains (html, "&lt;b&gt;not bold&lt;/b&gt;");
  assert_contains (html, "steel-casting &amp; friends");
  assert_contains (html, "<code>&quot;odd&quot; &amp; &lt;name&gt;</code>");
  assert_contains (html, "(lr 0.1 &amp; &lt;clip&gt; off)");
  g_assert_null (strstr (html, "<b>not bold"));
  g_assert_null (strstr (html, "<clip>"));
}

static void
test_summary_cells (void)
{
  g_autoptr (TdParams) p = default_params ();
  g_autofree char *html = render (p, FALSE);

  /* best roc_auc: gbdt (max) */
  /* t(0.975, 4) = 2.776445: 0.8126 ± 2.776445 · 0.015 / √5 = [0.7940, 0.8312] */
  assert_contains (html, "<td class=\"num best\"><strong>0.813 <span class=\"sd\">\xc2\xb1\xc2\xa0" "0.015"
                         "</span>\xc2\xa0<span class=\"n\">(5)</span></strong>"
                         "<span class=\"ci\">[0.794, 0.831]</span></td>");
  /* lstm roc_auc: plain cell, with its n; t(0.975, 3) = 3.182446: 0.79 ± 0.0318 */
  assert_contains (html, "<td class=\"num\">0.790 <span class=\"sd\">\xc2\xb1\xc2\xa0" "0.020</span>\xc2\xa0"
                         "<span class=\"n\">(4)</span><span class=\"ci\">[0.758, 0.822]</span>"
                         "<span class=\"ci boot\" title=\"percentile bootstrap over the test "
                         "sets\">boot [0.750, 0.830]</span></td>");
  assert_contains (html, "interval of the mean over 1000 resamples");
  /* sd undefined (NaN): mean and n only, no interval */
  assert_contains (html, "<td class=\"num\">0.500\xc2\xa0<span class=\"n\">(1)</span></td>");
  /* whole counts print without decimals */
  assert_contains (html, "<td class=\"num\">240 <span class=\"sd\">\xc2\xb1\xc2\xa0" "0.000</span>");
  assert_contains (html, "<tr class=\"baseline\"><th scope=\"row\"><span class=\"pipeline\">gbdt"
                         "</span><span class=\"badge\">baseline</span></th>");
  assert_contains (html, "<span class=\"pipeline\">lstm</span><span class=\"variant\">"
                         "[hidden_size=32]</span></th>");
  /* columns in the experiment's order, with their direction */
  const char *a = strstr (html, ">roc_auc <span class=\"dir\" title=\"higher is better\">");
  const char *b = strstr (html, ">brier <span class=\"dir\" title=\"lower is better\">");
  const char *c = strstr (html, "<th class=\"num\">n</th>");
  g_assert_true (a && b && c && a < b && b < c);
}

static void
test_lower_is_better_bold (void)
{
  g_autoptr (TdParams) p = default_params ();
  g_autofree char *html = render (p, FALSE);

  /* brier: lstm's 0.08 is best although its roc_auc is not */
  assert_contains (html, "<td class=\"num best\"><strong>0.080 <span class=\"sd\">");
  assert_contains (html, "<td class=\"num\">0.100 <span class=\"sd\">");
  assert_contains (html, "<td class=\"num\">0.250\xc2\xa0<span class=\"n\">");
  /* one bold cell per ranked metric; n is unranked */
  g_assert_cmpuint (count (html, "num best"), ==, 2);
}

static void
test_failed_section_only_when_failed (void)
{
  g_autoptr (TdParams) p = default_params ();
  g_autofree char *with = render (p, TRUE);
  g_autofree char *without = render (p, FALSE);

  assert_contains (with, "<section id=\"failed\">");
  assert_contains (with, "<h2>Failed trials (1)</h2>");
  assert_contains (with, "<td class=\"num\">4</td><td class=\"num\">0</td>");
  assert_contains (with, "1 of 11 trials failed");
  g_assert_null (strstr (without, "id=\"failed\""));
  g_assert_null (strstr (without, "Failed trials"));
  g_assert_null (strstr (without, "failed"));
}

static void
test_data_summary (void)
{
  g_autoptr (TdParams) p = default_params ();
  g_autofree char *html = render (p, FALSE);

  assert_contains (html, "<dt>Shape</dt><dd>10 series \xc3\x97 50 steps \xc3\x97 3 channels</dd>");
  assert_contains (html, "<dt>Positives</dt><dd>3 of 10 (prevalence 30.0\xc2\xa0%)</dd>");
  assert_contains (html, "<code>stratified_holdout</code>: train 7 \xc2\xb7 valid 1 \xc2\xb7 test 2");
  /* mechanisms by count, then name */
  const char *none = strstr (html, "<tr><td>none</td><td class=\"num\">7</td>"
                                   "<td class=\"num\">70.0\xc2\xa0%</td><td class=\"num\">0</td></tr>");
  const char *clog = strstr (html, "<tr><td>clogging</td><td class=\"num\">2</td>"
                                   "<td class=\"num\">20.0\xc2\xa0%</td><td class=\"num\">2</td></tr>");
  const char *brk = strstr (html, "<tr><td>breakout</td><td class=\"num\">1</td>");
  g_assert_true (none && clog && brk && none < clog && clog < brk);
  assert_contains (html, "<dt>Started (UTC)</dt><dd>2024-05-01 12:00:00</dd>");
  assert_contains (html, "<dt>Finished (UTC)</dt><dd>2024-05-01 12:14:29 (took 14 min 29 s)</dd>");
  assert_contains (html, "<details>");
}

static void
test_title (void)
{
  g_autoptr (TdParams) p = default_params ();
  g_autofree char *dflt = render (p, FALSE);
  assert_contains (dflt, "<h1>steel-casting &amp; friends</h1>");
  assert_contains (dflt, "<title>steel-casting &amp; friends \xe2\x80\x94 tundish report</title>");

  g_autoptr (GError) error = NULL;
  g_assert_true (td_params_set_text (p, "title", "Casting <review>", &error));
  g_autofree char *custom = render (p, FALSE);
  assert_contains (custom, "<h1>Casting &lt;review&gt;</h1>");
}

static void
test_deterministic (void)
{
  g_autoptr (TdParams) p = default_params ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("td-html-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *a = render_in (dir, p, TRUE);
  g_autofree char *b = render_in (dir, p, TRUE);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_minimal_report (void)
{
  /* Nothing but a folder: every section copes with absent fields. */
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("td-html-XXXXXX", &error);
  TdRunReport r = { .run_dir = dir };
  g_assert_true (vtable ()->write (NULL, &r, &error));
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "report.html", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  assert_contains (text, "<h1>tundish run</h1>");
  assert_contains (text, "No results were recorded.");
  g_unlink (path);
  g_rmdir (dir);

  TdRunReport none = { 0 };
  g_assert_false (vtable ()->write (NULL, &none, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
}


/* ---------------------------------------------------- alarm thresholds */

/* An anomaly run: one pipeline within FPR 0.05 at pot (mean 0.02, upper
 * bound too), one that misses at mad; no section without fpr_ metrics. */
static void
test_thresholds (void)
{
  static const char *const am[] = { "roc_auc", "fpr_pot", "recall_pot", "fpr_mad",
                                    "recall_mad", NULL };
  static const char *const ap[] = { "iforest", "gbdt", NULL };
  static const TdSummaryRow as[] = {
    { "iforest", "", "roc_auc", 0.75, 0.03, 5 }, { "iforest", "", "fpr_pot", 0.02, 0.005, 5 },
    { "iforest", "", "recall_pot", 0.16, 0.08, 5 }, { "iforest", "", "fpr_mad", 0.04, 0.03, 5 },
    { "iforest", "", "recall_mad", 0.13, 0.04, 5 },
    { "gbdt", "", "roc_auc", 0.85, 0.04, 5 }, { "gbdt", "", "fpr_pot", 0.03, 0.01, 5 },
    { "gbdt", "", "recall_pot", 0.35, 0.08, 5 }, { "gbdt", "", "fpr_mad", 0.263, 0.02, 5 },
    { "gbdt", "", "recall_mad", 0.795, 0.05, 5 },
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("td-html-XXXXXX", &error);
  TdRunReport r = { .run_dir = dir, .experiment = "anomaly", .metrics = am, .pipelines = ap,
                    .summary = as, .n_summary = G_N_ELEMENTS (as), .n_trials = 10 };
  g_assert_true (vtable ()->write (NULL, &r, &error));
  g_autofree char *path = g_build_filename (dir, "report.html", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  assert_contains (text, "<section id=\"thresholds\">");
  /* four rows: two meet, gbdt's mad misses; iforest's mad (0.04 ± 0.03)
   * meets only by its mean, its pot by the upper bound too */
  g_assert_cmpuint (count (text, "<strong>misses</strong>"), ==, 1);
  g_assert_cmpuint (count (text, "meets (95&nbsp;% upper too)"), ==, 2);
  g_assert_cmpuint (count (text, "<td>meets</td>"), ==, 1);
  assert_contains (text, "recall against false positive rate");
  g_unlink (path);

  TdRunReport plain = make_report (dir, NULL, FALSE);
  g_assert_true (vtable ()->write (NULL, &plain, &error));
  g_autofree char *again = NULL;
  g_assert_true (g_file_get_contents (path, &again, NULL, NULL));
  g_assert_null (strstr (again, "id=\"thresholds\""));
  g_unlink (path);
  g_rmdir (dir);
}

/* ------------------------------------------------------------ data drift */

/* drift.csv in the run folder: two rows, one drifting (marked), no section
 * without the file. */
static void
test_drift (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("td-html-XXXXXX", &error);
  g_autofree char *csv = g_build_filename (dir, "drift.csv", NULL);
  const char *rows =
    "repeat,fold,channel,summary,n_ref,n_new,ks,p_ks,p_ks_holm,wasserstein,mmd2,"
    "mmd_bandwidth,p_mmd,p_mmd_holm\n"
    "0,0,mold_temperature,mean,480,120,0.375,1.6e-12,1.6e-11,3.13,0.134,3.9,0.001,0.01\n"
    "0,0,<superheat>,std,480,120,0.12,0.07,0.69,0.07,0.006,0.42,0.2,1\n";
  g_assert_true (g_file_set_contents (csv, rows, -1, &error));
  TdRunReport r = make_report (dir, NULL, FALSE);
  g_assert_true (vtable ()->write (NULL, &r, &error));
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "report.html", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  assert_contains (text, "<section id=\"drift\">");
  assert_contains (text, "1 of 2 rows marked.");
  g_assert_cmpuint (count (text, "<tr class=\"flag\">"), ==, 1);
  assert_contains (text, "&lt;superheat&gt;");
  g_unlink (path);
  g_unlink (csv);

  g_assert_true (vtable ()->write (NULL, &r, &error));
  g_autofree char *again = NULL;
  g_assert_true (g_file_get_contents (path, &again, NULL, NULL));
  g_assert_null (strstr (again, "id=\"drift\""));
  g_unlink (path);
  g_rmdir (dir);
}

/* ------------------------------------------------------------ rich report */

/* Two pipelines with predictions (gbdt separates the classes perfectly),
 * training curves, importance, a comparison, a configuration that differs
 * in one parameter and a manifest.yaml in the run folder. */
static const char *const rich_pipelines[] = { "gbdt", "lstm[hidden_size=32]", NULL };

static const gint64 rich_ids[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
static const double rich_y[8] = { 0, 0, 0, 0, 1, 1, 1, 1 };
static const double gbdt_scores[2][8] = {
  { 0.10, 0.20, 0.15, 0.05, 0.90, 0.80, 0.85, 0.95 },
  { 0.12, 0.22, 0.18, 0.08, 0.70, 0.75, 0.88, 0.93 },
};
static const double lstm_scores[2][8] = {
  { 0.60, 0.20, 0.45, 0.05, 0.40, 0.80, 0.35, 0.95 },
  { 0.30, 0.62, 0.18, 0.48, 0.70, 0.25, 0.88, 0.53 },
};

static const TdCurveRow rich_curves[] = {
  { "gbdt", "", 0, 0, "train_loss", 0, 0.69 }, { "gbdt", "", 0, 0, "train_loss", 1, 0.50 },
  { "gbdt", "", 0, 0, "train_loss", 2, 0.41 }, { "gbdt", "", 1, 0, "train_loss", 0, 0.69 },
  { "gbdt", "", 1, 0, "train_loss", 1, 0.52 }, { "gbdt", "", 1, 0, "train_loss", 2, 0.40 },
};

static const TdComparisonRow rich_comparisons[] = {
  { "lstm[hidden_size=32]", "gbdt", "roc_auc", "corrected_t", -0.0226, -2.1, 0.03, "holm", 0.06 },
  { "lstm[hidden_size=32]", "gbdt", "brier", "bootstrap", -0.02, -4.4, 0.000032, "none", NAN },
};

static const char rich_config[] =
  "experiment: rich\n"
  "pipelines:\n"
  "  - name: gbdt\n"
  "    variant: \"\"\n"
  "    label: gbdt\n"
  "    features:\n"
  "      - {plugin: statistical, params: {stats: [mean, max]}}\n"
  "    model: {plugin: xgboost, params: {max_depth: 6, n_estimators: 100}}\n"
  "  - name: lstm\n"
  "    variant: hidden_size=32\n"
  "    label: \"lstm[hidden_size=32]\"\n"
  "    features:\n"
  "      - {plugin: statistical, params: {stats: [mean, max]}}\n"
  "    model: {plugin: xgboost, params: {max_depth: 3, n_estimators: 100}}\n";

static const char rich_manifest[] =
  "experiment: rich\n"
  "experiment_file: \"/x/rich.yaml\"\n"
  "config_hash: \"1a2b3c4d\"\n"
  "command: \"tundish run rich.yaml\"\n"
  "host: \"box <1>\"\n"
  "git_commit: \"0123abcd (with local changes)\"\n"
  "tundish_commit: \"8d7b51d-dirty\"\n"
  "versions:\n  tundish: \"0.1.0\"\n  gsl: \"2.7.1\"\n"
  "plugins:\n"
  "  - { kind: model, name: xgboost, version: \"1.0.0\", file: \"/p/model_xgboost.so\" }\n"
  "seeds:\n  master: 42\n  data: 6314899022432539968\n  splits:\n"
  "    - { repeat: 0, seed: 7003248539097852537 }\n"
  "    - { repeat: 1, seed: 3125504766317961001 }\n";

/* Stage times: gbdt's two trials and one of lstm's, and the run's data stage. */
static const TdStageTime rich_timings[] = {
  { "gbdt", "", 0, 0, "split", 0.002 },
  { "gbdt", "", 0, 0, "model_fit", 1.0 },
  { "gbdt", "", 0, 0, "model_predict", 0.25 },
  { "gbdt", "", 1, 0, "split", 0.004 },
  { "gbdt", "", 1, 0, "model_fit", 2.0 },
  { "gbdt", "", 1, 0, "model_predict", 0.25 },
  { "lstm", "hidden_size=32", 0, 0, "model_fit", 9.0 },
  { "lstm", "hidden_size=32", 0, 0, "interpret", 1.0 },
  { NULL, NULL, -1, -1, "data", 3.5 },
};

/* gbdt over two trials: tn 7, fp 1, fn 2, tp 6 */
static const TdConfusionRow rich_confusion[] = {
  { "gbdt", "", "good", "good", 0, 0, 7, 2 },
  { "gbdt", "", "good", "<defect>", 0, 1, 1, 2 },
  { "gbdt", "", "<defect>", "good", 1, 0, 2, 2 },
  { "gbdt", "", "<defect>", "<defect>", 1, 1, 6, 2 },
};

enum { RICH_BINS = 4 };

typedef struct {
  TdTrialPredictions preds[4];
  TdImportanceRow importance[13];
  TdInterpretRow saliency[2 * 3 * RICH_BINS];
  TdInterpretRow attention[2 * RICH_BINS];
  char *names[12];
  TdDataset *data;
  char *dir;
  TdRunReport r;
} Rich;

static void
rich_init (Rich *k)
{
  g_autoptr (GError) error = NULL;
  k->dir = g_dir_make_tmp ("td-html-XXXXXX", &error);
  g_assert_no_error (error);
  for (int t = 0; t < 2; t++)
    {
      k->preds[t] = (TdTrialPredictions) { "gbdt", "", t, 0, 8, 1, rich_ids, rich_y,
                                           gbdt_scores[t], 1.25 + t * 0.5 };
      k->preds[2 + t] = (TdTrialPredictions) { "lstm", "hidden_size=32", t, 0, 8, 1, rich_ids,
                                               rich_y, lstm_scores[t], 10.0 };
    }
  for (int f = 0; f < 12; f++)
    {
      k->names[f] = g_strdup_printf ("mold_level.f%02d", f);
      k->importance[f] = (TdImportanceRow) { "gbdt", "", k->names[f], "gain", 12.0 - f, 0.5, 2 };
    }
  k->importance[12] = (TdImportanceRow) { "gbdt", "", k->names[0], "weight", 3, 1, 2 };
  k->data = dataset ();
  for (size_t s = 0; s < k->data->n_series; s++)
    for (size_t t = 0; t < k->data->n_steps; t++)
      for (size_t c = 0; c < k->data->n_channels; c++)
        td_dataset_series (k->data, s)[t * 3 + c] = (float) (c * 10 + (t % 7) + (s >= 7 && t == 30 ? 25 : 0));
  k->r = make_report (k->dir, k->data, FALSE);
  k->r.pipelines = rich_pipelines;
  k->r.config_yaml = rich_config;
  k->r.predictions = k->preds;
  k->r.n_predictions = 4;
  k->r.curves = rich_curves;
  k->r.n_curves = G_N_ELEMENTS (rich_curves);
  k->r.importance = k->importance;
  k->r.n_importance = 13;
  k->r.comparisons = rich_comparisons;
  k->r.n_comparisons = G_N_ELEMENTS (rich_comparisons);
  /* lstm's saliency: defect series put 0.7 on channel 2 (the hostile name)
   * in bin 1, good series spread evenly; attention likewise on bin 1 */
  static const char *const classes[2] = { "good", "<defect>" };
  size_t i = 0;
  for (int c = 0; c < 2; c++)
    for (int ch = 0; ch < 3; ch++)
      for (int b = 0; b < RICH_BINS; b++)
        {
          double v = c == 0 ? 1.0 / 12 : (ch == 2 && b == 1 ? 0.7 : 0.3 / 11);
          k->saliency[i++] = (TdInterpretRow) { "lstm", "hidden_size=32", c, classes[c],
                                                k->data->channel_names[ch], b, b * 12.5,
                                                (b + 1) * 12.5, v, 0.01, 2 };
        }
  for (int c = 0; c < 2; c++)
    for (int b = 0; b < RICH_BINS; b++)
      k->attention[c * RICH_BINS + b] = (TdInterpretRow) {
        "lstm", "hidden_size=32", c, classes[c], NULL, b, b * 12.5, (b + 1) * 12.5,
        c == 1 && b == 1 ? 0.55 : (c == 1 ? 0.15 : 0.25), 0, 2 };
  k->r.saliency = k->saliency;
  k->r.n_saliency = G_N_ELEMENTS (k->saliency);
  k->r.attention = k->attention;
  k->r.n_attention = G_N_ELEMENTS (k->attention);
  k->r.timings = rich_timings;
  k->r.n_timings = G_N_ELEMENTS (rich_timings);
  k->r.confusion = rich_confusion;
  k->r.n_confusion = G_N_ELEMENTS (rich_confusion);
  k->r.sample_period = 60;   /* 50 steps: 50 minutes */
  g_autofree char *manifest = g_build_filename (k->dir, "manifest.yaml", NULL);
  g_assert_true (g_file_set_contents (manifest, rich_manifest, -1, NULL));
}

static void
rich_clear (Rich *k)
{
  g_autofree char *manifest = g_build_filename (k->dir, "manifest.yaml", NULL);
  g_autofree char *report = g_build_filename (k->dir, "report.html", NULL);
  g_unlink (manifest);
  g_unlink (report);
  g_assert_cmpint (g_rmdir (k->dir), ==, 0);
  g_free (k->dir);
  for (int f = 0; f < 12; f++)
    g_free (k->names[f]);
  td_dataset_unref (k->data);
}

static char *
rich_render (Rich *k)
{
  g_autoptr (TdParams) p = default_params ();
  g_autoptr (GError) error = NULL;
  g_assert_true (vtable ()->write (p, &k->r, &error));
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (k->dir, "report.html", NULL);
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* The text of the element starting at the first occurrence of open up to
 * the next close (both included), or a failed test. */
static char *
element (const char *html, const char *open, const char *close)
{
  const char *a = strstr (html, open);
  if (a == NULL)
    g_error ("report.html lacks: %s", open);
  const char *b = strstr (a, close);
  g_assert_nonnull (b);
  return g_strndup (a, (gsize) (b - a) + strlen (close));
}

static void
test_curves (void)
{
  Rich k;
  rich_init (&k);
  g_autofree char *html = rich_render (&k);
  g_autofree char *roc = element (html, "<figure class=\"chart\" id=\"roc\">", "</figure>");
  /* plot area x 54..368, y 280..10: the chance diagonal, and gbdt's pooled
   * curve (the baseline: first colour, dashed) through the top-left corner,
   * its collinear points merged */
  assert_contains (roc, "<path d=\"M54.0 280.0L368.0 10.0\" class=\"chance\"");
  assert_contains (roc, "<path d=\"M54.0 280.0L54.0 10.0L368.0 10.0\" fill=\"none\" stroke=\"#0072b2\" "
                        "stroke-width=\"2.0\" stroke-linejoin=\"round\" stroke-dasharray=\"6 3\"/>");
  /* two faint per-trial lines per pipeline */
  g_assert_cmpuint (count (roc, "stroke-opacity=\"0.30\""), ==, 4);
  assert_contains (roc, "stroke=\"#d55e00\"");
  g_autofree char *pr = element (html, "<figure class=\"chart\" id=\"pr\">", "</figure>");
  /* chance at the pooled prevalence 0.5 (y 145), gbdt's precision 1 up to recall 1 */
  assert_contains (pr, "<path d=\"M54.0 145.0H368.0\" class=\"chance\"");
  assert_contains (pr, "<path d=\"M54.0 10.0V10.0H");
  assert_contains (pr, "prevalence of the pooled test sets (0.500)");
  assert_contains (html, "<figure class=\"chart\" id=\"calibration\">");
  assert_contains (html, "pooled over all its trials");
  rich_clear (&k);
}

static void
test_significance (void)
{
  Rich k;
  rich_init (&k);
  g_autofree char *html = rich_render (&k);
  g_autofree char *sig = element (html, "<section id=\"significance\">", "</section>");
  assert_contains (sig, "p-values are adjusted with <strong>holm</strong> or not adjusted for "
                        "multiple comparisons (column <em>correction</em>)");
  assert_contains (sig, "<tr><td>lstm[hidden_size=32]</td><td><code>roc_auc</code></td>"
                        "<td>corrected_t</td><td class=\"num\"><span class=\"down\">\xe2\x88\x92" "0.023"
                        "</span></td><td class=\"num\">\xe2\x88\x92" "2.100</td><td class=\"num\">0.0300"
                        "</td><td class=\"num\">0.0600</td><td>holm</td></tr>");
  /* one baseline: no "vs" column */
  g_assert_null (strstr (sig, "<th>vs</th>"));
  /* significant without adjustment: bold, p in scientific form; a new
   * metric group names the pipeline again */
  assert_contains (sig, "<tr class=\"sig grp\"><td>lstm[hidden_size=32]</td><td><code>brier</code></td>"
                        "<td>bootstrap</td>");
  assert_contains (sig, "3.2\xc3\x97" "10<sup>\xe2\x88\x92" "5</sup>");
  /* brier: lower is better, so a negative difference is an improvement */
  assert_contains (sig, "<span class=\"up\">\xe2\x88\x92" "0.020</span>");
  /* the glance card states the test and its correction */
  g_autofree char *glance = element (html, "<section id=\"glance\">", "</section>");
  assert_contains (glance, "Best by headline metric");
  assert_contains (glance, "<span class=\"pipeline\">gbdt</span> <code>roc_auc</code>");
  assert_contains (glance, "95\xc2\xa0% CI 0.794\xe2\x80\x93" "0.831");
  rich_clear (&k);
}

static void
test_significance_absent (void)
{
  Rich k;
  rich_init (&k);
  k.r.comparisons = NULL;
  k.r.n_comparisons = 0;
  static const char *const tests[] = { "corrected_t", "delong", NULL };
  k.r.compare_tests = tests;
  k.r.baseline = "lstm";
  g_autofree char *html = rich_render (&k);
  assert_contains (html, "No comparisons against <strong>lstm</strong> were computed (tests "
                         "requested: <code>corrected_t</code>, <code>delong</code>).");
  assert_contains (html, "No test against the baseline on this metric");
  k.r.baseline = NULL;
  g_autofree char *none = rich_render (&k);
  assert_contains (none, "No baseline was named");
  g_assert_null (strstr (none, "Best vs baseline"));
  rich_clear (&k);
}

static void
test_glance_tests (void)
{
  /* baseline lstm: the best (gbdt) is tested against it by two tests */
  Rich k;
  rich_init (&k);
  static const TdComparisonRow rows[] = {
    { "gbdt", "lstm[hidden_size=32]", "roc_auc", "delong", 0.03, 2.6, 0.01, "holm", 0.02 },
    { "gbdt", "lstm[hidden_size=32]", "roc_auc", "ttest", 0.0226, 1.4, 0.2, "holm", 0.2 },
  };
  k.r.baseline = "lstm";
  k.r.comparisons = rows;
  k.r.n_comparisons = G_N_ELEMENTS (rows);
  g_autofree char *html = rich_render (&k);
  g_autofree char *glance = element (html, "<section id=\"glance\">", "</section>");
  /* the difference of the means (0.8126 - 0.79), then every test */
  assert_contains (glance, "<p><span class=\"big\">\xce\x94 <span class=\"up\">+0.023</span></span></p>"
                           "<table class=\"mini\"><tr><th>test</th><th class=\"num\">p</th>"
                           "<th class=\"num\">adjusted</th></tr><tr class=\"sig\"><td>delong</td>"
                           "<td class=\"num\">0.0100</td><td class=\"num\">0.0200</td></tr><tr><td>ttest"
                           "</td><td class=\"num\">0.2000</td><td class=\"num\">0.2000</td></tr></table>"
                           "<p class=\"na\">p adjusted with <strong>holm</strong>; bold: significant at "
                           "\xce\xb1 = 0.05</p>");
  /* the significance table names pipeline and metric once per group */
  assert_contains (html, "<tr class=\"sig grp\"><td>gbdt</td><td><code>roc_auc</code></td><td>delong</td>");
  assert_contains (html, "<tr><td></td><td></td><td>ttest</td>");
  rich_clear (&k);
}

static void
test_sections (void)
{
  Rich k;
  rich_init (&k);
  g_autofree char *html = rich_render (&k);
  /* table of contents: only the sections present, in page order */
  g_autofree char *nav = element (html, "<nav class=\"toc\">", "</nav>");
  const char *a = strstr (nav, "#glance"), *b = strstr (nav, "#curves"), *c = strstr (nav, "#provenance");
  g_assert_true (a && b && c && a < b && b < c);
  g_assert_null (strstr (nav, "#failed"));
  /* example series: the first good one, the first defect with a real cause */
  assert_contains (html, "<h3>Example series</h3>");
  assert_contains (html, "good: series 0, mechanism <code>none</code>");
  assert_contains (html, "defect: series 7, mechanism <code>clogging</code>");
  g_assert_cmpuint (count (html, "<figcaption><code>mold_level</code></figcaption>"), ==, 1);
  /* training curves and importance */
  assert_contains (html, "<code>train_loss</code> per iteration, one line per trial.");
  assert_contains (html, "<strong>gbdt</strong>: top 10 of 12 features by <code>gain</code>, mean over "
                         "trials \xc2\xb1 1 sd (also reported: weight;");
  assert_contains (html, ">mold_level.f00</text>");
  g_assert_null (strstr (html, ">mold_level.f11</text>"));   /* 12th: not in the top 10 */
  /* configuration: only what differs */
  g_autofree char *cfg = element (html, "<section id=\"pipelines\">", "</section>");
  assert_contains (cfg, "<tr><th scope=\"row\"><code>model.params.max_depth</code></th>"
                        "<td><code>6</code></td><td><code>3</code></td></tr>");
  g_assert_null (strstr (cfg, "n_estimators"));
  assert_contains (cfg, "4 parameters are the same for every pipeline");
  /* timings */
  assert_contains (html, "<tr><th scope=\"row\">gbdt</th><td class=\"num\">2</td><td class=\"num\">"
                         "1.50\xc2\xa0s</td>");
  /* provenance from manifest.yaml, escaped */
  g_autofree char *prov = element (html, "<section id=\"provenance\">", "</section>");
  assert_contains (prov, "<dt>Git commit</dt><dd><code>0123abcd (with local changes)</code></dd>");
  assert_contains (prov, "<dt>tundish commit</dt><dd><code>8d7b51d-dirty</code></dd>");
  assert_contains (prov, "<dt>Host</dt><dd>box &lt;1&gt;</dd>");
  assert_contains (prov, "master <code>42</code>");
  assert_contains (prov, "r1 <code>3125504766317961001</code>");
  assert_contains (prov, "<code>gsl 2.7.1</code>");
  assert_contains (prov, "<td>xgboost</td><td>1.0.0</td><td class=\"path\"><code>/p/model_xgboost.so</code>");
  assert_contains (prov, "<details>");
  rich_clear (&k);
}

/* Per-stage timings, what drives the score and the confusion matrix, with
 * hostile channel and class names. */
/* Heatmap ticks divide the bins evenly when they can: 30 bins of 4 min are
 * ticked every 20 min, not at 32 and 92. */
static void
test_tick_parts (void)
{
  g_assert_cmpuint (html_tick_parts (30), ==, 6);
  g_assert_cmpuint (html_tick_parts (4), ==, 4);
  g_assert_cmpuint (html_tick_parts (60), ==, 4);
  g_assert_cmpuint (html_tick_parts (25), ==, 5);
  g_assert_cmpuint (html_tick_parts (9), ==, 3);
  g_assert_cmpuint (html_tick_parts (7), ==, 4);
  g_assert_cmpuint (html_tick_parts (1), ==, 4);
}

static void
test_interpretation (void)
{
  Rich k;
  rich_init (&k);
  g_autofree char *html = rich_render (&k);
  g_autofree char *nav = element (html, "<nav class=\"toc\">", "</nav>");
  const char *a = strstr (nav, "#curves"), *b = strstr (nav, "#confusion"),
             *c = strstr (nav, "#importance"), *d = strstr (nav, "#drivers"),
             *e = strstr (nav, "#timing");
  g_assert_true (a && b && c && d && e && a < b && b < c && c < d && d < e);

  /* timings: mean per trial over the pipeline's trials, share of their sum */
  g_autofree char *tim = element (html, "<section id=\"timing\">", "</section>");
  assert_contains (tim, "Generating or loading the data took 3.50\xc2\xa0s.");
  assert_contains (tim, "<th class=\"num\">model fit</th>");
  /* gbdt: split 3 ms (0.2 %), model_fit 1.5 s (85.6 %) of 1.753 s; no interpret */
  assert_contains (tim, "<tr><th scope=\"row\">gbdt</th><td class=\"num\">2</td><td class=\"num\">"
                        "3.00\xc2\xa0ms<span class=\"ci\">0.2\xc2\xa0%</span></td><td class=\"num\">"
                        "1.50\xc2\xa0s<span class=\"ci\">85.6\xc2\xa0%</span></td>");
  assert_contains (tim, "<td class=\"num na\">\xe2\x80\x94</td><td class=\"num\">1.75\xc2\xa0s</td></tr>");
  assert_contains (tim, "aria-label=\"mean seconds per trial by stage, per pipeline\"");
  assert_contains (tim, "<title>interpret: 1.00\xc2\xa0s (10.0\xc2\xa0%)</title>");

  /* what drives the score: escaped names, minutes from the sample period */
  g_autofree char *drv = element (html, "<section id=\"drivers\">", "</section>");
  assert_contains (drv, "<h3>lstm[hidden_size=32] <span class=\"n\">(2 trials)</span></h3>");
  assert_contains (drv, "aria-label=\"saliency of &lt;defect&gt; series, lstm[hidden_size=32]: "
                        "channel by time\"");
  assert_contains (drv, "&quot;odd&quot; &amp; &lt;name&gt;</text>");
  assert_contains (drv, "<title>&quot;odd&quot; &amp; &lt;name&gt;, 12.5\xe2\x80\x93" "25\xc2\xa0min: "
                        "70.0\xc2\xa0%</title>");
  assert_contains (drv, "time (min)");
  /* the top window of the defect class, and its top channel */
  assert_contains (drv, "<tr class=\"grp\"><td>&lt;defect&gt;</td><td class=\"num\">1</td><td>"
                        "12.5\xe2\x80\x93" "25\xc2\xa0min</td><td class=\"num\">75.5\xc2\xa0%</td>"
                        "<td>&quot;odd&quot; &amp; &lt;name&gt; <span class=\"n\">(92.8\xc2\xa0% of it)");
  g_assert_null (strstr (drv, "<td>good</td><td class=\"num\">1</td>"));   /* defect classes only */
  assert_contains (drv, "aria-label=\"attention per time bin, lstm[hidden_size=32]\"");
  assert_contains (drv, "class=\"chance\"");                 /* uniform attention */
  g_assert_null (strstr (drv, "series, gbdt"));               /* gbdt has no maps */
  g_assert_null (strstr (drv, "<defect>"));

  /* the confusion matrix, summed over gbdt's trials */
  g_autofree char *cm = element (html, "<section id=\"confusion\">", "</section>");
  assert_contains (cm, "<th scope=\"row\">&lt;defect&gt;</th>");
  assert_contains (cm, "<strong>gbdt</strong>: 16 test predictions over 2 trials");
  assert_contains (cm, ">6<span class=\"ci\">75.0\xc2\xa0%</span></td><td class=\"num\">8</td></tr>");
  assert_contains (cm, "threshold the binary evaluator used");
  rich_clear (&k);

  /* without a sample period, steps */
  rich_init (&k);
  k.r.sample_period = 0;
  g_autofree char *steps = rich_render (&k);
  assert_contains (steps, "time (step)");
  assert_contains (steps, "steps 12.5\xe2\x80\x93" "25<");
  assert_contains (steps, "Times are steps of the data");
  rich_clear (&k);
}

static void
test_self_contained (void)
{
  Rich k;
  rich_init (&k);
  g_autofree char *html = rich_render (&k);
  g_autofree char *lower = g_ascii_strdown (html, -1);
  /* the SVG namespace is the only URL, and nothing is fetched */
  g_assert_cmpuint (count (lower, "http"), ==, count (lower, "xmlns=\"http://www.w3.org/2000/svg\""));
  g_assert_null (strstr (lower, "<script"));
  g_assert_null (strstr (lower, "<link"));
  g_assert_null (strstr (lower, "<img"));
  g_assert_null (strstr (lower, "src="));
  g_assert_null (strstr (lower, "url("));
  g_assert_null (strstr (lower, "@import"));
  /* deterministic with predictions, curves and a manifest too */
  g_autofree char *again = rich_render (&k);
  g_assert_cmpstr (html, ==, again);
  rich_clear (&k);
}

static void
test_escaping_everywhere (void)
{
  /* Hostile text in every new place a string reaches the page. */
  Rich k;
  rich_init (&k);
  static const TdCurveRow curves[] = {
    { "gbdt", "", 0, 0, EVIL, 0, 0.5 }, { "gbdt", "", 0, 0, EVIL, 1, 0.4 },
  };
  static const TdComparisonRow cmp[] = {
    { "lstm[hidden_size=32]", "gbdt", EVIL, EVIL, 0.1, 1, 0.5, EVIL, 0.5 },
  };
  TdImportanceRow im = { "gbdt", "", EVIL, EVIL, 1, 0, 2 };
  k.r.curves = curves;
  k.r.n_curves = G_N_ELEMENTS (curves);
  k.r.comparisons = cmp;
  k.r.n_comparisons = 1;
  k.r.importance = &im;
  k.r.n_importance = 1;
  k.r.config_yaml = "pipelines:\n  - {label: gbdt, model: {params: {\"<script>\": \"<script>x\"}}}\n"
                    "  - {label: \"<script>\", model: {params: {a: 1}}}\n";
  g_autofree char *manifest = g_build_filename (k.dir, "manifest.yaml", NULL);
  g_assert_true (g_file_set_contents (manifest, "git_commit: \"<script>alert(1)</script>\"\n"
                                                "host: \"<script>\"\n", -1, NULL));
  g_autofree char *html = rich_render (&k);
  g_autofree char *lower = g_ascii_strdown (html, -1);
  g_assert_null (strstr (lower, "<script"));
  assert_contains (html, "<code>" EVIL_ESCAPED "</code> per iteration");
  assert_contains (html, "<td>" EVIL_ESCAPED "</td>");           /* test and correction */
  assert_contains (html, ">" EVIL_ESCAPED "</text>");              /* feature name */
  assert_contains (html, "<th>&lt;script&gt;</th>");               /* pipeline label in config */
  assert_contains (html, "<dt>Git commit</dt><dd><code>&lt;script&gt;alert(1)&lt;/script&gt;</code>");
  rich_clear (&k);
}

static void
test_many_pipelines (void)
{
  /* 10 pipelines: the charts show the baseline and the 7 best */
  enum { N = 10 };
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("td-html-XXXXXX", &error);
  char *names[N];
  const char *labels[N + 1] = { 0 };
  TdSummaryRow rows[N];
  TdTrialPredictions preds[N];
  for (int i = 0; i < N; i++)
    {
      names[i] = g_strdup_printf ("p%d", i);
      labels[i] = names[i];
      rows[i] = (TdSummaryRow) { names[i], "", "roc_auc", 0.5 + 0.04 * i, 0.01, 2 };
      preds[i] = (TdTrialPredictions) { names[i], "", 0, 0, 8, 1, rich_ids, rich_y, lstm_scores[0], 1 };
    }
  static const char *const m[] = { "roc_auc", NULL };
  TdRunReport r = { .run_dir = dir, .metrics = m, .pipelines = labels, .baseline = "p0",
                    .summary = rows, .n_summary = N, .predictions = preds, .n_predictions = N };
  g_assert_true (vtable ()->write (NULL, &r, &error));
  g_autofree char *path = g_build_filename (dir, "report.html", NULL);
  g_autofree char *html = NULL;
  g_assert_true (g_file_get_contents (path, &html, NULL, NULL));
  g_autofree char *legend = element (html, "<section id=\"curves\">", "</p>");
  assert_contains (legend, "p0 <span class=\"na\">(baseline, dashed)</span>");
  g_assert_null (strstr (legend, "</span>p1</span>"));   /* among the worst */
  g_assert_null (strstr (legend, "</span>p2</span>"));
  assert_contains (legend, "</span>p3</span>");
  assert_contains (legend, "</span>p9</span>");
  assert_contains (legend, "2 more pipelines not drawn: the charts show the baseline and the best by "
                           "<code>roc_auc</code>");
  for (int i = 0; i < N; i++)
    g_free (names[i]);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_demo (void)
{
  const char *dir = g_getenv ("TD_HTML_DEMO_DIR");
  if (dir == NULL)
    {
      g_test_skip ("TD_HTML_DEMO_DIR not set");
      return;
    }
  g_autoptr (TdParams) p = default_params ();
  g_autoptr (TdDataset) data = dataset ();
  TdRunReport r = make_report (dir, data, TRUE);
  g_autoptr (GError) error = NULL;
  g_assert_true (vtable ()->write (p, &r, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/html/escaping", test_escaping);
  g_test_add_func ("/html/summary-cells", test_summary_cells);
  g_test_add_func ("/html/lower-is-better-bold", test_lower_is_better_bold);
  g_test_add_func ("/html/failed-only-when-failed", test_failed_section_only_when_failed);
  g_test_add_func ("/html/data-summary", test_data_summary);
  g_test_add_func ("/html/title", test_title);
  g_test_add_func ("/html/deterministic", test_deterministic);
  g_test_add_func ("/html/minimal-report", test_minimal_report);
  g_test_add_func ("/html/curves", test_curves);
  g_test_add_func ("/html/significance", test_significance);
  g_test_add_func ("/html/significance-absent", test_significance_absent);
  g_test_add_func ("/html/glance-tests", test_glance_tests);
  g_test_add_func ("/html/sections", test_sections);
  g_test_add_func ("/html/interpretation", test_interpretation);
  g_test_add_func ("/html/self-contained", test_self_contained);
  g_test_add_func ("/html/escaping-everywhere", test_escaping_everywhere);
  g_test_add_func ("/html/many-pipelines", test_many_pipelines);
  g_test_add_func ("/html/demo", test_demo);
  g_test_add_func ("/html/tick-parts", test_tick_parts);
  g_test_add_func ("/html/thresholds", test_thresholds);
  g_test_add_func ("/html/drift", test_drift);
  return g_test_run ();
}
