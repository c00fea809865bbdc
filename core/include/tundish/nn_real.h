/* tundish/nn_real.h — the per-precision half of tundish/nn.h. Included
 * twice by nn.h, with NN_REAL = float, NN_SFX = f32 and NN_REAL = double,
 * NN_SFX = f64; do not include it directly. NN(x) names a function
 * nn_x_<sfx>, NNT(X) a type NnX_<sfx>. No include guard on purpose. */
#undef NN_PASTE_
#undef NN_PASTE
#undef NN
#undef NNT
#define NN_PASTE_(a, b, c) a##b##_##c
#define NN_PASTE(a, b, c) NN_PASTE_ (a, b, c)
#define NN(x) NN_PASTE (nn_, x, NN_SFX)
#define NNT(x) NN_PASTE (Nn, x, NN_SFX)

/* ---------------------------------------------------------------- workspace */

/* Everything one forward pass keeps for its backward pass, plus backward
 * scratch, sized for at most max_T steps × max_B sequences. One per worker. */
typedef struct {
  size_t max_T, max_B;
  /* The last forward call: T_in steps given, T_conv run by the conv front-end
   * (the longest sequence), T run by the LSTM (T_conv after pooling). */
  size_t T, T_in, T_conv, B;
  gboolean train;
  const NN_REAL *x_in;                  /* [T_in,B,C], the caller's */
  const guint32 *len_in;                /* [B] or NULL, the caller's */
  const NN_REAL *x;                     /* [T,B,·] the LSTM's input: x_in, or pool_out */
  const guint32 *len;                   /* [B] or NULL: len_in, or len_pool */
  /* conv front-end (cnn_lstm), block k: */
  NN_REAL *conv_col[NN_MAX_CONV];       /* [T,B,in·K] im2col of the block's input */
  NN_REAL *conv_z[NN_MAX_CONV];         /* [T,B,C'] convolution output, before ReLU */
  NN_REAL *conv_xhat[NN_MAX_CONV];      /* [T,B,C'] normalised ReLU output */
  NN_REAL *conv_y[NN_MAX_CONV];         /* [T,B,C'] block output, 0 at padded steps */
  NN_REAL *bn_mean[NN_MAX_CONV], *bn_var[NN_MAX_CONV], *bn_inv[NN_MAX_CONV];  /* [C'] */
  double bn_count[NN_MAX_CONV];         /* valid steps in the batch statistics */
  NN_REAL *pool_out;                    /* [T,B,C'] after max pooling: the LSTM's input */
  int32_t *pool_arg;                    /* [T,B,C'] step of each max (-1: padding) */
  guint32 *len_pool;                    /* [B] lengths after pooling */
  NN_REAL *out[NN_MAX_LAYERS];          /* [T,B,D] layer outputs, both directions side by side */
  NN_REAL *in_drop[NN_MAX_LAYERS];      /* [T,B,D] input of layer l >= 1 after dropout */
  NN_REAL *mask[NN_MAX_LAYERS];         /* [T,B,D] dropout factor (0 or 1/(1-p)) for layer l >= 1 */
  NN_REAL *gates[NN_MAX_LAYERS][2];     /* [T,B,4H] activated i, f, g, o */
  NN_REAL *c[NN_MAX_LAYERS][2];         /* [T,B,H] cell states */
  NN_REAL *tc[NN_MAX_LAYERS][2];        /* [T,B,H] tanh(c) */
  NN_REAL *wT[NN_MAX_LAYERS][2];        /* [(in+H),4H] W_ih^T, W_hh^T of the last forward */
  const NN_REAL *prepared;              /* NULL, or nn_seq_prepare's transposes to use instead */
  /* self-attention (attention_lstm): */
  NN_REAL *mha_qkv;                     /* [T,B,3E] q, k, v of every step */
  NN_REAL *mha_attn;                    /* [B,heads,T,T] softmax weights, row = query step; only
                                           the [len_b, len_b] corner of each block is written */
  NN_REAL *mha_mask;                    /* [B,heads,T,T] dropout factor (attention dropout > 0) */
  NN_REAL *mha_ctx;                     /* [T,B,E] the heads' outputs side by side */
  NN_REAL *mha_out;                     /* [T,B,E] after out_proj; 0 at padded steps */
  NN_REAL *pooled;                      /* [B,D] */
  int32_t *argmax;                      /* [B,D] step of the max (max pooling) */
  NN_REAL *att_u;                       /* [T,B,A] tanh(W h + a) */
  NN_REAL *att_alpha;                   /* [T,B] attention weights (0 at padded steps) */
  NN_REAL *head_h;                      /* [B,Hh] after ReLU and dropout */
  NN_REAL *head_mask;                   /* [B,Hh] dropout factor */
  NN_REAL *logits;                      /* [B,n_outputs] */
  /* Backward scratch: */
  NN_REAL *d_out;                       /* [T,B,D] ∂/∂ output of the current layer */
  NN_REAL *d_in;                        /* [T,B,max(C,D)] ∂/∂ input of the current layer */
  NN_REAL *dG;                          /* [T,B,4H] ∂/∂ gate pre-activations */
  NN_REAL *dh, *dc, *dh_tmp;            /* [B,H] carried state gradients */
  NN_REAL *d_pooled;                    /* [B,D] */
  NN_REAL *d_mha;                       /* [T,B,E] ∂/∂ mha_out */
  NN_REAL *d_ctx;                       /* [T,B,E] ∂/∂ mha_ctx */
  NN_REAL *d_qkv;                       /* [T,B,3E] */
  NN_REAL *mha_tmp, *d_score;           /* [T,T] one (sequence, head)'s scratch */
  NN_REAL *d_head;                      /* [B,max(Hh,A)] */
  NN_REAL *d_att;                       /* [T,B,A] */
  NN_REAL *d_pool;                      /* [T,B,C'] ∂/∂ the LSTM's input (conv front-end) */
  NN_REAL *d_conv, *d_conv2;            /* [T_conv,B,max(C,C')] */
  NN_REAL *d_col;                       /* [T_conv,B,in·K] */
} NNT (SeqTape);

NNT (SeqTape) *NN (seq_tape_new) (const NnSeqModel *m, size_t max_T, size_t max_B);
void NN (seq_tape_free) (NNT (SeqTape) *tp);

/* --------------------------------------------------------------- whole model */

/* PyTorch's default initialisation: LSTM tensors U(±1/√H); Linear,
 * attention and Conv1d tensors U(±1/√fan_in); BatchNorm γ = 1, β = 0.
 * Deterministic in seed. */
void NN (seq_init_params) (const NnSeqModel *m, NN_REAL *P, uint64_t seed);
/* The state buffer [m->state.total]: running means 0, running variances 1. */
void NN (seq_init_state) (const NnSeqModel *m, NN_REAL *S);

/* Forward pass of B sequences of T steps: x [T,B,C], len [B] (NULL = all T).
 * Logits end in tp->logits [B,n_outputs]. In training mode dropout masks are drawn
 * from seed (same seed → same masks) and BatchNorm uses the batch's
 * statistics; in eval mode dropout is off and BatchNorm reads the running
 * statistics from S (the state buffer; NULL without a conv front-end). */
void NN (seq_forward) (const NnSeqModel *m, const NN_REAL *P, const NN_REAL *S,
                       NNT (SeqTape) *tp, size_t T, size_t B, const NN_REAL *x,
                       const guint32 *len, gboolean train, uint64_t seed);
/* The weight transposes every forward makes (W_ih^T, W_hh^T per layer and
 * direction), made once: for scoring many calls with fixed parameters.
 * prepared [nn_seq_prepared_size(m)]; set tp->prepared to it to use them (and
 * back to NULL once P changes). */
size_t NN (seq_prepared_size) (const NnSeqModel *m);
void NN (seq_prepare) (const NnSeqModel *m, const NN_REAL *P, NN_REAL *prepared);

/* After a training-mode forward: the BatchNorm running statistics in S
 * follow that batch's (a no-op without a conv front-end). */
void NN (seq_update_state) (const NnSeqModel *m, NN_REAL *S, const NNT (SeqTape) *tp);
/* Backward pass of the last forward: dlogits [B,n_outputs] in, gradients ACCUMULATED
 * into G (same layout as P), and into dx [T,B,C] (overwritten) when not NULL. */
void NN (seq_backward) (const NnSeqModel *m, const NN_REAL *P, NN_REAL *G, NNT (SeqTape) *tp,
                        const NN_REAL *dlogits, NN_REAL *dx);

/* ------------------------------------------------------------------- layers */

/* y [N,out] = x [N,in] W^T + b. */
void NN (linear_forward) (const NnLinear *L, const NN_REAL *P, size_t N, const NN_REAL *x,
                          NN_REAL *y);
/* dW += dy^T x, db += Σ dy, dx [N,in] = dy W (overwritten; skipped when NULL). */
void NN (linear_backward) (const NnLinear *L, const NN_REAL *P, NN_REAL *G, size_t N,
                           const NN_REAL *x, const NN_REAL *dy, NN_REAL *dx);

/* One LSTM direction over T steps. x [T,B,in] (row stride ldx); h written into
 * [T,B,·] with row stride ldh (a bidirectional layer's halves share rows);
 * gates [T,B,4H] activated; c, tc [T,B,H]. reverse runs t = T-1 … 0.
 * wT [(in+H),4H] receives W_ih^T then W_hh^T (or holds them already when
 * wT_ready): with the transposes the per-step product is a NoTrans GEMM,
 * which OpenBLAS runs without repacking W_hh every step (2x faster at
 * B = 16); lstm_backward reuses them. */
void NN (lstm_forward) (const NnLstmDir *L, const NN_REAL *P, size_t T, size_t B,
                        const NN_REAL *x, size_t ldx, const guint32 *len, gboolean reverse,
                        NN_REAL *h, size_t ldh, NN_REAL *gates, NN_REAL *c, NN_REAL *tc,
                        NN_REAL *wT, gboolean wT_ready);
/* Backward of lstm_forward. dh_out [T,B,·] (row stride ldd) is ∂/∂h; wT as
 * lstm_forward left it; scratch dG [T,B,4H], dh, dc, dh_tmp [B,H]. Parameter
 * gradients accumulate into G; dx [T,B,in] (row stride ldx) is ACCUMULATED
 * when not NULL. */
void NN (lstm_backward) (const NnLstmDir *L, const NN_REAL *P, NN_REAL *G, size_t T, size_t B,
                         const NN_REAL *x, size_t ldx, const guint32 *len, gboolean reverse,
                         const NN_REAL *h, size_t ldh, const NN_REAL *gates, const NN_REAL *c,
                         const NN_REAL *tc, const NN_REAL *wT, const NN_REAL *dh_out,
                         size_t ldd, NN_REAL *dG, NN_REAL *dh, NN_REAL *dc, NN_REAL *dh_tmp,
                         NN_REAL *dx);

/* Pooling of h [T,B,D] over valid steps into pooled [B,D]; see NnPool. For
 * NN_POOL_LAST with two directions (dirs == 2), the first D/2 columns come
 * from the last valid step and the rest from step 0. The caches are needed
 * only by the pooling that uses them (NULL otherwise): argmax [B,D] for max;
 * att, P, u [T,B,A] and alpha [T,B] for attention. */
void NN (pool_forward) (NnPool pool, const NnAttnPool *att, const NN_REAL *P, size_t dirs,
                        size_t T, size_t B, size_t D, const NN_REAL *h, const guint32 *len,
                        NN_REAL *pooled, int32_t *argmax, NN_REAL *u, NN_REAL *alpha);
/* Backward of pool_forward from dpooled [B,D]: dh [T,B,D] is ACCUMULATED;
 * attention parameter gradients go into G, with du [T,B,A] as scratch
 * (attention only; NULL otherwise). */
void NN (pool_backward) (NnPool pool, const NnAttnPool *att, const NN_REAL *P, NN_REAL *G,
                         size_t dirs, size_t T, size_t B, size_t D, const NN_REAL *h,
                         const guint32 *len, const int32_t *argmax, const NN_REAL *u,
                         const NN_REAL *alpha, const NN_REAL *dpooled, NN_REAL *du,
                         NN_REAL *dh);

/* Multi-head self-attention (see NnMha in nn.h) over x [T,B,E] with lengths
 * len [B] (NULL = all T): qkv [T,B,3E], attn and mask [B,heads,T,T] (mask
 * only with dropout in training; drawn from seed), ctx [T,B,E], y [T,B,E]
 * (0 at padded steps). tmp [T,T] is scratch. */
void NN (mha_forward) (const NnMha *M, const NN_REAL *P, size_t T, size_t B, const NN_REAL *x,
                       const guint32 *len, gboolean train, uint64_t seed, NN_REAL *qkv,
                       NN_REAL *attn, NN_REAL *mask, NN_REAL *ctx, NN_REAL *y, NN_REAL *tmp);
/* Backward of mha_forward (train says whether mask was used): dy [T,B,E]
 * in (read only at valid steps); parameter gradients accumulate into G and
 * ∂/∂x into dx [T,B,E] (ACCUMULATED). Scratch: dctx [T,B,E], dqkv [T,B,3E],
 * tmp, dscore [T,T]. */
void NN (mha_backward) (const NnMha *M, const NN_REAL *P, NN_REAL *G, size_t T, size_t B,
                        const NN_REAL *x, const guint32 *len, gboolean train,
                        const NN_REAL *qkv, const NN_REAL *attn, const NN_REAL *mask,
                        const NN_REAL *ctx, const NN_REAL *dy, NN_REAL *dctx, NN_REAL *dqkv,
                        NN_REAL *tmp, NN_REAL *dscore, NN_REAL *dx);
/* Head-averaged attention of sequence b after a forward: out [T_out,T_out]
 * (row = query step), zero outside the sequence's [len_b, len_b] corner.
 * T is the forward's steps (tp->T), T_out >= T the caller's. */
void NN (mha_head_average) (const NnMha *M, size_t T, const guint32 *len, size_t b,
                            const NN_REAL *attn, size_t T_out, float *out);

/* Conv1d over time (NnConv, 'same' zero padding), x [T,B,in] → z [T,B,out].
 * col [T,B,in·K] receives the im2col rows (row (t,b) holds x[t+k-K/2, b, i]
 * at column i·K + k), zero outside 0 <= t+k-K/2 < len[b]: steps at or after
 * a sequence's length read as zero, like the padding before step 0, so z at
 * valid steps never depends on what follows a sequence. z at padded steps
 * holds the bias only. */
void NN (conv_forward) (const NnConv *L, const NN_REAL *P, size_t T, size_t B,
                        const NN_REAL *x, const guint32 *len, NN_REAL *col, NN_REAL *z);
/* Backward of conv_forward, from dz [T,B,out] (read at every step: zero it
 * at padded steps, as relu_backward does): dW += dz^T col, db += Σ dz; dx
 * [T,B,in] (when not NULL) is ACCUMULATED over valid source steps. dcol
 * [T,B,in·K] is scratch. */
void NN (conv_backward) (const NnConv *L, const NN_REAL *P, NN_REAL *G, size_t T, size_t B,
                         const guint32 *len, const NN_REAL *col, const NN_REAL *dz,
                         NN_REAL *dcol, NN_REAL *dx);

/* y = max(z, 0) over z [T,B,C], and y = 0 at padded steps (t >= len[b]), so
 * a following convolution reads them as padding. z and y may be the same
 * array. */
void NN (relu_forward) (size_t T, size_t B, size_t C, const guint32 *len, const NN_REAL *z,
                        NN_REAL *y);
/* dz [T,B,C] = dy where z > 0 at a valid step, else 0 (overwritten; dz and
 * dy may be the same array). */
void NN (relu_backward) (size_t T, size_t B, size_t C, const guint32 *len, const NN_REAL *z,
                         const NN_REAL *dy, NN_REAL *dz);

/* ReLU then BatchNorm1d (NnBatchNorm) over z [T,B,C]: y = γ (r - μ) inv + β
 * with r = ReLU(z), inv = 1/sqrt(σ² + eps). Training: μ and σ² (biased)
 * over the valid steps of the batch, returned in mean, var [C] and count
 * (valid steps) for bn_update_running; eval: the running statistics of S.
 * xhat [T,B,C] and inv [C] are kept for the backward pass; y is 0 at padded
 * steps. */
void NN (relu_bn_forward) (const NnBatchNorm *N, const NN_REAL *P, const NN_REAL *S,
                           gboolean train, size_t T, size_t B, const guint32 *len,
                           const NN_REAL *z, NN_REAL *xhat, NN_REAL *y, NN_REAL *mean,
                           NN_REAL *var, NN_REAL *inv, double *count);
/* Backward of relu_bn_forward: dz [T,B,C] (overwritten, 0 at padded steps)
 * from dy [T,B,C]; dγ, dβ into G. Training differentiates through the batch
 * statistics; eval through the affine map only. */
void NN (relu_bn_backward) (const NnBatchNorm *N, const NN_REAL *P, NN_REAL *G, gboolean train,
                            size_t T, size_t B, const guint32 *len, const NN_REAL *z,
                            const NN_REAL *xhat, const NN_REAL *inv, double count,
                            const NN_REAL *dy, NN_REAL *dz);
/* The running statistics in S follow one training batch's (momentum
 * NN_BN_MOMENTUM, σ² unbiased with count), as torch. */
void NN (bn_update_running) (const NnBatchNorm *N, NN_REAL *S, const NN_REAL *mean,
                             const NN_REAL *var, double count);
/* MaxPool1d over time, x [T,B,C] → out [T',B,C], T' = ceil(T / pool): the max
 * over the valid steps of each window of pool steps (the last, partial
 * window of a sequence is kept); arg [T',B,C] keeps the step of each max (-1
 * past the sequence), len_out [B] = ceil(len / pool). */
void NN (maxpool_forward) (size_t pool, size_t T, size_t B, size_t C, const NN_REAL *x,
                           const guint32 *len, NN_REAL *out, int32_t *arg, guint32 *len_out);
/* dx [T,B,C] (overwritten) from dout [T',B,C]: each window's max takes it all. */
void NN (maxpool_backward) (size_t pool, size_t T, size_t B, size_t C, const NN_REAL *dout,
                            const int32_t *arg, NN_REAL *dx);

/* Inverted dropout: mask[i] = 0 with probability p, else 1/(1-p), drawn from
 * seed; y = x ⊙ mask. p == 0 gives mask 1. */
void NN (dropout_mask) (size_t n, double p, uint64_t seed, NN_REAL *mask);

/* --------------------------------------------------------------------- loss */

/* Σ_i l(z_i, y_i) over n sequences: outputs z [n,K] (K = nn_loss_outputs)
 * with targets y [n] (in [0, 1], a class index or a value, by cfg->kind);
 * writes dz [n,K] = scale · ∂l_i/∂z_i (the caller's scale is 1/N for a mean). */
double NN (loss) (const NnLossConfig *cfg, size_t n, const NN_REAL *z, const NN_REAL *y,
                  NN_REAL *dz, double scale);

/* --------------------------------------------------------------- optimisers */

typedef struct {
  NnOptConfig cfg;
  size_t n;
  NN_REAL *m, *v;        /* [n] first and second moments */
  long step;
} NNT (Adam);

void NN (adam_init) (NNT (Adam) *opt, const NnOptConfig *cfg, size_t n);
void NN (adam_clear) (NNT (Adam) *opt);
/* One step on P [n] with gradient G [n] at learning rate lr (torch.optim.Adam
 * / AdamW semantics, bias-corrected). G is not modified. */
void NN (adam_step) (NNT (Adam) *opt, NN_REAL *P, const NN_REAL *G, double lr);

/* Euclidean norm of G [n], summed in double. */
double NN (grad_norm) (const NN_REAL *G, size_t n);
/* torch.nn.utils.clip_grad_norm_: when the norm exceeds max_norm, scale G by
 * max_norm / (norm + 1e-6). Returns the norm before clipping. */
double NN (clip_grad_norm) (NN_REAL *G, size_t n, double max_norm);
