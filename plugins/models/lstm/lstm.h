/* lstm.h — the LSTM-based models' state, shared by lstm_model.c (fit,
 * predict), lstm_io.c (the HDF5 model file) and the descriptors (lstm.c,
 * ../cnn_lstm/cnn_lstm.c, ../attention_lstm/attention_lstm.c). */
#pragma once

#include <tundish/tundish.h>

#include "nn.h"
#include "nn_train.h"

#define LSTM_MAGIC "tundish-lstm"
/* 2: /architecture gained num_heads and attention_dropout (self-attention);
 * version 1 files (without them) still load. */
#define LSTM_FORMAT_VERSION 2

struct TdModel {
  /* configuration (from params at create, from the file at load) */
  NnSeqConfig arch;            /* n_inputs is set by fit */
  NnTrainConfig train;
  gboolean auto_pos_weight, standardize;
  int restarts;                /* >= 1 trainings per fit, the best on validation kept */
  char *config_text;           /* td_params_to_text of the training parameters */

  /* fitted state; fitted == FALSE until fit or load */
  gboolean fitted;
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

/* The model's vtable, shared by the lstm, cnn_lstm and attention_lstm descriptors. */
extern const TdModelVTable lstm_model_vtable;

/* A model configured from params (the conv front-end's and the
 * self-attention's parameters are read when the descriptor declares them). */
TdModel *lstm_new (const TdParams *params);
void lstm_clear_fit (TdModel *m);
/* After P is final (fit, load): what predict reuses across calls. */
void lstm_prepare (TdModel *m);

/* The model file: HDF5 with a magic string, format version, architecture,
 * training configuration, preprocessing and every weight tensor under its
 * PyTorch name. */
gboolean lstm_save_h5 (const TdModel *m, const char *path, GError **error);
/* Fill m's fitted state (and architecture) from path. */
gboolean lstm_load_h5 (TdModel *m, const char *path, GError **error);
