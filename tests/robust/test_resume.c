/* Resume: a run killed with SIGKILL — during data generation, in the middle
 * of a trial, while a trial's results are written, between two files of the
 * run's outputs, right before an atomic rename, or at a random moment — and
 * then continued with `tundish run --resume` ends with results.csv,
 * summary.csv, comparisons.csv and predictions.h5 byte-identical to a run
 * that was never interrupted, in-process and with worker processes. The
 * kills come from TUNDISH_TEST_KILL_AT (killpoint.h: the runner sends
 * SIGKILL to itself at that exact place) and one from a timer. A resume
 * whose experiment changed is refused. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "robust_util.h"

static const char pipelines[] =
  "  - { name: logit, features: [statistical], model: logistic }\n"
  "  - { name: mean, model: crashy }\n";
static const char extra[] = "compare: { baseline: logit, tests: [delong, ttest] }\n";
static char *ref_dir;
static char *exp_path;

static const char *const compared[] = { "results.csv", "summary.csv", "comparisons.csv",
                                        "predictions.h5", "failed_trials.csv", NULL };

static void
assert_same_outputs (const char *dir)
{
  for (size_t k = 0; compared[k]; k++)
    {
      g_autofree char *a = g_build_filename (ref_dir, compared[k], NULL);
      g_autofree char *b = g_build_filename (dir, compared[k], NULL);
      if (!util_same_file (a, b))
        g_error ("%s differs between %s and %s", compared[k], ref_dir, dir);
    }
}

static void
setup_reference (void)
{
  if (ref_dir)
    return;
  g_autofree char *dir = util_mkdir ("resume");
  exp_path = util_experiment (dir, "exp.yaml", "n_series: 90", pipelines, extra);
  ref_dir = g_build_filename (dir, "ref", NULL);
  g_auto (RunResult) r;
  const char *args[] = { "run", exp_path, "-q", "-j", "2", "-o", ref_dir, NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_assert_cmpint (util_csv_rows (ref_dir, "results.csv"), ==, 12 * 4);
  g_assert_cmpint (util_csv_rows (ref_dir, "comparisons.csv"), >, 0);
}

typedef struct {
  const char *name, *kill_at;
  const char *const *flags;     /* isolation/jobs flags of the interrupted run */
} Scenario;

static const char *const in_process[] = { "-j", "1", "--no-isolate", NULL };
static const char *const isolated[] = { "-j", "2", NULL };

static const Scenario scenarios[] = {
  { "data", "data", in_process },
  { "data-isolated", "data", isolated },
  { "mid-trial", "trial:3", in_process },
  { "mid-trial-isolated", "trial:7", isolated },
  { "trial-write", "trial-write:2", in_process },
  { "trial-write-isolated", "trial-write:9", isolated },
  { "outputs", "outputs", in_process },
  { "rename", "rename:6", in_process },
  { "rename-late", "rename:40", in_process },
};

static void
test_kill_point (gconstpointer data)
{
  const Scenario *s = data;
  setup_reference ();
  g_autofree char *out = g_build_filename (util_tmp (), "resume", s->name, NULL);
  /* a cache of its own, so "data" really generates */
  g_autofree char *cache = g_build_filename (util_tmp (), "resume", s->name, "-cache", NULL);
  g_autofree char *kill_env = g_strdup_printf ("TUNDISH_TEST_KILL_AT=%s", s->kill_at);
  g_autofree char *cache_env = g_strdup_printf ("TUNDISH_CACHE_DIR=%s", cache);
  const char *env[] = { kill_env, cache_env, NULL };
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  const char *head[] = { "run", exp_path, "-q", "-o", out };
  for (size_t k = 0; k < G_N_ELEMENTS (head); k++)
    g_ptr_array_add (args, (gpointer) head[k]);
  for (size_t k = 0; s->flags[k]; k++)
    g_ptr_array_add (args, (gpointer) s->flags[k]);
  g_ptr_array_add (args, NULL);
  g_auto (RunResult) r;
  util_run (&r, (const char *const *) args->pdata, env);
  g_assert_cmpint (r.signal, ==, SIGKILL);     /* it really died there */
  if (s->flags == in_process || g_str_equal (s->kill_at, "data"))
    g_assert_nonnull (strstr (r.err, "TUNDISH_TEST_KILL_AT"));   /* (a worker's goes to its log) */
  g_assert_cmpint (util_csv_rows (out, "results.csv"), ==, -1);
  g_autofree char *m = util_read2 (out, "manifest.yaml");
  g_assert_nonnull (m);
  g_assert_nonnull (strstr (m, "status: running"));

  const char *env2[] = { cache_env, NULL };
  g_auto (RunResult) r2;
  const char *args2[] = { "run", "--resume", out, "-q", "-j", "2", NULL };
  util_run (&r2, args2, env2);
  g_assert_cmpint (r2.exit_code, ==, 0);
  assert_same_outputs (out);
  g_autofree char *m2 = util_read2 (out, "manifest.yaml");
  g_assert_nonnull (strstr (m2, "status: finished"));
}

/* A kill -9 from outside, at a moment nobody chose. */
static void
test_timed_kill (void)
{
  setup_reference ();
  g_autofree char *out = g_build_filename (util_tmp (), "resume", "timed", NULL);
  for (int attempt = 0; attempt < 3; attempt++)
    {
      g_auto (GStrv) env = g_get_environ ();
      g_autofree char *cache = g_build_filename (util_tmp (), "cache", NULL);
      env = g_environ_setenv (env, "TUNDISH_PLUGIN_PATH", util_plugins (), TRUE);
      env = g_environ_setenv (env, "TUNDISH_CACHE_DIR", cache, TRUE);
      const char *argv[] = { util_tundish (), "run", exp_path, "-q", "-j", "2", "-o", out, NULL };
      const char *resume[] = { util_tundish (), "run", "--resume", out, "-q", "-j", "2", NULL };
      GPid pid;
      g_autoptr (GError) e = NULL;
      gboolean first = !g_file_test (out, G_FILE_TEST_EXISTS);
      g_assert_true (g_spawn_async (NULL, (char **) (first ? argv : resume), env,
                                    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                                    | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &e));
      g_usleep ((gulong) g_test_rand_int_range (150, 600) * 1000);
      kill (pid, SIGKILL);
      int status;
      waitpid (pid, &status, 0);
      g_spawn_close_pid (pid);
    }
  g_auto (RunResult) r;
  const char *args[] = { "run", "--resume", out, "-q", "-j", "2", NULL };
  util_run (&r, args, NULL);
  if (r.exit_code != 0)
    {
      /* killed before it wrote its first manifest: nothing to resume */
      g_assert_nonnull (strstr (r.err, "no manifest.yaml"));
      return;
    }
  assert_same_outputs (out);
}

static void
test_config_changed (void)
{
  setup_reference ();
  g_autofree char *dir = util_mkdir ("resume-changed");
  g_autofree char *exp = util_experiment (dir, "exp.yaml", "n_series: 90", pipelines, extra);
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  const char *env[] = { "TUNDISH_TEST_KILL_AT=trial:2", NULL };
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-q", "-j", "1", "-o", out, NULL };
  util_run (&r, args, env);
  g_assert_cmpint (r.signal, ==, SIGKILL);
  /* the experiment is edited while the run lies dead */
  g_free (util_experiment (dir, "exp.yaml", "n_series: 91", pipelines, extra));
  g_auto (RunResult) r2;
  const char *args2[] = { "run", "--resume", out, "-q", NULL };
  util_run (&r2, args2, NULL);
  g_assert_cmpint (r2.exit_code, ==, 1);
  g_assert_nonnull (strstr (r2.err, "resolved configuration changed since this run began"));
  g_assert_nonnull (strstr (r2.err, "n_series: 90"));
  g_assert_nonnull (strstr (r2.err, "n_series: 91"));
  /* options that would change the run are refused too */
  g_auto (RunResult) r3;
  const char *args3[] = { "run", "--resume", out, "--set", "repeats=3", NULL };
  util_run (&r3, args3, NULL);
  g_assert_cmpint (r3.exit_code, ==, 1);
  /* restoring the file makes it resumable again */
  g_free (util_experiment (dir, "exp.yaml", "n_series: 90", pipelines, extra));
  g_auto (RunResult) r4;
  util_run (&r4, args2, NULL);
  g_assert_cmpint (r4.exit_code, ==, 0);
  /* a fresh run refuses to overwrite a run folder */
  g_auto (RunResult) r5;
  util_run (&r5, args, NULL);
  g_assert_cmpint (r5.exit_code, ==, 2);
  g_assert_nonnull (strstr (r5.err, "already holds a run"));
  /* and a folder that is no run cannot be resumed */
  g_auto (RunResult) r6;
  const char *args6[] = { "run", "--resume", dir, NULL };
  util_run (&r6, args6, NULL);
  g_assert_cmpint (r6.exit_code, ==, 2);
  g_assert_nonnull (strstr (r6.err, "no manifest.yaml"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  util_init (argc, argv);
  for (size_t k = 0; k < G_N_ELEMENTS (scenarios); k++)
    {
      g_autofree char *path = g_strdup_printf ("/robust/resume/kill-%s", scenarios[k].name);
      g_test_add_data_func (path, &scenarios[k], test_kill_point);
    }
  g_test_add_func ("/robust/resume/timed-kill", test_timed_kill);
  g_test_add_func ("/robust/resume/config-changed", test_config_changed);
  int rc = g_test_run ();
  util_finish ();
  g_free (ref_dir);
  g_free (exp_path);
  return rc;
}
