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
    .summary = summary, .n_summary = G_N_ELEMENTS (summary),
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
  assert_contains (html, "<td class=\"num best\"><strong>0.813 <span class=\"sd\">\xc2\xb1\xc2\xa0" "0.015"
                         "</span>\xc2\xa0<span class=\"n\">(5)</span></strong></td>");
  /* lstm roc_auc: plain cell, with its n */
  assert_contains (html, "<td class=\"num\">0.790 <span class=\"sd\">\xc2\xb1\xc2\xa0" "0.020</span>\xc2\xa0"
                         "<span class=\"n\">(4)</span></td>");
  /* sd undefined (NaN): mean and n only */
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
  g_test_add_func ("/html/demo", test_demo);
  return g_test_run ();
}
