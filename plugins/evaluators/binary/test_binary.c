/* test_binary.c — the `binary` evaluator: its descriptor, its values (the
 * library's, to the bit), soft labels, the threshold parameter, thresholds
 * chosen on validation, calibration and chance outputs, bad input, and the
 * built module's exports. */
#include <math.h>
#include <string.h>
#include <tundish/tundish.h>

#include "plugin/registry.h"

static const TdPluginDescriptor *
desc (void)
{
  return td_plugin_descriptor (0);
}

static const TdEvaluatorVTable *
vt (void)
{
  return desc ()->vtable;
}

/* Outputs after the td_binary_metrics block, in the evaluator's order. */
enum {
  OUT_ECE = TD_N_BINARY_METRICS, OUT_ECE_MASS, OUT_ROC_AUC_CHANCE, OUT_PR_AUC_CHANCE,
  OUT_THRESHOLD, OUT_PRECISION_AT_RECALL, N_OUT
};

static TdParams *
make_params (const char *threshold)
{
  g_autoptr (GError) error = NULL;
  /* Without a threshold the list of pairs ends at once: the defaults. */
  TdParams *p = td_testing_params (desc (), &error, threshold ? "threshold" : NULL, threshold, NULL);
  g_assert_no_error (error);
  return p;
}

static TdEvalInput
binary_input (const double *y, const double *s, size_t n)
{
  return (TdEvalInput) { .task = TD_TASK_BINARY, .n = n, .n_outputs = 1, .n_classes = 2,
                         .y = y, .scores = s };
}

/* the tiny_ties golden case (tests/golden/metrics) */
static const double tiny_y[] = { 0, 0, 1, 1, 0, 1, 0, 1 };
static const double tiny_s[] = { 0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.5, 0.5 };

static void
test_descriptor (void)
{
  g_assert_nonnull (desc ());
  g_assert_null (td_plugin_descriptor (1));
  g_assert_cmpuint (desc ()->abi_version, ==, TD_PLUGIN_ABI_VERSION);
  g_assert_cmpint (desc ()->kind, ==, TD_KIND_EVALUATOR);
  g_assert_cmpstr (desc ()->name, ==, "binary");
  g_assert_cmpuint (vt ()->tasks, ==, TD_TASK_BINARY);
  g_assert_nonnull (vt ()->evaluate);
  for (int m = 0; m < TD_N_BINARY_METRICS; m++)
    g_assert_cmpstr (vt ()->metrics[m], ==, td_binary_metric_names[m]);
  const char *const extra[] = { "ece", "ece_mass", "roc_auc_chance", "pr_auc_chance",
                                "threshold", "precision_at_recall" };
  for (int m = TD_N_BINARY_METRICS; m < N_OUT; m++)
    g_assert_cmpstr (vt ()->metrics[m], ==, extra[m - TD_N_BINARY_METRICS]);
  g_assert_null (vt ()->metrics[N_OUT]);

  g_autoptr (TdParams) p = make_params (NULL);
  g_assert_cmpfloat (td_params_get_double (p, "threshold"), ==, 0.5);
  g_autoptr (GError) error = NULL;
  g_assert_false (td_params_set_text (p, "threshold", "1.5", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (td_params_set_text (p, "threshold", "-0.1", &error));
  g_assert_nonnull (error);
}

static void
test_values (void)
{
  g_autoptr (TdParams) p = make_params (NULL);
  TdEvalInput in = binary_input (tiny_y, tiny_s, 8);
  double got[N_OUT], want[TD_N_BINARY_METRICS];
  g_autoptr (GError) error = NULL;
  g_assert_true (vt ()->evaluate (p, &in, got, &error));
  g_assert_no_error (error);
  g_assert_true (td_binary_metrics (tiny_y, tiny_s, 8, 0.5, want, NULL));
  for (int m = 0; m < TD_N_BINARY_METRICS; m++)
    g_assert_cmpfloat (got[m], ==, want[m]);
  /* scikit-learn's values for this case (tiny_ties.expected) */
  g_assert_cmpfloat (got[TD_M_ROC_AUC], ==, 0.65625);
  g_assert_cmpfloat_with_epsilon (got[TD_M_PR_AUC], 0.68452380952381, 1e-12);
  g_assert_cmpfloat_with_epsilon (got[TD_M_PR_AUC_TRAPZ], 0.738095238095238, 1e-12);
  g_assert_cmpfloat_with_epsilon (got[TD_M_MCC], 0.258198889747161, 1e-12);
  g_assert_cmpfloat (got[TD_M_TP], ==, 2);
  g_assert_cmpfloat (got[TD_M_FP], ==, 1);
}

static void
test_threshold (void)
{
  g_autoptr (TdParams) p = make_params ("0.3");
  TdEvalInput in = binary_input (tiny_y, tiny_s, 8);
  double got[N_OUT];
  g_autoptr (GError) error = NULL;
  g_assert_true (vt ()->evaluate (p, &in, got, &error));
  /* >= 0.3: every item but the 0.1 */
  g_assert_cmpfloat (got[TD_M_TP], ==, 4);
  g_assert_cmpfloat (got[TD_M_FP], ==, 3);
  g_assert_cmpfloat (got[TD_M_TN], ==, 1);
  g_assert_cmpfloat (got[TD_M_FN], ==, 0);
  g_assert_cmpfloat (got[TD_M_ROC_AUC], ==, 0.65625);   /* threshold-free */
}

static void
test_soft_labels (void)
{
  const double soft[] = { 0.1, 0.0, 0.9, 0.5, 0.49, 0.7, 0.3, 1.0 };
  g_autoptr (TdParams) p = make_params (NULL);
  TdEvalInput in_soft = binary_input (soft, tiny_s, 8);
  TdEvalInput in_hard = binary_input (tiny_y, tiny_s, 8);
  double a[N_OUT], b[N_OUT];
  g_autoptr (GError) error = NULL;
  g_assert_true (vt ()->evaluate (p, &in_soft, a, &error));
  g_assert_true (vt ()->evaluate (p, &in_hard, b, &error));
  g_assert_no_error (error);
  /* 0.5 counts as positive, 0.49 as negative: the same classes as tiny_y */
  for (int m = 0; m < N_OUT; m++)
    g_assert_cmpfloat (a[m], ==, b[m]);
}

static void
test_one_class (void)
{
  const double y[] = { 0, 0, 0 }, s[] = { 0.2, 0.6, 0.9 };
  g_autoptr (TdParams) p = make_params (NULL);
  TdEvalInput in = binary_input (y, s, 3);
  double got[N_OUT];
  g_autoptr (GError) error = NULL;
  g_assert_true (vt ()->evaluate (p, &in, got, &error));
  g_assert_true (isnan (got[TD_M_ROC_AUC]));
  g_assert_true (isnan (got[TD_M_PR_AUC]));
  g_assert_cmpfloat (got[TD_M_FP], ==, 2);
  g_assert_cmpfloat (got[TD_M_SPECIFICITY], ==, 1.0 / 3.0);
}

static void
test_bad_input (void)
{
  g_autoptr (TdParams) p = make_params (NULL);
  double got[N_OUT];
  g_autoptr (GError) error = NULL;

  TdEvalInput two = binary_input (tiny_y, tiny_s, 4);
  two.n_outputs = 2;
  g_assert_false (vt ()->evaluate (p, &two, got, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  const double y_nan[] = { 0, NAN, 1 };
  TdEvalInput nan_label = binary_input (y_nan, tiny_s, 3);
  g_assert_false (vt ()->evaluate (p, &nan_label, got, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "series 1"));
  g_clear_error (&error);

  const double s_inf[] = { 0.1, INFINITY, 0.3 };
  TdEvalInput inf_score = binary_input (tiny_y, s_inf, 3);
  g_assert_false (vt ()->evaluate (p, &inf_score, got, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  TdEvalInput empty = binary_input (tiny_y, tiny_s, 0);
  g_assert_false (vt ()->evaluate (p, &empty, got, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
}

static void
test_extra_outputs (void)
{
  g_autoptr (TdParams) p = make_params (NULL);
  TdEvalInput in = binary_input (tiny_y, tiny_s, 8);
  double got[N_OUT];
  g_autoptr (GError) error = NULL;
  g_assert_true (vt ()->evaluate (p, &in, got, &error));
  g_assert_cmpfloat (got[OUT_ECE], ==, td_ece (tiny_y, tiny_s, 8, 10, TD_ECE_UNIFORM));
  g_assert_cmpfloat (got[OUT_ECE_MASS], ==, td_ece (tiny_y, tiny_s, 8, 10, TD_ECE_QUANTILE));
  g_assert_cmpfloat (got[OUT_ROC_AUC_CHANCE], ==, 0.5);
  g_assert_cmpfloat (got[OUT_PR_AUC_CHANCE], ==, 0.5);   /* 4 of 8 */
  g_assert_cmpfloat (got[OUT_THRESHOLD], ==, 0.5);
  /* recall >= 0.9 needs all 4 positives: from s >= 0.35 on, best 4/7 */
  g_assert_cmpfloat_with_epsilon (got[OUT_PRECISION_AT_RECALL], 4.0 / 7.0, 1e-15);

  /* ece_bins reaches both calibration errors */
  g_assert_true (td_params_set_text (p, "ece_bins", "3", &error));
  g_assert_true (vt ()->evaluate (p, &in, got, &error));
  g_assert_cmpfloat (got[OUT_ECE], ==, td_ece (tiny_y, tiny_s, 8, 3, TD_ECE_UNIFORM));
  g_assert_cmpfloat (got[OUT_ECE_MASS], ==, td_ece (tiny_y, tiny_s, 8, 3, TD_ECE_QUANTILE));

  /* one class: chance levels undefined like the metrics they go with */
  const double y0[] = { 0, 0, 0 }, s0[] = { 0.2, 0.6, 0.9 };
  TdEvalInput one = binary_input (y0, s0, 3);
  g_assert_true (vt ()->evaluate (p, &one, got, &error));
  g_assert_true (isnan (got[OUT_ROC_AUC_CHANCE]));
  g_assert_true (isnan (got[OUT_PR_AUC_CHANCE]));
  g_assert_true (isnan (got[OUT_PRECISION_AT_RECALL]));
}

/* Thresholds chosen on the validation predictions, then applied to test. */
static void
test_threshold_methods (void)
{
  /* validation: best F1 at 0.25 (tp 3, fp 1: 6/7); recall 1 first at 0.25,
   * recall >= 0.6 first at 0.6 */
  const double vy[] = { 0, 0, 0, 1, 1, 1 }, vs[] = { 0.1, 0.2, 0.3, 0.25, 0.6, 0.7 };
  const struct { const char *method, *target; double want; } cases[] = {
    { "best_f1", NULL, 0.25 },
    { "target_recall", "0.9", 0.25 },
    { "target_recall", "0.6", 0.6 },
  };
  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (TdParams) p = make_params ("0.9");   /* ignored unless fixed */
      g_autoptr (GError) error = NULL;
      g_assert_true (td_params_set_text (p, "threshold_method", cases[c].method, &error));
      if (cases[c].target)
        g_assert_true (td_params_set_text (p, "target_recall", cases[c].target, &error));
      TdEvalInput in = binary_input (tiny_y, tiny_s, 8);
      in.n_valid = 6;
      in.valid_y = vy;
      in.valid_scores = vs;
      double got[N_OUT], want[TD_N_BINARY_METRICS];
      g_assert_true (vt ()->evaluate (p, &in, got, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat (got[OUT_THRESHOLD], ==, cases[c].want);
      g_assert_true (td_binary_metrics (tiny_y, tiny_s, 8, cases[c].want, want, NULL));
      for (int m = 0; m < TD_N_BINARY_METRICS; m++)
        g_assert_cmpfloat (got[m], ==, want[m]);

      /* never on test: without validation predictions the trial fails */
      in.n_valid = 0;
      in.valid_y = in.valid_scores = NULL;
      g_assert_false (vt ()->evaluate (p, &in, got, &error));
      g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (error->message, "validation"));
      g_clear_error (&error);

      /* a validation split without positives cannot choose one either */
      const double vneg[] = { 0, 0, 0, 0, 0, 0 };
      in.n_valid = 6;
      in.valid_y = vneg;
      in.valid_scores = vs;
      g_assert_false (vt ()->evaluate (p, &in, got, &error));
      g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (error->message, "no positive"));
    }
  g_autoptr (TdParams) p = make_params (NULL);
  g_autoptr (GError) error = NULL;
  g_assert_false (td_params_set_text (p, "threshold_method", "youden", &error));
  g_assert_nonnull (error);
}

/* The shared module loads through the registry and exports nothing else. */
static void
test_module (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TdRegistry) reg = td_registry_new ();
  g_assert_true (td_registry_load_file (reg, BINARY_MODULE, &error));
  g_assert_no_error (error);
  const TdPluginEntry *e = td_registry_find (reg, TD_KIND_EVALUATOR, "binary");
  g_assert_nonnull (e);
  g_assert_cmpstr (((const TdEvaluatorVTable *) e->desc->vtable)->metrics[2], ==, "roc_auc");

  GModule *mod = g_module_open (BINARY_MODULE, G_MODULE_BIND_LOCAL);
  g_assert_nonnull (mod);
  gpointer sym = NULL;
  g_assert_true (g_module_symbol (mod, TD_PLUGIN_ENTRY_SYMBOL, &sym));
  g_assert_false (g_module_symbol (mod, "binary_evaluate", &sym));
  g_assert_false (g_module_symbol (mod, "binary_metrics", &sym));
  g_module_close (mod);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/binary/descriptor", test_descriptor);
  g_test_add_func ("/binary/values", test_values);
  g_test_add_func ("/binary/threshold", test_threshold);
  g_test_add_func ("/binary/soft-labels", test_soft_labels);
  g_test_add_func ("/binary/one-class", test_one_class);
  g_test_add_func ("/binary/bad-input", test_bad_input);
  g_test_add_func ("/binary/extra-outputs", test_extra_outputs);
  g_test_add_func ("/binary/threshold-methods", test_threshold_methods);
  g_test_add_func ("/binary/module", test_module);
  return g_test_run ();
}
