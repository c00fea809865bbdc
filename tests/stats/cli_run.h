/* cli_run.h — run `tundish COMMAND ARGS...` from a test and collect its
 * output (the command tests of this folder share it). Test helper: a spawn
 * failure is an assertion. */
#pragma once

#include <glib.h>
#include <sys/wait.h>

/* Exit status of `tundish cmd args...` (-1 when it did not exit), stdout
 * and stderr in *out and *err. */
static inline int
cli_run (const char *tundish, const char *cmd, const char *const *args, char **out, char **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) tundish);
  g_ptr_array_add (argv, (gpointer) cmd);
  for (size_t i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}
