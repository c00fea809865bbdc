/* logistic_newton.c — damped Newton for L2-regularised logistic regression.
 *
 * The Hessian (p = d + 1 unknowns) is formed with one BLAS dsyrk and
 * factored by a small Cholesky written here rather than GSL's: GSL reports a
 * non-positive-definite matrix through its process-wide error handler, which
 * aborts by default, and a plugin must neither abort nor change global state.
 */
#include "logistic_newton.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_cblas.h>
#include <tundish/plugin.h>

double
logit_sigmoid (double eta)
{
  if (eta >= 0)
    return 1.0 / (1.0 + exp (-eta));
  double e = exp (eta);
  return e / (1.0 + e);
}

/* log(1 + exp(t)) without overflow. */
static double
softplus (double t)
{
  return (t > 0 ? t : 0.0) + log1p (exp (-fabs (t)));
}

static void
linear_predictor (const LogitProblem *pb, const double *beta, double *eta)
{
  for (size_t i = 0; i < pb->n; i++)
    eta[i] = beta[0];
  cblas_dgemv (CblasRowMajor, CblasNoTrans, (int) pb->n, (int) pb->d, 1.0, pb->z,
               (int) pb->d, beta + 1, 1, 1.0, eta, 1);
}

static double
objective (const LogitProblem *pb, const double *beta, const double *eta)
{
  double loss = 0;
  for (size_t i = 0; i < pb->n; i++)
    {
      double y = pb->y[i];
      double li = 0;
      if (y > 0)
        li += pb->c_pos * y * softplus (-eta[i]);
      if (y < 1)
        li += pb->c_neg * (1 - y) * softplus (eta[i]);
      loss += li;
    }
  double ww = 0;
  for (size_t j = 1; j <= pb->d; j++)
    ww += beta[j] * beta[j];
  return loss / (double) pb->n + 0.5 * pb->l2 * ww;
}

/* Gradient g[p] and, when h != NULL, the lower triangle of the Hessian h[p][p]
 * (a is scratch of n × p). Returns max |g|. */
static double
derivatives (const LogitProblem *pb, const double *beta, const double *eta,
             double *r, double *g, double *h, double *a)
{
  const size_t n = pb->n, d = pb->d, p = d + 1;
  const double inv_n = 1.0 / (double) n;

  double g0 = 0;
  for (size_t i = 0; i < n; i++)
    {
      double y = pb->y[i];
      double cw = pb->c_pos * y + pb->c_neg * (1 - y);
      double mu = logit_sigmoid (eta[i]);
      r[i] = cw * mu - pb->c_pos * y;
      g0 += r[i];
      if (h)
        {
          double s = sqrt (cw * mu * (1 - mu));
          double *row = a + i * p;
          row[0] = s;
          for (size_t j = 0; j < d; j++)
            row[j + 1] = s * pb->z[i * d + j];
        }
    }
  g[0] = g0 * inv_n;
  cblas_dgemv (CblasRowMajor, CblasTrans, (int) n, (int) d, inv_n, pb->z, (int) d,
               r, 1, 0.0, g + 1, 1);
  for (size_t j = 1; j <= d; j++)
    g[j] += pb->l2 * beta[j];

  if (h)
    {
      cblas_dsyrk (CblasRowMajor, CblasLower, CblasTrans, (int) p, (int) n, inv_n,
                   a, (int) p, 0.0, h, (int) p);
      for (size_t j = 1; j <= d; j++)
        h[j * p + j] += pb->l2;
    }

  double gmax = 0;
  for (size_t j = 0; j < p; j++)
    gmax = fmax (gmax, fabs (g[j]));
  return gmax;
}

/* In-place Cholesky of the lower triangle of h[p][p]; FALSE when a pivot is
 * not positive (matrix not numerically positive definite). */
static gboolean
cholesky (double *h, size_t p)
{
  for (size_t j = 0; j < p; j++)
    {
      double s = h[j * p + j];
      for (size_t k = 0; k < j; k++)
        s -= h[j * p + k] * h[j * p + k];
      if (!(s > 0) || !isfinite (s))
        return FALSE;
      double ljj = sqrt (s);
      h[j * p + j] = ljj;
      for (size_t i = j + 1; i < p; i++)
        {
          double t = h[i * p + j];
          for (size_t k = 0; k < j; k++)
            t -= h[i * p + k] * h[j * p + k];
          h[i * p + j] = t / ljj;
        }
    }
  return TRUE;
}

/* Solve L L^T x = b in place for the factor in the lower triangle of l. */
static void
cholesky_solve (const double *l, size_t p, double *b)
{
  for (size_t i = 0; i < p; i++)
    {
      double t = b[i];
      for (size_t k = 0; k < i; k++)
        t -= l[i * p + k] * b[k];
      b[i] = t / l[i * p + i];
    }
  for (size_t i = p; i-- > 0;)
    {
      double t = b[i];
      for (size_t k = i + 1; k < p; k++)
        t -= l[k * p + i] * b[k];
      b[i] = t / l[i * p + i];
    }
}

/* Newton direction dir = -H^{-1} g. A Hessian that is positive definite in
 * exact arithmetic can fail to factor when the data are nearly separable and
 * l2 is tiny; then a growing multiple of the largest diagonal is added (a
 * Levenberg step), which keeps the iteration a descent method. */
static gboolean
newton_direction (const double *h, size_t p, const double *g, double *dir, double *work,
                  GError **error)
{
  double diag_max = 0;
  for (size_t j = 0; j < p; j++)
    diag_max = fmax (diag_max, h[j * p + j]);
  double jitter = 0;
  for (int attempt = 0; attempt < 8; attempt++)
    {
      memcpy (work, h, p * p * sizeof *work);
      for (size_t j = 0; j < p; j++)
        work[j * p + j] += jitter;
      if (cholesky (work, p))
        {
          for (size_t j = 0; j < p; j++)
            dir[j] = -g[j];
          cholesky_solve (work, p, dir);
          return TRUE;
        }
      jitter = jitter == 0 ? 1e-12 * fmax (diag_max, 1e-300) : jitter * 100;
    }
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
               "logistic: the Hessian is not positive definite (non-finite features "
               "or an extreme C?)");
  return FALSE;
}

gboolean
newton_minimise (const NewtonFns *fns, void *data, size_t p, int max_iter, double tol,
                 double *beta, LogitResult *res, TdContext *ctx, GError **error)
{
  g_autofree double *g = g_try_new (double, p);
  g_autofree double *h = g_try_new (double, p * p);
  g_autofree double *work = g_try_new (double, p * p);
  g_autofree double *dir = g_new (double, p);
  g_autofree double *trial = g_new (double, p);
  if (!g || !h || !work)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "logistic: no memory for the %zu × %zu Hessian (fewer features or "
                   "classes)", p, p);
      return FALSE;
    }

  memset (beta, 0, p * sizeof *beta);
  memset (res, 0, sizeof *res);
  double f = fns->value (data, beta);
  td_context_curve (ctx, "train_loss", 0, f);

  int it = 0;
  double gmax = fns->derivatives (data, beta, g, h);
  while (gmax > tol && it < max_iter)
    {
      if (td_context_cancelled (ctx))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_CANCELLED,
                       "logistic: cancelled after %d Newton iterations", it);
          return FALSE;
        }
      if (!newton_direction (h, p, g, dir, work, error))
        return FALSE;

      double slope = 0;
      for (size_t j = 0; j < p; j++)
        slope += g[j] * dir[j];

      /* Backtracking (Armijo). Near the optimum f stops changing in the last
       * bits before the gradient reaches tol; then no step is accepted and
       * the fit ends with whatever precision double arithmetic allows. */
      double t = 1.0, f_new = f;
      gboolean accepted = FALSE;
      for (int k = 0; k < 60 && !accepted; k++, t *= 0.5)
        {
          for (size_t j = 0; j < p; j++)
            trial[j] = beta[j] + t * dir[j];
          f_new = fns->value (data, trial);
          accepted = f_new <= f + 1e-4 * t * slope;
        }
      if (!accepted)
        break;

      memcpy (beta, trial, p * sizeof *beta);
      f = f_new;
      it++;
      td_context_curve (ctx, "train_loss", it, f);
      td_context_progress (ctx, (double) it / max_iter);
      gmax = fns->derivatives (data, beta, g, h);
    }

  res->n_iter = it;
  res->objective = f;
  res->grad_max = gmax;
  res->converged = gmax <= tol;
  return TRUE;
}

/* The binary problem for newton_minimise: eta, residuals and the scaled
 * design rows are scratch kept between calls. */
typedef struct {
  const LogitProblem *pb;
  double *eta, *r, *a;
} BinaryState;

static double
binary_value (void *data, const double *beta)
{
  BinaryState *st = data;
  linear_predictor (st->pb, beta, st->eta);
  return objective (st->pb, beta, st->eta);
}

static double
binary_derivatives (void *data, const double *beta, double *g, double *h)
{
  BinaryState *st = data;
  linear_predictor (st->pb, beta, st->eta);
  return derivatives (st->pb, beta, st->eta, st->r, g, h, st->a);
}

gboolean
logit_newton (const LogitProblem *pb, double *beta, LogitResult *res,
              TdContext *ctx, GError **error)
{
  const size_t n = pb->n, p = pb->d + 1;
  g_autofree double *eta = g_new (double, n);
  g_autofree double *r = g_new (double, n);
  g_autofree double *a = g_new (double, n * p);
  BinaryState st = { pb, eta, r, a };
  static const NewtonFns fns = { binary_value, binary_derivatives };
  return newton_minimise (&fns, &st, p, pb->max_iter, pb->tol, beta, res, ctx, error);
}
