/* tundish/nn_recon.h — reconstruction networks of the NN library: an LSTM
 * autoencoder and a convolutional variational autoencoder, for anomaly
 * models trained on normal series only (in tree: lstm_autoencoder, vae).
 *
 * Who calls it: a model plugin, through the NnNet each network provides
 * (nn_train, nn_net_predict, nn_check_gradients), and the golden checker
 * behind `tundish gradcheck`. Part of libtundish-nn; include after nn.h.
 *
 * What it promises:
 * - The NnNet's "logits" are per-sequence LOSSES (train with
 *   NnLossConfig.kind = NN_LOSS_OUTPUT): in training mode the training
 *   objective, in eval mode the anomaly score (higher = more abnormal).
 *   The target is the input itself, so the input gradient has two terms
 *   (through the encoder and as the target).
 * - Errors are per element: a sequence's squared error is summed over its
 *   valid steps and channels and divided by their count n = len·C, so
 *   series of different lengths score on one scale. Padded steps change
 *   nothing (same masking as nn.h).
 * - float32 only; forward and backward are checked against PyTorch golden
 *   files (tests/golden/lstm_autoencoder, tests/golden/vae) and by finite
 *   differences.
 * - Randomness (the VAE's ε) comes from the seed forward gets, so the same
 *   seed gives the same bytes on any thread. No global state.
 */
#pragma once

#include <tundish/nn.h>

G_BEGIN_DECLS

/* Per step × channel squared reconstruction error of the last eval-mode
 * forward for sequence b of the tape: out [T,C] (0 at padded steps). Both
 * networks' tapes start with this header. */
typedef struct {
  size_t T, B, C;
  const float *x;             /* [T,B,C] the forward's input (and target) */
  float *recon;               /* [T,B,C] the reconstruction */
  const guint32 *len;
} NnReconTapeHead;

void nn_recon_errors (const void *tape, size_t b, size_t T_out, float *out);

/* ------------------------------------------------------ LSTM autoencoder */

/* encoder LSTM(C → H) over x; its hidden state at each sequence's last
 * valid step → latent Linear(H → Z) → z repeated at every step (not teacher
 * forced: the decoder sees only z) → decoder LSTM(Z → H) → Linear(H → C)
 * per step = x̂. Loss of sequence b: Σ_{t<len, c} (x̂ - x)² / (len·C).
 * PyTorch names: "encoder.weight_ih_l0" ..., "latent.weight" [Z,H],
 * "latent.bias", "decoder.weight_ih_l0" [4H,Z] ..., "output.weight" [C,H],
 * "output.bias". */
typedef struct {
  size_t C, H, Z;
} NnAeConfig;

typedef struct {
  NnAeConfig cfg;
  NnLayout layout;
  NnLstmDir enc, dec;
  NnLinear latent, out;
} NnAe;

gboolean nn_ae_init (NnAe *ae, const NnAeConfig *cfg, GError **error);
void     nn_ae_clear (NnAe *ae);
/* PyTorch's defaults: LSTM U(±1/√H), Linear U(±1/√fan_in). */
void     nn_ae_init_params (const NnAe *ae, float *P, uint64_t seed);
/* ae must outlive net. */
void     nn_ae_net_init (NnNet *net, const NnAe *ae);

/* ------------------------------------------------------ convolutional VAE */

typedef enum {
  NN_VAE_SCORE_RECON_KL,      /* eval: z = μ; (Σ(x̂-x)² + β·KL) / n */
  NN_VAE_SCORE_ELBO,          /* eval: the negative ELBO per element, L samples of z */
} NnVaeScore;

/* enc: Conv1d(C → F, K, 'same') → ReLU → MaxPool1d(pool) gives T' = ⌈T/pool⌉
 * latent steps; per latent step μ = Linear(F → Z), log σ² = Linear(F → Z);
 * z = μ + exp(½ log σ²)·ε, ε ~ N(0, 1); upsampling: step t of the decoder
 * reads z at t' = ⌊t/pool⌋ (nearest); dec: Conv1d(Z → F, K) → ReLU →
 * Conv1d(F → C, K) = x̂. KL of sequence b: Σ over its ⌈len/pool⌉ valid latent
 * steps and Z of ½(μ² + σ² − 1 − log σ²).
 * Training loss (z sampled): (Σ(x̂-x)² + β_train·KL) / n.
 * Eval (the anomaly score), with β:
 *   recon_kl: z = μ, (Σ(x̂-x)² + β·KL) / n;
 *   elbo: (1/L) Σ_l ½Σ(x̂_l − x)² + KL + ½ n log 2π, over n: the negative
 *   ELBO of a unit-variance Gaussian decoder, per element; sample l's ε is
 *   drawn from (score_seed, l, latent step, unit) only, so every series sees
 *   the same noise and a score never depends on the rest of the batch.
 * PyTorch names: "enc.0.weight" [F,C,K], "enc.0.bias", "mu.weight" [Z,F],
 * "mu.bias", "logvar.weight", "logvar.bias", "dec.0.weight" [F,Z,K],
 * "dec.0.bias", "dec.2.weight" [C,F,K], "dec.2.bias". */
typedef struct {
  size_t C, F, K, Z, pool;
  double beta;                /* KL weight of the eval score (and training, after warm-up) */
  NnVaeScore score;
  size_t elbo_samples;        /* L */
  uint64_t score_seed;
} NnVaeConfig;

typedef struct {
  NnVaeConfig cfg;
  NnLayout layout;
  NnConv enc, dec1, dec2;
  NnLinear mu, logvar;
  /* The KL weight of training forwards: β, or less during a warm-up. The
   * training loop's epoch_start hook may change it between epochs
   * (nn_vae_warmup). */
  double beta_train;
} NnVae;

gboolean nn_vae_init (NnVae *v, const NnVaeConfig *cfg, GError **error);
void     nn_vae_clear (NnVae *v);
void     nn_vae_init_params (const NnVae *v, float *P, uint64_t seed);
void     nn_vae_net_init (NnNet *net, const NnVae *v);
/* NnTrainConfig.epoch_start for a KL warm-up: data is an NnVaeWarmup;
 * β_train = β · min(1, (epoch + 1) / warmup_epochs) (β from the first epoch
 * when warmup_epochs is 0). */
typedef struct {
  NnVae *vae;
  int warmup_epochs;
} NnVaeWarmup;
void     nn_vae_warmup (gpointer data, int epoch);

/* For golden checks: a training-mode forward with the caller's noise eps
 * [T',B,Z] instead of the seed's; the logits (per-sequence losses) [B] are
 * returned, mu and logvar [T',B,Z] point into the tape. tape from the
 * NnNet's tape_new. */
const float *nn_vae_forward_eps (const NnVae *v, const float *P, void *tape, size_t T, size_t B,
                                 const float *x, const guint32 *len, const float *eps,
                                 const float **mu, const float **logvar);

G_END_DECLS
