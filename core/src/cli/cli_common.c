/* cli_common.c */
#include "cli_common.h"

#include <stdio.h>

#include "util/text.h"

void
td_cli_print_registry_errors (const char *cmd, GPtrArray *errors)
{
  for (guint k = 0; k < errors->len; k++)
    {
      const GError *e = errors->pdata[k];
      g_autofree char *msg = td_text_escape (e->message);
      fprintf (stderr, "%s: warning: %s%s\n", cmd,
               g_error_matches (e, TD_REGISTRY_ERROR, TD_REGISTRY_ERROR_UNSAFE_PATH)
                 ? "" : "skipped plugin: ", msg);
    }
}

TdRegistry *
td_cli_registry (gboolean quiet)
{
  TdRegistry *reg = td_registry_new ();
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  td_registry_scan_default (reg, errors);
  if (!quiet)
    td_cli_print_registry_errors ("tundish", errors);
  return reg;
}
