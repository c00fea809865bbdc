/* cmd_drift.c — `tundish drift REFERENCE NEW`: is new data still like the
 * data a model was trained on? Each argument is a dataset file (tundish's
 * HDF5 layout) or a run folder (its experiment's dataset); prints the
 * channel table of tundish/drift.h. */
#include <tundish/drift.h>
#include <tundish/io.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "run/data_cache.h"
#include "run/untrusted_h5.h"
#include "util/atomic_file.h"
#include "cli_common.h"
#include "commands.h"
#include "run_folder.h"

/* A run folder's dataset: its experiment reloaded (hash checked), the data
 * from the cache or generated again, under the run's data policy. */
static TdDataset *
run_dataset (const char *run_dir, GError **error)
{
  g_autoptr (TdRegistry) reg = td_cli_registry (TRUE);
  TdManifestInfo info = { 0 };
  g_autoptr (TdExperiment) exp = td_cli_load_run (reg, run_dir, NULL, &info, error);
  TdDataPolicy policy = TD_DATA_POLICY_REPAIR;
  if (info.data_policy)
    td_data_policy_parse (info.data_policy, &policy);
  td_manifest_info_clear (&info);
  if (!exp)
    return NULL;
  g_autofree char *scratch = g_dir_make_tmp ("tundish-drift-XXXXXX", error);
  if (!scratch)
    return NULL;
  TdRunOptions opt = { .use_cache = TRUE, .quiet = TRUE, .data_policy = policy };
  TdDataQuality quality = { 0 };
  TdDataset *data = td_run_load_data (exp, &opt, scratch, &quality, error);
  td_data_quality_clear (&quality);
  td_remove_tree (scratch, NULL);
  return data;
}

static TdDataset *
open_data (const char *what, const char *path, GError **error)
{
  TdDataset *d = NULL;
  g_autoptr (GError) local = NULL;
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *manifest = g_build_filename (path, "manifest.yaml", NULL);
      if (!g_file_test (manifest, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                       "%s %s: a folder without manifest.yaml (expected a run folder, "
                       "reports/<experiment>/<run>, or a dataset .h5 file)", what, path);
          return NULL;
        }
      d = run_dataset (path, &local);
    }
  else if (!g_file_test (path, G_FILE_TEST_EXISTS))
    g_set_error (&local, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                 "no such file or folder (expected a dataset .h5 file or a run folder)");
  else
    d = td_dataset_load_h5_untrusted (path, &local);
  if (!d)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s %s: %s", what, path,
                 local->message);
  return d;
}

static gboolean
parse_tests (const char *text, guint *tests, GError **error)
{
  *tests = 0;
  g_auto (GStrv) names = g_strsplit (text, ",", -1);
  for (int k = 0; names[k]; k++)
    {
      TdDriftTest t = td_drift_test_from_name (g_strstrip (names[k]));
      if (!t)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--tests: unknown test \"%s\" (expected ks, wasserstein, mmd)", names[k]);
          return FALSE;
        }
      *tests |= t;
    }
  if (*tests)
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "--tests: empty (expected a comma-separated list of ks, wasserstein, mmd)");
  return FALSE;
}

static void
cell (GString *s, double v, const char *fmt)
{
  if (isnan (v))
    g_string_append_printf (s, " %10s", "-");
  else
    g_string_append_printf (s, fmt, v);
}

/* The table for a terminal: one line per row, drift flagged at alpha. */
static void
print_table (GString *s, const TdDriftTable *t, double alpha)
{
  g_string_append_printf (s, "%-22s %-6s %7s %7s %10s %10s %10s %10s %10s  %s\n", "channel",
                          "stat", "n_ref", "n_new", "ks", "p_ks_holm", "wasserst.", "mmd2",
                          "p_mmd_holm", "drift");
  for (guint i = 0; i < t->rows->len; i++)
    {
      const TdDriftRow *r = t->rows->pdata[i];
      g_string_append_printf (s, "%-22s %-6s %7zu %7zu", r->channel, r->summary, r->n_ref,
                              r->n_new);
      cell (s, r->ks, " %10.4f");
      cell (s, r->p_ks_holm, " %10.3g");
      cell (s, r->wasserstein, " %10.4g");
      cell (s, r->mmd2, " %10.4g");
      cell (s, r->p_mmd_holm, " %10.3g");
      gboolean ks = r->p_ks_holm < alpha, mmd = r->p_mmd_holm < alpha;
      g_string_append_printf (s, "  %s\n", ks && mmd ? "ks+mmd" : ks ? "ks" : mmd ? "mmd" : "");
    }
}

int
td_cmd_drift (int argc, char **argv)
{
  g_autofree char *tests_text = NULL, *out_path = NULL;
  gint permutations = TD_DRIFT_PERMUTATIONS_DEFAULT;
  gint64 seed = 42;
  double alpha = 0.05;
  gboolean csv = FALSE;
  GOptionEntry entries[] = {
    { "tests", 't', 0, G_OPTION_ARG_STRING, &tests_text, "Tests to run, comma-separated (default ks,wasserstein,mmd)", "LIST" },
    { "permutations", 'B', 0, G_OPTION_ARG_INT, &permutations, "MMD permutations (default 200)", "B" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed of the MMD permutations (default 42)", "S" },
    { "alpha", 'a', 0, G_OPTION_ARG_DOUBLE, &alpha, "Level at which a Holm-adjusted p flags drift (default 0.05)", "A" },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, "Print CSV (drift.csv's columns) instead of the table", NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Also write the CSV here", "FILE.csv" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GOptionContext) oc = g_option_context_new ("REFERENCE NEW - does NEW still look like REFERENCE?");
  g_option_context_add_main_entries (oc, entries, NULL);
  g_option_context_set_description (oc,
    "Compares two datasets channel by channel, for monitoring a deployed model: REFERENCE\n"
    "is the data it was trained on, NEW the data it is scoring now. Each is a dataset file\n"
    "in tundish's HDF5 layout (dataset.h5 from `tundish export`) or a run folder (its\n"
    "experiment's whole dataset, from the cache or generated again). Both need the same\n"
    "channels. Sequences are compared through each series' mean and standard deviation\n"
    "per channel (the series is the independent unit); feature matrices feature by\n"
    "feature. Per row: Kolmogorov-Smirnov (as scipy.stats.ks_2samp), Wasserstein-1, and\n"
    "MMD² with an RBF kernel (median-heuristic bandwidth) and a permutation p-value;\n"
    "p-values Holm-adjusted over the rows (docs/statistics.md, \"Drift\"). With R rows,\n"
    "MMD can flag at alpha only when B >= R / alpha - 1.\n\n"
    "Examples:\n"
    "  tundish drift reports/steel-casting-baseline/<run> new-casts.h5\n"
    "  tundish drift last-month.h5 this-week.h5 --tests ks,wasserstein\n"
    "  tundish drift ref.h5 new.h5 -B 999 --seed 7 -o drift.csv\n\n"
    "Exit status: 0 ok, 1 usage or input error, 2 runtime error.");
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (oc, &argc, &argv, &error) || argc != 3)
    {
      fprintf (stderr, "tundish drift: %s (see --help)\n",
               error ? error->message : "expected REFERENCE and NEW");
      return TD_EXIT_USAGE;
    }
  guint tests = TD_DRIFT_ALL;
  if (tests_text && !parse_tests (tests_text, &tests, &error))
    {
      fprintf (stderr, "tundish drift: %s\n", error->message);
      return TD_EXIT_USAGE;
    }
  if (permutations < 0 || permutations > 1000000 || !(alpha > 0.0 && alpha < 1.0))
    {
      fprintf (stderr, "tundish drift: %s\n", permutations < 0 || permutations > 1000000
               ? "--permutations: expected an integer in [0, 1000000]"
               : "--alpha: expected a number in (0, 1)");
      return TD_EXIT_USAGE;
    }
  g_autoptr (TdDataset) ref = open_data ("REFERENCE", argv[1], &error);
  g_autoptr (TdDataset) nw = ref ? open_data ("NEW", argv[2], &error) : NULL;
  if (!nw)
    {
      fprintf (stderr, "tundish drift: %s\n", error->message);
      return TD_EXIT_USAGE;
    }
  g_autoptr (TdDriftTable) t = td_drift_datasets (ref, nw, tests, permutations, (guint64) seed,
                                                  &error);
  if (!t)
    {
      fprintf (stderr, "tundish drift: %s\n", error->message);
      return TD_EXIT_USAGE;
    }
  g_autoptr (GString) out = g_string_new (NULL), table = g_string_new (NULL);
  td_drift_table_csv (t, "", NULL, out);
  if (csv)
    g_string_append (table, out->str);
  else
    print_table (table, t, alpha);
  if (out_path && !td_file_write_atomic (out_path, out->str, (gssize) out->len, &error))
    {
      fprintf (stderr, "tundish drift: %s\n", error->message);
      return TD_EXIT_RUNTIME;
    }
  fputs (table->str, stdout);
  td_cli_flush_stdout ("drift", NULL);
  return TD_EXIT_OK;
}
