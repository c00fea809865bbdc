/* lstm_test_common.h — what the tests of the LSTM-based plugins share
 * (test_lstm.c, ../cnn_lstm/test_cnn_lstm.c, ../attention_lstm/test_attention_lstm.c):
 * the order task, parameters from key/value lists, fit and predict through
 * the plugin's vtable, a curve counter. Each test sets desc and vt from its
 * td_plugin_descriptor(0) before using them. */
#pragma once

#include "lstm.h"

extern const TdPluginDescriptor *desc;
extern const TdModelVTable *vt;

/* n series of T steps × 2 channels: a spike on channel 0 at step a and on
 * channel 1 at step b, plus noise; y = 1 when a comes before b. The count and
 * size of the events are the same for both classes, so only their order tells
 * them apart (a model that ignores time is at chance). a and b never share a
 * window of `window` steps (1: only never the same step; a pooling front-end
 * needs its pool size). */
TdDataset *order_task_window (size_t n, size_t T, guint32 seed, size_t window);

static inline TdDataset *
order_task (size_t n, size_t T, guint32 seed)
{
  return order_task_window (n, T, seed, 1);
}

/* The plugin's defaults with kv = { name, value, ..., NULL } set (asserted valid). */
TdParams *params_with (const char *const *kv);
/* create + fit (asserted to succeed) with a context of this seed and thread budget. */
TdModel *fit_model (const char *const *kv, const TdDataset *train, const TdDataset *valid,
                    guint64 seed, int threads);
/* Scores of every series (asserted to succeed); g_free the result. */
double *predict (TdModel *m, const TdDataset *ds);

/* A curve sink counting points per curve name and keeping the last valid_auc. */
typedef struct {
  GHashTable *counts;     /* curve name → number of points */
  double last_auc;
} Curves;

void collect_curve (const char *name, int step, double value, gpointer data);

/* The checks every LSTM-based plugin passes, each with that plugin's
 * parameters kv (as in fit_model). */

/* Trains on the order task (400 series of 20 steps, early stopping on 100)
 * and asserts a test ROC-AUC above 0.9; returns it. */
double check_learns_order (const char *const *kv);
/* A copy of plain (2 channels) in Tpad steps, lengths plain->n_steps, garbage after. */
TdDataset *padded_copy (const TdDataset *plain, size_t Tpad);
/* m scores plain's series the same with trailing padding (garbage in it),
 * and series of mixed lengths as each one's truncation scored alone. */
void check_padding_invariance (TdModel *m, const TdDataset *plain, size_t Tpad);
/* The same seed gives the same bytes with 1 or 2 threads (fit and predict);
 * another seed differs. */
void check_determinism (const char *const *kv);
/* With a validation split whose labels are noise, training stops `patience`
 * epochs after the best one and restores it; train_loss, valid_loss,
 * valid_auc and lr come once per epoch. kv must set patience to 3. */
void check_early_stopping (const char *const *kv);
/* Saliency (explain) of a model trained with kv on a short series: mass on
 * its valid steps, 0 at its padded ones; a series out of range is an error. */
void check_explain (const char *const *kv);
