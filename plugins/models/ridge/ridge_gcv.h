/* ridge_gcv.h — ridge regression with the regularisation chosen by efficient
 * leave-one-out cross-validation over a list of alphas, as scikit-learn's
 * RidgeCV / RidgeClassifierCV (_RidgeGCV, scoring=None) computes it:
 *
 *   with an intercept, X and Y are centred; then either the Gram matrix
 *   K = XcXcᵀ + 11ᵀ is eigendecomposed (n <= p: "eigen" mode) or the design
 *   [Xc 1] is (p < n: "svd" mode, here through the eigendecomposition of its
 *   (p+1)×(p+1) cross-product); for every alpha at once the dual
 *   coefficients c = (K + αI)⁻¹Y (the intercept direction unregularised) and
 *   the diagonal of (K + αI)⁻¹ give the leave-one-out residuals c / diag;
 *   the alpha with the smallest mean squared residual over all samples and
 *   targets wins (the first one on ties); coef = Xcᵀc.
 *
 * One decomposition serves all alphas, so 10 alphas cost little more than
 * one. Dense algebra goes through CBLAS (OpenBLAS) and LAPACK's dsyevd.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  size_t p, t;                 /* features, targets */
  double alpha;                /* the chosen one */
  size_t alpha_index;
  double *coef;                /* [t][p] */
  double *intercept;           /* [t] */
  double *loo;                 /* [n][t] leave-one-out predictions at alpha (original scale) */
  double *alpha_mse;           /* [n_alphas] mean squared LOO residual */
} RidgeFit;

/* x: [n][p] (row-major), y: [n][t]. FALSE with a message when LAPACK fails
 * or memory cannot be had. */
gboolean ridge_gcv_fit (const double *x, size_t n, size_t p, const double *y, size_t t,
                        const double *alphas, size_t n_alphas, RidgeFit *fit, GError **error);
void ridge_fit_clear (RidgeFit *fit);

G_END_DECLS
