/* cmd_gradcheck.c — `tundish gradcheck GOLDEN.json...`.
 *
 * The check itself is the separate program tundish-gradcheck
 * (plugins/models/nn/gradcheck.c), built with the NN library and json-glib;
 * this command only finds it and runs it in place of this process. Compiling
 * the NN sources into the core executable instead would make the core
 * depend on one family of model plugins and on a JSON library it otherwise
 * never needs. It is looked for in $TUNDISH_GRADCHECK, beside the tundish
 * executable (installed), then where the build tree puts it. */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"

static char *
find_gradcheck (void)
{
  const char *env = g_getenv ("TUNDISH_GRADCHECK");
  if (env && *env)
    return g_strdup (env);
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  if (!exe)
    return NULL;
  g_autofree char *dir = g_path_get_dirname (exe);
  const char *const candidates[] = {
    "tundish-gradcheck",                                   /* <prefix>/bin */
    "../plugins/models/nn/tundish-gradcheck",              /* <build>/core/tundish */
  };
  for (size_t k = 0; k < G_N_ELEMENTS (candidates); k++)
    {
      char *path = g_build_filename (dir, candidates[k], NULL);
      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        return path;
      g_free (path);
    }
  return NULL;
}

int
td_cmd_gradcheck (int argc, char **argv)
{
  (void) argc;
  g_autofree char *tool = find_gradcheck ();
  if (!tool)
    {
      fprintf (stderr,
               "tundish gradcheck: the tundish-gradcheck program was not found beside the "
               "tundish executable nor in the build tree; set TUNDISH_GRADCHECK to its path\n");
      return TD_EXIT_RUNTIME;
    }
  fflush (stdout);
  argv[0] = tool;
  execv (tool, argv);
  fprintf (stderr, "tundish gradcheck: cannot run %s: %s\n", tool, g_strerror (errno));
  return TD_EXIT_RUNTIME;
}
