/* progress.h — what a running experiment shows: a bar on a terminal; a
 * line per finished trial and a status line every few seconds otherwise;
 * or, with --log-format json, one JSON object per event (docs/robustness.md);
 * and journal.tsv (core-internal). */
#pragma once

#include <stdio.h>

#include "run/trial.h"

G_BEGIN_DECLS

typedef struct {
  GMutex lock;
  size_t done, total, failed;   /* of this run's trials to run */
  gint64 t0;
  gboolean tty, quiet;
  gboolean json;                /* events as JSON lines instead of text */
  double interval;              /* seconds between status lines without a terminal; 0: none */
  int jobs;                     /* trials in parallel (the ETA divides the work by it) */
  FILE *journal;
  const TdExperiment *exp;
  TdTrial *trials;              /* every trial of the run, for the ETA and the running
                                 * trials' own progress */
  size_t n_trials;
  gint stop;                    /* ticker thread exit flag */
  /*< private >*/
  GHashTable *seconds;          /* pipeline label -> double[2] {sum, n} of ok trials */
  double seconds_sum;
  size_t seconds_n;
  gint64 last_draw, last_line;
} TdProgress;

/* After the public fields are set: the lock, and the measured times of the
 * trials already finished (a resume's) for the ETA. */
void td_progress_init (TdProgress *p);
void td_progress_clear (TdProgress *p);

/* Seconds left, estimated from the measured time of finished trials: each
 * unfinished trial is expected to take the mean time of the finished ok
 * trials of its pipeline label (the mean over all of them when its label
 * has none yet), less the fraction it reports done; the sum is divided by
 * the trials that can run at once, min(jobs, unfinished), and never less
 * than the longest single remainder. Negative when no trial has finished. */
double td_progress_eta (TdProgress *p);

/* Draw the bar (terminal only); called with p->lock held. */
void td_progress_draw (TdProgress *p);
/* A trial starts (JSON: a trial_started event). */
void td_progress_trial_started (TdProgress *p, const TdTrial *t);
/* A trial ended: count it, append its journal line, show it. */
void td_progress_trial_done (TdProgress *p, const TdTrial *t);
/* Redraw the bar (at most every 0.2 s) or write the status line (every
 * p->interval seconds) when due; cheap to call often. */
void td_progress_tick (TdProgress *p);
/* Thread body calling td_progress_tick until p->stop is set (in-process runs). */
gpointer td_progress_ticker (gpointer data);

G_END_DECLS
