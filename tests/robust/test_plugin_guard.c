/* Hostile plugins, round two (issue 17, items 3–7 and 16): what a plugin
 * does that no trial isolation used to catch.
 *
 *   exit-in-process   exit(0) with trials in the runner's process (-j 1):
 *                     exit 2, the trial recorded failed, manifest "running"
 *   worker-exit       exit(0) in a worker: "the plugin exited (status 0)
 *                     before returning its results", not a missing file;
 *                     printf output without a line break reaches log.txt
 *   log-cap           20 MiB of output: log.txt keeps 4 MiB of head and
 *                     4 MiB of tail and says how much was dropped
 *   default-timeout   an endless loop is stopped by the default trial
 *                     timeout (TUNDISH_TRIAL_TIMEOUT here), with and
 *                     without workers
 *   malloc-unchecked  an unchecked malloc failing under --trial-memory is
 *                     "likely out of memory", not a plain SIGSEGV
 *   plugin-scan       shared objects that abort, exit or crash as they load
 *                     are named and skipped, `tundish plugins` still works;
 *                     relative TUNDISH_PLUGIN_PATH entries are ignored and
 *                     world-writable plugin folders are warned about
 *   terminal-escapes  escape sequences in a plugin's message reach neither
 *                     the terminal nor the run's files raw (item 15)
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "robust_util.h"
#include "run/run_manifest.h"

static void
expect_in (const char *haystack, const char *needle)
{
  if (!haystack || !strstr (haystack, needle))
    g_error ("expected \"%s\" in:\n%s", needle, haystack ? haystack : "(nothing)");
}

static char *
status_of (const char *run)
{
  TdManifestInfo info;
  g_autoptr (GError) e = NULL;
  g_assert_true (td_manifest_read (run, &info, &e));
  char *s = g_strdup (info.status);
  td_manifest_info_clear (&info);
  return s;
}

static char *
trial_file (const char *run, const char *pipeline, const char *trial, const char *file)
{
  g_autofree char *p = g_build_filename (run, "trials", pipeline, trial, file, NULL);
  return util_read (p);
}

static void
test_exit_in_process (void)
{
  g_autofree char *dir = util_mkdir ("exit-inproc");
  g_autofree char *exp = util_experiment (dir, "e.yaml", "",
                                          "  - { name: quits, model: { plugin: crashy, params: "
                                          "{ mode: exit0, when: r0-f1 } } }\n", "");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-q", "-j", "1", "-o", out, NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, 2);
  expect_in (r.err, "trial quits: the plugin exited (status 0) before returning its results");
  expect_in (r.err, "the run is unfinished");
  expect_in (r.err, "tundish run --resume");
  g_autofree char *st = status_of (out);
  g_assert_cmpstr (st, ==, "running");
  g_autofree char *results = util_read2 (out, "results.csv");
  g_assert_null (results);
  /* the trial before it finished; the one that called exit is recorded */
  g_autofree char *first = trial_file (out, "quits", "r0-f0", "metrics.csv");
  g_assert_nonnull (first);
  g_assert_true (g_str_has_prefix (first, "metric,value\n"));
  g_autofree char *culprit = trial_file (out, "quits", "r0-f1", "metrics.csv");
  expect_in (culprit, "# failed,");
  expect_in (culprit, "the plugin exited (status 0)");
}

static void
test_worker_exit (void)
{
  g_autofree char *dir = util_mkdir ("worker-exit");
  g_autofree char *exp = util_experiment (
    dir, "e.yaml", "",
    "  - { name: quits, model: { plugin: crashy, params: { mode: exit0, when: r0-f0 } } }\n"
    "  - { name: chatty, model: { plugin: crashy, params: { mode: print } } }\n", "");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-q", "-j", "2", "-o", out, NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, 3);
  g_autoptr (GPtrArray) failed = util_csv (out, "failed_trials.csv");
  g_assert_cmpuint (failed->len, ==, 2);
  char **f = failed->pdata[1];
  g_assert_cmpstr (f[1], ==, "quits");
  expect_in (f[5], "the plugin exited (status 0) before returning its results");
  g_assert_null (strstr (f[5], "metrics.csv"));
  /* every trial of chatty printed 4,095 'p' and a '!' with no line break */
  for (int k = 0; k < 3; k++)
    {
      g_autofree char *leaf = g_strdup_printf ("r1-f%d", k);
      g_autofree char *log = trial_file (out, "chatty", leaf, "log.txt");
      g_assert_nonnull (log);
      const char *bang = strchr (log, '!');
      g_assert_nonnull (bang);
      g_assert_cmpint (bang - log, ==, 4095);
      g_assert_cmpint (log[0], ==, 'p');
    }
}

static void
test_log_cap (void)
{
  g_autofree char *dir = util_mkdir ("log-cap");
  g_autofree char *exp = util_experiment (
    dir, "e.yaml", "",
    "  - { name: loud, model: { plugin: crashy, params: { mode: flood, when: r1-f2 } } }\n", "");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-q", "-j", "1", "--isolate", "-o", out, NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, 0);     /* a loud trial is still a good one */
  g_autofree char *p = g_build_filename (out, "trials", "loud", "r1-f2", "log.txt", NULL);
  g_autofree char *log = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (p, &log, &len, NULL));
  /* 20 MiB + "FLOOD-END\n" written, 8 MiB kept, and a line saying so */
  guint64 total = 20u * 1024 * 1024 + 10;
  g_autofree char *note = g_strdup_printf ("[tundish: %" G_GUINT64_FORMAT " bytes of output "
                                           "dropped here: the worker wrote %" G_GUINT64_FORMAT
                                           " bytes; log.txt keeps the first 4194304 and the "
                                           "last 4194304]", total - (8u << 20), total);
  expect_in (log, note);
  g_assert_cmpuint (len, ==, (8u << 20) + strlen (note) + 2);
  g_assert_true (g_str_has_prefix (log, "ffff"));
  g_assert_true (g_str_has_suffix (log, "FLOOD-END\n"));
  /* a quiet trial's log is untouched */
  g_autofree char *quiet = trial_file (out, "loud", "r0-f0", "log.txt");
  g_assert_nonnull (quiet);
  g_assert_null (strstr (quiet, "dropped"));
}

static void
test_default_timeout (void)
{
  g_autofree char *dir = util_mkdir ("timeout");
  g_autofree char *exp = util_experiment (
    dir, "e.yaml", "",
    "  - { name: stuck, model: { plugin: crashy, params: { mode: loop, when: r0-f2 } } }\n", "");
  const char *env[] = { "TUNDISH_TRIAL_TIMEOUT=2", NULL };
  /* workers: that trial is killed, the others finish */
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-q", "-j", "2", "-o", out, NULL };
  util_run (&r, args, env);
  g_assert_cmpint (r.exit_code, ==, 3);
  g_autoptr (GPtrArray) failed = util_csv (out, "failed_trials.csv");
  g_assert_cmpuint (failed->len, ==, 2);
  expect_in (((char **) failed->pdata[1])[5], "timed out after 2 s (the default trial timeout; "
                                              "--trial-timeout SECONDS sets another, 0 none); "
                                              "killed");
  g_autofree char *m = util_read2 (out, "manifest.yaml");
  expect_in (m, "trial_timeout_seconds: 2\n");
  /* in this process: the run stops, says why, and the trial is recorded */
  g_autofree char *out1 = g_build_filename (dir, "run1", NULL);
  g_auto (RunResult) r1;
  const char *args1[] = { "run", exp, "-q", "-j", "1", "-o", out1, NULL };
  gint64 t0 = g_get_monotonic_time ();
  util_run (&r1, args1, env);
  g_assert_cmpfloat ((double) (g_get_monotonic_time () - t0) / 1e6, <, 60.0);
  g_assert_cmpint (r1.exit_code, ==, 2);
  expect_in (r1.err, "trial stuck: timed out after 2 s (the default trial timeout");
  expect_in (r1.err, "a trial in this process cannot be stopped alone");
  g_autofree char *st = status_of (out1);
  g_assert_cmpstr (st, ==, "running");
  g_autofree char *culprit = trial_file (out1, "stuck", "r0-f2", "metrics.csv");
  expect_in (culprit, "# failed,\"timed out after 2 s");
  /* --trial-timeout 0: no timeout at all (the loop would run forever, so
   * only the manifest is checked, on a run that does not loop) */
  g_autofree char *exp2 = util_experiment (dir, "ok.yaml", "",
                                           "  - { name: fine, model: crashy }\n", "");
  g_autofree char *out2 = g_build_filename (dir, "run2", NULL);
  g_auto (RunResult) r2;
  const char *args2[] = { "run", exp2, "-q", "-j", "2", "--trial-timeout", "0", "-o", out2,
                          NULL };
  util_run (&r2, args2, env);
  g_assert_cmpint (r2.exit_code, ==, 0);
  g_autofree char *m2 = util_read2 (out2, "manifest.yaml");
  expect_in (m2, "trial_timeout_seconds: 0\n");
}

static void
test_malloc_unchecked (void)
{
  if (UNDER_ASAN)
    {
      g_test_skip ("ASan reserves terabytes of address space: RLIMIT_AS cannot apply");
      return;
    }
  g_autofree char *dir = util_mkdir ("malloc");
  g_autofree char *exp = util_experiment (
    dir, "e.yaml", "",
    "  - { name: greedy, model: { plugin: crashy, params: { mode: malloc_unchecked, "
    "when: r0-f0 } } }\n"
    "  - { name: crash, model: { plugin: crashy, params: { mode: segv, when: r0-f0 } } }\n", "");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-q", "-j", "2", "--trial-memory", "300", "-o", out, NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, 3);
  g_autoptr (GPtrArray) failed = util_csv (out, "failed_trials.csv");
  g_assert_cmpuint (failed->len, ==, 3);
  for (guint k = 1; k < failed->len; k++)
    {
      char **f = failed->pdata[k];
      if (g_str_equal (f[1], "greedy"))
        {
          expect_in (f[5], "likely out of memory: killed by SIGSEGV (Segmentation fault) with ");
          expect_in (f[5], " of the 300 MB it may add in use (--trial-memory; peak resident ");
        }
      else
        {
          /* a plain segfault far from the limit stays a plain crash */
          expect_in (f[5], "crashed: killed by SIGSEGV");
          g_assert_null (strstr (f[5], "out of memory"));
        }
    }
}

static void
test_plugin_scan (void)
{
  const char *evil = g_getenv ("TD_ROBUST_EVIL");
  g_assert_nonnull (evil);
  g_autofree char *path = g_strdup_printf ("TUNDISH_PLUGIN_PATH=%s:%s", util_plugins (), evil);
  const char *env[] = { path, NULL };
  g_auto (RunResult) r;
  const char *args[] = { "plugins", "model", NULL };
  util_run (&r, args, env);
  g_assert_cmpint (r.exit_code, ==, 0);
  expect_in (r.out, "crashy");
  g_autofree char *abort_so = g_build_filename (evil, "evil_abort.so", NULL);
  g_autofree char *exit_so = g_build_filename (evil, "evil_exit.so", NULL);
  g_autofree char *desc_so = g_build_filename (evil, "evil_descriptor.so", NULL);
  g_autofree char *w1 = g_strdup_printf ("%s: was killed by SIGABRT (Aborted) while loading",
                                         abort_so);
  g_autofree char *w2 = g_strdup_printf ("%s: ended the process with exit status 0 while "
                                         "loading", exit_so);
  /* under ASan its SEGV handler reports and exits with status 1 instead */
  g_autofree char *w3 = UNDER_ASAN ? g_strdup_printf ("%s: ended the process with exit status "
                                                      "1 while loading", desc_so)
                                   : g_strdup_printf ("%s: was killed by SIGSEGV (Segmentation "
                                                      "fault) while loading", desc_so);
  expect_in (r.err, w1);
  expect_in (r.err, w2);
  expect_in (r.err, w3);
  /* a run with them on the path still runs */
  g_autofree char *dir = util_mkdir ("scan");
  g_autofree char *exp = util_experiment (dir, "e.yaml", "", "  - { name: p, model: crashy }\n",
                                          "");
  g_auto (RunResult) v;
  const char *vargs[] = { "validate", exp, NULL };
  util_run (&v, vargs, env);
  g_assert_cmpint (v.exit_code, ==, 0);

  /* a relative entry is not followed: started inside the evil folder, "."
   * would have loaded them */
  g_autofree char *rel = g_strdup_printf ("TUNDISH_PLUGIN_PATH=%s:.", util_plugins ());
  const char *renv[] = { rel, NULL };
  g_auto (RunResult) rr;
  util_run_in (&rr, evil, args, renv);
  g_assert_cmpint (rr.exit_code, ==, 0);
  expect_in (rr.err, "TUNDISH_PLUGIN_PATH entry \".\" is a relative path; ignored");
  g_assert_null (strstr (rr.err, "evil_"));

  /* a folder anyone can write to */
  g_autofree char *open_dir = util_mkdir ("scan/open");
  g_assert_cmpint (g_chmod (open_dir, 0777), ==, 0);
  g_autofree char *wenv = g_strdup_printf ("TUNDISH_PLUGIN_PATH=%s:%s", util_plugins (),
                                           open_dir);
  const char *wenvv[] = { wenv, NULL };
  g_auto (RunResult) rw;
  util_run (&rw, args, wenvv);
  g_assert_cmpint (rw.exit_code, ==, 0);
  g_autofree char *ww = g_strdup_printf ("warning: plugin folder %s is writable by every user "
                                         "(mode 0777)", open_dir);
  expect_in (rw.err, ww);
  /* and not about one that is not */
  g_auto (RunResult) rn;
  util_run (&rn, args, NULL);
  g_assert_null (strstr (rn.err, "writable by every user"));
}

/* no byte a terminal would obey: C0 other than tab and line feed, DEL, C1 */
static void
assert_no_controls (const char *what, const char *text)
{
  for (const unsigned char *c = (const unsigned char *) text; *c; c++)
    if ((*c < 0x20 && *c != '\n' && *c != '\t' && *c != '\r') || *c == 0x7f
        || (*c == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f))
      g_error ("%s holds control byte 0x%02x at %ld", what, *c, (long) (c - (const unsigned char *) text));
}

static void
test_terminal_escapes (void)
{
  g_autofree char *dir = util_mkdir ("escapes");
  g_autofree char *exp = util_experiment (
    dir, "e.yaml", "",
    "  - { name: rude, model: { plugin: crashy, params: { mode: error_escape, when: r0-f1 } } }\n",
    "");
  /* without -q and with stderr not a terminal: one line per trial */
  for (int iso = 0; iso < 2; iso++)
    {
      g_autofree char *out = g_build_filename (dir, iso ? "run-iso" : "run", NULL);
      g_auto (RunResult) r;
      const char *args[] = { "run", exp, "-j", "1", iso ? "--isolate" : "--no-isolate", "-o", out,
                             NULL };
      util_run (&r, args, NULL);
      g_assert_cmpint (r.exit_code, ==, 3);
      assert_no_controls ("stderr", r.err);
      assert_no_controls ("stdout", r.out);
      /* shown, not obeyed (the invalid \x9b byte becomes U+FFFD) */
      expect_in (r.err, "crashy: \\x1b]0;pwned\\x07\\x1b[2J\\x1b[31mred\xef\xbf\xbd" "1m\\u009b2m\\x7f");
      g_autofree char *failed = util_read2 (out, "failed_trials.csv");
      assert_no_controls ("failed_trials.csv", failed);
      g_autofree char *manifest = util_read2 (out, "manifest.yaml");
      assert_no_controls ("manifest.yaml", manifest);
      /* and the run still reads back */
      g_auto (RunResult) rep;
      const char *rargs[] = { "report", out, NULL };
      util_run (&rep, rargs, NULL);
      g_assert_cmpint (rep.exit_code, ==, 0);
      assert_no_controls ("report's stderr", rep.err);
    }
  /* `tundish compare` prints labels from results.csv files anyone may write */
  g_autofree char *cmp = util_mkdir ("escapes/compare");
  GString *csv = g_string_new ("experiment,pipeline,variant,repeat,fold,metric,value\n");
  const char *names[] = { "a\x1b[2Jb", "c\x07" "d", "plain" };
  for (int p = 0; p < 3; p++)
    for (int k = 0; k < 6; k++)
      g_string_append_printf (csv, "e,\"%s\",,%d,%d,roc_auc,0.%d\n", names[p], k / 3, k % 3,
                              (p * 7 + k * 3) % 10);
  g_autofree char *res = util_write (cmp, "results.csv", csv->str);
  g_string_free (csv, TRUE);
  g_auto (RunResult) c;
  const char *cargs[] = { "compare", cmp, NULL };
  util_run (&c, cargs, NULL);
  g_assert_cmpint (c.exit_code, ==, 0);
  assert_no_controls ("compare's stdout", c.out);
  expect_in (c.out, "a\\x1b[2Jb");
  expect_in (c.out, "c\\x07d");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  util_init (argc, argv);
  g_test_add_func ("/robust/guard/exit-in-process", test_exit_in_process);
  g_test_add_func ("/robust/guard/worker-exit", test_worker_exit);
  g_test_add_func ("/robust/guard/log-cap", test_log_cap);
  g_test_add_func ("/robust/guard/default-timeout", test_default_timeout);
  g_test_add_func ("/robust/guard/malloc-unchecked", test_malloc_unchecked);
  g_test_add_func ("/robust/guard/plugin-scan", test_plugin_scan);
  g_test_add_func ("/robust/guard/terminal-escapes", test_terminal_escapes);
  int rc = g_test_run ();
  util_finish ();
  return rc;
}
