/* config_split.c — the `split:` mapping.
 *
 * Keys that do not apply to the chosen method are errors rather than being
 * ignored: `folds: 10` beside a holdout method is always a mistake, and a
 * silently ignored setting is the hardest kind to notice in a result.
 */
#include "config/config_internal.h"

#include <math.h>
#include <string.h>

static const char *const methods[] = {
  [TD_SPLIT_STRATIFIED_HOLDOUT] = "stratified_holdout",
  [TD_SPLIT_STRATIFIED_KFOLD] = "stratified_kfold",
  [TD_SPLIT_GROUP_HOLDOUT] = "group_holdout",
  [TD_SPLIT_GROUP_KFOLD] = "group_kfold",
  NULL,
};

const char *
td_split_method_name (TdSplitMethod m)
{
  return (size_t) m < G_N_ELEMENTS (methods) - 1 ? methods[m] : "?";
}

static gboolean
read_fraction (const TdNode *node, const char *path, gboolean zero_ok, double *out,
               GError **error)
{
  char *end = NULL;
  double v = 0;
  gboolean ok = node->type == TD_NODE_SCALAR && !td_node_is_null (node);
  if (ok)
    {
      v = g_ascii_strtod (node->value, &end);
      ok = end != node->value && *end == '\0' && isfinite (v);
    }
  if (ok && (zero_ok ? v >= 0 : v > 0) && v < 1)
    {
      *out = v;
      return TRUE;
    }
  g_autofree char *what = td_node_describe (node);
  return td_config_fail (error, ok ? TD_CONFIG_ERROR_VALUE : TD_CONFIG_ERROR_TYPE, node, path,
                         "got %s; expected a number in %s0, 1)", what, zero_ok ? "[" : "(");
}

static gboolean
not_for (const TdNode *map, const char *key, const char *path, TdSplitMethod m,
         const char *why, GError **error)
{
  guint at;
  if (!td_node_map_get (map, key, &at))
    return TRUE;
  g_autofree char *p = td_path_key (path, key);
  return td_config_fail (error, TD_CONFIG_ERROR_VALUE, map->keys->pdata[at], p,
                         "%s does not apply to %s; expected %s", key, methods[m], why);
}

gboolean
td_config_read_split (const TdNode *node, const char *path, TdSplitSpec *out, GError **error)
{
  static const char *const keys[] = { "method", "test_size", "valid_size", "folds",
                                      "group_by", NULL };
  out->method = TD_SPLIT_STRATIFIED_HOLDOUT;
  out->test_size = 0.2;
  out->valid_size = 0.1;
  out->folds = 5;
  out->group_by = NULL;
  if (!node || td_node_is_null (node))
    return TRUE;
  if (node->type != TD_NODE_MAP)
    {
      g_autofree char *what = td_node_describe (node);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, node, path,
                             "got %s; expected a mapping such as {method: stratified_holdout, "
                             "test_size: 0.2}", what);
    }
  if (!td_config_check_keys (node, path, keys, error))
    return FALSE;

  const TdNode *v;
  if ((v = td_node_map_get (node, "method", NULL)))
    {
      g_autofree char *p = td_path_key (path, "method");
      const char *name;
      if (!td_config_string (v, p, &name, error))
        return FALSE;
      int m = -1;
      for (int k = 0; methods[k]; k++)
        if (strcmp (methods[k], name) == 0)
          m = k;
      if (m < 0)
        {
          const char *close = td_closest_name (name, methods, G_N_ELEMENTS (methods) - 1);
          if (close)
            return td_config_fail (error, TD_CONFIG_ERROR_VALUE, v, p,
                                   "unknown split method \"%s\"; did you mean \"%s\"?", name,
                                   close);
          return td_config_fail (error, TD_CONFIG_ERROR_VALUE, v, p,
                                 "unknown split method \"%s\"; expected one of: "
                                 "stratified_holdout, stratified_kfold, group_holdout, "
                                 "group_kfold", name);
        }
      out->method = (TdSplitMethod) m;
    }
  gboolean kfold = out->method == TD_SPLIT_STRATIFIED_KFOLD
                   || out->method == TD_SPLIT_GROUP_KFOLD;
  gboolean grouped = out->method == TD_SPLIT_GROUP_HOLDOUT
                     || out->method == TD_SPLIT_GROUP_KFOLD;

  if (kfold && !not_for (node, "test_size", path, out->method,
                         "folds: K (each fold is the test part once)", error))
    return FALSE;
  if (!kfold && !not_for (node, "folds", path, out->method,
                          "test_size (or method: stratified_kfold / group_kfold)", error))
    return FALSE;
  if (!grouped && !not_for (node, "group_by", path, out->method,
                            "method: group_holdout or group_kfold to split by group", error))
    return FALSE;

  if ((v = td_node_map_get (node, "test_size", NULL)))
    {
      g_autofree char *p = td_path_key (path, "test_size");
      if (!read_fraction (v, p, FALSE, &out->test_size, error))
        return FALSE;
    }
  if ((v = td_node_map_get (node, "valid_size", NULL)))
    {
      g_autofree char *p = td_path_key (path, "valid_size");
      if (!read_fraction (v, p, TRUE, &out->valid_size, error))
        return FALSE;
    }
  if ((v = td_node_map_get (node, "folds", NULL)))
    {
      g_autofree char *p = td_path_key (path, "folds");
      guint64 f = 0;
      if (v->type != TD_NODE_SCALAR
          || !g_ascii_string_to_unsigned (v->value, 10, 2, 1000, &f, NULL))
        {
          g_autofree char *what = td_node_describe (v);
          return td_config_fail (error, TD_CONFIG_ERROR_VALUE, v, p,
                                 "got %s; expected an integer in [2, 1000]", what);
        }
      out->folds = (int) f;
    }
  if ((v = td_node_map_get (node, "group_by", NULL)))
    {
      g_autofree char *p = td_path_key (path, "group_by");
      const char *col;
      if (!td_config_string (v, p, &col, error))
        return FALSE;
      out->group_by = g_strdup (col);
    }
  return TRUE;
}
