/* trial.c — one trial: split → augment (train only) → features (fitted on
 * train only) → model (fit on train, early stopping on valid) → predictions
 * on test → metrics. Never touches another trial's state. */
#include "run/trial.h"
#include "util/text.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "data/labels.h"
#include "run/interpret.h"
#include "run/root_cause.h"
#include "run/killpoint.h"

const char *const td_trial_stage_names[TD_N_STAGES] = {
  [TD_STAGE_SPLIT] = "split",
  [TD_STAGE_AUGMENT] = "augment",
  [TD_STAGE_FEATURE_FIT] = "feature_fit",
  [TD_STAGE_FEATURE_TRAIN] = "feature_transform_train",
  [TD_STAGE_FEATURE_VALID] = "feature_transform_valid",
  [TD_STAGE_FEATURE_TEST] = "feature_transform_test",
  [TD_STAGE_MODEL_FIT] = "model_fit",
  [TD_STAGE_MODEL_PREDICT] = "model_predict",
  [TD_STAGE_SAVE] = "save",
  [TD_STAGE_INTERPRET] = "interpret",
  [TD_STAGE_EVALUATE] = "evaluate",
  [TD_STAGE_WRITE] = "write",
};

double
td_clock (void)
{
  /* g_get_monotonic_time() counts microseconds: a split of a small dataset
   * can take less than one, and a stage that ran must not read as 0 s. */
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

void
td_trial_time (TdTrial *t, TdTrialStage st, double seconds)
{
  if (!(t->stages_run & (1u << st)))
    t->stage_seconds[st] = 0;
  t->stage_seconds[st] += seconds;
  t->stages_run |= 1u << st;
}

void
td_trial_clear (TdTrial *t)
{
  g_clear_pointer (&t->error, g_free);
  g_clear_pointer (&t->metrics, g_free);
  g_clear_pointer (&t->test_ids, g_free);
  g_clear_pointer (&t->test_y, g_free);
  g_clear_pointer (&t->test_scores, g_free);
  g_clear_pointer (&t->valid_ids, g_free);
  g_clear_pointer (&t->valid_y, g_free);
  g_clear_pointer (&t->valid_scores, g_free);
  t->n_valid = 0;
  g_clear_pointer (&t->model_path, g_free);
  g_clear_pointer (&t->feature_seeds, g_array_unref);
  g_clear_pointer (&t->augmented, g_array_unref);
  g_clear_pointer (&t->saliency, td_interpret_cells_free);
  g_clear_pointer (&t->attention, td_interpret_cells_free);
  g_clear_pointer (&t->root_cause, td_root_cause_rows_free);
  t->stages_run = 0;
  if (t->importance)
    {
      for (guint k = 0; k < t->importance->len; k++)
        g_free (g_array_index (t->importance, TdImportance, k).feature);
      g_clear_pointer (&t->importance, g_array_unref);
    }
  if (t->curves)
    {
      for (guint k = 0; k < t->curves->len; k++)
        g_free (g_array_index (t->curves, TdCurvePoint, k).name);
      g_array_unref (t->curves);
      t->curves = NULL;
    }
}

int
td_trial_cmp (gconstpointer a, gconstpointer b)
{
  const TdTrial *x = *(TdTrial *const *) a, *y = *(TdTrial *const *) b;
  int c = strcmp (x->pipeline->label, y->pipeline->label);
  if (c)
    return c;
  if (x->repeat != y->repeat)
    return x->repeat - y->repeat;
  return x->fold - y->fold;
}

char *
td_safe_name (const char *label)
{
  /* Labels carry swept values verbatim ("p[name=a/b]", "p[name=a_b]"), so
   * replacing characters alone could give two pipelines one folder: when
   * anything is replaced, or the name is long, a hash of the label is added. */
  GString *s = g_string_new ("");
  gboolean changed = FALSE;
  for (const char *c = label; *c; c++)
    {
      gboolean ok = g_ascii_isalnum (*c) || *c == '_' || *c == '-' || *c == '.' || *c == '=';
      changed = changed || !ok;
      g_string_append_c (s, ok ? *c : '_');
    }
  if (s->len > 96)
    {
      g_string_truncate (s, 96);
      changed = TRUE;
    }
  if (s->len == 0 || s->str[0] == '.')
    {
      g_string_prepend_c (s, '_');
      changed = TRUE;
    }
  if (changed)
    {
      g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, label, -1);
      g_string_append_printf (s, "-%.8s", sha);
    }
  return g_string_free (s, FALSE);
}

gboolean
td_pipeline_check (const TdPipeline *p, TdTask task, GError **error)
{
  /* shape: what the stages so far produce; input: what stage k reads. An
   * extractor that follows an extractor reads the same input as it (their
   * columns are stacked), as run_features does. */
  guint32 shape = TD_DATA_SEQUENCE, input = TD_DATA_SEQUENCE;
  gboolean prev_extract = FALSE;
  for (guint k = 0; k < p->features->len; k++)
    {
      const TdStage *st = p->features->pdata[k];
      const TdFeatureVTable *v = st->entry->desc->vtable;
      gboolean extract = v->role == TD_FEATURE_EXTRACT;
      if (!(extract && prev_extract))
        input = shape;
      if (!(v->accepts & input))
        {
          g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_PLUGIN,
                       "%s: %s: feature \"%s\" does not accept %s input here", p->label,
                       st->key_path, st->entry->desc->name,
                       input == TD_DATA_MATRIX ? "a feature matrix" : "sequences");
          return FALSE;
        }
      if (extract)
        shape = TD_DATA_MATRIX;
      prev_extract = extract;
    }
  const TdModelVTable *mv = p->model->entry->desc->vtable;
  if (!(mv->accepts & shape))
    {
      g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_PLUGIN,
                   "%s: %s: model \"%s\" needs %s but the feature list produces %s", p->label,
                   p->model->key_path, p->model->entry->desc->name,
                   (mv->accepts & TD_DATA_MATRIX) ? "a feature matrix (add a feature extractor)"
                                                  : "sequences",
                   shape == TD_DATA_MATRIX ? "a feature matrix" : "sequences");
      return FALSE;
    }
  if (!(mv->tasks & task) && !td_model_is_supervised_reference (mv, task))
    {
      g_autofree char *supports = td_task_set_text (mv->tasks);
      g_autofree char *got = td_task_set_text (task);
      g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_PLUGIN,
                   "pipeline %s: %s: model \"%s\" supports %s, but the data is %s%s",
                   p->label, p->model->key_path, p->model->entry->desc->name, supports, got,
                   (mv->tasks & TD_TASK_ANOMALY) && task == TD_TASK_BINARY
                     ? "; it detects anomalies: set task: anomaly at the top of the experiment"
                     : "");
      return FALSE;
    }
  return TRUE;
}

gboolean
td_model_is_supervised_reference (const TdModelVTable *mv, TdTask task)
{
  return task == TD_TASK_ANOMALY && !(mv->tasks & TD_TASK_ANOMALY)
         && (mv->tasks & TD_TASK_BINARY) && mv->train_on == TD_TRAIN_ON_ALL;
}

char *
td_trial_dir (const char *run_dir, const TdTrial *t)
{
  g_autofree char *safe = td_safe_name (t->pipeline->label);
  g_autofree char *leaf = g_strdup_printf ("r%d-f%d", t->repeat, t->fold);
  return g_build_filename (run_dir, "trials", safe, leaf, NULL);
}

static void
progress_sink (double fraction, gpointer user_data)
{
  TdTrial *t = user_data;
  g_atomic_int_set (t->progress_slot ? t->progress_slot : &t->progress_permille,
                    (gint) (fraction * 1000.0));
}

static void
curve_sink (const char *name, int step, double value, gpointer user_data)
{
  TdTrial *t = user_data;
  TdCurvePoint pt = { g_strdup (name), step, value };
  g_array_append_val (t->curves, pt);
}

static TdContext *
stage_context (const TdTrialEnv *env, TdTrial *t, const char *stage)
{
  guint64 seed = td_seed_derive (env->exp->seed, t->repeat, t->fold, stage, t->pipeline->label);
  TdContext *ctx = td_context_child (env->parent, seed);
  td_context_set_threads (ctx, env->threads);
  g_autofree char *dir = td_trial_dir (env->run_dir, t);
  td_context_set_work_dir (ctx, dir);
  td_context_set_curve_sink (ctx, curve_sink, t);
  td_context_set_progress_sink (ctx, progress_sink, t);
  return ctx;
}

static gboolean
prefix_error (GError **error, const char *what)
{
  if (error && *error)
    g_prefix_error (error, "%s: ", what);
  return FALSE;
}

/* Fit one feature stage on train and apply it to the three splits. */
static gboolean
apply_feature (const TdTrialEnv *env, TdTrial *t, guint index, TdDataset *in[3], TdDataset *out[3],
               GError **error)
{
  const TdStage *st = t->pipeline->features->pdata[index];
  const TdFeatureVTable *v = st->entry->desc->vtable;
  g_autofree char *stage = g_strdup_printf ("feature:%u:%s", index, st->entry->desc->name);
  g_autoptr (TdContext) ctx = stage_context (env, t, stage);
  guint64 seed = td_context_seed (ctx);
  if (t->feature_seeds->len <= index)
    g_array_set_size (t->feature_seeds, index + 1);
  g_array_index (t->feature_seeds, guint64, index) = seed;
  double t0 = td_clock ();
  TdFeature *f = v->create (st->params, ctx, error);
  if (!f)
    return prefix_error (error, st->key_path);
  gboolean ok = !v->fit || v->fit (f, in[0], ctx, error);
  td_trial_time (t, TD_STAGE_FEATURE_FIT, td_clock () - t0);
  static const TdTrialStage transform_stage[3] = {
    TD_STAGE_FEATURE_TRAIN, TD_STAGE_FEATURE_VALID, TD_STAGE_FEATURE_TEST,
  };
  for (int k = 0; ok && k < 3; k++)
    {
      if (!in[k])
        continue;
      /* Valid and test come without labels already; train's are held back
       * around the call and given to what it made (transform never sees a
       * label, so a feature computes the same on train as on new data). */
      g_autoptr (TdLabels) held = k == 0 ? td_labels_take (in[0]) : NULL;
      t0 = td_clock ();
      out[k] = v->transform (f, in[k], ctx, error);
      td_trial_time (t, transform_stage[k], td_clock () - t0);
      if (held)
        td_labels_put (in[0], held);
      if (!out[k])
        ok = FALSE;
      else if (out[k]->n_series != in[k]->n_series)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                       "returned %zu series for %zu", out[k]->n_series, in[k]->n_series);
          ok = FALSE;
        }
      else if (held && out[k] != in[k])
        td_labels_put (out[k], held);
      else if (!held)
        td_dataset_hide_labels (out[k]);   /* what it added unmarked stays hidden */
    }
  if (ok && v->save)
    {
      t0 = td_clock ();
      /* Fitted state beside the model, so a saved pipeline can score new data. */
      g_autofree char *safe = td_safe_name (t->pipeline->label);
      g_autofree char *leaf = g_strdup_printf ("r%d-f%d.feature%u-%s", t->repeat, t->fold, index,
                                               st->entry->desc->name);
      g_autofree char *dir = g_build_filename (env->run_dir, "models", safe, NULL);
      g_autofree char *path = g_build_filename (dir, leaf, NULL);
      g_mkdir_with_parents (dir, 0755);
      ok = v->save (f, path, error);
      if (!ok)
        g_prefix_error (error, "save fitted state: ");
      td_trial_time (t, TD_STAGE_SAVE, td_clock () - t0);
    }
  v->destroy (f);
  if (!ok)
    {
      for (int k = 0; k < 3; k++)
        g_clear_pointer (&out[k], td_dataset_unref);
      return prefix_error (error, st->key_path);
    }
  return TRUE;
}

/* Transforms chain; consecutive extractors see the same input and their columns are stacked. */
static gboolean
run_features (const TdTrialEnv *env, TdTrial *t, TdDataset *d[3], GError **error)
{
  GPtrArray *fs = t->pipeline->features;
  guint k = 0;
  while (k < fs->len)
    {
      const TdFeatureVTable *v = ((const TdStage *) fs->pdata[k])->entry->desc->vtable;
      if (v->role == TD_FEATURE_TRANSFORM)
        {
          TdDataset *out[3] = { NULL, NULL, NULL };
          if (!apply_feature (env, t, k, d, out, error))
            return FALSE;
          for (int s = 0; s < 3; s++)
            {
              td_dataset_unref (d[s]);
              d[s] = out[s];
            }
          k++;
          continue;
        }
      GPtrArray *parts[3];
      for (int s = 0; s < 3; s++)
        parts[s] = g_ptr_array_new_with_free_func ((GDestroyNotify) td_dataset_unref);
      gboolean ok = TRUE;
      guint j = k;
      for (; ok && j < fs->len; j++)
        {
          const TdFeatureVTable *w = ((const TdStage *) fs->pdata[j])->entry->desc->vtable;
          if (w->role != TD_FEATURE_EXTRACT)
            break;
          TdDataset *out[3] = { NULL, NULL, NULL };
          ok = apply_feature (env, t, j, d, out, error);
          for (int s = 0; ok && s < 3; s++)
            if (out[s])
              g_ptr_array_add (parts[s], out[s]);
        }
      for (int s = 0; ok && s < 3; s++)
        {
          if (!d[s])
            continue;
          TdDataset *stacked = parts[s]->len == 1
            ? td_dataset_ref (parts[s]->pdata[0])
            : td_dataset_hstack ((TdDataset *const *) parts[s]->pdata, parts[s]->len, error);
          if (!stacked)
            ok = FALSE;
          else
            {
              td_dataset_unref (d[s]);
              d[s] = stacked;
            }
        }
      for (int s = 0; s < 3; s++)
        g_ptr_array_unref (parts[s]);
      if (!ok)
        return FALSE;
      k = j;
    }
  return TRUE;
}

/* The experiment's stages, then the pipeline's own — or, with
 * features_pass, only the pipeline's own when they run on the feature matrix
 * (augment_space: features). Counts are appended in run order, which is the
 * experiment's stages then the pipeline's in both cases. */
static gboolean
run_augment (const TdTrialEnv *env, TdTrial *t, TdDataset **train, gboolean features_pass,
             GError **error)
{
  GPtrArray *aug = env->exp->augment, *own = t->pipeline->augment;
  guint n_exp = aug->len, n_all = n_exp + (own ? own->len : 0);
  gboolean own_later = t->pipeline->augment_on_features;
  for (guint k = features_pass ? n_exp : 0; k < n_all; k++)
    {
      if (k >= n_exp && own_later != features_pass)
        continue;
      const TdStage *st = k < n_exp ? aug->pdata[k] : own->pdata[k - n_exp];
      const TdAugmentVTable *v = st->entry->desc->vtable;
      /* No pipeline in the seed: every pipeline sees the same experiment-level
       * augmentation, and pipelines whose own stages differ only in a parameter
       * draw common random numbers (the pairing an ablation wants). */
      g_autofree char *stage = k < n_exp
        ? g_strdup_printf ("augment:%u:%s", k, st->entry->desc->name)
        : g_strdup_printf ("augment:p%u:%s", k - n_exp, st->entry->desc->name);
      guint64 seed = td_seed_derive (env->exp->seed, t->repeat, t->fold, stage, "");
      g_autoptr (TdContext) ctx = td_context_child (env->parent, seed);
      td_context_set_threads (ctx, env->threads);
      TdDataset *out = v->apply (st->params, *train, ctx, error);
      if (!out)
        return prefix_error (error, st->key_path);
      if (out->n_series < (*train)->n_series || out->task != (*train)->task)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                       "returned %zu series for %zu (augmentations add series, never drop them)",
                       out->n_series, (*train)->n_series);
          td_dataset_unref (out);
          return prefix_error (error, st->key_path);
        }
      gint64 added = (gint64) (out->n_series - (*train)->n_series);
      g_array_append_val (t->augmented, added);
      td_dataset_unref (*train);
      *train = out;
    }
  return TRUE;
}

/* Labels are in the training split still: the leakage rule lets the
 * stages that learn see them. */
static TdDataset *
normal_only (const TdDataset *train)
{
  g_autofree size_t *idx = g_new (size_t, MAX (train->n_series, (size_t) 1));
  size_t n = 0;
  for (size_t s = 0; s < train->n_series; s++)
    if (train->y[s] < 0.5)
      idx[n++] = s;
  return td_dataset_subset (train, idx, n);
}

gboolean
td_trial_evaluate (const TdExperiment *exp, const TdDataset *test, TdTrial *t, GError **error)
{
  if (test->n_series != t->n_test)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "evaluate: %zu predictions for a test split of %zu series", t->n_test,
                   test->n_series);
      return FALSE;
    }
  g_free (t->metrics);
  t->metrics = g_new (double, MAX (exp->metrics->len, 1u));
  for (guint m = 0; m < exp->metrics->len; m++)
    t->metrics[m] = NAN;
  TdEvalInput in = {
    .task = test->task, .n = t->n_test, .n_outputs = t->n_outputs,
    .n_classes = test->n_classes, .y = t->test_y, .scores = t->test_scores, .data = test,
    .n_valid = t->n_valid, .valid_y = t->n_valid ? t->valid_y : NULL,
    .valid_scores = t->n_valid ? t->valid_scores : NULL,
  };
  g_autoptr (GArray) filled = g_array_new (FALSE, TRUE, sizeof (gboolean));
  g_array_set_size (filled, exp->metrics->len);
  for (guint e = 0; e < exp->evaluators->len; e++)
    {
      const TdStage *st = exp->evaluators->pdata[e];
      const TdEvaluatorVTable *v = st->entry->desc->vtable;
      if (!(v->tasks & test->task))
        continue;   /* e.g. the default "every evaluator" list meets a binary dataset */
      size_t nm = g_strv_length ((char **) v->metrics);
      g_autofree double *vals = g_new (double, nm);
      if (!v->evaluate (st->params, &in, vals, error))
        return prefix_error (error, st->key_path);
      for (guint m = 0; m < exp->metrics->len; m++)
        for (size_t j = 0; j < nm; j++)
          if (!g_array_index (filled, gboolean, m)
              && strcmp (exp->metrics->pdata[m], v->metrics[j]) == 0)
            {
              t->metrics[m] = vals[j];
              g_array_index (filled, gboolean, m) = TRUE;
            }
    }
  return TRUE;
}

static gboolean
collect_importance (TdTrial *t, TdModel *model, const TdModelVTable *mv, const TdDataset *train,
                    GError **error)
{
  const TdFeatureImportanceExt *ext =
    mv->extension ? mv->extension (model, TD_EXT_FEATURE_IMPORTANCE) : NULL;
  if (!ext || !ext->types || !ext->importance)
    return TRUE;
  size_t nf = train->n_channels * train->n_steps;
  g_autofree double *vals = g_new0 (double, MAX (nf, (size_t) 1));
  t->importance = g_array_new (FALSE, TRUE, sizeof (TdImportance));
  for (size_t k = 0; ext->types[k]; k++)
    {
      if (!ext->importance (model, ext->types[k], vals, nf, error))
        return prefix_error (error, "feature importance");
      for (size_t f = 0; f < nf; f++)
        {
          TdImportance imp = { g_strdup (train->n_steps == 1 ? train->channel_names[f] : "?"),
                               ext->types[k], vals[f] };
          g_array_append_val (t->importance, imp);
        }
    }
  return TRUE;
}

/* A binary model trained on every series needs both classes in the
 * training split; saying so here names the split, whatever the model. */
static gboolean
check_train_classes (const TdDataset *train, const TdModelVTable *mv, GError **error)
{
  if (train->task != TD_TASK_BINARY || mv->train_on != TD_TRAIN_ON_ALL)
    return TRUE;
  size_t pos = 0;
  for (size_t s = 0; s < train->n_series; s++)
    pos += train->y[s] >= 0.5;
  if (pos > 0 && pos < train->n_series)
    return TRUE;
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
               "the training split has only class %d (%zu series); a binary model needs both "
               "classes: use more data, fewer folds or a stratified split", pos ? 1 : 0,
               train->n_series);
  return FALSE;
}

/* Adds the time since *t0 to stage st and restarts the clock. */
static void
lap (TdTrial *t, TdTrialStage st, double *t0)
{
  double now = td_clock ();
  td_trial_time (t, st, now - *t0);
  *t0 = now;
}

static gboolean
trial_body (const TdTrialEnv *env, TdTrial *t, GError **error)
{
  const TdPipeline *p = t->pipeline;
  const TdSplit *sp = t->split;
  double t0 = td_clock ();
  TdDataset *d[3] = {
    td_dataset_subset (env->data, sp->train, sp->n_train),
    sp->n_valid ? td_dataset_subset (env->data, sp->valid, sp->n_valid) : NULL,
    td_dataset_subset (env->data, sp->test, sp->n_test),
  };
  /* The leakage rule (tundish/dataset.h): valid and test lose their labels
   * here; valid's come back for model fit only, test's reach no plugin but
   * the evaluators. */
  g_autoptr (TdLabels) valid_labels = d[1] ? td_labels_take (d[1]) : NULL;
  g_autoptr (TdLabels) test_labels = td_labels_take (d[2]);
  gboolean ok = FALSE;
  TdModel *model = NULL;
  const TdModelVTable *mv = p->model->entry->desc->vtable;
  g_autoptr (TdContext) mctx = stage_context (env, t, "model");
  g_autofree double *valid_scores = NULL;
  g_autofree char *model_abs = NULL;
  g_autofree char *safe = NULL;
  g_autofree char *model_dir = NULL;
  if (td_model_is_supervised_reference (mv, d[2]->task))
    for (int k = 0; k < 3; k++)
      if (d[k])
        d[k]->task = TD_TASK_BINARY;
  /* A model of normal series learns nothing from an abnormal one, not even
   * through a feature's fitted state: they leave before augment and features. */
  if (mv->train_on == TD_TRAIN_ON_NORMAL)
    {
      TdDataset *normal = normal_only (d[0]);
      td_dataset_unref (d[0]);
      d[0] = normal;
    }
  lap (t, TD_STAGE_SPLIT, &t0);

  gboolean aug_ok = run_augment (env, t, &d[0], FALSE, error);
  if (env->exp->augment->len || (p->augment && p->augment->len && !p->augment_on_features))
    lap (t, TD_STAGE_AUGMENT, &t0);
  if (!aug_ok || !check_train_classes (d[0], mv, error) || !run_features (env, t, d, error))
    goto out;
  if (t->pipeline->augment_on_features)
    {
      t0 = td_clock ();
      aug_ok = run_augment (env, t, &d[0], TRUE, error);
      lap (t, TD_STAGE_AUGMENT, &t0);
      if (!aug_ok)
        goto out;
    }
  if (td_context_cancelled (env->parent))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_CANCELLED, "cancelled");
      goto out;
    }
  t0 = td_clock ();
  t->model_seed = td_context_seed (mctx);
  model = mv->create (p->model->params, mctx, error);
  if (d[1])
    td_labels_put (d[1], valid_labels);   /* for early stopping */
  gboolean fitted = model && mv->fit (model, d[0], d[1], mctx, error);
  if (d[1])
    td_dataset_hide_labels (d[1]);
  if (!fitted)
    {
      prefix_error (error, p->model->key_path);
      goto out;
    }
  if (!collect_importance (t, model, mv, d[0], error))
    goto out;
  lap (t, TD_STAGE_MODEL_FIT, &t0);
  td_kill_point ("trial", t->index);
  t->n_outputs = td_task_n_outputs (d[2]->task, d[2]->n_classes);
  t->n_test = d[2]->n_series;
  t->test_scores = g_new (double, MAX (t->n_test * t->n_outputs, (size_t) 1));
  if (!mv->predict (model, d[2], t->test_scores, mctx, error))
    {
      prefix_error (error, "predict (test)");
      goto out;
    }
  if (d[1])
    {
      valid_scores = g_new (double, MAX (d[1]->n_series * t->n_outputs, (size_t) 1));
      if (!mv->predict (model, d[1], valid_scores, mctx, error))
        {
          prefix_error (error, "predict (valid)");
          goto out;
        }
    }
  lap (t, TD_STAGE_MODEL_PREDICT, &t0);
  t->test_ids = g_memdup2 (d[2]->series_id, t->n_test * sizeof (gint64));
  t->test_y = g_memdup2 (td_labels_y (test_labels), t->n_test * sizeof (double));
  if (d[1])
    {
      t->n_valid = d[1]->n_series;
      t->valid_ids = g_memdup2 (d[1]->series_id, MAX (t->n_valid, 1) * sizeof (gint64));
      t->valid_y = g_memdup2 (td_labels_y (valid_labels), MAX (t->n_valid, 1) * sizeof (double));
      t->valid_scores = g_steal_pointer (&valid_scores);
    }

  safe = td_safe_name (p->label);
  t->model_path = g_strdup_printf ("models/%s/r%d-f%d.model", safe, t->repeat, t->fold);
  model_abs = g_build_filename (env->run_dir, t->model_path, NULL);
  model_dir = g_path_get_dirname (model_abs);
  g_mkdir_with_parents (model_dir, 0755);
  t0 = td_clock ();
  gboolean saved = mv->save (model, model_abs, error);
  lap (t, TD_STAGE_SAVE, &t0);
  if (!saved)
    {
      prefix_error (error, "save model");
      goto out;
    }
  /* On the unlabelled test split, after its scores are kept: nothing here
   * reaches the model, the predictions or the metrics. The labels only
   * choose which series to explain. */
  ok = TRUE;
  if (d[2]->n_steps > 1 && (mv->explain || mv->extension))
    {
      ok = td_interpret_trial (&p->interpret, model, mv, d[2], td_labels_y (test_labels),
                               env->data->n_steps, mctx, &t->saliency, &t->attention, error);
      if (!ok || t->saliency || t->attention)   /* a model with nothing to say: no stage */
        lap (t, TD_STAGE_INTERPRET, &t0);
    }
  if (ok)
    {
      /* The raw test series' hidden cause metadata only chooses and scores
       * the series; explain sees the unlabelled input (root_cause.h). */
      g_autoptr (TdDataset) raw = td_dataset_subset (env->data, sp->test, sp->n_test);
      t0 = td_clock ();
      ok = td_root_cause_trial (model, mv, d[2], raw, mctx, &t->root_cause, error);
      if (!ok || t->root_cause)
        lap (t, TD_STAGE_INTERPRET, &t0);
    }
out:
  if (model)
    mv->destroy (model);
  for (int k = 0; k < 3; k++)
    if (d[k])
      td_dataset_unref (d[k]);
  if (ok)
    {
      /* Evaluators see the raw test series with labels and metadata, cut
       * afresh (what no plugin held), as `tundish report` rebuilds it. */
      g_autoptr (TdDataset) raw_test = td_dataset_subset (env->data, sp->test, sp->n_test);
      t0 = td_clock ();
      ok = td_trial_evaluate (env->exp, raw_test, t, error);
      lap (t, TD_STAGE_EVALUATE, &t0);
    }
  return ok;
}

void
td_trial_run (const TdTrialEnv *env, TdTrial *t)
{
  GError *error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_autofree char *dir = td_trial_dir (env->run_dir, t);
  g_mkdir_with_parents (dir, 0755);
  t->curves = g_array_new (FALSE, FALSE, sizeof (TdCurvePoint));
  t->feature_seeds = g_array_new (FALSE, TRUE, sizeof (guint64));
  t->augmented = g_array_new (FALSE, TRUE, sizeof (gint64));
  t->ok = trial_body (env, t, &error);
  if (!t->ok)
    {
      /* a plugin's message reaches terminals and every report: no raw controls */
      t->error = td_text_escape (error ? error->message : "failed without a message (plugin bug)");
      g_clear_pointer (&t->metrics, g_free);
    }
  g_clear_error (&error);
  t->seconds = (double) (g_get_monotonic_time () - t0) / 1e6;
  t->done = TRUE;
}
