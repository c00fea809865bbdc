/* runner.h — run an experiment's trials and write the run folder (core-internal). */
#pragma once

#include "experiment.h"

G_BEGIN_DECLS

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
} TdRunOptions;

typedef struct {
  char *run_dir;
  size_t n_trials, n_failed;
} TdRunOutcome;

/* Runs every trial and writes the run folder. FALSE (with error) only when the
 * run itself could not proceed (data, split, output); failed trials are
 * counted in outcome->n_failed and reported, not raised. */
gboolean td_run_experiment (TdRegistry *reg, const TdExperiment *exp, const TdRunOptions *opt,
                            TdRunOutcome *outcome, GError **error);
void td_run_outcome_clear (TdRunOutcome *outcome);

/* The dataset for an experiment's data stage: from the cache when present,
 * else generated and cached. */
TdDataset *td_run_load_data (const TdExperiment *exp, const TdRunOptions *opt, GError **error);

G_END_DECLS
