/* recon_test_common.h — what the tests of lstm_autoencoder and vae share:
 * a data set of normal and abnormal series, parameters from key/value
 * lists, and the checks both plugins pass with their own parameters. Each
 * test sets desc and vt from its td_plugin_descriptor(0) first. */
#pragma once

#include "recon.h"

extern const TdPluginDescriptor *desc;
extern const TdModelVTable *vt;

/* n series of T steps × 3 channels (anomaly task): noisy sines of random
 * phase. Every `every`-th series (0 = none) is abnormal (y = 1): channel 1
 * carries a +2.5 level shift over steps [T/2, T/2 + T/4). */
TdDataset *sine_data (size_t n, size_t T, guint32 seed, size_t every);

TdParams *params_with (const char *const *kv);
/* create + fit (asserted) with a context of this seed and thread budget;
 * curves (may be NULL) receives the training curves' names → points. */
TdModel *fit_model (const char *const *kv, const TdDataset *train, const TdDataset *valid,
                    guint64 seed, int threads, GHashTable *curves);
double *predict (TdModel *m, const TdDataset *ds);

/* Fitted on normal series, the abnormal test series score higher: ROC-AUC
 * above 0.95; training and validation loss curves once per epoch, no
 * valid_auc; explain of an abnormal series puts the most error on channel 1
 * inside the shifted window, and 0 at padded steps. */
void check_detects (const char *const *kv);
/* Same seed: same bytes with 1 or 2 threads; another seed differs. */
void check_determinism (const char *const *kv);
/* save → load gives bit-identical scores; a file of the other network, a
 * missing weight and a non-HDF5 file are refused with the reason. */
void check_save_load (const char *const *kv, const char *other_network);
/* Trailing padding (garbage in it) changes no score. */
void check_padding (const char *const *kv);
/* A multiclass data set and a NaN are refused, naming what to do. */
void check_refusals (const char *const *kv);
