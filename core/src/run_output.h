/* run_output.h — what a run leaves in its folder (core-internal). */
#pragma once

#include "experiment.h"
#include "trial.h"

G_BEGIN_DECLS

typedef struct {
  const TdExperiment *exp;
  const TdDataset *data;
  const char *run_dir;
  GPtrArray *splits;            /* per repeat: GPtrArray of TdSplit* */
  TdTrial *trials;
  size_t n_trials;
  GDateTime *started, *finished;
  const char *command_line;
  const char *const *overrides;
  int jobs, threads_per_trial;
} TdRunMeta;

/* trials/<pipeline>/r<R>-f<F>/{predictions,curves,importance,metrics}.csv,
 * each written atomically when the trial ends, metrics.csv last. */
gboolean td_run_write_trial (const char *run_dir, const TdExperiment *exp, const TdTrial *t,
                             GError **error);
/* Read a finished trial back from its folder (t->pipeline, repeat, fold
 * set by the caller): metrics, predictions, curves, importance, or its
 * failure. FALSE when the trial has not finished or its files do not parse
 * (used by resume and by `tundish report`). */
gboolean td_trial_load (const char *run_dir, const TdExperiment *exp, TdTrial *t, GError **error);
/* predictions.h5, training_curves.csv, manifest.yaml, then every reporter. */
gboolean td_run_write_outputs (const TdRunMeta *meta, GError **error);

G_END_DECLS
