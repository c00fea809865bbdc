/* run_output.h — what a run leaves in its folder (core-internal). */
#pragma once

#include "data/data_check.h"
#include "config/config.h"
#include "run/trial.h"

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
  /* Run-level stage times (timings.csv): loading or generating the data, and
   * writing the run's outputs. 0: not known (report_seconds 0: measured while
   * writing). `tundish report` passes the run's own, read back. */
  double data_seconds, report_seconds;
} TdRunMeta;

/* predictions.h5, training_curves.csv, feature importance, comparisons.csv,
 * every reporter, then manifest.yaml (status from meta) last — so a
 * manifest saying "finished" means every other output is complete. */
gboolean td_run_write_outputs (const TdRunMeta *meta, GError **error);

/* One past the last of the trials sharing trials[k]'s pipeline label
 * (trials sorted by td_trial_cmp): the groups every summary is made of. */
guint td_run_label_end (GPtrArray *trials, guint k);

G_END_DECLS
