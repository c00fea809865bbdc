/* test_drift_cli.c — `tundish drift REFERENCE NEW` on two HDF5 datasets the
 * test writes (one channel's level shifted in NEW), and its errors.
 * argv[1] is the tundish executable. */
#include <tundish/tundish.h>

#include <glib/gstdio.h>
#include <string.h>

#include "cli_run.h"

static const char *tundish;
static char *tmp;

static int
run (const char *const *args, char **out, char **err)
{
  return cli_run (tundish, "drift", args, out, err);
}

/* n series of 3 channels; channel 1 ("temp") moved up by shift. */
static char *
write_data (const char *name, size_t n, size_t channels, double shift, guint32 seed)
{
  g_autoptr (TdDataset) d = td_dataset_new (n, 30, channels, TD_TASK_BINARY, 2);
  g_autoptr (GRand) rng = g_rand_new_with_seed (seed);
  for (size_t i = 0; i < n * 30 * channels; i++)
    d->x[i] = (float) (g_rand_double (rng) + (i % channels == 1 ? shift : 0.0));
  td_dataset_set_channel_name (d, 0, "speed");
  td_dataset_set_channel_name (d, 1, "temp");
  char *path = g_build_filename (tmp, name, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (td_dataset_save_h5 (d, path, &error));
  return path;
}

static void
test_flags_shifted_channel (void)
{
  g_autofree char *ref = write_data ("ref.h5", 80, 3, 0.0, 1);
  g_autofree char *nw = write_data ("new.h5", 50, 3, 0.1, 2);
  g_autofree char *same = write_data ("same.h5", 50, 3, 0.0, 3);
  g_autofree char *csv = g_build_filename (tmp, "drift.csv", NULL);
  g_autofree char *out = NULL, *err = NULL;
  const char *args[] = { ref, nw, "-B", "199", "-o", csv, NULL };
  g_assert_cmpint (run (args, &out, &err), ==, 0);
  g_test_message ("%s", out);
  /* The table: temp's mean row flagged by both tests, no other row flagged. */
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "channel"));
  int flagged = 0;
  for (int i = 1; lines[i] && *lines[i]; i++)
    if (g_str_has_suffix (lines[i], "ks+mmd") || g_str_has_suffix (lines[i], " ks")
        || g_str_has_suffix (lines[i], " mmd"))
      {
        flagged++;
        g_assert_true (g_str_has_prefix (lines[i], "temp "));
        g_assert_true (strstr (lines[i], " mean ") != NULL);
        g_assert_true (g_str_has_suffix (lines[i], "ks+mmd"));
      }
  g_assert_cmpint (flagged, ==, 1);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "channel,summary,n_ref,n_new,ks,p_ks"));
  g_assert_nonnull (strstr (text, "\ntemp,mean,80,50,"));
  /* Without a shift nothing is flagged: the check above is not vacuous. */
  g_autofree char *out2 = NULL, *err2 = NULL;
  const char *args2[] = { ref, same, "-B", "199", NULL };
  g_assert_cmpint (run (args2, &out2, &err2), ==, 0);
  g_assert_null (strstr (out2, "ks+mmd"));
}

static void
test_errors (void)
{
  g_autofree char *ref = write_data ("ref2.h5", 20, 3, 0.0, 4);
  g_autofree char *two = write_data ("two.h5", 20, 2, 0.0, 5);
  g_autofree char *missing = g_build_filename (tmp, "missing.h5", NULL);
  struct { const char *a, *b, *extra, *expect; } cases[] = {
    { ref, missing, NULL, "NEW " },
    { ref, missing, NULL, "no such file or folder" },
    { tmp, ref, NULL, "a folder without manifest.yaml" },
    { ref, two, NULL, "differ in shape" },
    { ref, ref, "--tests=ks,kl", "unknown test \"kl\"" },
    { ref, ref, "--permutations=-3", "--permutations" },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autofree char *out = NULL, *err = NULL;
      const char *args[] = { cases[k].a, cases[k].b, cases[k].extra, NULL };
      g_assert_cmpint (run (args, &out, &err), ==, 1);
      g_test_message ("%s", err);
      g_assert_nonnull (strstr (err, cases[k].expect));
    }
  g_autofree char *out = NULL, *err = NULL;
  const char *help[] = { "--help", NULL };
  g_assert_cmpint (run (help, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "Examples:"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, >=, 2);
  tundish = argv[1];
  tmp = g_dir_make_tmp ("test-drift-cli-XXXXXX", NULL);
  g_test_add_func ("/drift-cli/flags-shifted-channel", test_flags_shifted_channel);
  g_test_add_func ("/drift-cli/errors", test_errors);
  int rc = g_test_run ();
  /* The folder holds only the files the tests wrote. */
  g_autoptr (GDir) dir = g_dir_open (tmp, 0, NULL);
  for (const char *name; dir && (name = g_dir_read_name (dir));)
    {
      g_autofree char *path = g_build_filename (tmp, name, NULL);
      g_unlink (path);
    }
  g_rmdir (tmp);
  g_free (tmp);
  return rc;
}
