/* Every metric a shipped evaluator declares has a direction in
 * tundish/metrics.h's table (or by its suffix convention), so the html
 * report, the latex / markdown tables and `tundish compare` rank it the
 * same way. A new metric without a decided direction fails here, naming
 * the evaluator: add it to core/src/eval/metric_direction.c.
 *
 * Usage: test_metric_direction PLUGIN_DIR
 */
#include <string.h>

#include <tundish/metrics.h>

#include "plugin/registry.h"

static TdRegistry *reg;

static void
test_every_evaluator_metric (void)
{
  g_autoptr (GPtrArray) evals = td_registry_list (reg, TD_KIND_EVALUATOR);
  /* binary, multiclass, regression, ordinal, anomaly, oracle at least */
  g_assert_cmpuint (evals->len, >=, 6);
  g_autoptr (GString) undecided = g_string_new (NULL);
  size_t n = 0;
  for (guint k = 0; k < evals->len; k++)
    {
      const TdPluginEntry *en = evals->pdata[k];
      const TdEvaluatorVTable *vt = en->desc->vtable;
      for (const char *const *m = vt->metrics; m && *m; m++, n++)
        {
          g_test_message ("%s: %s %s", en->desc->name, *m,
                          td_metric_lower_is_better (*m) ? "lower"
                          : td_metric_direction (*m) == TD_METRIC_UNRANKED ? "unranked"
                                                                          : "higher");
          if (!td_metric_direction_known (*m))
            g_string_append_printf (undecided, " %s (evaluator %s)", *m, en->desc->name);
        }
    }
  g_test_message ("%zu metric names checked", n);
  g_assert_cmpuint (n, >, 60);
  if (undecided->len)
    g_error ("metrics with no decided direction (add them to "
             "core/src/eval/metric_direction.c):%s", undecided->str);
}

/* The directions the reporters and compare used to disagree on, and the
 * ones the brief of the table names. */
static void
test_decisions (void)
{
  const char *lower[] = { "brier", "log_loss", "ece", "ece_mass", "rmse", "mae", "mape",
                          "mae_class", "cmapss_score", "fpr", "fp", "fn", "fpr_pot",
                          "fit_seconds", NULL };
  const char *higher[] = { "roc_auc", "pr_auc", "f1", "recall", "precision", "mcc", "tp", "tn",
                           "r2", "qwk", "macro_f1", "roc_auc_ovr", "f1_sigma", NULL };
  const char *unranked[] = { "n", "n_pos", "threshold", "threshold_mad", "valid_normals",
                             "roc_auc_chance", "oracle_brier", "oracle_log_loss", NULL };
  for (const char **m = lower; *m; m++)
    {
      g_assert_cmpint (td_metric_direction (*m), ==, TD_METRIC_LOWER_BETTER);
      g_assert_true (td_metric_lower_is_better (*m));
    }
  for (const char **m = higher; *m; m++)
    g_assert_cmpint (td_metric_direction (*m), ==, TD_METRIC_HIGHER_BETTER);
  for (const char **m = unranked; *m; m++)
    {
      g_assert_cmpint (td_metric_direction (*m), ==, TD_METRIC_UNRANKED);
      g_assert_false (td_metric_lower_is_better (*m));
    }
  /* the convention, and a name nothing decides (what the check above catches) */
  g_assert_true (td_metric_direction_known ("hinge_loss"));
  g_assert_true (td_metric_lower_is_better ("hinge_loss"));
  g_assert_false (td_metric_direction_known ("wobble"));
  g_assert_cmpint (td_metric_direction ("wobble"), ==, TD_METRIC_HIGHER_BETTER);
  g_assert_false (td_metric_direction_known (NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    g_error ("usage: test_metric_direction PLUGIN_DIR");
  reg = td_registry_new ();
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  td_registry_scan_dir (reg, argv[1], errors);
  for (guint k = 0; k < errors->len; k++)
    g_error ("%s", ((GError *) errors->pdata[k])->message);
  g_test_add_func ("/metric-direction/every-evaluator-metric", test_every_evaluator_metric);
  g_test_add_func ("/metric-direction/decisions", test_decisions);
  int rc = g_test_run ();
  td_registry_free (reg);
  return rc;
}
