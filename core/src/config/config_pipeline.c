/* config_pipeline.c — one `pipelines:` entry: its stages, a check that
 * each stage can take what the previous one hands it, and the expansion of
 * sweeps into variants.
 *
 * The grid is the cartesian product of every swept parameter of the
 * pipeline's augmentations, features and model, in file order, the first one varying slowest. A
 * variant is named by its swept values only ("max_depth=4,learning_rate=0.1");
 * a parameter name swept in two stages is qualified by its plugin
 * ("window.minutes"), or by its place when the plugin repeats
 * ("features[1].minutes").
 */
#include "config/config_internal.h"

#include <string.h>

#define MAX_VARIANTS 10000

void
td_pipeline_free (TdPipeline *p)
{
  if (!p)
    return;
  g_free (p->name);
  g_free (p->variant);
  g_free (p->label);
  if (p->augment)
    g_ptr_array_unref (p->augment);
  if (p->features)
    g_ptr_array_unref (p->features);
  td_stage_free (p->model);
  if (p->targets)
    g_ptr_array_unref (p->targets);
  g_free (p);
}

static const char *
shape_name (guint32 shape)
{
  return shape == TD_DATA_MATRIX ? "a feature matrix" : "sequences";
}

static const char *
accepts_name (guint32 accepts)
{
  if ((accepts & TD_DATA_MATRIX) && (accepts & TD_DATA_SEQUENCE))
    return "a feature matrix or sequences";
  return accepts & TD_DATA_MATRIX ? "only a feature matrix" : "only sequences";
}

/* Extractors in a row all read the same input; a transform reads the output
 * of what precedes it. The generator hands over sequences. */
static gboolean
check_shapes (GPtrArray *features, const TdStageDraft *model, GError **error)
{
  guint32 shape = TD_DATA_SEQUENCE, run_input = TD_DATA_SEQUENCE;
  gboolean in_run = FALSE;
  for (guint k = 0; k < features->len; k++)
    {
      const TdStageDraft *f = features->pdata[k];
      const TdFeatureVTable *vt = f->entry->desc->vtable;
      if (!vt)
        continue;
      guint32 input = (vt->role == TD_FEATURE_EXTRACT && in_run) ? run_input : shape;
      if (vt->accepts && !(vt->accepts & input))
        return td_config_fail (error, TD_CONFIG_ERROR_TYPE, f->where, f->key_path,
                               "feature %s accepts %s, but here it receives %s; expected "
                               "features in an order where each can take its input",
                               f->entry->desc->name, accepts_name (vt->accepts),
                               shape_name (input));
      if (vt->role == TD_FEATURE_EXTRACT)
        {
          run_input = input;
          in_run = TRUE;
          shape = TD_DATA_MATRIX;
        }
      else
        in_run = FALSE;
    }
  const TdModelVTable *mv = model->entry->desc->vtable;
  if (mv && mv->accepts && !(mv->accepts & shape))
    return td_config_fail (error, TD_CONFIG_ERROR_TYPE, model->where, model->key_path,
                           "model %s accepts %s, but the features hand it %s; expected %s",
                           model->entry->desc->name, accepts_name (mv->accepts),
                           shape_name (shape),
                           shape == TD_DATA_MATRIX ? "no extracting features before it"
                                                   : "feature extractors before it");
  return TRUE;
}

guint32
td_config_data_task (const TdStage *data)
{
  const TdGeneratorVTable *gv = data ? data->entry->desc->vtable : NULL;
  const TdDataTaskExt *ext = gv && gv->extension ? gv->extension (TD_EXT_DATA_TASK) : NULL;
  return ext && ext->task ? ext->task (data->params) : 0;
}

/* The model must learn the task the data declares (when it declares one). */
static gboolean
check_task (const TdNode *pipeline, const TdStageDraft *model, guint32 data_task,
            GError **error)
{
  const TdModelVTable *mv = model->entry->desc->vtable;
  if (!data_task || !mv || (mv->tasks & data_task))
    return TRUE;
  const TdNode *name = td_node_map_get (pipeline, "name", NULL);
  g_autofree char *supports = td_task_set_text (mv->tasks);
  g_autofree char *task = td_task_set_text (data_task);
  const gboolean detector = (mv->tasks & TD_TASK_ANOMALY) && data_task == TD_TASK_BINARY;
  return td_config_fail (error, TD_CONFIG_ERROR_PLUGIN, model->where, model->key_path,
                         "pipeline %s: model %s supports %s, but the data is %s; expected a "
                         "model for %s data%s", name && name->value ? name->value : "?",
                         model->entry->desc->name, supports, task, task,
                         detector ? ", or task: anomaly at the top of the experiment (it "
                                    "detects anomalies)" : "");
}

typedef struct {
  TdStageDraft *stage;
  TdSweep *sweep;
  char *label;
} Axis;

static void
axis_clear (gpointer p)
{
  g_free (((Axis *) p)->label);
}

static guint
count_label (GArray *axes, const char *label)
{
  guint n = 0;
  for (guint i = 0; i < axes->len; i++)
    n += strcmp (g_array_index (axes, Axis, i).label, label) == 0;
  return n;
}

/* Plain parameter names where they are unique; only the clashing ones get
 * qualified, first by plugin, then by place. */
static void
name_axes (GArray *axes)
{
  for (guint i = 0; i < axes->len; i++)
    {
      Axis *a = &g_array_index (axes, Axis, i);
      a->label = g_strdup (a->sweep->name);
    }
  for (int level = 1; level <= 2; level++)
    {
      g_autofree gboolean *clash = g_new0 (gboolean, axes->len + 1);
      for (guint i = 0; i < axes->len; i++)
        clash[i] = count_label (axes, g_array_index (axes, Axis, i).label) > 1;
      for (guint i = 0; i < axes->len; i++)
        {
          Axis *a = &g_array_index (axes, Axis, i);
          if (!clash[i])
            continue;
          g_free (a->label);
          a->label = g_strdup_printf ("%s.%s", level == 1 ? a->stage->entry->desc->name
                                                          : a->stage->local_path,
                                      a->sweep->name);
        }
    }
}

static TdStage *
variant_stage (const TdStageDraft *d, GArray *axes, const guint *pick, GError **error)
{
  TdStage *s = g_new0 (TdStage, 1);
  s->entry = d->entry;
  s->key_path = g_strdup (d->key_path);
  s->where = td_node_where (d->where);
  s->params = td_params_copy (d->params);
  for (guint i = 0; i < axes->len; i++)
    {
      const Axis *a = &g_array_index (axes, Axis, i);
      if (a->stage != d)
        continue;
      if (!td_params_set_text (s->params, a->sweep->name, a->sweep->texts->pdata[pick[i]], error))
        {
          td_stage_free (s);
          return NULL;
        }
    }
  return s;
}

/* The design so far (out) plus this pipeline's variants, against the cap:
 * refused at the sweep that took it over, before a variant is built. */
static gboolean
check_budget (const TdDesignBudget *budget, guint before, GArray *axes, const TdNode *node,
              const char *path, GError **error)
{
  guint64 variants = 1;
  for (guint i = 0; i < axes->len; i++)
    {
      const TdSweep *sw = g_array_index (axes, Axis, i).sweep;
      variants *= sw->texts->len;
      guint64 trials = ((guint64) before + variants) * budget->trials_per_variant;
      if (trials > budget->max_trials)
        return td_config_fail (error, TD_CONFIG_ERROR_VALUE, sw->where, sw->path,
                               "this sweep of %u values brings the design to at least %"
                               G_GUINT64_FORMAT " trials (%u variants before this pipeline "
                               "+ %" G_GUINT64_FORMAT ", x %d repeats x %d folds); expected "
                               "at most %" G_GUINT64_FORMAT " trials (%s)", sw->texts->len, trials,
                               before, variants, budget->repeats, budget->folds,
                               budget->max_trials, budget->source);
    }
  guint64 trials = ((guint64) before + variants) * budget->trials_per_variant;
  if (trials > budget->max_trials)
    return td_config_fail (error, TD_CONFIG_ERROR_VALUE, node, path,
                           "this pipeline brings the design to %" G_GUINT64_FORMAT " trials "
                           "(%u variants before it + %" G_GUINT64_FORMAT ", x %d repeats x %d "
                           "folds); expected at most %" G_GUINT64_FORMAT " trials (%s)", trials, before, variants,
                           budget->repeats, budget->folds, budget->max_trials, budget->source);
  return TRUE;
}

static gboolean
expand (const char *name, GPtrArray *augment, gboolean on_features, GPtrArray *features,
        TdStageDraft *model, const TdInterpretSpec *interpret, const TdNode *node,
        const char *path, GPtrArray *out, const TdDesignBudget *budget, GError **error)
{
  g_autoptr (GArray) axes = g_array_new (FALSE, TRUE, sizeof (Axis));
  g_array_set_clear_func (axes, axis_clear);
  gsize n_variants = 1;
  guint n_stages = augment->len + features->len + 1;
  for (guint k = 0; k < n_stages; k++)
    {
      TdStageDraft *d = k < augment->len ? augment->pdata[k]
                      : k < augment->len + features->len ? features->pdata[k - augment->len]
                      : model;
      for (guint j = 0; j < d->sweeps->len; j++)
        {
          Axis a = { .stage = d, .sweep = d->sweeps->pdata[j] };
          g_array_append_val (axes, a);
          n_variants *= a.sweep->texts->len;
          if (n_variants > MAX_VARIANTS)
            return td_config_fail (error, TD_CONFIG_ERROR_VALUE, a.sweep->where, a.sweep->path,
                                   "this sweep of %u values makes the pipeline's grid more "
                                   "than %d variants; expected a smaller grid",
                                   a.sweep->texts->len, MAX_VARIANTS);
        }
    }
  if (budget && !check_budget (budget, out->len, axes, node, path, error))
    return FALSE;
  name_axes (axes);

  g_autofree guint *pick = g_new0 (guint, MAX (axes->len, 1));
  for (gsize v = 0; v < n_variants; v++)
    {
      gsize rest = v;
      for (guint i = axes->len; i-- > 0;)
        {
          guint n = g_array_index (axes, Axis, i).sweep->texts->len;
          pick[i] = (guint) (rest % n);
          rest /= n;
        }
      g_autoptr (GString) variant = g_string_new ("");
      for (guint i = 0; i < axes->len; i++)
        {
          const Axis *a = &g_array_index (axes, Axis, i);
          g_string_append_printf (variant, "%s%s=%s", i ? "," : "", a->label,
                                  (const char *) a->sweep->shown->pdata[pick[i]]);
        }
      TdPipeline *p = g_new0 (TdPipeline, 1);
      g_ptr_array_add (out, p);
      p->name = g_strdup (name);
      p->variant = g_strdup (variant->str);
      p->label = *p->variant ? g_strdup_printf ("%s[%s]", name, p->variant) : g_strdup (name);
      p->augment = g_ptr_array_new_with_free_func ((GDestroyNotify) td_stage_free);
      p->augment_on_features = on_features;
      p->interpret = *interpret;
      p->features = g_ptr_array_new_with_free_func ((GDestroyNotify) td_stage_free);
      g_autoptr (GError) e = NULL;
      for (guint k = 0; !e && k < augment->len; k++)
        {
          TdStage *s = variant_stage (augment->pdata[k], axes, pick, &e);
          if (s)
            g_ptr_array_add (p->augment, s);
        }
      for (guint k = 0; !e && k < features->len; k++)
        {
          TdStage *s = variant_stage (features->pdata[k], axes, pick, &e);
          if (!s)
            break;
          g_ptr_array_add (p->features, s);
        }
      if (!e)
        p->model = variant_stage (model, axes, pick, &e);
      if (e)
        return td_config_fail (error, TD_CONFIG_ERROR_VALUE, node, path,
                               "variant %s: %s; expected every swept value to apply",
                               p->label, e->message);
    }
  return TRUE;
}

gboolean
td_config_read_pipeline (TdRegistry *reg, const TdNode *node, const char *path,
                         const TdInterpretSpec *interpret, guint32 data_task, GPtrArray *out,
                         const TdDesignBudget *budget, GError **error)
{
  static const char *const keys[] = { "name", "augment", "augment_space", "features", "model",
                                      "interpret", "targets", NULL };
  if (node->type != TD_NODE_MAP)
    {
      g_autofree char *what = td_node_describe (node);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, node, path,
                             "got %s; expected a mapping {name: ..., features: [...], "
                             "model: ...}", what);
    }
  if (!td_config_check_keys (node, path, keys, error))
    return FALSE;

  const TdNode *name_node = td_node_map_get (node, "name", NULL);
  g_autofree char *name_path = td_path_key (path, "name");
  if (!name_node)
    return td_config_fail (error, TD_CONFIG_ERROR_MISSING_KEY, node, path,
                           "no \"name\" key; expected name: NAME");
  if (!td_config_check_name (name_node, name_path, "a pipeline name", error))
    return FALSE;
  const char *name = name_node->value;

  g_autoptr (GPtrArray) features =
    g_ptr_array_new_with_free_func ((GDestroyNotify) td_stage_draft_free);
  const TdNode *fl = td_node_map_get (node, "features", NULL);
  g_autofree char *fpath = td_path_key (path, "features");
  if (fl && !td_node_is_null (fl) && fl->type != TD_NODE_SEQ)
    {
      g_autofree char *what = td_node_describe (fl);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, fl, fpath,
                             "got %s; expected a list such as [statistical, {plugin: window, "
                             "minutes: 10}]", what);
    }
  for (guint k = 0; fl && fl->type == TD_NODE_SEQ && k < fl->items->len; k++)
    {
      g_autofree char *p = td_path_index (fpath, k);
      TdStageDraft *d = td_config_read_stage (reg, TD_KIND_FEATURE, fl->items->pdata[k], p,
                                              "plugin", TRUE, error);
      if (!d)
        return FALSE;
      d->local_path = td_path_index ("features", k);
      g_ptr_array_add (features, d);
    }

  g_autoptr (GPtrArray) augment =
    g_ptr_array_new_with_free_func ((GDestroyNotify) td_stage_draft_free);
  const TdNode *al = td_node_map_get (node, "augment", NULL);
  g_autofree char *apath = td_path_key (path, "augment");
  if (al && !td_node_is_null (al) && al->type != TD_NODE_SEQ)
    {
      g_autofree char *what = td_node_describe (al);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, al, apath,
                             "got %s; expected a list such as [{plugin: jitter, sigma: 0.03}]",
                             what);
    }
  for (guint k = 0; al && al->type == TD_NODE_SEQ && k < al->items->len; k++)
    {
      g_autofree char *p = td_path_index (apath, k);
      TdStageDraft *d = td_config_read_stage (reg, TD_KIND_AUGMENT, al->items->pdata[k], p,
                                              "plugin", TRUE, error);
      if (!d)
        return FALSE;
      d->local_path = td_path_index ("augment", k);
      g_ptr_array_add (augment, d);
    }

  const TdNode *mn = td_node_map_get (node, "model", NULL);
  g_autofree char *mpath = td_path_key (path, "model");
  if (!mn)
    return td_config_fail (error, TD_CONFIG_ERROR_MISSING_KEY, node, path,
                           "no \"model\" key; expected model: {plugin: NAME, params: {...}}");
  g_autoptr (TdStageDraft) model = td_config_read_stage (reg, TD_KIND_MODEL, mn, mpath,
                                                         "plugin", TRUE, error);
  if (!model)
    return FALSE;
  model->local_path = g_strdup ("model");

  if (!check_shapes (features, model, error) || !check_task (node, model, data_task, error))
    return FALSE;
  /* augment_space: sequences (default: before the features) | features (after them, on the
   * training feature matrix: SMOTE in feature space). */
  gboolean on_features = FALSE;
  const TdNode *sp = td_node_map_get (node, "augment_space", NULL);
  if (sp)
    {
      g_autofree char *spath = td_path_key (path, "augment_space");
      const char *v;
      if (!td_config_string (sp, spath, &v, error))
        return FALSE;
      if (strcmp (v, "features") != 0 && strcmp (v, "sequences") != 0)
        return td_config_fail (error, TD_CONFIG_ERROR_VALUE, sp, spath,
                               "got \"%s\"; expected sequences or features", v);
      on_features = strcmp (v, "features") == 0;
      if (on_features && augment->len == 0)
        return td_config_fail (error, TD_CONFIG_ERROR_VALUE, sp, spath,
                               "the pipeline has no augment: list of its own; expected "
                               "augment_space only beside one");
    }
  TdInterpretSpec own;
  g_autofree char *ipath = td_path_key (path, "interpret");
  if (!td_config_read_interpret (td_node_map_get (node, "interpret", NULL), ipath, interpret,
                                 &own, error))
    return FALSE;
  return expand (name, augment, on_features, features, model, &own, node, path, out, budget,
                 error);
}
