/* test_anomaly_task.c — `task: anomaly` end to end through `tundish run`
 * (tests/core/anomaly/small.yaml): the isolation forest, a train_on normal
 * model, is fitted on exactly the normal series of each training split (its
 * saved psi, with max_samples above the split, counts them), while the
 * supervised GBDT beside it trains on all and is evaluated the same way;
 * and an anomaly model without task: anomaly is refused before running. */
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

static const char *tundish, *src_root;

static int
run (const char *const *argv, char **err)
{
  g_autofree char *out = NULL;
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               err, &status, NULL));
  return g_spawn_check_wait_status (status, NULL) ? 0 : WEXITSTATUS (status);
}

/* "key: N" at the start of a (trimmed) line of text. */
static long
yaml_count (const char *text, const char *key)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (size_t k = 0; lines[k]; k++)
    {
      const char *l = g_strchug (lines[k]);
      if (g_str_has_prefix (l, key) && l[strlen (key)] == ':')
        return strtol (l + strlen (key) + 1, NULL, 10);
    }
  g_error ("no %s: in the manifest", key);
}

/* Series and abnormal ones in a trial's predictions CSV (series_id,label,score). */
static void
count_csv (const char *path, long *n, long *abnormal)
{
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  *n = *abnormal = 0;
  for (size_t k = 1; lines[k]; k++)
    {
      g_auto (GStrv) f = g_strsplit (lines[k], ",", 3);
      if (!f[0] || !f[1])
        continue;
      (*n)++;
      *abnormal += strcmp (f[1], "1") == 0;
    }
}

static void
test_normal_only (void)
{
  g_autofree char *dir = g_dir_make_tmp ("anomaly-XXXXXX", NULL);
  g_autofree char *yaml = g_build_filename (src_root, "tests", "core", "anomaly", "small.yaml",
                                            NULL);
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  const char *argv[] = { tundish, "run", yaml, "-o", out, "-q", NULL };
  g_autofree char *err = NULL;
  g_assert_cmpint (run (argv, &err), ==, 0);

  g_autofree char *manifest_path = g_build_filename (out, "manifest.yaml", NULL);
  g_autofree char *manifest = NULL;
  g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, NULL));
  long series = yaml_count (manifest, "series"), positive = yaml_count (manifest, "positive");
  for (int r = 0; r < 2; r++)
    {
      g_autofree char *trial = g_strdup_printf ("%s/trials/iforest/r%d-f0", out, r);
      g_autofree char *test_csv = g_build_filename (trial, "predictions.csv", NULL);
      g_autofree char *valid_csv = g_build_filename (trial, "valid_predictions.csv", NULL);
      long n_test, ab_test, n_valid, ab_valid;
      count_csv (test_csv, &n_test, &ab_test);
      count_csv (valid_csv, &n_valid, &ab_valid);
      long n_train = series - n_test - n_valid;
      long ab_train = positive - ab_test - ab_valid;
      g_assert_cmpint (ab_train, >, 0);   /* there were abnormal series to leave out */

      g_autofree char *model = g_strdup_printf ("%s/models/iforest/r%d-f0.model", out, r);
      g_autoptr (GKeyFile) kf = g_key_file_new ();
      g_assert_true (g_key_file_load_from_file (kf, model, 0, NULL));
      long psi = (long) g_key_file_get_uint64 (kf, "isolation_forest", "psi", NULL);
      g_test_message ("repeat %d: %ld training series, %ld abnormal, forest psi %ld", r,
                      n_train, ab_train, psi);
      g_assert_cmpint (psi, ==, n_train - ab_train);
    }

  /* both pipelines evaluated by the anomaly evaluator, thresholds included */
  g_autofree char *results_path = g_build_filename (out, "results.csv", NULL);
  g_autofree char *results = NULL;
  g_assert_true (g_file_get_contents (results_path, &results, NULL, NULL));
  for (const char *const *want = (const char *const[]) {
         ",iforest,,0,0,roc_auc,", ",gbdt,,0,0,roc_auc,", ",gbdt,,1,0,fpr_percentile,",
         ",iforest,,1,0,recall_sigma,", ",iforest,,0,0,valid_normals,", NULL };
       *want; want++)
    if (!strstr (results, *want))
      g_error ("results.csv has no row %s", *want);
  g_assert_null (strstr (results, ",brier,"));   /* the binary evaluator did not run */
  g_autofree char *quoted = g_shell_quote (dir);
  g_autofree char *rm = g_strdup_printf ("rm -rf %s", quoted);
  g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
}

static void
test_needs_task (void)
{
  g_autofree char *yaml = g_build_filename (src_root, "tests", "core", "anomaly", "no-task.yaml",
                                            NULL);
  const char *argv[] = { tundish, "validate", yaml, NULL };
  g_autofree char *err = NULL;
  g_assert_cmpint (run (argv, &err), ==, 1);
  /* steel_casting declares its data's task (TD_EXT_DATA_TASK), so the
   * loader refuses the model at its line */
  g_assert_nonnull (strstr (err, "no-task.yaml:5:54: pipelines[0].model: pipeline iforest: "
                                 "model isolation_forest supports anomaly, but the data is "
                                 "binary"));
  g_assert_nonnull (strstr (err, "or task: anomaly at the top of the experiment"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 3)
    g_error ("usage: test_anomaly_task TUNDISH SOURCE_ROOT");
  tundish = argv[1];
  src_root = argv[2];
  g_test_add_func ("/anomaly-task/normal-only", test_normal_only);
  g_test_add_func ("/anomaly-task/needs-task", test_needs_task);
  return g_test_run ();
}
