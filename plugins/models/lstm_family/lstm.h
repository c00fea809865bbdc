/* lstm.h — the LSTM family's model, a static library (lstm_family) that
 * the lstm, cnn_lstm and attention_lstm plugins link: lstm_model.c (create,
 * fit, predict, explain, save, load), lstm_io.c (the HDF5 model file). Each
 * plugin's file holds only its descriptor, its parameters and the two
 * vtable entries that pass its name on (create, load), so that every
 * message names the plugin the user configured. */
#pragma once

#include <tundish/tundish.h>

#include <tundish/nn.h>

#define LSTM_MAGIC "tundish-lstm"
/* 2: /architecture gained num_heads and attention_dropout (self-attention);
 * 3: the task (root attr task, /architecture n_outputs, /preprocess
 * target_mean and target_scale for regression). Older files (binary, without
 * them) still load. */
#define LSTM_FORMAT_VERSION 3

struct TdModel {
  const char *plugin;          /* the configured plugin's name, for messages (static) */
  /* configuration (from params at create, from the file at load) */
  NnSeqConfig arch;            /* n_inputs is set by fit */
  NnTrainConfig train;
  gboolean auto_pos_weight, auto_class_weight, standardize;
  gboolean loss_auto;            /* loss: auto, chosen from the training task at fit */
  int restarts;                /* >= 1 trainings per fit, the best on validation kept */
  char *config_text;           /* td_params_to_text of the training parameters */

  /* fitted state; fitted == FALSE until fit or load */
  gboolean fitted;
  TdTask task;                 /* binary, multiclass (arch.n_outputs classes) or regression */
  double y_mean, y_scale;      /* regression: the model predicts (y - y_mean) / y_scale */
  NnSeqModel net;
  float *P;                    /* [net.layout.total] */
  size_t C;
  char **channel_names;        /* [C], NULL-terminated */
  float *mean, *scale;         /* [C] standardisation, NULL when off */
  float *S;                    /* [net.state.total] BatchNorm running statistics (may be empty) */
  float *prepared;             /* nn_seq_prepare_f32 (P): weight transposes for predict */
  NnScoreCache *score_cache;   /* predict/explain/attention-map workspace, kept between calls */
  NnTrainResult result;
  double pos_weight_used;
};

/* A model configured from params (the conv front-end's and the
 * self-attention's parameters are read when the descriptor declares them),
 * named plugin in its messages, after the architecture checks the parameter
 * specs cannot express. */
TdModel *lstm_family_create (const char *plugin, const TdParams *params, GError **error);
/* A model configured from params with the fitted state of the model file at path. */
TdModel *lstm_family_load (const char *plugin, const TdParams *params, const char *path,
                           GError **error);

/* The vtable entries every plugin of the family shares. */
gboolean lstm_fit (TdModel *m, const TdDataset *train, const TdDataset *valid, TdContext *ctx,
                   GError **error);
gboolean lstm_predict (TdModel *m, const TdDataset *input, double *out, TdContext *ctx,
                       GError **error);
gboolean lstm_explain (TdModel *m, const TdDataset *input, size_t series, float *out,
                       TdContext *ctx, GError **error);
gboolean lstm_save (TdModel *m, const char *path, GError **error);
void lstm_destroy (TdModel *m);
const void *lstm_extension (TdModel *m, const char *id);

/* A plugin's vtable: the shared entries and its own create and load. */
#define LSTM_FAMILY_VTABLE(create_fn, load_fn) { \
    .accepts = TD_DATA_SEQUENCE, \
    .tasks = TD_TASK_BINARY | TD_TASK_MULTICLASS | TD_TASK_REGRESSION, \
    .train_on = TD_TRAIN_ON_ALL, \
    .create = (create_fn), .fit = lstm_fit, .predict = lstm_predict, .save = lstm_save, \
    .load = (load_fn), .destroy = lstm_destroy, .explain = lstm_explain, \
    .extension = lstm_extension, }
void lstm_clear_fit (TdModel *m);
/* After P is final (fit, load): what predict reuses across calls. */
void lstm_prepare (TdModel *m);

/* The model file: HDF5 with a magic string, format version, architecture,
 * training configuration, preprocessing and every weight tensor under its
 * PyTorch name. */
/* lstm_save (above) writes it, in lstm_io.c. */
/* Fill m's fitted state (and architecture) from path. */
gboolean lstm_load_h5 (TdModel *m, const char *path, GError **error);
