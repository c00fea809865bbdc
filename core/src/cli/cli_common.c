/* cli_common.c */
#include "cli_common.h"

#include <stdio.h>

TdRegistry *
td_cli_registry (gboolean quiet)
{
  TdRegistry *reg = td_registry_new ();
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  td_registry_scan_default (reg, errors);
  if (!quiet)
    for (guint k = 0; k < errors->len; k++)
      fprintf (stderr, "tundish: warning: skipped plugin: %s\n",
               ((GError *) errors->pdata[k])->message);
  return reg;
}
