/* config.c — td_experiment_load(): the experiment file, read, merged with
 * its includes and --set overrides, checked key by key against the schema
 * and every plugin's parameter specs, and resolved into a TdExperiment.
 *
 * Everything is checked before anything runs, and the first problem stops
 * the load with "FILE:LINE:COL: key.path: what is wrong; what was expected".
 * The pieces live beside this file: config_node.c (positioned tree),
 * config_include.c, config_override.c, config_stage.c (plugin parameters),
 * config_pipeline.c (sweeps), config_split.c, config_eval.c, config_emit.c.
 */
#include "config/config_internal.h"
#include "eval/compare.h"

#include <string.h>

static const char *const top_keys[] = {
  "experiment", "seed", "repeats", "task", "data", "split", "augment", "pipelines",
  "evaluate", "compare", "summary", "report", "interpret", "drift", "targets", NULL,
};

void
td_experiment_free (TdExperiment *exp)
{
  if (!exp)
    return;
  g_free (exp->path);
  g_free (exp->name);
  td_stage_free (exp->data);
  td_params_free (exp->data_params);
  if (exp->data_files)
    g_ptr_array_unref (exp->data_files);
  g_free (exp->split.group_by);
  g_free (exp->split.order_by);
  g_free (exp->split.where);
  g_free (exp->split.where_group_by);
  td_window_spec_clear (&exp->window);
  g_clear_pointer (&exp->augment, g_ptr_array_unref);
  g_clear_pointer (&exp->pipelines, g_ptr_array_unref);
  g_clear_pointer (&exp->metrics, g_ptr_array_unref);
  g_clear_pointer (&exp->evaluators, g_ptr_array_unref);
  g_free (exp->baseline);
  g_clear_pointer (&exp->compare_tests, g_ptr_array_unref);
  g_clear_pointer (&exp->reporters, g_ptr_array_unref);
  g_free (exp->resolved_yaml);
  g_free (exp->hash);
  g_free (exp);
}

/* A key whose value is YAML null counts as absent, so `augment:` with
 * nothing after it means "none" and `evaluate:` means "the default". */
static const TdNode *
get (const TdNode *root, const char *key)
{
  const TdNode *v = td_node_map_get (root, key, NULL);
  return v && !td_node_is_null (v) ? v : NULL;
}

static gboolean
read_scalars (const TdNode *root, TdExperiment *exp, GError **error)
{
  const TdNode *v = get (root, "experiment");
  if (!v)
    return td_config_fail (error, TD_CONFIG_ERROR_MISSING_KEY, root, "experiment",
                           "missing; expected experiment: NAME at the top level");
  if (!td_config_check_name (v, "experiment", "an experiment name", error))
    return FALSE;
  exp->name = g_strdup (v->value);

  exp->seed = 42;
  if ((v = get (root, "seed")))
    {
      guint64 s;
      if (v->type != TD_NODE_SCALAR
          || !g_ascii_string_to_unsigned (v->value, 10, 0, G_MAXUINT64, &s, NULL))
        {
          g_autofree char *what = td_node_describe (v);
          return td_config_fail (error, TD_CONFIG_ERROR_VALUE, v, "seed",
                                 "got %s; expected an unsigned 64-bit integer", what);
        }
      exp->seed = s;
    }

  exp->repeats = 1;
  if ((v = get (root, "repeats")))
    {
      gint64 r;
      if (v->type != TD_NODE_SCALAR
          || !g_ascii_string_to_signed (v->value, 10, 1, 100000, &r, NULL))
        {
          g_autofree char *what = td_node_describe (v);
          return td_config_fail (error, TD_CONFIG_ERROR_VALUE, v, "repeats",
                                 "got %s; expected an integer in [1, 100000]", what);
        }
      exp->repeats = (int) r;
    }

  if ((v = get (root, "task")))
    {
      if (v->type != TD_NODE_SCALAR || strcmp (v->value, "anomaly") != 0)
        {
          g_autofree char *what = td_node_describe (v);
          return td_config_fail (error, TD_CONFIG_ERROR_VALUE, v, "task",
                                 "got %s; expected anomaly (binary labels read as normal / "
                                 "abnormal), or no task: for the data's own task", what);
        }
      exp->task = TD_TASK_ANOMALY;
    }
  return TRUE;
}

static gboolean
read_augment (TdRegistry *reg, const TdNode *node, TdExperiment *exp, GError **error)
{
  if (!node)
    return TRUE;
  if (node->type != TD_NODE_SEQ)
    {
      g_autofree char *what = td_node_describe (node);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, node, "augment",
                             "got %s; expected a list such as [{plugin: jitter, sigma: 0.03}]",
                             what);
    }
  for (guint k = 0; k < node->items->len; k++)
    {
      g_autofree char *p = td_path_index ("augment", k);
      TdStageDraft *d = td_config_read_stage (reg, TD_KIND_AUGMENT, node->items->pdata[k], p,
                                              "plugin", FALSE, error);
      if (!d)
        return FALSE;
      g_ptr_array_add (exp->augment, td_stage_from_draft (d));
    }
  return TRUE;
}

/* Holdouts give one trial per repeat, k-folds k. */
static gboolean
design_budget (const TdExperiment *exp, TdDesignBudget *b, GError **error)
{
  gboolean kfold = exp->split.method == TD_SPLIT_STRATIFIED_KFOLD
                   || exp->split.method == TD_SPLIT_GROUP_KFOLD;
  *b = (TdDesignBudget) { .max_trials = TD_MAX_TRIALS_DEFAULT, .repeats = exp->repeats,
                          .folds = kfold ? exp->split.folds : 1, .source = "the default; set TUNDISH_MAX_TRIALS to allow more" };
  b->trials_per_variant = (guint64) b->repeats * (guint64) b->folds;
  const char *env = g_getenv ("TUNDISH_MAX_TRIALS");
  if (env && *env)
    {
      if (!g_ascii_string_to_unsigned (env, 10, 1, G_MAXUINT64, &b->max_trials, NULL))
        {
          g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                       "TUNDISH_MAX_TRIALS=%s: expected a positive integer (the largest "
                       "number of trials an experiment may have)", env);
          return FALSE;
        }
      b->source = "set by TUNDISH_MAX_TRIALS";
    }
  return TRUE;
}

static gboolean
read_pipelines (TdRegistry *reg, const TdNode *root, TdExperiment *exp, GError **error)
{
  static const TdInterpretSpec defaults = { TD_INTERPRET_MAX_SERIES_DEFAULT,
                                            TD_INTERPRET_TIME_BINS_DEFAULT };
  TdInterpretSpec interpret;
  if (!td_config_read_interpret (get (root, "interpret"), "interpret", &defaults, &interpret,
                                 error))
    return FALSE;
  const TdNode *node = get (root, "pipelines");
  if (!node)
    return td_config_fail (error, TD_CONFIG_ERROR_MISSING_KEY, root, "pipelines",
                           "missing; expected a list of {name: ..., features: [...], "
                           "model: ...}");
  if (node->type != TD_NODE_SEQ || node->items->len == 0)
    {
      g_autofree char *what = node->type == TD_NODE_SEQ ? g_strdup ("an empty list")
                                                         : td_node_describe (node);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, node, "pipelines",
                             "got %s; expected a non-empty list of pipelines", what);
    }
  TdDesignBudget budget;
  if (!design_budget (exp, &budget, error))
    return FALSE;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint k = 0; k < node->items->len; k++)
    {
      const TdNode *item = node->items->pdata[k];
      g_autofree char *p = td_path_index ("pipelines", k);
      /* an experiment-level task: (anomaly) is checked by td_pipeline_check,
       * which knows the supervised reference; here the data's own task */
      if (!td_config_read_pipeline (reg, item, p, &interpret,
                                    exp->task ? 0 : td_config_data_task (exp->data),
                                    exp->pipelines, &budget, error))
        return FALSE;
      const TdNode *name = td_node_map_get (item, "name", NULL);
      gpointer first;
      if (g_hash_table_lookup_extended (seen, name->value, NULL, &first))
        {
          g_autofree char *np = td_path_key (p, "name");
          return td_config_fail (error, TD_CONFIG_ERROR_VALUE, name, np,
                                 "duplicate pipeline name \"%s\" (also pipelines[%u]); "
                                 "expected unique names", name->value, GPOINTER_TO_UINT (first));
        }
      g_hash_table_insert (seen, name->value, GUINT_TO_POINTER (k));
    }
  return TRUE;
}

static gboolean
read_compare (const TdNode *node, TdExperiment *exp, GError **error)
{
  static const char *const keys[] = { "baseline", "tests", "bootstrap_samples", NULL };
  if (!node)
    return TRUE;
  if (node->type != TD_NODE_MAP)
    {
      g_autofree char *what = td_node_describe (node);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, node, "compare",
                             "got %s; expected a mapping such as {baseline: gbdt, "
                             "tests: [delong]}", what);
    }
  if (!td_config_check_keys (node, "compare", keys, error))
    return FALSE;
  const TdNode *b = get (node, "baseline");
  if (b)
    {
      const char *name;
      if (!td_config_string (b, "compare.baseline", &name, error))
        return FALSE;
      g_autoptr (GPtrArray) names = g_ptr_array_new ();
      gboolean found = FALSE;
      for (guint k = 0; k < exp->pipelines->len; k++)
        {
          const TdPipeline *p = exp->pipelines->pdata[k];
          found = found || strcmp (p->name, name) == 0;
          if (names->len == 0 || strcmp (names->pdata[names->len - 1], p->name) != 0)
            g_ptr_array_add (names, p->name);
        }
      if (!found)
        {
          const char *close = td_closest_name (name, (const char *const *) names->pdata,
                                               names->len);
          g_autoptr (GString) list = g_string_new ("");
          for (guint k = 0; k < names->len; k++)
            g_string_append_printf (list, "%s%s", k ? ", " : "", (const char *) names->pdata[k]);
          if (close)
            return td_config_fail (error, TD_CONFIG_ERROR_VALUE, b, "compare.baseline",
                                   "\"%s\" is not a pipeline; did you mean \"%s\"?", name,
                                   close);
          return td_config_fail (error, TD_CONFIG_ERROR_VALUE, b, "compare.baseline",
                                 "\"%s\" is not a pipeline; expected one of: %s", name,
                                 list->str);
        }
      exp->baseline = g_strdup (name);
    }
  const TdNode *t = get (node, "tests");
  if (t && t->type != TD_NODE_SEQ)
    {
      g_autofree char *what = td_node_describe (t);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, t, "compare.tests",
                             "got %s; expected a list such as [delong, bootstrap]", what);
    }
  for (guint k = 0; t && k < t->items->len; k++)
    {
      g_autofree char *p = td_path_index ("compare.tests", k);
      const char *name;
      if (!td_config_string (t->items->pdata[k], p, &name, error))
        return FALSE;
      if (!g_strv_contains (td_compare_test_names, name))
        {
          const char *close = td_closest_name (name, td_compare_test_names,
                                               g_strv_length ((char **) td_compare_test_names));
          g_autofree char *hint = close ? g_strdup_printf ("did you mean \"%s\"? ", close)
                                        : g_strdup ("");
          return td_config_fail (error, TD_CONFIG_ERROR_VALUE, t->items->pdata[k], p,
                                 "unknown test \"%s\"; %sexpected delong, bootstrap, mcnemar "
                                 "or ttest", name, hint);
        }
      g_ptr_array_add (exp->compare_tests, g_strdup (name));
    }
  const TdNode *bs = get (node, "bootstrap_samples");
  if (bs)
    {
      gint64 v = 0;
      char *end = NULL;
      if (bs->type == TD_NODE_SCALAR && !td_node_is_null (bs))
        v = g_ascii_strtoll (bs->value, &end, 10);
      if (!end || *end || v < 100 || v > 1000000)
        return td_config_fail (error, TD_CONFIG_ERROR_VALUE, bs, "compare.bootstrap_samples",
                               "expected an integer in [100, 1000000]");
      exp->bootstrap_samples = (int) v;
    }
  return TRUE;
}

/* summary: {bootstrap_samples: N} — the percentile bootstrap intervals of
 * summary.csv (run/run_summary.c); 0 leaves them out. */
static gboolean
read_summary (const TdNode *node, TdExperiment *exp, GError **error)
{
  static const char *const keys[] = { "bootstrap_samples", NULL };
  if (!node)
    return TRUE;
  if (node->type != TD_NODE_MAP)
    {
      g_autofree char *what = td_node_describe (node);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, node, "summary",
                             "got %s; expected a mapping such as {bootstrap_samples: 1000}",
                             what);
    }
  if (!td_config_check_keys (node, "summary", keys, error))
    return FALSE;
  const TdNode *bs = get (node, "bootstrap_samples");
  if (bs)
    {
      gint64 v = -1;
      char *end = NULL;
      if (bs->type == TD_NODE_SCALAR && !td_node_is_null (bs))
        v = g_ascii_strtoll (bs->value, &end, 10);
      if (!end || *end || (v != 0 && (v < 100 || v > 1000000)))
        return td_config_fail (error, TD_CONFIG_ERROR_VALUE, bs, "summary.bootstrap_samples",
                               "expected 0 (no bootstrap intervals) or an integer in "
                               "[100, 1000000]");
      exp->summary_bootstrap = (int) v;
    }
  return TRUE;
}

static gboolean
read_experiment (TdRegistry *reg, const TdNode *root, TdExperiment *exp, GError **error)
{
  if (!td_config_check_keys (root, "", top_keys, error))
    return FALSE;
  if (!read_scalars (root, exp, error))
    return FALSE;

  const TdNode *data = get (root, "data");
  if (!data)
    return td_config_fail (error, TD_CONFIG_ERROR_MISSING_KEY, root, "data",
                           "missing; expected data: {generator: NAME, params: {...}}");
  /* A generator simulates data, a source reads files: both are generator plugins. */
  gboolean is_map = data->type == TD_NODE_MAP;
  const TdNode *src = is_map ? get (data, "source") : NULL;
  if (src && get (data, "generator"))
    return td_config_fail (error, TD_CONFIG_ERROR_TYPE, src, "data.source",
                           "beside data.generator; expected one of them");
  if (is_map && !src && !get (data, "generator"))
    return td_config_fail (error, TD_CONFIG_ERROR_MISSING_KEY, data, "data",
                           "no \"generator\" or \"source\" key; expected data: {generator: NAME, "
                           "params: {...}} or data: {source: NAME, params: {path: FILE}}");
  exp->data_key = src ? "source" : "generator";
  TdStageDraft *d = td_config_read_stage (reg, TD_KIND_GENERATOR, data, "data", exp->data_key,
                                          FALSE, error);
  if (!d)
    return FALSE;
  exp->data = td_stage_from_draft (d);
  if (!td_config_resolve_data_files (exp, data, error))
    return FALSE;

  return td_config_read_window (data->type == TD_NODE_MAP ? get (data, "window") : NULL,
                                "data.window", &exp->window, error)
         && td_config_read_split (get (root, "split"), "split", root, &exp->split, error)
         && read_augment (reg, get (root, "augment"), exp, error)
         && read_pipelines (reg, root, exp, error)
         && td_config_read_evaluate (reg, get (root, "evaluate"), root, "evaluate", exp, error)
         && td_config_read_targets (root, exp, error)
         && read_compare (get (root, "compare"), exp, error)
         && read_summary (get (root, "summary"), exp, error)
         && td_config_read_drift (get (root, "drift"), &exp->drift, error)
         && td_config_read_report (reg, get (root, "report"), root, "report", exp->reporters,
                                   error);
}

TdExperiment *
td_experiment_load (const char *path, TdRegistry *reg, const char *const *overrides,
                    GError **error)
{
  g_return_val_if_fail (path && reg, NULL);
  g_autoptr (TdNode) root = td_node_load_file (path, error);
  if (!root || !td_node_apply_overrides (root, overrides, error))
    return NULL;

  g_autoptr (TdExperiment) exp = g_new0 (TdExperiment, 1);
  exp->path = g_strdup (path);
  exp->augment = g_ptr_array_new_with_free_func ((GDestroyNotify) td_stage_free);
  exp->data_files = g_ptr_array_new_with_free_func ((GDestroyNotify) td_data_file_free);
  exp->bootstrap_samples = TD_BOOTSTRAP_SAMPLES_DEFAULT;
  exp->summary_bootstrap = TD_SUMMARY_BOOTSTRAP_DEFAULT;
  exp->pipelines = g_ptr_array_new_with_free_func ((GDestroyNotify) td_pipeline_free);
  exp->metrics = g_ptr_array_new_with_free_func (g_free);
  exp->evaluators = g_ptr_array_new_with_free_func ((GDestroyNotify) td_stage_free);
  exp->compare_tests = g_ptr_array_new_with_free_func (g_free);
  exp->reporters = g_ptr_array_new_with_free_func ((GDestroyNotify) td_stage_free);
  if (!read_experiment (reg, root, exp, error) || !td_config_check_create (exp, error)
      || !td_config_check_layout (exp, error))
    return NULL;

  exp->resolved_yaml = td_config_emit (exp);
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                        exp->resolved_yaml, -1);
  exp->hash = g_strndup (sha, 8);
  return g_steal_pointer (&exp);
}
