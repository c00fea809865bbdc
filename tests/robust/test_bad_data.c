/* Bad data: NaN, Inf, constant channels, zero-length series, non-finite
 * targets, one class, single-class splits. Each gets the documented policy
 * (docs/robustness.md: repaired and counted in manifest.yaml under
 * --data-policy repair, the default) or a clear error naming the series and
 * the channel (always for targets; for everything under strict). */
#include <string.h>

#include "robust_util.h"

static const char pipes[] = "  - { name: mean, model: crashy }\n";

typedef struct {
  const char *inject, *policy;
  int exit_code;
  const char *expect[4];        /* in stderr (error) or manifest.yaml (success) */
} Case;

static const Case cases[] = {
  { "none", "repair", 0, { "inf_replaced: 0\n", "missing: 0\n", "constant_channels: []", NULL } },
  { "nan", "repair", 0, { "missing: 3\n", "series_with_missing: 1\n",
                          "{ channel: \"sensor_1\", missing: 3, inf_replaced: 0 }", NULL } },
  { "inf", "repair", 0, { "inf_replaced: 3\n", "missing: 3\n",
                          "{ channel: \"sensor_1\", missing: 3, inf_replaced: 3 }", NULL } },
  { "constant", "repair", 0, { "constant_channels: [\"sensor_1\"]", NULL } },
  { "zero_length", "repair", 0, { "zero_length_dropped: [5, 7]", "series_out: 58\n",
                                  "series: 58\n", NULL } },
  { "nan", "strict", 2, { "series 4 (id 4), channel \"sensor_1\", step 2: missing sample (NaN)",
                          NULL } },
  { "inf", "strict", 2, { "series 4 (id 4), channel \"sensor_1\", step 2: +Inf", NULL } },
  { "constant", "strict", 2, { "channel \"sensor_1\" is constant (every sample is 2.5)", NULL } },
  { "zero_length", "strict", 2, { "series 5 (id 5) has no samples (length 0)", NULL } },
  { "nan_target", "repair", 2, { "series 3 (id 3): the target is NaN", NULL } },
  { "one_class", "repair", 2, { "every one of the 60 series is class 0", NULL } },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *name = g_strdup_printf ("bad-%s-%s", c->inject, c->policy);
  g_autofree char *dir = util_mkdir (name);
  g_autofree char *gen = g_strdup_printf ("inject: %s", c->inject);
  g_autofree char *exp = util_experiment (dir, "exp.yaml", gen, pipes, "");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_autofree char *policy = g_strdup_printf ("--data-policy=%s", c->policy);
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-q", "-o", out, policy, NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, c->exit_code);
  g_autofree char *manifest = util_read2 (out, "manifest.yaml");
  const char *where = c->exit_code == 0 ? manifest : r.err;
  g_assert_nonnull (where);
  for (size_t k = 0; c->expect[k]; k++)
    if (!strstr (where, c->expect[k]))
      g_error ("expected \"%s\" in:\n%s", c->expect[k], where);
  if (c->exit_code == 0)
    {
      g_autofree char *policy_line = g_strdup_printf ("policy: %s\n", c->policy);
      g_assert_nonnull (strstr (manifest, policy_line));
      g_assert_cmpint (util_csv_rows (out, "results.csv"), ==, 6 * 4);
    }
}

/* One positive series: some test folds hold no positive (their ROC-AUC is
 * undefined: nan, left out of the summary's n) and the fold that tests it
 * trains on one class (that trial fails, naming the split). */
static void
test_single_class_split (void)
{
  g_autofree char *dir = util_mkdir ("one-positive");
  g_autofree char *exp = util_experiment (dir, "exp.yaml", "inject: one_positive", pipes, "");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-q", "-o", out, NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, 3);
  g_autoptr (GPtrArray) failed = util_csv (out, "failed_trials.csv");
  g_assert_cmpuint (failed->len, >=, 3);    /* header + at least one per repeat */
  for (guint k = 1; k < failed->len; k++)
    g_assert_nonnull (strstr (((char **) failed->pdata[k])[5],
                              "the training split has only class 0"));
  g_autoptr (GPtrArray) results = util_csv (out, "results.csv");
  int auc_rows = 0;
  for (guint k = 1; k < results->len; k++)
    {
      char **f = results->pdata[k];
      if (g_str_equal (f[5], "roc_auc"))
        {
          g_assert_cmpstr (f[6], ==, "nan");
          auc_rows++;
        }
    }
  g_assert_cmpint (auc_rows, >, 0);
  g_autoptr (GPtrArray) summary = util_csv (out, "summary.csv");
  for (guint k = 1; k < summary->len; k++)
    {
      char **f = summary->pdata[k];
      if (g_str_equal (f[3], "roc_auc"))
        {
          g_assert_cmpstr (f[4], ==, "nan");
          g_assert_cmpstr (f[6], ==, "0");
        }
    }
}

/* A cache file that is not the one tundish wrote — torn, bit-rotted, or
 * the input that makes libhdf5 1.10.8 overflow a buffer (tests/robust/data/
 * SOURCE.md) — is regenerated, never read. */
static void
test_corrupt_cache (void)
{
  g_autofree char *dir = util_mkdir ("corrupt-cache");
  g_autofree char *cache = g_build_filename (dir, "cache", NULL);
  g_autofree char *cache_env = g_strdup_printf ("TUNDISH_CACHE_DIR=%s", cache);
  const char *env[] = { cache_env, NULL };
  g_autofree char *exp = util_experiment (dir, "exp.yaml", "", pipes, "");
  g_autofree char *first = g_build_filename (dir, "first", NULL);
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-q", "-o", first, NULL };
  util_run (&r, args, env);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_autofree char *h5 = NULL;
  GDir *d = g_dir_open (cache, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    if (g_str_has_suffix (name, ".h5"))
      h5 = g_build_filename (cache, name, NULL);
  if (d)
    g_dir_close (d);
  g_assert_nonnull (h5);
  g_autofree char *check = g_strconcat (h5, ".check", NULL);
  g_assert_true (g_file_test (check, G_FILE_TEST_EXISTS));
  g_autofree char *src = g_getenv ("TD_ROBUST_SRC") ? g_strdup (g_getenv ("TD_ROBUST_SRC")) : NULL;
  g_assert_nonnull (src);
  g_autofree char *bad_path = g_build_filename (src, "data", "corrupt_cache.h5", NULL);
  g_autofree char *bad = NULL;
  gsize bad_len = 0;
  g_assert_true (g_file_get_contents (bad_path, &bad, &bad_len, NULL));
  g_autofree char *good = NULL;
  gsize good_len = 0;
  g_assert_true (g_file_get_contents (h5, &good, &good_len, NULL));
  struct { const char *what; const char *bytes; gsize len; } damage[] = {
    { "fuzzer-found", bad, bad_len },
    { "torn", good, good_len / 2 },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (damage); k++)
    {
      g_assert_true (g_file_set_contents (h5, damage[k].bytes, (gssize) damage[k].len, NULL));
      g_autofree char *out = g_build_filename (dir, damage[k].what, NULL);
      g_auto (RunResult) r2;
      const char *args2[] = { "run", exp, "-q", "-o", out, NULL };
      util_run (&r2, args2, env);
      g_assert_cmpint (r2.exit_code, ==, 0);
      g_assert_nonnull (strstr (r2.err, "ignoring cached dataset"));
      g_autofree char *a = g_build_filename (first, "results.csv", NULL);
      g_autofree char *b = g_build_filename (out, "results.csv", NULL);
      g_assert_true (util_same_file (a, b));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  util_init (argc, argv);
  for (size_t k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autofree char *path = g_strdup_printf ("/robust/bad-data/%s-%s", cases[k].inject,
                                               cases[k].policy);
      g_test_add_data_func (path, &cases[k], test_case);
    }
  g_test_add_func ("/robust/bad-data/single-class-split", test_single_class_split);
  g_test_add_func ("/robust/bad-data/corrupt-cache", test_corrupt_cache);
  int rc = g_test_run ();
  util_finish ();
  return rc;
}
