/* cmd_report.c — `tundish report RUN_DIR`: every output of a finished run
 * rebuilt from its trial folders, without fitting any model. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "run/runner.h"
#include "util/json_line.h"
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
  "is, unless --metrics adds metrics. The experiment is reloaded from the file and overrides the manifest\n"
  "records (or EXPERIMENT.yaml when given) and must resolve to the same\n"
  "configuration (config hash); the dataset comes from the cache, or is generated\n"
  "again from its seed.\n"
  "\n"
  "--metrics adds metrics to the run without refitting: they are computed from\n"
  "the stored predictions by the evaluators producing them, written into every\n"
  "trial's metrics.csv and every output, and listed in manifest.yaml under\n"
  "added_metrics, so a later report or resume keeps them. The run's config hash\n"
  "stays the one it began with (docs/robustness.md).\n"
  "\n"
  "Examples:\n"
  "  tundish report reports/steel-casting-baseline/20240501T120000Z-1a2b3c4d\n"
  "  tundish report /tmp/run1 --allow-plugin-path ~/my-plugins\n"
  "  tundish report /tmp/run1 --metrics mcc,balanced_accuracy\n"
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
  g_autofree char *metrics = NULL, *log_format = NULL;
  GOptionEntry entries[] = {
    { "allow-plugin-path", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &plugin_dirs, "Also load plugins from DIR (after the search path; repeatable)", "DIR" },
    { "no-cache", 0, 0, G_OPTION_ARG_NONE, &no_cache, "Generate the data again even when a cached copy exists", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing but errors", NULL },
    { "metrics", 0, 0, G_OPTION_ARG_STRING, &metrics, "Add these metrics (comma-separated) to the run, computed from its stored predictions", "M1,M2" },
    { "log-format", 0, 0, G_OPTION_ARG_STRING, &log_format, "text (default) or json: the outcome as one JSON object on stderr", "FORMAT" },
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
  gboolean json = FALSE;
  if (log_format && !td_cli_log_format (log_format, &json, "tundish report"))
    return TD_EXIT_USAGE;
  g_auto (GStrv) added = NULL;
  if (metrics)
    {
      added = g_strsplit (metrics, ",", -1);
      for (size_t k = 0; added[k]; k++)
        {
          g_strstrip (added[k]);
          if (!*added[k])
            {
              fprintf (stderr, "tundish report: --metrics: expected metric names separated "
                               "by commas, got \"%s\"\n", metrics);
              return TD_EXIT_USAGE;
            }
        }
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
  guint before = exp->n_added_metrics;
  if (added && !td_experiment_add_metrics (exp, reg, (const char *const *) added, &error))
    {
      fprintf (stderr, "tundish report: %s\n", error->message);
      td_manifest_info_clear (&info);
      return TD_EXIT_USAGE;
    }
  /* Recorded first: if this command is stopped half way, the next report
   * (or this one again) still knows which metrics the trials must gain. */
  if (exp->n_added_metrics != before
      && !td_manifest_update_added_metrics (run_dir, exp, &error))
    {
      fprintf (stderr, "tundish report: %s\n", error->message);
      td_manifest_info_clear (&info);
      return TD_EXIT_RUNTIME;
    }
  TdDataPolicy policy = TD_DATA_POLICY_REPAIR;
  if (info.data_policy)
    td_data_policy_parse (info.data_policy, &policy);
  TdRunOptions opt = { .use_cache = !no_cache, .quiet = quiet, .data_policy = policy,
                       .started = info.started, .finished = info.finished };
  size_t n_trials = 0, n_failed = 0, n_changed = 0;
  gboolean ok = td_run_rebuild (exp, run_dir, &opt, &n_trials, &n_failed, &n_changed, &error);
  td_manifest_info_clear (&info);
  if (json && !quiet)
    {
      TdJson j;
      td_json_begin (&j, ok ? "report_finished" : "report_failed");
      td_json_str (&j, "run_dir", run_dir);
      td_json_int (&j, "exit_code", ok ? TD_EXIT_OK : TD_EXIT_RUNTIME);
      td_json_int (&j, "trials", (gint64) n_trials);
      td_json_int (&j, "failed", (gint64) n_failed);
      td_json_int (&j, "changed_values", (gint64) n_changed);
      td_json_int (&j, "added_metrics", exp->n_added_metrics - before);
      if (!ok)
        td_json_str (&j, "message", error->message);
      td_json_emit (&j);
    }
  if (!ok)
    {
      fprintf (stderr, "tundish report: %s\n", error->message);
      return TD_EXIT_RUNTIME;
    }
  if (!quiet)
    {
      if (exp->n_added_metrics != before)
        printf ("added %u metrics to %s (manifest.yaml: added_metrics)\n",
                exp->n_added_metrics - before, run_dir);
      else if (added)
        printf ("every metric of --metrics was already computed for %s\n", run_dir);
      printf ("rebuilt the outputs of %s from %zu trials (%zu failed)\n", run_dir, n_trials,
              n_failed);
      if (n_changed)
        printf ("note: %zu metric values differ from the ones the trials stored (an evaluator "
                "changed since the run?); the outputs use the recomputed ones\n", n_changed);
    }
  td_cli_flush_stdout ("tundish report", run_dir);
  return TD_EXIT_OK;
}
