/* libFuzzer harness: the experiment loader (td_experiment_load) on any
 * bytes. The registry holds the config tests' stand-in plugins (no shared
 * object is loaded). Leading lines "#set KEY=VALUE" (YAML comments, so the
 * rest parses the same) become --set overrides. An include target,
 * inc.yaml, sits beside the input. Any crash, leak, UB or hang is a finding;
 * errors are expected. */
#include <stdint.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "fake_plugins.h"

static TdRegistry *reg;
static char *dir, *path;

static void
cleanup (void)
{
  g_autofree char *inc = g_build_filename (dir, "inc.yaml", NULL);
  g_unlink (inc);
  g_unlink (path);
  g_rmdir (dir);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  reg = fake_registry ();
  dir = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR)
          ? g_mkdtemp (g_strdup ("/dev/shm/tundish-fuzz-exp-XXXXXX"))
          : g_dir_make_tmp ("tundish-fuzz-exp-XXXXXX", NULL);
  path = g_build_filename (dir, "exp.yaml", NULL);
  g_autofree char *inc = g_build_filename (dir, "inc.yaml", NULL);
  g_file_set_contents (inc, "repeats: 2\nsplit: { method: stratified_kfold, folds: 3 }\n", -1,
                       NULL);
  atexit (cleanup);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* plain stdio: g_file_set_contents would fsync every input */
  FILE *f = fopen (path, "wb");
  if (!f)
    return 0;
  fwrite (data, 1, size, f);
  fclose (f);
  g_autoptr (GPtrArray) sets = g_ptr_array_new_with_free_func (g_free);
  const char *p = (const char *) data, *end = p + size;
  while (end - p > 5 && memcmp (p, "#set ", 5) == 0 && sets->len < 8)
    {
      const char *nl = memchr (p, '\n', (size_t) (end - p));
      if (!nl)
        break;
      g_ptr_array_add (sets, g_strndup (p + 5, (gsize) (nl - p - 5)));
      p = nl + 1;
    }
  g_ptr_array_add (sets, NULL);
  GError *error = NULL;
  TdExperiment *exp = td_experiment_load (path, reg, (const char *const *) sets->pdata, &error);
  if (exp)
    {
      /* what a run does with it next */
      g_assert_nonnull (exp->resolved_yaml);
      g_assert_cmpuint (strlen (exp->hash), ==, 8);
      td_experiment_free (exp);
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_nonnull (error->message);
      g_error_free (error);
    }
  return 0;
}
