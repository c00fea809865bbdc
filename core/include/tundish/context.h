/* tundish/context.h — what the core lends a plugin for one call.
 *
 * A context carries the consumer's own random stream (seeded from the master
 * seed, repeat, fold, stage and pipeline by hashing, so results never depend
 * on thread count or trial order), the thread budget, a cancel flag, a logger,
 * a progress reporter and a sink for training curves. Plugins never create
 * their own seeds from the clock.
 */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>

G_BEGIN_DECLS

typedef struct TdContext TdContext;

/* Standalone context for tests and tools: seed given, 1 thread, logs to stderr.
 * The first context created switches GSL's abort-on-error handler off, so
 * GSL functions report failure by their return status only. */
TdContext *td_context_new (guint64 seed);
void       td_context_free (TdContext *ctx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdContext, td_context_free)

/* This consumer's seed, and a GSL generator (mt19937) seeded from it. The
 * generator belongs to the context; do not free it. */
guint64  td_context_seed (TdContext *ctx);
gsl_rng *td_context_rng (TdContext *ctx);
/* A further independent seed for a named purpose ("dropout", "bootstrap"),
 * derived by hashing: stable for the same context seed and purpose. */
guint64  td_context_derive_seed (TdContext *ctx, const char *purpose);

int      td_context_threads (TdContext *ctx);      /* >= 1 */
gboolean td_context_cancelled (TdContext *ctx);    /* poll in long loops */
/* A folder the plugin may write into: during a trial, that trial's own
 * folder trials/<pipeline>/r<R>-f<F>/ (attention maps, saliency, checkpoints
 * go there and travel with the run); may be NULL outside a run. */
const char *td_context_work_dir (TdContext *ctx);

void td_context_log (TdContext *ctx, GLogLevelFlags level, const char *fmt, ...)
  G_GNUC_PRINTF (3, 4);
/* Fraction in [0, 1] of the current call's work; cheap, call as often as you like. */
void td_context_progress (TdContext *ctx, double fraction);
/* One point of a training curve: name "train_loss", "valid_loss", "valid_auc"... */
void td_context_curve (TdContext *ctx, const char *name, int step, double value);

/* Used by the core and by tests. */
void td_context_set_threads (TdContext *ctx, int n);
void td_context_set_work_dir (TdContext *ctx, const char *dir);
void td_context_cancel (TdContext *ctx);
typedef void (*TdCurveFunc) (const char *name, int step, double value, gpointer user_data);
typedef void (*TdProgressFunc) (double fraction, gpointer user_data);
void td_context_set_curve_sink (TdContext *ctx, TdCurveFunc func, gpointer user_data);
void td_context_set_progress_sink (TdContext *ctx, TdProgressFunc func, gpointer user_data);
/* A child context sharing sinks, threads and cancel flag, with its own seed. */
TdContext *td_context_child (TdContext *ctx, guint64 seed);

/* The seed derivation itself: SplitMix64 over (master, repeat, fold) and
 * FNV-1a of the stage and pipeline names. Stable across versions: changing it
 * changes every published result. */
guint64 td_seed_derive (guint64 master, int repeat, int fold,
                        const char *stage, const char *pipeline);

G_END_DECLS
