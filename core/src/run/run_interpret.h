/* run_interpret.h — the saliency, attention and confusion files of a run (core-internal). */
#pragma once

#include "run/run_output.h"

G_BEGIN_DECLS

/* run_interpret.c: saliency.csv, attention.csv (a row per trial, class,
 * [channel] and time bin) and their *_summary.csv over trials, when some
 * trial has maps; rows (TdInterpretRow) get the summaries for reporters. */
gboolean td_run_write_interpret (const TdRunMeta *m, GPtrArray *trials, GArray *saliency,
                                 GArray *attention, GStringChunk *strings, GError **error);
/* confusion.csv (a row per trial, true and predicted class), multiclass by
 * arg-max, binary from the tp/fp/tn/fn metrics when the experiment has them;
 * rows (TdConfusionRow) get the sums per pipeline. */
gboolean td_run_write_confusion (const TdRunMeta *m, GPtrArray *trials, GArray *rows,
                                 GStringChunk *strings, GError **error);

G_END_DECLS
