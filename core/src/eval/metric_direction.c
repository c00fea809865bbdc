/* metric_direction.c — which way each metric improves (tundish/metrics.h):
 * the one table the reporters and `tundish compare` rank by. A metric a
 * shipped evaluator declares must be listed here (tests/core/
 * test_metric_direction.c fails otherwise). */
#include <string.h>

#include <tundish/metrics.h>

typedef struct {
  const char *name;
  TdMetricDirection dir;
} Entry;

#define HI TD_METRIC_HIGHER_BETTER
#define LO TD_METRIC_LOWER_BETTER
#define NR TD_METRIC_UNRANKED

static const Entry table[] = {
  /* binary (td_binary_metric_names and the binary evaluator's own) */
  { "n", NR }, { "n_pos", NR },
  { "roc_auc", HI }, { "pr_auc", HI }, { "pr_auc_trapz", HI }, { "f1", HI },
  { "precision", HI }, { "recall", HI }, { "specificity", HI }, { "accuracy", HI },
  { "balanced_accuracy", HI }, { "mcc", HI }, { "brier", LO }, { "log_loss", LO },
  /* counts at the threshold, compared on the same test splits: more true
   * and fewer false calls are better, as for recall and fpr */
  { "tp", HI }, { "fp", LO }, { "tn", HI }, { "fn", LO },
  { "ece", LO }, { "ece_mass", LO }, { "mce", LO },
  { "precision_at_recall", HI },
  /* properties of the test split or of the chosen threshold, not of a model's quality */
  { "threshold", NR }, { "roc_auc_chance", NR }, { "pr_auc_chance", NR },
  /* rates some evaluators and write-ups name */
  { "fpr", LO }, { "fnr", LO }, { "miss_rate", LO }, { "false_alarm_rate", LO },
  { "detection_delay", LO },
  /* multiclass */
  { "macro_f1", HI }, { "micro_f1", HI }, { "roc_auc_ovr", HI },
  /* regression; cmapss_score is the PHM08 score, an asymmetric error */
  { "rmse", LO }, { "mae", LO }, { "mse", LO }, { "mape", LO }, { "smape", LO },
  { "r2", HI }, { "cmapss_score", LO },
  /* ordinal */
  { "qwk", HI }, { "mae_class", LO },
  /* anomaly: per threshold method (percentile, mad, sigma, pot) */
  { "valid_normals", NR },
  { "threshold_percentile", NR }, { "fpr_percentile", LO }, { "recall_percentile", HI },
  { "precision_percentile", HI }, { "f1_percentile", HI },
  { "threshold_mad", NR }, { "fpr_mad", LO }, { "recall_mad", HI }, { "precision_mad", HI },
  { "f1_mad", HI },
  { "threshold_sigma", NR }, { "fpr_sigma", LO }, { "recall_sigma", HI },
  { "precision_sigma", HI }, { "f1_sigma", HI },
  { "threshold_pot", NR }, { "fpr_pot", LO }, { "recall_pot", HI }, { "precision_pot", HI },
  { "f1_pot", HI },
  /* oracle: the data's true probability scored, the same for every pipeline */
  { "oracle_roc_auc", NR }, { "oracle_pr_auc", NR }, { "oracle_brier", NR },
  { "oracle_log_loss", NR }, { "oracle_accuracy", NR }, { "oracle_macro_f1", NR },
  { "oracle_roc_auc_ovr", NR }, { "oracle_qwk", NR }, { "oracle_mae_class", NR },
  /* stage timings */
  { "fit_seconds", LO }, { "predict_seconds", LO },
};

static gboolean
ends_with (const char *s, const char *suffix)
{
  const size_t n = strlen (s), m = strlen (suffix);
  return n >= m && strcmp (s + n - m, suffix) == 0;
}

/* The table's entry, or the convention's; FALSE when neither decides. */
static gboolean
lookup (const char *name, TdMetricDirection *dir)
{
  if (name == NULL)
    return FALSE;
  for (size_t k = 0; k < G_N_ELEMENTS (table); k++)
    if (strcmp (table[k].name, name) == 0)
      {
        *dir = table[k].dir;
        return TRUE;
      }
  if (ends_with (name, "_loss") || ends_with (name, "_error") || ends_with (name, "_seconds"))
    {
      *dir = TD_METRIC_LOWER_BETTER;
      return TRUE;
    }
  return FALSE;
}

TdMetricDirection
td_metric_direction (const char *name)
{
  TdMetricDirection dir = TD_METRIC_HIGHER_BETTER;
  lookup (name, &dir);
  return dir;
}

gboolean
td_metric_direction_known (const char *name)
{
  TdMetricDirection dir;
  return lookup (name, &dir);
}

gboolean
td_metric_lower_is_better (const char *name)
{
  return td_metric_direction (name) == TD_METRIC_LOWER_BETTER;
}
