/* binary.c — the `binary` evaluator: every binary classification metric of
 * tundish/metrics.h (ROC-AUC, PR-AUC, threshold metrics, Brier, log loss,
 * confusion counts) for a binary model's P(y = 1) scores.
 *
 * The arithmetic lives in libtundish (core/src/metrics.c) so this evaluator,
 * `tundish eval` and early stopping all report identical numbers; this file
 * only adapts the evaluator ABI to it. */
#include <math.h>
#include <tundish/tundish.h>

/* Same names and order as td_binary_metric_names (a static initialiser
 * cannot read that extern array); test_binary checks they agree. */
static const char *const binary_metrics[] = {
  "n", "n_pos", "roc_auc", "pr_auc", "pr_auc_trapz",
  "f1", "precision", "recall", "specificity", "accuracy",
  "balanced_accuracy", "mcc", "brier", "log_loss",
  "tp", "fp", "tn", "fn",
  NULL,
};
G_STATIC_ASSERT (G_N_ELEMENTS (binary_metrics) == TD_N_BINARY_METRICS + 1);

static const TdParamSpec binary_params[] = {
  { .name = "threshold", .type = TD_PARAM_DOUBLE, .default_value = "0.5",
    .min = 0.0, .max = 1.0,
    .help = "predict positive when score >= threshold (f1, precision, recall, "
            "specificity, accuracy, balanced_accuracy, mcc, tp/fp/tn/fn)" },
};

static gboolean
binary_evaluate (const TdParams *params, const TdEvalInput *input, double *values,
                 GError **error)
{
  if (input->n_outputs != 1)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "binary evaluator needs one score per series (P(y = 1)), got %zu outputs",
                   input->n_outputs);
      return FALSE;
    }
  /* Soft labels (after mixup, say) count as their nearer class. */
  g_autofree double *cls = g_new (double, MAX (input->n, (size_t) 1));
  for (size_t i = 0; i < input->n; i++)
    {
      if (isnan (input->y[i]))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "binary evaluator: label of series %zu is NaN", i);
          return FALSE;
        }
      cls[i] = input->y[i] >= 0.5 ? 1.0 : 0.0;
    }
  return td_binary_metrics (cls, input->scores, input->n,
                            td_params_get_double (params, "threshold"), values, error);
}

static const TdEvaluatorVTable binary_vtable = {
  .metrics = binary_metrics,
  .tasks = TD_TASK_BINARY,
  .evaluate = binary_evaluate,
  .extension = NULL,
};

static const TdPluginDescriptor binary_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_EVALUATOR,
  .name = "binary",
  .version = "1.0.0",
  .summary = "binary classification metrics: ROC-AUC, PR-AUC, F1, MCC, Brier, log loss, "
             "confusion counts",
  .params = binary_params,
  .n_params = G_N_ELEMENTS (binary_params),
  .vtable = &binary_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &binary_descriptor : NULL;
}
