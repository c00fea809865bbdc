/* augment_space: features — a pipeline's own augmentations run on the
 * training feature matrix (SMOTE in feature space) inside a run: the stage
 * adds its series there, the trial succeeds, and the result differs from the
 * same stage run on the raw sequences. */
#include <string.h>

#include <glib.h>

int
main (int argc, char **argv)
{
  if (argc < 3)
    g_error ("usage: test_augment_space TUNDISH SOURCE_ROOT");
  g_autofree char *tmp = g_dir_make_tmp ("tundish-augsp-XXXXXX", NULL);
  g_autofree char *exp = g_build_filename (argv[2], "tests/core/augspace/augment-space.yaml", NULL);
  g_autofree char *run = g_build_filename (tmp, "run", NULL);
  g_autofree char *cache = g_build_filename (tmp, "cache", NULL);
  const char *cmd[] = { argv[1], "run", exp, "-q", "-o", run, NULL };
  g_auto (GStrv) env = g_environ_setenv (g_get_environ (), "TUNDISH_CACHE_DIR", cache, TRUE);
  g_autofree char *err = NULL;
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) cmd, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("run failed: %s", err);
  g_autofree char *mpath = g_build_filename (run, "manifest.yaml", NULL);
  g_autofree char *manifest = NULL, *summary = NULL;
  g_assert_true (g_file_get_contents (mpath, &manifest, NULL, NULL));
  g_assert_nonnull (strstr (manifest, "augment_space: features"));
  g_assert_null (strstr (manifest, "status: failed"));
  /* both pipelines: the stage added the minority count (13 of 90 training casts) */
  const char *p = strstr (manifest, "pipeline: \"smote_features\"");
  g_assert_nonnull (p);
  g_assert_nonnull (strstr (p, "augmented: [{ plugin: oversample, added: 13 }]"));
  g_autofree char *spath = g_build_filename (run, "summary.csv", NULL);
  g_assert_true (g_file_get_contents (spath, &summary, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (summary, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, 3);
  /* same seeds, same added count; different space → different model */
  g_auto (GStrv) a = g_strsplit (lines[1], ",", -1), b = g_strsplit (lines[2], ",", -1);
  g_assert_cmpstr (a[1], ==, "smote_features");
  g_assert_cmpstr (b[1], ==, "smote_sequences");
  g_assert_cmpstr (a[4], !=, b[4]);
  const char *rm[] = { "rm", "-rf", tmp, NULL };
  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  return 0;
}
