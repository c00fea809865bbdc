/* tundish/stats.h — the statistics behind comparisons, usable by any plugin.
 *
 * Confidence intervals across repeats, the corrected resampled t-test,
 * McNemar, Wilcoxon signed-rank, Friedman (with Iman-Davenport), Holm,
 * Nemenyi (studentised range with infinite degrees of freedom), and the
 * reproducible stratified / clustered bootstrap that `compare:` uses.
 * DeLong's test is in metrics.h. Every method, its conventions and the
 * reference it is checked against are in docs/statistics.md; the golden
 * values are in tests/golden/stats/.
 *
 * All functions are thread-safe and never abort: bad input gives a GError
 * (TD_PLUGIN_ERROR_INVALID_INPUT, where there is one) or NaN.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ----------------------------------------------------------- distributions */

/* Quantile of Student's t with df > 0 degrees of freedom (p in (0, 1)). */
double td_t_quantile (double p, double df);
/* Two-sided p-value 2 P(T > |t|) of Student's t with df degrees of freedom. */
double td_t_p_two_sided (double t, double df);
/* CDF of the range of k >= 2 independent standard normal variables (the
 * studentised range with infinite degrees of freedom), and its upper tail,
 * computed directly (full relative precision far into the tail). */
double td_ptukey_inf (double q, int k);
double td_ptukey_inf_sf (double q, int k);
/* Its quantile: td_ptukey_inf (td_qtukey_inf (p, k), k) == p, p in (0, 1). */
double td_qtukey_inf (double p, int k);

/* Midranks (scipy.stats.rankdata "average"): rank 1 is the smallest value,
 * tied values share the mean of their ranks. NaN values are not allowed. */
void td_rank_average (const double *x, size_t n, double *ranks);

/* ------------------------------------------------------ across repeats/folds */

typedef struct {
  size_t n;                     /* finite values used */
  double mean, sd, se;          /* sd with denominator n - 1; se = sd / sqrt(n) */
  double level, ci_low, ci_high;  /* mean ± t_{(1+level)/2, n-1} se */
} TdMeanCI;

/* Mean, sd and the t-based confidence interval (level, e.g. 0.95) of the
 * finite values of x (NaN and infinite values are skipped). With n < 2 the sd and the
 * interval are NaN; with n == 0 the mean is NaN too. */
void td_mean_ci (const double *x, size_t n, double level, TdMeanCI *out);

typedef struct {
  size_t n;                     /* paired differences used (finite ones) */
  double mean, sd;              /* of the differences */
  double se;                    /* sd sqrt(1/n + test_train_ratio) */
  double t, df, p;              /* df = n - 1; p two-sided */
  double level, ci_low, ci_high;  /* of the mean difference, with the same se */
} TdTTest;

/* The corrected resampled t-test (Nadeau & Bengio 2003) on d[i] = a_i - b_i,
 * the per-trial differences of two pipelines on the same splits:
 *   t = mean(d) / sqrt((1/n + n_test/n_train) var(d)),  df = n - 1.
 * For r-times repeated k-fold cross-validation n = k r and n_test/n_train =
 * 1/(k - 1) (Bouckaert & Frank 2004); for repeated holdout n = repeats.
 * test_train_ratio = 0 gives the ordinary paired t-test. Non-finite
 * differences are skipped. With fewer than two differences everything but n and mean is NaN.
 * When every difference is equal, t is 0 (p = 1) if they are 0 and ±inf
 * (p = 0) otherwise. */
void td_corrected_ttest (const double *d, size_t n, double test_train_ratio, double level,
                         TdTTest *out);

/* -------------------------------------------------------------- one test set */

/* McNemar's test on the discordant counts of two classifiers judged on the
 * same items: b = items only the first got right, c = items only the second
 * got right. Exact: two-sided binomial p = min(1, 2 P(X <= min(b, c))),
 * X ~ Bin(b + c, 1/2), statistic min(b, c) (as statsmodels' mcnemar(exact=
 * True)). Asymptotic: chi-square with 1 df of (|b - c| - 1)^2 / (b + c)
 * (Edwards' continuity correction, as statsmodels' exact=False). td_mcnemar
 * is exact when b + c < TD_MCNEMAR_EXACT_BELOW. b + c == 0 gives p = 1. */
#define TD_MCNEMAR_EXACT_BELOW 25
typedef struct {
  guint64 b, c;
  gboolean exact;
  double statistic, p;
} TdMcNemar;
void td_mcnemar (guint64 b, guint64 c, TdMcNemar *out);
void td_mcnemar_exact (guint64 b, guint64 c, TdMcNemar *out);
void td_mcnemar_chi2 (guint64 b, guint64 c, TdMcNemar *out);

/* --------------------------------------------------- across runs or datasets */

/* Wilcoxon's signed-rank test on the paired differences d (two-sided), with
 * scipy.stats.wilcoxon's default conventions: zero differences are dropped
 * ("wilcox"); the statistic is min(R+, R-) over midranks of |d|; the p-value
 * is exact when n <= 50 (zeros included in that count) and there are no
 * zeros and no ties, otherwise the normal approximation with the tie
 * correction of the variance and no continuity correction. All differences
 * zero gives statistic 0 and p = 1 (scipy raises). NaN is an error. */
typedef struct {
  size_t n, n_zero;             /* differences given, and how many were zero */
  double r_plus, r_minus, statistic;
  gboolean exact;
  double z;                     /* NaN when exact */
  double p;
} TdWilcoxon;
gboolean td_wilcoxon (const double *d, size_t n, TdWilcoxon *out, GError **error);

/* Friedman's test of k >= 2 treatments over n_blocks >= 2 blocks, x[b * k + j]
 * the value of treatment j in block b. Within each block values are ranked
 * ascending (rank 1 = smallest; pass -x to make the largest rank 1) with
 * midranks for ties. chi2 is scipy.stats.friedmanchisquare's statistic (with
 * its tie correction), p from chi-square with k - 1 df; f is Iman &
 * Davenport's F = (N - 1) chi2 / (N (k - 1) - chi2) with (k - 1, (k - 1)(N - 1))
 * df (Demšar 2006 recommends it). mean_ranks[k] (may be NULL) receives each
 * treatment's mean rank. NaN values are an error. */
typedef struct {
  size_t n_blocks, k;
  double chi2, df, p;
  double f, df1, df2, p_f;
} TdFriedman;
gboolean td_friedman (const double *x, size_t n_blocks, size_t k, double *mean_ranks,
                      TdFriedman *out, GError **error);

/* Holm's step-down adjustment of m p-values (family-wise error): sorted
 * ascending, p_(i) (m - i + 1), made monotone by a running maximum, capped at
 * 1 (as statsmodels' multipletests(method="holm")). NaN p-values are left out
 * of the family and stay NaN. p and adjusted may be the same array. */
void td_holm (const double *p, size_t m, double *adjusted);

/* Nemenyi's test after Friedman (Demšar 2006): two of k treatments ranked
 * over n_blocks blocks differ when their mean ranks differ by at least
 *   CD = q_alpha sqrt(k (k + 1) / (6 N)),  q_alpha = qtukey(1 - alpha, k, inf) / sqrt 2.
 * td_nemenyi_p gives the p-value of a mean-rank difference. */
double td_nemenyi_q (int k, double alpha);
double td_nemenyi_cd (int k, size_t n_blocks, double alpha);
double td_nemenyi_p (double rank_diff, int k, size_t n_blocks);

/* Twice the arithmetic mean of p-values, capped at 1: a valid p-value
 * whatever the dependence between the tests combined (Rüschendorf 1982;
 * Vovk & Wang 2020). Used to merge one test per repeat when repeated
 * holdout tests overlapping test sets. NaN values are skipped (NaN if none). */
double td_p_combine_mean (const double *p, size_t n);

/* ---------------------------------------------------------------- bootstrap */

/* SplitMix64 (Steele et al. 2014), the generator behind every bootstrap
 * resample: five lines in any language, so a reference implementation can
 * redraw the very same indices. uniform() is (next >> 11) 2^-53, in [0, 1). */
guint64 td_splitmix64_next (guint64 *state);
double td_splitmix64_uniform (guint64 *state);

/* A stratified, optionally clustered, bootstrap resampler over n items.
 * Units are the clusters (items sharing a cluster id) or, with clusters
 * NULL, the items. A unit's stratum is the largest stratum of its items (for
 * 0/1 labels: "contains a positive"); strata NULL means one stratum. Each
 * draw takes, for every stratum in ascending order, as many units as the
 * stratum has, with replacement: unit = floor(uniform() m) among the m units
 * in order of their first item; a unit contributes all its items in
 * ascending order. Without clusters each draw has exactly n items and the
 * class counts of the original. */
typedef struct TdResampler TdResampler;
TdResampler *td_resampler_new (size_t n, const gint64 *strata, const gint64 *clusters);
void td_resampler_free (TdResampler *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdResampler, td_resampler_free)
/* Largest number of items one draw can return (n without clusters). */
size_t td_resampler_max (const TdResampler *r);
/* One resample: writes item indices to idx[td_resampler_max ()] and returns
 * how many. */
size_t td_resampler_draw (const TdResampler *r, guint64 *state, size_t *idx);

/* numpy.quantile(..., method="linear") of n sorted values, q in [0, 1]. */
double td_quantile_sorted (const double *sorted, size_t n, double q);

/* Two-sided bootstrap p-value of "the difference is 0" from B replicates of
 * a difference: min(1, 2 min(1 + #{d <= 0}, 1 + #{d >= 0}) / (B + 1)), the
 * smallest alpha at which the percentile interval excludes 0 (with the +1
 * that keeps it above 0). NaN replicates are skipped. */
double td_bootstrap_p (const double *d, size_t n);

G_END_DECLS
