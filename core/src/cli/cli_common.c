/* cli_common.c */
#include "cli_common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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
