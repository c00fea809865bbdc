/* cli_common.c */
#include "cli_common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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

gboolean
td_cli_log_format (const char *text, gboolean *json, const char *cmd)
{
  if (strcmp (text, "text") == 0 || strcmp (text, "json") == 0)
    {
      *json = text[0] == 'j';
      return TRUE;
    }
  fprintf (stderr, "%s: --log-format: expected text or json, got \"%s\"\n", cmd, text);
  return FALSE;
}

void
td_cli_flush_stdout (const char *cmd, const char *run_dir)
{
  /* SIGPIPE is ignored (main.c), so a reader that went away shows here as
   * EPIPE: the work is done and saved; say where, and carry on. */
  if (fflush (stdout) != 0 && errno == EPIPE)
    {
      fprintf (stderr, "%s: standard output was closed early; the results are complete%s%s\n",
               cmd, run_dir ? " in " : "", run_dir ? run_dir : "");
      clearerr (stdout);
    }
}
