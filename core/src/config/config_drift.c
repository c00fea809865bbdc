/* config_drift.c — the `drift:` mapping: two-sample tests between each
 * split's training and test series, written to drift.csv and the report's
 * "Data drift" section (tundish/drift.h):
 *
 *   drift: {tests: [ks, wasserstein, mmd], permutations: 200}
 *
 * Absent (or null): no drift section. Both keys are optional. */
#include "config/config_internal.h"

#include <tundish/drift.h>

static gboolean
read_tests (const TdNode *v, const char *path, guint *tests, GError **error)
{
  if (v->type != TD_NODE_SEQ || v->items->len == 0)
    {
      g_autofree char *what = td_node_describe (v);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, v, path,
                             "got %s; expected a non-empty list of tests: ks, wasserstein, mmd",
                             what);
    }
  *tests = 0;
  for (guint k = 0; k < v->items->len; k++)
    {
      const TdNode *item = v->items->pdata[k];
      g_autofree char *p = td_path_index (path, k);
      TdDriftTest t = item->type == TD_NODE_SCALAR ? td_drift_test_from_name (item->value) : 0;
      if (!t)
        {
          g_autofree char *what = td_node_describe (item);
          return td_config_fail (error, TD_CONFIG_ERROR_VALUE, item, p,
                                 "got %s; expected one of ks, wasserstein, mmd", what);
        }
      *tests |= t;
    }
  return TRUE;
}

gboolean
td_config_read_drift (const TdNode *node, TdDriftSpec *out, GError **error)
{
  static const char *const keys[] = { "tests", "permutations", NULL };
  *out = (TdDriftSpec) { .enabled = FALSE, .tests = TD_DRIFT_ALL,
                         .permutations = TD_DRIFT_PERMUTATIONS_DEFAULT };
  if (!node || td_node_is_null (node))
    return TRUE;
  if (node->type != TD_NODE_MAP)
    {
      g_autofree char *what = td_node_describe (node);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, node, "drift",
                             "got %s; expected a mapping such as {tests: [ks, wasserstein, "
                             "mmd], permutations: 200}", what);
    }
  if (!td_config_check_keys (node, "drift", keys, error))
    return FALSE;
  out->enabled = TRUE;
  const TdNode *t = td_node_map_get (node, "tests", NULL);
  if (t && !read_tests (t, "drift.tests", &out->tests, error))
    return FALSE;
  const TdNode *p = td_node_map_get (node, "permutations", NULL);
  gint64 n = 0;
  if (p && (p->type != TD_NODE_SCALAR || td_node_is_null (p)
            || !g_ascii_string_to_signed (p->value, 10, 0, 1000000, &n, NULL)))
    {
      g_autofree char *what = td_node_describe (p);
      return td_config_fail (error, p->type == TD_NODE_SCALAR ? TD_CONFIG_ERROR_VALUE
                                                               : TD_CONFIG_ERROR_TYPE,
                             p, "drift.permutations", "got %s; expected an integer in "
                             "[0, 1000000] (MMD permutations)", what);
    }
  if (p)
    out->permutations = (int) n;
  return TRUE;
}

void
td_config_emit_drift (GString *out, const TdDriftSpec *d)
{
  /* Only when asked for, so experiments without drift: keep their hash. */
  if (!d->enabled)
    return;
  g_string_append (out, "drift: {tests: [");
  gboolean first = TRUE;
  for (guint bit = 1; bit <= TD_DRIFT_MMD; bit <<= 1)
    if (d->tests & bit)
      {
        g_string_append_printf (out, "%s%s", first ? "" : ", ", td_drift_test_name (bit));
        first = FALSE;
      }
  g_string_append_printf (out, "], permutations: %d}\n", d->permutations);
}
