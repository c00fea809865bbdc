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

/* Same names and order as td_ordinal_metric_names (the arithmetic is
 * td_ordinal_metrics in libtundish, which the oracle shares). */
static const char *const ordinal_metrics[] = { "qwk", "mae_class", NULL };
G_STATIC_ASSERT (G_N_ELEMENTS (ordinal_metrics) == TD_N_ORDINAL_METRICS + 1);

static gboolean
ordinal_evaluate (const TdParams *params, const TdEvalInput *in, double *values, GError **error)
{
  (void) params;
  if (in->n_classes < 2 || in->n_outputs != in->n_classes)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "ordinal evaluator needs one score per class, got %zu outputs for %zu "
                   "classes", in->n_outputs, in->n_classes);
      return FALSE;
    }
  if (in->n == 0)
    {
      values[TD_ORD_QWK] = values[TD_ORD_MAE_CLASS] = NAN;
      return TRUE;
    }
  if (!td_ordinal_metrics (in->y, in->scores, in->n, in->n_classes, values, error))
    {
      g_prefix_error (error, "ordinal evaluator: ");
      return FALSE;
    }
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
