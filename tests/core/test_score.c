/* `tundish score`: a pipeline reloaded from a finished run (fitted feature
 * state + model) gives, on the same series, exactly the scores the trial
 * itself wrote — so a saved model scores new data as it scored its test set. */
#include <string.h>

#include <glib.h>

static const char *tundish, *src_root;
static char *tmp;

static char *
run (const char *const *argv)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_auto (GStrv) env = g_get_environ ();
  g_autofree char *cache = g_build_filename (tmp, "cache", NULL);
  env = g_environ_setenv (env, "TUNDISH_CACHE_DIR", cache, TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &err, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s %s failed:\n%s", argv[0], argv[1], err);
  return g_steal_pointer (&out);
}

/* series_id -> score text, from a series_id,label,score or series_id,score CSV. */
static GHashTable *
scores_by_id (const char *text, int score_col)
{
  GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (size_t i = 1; lines[0] && lines[i]; i++)
    {
      if (!*lines[i])
        continue;
      g_auto (GStrv) f = g_strsplit (lines[i], ",", -1);
      g_hash_table_insert (h, g_strdup (f[0]), g_strdup (f[score_col]));
    }
  return h;
}

static void
check_pipeline (const char *run_dir, const char *data, const char *label, const char *folder,
                int repeat)
{
  g_autofree char *r = g_strdup_printf ("%d", repeat);
  const char *argv[] = { tundish, "score", run_dir, data, "--pipeline", label, "--repeat", r, NULL };
  g_autofree char *out = run (argv);
  g_assert_true (g_str_has_prefix (out, "series_id,score\n"));
  g_autoptr (GHashTable) scored = scores_by_id (out, 1);
  g_assert_cmpuint (g_hash_table_size (scored), ==, 120);
  g_autofree char *leaf = g_strdup_printf ("r%d-f0", repeat);
  g_autofree char *pred = g_build_filename (run_dir, "trials", folder, leaf, "predictions.csv", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (pred, &text, NULL, NULL));
  g_autoptr (GHashTable) trial = scores_by_id (text, 2);
  g_assert_cmpuint (g_hash_table_size (trial), >, 20);
  GHashTableIter it;
  gpointer id, score;
  g_hash_table_iter_init (&it, trial);
  while (g_hash_table_iter_next (&it, &id, &score))
    g_assert_cmpstr (g_hash_table_lookup (scored, id), ==, score);   /* byte for byte */
}

static void
test_score_matches_trials (void)
{
  g_autofree char *exp = g_build_filename (src_root, "tests/core/score/score.yaml", NULL);
  g_autofree char *run_dir = g_build_filename (tmp, "run", NULL);
  g_autofree char *nb = g_build_filename (tmp, "nb", NULL);
  const char *runv[] = { tundish, "run", exp, "-q", "-o", run_dir, NULL };
  g_free (run (runv));
  const char *expv[] = { tundish, "export", run_dir, "--to", nb, "-q", NULL };
  g_free (run (expv));
  g_autofree char *data = g_build_filename (nb, "dataset.h5", NULL);
  g_assert_true (g_file_test (data, G_FILE_TEST_EXISTS));
  check_pipeline (run_dir, data, "gbdt", "gbdt", 0);
  check_pipeline (run_dir, data, "gbdt", "gbdt", 1);
  check_pipeline (run_dir, data, "logistic", "logistic", 1);

  /* Without --pipeline a two-pipeline run is a usage error naming the labels. */
  const char *bad[] = { tundish, "score", run_dir, data, NULL };
  g_autofree char *err = NULL;
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) bad, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, NULL));
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (err, "--pipeline"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 3)
    g_error ("usage: test_score TUNDISH SOURCE_ROOT");
  tundish = argv[1];
  src_root = argv[2];
  tmp = g_dir_make_tmp ("tundish-score-XXXXXX", NULL);
  g_test_add_func ("/score/matches-trials", test_score_matches_trials);
  int rc = g_test_run ();
  const char *rm[] = { "rm", "-rf", tmp, NULL };
  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  g_free (tmp);
  return rc;
}
