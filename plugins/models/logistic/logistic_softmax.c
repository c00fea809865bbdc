/* logistic_softmax.c — the multinomial problem of logistic_softmax.h for
 * newton_minimise. The Hessian's (a, b) class block is
 * (1/n) X~^T diag(c_i p_ia (delta_ab - p_ib)) X~ with X~ = [1, z], one BLAS
 * dgemm per block of the lower triangle.
 */
#include "logistic_softmax.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_cblas.h>
#include <tundish/plugin.h>

typedef struct {
  const SoftmaxProblem *pb;
  double *xt;     /* [n][d + 1]: 1, z_i */
  double *prob;   /* [n][k]: eta, then probabilities */
  double *r;      /* [n][k] weighted residuals */
  double *a;      /* [n][d + 1] scaled rows */
} SoftmaxState;

/* prob <- eta = X~ beta^T, then softmax per row; returns the mean weighted
 * cross-entropy. */
static double
forward (SoftmaxState *st, const double *beta)
{
  const SoftmaxProblem *pb = st->pb;
  const size_t n = pb->n, k = pb->k, q = pb->d + 1;
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) n, (int) k, (int) q, 1.0,
               st->xt, (int) q, beta, (int) q, 0.0, st->prob, (int) k);
  double loss = 0;
  for (size_t i = 0; i < n; i++)
    {
      double *e = st->prob + i * k, mx = e[0], sum = 0;
      for (size_t c = 1; c < k; c++)
        mx = fmax (mx, e[c]);
      for (size_t c = 0; c < k; c++)
        sum += exp (e[c] - mx);
      size_t yi = (size_t) pb->y[i];
      loss += pb->cw[yi] * (mx + log (sum) - e[yi]);
      for (size_t c = 0; c < k; c++)
        e[c] = exp (e[c] - mx) / sum;
    }
  return loss / (double) n;
}

static double
penalty (const SoftmaxProblem *pb, const double *beta)
{
  const size_t q = pb->d + 1;
  double ww = 0, bsum = 0;
  for (size_t c = 0; c < pb->k; c++)
    {
      bsum += beta[c * q];
      for (size_t j = 1; j < q; j++)
        ww += beta[c * q + j] * beta[c * q + j];
    }
  return 0.5 * pb->l2 * ww + 0.5 * bsum * bsum;
}

static double
softmax_value (void *data, const double *beta)
{
  SoftmaxState *st = data;
  return forward (st, beta) + penalty (st->pb, beta);
}

static double
softmax_derivatives (void *data, const double *beta, double *g, double *h)
{
  SoftmaxState *st = data;
  const SoftmaxProblem *pb = st->pb;
  const size_t n = pb->n, k = pb->k, q = pb->d + 1, p = k * q;
  const double inv_n = 1.0 / (double) n;
  forward (st, beta);

  for (size_t i = 0; i < n; i++)
    {
      size_t yi = (size_t) pb->y[i];
      for (size_t c = 0; c < k; c++)
        st->r[i * k + c] = pb->cw[yi] * (st->prob[i * k + c] - (c == yi));
    }
  /* g[c][.] = (1/n) sum_i r_ic x~_i, then the penalty's gradient */
  cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) k, (int) q, (int) n, inv_n,
               st->r, (int) k, st->xt, (int) q, 0.0, g, (int) q);
  double bsum = 0;
  for (size_t c = 0; c < k; c++)
    bsum += beta[c * q];
  for (size_t c = 0; c < k; c++)
    {
      g[c * q] += bsum;
      for (size_t j = 1; j < q; j++)
        g[c * q + j] += pb->l2 * beta[c * q + j];
    }

  for (size_t ca = 0; ca < k; ca++)
    for (size_t cb = 0; cb <= ca; cb++)
      {
        for (size_t i = 0; i < n; i++)
          {
            const double *pi = st->prob + i * k;
            double s = pb->cw[(size_t) pb->y[i]] * pi[ca] * ((ca == cb) - pi[cb]);
            for (size_t j = 0; j < q; j++)
              st->a[i * q + j] = s * st->xt[i * q + j];
          }
        cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) q, (int) q, (int) n, inv_n,
                     st->a, (int) q, st->xt, (int) q, 0.0, h + (ca * q) * p + cb * q, (int) p);
        h[(ca * q) * p + cb * q] += 1.0;   /* (sum_k b_k)^2 / 2 */
        if (ca == cb)
          for (size_t j = 1; j < q; j++)
            h[(ca * q + j) * p + ca * q + j] += pb->l2;
      }

  double gmax = 0;
  for (size_t j = 0; j < p; j++)
    gmax = fmax (gmax, fabs (g[j]));
  return gmax;
}

gboolean
softmax_newton (const SoftmaxProblem *pb, double *beta, LogitResult *res, TdContext *ctx,
                GError **error)
{
  const size_t n = pb->n, k = pb->k, q = pb->d + 1;
  g_autofree double *xt = g_try_new (double, n * q);
  g_autofree double *a = g_try_new (double, n * q);
  g_autofree double *prob = g_try_new (double, n * k);
  g_autofree double *r = g_try_new (double, n * k);
  if (!xt || !a || !prob || !r)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "logistic: no memory for %zu series × %zu features × %zu classes", n, pb->d,
                   k);
      return FALSE;
    }
  for (size_t i = 0; i < n; i++)
    {
      xt[i * q] = 1.0;
      memcpy (xt + i * q + 1, pb->z + i * pb->d, pb->d * sizeof *xt);
    }
  SoftmaxState st = { pb, xt, prob, r, a };
  static const NewtonFns fns = { softmax_value, softmax_derivatives };
  return newton_minimise (&fns, &st, k * q, pb->max_iter, pb->tol, beta, res, ctx, error);
}

void
softmax_probabilities (const double *beta, size_t k, size_t d, const double *z, double *p)
{
  const size_t q = d + 1;
  double mx = -INFINITY, sum = 0;
  for (size_t c = 0; c < k; c++)
    {
      double eta = beta[c * q];
      for (size_t j = 0; j < d; j++)
        eta += beta[c * q + 1 + j] * z[j];
      p[c] = eta;
      mx = fmax (mx, eta);
    }
  for (size_t c = 0; c < k; c++)
    sum += (p[c] = exp (p[c] - mx));
  for (size_t c = 0; c < k; c++)
    p[c] /= sum;
}
