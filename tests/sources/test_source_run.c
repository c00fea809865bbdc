/* test_source_run.c — a table source through the real `tundish`: paths
 * relative to the experiment, the data file's SHA-256 in manifest.yaml and
 * in the data cache key, `--resume` refused once the file changed, and a
 * malformed file reported with file:line:column by `run` and `validate`.
 *
 * argv: tundish, test plugin folder, extra plugin folder (robust_util). */
#include <glib/gstdio.h>
#include <string.h>

#include "../robust/robust_util.h"

static const char experiment[] =
  "experiment: source-run\n"
  "seed: 3\n"
  "data: {source: table, params: {path: data/plant.csv, id: unit, time: t, label: defect}}\n"
  "split: {method: stratified_holdout, test_size: 0.3, valid_size: 0.0}\n"
  "pipelines:\n"
  "  - name: logistic\n"
  "    features: [statistical]\n"
  "    model: logistic\n"
  "evaluate: [roc_auc]\n"
  "report: [csv]\n";

/* 40 units × 12 steps × 2 sensors; defective units run hotter. */
static char *
plant_csv (double bump)
{
  GString *s = g_string_new ("t,unit,temp,flow,defect\n");
  for (int u = 0; u < 40; u++)
    for (int t = 0; t < 12; t++)
      g_string_append_printf (s, "%d,U%02d,%.3f,%.2f,%d\n", t, u,
                              20.0 + (u % 4 == 0 ? 5.0 : 0.0) + 0.1 * ((u * 7 + t * 3) % 11) + bump,
                              3.5 + 0.01 * ((u + t) % 5), u % 4 == 0);
  return g_string_free (s, FALSE);
}

/* A folder NAME with data/plant.csv holding csv and exp.yaml reading it;
 * returns the experiment's path, *data the data folder. */
static char *
plant_experiment (const char *name, const char *csv, char **data)
{
  g_autofree char *dir = util_mkdir (name);
  *data = g_build_filename (dir, "data", NULL);
  g_assert_cmpint (g_mkdir (*data, 0755), ==, 0);
  g_free (util_write (*data, "plant.csv", csv));
  return util_write (dir, "exp.yaml", experiment);
}

static guint
cache_files (void)
{
  g_autofree char *dir = g_build_filename (util_tmp (), "cache", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    n += g_str_has_prefix (name, "table-") && g_str_has_suffix (name, ".h5");
  return n;
}

static void
test_run_hash_resume (void)
{
  g_autofree char *csv = plant_csv (0);
  g_autofree char *data = NULL;
  g_autofree char *exp = plant_experiment ("run", csv, &data);
  g_autofree char *out = g_build_filename (data, "..", "out", NULL);
  guint before = cache_files ();

  /* From another working folder: the path is relative to the experiment. */
  g_auto (RunResult) r = { 0 };
  util_run_in (&r, util_tmp (), (const char *const[]) { "run", exp, "-o", out, "-j", "1", NULL },
               NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_autofree char *manifest = util_read2 (out, "manifest.yaml");
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, csv, -1);
  g_autofree char *line = g_strdup_printf ("  - { param: \"path\", path: \"data/plant.csv\", "
                                           "sha256: %s }\n", sha);
  g_assert_nonnull (strstr (manifest, "data_files:\n"));
  g_assert_nonnull (strstr (manifest, line));
  g_assert_nonnull (strstr (manifest, "series: 40\n  steps: 12\n  channels: 2\n"));
  g_assert_cmpint (util_csv_rows (out, "results.csv"), >, 0);
  g_assert_cmpuint (cache_files (), ==, before + 1);

  /* The unchanged file: resume accepts (nothing left to run). */
  g_auto (RunResult) ok = { 0 };
  util_run (&ok, (const char *const[]) { "run", "--resume", out, NULL }, NULL);
  g_assert_cmpint (ok.exit_code, ==, 0);

  /* A changed file: resume refuses, naming the file; a new run gets a new cache entry. */
  g_autofree char *changed = plant_csv (0.5);
  g_free (util_write (data, "plant.csv", changed));
  g_auto (RunResult) no = { 0 };
  util_run (&no, (const char *const[]) { "run", "--resume", out, NULL }, NULL);
  g_assert_cmpint (no.exit_code, !=, 0);
  g_assert_nonnull (strstr (no.err, "data/plant.csv (data.params.path) changed since this run "
                                    "began"));
  g_autofree char *out2 = g_build_filename (data, "..", "out2", NULL);
  g_auto (RunResult) r2 = { 0 };
  util_run (&r2, (const char *const[]) { "run", exp, "-o", out2, NULL }, NULL);
  g_assert_cmpint (r2.exit_code, ==, 0);
  g_assert_cmpuint (cache_files (), ==, before + 2);
}

/* A malformed row: `run` and `validate` both name file, line and column. */
static void
test_broken_reported (void)
{
  g_autofree char *csv = plant_csv (0);
  /* Line 5 (header + 3 rows before it): "oops" in the numeric column temp. */
  char *p = csv;
  for (int k = 0; k < 4; k++)
    p = strchr (p, '\n') + 1;
  g_autofree char *rest = g_strdup (strchr (strchr (p, ',') + 1, ',') + 1);
  g_autofree char *head = g_strndup (csv, (gsize) (p - csv));
  g_autofree char *bad = g_strdup_printf ("%s3,U00,oops,%s", head, strchr (rest, ',') + 1);
  g_autofree char *data = NULL;
  g_autofree char *exp = plant_experiment ("broken", bad, &data);
  g_autofree char *want = g_strdup_printf ("%s/plant.csv:5:7: \"oops\" in numeric column "
                                           "\"temp\"; expected a number", data);
  g_auto (RunResult) v = { 0 };
  util_run (&v, (const char *const[]) { "validate", exp, NULL }, NULL);
  g_assert_cmpint (v.exit_code, ==, 1);
  g_assert_nonnull (strstr (v.err, want));
  g_autofree char *out = g_build_filename (data, "..", "out", NULL);
  g_auto (RunResult) r = { 0 };
  util_run (&r, (const char *const[]) { "run", exp, "-o", out, NULL }, NULL);
  g_assert_cmpint (r.exit_code, !=, 0);
  g_assert_nonnull (strstr (r.err, want));
  /* The good file validates and shows its shape. */
  g_free (util_write (data, "plant.csv", csv));
  g_auto (RunResult) good = { 0 };
  util_run (&good, (const char *const[]) { "validate", exp, NULL }, NULL);
  g_assert_cmpint (good.exit_code, ==, 0);
  g_assert_nonnull (strstr (good.out, "data (source table): 40 series × 12 steps × 2 channels, "
                                      "binary"));
}

/* NA tokens become missing values: counted in the manifest under the repair
 * policy, an error naming the series and channel under strict. */
static void
test_missing_counted (void)
{
  g_autofree char *csv = plant_csv (0);
  /* Units U05 and U06 lose their flow reading once each, U07 its temperature. */
  g_autoptr (GString) s = g_string_new (csv);
  g_string_replace (s, "5,U05,20.600,3.50,", "5,U05,20.600,NA,", 1);
  g_string_replace (s, "0,U06,20.900,3.51,", "0,U06,20.900,,", 1);
  g_string_replace (s, "1,U07,20.800,3.53,", "1,U07,NaN,3.53,", 1);
  g_assert_cmpuint (s->len, ==, strlen (csv) - 2 - 4 - 3);   /* all three replaced */
  g_autofree char *data = NULL;
  g_autofree char *exp = plant_experiment ("missing", s->str, &data);
  g_autofree char *out = g_build_filename (data, "..", "out", NULL);
  g_auto (RunResult) r = { 0 };
  util_run (&r, (const char *const[]) { "run", exp, "-o", out, NULL }, NULL);
  g_autofree char *manifest = util_read2 (out, "manifest.yaml");
  g_assert_nonnull (manifest);
  g_assert_nonnull (strstr (manifest, "  missing: 3\n  series_with_missing: 3\n"));
  g_autofree char *strict_out = g_build_filename (data, "..", "strict", NULL);
  g_auto (RunResult) st = { 0 };
  util_run (&st, (const char *const[]) { "run", exp, "-o", strict_out, "--data-policy", "strict",
                                         NULL }, NULL);
  g_assert_cmpint (st.exit_code, !=, 0);
  g_assert_nonnull (strstr (st.err, "flow"));
}

/* docs/data-sources.md's plant-historian example validates and runs as the
 * page says (the page shows its output). */
static void
test_docs_example (void)
{
  const char *exp = TD_SOURCE_TEST_DIR "/../../docs/examples/plant-historian.yaml";
  g_auto (RunResult) v = { 0 };
  util_run (&v, (const char *const[]) { "validate", exp, NULL }, NULL);
  g_assert_cmpint (v.exit_code, ==, 0);
  g_assert_nonnull (strstr (v.out, "data (source table): 12 series × 22 steps × 3 channels, "
                                   "binary\n"));
  g_autofree char *out = g_build_filename (util_tmp (), "docs-example", NULL);
  g_auto (RunResult) r = { 0 };
  util_run (&r, (const char *const[]) { "run", exp, "-o", out, NULL }, NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_autofree char *manifest = util_read2 (out, "manifest.yaml");
  g_assert_nonnull (strstr (manifest, "path: \"plant-historian.csv\", sha256: 2e6f6a44"));
  g_assert_nonnull (strstr (manifest, "    - { channel: \"pressure_bar\", missing: 1, "
                                      "inf_replaced: 0 }\n"));
  g_assert_cmpint (util_csv_rows (out, "results.csv"), ==, 6);   /* 2 metrics × 3 repeats */
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  util_init (argc, argv);
  g_test_add_func ("/sources/run-hash-resume", test_run_hash_resume);
  g_test_add_func ("/sources/broken-reported", test_broken_reported);
  g_test_add_func ("/sources/missing-counted", test_missing_counted);
  g_test_add_func ("/sources/docs-example", test_docs_example);
  int rc = g_test_run ();
  util_finish ();
  return rc;
}
