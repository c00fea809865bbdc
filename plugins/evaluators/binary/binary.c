/* binary.c — the `binary` evaluator: every binary classification metric of
 * tundish/metrics.h (ROC-AUC, PR-AUC, threshold metrics, Brier, log loss,
 * confusion counts), calibration error in equal-width and equal-mass bins,
 * the chance level of each ranking metric, and the threshold used, for a
 * binary model's P(y = 1) scores.
 *
 * The threshold of the threshold metrics is fixed, or chosen on the
 * validation split's predictions (best F1, or a target recall), never on
 * the split being evaluated. The arithmetic lives in libtundish
 * (core/src/metrics.c) so this evaluator, `tundish eval` and early stopping
 * all report identical numbers; this file adapts the evaluator ABI to it. */
#include <math.h>
#include <string.h>
#include <tundish/tundish.h>

/* The first TD_N_BINARY_METRICS names are td_binary_metric_names, in order
 * (a static initialiser cannot read that extern array; test_binary checks
 * they agree); the rest are this evaluator's own. */
enum {
  OUT_ECE = TD_N_BINARY_METRICS, OUT_ECE_MASS, OUT_ROC_AUC_CHANCE, OUT_PR_AUC_CHANCE,
  OUT_THRESHOLD, OUT_PRECISION_AT_RECALL, N_OUTPUTS
};

static const char *const binary_metrics[] = {
  "n", "n_pos", "roc_auc", "pr_auc", "pr_auc_trapz",
  "f1", "precision", "recall", "specificity", "accuracy",
  "balanced_accuracy", "mcc", "brier", "log_loss",
  "tp", "fp", "tn", "fn",
  "ece", "ece_mass", "roc_auc_chance", "pr_auc_chance", "threshold", "precision_at_recall",
  NULL,
};
G_STATIC_ASSERT (G_N_ELEMENTS (binary_metrics) == N_OUTPUTS + 1);

static const char *const threshold_methods[] = { "fixed", "best_f1", "target_recall", NULL };

static const TdParamSpec binary_params[] = {
  { .name = "threshold_method", .type = TD_PARAM_ENUM, .default_value = "fixed",
    .choices = threshold_methods,
    .help = "how the threshold of the threshold metrics is set: fixed (the threshold "
            "parameter), best_f1 (highest F1 on the validation split), target_recall (the "
            "highest threshold reaching target_recall on the validation split)" },
  { .name = "threshold", .type = TD_PARAM_DOUBLE, .default_value = "0.5",
    .min = 0.0, .max = 1.0,
    .help = "with threshold_method fixed: predict positive when score >= threshold (f1, "
            "precision, recall, specificity, accuracy, balanced_accuracy, mcc, tp/fp/tn/fn)" },
  { .name = "target_recall", .type = TD_PARAM_DOUBLE, .default_value = "0.9",
    .min = 0.0, .max = 1.0,
    .help = "recall the target_recall method reaches on validation; also the recall of "
            "precision_at_recall" },
  { .name = "ece_bins", .type = TD_PARAM_INT, .default_value = "10", .min = 1, .max = 1000,
    .help = "bins of ece (equal width on [0, 1]) and ece_mass (equal mass)" },
};

/* Labels as classes: soft labels (after mixup, say) count as their nearer class. */
static double *
classes_of (const double *y, size_t n, const char *split, GError **error)
{
  g_autofree double *cls = g_new (double, MAX (n, (size_t) 1));
  for (size_t i = 0; i < n; i++)
    {
      if (isnan (y[i]))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "binary evaluator: label of %sseries %zu is NaN", split, i);
          return NULL;
        }
      cls[i] = y[i] >= 0.5 ? 1.0 : 0.0;
    }
  return g_steal_pointer (&cls);
}

static gboolean
choose_threshold (const TdParams *params, const TdEvalInput *input, double *threshold,
                  GError **error)
{
  const char *method = td_params_get_string (params, "threshold_method");
  if (strcmp (method, "fixed") == 0)
    {
      *threshold = td_params_get_double (params, "threshold");
      return TRUE;
    }
  if (input->n_valid == 0 || input->valid_y == NULL || input->valid_scores == NULL)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "binary evaluator: threshold_method %s chooses the threshold on the "
                   "validation split, and this trial has none (set split.valid_size > 0, or "
                   "use threshold_method fixed)", method);
      return FALSE;
    }
  g_autofree double *vy = classes_of (input->valid_y, input->n_valid, "validation ", error);
  if (!vy)
    return FALSE;
  gboolean ok = strcmp (method, "best_f1") == 0
    ? td_threshold_best_f1 (vy, input->valid_scores, input->n_valid, threshold, NULL, error)
    : td_threshold_for_recall (vy, input->valid_scores, input->n_valid,
                               td_params_get_double (params, "target_recall"), threshold,
                               NULL, error);
  if (!ok)
    g_prefix_error (error, "binary evaluator, validation split: ");
  return ok;
}

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
  g_autofree double *cls = classes_of (input->y, input->n, "", error);
  double threshold;
  if (!cls || !choose_threshold (params, input, &threshold, error)
      || !td_binary_metrics (cls, input->scores, input->n, threshold, values, error))
    return FALSE;
  size_t bins = (size_t) td_params_get_int (params, "ece_bins");
  values[OUT_ECE] = td_ece (cls, input->scores, input->n, bins, TD_ECE_UNIFORM);
  values[OUT_ECE_MASS] = td_ece (cls, input->scores, input->n, bins, TD_ECE_QUANTILE);
  /* What a scorer without skill gets: ROC-AUC 0.5, average precision the
   * prevalence (both undefined, like the metrics, with one class only). */
  gboolean both = values[TD_M_N_POS] > 0 && values[TD_M_N_POS] < values[TD_M_N];
  values[OUT_ROC_AUC_CHANCE] = both ? 0.5 : NAN;
  values[OUT_PR_AUC_CHANCE] = both ? values[TD_M_N_POS] / values[TD_M_N] : NAN;
  values[OUT_THRESHOLD] = threshold;
  values[OUT_PRECISION_AT_RECALL] =
    td_precision_at_recall (cls, input->scores, input->n,
                            td_params_get_double (params, "target_recall"));
  return TRUE;
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
  .version = "1.1.0",
  .summary = "binary classification metrics: ROC-AUC, PR-AUC, F1, MCC, Brier, log loss, "
             "calibration error, confusion counts; threshold fixed or chosen on validation",
  .params = binary_params,
  .n_params = G_N_ELEMENTS (binary_params),
  .vtable = &binary_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &binary_descriptor : NULL;
}
