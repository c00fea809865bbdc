/* config_split.c — the `split:` mapping.
 *
 * Keys that do not apply to the chosen method are errors rather than being
 * ignored: `folds: 10` beside a holdout method is always a mistake, and a
 * silently ignored setting is the hardest kind to notice in a result.
 * What only the data can tell (predefined on data without a partition) is
 * checked when the split is made (data/split.c), at the position kept in
 * TdSplitSpec.where.
 */
#include "config/config_internal.h"

#include <math.h>
#include <string.h>

static const char *const methods[] = {
  [TD_SPLIT_STRATIFIED_HOLDOUT] = "stratified_holdout",
  [TD_SPLIT_STRATIFIED_KFOLD] = "stratified_kfold",
  [TD_SPLIT_GROUP_HOLDOUT] = "group_holdout",
  [TD_SPLIT_GROUP_KFOLD] = "group_kfold",
  [TD_SPLIT_PREDEFINED] = "predefined",
  [TD_SPLIT_TIME_HOLDOUT] = "time_holdout",
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
td_config_uint (const TdNode *map, const char *key, const char *path, guint64 min,
                guint64 max, const char *expected, int *out, GError **error)
{
  const TdNode *v = td_node_map_get (map, key, NULL);
  if (!v)
    return TRUE;
  guint64 n = 0;
  if (v->type != TD_NODE_SCALAR || !g_ascii_string_to_unsigned (v->value, 10, min, max, &n, NULL))
    {
      g_autofree char *p = td_path_key (path, key);
      g_autofree char *what = td_node_describe (v);
      return td_config_fail (error, TD_CONFIG_ERROR_VALUE, v, p, "got %s; expected %s", what,
                             expected);
    }
  *out = (int) n;
  return TRUE;
}

/* A boolean key: YAML's true/false (and yes/no, on/off). */
static gboolean
read_bool (const TdNode *node, const char *path, gboolean *out, GError **error)
{
  static const char *const yes[] = { "true", "True", "TRUE", "yes", "on", NULL };
  static const char *const no[] = { "false", "False", "FALSE", "no", "off", NULL };
  if (node->type == TD_NODE_SCALAR && g_strv_contains (yes, node->value))
    *out = TRUE;
  else if (node->type == TD_NODE_SCALAR && g_strv_contains (no, node->value))
    *out = FALSE;
  else
    {
      g_autofree char *what = td_node_describe (node);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, node, path,
                             "got %s; expected true or false", what);
    }
  return TRUE;
}

/* A metadata column name (a plain string). */
static gboolean
read_column (const TdNode *map, const char *key, const char *path, char **out, char **where,
             GError **error)
{
  const TdNode *v = td_node_map_get (map, key, NULL);
  if (!v)
    return TRUE;
  g_autofree char *p = td_path_key (path, key);
  const char *col;
  if (!td_config_string (v, p, &col, error))
    return FALSE;
  g_free (*out);
  *out = g_strdup (col);
  if (where)
    {
      g_free (*where);
      *where = g_strdup_printf ("%s:%d:%d", v->file, v->line, v->col);
    }
  return TRUE;
}

/* Which keys apply to which method: one table, so the checks and the
 * messages cannot drift apart. */
typedef struct {
  const char *key;
  guint methods;                /* bit (1 << TdSplitMethod) where the key applies */
  const char *instead;          /* what to write instead, for the message */
} KeyUse;

#define M(x) (1u << (x))
static const KeyUse key_uses[] = {
  { "test_size", M (TD_SPLIT_STRATIFIED_HOLDOUT) | M (TD_SPLIT_GROUP_HOLDOUT)
                 | M (TD_SPLIT_TIME_HOLDOUT),
    NULL /* test_size_instead () */ },
  { "folds", M (TD_SPLIT_STRATIFIED_KFOLD) | M (TD_SPLIT_GROUP_KFOLD),
    "test_size (or method: stratified_kfold / group_kfold)" },
  { "group_by", M (TD_SPLIT_GROUP_HOLDOUT) | M (TD_SPLIT_GROUP_KFOLD) | M (TD_SPLIT_PREDEFINED)
                | M (TD_SPLIT_TIME_HOLDOUT),
    "method: group_holdout or group_kfold to split by group" },
  { "grouped", M (TD_SPLIT_PREDEFINED),
    "group_by (group_holdout and group_kfold are always grouped)" },
  { "resample_test", M (TD_SPLIT_PREDEFINED),
    "method: predefined (the data's own train/test partition)" },
  { "gap", M (TD_SPLIT_TIME_HOLDOUT), "method: time_holdout" },
  { "order_by", M (TD_SPLIT_TIME_HOLDOUT), "method: time_holdout" },
};
#undef M

static const char *
test_size_instead (TdSplitMethod m)
{
  return m == TD_SPLIT_PREDEFINED
         ? "no test_size: the test part is the data's own (resample_test: true redraws it "
           "with the same size)"
         : "folds: K (each fold is the test part once)";
}

gboolean
td_config_read_split (const TdNode *node, const char *path, const TdNode *root,
                      TdSplitSpec *out, GError **error)
{
  static const char *const keys[] = { "method", "test_size", "valid_size", "folds",
                                      "group_by", "grouped", "resample_test", "gap",
                                      "order_by", NULL };
  out->method = TD_SPLIT_STRATIFIED_HOLDOUT;
  out->test_size = 0.2;
  out->valid_size = 0.1;
  out->folds = 5;
  out->group_by = NULL;
  out->grouped = FALSE;
  out->resample_test = FALSE;
  out->gap = 0;
  out->order_by = g_strdup (TD_META_WINDOW_START);
  const TdNode *at = node && !td_node_is_null (node) ? node : root;
  out->where = g_strdup_printf ("%s:%d:%d", at->file, at->line, at->col);
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
                                 "group_kfold, predefined, time_holdout", name);
        }
      out->method = (TdSplitMethod) m;
      g_free (out->where);
      out->where = g_strdup_printf ("%s:%d:%d", v->file, v->line, v->col);
    }

  for (size_t k = 0; k < G_N_ELEMENTS (key_uses); k++)
    if (!(key_uses[k].methods & (1u << out->method))
        && !not_for (node, key_uses[k].key, path, out->method,
                     key_uses[k].instead ? key_uses[k].instead
                                         : test_size_instead (out->method), error))
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
  if (!td_config_uint (node, "folds", path, 2, 1000, "an integer in [2, 1000]", &out->folds,
                       error)
      || !td_config_uint (node, "gap", path, 0, G_MAXINT32,
                          "a number of steps, an integer >= 0", &out->gap, error))
    return FALSE;
  if ((v = td_node_map_get (node, "resample_test", NULL)))
    {
      g_autofree char *p = td_path_key (path, "resample_test");
      if (!read_bool (v, p, &out->resample_test, error))
        return FALSE;
    }
  if ((v = td_node_map_get (node, "grouped", NULL)))
    {
      g_autofree char *p = td_path_key (path, "grouped");
      if (!read_bool (v, p, &out->grouped, error))
        return FALSE;
      if (!out->grouped && td_node_map_get (node, "group_by", NULL))
        return td_config_fail (error, TD_CONFIG_ERROR_VALUE, v, p,
                               "false beside group_by, which groups; expected grouped: true "
                               "or no group_by");
    }
  if (!read_column (node, "group_by", path, &out->group_by, &out->where_group_by, error)
      || !read_column (node, "order_by", path, &out->order_by, NULL, error))
    return FALSE;
  if (out->method == TD_SPLIT_PREDEFINED && out->group_by)
    out->grouped = TRUE;
  return TRUE;
}
