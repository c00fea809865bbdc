/* recon.h — the model behind the reconstruction-based anomaly plugins
 * (lstm_autoencoder, vae), a static library both link: recon_model.c
 * (create, fit, predict, explain, save, load), recon_io.c (the HDF5 model
 * file). The networks are the NN library's (tundish/nn_recon.h); each
 * plugin's file holds its descriptor, parameters and the two vtable entries
 * that pass its name on. */
#pragma once

#include <tundish/tundish.h>

#include <tundish/nn.h>
#include <tundish/nn_recon.h>

#define RECON_MAGIC "tundish-recon"
#define RECON_FORMAT_VERSION 1

typedef enum { RECON_AE, RECON_VAE } ReconKind;

struct TdModel {
  const char *plugin;          /* the configured plugin's name, for messages (static) */
  ReconKind kind;
  /* configuration (from params at create, from the file at load); C set by fit */
  NnAeConfig ae_cfg;
  NnVaeConfig vae_cfg;
  int warmup_epochs;           /* vae: KL warm-up */
  NnTrainConfig train;
  gboolean standardize;
  char *config_text;           /* td_params_to_text of the parameters */

  /* fitted state; fitted == FALSE until fit or load */
  gboolean fitted;
  NnAe ae;
  NnVae vae;
  NnNet net;
  float *P;                    /* [layout total] */
  size_t C;
  char **channel_names;        /* [C], NULL-terminated */
  float *mean, *scale;         /* [C] standardisation, NULL when off */
  NnScoreCache *score_cache;
  NnTrainResult result;
};

TdModel *recon_create (const char *plugin, ReconKind kind, const TdParams *params,
                       GError **error);
TdModel *recon_load (const char *plugin, ReconKind kind, const TdParams *params,
                     const char *path, GError **error);

gboolean recon_fit (TdModel *m, const TdDataset *train, const TdDataset *valid, TdContext *ctx,
                    GError **error);
gboolean recon_predict (TdModel *m, const TdDataset *input, double *out, TdContext *ctx,
                        GError **error);
gboolean recon_explain (TdModel *m, const TdDataset *input, size_t series, float *out,
                        TdContext *ctx, GError **error);
gboolean recon_save (TdModel *m, const char *path, GError **error);
void recon_destroy (TdModel *m);

/* The anomaly task only: scores are not probabilities, which a binary
 * model's must be. (fit and predict still take binary-task data, whose
 * labels they never read: `tundish bench` trains on such random data.) */
#define RECON_VTABLE(create_fn, load_fn) { \
    .accepts = TD_DATA_SEQUENCE, .tasks = TD_TASK_ANOMALY, \
    .train_on = TD_TRAIN_ON_NORMAL, \
    .create = (create_fn), .fit = recon_fit, .predict = recon_predict, .save = recon_save, \
    .load = (load_fn), .destroy = recon_destroy, .explain = recon_explain, }

/* The architecture for m->C channels: m->ae / m->vae and m->net. */
gboolean recon_build (TdModel *m, GError **error);
void recon_clear_fit (TdModel *m);

/* The model file: HDF5 with a magic string, format version, kind,
 * architecture, training summary, preprocessing and every weight tensor
 * under its PyTorch name. */
/* recon_save (above) writes it, in recon_io.c. */
gboolean recon_load_h5 (TdModel *m, const char *path, GError **error);
