/* test_stats.c — every method of tundish/stats.h and the metric additions of
 * tundish/metrics.h against the reference values of tests/golden/stats/
 * (scipy, scikit-learn, statsmodels; see make_golden.py there), plus the
 * edge cases the references do not cover.
 *
 * Tolerances: 1e-12 absolute for values computed by closed formulas and
 * exact sums; p-values 1e-9 relative (and 1e-15 absolute); the studentised
 * range 1e-9 relative, which is scipy's own quadrature accuracy. */
#include <tundish/tundish.h>
#include <tundish/stats.h>

#include <string.h>

#include "golden_ini.h"

#define TOL_ABS 1e-12
#define TOL_PREL 1e-9

static GStrv
groups_of (GKeyFile *kf, const char *prefix)
{
  g_auto (GStrv) all = g_key_file_get_groups (kf, NULL);
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  for (size_t i = 0; all[i]; i++)
    if (!prefix || g_str_has_prefix (all[i], prefix))
      g_strv_builder_add (b, all[i]);
  return g_strv_builder_end (b);
}

/* ------------------------------------------------------------------ t */

static void
test_ttest (void)
{
  g_autoptr (GKeyFile) kf = golden_open ("ttest.ini");
  g_auto (GStrv) gs = groups_of (kf, NULL);
  g_assert_cmpuint (g_strv_length (gs), ==, 5);
  for (size_t i = 0; gs[i]; i++)
    {
      size_t n;
      g_autofree double *d = golden_list (kf, gs[i], "d", &n);
      double ratio = golden_num (kf, gs[i], "ratio");
      TdTTest t;
      td_corrected_ttest (d, n, ratio, 0.95, &t);
      g_assert_cmpuint (t.n, ==, n);
      golden_close ("mean", t.mean, golden_num (kf, gs[i], "mean"), TOL_ABS, 0);
      golden_close ("sd", t.sd, golden_num (kf, gs[i], "sd"), TOL_ABS, 0);
      golden_close ("se", t.se, golden_num (kf, gs[i], "se"), TOL_ABS, 0);
      golden_close ("t", t.t, golden_num (kf, gs[i], "t"), 0, 1e-12);
      g_assert_cmpfloat (t.df, ==, golden_num (kf, gs[i], "df"));
      golden_close ("p", t.p, golden_num (kf, gs[i], "p"), 1e-15, TOL_PREL);
      golden_close ("ci_low", t.ci_low, golden_num (kf, gs[i], "ci_low"), TOL_ABS, 0);
      golden_close ("ci_high", t.ci_high, golden_num (kf, gs[i], "ci_high"), TOL_ABS, 0);
      if (ratio == 0.0)
        {
          /* the plain t interval of the mean is the same computation */
          TdMeanCI mc;
          td_mean_ci (d, n, 0.95, &mc);
          golden_close ("mean_ci low", mc.ci_low, golden_num (kf, gs[i], "ci_low"), TOL_ABS, 0);
          golden_close ("mean_ci high", mc.ci_high, golden_num (kf, gs[i], "ci_high"), TOL_ABS, 0);
        }
    }
}

static void
test_ttest_edges (void)
{
  TdMeanCI mc;
  const double x[] = { 0.5, NAN, 0.7, INFINITY };
  td_mean_ci (x, 4, 0.95, &mc);
  g_assert_cmpuint (mc.n, ==, 2);
  g_assert_cmpfloat_with_epsilon (mc.mean, 0.6, 1e-15);
  /* n = 2: t_{0.975, 1} = 12.706204736174707 */
  g_assert_cmpfloat_with_epsilon (mc.ci_high - mc.mean,
                                  12.706204736174707 * mc.sd / G_SQRT2, 1e-12);
  td_mean_ci (x, 1, 0.95, &mc);
  g_assert_cmpfloat (mc.mean, ==, 0.5);
  g_assert_true (isnan (mc.sd) && isnan (mc.ci_low));
  td_mean_ci (x + 1, 1, 0.95, &mc);
  g_assert_cmpuint (mc.n, ==, 0);
  g_assert_true (isnan (mc.mean));

  TdTTest t;
  const double same[] = { 0.02, 0.02, 0.02 }, zero[] = { 0, 0, 0 };
  td_corrected_ttest (same, 3, 0.25, 0.95, &t);
  g_assert_true (isinf (t.t) && t.t > 0);
  g_assert_cmpfloat (t.p, ==, 0.0);
  td_corrected_ttest (zero, 3, 0.25, 0.95, &t);
  g_assert_cmpfloat (t.t, ==, 0.0);
  g_assert_cmpfloat (t.p, ==, 1.0);
  td_corrected_ttest (same, 1, 0.25, 0.95, &t);
  g_assert_true (isnan (t.p));
  /* the correction only widens: same data, larger ratio, larger p */
  const double d[] = { 0.01, 0.03, -0.005, 0.02, 0.015 };
  TdTTest a, b;
  td_corrected_ttest (d, 5, 0.0, 0.95, &a);
  td_corrected_ttest (d, 5, 0.25, 0.95, &b);
  g_assert_cmpfloat (b.p, >, a.p);
  g_assert_cmpfloat_with_epsilon (a.t / b.t, sqrt ((1.0 / 5 + 0.25) / (1.0 / 5)), 1e-12);
}

/* -------------------------------------------------------------- McNemar */

static void
test_mcnemar (void)
{
  g_autoptr (GKeyFile) kf = golden_open ("mcnemar.ini");
  g_auto (GStrv) gs = groups_of (kf, NULL);
  g_assert_cmpuint (g_strv_length (gs), >=, 10);
  for (size_t i = 0; gs[i]; i++)
    {
      guint64 b = (guint64) golden_num (kf, gs[i], "b"), c = (guint64) golden_num (kf, gs[i], "c");
      TdMcNemar ex, ch, au;
      td_mcnemar_exact (b, c, &ex);
      td_mcnemar_chi2 (b, c, &ch);
      td_mcnemar (b, c, &au);
      g_assert_true (ex.exact);
      g_assert_false (ch.exact);
      g_assert_cmpfloat (ex.statistic, ==, golden_num (kf, gs[i], "exact_statistic"));
      golden_close (gs[i], ex.p, golden_num (kf, gs[i], "exact_p"), 1e-15, TOL_PREL);
      golden_close (gs[i], ch.statistic, golden_num (kf, gs[i], "chi2_statistic"), TOL_ABS, 1e-14);
      golden_close (gs[i], ch.p, golden_num (kf, gs[i], "chi2_p"), 1e-15, TOL_PREL);
      g_assert_cmpint (au.exact, ==, (gboolean) golden_num (kf, gs[i], "auto_exact"));
      g_assert_cmpfloat (au.p, ==, au.exact ? ex.p : ch.p);
    }
  TdMcNemar none;
  td_mcnemar (0, 0, &none);
  g_assert_cmpfloat (none.p, ==, 1.0);
  td_mcnemar_chi2 (0, 0, &none);
  g_assert_cmpfloat (none.p, ==, 1.0);
  /* large exact counts go through GSL's binomial: agrees with the asymptotic */
  TdMcNemar big_e, big_c;
  td_mcnemar_exact (400, 480, &big_e);
  td_mcnemar_chi2 (400, 480, &big_c);
  g_assert_cmpfloat (fabs (big_e.p - big_c.p), <, 0.002);
}

/* ------------------------------------------------------------- Wilcoxon */

static void
test_wilcoxon (void)
{
  g_autoptr (GKeyFile) kf = golden_open ("wilcoxon.ini");
  g_auto (GStrv) gs = groups_of (kf, NULL);
  g_assert_cmpuint (g_strv_length (gs), >=, 8);
  for (size_t i = 0; gs[i]; i++)
    {
      size_t n;
      g_autofree double *d = golden_list (kf, gs[i], "d", &n);
      TdWilcoxon w;
      g_autoptr (GError) error = NULL;
      g_assert_true (td_wilcoxon (d, n, &w, &error));
      g_assert_cmpint (w.exact, ==, (gboolean) golden_num (kf, gs[i], "exact"));
      golden_close (gs[i], w.statistic, golden_num (kf, gs[i], "statistic"), TOL_ABS, 0);
      golden_close (gs[i], w.p, golden_num (kf, gs[i], "p"), 1e-15, TOL_PREL);
      g_assert_cmpfloat (w.r_plus + w.r_minus, ==,
                         (double) (n - w.n_zero) * (double) (n - w.n_zero + 1) / 2.0);
    }
  TdWilcoxon w;
  const double zeros[] = { 0, 0, 0 }, bad[] = { 0.1, NAN };
  g_assert_true (td_wilcoxon (zeros, 3, &w, NULL));
  g_assert_cmpfloat (w.p, ==, 1.0);
  g_autoptr (GError) error = NULL;
  g_assert_false (td_wilcoxon (bad, 2, &w, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
}

/* ------------------------------------------------------------- Friedman */

static void
test_friedman (void)
{
  g_autoptr (GKeyFile) kf = golden_open ("friedman.ini");
  g_auto (GStrv) gs = groups_of (kf, NULL);
  g_assert_cmpuint (g_strv_length (gs), ==, 4);
  for (size_t i = 0; gs[i]; i++)
    {
      size_t nx, nr;
      g_autofree double *x = golden_list (kf, gs[i], "x", &nx);
      g_autofree double *want_ranks = golden_list (kf, gs[i], "mean_ranks", &nr);
      size_t N = (size_t) golden_num (kf, gs[i], "blocks"), k = (size_t) golden_num (kf, gs[i], "k");
      g_assert_cmpuint (nx, ==, N * k);
      g_autofree double *ranks = g_new (double, k);
      TdFriedman f;
      g_autoptr (GError) error = NULL;
      g_assert_true (td_friedman (x, N, k, ranks, &f, &error));
      golden_close ("chi2", f.chi2, golden_num (kf, gs[i], "chi2"), TOL_ABS, 1e-13);
      golden_close ("p", f.p, golden_num (kf, gs[i], "p"), 1e-15, TOL_PREL);
      golden_close ("F", f.f, golden_num (kf, gs[i], "f"), TOL_ABS, 1e-12);
      golden_close ("p_F", f.p_f, golden_num (kf, gs[i], "p_f"), 1e-15, TOL_PREL);
      for (size_t j = 0; j < k; j++)
        golden_close ("rank", ranks[j], want_ranks[j], TOL_ABS, 0);
    }
  TdFriedman f;
  const double tied[] = { 1, 1, 1, 2, 2, 2 }, nan[] = { 1, NAN, 2, 3 };
  g_assert_true (td_friedman (tied, 2, 3, NULL, &f, NULL));
  g_assert_cmpfloat (f.p, ==, 1.0);
  g_autoptr (GError) error = NULL;
  g_assert_false (td_friedman (nan, 2, 2, NULL, &f, &error));
  g_clear_error (&error);
  g_assert_false (td_friedman (tied, 1, 3, NULL, &f, &error));
}

/* ----------------------------------------------------------------- Holm */

static void
test_holm (void)
{
  g_autoptr (GKeyFile) kf = golden_open ("holm.ini");
  g_auto (GStrv) gs = groups_of (kf, NULL);
  for (size_t i = 0; gs[i]; i++)
    {
      size_t n, na;
      g_autofree double *p = golden_list (kf, gs[i], "p", &n);
      g_autofree double *want = golden_list (kf, gs[i], "adjusted", &na);
      g_assert_cmpuint (n, ==, na);
      g_autofree double *adj = g_new (double, n);
      td_holm (p, n, adj);
      for (size_t j = 0; j < n; j++)
        golden_close (gs[i], adj[j], want[j], 1e-15, 1e-15);
      td_holm (p, n, p);   /* in place */
      for (size_t j = 0; j < n; j++)
        g_assert_cmpfloat (p[j], ==, adj[j]);
    }
  /* NaN is outside the family: the others are adjusted for m = 2 */
  double p[] = { 0.01, NAN, 0.04 }, adj[3];
  td_holm (p, 3, adj);
  g_assert_cmpfloat_with_epsilon (adj[0], 0.02, 1e-17);
  g_assert_true (isnan (adj[1]));
  g_assert_cmpfloat_with_epsilon (adj[2], 0.04, 1e-17);
}

/* --------------------------------------------------- studentised range */

static void
test_tukey (void)
{
  g_autoptr (GKeyFile) kf = golden_open ("tukey.ini");
  g_auto (GStrv) ppf = groups_of (kf, "ppf_");
  g_assert_cmpuint (g_strv_length (ppf), >=, 20);
  for (size_t i = 0; ppf[i]; i++)
    {
      int k = (int) golden_num (kf, ppf[i], "k");
      double p = golden_num (kf, ppf[i], "p");
      golden_close (ppf[i], td_qtukey_inf (p, k), golden_num (kf, ppf[i], "q"), 0, TOL_PREL);
    }
  g_auto (GStrv) cdf = groups_of (kf, "cdf_");
  for (size_t i = 0; cdf[i]; i++)
    {
      int k = (int) golden_num (kf, cdf[i], "k");
      double q = golden_num (kf, cdf[i], "q");
      golden_close (cdf[i], td_ptukey_inf (q, k), golden_num (kf, cdf[i], "cdf"), 1e-15, TOL_PREL);
      golden_close (cdf[i], td_ptukey_inf_sf (q, k), golden_num (kf, cdf[i], "sf"), 1e-15, TOL_PREL);
      golden_close (cdf[i], td_ptukey_inf_sf (q, k), golden_num (kf, cdf[i], "sf_mpmath"), 1e-16,
                    1e-12);
    }
  g_auto (GStrv) nem = groups_of (kf, "nemenyi_");
  for (size_t i = 0; nem[i]; i++)
    {
      int k = (int) golden_num (kf, nem[i], "k");
      size_t N = (size_t) golden_num (kf, nem[i], "blocks");
      double alpha = golden_num (kf, nem[i], "alpha");
      golden_close ("q_alpha", td_nemenyi_q (k, alpha), golden_num (kf, nem[i], "q_alpha"), 0,
                    TOL_PREL);
      golden_close ("cd", td_nemenyi_cd (k, N, alpha), golden_num (kf, nem[i], "cd"), 0, TOL_PREL);
      golden_close ("p", td_nemenyi_p (golden_num (kf, nem[i], "rank_diff"), k, N),
                    golden_num (kf, nem[i], "p"), 1e-15, TOL_PREL);
    }
  /* Demšar's table, alpha 0.05, k = 2..10 */
  size_t n;
  g_autofree double *demsar = golden_list (kf, "demsar", "q", &n);
  for (size_t i = 0; i < n; i++)
    golden_close ("demsar", td_nemenyi_q ((int) i + 2, 0.05), demsar[i], 1e-3, 0);   /* the table truncates */
  /* the tail keeps its digits, and the two halves add up */
  double sf = td_ptukey_inf_sf (12.0, 5);
  g_assert_cmpfloat (sf, >, 0.0);
  g_assert_cmpfloat (sf, <, 1e-15);
  g_assert_cmpfloat_with_epsilon (td_ptukey_inf (3.0, 4) + td_ptukey_inf_sf (3.0, 4), 1.0, 1e-15);
  g_assert_true (isnan (td_qtukey_inf (1.0, 3)));
  g_assert_true (isnan (td_ptukey_inf (1.0, 1)));
}

/* ----------------------------------------------------------------- ECE */

static void
test_ece (void)
{
  g_autoptr (GKeyFile) kf = golden_open ("ece.ini");
  g_auto (GStrv) gs = groups_of (kf, NULL);
  g_assert_cmpuint (g_strv_length (gs), ==, 5);
  for (size_t i = 0; gs[i]; i++)
    {
      size_t n, ns;
      g_autofree double *y = golden_list (kf, gs[i], "y", &n);
      g_autofree double *s = golden_list (kf, gs[i], "s", &ns);
      size_t bins = (size_t) golden_num (kf, gs[i], "bins");
      golden_close (gs[i], td_ece (y, s, n, bins, TD_ECE_UNIFORM),
                    golden_num (kf, gs[i], "uniform"), TOL_ABS, 0);
      golden_close (gs[i], td_ece (y, s, n, bins, TD_ECE_QUANTILE),
                    golden_num (kf, gs[i], "quantile"), TOL_ABS, 0);
    }
  const double y[] = { 0, 1 }, s[] = { 0.2, NAN }, y2[] = { 0, 2 }, ok[] = { 0.2, 0.3 };
  g_assert_true (isnan (td_ece (y, s, 2, 10, TD_ECE_UNIFORM)));
  g_assert_true (isnan (td_ece (y2, ok, 2, 10, TD_ECE_UNIFORM)));
  g_assert_true (isnan (td_ece (y, ok, 2, 0, TD_ECE_UNIFORM)));
  /* perfectly calibrated in each bin */
  const double yc[] = { 0, 0, 1, 1 }, sc[] = { 0.5, 0.5, 0.5, 0.5 };
  g_assert_cmpfloat (td_ece (yc, sc, 4, 10, TD_ECE_UNIFORM), ==, 0.0);
}

/* ----------------------------------------------------------- thresholds */

static void
test_thresholds (void)
{
  g_autoptr (GKeyFile) kf = golden_open ("thresholds.ini");
  g_auto (GStrv) gs = groups_of (kf, NULL);
  g_assert_cmpuint (g_strv_length (gs), ==, 9);
  for (size_t i = 0; gs[i]; i++)
    {
      size_t n, ns;
      g_autofree double *y = golden_list (kf, gs[i], "y", &n);
      g_autofree double *s = golden_list (kf, gs[i], "s", &ns);
      double target = golden_num (kf, gs[i], "target");
      double t, f1, prec;
      g_autoptr (GError) error = NULL;
      g_assert_true (td_threshold_best_f1 (y, s, n, &t, &f1, &error));
      g_assert_cmpfloat (t, ==, golden_num (kf, gs[i], "best_f1_threshold"));
      golden_close ("best f1", f1, golden_num (kf, gs[i], "best_f1"), TOL_ABS, 0);
      g_assert_true (td_threshold_for_recall (y, s, n, target, &t, &prec, &error));
      g_assert_cmpfloat (t, ==, golden_num (kf, gs[i], "recall_threshold"));
      golden_close ("precision there", prec, golden_num (kf, gs[i], "recall_precision"), TOL_ABS, 0);
      golden_close ("precision_at_recall", td_precision_at_recall (y, s, n, target),
                    golden_num (kf, gs[i], "precision_at_recall"), TOL_ABS, 0);
    }
  const double y0[] = { 0, 0 }, s0[] = { 0.3, 0.6 };
  double t;
  g_autoptr (GError) error = NULL;
  g_assert_false (td_threshold_best_f1 (y0, s0, 2, &t, NULL, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  const double y1[] = { 0, 1 };
  g_assert_false (td_threshold_for_recall (y1, s0, 2, 1.5, &t, NULL, &error));
  g_assert_true (isnan (td_precision_at_recall (y0, s0, 2, 0.9)));
}

/* ------------------------------------------------------------ bootstrap */

static void
test_splitmix (void)
{
  /* SplitMix64 reference stream for seed 1234567 (Vigna's splitmix64.c) */
  guint64 st = 1234567;
  const guint64 want[] = { G_GUINT64_CONSTANT (6457827717110365317),
                           G_GUINT64_CONSTANT (3203168211198807973),
                           G_GUINT64_CONSTANT (9817491932198370423) };
  for (size_t i = 0; i < G_N_ELEMENTS (want); i++)
    g_assert_cmpuint (td_splitmix64_next (&st), ==, want[i]);
  guint64 a = 99;
  for (int i = 0; i < 1000; i++)
    {
      double u = td_splitmix64_uniform (&a);
      g_assert_true (u >= 0.0 && u < 1.0);
    }
}

static void
test_resampler (void)
{
  g_autoptr (GKeyFile) kf = golden_open ("bootstrap.ini");
  const char *cases[] = { "resample_plain", "resample_clustered" };
  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      size_t n, nc = 0;
      g_autofree double *sd = golden_list (kf, cases[c], "strata", &n);
      g_autofree double *cd = c ? golden_list (kf, cases[c], "clusters", &nc) : NULL;
      g_autofree gint64 *strata = g_new (gint64, n);
      g_autofree gint64 *clusters = c ? g_new (gint64, n) : NULL;
      for (size_t i = 0; i < n; i++)
        {
          strata[i] = (gint64) sd[i];
          if (clusters)
            clusters[i] = (gint64) cd[i];
        }
      g_autoptr (TdResampler) r = td_resampler_new (n, strata, clusters);
      g_autofree size_t *idx = g_new (size_t, td_resampler_max (r));
      guint64 state = (guint64) golden_num (kf, cases[c], "seed");
      for (int d = 0; d < 3; d++)
        {
          char key[16];
          g_snprintf (key, sizeof key, "draw%d", d);
          size_t nw;
          g_autofree double *want = golden_list (kf, cases[c], key, &nw);
          size_t m = td_resampler_draw (r, &state, idx);
          g_assert_cmpuint (m, ==, nw);
          for (size_t i = 0; i < m; i++)
            g_assert_cmpuint (idx[i], ==, (size_t) want[i]);
          if (!clusters)
            {
              /* stratified: the class counts of the original */
              size_t pos = 0;
              for (size_t i = 0; i < m; i++)
                pos += (size_t) strata[idx[i]];
              g_assert_cmpuint (pos, ==, 4);
            }
        }
    }
  g_autofree char *seed = golden_str (kf, "seed_derive", "seed");
  g_assert_cmpuint (td_seed_derive (42, 1, 0, "compare:bootstrap", ""), ==,
                    g_ascii_strtoull (seed, NULL, 10));
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* The paired bootstrap through the SDK pieces, against scikit-learn on the
 * very same indices. */
static void
test_paired_bootstrap (void)
{
  g_autoptr (GKeyFile) kf = golden_open ("bootstrap.ini");
  const char *cases[] = { "paired", "paired_clustered" };
  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      size_t n, na, nb, ncl = 0;
      g_autofree double *y = golden_list (kf, cases[c], "y", &n);
      g_autofree double *a = golden_list (kf, cases[c], "a", &na);
      g_autofree double *b = golden_list (kf, cases[c], "b", &nb);
      g_autofree double *cl = c ? golden_list (kf, cases[c], "clusters", &ncl) : NULL;
      size_t B = (size_t) golden_num (kf, cases[c], "samples");
      g_autofree gint64 *strata = g_new (gint64, n);
      g_autofree gint64 *clusters = c ? g_new (gint64, n) : NULL;
      for (size_t i = 0; i < n; i++)
        {
          strata[i] = (gint64) y[i];
          if (clusters)
            clusters[i] = (gint64) cl[i];
        }
      g_autoptr (TdResampler) r = td_resampler_new (n, strata, clusters);
      size_t cap = td_resampler_max (r);
      g_autofree size_t *idx = g_new (size_t, cap);
      g_autofree double *yy = g_new (double, cap), *aa = g_new (double, cap),
                        *bb = g_new (double, cap);
      const int ms[] = { TD_M_ROC_AUC, TD_M_PR_AUC, TD_M_F1 };
      const char *names[] = { "roc_auc", "pr_auc", "f1" };
      g_autofree double *delta = g_new (double, 3 * B);
      guint64 state = (guint64) golden_num (kf, cases[c], "seed");
      double va[TD_N_BINARY_METRICS], vb[TD_N_BINARY_METRICS];
      for (size_t r_ = 0; r_ < B; r_++)
        {
          size_t m = td_resampler_draw (r, &state, idx);
          for (size_t i = 0; i < m; i++)
            {
              yy[i] = y[idx[i]];
              aa[i] = a[idx[i]];
              bb[i] = b[idx[i]];
            }
          g_assert_true (td_binary_metrics (yy, aa, m, 0.5, va, NULL));
          g_assert_true (td_binary_metrics (yy, bb, m, 0.5, vb, NULL));
          for (int q = 0; q < 3; q++)
            delta[q * B + r_] = va[ms[q]] - vb[ms[q]];
        }
      g_assert_true (td_binary_metrics (y, a, n, 0.5, va, NULL));
      g_assert_true (td_binary_metrics (y, b, n, 0.5, vb, NULL));
      for (int q = 0; q < 3; q++)
        {
          double *d = delta + q * B;
          char key[64];
          g_snprintf (key, sizeof key, "%s_estimate", names[q]);
          golden_close (key, va[ms[q]] - vb[ms[q]], golden_num (kf, cases[c], key), TOL_ABS, 0);
          TdMeanCI mc;
          td_mean_ci (d, B, 0.95, &mc);
          g_snprintf (key, sizeof key, "%s_sd", names[q]);
          golden_close (key, mc.sd, golden_num (kf, cases[c], key), TOL_ABS, 0);
          g_snprintf (key, sizeof key, "%s_p", names[q]);
          golden_close (key, td_bootstrap_p (d, B), golden_num (kf, cases[c], key), 0, 1e-15);
          g_snprintf (key, sizeof key, "%s_ci", names[q]);
          size_t nci;
          g_autofree double *ci = golden_list (kf, cases[c], key, &nci);
          qsort (d, B, sizeof *d, cmp_double);
          golden_close ("ci low", td_quantile_sorted (d, B, 0.025), ci[0], TOL_ABS, 0);
          golden_close ("ci high", td_quantile_sorted (d, B, 0.975), ci[1], TOL_ABS, 0);
        }
    }
  const double d[] = { 0, 0, 0 };
  g_assert_cmpfloat (td_bootstrap_p (d, 3), ==, 1.0);
  const double pos[] = { 0.1, 0.2, 0.3, 0.4 };
  g_assert_cmpfloat (td_bootstrap_p (pos, 4), ==, 2.0 / 5.0);
}

/* Counted metrics equal the uncounted ones on the expanded list: counts 0,
 * 1 and more, tied scores, scores given sorted or not. */
static void
test_counted (void)
{
  guint64 st = 2024;
  for (int rep = 0; rep < 50; rep++)
    {
      size_t n = 5 + (size_t) (td_splitmix64_uniform (&st) * 60);
      g_autofree double *y = g_new (double, n), *s = g_new (double, n);
      g_autofree guint32 *w = g_new (guint32, n);
      size_t total = 0;
      for (size_t i = 0; i < n; i++)
        {
          y[i] = td_splitmix64_uniform (&st) < 0.35;
          s[i] = floor (td_splitmix64_uniform (&st) * 12.0) / 11.0;   /* many ties */
          w[i] = (guint32) (td_splitmix64_uniform (&st) * 4.0);       /* 0 .. 3 */
          total += w[i];
        }
      if (total == 0)
        continue;
      g_autofree double *ey = g_new (double, total), *es = g_new (double, total);
      for (size_t i = 0, j = 0; i < n; i++)
        for (guint32 c = 0; c < w[i]; c++, j++)
          {
            ey[j] = y[i];
            es[j] = s[i];
          }
      double want[TD_N_BINARY_METRICS], got[TD_N_BINARY_METRICS];
      g_assert_true (td_binary_metrics (ey, es, total, 0.5, want, NULL));
      g_assert_true (td_binary_metrics_counted (y, s, w, n, FALSE, 0.5, got, NULL));
      for (int m = 0; m < TD_N_BINARY_METRICS; m++)
        golden_close (td_binary_metric_names[m], got[m], want[m], 1e-14, 0);
      for (int b = 0; b < 2; b++)
        golden_close ("ece", td_ece_counted (y, s, w, n, FALSE, 7, b), td_ece (ey, es, total, 7, b),
                      1e-14, 0);
      /* sorted input: no sort, same values */
      g_autofree size_t *ord = g_new (size_t, n);
      for (size_t i = 0; i < n; i++)
        ord[i] = i;
      for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && s[ord[j]] < s[ord[j - 1]]; j--)
          {
            size_t t = ord[j];
            ord[j] = ord[j - 1];
            ord[j - 1] = t;
          }
      g_autofree double *ys = g_new (double, n), *ss = g_new (double, n);
      g_autofree guint32 *ws = g_new (guint32, n);
      for (size_t i = 0; i < n; i++)
        {
          ys[i] = y[ord[i]];
          ss[i] = s[ord[i]];
          ws[i] = w[ord[i]];
        }
      g_assert_true (td_binary_metrics_counted (ys, ss, ws, n, TRUE, 0.5, got, NULL));
      for (int m = 0; m < TD_N_BINARY_METRICS; m++)
        golden_close (td_binary_metric_names[m], got[m], want[m], 1e-14, 0);
      for (int b = 0; b < 2; b++)
        golden_close ("ece", td_ece_counted (ys, ss, ws, n, TRUE, 7, b),
                      td_ece (ey, es, total, 7, b), 1e-14, 0);
    }
  const double y[] = { 0, 1, 1 }, s[] = { 0.2, 0.1, 0.5 };
  const guint32 w[] = { 1, 1, 1 }, zero[] = { 0, 0, 0 };
  double out[TD_N_BINARY_METRICS];
  g_autoptr (GError) error = NULL;
  g_assert_false (td_binary_metrics_counted (y, s, w, 3, TRUE, 0.5, out, &error));   /* unsorted */
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (td_binary_metrics_counted (y, s, zero, 3, FALSE, 0.5, out, &error));
  g_assert_true (isnan (td_ece_counted (y, s, w, 3, TRUE, 10, TD_ECE_QUANTILE)));
}

static void
test_combine (void)
{
  const double p[] = { 0.01, 0.03, NAN }, big[] = { 0.6, 0.8 };
  g_assert_cmpfloat_with_epsilon (td_p_combine_mean (p, 3), 0.04, 1e-17);
  g_assert_cmpfloat (td_p_combine_mean (big, 2), ==, 1.0);
  g_assert_true (isnan (td_p_combine_mean (p + 2, 1)));
}

static void
test_ranks (void)
{
  const double x[] = { 3, 1, 4, 1, 5, 9, 2, 6, 5 };
  const double want[] = { 4, 1.5, 5, 1.5, 6.5, 9, 3, 8, 6.5 };   /* scipy rankdata */
  double r[9];
  td_rank_average (x, 9, r);
  for (int i = 0; i < 9; i++)
    g_assert_cmpfloat (r[i], ==, want[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stats/ttest", test_ttest);
  g_test_add_func ("/stats/ttest-edges", test_ttest_edges);
  g_test_add_func ("/stats/mcnemar", test_mcnemar);
  g_test_add_func ("/stats/wilcoxon", test_wilcoxon);
  g_test_add_func ("/stats/friedman", test_friedman);
  g_test_add_func ("/stats/holm", test_holm);
  g_test_add_func ("/stats/tukey", test_tukey);
  g_test_add_func ("/stats/ece", test_ece);
  g_test_add_func ("/stats/thresholds", test_thresholds);
  g_test_add_func ("/stats/splitmix", test_splitmix);
  g_test_add_func ("/stats/resampler", test_resampler);
  g_test_add_func ("/stats/paired-bootstrap", test_paired_bootstrap);
  g_test_add_func ("/stats/counted", test_counted);
  g_test_add_func ("/stats/combine", test_combine);
  g_test_add_func ("/stats/ranks", test_ranks);
  return g_test_run ();
}
