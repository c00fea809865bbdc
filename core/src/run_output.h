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
  int jobs, threads_per_trial;
} TdRunMeta;

/* trials/<pipeline>/r<R>-f<F>.csv, written atomically when the trial ends. */
gboolean td_run_write_trial (const char *run_dir, const TdExperiment *exp, const TdTrial *t,
                             GError **error);
/* predictions.h5, training_curves.csv, manifest.yaml, then every reporter. */
gboolean td_run_write_outputs (const TdRunMeta *meta, GError **error);

G_END_DECLS
