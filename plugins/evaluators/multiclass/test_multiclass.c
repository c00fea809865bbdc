/* test_multiclass.c — the `multiclass` evaluator: its descriptor, its values
 * against scikit-learn (tests/golden/stats/multiclass.ini, made by
 * make_golden.py there), the confusion matrix, bad input, and the module's
 * exports. */
#include <math.h>
#include <string.h>
#include <tundish/tundish.h>

#include "plugin/registry.h"

static const TdEvaluatorVTable *
vt (void)
{
  return td_plugin_descriptor (0)->vtable;
}

static GKeyFile *
golden (void)
{
  GKeyFile *kf = g_key_file_new ();
  g_autofree char *path = g_build_filename (TD_GOLDEN_STATS_DIR, "multiclass.ini", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  return kf;
}

static double *
doubles (GKeyFile *kf, const char *group, const char *key, gsize *n)
{
  g_autoptr (GError) error = NULL;
  double *v = g_key_file_get_double_list (kf, group, key, n, &error);
  g_assert_no_error (error);
  return v;
}

static double
num (GKeyFile *kf, const char *group, const char *key)
{
  g_autoptr (GError) error = NULL;
  double v = g_key_file_get_double (kf, group, key, &error);
  g_assert_no_error (error);
  return v;
}

static void
test_descriptor (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_assert_nonnull (d);
  g_assert_null (td_plugin_descriptor (1));
  g_assert_cmpuint (d->abi_version, ==, TD_PLUGIN_ABI_VERSION);
  g_assert_cmpint (d->kind, ==, TD_KIND_EVALUATOR);
  g_assert_cmpstr (d->name, ==, "multiclass");
  g_assert_cmpuint (vt ()->tasks, ==, TD_TASK_MULTICLASS);
  for (int m = 0; m < TD_N_MULTICLASS_METRICS; m++)
    g_assert_cmpstr (vt ()->metrics[m], ==, td_multiclass_metric_names[m]);
  g_assert_null (vt ()->metrics[TD_N_MULTICLASS_METRICS]);
}

/* Every golden case through the evaluator (values) and the library (confusion). */
static void
test_golden (void)
{
  g_autoptr (GKeyFile) kf = golden ();
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
  g_assert_cmpuint (g_strv_length (groups), >=, 3);
  for (size_t g = 0; groups[g]; g++)
    {
      gsize ny, ns, nc;
      g_autofree double *y = doubles (kf, groups[g], "y", &ny);
      g_autofree double *s = doubles (kf, groups[g], "s", &ns);
      g_autofree double *cm_want = doubles (kf, groups[g], "confusion", &nc);
      size_t K = (size_t) num (kf, groups[g], "k");
      g_assert_cmpuint (ns, ==, ny * K);
      TdEvalInput in = { .task = TD_TASK_MULTICLASS, .n = ny, .n_outputs = K, .n_classes = K,
                         .y = y, .scores = s };
      double got[TD_N_MULTICLASS_METRICS];
      g_autoptr (GError) error = NULL;
      g_assert_true (vt ()->evaluate (NULL, &in, got, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat (got[TD_MC_N], ==, (double) ny);
      const char *keys[] = { NULL, "accuracy", "macro_f1", "micro_f1", "roc_auc_ovr" };
      for (int m = 1; m < TD_N_MULTICLASS_METRICS; m++)
        {
          double want = num (kf, groups[g], keys[m]);
          if (g_test_verbose ())
            g_printerr ("%s %s %.17g %.17g\n", groups[g], keys[m], got[m], want);
          g_assert_cmpfloat_with_epsilon (got[m], want, 1e-12);
        }
      g_autofree guint64 *cm = g_new (guint64, K * K);
      g_assert_true (td_multiclass_confusion (y, s, ny, K, cm, &error));
      g_assert_cmpuint (nc, ==, K * K);
      for (size_t i = 0; i < K * K; i++)
        g_assert_cmpfloat ((double) cm[i], ==, cm_want[i]);
    }
}

static void
test_bad_input (void)
{
  const double y[] = { 0, 1, 3 }, s[] = { 0.5, 0.3, 0.2, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4 };
  double got[TD_N_MULTICLASS_METRICS];
  g_autoptr (GError) error = NULL;
  TdEvalInput in = { .task = TD_TASK_MULTICLASS, .n = 3, .n_outputs = 3, .n_classes = 3,
                     .y = y, .scores = s };
  g_assert_false (vt ()->evaluate (NULL, &in, got, &error));   /* label 3 of 3 classes */
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "item 2"));
  g_clear_error (&error);

  const double y_ok[] = { 0, 1, 2 };
  in.y = y_ok;
  in.n_outputs = 1;
  g_assert_false (vt ()->evaluate (NULL, &in, got, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  const double s_nan[] = { 0.5, NAN, 0.2, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4 };
  in.n_outputs = 3;
  in.scores = s_nan;
  g_assert_false (vt ()->evaluate (NULL, &in, got, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* one class present: accuracy defined, one-vs-rest AUC not */
  const double y_one[] = { 1, 1, 1 };
  in.y = y_one;
  in.scores = s;
  g_assert_true (vt ()->evaluate (NULL, &in, got, &error));
  g_assert_cmpfloat (got[TD_MC_ACCURACY], ==, 1.0 / 3.0);
  g_assert_true (isnan (got[TD_MC_ROC_AUC_OVR]));
}

static void
test_module (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TdRegistry) reg = td_registry_new ();
  g_assert_true (td_registry_load_file (reg, MULTICLASS_MODULE, &error));
  g_assert_no_error (error);
  g_assert_nonnull (td_registry_find (reg, TD_KIND_EVALUATOR, "multiclass"));
  GModule *mod = g_module_open (MULTICLASS_MODULE, G_MODULE_BIND_LOCAL);
  g_assert_nonnull (mod);
  gpointer sym = NULL;
  g_assert_true (g_module_symbol (mod, TD_PLUGIN_ENTRY_SYMBOL, &sym));
  g_assert_false (g_module_symbol (mod, "multiclass_evaluate", &sym));
  g_module_close (mod);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/multiclass/descriptor", test_descriptor);
  g_test_add_func ("/multiclass/golden", test_golden);
  g_test_add_func ("/multiclass/bad-input", test_bad_input);
  g_test_add_func ("/multiclass/module", test_module);
  return g_test_run ();
}
