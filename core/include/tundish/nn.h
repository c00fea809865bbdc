/* tundish/nn.h — the NN library of the SDK: layers with explicit forward and
 * backward functions, losses, optimisers, learning-rate schedules, a
 * sequence classifier, and the training loop with early stopping and
 * training curves. For model plugins: in tree lstm, cnn_lstm and
 * attention_lstm; out of tree examples/tcn-model-plugin.
 *
 * Who calls it: a model plugin, from its fit, predict and explain. Link
 * libtundish-nn (`pkg-config --cflags --libs tundish-nn`), a static library:
 * each plugin carries its own copy, built with hidden visibility, so a
 * plugin still exports only td_plugin_descriptor.
 *
 * What it promises:
 * - No autograd and no graph: every layer is a forward function and a
 *   backward function over the same arguments, which a reader can follow
 *   top to bottom. Backward functions ACCUMULATE into the gradient buffer,
 *   as PyTorch's .grad does: zero it before a batch.
 * - Sequences are TIME-MAJOR, [T,B,C] (below): step t of a batch is one
 *   contiguous [B,C] block. TdDataset holds series batch-first [N,T,C]; the
 *   training loop and the scoring functions gather batches into [T,B,C].
 * - PyTorch's semantics, parameter names, shapes and default
 *   initialisation, checked against PyTorch golden files (tests/golden/) to
 *   1e-10 in float64 and 1e-5 in float32. nn_check_gradients checks a
 *   network of your own by finite differences.
 * - Determinism: randomness comes only from the seeds the caller passes, and
 *   the training loop gives the same bytes for any thread count.
 * - No exit, abort or printing: an impossible configuration is a GError
 *   (NN_ERROR, or TD_PLUGIN_ERROR from the training loop). Shapes are the
 *   caller's contract (each array's shape is in the comment beside it) and
 *   are not checked at run time.
 *
 * What it never does: own the caller's buffers, keep global state (except
 * that the training and scoring functions set OpenBLAS to one thread, see
 * nn_train), or read a TdDataset itself (NnSeqData is the bridge).
 *
 * Names: nn_ functions, Nn types, NN_ constants; a function that exists in
 * both precisions carries _f32 or _f64 (nn_linear_forward_f32).
 *
 * Conventions
 * -----------
 * - Arrays are row-major. Every array argument carries its shape in a comment,
 *   e.g. x [T,B,C].
 * - Why time-major: the LSTM recurrence multiplies step t's [B,C] block by
 *   W_hh^T once per step, and the weight gradients of all steps are one GEMM
 *   each, because h_{t-1} of every step is the block just before step t
 *   (with batch-first storage the per-step block would be strided and
 *   dW_hh would need one GEMM per sequence). The training loop and the
 *   scoring functions gather a batch from TdDataset's batch-first [N,T,C]
 *   into [T,B,C] (they copy it anyway, to shuffle and standardise it), and
 *   the golden checks convert
 *   PyTorch's batch_first [B,T,H] when comparing.
 * - A model owns ONE contiguous parameter buffer and ONE gradient buffer of
 *   the same layout (NnLayout: named tensors at offsets, PyTorch's names and
 *   shapes). Layers are plain descriptions (sizes + offsets into those
 *   buffers); forward/backward functions take the buffers as arguments, so
 *   one model description serves both precisions and several workers with
 *   their own gradient buffers.
 * - Two precisions: functions suffixed _f32 and _f64 (nn_seq_forward_f32,
 *   ...), compiled from one source. float64 reproduces PyTorch's float64 to
 *   ~1e-15 (for checking); float32 is the training path.
 * - Matrix products go through CBLAS (OpenBLAS): cblas_sgemm / cblas_dgemm.
 * - LSTM gates follow PyTorch: rows i, f, g, o of weight_ih / weight_hh /
 *   biases; c = σ(f)·c + σ(i)·tanh(g); h = σ(o)·tanh(c); h0 = c0 = 0.
 * - Variable lengths: len[b] valid steps (NULL = all T). At a padded step the
 *   state is carried unchanged and nothing is learned, so the result for a
 *   sequence never depends on how much padding follows it (a reverse
 *   direction starts at its last valid step). LSTM outputs at padded steps
 *   are NOT zero (the state is carried); convolution blocks and ReLU write 0
 *   there; pooling reads valid steps only.
 * - Randomness (dropout) comes from a seed the caller passes in: the same
 *   seed gives the same masks on any thread.
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include <tundish/context.h>

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

/* Stacked LSTM [→ self-attention] → pooling → head → one logit, or
 * n_outputs outputs (a softmax head's class logits). */
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
  /* Outputs of the head's last Linear: 0 or 1 gives one (a binary logit or a
   * regression value); K >= 2 gives K class logits for NN_LOSS_SOFTMAX. */
  size_t n_outputs;
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
  /* Cross-entropy of n_classes logits per sequence against a class index,
   * weighted by class_weights[y] (NULL = 1): Σ_i w_{y_i} CE_i, so a mean is
   * Σ w CE / N — not torch's weighted mean Σ w CE / Σ w, which would make a
   * batch's gradient scale depend on its class mix. */
  NN_LOSS_SOFTMAX,
  NN_LOSS_MSE,             /* (z - y)², one output per sequence (regression) */
  /* torch.nn.HuberLoss(delta): (z - y)² / 2 within delta, delta (|z - y| - delta / 2)
   * beyond, one output per sequence (regression) */
  NN_LOSS_HUBER,
  NN_LOSS_OUTPUT,          /* the network's outputs are its per-sequence losses (reconstruction
                              networks, tundish/nn_recon.h): loss = output, targets unused;
                              validation then has no ROC-AUC and early stopping reads its loss */
} NnLoss;

typedef struct {
  NnLoss kind;
  double pos_weight;       /* 1 = unweighted */
  double gamma;            /* focal */
  size_t n_classes;        /* softmax: K >= 2 logits per sequence */
  const double *class_weights;   /* softmax: [K] or NULL */
  double huber_delta;      /* huber: > 0 */
} NnLossConfig;

/* Outputs per sequence a loss reads: n_classes for softmax, else 1. */
size_t nn_loss_outputs (const NnLossConfig *cfg);

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

/* nn_real.h declares them once per precision; NN(x) and NNT(X) name
 * nn_x_f32 / NnX_f32 and then nn_x_f64 / NnX_f64. */
#define NN_REAL float
#define NN_SFX f32
#include <tundish/nn_real.h>
#undef NN_REAL
#undef NN_SFX
#define NN_REAL double
#define NN_SFX f64
#include <tundish/nn_real.h>
#undef NN_REAL
#undef NN_SFX
/* The library's own template sources (which define NN_TEMPLATE_NAMES before
 * including this header) keep NN() and NNT(); nobody else gets them. */
#ifndef NN_TEMPLATE_NAMES
#undef NN_PASTE_
#undef NN_PASTE
#undef NN
#undef NNT
#endif

/* ------------------------------------------------------------ networks */

/* A network the training loop and the scoring functions can run: a float32
 * forward pass from a time-major batch to one logit per sequence, n_outputs
 * outputs (series-major [B,n_outputs]) for a multiclass head, or, for a
 * network trained with NN_LOSS_OUTPUT, one loss per sequence (see
 * tundish/nn_recon.h); and its backward pass. The sequence classifier is one (nn_seq_net_init); a plugin
 * describes its own architecture with one of these (examples/
 * tcn-model-plugin). The loop calls forward and backward from several
 * threads at once, each thread with its own tape, so neither may write to
 * anything but its tape, G and dx. */
typedef struct {
  const void *self;            /* the architecture, handed to every call */
  const NnLayout *params;      /* the parameter buffer's layout (P, G) */
  size_t n_state;              /* floats of non-trained state S (BatchNorm running
                                  statistics); 0 = none */
  /* A workspace for one forward and its backward: batches of at most max_B
   * sequences of at most max_T steps. */
  void *(*tape_new) (const void *self, size_t max_T, size_t max_B);
  void (*tape_free) (void *tape);
  /* Logits [B] (a pointer into the tape) of x [T,B,C] with lengths len [B]
   * (NULL = all T). train: dropout masks from seed, batch statistics; eval
   * (train FALSE, seed 0): deterministic, S's statistics. */
  const float *(*forward) (const void *self, const float *P, const float *S, void *tape,
                           size_t T, size_t B, const float *x, const guint32 *len,
                           gboolean train, uint64_t seed);
  /* Backward of the tape's last forward, from dlogits [B]: gradients
   * ACCUMULATED into G [params->total], and dx [T,B,C] (overwritten; 0 at
   * padded steps) when not NULL. */
  void (*backward) (const void *self, const float *P, float *G, void *tape,
                    const float *dlogits, float *dx);
  /* Optional, with n_state > 0: the batch statistics a training forward
   * left in tape (n_stats doubles), and S updated from them. The loop
   * applies every shard's statistics in shard order, after the batch. */
  size_t n_stats;
  void (*batch_stats) (const void *self, const void *tape, double *stats);
  void (*update_state) (const void *self, float *S, const double *stats);
  /* Outputs per sequence: forward's logits and backward's dlogits are
   * [B,n_outputs]; 0 means 1 (a network written before this field). */
  size_t n_outputs;
} NnNet;

/* The sequence classifier as an NnNet. prepared: nn_seq_prepare_f32's
 * transposes of the P it will run with, or NULL. holder must outlive net. */
typedef struct {
  const NnSeqModel *m;
  const float *prepared;
} NnSeqNetSelf;
void nn_seq_net_init (NnNet *net, NnSeqNetSelf *holder, const NnSeqModel *m,
                      const float *prepared);

/* --------------------------------------------------------- training loop */

/* Mini-batch training of an NnNet (float32) under its loss: binary (BCE or
 * focal on one logit), multiclass (softmax over the net's n_outputs) or
 * regression (MSE or Huber on one output): seeded shuffling and dropout,
 * Adam/AdamW, gradient clipping by global norm, a learning-rate schedule, and
 * early stopping on the validation split that restores the best weights —
 * on its ROC-AUC for a binary loss, on its loss otherwise. With
 * loss.kind NN_LOSS_OUTPUT the network's outputs are per-sequence losses
 * (tundish/nn_recon.h): their batch mean is minimised. Per epoch it
 * reports train_loss, valid_loss, valid_auc (binary) and lr as training curves
 * (td_context_curve) and the progress to the TdContext, and honours
 * cancellation.
 *
 * Determinism and threads. A batch is computed in fixed shards of at most
 * NN_SHARD sequences, each with its own gradient buffer; the shard gradients
 * are summed in shard order. Shards depend only on the batch, so threads
 * (td_context_threads, which comes from --threads-per-trial and never from
 * -j) only decide who computes which shard: the same seed gives the same
 * bytes for any thread count and any -j. OpenBLAS itself is kept at one
 * thread (openblas_set_num_threads(1), a process-wide setting) so that its
 * threads never compete with the shard workers. */
#define NN_SHARD 16

typedef struct {
  int epochs;
  size_t batch_size;
  NnOptConfig opt;
  NnLossConfig loss;
  double clip_norm;            /* 0 = off */
  NnSchedKind schedule;
  double plateau_factor;
  int plateau_patience;
  int patience;                /* early stopping (valid ROC-AUC, or valid loss for softmax,
                                  MSE and Huber); 0 = off */
  uint64_t seed;               /* shuffling and dropout */
  /* When one fit trains several times (restarts): a prefix for the curve
   * names ("restart2/" gives "restart2/train_loss"; NULL = none) and the
   * share [progress_from, progress_to] of the fit's progress this run covers
   * (both 0 = all of it). */
  const char *curve_prefix;
  double progress_from, progress_to;
  /* Optional: called before epoch e's first batch (0-based), when no
   * forward runs, with epoch_data: lets a network change a training
   * setting per epoch (a VAE's KL warm-up, nn_vae_warmup). NULL = none. */
  void (*epoch_start) (gpointer data, int epoch);
  gpointer epoch_data;
} NnTrainConfig;

/* Sequences as TdDataset holds them (batch-first), standardised while a
 * batch is gathered. */
typedef struct {
  size_t n, T, C;
  const float *x;              /* [n,T,C] batch-first */
  const guint32 *len;          /* [n] or NULL = all T */
  const double *y;             /* [n] targets: in [0, 1] (binary), a class index
                                  (softmax), a value (regression) */
  const float *mean, *scale;   /* [C] (x - mean) / scale; NULL = as is */
} NnSeqData;

typedef struct {
  int epochs_run;
  int best_epoch;              /* 0-based; -1 without validation data */
  double best_valid_auc, final_train_loss;
  double best_valid_loss;      /* at best_epoch; NaN without validation data */
} NnTrainResult;

/* Train P [net->params->total] and state S [net->n_state] (both initialised
 * by the caller) in place. FALSE with TD_PLUGIN_ERROR when cancelled or when
 * the loss diverges (P is then the last epoch's). */
gboolean nn_train (const NnNet *net, float *P, float *S, const NnTrainConfig *cfg,
                   const NnSeqData *train, const NnSeqData *valid, TdContext *ctx,
                   NnTrainResult *res, GError **error);
/* nn_train of the sequence classifier. */
gboolean nn_train_seq (const NnSeqModel *m, float *P, float *S, const NnTrainConfig *cfg,
                       const NnSeqData *train, const NnSeqData *valid, TdContext *ctx,
                       NnTrainResult *res, GError **error);

/* A scoring workspace kept between the scoring calls of one model (tapes
 * and gathered shards), so that scoring one series neither allocates nor
 * zeroes megabytes per call (a fifth of attention_lstm's single-sequence
 * latency). A call that finds it in use by another thread works in a fresh
 * one. Tied to one architecture: free it when the model changes. */
typedef struct NnScoreCache NnScoreCache;
NnScoreCache *nn_score_cache_new (void);
void nn_score_cache_free (NnScoreCache *c);

/* Logits of every sequence, out [n,n_outputs], in eval mode (no dropout). Sequences
 * are scored in consecutive shards of NN_SHARD, spread over threads.
 * cache: NULL, or the model's workspace. */
void nn_net_predict (const NnNet *net, const float *P, const float *S, const NnSeqData *data,
                     int threads, NnScoreCache *cache, double *out);
/* nn_net_predict of the sequence classifier; prepared: nn_seq_prepare_f32's
 * transposes of P, or NULL (made per shard). */
void nn_predict_logits (const NnSeqModel *m, const float *P, const float *S,
                        const float *prepared, const NnSeqData *data, int threads,
                        NnScoreCache *cache, double *out);

/* d logit / d x (standardised input) × x for sequence s: out [T,C] (zero at
 * padded steps). Input-gradient saliency, for a model's explain. With
 * several outputs, of the largest one (the predicted class's logit). */
void nn_net_saliency (const NnNet *net, const float *P, const float *S, const NnSeqData *data,
                      size_t s, NnScoreCache *cache, float *out);
void nn_saliency (const NnSeqModel *m, const float *P, const float *S, const float *prepared,
                  const NnSeqData *data, size_t s, NnScoreCache *cache, float *out);

/* Whether nn_attention_map has a map for a model of this configuration:
 * self-attention (attention_lstm), or attention pooling straight over the
 * input's steps (no conv front-end, whose max pooling would put the weights
 * on other steps than the input's). */
gboolean nn_has_attention_map (const NnSeqConfig *cfg);

/* Sequence s's attention, in eval mode: out [T,T] (row = query step, each
 * valid row sums to 1 over valid keys; rows and columns of padded steps 0).
 * With self-attention, its weights averaged over heads. Otherwise the
 * attention pooling's weights over steps, the same in every valid row: one
 * query (the pooled summary) shown the way self-attention's maps are, so the
 * runner's per-step profile (the mean over query rows) is those weights.
 * m->cfg must satisfy nn_has_attention_map; prepared as for nn_predict_logits. */
void nn_attention_map (const NnSeqModel *m, const float *P, const float *S, const float *prepared,
                       const NnSeqData *data, size_t s, NnScoreCache *cache, float *out);

/* ------------------------------------------------------- gradient check */

/* Finite differences against an NnNet's backward, for a plugin's own tests:
 * f = Σ_b Σ_k w_bk logit_bk over its n_outputs (w drawn from seed, eval mode). For every parameter
 * tensor of net->params, and for the input at valid steps, `directions`
 * ±1 directions v over its elements (the first along the signs of the
 * analytic gradient, the others random): the analytic derivative G·v against
 * the central difference (f(P + εv) - f(P - εv)) / 2ε, computed in double
 * from the float32 logits. A direction passes when
 *   |analytic - numeric| <= tol · max(|analytic|, |numeric|) + noise,
 * noise being the forward's own float32 noise in that difference (estimated
 * from the same difference at ε/2, plus two ulps of f over the step; it
 * depends on the forward alone, so no backward mistake can widen it). A
 * tensor whose derivative is below the noise is therefore not checked in
 * effect: its row shows analytic and noise of the same size. Directional
 * checks keep float32 noise and ReLU or max kinks from drowning the signal,
 * while a wrong gradient of any one tensor (a missing term, a transposed
 * product, a wrong scale) fails its row. */
typedef struct {
  double eps;                  /* 0 = 1e-3 */
  double tol;                  /* 0 = 1e-2 */
  int directions;              /* 0 = 4 */
  uint64_t seed;
} NnGradcheckOptions;

typedef struct {
  char name[64];               /* the tensor's name, or "input" */
  double analytic, numeric;    /* of the worst direction */
  double noise;                /* its estimated float32 noise */
  double rel_err;              /* |analytic - numeric| / max(|analytic|, |numeric|) */
  gboolean ok;                 /* every direction passed */
} NnGradcheckRow;

typedef struct {
  GArray *rows;                /* of NnGradcheckRow, in layout order, "input" last */
  double max_rel_err;
  gboolean ok;                 /* every row passed */
} NnGradcheckReport;

NnGradcheckReport *nn_gradcheck_report_new (void);
void nn_gradcheck_report_free (NnGradcheckReport *rep);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnGradcheckReport, nn_gradcheck_report_free)

/* Check net at parameters P and state S on x [T,B,C] (time-major) with
 * lengths len [B] (NULL = all T); opt NULL = the defaults. Fills rep and
 * returns rep->ok. */
gboolean nn_check_gradients (const NnNet *net, const float *P, const float *S, size_t T,
                             size_t B, size_t C, const float *x, const guint32 *len,
                             const NnGradcheckOptions *opt, NnGradcheckReport *rep);

G_END_DECLS
