/* robust_util.c — see robust_util.h. */
#include "robust_util.h"

#include <string.h>
#include <sys/wait.h>

#include <tundish/io.h>

static const char *tundish, *plugins, *extra;
static char *tmp_root;

void
run_result_clear (RunResult *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

void
util_init (int argc, char **argv)
{
  if (argc < 3)
    g_error ("usage: %s TUNDISH TEST_PLUGIN_DIR [EXTRA_PLUGIN_DIR]", argv[0]);
  tundish = argv[1];
  plugins = argv[2];
  extra = argc > 3 ? argv[3] : NULL;
  tmp_root = g_dir_make_tmp ("tundish-robust-XXXXXX", NULL);
  g_assert_nonnull (tmp_root);
}

void
util_finish (void)
{
  if (g_getenv ("TD_TEST_KEEP"))
    {
      g_printerr ("kept %s\n", tmp_root);
      return;
    }
  const char *rm[] = { "rm", "-rf", tmp_root, NULL };
  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  g_free (tmp_root);
}

const char *util_tundish (void) { return tundish; }
const char *util_plugins (void) { return plugins; }
const char *util_extra_plugins (void) { return extra; }
const char *util_tmp (void) { return tmp_root; }

char *
util_mkdir (const char *name)
{
  char *d = g_build_filename (tmp_root, name, NULL);
  g_assert_cmpint (g_mkdir_with_parents (d, 0755), ==, 0);
  return d;
}

void
util_run (RunResult *r, const char *const *args, const char *const *env_extra)
{
  util_run_in (r, NULL, args, env_extra);
}

void
util_run_in (RunResult *r, const char *cwd, const char *const *args, const char *const *env_extra)
{
  memset (r, 0, sizeof *r);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) tundish);
  for (size_t k = 0; args[k]; k++)
    g_ptr_array_add (argv, (gpointer) args[k]);
  g_ptr_array_add (argv, NULL);
  g_auto (GStrv) env = g_get_environ ();
  g_autofree char *cache = g_build_filename (tmp_root, "cache", NULL);
  env = g_environ_setenv (env, "TUNDISH_PLUGIN_PATH", plugins, TRUE);
  env = g_environ_setenv (env, "TUNDISH_CACHE_DIR", cache, TRUE);
  env = g_environ_unsetenv (env, "TUNDISH_TEST_KILL_AT");
  for (size_t k = 0; env_extra && env_extra[k]; k++)
    {
      g_auto (GStrv) kv = g_strsplit (env_extra[k], "=", 2);
      env = g_environ_setenv (env, kv[0], kv[1] ? kv[1] : "", TRUE);
    }
  g_autoptr (GError) e = NULL;
  gboolean ok = g_spawn_sync (cwd, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                              &r->out, &r->err, &r->status, &e);
  g_assert_no_error (e);
  g_assert_true (ok);
  if (WIFEXITED (r->status))
    r->exit_code = WEXITSTATUS (r->status);
  else
    {
      r->exit_code = -1;
      r->signal = WIFSIGNALED (r->status) ? WTERMSIG (r->status) : 0;
    }
  if (g_test_verbose ())
    {
      g_autofree char *cmd = g_strjoinv (" ", (char **) argv->pdata);
      g_printerr ("$ %s\n-> exit %d signal %d\n%s", cmd, r->exit_code, r->signal, r->err);
    }
}

char *
util_write (const char *dir, const char *name, const char *text)
{
  char *p = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (p, text, -1, NULL));
  return p;
}

char *
util_read (const char *path)
{
  char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return text;
}

char *
util_read2 (const char *dir, const char *name)
{
  g_autofree char *p = g_build_filename (dir, name, NULL);
  return util_read (p);
}

gboolean
util_same_file (const char *a, const char *b)
{
  g_autofree char *ta = NULL, *tb = NULL;
  gsize la = 0, lb = 0;
  gboolean ha = g_file_get_contents (a, &ta, &la, NULL);
  gboolean hb = g_file_get_contents (b, &tb, &lb, NULL);
  if (!ha || !hb)
    return ha == hb;
  return la == lb && memcmp (ta, tb, la) == 0;
}

GPtrArray *
util_csv (const char *dir, const char *name)
{
  g_autofree char *p = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents (p, &text, &len, NULL))
    g_error ("%s is missing", p);
  g_autoptr (GError) e = NULL;
  GPtrArray *rows = td_csv_parse (text, len, p, &e);
  g_assert_no_error (e);
  return rows;
}

gint
util_column (GPtrArray *rows, const char *name)
{
  char **head = rows->pdata[0];
  for (gint k = 0; head[k]; k++)
    if (strcmp (head[k], name) == 0)
      return k;
  g_error ("no column %s", name);
  return -1;
}

double
util_num (const char *text)
{
  char *end = NULL;
  double v = g_ascii_strtod (text, &end);
  g_assert_true (end != text && *end == '\0');
  return v;
}

int
util_csv_rows (const char *dir, const char *name)
{
  g_autofree char *p = g_build_filename (dir, name, NULL);
  if (!g_file_test (p, G_FILE_TEST_EXISTS))
    return -1;
  g_autoptr (GPtrArray) rows = util_csv (dir, name);
  return (int) rows->len - 1;
}

char *
util_experiment (const char *dir, const char *name, const char *gen_params,
                 const char *pipelines, const char *extra_yaml)
{
  g_autofree char *text = g_strdup_printf (
    "experiment: robust\n"
    "seed: 7\n"
    "repeats: 2\n"
    "data:\n"
    "  generator: robust_gen\n"
    "  params: {%s}\n"
    "split: { method: stratified_kfold, folds: 3, valid_size: 0.2 }\n"
    "pipelines:\n%s"
    "evaluate: [roc_auc, pr_auc, f1, brier]\n"
    "report: [csv, html]\n%s",
    gen_params, pipelines, extra_yaml);
  return util_write (dir, name, text);
}
