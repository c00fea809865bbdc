/* check_evaluator.c — an evaluator gives one value per declared metric for
 * every task it declares, and NaN, not a crash or an error, where a metric is
 * undefined: one class only, or no series at all. */
#include <math.h>
#include <string.h>

#include "conformance.h"

static const TdTask all_tasks[] = { TD_TASK_BINARY, TD_TASK_MULTICLASS, TD_TASK_ANOMALY,
                                    TD_TASK_REGRESSION };

/* Labels and scores of n series for a task: a fair model's, or (one_class)
 * every label 0. Scores are n x n_outputs. */
static void
make_input (TdTask task, size_t n, gboolean one_class, double *y, double *scores,
            TdEvalInput *in)
{
  size_t K = task == TD_TASK_MULTICLASS ? 3 : task == TD_TASK_REGRESSION ? 0 : 2;
  size_t k = td_task_n_outputs (task, K);
  g_autoptr (GRand) r = g_rand_new_with_seed (17);
  for (size_t s = 0; s < n; s++)
    {
      y[s] = one_class ? 0 : task == TD_TASK_MULTICLASS ? (double) (s % 3)
             : task == TD_TASK_REGRESSION ? g_rand_double_range (r, -1, 1) : (double) (s % 3 == 0);
      double sum = 0;
      for (size_t j = 0; j < k; j++)
        {
          double v = g_rand_double_range (r, 0.05, 1);
          if (task == TD_TASK_MULTICLASS && (double) j == y[s])
            v += 1;
          else if (k == 1 && task != TD_TASK_REGRESSION)
            v = 0.3 * v + 0.6 * y[s];
          else if (task == TD_TASK_REGRESSION)
            v = y[s] + 0.2 * v;
          scores[s * k + j] = v;
          sum += v;
        }
      for (size_t j = 0; task == TD_TASK_MULTICLASS && j < k; j++)
        scores[s * k + j] /= sum;
    }
  *in = (TdEvalInput) { .task = task, .n = n, .n_outputs = k, .n_classes = K, .y = y,
                        .scores = scores, .n_valid = n, .valid_y = y, .valid_scores = scores };
}

static gboolean
evaluate (const TdPluginEntry *en, const TdEvalInput *in, double *values, GError **error)
{
  const TdEvaluatorVTable *v = en->desc->vtable;
  g_autoptr (TdParams) p = conf_params (en);
  if (!p)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, "no parameters");
      return FALSE;
    }
  return v->evaluate (p, in, values, error);
}

static void
check_metrics (const TdPluginEntry *en)
{
  const TdEvaluatorVTable *v = en->desc->vtable;
  size_t nm = g_strv_length ((char **) v->metrics);
  CONF_REQUIRE (en, nm > 0, "declares no metrics");
  for (size_t t = 0; t < G_N_ELEMENTS (all_tasks); t++)
    {
      if (!(v->tasks & all_tasks[t]))
        continue;
      double y[30], scores[30 * 3];
      TdEvalInput in;
      make_input (all_tasks[t], 30, FALSE, y, scores, &in);
      g_autofree double *values = g_new (double, nm);
      for (size_t k = 0; k < nm; k++)
        values[k] = 12345.0;   /* a value the evaluator did not write shows */
      g_autoptr (GError) e = NULL;
      gboolean ok = evaluate (en, &in, values, &e);
      CONF_REQUIRE_OK (en, ok, e, td_task_name (all_tasks[t]));
      for (size_t k = 0; k < nm; k++)
        CONF_REQUIRE (en, values[k] != 12345.0 && !isinf (values[k]),
                      "%s: metric %s is %g (unwritten or infinite)", td_task_name (all_tasks[t]),
                      v->metrics[k], values[k]);
    }
}

static void
check_undefined (const TdPluginEntry *en)
{
  const TdEvaluatorVTable *v = en->desc->vtable;
  size_t nm = g_strv_length ((char **) v->metrics);
  for (size_t t = 0; t < G_N_ELEMENTS (all_tasks); t++)
    {
      TdTask task = all_tasks[t];
      if (!(v->tasks & task) || task == TD_TASK_REGRESSION)
        continue;
      for (size_t n = 0; n <= 12; n += 12)
        {
          double y[12], scores[12 * 3];
          TdEvalInput in;
          make_input (task, n, TRUE, y, scores, &in);
          g_autofree double *values = g_new0 (double, nm);
          g_autoptr (GError) e = NULL;
          gboolean ok = evaluate (en, &in, values, &e);
          /* No series at all may be refused, with a message. */
          if (n == 0 && !ok)
            {
              CONF_REQUIRE (en, e != NULL, "no series: refused without a GError");
              continue;
            }
          CONF_REQUIRE_OK (en, ok, e, n ? "one class only" : "no series");
          for (size_t k = 0; k < nm; k++)
            {
              /* Ranking metrics need both classes. */
              gboolean undefined = n > 0 && strstr (v->metrics[k], "auc") != NULL;
              CONF_REQUIRE (en, !undefined || isnan (values[k]),
                            "%s with %s: metric %s is %g, expected NaN (undefined)",
                            td_task_name (task), n ? "one class only" : "no series",
                            v->metrics[k], values[k]);
              CONF_REQUIRE (en, !isinf (values[k]), "%s with %zu series of one class: metric %s is %g",
                            td_task_name (task), n, v->metrics[k], values[k]);
            }
        }
    }
}

const ConfCheck conf_evaluator_checks[] = {
  { "metrics", check_metrics },
  { "undefined", check_undefined },
  { NULL, NULL },
};
