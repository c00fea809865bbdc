/* Tests of the csv reporter: exact file text for a hand-built report with
 * awkward names (commas, quotes, newlines, unicode), failed_trials.csv only
 * when trials failed, byte-determinism, and errors. */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <tundish/tundish.h>

static const TdReporterVTable *
vtable (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_assert_nonnull (d);
  g_assert_null (td_plugin_descriptor (1));
  g_assert_cmpint (d->kind, ==, TD_KIND_REPORTER);
  g_assert_cmpstr (d->name, ==, "csv");
  return d->vtable;
}

static const TdResultRow results[] = {
  { .pipeline = "gbdt", .variant = "", .metric = "roc_auc", .repeat = 0, .fold = 0, .value = 0.8125 },
  { .pipeline = "gbdt", .variant = "", .metric = "brier", .repeat = 0, .fold = 0, .value = 0.1 },
  { .pipeline = "a,b", .variant = "max_depth=4,learning_rate=0.1", .metric = "roc_auc",
    .repeat = 1, .fold = 2, .value = 1.0 / 3.0 },
  { .pipeline = "say \"hi\"", .variant = NULL, .metric = "roc_auc", .repeat = 0, .fold = 0, .value = NAN },
  { .pipeline = "two\nlines", .variant = "cr\rhere", .metric = "f1", .repeat = 2, .fold = 0, .value = -INFINITY },
  { .pipeline = "Gießpfanne µ→∞", .variant = "", .metric = "log_loss", .repeat = 0, .fold = 0, .value = 1e-300 },
};

static const TdSummaryRow summary[] = {
  { .pipeline = "gbdt", .variant = "", .metric = "roc_auc", .mean = 0.8125, .sd = 0.015625, .n = 5 },
  { .pipeline = "a,b", .variant = "max_depth=4,learning_rate=0.1", .metric = "roc_auc",
    .mean = 0.1, .sd = NAN, .n = 1 },
  { .pipeline = "say \"hi\"", .variant = "", .metric = "roc_auc", .mean = INFINITY, .sd = 0, .n = 0 },
};

/* Bounds as given (binary fractions, so %.17g prints them short); the
 * reporter only writes them, beside their row. */
static const TdSummaryInterval summary_ci[] = {
  { .level = 0.95, .t_low = 0.78125, .t_high = 0.84375, .boot_low = 0.75,
    .boot_high = 0.875, .boot_samples = 1000 },
  { .level = 0.95, .t_low = NAN, .t_high = NAN, .boot_low = 0.0625, .boot_high = 0.125,
    .boot_samples = 1000 },
  { .level = 0.95, .t_low = NAN, .t_high = NAN, .boot_low = NAN, .boot_high = NAN,
    .boot_samples = 0 },
};

static const TdFailedTrial failed[] = {
  { .pipeline = "lstm", .variant = "hidden_size=32", .repeat = 3, .fold = 1,
    .message = "fit: loss is NaN at epoch 7, \"diverged\"\nlast lr 0.1" },
};

static const char expect_results[] =
  "experiment,pipeline,variant,repeat,fold,metric,value\n"
  "\"exp, \"\"1\"\"\",gbdt,,0,0,roc_auc,0.8125\n"
  "\"exp, \"\"1\"\"\",gbdt,,0,0,brier,0.10000000000000001\n"
  "\"exp, \"\"1\"\"\",\"a,b\",\"max_depth=4,learning_rate=0.1\",1,2,roc_auc,0.33333333333333331\n"
  "\"exp, \"\"1\"\"\",\"say \"\"hi\"\"\",,0,0,roc_auc,nan\n"
  "\"exp, \"\"1\"\"\",\"two\nlines\",\"cr\rhere\",2,0,f1,-inf\n"
  "\"exp, \"\"1\"\"\",Gießpfanne µ→∞,,0,0,log_loss,1e-300\n";

static const char expect_summary[] =
  "experiment,pipeline,variant,metric,mean,sd,n,t_low,t_high,boot_low,boot_high\n"
  "\"exp, \"\"1\"\"\",gbdt,,roc_auc,0.8125,0.015625,5,0.78125,0.84375,"
  "0.75,0.875\n"
  "\"exp, \"\"1\"\"\",\"a,b\",\"max_depth=4,learning_rate=0.1\",roc_auc,0.10000000000000001,nan,1,"
  "nan,nan,0.0625,0.125\n"
  "\"exp, \"\"1\"\"\",\"say \"\"hi\"\"\",,roc_auc,inf,0,0,nan,nan,nan,nan\n";

static const char expect_failed[] =
  "experiment,pipeline,variant,repeat,fold,message\n"
  "\"exp, \"\"1\"\"\",lstm,hidden_size=32,3,1,"
  "\"fit: loss is NaN at epoch 7, \"\"diverged\"\"\nlast lr 0.1\"\n";

static TdRunReport
make_report (const char *dir, gboolean with_failures)
{
  return (TdRunReport) {
    .experiment = "exp, \"1\"",
    .run_dir = dir,
    .results = results, .n_results = G_N_ELEMENTS (results),
    .summary = summary, .n_summary = G_N_ELEMENTS (summary), .summary_ci = summary_ci,
    .failed = with_failures ? failed : NULL,
    .n_failed = with_failures ? G_N_ELEMENTS (failed) : 0,
  };
}

static char *
slurp (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  char *text = NULL;
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static gboolean
exists (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
remove_dir (const char *dir)
{
  const char *names[] = { "results.csv", "summary.csv", "failed_trials.csv" };
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *p = g_build_filename (dir, names[i], NULL);
      g_unlink (p);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);   /* nothing else (no temp files) left */
}

static void
test_exact_text (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("td-csv-XXXXXX", &error);
  g_assert_no_error (error);
  TdRunReport r = make_report (dir, TRUE);

  g_assert_true (vtable ()->write (NULL, &r, &error));
  g_assert_no_error (error);

  g_autofree char *res = slurp (dir, "results.csv");
  g_autofree char *sum = slurp (dir, "summary.csv");
  g_autofree char *fail = slurp (dir, "failed_trials.csv");
  g_assert_cmpstr (res, ==, expect_results);
  g_assert_cmpstr (sum, ==, expect_summary);
  g_assert_cmpstr (fail, ==, expect_failed);

  /* Same report, same bytes. */
  g_assert_true (vtable ()->write (NULL, &r, &error));
  g_autofree char *res2 = slurp (dir, "results.csv");
  g_assert_cmpstr (res2, ==, res);

  remove_dir (dir);
}

static void
test_failed_only_when_failed (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("td-csv-XXXXXX", &error);
  g_assert_no_error (error);

  TdRunReport with = make_report (dir, TRUE);
  g_assert_true (vtable ()->write (NULL, &with, &error));
  g_assert_true (exists (dir, "failed_trials.csv"));

  /* The resumed run finished the failed trial: the stale file goes. */
  TdRunReport without = make_report (dir, FALSE);
  g_assert_true (vtable ()->write (NULL, &without, &error));
  g_assert_no_error (error);
  g_assert_false (exists (dir, "failed_trials.csv"));
  g_assert_true (exists (dir, "results.csv"));

  remove_dir (dir);
}

static void
test_empty_report (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("td-csv-XXXXXX", &error);
  TdRunReport r = { .run_dir = dir };
  g_assert_true (vtable ()->write (NULL, &r, &error));
  g_assert_no_error (error);
  g_autofree char *res = slurp (dir, "results.csv");
  g_assert_cmpstr (res, ==, "experiment,pipeline,variant,repeat,fold,metric,value\n");
  remove_dir (dir);
}

static void
test_errors (void)
{
  g_autoptr (GError) error = NULL;
  TdRunReport none = make_report (NULL, FALSE);
  g_assert_false (vtable ()->write (NULL, &none, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  TdRunReport missing = make_report ("/dev/null/td-csv-run", FALSE);
  g_assert_false (vtable ()->write (NULL, &missing, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "results.csv"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/csv/exact-text", test_exact_text);
  g_test_add_func ("/csv/failed-only-when-failed", test_failed_only_when_failed);
  g_test_add_func ("/csv/empty-report", test_empty_report);
  g_test_add_func ("/csv/errors", test_errors);
  return g_test_run ();
}
