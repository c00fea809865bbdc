/* cmd_run.c — `tundish run`. */
#include <stdio.h>
#include <string.h>

#include "../runner.h"
#include "cli_common.h"
#include "commands.h"

static const char run_description[] =
  "Runs every pipeline of EXPERIMENT.yaml on the same splits (repeats × folds),\n"
  "with seeds derived from the experiment's master seed, and writes a run folder:\n"
  "manifest.yaml, results.csv, summary.csv, predictions.h5, models/, report.html.\n"
  "\n"
  "Examples:\n"
  "  tundish run experiments/steel-casting-baseline.yaml\n"
  "  tundish run experiments/steel-casting-baseline.yaml -j 2 -o /tmp/run1\n"
  "  tundish run exp.yaml --seed 7 --set repeats=5 --set data.params.num_casts=300\n"
  "  tundish run exp.yaml --set pipelines.gbdt.model.params.max_depth=[4,6,8]\n"
  "\n"
  "Exit status: 0 ok, 1 usage or config error, 2 runtime error, 3 some trials failed.";

int
td_cmd_run (int argc, char **argv)
{
  g_autofree char *out_dir = NULL;
  gint jobs = 0, threads = 1;
  g_autofree char *seed_text = NULL;
  g_auto (GStrv) sets = NULL;
  gboolean no_cache = FALSE, quiet = FALSE;
  g_autofree char *args = g_strjoinv (" ", argv);
  g_autofree char *cmdline = g_strconcat ("tundish ", args, NULL);
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir, "Run folder (default reports/<experiment>/<UTC>-<hash>/)", "RUN_DIR" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Trials run in parallel (default: number of cores)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text, "Master seed (overrides the file's seed:)", "N" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a value: key.path=value (repeatable)", "KEY=VALUE" },
    { "threads-per-trial", 0, 0, G_OPTION_ARG_INT, &threads, "Threads each model/feature call may use (default 1; independent of -j)", "N" },
    { "no-cache", 0, 0, G_OPTION_ARG_NONE, &no_cache, "Generate the data even when a cached copy exists", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress output", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GOptionContext) oc = g_option_context_new ("EXPERIMENT.yaml - run an experiment");
  g_option_context_add_main_entries (oc, entries, NULL);
  g_option_context_set_description (oc, run_description);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (oc, &argc, &argv, &error))
    {
      fprintf (stderr, "tundish run: %s\n(see tundish run --help)\n", error->message);
      return TD_EXIT_USAGE;
    }
  if (argc != 2)
    {
      fprintf (stderr, "tundish run: expected one EXPERIMENT.yaml, got %d arguments\n"
                       "(see tundish run --help)\n", argc - 1);
      return TD_EXIT_USAGE;
    }
  if (jobs < 0 || threads < 1)
    {
      fprintf (stderr, "tundish run: -j must be >= 1 and --threads-per-trial >= 1\n");
      return TD_EXIT_USAGE;
    }
  g_autoptr (GPtrArray) overrides = g_ptr_array_new_with_free_func (g_free);
  if (seed_text)
    {
      char *end = NULL;
      g_ascii_strtoull (seed_text, &end, 10);
      if (!*seed_text || *end || seed_text[0] == '-')
        {
          fprintf (stderr, "tundish run: --seed: expected a non-negative integer, got \"%s\"\n",
                   seed_text);
          return TD_EXIT_USAGE;
        }
      g_ptr_array_add (overrides, g_strdup_printf ("seed=%s", seed_text));
    }
  for (size_t k = 0; sets && sets[k]; k++)
    g_ptr_array_add (overrides, g_strdup (sets[k]));
  g_ptr_array_add (overrides, NULL);

  g_autoptr (TdRegistry) reg = td_cli_registry (FALSE);
  g_autoptr (TdExperiment) exp = td_experiment_load (argv[1], reg,
                                                     (const char *const *) overrides->pdata, &error);
  if (!exp)
    {
      fprintf (stderr, "tundish run: %s\n", error->message);
      return TD_EXIT_USAGE;
    }
  TdRunOptions opt = { .run_dir = out_dir, .jobs = jobs, .threads_per_trial = threads,
                       .use_cache = !no_cache, .command_line = cmdline, .quiet = quiet,
                       .overrides = (const char *const *) overrides->pdata };
  TdRunOutcome outcome;
  if (!td_run_experiment (reg, exp, &opt, &outcome, &error))
    {
      fprintf (stderr, "tundish run: %s\n", error->message);
      td_run_outcome_clear (&outcome);
      return error->domain == TD_CONFIG_ERROR ? TD_EXIT_USAGE : TD_EXIT_RUNTIME;
    }
  g_autofree char *report = g_build_filename (outcome.run_dir, "report.html", NULL);
  printf ("run folder: %s\n", outcome.run_dir);
  if (g_file_test (report, G_FILE_TEST_EXISTS))
    printf ("report: %s\n", report);
  int rc = TD_EXIT_OK;
  if (outcome.n_failed)
    {
      fprintf (stderr, "tundish run: %zu of %zu trials failed (see failed_trials.csv and the report)\n",
               outcome.n_failed, outcome.n_trials);
      rc = TD_EXIT_TRIALS_FAILED;
    }
  td_run_outcome_clear (&outcome);
  return rc;
}
