/* multiclass.c — the `multiclass` evaluator: accuracy, macro and micro F1 and
 * one-vs-rest ROC-AUC for models that score each of K classes (quality
 * classes such as good / minor / major / reject). The predicted class is the
 * highest-scoring one. The arithmetic, and the confusion matrix that reports
 * rebuild from stored predictions, are td_multiclass_metrics and
 * td_multiclass_confusion in libtundish (core/src/metrics.c). */
#include <math.h>
#include <tundish/tundish.h>

/* Same names and order as td_multiclass_metric_names; test_multiclass checks. */
static const char *const multiclass_metrics[] = {
  "n", "accuracy", "macro_f1", "micro_f1", "roc_auc_ovr", NULL,
};
G_STATIC_ASSERT (G_N_ELEMENTS (multiclass_metrics) == TD_N_MULTICLASS_METRICS + 1);

static gboolean
multiclass_evaluate (const TdParams *params, const TdEvalInput *input, double *values,
                     GError **error)
{
  (void) params;
  if (input->n_classes < 2 || input->n_outputs != input->n_classes)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "multiclass evaluator needs one score per class, got %zu outputs for %zu "
                   "classes", input->n_outputs, input->n_classes);
      return FALSE;
    }
  if (!td_multiclass_metrics (input->y, input->scores, input->n, input->n_classes, values,
                              error))
    {
      g_prefix_error (error, "multiclass evaluator: ");
      return FALSE;
    }
  return TRUE;
}

static const TdEvaluatorVTable multiclass_vtable = {
  .metrics = multiclass_metrics,
  .tasks = TD_TASK_MULTICLASS,
  .evaluate = multiclass_evaluate,
  .extension = NULL,
};

static const TdPluginDescriptor multiclass_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_EVALUATOR,
  .name = "multiclass",
  .version = "1.0.0",
  .summary = "multiclass metrics: accuracy, macro and micro F1, one-vs-rest ROC-AUC",
  .params = NULL,
  .n_params = 0,
  .vtable = &multiclass_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &multiclass_descriptor : NULL;
}
