/* config_interpret.c — the `interpret:` mapping, at the top level (every
 * pipeline) and inside a pipeline (its own keys win):
 *
 *   interpret: {max_series: 200, time_bins: 30}
 *
 * max_series caps the test series a trial explains (0 switches saliency and
 * attention off); time_bins is the number of time bins of the maps. */
#include "config/config_internal.h"

static gboolean
read_int (const TdNode *map, const char *key, const char *path, gint64 lo, gint64 hi,
          int *out, GError **error)
{
  const TdNode *v = td_node_map_get (map, key, NULL);
  if (!v)
    return TRUE;
  g_autofree char *p = td_path_key (path, key);
  gint64 n;
  if (v->type != TD_NODE_SCALAR || td_node_is_null (v)
      || !g_ascii_string_to_signed (v->value, 10, lo, hi, &n, NULL))
    {
      g_autofree char *what = td_node_describe (v);
      return td_config_fail (error, v->type == TD_NODE_SCALAR ? TD_CONFIG_ERROR_VALUE
                                                               : TD_CONFIG_ERROR_TYPE,
                             v, p, "got %s; expected an integer in [%" G_GINT64_FORMAT ", %"
                             G_GINT64_FORMAT "]", what, lo, hi);
    }
  *out = (int) n;
  return TRUE;
}

gboolean
td_config_read_interpret (const TdNode *node, const char *path, const TdInterpretSpec *base,
                          TdInterpretSpec *out, GError **error)
{
  static const char *const keys[] = { "max_series", "time_bins", NULL };
  *out = *base;
  if (!node || td_node_is_null (node))
    return TRUE;
  if (node->type != TD_NODE_MAP)
    {
      g_autofree char *what = td_node_describe (node);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, node, path,
                             "got %s; expected a mapping such as {max_series: 200, "
                             "time_bins: 30}", what);
    }
  return td_config_check_keys (node, path, keys, error)
         && read_int (node, "max_series", path, 0, 1000000, &out->max_series, error)
         && read_int (node, "time_bins", path, 1, 10000, &out->time_bins, error);
}
