/* config_create.c — every feature and model of the experiment created and
 * destroyed once, on a throwaway context, while loading; every other stage
 * whose plugin offers TD_EXT_CHECK_PARAMS checked with it.
 *
 * The specs cannot say everything a plugin checks (a statistics list that
 * must not be empty, parameters that only make sense together); create is
 * where a plugin says the rest. Asking it here turns "valid, then every
 * trial fails" into one error at the stage's line. plugin.h requires create
 * to be cheap and free of side effects, so this costs nothing worth caching
 * beyond skipping repeats of the same stage.
 */
#include "config/config_internal.h"

#include <string.h>

/* TD_EXT_CHECK_PARAMS of a plugin without create, or NULL. */
static const TdCheckParamsExt *
check_ext (const TdPluginDescriptor *d)
{
  const void *(*ext) (const char *) = NULL;
  switch (d->kind)
    {
    case TD_KIND_GENERATOR: ext = ((const TdGeneratorVTable *) d->vtable)->extension; break;
    case TD_KIND_AUGMENT: ext = ((const TdAugmentVTable *) d->vtable)->extension; break;
    case TD_KIND_EVALUATOR: ext = ((const TdEvaluatorVTable *) d->vtable)->extension; break;
    case TD_KIND_REPORTER: ext = ((const TdReporterVTable *) d->vtable)->extension; break;
    case TD_KIND_FEATURE:
    case TD_KIND_MODEL:
    case TD_N_KINDS:
      break;
    }
  return ext ? ext (TD_EXT_CHECK_PARAMS) : NULL;
}

/* The stage's variant, when the pipeline has several, for the message. */
static gboolean
try_stage (const TdStage *s, const char *label, gboolean variant, GHashTable *seen,
           GError **error)
{
  const TdPluginDescriptor *d = s->entry->desc;
  const TdCheckParamsExt *check = check_ext (d);
  if (d->kind != TD_KIND_FEATURE && d->kind != TD_KIND_MODEL && !(check && check->check))
    return TRUE;
  g_autofree char *params = td_params_to_text (s->params);
  char *key = g_strdup_printf ("%d %s %s", d->kind, d->name, params);
  if (!g_hash_table_add (seen, key))
    return TRUE;

  g_autoptr (TdContext) ctx = td_context_new (0);
  g_autoptr (GError) e = NULL;
  gboolean ok;
  if (check && check->check)
    ok = check->check (s->params, &e);
  else if (d->kind == TD_KIND_FEATURE)
    {
      const TdFeatureVTable *vt = d->vtable;
      TdFeature *f = vt->create (s->params, ctx, &e);
      ok = f != NULL;
      if (f)
        vt->destroy (f);
    }
  else
    {
      const TdModelVTable *vt = d->vtable;
      TdModel *m = vt->create (s->params, ctx, &e);
      ok = m != NULL;
      if (m)
        vt->destroy (m);
    }
  if (ok)
    return TRUE;
  g_autofree char *in = variant ? g_strdup_printf (" in variant %s", label) : g_strdup ("");
  g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
               "%s: %s: %s %s refused its parameters%s: %s; expected parameters the plugin "
               "accepts (tundish inspect %s)", s->where, s->key_path, td_kind_name (d->kind),
               d->name, in, e ? e->message : "create failed without a message", d->name);
  return FALSE;
}

gboolean
td_config_check_create (const TdExperiment *exp, GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!try_stage (exp->data, NULL, FALSE, seen, error))
    return FALSE;
  GPtrArray *lists[] = { exp->augment, exp->evaluators, exp->reporters };
  for (size_t l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint k = 0; k < lists[l]->len; k++)
      if (!try_stage (lists[l]->pdata[k], NULL, FALSE, seen, error))
        return FALSE;
  for (guint p = 0; p < exp->pipelines->len; p++)
    {
      const TdPipeline *pl = exp->pipelines->pdata[p];
      gboolean variant = *pl->variant != '\0';
      for (guint k = 0; k < pl->augment->len; k++)
        if (!try_stage (pl->augment->pdata[k], pl->label, variant, seen, error))
          return FALSE;
      for (guint k = 0; k < pl->features->len; k++)
        if (!try_stage (pl->features->pdata[k], pl->label, variant, seen, error))
          return FALSE;
      if (!try_stage (pl->model, pl->label, variant, seen, error))
        return FALSE;
    }
  return TRUE;
}
