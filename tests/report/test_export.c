/* `tundish export` on a real run: every file is there, predictions.csv has
 * one row per test series of every trial, and each of those series is in
 * the test part of its repeat in splits.csv (so the exported splits are the
 * run's); dataset.h5 reads back; --data test and --data none; a folder that
 * is not a run; an experiment changed since the run exports everything but
 * the dataset and fails. */
#include "run_tiny.h"

#include <tundish/tundish.h>

static char *run_dir;

static int
export (const char *const *extra, char **out, char **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) tundish);
  g_ptr_array_add (argv, "export");
  for (size_t i = 0; extra[i]; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);
  g_autofree char *cache = g_build_filename (tmp_root, "cache", NULL);
  g_auto (GStrv) env = g_get_environ ();
  env = g_environ_setenv (env, "TUNDISH_CACHE_DIR", cache, TRUE);
  return run_capture ((const char *const *) argv->pdata, env, out, err);
}

static GPtrArray *
csv_lines (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    g_error ("%s was not exported", name);
  /* memchr, not g_strsplit: under ASan strstr rescans the rest of the text
   * at every call, which makes splitting a large file quadratic. */
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  const char *p = text, *end = text + strlen (text);
  while (p < end)
    {
      const char *nl = memchr (p, '\n', (size_t) (end - p));
      const char *stop = nl ? nl : end;
      if (stop > p)
        g_ptr_array_add (out, g_strndup (p, (gsize) (stop - p)));
      p = stop + 1;
    }
  return out;
}

static void
test_full (void)
{
  g_autofree char *to = g_build_filename (tmp_root, "nb", NULL);
  const char *args[] = { run_dir, "--to", to, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int rc = export (args, &out, &err);
  if (rc != 0)
    g_error ("tundish export failed (%d): %s", rc, err);
  g_assert_nonnull (strstr (out, "exported to"));

  static const char *const files[] = { "README.md", "results.csv", "summary.csv", "comparisons.csv",
                                       "training_curves.csv", "feature_importance.csv",
                                       "predictions.csv", "predictions.h5", "manifest.yaml",
                                       "splits.csv", "series.csv", "dataset.h5", NULL };
  for (size_t i = 0; files[i]; i++)
    {
      g_autofree char *p = g_build_filename (to, files[i], NULL);
      if (!g_file_test (p, G_FILE_TEST_IS_REGULAR))
        g_error ("%s was not exported", files[i]);
    }
  g_autofree char *signals = g_build_filename (to, "signals.csv", NULL);
  g_assert_false (g_file_test (signals, G_FILE_TEST_EXISTS));

  /* splits.csv: (repeat, series) -> part; 160 series, 2 repeats */
  g_autoptr (GPtrArray) splits = csv_lines (to, "splits.csv");
  g_assert_cmpstr (splits->pdata[0], ==, "repeat,fold,series_id,part");
  g_assert_cmpuint (splits->len, ==, 1 + 2 * 160);
  g_autoptr (GHashTable) test_part = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  size_t n_test = 0;
  for (guint i = 1; i < splits->len; i++)
    {
      g_auto (GStrv) f = g_strsplit (splits->pdata[i], ",", -1);
      g_assert_cmpuint (g_strv_length (f), ==, 4);
      g_assert_cmpstr (f[1], ==, "0");
      if (strcmp (f[3], "test") == 0)
        {
          g_hash_table_add (test_part, g_strdup_printf ("%s,%s", f[0], f[2]));
          n_test++;
        }
    }
  g_assert_cmpuint (n_test, ==, 2 * 48);   /* test_size 0.3 of 160 */

  /* predictions.csv: one row per pipeline and test series, each in the
   * test part of its repeat */
  g_autoptr (GPtrArray) pred = csv_lines (to, "predictions.csv");
  g_assert_cmpstr (pred->pdata[0], ==, "pipeline,variant,repeat,fold,series_id,label,score");
  g_assert_cmpuint (pred->len, ==, 1 + 2 * n_test);
  for (guint i = 1; i < pred->len; i++)
    {
      g_auto (GStrv) f = g_strsplit (pred->pdata[i], ",", -1);
      g_assert_cmpuint (g_strv_length (f), ==, 7);
      g_assert_true (strcmp (f[0], "gbdt") == 0 || strcmp (f[0], "logistic") == 0);
      g_autofree char *key = g_strdup_printf ("%s,%s", f[2], f[4]);
      if (!g_hash_table_contains (test_part, key))
        g_error ("predicted series %s of repeat %s is not in its test split", f[4], f[2]);
      double score = g_ascii_strtod (f[6], NULL);
      g_assert_true (score >= 0 && score <= 1);
    }
  /* ordered by pipeline label, repeat, fold */
  g_assert_true (g_str_has_prefix (pred->pdata[1], "gbdt,,0,0,"));
  g_assert_true (g_str_has_prefix (pred->pdata[pred->len - 1], "logistic,,1,0,"));

  /* series.csv and dataset.h5: the whole dataset */
  g_autoptr (GPtrArray) series = csv_lines (to, "series.csv");
  g_assert_true (g_str_has_prefix (series->pdata[0], "series_id,group,label,"));
  g_assert_nonnull (strstr (series->pdata[0], ",mechanism"));
  g_assert_cmpuint (series->len, ==, 1 + 160);
  g_autofree char *h5 = g_build_filename (to, "dataset.h5", NULL);
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) d = td_dataset_load_h5 (h5, &e);
  g_assert_no_error (e);
  g_assert_cmpuint (d->n_series, ==, 160);
  g_assert_cmpuint (d->n_steps, ==, 20 * 60);
  g_assert_cmpuint (d->n_channels, ==, 5);

  g_autofree char *readme_path = g_build_filename (to, "README.md", NULL);
  g_autofree char *readme = NULL;
  g_assert_true (g_file_get_contents (readme_path, &readme, NULL, NULL));
  g_assert_nonnull (strstr (readme, "res = pd.read_csv(\"results.csv\", keep_default_na=False, na_values=[\"nan\"])"));
  g_assert_nonnull (strstr (readme, "x = h5py.File(\"dataset.h5\", \"r\")[\"x\"][...]"));
  g_assert_nonnull (strstr (readme, "res <- read.csv(\"results.csv\", na.strings = \"nan\")"));
  g_assert_nonnull (strstr (readme, "| `splits.csv` |"));
}

static void
test_parts (void)
{
  g_autofree char *to = g_build_filename (tmp_root, "nb-test", NULL);
  const char *args[] = { run_dir, "--to", to, "--data", "test", "--signals-csv", "-q", NULL };
  g_autofree char *out = NULL, *err = NULL;
  int rc = export (args, &out, &err);
  if (rc != 0)
    g_error ("tundish export --data test failed (%d): %s", rc, err);
  g_assert_cmpstr (out, ==, "");
  /* the series tested in some repeat: the union of the test parts */
  g_autoptr (GPtrArray) splits = csv_lines (to, "splits.csv");
  g_autoptr (GHashTable) tested = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 1; i < splits->len; i++)
    {
      g_auto (GStrv) f = g_strsplit (splits->pdata[i], ",", -1);
      if (strcmp (f[3], "test") == 0)
        g_hash_table_add (tested, g_strdup (f[2]));
    }
  g_autoptr (GPtrArray) series = csv_lines (to, "series.csv");
  g_assert_cmpuint (series->len, ==, 1 + g_hash_table_size (tested));
  g_assert_cmpuint (g_hash_table_size (tested), <, 160);
  g_autoptr (GPtrArray) signals = csv_lines (to, "signals.csv");
  g_assert_true (g_str_has_prefix (signals->pdata[0], "series_id,step,"));
  g_assert_cmpuint (signals->len, ==, 1 + g_hash_table_size (tested) * 20 * 60);

  g_autofree char *none = g_build_filename (tmp_root, "nb-none", NULL);
  const char *args2[] = { run_dir, "--to", none, "--data", "none", "-q", NULL };
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_assert_cmpint (export (args2, &out2, &err2), ==, 0);
  g_autofree char *h5 = g_build_filename (none, "dataset.h5", NULL);
  g_autofree char *pred = g_build_filename (none, "predictions.csv", NULL);
  g_assert_false (g_file_test (h5, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (pred, G_FILE_TEST_EXISTS));
}

static void
test_errors (void)
{
  /* not a run folder: a usage error naming it */
  const char *args[] = { tmp_root, "--to", "/nonexistent-never-created", NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_assert_cmpint (export (args, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "not a run folder"));
  g_assert_false (g_file_test ("/nonexistent-never-created", G_FILE_TEST_EXISTS));

  const char *bad[] = { run_dir, "--data", "half", NULL };
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_assert_cmpint (export (bad, &out2, &err2), ==, 1);
  g_assert_nonnull (strstr (err2, "expected full, test or none"));
}

static void
test_changed_experiment (void)
{
  /* A run of a copy of tiny.yaml, then the copy changes: the outputs are
   * exported, the dataset is not, and the command says why. */
  g_autofree char *src = g_build_filename (src_root, "tests/report/tiny.yaml", NULL);
  g_autofree char *copy = g_build_filename (tmp_root, "copy.yaml", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (src, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (copy, text, -1, NULL));
  g_autofree char *run = g_build_filename (tmp_root, "run-copy", NULL);
  g_autofree char *cache = g_build_filename (tmp_root, "cache", NULL);
  const char *argv[] = { tundish, "run", copy, "-q", "-o", run, "--set", "repeats=1", NULL };
  g_auto (GStrv) env = g_get_environ ();
  env = g_environ_setenv (env, "TUNDISH_CACHE_DIR", cache, TRUE);
  g_autofree char *o = NULL, *e = NULL;
  g_assert_cmpint (run_capture (argv, env, &o, &e), ==, 0);
  g_auto (GStrv) parts = g_strsplit (text, "seed: 7", 2);
  g_autofree char *reseeded = g_strjoinv ("seed: 99", parts);
  g_assert_cmpstr (reseeded, !=, text);
  g_assert_true (g_file_set_contents (copy, reseeded, -1, NULL));

  g_autofree char *to = g_build_filename (tmp_root, "nb-changed", NULL);
  const char *args[] = { run, "--to", to, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_assert_cmpint (export (args, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "the dataset was not exported"));
  g_assert_nonnull (strstr (err, "config hash"));
  g_autofree char *pred = g_build_filename (to, "predictions.csv", NULL);
  g_autofree char *h5 = g_build_filename (to, "dataset.h5", NULL);
  g_assert_true (g_file_test (pred, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (h5, G_FILE_TEST_EXISTS));
  g_autofree char *readme_path = g_build_filename (to, "README.md", NULL);
  g_autofree char *readme = NULL;
  g_assert_true (g_file_get_contents (readme_path, &readme, NULL, NULL));
  g_assert_nonnull (strstr (readme, "The dataset was not exported"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 3)
    g_error ("usage: test_export TUNDISH SOURCE_ROOT");
  tundish = argv[1];
  src_root = argv[2];
  tmp_init ("tundish-export-XXXXXX");
  run_dir = run_tiny ("run");
  g_test_add_func ("/report/export/full", test_full);
  g_test_add_func ("/report/export/parts", test_parts);
  g_test_add_func ("/report/export/errors", test_errors);
  g_test_add_func ("/report/export/changed-experiment", test_changed_experiment);
  int rc = g_test_run ();
  g_free (run_dir);
  tmp_remove ();
  return rc;
}
