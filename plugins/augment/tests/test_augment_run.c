/* End to end through the built tundish: a small steel_casting experiment
 * with all six augmentations chained. Checked through the split bookkeeping
 * (the dataset from the run's cache, split again with the runner's seeds):
 * - the manifest records, per trial and stage, how many series were added:
 *   all > 0, and the first stage (time_warp, minority, ratio 1) added exactly
 *   the number of defective casts in that trial's training split;
 * - every trial folder's predictions.csv holds exactly that trial's test
 *   series (no -1, none from train or valid), in the same order as a run
 *   without augmentation;
 * - augmentation reached training: the test scores differ from the run
 *   without it;
 * - the same seed reproduces results.csv, predictions and added counts byte
 *   for byte; another seed changes the results. (That different seeds give
 *   different draws is tested per plugin, on the same data.) */
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/split.h"

static const char *tundish;
static char *tmp_root;

static const char experiment_text[] =
  "experiment: augment-run\n"
  "seed: %s\n"
  "repeats: 2\n"
  "data:\n"
  "  generator: steel_casting\n"
  "  params: { num_casts: 120, cast_duration_minutes: 20, defect_probability: 0.2 }\n"
  "split: { method: stratified_holdout, test_size: 0.25, valid_size: 0.15 }\n"
  "%s"
  "pipelines:\n"
  "  - name: gbdt\n"
  "    features: [statistical]\n"
  "    model: { plugin: xgboost, params: { n_estimators: 20, max_depth: 3 } }\n"
  "evaluate: [roc_auc, pr_auc]\n"
  "report: [csv]\n";

static const char augment_text[] =
  "augment:\n"
  "  - { plugin: time_warp, apply_to: minority, ratio: 1 }\n"
  "  - { plugin: jitter, sigma: 0.05 }\n"
  "  - { plugin: scaling, apply_to: all, ratio: 0.25 }\n"
  "  - { plugin: window_slice, crop: 0.9 }\n"
  "  - { plugin: oversample, method: smote, k: 3 }\n"
  "  - { plugin: mixup, apply_to: all, ratio: 0.5, alpha: 0.4 }\n";
#define N_STAGES 6

/* Run the experiment into tmp_root/tag; returns the run folder. */
static char *
run (const char *seed, gboolean augment, const char *tag)
{
  g_autofree char *text = g_strdup_printf (experiment_text, seed, augment ? augment_text : "");
  g_autofree char *exp = g_build_filename (tmp_root, "exp.yaml", NULL);
  g_assert_true (g_file_set_contents (exp, text, -1, NULL));
  char *out = g_build_filename (tmp_root, tag, NULL);
  g_autofree char *cache = g_build_filename (tmp_root, "cache", NULL);
  const char *argv[] = { tundish, "run", exp, "-q", "-j", "2", "-o", out, NULL };
  g_auto (GStrv) env = g_get_environ ();
  env = g_environ_setenv (env, "TUNDISH_CACHE_DIR", cache, TRUE);
  env = g_environ_setenv (env, "TUNDISH_PLUGIN_PATH", "", TRUE);
  g_autofree char *err = NULL;
  int status = 0;
  g_autoptr (GError) e = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, &e));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("tundish run (%s) failed: %s", tag, err);
  return out;
}

static char *
read_text (const char *dir, const char *a, const char *b)
{
  g_autofree char *path = g_build_filename (dir, a, b, NULL);
  char *text = NULL;
  g_autoptr (GError) e = NULL;
  if (!g_file_get_contents (path, &text, NULL, &e))
    g_error ("%s", e->message);
  return text;
}

/* The cached dataset of the run: the one .h5 file in the fresh cache folder
 * (beside it may be the runner's own bookkeeping, such as a checksum). */
static TdDataset *
load_cached_data (void)
{
  g_autofree char *cache = g_build_filename (tmp_root, "cache", NULL);
  g_autoptr (GDir) d = g_dir_open (cache, 0, NULL);
  g_assert_nonnull (d);
  g_autofree char *path = NULL;
  const char *name;
  while ((name = g_dir_read_name (d)))
    if (g_str_has_suffix (name, ".h5"))
      {
        g_assert_null (path);
        path = g_build_filename (cache, name, NULL);
      }
  g_assert_nonnull (path);
  g_autoptr (GError) e = NULL;
  TdDataset *ds = td_dataset_load_h5 (path, &e);
  g_assert_no_error (e);
  return ds;
}

/* The series ids of a trial's predictions.csv, in file order. */
static GArray *
prediction_ids (const char *run_dir, int repeat, char **scores_out)
{
  g_autofree char *leaf = g_strdup_printf ("r%d-f0", repeat);
  g_autofree char *dir = g_build_filename (run_dir, "trials", "gbdt", leaf, NULL);
  g_autofree char *text = read_text (dir, "predictions.csv", NULL);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "series_id,label,score");
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GString *scores = g_string_new ("");
  for (size_t k = 1; lines[k] && *lines[k]; k++)
    {
      g_auto (GStrv) f = g_strsplit (lines[k], ",", -1);
      g_assert_cmpuint (g_strv_length (f), ==, 3);
      gint64 id = g_ascii_strtoll (f[0], NULL, 10);
      g_array_append_val (ids, id);
      g_string_append_printf (scores, "%s\n", f[2]);
    }
  *scores_out = g_string_free (scores, FALSE);
  return ids;
}

/* Per trial (repeat) of the manifest, the series each stage added. */
static void
manifest_added (const char *run_dir, gint64 added[2][N_STAGES])
{
  g_autofree char *text = read_text (run_dir, "manifest.yaml", NULL);
  g_autoptr (GRegex) trial = g_regex_new ("pipeline: \"gbdt\", repeat: (\\d+), fold: 0.*"
                                          "augmented: \\[(.*?)\\]", 0, 0, NULL);
  g_autoptr (GRegex) stage = g_regex_new ("plugin: (\\w+), added: (-?\\d+)", 0, 0, NULL);
  static const char *const names[N_STAGES] = { "time_warp", "jitter", "scaling",
                                               "window_slice", "oversample", "mixup" };
  int seen = 0;
  g_autoptr (GMatchInfo) m = NULL;
  g_regex_match (trial, text, 0, &m);
  while (g_match_info_matches (m))
    {
      g_autofree char *r = g_match_info_fetch (m, 1);
      g_autofree char *list = g_match_info_fetch (m, 2);
      int rep = atoi (r);
      g_assert_true (rep == 0 || rep == 1);
      g_autoptr (GMatchInfo) ms = NULL;
      g_regex_match (stage, list, 0, &ms);
      int k = 0;
      while (g_match_info_matches (ms))
        {
          g_autofree char *plugin = g_match_info_fetch (ms, 1);
          g_autofree char *n = g_match_info_fetch (ms, 2);
          g_assert_cmpint (k, <, N_STAGES);
          g_assert_cmpstr (plugin, ==, names[k]);
          added[rep][k++] = g_ascii_strtoll (n, NULL, 10);
          g_match_info_next (ms, NULL);
        }
      g_assert_cmpint (k, ==, N_STAGES);
      seen++;
      g_match_info_next (m, NULL);
    }
  g_assert_cmpint (seen, ==, 2);
}

static void
test_train_only (void)
{
  g_autofree char *aug = run ("1234", TRUE, "aug");
  g_autofree char *plain = run ("1234", FALSE, "plain");
  g_autoptr (TdDataset) data = load_cached_data ();

  gint64 added[2][N_STAGES];
  manifest_added (aug, added);
  TdSplitSpec spec = { .method = TD_SPLIT_STRATIFIED_HOLDOUT, .test_size = 0.25,
                       .valid_size = 0.15 };
  for (int r = 0; r < 2; r++)
    {
      g_autoptr (GPtrArray) splits =
        td_split_make (data, &spec, r, td_seed_derive (1234, r, 0, "split", ""), NULL);
      g_assert_nonnull (splits);
      const TdSplit *sp = splits->pdata[0];
      size_t pos = 0;
      for (size_t k = 0; k < sp->n_train; k++)
        pos += data->y[sp->train[k]] >= 0.5;
      g_test_message ("repeat %d: train %zu (%zu defective), added per stage %" G_GINT64_FORMAT
                      " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                      " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, r, sp->n_train, pos,
                      added[r][0], added[r][1], added[r][2], added[r][3], added[r][4],
                      added[r][5]);
      g_assert_cmpint (added[r][0], ==, (gint64) pos);
      for (int k = 0; k < N_STAGES; k++)
        g_assert_cmpint (added[r][k], >, 0);

      /* Which split each series is in. */
      g_autofree char *where = g_new0 (char, data->n_series);
      for (size_t k = 0; k < sp->n_train; k++)
        where[sp->train[k]] = 'r';
      for (size_t k = 0; k < sp->n_valid; k++)
        where[sp->valid[k]] = 'v';
      for (size_t k = 0; k < sp->n_test; k++)
        where[sp->test[k]] = 't';

      g_autofree char *sa = NULL, *sp_ = NULL;
      g_autoptr (GArray) ids = prediction_ids (aug, r, &sa);
      g_autoptr (GArray) plain_ids = prediction_ids (plain, r, &sp_);
      g_assert_cmpuint (ids->len, ==, sp->n_test);
      for (size_t k = 0; k < ids->len; k++)
        {
          gint64 id = g_array_index (ids, gint64, k);
          g_assert_cmpint (id, >=, 0);                      /* never an added series */
          g_assert_cmpint (id, <, (gint64) data->n_series);
          size_t row = 0;
          while (data->series_id[row] != id)
            row++;
          g_assert_cmpint (where[row], ==, 't');            /* never train or valid */
          g_assert_cmpint (id, ==, data->series_id[sp->test[k]]);
        }
      g_assert_cmpmem (ids->data, ids->len * sizeof (gint64), plain_ids->data,
                       plain_ids->len * sizeof (gint64));
      g_assert_cmpstr (sa, !=, sp_);   /* the augmented training set changed the model */
    }

  /* Same seed: identical; another seed: different draws and results. */
  g_autofree char *again = run ("1234", TRUE, "again");
  g_autofree char *other = run ("99", TRUE, "other");
  g_autofree char *ra = read_text (aug, "results.csv", NULL);
  g_autofree char *rb = read_text (again, "results.csv", NULL);
  g_autofree char *rc = read_text (other, "results.csv", NULL);
  g_assert_cmpstr (ra, ==, rb);
  g_assert_cmpstr (ra, !=, rc);
  for (int r = 0; r < 2; r++)
    {
      g_autofree char *s1 = NULL, *s2 = NULL;
      g_autoptr (GArray) i1 = prediction_ids (aug, r, &s1);
      g_autoptr (GArray) i2 = prediction_ids (again, r, &s2);
      g_assert_cmpstr (s1, ==, s2);
    }
  gint64 again_added[2][N_STAGES];
  manifest_added (again, again_added);
  g_assert_cmpmem (again_added, sizeof again_added, added, sizeof added);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    g_error ("usage: test_augment_run TUNDISH");
  tundish = argv[1];
  tmp_root = g_dir_make_tmp ("tundish-aug-XXXXXX", NULL);
  g_test_add_func ("/augment/run/train-only", test_train_only);
  int rc = g_test_run ();
  const char *rm[] = { "rm", "-rf", tmp_root, NULL };
  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  g_free (tmp_root);
  return rc;
}
