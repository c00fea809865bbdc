/* test_metrics.c — td_binary_metrics and td_delong against the scikit-learn /
 * scipy golden cases, against the O(n^2) definitions, and on bad input. */
#include <tundish/metrics.h>
#include <tundish/plugin.h>

#include <math.h>
#include <string.h>

#include "golden.h"

#ifndef TD_GOLDEN_METRICS_DIR
#error "TD_GOLDEN_METRICS_DIR must name tests/golden/metrics"
#endif

static void
check_value (const GoldenCase *c, const char *name, double got)
{
  double want = 0;
  if (!golden_expected (c, name, &want))
    g_error ("%s: %s missing from the expected file", c->name, name);
  if (!golden_close (name, want, got))
    g_error ("%s: %s = %.17g, expected %.17g (diff %.3g)", c->name, name, got, want,
             got - want);
}

static void
test_golden_case (gconstpointer data)
{
  const GoldenCase *c = data;
  double out[TD_N_BINARY_METRICS];
  g_autoptr (GError) error = NULL;
  g_assert_true (td_binary_metrics (c->y, c->a, c->n, 0.5, out, &error));
  g_assert_no_error (error);
  for (int m = 0; m < TD_N_BINARY_METRICS; m++)
    check_value (c, td_binary_metric_names[m], out[m]);
  g_assert_cmpfloat (td_roc_auc (c->y, c->a, c->n), ==, out[TD_M_ROC_AUC]);

  double want;
  if (c->b == NULL)
    {
      g_assert_false (golden_expected (c, "delong_z", &want));
      return;
    }
  TdDelong d;
  g_assert_true (td_delong (c->y, c->a, c->b, c->n, &d, &error));
  g_assert_no_error (error);
  check_value (c, "delong_auc_a", d.auc_a);
  check_value (c, "delong_auc_b", d.auc_b);
  check_value (c, "delong_var_a", d.var_a);
  check_value (c, "delong_var_b", d.var_b);
  check_value (c, "delong_cov", d.cov);
  check_value (c, "delong_z", d.z);
  check_value (c, "delong_p", d.p);
}

static void
test_names (void)
{
  for (int m = 0; m < TD_N_BINARY_METRICS; m++)
    g_assert_cmpint (td_binary_metric_index (td_binary_metric_names[m]), ==, m);
  g_assert_cmpint (td_binary_metric_index ("auc"), ==, -1);
  g_assert_cmpint (td_binary_metric_index (""), ==, -1);
  g_assert_cmpint (td_binary_metric_index (NULL), ==, -1);
  g_assert_cmpstr (td_binary_metric_names[TD_M_PR_AUC_TRAPZ], ==, "pr_auc_trapz");
  g_assert_cmpstr (td_binary_metric_names[TD_M_FN], ==, "fn");
}

static void
test_one_class (void)
{
  const double s[] = { 0.2, 0.7, 0.5, 0.9 };
  const double ones[] = { 1, 1, 1, 1 }, zeros[] = { 0, 0, 0, 0 };
  double out[TD_N_BINARY_METRICS];
  g_autoptr (GError) error = NULL;

  g_assert_true (td_binary_metrics (ones, s, 4, 0.5, out, &error));
  g_assert_no_error (error);
  g_assert_true (isnan (out[TD_M_ROC_AUC]));
  g_assert_true (isnan (out[TD_M_PR_AUC]));
  g_assert_true (isnan (out[TD_M_PR_AUC_TRAPZ]));
  g_assert_cmpfloat (out[TD_M_N_POS], ==, 4);
  g_assert_cmpfloat (out[TD_M_RECALL], ==, 0.75);
  g_assert_cmpfloat (out[TD_M_SPECIFICITY], ==, 0);          /* 0/0 */
  g_assert_cmpfloat (out[TD_M_BALANCED_ACCURACY], ==, 0.75); /* sklearn: classes present */
  g_assert_cmpfloat (out[TD_M_MCC], ==, 0);
  g_assert_true (isnan (td_roc_auc (ones, s, 4)));

  g_assert_true (td_binary_metrics (zeros, s, 4, 0.5, out, &error));
  g_assert_true (isnan (out[TD_M_ROC_AUC]));
  g_assert_true (isnan (out[TD_M_PR_AUC]));
  g_assert_cmpfloat (out[TD_M_PRECISION], ==, 0);
  g_assert_cmpfloat (out[TD_M_F1], ==, 0);
  g_assert_cmpfloat (out[TD_M_SPECIFICITY], ==, 0.25);
  g_assert_cmpfloat (out[TD_M_BALANCED_ACCURACY], ==, 0.25);
  g_assert_true (isnan (td_roc_auc (zeros, s, 4)));

  TdDelong d;
  g_assert_true (td_delong (zeros, s, s, 4, &d, &error));
  g_assert_true (isnan (d.auc_a) && isnan (d.z) && isnan (d.p));
  /* one positive: the AUCs exist, their variances do not */
  const double y1[] = { 0, 1, 0, 0 };
  g_assert_true (td_delong (y1, s, s, 4, &d, &error));
  g_assert_cmpfloat (d.auc_a, ==, 2.0 / 3.0);
  g_assert_true (isnan (d.var_a) && isnan (d.p));
}

static void
expect_invalid (const double *y, const double *s, size_t n, const char *fragment)
{
  double out[TD_N_BINARY_METRICS];
  g_autoptr (GError) error = NULL;
  g_assert_false (td_binary_metrics (y, s, n, 0.5, out, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, fragment));
  g_clear_error (&error);
  TdDelong d;
  g_assert_false (td_delong (y, s, s, n, &d, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
}

static void
test_bad_input (void)
{
  const double s[] = { 0.1, 0.9, 0.4 };
  const double y_two[] = { 0, 2, 1 }, y_half[] = { 0, 0.5, 1 }, y_nan[] = { NAN, 0, 1 };
  const double y_ok[] = { 0, 1, 1 };
  const double s_nan[] = { 0.1, NAN, 0.4 }, s_inf[] = { 0.1, 0.2, INFINITY };
  expect_invalid (y_two, s, 3, "item 1");
  expect_invalid (y_half, s, 3, "0 or 1");
  expect_invalid (y_nan, s, 3, "item 0");
  expect_invalid (y_ok, s_nan, 3, "finite");
  expect_invalid (y_ok, s_inf, 3, "item 2");
  expect_invalid (y_ok, s, 0, "n = 0");
  g_assert_true (isnan (td_roc_auc (y_two, s, 3)));
  g_assert_true (isnan (td_roc_auc (y_ok, s_nan, 3)));
}

static void
test_threshold (void)
{
  const double y[] = { 0, 1, 0, 1, 1 };
  const double s[] = { 0.0, 0.3, 0.3, 0.6, 1.0 };
  double out[TD_N_BINARY_METRICS];
  g_autoptr (GError) error = NULL;
  g_assert_true (td_binary_metrics (y, s, 5, 0.3, out, &error));
  /* >= : both 0.3 scores are positive */
  g_assert_cmpfloat (out[TD_M_TP], ==, 3);
  g_assert_cmpfloat (out[TD_M_FP], ==, 1);
  g_assert_cmpfloat (out[TD_M_TN], ==, 1);
  g_assert_cmpfloat (out[TD_M_FN], ==, 0);
  g_assert_cmpfloat_with_epsilon (out[TD_M_F1], 6.0 / 7.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (out[TD_M_MCC], 3.0 / sqrt (4.0 * 3 * 2 * 1) * 1, 1e-15);
  g_assert_true (td_binary_metrics (y, s, 5, 1.5, out, &error));
  g_assert_cmpfloat (out[TD_M_TP] + out[TD_M_FP], ==, 0);
  g_assert_cmpfloat (out[TD_M_PRECISION], ==, 0);
  g_assert_cmpfloat (out[TD_M_MCC], ==, 0);
  g_assert_cmpfloat (out[TD_M_ACCURACY], ==, 0.4);
  /* AUC: pairs (pos, neg) = 6; wins: 0.3>0 ; 0.3=0.3 half; 0.6>both; 1.0>both */
  g_assert_cmpfloat (out[TD_M_ROC_AUC], ==, 5.5 / 6.0);
}

/* The O(n^2) definitions DeLong's paper starts from. */
static double
psi (double x, double z)
{
  return x > z ? 1.0 : x == z ? 0.5 : 0.0;
}

static void
brute_delong (const double *y, const double *a, const double *b, size_t n, TdDelong *d)
{
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    m += y[i] == 1.0;
  size_t k = n - m;
  const double *sc[2] = { a, b };
  g_autofree double *v10 = g_new0 (double, 2 * m);
  g_autofree double *v01 = g_new0 (double, 2 * k);
  double auc[2] = { 0, 0 };
  for (int r = 0; r < 2; r++)
    for (size_t i = 0, ip = 0; i < n; i++)
      {
        if (y[i] != 1.0)
          continue;
        for (size_t j = 0, jn = 0; j < n; j++)
          {
            if (y[j] == 1.0)
              continue;
            double v = psi (sc[r][i], sc[r][j]);
            v10[r * m + ip] += v / (double) k;
            v01[r * k + jn] += v / (double) m;
            auc[r] += v / ((double) m * (double) k);
            jn++;
          }
        ip++;
      }
  double s10[2][2], s01[2][2];
  for (int r = 0; r < 2; r++)
    for (int q = 0; q < 2; q++)
      {
        double ma = 0, mb = 0, c = 0;
        for (size_t i = 0; i < m; i++)
          ma += v10[r * m + i] / (double) m, mb += v10[q * m + i] / (double) m;
        for (size_t i = 0; i < m; i++)
          c += (v10[r * m + i] - ma) * (v10[q * m + i] - mb);
        s10[r][q] = c / (double) (m - 1);
        ma = mb = c = 0;
        for (size_t j = 0; j < k; j++)
          ma += v01[r * k + j] / (double) k, mb += v01[q * k + j] / (double) k;
        for (size_t j = 0; j < k; j++)
          c += (v01[r * k + j] - ma) * (v01[q * k + j] - mb);
        s01[r][q] = c / (double) (k - 1);
      }
  d->auc_a = auc[0];
  d->auc_b = auc[1];
  d->var_a = s10[0][0] / (double) m + s01[0][0] / (double) k;
  d->var_b = s10[1][1] / (double) m + s01[1][1] / (double) k;
  d->cov = s10[0][1] / (double) m + s01[0][1] / (double) k;
  d->z = (d->auc_a - d->auc_b) / sqrt (d->var_a + d->var_b - 2 * d->cov);
  d->p = erfc (fabs (d->z) / sqrt (2.0));
}

static void
test_brute_force (void)
{
  g_autoptr (GRand) rng = g_rand_new_with_seed (7);
  for (int trial = 0; trial < 20; trial++)
    {
      size_t n = 20 + (size_t) g_rand_int_range (rng, 0, 400);
      /* few distinct values so that ties within and across classes abound */
      double levels = trial % 2 ? 10.0 : 1000.0;
      g_autofree double *y = g_new (double, n);
      g_autofree double *a = g_new (double, n);
      g_autofree double *b = g_new (double, n);
      for (size_t i = 0; i < n; i++)
        {
          y[i] = i < 3 ? (double) (i % 2) : (double) (g_rand_double (rng) < 0.3);
          double base = g_rand_double (rng) + 0.3 * y[i];
          a[i] = round (base * levels) / levels;
          b[i] = round ((0.7 * base + 0.5 * g_rand_double (rng)) * levels) / levels;
        }
      TdDelong fast, slow;
      g_autoptr (GError) error = NULL;
      g_assert_true (td_delong (y, a, b, n, &fast, &error));
      brute_delong (y, a, b, n, &slow);
      g_assert_cmpfloat_with_epsilon (fast.auc_a, slow.auc_a, 1e-12);
      g_assert_cmpfloat_with_epsilon (fast.auc_b, slow.auc_b, 1e-12);
      g_assert_cmpfloat_with_epsilon (td_roc_auc (y, b, n), slow.auc_b, 1e-12);
      g_assert_cmpfloat_with_epsilon (fast.var_a, slow.var_a, 1e-14);
      g_assert_cmpfloat_with_epsilon (fast.var_b, slow.var_b, 1e-14);
      g_assert_cmpfloat_with_epsilon (fast.cov, slow.cov, 1e-14);
      g_assert_cmpfloat_with_epsilon (fast.z, slow.z, 1e-9);
      g_assert_cmpfloat_with_epsilon (fast.p, slow.p, 1e-9 * slow.p + 1e-300);
    }
}

static void
test_delong_identical (void)
{
  const double y[] = { 0, 1, 0, 1, 1, 0, 0, 1 };
  const double s[] = { 0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.5, 0.5 };
  TdDelong d;
  g_autoptr (GError) error = NULL;
  g_assert_true (td_delong (y, s, s, 8, &d, &error));
  g_assert_cmpfloat (d.auc_a, ==, d.auc_b);
  g_assert_cmpfloat (d.var_a, ==, d.cov);
  g_assert_cmpfloat (d.z, ==, 0);
  g_assert_cmpfloat (d.p, ==, 1);
  g_assert_cmpfloat (d.var_a, >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) cases = golden_load_dir (TD_GOLDEN_METRICS_DIR, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, >=, 9);
  for (guint k = 0; k < cases->len; k++)
    {
      const GoldenCase *c = g_ptr_array_index (cases, k);
      g_autofree char *path = g_strdup_printf ("/metrics/golden/%s", c->name);
      g_test_add_data_func (path, c, test_golden_case);
    }
  g_test_add_func ("/metrics/names", test_names);
  g_test_add_func ("/metrics/one-class", test_one_class);
  g_test_add_func ("/metrics/bad-input", test_bad_input);
  g_test_add_func ("/metrics/threshold", test_threshold);
  g_test_add_func ("/metrics/delong-brute-force", test_brute_force);
  g_test_add_func ("/metrics/delong-identical", test_delong_identical);
  return g_test_run ();
}
