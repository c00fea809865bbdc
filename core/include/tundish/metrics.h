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

/* ------------------------------------------------------------------------
 * Added for calibration, threshold choice and multiclass tasks (additive:
 * nothing above changed, so `tundish eval` prints what it always printed).
 * Inputs as for td_binary_metrics: y 0/1, finite scores.
 */

/* Expected calibration error: sum over bins b of (n_b / n) |mean(y in b) -
 * mean(s in b)|, empty bins skipped, with the bins of scikit-learn's
 * calibration_curve: TD_ECE_UNIFORM cuts [0, 1] at i / n_bins (equal width),
 * TD_ECE_QUANTILE at the numpy.percentile(s, 100 i / n_bins) values (equal
 * mass); a score equal to a cut goes to the lower bin. Meant for
 * probabilities; scores outside [0, 1] fall into the end bins. NaN on bad
 * input (n == 0, labels other than 0/1, non-finite scores, n_bins == 0). */
typedef enum {
  TD_ECE_UNIFORM,
  TD_ECE_QUANTILE,
} TdEceBinning;
double td_ece (const double *y, const double *s, size_t n, size_t n_bins, TdEceBinning binning);

/* Thresholds chosen on one split (the validation split, never test), among
 * the distinct scores, predicting positive when score >= threshold.
 * best_f1: the threshold of highest F1; of equal F1s the highest threshold.
 * for_recall: lowering the threshold from the highest score, the first one
 * whose recall reaches target (the highest threshold with recall >= target);
 * *precision (may be NULL) is the precision there. Both fail (GError) on bad
 * input or when the split has no positive. */
gboolean td_threshold_best_f1 (const double *y, const double *s, size_t n,
                               double *threshold, double *f1, GError **error);
gboolean td_threshold_for_recall (const double *y, const double *s, size_t n, double target,
                                  double *threshold, double *precision, GError **error);

/* The highest precision among thresholds whose recall is >= target, read off
 * this split's precision-recall curve (Keras' PrecisionAtRecall, exact). A
 * property of the curve like PR-AUC, not an operating point chosen for use.
 * NaN when there is no positive or on bad input. */
double td_precision_at_recall (const double *y, const double *s, size_t n, double target);

/* Multiclass metrics of scores[n × n_classes] (series-major, one score per
 * class, higher = more likely) against class indices y (0 .. n_classes-1).
 * The predicted class is the arg-max (the lowest index among equal scores,
 * as numpy.argmax). Definitions follow scikit-learn 1.2 (docs/metrics.md):
 * micro F1 equals accuracy for single-label data; macro F1 averages the
 * per-class F1 over the classes present in y or predicted; roc_auc_ovr is
 * the mean one-vs-rest ROC-AUC over the classes present in y (NaN when fewer
 * than two are). */
typedef enum {
  TD_MC_N, TD_MC_ACCURACY, TD_MC_MACRO_F1, TD_MC_MICRO_F1, TD_MC_ROC_AUC_OVR,
  TD_N_MULTICLASS_METRICS
} TdMulticlassMetric;

extern const char *const td_multiclass_metric_names[TD_N_MULTICLASS_METRICS];
gboolean td_multiclass_metrics (const double *y, const double *scores, size_t n,
                                size_t n_classes, double out[TD_N_MULTICLASS_METRICS],
                                GError **error);
/* Confusion counts, cm[true * n_classes + predicted], n_classes^2 entries. */
gboolean td_multiclass_confusion (const double *y, const double *scores, size_t n,
                                  size_t n_classes, guint64 *cm, GError **error);
/* Ordinal metrics of the same input, the classes in their order (good <
 * minor < major < reject): qwk, the quadratic weighted kappa 1 − Σ w·O / Σ w·E
 * over the confusion O and its chance expectation E (outer product of the
 * true and predicted class counts / n), w_ij = (i − j)², every class keeping
 * its position when absent (scikit-learn's cohen_kappa_score(weights=
 * "quadratic", labels=0..K-1); NaN when Σ w·E is 0); mae_class, the mean
 * |y − predicted class|. */
typedef enum { TD_ORD_QWK, TD_ORD_MAE_CLASS, TD_N_ORDINAL_METRICS } TdOrdinalMetric;

extern const char *const td_ordinal_metric_names[TD_N_ORDINAL_METRICS];
gboolean td_ordinal_metrics (const double *y, const double *scores, size_t n,
                             size_t n_classes, double out[TD_N_ORDINAL_METRICS],
                             GError **error);
/* Regression metrics of predictions p against targets y (n > 0, both
 * finite; an error otherwise), as scikit-learn defines them: rmse, mae,
 * mape = mean |y − p| / max(|y|, DBL_EPSILON) (a fraction, not a percent),
 * r2 = 1 − SS_res / SS_tot (1 when both are 0, 0 when only SS_tot is: its
 * force_finite rule), and the C-MAPSS scoring function of Saxena et al.
 * (2008): s = Σ exp(−d/13) − 1 for d < 0 and exp(d/10) − 1 for d ≥ 0,
 * d = p − y (late predictions cost more). */
typedef enum {
  TD_REG_N, TD_REG_RMSE, TD_REG_MAE, TD_REG_MAPE, TD_REG_R2, TD_REG_CMAPSS_SCORE,
  TD_N_REGRESSION_METRICS
} TdRegressionMetric;

extern const char *const td_regression_metric_names[TD_N_REGRESSION_METRICS];
gboolean td_regression_metrics (const double *y, const double *p, size_t n,
                                double out[TD_N_REGRESSION_METRICS], GError **error);

/* Index of the largest of row[0 .. k) (the first among equal ones). */
size_t td_argmax (const double *row, size_t k);

/* The same binary metrics and ECE of a multiset given as items with counts:
 * item i stands for counts[i] >= 0 copies of itself, as in a bootstrap
 * resample of a fixed test set. The result is that of td_binary_metrics /
 * td_ece on the list with every item repeated counts[i] times (sums of
 * non-integers may differ in the last bits: c x is added once, not x c
 * times). With sorted TRUE the scores must be in ascending order (an error,
 * or NaN, otherwise) and nothing is sorted, so a resample costs O(n): sort a
 * test set once, then evaluate each resample's counts. n and n_pos are the
 * counted totals; a total count of 0 is an error (NaN for ECE). */
gboolean td_binary_metrics_counted (const double *y, const double *s, const guint32 *counts,
                                    size_t n, gboolean sorted, double threshold,
                                    double out[TD_N_BINARY_METRICS], GError **error);
double td_ece_counted (const double *y, const double *s, const guint32 *counts, size_t n,
                       gboolean sorted, size_t n_bins, TdEceBinning binning);

/* ------------------------------------------------------------------------
 * Which way a metric improves: the one table every reporter and command
 * that ranks pipelines reads (the html report's bold, arrows and colours,
 * the latex / markdown tables, `tundish compare`), so they cannot disagree.
 *
 * Every metric a shipped evaluator declares is in the table, and a test
 * (tests/core/test_metric_direction.c) fails on one that is not: adding a
 * metric to an evaluator means deciding its direction here. A name outside
 * the table follows a convention (ending in _loss, _error or _seconds:
 * lower is better) or, failing that, is ranked higher-is-better, what a
 * score usually is (a third-party evaluator's; td_metric_direction_known
 * tells, so a command can say so or ask).
 */
typedef enum {
  TD_METRIC_HIGHER_BETTER,   /* roc_auc, f1, r2, qwk, tp, tn, ... */
  TD_METRIC_LOWER_BETTER,    /* brier, log_loss, ece, rmse, mae, mape, mae_class,
                                cmapss_score, fpr, fp, fn, ... */
  TD_METRIC_UNRANKED,        /* the same for every pipeline on a split, so there is
                                no best: n, n_pos, valid_normals, thresholds, the
                                chance levels, the oracle's metrics */
} TdMetricDirection;

/* The direction of a metric by name (NULL: higher-is-better, as unknown). */
TdMetricDirection td_metric_direction (const char *name);
/* TRUE when the table or the suffix convention decides name's direction. */
gboolean td_metric_direction_known (const char *name);
/* td_metric_direction (name) == TD_METRIC_LOWER_BETTER. */
gboolean td_metric_lower_is_better (const char *name);

G_END_DECLS
