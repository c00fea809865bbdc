/* cmd_run.c — `tundish run`. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "run/runner.h"
#include "util/json_line.h"
#include "check_targets.h"
#include "cli_common.h"
#include "commands.h"
#include "run_folder.h"
#include "util/text.h"

static const char run_description[] =
  "Runs every pipeline of EXPERIMENT.yaml on the same splits (repeats × folds),\n"
  "with seeds derived from the experiment's master seed, and writes a run folder:\n"
  "manifest.yaml, results.csv, summary.csv, predictions.h5, models/, report.html.\n"
  "Each trial's results are saved in trials/ as it ends; a killed run continues\n"
  "with --resume and gives the same results as one that was never interrupted.\n"
  "\n"
  "With -j > 1 (the default on a multi-core machine) or --isolate, each trial runs\n"
  "in its own worker process: a trial that crashes, hangs past --trial-timeout or\n"
  "grows past --trial-memory is marked failed with the reason, and the others go\n"
  "on. See docs/robustness.md.\n"
  "\n"
  "Without a terminal, a line per finished trial and a status line (done/total,\n"
  "failed, elapsed, ETA from the measured time of each pipeline's trials) every\n"
  "--progress-interval seconds go to stderr; --log-format json writes events\n"
  "instead (schema in docs/robustness.md). A closed stdout (| head) does not\n"
  "stop the run.\n"
  "\n"
  "Examples:\n"
  "  tundish run experiments/steel-casting-baseline.yaml\n"
  "  tundish run experiments/steel-casting-baseline.yaml -j 2 -o /tmp/run1\n"
  "  tundish run exp.yaml --seed 7 --set repeats=5 --set data.params.num_casts=300\n"
  "  tundish run exp.yaml --set pipelines.gbdt.model.params.max_depth=[4,6,8]\n"
  "  tundish run exp.yaml --trial-timeout 600 --trial-memory 4000 -o /tmp/night\n"
  "  tundish run --resume /tmp/night\n"
  "  tundish run exp.yaml --verify-determinism\n"
  "  tundish run exp.yaml --log-format json 2> events.jsonl   # one JSON event per line\n"
  "  nohup tundish run exp.yaml --progress-interval 60 > run.log 2>&1 &\n"
  "\n"
  "Exit status: 0 ok, 1 usage or config error, 2 runtime error (also: a\n"
  "--verify-determinism mismatch), 3 some trials failed (or --fail-fast stopped).";

/* -o into a folder that already holds files but no run (a manifest.yaml:
 * the runner refuses those itself) would overwrite whatever is there with
 * the same names (results.csv, report.html) without a word. */
static gboolean
foreign_folder_ok (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  if (!d)
    return TRUE;            /* missing (created by the run) or not a folder (the run says) */
  g_autofree char *manifest = g_build_filename (dir, "manifest.yaml", NULL);
  if (g_file_test (manifest, G_FILE_TEST_EXISTS))
    return TRUE;
  const char *first = g_dir_read_name (d);
  if (!first)
    return TRUE;
  g_autofree char *shown = td_text_escape (first);
  fprintf (stderr, "tundish run: -o %s: the folder is not empty (it holds %s%s) and is not a "
                   "tundish run (no manifest.yaml); the run would overwrite files in it. "
                   "Choose a new folder, or pass --force to write into this one\n",
           dir, shown, g_dir_read_name (d) ? " and more" : "");
  return FALSE;
}

/* Resume keeps what finished; before any trial ran (the pipelines did not
 * fit the data, the data failed its checks) there is nothing to keep, and
 * the fix changes the configuration, which a resume refuses. */
static void
advise_after_failure (const char *run_dir, gboolean resuming)
{
  g_autofree char *trials = g_build_filename (run_dir, "trials", NULL);
  if (resuming || g_file_test (trials, G_FILE_TEST_IS_DIR))
    fprintf (stderr, "tundish run: finished trials are kept; once the problem is fixed, "
                     "continue with `tundish run --resume %s`\n", run_dir);
  else
    fprintf (stderr, "tundish run: no trial ran, so there is nothing to resume; fix the "
                     "problem and start a new run (remove %s, or give another -o)\n", run_dir);
}

/* --log-format json: the last event (run_finished, run_stopped by
 * --fail-fast, or run_failed with the message). */
static void
log_run_end (const char *event, const TdRunOutcome *o, int exit_code, const char *message)
{
  TdJson j;
  td_json_begin (&j, event);
  td_json_str (&j, "run_dir", o->run_dir);
  td_json_int (&j, "exit_code", exit_code);
  td_json_int (&j, "trials", (gint64) o->n_trials);
  td_json_int (&j, "failed", (gint64) o->n_failed);
  td_json_int (&j, "not_run", (gint64) o->n_not_run);
  td_json_int (&j, "kept", (gint64) o->n_skipped);
  if (o->n_verified)
    {
      td_json_int (&j, "verified", (gint64) o->n_verified);
      td_json_int (&j, "verify_mismatches", (gint64) o->n_verify_mismatch);
    }
  if (message)
    td_json_str (&j, "message", message);
  td_json_emit (&j);
}

int
td_cmd_run (int argc, char **argv)
{
  /* A file-size limit (or quota) then fails a write with EFBIG, reported
   * like any write error, instead of killing the run without a word. */
  signal (SIGXFSZ, SIG_IGN);
  g_autofree char *out_dir = NULL, *resume_dir = NULL, *seed_text = NULL, *policy_text = NULL;
  g_autofree char *log_format = NULL, *check_targets = NULL;
  gint jobs = 0, threads = 1, memory_mb = 0;
  double timeout = NAN, interval = 10;   /* timeout not given: the default */
  g_auto (GStrv) sets = NULL;
  g_auto (GStrv) plugin_dirs = NULL;
  gboolean no_cache = FALSE, quiet = FALSE, isolate = FALSE, no_isolate = FALSE;
  gboolean fail_fast = FALSE, verify = FALSE, force = FALSE;
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
    { "log-format", 0, 0, G_OPTION_ARG_STRING, &log_format, "Progress on stderr as text (default) or json: one JSON object per event and line (docs/robustness.md)", "FORMAT" },
    { "progress-interval", 0, 0, G_OPTION_ARG_DOUBLE, &interval, "Without a terminal, a status line (done/total, failed, elapsed, ETA) every SECONDS (default 10; 0: none)", "SECONDS" },
    { "resume", 0, 0, G_OPTION_ARG_FILENAME, &resume_dir, "Continue the run in RUN_DIR: keep finished trials, run failed and unfinished ones (EXPERIMENT.yaml optional: the manifest names it)", "RUN_DIR" },
    { "isolate", 0, 0, G_OPTION_ARG_NONE, &isolate, "Each trial in its own worker process, also with -j 1 (default when -j > 1)", NULL },
    { "no-isolate", 0, 0, G_OPTION_ARG_NONE, &no_isolate, "Trials in this process (threads for -j > 1): a crash ends the run", NULL },
    { "trial-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &timeout, "Kill a trial after SECONDS and mark it failed (implies --isolate; default 6 hours, TUNDISH_TRIAL_TIMEOUT; 0: none)", "SECONDS" },
    { "trial-memory", 0, 0, G_OPTION_ARG_INT, &memory_mb, "Address space a trial may add, in MB (RLIMIT_AS; implies --isolate)", "MB" },
    { "fail-fast", 0, 0, G_OPTION_ARG_NONE, &fail_fast, "Stop at the first failed trial (the rest stay for --resume)", NULL },
    { "verify-determinism", 0, 0, G_OPTION_ARG_NONE, &verify, "Run a sample of trials a second time and compare their files byte for byte", NULL },
    { "allow-plugin-path", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &plugin_dirs, "Also load plugins from DIR (after the search path; repeatable)", "DIR" },
    { "check-targets", 0, 0, G_OPTION_ARG_STRING, &check_targets, "Exit 4 when PIPELINE (a name, or a label name[variant]) misses one of its targets: (targets.csv; docs/experiment-yaml.md)", "PIPELINE" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, "Write the run into an -o folder that holds other files (they stay; same-named ones are overwritten)", NULL },
    { "data-policy", 0, 0, G_OPTION_ARG_STRING, &policy_text, "Bad values in the data: repair (default) or strict (docs/robustness.md)", "POLICY" },
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
  if (resume_dir ? argc > 2 : argc != 2)
    {
      fprintf (stderr, "tundish run: expected one EXPERIMENT.yaml%s, got %d arguments\n"
                       "(see tundish run --help)\n", resume_dir ? " (or none with --resume)" : "",
               argc - 1);
      return TD_EXIT_USAGE;
    }
  if (jobs < 0 || threads < 1)
    {
      fprintf (stderr, "tundish run: -j must be >= 1 and --threads-per-trial >= 1\n");
      return TD_EXIT_USAGE;
    }
  if (timeout < 0 || memory_mb < 0 || (isolate && no_isolate))
    {
      fprintf (stderr, "tundish run: --trial-timeout and --trial-memory must be positive, and "
                       "--isolate and --no-isolate exclude each other\n");
      return TD_EXIT_USAGE;
    }
  if (no_isolate && (timeout > 0 || memory_mb > 0))
    {
      fprintf (stderr, "tundish run: --trial-timeout and --trial-memory need each trial in its "
                       "own worker process; drop --no-isolate\n");
      return TD_EXIT_USAGE;
    }
  gboolean json = FALSE;
  if (log_format && !td_cli_log_format (log_format, &json, "tundish run"))
    return TD_EXIT_USAGE;
  if (!(interval >= 0))
    {
      fprintf (stderr, "tundish run: --progress-interval: expected seconds >= 0 (0: no status "
                       "lines), got %g\n", interval);
      return TD_EXIT_USAGE;
    }
  TdDataPolicy policy = TD_DATA_POLICY_REPAIR;
  if (policy_text && !td_data_policy_parse (policy_text, &policy))
    {
      fprintf (stderr, "tundish run: --data-policy: expected repair or strict, got \"%s\"\n",
               policy_text);
      return TD_EXIT_USAGE;
    }
  if (resume_dir && (seed_text || sets || out_dir))
    {
      fprintf (stderr, "tundish run: --resume continues a run exactly as it began: its "
                       "overrides come from its manifest, so --seed, --set and -o cannot be "
                       "given with it\n");
      return TD_EXIT_USAGE;
    }
  if (out_dir && !force && !foreign_folder_ok (out_dir))
    return TD_EXIT_USAGE;
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
  if (!td_cli_allow_plugin_dirs (reg, plugin_dirs, "tundish run"))
    return TD_EXIT_USAGE;
  TdManifestInfo info = { 0 };
  g_autoptr (TdExperiment) exp = NULL;
  if (resume_dir)
    {
      exp = td_cli_load_run (reg, resume_dir, argc == 2 ? argv[1] : NULL, &info, &error);
      if (exp && !td_cli_check_data_files (exp, &info, resume_dir, &error))
        g_clear_pointer (&exp, td_experiment_free);
      if (exp && info.data_policy)
        {
          TdDataPolicy was = TD_DATA_POLICY_REPAIR;
          td_data_policy_parse (info.data_policy, &was);
          if (policy_text && was != policy)
            {
              fprintf (stderr, "tundish run: the run began with --data-policy %s; a resume "
                               "must use the same\n", info.data_policy);
              td_manifest_info_clear (&info);
              return TD_EXIT_USAGE;
            }
          policy = was;
        }
    }
  else
    exp = td_experiment_load (argv[1], reg, (const char *const *) overrides->pdata, &error);
  if (!exp)
    {
      fprintf (stderr, "tundish run: %s\n", error->message);
      td_manifest_info_clear (&info);
      return error->domain == G_FILE_ERROR && resume_dir ? TD_EXIT_RUNTIME : TD_EXIT_USAGE;
    }
  if (check_targets && !td_cli_targets_known (exp, check_targets))
    {
      td_manifest_info_clear (&info);
      return TD_EXIT_USAGE;
    }
  TdRunOptions opt = {
    .run_dir = resume_dir ? resume_dir : out_dir, .jobs = jobs, .threads_per_trial = threads,
    .use_cache = !no_cache, .command_line = resume_dir && info.command ? info.command : cmdline,
    .quiet = quiet, .log_json = json, .progress_interval = interval,
    .overrides = resume_dir ? (const char *const *) info.overrides
                            : (const char *const *) overrides->pdata,
    .isolate = isolate ? TD_ISOLATE_ON : no_isolate ? TD_ISOLATE_OFF : TD_ISOLATE_AUTO,
    .trial_timeout = isnan (timeout) ? 0 : timeout == 0 ? -1 : timeout,
    .trial_memory_mb = memory_mb, .fail_fast = fail_fast,
    .verify_determinism = verify, .data_policy = policy,
    .plugin_dirs = (const char *const *) plugin_dirs,
    .resume = resume_dir != NULL, .started = info.started,
    .resumed = (const char *const *) info.resumed,
  };
  TdRunOutcome outcome;
  gboolean ok = td_run_experiment (reg, exp, &opt, &outcome, &error);
  td_manifest_info_clear (&info);
  if (!ok)
    {
      int code = error->domain == TD_CONFIG_ERROR ? TD_EXIT_USAGE : TD_EXIT_RUNTIME;
      if (json && !quiet)
        log_run_end ("run_failed", &outcome, code, error->message);
      fprintf (stderr, "tundish run: %s\n", error->message);
      if (outcome.run_dir && !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_EXIST))
        advise_after_failure (outcome.run_dir, resume_dir != NULL);
      td_run_outcome_clear (&outcome);
      return code;
    }
  printf ("run folder: %s\n", outcome.run_dir);
  g_autofree char *report = g_build_filename (outcome.run_dir, "report.html", NULL);
  if (!outcome.n_not_run && g_file_test (report, G_FILE_TEST_EXISTS))
    printf ("report: %s\n", report);
  td_cli_flush_stdout ("tundish run", outcome.run_dir);
  int rc = TD_EXIT_OK;
  if (verify && outcome.n_verify_mismatch)
    rc = TD_EXIT_RUNTIME;
  else if (outcome.n_failed || outcome.n_not_run)
    rc = TD_EXIT_TRIALS_FAILED;
  gboolean text = !quiet && !json;
  if (json && !quiet)
    log_run_end (outcome.n_not_run ? "run_stopped" : "run_finished", &outcome, rc, NULL);
  if (outcome.n_not_run)
    {
      fprintf (stderr, "tundish run: stopped at the first failure (--fail-fast): %zu failed, "
                       "%zu of %zu trials not run; continue with `tundish run --resume %s`\n",
               outcome.n_failed, outcome.n_not_run, outcome.n_trials, outcome.run_dir);
      td_run_outcome_clear (&outcome);
      return rc;
    }
  if (outcome.n_skipped && text)
    fprintf (stderr, "tundish run: %zu trials were finished before the resume and kept\n",
             outcome.n_skipped);
  if (verify)
    {
      if (outcome.n_verify_mismatch)
        fprintf (stderr, "tundish run: --verify-determinism: %zu of %zu rerun trials gave "
                         "different files:\n%s", outcome.n_verify_mismatch, outcome.n_verified,
                 outcome.verify_report ? outcome.verify_report : "");
      else if (text)
        fprintf (stderr, "tundish run: --verify-determinism: %zu rerun trials gave identical "
                         "files\n", outcome.n_verified);
    }
  if (outcome.n_failed && !json)
    fprintf (stderr, "tundish run: %zu of %zu trials failed (see failed_trials.csv and the report)\n",
             outcome.n_failed, outcome.n_trials);
  if (check_targets && !td_cli_targets_met (outcome.run_dir, check_targets) && rc == TD_EXIT_OK)
    rc = TD_EXIT_TARGETS_MISSED;
  td_run_outcome_clear (&outcome);
  return rc;
}
