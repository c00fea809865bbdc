/* config_window.c — the `data: {window: ...}` block: cut every recording
 * into labelled windows after the data is loaded (data/window.c).
 *
 * Like split:, a key that does not apply is an error (horizon without
 * label: ahead). What only the data can tell (per-step labels for a label
 * rule, a partition column for test_windows: last) is checked when the
 * windows are cut, at the positions kept in TdWindowSpec.
 */
#include "config/config_internal.h"

#include <string.h>

static const char *const label_names[] = {
  [TD_WINDOW_LABEL_LAST] = "last",
  [TD_WINDOW_LABEL_ANY] = "any",
  [TD_WINDOW_LABEL_MAJORITY] = "majority",
  [TD_WINDOW_LABEL_AHEAD] = "ahead",
  [TD_WINDOW_LABEL_SERIES] = "series",
  NULL,
};

const char *
td_window_label_name (TdWindowLabel label)
{
  return (size_t) label < G_N_ELEMENTS (label_names) - 1 ? label_names[label] : "?";
}

void
td_window_spec_clear (TdWindowSpec *spec)
{
  g_clear_pointer (&spec->where_label, g_free);
  g_clear_pointer (&spec->where_test, g_free);
  g_clear_pointer (&spec->where_length, g_free);
}

static char *
where (const TdNode *n)
{
  return g_strdup_printf ("%s:%d:%d", n->file, n->line, n->col);
}

/* One of names (NULL-terminated) into *out, with did-you-mean. */
static gboolean
read_choice (const TdNode *map, const char *key, const char *path,
             const char *const *names, int *out, GError **error)
{
  const TdNode *v = td_node_map_get (map, key, NULL);
  if (!v)
    return TRUE;
  g_autofree char *p = td_path_key (path, key);
  const char *name;
  if (!td_config_string (v, p, &name, error))
    return FALSE;
  for (int k = 0; names[k]; k++)
    if (strcmp (names[k], name) == 0)
      {
        *out = k;
        return TRUE;
      }
  g_autofree char *list = g_strjoinv (", ", (char **) names);
  const char *close = td_closest_name (name, names, g_strv_length ((char **) names));
  if (close)
    return td_config_fail (error, TD_CONFIG_ERROR_VALUE, v, p,
                           "unknown %s \"%s\"; did you mean \"%s\"?", key, name, close);
  return td_config_fail (error, TD_CONFIG_ERROR_VALUE, v, p,
                         "unknown %s \"%s\"; expected one of: %s", key, name, list);
}

gboolean
td_config_read_window (const TdNode *node, const char *path, TdWindowSpec *out,
                       GError **error)
{
  static const char *const keys[] = { "length", "stride", "label", "horizon", "short",
                                      "test_windows", NULL };
  static const char *const shorts[] = { "pad", "drop", NULL };
  static const char *const tests[] = { "all", "last", NULL };
  *out = (TdWindowSpec) { .stride = 1, .label = TD_WINDOW_LABEL_LAST };
  if (!node || td_node_is_null (node))
    return TRUE;
  if (node->type != TD_NODE_MAP)
    {
      g_autofree char *what = td_node_describe (node);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, node, path,
                             "got %s; expected a mapping such as {length: 30, stride: 1, "
                             "label: last}", what);
    }
  if (!td_config_check_keys (node, path, keys, error))
    return FALSE;
  out->enabled = TRUE;
  out->where_label = where (node);
  out->where_test = where (node);
  if (!td_node_map_get (node, "length", NULL))
    return td_config_fail (error, TD_CONFIG_ERROR_MISSING_KEY, node, path,
                           "no length; expected {length: STEPS, ...}");
  out->where_length = where (td_node_map_get (node, "length", NULL));
  int label = out->label, shrt = 0, last = 0;
  static const char steps[] = "a number of steps, an integer >= 1";
  if (!td_config_uint (node, "length", path, 1, G_MAXINT32, steps, &out->length, error)
      || !td_config_uint (node, "stride", path, 1, G_MAXINT32, steps, &out->stride, error)
      || !td_config_uint (node, "horizon", path, 1, G_MAXINT32, steps, &out->horizon, error)
      || !read_choice (node, "label", path, label_names, &label, error)
      || !read_choice (node, "short", path, shorts, &shrt, error)
      || !read_choice (node, "test_windows", path, tests, &last, error))
    return FALSE;
  out->label = (TdWindowLabel) label;
  out->drop_short = shrt == 1;
  out->last_test_only = last == 1;
  const TdNode *v;
  if ((v = td_node_map_get (node, "label", NULL)))
    {
      g_free (out->where_label);
      out->where_label = where (v);
    }
  if ((v = td_node_map_get (node, "test_windows", NULL)))
    {
      g_free (out->where_test);
      out->where_test = where (v);
    }
  guint at;
  gboolean has_horizon = td_node_map_get (node, "horizon", &at) != NULL;
  if (out->label == TD_WINDOW_LABEL_AHEAD && !has_horizon)
    return td_config_fail (error, TD_CONFIG_ERROR_MISSING_KEY, node, path,
                           "label: ahead without horizon; expected horizon: STEPS (a window is "
                           "positive when a step within that many steps after it is)");
  if (out->label != TD_WINDOW_LABEL_AHEAD && has_horizon)
    {
      g_autofree char *p = td_path_key (path, "horizon");
      return td_config_fail (error, TD_CONFIG_ERROR_VALUE, node->keys->pdata[at], p,
                             "horizon does not apply to label: %s; expected label: ahead",
                             label_names[out->label]);
    }
  return TRUE;
}
