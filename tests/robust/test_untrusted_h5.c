/* HDF5 files tundish did not write (issue 17, item 1): `tundish score
 * RUN_DIR DATA.h5` on a real `tundish export` dataset.h5 with one byte
 * flipped in its string data crashed inside libhdf5 (SIGSEGV in H5HG_read).
 * Such files are now read in a child process (run/untrusted_h5.c).
 *
 *   crash-is-real  the flipped file still crashes libhdf5 when read directly
 *                  (so the tests below are not vacuous)
 *   guarded        read through the guard: an error naming the file and the
 *                  signal; the unflipped file reads as before
 *   mutants        300 seeded single-byte flips of the real export: every one
 *                  gives a consistent dataset or an error, none a crash
 *   score          `tundish score` refuses the flipped file with exit 1 and
 *                  scores the real one
 */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "robust_util.h"
#include "run/untrusted_h5.h"

static char *
data_file (const char *name)
{
  return g_build_filename (g_getenv ("TD_ROBUST_SRC"), "data", name, NULL);
}

static void
test_crash_is_real (void)
{
  g_autofree char *flipped = data_file ("export_flipped.h5");
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      GError *e = NULL;
      TdDataset *ds = td_dataset_load_h5 (flipped, &e);
      _exit (ds ? 0 : 1);
    }
  int status = 0;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  /* SIGSEGV; under ASan a heap-buffer-overflow report and exit status 1 */
  g_assert_true (WIFSIGNALED (status) || (WIFEXITED (status) && WEXITSTATUS (status) != 0));
}

static void
test_guarded (void)
{
  g_autofree char *flipped = data_file ("export_flipped.h5");
  g_autoptr (GError) e = NULL;
  TdDataset *ds = td_dataset_load_h5_untrusted (flipped, &e);
  g_assert_null (ds);
  g_assert_nonnull (e);
  g_assert_true (g_str_has_prefix (e->message, flipped));
  g_assert_nonnull (strstr (e->message, ": libhdf5 could not read this file: reading it "));
  g_assert_nonnull (strstr (e->message, "nothing of the file was used"));
  g_autofree char *real = data_file ("export_dataset.h5");
  g_autoptr (GError) e2 = NULL;
  TdDataset *good = td_dataset_load_h5_untrusted (real, &e2);
  g_assert_no_error (e2);
  g_assert_cmpuint (good->n_series, ==, 30);
  g_assert_cmpuint (good->n_steps, ==, 8);
  g_assert_cmpuint (good->n_channels, ==, 3);
  g_assert_cmpstr (good->channel_names[0], ==, "<script>alert(\"x\")</script>");
  td_dataset_unref (good);
}

static void
test_mutants (void)
{
  g_autofree char *real = data_file ("export_dataset.h5");
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (real, &bytes, &len, NULL));
  g_autofree char *dir = util_mkdir ("mutants");
  g_autofree char *path = g_build_filename (dir, "m.h5", NULL);
  GRand *rng = g_rand_new_with_seed (17);
  int read_ok = 0, refused = 0, libhdf5_died = 0;
  for (int k = 0; k < 300; k++)
    {
      guint32 at = g_rand_int_range (rng, 0, (gint32) len);
      char bit = (char) (1 << g_rand_int_range (rng, 0, 8));
      bytes[at] ^= bit;
      g_assert_true (g_file_set_contents (path, bytes, (gssize) len, NULL));
      bytes[at] ^= bit;
      GError *e = NULL;
      TdDataset *ds = td_dataset_load_h5_untrusted (path, &e);
      if (ds)
        {
          g_assert_cmpuint (g_strv_length (ds->channel_names), ==, ds->n_channels);
          read_ok++;
          td_dataset_unref (ds);
        }
      else
        {
          g_assert_nonnull (e);
          refused++;
          libhdf5_died += strstr (e->message, "libhdf5 could not read this file") != NULL;
          g_error_free (e);
        }
    }
  g_rand_free (rng);
  g_test_message ("300 mutants: %d read, %d refused (libhdf5 died on %d)", read_ok, refused,
                  libhdf5_died);
  g_assert_cmpint (read_ok + refused, ==, 300);
  g_assert_cmpint (read_ok, >, 0);
  g_assert_cmpint (refused, >, 0);
}

static void
test_score (void)
{
  g_autofree char *dir = util_mkdir ("score");
  g_autofree char *exp = util_experiment (dir, "e.yaml", "", "  - { name: p, model: crashy }\n",
                                          "");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-q", "-j", "1", "-o", out, NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_autofree char *flipped = data_file ("export_flipped.h5");
  g_auto (RunResult) s;
  const char *sargs[] = { "score", out, flipped, NULL };
  util_run (&s, sargs, NULL);
  g_assert_cmpint (s.signal, ==, 0);
  g_assert_cmpint (s.exit_code, ==, 1);
  g_assert_nonnull (strstr (s.err, "libhdf5 could not read this file"));
  g_autofree char *real = data_file ("export_dataset.h5");
  g_auto (RunResult) ok;
  const char *oargs[] = { "score", out, real, NULL };
  util_run (&ok, oargs, NULL);
  g_assert_cmpint (ok.exit_code, ==, 0);
  g_auto (GStrv) lines = g_strsplit (ok.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 32);   /* header, 30 series, "" */
  g_assert_cmpstr (lines[0], ==, "series_id,score");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  util_init (argc, argv);
  g_test_add_func ("/robust/h5/crash-is-real", test_crash_is_real);
  g_test_add_func ("/robust/h5/guarded", test_guarded);
  g_test_add_func ("/robust/h5/mutants", test_mutants);
  g_test_add_func ("/robust/h5/score", test_score);
  int rc = g_test_run ();
  util_finish ();
  return rc;
}
