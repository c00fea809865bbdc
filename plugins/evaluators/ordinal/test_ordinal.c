/* test_ordinal.c — the `ordinal` evaluator against scikit-learn's
 * cohen_kappa_score(weights="quadratic") and mean |y − pred|
 * (tests/golden/stats/ordinal.ini, made by make_ordinal_golden.py there),
 * the cases with a known answer, and bad input. */
#include <math.h>
#include <string.h>
#include <tundish/tundish.h>

static const TdEvaluatorVTable *
vt (void)
{
  return td_plugin_descriptor (0)->vtable;
}

static void
eval (const double *y, const double *s, size_t n, size_t K, double out[2])
{
  TdEvalInput in = { .task = TD_TASK_MULTICLASS, .n = n, .n_outputs = K, .n_classes = K,
                     .y = y, .scores = s };
  g_autoptr (GError) error = NULL;
  g_assert_true (vt ()->evaluate (NULL, &in, out, &error));
  g_assert_no_error (error);
}

static void
test_golden (void)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = g_build_filename (TD_GOLDEN_STATS_DIR, "ordinal.ini", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &error));
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
  g_assert_cmpuint (g_strv_length (groups), ==, 3);
  for (size_t g = 0; groups[g]; g++)
    {
      gsize ny, ns;
      g_autofree double *y = g_key_file_get_double_list (kf, groups[g], "y", &ny, NULL);
      g_autofree double *s = g_key_file_get_double_list (kf, groups[g], "s", &ns, NULL);
      size_t K = (size_t) g_key_file_get_double (kf, groups[g], "k", NULL);
      g_assert_cmpuint (ns, ==, ny * K);
      double got[2];
      eval (y, s, ny, K, got);
      double qwk = g_key_file_get_double (kf, groups[g], "qwk", NULL);
      double mae = g_key_file_get_double (kf, groups[g], "mae_class", NULL);
      g_assert_cmpfloat_with_epsilon (got[0], qwk, 1e-12);
      g_assert_cmpfloat_with_epsilon (got[1], mae, 1e-12);
    }
}

static void
test_known (void)
{
  /* perfect: kappa 1, error 0; reversed order of 3 balanced classes: kappa −1, error 4/3 */
  const double y[] = { 0, 1, 2 };
  const double right[] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  const double reversed[] = { 0, 0, 1, 0, 1, 0, 1, 0, 0 };
  double got[2];
  eval (y, right, 3, 3, got);
  g_assert_cmpfloat (got[0], ==, 1);
  g_assert_cmpfloat (got[1], ==, 0);
  eval (y, reversed, 3, 3, got);
  g_assert_cmpfloat_with_epsilon (got[0], -1, 1e-12);
  g_assert_cmpfloat_with_epsilon (got[1], 4.0 / 3, 1e-12);
  /* one class on both sides: no chance disagreement, kappa undefined */
  const double y0[] = { 0, 0 }, s0[] = { 1, 0, 1, 0 };
  eval (y0, s0, 2, 2, got);
  g_assert_true (isnan (got[0]));
  g_assert_cmpfloat (got[1], ==, 0);
}

static void
test_bad_input (void)
{
  const double y[] = { 0, 3 }, s[] = { 1, 0, 0, 0, 1, 0 };
  double got[2];
  g_autoptr (GError) error = NULL;
  TdEvalInput in = { .task = TD_TASK_MULTICLASS, .n = 2, .n_outputs = 3, .n_classes = 3,
                     .y = y, .scores = s };
  g_assert_false (vt ()->evaluate (NULL, &in, got, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "item 1"));
  g_clear_error (&error);
  in.n_outputs = 1;
  g_assert_false (vt ()->evaluate (NULL, &in, got, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpstr (td_plugin_descriptor (0)->name, ==, "ordinal");
  for (size_t m = 0; m < TD_N_ORDINAL_METRICS; m++)
    g_assert_cmpstr (vt ()->metrics[m], ==, td_ordinal_metric_names[m]);
  g_test_add_func ("/ordinal/golden", test_golden);
  g_test_add_func ("/ordinal/known", test_known);
  g_test_add_func ("/ordinal/bad-input", test_bad_input);
  return g_test_run ();
}
