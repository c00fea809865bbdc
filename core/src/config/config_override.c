/* config_override.c — `--set key.path=value` applied to the merged tree.
 *
 * Path segments are mapping keys separated by '.', list positions as [i],
 * and, inside a list, the name of an item: a pipeline by its `name:`, a
 * stage by its `plugin:` (pipelines.gbdt.features.window.minutes). The value
 * is YAML ("4", "[4, 6]", "{plugin: csv}"). Values are placed before
 * validation, so a wrong key or value is reported like one in the file, at
 * "--set:N:COL" (the N-th override, the column inside it).
 */
#include "config/config_node.h"

#include <string.h>

typedef struct {
  char *name;          /* NULL for an index */
  guint index;
  int col;             /* 1-based column inside the argument */
} Seg;

static void
seg_clear (gpointer p)
{
  g_free (((Seg *) p)->name);
}

static gboolean
parse_path (const char *arg, size_t len, const TdNode *at0, GArray *segs, GError **error)
{
  size_t i = 0;
  while (i < len)
    {
      TdNode at = *at0;
      at.col = (int) i + 1;
      if (arg[i] == '[')
        {
          size_t j = i + 1;
          while (j < len && g_ascii_isdigit (arg[j]))
            j++;
          if (j == i + 1 || j >= len || arg[j] != ']' || segs->len == 0)
            return td_config_fail (error, TD_CONFIG_ERROR_VALUE, &at, NULL,
                                   "bad --set path \"%.*s\": a malformed index; "
                                   "expected key[N] such as pipelines[0]", (int) len, arg);
          Seg s = { .index = (guint) g_ascii_strtoull (arg + i + 1, NULL, 10), .col = at.col };
          g_array_append_val (segs, s);
          i = j + 1;
        }
      else
        {
          size_t j = i;
          while (j < len && arg[j] != '.' && arg[j] != '[' && arg[j] != ']')
            j++;
          if (j == i)
            return td_config_fail (error, TD_CONFIG_ERROR_VALUE, &at, NULL,
                                   "bad --set path \"%.*s\": an empty key; expected "
                                   "keys separated by '.' such as data.params.num_casts",
                                   (int) len, arg);
          Seg s = { .name = g_strndup (arg + i, j - i), .col = at.col };
          g_array_append_val (segs, s);
          i = j;
        }
      if (i < len && arg[i] == '.')
        {
          i++;
          if (i == len)
            {
              TdNode end = *at0;
              end.col = (int) i;
              return td_config_fail (error, TD_CONFIG_ERROR_VALUE, &end, NULL,
                                     "bad --set path \"%.*s\": ends with '.'; expected a key "
                                     "after it", (int) len, arg);
            }
        }
      else if (i < len && arg[i] != '[')
        {
          TdNode bad = *at0;
          bad.col = (int) i + 1;
          return td_config_fail (error, TD_CONFIG_ERROR_VALUE, &bad, NULL,
                                 "bad --set path \"%.*s\": unexpected '%c'; expected '.' "
                                 "or [N]", (int) len, arg, arg[i]);
        }
    }
  return TRUE;
}

static const char *
item_name (const TdNode *item)
{
  if (item->type == TD_NODE_SCALAR)
    return item->value;
  const TdNode *n = td_node_map_get (item, "name", NULL);
  if (!n)
    n = td_node_map_get (item, "plugin", NULL);
  return n && n->type == TD_NODE_SCALAR ? n->value : NULL;
}

/* The position of the item of seq named name, or -1 (error set). */
static gint
find_named (const TdNode *seq, const char *name, const TdNode *at, const char *path,
            const char *arg, GError **error)
{
  gint found = -1;
  g_autoptr (GString) names = g_string_new ("");
  for (guint k = 0; k < seq->items->len; k++)
    {
      const char *n = item_name (seq->items->pdata[k]);
      if (n)
        g_string_append_printf (names, "%s%s", names->len ? ", " : "", n);
      if (n && strcmp (n, name) == 0)
        {
          if (found >= 0)
            {
              td_config_fail (error, TD_CONFIG_ERROR_VALUE, at, path,
                              "bad --set path \"%s\": \"%s\" names items %d and %u; "
                              "expected an index such as %s[%d]", arg, name, found, k,
                              path, found);
              return -1;
            }
          found = (gint) k;
        }
    }
  if (found < 0)
    td_config_fail (error, TD_CONFIG_ERROR_VALUE, at, path,
                    "bad --set path \"%s\": no item named \"%s\"; expected one of: %s, "
                    "or an index [0..%u]", arg, name, names->len ? names->str : "(none)",
                    seq->items->len ? seq->items->len - 1 : 0);
  return found;
}

/* A plugin given by name ("xgboost") becomes {plugin: xgboost} so that a
 * parameter can be set inside it. Only where a plugin may stand: data, a
 * model, a list item; other scalars stay and the walk reports them. */
static TdNode *
promote (TdNode **slot, const char *path)
{
  TdNode *child = *slot;
  if (child->type != TD_NODE_SCALAR || td_node_is_null (child))
    return child;
  if (strcmp (path, "data") != 0 && !g_str_has_suffix (path, ".model")
      && !g_str_has_suffix (path, "]"))
    return child;
  TdNode *map = td_node_new_map (child);
  td_node_map_set (map, strcmp (path, "data") == 0 ? "generator" : "plugin", child, child);
  *slot = map;
  return map;
}

static gboolean
apply_one (TdNode *root, const char *arg, int nth, GError **error)
{
  TdNode at0 = { .file = g_intern_static_string ("--set"), .line = nth, .col = 1 };
  const char *eq = strchr (arg, '=');
  if (!eq || eq == arg)
    return td_config_fail (error, TD_CONFIG_ERROR_VALUE, &at0, NULL,
                           "bad --set \"%s\": %s; expected key.path=value, "
                           "e.g. data.params.num_casts=200", arg,
                           eq ? "no key path before '='" : "no '='");
  g_autofree char *keypath = g_strndup (arg, (gsize) (eq - arg));
  g_autoptr (GArray) segs = g_array_new (FALSE, TRUE, sizeof (Seg));
  g_array_set_clear_func (segs, seg_clear);
  if (!parse_path (arg, (size_t) (eq - arg), &at0, segs, error))
    return FALSE;

  const char *vtext = eq + 1;
  int vcol = (int) (vtext - arg) + 1;
  g_autofree char *trimmed = g_strstrip (g_strdup (vtext));
  if (!*trimmed)
    {
      TdNode at = at0;
      at.col = vcol;
      return td_config_fail (error, TD_CONFIG_ERROR_VALUE, &at, keypath,
                             "no value after '='; expected a YAML value such as 4 or [4, 6]");
    }
  g_autoptr (TdNode) value = td_node_parse (vtext, strlen (vtext), "--set", nth, vcol, error);
  if (!value)
    return FALSE;

  TdNode *cur = root;
  g_autofree char *path = g_strdup ("");
  for (guint s = 0; s < segs->len; s++)
    {
      const Seg *sg = &g_array_index (segs, Seg, s);
      gboolean last = s + 1 == segs->len;
      TdNode at = at0;
      at.col = sg->col;
      gint idx = -1;
      char *next_path;

      if (sg->name && cur->type == TD_NODE_MAP)
        {
          next_path = td_path_key (path, sg->name);
          if (last)
            {
              td_node_map_set (cur, sg->name, g_steal_pointer (&value), &at);
              g_free (next_path);
              return TRUE;
            }
          guint at_k;
          TdNode *child = td_node_map_get (cur, sg->name, &at_k);
          if (!child || td_node_is_null (child))
            {
              child = td_node_new_map (&at);
              td_node_map_set (cur, sg->name, child, &at);
            }
          else
            child = promote ((TdNode **) &cur->items->pdata[at_k], next_path);
          g_free (path);
          path = next_path;
          cur = child;
          continue;
        }
      if (cur->type != TD_NODE_SEQ)
        {
          g_autofree char *what = td_node_describe (cur);
          return td_config_fail (error, TD_CONFIG_ERROR_VALUE, &at, path,
                                 "bad --set path \"%s\": %s holds %s; expected %s",
                                 keypath, *path ? path : "the top level", what,
                                 sg->name ? "a mapping with that key" : "a list to index");
        }
      if (sg->name)
        {
          idx = find_named (cur, sg->name, &at, path, keypath, error);
          if (idx < 0)
            return FALSE;
        }
      else if (sg->index >= cur->items->len)
        return td_config_fail (error, TD_CONFIG_ERROR_VALUE, &at, path,
                               "bad --set path \"%s\": index %u is past the end; expected "
                               "an index below %u", keypath, sg->index, cur->items->len);
      else
        idx = (gint) sg->index;

      next_path = td_path_index (path, (guint) idx);
      g_free (path);
      path = next_path;
      if (last)
        {
          td_node_free (cur->items->pdata[idx]);
          cur->items->pdata[idx] = g_steal_pointer (&value);
          return TRUE;
        }
      cur = promote ((TdNode **) &cur->items->pdata[idx], path);
    }
  return TRUE;
}

gboolean
td_node_apply_overrides (TdNode *root, const char *const *overrides, GError **error)
{
  for (int k = 0; overrides && overrides[k]; k++)
    if (!apply_one (root, overrides[k], k + 1, error))
      return FALSE;
  return TRUE;
}
