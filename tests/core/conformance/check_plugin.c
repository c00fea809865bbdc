/* check_plugin.c — what every plugin must show, whatever its kind: a
 * complete descriptor whose defaults respect their own specs, example_params
 * that apply, and (features, models) a create that accepts them. */
#include "conformance.h"

static void
check_descriptor (const TdPluginEntry *en)
{
  g_autoptr (GError) e = NULL;
  gboolean ok = td_descriptor_check (en->desc, en->path, &e);
  CONF_REQUIRE_OK (en, ok, e, "the descriptor check");
  /* The registry checked each default alone; all of them together must
   * make a parameter set too, or the plugin is only usable from YAML. */
  g_autoptr (TdParams) defaults = td_params_new_defaults (en->desc->params, en->desc->n_params, &e);
  CONF_REQUIRE_OK (en, defaults != NULL, e, "the defaults");
  for (size_t k = 0; k < en->desc->n_params; k++)
    {
      const TdParamSpec *s = &en->desc->params[k];
      if (!s->default_value && s->type != TD_PARAM_PATH && s->type != TD_PARAM_PATH_LIST)
        {
          gboolean given = FALSE;
          g_autofree char *prefix = g_strdup_printf ("%s=", s->name);
          for (size_t i = 0; en->desc->example_params && en->desc->example_params[i]; i++)
            given |= g_str_has_prefix (en->desc->example_params[i], prefix);
          CONF_REQUIRE (en, given,
                        "parameter \"%s\" is required but example_params gives it no value, so "
                        "no tool can create the plugin unattended", s->name);
        }
    }
  g_autoptr (TdParams) p = conf_params (en);
  CONF_REQUIRE (en, p != NULL, "no parameters");
}

/* create then destroy, for the kinds that have them. */
static void
create_once (const TdPluginEntry *en, const TdParams *p, const char *what)
{
  g_autoptr (TdContext) ctx = conf_context (1, 1);
  g_autoptr (GError) e = NULL;
  if (en->desc->kind == TD_KIND_FEATURE)
    {
      const TdFeatureVTable *v = en->desc->vtable;
      TdFeature *f = v->create (p, ctx, &e);
      CONF_REQUIRE_OK (en, f != NULL, e, what);
      v->destroy (f);
    }
  else if (en->desc->kind == TD_KIND_MODEL)
    {
      const TdModelVTable *v = en->desc->vtable;
      TdModel *m = v->create (p, ctx, &e);
      CONF_REQUIRE_OK (en, m != NULL, e, what);
      v->destroy (m);
    }
}

static void
check_create (const TdPluginEntry *en)
{
  g_autoptr (TdParams) p = conf_params (en);
  if (!p)
    return;
  create_once (en, p, "create with the example parameters");
  /* The defaults alone must work too when nothing is required: they are
   * what an experiment that names only the plugin gets. */
  g_autoptr (TdParams) d = td_testing_params_strv (en->desc, NULL, NULL);
  if (d)
    create_once (en, d, "create with the defaults");
}

const ConfCheck conf_plugin_checks[] = {
  { "descriptor", check_descriptor },
  { "create", check_create },
  { NULL, NULL },
};
