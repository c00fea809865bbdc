/* regression.c — the `regression` evaluator: rmse, mae, mape, r2 and the
 * C-MAPSS scoring function of models predicting a value (remaining useful
 * life, a quality measure). The arithmetic is td_regression_metrics in
 * libtundish (core/src/eval/metrics.c), checked against scikit-learn. */
#include <tundish/tundish.h>

/* Same names and order as td_regression_metric_names; test_regression checks. */
static const char *const regression_metrics[] = {
  "n", "rmse", "mae", "mape", "r2", "cmapss_score", NULL,
};
G_STATIC_ASSERT (G_N_ELEMENTS (regression_metrics) == TD_N_REGRESSION_METRICS + 1);

static gboolean
regression_evaluate (const TdParams *params, const TdEvalInput *input, double *values,
                     GError **error)
{
  (void) params;
  if (input->n_outputs != 1)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "regression evaluator needs one prediction per series, got %zu",
                   input->n_outputs);
      return FALSE;
    }
  if (!td_regression_metrics (input->y, input->scores, input->n, values, error))
    {
      g_prefix_error (error, "regression evaluator: ");
      return FALSE;
    }
  return TRUE;
}

static const TdEvaluatorVTable regression_vtable = {
  .metrics = regression_metrics,
  .tasks = TD_TASK_REGRESSION,
  .evaluate = regression_evaluate,
  .extension = NULL,
};

static const TdPluginDescriptor regression_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_EVALUATOR,
  .name = "regression",
  .version = "1.0.0",
  .summary = "regression metrics: rmse, mae, mape, r2, C-MAPSS score",
  .params = NULL,
  .n_params = 0,
  .vtable = &regression_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &regression_descriptor : NULL;
}
