/* `tundish report RUN_DIR` rebuilds every output of a finished run from its
 * trial folders — results.csv, summary.csv, failed_trials.csv,
 * comparisons.csv, predictions.h5, training_curves.csv, feature importance,
 * report.html — byte-identical to what the run wrote, without fitting a
 * model: the metrics are recomputed from the stored predictions (a changed
 * prediction changes them), and a run with unfinished trials is refused. */
#include <glib/gstdio.h>
#include <string.h>

#include "robust_util.h"

static const char *const outputs[] = {
  "results.csv", "summary.csv", "failed_trials.csv", "comparisons.csv", "predictions.h5",
  "training_curves.csv", "feature_importance.csv", "feature_importance_summary.csv",
  "report.html", NULL,
};

static void
copy_file (const char *from, const char *to)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (from, &text, &len, NULL));
  g_assert_true (g_file_set_contents (to, text, (gssize) len, NULL));
}

static void
test_rebuild (void)
{
  g_autofree char *dir = util_mkdir ("report");
  const char *pipes =
    "  - { name: gbdt, features: [statistical], model: { plugin: xgboost, params: "
    "{ n_estimators: 8, max_depth: 2 } } }\n"
    "  - { name: logit, features: [statistical], model: logistic }\n"
    "  - { name: mean, model: { plugin: crashy, params: { mode: error, when: r1-f2 } } }\n";
  g_autofree char *exp = util_experiment (dir, "exp.yaml", "n_series: 90", pipes,
                                          "compare: { baseline: logit, tests: [delong, ttest, "
                                          "bootstrap] }\n");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-q", "-j", "2", "-o", out, NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, 3);     /* one trial failed on purpose */
  g_autofree char *saved = util_mkdir ("report/saved");
  int present = 0;
  for (size_t k = 0; outputs[k]; k++)
    {
      g_autofree char *a = g_build_filename (out, outputs[k], NULL);
      g_autofree char *b = g_build_filename (saved, outputs[k], NULL);
      if (!g_file_test (a, G_FILE_TEST_EXISTS))
        continue;
      present++;
      copy_file (a, b);
      g_assert_cmpint (g_unlink (a), ==, 0);
    }
  g_assert_cmpint (present, ==, 9);    /* every kind of output was made */
  g_autofree char *manifest_before = util_read2 (out, "manifest.yaml");

  /* from another folder, through a relative path */
  g_autofree char *parent = g_path_get_dirname (out);
  g_auto (RunResult) rr;
  const char *args2[] = { "report", "run", NULL };
  util_run_in (&rr, parent, args2, NULL);
  g_assert_cmpint (rr.exit_code, ==, 0);
  g_assert_nonnull (strstr (rr.out, "rebuilt the outputs"));
  g_assert_null (strstr (rr.out, "differ"));
  for (size_t k = 0; outputs[k]; k++)
    {
      g_autofree char *a = g_build_filename (out, outputs[k], NULL);
      g_autofree char *b = g_build_filename (saved, outputs[k], NULL);
      if (!util_same_file (a, b))
        g_error ("tundish report: %s differs from the run's own", outputs[k]);
    }
  g_autofree char *manifest_after = util_read2 (out, "manifest.yaml");
  g_assert_cmpstr (manifest_before, ==, manifest_after);

  /* the metrics come from the stored predictions, not from metrics.csv */
  g_autofree char *pred = g_build_filename (out, "trials", "logit", "r0-f0", "predictions.csv",
                                            NULL);
  g_autofree char *text = util_read (pred);
  g_assert_nonnull (text);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (size_t k = 1; lines[k] && *lines[k]; k++)
    {
      /* invert every score: roc_auc becomes 1 - roc_auc */
      g_auto (GStrv) f = g_strsplit (lines[k], ",", 3);
      double v = g_ascii_strtod (f[2], NULL);
      g_free (lines[k]);
      lines[k] = g_strdup_printf ("%s,%s,%.17g", f[0], f[1], 1.0 - v);
    }
  g_autofree char *inverted = g_strjoinv ("\n", lines);
  g_assert_true (g_file_set_contents (pred, inverted, -1, NULL));
  g_auto (RunResult) rt;
  const char *args3[] = { "report", out, NULL };
  util_run (&rt, args3, NULL);
  g_assert_cmpint (rt.exit_code, ==, 0);
  g_assert_nonnull (strstr (rt.out, "metric values differ"));
  g_autofree char *a = g_build_filename (out, "results.csv", NULL);
  g_autofree char *b = g_build_filename (saved, "results.csv", NULL);
  g_assert_false (util_same_file (a, b));

  /* a run with an unfinished trial is not reported */
  g_autofree char *metrics = g_build_filename (out, "trials", "gbdt", "r1-f1", "metrics.csv",
                                               NULL);
  g_assert_cmpint (g_unlink (metrics), ==, 0);
  g_auto (RunResult) ru;
  util_run (&ru, args3, NULL);
  g_assert_cmpint (ru.exit_code, ==, 2);
  g_assert_nonnull (strstr (ru.err, "gbdt repeat 1 fold 1 has not finished"));
  g_assert_nonnull (strstr (ru.err, "--resume"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  util_init (argc, argv);
  g_test_add_func ("/robust/report/rebuild", test_rebuild);
  int rc = g_test_run ();
  util_finish ();
  return rc;
}
