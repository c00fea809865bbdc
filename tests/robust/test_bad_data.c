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
  int rc = g_test_run ();
  util_finish ();
  return rc;
}
