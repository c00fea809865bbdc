/* test_window_score.c — `tundish score` of a windowed run: the recordings
 * the run trained on, scored again, are cut into the run's windows (same
 * ids, recordings and steps) and every window the trial predicted gets that
 * trial's score byte for byte; the run's own windows (`tundish export`'s
 * dataset.h5) score the same; an experiment changed since the run is
 * refused.
 *
 * The recordings are written here with the SDK and read by the hdf5 source,
 * so the run and score read the very same file.
 *
 * argv: tundish, this folder's build folder (TUNDISH_PLUGIN_PATH). */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "../robust/robust_util.h"

#define N_REC 12
#define WIN 8
#define STRIDE 3

static size_t rec_length (size_t r) { return 20 + (5 * r) % 13; }

/* N_REC recordings of unequal length, 2 channels; recording r is faulty
 * when r % 3 == 0 (flag 1 on its last 5 steps, channel 0 rising from 4
 * steps before). */
static char *
write_recordings (const char *dir)
{
  size_t T = 0;
  for (size_t r = 0; r < N_REC; r++)
    T = MAX (T, rec_length (r));
  g_autoptr (TdDataset) ds = td_dataset_new (N_REC, T, 2, TD_TASK_BINARY, 2);
  double *flag = td_dataset_alloc_y_step (ds);
  ds->lengths = g_new (guint32, N_REC);
  for (size_t r = 0; r < N_REC; r++)
    {
      size_t L = rec_length (r), onset = r % 3 == 0 ? L - 5 : L;
      ds->lengths[r] = (guint32) L;
      float *x = td_dataset_series (ds, r);
      for (size_t t = 0; t < T; t++)
        {
          gboolean in = t < L;
          x[2 * t] = in ? (float) ((t + 4 >= onset ? 3.0 : 0.0) + sin (0.7 * (double) (t + 3 * r)))
                        : 0.0f;
          x[2 * t + 1] = in ? (float) cos (1.3 * (double) t + (double) r) : 0.0f;
          flag[r * T + t] = in ? (double) (t >= onset) : NAN;
        }
      ds->y[r] = onset < L;
    }
  char *path = g_build_filename (dir, "recordings.h5", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (td_dataset_save_h5 (ds, path, &error));
  g_assert_no_error (error);
  return path;
}

static const char yaml[] =
  "experiment: window-score\n"
  "seed: 3\n"
  "data:\n"
  "  source: hdf5\n"
  "  params: {path: recordings.h5}\n"
  "  window: {length: 8, stride: 3, label: any}\n"
  "split: {method: stratified_holdout, test_size: 0.4, valid_size: 0.2}\n"
  "pipelines:\n"
  "  - {name: logistic, features: [statistical], model: logistic}\n"
  "evaluate: [roc_auc]\n"
  "report: [csv]\n";

/* series_id -> the rest of the row, from CSV text. */
static GHashTable *
rows_by_id (const char *text, char **header)
{
  GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  *header = g_strdup (lines[0]);
  for (size_t i = 1; lines[i]; i++)
    {
      if (!*lines[i])
        continue;
      const char *comma = strchr (lines[i], ',');
      g_assert_nonnull (comma);
      g_hash_table_insert (h, g_strndup (lines[i], (gsize) (comma - lines[i])),
                           g_strdup (comma + 1));
    }
  return h;
}

static char *
score (const char *run_dir, const char *data)
{
  g_auto (RunResult) r = { 0 };
  util_run (&r, (const char *const[]) { "score", run_dir, data, NULL }, NULL);
  if (r.exit_code != 0)
    g_error ("tundish score %s failed (%d): %s", data, r.exit_code, r.err);
  return g_steal_pointer (&r.out);
}

static void
test_score_windows (void)
{
  g_autofree char *dir = util_mkdir ("score");
  g_autofree char *data = write_recordings (dir);
  g_autofree char *exp = util_write (dir, "exp.yaml", yaml);
  g_autofree char *run_dir = g_build_filename (dir, "run", NULL);
  g_auto (RunResult) r = { 0 };
  util_run (&r, (const char *const[]) { "run", exp, "-q", "-j", "1", "-o", run_dir, NULL }, NULL);
  if (r.exit_code != 0)
    g_error ("tundish run failed (%d): %s", r.exit_code, r.err);

  g_autofree char *out = score (run_dir, data);
  g_autofree char *header = NULL;
  g_autoptr (GHashTable) scored = rows_by_id (out, &header);
  g_assert_cmpstr (header, ==, "series_id,recording,window_start,window_end,score");
  g_test_message ("%.*s", (int) (strchr (strchr (strchr (out, '\n') + 1, '\n') + 1, '\n') - out),
                  out);

  /* The windows, computed here: end-aligned every STRIDE steps, ids in
   * recording order, then by start. */
  size_t id = 0;
  for (size_t rec = 0; rec < N_REC; rec++)
    {
      size_t L = rec_length (rec), n = (L - WIN) / STRIDE + 1;
      for (size_t k = n; k-- > 0; id++)
        {
          g_autofree char *key = g_strdup_printf ("%zu", id);
          const char *row = g_hash_table_lookup (scored, key);
          g_assert_nonnull (row);
          size_t start = L - WIN - k * STRIDE;
          g_autofree char *where = g_strdup_printf ("%zu,%zu,%zu,", rec, start, start + WIN);
          if (!g_str_has_prefix (row, where))
            g_error ("window %zu: got %s, expected %s<score>", id, row, where);
        }
    }
  g_assert_cmpuint (g_hash_table_size (scored), ==, id);

  /* Every window the trial predicted: the trial's score, byte for byte. */
  g_autofree char *pred = util_read2 (run_dir, "trials/logistic/r0-f0/predictions.csv");
  g_assert_nonnull (pred);
  g_autofree char *pred_header = NULL;
  g_autoptr (GHashTable) trial = rows_by_id (pred, &pred_header);
  g_assert_cmpstr (pred_header, ==, "series_id,label,score");
  g_assert_cmpuint (g_hash_table_size (trial), >=, 10);
  GHashTableIter it;
  gpointer key, value;
  g_autoptr (GHashTable) distinct = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_iter_init (&it, trial);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      const char *trial_score = strchr (value, ',') + 1;
      const char *row = g_hash_table_lookup (scored, key);
      g_assert_nonnull (row);
      const char *our_score = strrchr (row, ',') + 1;
      g_assert_cmpstr (our_score, ==, trial_score);
      g_hash_table_add (distinct, (gpointer) trial_score);
    }
  g_assert_cmpuint (g_hash_table_size (distinct), >, 3);   /* the scores differ: not vacuous */

  /* The run's own windows, as `tundish export` writes them, score the same. */
  g_autofree char *nb = g_build_filename (dir, "nb", NULL);
  g_auto (RunResult) x = { 0 };
  util_run (&x, (const char *const[]) { "export", run_dir, "--to", nb, "--quiet", NULL }, NULL);
  g_assert_cmpint (x.exit_code, ==, 0);
  g_autofree char *windows = g_build_filename (nb, "dataset.h5", NULL);
  g_autofree char *out2 = score (run_dir, windows);
  g_assert_cmpstr (out2, ==, out);

  /* An experiment changed since the run: its windows cannot be rebuilt. */
  g_autofree char *changed = g_strdup_printf ("%s# changed\nrepeats: 2\n", yaml);
  g_free (util_write (dir, "exp.yaml", changed));
  g_auto (RunResult) bad = { 0 };
  util_run (&bad, (const char *const[]) { "score", run_dir, data, NULL }, NULL);
  g_assert_cmpint (bad.exit_code, ==, 1);
  g_assert_nonnull (strstr (bad.err, "cannot reproduce the run's configuration"));
  g_assert_nonnull (strstr (bad.err, "changed since this run began"));
  g_assert_cmpstr (bad.out, ==, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  util_init (argc, argv);
  g_test_add_func ("/window-score/matches-trial", test_score_windows);
  int rc = g_test_run ();
  util_finish ();
  return rc;
}
