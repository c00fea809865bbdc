/* nn_train.h — the training loop of the sequence classifiers (float32).
 *
 * Mini-batch training with seeded shuffling and dropout, Adam/AdamW,
 * gradient clipping by global norm, a learning-rate schedule, and early
 * stopping on the validation split's ROC-AUC that restores the best weights.
 * Per epoch it reports train_loss, valid_loss, valid_auc and lr as training
 * curves and the progress to the TdContext, and honours cancellation.
 *
 * Determinism and threads. A batch is computed in fixed shards of at most
 * NN_SHARD sequences, each with its own gradient buffer; the shard gradients
 * are summed in shard order. Shards depend only on the batch, so threads
 * (td_context_threads, which comes from --threads-per-trial and never from
 * -j) only decide who computes which shard: the same seed gives the same
 * bytes for any thread count and any -j. OpenBLAS itself is kept at one
 * thread (openblas_set_num_threads(1), a process-wide setting) so that its
 * threads never compete with the shard workers.
 */
#pragma once

#include <tundish/tundish.h>

#include "nn.h"

G_BEGIN_DECLS

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
  int patience;                /* early stopping on valid ROC-AUC; 0 = off */
  uint64_t seed;               /* shuffling and dropout */
  /* When one fit trains several times (restarts): a prefix for the curve
   * names ("restart2/" gives "restart2/train_loss"; NULL = none) and the
   * share [progress_from, progress_to] of the fit's progress this run covers
   * (both 0 = all of it). */
  const char *curve_prefix;
  double progress_from, progress_to;
} NnTrainConfig;

/* Sequences as TdDataset holds them, standardised while a batch is gathered. */
typedef struct {
  size_t n, T, C;
  const float *x;              /* [n,T,C] batch-first */
  const guint32 *len;          /* [n] or NULL = all T */
  const double *y;             /* [n] targets in [0, 1] */
  const float *mean, *scale;   /* [C] (x - mean) / scale; NULL = as is */
} NnSeqData;

typedef struct {
  int epochs_run;
  int best_epoch;              /* 0-based; -1 without validation data */
  double best_valid_auc, final_train_loss;
} NnTrainResult;

/* Train P [m->layout.total] and state S [m->state.total] (both initialised by
 * the caller) in place. */
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

/* Logits of every sequence, out [n], in eval mode (no dropout). Sequences
 * are scored in consecutive shards of NN_SHARD, spread over threads.
 * prepared: nn_seq_prepare_f32's transposes of P, or NULL (made per shard).
 * cache: NULL, or the model's workspace. */
void nn_predict_logits (const NnSeqModel *m, const float *P, const float *S,
                        const float *prepared, const NnSeqData *data, int threads,
                        NnScoreCache *cache, double *out);

/* d logit / d x (standardised input) × x for sequence s: out [T,C] (zero at
 * padded steps). Input-gradient saliency. prepared, cache as above. */
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

G_END_DECLS
