/* anomaly.c — the `anomaly` evaluator: an anomaly detector's scores (higher
 * = more abnormal) judged threshold-free (ROC-AUC, PR-AUC) and at alarm
 * thresholds calibrated on the validation split's normal series only
 * (thresholds.c: percentile, median + k·MAD, mean + k·sd, peaks over
 * threshold), never on test: at each, the false positive rate, recall,
 * precision and F1 on test, and the threshold itself.
 *
 * The metrics name their method (fpr_pot, recall_mad, ...); the experiment's
 * evaluate: list picks the methods it reports, the parameters set their
 * constants. A method the validation normals cannot support (none at all,
 * fewer than 2 for sigma, fewer than 10 excesses for pot) gives NaN for its
 * five metrics. The arithmetic at a threshold is libtundish's
 * td_binary_metrics. An alarm is a score strictly above the threshold: each
 * method calibrates a level that normal scores should not exceed, and a
 * detector whose scores tie (a GBDT's probabilities, a constant for most
 * normals) would otherwise raise an alarm on every normal series at the tied
 * value — median + k·MAD with MAD 0 is the median itself.
 */
#include <math.h>
#include <string.h>
#include <tundish/tundish.h>

#include "thresholds.h"

enum { METHOD_PERCENTILE, METHOD_MAD, METHOD_SIGMA, METHOD_POT, N_METHODS };
enum { AT_THRESHOLD, AT_FPR, AT_RECALL, AT_PRECISION, AT_F1, N_AT };
enum { OUT_N, OUT_N_POS, OUT_ROC_AUC, OUT_PR_AUC, OUT_VALID_NORMALS, OUT_METHODS };
#define N_OUTPUTS (OUT_METHODS + N_METHODS * N_AT)

/* OUT_METHODS + method * N_AT + at */
static const char *const anomaly_metrics[] = {
  "n", "n_pos", "roc_auc", "pr_auc", "valid_normals",
  "threshold_percentile", "fpr_percentile", "recall_percentile", "precision_percentile",
  "f1_percentile",
  "threshold_mad", "fpr_mad", "recall_mad", "precision_mad", "f1_mad",
  "threshold_sigma", "fpr_sigma", "recall_sigma", "precision_sigma", "f1_sigma",
  "threshold_pot", "fpr_pot", "recall_pot", "precision_pot", "f1_pot",
  NULL,
};
G_STATIC_ASSERT (G_N_ELEMENTS (anomaly_metrics) == N_OUTPUTS + 1);

static const TdParamSpec anomaly_params[] = {
  { "percentile", TD_PARAM_DOUBLE, "99", 0, 100, NULL,
    "percentile method: the threshold is this percentile of the validation normals' scores" },
  { "mad_k", TD_PARAM_DOUBLE, "3", 0, 1000, NULL,
    "mad method: median + mad_k · 1.4826 · MAD of the validation normals' scores" },
  { "sigma_k", TD_PARAM_DOUBLE, "3", 0, 1000, NULL,
    "sigma method: mean + sigma_k · sd of the validation normals' scores" },
  { "pot_level", TD_PARAM_DOUBLE, "0.9", 0.5, 0.9999, NULL,
    "pot method: the quantile of the validation normals' scores over which a generalised "
    "Pareto distribution is fitted to the excesses (Siffer et al. 2017's initial threshold)" },
  { "pot_risk", TD_PARAM_DOUBLE, "0.01", 1e-9, 0.5, NULL,
    "pot method: the threshold is exceeded with this probability by a normal series under "
    "the fit (the target false positive rate)" },
};

static gboolean
labels_ok (const double *y, size_t n, const char *split, GError **error)
{
  for (size_t i = 0; i < n; i++)
    if (!(y[i] == 0.0 || y[i] == 1.0))
      {
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     "anomaly evaluator: label %g of %sseries %zu; expected 0 (normal) or 1 "
                     "(abnormal)", y[i], split, i);
        return FALSE;
      }
  return TRUE;
}

/* The validation split's normal series' scores; *n_out may be 0. */
static double *
valid_normals (const TdEvalInput *in, size_t *n_out, GError **error)
{
  *n_out = 0;
  if (!in->valid_y || !in->valid_scores)
    return g_new (double, 1);
  if (!labels_ok (in->valid_y, in->n_valid, "validation ", error))
    return NULL;
  double *v = g_new (double, MAX (in->n_valid, (size_t) 1));
  for (size_t i = 0; i < in->n_valid; i++)
    if (in->valid_y[i] == 0.0 && isfinite (in->valid_scores[i]))
      v[(*n_out)++] = in->valid_scores[i];
  return v;
}

static double
threshold_of (int method, const TdParams *params, const double *v, size_t n)
{
  switch (method)
    {
    case METHOD_PERCENTILE:
      return threshold_percentile (v, n, td_params_get_double (params, "percentile"));
    case METHOD_MAD:
      return threshold_mad (v, n, td_params_get_double (params, "mad_k"));
    case METHOD_SIGMA:
      return threshold_sigma (v, n, td_params_get_double (params, "sigma_k"));
    default:
      return threshold_pot (v, n, td_params_get_double (params, "pot_level"),
                            td_params_get_double (params, "pot_risk"), NULL, NULL);
    }
}

static gboolean
anomaly_evaluate (const TdParams *params, const TdEvalInput *in, double *values,
                  GError **error)
{
  if (in->n_outputs != 1)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "anomaly evaluator needs one score per series (higher = more abnormal), "
                   "got %zu outputs", in->n_outputs);
      return FALSE;
    }
  if (!labels_ok (in->y, in->n, "", error))
    return FALSE;
  for (size_t k = 0; k < N_OUTPUTS; k++)
    values[k] = NAN;
  double m[TD_N_BINARY_METRICS];
  if (!td_binary_metrics (in->y, in->scores, in->n, 0.5, m, error))
    return FALSE;
  values[OUT_N] = m[TD_M_N];
  values[OUT_N_POS] = m[TD_M_N_POS];
  values[OUT_ROC_AUC] = m[TD_M_ROC_AUC];
  values[OUT_PR_AUC] = m[TD_M_PR_AUC];
  size_t nv = 0;
  g_autofree double *v = valid_normals (in, &nv, error);
  if (!v)
    return FALSE;
  values[OUT_VALID_NORMALS] = (double) nv;
  for (int k = 0; k < N_METHODS; k++)
    {
      double thr = threshold_of (k, params, v, nv);
      if (isnan (thr))
        continue;
      /* td_binary_metrics alarms at score >= its threshold: the next double
       * up makes that score > thr, exactly */
      if (!td_binary_metrics (in->y, in->scores, in->n, nextafter (thr, INFINITY), m, error))
        return FALSE;
      double *out = values + OUT_METHODS + k * N_AT;
      out[AT_THRESHOLD] = thr;
      out[AT_FPR] = m[TD_M_TN] + m[TD_M_FP] > 0 ? m[TD_M_FP] / (m[TD_M_TN] + m[TD_M_FP]) : NAN;
      out[AT_RECALL] = m[TD_M_TP] + m[TD_M_FN] > 0 ? m[TD_M_RECALL] : NAN;
      out[AT_PRECISION] = m[TD_M_PRECISION];
      out[AT_F1] = m[TD_M_F1];
    }
  return TRUE;
}

static const TdEvaluatorVTable anomaly_vtable = {
  .metrics = anomaly_metrics,
  .tasks = TD_TASK_ANOMALY,
  .evaluate = anomaly_evaluate,
  .extension = NULL,
};

static const TdPluginDescriptor anomaly_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_EVALUATOR,
  .name = "anomaly",
  .version = "1.1.0",   /* 1.1: an alarm is a score strictly above the threshold */
  .summary = "anomaly scores: ROC-AUC, PR-AUC, and FPR / recall / precision / F1 at thresholds "
             "calibrated on validation normals (percentile, MAD, sigma, POT)",
  .params = anomaly_params,
  .n_params = G_N_ELEMENTS (anomaly_params),
  .vtable = &anomaly_vtable,
};

const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &anomaly_descriptor : NULL;
}
