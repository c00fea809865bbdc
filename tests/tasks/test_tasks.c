/* test_tasks.c — every model on every task it can do, through the real
 * `tundish run`: a small regression experiment (xgboost, ridge, lstm) and a
 * small multiclass one (xgboost, logistic, ridge, lstm) on task_gen's data,
 * each pipeline clearly better than chance on its metrics, and the report
 * carrying the task's plots (predicted vs true and residuals per pipeline
 * for regression, the confusion matrices for multiclass, and neither where
 * it does not belong). Then `tundish validate` refusing logistic on
 * regression data at the model's line. */
#include <math.h>
#include <string.h>

#include "robust_util.h"

static const char *const SEQ_MODEL =
  "{ plugin: lstm, params: { hidden_size: 16, num_layers: 1, head_hidden: 0, dropout: 0, "
  "epochs: 40, patience: 8, learning_rate: 0.01%s } }";

static char *
experiment (const char *dir, const char *task, const char *pipelines, const char *metrics)
{
  g_autofree char *text = g_strdup_printf (
    "experiment: tasks-%s\n"
    "seed: 11\n"
    "repeats: 1\n"
    "data: { generator: task_gen, params: { task: %s, n_series: 150 } }\n"
    "split: { method: stratified_holdout, test_size: 0.3, valid_size: 0.2 }\n"
    "pipelines:\n%s"
    "evaluate: [%s]\n"
    "report: [csv, html]\n", task, task, pipelines, metrics);
  return util_write (dir, "exp.yaml", text);
}

/* The value of metric for pipeline in results.csv (one trial each). */
static double
result (const char *dir, const char *pipeline, const char *metric)
{
  g_autoptr (GPtrArray) rows = util_csv (dir, "results.csv");
  gint cp = util_column (rows, "pipeline"), cm = util_column (rows, "metric"),
       cv = util_column (rows, "value");
  for (guint i = 1; i < rows->len; i++)
    {
      char **f = rows->pdata[i];
      if (g_str_equal (f[cp], pipeline) && g_str_equal (f[cm], metric))
        return util_num (f[cv]);
    }
  g_error ("no %s for %s in results.csv", metric, pipeline);
}

static guint
count (const char *haystack, const char *needle)
{
  guint n = 0;
  for (const char *p = strstr (haystack, needle); p; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
run_ok (const char *exp, const char *out)
{
  g_auto (RunResult) r = { 0 };
  const char *args[] = { "run", exp, "-o", out, "-j", "2", "--quiet", NULL };
  util_run (&r, args, NULL);
  if (r.exit_code != 0)
    g_error ("tundish run %s: exit %d\n%s%s", exp, r.exit_code, r.out, r.err);
}

static void
test_regression (void)
{
  g_autofree char *dir = util_mkdir ("regression");
  g_autofree char *lstm = g_strdup_printf (SEQ_MODEL, ", loss: mse");
  g_autofree char *pipelines = g_strdup_printf (
    "  - { name: xgboost, features: [statistical], model: { plugin: xgboost, params: "
    "{ n_estimators: 80, max_depth: 3, learning_rate: 0.1, early_stopping_rounds: 10 } } }\n"
    "  - { name: xgboost_huber, features: [statistical], model: { plugin: xgboost, params: "
    "{ n_estimators: 80, max_depth: 3, learning_rate: 0.1, objective: pseudohubererror, "
    "huber_slope: 2 } } }\n"
    "  - { name: ridge, features: [statistical], model: { plugin: ridge } }\n"
    "  - { name: lstm, features: [], model: %s }\n", lstm);
  g_autofree char *exp = experiment (dir, "regression", pipelines,
                                     "rmse, mae, r2, cmapss_score");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  run_ok (exp, out);

  /* the target is 30 + 10 a, a ~ U(-1, 1): sd 5.8; predicting the mean gives
   * RMSE 5.8 and R² 0 */
  const char *names[] = { "xgboost", "xgboost_huber", "ridge", "lstm" };
  for (size_t k = 0; k < G_N_ELEMENTS (names); k++)
    {
      double rmse = result (out, names[k], "rmse"), r2 = result (out, names[k], "r2");
      g_test_message ("%s: test RMSE %.3f, R² %.3f", names[k], rmse, r2);
      g_assert_cmpfloat (rmse, <, 2.5);
      g_assert_cmpfloat (r2, >, 0.8);
    }

  g_autofree char *html = util_read2 (out, "report.html");
  g_assert_nonnull (html);
  g_assert_nonnull (strstr (html, "<section id=\"regression\">"));
  g_assert_cmpuint (count (html, "<strong>Predicted vs true.</strong>"), ==, 4);
  g_assert_cmpuint (count (html, "<strong>Residuals.</strong>"), ==, 4);
  g_assert_nonnull (strstr (html, "aria-label=\"lstm: residuals\""));
  g_assert_nonnull (strstr (html, "aria-label=\"ridge: predicted against true\""));
  /* one dot per test series per chart: 45 test series (30 % of 150) */
  const char *sec = strstr (html, "<section id=\"regression\">");
  const char *end = strstr (sec, "</section>");
  g_autofree char *body = g_strndup (sec, (gsize) (end - sec));
  g_test_message ("regression section: %u dots", count (body, "<circle"));
  g_assert_cmpuint (count (body, "<circle"), ==, 4 * 2 * 45);
  g_assert_null (strstr (html, "<section id=\"confusion\">"));
  /* the results table ranks the errors downwards and R² upwards */
  g_assert_nonnull (strstr (html, ">rmse <span class=\"dir\" title=\"lower is better\">"));
  g_assert_nonnull (strstr (html, ">cmapss_score <span class=\"dir\" title=\"lower is better\">"));
  g_assert_nonnull (strstr (html, ">r2 <span class=\"dir\" title=\"higher is better\">"));
}

static void
test_multiclass (void)
{
  g_autofree char *dir = util_mkdir ("multiclass");
  g_autofree char *lstm = g_strdup_printf (SEQ_MODEL, ", auto_class_weight: true");
  g_autofree char *pipelines = g_strdup_printf (
    "  - { name: xgboost, features: [statistical], model: { plugin: xgboost, params: "
    "{ n_estimators: 60, max_depth: 3, early_stopping_rounds: 10 } } }\n"
    "  - { name: logistic, features: [statistical], model: { plugin: logistic } }\n"
    "  - { name: ridge, features: [statistical], model: { plugin: ridge } }\n"
    "  - { name: lstm, features: [], model: %s }\n", lstm);
  g_autofree char *exp = experiment (dir, "multiclass", pipelines, "accuracy, macro_f1");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  run_ok (exp, out);

  const char *names[] = { "xgboost", "logistic", "ridge", "lstm" };
  for (size_t k = 0; k < G_N_ELEMENTS (names); k++)
    {
      double acc = result (out, names[k], "accuracy");
      g_test_message ("%s: test accuracy %.3f (chance 1/3)", names[k], acc);
      g_assert_cmpfloat (acc, >, 0.8);
    }
  g_autofree char *html = util_read2 (out, "report.html");
  g_assert_nonnull (html);
  g_assert_nonnull (strstr (html, "<section id=\"confusion\">"));
  g_assert_nonnull (strstr (html, "major"));   /* the class names label the matrix */
  g_assert_null (strstr (html, "<section id=\"regression\">"));
  g_assert_cmpint (util_csv_rows (out, "confusion.csv"), >, 0);
}

static void
test_validate_refuses (void)
{
  g_autofree char *dir = util_mkdir ("validate");
  g_autofree char *exp = experiment (
    dir, "regression",
    "  - name: ridge\n"
    "    features: [statistical]\n"
    "    model: { plugin: ridge }\n"
    "  - name: logistic\n"
    "    features: [statistical]\n"
    "    model: { plugin: logistic }\n", "rmse");
  g_auto (RunResult) r = { 0 };
  const char *args[] = { "validate", exp, NULL };
  util_run (&r, args, NULL);
  g_test_message ("%s", r.err);
  g_assert_cmpint (r.exit_code, ==, 1);
  g_autofree char *where = g_strdup_printf ("%s:12:12: pipelines[1].model: pipeline logistic: "
                                            "model logistic supports binary, multiclass, but "
                                            "the data is regression", exp);
  g_assert_nonnull (strstr (r.err, where));

  /* the same file with the task it supports validates */
  g_auto (RunResult) ok = { 0 };
  const char *args2[] = { "validate", exp, "--set", "data.params.task=multiclass", NULL };
  util_run (&ok, args2, NULL);
  if (ok.exit_code != 0)
    g_error ("validate with task multiclass: %s", ok.err);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  util_init (argc, argv);
  g_test_add_func ("/tasks/regression", test_regression);
  g_test_add_func ("/tasks/multiclass", test_multiclass);
  g_test_add_func ("/tasks/validate-refuses", test_validate_refuses);
  int rc = g_test_run ();
  util_finish ();
  return rc;
}
