/* config_check.c — small schema checks shared by the config readers. */
#include "config/config_internal.h"

#include <string.h>

gboolean
td_config_unknown_key (GError **error, const TdNode *key, const char *path,
                       const char *what, const char *owner, const char *const *known,
                       size_t n_known)
{
  g_autofree char *of = owner ? g_strdup_printf (" of %s", owner) : g_strdup ("");
  const char *close = td_closest_name (key->value, known, n_known);
  if (close)
    return td_config_fail (error, TD_CONFIG_ERROR_UNKNOWN_KEY, key, path,
                           "unknown %s \"%s\"%s; did you mean \"%s\"?", what, key->value, of,
                           close);
  g_autoptr (GString) list = g_string_new ("");
  for (size_t k = 0; k < n_known; k++)
    g_string_append_printf (list, "%s%s", k ? ", " : "", known[k]);
  return td_config_fail (error, TD_CONFIG_ERROR_UNKNOWN_KEY, key, path,
                         "unknown %s \"%s\"%s; expected one of: %s", what, key->value, of,
                         n_known ? list->str : "(none)");
}

gboolean
td_config_check_keys (const TdNode *map, const char *path, const char *const *allowed,
                      GError **error)
{
  for (guint k = 0; k < map->keys->len; k++)
    {
      const TdNode *key = map->keys->pdata[k];
      if (g_strv_contains (allowed, key->value))
        continue;
      g_autofree char *p = td_path_key (path, key->value);
      return td_config_unknown_key (error, key, p, "key", NULL, allowed,
                                    g_strv_length ((char **) allowed));
    }
  return TRUE;
}

gboolean
td_config_string (const TdNode *node, const char *path, const char **out, GError **error)
{
  if (node->type != TD_NODE_SCALAR || td_node_is_null (node) || !*node->value)
    {
      g_autofree char *what = td_node_describe (node);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, node, path,
                             "got %s; expected a name", what);
    }
  *out = node->value;
  return TRUE;
}

/* Experiment and pipeline names become folder names (reports/<experiment>/,
 * trials/<pipeline>/): one path component that stays where it is put. */
#define MAX_NAME 100

gboolean
td_config_check_name (const TdNode *node, const char *path, const char *what, GError **error)
{
  const char *s;
  if (!td_config_string (node, path, &s, error))
    return FALSE;
  g_autofree char *shown = td_excerpt (s, -1);
  for (const char *c = s; *c; c++)
    if (!(g_ascii_isalnum (*c) || *c == '_' || *c == '.' || *c == '-'))
      return td_config_fail (error, TD_CONFIG_ERROR_VALUE, node, path,
                             "\"%s\" has characters outside [A-Za-z0-9_.-]; expected %s that "
                             "can be a folder name", shown, what);
  if (strcmp (s, ".") == 0 || strcmp (s, "..") == 0)
    return td_config_fail (error, TD_CONFIG_ERROR_VALUE, node, path,
                           "\"%s\" names the current or the parent folder, so the run would "
                           "be written outside its place; expected %s that is a folder of "
                           "its own", s, what);
  if (strlen (s) > MAX_NAME)
    return td_config_fail (error, TD_CONFIG_ERROR_VALUE, node, path,
                           "\"%s\" is %zu characters long; expected %s of at most %d",
                           shown, strlen (s), what, MAX_NAME);
  return TRUE;
}
