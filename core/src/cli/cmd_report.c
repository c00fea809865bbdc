/* cmd_report.c — `tundish report RUN_DIR`: every output of a finished run
 * rebuilt from its trial folders, without fitting any model. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "run/runner.h"
#include "cli_common.h"
#include "commands.h"
#include "run_folder.h"

static const char report_description[] =
  "Rebuilds results.csv, summary.csv, failed_trials.csv, comparisons.csv,\n"
  "predictions.h5, training_curves.csv, feature importance, saliency and attention\n"
  "maps, confusion.csv, timings.csv and report.html of a finished run from its\n"
  "trial folders (trials/<pipeline>/r<R>-f<F>/). No model is\n"
  "fitted: the metrics are recomputed from the stored predictions with the\n"
  "experiment's evaluators, and the reporters run again. For an unchanged\n"
  "tundish the files are byte-identical to the run's own; a metric an evaluator\n"
  "now computes differently is counted and reported. manifest.yaml is left as it\n"
  "is. The experiment is reloaded from the file and overrides the manifest\n"
  "records (or EXPERIMENT.yaml when given) and must resolve to the same\n"
  "configuration (config hash); the dataset comes from the cache, or is generated\n"
  "again from its seed.\n"
  "\n"
  "Examples:\n"
  "  tundish report reports/steel-casting-baseline/20240501T120000Z-1a2b3c4d\n"
  "  tundish report /tmp/run1 --allow-plugin-path ~/my-plugins\n"
  "\n"
  "Exit status: 0 ok, 1 usage or config error (the configuration changed),\n"
  "2 runtime error (the run has unfinished trials, files do not parse).";

int
td_cmd_report (int argc, char **argv)
{
  /* A file-size limit (or quota) then fails a write with EFBIG, reported
   * like any write error, instead of killing the run without a word. */
  signal (SIGXFSZ, SIG_IGN);
  g_auto (GStrv) plugin_dirs = NULL;
  gboolean no_cache = FALSE, quiet = FALSE;
  GOptionEntry entries[] = {
    { "allow-plugin-path", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &plugin_dirs, "Also load plugins from DIR (after the search path; repeatable)", "DIR" },
    { "no-cache", 0, 0, G_OPTION_ARG_NONE, &no_cache, "Generate the data again even when a cached copy exists", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing but errors", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GOptionContext) oc = g_option_context_new ("RUN_DIR [EXPERIMENT.yaml] - rebuild a run's outputs");
  g_option_context_add_main_entries (oc, entries, NULL);
  g_option_context_set_description (oc, report_description);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (oc, &argc, &argv, &error))
    {
      fprintf (stderr, "tundish report: %s\n(see tundish report --help)\n", error->message);
      return TD_EXIT_USAGE;
    }
  if (argc < 2 || argc > 3)
    {
      fprintf (stderr, "tundish report: expected RUN_DIR [EXPERIMENT.yaml], got %d arguments\n"
                       "(see tundish report --help)\n", argc - 1);
      return TD_EXIT_USAGE;
    }
  const char *run_dir = argv[1];
  g_autoptr (TdRegistry) reg = td_cli_registry (quiet);
  if (!td_cli_allow_plugin_dirs (reg, plugin_dirs, "tundish report"))
    return TD_EXIT_USAGE;
  TdManifestInfo info = { 0 };
  g_autoptr (TdExperiment) exp = td_cli_load_run (reg, run_dir, argc == 3 ? argv[2] : NULL,
                                                  &info, &error);
  if (!exp)
    {
      fprintf (stderr, "tundish report: %s\n", error->message);
      td_manifest_info_clear (&info);
      return error->domain == TD_CONFIG_ERROR ? TD_EXIT_USAGE : TD_EXIT_RUNTIME;
    }
  TdDataPolicy policy = TD_DATA_POLICY_REPAIR;
  if (info.data_policy)
    td_data_policy_parse (info.data_policy, &policy);
  TdRunOptions opt = { .use_cache = !no_cache, .quiet = quiet, .data_policy = policy,
                       .started = info.started, .finished = info.finished };
  size_t n_trials = 0, n_failed = 0, n_changed = 0;
  gboolean ok = td_run_rebuild (exp, run_dir, &opt, &n_trials, &n_failed, &n_changed, &error);
  td_manifest_info_clear (&info);
  if (!ok)
    {
      fprintf (stderr, "tundish report: %s\n", error->message);
      return TD_EXIT_RUNTIME;
    }
  if (!quiet)
    {
      printf ("rebuilt the outputs of %s from %zu trials (%zu failed)\n", run_dir, n_trials,
              n_failed);
      if (n_changed)
        printf ("note: %zu metric values differ from the ones the trials stored (an evaluator "
                "changed since the run?); the outputs use the recomputed ones\n", n_changed);
    }
  return TD_EXIT_OK;
}
