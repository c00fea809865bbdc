/* run_output.h — what a run leaves in its folder (core-internal). */
#pragma once

#include "data_check.h"
#include "experiment.h"
#include "trial.h"

G_BEGIN_DECLS

typedef struct {
  const TdExperiment *exp;
  const TdDataset *data;        /* NULL in the manifest written when the run starts */
  const char *run_dir;
  GPtrArray *splits;            /* per repeat: GPtrArray of TdSplit*; NULL likewise */
  TdTrial *trials;
  size_t n_trials;
  GDateTime *started, *finished;   /* finished: NULL while running */
  const char *command_line;
  const char *const *overrides;
  int jobs, threads_per_trial;
  const char *status;           /* "running", "stopped" (--fail-fast), "finished" */
  const char *isolation;        /* "fork" (a worker process per trial) or "none" */
  double trial_timeout;         /* seconds; 0: none */
  int trial_memory_mb;          /* 0: none */
  TdDataPolicy data_policy;
  const TdDataQuality *quality; /* NULL until the data is checked */
  const char *const *resumed;   /* UTC times of each --resume, NULL-terminated, may be NULL */
  const char *const *plugin_dirs;   /* --allow-plugin-path folders, may be NULL */
  gboolean skip_manifest;       /* `tundish report`: the run's manifest stays as it is */
} TdRunMeta;

/* trials/<pipeline>/r<R>-f<F>/{predictions,valid_predictions,curves,
 * importance,trial,metrics}.csv, each written atomically when the trial
 * ends, metrics.csv last (trial_io.c has the format). */
gboolean td_run_write_trial (const char *run_dir, const TdExperiment *exp, const TdTrial *t,
                             GError **error);
/* Read a finished trial back from its folder (t->pipeline, repeat, fold
 * set by the caller): metrics, predictions, curves, importance, seeds and
 * time, or its failure. FALSE (t left cleared) when the trial has not
 * finished or its files do not parse (used by the runner, by resume and by
 * `tundish report`). */
gboolean td_trial_load (const char *run_dir, const TdExperiment *exp, TdTrial *t, GError **error);

/* predictions.h5, training_curves.csv, feature importance, comparisons.csv,
 * every reporter, then manifest.yaml (status from meta) last — so a
 * manifest saying "finished" means every other output is complete. */
gboolean td_run_write_outputs (const TdRunMeta *meta, GError **error);

/* manifest.yaml alone (atomically): at the start of a run (status running,
 * no data yet: what resume needs), and at its end. */
gboolean td_run_write_manifest (const TdRunMeta *meta, GError **error);

/* What resume and `tundish report` read back from a manifest. */
typedef struct {
  char *experiment_file;        /* absolute */
  char *config_hash;
  char *config;                 /* the resolved configuration text */
  char *status;
  char *command;                /* the command line that started the run */
  char *started, *finished;     /* ISO 8601; finished NULL while running */
  char *data_policy;
  GStrv overrides;              /* never NULL */
  GStrv resumed;                /* never NULL */
} TdManifestInfo;

gboolean td_manifest_read (const char *run_dir, TdManifestInfo *info, GError **error);
void td_manifest_info_clear (TdManifestInfo *info);

G_END_DECLS
