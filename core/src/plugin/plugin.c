/* plugin.c — the small helpers plugin.h declares: the error domain every
 * plugin reports through, and the kind names used in messages and YAML. */
#include <tundish/plugin.h>

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
