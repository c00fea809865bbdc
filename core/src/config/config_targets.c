/* config_targets.c — acceptance targets (docs/experiment-yaml.md):
 *
 *   targets: { accuracy: ">= 0.85", recall: ">= 0.90", precision: ">= 0.80" }
 *
 * at the top level (every pipeline) and inside a pipeline (its metrics
 * replace the experiment's same metric). A value is a comparison, >=, >, <=
 * or <, then a number; a bare number means >=. Every metric must be one the
 * experiment evaluates. The verdict is made after the run
 * (core/src/run/run_targets.c). */
#include "config/config_internal.h"

#include <math.h>
#include <string.h>

const char *
td_target_op_name (TdTargetOp op)
{
  static const char *const names[] = { ">=", ">", "<=", "<" };
  return names[op];
}

static void
target_free (TdTarget *t)
{
  g_free (t->metric);
  g_free (t);
}

static gboolean
parse_value (const char *text, TdTargetOp *op, double *value)
{
  while (g_ascii_isspace (*text))
    text++;
  static const struct { const char *s; TdTargetOp op; } ops[] = {
    { ">=", TD_TARGET_GE }, { "<=", TD_TARGET_LE }, { ">", TD_TARGET_GT }, { "<", TD_TARGET_LT },
  };
  *op = TD_TARGET_GE;
  for (size_t k = 0; k < G_N_ELEMENTS (ops); k++)
    if (g_str_has_prefix (text, ops[k].s))
      {
        *op = ops[k].op;
        text += strlen (ops[k].s);
        break;
      }
  while (g_ascii_isspace (*text))
    text++;
  char *end = NULL;
  *value = g_ascii_strtod (text, &end);
  if (end == text)
    return FALSE;
  while (g_ascii_isspace (*end))
    end++;
  return *end == '\0' && isfinite (*value);
}

/* Read one targets: mapping into out (a metric already there is replaced). */
static gboolean
read_map (const TdNode *node, const char *path, const TdExperiment *exp, GPtrArray *out,
          GError **error)
{
  if (node->type != TD_NODE_MAP)
    {
      g_autofree char *what = td_node_describe (node);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, node, path,
                             "got %s; expected a mapping such as { accuracy: \">= 0.85\", "
                             "recall: \">= 0.90\" }", what);
    }
  for (guint k = 0; k < node->keys->len; k++)
    {
      const TdNode *key = node->keys->pdata[k], *v = node->items->pdata[k];
      g_autofree char *kpath = td_path_key (path, key->value);
      gboolean known = FALSE;
      for (guint m = 0; m < exp->metrics->len && !known; m++)
        known = strcmp (exp->metrics->pdata[m], key->value) == 0;
      if (!known)
        {
          g_autoptr (GString) list = g_string_new (NULL);
          for (guint m = 0; m < exp->metrics->len; m++)
            g_string_append_printf (list, "%s%s", m ? ", " : "",
                                    (const char *) exp->metrics->pdata[m]);
          return td_config_fail (error, TD_CONFIG_ERROR_VALUE, key, kpath,
                                 "\"%s\" is not evaluated; expected one of the experiment's "
                                 "metrics (evaluate:): %s", key->value, list->str);
        }
      TdTargetOp op;
      double value;
      if (v->type != TD_NODE_SCALAR || td_node_is_null (v) || !parse_value (v->value, &op, &value))
        {
          g_autofree char *what = td_node_describe (v);
          return td_config_fail (error, TD_CONFIG_ERROR_VALUE, v, kpath,
                                 "got %s; expected a comparison such as \">= 0.85\" (>=, >, "
                                 "<= or <, then a number)", what);
        }
      TdTarget *t = g_new0 (TdTarget, 1);
      t->metric = g_strdup (key->value);
      t->op = op;
      t->value = value;
      for (guint j = 0; j < out->len; j++)
        if (strcmp (((TdTarget *) out->pdata[j])->metric, t->metric) == 0)
          {
            g_ptr_array_remove_index (out, j);
            break;
          }
      g_ptr_array_add (out, t);
    }
  return TRUE;
}

gboolean
td_config_read_targets (const TdNode *root, TdExperiment *exp, GError **error)
{
  g_autoptr (GPtrArray) top = g_ptr_array_new_with_free_func ((GDestroyNotify) target_free);
  const TdNode *t = td_node_map_get (root, "targets", NULL);
  if (t && !td_node_is_null (t) && !read_map (t, "targets", exp, top, error))
    return FALSE;
  const TdNode *list = td_node_map_get (root, "pipelines", NULL);
  guint next = 0;   /* the first expanded pipeline of item k */
  for (guint k = 0; list && k < list->items->len; k++)
    {
      const TdNode *item = list->items->pdata[k];
      const TdNode *name = td_node_map_get (item, "name", NULL);
      g_autoptr (GPtrArray) own = g_ptr_array_new_with_free_func ((GDestroyNotify) target_free);
      for (guint j = 0; j < top->len; j++)
        {
          const TdTarget *s = top->pdata[j];
          TdTarget *c = g_new0 (TdTarget, 1);
          *c = *s;
          c->metric = g_strdup (s->metric);
          g_ptr_array_add (own, c);
        }
      const TdNode *pt = td_node_map_get (item, "targets", NULL);
      g_autofree char *path = g_strdup_printf ("pipelines[%u].targets", k);
      if (pt && !td_node_is_null (pt) && !read_map (pt, path, exp, own, error))
        return FALSE;
      /* a swept pipeline expanded into consecutive variants of one name */
      for (; next < exp->pipelines->len; next++)
        {
          TdPipeline *p = exp->pipelines->pdata[next];
          if (!name || strcmp (p->name, name->value) != 0)
            break;
          if (own->len)
            p->targets = g_ptr_array_ref (own);
        }
    }
  return TRUE;
}
