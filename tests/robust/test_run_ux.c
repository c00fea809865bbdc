/* What a user of `tundish run` and `tundish report` sees around the
 * results: the build commit in --version and the manifest; status lines
 * without a terminal; --log-format json (parsed with json-glib, an
 * independent reader); a closed stdout that must not kill the run; and
 * `tundish report --metrics`, which adds metrics to a finished run from its
 * stored predictions with the same values a run computing them from the
 * start writes. */
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "robust_util.h"

static const char *const fine_pipes =
  "  - { name: logit, features: [statistical], model: logistic }\n"
  "  - { name: fine, model: crashy }\n";

/* "key: value" of a manifest line, unquoted. */
static char *
manifest_value (const char *dir, const char *key)
{
  g_autofree char *text = util_read2 (dir, "manifest.yaml");
  g_assert_nonnull (text);
  g_autofree char *needle = g_strdup_printf ("\n%s: ", key);
  const char *at = strstr (text, needle);
  if (!at)
    return NULL;
  at += strlen (needle);
  g_autofree char *line = g_strndup (at, strcspn (at, "\n"));
  g_strstrip (line);
  if (line[0] == '"')
    return g_strndup (line + 1, strlen (line) - 2);
  return g_steal_pointer (&line);
}

/* The commit the build recorded: the string meson's vcs_tag wrote into the
 * build_info.c that tundish was compiled from (TD_ROBUST_BUILD_INFO). */
static char *
recorded_commit (void)
{
  const char *path = g_getenv ("TD_ROBUST_BUILD_INFO");
  g_assert_nonnull (path);
  g_autofree char *text = util_read (path);
  g_assert_nonnull (text);
  const char *at = strstr (text, "return \"");
  g_assert_nonnull (at);
  at += strlen ("return \"");
  return g_strndup (at, strcspn (at, "\""));
}

/* The commit in --version is the one the build recorded, and names a commit
 * of the sources' repository. Not compared with the live HEAD: a commit
 * made after the build (while a long suite runs) moves HEAD but not the
 * binary, and made this test fail in 0.1 s. */
static void
test_build_commit (void)
{
  g_auto (RunResult) v;
  const char *args[] = { "--version", NULL };
  util_run (&v, args, NULL);
  g_assert_cmpint (v.exit_code, ==, 0);
  const char *at = strstr (v.out, "(commit ");
  g_assert_nonnull (at);
  g_autofree char *commit = g_strndup (at + 8, strcspn (at + 8, ",)"));
  g_assert_cmpstr (commit, !=, "");
  g_assert_null (strchr (commit, '@'));     /* vcs_tag replaced its placeholder */
  g_autofree char *recorded = recorded_commit ();
  g_assert_cmpstr (commit, ==, recorded);

  /* A real commit of the sources, when they are a git checkout: the hash of
   * `git describe --always --dirty` (after a tag: v1.0-3-g<hash>) resolves. */
  const char *src = g_getenv ("TD_ROBUST_SRC");
  const char *top[] = { "git", "-C", src, "rev-parse", "--git-dir", NULL };
  int status = 0;
  if (src
      && g_spawn_sync (NULL, (char **) top, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                       | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
      && g_spawn_check_wait_status (status, NULL))
    {
      g_autofree char *hash = g_strdup (commit);
      char *dirty = strstr (hash, "-dirty");
      if (dirty)
        *dirty = '\0';
      const char *g = g_strrstr (hash, "-g");
      g_autofree char *object = g_strdup_printf ("%s^{commit}", g ? g + 2 : hash);
      const char *git[] = { "git", "-C", src, "cat-file", "-e", object, NULL };
      g_assert_true (g_spawn_sync (NULL, (char **) git, NULL, G_SPAWN_SEARCH_PATH
                                   | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                                   &status, NULL));
      if (!g_spawn_check_wait_status (status, NULL))
        g_error ("--version names commit %s, which the repository at %s does not have", commit,
                 src);
    }
  else
    g_assert_cmpstr (commit, ==, "unknown");

  g_autofree char *dir = util_mkdir ("commit");
  g_autofree char *exp = util_experiment (dir, "exp.yaml", "", fine_pipes, "");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_auto (RunResult) r;
  const char *run[] = { "run", exp, "-q", "-j", "1", "-o", out, NULL };
  util_run (&r, run, NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_autofree char *in_manifest = manifest_value (out, "tundish_commit");
  g_assert_cmpstr (in_manifest, ==, commit);
  g_autofree char *exp_commit = manifest_value (out, "git_commit");
  g_assert_nonnull (exp_commit);     /* the experiment file's, beside it */
}

/* Without a terminal (stderr is a pipe here): a status line every
 * --progress-interval seconds, with done/total, failed, elapsed and ETA. */
static void
test_status_lines (void)
{
  g_autofree char *dir = util_mkdir ("status");
  g_autofree char *exp = util_experiment (
    dir, "exp.yaml", "",
    "  - { name: slow, model: { plugin: crashy, params: { mode: loop, when: r0-f0 } } }\n"
    "  - { name: fine, model: crashy }\n", "");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-j", "1", "--isolate", "--trial-timeout", "1.5",
                         "--progress-interval", "0.2", "-o", out, NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, 3);     /* the looping trial timed out */
  g_auto (GStrv) lines = g_strsplit (r.err, "\n", -1);
  int status = 0, per_trial = 0;
  for (size_t k = 0; lines[k]; k++)
    {
      if (g_str_has_prefix (lines[k], "progress: "))
        {
          status++;
          g_assert_nonnull (strstr (lines[k], "/12 trials, "));
          g_assert_nonnull (strstr (lines[k], " failed, elapsed "));
          g_assert_nonnull (strstr (lines[k], ", ETA "));
        }
      per_trial += lines[k][0] == '[';
    }
  /* the 1.5 s trial alone spans several 0.2 s intervals */
  g_assert_cmpint (status, >=, 4);
  g_assert_cmpint (per_trial, ==, 12);     /* the per-trial lines stay */

  /* --progress-interval 0: none */
  g_autofree char *out2 = g_build_filename (dir, "run2", NULL);
  g_auto (RunResult) r2;
  const char *args2[] = { "run", exp, "-j", "1", "--isolate", "--trial-timeout", "1.5",
                          "--progress-interval", "0", "-o", out2, NULL };
  util_run (&r2, args2, NULL);
  g_assert_null (strstr (r2.err, "progress: "));

  g_auto (RunResult) bad;
  const char *args3[] = { "run", exp, "--progress-interval", "-1", NULL };
  util_run (&bad, args3, NULL);
  g_assert_cmpint (bad.exit_code, ==, 1);
  g_assert_nonnull (strstr (bad.err, "--progress-interval"));
}

static JsonObject *
parse_line (JsonParser *p, const char *line)
{
  g_autoptr (GError) e = NULL;
  if (!json_parser_load_from_data (p, line, -1, &e))
    g_error ("not a JSON line: %s (%s)", line, e->message);
  JsonNode *root = json_parser_get_root (p);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_node_get_object (root);
}

static void
test_json_events (void)
{
  g_autofree char *dir = util_mkdir ("json");
  g_autofree char *exp = util_experiment (
    dir, "exp.yaml", "",
    "  - { name: logit, features: [statistical], model: logistic }\n"
    "  - { name: boom, model: { plugin: crashy, params: { mode: error, "
    "when: r1-f1 } } }\n", "");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-j", "2", "--log-format", "json", "--progress-interval",
                         "0.05", "-o", out, NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, 3);
  g_autoptr (JsonParser) p = json_parser_new ();
  g_auto (GStrv) lines = g_strsplit (r.err, "\n", -1);
  int started = 0, finished = 0, failed = 0, run_started = 0, run_finished = 0, n = 0;
  for (size_t k = 0; lines[k]; k++)
    {
      if (!*lines[k])
        continue;
      /* every line of stderr is one JSON object */
      JsonObject *o = parse_line (p, lines[k]);
      const char *ev = json_object_get_string_member (o, "event");
      g_assert_nonnull (json_object_get_string_member (o, "time"));
      if (n++ == 0)
        g_assert_cmpstr (ev, ==, "run_started");
      if (g_str_equal (ev, "run_started"))
        {
          run_started++;
          g_assert_cmpint (json_object_get_int_member (o, "trials"), ==, 12);
          g_assert_cmpint (json_object_get_int_member (o, "to_run"), ==, 12);
          g_assert_cmpstr (json_object_get_string_member (o, "experiment"), ==, "robust");
        }
      else if (g_str_equal (ev, "trial_started"))
        started++;
      else if (g_str_equal (ev, "trial_finished"))
        {
          finished++;
          JsonObject *m = json_object_get_object_member (o, "metrics");
          g_assert_nonnull (m);
          g_assert_true (json_object_has_member (m, "roc_auc"));
          g_assert_true (json_object_has_member (m, "brier"));
          g_assert_cmpfloat (json_object_get_double_member (o, "seconds"), >=, 0);
        }
      else if (g_str_equal (ev, "trial_failed"))
        {
          failed++;
          /* quotes, a newline and HTML in the message: escaped */
          g_assert_cmpstr (json_object_get_string_member (o, "pipeline"), ==, "boom");
          g_assert_cmpint (json_object_get_int_member (o, "repeat"), ==, 1);
          g_assert_cmpint (json_object_get_int_member (o, "fold"), ==, 1);
          /* (a worker's message comes back through metrics.csv on one line) */
          const char *msg = json_object_get_string_member (o, "error");
          g_assert_true (strstr (msg, "<b>boom</b> & \"quoted\", comma\nsecond line")
                         || strstr (msg, "<b>boom</b> & \"quoted\", comma second line"));
        }
      else if (g_str_equal (ev, "run_finished"))
        {
          run_finished++;
          g_assert_true (lines[k + 1] == NULL || !*lines[k + 1]);     /* the last event */
          g_assert_cmpint (json_object_get_int_member (o, "trials"), ==, 12);
          g_assert_cmpint (json_object_get_int_member (o, "failed"), ==, 1);
          g_assert_cmpint (json_object_get_int_member (o, "exit_code"), ==, 3);
          g_assert_true (g_str_has_suffix (json_object_get_string_member (o, "run_dir"), "/run"));
        }
      else
        g_assert_cmpstr (ev, ==, "progress");
    }
  g_assert_cmpint (run_started, ==, 1);
  g_assert_cmpint (started, ==, 12);
  g_assert_cmpint (finished, ==, 11);
  g_assert_cmpint (failed, ==, 1);
  g_assert_cmpint (run_finished, ==, 1);

  /* report too */
  g_auto (RunResult) rr;
  const char *rargs[] = { "report", out, "--log-format", "json", NULL };
  util_run (&rr, rargs, NULL);
  g_assert_cmpint (rr.exit_code, ==, 0);
  JsonObject *o = parse_line (p, rr.err);
  g_assert_cmpstr (json_object_get_string_member (o, "event"), ==, "report_finished");
  g_assert_cmpint (json_object_get_int_member (o, "failed"), ==, 1);

  g_auto (RunResult) bad;
  const char *bargs[] = { "run", exp, "--log-format", "xml", NULL };
  util_run (&bad, bargs, NULL);
  g_assert_cmpint (bad.exit_code, ==, 1);
  g_assert_nonnull (strstr (bad.err, "expected text or json"));
}

/* `tundish run ... | head -1`: the reader is gone before the run prints
 * anything on stdout; the run still finishes, writes everything, exits 0. */
static void
test_closed_stdout (void)
{
  g_autofree char *dir = util_mkdir ("pipe");
  g_autofree char *exp = util_experiment (dir, "exp.yaml", "", fine_pipes, "");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_autofree char *cache = g_build_filename (util_tmp (), "cache", NULL);
  const char *argv[] = { util_tundish (), "run", exp, "-j", "2", "-o", out, NULL };
  g_auto (GStrv) env = g_get_environ ();
  env = g_environ_setenv (env, "TUNDISH_PLUGIN_PATH", util_plugins (), TRUE);
  env = g_environ_setenv (env, "TUNDISH_CACHE_DIR", cache, TRUE);
  GPid pid;
  int out_fd = -1, err_fd = -1;
  g_autoptr (GError) e = NULL;
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, env,
                                           G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, NULL,
                                           &out_fd, &err_fd, &e));
  g_assert_no_error (e);
  close (out_fd);     /* the reader went away */
  g_autoptr (GString) err = g_string_new ("");
  char buf[4096];
  ssize_t got;
  while ((got = read (err_fd, buf, sizeof buf)) > 0)
    g_string_append_len (err, buf, got);
  close (err_fd);
  int status = 0;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  if (WIFSIGNALED (status))
    g_error ("tundish was killed by signal %d (SIGPIPE is %d)", WTERMSIG (status), SIGPIPE);
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_nonnull (strstr (err->str, "standard output was closed early"));
  g_autofree char *st = manifest_value (out, "status");
  g_assert_cmpstr (st, ==, "finished");
  g_assert_cmpint (util_csv_rows (out, "results.csv"), ==, 2 * 6 * 4);
  g_autofree char *html = g_build_filename (out, "report.html", NULL);
  g_assert_true (g_file_test (html, G_FILE_TEST_EXISTS));
}

static void
assert_same_file (const char *a, const char *b, const char *name)
{
  g_autofree char *pa = g_build_filename (a, name, NULL);
  g_autofree char *pb = g_build_filename (b, name, NULL);
  if (!util_same_file (pa, pb))
    g_error ("%s differs between %s and %s", name, a, b);
}

static void
test_add_metrics (void)
{
  g_autofree char *dir = util_mkdir ("metrics");
  g_autofree char *exp = util_experiment (dir, "exp.yaml", "", fine_pipes, "");
  g_autofree char *a = g_build_filename (dir, "added", NULL);
  g_autofree char *b = g_build_filename (dir, "fresh", NULL);
  g_auto (RunResult) ra;
  const char *args_a[] = { "run", exp, "-q", "-j", "2", "-o", a, NULL };
  util_run (&ra, args_a, NULL);
  g_assert_cmpint (ra.exit_code, ==, 0);
  g_autofree char *hash = manifest_value (a, "config_hash");
  /* The same run computing the two metrics from the start. */
  g_auto (RunResult) rb;
  const char *args_b[] = { "run", exp, "-q", "-j", "2", "-o", b, "--set",
                           "evaluate=[roc_auc, pr_auc, f1, brier, mcc, balanced_accuracy]", NULL };
  util_run (&rb, args_b, NULL);
  g_assert_cmpint (rb.exit_code, ==, 0);
  g_autofree char *before = util_read2 (a, "results.csv");
  g_assert_null (strstr (before, ",mcc,"));

  g_auto (RunResult) rr;
  const char *args_r[] = { "report", a, "--metrics", "mcc, balanced_accuracy", NULL };
  util_run (&rr, args_r, NULL);
  g_assert_cmpint (rr.exit_code, ==, 0);
  g_assert_nonnull (strstr (rr.out, "added 2 metrics"));
  g_assert_null (strstr (rr.out, "differ"));
  /* the values a run computing them from the start writes, byte for byte */
  assert_same_file (a, b, "results.csv");
  assert_same_file (a, b, "summary.csv");
  assert_same_file (a, b, "trials/logit/r1-f2/metrics.csv");
  g_autofree char *added = manifest_value (a, "added_metrics");
  g_assert_cmpstr (added, ==, "[\"mcc\", \"balanced_accuracy\"]");
  g_autofree char *hash_after = manifest_value (a, "config_hash");
  g_assert_cmpstr (hash_after, ==, hash);      /* the run's hash stays */

  /* A later report keeps them, and a report stopped half way is finished
   * by the next one: a trial still without them is completed. */
  g_autofree char *m = g_build_filename (a, "trials", "fine", "r0-f1", "metrics.csv", NULL);
  g_autofree char *mtext = util_read (m);
  g_autofree char *cut = g_strndup (mtext, strstr (mtext, "mcc,") - mtext);
  g_assert_true (g_file_set_contents (m, cut, -1, NULL));
  g_auto (RunResult) r2;
  const char *args_2[] = { "report", a, NULL };
  util_run (&r2, args_2, NULL);
  g_assert_cmpint (r2.exit_code, ==, 0);
  g_assert_null (strstr (r2.out, "differ"));
  assert_same_file (a, b, "results.csv");
  assert_same_file (a, b, "trials/fine/r0-f1/metrics.csv");

  /* resume of the finished run keeps them too */
  g_auto (RunResult) r3;
  const char *args_3[] = { "run", "--resume", a, "-q", NULL };
  util_run (&r3, args_3, NULL);
  g_assert_cmpint (r3.exit_code, ==, 0);
  assert_same_file (a, b, "results.csv");
  g_autofree char *added3 = manifest_value (a, "added_metrics");
  g_assert_cmpstr (added3, ==, added);

  /* adding what is there changes nothing; an unknown name is refused */
  g_auto (RunResult) r4;
  const char *args_4[] = { "report", a, "--metrics", "mcc", NULL };
  util_run (&r4, args_4, NULL);
  g_assert_cmpint (r4.exit_code, ==, 0);
  g_assert_nonnull (strstr (r4.out, "already computed"));
  g_auto (RunResult) r5;
  const char *args_5[] = { "report", a, "--metrics", "mcx", NULL };
  util_run (&r5, args_5, NULL);
  g_assert_cmpint (r5.exit_code, ==, 1);
  g_assert_nonnull (strstr (r5.err, "unknown metric \"mcx\"; did you mean \"mcc\"?"));
  g_autofree char *added5 = manifest_value (a, "added_metrics");
  g_assert_cmpstr (added5, ==, added);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  util_init (argc, argv);
  g_test_add_func ("/run-ux/build-commit", test_build_commit);
  g_test_add_func ("/run-ux/status-lines", test_status_lines);
  g_test_add_func ("/run-ux/json-events", test_json_events);
  g_test_add_func ("/run-ux/closed-stdout", test_closed_stdout);
  g_test_add_func ("/run-ux/add-metrics", test_add_metrics);
  int rc = g_test_run ();
  util_finish ();
  return rc;
}
