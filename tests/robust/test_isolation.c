/* Crash isolation: a plugin that segfaults, aborts, hangs, eats memory,
 * calls exit() or fails in ONE trial leaves that trial failed with the
 * reason (in failed_trials.csv, the manifest and the report) while every
 * other trial completes, and `tundish run` exits 3. --fail-fast stops at the
 * first failure and leaves the rest for --resume. */
#include <string.h>

#include "robust_util.h"

/* The failed_trials.csv message of pipeline name (exactly one row). */
static char *
failure_of (GPtrArray *rows, const char *pipeline, int *repeat, int *fold)
{
  char *found = NULL;
  for (guint k = 1; k < rows->len; k++)
    {
      char **f = rows->pdata[k];
      g_assert_cmpuint (g_strv_length (f), ==, 6);
      if (g_str_equal (f[1], pipeline))
        {
          g_assert_null (found);
          found = g_strdup (f[5]);
          *repeat = atoi (f[3]);
          *fold = atoi (f[4]);
        }
    }
  if (!found)
    g_error ("no failed trial for pipeline %s", pipeline);
  return found;
}

static void
test_crashes (void)
{
  g_autofree char *dir = util_mkdir ("crashes");
  GString *pipes = g_string_new (
    "  - { name: fine, model: crashy }\n"
    "  - { name: segv, model: { plugin: crashy, params: { mode: segv, when: r0-f1 } } }\n"
    "  - { name: abort, model: { plugin: crashy, params: { mode: abort, when: r1-f0 } } }\n"
    "  - { name: loop, model: { plugin: crashy, params: { mode: loop, when: r0-f2 } } }\n"
    "  - { name: exit, model: { plugin: crashy, params: { mode: exit, when: r0-f0 } } }\n"
    "  - { name: error, model: { plugin: crashy, params: { mode: error, when: r1-f1 } } }\n");
  if (!UNDER_ASAN)   /* ASan reserves terabytes of address space: RLIMIT_AS cannot apply */
    g_string_append (pipes, "  - { name: memory, model: { plugin: crashy, "
                            "params: { mode: memory, when: r1-f2 } } }\n");
  int n_pipes = UNDER_ASAN ? 6 : 7, n_bad = n_pipes - 1;
  g_autofree char *exp = util_experiment (dir, "exp.yaml", "", pipes->str, "");
  g_string_free (pipes, TRUE);
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-q", "-j", "2", "-o", out, "--trial-timeout", "3",
                         "--trial-memory", "300", NULL };
  gint64 t0 = g_get_monotonic_time ();
  util_run (&r, args, NULL);
  double took = (double) (g_get_monotonic_time () - t0) / 1e6;
  g_assert_cmpint (r.exit_code, ==, 3);
  g_assert_nonnull (strstr (r.err, "trials failed"));
  g_assert_cmpfloat (took, <, 60);     /* the hung trial was killed, not waited for */

  /* every other trial completed: 6 trials per pipeline, 4 metrics each */
  g_assert_cmpint (util_csv_rows (out, "results.csv"), ==, (n_pipes * 6 - n_bad) * 4);
  g_autoptr (GPtrArray) failed = util_csv (out, "failed_trials.csv");
  g_assert_cmpuint (failed->len - 1, ==, (guint) n_bad);
  int rep, fold;
  g_autofree char *segv = failure_of (failed, "segv", &rep, &fold);
  g_assert_cmpint (rep, ==, 0);
  g_assert_cmpint (fold, ==, 1);
  g_assert_nonnull (strstr (segv, "crashed"));
  /* SIGSEGV; ASan's "SEGV on unknown address"; or UBSan (halt_on_error) first:
   * "runtime error: store to null pointer" */
  g_assert_true (strstr (segv, "SEGV") || strstr (segv, "store to null pointer"));
  g_autofree char *abrt = failure_of (failed, "abort", &rep, &fold);
  g_assert_nonnull (strstr (abrt, "killed by SIGABRT"));
  g_assert_cmpint (rep * 10 + fold, ==, 10);
  g_autofree char *loop = failure_of (failed, "loop", &rep, &fold);
  g_assert_nonnull (strstr (loop, "timed out after 3 s"));
  g_assert_cmpint (rep * 10 + fold, ==, 2);
  g_autofree char *ex = failure_of (failed, "exit", &rep, &fold);
  g_assert_nonnull (strstr (ex, "the plugin exited (status 7) before returning its results"));
  g_autofree char *err = failure_of (failed, "error", &rep, &fold);
  g_assert_cmpstr (err, ==, "pipelines[5].model: crashy: <b>boom</b> & \"quoted\", comma "
                            "second line");
  if (!UNDER_ASAN)
    {
      g_autofree char *mem = failure_of (failed, "memory", &rep, &fold);
      g_assert_nonnull (strstr (mem, "exceeded the memory limit of 300 MB"));
      g_assert_cmpint (rep * 10 + fold, ==, 12);
    }
  /* the report and the manifest say why */
  g_autofree char *html = util_read2 (out, "report.html");
  g_assert_nonnull (html);
  g_assert_nonnull (strstr (html, "SIGABRT"));
  g_assert_nonnull (strstr (html, "timed out after 3 s"));
  g_assert_nonnull (strstr (html, "&lt;b&gt;boom&lt;/b&gt;"));
  g_assert_null (strstr (html, "<b>boom</b>"));
  g_autofree char *manifest = util_read2 (out, "manifest.yaml");
  g_assert_nonnull (strstr (manifest, "status: finished"));
  g_assert_nonnull (strstr (manifest, "isolation: fork"));
  g_assert_nonnull (strstr (manifest, "timed out after 3 s"));
  /* the crashed trial's own output went to its log */
  g_autofree char *log = g_build_filename (out, "trials", "exit", "r0-f0", "log.txt", NULL);
  g_assert_true (g_file_test (log, G_FILE_TEST_EXISTS));
}

static void
test_fail_fast (gconstpointer isolated)
{
  g_autofree char *dir = util_mkdir (isolated ? "ff-isolated" : "ff-inprocess");
  /* the fixed trial order runs "fine" (6 trials) first, then "bad" r0-f0 */
  const char *pipes =
    "  - { name: fine, model: crashy }\n"
    "  - { name: bad, model: { plugin: crashy, params: { mode: error, when: r0-f1 } } }\n";
  g_autofree char *exp = util_experiment (dir, "exp.yaml", "", pipes, "");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-q", "-j", "1", isolated ? "--isolate" : "--no-isolate",
                         "--fail-fast", "-o", out, NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, 3);
  g_assert_nonnull (strstr (r.err, "--fail-fast"));
  g_assert_nonnull (strstr (r.err, "4 of 12 trials not run"));
  /* nothing that could pass for complete results */
  g_assert_cmpint (util_csv_rows (out, "results.csv"), ==, -1);
  g_autofree char *manifest = util_read2 (out, "manifest.yaml");
  g_assert_nonnull (strstr (manifest, "status: stopped"));
  g_assert_nonnull (strstr (manifest, "not_run: 4"));

  /* resume runs the failed trial again (it fails again) and the rest */
  g_auto (RunResult) r2;
  const char *args2[] = { "run", "--resume", out, "-q", "-j", "2", NULL };
  util_run (&r2, args2, NULL);
  g_assert_cmpint (r2.exit_code, ==, 3);
  g_assert_cmpint (util_csv_rows (out, "results.csv"), ==, 11 * 4);
  g_assert_cmpint (util_csv_rows (out, "failed_trials.csv"), ==, 1);
  g_autofree char *m2 = util_read2 (out, "manifest.yaml");
  g_assert_nonnull (strstr (m2, "status: finished"));
  g_assert_nonnull (strstr (m2, "resumed: [\""));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  util_init (argc, argv);
  g_test_add_func ("/robust/isolation/crashes", test_crashes);
  g_test_add_data_func ("/robust/isolation/fail-fast-isolated", GINT_TO_POINTER (1), test_fail_fast);
  g_test_add_data_func ("/robust/isolation/fail-fast-in-process", NULL, test_fail_fast);
  int rc = g_test_run ();
  util_finish ();
  return rc;
}
