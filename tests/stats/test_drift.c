/* test_drift.c — tundish/drift.h against scipy.stats.ks_2samp,
 * scipy.stats.wasserstein_distance and the numpy MMD of
 * tests/golden/drift/make_golden.py; the dataset table on data with a known
 * shift in one channel. */
#include <tundish/tundish.h>

#include <math.h>
#include <string.h>

#include "golden_ini.h"

static const char *const cases[] = { "equal_n", "unequal_n", "ties", "same", "far", "tiny",
                                     "nan", "coprime_big", "variance", "asymp", NULL };

static void
test_ks_golden (void)
{
  g_autoptr (GKeyFile) kf = golden_open ("drift.ini");
  for (int c = 0; cases[c]; c++)
    {
      size_t na, nb;
      g_autofree double *a = golden_list (kf, cases[c], "a", &na);
      g_autofree double *b = golden_list (kf, cases[c], "b", &nb);
      TdKs ks;
      g_autoptr (GError) error = NULL;
      g_assert_true (td_ks_2samp (a, na, b, nb, &ks, &error));
      g_assert_no_error (error);
      double want_d = golden_num (kf, cases[c], "ks"), want_p = golden_num (kf, cases[c], "p_ks");
      gboolean exact = golden_num (kf, cases[c], "exact") != 0;
      g_test_message ("%s: D %.17g (scipy %.17g), p %.17g (scipy %.17g)", cases[c],
                      ks.statistic, want_d, ks.p, want_p);
      g_assert_cmpint (ks.exact, ==, exact);
      g_assert_cmpfloat_with_epsilon (ks.statistic, want_d, 1e-14);
      if (exact)
        /* The same recursion as scipy: agreement to rounding, also far in
         * the tail (the "far" case's p is 4e-20). */
        g_assert_cmpfloat (fabs (ks.p - want_p), <=, 1e-10 * want_p + 1e-300);
      else
        /* The Kolmogorov limit with Stephens' correction against scipy's
         * kstwo.sf: close, not equal (docs/statistics.md). */
        g_assert_cmpfloat (fabs (ks.p - want_p), <=, 0.002);
    }
}

static void
test_wasserstein_golden (void)
{
  g_autoptr (GKeyFile) kf = golden_open ("drift.ini");
  for (int c = 0; cases[c]; c++)
    {
      size_t na, nb;
      g_autofree double *a = golden_list (kf, cases[c], "a", &na);
      g_autofree double *b = golden_list (kf, cases[c], "b", &nb);
      double w = td_wasserstein1 (a, na, b, nb), want = golden_num (kf, cases[c], "wasserstein");
      g_assert_cmpfloat (fabs (w - want), <=, 1e-12 * MAX (1.0, want));
      /* Symmetric. */
      g_assert_cmpfloat (fabs (td_wasserstein1 (b, nb, a, na) - w), <=, 1e-12);
    }
}

static void
check_mmd (GKeyFile *kf, const char *group, size_t max_n)
{
  size_t na, nb;
  g_autofree double *a = golden_list (kf, group, "a", &na);
  g_autofree double *b = golden_list (kf, group, "b", &nb);
  int perms = (int) golden_num (kf, group, "permutations");
  guint64 seed = (guint64) golden_num (kf, group, "seed");
  TdMmd m;
  g_autoptr (GError) error = NULL;
  g_assert_true (td_mmd_rbf (a, na, b, nb, perms, seed, max_n, &m, &error));
  g_assert_no_error (error);
  double want = golden_num (kf, group, "mmd2");
  g_test_message ("%s: mmd2 %.17g (numpy %.17g), p %g (numpy %g)", group, m.mmd2, want, m.p,
                  golden_num (kf, group, "p_mmd"));
  g_assert_cmpfloat (fabs (m.mmd2 - want), <=, 1e-10 * MAX (fabs (want), 1e-3));
  g_assert_cmpfloat (fabs (m.bandwidth - golden_num (kf, group, "bandwidth")), <=, 1e-14);
  g_assert_cmpfloat (m.p, ==, golden_num (kf, group, "p_mmd"));
}

static void
test_mmd_golden (void)
{
  g_autoptr (GKeyFile) kf = golden_open ("drift.ini");
  for (int c = 0; cases[c]; c++)
    if (g_key_file_has_key (kf, cases[c], "mmd2", NULL))
      check_mmd (kf, cases[c], TD_MMD_MAX_N_DEFAULT);
  check_mmd (kf, "capped", 40);
}

static void
test_errors (void)
{
  const double a[] = { NAN, NAN }, b[] = { 1.0, 2.0, 3.0 };
  TdKs ks;
  TdMmd m;
  g_autoptr (GError) error = NULL;
  g_assert_false (td_ks_2samp (a, 2, b, 3, &ks, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "got 0 and 3"));
  g_clear_error (&error);
  g_assert_false (td_mmd_rbf (b, 1, b, 3, 10, 1, 0, &m, &error));
  g_assert_nonnull (strstr (error->message, "at least 2"));
  g_assert_true (isnan (td_wasserstein1 (a, 2, b, 3)));
  /* Every value equal: no bandwidth, nothing to detect. */
  const double c[] = { 4.0, 4.0, 4.0 };
  g_clear_error (&error);
  g_assert_true (td_mmd_rbf (c, 3, c, 2, 10, 1, 0, &m, &error));
  g_assert_cmpfloat (m.mmd2, ==, 0.0);
  g_assert_cmpfloat (m.p, ==, 1.0);
}

/* Four channels of noise; channel 2's level shifted in new, channel 3's
 * spread doubled. Only their rows may be flagged. */
static void
test_table_detects_shift (void)
{
  const size_t n_ref = 160, n_new = 60, steps = 50, ch = 4;
  g_autoptr (TdDataset) ref = td_dataset_new (n_ref, steps, ch, TD_TASK_BINARY, 2);
  g_autoptr (TdDataset) nw = td_dataset_new (n_new, steps, ch, TD_TASK_BINARY, 2);
  g_autoptr (GRand) rng = g_rand_new_with_seed (11);
  TdDataset *sets[] = { ref, nw };
  for (int k = 0; k < 2; k++)
    for (size_t s = 0; s < sets[k]->n_series; s++)
      for (size_t t = 0; t < steps; t++)
        for (size_t c = 0; c < ch; c++)
          {
            /* A per-series level, as casts differ, and noise around it. */
            double level = (s * 7 + c * 13) % 10 * 0.1;
            double v = level + (g_rand_double (rng) - 0.5);
            if (k == 1 && c == 2)
              v += 0.5;
            if (k == 1 && c == 3)
              v = level + 2.0 * (v - level);
            td_dataset_series (sets[k], s)[t * ch + c] = (float) v;
          }
  td_dataset_set_channel_name (ref, 2, "shifted");
  g_autoptr (GError) error = NULL;
  g_autoptr (TdDriftTable) t = td_drift_datasets (ref, nw, TD_DRIFT_ALL, 399, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (t->rows->len, ==, 2 * ch);
  gboolean flagged[8] = { 0 };
  for (guint i = 0; i < t->rows->len; i++)
    {
      const TdDriftRow *r = t->rows->pdata[i];
      g_assert_cmpuint (r->n_ref, ==, n_ref);
      g_assert_cmpuint (r->n_new, ==, n_new);
      g_assert_cmpfloat (r->p_ks_holm, >=, r->p_ks);
      flagged[i] = r->p_ks_holm < 0.01 && r->p_mmd_holm < 0.05;
      g_test_message ("%s.%s D %.3f p_holm %.3g W %.3f mmd2 %.4f p_mmd_holm %.3g", r->channel,
                      r->summary, r->ks, r->p_ks_holm, r->wasserstein, r->mmd2, r->p_mmd_holm);
    }
  const TdDriftRow *r4 = t->rows->pdata[4];
  g_assert_cmpstr (r4->channel, ==, "shifted");
  g_assert_cmpstr (r4->summary, ==, "mean");
  /* Level shift at channel 2's mean, spread change at channel 3's std (399
   * permutations: the smallest MMD p, 1/400, stays below 0.05 after Holm over 8 rows). */
  g_assert_true (flagged[4]);
  g_assert_true (flagged[7]);
  for (int i = 0; i < 8; i++)
    if (i != 4 && i != 7)
      g_assert_false (flagged[i]);
  /* The same seed gives the same table; a different one other p-values. */
  g_autoptr (TdDriftTable) again = td_drift_datasets (ref, nw, TD_DRIFT_ALL, 399, 5, &error);
  g_autoptr (GString) x = g_string_new (NULL), y = g_string_new (NULL);
  td_drift_table_csv (t, "", NULL, x);
  td_drift_table_csv (again, "", NULL, y);
  g_assert_cmpstr (x->str, ==, y->str);
  g_assert_true (g_str_has_prefix (x->str, "channel,summary,n_ref"));
}

static void
test_table_shape_error (void)
{
  g_autoptr (TdDataset) a = td_dataset_new (5, 10, 3, TD_TASK_BINARY, 2);
  g_autoptr (TdDataset) b = td_dataset_new (5, 10, 2, TD_TASK_BINARY, 2);
  g_autoptr (GError) error = NULL;
  g_assert_null (td_drift_datasets (a, b, TD_DRIFT_KS, 0, 0, &error));
  g_assert_nonnull (strstr (error->message, "differ in shape"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/drift/ks-golden", test_ks_golden);
  g_test_add_func ("/drift/wasserstein-golden", test_wasserstein_golden);
  g_test_add_func ("/drift/mmd-golden", test_mmd_golden);
  g_test_add_func ("/drift/errors", test_errors);
  g_test_add_func ("/drift/table-detects-shift", test_table_detects_shift);
  g_test_add_func ("/drift/table-shape-error", test_table_shape_error);
  return g_test_run ();
}
