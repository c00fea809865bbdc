/* config_eval.c — `evaluate:` (which metrics, from which evaluators) and
 * `report:` (which reporters).
 *
 * evaluate items are metric names ("roc_auc", found through the evaluator
 * that produces it), an evaluator's name ("binary": all its metrics), or an
 * evaluator with parameters ({plugin: binary, threshold: 0.3}). Each
 * evaluator runs once with one set of parameters, so it may be configured
 * only once.
 */
#include "config/config_internal.h"

#include <string.h>

typedef struct {
  TdExperiment *exp;
  GPtrArray *explicit_at;   /* parallel to exp->evaluators: the mapping that configured it, or NULL */
} EvalState;

static const char *const *
evaluator_metrics (const TdPluginEntry *e)
{
  const TdEvaluatorVTable *vt = e->desc->vtable;
  return vt ? vt->metrics : NULL;
}

static gint
find_evaluator (const TdExperiment *exp, const TdPluginEntry *e)
{
  for (guint k = 0; k < exp->evaluators->len; k++)
    if (((TdStage *) exp->evaluators->pdata[k])->entry == e)
      return (gint) k;
  return -1;
}

gboolean
td_experiment_has_metric (const TdExperiment *exp, const char *m)
{
  for (guint k = 0; k < exp->metrics->len; k++)
    if (strcmp (exp->metrics->pdata[k], m) == 0)
      return TRUE;
  return FALSE;
}

static void
add_all_metrics (TdExperiment *exp, const TdPluginEntry *e)
{
  const char *const *ms = evaluator_metrics (e);
  for (size_t k = 0; ms && ms[k]; k++)
    if (!td_experiment_has_metric (exp, ms[k]))
      g_ptr_array_add (exp->metrics, g_strdup (ms[k]));
}

static gboolean
add_evaluator (EvalState *st, TdStage *stage, const TdNode *at, const char *path,
               GError **error)
{
  gint k = find_evaluator (st->exp, stage->entry);
  if (k < 0)
    {
      g_ptr_array_add (st->exp->evaluators, stage);
      g_ptr_array_add (st->explicit_at, (gpointer) at);
      return TRUE;
    }
  if (at && st->explicit_at->pdata[k])
    {
      const TdNode *first = st->explicit_at->pdata[k];
      td_stage_free (stage);
      return td_config_fail (error, TD_CONFIG_ERROR_VALUE, at, path,
                             "evaluator %s is configured twice (first at %d:%d); expected "
                             "one entry per evaluator", ((TdStage *) st->exp->evaluators->pdata[k])
                                                          ->entry->desc->name,
                             first->line, first->col);
    }
  if (at)
    {
      /* Parameters given after the evaluator was pulled in by a metric name. */
      td_stage_free (st->exp->evaluators->pdata[k]);
      st->exp->evaluators->pdata[k] = stage;
      st->explicit_at->pdata[k] = (gpointer) at;
    }
  else
    td_stage_free (stage);
  return TRUE;
}

/* An evaluator or reporter used with its defaults; NULL (error set) when it
 * has a required parameter, which only a mapping can give. */
static TdStage *
default_stage (const TdPluginEntry *e, const TdNode *at, const char *path, GError **error)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (TdParams) params = td_params_new_defaults (e->desc->params, e->desc->n_params,
                                                         &err);
  if (params)
    td_params_check_complete (params, &err);
  if (err)
    {
      td_config_fail (error, TD_CONFIG_ERROR_MISSING_KEY, at, path,
                      "%s %s cannot run with its defaults (%s); expected {plugin: %s, ...} "
                      "with its parameters", td_kind_name (e->desc->kind), e->desc->name,
                      err->message, e->desc->name);
      return NULL;
    }
  TdStage *s = g_new0 (TdStage, 1);
  s->entry = e;
  s->params = g_steal_pointer (&params);
  s->key_path = g_strdup (path);
  s->where = td_node_where (at);
  return s;
}

/* "did you mean ..." or the list of what exists, for an unknown metric. */
static char *
unknown_metric_hint (TdRegistry *reg, const char *name)
{
  g_autoptr (GPtrArray) evs = td_registry_list (reg, TD_KIND_EVALUATOR);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  for (guint k = 0; k < evs->len; k++)
    {
      const TdPluginEntry *e = evs->pdata[k];
      const char *const *ms = evaluator_metrics (e);
      for (size_t j = 0; ms && ms[j]; j++)
        g_ptr_array_add (names, (gpointer) ms[j]);
      g_ptr_array_add (names, (gpointer) e->desc->name);
    }
  const char *close = td_closest_name (name, (const char *const *) names->pdata, names->len);
  if (close)
    return g_strdup_printf ("did you mean \"%s\"?", close);
  g_autoptr (GString) list = g_string_new ("");
  for (guint k = 0; k < names->len; k++)
    g_string_append_printf (list, "%s%s", k ? ", " : "", (const char *) names->pdata[k]);
  return g_strdup_printf ("expected a metric or evaluator among: %s",
                          names->len ? list->str : "(no evaluators installed)");
}

static gboolean
unknown_metric (TdRegistry *reg, const TdNode *item, const char *path, GError **error)
{
  g_autofree char *hint = unknown_metric_hint (reg, item->value);
  return td_config_fail (error, TD_CONFIG_ERROR_PLUGIN, item, path, "unknown metric \"%s\"; %s",
                         item->value, hint);
}

static gboolean
read_item (TdRegistry *reg, EvalState *st, const TdNode *item, const char *path,
           GError **error)
{
  TdExperiment *exp = st->exp;
  if (item->type == TD_NODE_MAP)
    {
      TdStageDraft *d = td_config_read_stage (reg, TD_KIND_EVALUATOR, item, path, "plugin",
                                              FALSE, error);
      if (!d)
        return FALSE;
      const TdPluginEntry *e = d->entry;
      if (!add_evaluator (st, td_stage_from_draft (d), item, path, error))
        return FALSE;
      add_all_metrics (exp, e);
      return TRUE;
    }
  const char *name;
  if (!td_config_string (item, path, &name, error))
    return FALSE;
  const TdPluginEntry *e = td_registry_find_metric (reg, name);
  if (e)
    {
      if (td_experiment_has_metric (exp, name))
        return td_config_fail (error, TD_CONFIG_ERROR_VALUE, item, path,
                               "metric \"%s\" is already listed (or included by its "
                               "evaluator); expected each metric once", name);
      g_ptr_array_add (exp->metrics, g_strdup (name));
      /* Every evaluator producing the name ("accuracy" is binary's and
       * multiclass's): the runner uses the one whose tasks match the data. */
      g_autoptr (GPtrArray) evs = td_registry_list (reg, TD_KIND_EVALUATOR);
      for (guint k = 0; k < evs->len; k++)
        {
          const TdPluginEntry *ev = evs->pdata[k];
          const char *const *ms = evaluator_metrics (ev);
          if (!ms || !g_strv_contains (ms, name))
            continue;
          TdStage *s = default_stage (ev, item, path, error);
          if (!s || !add_evaluator (st, s, NULL, path, error))
            return FALSE;
        }
      return TRUE;
    }
  e = td_registry_find (reg, TD_KIND_EVALUATOR, name);
  if (!e)
    return unknown_metric (reg, item, path, error);
  TdStage *s = default_stage (e, item, path, error);
  if (!s)
    return FALSE;
  add_all_metrics (exp, e);
  return add_evaluator (st, s, NULL, path, error);
}

gboolean
td_config_read_evaluate (TdRegistry *reg, const TdNode *node, const TdNode *root,
                         const char *path, TdExperiment *exp, GError **error)
{
  g_autoptr (GPtrArray) explicit_at = g_ptr_array_new ();
  EvalState st = { exp, explicit_at };
  if (!node || td_node_is_null (node))
    {
      /* The dataset's task is known only once it is generated; the runner
       * skips evaluators whose tasks do not include it. */
      g_autoptr (GPtrArray) evs = td_registry_list (reg, TD_KIND_EVALUATOR);
      for (guint k = 0; k < evs->len; k++)
        {
          TdStage *s = default_stage (evs->pdata[k], root, path, error);
          if (!s)
            return FALSE;
          add_all_metrics (exp, evs->pdata[k]);
          g_ptr_array_add (exp->evaluators, s);
        }
      return TRUE;
    }
  if (node->type != TD_NODE_SEQ)
    {
      g_autofree char *what = td_node_describe (node);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, node, path,
                             "got %s; expected a list such as [roc_auc, pr_auc, f1]", what);
    }
  for (guint k = 0; k < node->items->len; k++)
    {
      g_autofree char *p = td_path_index (path, k);
      if (!read_item (reg, &st, node->items->pdata[k], p, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
td_config_read_report (TdRegistry *reg, const TdNode *node, const TdNode *root,
                       const char *path, GPtrArray *out, GError **error)
{
  if (!node || td_node_is_null (node))
    {
      static const char *const defaults[] = { "csv", "html" };
      for (size_t k = 0; k < G_N_ELEMENTS (defaults); k++)
        {
          const TdPluginEntry *e = td_registry_find (reg, TD_KIND_REPORTER, defaults[k]);
          if (!e)
            return td_config_fail (error, TD_CONFIG_ERROR_PLUGIN, root, path,
                                   "the default reporter %s is not installed; expected "
                                   "report: [...] naming installed reporters, or []",
                                   defaults[k]);
          TdStage *s = default_stage (e, root, path, error);
          if (!s)
            return FALSE;
          g_ptr_array_add (out, s);
        }
      return TRUE;
    }
  if (node->type != TD_NODE_SEQ)
    {
      g_autofree char *what = td_node_describe (node);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, node, path,
                             "got %s; expected a list such as [csv, html]", what);
    }
  for (guint k = 0; k < node->items->len; k++)
    {
      g_autofree char *p = td_path_index (path, k);
      TdStageDraft *d = td_config_read_stage (reg, TD_KIND_REPORTER, node->items->pdata[k], p,
                                              "plugin", FALSE, error);
      if (!d)
        return FALSE;
      for (guint j = 0; j < out->len; j++)
        if (((TdStage *) out->pdata[j])->entry == d->entry)
          {
            const TdNode *at = node->items->pdata[k];
            td_stage_draft_free (d);
            return td_config_fail (error, TD_CONFIG_ERROR_VALUE, at, p,
                                   "reporter listed twice (also %s[%u]); expected each "
                                   "reporter once", path, j);
          }
      g_ptr_array_add (out, td_stage_from_draft (d));
    }
  return TRUE;
}

gboolean
td_experiment_add_metrics (TdExperiment *exp, TdRegistry *reg, const char *const *names,
                           GError **error)
{
  for (size_t k = 0; names && names[k]; k++)
    {
      const char *name = names[k];
      if (td_experiment_has_metric (exp, name))
        continue;
      if (!td_registry_find_metric (reg, name))
        {
          g_autofree char *hint = unknown_metric_hint (reg, name);
          g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_PLUGIN,
                       "--metrics: unknown metric \"%s\"; %s", name, hint);
          return FALSE;
        }
      gboolean have = FALSE;
      for (guint e = 0; e < exp->evaluators->len && !have; e++)
        {
          const char *const *ms = evaluator_metrics (((TdStage *) exp->evaluators->pdata[e])->entry);
          have = ms && g_strv_contains (ms, name);
        }
      /* As a metric named in evaluate: every evaluator producing it, with
       * its defaults; the runner uses the one whose tasks match the data. */
      g_autoptr (GPtrArray) evs = td_registry_list (reg, TD_KIND_EVALUATOR);
      for (guint e = 0; !have && e < evs->len; e++)
        {
          const TdPluginEntry *ev = evs->pdata[e];
          const char *const *ms = evaluator_metrics (ev);
          if (!ms || !g_strv_contains (ms, name) || find_evaluator (exp, ev) >= 0)
            continue;
          g_autoptr (GError) err = NULL;
          g_autoptr (TdParams) params = td_params_new_defaults (ev->desc->params,
                                                                 ev->desc->n_params, &err);
          if (params)
            td_params_check_complete (params, &err);
          if (err)
            {
              g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_MISSING_KEY,
                           "--metrics: %s comes from evaluator %s, which cannot run with its "
                           "defaults (%s)", name, ev->desc->name, err->message);
              return FALSE;
            }
          TdStage *st = g_new0 (TdStage, 1);
          st->entry = ev;
          st->params = g_steal_pointer (&params);
          st->key_path = g_strdup_printf ("evaluate(added).%s", ev->desc->name);
          g_ptr_array_add (exp->evaluators, st);
        }
      g_ptr_array_add (exp->metrics, g_strdup (name));
      exp->n_added_metrics++;
    }
  return TRUE;
}
