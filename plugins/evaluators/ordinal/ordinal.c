/* ordinal.c — the `ordinal` evaluator: metrics for graded quality (good <
 * minor < major < reject), where predicting "major" for a "reject" is a
 * smaller error than predicting "good". The predicted class is the
 * highest-scoring one, as for the `multiclass` evaluator beside it.
 *
 *   qwk        quadratic weighted kappa: 1 − Σ w·O / Σ w·E over the K × K
 *              confusion O and its chance expectation E (outer product of
 *              the true and predicted class counts / n), w_ij = (i − j)²;
 *              every class keeps its position even when absent (scikit-
 *              learn's cohen_kappa_score(weights="quadratic", labels=0..K-1),
 *              checked on tests/golden/stats/ordinal.ini). NaN when Σ w·E
 *              is 0 (one class only, both sides).
 *   mae_class  mean absolute error in classes, mean |y − predicted|. */
#include <math.h>
#include <tundish/tundish.h>

static const char *const ordinal_metrics[] = { "qwk", "mae_class", NULL };

static gboolean
ordinal_evaluate (const TdParams *params, const TdEvalInput *in, double *values, GError **error)
{
  (void) params;
  size_t K = in->n_classes;
  if (K < 2 || in->n_outputs != K)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "ordinal evaluator needs one score per class, got %zu outputs for %zu "
                   "classes", in->n_outputs, K);
      return FALSE;
    }
  g_autofree double *O = g_new0 (double, K * K);
  g_autofree double *rows = g_new0 (double, K);
  g_autofree double *cols = g_new0 (double, K);
  double abs_err = 0;
  for (size_t i = 0; i < in->n; i++)
    {
      double y = in->y[i];
      if (!(y >= 0 && y < (double) K && y == floor (y)))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "ordinal evaluator: label %g of item %zu is not a class 0..%zu", y, i,
                       K - 1);
          return FALSE;
        }
      const double *s = in->scores + i * K;
      size_t p = 0;
      for (size_t c = 1; c < K; c++)
        if (s[c] > s[p])
          p = c;
      if (isnan (s[p]))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "ordinal evaluator: NaN score in item %zu", i);
          return FALSE;
        }
      O[(size_t) y * K + p] += 1;
      rows[(size_t) y] += 1;
      cols[p] += 1;
      abs_err += fabs (y - (double) p);
    }
  double n = (double) in->n, num = 0, den = 0;
  for (size_t i = 0; i < K; i++)
    for (size_t j = 0; j < K; j++)
      {
        double w = ((double) i - (double) j) * ((double) i - (double) j);
        num += w * O[i * K + j];
        den += w * rows[i] * cols[j] / n;
      }
  values[0] = in->n && den > 0 ? 1.0 - num / den : NAN;
  values[1] = in->n ? abs_err / n : NAN;
  return TRUE;
}

static const TdEvaluatorVTable ordinal_vtable = {
  .metrics = ordinal_metrics,
  .tasks = TD_TASK_MULTICLASS,
  .evaluate = ordinal_evaluate,
  .extension = NULL,
};

static const TdPluginDescriptor ordinal_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_EVALUATOR,
  .name = "ordinal",
  .version = "1.0.0",
  .summary = "ordinal metrics for graded classes: quadratic weighted kappa, mean absolute "
             "class error",
  .params = NULL,
  .n_params = 0,
  .vtable = &ordinal_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &ordinal_descriptor : NULL;
}
