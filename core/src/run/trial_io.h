/* trial_io.h — a trial's folder: written when the trial ends, read back by resume and `tundish report` (core-internal). */
#pragma once

#include "config/config.h"
#include "run/trial.h"

G_BEGIN_DECLS

/* trials/<pipeline>/r<R>-f<F>/{predictions,valid_predictions,curves,
 * importance,trial,metrics}.csv, each written atomically when the trial
 * ends, metrics.csv last (trial_io.c has the format). */
gboolean td_run_write_trial (const char *run_dir, const TdExperiment *exp, const TdTrial *t,
                             GError **error);
/* metrics.csv alone (atomically), e.g. after `tundish report --metrics`
 * recomputed the trial's metrics with the ones added. */
gboolean td_trial_write_metrics (const char *run_dir, const TdExperiment *exp, const TdTrial *t,
                                 GError **error);
/* Read a finished trial back from its folder (t->pipeline, repeat, fold
 * set by the caller): metrics, predictions, curves, importance, seeds and
 * time, or its failure. FALSE (t left cleared) when the trial has not
 * finished or its files do not parse (used by the runner, by resume and by
 * `tundish report`). */
gboolean td_trial_load (const char *run_dir, const TdExperiment *exp, TdTrial *t, GError **error);

G_END_DECLS
