/* tundish/metrics.h — binary classification metrics, computed in one place.
 *
 * Used by the evaluator plugins, by `tundish eval`, and by models that stop
 * early on a validation metric. Definitions follow scikit-learn 1.2 (see
 * docs/metrics.md): ROC-AUC with ties credited one half, PR-AUC as average
 * precision (step-wise), pr_auc_trapz as the trapezoid under the PR curve
 * starting at (recall 0, precision 1); threshold metrics predict positive when
 * score >= threshold and give 0 where a ratio is 0/0; log loss clips scores to
 * [1e-15, 1 - 1e-15].
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TD_M_N, TD_M_N_POS, TD_M_ROC_AUC, TD_M_PR_AUC, TD_M_PR_AUC_TRAPZ,
  TD_M_F1, TD_M_PRECISION, TD_M_RECALL, TD_M_SPECIFICITY, TD_M_ACCURACY,
  TD_M_BALANCED_ACCURACY, TD_M_MCC, TD_M_BRIER, TD_M_LOG_LOSS,
  TD_M_TP, TD_M_FP, TD_M_TN, TD_M_FN,
  TD_N_BINARY_METRICS
} TdBinaryMetric;

/* Names exactly as `tundish eval` prints them, indexed by TdBinaryMetric. */
extern const char *const td_binary_metric_names[TD_N_BINARY_METRICS];
/* Index of a metric name, or -1. */
int td_binary_metric_index (const char *name);

/* All binary metrics of scores s against labels y (0/1) over n items.
 * Fails (GError) on n == 0, labels other than 0/1, or non-finite scores.
 * ROC-AUC and PR-AUC are NaN when only one class is present. */
gboolean td_binary_metrics (const double *y, const double *s, size_t n,
                            double threshold,
                            double out[TD_N_BINARY_METRICS], GError **error);

/* ROC-AUC alone, O(n log n); NaN when one class is absent. */
double td_roc_auc (const double *y, const double *s, size_t n);

/* DeLong's test of roc_auc(a) vs roc_auc(b) on the same items, with the
 * O(n log n) midrank algorithm. */
typedef struct {
  double auc_a, auc_b, var_a, var_b, cov, z, p;
} TdDelong;
gboolean td_delong (const double *y, const double *a, const double *b, size_t n,
                    TdDelong *out, GError **error);

G_END_DECLS
