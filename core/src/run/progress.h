/* progress.h — what a running experiment shows: a bar on a terminal, a line
 * per finished trial otherwise, and journal.tsv (core-internal). */
#pragma once

#include <stdio.h>

#include "run/trial.h"

G_BEGIN_DECLS

typedef struct {
  GMutex lock;
  size_t done, total, failed;
  gint64 t0;
  gboolean tty, quiet;
  FILE *journal;
  const TdExperiment *exp;
  TdTrial *trials;              /* for the running trials' own progress */
  size_t n_trials;
  gint stop;                    /* ticker thread exit flag */
} TdProgress;

/* Draw the bar (terminal only); called with p->lock held. */
void td_progress_draw (TdProgress *p);
/* A trial ended: count it, append its journal line, show it. */
void td_progress_trial_done (TdProgress *p, const TdTrial *t);
/* Thread body redrawing the bar until p->stop is set (in-process runs). */
gpointer td_progress_ticker (gpointer data);

G_END_DECLS
