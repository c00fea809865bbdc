/* vae.c — the `vae` model plugin: a convolutional variational autoencoder
 * of sequences. Conv1d → ReLU → MaxPool1d(pool) encodes each window of pool
 * steps into a Gaussian latent (μ, log σ²); z = μ + σ·ε (ε from the trial's
 * seeded stream) is upsampled back (nearest) and decoded by Conv1d → ReLU →
 * Conv1d. Loss = squared error + β·KL per element, β optionally warmed up
 * linearly over the first kl_warmup_epochs. Score (higher = more abnormal):
 * recon_kl = error + β·KL at z = μ, or elbo = the negative ELBO from
 * elbo_samples draws. Trained on normal series only; explain gives the
 * error per step × channel. The network is the NN library's
 * (tundish/nn_recon.h, checked against PyTorch by tests/golden/vae); the
 * model is ../recon_common. */
#include "recon.h"
#include "recon_params.h"

static const char *const score_choices[] = { "recon_kl", "elbo", NULL };

static const TdParamSpec vae_params[] = {
  { "filters", TD_PARAM_INT, "32", 1, 4096, NULL, "channels of the convolutions" },
  { "kernel_size", TD_PARAM_INT, "5", 1, 255, NULL, "convolution width in steps (odd)" },
  { "pool", TD_PARAM_INT, "4", 1, 4096, NULL, "steps per latent step (max pooling, then "
    "nearest upsampling back)" },
  { "latent_size", TD_PARAM_INT, "8", 1, 4096, NULL, "latent units per latent step" },
  { "beta", TD_PARAM_DOUBLE, "1.0", 0, 1e6, NULL, "weight of the KL term (β-VAE)" },
  { "kl_warmup_epochs", TD_PARAM_INT, "0", 0, 100000, NULL,
    "raise the KL weight linearly from β/N to β over the first N epochs; 0 = β throughout" },
  { "score", TD_PARAM_ENUM, "recon_kl", 0, 0, score_choices,
    "recon_kl: squared error + β·KL at z = μ; elbo: negative ELBO (unit-variance Gaussian "
    "decoder) from elbo_samples draws of z; both per element" },
  { "elbo_samples", TD_PARAM_INT, "8", 1, 10000, NULL, "draws of z for score: elbo" },
  RECON_TRAIN_PARAMS ("30")
};

static TdModel *
vae_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  return recon_create ("vae", RECON_VAE, params, error);
}

static TdModel *
vae_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  (void) ctx;
  return recon_load ("vae", RECON_VAE, params, path, error);
}

static const TdModelVTable vae_vtable = RECON_VTABLE (vae_create, vae_load);

static const TdPluginDescriptor vae_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_MODEL,
  .name = "vae",
  .version = "1.1.0",   /* 1.1: own kernels, float Box-Muller noise (results move slightly) */
  .summary = "convolutional VAE on normal series; score = error + beta*KL or -ELBO (anomaly)",
  .params = vae_params,
  .n_params = G_N_ELEMENTS (vae_params),
  .vtable = &vae_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &vae_descriptor : NULL;
}
