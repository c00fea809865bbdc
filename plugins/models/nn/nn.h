/* nn.h — a small neural-network library for tundish's sequence models.
 *
 * Written like a readable training program: every layer has an explicit
 * forward and backward function, no autograd, no graph. It lives beside the
 * model plugins (plugins/models/nn/), not in the core SDK.
 *
 * Conventions
 * -----------
 * - Arrays are row-major. Every array argument carries its shape in a comment,
 *   e.g. x [T,B,C].
 * - Sequences inside the library are TIME-MAJOR, [T,B,C]: step t of a batch is
 *   one contiguous [B,C] block. The LSTM recurrence multiplies that block by
 *   W_hh^T once per step, and the weight gradients of all steps are one GEMM
 *   each, because h_{t-1} of every step is the block just before step t
 *   (with batch-first storage the per-step block would be strided and
 *   dW_hh would need one GEMM per sequence). The model plugins gather a batch
 *   from TdDataset's batch-first [N,T,C] into [T,B,C] (they copy the batch
 *   anyway, to shuffle and standardise it), and the golden checks convert
 *   PyTorch's batch_first [B,T,H] when comparing.
 * - A model owns ONE contiguous parameter buffer and ONE gradient buffer of
 *   the same layout (NnLayout: named tensors at offsets, PyTorch's names and
 *   shapes). Layers are plain descriptions (sizes + offsets into those
 *   buffers); forward/backward functions take the buffers as arguments, so
 *   one model description serves both precisions and several workers with
 *   their own gradient buffers.
 * - Backward functions ACCUMULATE into the gradient buffer (zero it before a
 *   batch), as PyTorch's .grad does.
 * - Two precisions from one source: the *.inc templates are compiled twice
 *   (nn_f32.c, nn_f64.c) with NN_REAL = float / double, giving functions
 *   suffixed _f32 / _f64 (nn_seq_forward_f32, ...). float64 reproduces
 *   PyTorch's float64 to ~1e-15; float32 is the training path.
 * - Matrix products go through CBLAS (OpenBLAS): cblas_sgemm / cblas_dgemm.
 * - LSTM gates follow PyTorch: rows i, f, g, o of weight_ih / weight_hh /
 *   biases; c = σ(f)·c + σ(i)·tanh(g); h = σ(o)·tanh(c); h0 = c0 = 0.
 * - Variable lengths: len[b] valid steps (NULL = all T). At a padded step the
 *   state is carried unchanged and nothing is learned, so the result for a
 *   sequence never depends on how much padding follows it (a reverse
 *   direction starts at its last valid step). Layer outputs at padded steps
 *   are NOT zero; pooling reads valid steps only.
 * - Randomness (dropout) comes from a seed the caller passes in: the same
 *   seed gives the same masks on any thread.
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

#define NN_MAX_LAYERS 8
#define NN_MAX_CONV 8

#define NN_ERROR (nn_error_quark ())
GQuark nn_error_quark (void);
typedef enum {
  NN_ERROR_CONFIG,         /* an impossible architecture */
  NN_ERROR_FORMAT,         /* a golden or model file that does not parse */
} NnError;

/* ------------------------------------------------------------ parameter layout */

/* One named tensor inside a model's parameter buffer. */
typedef struct {
  char name[64];           /* PyTorch's name: "weight_ih_l0", "head.0.weight" */
  size_t offset, numel;
  unsigned ndim;
  size_t shape[4];
} NnTensor;

typedef struct {
  NnTensor *t;
  size_t n, cap;
  size_t total;            /* elements in the buffer */
} NnLayout;

void   nn_layout_init (NnLayout *lay);
void   nn_layout_clear (NnLayout *lay);
/* Append a tensor; returns its offset. */
size_t nn_layout_add (NnLayout *lay, const char *name, unsigned ndim, const size_t *shape);
const NnTensor *nn_layout_find (const NnLayout *lay, const char *name);

/* ------------------------------------------------------------------- layers */

/* 1-D convolution over time, 'same' zero padding: y[t] = b + Σ_k W[:,:,k] x[t+k-K/2]
 * (K odd). W [out,in,K] as torch.nn.Conv1d. Input steps at or after a
 * sequence's length count as zero, like the padding before step 0. */
typedef struct {
  size_t in, out, K;
  size_t w, b;             /* offsets: [out,in,K], [out] */
} NnConv;

/* BatchNorm1d over channels: γ (x - μ) / sqrt(σ² + eps) + β. In training μ, σ²
 * are the batch's (valid steps only) and the running statistics follow with
 * momentum 0.1 (σ² unbiased), as torch; in eval the running ones are used.
 * The running statistics are state, not parameters: they live in the model's
 * state buffer (NnSeqModel.state), never in the optimiser's. */
typedef struct {
  size_t C;
  size_t gamma, beta;      /* offsets in the parameter buffer */
  size_t mean, var;        /* offsets in the state buffer */
} NnBatchNorm;

#define NN_BN_EPS 1e-5
#define NN_BN_MOMENTUM 0.1

/* Linear: y = x W^T + b, W [out,in], b [out]. */
typedef struct {
  size_t in, out;
  size_t w, b;             /* offsets */
} NnLinear;

/* One direction of one LSTM layer. */
typedef struct {
  size_t in, H;
  size_t w_ih, w_hh, b_ih, b_hh;   /* [4H,in], [4H,H], [4H], [4H] */
} NnLstmDir;

typedef enum {
  NN_POOL_LAST,            /* forward state at the last valid step (+ reverse state at step 0) */
  NN_POOL_MEAN,            /* mean over valid steps */
  NN_POOL_MAX,             /* max over valid steps, per feature */
  NN_POOL_ATTENTION,       /* softmax(v · tanh(W h_t + a)) over valid steps, weighted sum */
} NnPool;

const char *nn_pool_name (NnPool pool);
gboolean    nn_pool_from_name (const char *name, NnPool *out);

/* Additive attention pooling: u_t = tanh(W h_t + a) [A], e_t = v · u_t,
 * α = softmax over valid t, pooled = Σ α_t h_t. */
typedef struct {
  size_t D, A;
  NnLinear proj;           /* D → A ("pool.proj.weight", "pool.proj.bias") */
  size_t v;                /* [1,A] ("pool.score.weight") */
} NnAttnPool;

/* Multi-head self-attention over time, torch.nn.MultiheadAttention(E, heads)
 * with query = key = value = x [T,B,E]:
 *   q, k, v = x W_q^T + b_q, x W_k^T + b_k, x W_v^T + b_v   (in_proj rows q, k, v)
 *   per head j (columns j·dh .. (j+1)·dh, dh = E / heads) and sequence b:
 *     A = softmax over keys of (q_j k_j^T / √dh)   [T,T], row = query step
 *     ctx_j = dropout(A) v_j
 *   y = [ctx_0 … ctx_{heads-1}] W_out^T + b_out
 * Key padding mask from the lengths: a padded key gets weight 0, and padded
 * query rows are not computed (y is 0 there), so nothing depends on padding.
 * Dropout (training only) is applied to the attention weights, as torch. */
typedef struct {
  size_t E, heads;
  NnLinear in_proj;        /* E → 3E ("attn.in_proj_weight" [3E,E], "attn.in_proj_bias" [3E]) */
  NnLinear out_proj;       /* E → E ("attn.out_proj.weight", "attn.out_proj.bias") */
  double dropout;          /* on the attention weights, training only */
} NnMha;

/* -------------------------------------------------------- sequence classifier */

/* Stacked LSTM [→ self-attention] → pooling → head → one logit. */
typedef struct {
  size_t n_inputs;         /* channels C */
  size_t hidden;           /* H per direction */
  size_t layers;
  gboolean bidirectional;
  double dropout;          /* on each LSTM layer's output except the last (training) */
  NnPool pool;
  size_t attention_dim;    /* A, for NN_POOL_ATTENTION */
  size_t head_hidden;      /* 0: Linear(D,1) ("head.weight"); else Linear(D,Hh) → ReLU →
                              Dropout → Linear(Hh,1) ("head.0.*", "head.3.*") */
  double head_dropout;
  /* Optional convolutional front-end (cnn_lstm), before the LSTM:
   * conv_layers blocks of Conv1d(conv_kernel, 'same') → ReLU → BatchNorm1d
   * with conv_channels channels, then MaxPool1d(conv_pool) over time (the
   * last window of an odd length is kept, from its valid steps; torch drops it).
   * conv_layers == 0: none. */
  size_t conv_layers, conv_channels, conv_kernel, conv_pool;
  /* Optional multi-head self-attention after the LSTM (attention_lstm):
   * attn_heads heads over the D = hidden · dirs outputs (D % attn_heads == 0),
   * dropout attn_dropout on the attention weights. Pooling then reads the
   * attention's output, as one block of D features (pooling `last` takes the
   * last valid step). attn_heads == 0: none. */
  size_t attn_heads;
  double attn_dropout;
} NnSeqConfig;

typedef struct {
  NnSeqConfig cfg;
  NnLayout layout;
  size_t dirs;             /* 1 or 2 */
  size_t D;                /* pooled width: hidden * dirs */
  NnLstmDir lstm[NN_MAX_LAYERS][2];
  NnAttnPool attn;
  NnMha mha;               /* mha.heads == 0 without self-attention */
  NnLinear head1, head2;   /* head1.out == 0 when head_hidden == 0 */
  NnConv conv[NN_MAX_CONV];
  NnBatchNorm bn[NN_MAX_CONV];
  NnLayout state;          /* non-trained state: BatchNorm running statistics */
} NnSeqModel;

/* Fill the description and layouts; FALSE (with error) on an impossible config.
 * Parameter names follow torch: the LSTM's "weight_ih_l0"..., the conv
 * front-end as nn.Sequential "conv" (Conv1d at 3k, BatchNorm1d at 3k+2:
 * "conv.0.weight", "conv.2.weight", state "conv.2.running_mean"), the
 * self-attention as nn.MultiheadAttention "attn" ("attn.in_proj_weight" ...),
 * attention pooling "pool.*", the head "head.*". */
gboolean nn_seq_model_init (NnSeqModel *m, const NnSeqConfig *cfg, GError **error);
void     nn_seq_model_clear (NnSeqModel *m);
/* Sequence length after the front-end's pooling (== len without a front-end). */
size_t   nn_seq_pooled_len (const NnSeqModel *m, size_t len);

/* --------------------------------------------------------------------- losses */

typedef enum {
  NN_LOSS_BCE,             /* BCE with logits, pos_weight on positives (soft labels allowed) */
  NN_LOSS_FOCAL,           /* binary focal loss with logits, pos_weight as α on positives */
} NnLoss;

typedef struct {
  NnLoss kind;
  double pos_weight;       /* 1 = unweighted */
  double gamma;            /* focal */
} NnLossConfig;

/* ----------------------------------------------------------------- optimisers */

typedef enum {
  NN_OPT_ADAM,             /* torch.optim.Adam: weight_decay added to the gradient (L2) */
  NN_OPT_ADAMW,            /* torch.optim.AdamW: decoupled, w -= lr·wd·w */
} NnOptKind;

typedef struct {
  NnOptKind kind;
  double lr, beta1, beta2, eps, weight_decay;
} NnOptConfig;

/* Learning-rate schedules, stepped once per epoch. */
typedef enum { NN_SCHED_NONE, NN_SCHED_PLATEAU, NN_SCHED_COSINE } NnSchedKind;

typedef struct {
  NnSchedKind kind;
  double lr0, lr;          /* initial, current */
  /* plateau: as torch ReduceLROnPlateau(mode="max", threshold 1e-4 rel) */
  double factor, min_lr;
  int patience, bad_epochs;
  double best;
  /* cosine: lr = min_lr + (lr0 - min_lr)(1 + cos(π e / epochs)) / 2 */
  int epochs;
} NnSchedule;

void   nn_schedule_init (NnSchedule *s, NnSchedKind kind, double lr0, int epochs,
                         double factor, int patience, double min_lr);
/* The learning rate for epoch e (0-based), given the monitored value of the
 * previous epoch (higher = better; ignored by cosine and none; NaN = none). */
double nn_schedule_lr (NnSchedule *s, int epoch, double prev_metric);

/* ------------------------------------------------------------------------ RNG */

/* SplitMix64: tiny, seedable anywhere, same stream on every thread. */
static inline uint64_t
nn_rng_next (uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* Uniform in [0, 1) with 53 bits. */
static inline double
nn_rng_uniform (uint64_t *state)
{
  return (double) (nn_rng_next (state) >> 11) * (1.0 / 9007199254740992.0);
}

/* A seed for one (purpose, a, b, c) from a base seed, by hashing. */
uint64_t nn_seed_mix (uint64_t base, uint64_t a, uint64_t b, uint64_t c);

/* -------------------------------------------------- per-precision functions */
#define NN_REAL float
#define NN_SFX f32
#include "nn_api.h"
#undef NN_REAL
#undef NN_SFX
#define NN_REAL double
#define NN_SFX f64
#include "nn_api.h"
#undef NN_REAL
#undef NN_SFX

G_END_DECLS
