/* source_registry.c — see source_registry.h. */
#include "source_registry.h"

TdRegistry *
source_registry (const char *dir)
{
  TdRegistry *reg = td_registry_new ();
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  td_registry_scan_dir (reg, dir, errors);
  for (guint k = 0; k < errors->len; k++)
    g_printerr ("%s\n", ((GError *) errors->pdata[k])->message);
  g_assert_cmpuint (errors->len, ==, 0);
  return reg;
}
