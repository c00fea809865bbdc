/* test_binary.c — the `binary` evaluator: its descriptor, its values (the
 * library's, to the bit), soft labels, the threshold parameter, bad input,
 * and the built module's exports. */
#include <math.h>
#include <string.h>
#include <tundish/tundish.h>

#include "registry.h"

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

static TdParams *
make_params (const char *threshold)
{
  g_autoptr (GError) error = NULL;
  TdParams *p = td_params_new_defaults (desc ()->params, desc ()->n_params, &error);
  g_assert_no_error (error);
  if (threshold != NULL)
    {
      td_params_set_text (p, "threshold", threshold, &error);
      g_assert_no_error (error);
    }
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
  g_assert_null (vt ()->metrics[TD_N_BINARY_METRICS]);

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
  double got[TD_N_BINARY_METRICS], want[TD_N_BINARY_METRICS];
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
  double got[TD_N_BINARY_METRICS];
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
  double a[TD_N_BINARY_METRICS], b[TD_N_BINARY_METRICS];
  g_autoptr (GError) error = NULL;
  g_assert_true (vt ()->evaluate (p, &in_soft, a, &error));
  g_assert_true (vt ()->evaluate (p, &in_hard, b, &error));
  g_assert_no_error (error);
  /* 0.5 counts as positive, 0.49 as negative: the same classes as tiny_y */
  for (int m = 0; m < TD_N_BINARY_METRICS; m++)
    g_assert_cmpfloat (a[m], ==, b[m]);
}

static void
test_one_class (void)
{
  const double y[] = { 0, 0, 0 }, s[] = { 0.2, 0.6, 0.9 };
  g_autoptr (TdParams) p = make_params (NULL);
  TdEvalInput in = binary_input (y, s, 3);
  double got[TD_N_BINARY_METRICS];
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
  double got[TD_N_BINARY_METRICS];
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
  g_test_add_func ("/binary/module", test_module);
  return g_test_run ();
}
