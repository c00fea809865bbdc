/* plugin.c — the small helpers plugin.h declares: the error domain every
 * plugin reports through, and the kind names used in messages and YAML; and
 * the task names of registry.h. */
#include "registry.h"

GQuark
td_plugin_error_quark (void)
{
  return g_quark_from_static_string ("td-plugin-error-quark");
}

const char *
td_kind_name (TdKind kind)
{
  static const char *const names[TD_N_KINDS] = {
    "generator", "augment", "feature", "model", "evaluator", "reporter",
  };
  return (unsigned) kind < TD_N_KINDS ? names[kind] : "?";
}

char *
td_task_set_text (guint32 tasks)
{
  static const struct { TdTask task; const char *name; } names[] = {
    { TD_TASK_BINARY, "binary" }, { TD_TASK_MULTICLASS, "multiclass" },
    { TD_TASK_ANOMALY, "anomaly" }, { TD_TASK_REGRESSION, "regression" },
  };
  GString *s = g_string_new ("");
  for (size_t k = 0; k < G_N_ELEMENTS (names); k++)
    if (tasks & names[k].task)
      g_string_append_printf (s, "%s%s", s->len ? ", " : "", names[k].name);
  if (s->len == 0)
    g_string_append (s, "none");
  return g_string_free (s, FALSE);
}
