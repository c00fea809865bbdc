/* test_anomaly.c — the anomaly evaluator: its thresholds against numpy and
 * its generalised Pareto fit against scipy.stats.genpareto
 * (tests/golden/anomaly, made by make_anomaly_golden.py there); then the
 * metrics at a threshold by hand, validation abnormal series ignored, test
 * never used for the threshold, and NaN where a method has too little. */
#include <json-glib/json-glib.h>
#include <math.h>

#include <tundish/tundish.h>

#include "thresholds.h"

const TdPluginDescriptor *td_plugin_descriptor (size_t index);

static const TdEvaluatorVTable *
vt (void)
{
  return td_plugin_descriptor (0)->vtable;
}

static double *
doubles (JsonArray *a, size_t *n)
{
  *n = json_array_get_length (a);
  double *v = g_new (double, MAX (*n, (size_t) 1));
  for (size_t i = 0; i < *n; i++)
    v[i] = json_array_get_double_element (a, (guint) i);
  return v;
}

static void
test_golden (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_file (parser, TD_GOLDEN_ANOMALY_DIR "/thresholds.json",
                                             &error));
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonObject *p = json_object_get_object_member (root, "params");
  JsonArray *cases = json_object_get_array_member (root, "cases");
  g_assert_cmpuint (json_array_get_length (cases), ==, 5);
  for (guint k = 0; k < json_array_get_length (cases); k++)
    {
      JsonObject *c = json_array_get_object_element (cases, k);
      size_t n = 0, ne = 0;
      g_autofree double *s = doubles (json_object_get_array_member (c, "scores"), &n);
      g_autofree double *y = doubles (json_object_get_array_member (c, "excesses"), &ne);
#define WANT(key) json_object_get_double_member (c, key)
#define PARAM(key) json_object_get_double_member (p, key)
      g_assert_cmpfloat_with_epsilon (threshold_percentile (s, n, PARAM ("percentile")),
                                      WANT ("percentile"), 1e-12 * fabs (WANT ("percentile")));
      g_assert_cmpfloat_with_epsilon (threshold_mad (s, n, PARAM ("mad_k")), WANT ("mad"),
                                      1e-12 * fabs (WANT ("mad")));
      g_assert_cmpfloat_with_epsilon (threshold_sigma (s, n, PARAM ("sigma_k")), WANT ("sigma"),
                                      1e-12 * fabs (WANT ("sigma")));
      GpdFit fit;
      double t = 0;
      double z = threshold_pot (s, n, PARAM ("pot_level"), PARAM ("pot_risk"), &fit, &t);
      g_assert_cmpfloat_with_epsilon (t, WANT ("pot_t"), 1e-12 * fabs (WANT ("pot_t")));
      /* scipy's log-likelihood at its own estimate, recomputed here: the
       * likelihood is the same function */
      g_assert_cmpfloat_with_epsilon (gpd_loglik (y, ne, WANT ("xi"), WANT ("gpd_sigma")),
                                      WANT ("loglik"), 1e-9 * fabs (WANT ("loglik")));
      /* the maximum is found at least as high as scipy's, at the same place */
      g_test_message ("%s: xi %.6f (scipy %.6f), sigma %.6g (%.6g), loglik %.9g (%.9g), "
                      "z %.6g (%.6g)", json_object_get_string_member (c, "name"), fit.xi,
                      WANT ("xi"), fit.sigma, WANT ("gpd_sigma"), fit.loglik, WANT ("loglik"),
                      z, WANT ("pot"));
      g_assert_cmpfloat (fit.loglik, >=, WANT ("loglik") - 1e-7);
      g_assert_cmpfloat (fabs (fit.xi - WANT ("xi")), <, 2e-3);
      g_assert_cmpfloat (fabs (fit.sigma / WANT ("gpd_sigma") - 1), <, 2e-3);
      g_assert_cmpfloat (fabs (z / WANT ("pot") - 1), <, 1e-3);
#undef WANT
#undef PARAM
    }
}

static TdParams *
defaults (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  return td_params_new_defaults (d->params, d->n_params, NULL);
}

static size_t
metric (const char *name)
{
  for (size_t k = 0; vt ()->metrics[k]; k++)
    if (g_str_equal (vt ()->metrics[k], name))
      return k;
  g_assert_not_reached ();
}

/* Validation: 100 normals scored 0.00 .. 0.99, and abnormal series at 5.0
 * (which must not move any threshold). Test: normals 0.005 .. 0.995 and
 * abnormal series at 0.2 and 2.0. */
static void
test_metrics (void)
{
  double vy[110], vs[110], ty[104], ts[104];
  for (int i = 0; i < 110; i++)
    {
      vy[i] = i >= 100;
      vs[i] = i < 100 ? i / 100.0 : 5.0;
    }
  for (int i = 0; i < 100; i++)
    {
      ty[i] = 0;
      ts[i] = 0.005 + i / 100.0;
    }
  for (int i = 100; i < 104; i++)
    {
      ty[i] = 1;
      ts[i] = i < 102 ? 0.2 : 2.0;
    }
  TdEvalInput in = { .task = TD_TASK_ANOMALY, .n = 104, .n_outputs = 1, .n_classes = 2,
                     .y = ty, .scores = ts, .n_valid = 110, .valid_y = vy, .valid_scores = vs };
  g_autoptr (TdParams) params = defaults ();
  g_autoptr (GError) error = NULL;
  double v[64];
  g_assert_true (vt ()->evaluate (params, &in, v, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (v[metric ("valid_normals")], ==, 100);
  /* the 99th percentile of 0.00 .. 0.99 (linear) is 0.9801: test normals
   * 0.985 and 0.995 alarm, 2 of 100; abnormal 2.0 twice, 0.2 never */
  g_assert_cmpfloat_with_epsilon (v[metric ("threshold_percentile")], 0.9801, 1e-12);
  g_assert_cmpfloat_with_epsilon (v[metric ("fpr_percentile")], 0.02, 1e-12);
  g_assert_cmpfloat_with_epsilon (v[metric ("recall_percentile")], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (v[metric ("precision_percentile")], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (v[metric ("f1_percentile")], 0.5, 1e-12);
  /* sigma: mean 0.495 + 3 sd (0.29011...) = 1.365...: no normal alarms */
  g_assert_cmpfloat (v[metric ("fpr_sigma")], ==, 0.0);
  g_assert_cmpfloat (v[metric ("recall_sigma")], ==, 0.5);
  /* ranking: 0.2 ranks above 20 normals and below 79.5 of them... */
  double auc = td_roc_auc (ty, ts, 104);
  g_assert_cmpfloat (v[metric ("roc_auc")], ==, auc);
  g_assert_cmpfloat (auc, <, 1.0);
  for (const char *const *m = (const char *const[]) { "threshold_mad", "threshold_pot",
                                                      "fpr_pot", "recall_mad", NULL }; *m; m++)
    g_assert_true (isfinite (v[metric (*m)]));

  /* the test split never sets a threshold: other test scores, same thresholds */
  double ts2[104];
  for (int i = 0; i < 104; i++)
    ts2[i] = ts[i] * 3;
  in.scores = ts2;
  double w[64];
  g_assert_true (vt ()->evaluate (params, &in, w, &error));
  for (const char *const *m = (const char *const[]) { "threshold_percentile", "threshold_mad",
                                                      "threshold_sigma", "threshold_pot", NULL };
       *m; m++)
    g_assert_cmpfloat (w[metric (*m)], ==, v[metric (*m)]);
  g_assert_cmpfloat (w[metric ("fpr_percentile")], >, v[metric ("fpr_percentile")]);

  /* too few validation normals for pot (5 excesses) and none at all */
  in.n_valid = 50;
  g_assert_true (vt ()->evaluate (params, &in, w, &error));
  g_assert_true (isnan (w[metric ("fpr_pot")]));
  g_assert_true (isfinite (w[metric ("fpr_percentile")]));
  in.n_valid = 0;
  in.valid_y = in.valid_scores = NULL;
  g_assert_true (vt ()->evaluate (params, &in, w, &error));
  g_assert_true (isnan (w[metric ("fpr_percentile")]));
  g_assert_true (isfinite (w[metric ("roc_auc")]));

  /* a soft label is not a normal/abnormal label */
  ty[3] = 0.5;
  g_assert_false (vt ()->evaluate (params, &in, w, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "series 3"));
}

/* Tied scores: 60 of 100 validation normals score exactly 0.3 (the rest
 * 0.0 .. 0.39 spread), so the median is 0.3 and MAD is 0: median + 3·MAD is
 * 0.3 itself. Test normals tied at 0.3 must not alarm (a score equal to the
 * threshold is not above it); the abnormal series at 0.3 + 1e-9 must. */
static void
test_ties (void)
{
  double vy[100], vs[100], ty[100], ts[100];
  for (int i = 0; i < 100; i++)
    {
      vy[i] = 0;
      vs[i] = i < 60 ? 0.3 : (i - 60) / 100.0;
      ty[i] = i >= 90;
      ts[i] = i < 90 ? 0.3 : 0.3 + 1e-9;
    }
  TdEvalInput in = { .task = TD_TASK_ANOMALY, .n = 100, .n_outputs = 1, .n_classes = 2,
                     .y = ty, .scores = ts, .n_valid = 100, .valid_y = vy, .valid_scores = vs };
  g_autoptr (TdParams) params = defaults ();
  g_autoptr (GError) error = NULL;
  double v[64];
  g_assert_true (vt ()->evaluate (params, &in, v, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (v[metric ("threshold_mad")], ==, 0.3);
  g_assert_cmpfloat (v[metric ("fpr_mad")], ==, 0.0);
  g_assert_cmpfloat (v[metric ("recall_mad")], ==, 1.0);
  g_assert_cmpfloat (v[metric ("precision_mad")], ==, 1.0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/anomaly/golden", test_golden);
  g_test_add_func ("/anomaly/metrics", test_metrics);
  g_test_add_func ("/anomaly/ties", test_ties);
  return g_test_run ();
}
