/* thresholds.h — alarm thresholds calibrated on the scores of normal series
 * (the validation split's, never test's): a score >= the threshold raises
 * an alarm. Each returns NaN when the scores cannot support it (too few).
 *
 * percentile  the p-th percentile, numpy's default (linear) interpolation
 * mad         median + k · 1.4826 · median |s - median| (the MAD scaled to
 *             the standard deviation of a normal distribution)
 * sigma       mean + k · sd (sample sd, n - 1)
 * pot         peaks over threshold (Siffer et al. 2017, the initial step of
 *             SPOT): a generalised Pareto distribution fitted by maximum
 *             likelihood to the excesses over the `level` quantile t, and
 *             the threshold z_q with P(s > z_q) = q under that fit:
 *             z_q = t + (sigma / xi) ((q n / n_t)^(-xi) - 1), or
 *             t - sigma log(q n / n_t) when xi = 0.
 */
#pragma once

#include <glib.h>

/* Scores s[0..n) need not be sorted; none is changed. */
double threshold_percentile (const double *s, size_t n, double percentile);
double threshold_mad (const double *s, size_t n, double k);
double threshold_sigma (const double *s, size_t n, double k);

/* The generalised Pareto fit of excesses y[0..n) (all >= 0) by maximum
 * likelihood: shape xi, scale sigma, and the log-likelihood there.
 * FALSE when n < 3 or the fit does not converge. */
typedef struct {
  double xi, sigma, loglik;
} GpdFit;
gboolean gpd_fit (const double *y, size_t n, GpdFit *fit);
double gpd_loglik (const double *y, size_t n, double xi, double sigma);

#define POT_MIN_EXCESSES 10
/* out (may be NULL) receives the fit and t; NaN with fewer than
 * POT_MIN_EXCESSES excesses over t. */
double threshold_pot (const double *s, size_t n, double level, double risk, GpdFit *fit,
                      double *t_out);
