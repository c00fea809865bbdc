/* oracle.c — the `oracle` evaluator: how well the data's ground truth scores
 * the evaluated split, i.e. the ceiling any model could reach on it.
 *
 * Generators that know each series' true probability of the positive class
 * record it as a numeric metadata column (steel_casting:
 * "true_defect_probability" = P(label = 1 | signal)). Such a column is
 * target-derived, hidden from features and models, but the evaluated split
 * (TdEvalInput.data) carries every label and metadata column. This evaluator ignores the model's scores and computes the
 * binary metrics of that column against the labels: oracle_roc_auc,
 * oracle_pr_auc, oracle_brier and oracle_log_loss (tundish/metrics.h, so the
 * numbers are comparable to roc_auc, pr_auc, brier, log_loss of the models).
 *
 * Multiclass data (graded quality) records one column per class,
 * "true_probability.<class name>" (steel_casting and glass_line with
 * target grade or type): the ceiling is then the multiclass and ordinal
 * metrics of those probabilities (oracle_accuracy, oracle_macro_f1,
 * oracle_roc_auc_ovr, oracle_qwk, oracle_mae_class), the predicted class
 * being the most probable one. Each task's metrics are NaN on the other's.
 *
 * Without the column (another generator, no data) every value is NaN and a
 * log line says why — once per process, as every trial would repeat it; a
 * missing ceiling is not a failure. A column that is text, holds NaN or
 * values outside [0, 1] is an error: the data is not what it claims.
 */
#define G_LOG_DOMAIN "tundish-oracle"

#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

enum {
  OR_ROC_AUC, OR_PR_AUC, OR_BRIER, OR_LOG_LOSS,
  OR_ACCURACY, OR_MACRO_F1, OR_ROC_AUC_OVR, OR_QWK, OR_MAE_CLASS, OR_N
};

static const char *const oracle_metrics[] = {
  "oracle_roc_auc", "oracle_pr_auc", "oracle_brier", "oracle_log_loss",
  "oracle_accuracy", "oracle_macro_f1", "oracle_roc_auc_ovr", "oracle_qwk", "oracle_mae_class",
  NULL,
};
G_STATIC_ASSERT (G_N_ELEMENTS (oracle_metrics) == OR_N + 1);

static const TdParamSpec oracle_params[] = {
  { .name = "column", .type = TD_PARAM_STRING, .default_value = "true_defect_probability",
    .help = "numeric metadata column holding each series' true P(y = 1)" },
  { .name = "class_prefix", .type = TD_PARAM_STRING, .default_value = "true_probability.",
    .help = "multiclass: the columns <prefix><class name> hold each series' true "
            "P(y = class)" },
};

static void
all_nan (double *values)
{
  for (int k = 0; k < OR_N; k++)
    values[k] = NAN;
}

/* The probability column `name`, checked: NULL with values all NaN and a
 * log line (once per process, as every trial would repeat it) when the data
 * lacks it, NULL with an error when it is not probabilities. */
static const double *
probability_column (const TdEvalInput *input, const char *name, gboolean *missing,
                    GError **error)
{
  const TdMetaColumn *col = input->data ? td_dataset_find_meta (input->data, name) : NULL;
  *missing = col == NULL;
  if (!col)
    {
      static gsize logged = 0;
      if (g_once_init_enter (&logged))
        {
          g_message ("oracle: the evaluated data has no metadata column \"%s\" (the "
                     "generator does not know the true probability); oracle_* metrics are NaN",
                     name);
          g_once_init_leave (&logged, 1);
        }
      return NULL;
    }
  if (!col->num)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "oracle: metadata column \"%s\" is text; expected probabilities", name);
      return NULL;
    }
  if (input->data->n_series != input->n)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "oracle: %zu labels for %zu series of data", input->n,
                   input->data->n_series);
      return NULL;
    }
  for (size_t i = 0; i < input->n; i++)
    if (!(col->num[i] >= 0 && col->num[i] <= 1))
      {
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     "oracle: %s of series %" G_GINT64_FORMAT " is %g; expected a "
                     "probability in [0, 1]", name, input->data->series_id[i], col->num[i]);
        return NULL;
      }
  return col->num;
}

/* The class probabilities as scores[n × K]; the metrics of the most probable
 * class. */
static gboolean
multiclass_ceiling (const TdParams *params, const TdEvalInput *input, double *values,
                    GError **error)
{
  size_t K = input->n_classes;
  const char *prefix = td_params_get_string (params, "class_prefix");
  if (!input->data || !input->data->class_names || input->n == 0 || K < 2)
    return TRUE;
  g_autofree double *scores = g_new (double, input->n * K);
  for (size_t c = 0; c < K; c++)
    {
      g_autofree char *name = g_strconcat (prefix, input->data->class_names[c], NULL);
      gboolean missing;
      const double *p = probability_column (input, name, &missing, error);
      if (!p)
        return missing;
      for (size_t i = 0; i < input->n; i++)
        scores[i * K + c] = p[i];
    }
  double mc[TD_N_MULTICLASS_METRICS], ord[TD_N_ORDINAL_METRICS];
  if (!td_multiclass_metrics (input->y, scores, input->n, K, mc, error)
      || !td_ordinal_metrics (input->y, scores, input->n, K, ord, error))
    {
      g_prefix_error (error, "oracle: ");
      return FALSE;
    }
  values[OR_ACCURACY] = mc[TD_MC_ACCURACY];
  values[OR_MACRO_F1] = mc[TD_MC_MACRO_F1];
  values[OR_ROC_AUC_OVR] = mc[TD_MC_ROC_AUC_OVR];
  values[OR_QWK] = ord[TD_ORD_QWK];
  values[OR_MAE_CLASS] = ord[TD_ORD_MAE_CLASS];
  return TRUE;
}

static gboolean
oracle_evaluate (const TdParams *params, const TdEvalInput *input, double *values,
                 GError **error)
{
  all_nan (values);
  if (input->task == TD_TASK_MULTICLASS)
    return multiclass_ceiling (params, input, values, error);
  const char *name = td_params_get_string (params, "column");
  gboolean missing;
  const double *truth = probability_column (input, name, &missing, error);
  if (!truth)
    return missing;
  g_autofree double *cls = g_new (double, MAX (input->n, (size_t) 1));
  for (size_t i = 0; i < input->n; i++)
    {
      if (isnan (input->y[i]))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "oracle: label of series %zu is NaN", i);
          return FALSE;
        }
      /* Soft labels (after mixup) count as their nearer class, as in `binary`. */
      cls[i] = input->y[i] >= 0.5 ? 1.0 : 0.0;
    }
  double m[TD_N_BINARY_METRICS];
  if (!td_binary_metrics (cls, truth, input->n, 0.5, m, error))
    {
      g_prefix_error (error, "oracle: ");
      return FALSE;
    }
  values[OR_ROC_AUC] = m[TD_M_ROC_AUC];
  values[OR_PR_AUC] = m[TD_M_PR_AUC];
  values[OR_BRIER] = m[TD_M_BRIER];
  values[OR_LOG_LOSS] = m[TD_M_LOG_LOSS];
  return TRUE;
}

static const TdEvaluatorVTable oracle_vtable = {
  .metrics = oracle_metrics,
  .tasks = TD_TASK_BINARY | TD_TASK_MULTICLASS,
  .evaluate = oracle_evaluate,
  .extension = NULL,
};

static const TdPluginDescriptor oracle_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_EVALUATOR,
  .name = "oracle",
  .version = "1.1.0",   /* 1.1: multiclass (class probabilities) */
  .summary = "the ceiling: the metrics of the generator's true probabilities (metadata) on "
             "the evaluated split (binary: ROC-AUC, PR-AUC, Brier, log loss; multiclass: "
             "accuracy, macro-F1, ROC-AUC ovr, qwk, mae_class)",
  .params = oracle_params,
  .n_params = G_N_ELEMENTS (oracle_params),
  .vtable = &oracle_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &oracle_descriptor : NULL;
}
