/* logistic_newton.h — Newton's method for L2-regularised logistic regression.
 *
 * Minimises, over beta = (b, w_1 .. w_d),
 *
 *   f(beta) = (1/n) sum_i [ c1 y_i softplus(-eta_i) + c0 (1 - y_i) softplus(eta_i) ]
 *             + (l2 / 2) ||w||^2,        eta_i = b + z_i . w
 *
 * which is the mean (class-weighted) log loss with an unpenalised intercept.
 * y_i may be soft (any value in [0, 1]). With l2 > 0 and some y_i strictly
 * inside or on both sides of 0/1 the problem is strictly convex; Newton steps
 * with a backtracking line search make it converge from beta = 0 in a handful
 * of iterations, deterministically (no random state, fixed summation order).
 */
#pragma once

#include <glib.h>
#include <tundish/context.h>

G_BEGIN_DECLS

typedef struct {
  size_t n, d;
  const double *z;       /* [n][d] row-major, already standardised */
  const double *y;       /* [n] in [0, 1] */
  double c_pos, c_neg;   /* class weights c1, c0 */
  double l2;             /* > 0 */
  int max_iter;
  double tol;            /* stop when max |gradient| <= tol */
} LogitProblem;

typedef struct {
  int n_iter;
  double objective;
  double grad_max;       /* max |gradient| at the returned beta */
  gboolean converged;
} LogitResult;

/* Fit beta[0..d] (intercept first), starting from zero. Emits the curve
 * "train_loss" (objective f) per iteration and polls cancellation. Fails on
 * cancellation or a numerically singular Hessian. */
gboolean logit_newton (const LogitProblem *pb, double *beta, LogitResult *res,
                       TdContext *ctx, GError **error);

/* The damped Newton iteration behind logit_newton, for any smooth convex
 * objective over beta[p] (the multinomial one in logistic_softmax.c): value
 * returns f(beta); derivatives fills the gradient g[p] and the lower triangle
 * of the Hessian h[p][p] and returns max |g|. Starts from beta = 0, emits
 * "train_loss" per iteration, polls cancellation, stops at max |g| <= tol,
 * max_iter or when no backtracking step decreases f. */
typedef struct {
  double (*value) (void *data, const double *beta);
  double (*derivatives) (void *data, const double *beta, double *g, double *h);
} NewtonFns;

gboolean newton_minimise (const NewtonFns *fns, void *data, size_t p, int max_iter,
                          double tol, double *beta, LogitResult *res, TdContext *ctx,
                          GError **error);

/* P(y = 1) for a linear predictor, without overflow for large |eta|. */
double logit_sigmoid (double eta);

G_END_DECLS
