/* seq_common.h — what the sequence models' libraries share, once: the input
 * checks and per-channel standardiser (seq_input.c) and the pieces of the
 * HDF5 model file (seq_h5.c). A static library (seq_common) linked by
 * ../lstm_family (lstm, cnn_lstm, attention_lstm) and ../recon_common
 * (lstm_autoencoder, vae).
 *
 * Who calls it: those two libraries' model and io files. Never a plugin's
 * descriptor file, never the core.
 *
 * What it promises:
 * - Every message starts with the configured plugin's name (and, for a
 *   file, its path) and says what was expected, so a user can act on it.
 * - The model-file pieces write and read exactly the layout both families
 *   have always used: /preprocess (attr standardize; channel_names [C];
 *   mean, scale [C] float32), /weights/<PyTorch name> and /state/<name>
 *   (float32 in the tensor's shape), /training (attrs config, epochs_run,
 *   best_epoch, final_train_loss). Files written before this library
 *   existed load unchanged (tests/core/test_model_files.c).
 * - A file is written under a temporary name and committed (tundish/io.h):
 *   never a torn model file.
 *
 * What it never does: decide a family's magic string, format version or
 * architecture group (lstm_io.c and recon_io.c keep those), keep state,
 * print, or exit.
 *
 * Names: seq_ / Seq (plugin-private; hidden in every plugin that links it). */
#pragma once

#include <hdf5.h>

#include <tundish/tundish.h>

#include <tundish/nn.h>

G_BEGIN_DECLS

/* ------------------------------------------------------------ the input */

/* Shape and lengths (td_dataset_check_sequences), then every value of the
 * valid steps finite. The first NaN or infinity fails with its series id,
 * step and channel name, what was expected and what to do. what names the
 * split in messages: "training", "validation", "input". */
gboolean seq_check_sequences (const char *plugin, const TdDataset *ds, const char *what,
                              GError **error);

/* ds has C channels, each named as names[c] was at fit (a channel unnamed
 * on either side is not compared). */
gboolean seq_check_channels (const char *plugin, const TdDataset *ds, size_t C,
                             char *const *names, GError **error);

/* What predict and explain check first: the model is fitted, then
 * seq_check_sequences (what "input") and seq_check_channels. */
gboolean seq_check_input (const char *plugin, gboolean fitted, const TdDataset *ds, size_t C,
                          char *const *names, GError **error);
/* series is one of ds's (explain's argument). */
gboolean seq_check_series (const char *plugin, const TdDataset *ds, size_t series,
                           GError **error);

/* The training split's channel names, [C] and NULL-terminated, "" for an
 * unnamed channel: what seq_check_channels compares later inputs with. */
char **seq_channel_names (const TdDataset *ds);

/* Per channel over the valid steps of every series (padding left out): the
 * mean and the population standard deviation, both as float32 in newly
 * allocated *mean [C] and *scale [C]. A channel whose deviation is below
 * 1e-12 × max(1, |mean|) (constant) gets scale 1, so it is centred, not
 * blown up. Sums are in double, in series, step, channel order. */
void seq_fit_standardiser (const TdDataset *ds, float **mean, float **scale);

/* ds as the NN library reads it, standardised with mean and scale [C]
 * (both NULL: as is). */
NnSeqData seq_nn_data (const TdDataset *ds, const float *mean, const float *scale);

/* ------------------------------------------------------- the model file */

/* Sets a TD_PLUGIN_ERROR_IO "PLUGIN: PATH: WHAT" and returns FALSE. */
gboolean seq_h5_fail (GError **error, const char *plugin, const char *path, const char *what);

/* Scalar attributes. type is a native HDF5 type (H5T_NATIVE_INT64, ...);
 * strings are variable-length UTF-8. A getter returns FALSE when the
 * attribute is absent or not convertible, leaving *v as it was. */
gboolean seq_h5_put (hid_t loc, const char *name, hid_t type, const void *v);
gboolean seq_h5_put_i64 (hid_t loc, const char *name, gint64 v);
gboolean seq_h5_put_f64 (hid_t loc, const char *name, double v);
gboolean seq_h5_put_str (hid_t loc, const char *name, const char *v);
gboolean seq_h5_get (hid_t loc, const char *name, hid_t type, void *v);
gboolean seq_h5_get_i64 (hid_t loc, const char *name, gint64 *v);
gboolean seq_h5_get_f64 (hid_t loc, const char *name, double *v);
/* A string attribute, newly allocated; NULL when absent or not a string. */
char *seq_h5_get_str (hid_t loc, const char *name);

/* A float32 dataset of rank (≤ 4) and shape; reading demands exactly that
 * shape. */
gboolean seq_h5_write_f32 (hid_t loc, const char *name, unsigned rank, const size_t *shape,
                           const float *data);
gboolean seq_h5_read_f32 (hid_t loc, const char *name, unsigned rank, const size_t *shape,
                          float *dst);

/* The group name of loc, or -1 when there is none (close it with H5Gclose). */
hid_t seq_h5_open_group (hid_t loc, const char *name);

/* Creates a file under a temporary name beside path, lets write fill it
 * (FALSE on any failure) and commits it to path; refuses a model that is not
 * fitted ("nothing to save before fit"). */
typedef gboolean (*SeqH5WriteFunc) (hid_t file, const void *model);
gboolean seq_h5_save (const char *plugin, gboolean fitted, const char *path,
                      SeqH5WriteFunc write, const void *model, GError **error);

/* path opened read-only (H5Fclose it), or -1 with the reason: not an HDF5
 * file, or unreadable. */
hid_t seq_h5_open (const char *plugin, const char *path, GError **error);

/* The root's magic attribute is magic and its format_version lies in
 * [min_version, max_version] (stored in *version). kind names the file in
 * the message: "a model file of the LSTM family". */
gboolean seq_h5_check_magic (hid_t file, const char *plugin, const char *path,
                             const char *magic, const char *kind, gint64 min_version,
                             gint64 max_version, gint64 *version, GError **error);

/* /preprocess's shared part, in the open group g: attr standardize (mean
 * != NULL), channel_names [C], and mean, scale [C] when standardising. */
gboolean seq_h5_write_preprocess (hid_t g, size_t C, char *const *channel_names,
                                  const float *mean, const float *scale);
/* Reads it back into newly allocated *channel_names and, when the file
 * standardises, *mean and *scale (else NULL). FALSE, with nothing
 * allocated, when a part is missing, mis-shaped, a mean is not finite or a
 * scale not finite and positive. */
gboolean seq_h5_read_preprocess (hid_t g, size_t C, char ***channel_names, float **mean,
                                 float **scale);

/* Every tensor of lay, from buf, as group/<tensor name> in its shape. */
gboolean seq_h5_write_tensors (hid_t file, const char *group, const NnLayout *lay,
                               const float *buf);
/* Every tensor of lay into buf [lay->total]; fails naming the group or the
 * first tensor missing or not of the shape lay expects. */
gboolean seq_h5_read_tensors (hid_t file, const char *group, const NnLayout *lay, float *buf,
                              const char *plugin, const char *path, GError **error);

/* /training's shared attributes in the open group g: config (the
 * parameters as YAML; NULL is written as ""), epochs_run, best_epoch,
 * final_train_loss. Reading is informative: what is absent is left as is. */
gboolean seq_h5_write_training (hid_t g, const char *config_text, const NnTrainResult *r);
void seq_h5_read_training (hid_t g, char **config_text, NnTrainResult *r);

G_END_DECLS
