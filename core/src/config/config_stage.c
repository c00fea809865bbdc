/* config_stage.c — one plugin use (`zscore`, `{plugin: window, minutes: 10}`,
 * `{plugin: xgboost, params: {...}}`) checked against the plugin's specs.
 *
 * Values go through td_params_set_text, the same code that parses defaults,
 * so what the config accepts is exactly what the plugin will see. A list
 * where the spec expects one value (a list of lists for *_LIST types) is a
 * sweep: every value is validated here, and the caller expands the grid.
 */
#include "config/config_internal.h"

#include <string.h>

void
td_stage_free (TdStage *stage)
{
  if (!stage)
    return;
  td_params_free (stage->params);
  g_free (stage->key_path);
  g_free (stage->where);
  g_free (stage);
}

static void
sweep_free (TdSweep *s)
{
  g_ptr_array_unref (s->texts);
  g_ptr_array_unref (s->shown);
  g_free (s->path);
  g_free (s);
}

void
td_stage_draft_free (TdStageDraft *d)
{
  if (!d)
    return;
  td_params_free (d->params);
  g_free (d->key_path);
  g_free (d->local_path);
  g_ptr_array_unref (d->sweeps);
  g_free (d);
}

TdStage *
td_stage_from_draft (TdStageDraft *d)
{
  TdStage *s = g_new0 (TdStage, 1);
  s->entry = d->entry;
  s->params = g_steal_pointer (&d->params);
  s->key_path = g_steal_pointer (&d->key_path);
  s->where = td_node_where (d->where);
  td_stage_draft_free (d);
  return s;
}

static gboolean
is_list_type (TdParamType t)
{
  return t == TD_PARAM_INT_LIST || t == TD_PARAM_DOUBLE_LIST || t == TD_PARAM_STRING_LIST
         || t == TD_PARAM_PATH_LIST;
}

static const char *
type_example (TdParamType t)
{
  switch (t)
    {
    case TD_PARAM_INT: return "an integer";
    case TD_PARAM_DOUBLE: return "a number";
    case TD_PARAM_BOOL: return "true or false";
    case TD_PARAM_STRING: return "a string";
    case TD_PARAM_ENUM: return "one of the choices";
    case TD_PARAM_INT_LIST: return "a list of integers such as [1, 2]";
    case TD_PARAM_DOUBLE_LIST: return "a list of numbers such as [0.1, 0.2]";
    case TD_PARAM_STRING_LIST: return "a list of strings such as [a, b]";
    case TD_PARAM_PARAMS: return "a mapping of parameters such as {stats: [mean, max]}";
    case TD_PARAM_PATH: return "a path (relative to the experiment file)";
    case TD_PARAM_PATH_LIST: return "a list of paths such as [a.csv, b.csv]";
    }
  return "a value";
}

/* params.c prefixes its messages with the parameter name, which the key
 * path already shows. */
static gboolean
set_value (TdParams *params, const TdParamSpec *spec, const char *text, const TdNode *at,
           const char *path, GError **error)
{
  g_autoptr (GError) e = NULL;
  if (td_params_set_text (params, spec->name, text, &e))
    return TRUE;
  const char *msg = e->message;
  size_t n = strlen (spec->name);
  if (strncmp (msg, spec->name, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
    msg += n + 2;
  return td_config_fail (error, TD_CONFIG_ERROR_VALUE, at, path, "%s", msg);
}

/* set_value for a value node; a bad item of a list is reported at the item. */
static gboolean
set_node (TdParams *params, const TdParamSpec *spec, const char *text, const TdNode *node,
          const char *path, GError **error)
{
  g_autoptr (GError) whole = NULL;
  if (set_value (params, spec, text, node, path, &whole))
    return TRUE;
  if (node->type == TD_NODE_SEQ)
    {
      g_autoptr (TdParams) scratch = td_params_copy (params);
      for (guint k = 0; k < node->items->len; k++)
        {
          const TdNode *it = node->items->pdata[k];
          g_autofree char *p = td_path_index (path, k);
          g_autofree char *one = g_strdup_printf ((spec->type == TD_PARAM_STRING_LIST
                                                   || spec->type == TD_PARAM_PATH_LIST)
                                                  ? "[\"%s\"]" : "[%s]", it->value);
          if (!set_value (scratch, spec, one, it, p, error))
            return FALSE;
        }
    }
  g_propagate_error (error, g_steal_pointer (&whole));
  return FALSE;
}

/* Text for td_params_set_text from one scalar node (spec of a scalar type). */
static gboolean
scalar_text (const TdParamSpec *spec, const TdNode *node, const char *path, char **out,
             GError **error)
{
  if (node->type != TD_NODE_SCALAR || td_node_is_null (node))
    {
      g_autofree char *what = td_node_describe (node);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, node, path, "got %s; expected %s",
                             what, type_example (spec->type));
    }
  /* params.c strips one pair of quotes; wrapping strings keeps a value that
   * itself starts and ends with a quote intact. */
  if (spec->type == TD_PARAM_STRING || spec->type == TD_PARAM_ENUM)
    *out = g_strdup_printf ("\"%s\"", node->value);
  else
    *out = g_strdup (node->value);
  return TRUE;
}

/* Flow-sequence text from a list of scalars (spec of a list type). */
static gboolean
list_text (const TdParamSpec *spec, const TdNode *seq, const char *path, char **out,
           GError **error)
{
  g_autoptr (GString) s = g_string_new ("[");
  for (guint k = 0; k < seq->items->len; k++)
    {
      const TdNode *it = seq->items->pdata[k];
      g_autofree char *p = td_path_index (path, k);
      if (it->type != TD_NODE_SCALAR || td_node_is_null (it))
        {
          g_autofree char *what = td_node_describe (it);
          return td_config_fail (error, TD_CONFIG_ERROR_TYPE, it, p,
                                 "got %s; expected %s (a list of lists sweeps)", what,
                                 type_example (spec->type));
        }
      if (strchr (it->value, ','))
        return td_config_fail (error, TD_CONFIG_ERROR_VALUE, it, p,
                               "\"%s\" contains ','; expected list items without commas",
                               it->value);
      if (k)
        g_string_append (s, ", ");
      if (spec->type == TD_PARAM_STRING_LIST || spec->type == TD_PARAM_PATH_LIST)
        g_string_append_printf (s, "\"%s\"", it->value);
      else
        g_string_append (s, it->value);
    }
  g_string_append_c (s, ']');
  *out = g_string_free (g_steal_pointer (&s), FALSE);
  return TRUE;
}

/* The value as the user wrote it, for variant names. */
static char *
shown_text (const TdNode *node)
{
  if (node->type == TD_NODE_SCALAR)
    return g_strdup (node->value);
  g_autoptr (GString) s = g_string_new ("[");
  for (guint k = 0; node->items && k < node->items->len; k++)
    {
      g_autofree char *t = shown_text (node->items->pdata[k]);
      g_string_append_printf (s, "%s%s", k ? "," : "", t);
    }
  g_string_append_c (s, ']');
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static gboolean
is_sweep (const TdParamSpec *spec, const TdNode *value)
{
  if (value->type != TD_NODE_SEQ)
    return FALSE;
  if (!is_list_type (spec->type))
    return TRUE;
  return value->items->len > 0
         && ((const TdNode *) value->items->pdata[0])->type == TD_NODE_SEQ;
}

static gboolean
value_text (const TdParamSpec *spec, const TdNode *value, const char *path, char **out,
            GError **error)
{
  if (is_list_type (spec->type) && value->type == TD_NODE_SEQ)
    return list_text (spec, value, path, out, error);
  if (is_list_type (spec->type) && value->type == TD_NODE_SCALAR && !td_node_is_null (value))
    {
      *out = g_strdup (value->value);
      return TRUE;
    }
  if (is_list_type (spec->type))
    {
      g_autofree char *what = td_node_describe (value);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, value, path, "got %s; expected %s",
                             what, type_example (spec->type));
    }
  return scalar_text (spec, value, path, out, error);
}

static gboolean
read_sweep (TdStageDraft *d, const TdParamSpec *spec, const TdNode *value, const char *path,
            GError **error)
{
  if (value->items->len == 0)
    return td_config_fail (error, TD_CONFIG_ERROR_VALUE, value, path,
                           "empty sweep list; expected %s or a non-empty list of them",
                           type_example (spec->type));
  g_autoptr (TdParams) scratch = td_params_copy (d->params);
  g_autoptr (GPtrArray) canon = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  TdSweep *sw = g_new0 (TdSweep, 1);
  sw->name = spec->name;
  sw->texts = g_ptr_array_new_with_free_func (g_free);
  sw->shown = g_ptr_array_new_with_free_func (g_free);
  sw->where = value;
  sw->path = g_strdup (path);
  g_ptr_array_add (d->sweeps, sw);
  for (guint k = 0; k < value->items->len; k++)
    {
      const TdNode *it = value->items->pdata[k];
      g_autofree char *p = td_path_index (path, k);
      char *text = NULL;
      if (is_list_type (spec->type) && it->type != TD_NODE_SEQ)
        {
          g_autofree char *what = td_node_describe (it);
          return td_config_fail (error, TD_CONFIG_ERROR_TYPE, it, p,
                                 "got %s in a sweep of lists; expected every item to be %s",
                                 what, type_example (spec->type));
        }
      if (!value_text (spec, it, p, &text, error))
        return FALSE;
      g_ptr_array_add (sw->texts, text);
      if (!set_node (scratch, spec, text, it, p, error))
        return FALSE;
      char *c = td_params_value_text (scratch, spec->name);
      gpointer first;
      if (g_hash_table_lookup_extended (seen, c, NULL, &first))
        {
          g_free (c);
          g_autofree char *shown = td_excerpt (it->type == TD_NODE_SCALAR ? it->value
                                                                       : "this list", -1);
          return td_config_fail (error, TD_CONFIG_ERROR_VALUE, it, p,
                                 "%s repeats item %u of the sweep; expected distinct values",
                                 shown, GPOINTER_TO_UINT (first));
        }
      g_ptr_array_add (canon, c);
      /* a hash, not a scan: a 10,000-value sweep is checked in linear time */
      g_hash_table_insert (seen, c, GUINT_TO_POINTER (k));
      g_ptr_array_add (sw->shown, shown_text (it));
    }
  /* A single value does not vary: it is a plain setting, not a sweep. */
  gboolean ok = set_value (d->params, spec, sw->texts->pdata[0], value, path, error);
  if (ok && sw->texts->len == 1)
    g_ptr_array_remove (d->sweeps, sw);
  return ok;
}

/* A TD_PARAM_PARAMS value waiting for the parameter that names its plugin. */
typedef struct {
  const TdParamSpec *spec;
  const TdNode *value;
  char *path;
} Nested;

static void
nested_clear (gpointer p)
{
  g_free (((Nested *) p)->path);
}

static gboolean
read_param (TdStageDraft *d, GHashTable *given, const TdNode *key, const TdNode *value,
            const char *path, gboolean allow_sweep, const char *const *extra_keys,
            GArray *d_nested, GError **error)
{
  const TdPluginDescriptor *desc = d->entry->desc;
  const TdParamSpec *spec = NULL;
  for (size_t k = 0; k < desc->n_params; k++)
    if (strcmp (desc->params[k].name, key->value) == 0)
      spec = &desc->params[k];
  if (!spec)
    {
      g_autoptr (GPtrArray) known = g_ptr_array_new ();
      for (size_t k = 0; k < desc->n_params; k++)
        g_ptr_array_add (known, (gpointer) desc->params[k].name);
      for (size_t k = 0; extra_keys && extra_keys[k]; k++)
        g_ptr_array_add (known, (gpointer) extra_keys[k]);
      g_autofree char *owner = g_strdup_printf ("%s %s", td_kind_name (desc->kind), desc->name);
      return td_config_unknown_key (error, key, path, "parameter", owner,
                                    (const char *const *) known->pdata, known->len);
    }
  g_hash_table_add (given, (gpointer) spec->name);
  if (spec->type == TD_PARAM_PARAMS)
    {
      /* Read once every other parameter is known: the plugin they belong to
       * is named by one of those (read_nested). */
      Nested n = { spec, value, g_strdup (path) };
      g_array_append_val (d_nested, n);
      return TRUE;
    }
  if (is_sweep (spec, value))
    {
      if (!allow_sweep)
        return td_config_fail (error, TD_CONFIG_ERROR_TYPE, value, path,
                               "got a list, which sweeps a parameter, and only pipeline "
                               "features and models may sweep; expected %s",
                               type_example (spec->type));
      return read_sweep (d, spec, value, path, error);
    }
  g_autofree char *text = NULL;
  if (!value_text (spec, value, path, &text, error))
    return FALSE;
  return set_node (d->params, spec, text, value, path, error);
}

static int
cmp_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Another plugin's parameters (TD_PARAM_PARAMS): a mapping checked against
 * that plugin's specs exactly as its own stage would be (did-you-mean, types,
 * ranges), then stored as canonical text: the keys given, sorted. */
static gboolean
read_nested (TdRegistry *reg, TdStageDraft *d, const Nested *n, GError **error)
{
  const TdParamSpec *spec = n->spec;
  for (guint k = 0; k < d->sweeps->len; k++)
    if (strcmp (((TdSweep *) d->sweeps->pdata[k])->name, spec->params_of) == 0)
      return td_config_fail (error, TD_CONFIG_ERROR_VALUE, n->value, n->path,
                             "%s sweeps, and these parameters belong to one plugin; expected "
                             "one %s beside %s (or one pipeline per %s)", spec->params_of,
                             spec->params_of, spec->name, spec->params_of);
  const char *name = td_params_get_string (d->params, spec->params_of);
  TdKind kind = d->entry->desc->kind;
  const TdPluginEntry *of = td_registry_find (reg, kind, name);
  if (!of)
    return td_config_fail (error, TD_CONFIG_ERROR_PLUGIN, n->value, n->path,
                           "%s \"%s\" is not an installed %s plugin, so its parameters "
                           "cannot be checked; expected one that `tundish plugins %s` lists",
                           spec->params_of, name, td_kind_name (kind), td_kind_name (kind));
  if (td_node_is_null (n->value))
    return TRUE;
  if (n->value->type != TD_NODE_MAP)
    {
      g_autofree char *what = td_node_describe (n->value);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, n->value, n->path,
                             "got %s; expected a mapping of %s's parameters such as "
                             "{%s: VALUE}", what, name,
                             of->desc->n_params ? of->desc->params[0].name : "name");
    }
  g_autoptr (TdStageDraft) inner = g_new0 (TdStageDraft, 1);
  inner->entry = of;
  inner->sweeps = g_ptr_array_new ();
  g_autoptr (GError) e = NULL;
  inner->params = td_params_new_defaults (of->desc->params, of->desc->n_params, &e);
  if (!inner->params)
    return td_config_fail (error, TD_CONFIG_ERROR_PLUGIN, n->value, n->path,
                           "plugin %s has a bad parameter default (%s)", name, e->message);
  g_autoptr (GHashTable) given = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GArray) deeper = g_array_new (FALSE, TRUE, sizeof (Nested));
  g_array_set_clear_func (deeper, nested_clear);
  for (guint k = 0; k < n->value->keys->len; k++)
    {
      const TdNode *key = n->value->keys->pdata[k];
      g_autofree char *p = td_path_key (n->path, key->value);
      if (!read_param (inner, given, key, n->value->items->pdata[k], p, FALSE, NULL, deeper,
                       error))
        return FALSE;
    }
  if (deeper->len)
    return td_config_fail (error, TD_CONFIG_ERROR_VALUE, n->value, n->path,
                           "%s's own plugin parameters cannot nest here; expected plain "
                           "values", name);
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  for (size_t k = 0; k < of->desc->n_params; k++)
    if (g_hash_table_contains (given, of->desc->params[k].name))
      g_ptr_array_add (keys, (gpointer) of->desc->params[k].name);
  g_ptr_array_sort (keys, cmp_names);
  g_autoptr (GString) text = g_string_new ("{");
  for (guint k = 0; k < keys->len; k++)
    {
      g_autofree char *v = td_params_value_text (inner->params, keys->pdata[k]);
      g_string_append_printf (text, "%s%s: %s", k ? ", " : "", (const char *) keys->pdata[k], v);
    }
  g_string_append_c (text, '}');
  return set_value (d->params, spec, text->str, n->value, n->path, error);
}

static gboolean
plugin_error (GError **error, TdRegistry *reg, TdKind kind, const char *name,
              const TdNode *at, const char *path)
{
  g_autoptr (GError) e = NULL;
  if (td_registry_require (reg, kind, name, &e))
    return TRUE;
  /* Naming a plugin of another kind is a common slip worth spelling out. */
  for (int k = 0; k < TD_N_KINDS; k++)
    if ((TdKind) k != kind && td_registry_find (reg, (TdKind) k, name))
      return td_config_fail (error, TD_CONFIG_ERROR_PLUGIN, at, path,
                             "\"%s\" is a %s plugin; expected a %s plugin", name,
                             td_kind_name ((TdKind) k), td_kind_name (kind));
  return td_config_fail (error, TD_CONFIG_ERROR_PLUGIN, at, path, "%s", e->message);
}

TdStageDraft *
td_config_read_stage (TdRegistry *reg, TdKind kind, const TdNode *node, const char *path,
                      const char *plugin_key, gboolean allow_sweep, GError **error)
{
  const TdNode *name_node = node, *params = NULL;
  g_autofree char *name_path = g_strdup (path);
  if (node->type == TD_NODE_MAP)
    {
      name_node = td_node_map_get (node, plugin_key, NULL);
      if (!name_node)
        {
          td_config_fail (error, TD_CONFIG_ERROR_MISSING_KEY, node, path,
                          "no \"%s\" key; expected {%s: NAME, ...parameters}", plugin_key,
                          plugin_key);
          return NULL;
        }
      g_free (name_path);
      name_path = td_path_key (path, plugin_key);
      params = td_node_map_get (node, "params", NULL);
    }
  if (name_node->type != TD_NODE_SCALAR || td_node_is_null (name_node) || !*name_node->value)
    {
      g_autofree char *what = td_node_describe (name_node);
      td_config_fail (error, TD_CONFIG_ERROR_TYPE, name_node, name_path,
                      "got %s; expected a %s name or {%s: NAME, ...parameters}", what,
                      td_kind_name (kind), plugin_key);
      return NULL;
    }
  if (!plugin_error (error, reg, kind, name_node->value, name_node, name_path))
    return NULL;

  g_autoptr (TdStageDraft) d = g_new0 (TdStageDraft, 1);
  d->entry = td_registry_find (reg, kind, name_node->value);
  d->key_path = g_strdup (path);
  d->where = node;
  d->sweeps = g_ptr_array_new_with_free_func ((GDestroyNotify) sweep_free);
  g_autoptr (GError) e = NULL;
  d->params = td_params_new_defaults (d->entry->desc->params, d->entry->desc->n_params, &e);
  if (!d->params)
    {
      td_config_fail (error, TD_CONFIG_ERROR_PLUGIN, name_node, name_path,
                      "plugin %s has a bad parameter default (%s); expected a fixed plugin",
                      name_node->value, e->message);
      return NULL;
    }

  g_autoptr (GHashTable) given = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GArray) nested = g_array_new (FALSE, TRUE, sizeof (Nested));
  g_array_set_clear_func (nested, nested_clear);
  if (node->type == TD_NODE_MAP)
    {
      /* data: also holds window: (config_window.c), which is not a parameter */
      gboolean data = kind == TD_KIND_GENERATOR;
      const char *const extra[] = { plugin_key, "params", data ? "window" : NULL, NULL };
      for (guint k = 0; k < node->keys->len; k++)
        {
          const TdNode *key = node->keys->pdata[k];
          if (strcmp (key->value, plugin_key) == 0 || strcmp (key->value, "params") == 0
              || (data && strcmp (key->value, "window") == 0))
            continue;
          g_autofree char *p = td_path_key (path, key->value);
          if (params)
            {
              td_config_fail (error, TD_CONFIG_ERROR_TYPE, key, p,
                              "a parameter beside \"params:\"; expected parameters either "
                              "inline or under params:, not both");
              return NULL;
            }
          if (!read_param (d, given, key, node->items->pdata[k], p, allow_sweep, extra, nested,
                           error))
            return NULL;
        }
      if (params && params->type != TD_NODE_MAP && !td_node_is_null (params))
        {
          g_autofree char *what = td_node_describe (params);
          g_autofree char *p = td_path_key (path, "params");
          td_config_fail (error, TD_CONFIG_ERROR_TYPE, params, p,
                          "got %s; expected a mapping of parameters", what);
          return NULL;
        }
      if (params && params->type == TD_NODE_MAP)
        {
          g_autofree char *pp = td_path_key (path, "params");
          for (guint k = 0; k < params->keys->len; k++)
            {
              const TdNode *key = params->keys->pdata[k];
              g_autofree char *p = td_path_key (pp, key->value);
              if (!read_param (d, given, key, params->items->pdata[k], p, allow_sweep, NULL,
                               nested, error))
                return NULL;
            }
        }
    }

  for (guint k = 0; k < nested->len; k++)
    if (!read_nested (reg, d, &g_array_index (nested, Nested, k), error))
      return NULL;

  const TdPluginDescriptor *desc = d->entry->desc;
  for (size_t k = 0; k < desc->n_params; k++)
    if (!desc->params[k].default_value && !g_hash_table_contains (given, desc->params[k].name))
      {
        td_config_fail (error, TD_CONFIG_ERROR_MISSING_KEY, node, path,
                        "required parameter \"%s\" (%s) of %s %s is missing; expected "
                        "%s: VALUE among its parameters", desc->params[k].name,
                        td_param_type_name (desc->params[k].type), td_kind_name (kind),
                        desc->name, desc->params[k].name);
        return NULL;
      }
  g_autoptr (GError) missing = NULL;
  if (!td_params_check_complete (d->params, &missing))
    {
      td_config_fail (error, TD_CONFIG_ERROR_MISSING_KEY, node, path, "%s; expected a value",
                      missing->message);
      return NULL;
    }
  return g_steal_pointer (&d);
}
