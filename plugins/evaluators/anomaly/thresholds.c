/* thresholds.c — the threshold methods of thresholds.h. */
#include "thresholds.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <string.h>

static double *
sorted_copy (const double *s, size_t n)
{
  double *v = g_memdup2 (s, MAX (n, (size_t) 1) * sizeof (double));
  gsl_sort (v, 1, n);
  return v;
}

double
threshold_percentile (const double *s, size_t n, double percentile)
{
  if (n == 0)
    return NAN;
  g_autofree double *v = sorted_copy (s, n);
  return gsl_stats_quantile_from_sorted_data (v, 1, n, percentile / 100.0);
}

double
threshold_mad (const double *s, size_t n, double k)
{
  if (n == 0)
    return NAN;
  g_autofree double *v = sorted_copy (s, n);
  double med = gsl_stats_median_from_sorted_data (v, 1, n);
  for (size_t i = 0; i < n; i++)
    v[i] = fabs (v[i] - med);
  gsl_sort (v, 1, n);
  return med + k * 1.4826 * gsl_stats_median_from_sorted_data (v, 1, n);
}

double
threshold_sigma (const double *s, size_t n, double k)
{
  if (n < 2)
    return NAN;
  return gsl_stats_mean (s, 1, n) + k * gsl_stats_sd (s, 1, n);
}

double
gpd_loglik (const double *y, size_t n, double xi, double sigma)
{
  if (!(sigma > 0))
    return -INFINITY;
  double ll = -(double) n * log (sigma);
  if (fabs (xi) < 1e-12)
    {
      for (size_t i = 0; i < n; i++)
        ll -= y[i] / sigma;
      return ll;
    }
  for (size_t i = 0; i < n; i++)
    {
      double z = 1.0 + xi * y[i] / sigma;
      if (!(z > 0))
        return -INFINITY;
      ll -= (1.0 + 1.0 / xi) * log (z);
    }
  return ll;
}

typedef struct {
  const double *y;
  size_t n;
} GpdData;

/* The negative log-likelihood over (xi, log sigma): unconstrained sigma;
 * outside the support a large finite value steers the simplex back. */
static double
neg_loglik (const gsl_vector *v, void *data)
{
  const GpdData *d = data;
  double ll = gpd_loglik (d->y, d->n, gsl_vector_get (v, 0), exp (gsl_vector_get (v, 1)));
  return isfinite (ll) ? -ll : 1e300;
}

gboolean
gpd_fit (const double *y, size_t n, GpdFit *fit)
{
  if (n < 3)
    return FALSE;
  /* start at the method-of-moments estimates (Hosking & Wallis 1987) */
  double m = gsl_stats_mean (y, 1, n), var = gsl_stats_variance (y, 1, n);
  double xi0 = var > 0 ? 0.5 * (1.0 - m * m / var) : 0.0;
  double sigma0 = var > 0 ? 0.5 * m * (m * m / var + 1.0) : MAX (m, 1e-12);
  if (!(sigma0 > 0))
    sigma0 = MAX (m, 1e-12);
  GpdData d = { y, n };
  gsl_multimin_function f = { neg_loglik, 2, &d };
  gsl_vector *x = gsl_vector_alloc (2), *step = gsl_vector_alloc (2);
  gsl_multimin_fminimizer *s = gsl_multimin_fminimizer_alloc (gsl_multimin_fminimizer_nmsimplex2, 2);
  gboolean ok = FALSE;
  /* two restarts from the previous optimum shake the simplex out of a stall */
  double best = INFINITY, bx = xi0, bl = log (sigma0);
  for (int round = 0; round < 3; round++)
    {
      gsl_vector_set (x, 0, bx);
      gsl_vector_set (x, 1, bl);
      gsl_vector_set (step, 0, 0.1);
      gsl_vector_set (step, 1, 0.1);
      gsl_multimin_fminimizer_set (s, &f, x, step);
      int status = GSL_CONTINUE;
      for (int it = 0; it < 5000 && status == GSL_CONTINUE; it++)
        {
          /* no progress possible: the simplex sits on the optimum */
          if (gsl_multimin_fminimizer_iterate (s) == GSL_ENOPROG)
            status = GSL_SUCCESS;
          else
            status = gsl_multimin_test_size (gsl_multimin_fminimizer_size (s), 1e-7);
        }
      /* a restart that wanders on a flat top without converging may still
       * end a hair higher: keep the best point, converged once is enough */
      ok = ok || status == GSL_SUCCESS;
      if (s->fval < best)
        {
          best = s->fval;
          bx = gsl_vector_get (s->x, 0);
          bl = gsl_vector_get (s->x, 1);
        }
    }
  ok = ok && best < 1e299;
  gsl_multimin_fminimizer_free (s);
  gsl_vector_free (x);
  gsl_vector_free (step);
  if (!ok)
    return FALSE;
  fit->xi = bx;
  fit->sigma = exp (bl);
  fit->loglik = -best;
  return TRUE;
}

double
threshold_pot (const double *s, size_t n, double level, double risk, GpdFit *fit_out,
               double *t_out)
{
  if (n == 0)
    return NAN;
  g_autofree double *v = sorted_copy (s, n);
  double t = gsl_stats_quantile_from_sorted_data (v, 1, n, level);
  g_autofree double *y = g_new (double, n);
  size_t nt = 0;
  for (size_t i = 0; i < n; i++)
    if (v[i] > t)
      y[nt++] = v[i] - t;
  GpdFit fit;
  if (t_out)
    *t_out = t;
  if (nt < POT_MIN_EXCESSES || !gpd_fit (y, nt, &fit))
    return NAN;
  if (fit_out)
    *fit_out = fit;
  double r = risk * (double) n / (double) nt;
  if (fabs (fit.xi) < 1e-12)
    return t - fit.sigma * log (r);
  return t + fit.sigma / fit.xi * (pow (r, -fit.xi) - 1.0);
}
