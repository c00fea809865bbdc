/* run_tiny.h — what the report tests share (header-only, test-internal):
 * run tests/report/tiny.yaml with the built tundish into a fresh folder,
 * and spawn helpers. Exit status 77 tells meson a test was skipped. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#define EXIT_SKIP 77

/* argv[1]: tundish, argv[2]: the source root (as test_determinism.c). */
static const char *tundish, *src_root;
static char *tmp_root;

/* Runs argv with env (NULL: inherited), stdout and stderr captured; the exit
 * status, or -1 when it could not be started. */
static int
run_capture (const char *const *argv, char **env, char **out, char **err)
{
  int status = 0;
  g_autoptr (GError) e = NULL;
  if (!g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &e))
    {
      g_printerr ("cannot run %s: %s\n", argv[0], e->message);
      return -1;
    }
  return g_spawn_check_wait_status (status, NULL) ? 0 : (WIFEXITED (status) ? WEXITSTATUS (status) : -1);
}

/* tundish run tests/report/tiny.yaml -o <tmp_root>/<tag>, with its own
 * dataset cache; returns the run folder. */
static char *
run_tiny (const char *tag)
{
  g_autofree char *exp = g_build_filename (src_root, "tests/report/tiny.yaml", NULL);
  char *out = g_build_filename (tmp_root, tag, NULL);
  g_autofree char *cache = g_build_filename (tmp_root, "cache", NULL);
  const char *argv[] = { tundish, "run", exp, "-q", "-j", "2", "-o", out, NULL };
  g_auto (GStrv) env = g_get_environ ();
  env = g_environ_setenv (env, "TUNDISH_CACHE_DIR", cache, TRUE);
  g_autofree char *o = NULL, *e = NULL;
  int rc = run_capture (argv, env, &o, &e);
  if (rc != 0)
    g_error ("tundish run tiny.yaml failed (%d): %s", rc, e);
  return out;
}

static void
tmp_init (const char *prefix)
{
  g_autoptr (GError) e = NULL;
  tmp_root = g_dir_make_tmp (prefix, &e);
  g_assert_no_error (e);
}

static void
tmp_remove (void)
{
  const char *rm[] = { "rm", "-rf", tmp_root, NULL };
  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  g_clear_pointer (&tmp_root, g_free);
}
