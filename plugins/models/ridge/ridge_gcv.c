/* ridge_gcv.c — see ridge_gcv.h. The formulas are scikit-learn's
 * _RidgeGCV (_solve_eigen_gram and _solve_svd_design_matrix), so the chosen
 * alpha and the coefficients agree with it to rounding. */
#include "ridge_gcv.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include <tundish/plugin.h>

/* LAPACK (OpenBLAS ships it): eigenvalues ascending, eigenvectors in the
 * columns of a column-major a, i.e. eigenvector j is row j of our
 * row-major array. */
extern void dsyevd_ (const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
                     double *w, double *work, const int *lwork, int *iwork, const int *liwork,
                     int *info);

static gboolean
eigh (double *a, size_t n, double *w, GError **error)
{
  int nn = (int) n, info = 0, lwork = -1, liwork = -1, iw = 0;
  double wq = 0;
  dsyevd_ ("V", "U", &nn, a, &nn, w, &wq, &lwork, &iw, &liwork, &info);
  if (info == 0)
    {
      lwork = (int) wq;
      liwork = iw;
      g_autofree double *work = g_try_new (double, MAX (lwork, 1));
      g_autofree int *iwork = g_try_new (int, MAX (liwork, 1));
      if (!work || !iwork)
        info = -1000;
      else
        dsyevd_ ("V", "U", &nn, a, &nn, w, work, &lwork, iwork, &liwork, &info);
    }
  if (info != 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "ridge: the eigendecomposition of a %zu×%zu matrix failed (LAPACK dsyevd "
                   "info %d)", n, n, info);
      return FALSE;
    }
  return TRUE;
}

/* A symmetric n×n product m = aᵀa (transpose FALSE: a aᵀ) filled in full. */
static void
gram (const double *a, size_t rows, size_t cols, gboolean outer, double *m)
{
  size_t n = outer ? rows : cols;
  cblas_dsyrk (CblasRowMajor, CblasUpper, outer ? CblasNoTrans : CblasTrans, (int) n,
               (int) (outer ? cols : rows), 1.0, a, (int) cols, 0.0, m, (int) n);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++)
      m[i * n + j] = m[j * n + i];
}

/* The basis vector (row of vecs, r of them, length n) closest in angle to
 * the constant vector: the intercept direction (scikit-learn's
 * _find_smallest_angle). */
static size_t
intercept_direction (const double *vecs, size_t r, size_t n)
{
  size_t best = 0;
  double best_cos = -1;
  for (size_t j = 0; j < r; j++)
    {
      double s = 0;
      for (size_t i = 0; i < n; i++)
        s += vecs[j * n + i];
      double c = fabs (s) / sqrt ((double) n);
      if (c > best_cos)
        {
          best_cos = c;
          best = j;
        }
    }
  return best;
}

void
ridge_fit_clear (RidgeFit *fit)
{
  g_free (fit->coef);
  g_free (fit->intercept);
  g_free (fit->loo);
  g_free (fit->alpha_mse);
  memset (fit, 0, sizeof *fit);
}

gboolean
ridge_gcv_fit (const double *x, size_t n, size_t p, const double *y, size_t t,
               const double *alphas, size_t n_alphas, RidgeFit *fit, GError **error)
{
  memset (fit, 0, sizeof *fit);
  g_autofree double *x_off = g_new0 (double, p);
  g_autofree double *y_off = g_new0 (double, t);
  g_autofree double *xc = g_try_new (double, n * p);
  g_autofree double *yc = g_new (double, n * t);
  if (!xc)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "ridge: no memory for a %zu × %zu design matrix", n, p);
      return FALSE;
    }
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < p; j++)
      x_off[j] += x[i * p + j];
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < t; k++)
      y_off[k] += y[i * t + k];
  for (size_t j = 0; j < p; j++)
    x_off[j] /= (double) n;
  for (size_t k = 0; k < t; k++)
    y_off[k] /= (double) n;
  for (size_t i = 0; i < n; i++)
    {
      for (size_t j = 0; j < p; j++)
        xc[i * p + j] = x[i * p + j] - x_off[j];
      for (size_t k = 0; k < t; k++)
        yc[i * t + k] = y[i * t + k] - y_off[k];
    }

  /* basis: r vectors of length n (rows of vecs), values ev; "svd" mode adds
   * the 1/α identity terms */
  gboolean svd = n > p;
  size_t r;
  g_autofree double *vecs = NULL, *ev = NULL;
  if (!svd)
    {
      r = n;
      vecs = g_try_new (double, n * n);
      ev = g_new (double, n);
      if (!vecs)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                       "ridge: no memory for the %zu × %zu Gram matrix", n, n);
          return FALSE;
        }
      gram (xc, n, p, TRUE, vecs);
      for (size_t i = 0; i < n * n; i++)
        vecs[i] += 1.0;   /* the intercept column's outer product */
      if (!eigh (vecs, n, ev, error))
        return FALSE;
    }
  else
    {
      size_t q = p + 1;
      g_autofree double *xa = g_new (double, n * q);
      for (size_t i = 0; i < n; i++)
        {
          memcpy (xa + i * q, xc + i * p, p * sizeof (double));
          xa[i * q + p] = 1.0;
        }
      g_autofree double *v = g_new (double, q * q);
      g_autofree double *s2 = g_new (double, q);
      gram (xa, n, q, FALSE, v);
      if (!eigh (v, q, s2, error))
        return FALSE;
      /* U = Xa V / s for the directions with s > 0 (the others get w = 0) */
      double smax = s2[q - 1] > 0 ? s2[q - 1] : 1;
      r = 0;
      for (size_t j = 0; j < q; j++)
        r += s2[j] > smax * 1e-13;
      vecs = g_new (double, MAX (r, (size_t) 1) * n);
      ev = g_new (double, MAX (r, (size_t) 1));
      size_t at = 0;
      for (size_t j = 0; j < q; j++)
        {
          if (!(s2[j] > smax * 1e-13))
            continue;
          double s = sqrt (s2[j]);
          cblas_dgemv (CblasRowMajor, CblasNoTrans, (int) n, (int) q, 1.0 / s, xa, (int) q,
                       v + j * q, 1, 0.0, vecs + at * n, 1);
          ev[at++] = s2[j];
        }
    }
  size_t icpt = intercept_direction (vecs, r, n);

  /* projections of Y on the basis, and the squared basis for the diagonal */
  g_autofree double *qty = g_new (double, MAX (r, (size_t) 1) * t);
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) r, (int) t, (int) n, 1.0, vecs,
               (int) n, yc, (int) t, 0.0, qty, (int) t);
  g_autofree double *sq = g_new (double, MAX (r, (size_t) 1) * n);
  for (size_t i = 0; i < r * n; i++)
    sq[i] = vecs[i] * vecs[i];

  g_autofree double *w = g_new (double, MAX (r, (size_t) 1));
  g_autofree double *wq = g_new (double, MAX (r, (size_t) 1) * t);
  g_autofree double *c = g_new (double, n * t), *ginv = g_new (double, n);
  g_autofree double *best_c = g_new (double, n * t), *best_g = g_new (double, n);
  fit->alpha_mse = g_new (double, n_alphas);
  double best = INFINITY;
  for (size_t a = 0; a < n_alphas; a++)
    {
      double al = alphas[a];
      for (size_t j = 0; j < r; j++)
        w[j] = svd ? 1.0 / (ev[j] + al) - 1.0 / al : 1.0 / (ev[j] + al);
      w[icpt] = svd ? -1.0 / al : 0.0;   /* the intercept is not regularised */
      for (size_t j = 0; j < r; j++)
        for (size_t k = 0; k < t; k++)
          wq[j * t + k] = w[j] * qty[j * t + k];
      cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) n, (int) t, (int) r, 1.0, vecs,
                   (int) n, wq, (int) t, 0.0, c, (int) t);
      cblas_dgemv (CblasRowMajor, CblasTrans, (int) r, (int) n, 1.0, sq, (int) n, w, 1, 0.0,
                   ginv, 1);
      if (svd)
        {
          for (size_t i = 0; i < n * t; i++)
            c[i] += yc[i] / al;
          for (size_t i = 0; i < n; i++)
            ginv[i] += 1.0 / al;
        }
      double mse = 0;
      for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < t; k++)
          {
            double e = c[i * t + k] / ginv[i];
            mse += e * e;
          }
      mse /= (double) (n * t);
      fit->alpha_mse[a] = mse;
      if (mse < best)
        {
          best = mse;
          fit->alpha_index = a;
          memcpy (best_c, c, n * t * sizeof (double));
          memcpy (best_g, ginv, n * sizeof (double));
        }
    }
  if (!isfinite (best))
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                           "ridge: the leave-one-out error is not finite for any alpha "
                           "(constant or non-finite features?)");
      ridge_fit_clear (fit);
      return FALSE;
    }
  fit->alpha = alphas[fit->alpha_index];
  fit->p = p;
  fit->t = t;
  /* coef = Xcᵀ c, intercept = ȳ − x̄·coef */
  g_autofree double *coef_pt = g_new (double, p * t);
  cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) p, (int) t, (int) n, 1.0, xc,
               (int) p, best_c, (int) t, 0.0, coef_pt, (int) t);
  fit->coef = g_new (double, p * t);
  fit->intercept = g_new (double, t);
  for (size_t k = 0; k < t; k++)
    {
      double dot = 0;
      for (size_t j = 0; j < p; j++)
        {
          fit->coef[k * p + j] = coef_pt[j * t + k];
          dot += x_off[j] * coef_pt[j * t + k];
        }
      fit->intercept[k] = y_off[k] - dot;
    }
  fit->loo = g_new (double, n * t);
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < t; k++)
      fit->loo[i * t + k] = y[i * t + k] - best_c[i * t + k] / best_g[i];
  return TRUE;
}
