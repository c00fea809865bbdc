/* Hostile input, end to end: channel, class and metadata names, swept
 * parameter values (so pipeline variants) and error messages full of HTML,
 * quotes, commas and line breaks come out quoted correctly in every CSV
 * (they parse back to the same strings), escaped in report.html, and as
 * valid YAML in the manifest; experiment and pipeline names that could not
 * be folder names are refused. Plugins load only from the search path: an
 * experiment naming a shared object is refused, a plugin folder outside the
 * path needs --allow-plugin-path. */
#include <string.h>

#include "robust_util.h"
#include "run/run_output.h"
#include "run/run_manifest.h"

static const char *const tags[] = { "<script>x</script>", "a,b", "q\"uote", "new\nline", NULL };

static void
test_strings (void)
{
  g_autofree char *dir = util_mkdir ("hostile");
  const char *pipes =
    "  - { name: gbdt, features: [statistical], model: { plugin: xgboost, params: "
    "{ n_estimators: 4, max_depth: 2 } } }\n"
    "  - name: swept\n"
    "    model:\n"
    "      plugin: crashy\n"
    "      params:\n"
    "        tag: [\"<script>x</script>\", \"a,b\", \"q\\\"uote\", \"new\\nline\"]\n"
    "  - { name: boom, model: { plugin: crashy, params: { mode: error, when: r0-f0 } } }\n";
  g_autofree char *exp = util_experiment (dir, "exp.yaml", "hostile: true", pipes,
                                          "compare: { baseline: gbdt, tests: [delong] }\n");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-q", "-j", "2", "-o", out, NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, 3);

  /* results.csv: 7 fields a row, the variants back exactly as swept */
  g_autoptr (GPtrArray) results = util_csv (out, "results.csv");
  g_autoptr (GHashTable) variants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint k = 1; k < results->len; k++)
    {
      char **f = results->pdata[k];
      g_assert_cmpuint (g_strv_length (f), ==, 7);
      if (g_str_equal (f[1], "swept"))
        g_hash_table_add (variants, g_strdup (f[2]));
    }
  g_assert_cmpuint (g_hash_table_size (variants), ==, 4);
  for (size_t k = 0; tags[k]; k++)
    {
      g_autofree char *v = g_strdup_printf ("tag=%s", tags[k]);
      if (!g_hash_table_contains (variants, v))
        g_error ("variant \"%s\" did not survive results.csv", v);
    }
  /* summary.csv likewise */
  g_autoptr (GPtrArray) summary = util_csv (out, "summary.csv");
  for (guint k = 1; k < summary->len; k++)
    g_assert_cmpuint (g_strv_length (summary->pdata[k]), ==, 11);
  /* the failure message, HTML and all, in failed_trials.csv */
  g_autoptr (GPtrArray) failed = util_csv (out, "failed_trials.csv");
  g_assert_cmpuint (failed->len, ==, 2);
  g_assert_nonnull (strstr (((char **) failed->pdata[1])[5], "<b>boom</b> & \"quoted\", comma"));
  /* feature names built from hostile channel names */
  g_autoptr (GPtrArray) imp = util_csv (out, "feature_importance_summary.csv");
  gboolean script_feature = FALSE;
  for (guint k = 1; k < imp->len; k++)
    {
      char **f = imp->pdata[k];
      g_assert_cmpuint (g_strv_length (f), ==, 8);
      script_feature = script_feature || g_str_has_prefix (f[3], "<script>alert(\"x\")</script>.");
    }
  g_assert_true (script_feature);
  g_autoptr (GPtrArray) curves = util_csv (out, "training_curves.csv");
  for (guint k = 1; k < curves->len; k++)
    g_assert_cmpuint (g_strv_length (curves->pdata[k]), ==, 7);

  /* report.html: every hostile string escaped */
  g_autofree char *html = util_read2 (out, "report.html");
  g_assert_nonnull (html);
  g_assert_null (strstr (html, "<script>alert("));
  g_assert_null (strstr (html, "<script>x</script>"));
  g_assert_null (strstr (html, "<b>boom</b>"));
  g_assert_null (strstr (html, "<b>bold</b>"));
  g_assert_null (strstr (html, "</td><script>"));
  g_assert_nonnull (strstr (html, "&lt;script&gt;"));

  /* manifest.yaml is still YAML, with the strings intact */
  TdManifestInfo info;
  g_autoptr (GError) e = NULL;
  g_assert_true (td_manifest_read (out, &info, &e));
  g_assert_no_error (e);
  g_assert_cmpstr (info.status, ==, "finished");
  td_manifest_info_clear (&info);
  /* and the run can be rebuilt from its folders */
  g_auto (RunResult) rr;
  const char *rargs[] = { "report", out, NULL };
  g_autofree char *before = util_read2 (out, "results.csv");
  util_run (&rr, rargs, NULL);
  g_assert_cmpint (rr.exit_code, ==, 0);
  g_autofree char *after = util_read2 (out, "results.csv");
  g_assert_cmpstr (before, ==, after);
}

static void
test_names_refused (void)
{
  g_autofree char *dir = util_mkdir ("hostile-names");
  const char *bad_pipeline = "  - { name: \"a,<b>\", model: crashy }\n";
  g_autofree char *exp = util_experiment (dir, "p.yaml", "", bad_pipeline, "");
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-q", NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, 1);
  g_assert_nonnull (strstr (r.err, "outside [A-Za-z0-9_.-]"));
  g_autofree char *exp2 = util_write (dir, "e.yaml",
                                      "experiment: \"<script>\"\n"
                                      "data: { generator: robust_gen }\n"
                                      "pipelines: [{ name: p, model: crashy }]\n");
  g_auto (RunResult) r2;
  const char *args2[] = { "run", exp2, "-q", NULL };
  util_run (&r2, args2, NULL);
  g_assert_cmpint (r2.exit_code, ==, 1);
  g_assert_nonnull (strstr (r2.err, "experiment"));
}

static void
test_plugin_path (void)
{
  g_autofree char *dir = util_mkdir ("plugin-path");
  g_autofree char *so = g_build_filename (util_extra_plugins (), "extra_model.so", NULL);
  g_assert_true (g_file_test (so, G_FILE_TEST_EXISTS));

  /* a path in the experiment is not a plugin name */
  g_autofree char *by_path = g_strdup_printf ("  - { name: p, model: { plugin: \"%s\" } }\n", so);
  g_autofree char *exp1 = util_experiment (dir, "path.yaml", "", by_path, "");
  g_auto (RunResult) r1;
  const char *a1[] = { "run", exp1, "-q", NULL };
  util_run (&r1, a1, NULL);
  g_assert_cmpint (r1.exit_code, ==, 1);
  g_assert_nonnull (strstr (r1.err, "unknown model plugin"));

  /* a plugin outside the search path is unknown ... */
  g_autofree char *exp2 = util_experiment (dir, "extra.yaml", "",
                                           "  - { name: p, model: extra_model }\n", "");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_auto (RunResult) r2;
  const char *a2[] = { "run", exp2, "-q", "-o", out, NULL };
  util_run (&r2, a2, NULL);
  g_assert_cmpint (r2.exit_code, ==, 1);
  g_assert_nonnull (strstr (r2.err, "unknown model plugin \"extra_model\""));
  /* ... until the user allows its folder */
  g_auto (RunResult) r3;
  const char *a3[] = { "run", exp2, "-q", "-o", out, "--allow-plugin-path",
                       util_extra_plugins (), NULL };
  util_run (&r3, a3, NULL);
  g_assert_cmpint (r3.exit_code, ==, 0);
  g_autofree char *m = util_read2 (out, "manifest.yaml");
  g_assert_nonnull (strstr (m, "plugin_dirs: [\""));
  g_assert_nonnull (strstr (m, so));
  /* an allowed folder cannot replace a plugin from the search path: its
   * crashy_twin.so (plugin "crashy") is skipped with a warning */
  g_assert_nonnull (strstr (r3.err, "crashy_twin.so: model plugin \"crashy\" is already "
                                    "provided by"));
}

/* inspect, plugins and validate take --allow-plugin-path like run and report,
 * so an allowed plugin can be looked at and checked before a run. */
static void
test_plugin_path_inspect (void)
{
  g_auto (RunResult) r1;
  const char *a1[] = { "inspect", "extra_model", NULL };
  util_run (&r1, a1, NULL);
  g_assert_cmpint (r1.exit_code, ==, 1);
  g_assert_nonnull (strstr (r1.err, "no plugin named \"extra_model\""));
  g_auto (RunResult) r2;
  const char *a2[] = { "inspect", "extra_model", "--allow-plugin-path", util_extra_plugins (),
                       NULL };
  util_run (&r2, a2, NULL);
  g_assert_cmpint (r2.exit_code, ==, 0);
  g_assert_true (g_str_has_prefix (r2.out, "model extra_model "));
  g_assert_nonnull (strstr (r2.out, "parameters:"));
  g_auto (RunResult) r3;
  const char *a3[] = { "plugins", "model", "--allow-plugin-path", util_extra_plugins (), NULL };
  util_run (&r3, a3, NULL);
  g_assert_cmpint (r3.exit_code, ==, 0);
  g_assert_nonnull (strstr (r3.out, "  extra_model "));
  g_autofree char *dir = util_mkdir ("plugin-path-validate");
  g_autofree char *exp = util_experiment (dir, "extra.yaml", "",
                                          "  - { name: p, model: extra_model }\n", "");
  g_auto (RunResult) r4;
  const char *a4[] = { "validate", exp, "--allow-plugin-path", util_extra_plugins (), NULL };
  util_run (&r4, a4, NULL);
  g_assert_cmpint (r4.exit_code, ==, 0);
  g_auto (RunResult) r5;
  const char *a5[] = { "inspect", "extra_model", "--allow-plugin-path", "/nonexistent-dir",
                       NULL };
  util_run (&r5, a5, NULL);
  g_assert_cmpint (r5.exit_code, ==, 1);
  g_assert_nonnull (strstr (r5.err, "--allow-plugin-path /nonexistent-dir: not a folder"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  util_init (argc, argv);
  g_test_add_func ("/robust/hostile/strings", test_strings);
  g_test_add_func ("/robust/hostile/names-refused", test_names_refused);
  g_test_add_func ("/robust/hostile/plugin-path", test_plugin_path);
  g_test_add_func ("/robust/hostile/plugin-path-inspect", test_plugin_path_inspect);
  int rc = g_test_run ();
  util_finish ();
  return rc;
}
