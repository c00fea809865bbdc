/* lstm_autoencoder.c — the `lstm_autoencoder` model plugin: an LSTM encoder
 * whose last valid state, projected to a latent vector, is repeated over
 * time into an LSTM decoder and a per-step linear output that reconstructs
 * the (standardised) sequence. Trained on normal series only; the score is
 * the mean squared reconstruction error per element (higher = more
 * abnormal), explain gives it per step × channel. The network is the NN
 * library's (tundish/nn_recon.h, checked against PyTorch by
 * tests/golden/lstm_autoencoder); the model is ../recon_common. */
#include "recon.h"
#include "recon_params.h"

static const TdParamSpec ae_params[] = {
  { "hidden_size", TD_PARAM_INT, "32", 1, 4096, NULL, "LSTM units of the encoder and the decoder" },
  { "latent_size", TD_PARAM_INT, "8", 1, 4096, NULL,
    "size of the latent vector (a linear projection of the encoder's last state)" },
  RECON_TRAIN_PARAMS ("30")
};

static TdModel *
ae_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  return recon_create ("lstm_autoencoder", RECON_AE, params, error);
}

static TdModel *
ae_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  (void) ctx;
  return recon_load ("lstm_autoencoder", RECON_AE, params, path, error);
}

static const TdModelVTable ae_vtable = RECON_VTABLE (ae_create, ae_load);

static const TdPluginDescriptor ae_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_MODEL,
  .name = "lstm_autoencoder",
  .version = "1.0.0",
  .summary = "LSTM autoencoder on normal series; score = reconstruction error (anomaly)",
  .params = ae_params,
  .n_params = G_N_ELEMENTS (ae_params),
  .vtable = &ae_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &ae_descriptor : NULL;
}
