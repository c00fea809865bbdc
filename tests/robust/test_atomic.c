/* Atomic writes: every file appears whole or not at all (temp file, fsync,
 * rename, folder fsync); a write that fails — no space (/dev/full), file
 * too large (RLIMIT_FSIZE, a stand-in for a full disk), a folder that is a
 * file, a folder that cannot be created — gives a clear error naming the
 * file, leaves no temporary file behind, and never leaves an output that
 * looks complete. */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/atomic_file.h"
#include "robust_util.h"

static int
count_temps (const char *dir)
{
  int n = 0;
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    n += strstr (name, ".tmp-") != NULL;
  if (d)
    g_dir_close (d);
  return n;
}

static void
test_helper (void)
{
  g_autofree char *dir = util_mkdir ("atomic");
  g_autofree char *path = g_build_filename (dir, "sub", "a.csv", NULL);
  g_autoptr (GError) e = NULL;
  g_assert_true (td_file_write_atomic (path, "one\n", -1, &e));
  g_assert_no_error (e);
  g_assert_true (td_file_write_atomic (path, "two\nlines\n", -1, &e));
  g_autofree char *text = util_read (path);
  g_assert_cmpstr (text, ==, "two\nlines\n");
  g_autofree char *sub = g_path_get_dirname (path);
  g_assert_cmpint (count_temps (sub), ==, 0);

  /* the parent "folder" is a file */
  g_autofree char *blocker = g_build_filename (dir, "blocker", NULL);
  g_assert_true (g_file_set_contents (blocker, "x", -1, NULL));
  g_autofree char *bad = g_build_filename (blocker, "b.csv", NULL);
  g_assert_false (td_file_write_atomic (bad, "x", -1, &e));
  g_assert_nonnull (e);
  g_assert_nonnull (strstr (e->message, blocker));
  g_assert_nonnull (strstr (e->message, "Not a directory"));
  g_clear_error (&e);

  /* no space left: the byte writer reports it */
  int fd = open ("/dev/full", O_WRONLY);
  if (fd >= 0)
    {
      g_assert_false (td_fd_write_all (fd, "hello", 5, "/dev/full", &e));
      g_assert_nonnull (strstr (e->message, "No space left on device"));
      g_assert_nonnull (strstr (e->message, "/dev/full"));
      g_clear_error (&e);
      close (fd);
    }

  /* a stale temporary file from a killed writer is recognised and removed */
  g_autofree char *stale = g_build_filename (sub, ".a.csv.tmp-123", NULL);
  g_assert_true (g_file_set_contents (stale, "half", -1, NULL));
  td_file_remove_stale_temps (sub);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  /* td_remove_tree never follows a link out of the tree */
  g_autofree char *tree = g_build_filename (dir, "tree", NULL);
  g_autofree char *keep = g_build_filename (dir, "keep", NULL);
  g_autofree char *kept = g_build_filename (keep, "k.txt", NULL);
  g_autofree char *link = g_build_filename (tree, "link", NULL);
  g_mkdir_with_parents (tree, 0755);
  g_mkdir_with_parents (keep, 0755);
  g_assert_true (g_file_set_contents (kept, "k", -1, NULL));
  g_assert_cmpint (symlink (keep, link), ==, 0);
  g_assert_true (td_remove_tree (tree, &e));
  g_assert_false (g_file_test (tree, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept, G_FILE_TEST_EXISTS));
}

static const char pipes[] = "  - { name: mean, model: crashy }\n";

static void
test_run_folder_cannot_be_made (void)
{
  g_autofree char *dir = util_mkdir ("unwritable");
  g_autofree char *exp = util_experiment (dir, "exp.yaml", "", pipes, "");
  /* /proc refuses new folders, even to root (a chmod-ed folder would not) */
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-q", "-o", "/proc/tundish-cannot-be-here/run", NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, 2);
  g_assert_nonnull (strstr (r.err, "cannot create run folder /proc/tundish-cannot-be-here/run"));
}

static void
test_trials_cannot_be_saved (gconstpointer isolated)
{
  g_autofree char *dir = util_mkdir (isolated ? "blocked-isolated" : "blocked");
  g_autofree char *exp = util_experiment (dir, "exp.yaml", "", pipes, "");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_mkdir_with_parents (out, 0755);
  /* a file where the trials folder must go */
  g_autofree char *trials = g_build_filename (out, "trials", NULL);
  g_assert_true (g_file_set_contents (trials, "in the way", -1, NULL));
  g_auto (RunResult) r;
  /* --force: the folder is not empty and holds no run (test_input_bounds) */
  const char *args[] = { "run", exp, "-q", "-o", out, "--force", "-j", isolated ? "2" : "1",
                         NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, 2);
  g_assert_nonnull (strstr (r.err, "Not a directory"));
  g_assert_nonnull (strstr (r.err, "trials"));
  g_assert_cmpint (util_csv_rows (out, "results.csv"), ==, -1);
  g_autofree char *m = util_read2 (out, "manifest.yaml");
  g_assert_nonnull (strstr (m, "status: running"));
  g_assert_cmpint (count_temps (out), ==, 0);
}

static void
limit_file_size (gpointer data)
{
  struct rlimit rl = { (rlim_t) GPOINTER_TO_SIZE (data), (rlim_t) GPOINTER_TO_SIZE (data) };
  setrlimit (RLIMIT_FSIZE, &rl);
}

/* RLIMIT_FSIZE makes a write fail part-way (EFBIG), as a full disk would:
 * whatever file hits it, the run says so and nothing torn is left. */
static void
test_file_too_large (void)
{
  g_autofree char *dir = util_mkdir ("fsize");
  g_autofree char *exp = util_experiment (dir, "exp.yaml", "n_series: 600", pipes, "");
  /* fill the cache first, without a limit */
  g_autofree char *warm = g_build_filename (dir, "warm", NULL);
  g_auto (RunResult) w;
  const char *wargs[] = { "run", exp, "-q", "-o", warm, NULL };
  util_run (&w, wargs, NULL);
  g_assert_cmpint (w.exit_code, ==, 0);
  g_autofree char *big = util_read2 (warm, "report.html");
  g_assert_cmpuint (strlen (big), >, 20000);

  /* several limits, so the failing write lands on different files */
  const gsize limits[] = { 3000, 9000, 20000 };
  for (size_t k = 0; k < G_N_ELEMENTS (limits); k++)
    {
      g_autofree char *leaf = g_strdup_printf ("run-%zu", limits[k]);
      g_autofree char *out = g_build_filename (dir, leaf, NULL);
      g_auto (GStrv) env = g_get_environ ();
      g_autofree char *cache = g_build_filename (util_tmp (), "cache", NULL);
      env = g_environ_setenv (env, "TUNDISH_PLUGIN_PATH", util_plugins (), TRUE);
      env = g_environ_setenv (env, "TUNDISH_CACHE_DIR", cache, TRUE);
      const char *argv[] = { util_tundish (), "run", exp, "-q", "-o", out, "-j", "1", NULL };
      int status = 0;
      g_autofree char *err = NULL;
      g_autoptr (GError) e = NULL;
      g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDOUT_TO_DEV_NULL,
                                   limit_file_size, GSIZE_TO_POINTER (limits[k]), NULL, &err,
                                   &status, &e));
      /* an error, not a SIGXFSZ death */
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 2);
      g_assert_nonnull (strstr (err, "cannot"));
      g_assert_true (strstr (err, "File too large") || strstr (err, "disk full"));
      g_assert_cmpint (count_temps (out), ==, 0);
      /* whatever was written is whole; the manifest does not claim a finished run */
      g_autofree char *m = util_read2 (out, "manifest.yaml");
      if (m)
        g_assert_null (strstr (m, "status: finished"));
      g_autofree char *results = util_read2 (out, "results.csv");
      g_autofree char *want = util_read2 (warm, "results.csv");
      if (results)
        g_assert_cmpstr (results, ==, want);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  util_init (argc, argv);
  g_test_add_func ("/robust/atomic/helper", test_helper);
  g_test_add_func ("/robust/atomic/run-folder-cannot-be-made", test_run_folder_cannot_be_made);
  g_test_add_data_func ("/robust/atomic/trials-cannot-be-saved", NULL, test_trials_cannot_be_saved);
  g_test_add_data_func ("/robust/atomic/trials-cannot-be-saved-isolated", GINT_TO_POINTER (1),
                        test_trials_cannot_be_saved);
  g_test_add_func ("/robust/atomic/file-too-large", test_file_too_large);
  int rc = g_test_run ();
  util_finish ();
  return rc;
}
