/* schedule.h — running a list of trials: in this process (a thread pool),
 * or each in its own worker process with time and memory limits, and the
 * --verify-determinism reruns (core-internal). */
#pragma once

#include "run/progress.h"
#include "run/runner.h"
#include "run/trial.h"
#include "run/worker.h"

G_BEGIN_DECLS

typedef struct {
  const TdExperiment *exp;
  const TdRunOptions *opt;
  char *run_dir;                /* absolute */
  TdTrialEnv env;
  TdProgress prog;
  gboolean isolate;
  int jobs;
  TdWorkerLimits limits;
  gint stop;                    /* --fail-fast tripped, or results cannot be saved */
  GMutex save_lock;
  GError *save_error;           /* first trial whose results could not be written */
} TdRunState;

/* Seconds a trial may run unless --trial-timeout says otherwise: long
 * enough for any trial this framework was built for, short enough that a
 * plugin in an endless loop cannot hold a run forever. The environment
 * variable TUNDISH_TRIAL_TIMEOUT (seconds) sets a site's own default. */
#define TD_TRIAL_TIMEOUT_DEFAULT (6 * 3600.0)

/* limits->timeout from opt->trial_timeout (> 0: given; 0: the default;
 * < 0: none) and the environment. */
void td_schedule_timeout (const TdRunOptions *opt, TdWorkerLimits *limits);

/* Each trial of todo (TdTrial*) in its own worker process, up to r->jobs at
 * a time; count: progress and journal (FALSE for the determinism reruns).
 * FALSE only when a worker cannot be started. */
gboolean td_schedule_isolated (TdRunState *r, GPtrArray *todo, const char *run_dir,
                               gboolean count, GError **error);
/* Each trial of todo in this process: in order for one job, else a pool. */
void td_schedule_in_process (TdRunState *r, GPtrArray *todo);
/* Rerun one ok trial per pipeline label in a scratch folder and compare
 * every file it writes with the original (out->verify_report). */
gboolean td_schedule_verify (TdRunState *r, TdTrial *trials, guint n, TdRunOutcome *out,
                             GError **error);

G_END_DECLS
