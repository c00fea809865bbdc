/* logistic_softmax.h — Newton's method for L2-regularised multinomial
 * (softmax) logistic regression.
 *
 * Minimises, over beta[k][d + 1] (per class: intercept b_k, then w_k),
 *
 *   f(beta) = (1/n) sum_i c_{y_i} [ logsumexp_k(eta_ik) - eta_{i,y_i} ]
 *             + (l2 / 2) sum_k ||w_k||^2 + (1/2) (sum_k b_k)^2,
 *   eta_ik = b_k + z_i . w_k
 *
 * the mean class-weighted cross-entropy with every class's weights penalised
 * (scikit-learn's multinomial LogisticRegression divided by C·n, as for the
 * binary problem). The loss does not change when one constant is added to
 * every intercept, so the last term picks the representative with
 * sum_k b_k = 0 — the one scikit-learn's solvers reach from zero, as each of
 * their steps keeps that sum — and makes the problem strictly convex.
 */
#pragma once

#include "logistic_newton.h"

G_BEGIN_DECLS

typedef struct {
  size_t n, d, k;        /* k >= 2 classes */
  const double *z;       /* [n][d] row-major, already standardised */
  const double *y;       /* [n] class index 0..k-1 */
  const double *cw;      /* [k] class weights */
  double l2;             /* > 0 */
  int max_iter;
  double tol;            /* stop when max |gradient| <= tol */
} SoftmaxProblem;

/* Fit beta[k][d + 1] from zero (newton_minimise). */
gboolean softmax_newton (const SoftmaxProblem *pb, double *beta, LogitResult *res,
                         TdContext *ctx, GError **error);

/* Class probabilities p[k] of one standardised row z[d] under beta[k][d + 1],
 * summed in feature order (a loaded model reproduces the same bits). */
void softmax_probabilities (const double *beta, size_t k, size_t d, const double *z,
                            double *p);

G_END_DECLS
