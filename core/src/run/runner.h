/* runner.h — run an experiment's trials and write the run folder (core-internal). */
#pragma once

#include "data/data_check.h"
#include "config/config.h"

G_BEGIN_DECLS

typedef enum {
  TD_ISOLATE_AUTO,              /* a worker process per trial when jobs > 1 */
  TD_ISOLATE_ON,                /* always (--isolate; implied by the limits) */
  TD_ISOLATE_OFF,               /* never: trials run in this process (--no-isolate) */
} TdIsolate;

typedef struct {
  const char *run_dir;          /* NULL: reports/<experiment>/<UTC>-<hash>/ under cwd */
  int jobs;                     /* trials in parallel; <= 0: number of cores */
  int threads_per_trial;        /* thread budget each plugin call gets (default 1); never
                                 * derived from jobs, so results do not depend on -j */
  gboolean use_cache;           /* reuse generated datasets from the cache folder */
  const char *cache_dir;        /* NULL: $TUNDISH_CACHE_DIR or ~/.cache/tundish */
  const char *command_line;     /* recorded in the manifest */
  const char *const *overrides; /* the --set/--seed overrides used, NULL-terminated; recorded
                                 * so the run can be reloaded (resume, report) */
  gboolean quiet;               /* no progress output */
  gboolean log_json;            /* progress as JSON events, one per line (docs/robustness.md) */
  double progress_interval;     /* seconds between status lines without a terminal; 0: none */
  /* robustness (docs/robustness.md) */
  TdIsolate isolate;
  double trial_timeout;         /* seconds (needs isolation); 0: the default
                                 * (TD_TRIAL_TIMEOUT_DEFAULT, also in-process); < 0: none */
  int trial_memory_mb;          /* 0: none (needs isolation) */
  gboolean fail_fast;           /* stop at the first failed trial */
  gboolean verify_determinism;  /* rerun a sample of trials and compare their files */
  TdDataPolicy data_policy;
  const char *const *plugin_dirs;   /* --allow-plugin-path, recorded in the manifest */
  /* resume: run_dir must hold a run of this same experiment (the caller
   * checked the config hash); finished trials are kept */
  gboolean resume;
  const char *started;          /* resume, report: the run's original start (ISO 8601) */
  const char *finished;         /* report: when the run finished */
  const char *const *resumed;   /* resume: earlier resume times */
} TdRunOptions;

typedef struct {
  char *run_dir;
  size_t n_trials, n_failed;
  size_t n_skipped;             /* resume: finished before, not rerun */
  size_t n_not_run;             /* --fail-fast: left for a resume */
  size_t n_verified, n_verify_mismatch;
  char *verify_report;          /* mismatches, one per line (NULL when none) */
} TdRunOutcome;

/* Runs every trial (or, resuming, every trial not finished) and writes the
 * run folder. FALSE (with error) only when the run itself could not proceed
 * (data, split, output); failed trials are counted in outcome->n_failed and
 * reported, not raised. */
gboolean td_run_experiment (TdRegistry *reg, const TdExperiment *exp, const TdRunOptions *opt,
                            TdRunOutcome *outcome, GError **error);
void td_run_outcome_clear (TdRunOutcome *outcome);

/* `tundish report`: rebuild every output of a finished run from its trial
 * folders, recomputing the metrics from the stored predictions with the
 * evaluators; no model is fitted. The caller checked the config hash.
 * n_changed receives how many metric values differ from the stored ones
 * (an evaluator changed since the run). A trial stored without the metrics
 * added since the run (exp->n_added_metrics) gets its metrics.csv
 * rewritten with them. */
gboolean td_run_rebuild (const TdExperiment *exp, const char *run_dir, const TdRunOptions *opt,
                         size_t *n_trials, size_t *n_failed, size_t *n_changed, GError **error);


G_END_DECLS
