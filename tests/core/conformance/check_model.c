/* check_model.c — a model learns each task it declares and refuses the others
 * with a message naming itself and the task; it predicts from series whose
 * labels and metadata are gone; fit -> save -> load -> predict gives the same
 * numbers; the same seed gives the same predictions, whatever the thread
 * count. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "conformance.h"

static const TdTask all_tasks[] = { TD_TASK_BINARY, TD_TASK_MULTICLASS, TD_TASK_ANOMALY,
                                    TD_TASK_REGRESSION };

static gboolean
shape_matrix (const TdPluginEntry *en)
{
  const TdModelVTable *v = en->desc->vtable;
  return (v->accepts & TD_DATA_MATRIX) != 0;
}

/* The first task the model declares. */
static TdTask
main_task (const TdPluginEntry *en)
{
  const TdModelVTable *v = en->desc->vtable;
  for (size_t k = 0; k < G_N_ELEMENTS (all_tasks); k++)
    if (v->tasks & all_tasks[k])
      return all_tasks[k];
  return TD_TASK_BINARY;
}

/* What fit sees: every training series, or the normal ones only. */
static TdDataset *
training_view (const TdPluginEntry *en, const TdDataset *train)
{
  const TdModelVTable *v = en->desc->vtable;
  if (v->train_on != TD_TRAIN_ON_NORMAL)
    return td_dataset_ref ((TdDataset *) train);
  g_autofree size_t *idx = g_new (size_t, train->n_series);
  size_t n = 0;
  for (size_t s = 0; s < train->n_series; s++)
    if (train->y[s] == 0)
      idx[n++] = s;
  return td_dataset_subset (train, idx, n);
}

typedef struct {
  TdDataset *test;          /* labelled, for scoring */
  double *scores;           /* test->n_series x n_out */
  size_t n_out;
} Prediction;

static void
prediction_clear (Prediction *p)
{
  g_clear_pointer (&p->test, td_dataset_unref);
  g_clear_pointer (&p->scores, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Prediction, prediction_clear)

/* create -> fit(train, valid) -> predict(blind test) with this seed and thread
 * count; the model is saved to save_path when non-NULL. ragged and missing
 * shape every split. */
static gboolean
fit_predict (const TdPluginEntry *en, TdTask task, guint64 seed, int threads, gboolean rough,
             const char *save_path, Prediction *out, GError **error)
{
  const TdModelVTable *v = en->desc->vtable;
  gboolean matrix = shape_matrix (en);
  double missing = rough ? 0.05 : 0;
  g_autoptr (TdDataset) all_train = conf_data (task, matrix, 1, rough, missing);
  g_autoptr (TdDataset) train = training_view (en, all_train);
  g_autoptr (TdDataset) valid = conf_data (task, matrix, 2, rough, missing);
  out->test = conf_data (task, matrix, 3, rough, missing);
  out->n_out = td_task_n_outputs (task, out->test->n_classes);
  out->scores = g_new0 (double, out->test->n_series * out->n_out);
  g_autoptr (TdDataset) blind = conf_blind (out->test);
  g_autoptr (TdParams) p = conf_params (en);
  if (!p)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, "no parameters");
      return FALSE;
    }
  g_autoptr (TdContext) ctx = conf_context (seed, threads);
  TdModel *m = v->create (p, ctx, error);
  if (!m)
    return FALSE;
  gboolean ok = v->fit (m, train, valid, ctx, error) && v->predict (m, blind, out->scores, ctx, error)
                && (!save_path || v->save (m, save_path, error));
  v->destroy (m);
  return ok;
}

/* What predict writes for a task: finite; probabilities where they must be. */
static gboolean
scores_valid (const TdPluginEntry *en, TdTask task, const Prediction *pr)
{
  size_t n = pr->test->n_series, k = pr->n_out;
  for (size_t s = 0; s < n; s++)
    {
      double sum = 0;
      for (size_t j = 0; j < k; j++)
        {
          double v = pr->scores[s * k + j];
          gboolean prob = task == TD_TASK_BINARY || task == TD_TASK_MULTICLASS;
          if (!isfinite (v) || (prob && (v < 0 || v > 1)))
            {
              conf_fail (en, "%s: output %zu of series %zu is %g (expected %s)",
                         td_task_name (task), j, s, v,
                         prob ? "a probability" : "a finite number");
              return FALSE;
            }
          sum += v;
        }
      if (task == TD_TASK_MULTICLASS && fabs (sum - 1) > 1e-6)
        {
          conf_fail (en, "multiclass: the probabilities of series %zu sum to %.9g", s, sum);
          return FALSE;
        }
    }
  if (task == TD_TASK_BINARY)
    {
      /* The class shows plainly in channel 0 (td_testing_dataset): a model
       * that cannot rank these series does not use its input. */
      double auc = td_roc_auc (pr->test->y, pr->scores, n);
      if (!(auc >= 0.6))
        {
          conf_fail (en, "binary: test ROC-AUC %.3f on data whose class shows plainly in "
                     "sensor_0 (expected >= 0.6)", auc);
          return FALSE;
        }
    }
  return TRUE;
}

static void
check_tasks (const TdPluginEntry *en)
{
  const TdModelVTable *v = en->desc->vtable;
  for (size_t k = 0; k < G_N_ELEMENTS (all_tasks); k++)
    {
      TdTask task = all_tasks[k];
      g_auto (Prediction) pr = { 0 };
      g_autoptr (GError) e = NULL;
      gboolean ok = fit_predict (en, task, 5, 1, FALSE, NULL, &pr, &e);
      if (v->tasks & task)
        {
          CONF_REQUIRE (en, ok && !e, "%s (declared): fit and predict failed: %s",
                        td_task_name (task), e ? e->message : "no GError");
          if (!scores_valid (en, task, &pr))
            return;
          continue;
        }
      const char *name = td_task_name (task);
      CONF_REQUIRE (en, !ok, "%s is not declared in tasks, yet fit and predict accepted it",
                    name);
      CONF_REQUIRE (en, e != NULL, "%s (not declared) refused without a GError", name);
      /* Clear: it names the plugin, and the task refused or one it supports. */
      gboolean says_task = strstr (e->message, name) != NULL;
      for (size_t j = 0; j < G_N_ELEMENTS (all_tasks); j++)
        says_task |= (v->tasks & all_tasks[j]) && strstr (e->message, td_task_name (all_tasks[j]));
      CONF_REQUIRE (en, strstr (e->message, en->desc->name) && says_task,
                    "%s (not declared) refused with \"%s\": the message should name the plugin "
                    "(%s) and the task refused or the tasks supported", name, e->message,
                    en->desc->name);
    }
}

static void
check_save_load (const TdPluginEntry *en)
{
  const TdModelVTable *v = en->desc->vtable;
  TdTask task = main_task (en);
  g_autofree char *dir = conf_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "model", NULL);
  g_auto (Prediction) pr = { 0 };
  g_autoptr (GError) e = NULL;
  gboolean ok = fit_predict (en, task, 5, 1, FALSE, path, &pr, &e);
  g_autoptr (TdParams) p = conf_params (en);
  g_autoptr (TdContext) ctx = conf_context (5, 1);
  size_t n = pr.test->n_series * pr.n_out;
  g_autofree double *again = g_new0 (double, n);
  g_autoptr (TdDataset) blind = conf_blind (pr.test);
  TdModel *m = ok && p ? v->load (p, path, ctx, &e) : NULL;
  ok = m && v->predict (m, blind, again, ctx, &e);
  if (m)
    v->destroy (m);
  /* A file that is not a saved model: an error, not a crash. */
  g_file_set_contents (path, "garbage\n", -1, NULL);
  g_autoptr (GError) garbage_error = NULL;
  TdModel *g = p ? v->load (p, path, ctx, &garbage_error) : NULL;
  if (g)
    v->destroy (g);
  conf_rmtree (dir);
  CONF_REQUIRE_OK (en, ok, e, "fit, save, load and predict");
  gssize d = conf_first_difference (pr.scores, again, n);
  CONF_REQUIRE (en, d < 0, "predictions after save -> load differ: output %zd is %.17g, was %.17g",
                d, d < 0 ? 0 : again[d], d < 0 ? 0 : pr.scores[d]);
  CONF_REQUIRE (en, !g && garbage_error, "loading a garbage file %s",
                g ? "succeeded" : "failed without a GError");
}

static void
compare_runs (const TdPluginEntry *en, int threads_b, const char *what)
{
  TdTask task = main_task (en);
  g_auto (Prediction) a = { 0 };
  g_auto (Prediction) b = { 0 };
  g_autoptr (GError) e = NULL;
  gboolean ok = fit_predict (en, task, 9, 1, FALSE, NULL, &a, &e)
                && fit_predict (en, task, 9, threads_b, FALSE, NULL, &b, &e);
  CONF_REQUIRE_OK (en, ok, e, "fit and predict");
  gssize d = conf_first_difference (a.scores, b.scores, a.test->n_series * a.n_out);
  CONF_REQUIRE (en, d < 0, "%s gave different predictions: output %zd is %.17g, then %.17g",
                what, d, d < 0 ? 0 : a.scores[d], d < 0 ? 0 : b.scores[d]);
}

static void
check_seed (const TdPluginEntry *en)
{
  compare_runs (en, 1, "two fits with the same seed");
}

static void
check_threads (const TdPluginEntry *en)
{
  compare_runs (en, 3, "1 and 3 threads");
}

/* Ragged series and missing values: a result or a clear error, never a crash. */
static void
check_input (const TdPluginEntry *en)
{
  TdTask task = main_task (en);
  g_auto (Prediction) pr = { 0 };
  g_autoptr (GError) e = NULL;
  gboolean ok = fit_predict (en, task, 5, 1, TRUE, NULL, &pr, &e);
  CONF_REQUIRE (en, ok == (e == NULL), "on ragged data with missing values fit/predict %s %s a "
                "GError", ok ? "succeeded" : "failed", e ? "with" : "without");
  if (!ok)
    g_test_message ("%s refuses ragged data with missing values: %s", en->desc->name, e->message);
  for (size_t k = 0; ok && k < pr.test->n_series * pr.n_out; k++)
    CONF_REQUIRE (en, isfinite (pr.scores[k]),
                  "on ragged data with missing values output %zu is %g", k, pr.scores[k]);
}

const ConfCheck conf_model_checks[] = {
  { "tasks", check_tasks },
  { "save-load", check_save_load },
  { "seed", check_seed },
  { "threads", check_threads },
  { "input", check_input },
  { NULL, NULL },
};
