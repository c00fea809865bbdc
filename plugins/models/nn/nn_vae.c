/* nn_vae.c — the convolutional VAE as an NnNet (tundish/nn_recon.h):
 * Conv1d → ReLU → MaxPool1d → (μ, log σ²) per latent step →
 * reparameterisation → nearest upsampling → Conv1d → ReLU → Conv1d, on
 * channel-major tensors and the kernels of nn_cm.c. */
#include <math.h>
#include <string.h>

#include <tundish/nn.h>
#include <tundish/nn_recon.h>
#include "nn_cm.h"
#include "nn_math.h"
#include "nn_recon_private.h"

static void
conv (NnLayout *lay, NnConv *cv, const char *prefix, size_t in, size_t out, size_t K)
{
  char name[64];
  *cv = (NnConv) { .in = in, .out = out, .K = K };
  g_snprintf (name, sizeof name, "%s.weight", prefix);
  cv->w = nn_layout_add (lay, name, 3, (size_t[]) { out, in, K });
  g_snprintf (name, sizeof name, "%s.bias", prefix);
  cv->b = nn_layout_add (lay, name, 1, (size_t[]) { out });
}

static void
linear (NnLayout *lay, NnLinear *l, const char *prefix, size_t in, size_t out)
{
  char name[64];
  *l = (NnLinear) { .in = in, .out = out };
  g_snprintf (name, sizeof name, "%s.weight", prefix);
  l->w = nn_layout_add (lay, name, 2, (size_t[]) { out, in });
  g_snprintf (name, sizeof name, "%s.bias", prefix);
  l->b = nn_layout_add (lay, name, 1, (size_t[]) { out });
}

gboolean
nn_vae_init (NnVae *v, const NnVaeConfig *cfg, GError **error)
{
  memset (v, 0, sizeof *v);
  if (cfg->C == 0 || cfg->F == 0 || cfg->Z == 0 || cfg->pool == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_CONFIG, "the VAE needs at least one channel, filter, "
                   "latent unit and a pool of at least 1 (C %zu, F %zu, Z %zu, pool %zu)",
                   cfg->C, cfg->F, cfg->Z, cfg->pool);
      return FALSE;
    }
  if (cfg->K % 2 == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_CONFIG, "the VAE's kernel size must be odd ('same' "
                   "padding): kernel_size %zu", cfg->K);
      return FALSE;
    }
  v->cfg = *cfg;
  if (v->cfg.elbo_samples == 0)
    v->cfg.elbo_samples = 1;
  v->beta_train = cfg->beta;
  nn_layout_init (&v->layout);
  conv (&v->layout, &v->enc, "enc.0", cfg->C, cfg->F, cfg->K);
  linear (&v->layout, &v->mu, "mu", cfg->F, cfg->Z);
  linear (&v->layout, &v->logvar, "logvar", cfg->F, cfg->Z);
  conv (&v->layout, &v->dec1, "dec.0", cfg->Z, cfg->F, cfg->K);
  conv (&v->layout, &v->dec2, "dec.2", cfg->F, cfg->C, cfg->K);
  return TRUE;
}

void
nn_vae_clear (NnVae *v)
{
  nn_layout_clear (&v->layout);
}

void
nn_vae_init_params (const NnVae *v, float *P, uint64_t seed)
{
  recon_init_params (&v->layout, P, seed, 1);
}

void
nn_vae_warmup (gpointer data, int epoch)
{
  NnVaeWarmup *w = data;
  const double f = w->warmup_epochs > 0 ? MIN (1.0, (epoch + 1.0) / w->warmup_epochs) : 1.0;
  w->vae->beta_train = w->vae->cfg.beta * f;
}

/* ------------------------------------------------------------------ tape */

/* Inside, every tensor is channel-major (nn_cm.h): channel c of a [n][ld]
 * buffer is ld floats, rows r = t·B + b, with `g` rows before row 0 and
 * after the last that convolutions read as zero padding. The tape's
 * interface (head.recon, nn_vae_forward_eps's μ and log σ²) stays
 * time-major [T,B,·]. */
typedef struct {
  NnReconTapeHead head;       /* first: nn_recon_errors reads it */
  size_t Tp;                  /* latent steps of the last forward */
  double beta;                /* the KL weight of the last forward */
  size_t g, ld, ldp;          /* margin rows; row strides at T·B (+ 2g) and T'·B */
  float *x, *h1;              /* [C][ld], [F][ld] */
  float *pooled;              /* [F][ldp] */
  int32_t *arg;               /* [F][ldp] */
  guint32 *len_p;             /* [B] latent lengths */
  float *ml;                  /* [2Z][ldp]: μ, then log σ² */
  float *sd, *eps, *zs;       /* [Z][ldp] */
  float *zu, *h2, *rec;       /* [Z][ld], [F][ld], [C][ld] */
  float *wml, *bml;           /* [2Z][F], [2Z]: μ's and log σ²'s Linear stacked */
  float *up;                  /* [K·F][ldp]: dec.0 by latent step (nn_cm_upconv), then
                               * its backward's D */
  float *wup, *wdn;           /* dec.0.weight as [K·F][Z] and [Z][K·F] */
  float *mu_tm, *lv_tm;       /* [T',B,Z] for nn_vae_forward_eps */
  float *recon_buf;           /* [T,B,C] */
  float *loss, *wk;           /* [B]; the KL's weight per sequence in backward */
  double *sse, *kl, *acc;     /* [B] */
  /* backward scratch */
  float *d_rec_tm;            /* [T,B,C] */
  float *d_rec, *d_h2, *d_zu, *d_h1, *d_x;   /* [C|F|Z|F|C][ld] */
  float *d_z, *d_ml, *d_pooled;              /* [Z|2Z|F][ldp] */
  float *wt, *dwml;           /* flipped weights (or dec.0's [K·F][Z]); [2Z][F] + [2Z] */
} VaeTape;

/* n channels of ld floats, zeroed; the pointer is to row 0 of channel 0. */
static float *
cm_new (const VaeTape *tp, size_t n)
{
  return g_new0 (float, n * tp->ld) + tp->g;
}

static void
cm_free (const VaeTape *tp, float *d)
{
  if (d)
    g_free (d - tp->g);
}

static void *
vae_tape_new (const void *self, size_t T, size_t B)
{
  const NnVae *v = self;
  const size_t C = v->cfg.C, F = v->cfg.F, Z = v->cfg.Z, K = v->cfg.K;
  const size_t TB = T * B, Tp = (T + v->cfg.pool - 1) / v->cfg.pool;
  VaeTape *tp = g_new0 (VaeTape, 1);
  tp->g = (K / 2) * B;
  tp->ld = TB + 2 * tp->g;
  tp->ldp = Tp * B;
  const size_t P = tp->ldp;
  tp->x = cm_new (tp, C);
  tp->h1 = cm_new (tp, F);
  tp->pooled = g_new0 (float, F * P);
  tp->arg = g_new0 (int32_t, F * P);
  tp->len_p = g_new0 (guint32, B);
  tp->ml = g_new0 (float, 2 * Z * P);
  tp->sd = g_new0 (float, Z * P);
  tp->eps = g_new0 (float, Z * P);
  tp->zs = g_new0 (float, Z * P);
  tp->zu = cm_new (tp, Z);
  tp->h2 = cm_new (tp, F);
  tp->rec = cm_new (tp, C);
  tp->wml = g_new0 (float, 2 * Z * F);
  tp->bml = g_new0 (float, 2 * Z);
  tp->up = g_new0 (float, K * F * P);
  tp->wup = g_new0 (float, K * F * Z);
  tp->wdn = g_new0 (float, K * F * Z);
  tp->mu_tm = g_new0 (float, Z * P);
  tp->lv_tm = g_new0 (float, Z * P);
  tp->recon_buf = g_new0 (float, TB * C);
  tp->loss = g_new0 (float, B);
  tp->wk = g_new0 (float, B);
  tp->sse = g_new0 (double, B);
  tp->kl = g_new0 (double, B);
  tp->acc = g_new0 (double, B);
  tp->d_rec_tm = g_new0 (float, TB * C);
  tp->d_rec = cm_new (tp, C);
  tp->d_h2 = cm_new (tp, F);
  tp->d_zu = cm_new (tp, Z);
  tp->d_h1 = cm_new (tp, F);
  tp->d_x = cm_new (tp, C);
  tp->d_z = g_new0 (float, Z * P);
  tp->d_ml = g_new0 (float, 2 * Z * P);
  tp->d_pooled = g_new0 (float, F * P);
  tp->wt = g_new0 (float, MAX (F * MAX (C, Z) * K, 2 * Z * F));
  tp->dwml = g_new0 (float, 2 * Z * F + 2 * Z);
  tp->head.recon = tp->recon_buf;
  return tp;
}

static void
vae_tape_free (void *tape)
{
  VaeTape *tp = tape;
  if (!tp)
    return;
  float *cms[] = { tp->x, tp->h1, tp->zu, tp->h2, tp->rec, tp->d_rec, tp->d_h2, tp->d_zu,
                   tp->d_h1, tp->d_x };
  for (size_t k = 0; k < G_N_ELEMENTS (cms); k++)
    cm_free (tp, cms[k]);
  void *bufs[] = { tp->pooled, tp->arg, tp->len_p, tp->ml, tp->sd, tp->eps, tp->zs, tp->wml,
                   tp->bml, tp->up, tp->wup, tp->wdn, tp->mu_tm, tp->lv_tm, tp->recon_buf,
                   tp->loss, tp->wk, tp->sse, tp->kl, tp->acc, tp->d_rec_tm, tp->d_z, tp->d_ml,
                   tp->d_pooled, tp->wt, tp->dwml };
  for (size_t k = 0; k < G_N_ELEMENTS (bufs); k++)
    g_free (bufs[k]);
  g_free (tp);
}

/* ------------------------------------------------------ layout helpers */

static gboolean
ragged (const guint32 *len, size_t T, size_t B)
{
  for (size_t b = 0; len && b < B; b++)
    if (len[b] < T)
      return TRUE;
  return FALSE;
}

/* dec.0 by latent step (nn_cm_upconv) needs every step of a latent step's
 * window valid: full lengths. */
static gboolean
by_latent_step (const NnVae *v, const guint32 *len, size_t T, size_t B)
{
  return v->cfg.K <= NN_CM_MAX_K && !ragged (len, T, B);
}

/* Rows t ≥ len[b] of n channels set to 0. */
static void
mask_rows (float *d, size_t n, size_t ld, size_t T, size_t B, const guint32 *len)
{
  if (!ragged (len, T, B))
    return;
  for (size_t c = 0; c < n; c++)
    for (size_t b = 0; b < B; b++)
      for (size_t t = len[b]; t < T; t++)
        d[c * ld + t * B + b] = 0;
}

/* The rows a convolution reads after row M − 1 (its padding) set to 0: a
 * wider batch may have left values there. */
static void
zero_tail (const VaeTape *tp, float *d, size_t n, size_t M, size_t pad_rows)
{
  for (size_t c = 0; c < n; c++)
    memset (d + c * tp->ld + M, 0, pad_rows * sizeof (float));
}

/* x [T,B,n] → d [n][ld], 0 at padded steps. */
static void
to_channels (const VaeTape *tp, const float *x, size_t T, size_t B, size_t n,
             const guint32 *len, float *d)
{
  for (size_t r = 0; r < T * B; r++)
    for (size_t c = 0; c < n; c++)
      d[c * tp->ld + r] = x[r * n + c];
  mask_rows (d, n, tp->ld, T, B, len);
}

/* Wt [I][O][K] from W [O][I][K], taps reversed: the convolution that takes
 * ∂/∂out to ∂/∂in (K odd). */
static void
flip_weights (const float *W, size_t O, size_t I, size_t K, float *Wt)
{
  for (size_t o = 0; o < O; o++)
    for (size_t i = 0; i < I; i++)
      for (size_t k = 0; k < K; k++)
        Wt[(i * O + o) * K + k] = W[(o * I + i) * K + (K - 1 - k)];
}

static NnCmConv
cm_conv_args (const NnConv *L, const float *P, const VaeTape *tp, size_t B, const float *in,
              float *out)
{
  return (NnCmConv) { .O = L->out, .I = L->in, .K = L->K, .S = B, .M = tp->head.T * B,
                      .W = P + L->w, .bias = P + L->b, .in = in, .ldi = tp->ld, .out = out,
                      .ldo = tp->ld };
}

/* --------------------------------------------------------------- forward */

static void
encode (const NnVae *v, const float *P, VaeTape *tp, size_t T, size_t B, const float *x,
        const guint32 *len)
{
  const size_t C = v->cfg.C, F = v->cfg.F, Z = v->cfg.Z, pool = v->cfg.pool;
  const size_t Tp = (T + pool - 1) / pool, P1 = Tp * B, ldp = tp->ldp;
  tp->Tp = Tp;
  to_channels (tp, x, T, B, C, len, tp->x);
  zero_tail (tp, tp->x, C, T * B, (v->cfg.K / 2) * B);
  NnCmConv a = cm_conv_args (&v->enc, P, tp, B, tp->x, tp->h1);
  a.relu = 1;
  nn_cm_conv (&a);
  mask_rows (tp->h1, F, tp->ld, T, B, len);
  /* the pool's input is a ReLU's, ≥ 0 and 0 at padded steps: a window's
   * max over all its steps is its max over the valid ones, and a window
   * with none gives 0, as a padded latent step must */
  nn_cm_maxpool (F, T, B, pool, tp->h1, tp->ld, tp->pooled, tp->arg, ldp);
  for (size_t b = 0; b < B; b++)
    tp->len_p[b] = (guint32) ((recon_len (len, b, T) + pool - 1) / pool);
  memcpy (tp->wml, P + v->mu.w, Z * F * sizeof (float));
  memcpy (tp->wml + Z * F, P + v->logvar.w, Z * F * sizeof (float));
  memcpy (tp->bml, P + v->mu.b, Z * sizeof (float));
  memcpy (tp->bml + Z, P + v->logvar.b, Z * sizeof (float));
  nn_cm_conv (&(NnCmConv) { .O = 2 * Z, .I = F, .K = 1, .S = B, .M = P1, .W = tp->wml,
                            .bias = tp->bml, .in = tp->pooled, .ldi = ldp, .out = tp->ml,
                            .ldo = ldp });
  const float *lv = tp->ml + Z * ldp;
  for (size_t z = 0; z < Z; z++)
    for (size_t r = 0; r < P1; r++)
      tp->sd[z * ldp + r] = nn_expf (0.5f * lv[z * ldp + r]);
}

/* z = μ + exp(½ log σ²) ε → upsampled → decoder → recon, SSE per sequence. */
static void
decode (const NnVae *v, const float *P, VaeTape *tp)
{
  const NnReconTapeHead *h = &tp->head;
  const size_t T = h->T, B = h->B, C = v->cfg.C, Z = v->cfg.Z, F = v->cfg.F;
  const size_t pool = v->cfg.pool, ldp = tp->ldp, ld = tp->ld, P1 = tp->Tp * B;
  const size_t M = T * B, pad = (v->cfg.K / 2) * B;
  for (size_t z = 0; z < Z; z++)
    for (size_t r = 0; r < P1; r++)
      {
        const size_t i = z * ldp + r;
        tp->zs[i] = tp->ml[i] + tp->sd[i] * tp->eps[i];
      }
  NnCmConv a;
  if (by_latent_step (v, h->len, T, B))
    {
      /* dec.0 by latent step: each latent step's K·F products once, not at
       * each of its pool decoder steps */
      const size_t K = v->cfg.K, KF = K * F;
      const float *W = P + v->dec1.w;
      for (size_t f = 0; f < F; f++)
        for (size_t z = 0; z < Z; z++)
          for (size_t k = 0; k < K; k++)
            tp->wup[(k * F + f) * Z + z] = W[(f * Z + z) * K + k];
      nn_cm_conv (&(NnCmConv) { .O = KF, .I = Z, .K = 1, .S = B, .M = P1, .W = tp->wup,
                                .in = tp->zs, .ldi = ldp, .out = tp->up, .ldo = ldp });
      nn_cm_upconv (F, K, T, B, pool, tp->up, ldp, P + v->dec1.b, tp->h2, ld);
    }
  else
    {
      /* a padded step inside a latent step's window must read as 0: upsample */
      for (size_t z = 0; z < Z; z++)
        for (size_t t = 0; t < T; t++)
          memcpy (tp->zu + z * ld + t * B, tp->zs + z * ldp + (t / pool) * B,
                  B * sizeof (float));
      mask_rows (tp->zu, Z, ld, T, B, h->len);
      zero_tail (tp, tp->zu, Z, M, pad);
      a = cm_conv_args (&v->dec1, P, tp, B, tp->zu, tp->h2);
      a.relu = 1;
      nn_cm_conv (&a);
      mask_rows (tp->h2, F, ld, T, B, h->len);
    }
  zero_tail (tp, tp->h2, F, M, pad);
  a = cm_conv_args (&v->dec2, P, tp, B, tp->h2, tp->rec);
  nn_cm_conv (&a);
  /* recon [T,B,C]; the bias alone at padded steps (nothing valid reaches them) */
  const float *bias = P + v->dec2.b;
  for (size_t b = 0; b < B; b++)
    {
      const size_t L = recon_len (h->len, b, T);
      for (size_t t = 0; t < T; t++)
        for (size_t c = 0; c < C; c++)
          tp->recon_buf[(t * B + b) * C + c] = t < L ? tp->rec[c * ld + t * B + b] : bias[c];
    }
  recon_sse (h, tp->sse);
}

static void
kl_terms (const NnVae *v, VaeTape *tp)
{
  const size_t B = tp->head.B, Z = v->cfg.Z, ldp = tp->ldp;
  const float *mu = tp->ml, *lv = tp->ml + Z * ldp;
  for (size_t b = 0; b < B; b++)
    tp->kl[b] = 0;
  for (size_t z = 0; z < Z; z++)
    for (size_t t = 0; t < tp->Tp; t++)
      for (size_t b = 0; b < B; b++)
        if (t < tp->len_p[b])
          {
            const size_t i = z * ldp + t * B + b;
            const double m = mu[i], s = tp->sd[i];
            tp->kl[b] += 0.5 * (m * m + s * s - 1.0 - (double) lv[i]);
          }
}

static const float *
finish_loss (const NnVae *v, VaeTape *tp)
{
  const NnReconTapeHead *h = &tp->head;
  for (size_t b = 0; b < h->B; b++)
    {
      const double n = (double) (recon_len (h->len, b, h->T) * v->cfg.C);
      tp->loss[b] = (float) ((tp->sse[b] + tp->beta * tp->kl[b]) / n);
    }
  return tp->loss;
}

const float *
nn_vae_forward_eps (const NnVae *v, const float *P, void *tape, size_t T, size_t B,
                    const float *x, const guint32 *len, const float *eps, const float **mu,
                    const float **logvar)
{
  VaeTape *tp = tape;
  const size_t Z = v->cfg.Z, ldp = tp->ldp;
  tp->head = (NnReconTapeHead) { T, B, v->cfg.C, x, tp->recon_buf, len };
  tp->beta = v->beta_train;
  encode (v, P, tp, T, B, x, len);
  for (size_t r = 0; r < tp->Tp * B; r++)
    for (size_t z = 0; z < Z; z++)
      {
        tp->eps[z * ldp + r] = eps[r * Z + z];
        tp->mu_tm[r * Z + z] = tp->ml[z * ldp + r];
        tp->lv_tm[r * Z + z] = tp->ml[(Z + z) * ldp + r];
      }
  decode (v, P, tp);
  kl_terms (v, tp);
  *mu = tp->mu_tm;
  *logvar = tp->lv_tm;
  return finish_loss (v, tp);
}

static const float *
vae_forward (const void *self, const float *P, const float *S, void *tape, size_t T, size_t B,
             const float *x, const guint32 *len, gboolean train, uint64_t seed)
{
  (void) S;
  const NnVae *v = self;
  VaeTape *tp = tape;
  const size_t Z = v->cfg.Z, C = v->cfg.C, ldp = tp->ldp;
  tp->head = (NnReconTapeHead) { T, B, C, x, tp->recon_buf, len };
  encode (v, P, tp, T, B, x, len);
  kl_terms (v, tp);
  const size_t Tp = tp->Tp;
  if (train)
    {
      uint64_t st = nn_seed_mix (seed, 0x5641, 0, 0);
      for (size_t z = 0; z < Z; z++)
        recon_normals (&st, tp->eps + z * ldp, Tp * B);
      tp->beta = v->beta_train;
      decode (v, P, tp);
      return finish_loss (v, tp);
    }
  tp->beta = v->cfg.beta;
  if (v->cfg.score == NN_VAE_SCORE_ELBO)
    {
      const size_t L = v->cfg.elbo_samples;
      memset (tp->acc, 0, B * sizeof (double));
      for (size_t l = 0; l < L; l++)
        {
          for (size_t t = 0; t < Tp; t++)
            for (size_t z = 0; z < Z; z++)
              {
                uint64_t st = nn_seed_mix (v->cfg.score_seed, l, t, z);
                const float e = (float) recon_normal (&st);
                for (size_t b = 0; b < B; b++)
                  tp->eps[z * ldp + t * B + b] = e;
              }
          decode (v, P, tp);
          for (size_t b = 0; b < B; b++)
            tp->acc[b] += tp->sse[b];
        }
      for (size_t b = 0; b < B; b++)
        {
          const double n = (double) (recon_len (len, b, T) * C);
          tp->loss[b] = (float) ((0.5 * tp->acc[b] / (double) L + tp->kl[b]
                                  + 0.5 * n * log (2 * G_PI)) / n);
        }
    }
  /* z = μ last, so the tape's reconstruction (explain) and backward are the mean's */
  for (size_t z = 0; z < Z; z++)
    memset (tp->eps + z * ldp, 0, Tp * B * sizeof (float));
  decode (v, P, tp);
  if (v->cfg.score == NN_VAE_SCORE_ELBO)
    return tp->loss;
  return finish_loss (v, tp);
}

/* -------------------------------------------------------------- backward */

/* Of the training loss (or, after an eval forward, of the recon_kl score at
 * z = μ, whatever the score). */
static void
vae_backward (const void *self, const float *P, float *G, void *tape, const float *dloss,
              float *dx)
{
  const NnVae *v = self;
  VaeTape *tp = tape;
  const NnReconTapeHead *h = &tp->head;
  const size_t T = h->T, B = h->B, C = v->cfg.C, F = v->cfg.F, Z = v->cfg.Z, K = v->cfg.K;
  const size_t pool = v->cfg.pool, Tp = tp->Tp, ld = tp->ld, ldp = tp->ldp;
  const size_t M = T * B, P1 = Tp * B, pad = (K / 2) * B;
  const guint32 *len = h->len;
  if (dx)
    memset (dx, 0, M * C * sizeof (float));
  recon_sse_backward (h, dloss, tp->d_rec_tm, dx);
  to_channels (tp, tp->d_rec_tm, T, B, C, len, tp->d_rec);
  zero_tail (tp, tp->d_rec, C, M, pad);
  /* decoder: dec.2, its ReLU (h2 > 0 exactly where it passed), dec.0 */
  nn_cm_wgrad (C, F, K, B, M, tp->d_rec, ld, tp->h2, ld, G + v->dec2.w, G + v->dec2.b);
  flip_weights (P + v->dec2.w, C, F, K, tp->wt);
  nn_cm_conv (&(NnCmConv) { .O = F, .I = C, .K = K, .S = B, .M = M, .W = tp->wt,
                            .in = tp->d_rec, .ldi = ld, .out = tp->d_h2, .ldo = ld,
                            .gate = tp->h2, .ldg = ld });
  zero_tail (tp, tp->d_h2, F, M, pad);
  if (by_latent_step (v, len, T, B))
    {
      /* by latent step, as the forward (nn_cm_upconv_backward) */
      const size_t KF = K * F;
      const float *W = P + v->dec1.w;
      nn_cm_upconv_backward (F, K, T, B, pool, tp->d_h2, ld, tp->up, ldp);
      float *dwup = tp->wt;
      memset (dwup, 0, KF * Z * sizeof (float));
      nn_cm_wgrad (KF, Z, 1, B, P1, tp->up, ldp, tp->zs, ldp, dwup, NULL);
      nn_cm_bias_grad (F, M, tp->d_h2, ld, G + v->dec1.b);
      for (size_t f = 0; f < F; f++)
        for (size_t z = 0; z < Z; z++)
          for (size_t k = 0; k < K; k++)
            {
              G[v->dec1.w + (f * Z + z) * K + k] += dwup[(k * F + f) * Z + z];
              tp->wdn[z * KF + k * F + f] = W[(f * Z + z) * K + k];
            }
      nn_cm_conv (&(NnCmConv) { .O = Z, .I = KF, .K = 1, .S = B, .M = P1, .W = tp->wdn,
                                .in = tp->up, .ldi = ldp, .out = tp->d_z, .ldo = ldp });
    }
  else
    {
      nn_cm_wgrad (F, Z, K, B, M, tp->d_h2, ld, tp->zu, ld, G + v->dec1.w, G + v->dec1.b);
      flip_weights (P + v->dec1.w, F, Z, K, tp->wt);
      nn_cm_conv (&(NnCmConv) { .O = Z, .I = F, .K = K, .S = B, .M = M, .W = tp->wt,
                                .in = tp->d_h2, .ldi = ld, .out = tp->d_zu, .ldo = ld });
      /* upsampling: a latent step collects its pool decoder steps (valid ones) */
      mask_rows (tp->d_zu, Z, ld, T, B, len);
      for (size_t z = 0; z < Z; z++)
        memset (tp->d_z + z * ldp, 0, P1 * sizeof (float));
      for (size_t z = 0; z < Z; z++)
        for (size_t t = 0; t < T; t++)
          {
            const float *src = tp->d_zu + z * ld + t * B;
            float *dst = tp->d_z + z * ldp + (t / pool) * B;
            for (size_t b = 0; b < B; b++)
              dst[b] += src[b];
          }
    }
  /* reparameterisation and KL: ∂KL/∂μ = μ, ∂KL/∂lv = ½(σ² − 1) */
  float *d_mu = tp->d_ml, *d_lv = tp->d_ml + Z * ldp;
  const float *mu = tp->ml;
  float *w = tp->wk;
  for (size_t b = 0; b < B; b++)
    w[b] = (float) (dloss[b] * tp->beta / (double) (recon_len (len, b, T) * C));
  for (size_t z = 0; z < Z; z++)
    for (size_t t = 0; t < Tp; t++)
      {
        const size_t i0 = z * ldp + t * B;
        for (size_t b = 0; b < B; b++)
          {
            const size_t i = i0 + b;
            const float sd = tp->sd[i], dz = tp->d_z[i];
            const int valid = t < tp->len_p[b];
            d_mu[i] = valid ? dz + w[b] * mu[i] : 0.0f;
            d_lv[i] = valid ? 0.5f * (dz * tp->eps[i] * sd + w[b] * (sd * sd - 1.0f)) : 0.0f;
          }
      }
  /* μ's and log σ²'s Linear layers, stacked */
  memset (tp->dwml, 0, (2 * Z * F + 2 * Z) * sizeof (float));
  nn_cm_wgrad (2 * Z, F, 1, B, P1, tp->d_ml, ldp, tp->pooled, ldp, tp->dwml,
               tp->dwml + 2 * Z * F);
  const float *dwb = tp->dwml + 2 * Z * F;
  for (size_t k = 0; k < Z * F; k++)
    {
      G[v->mu.w + k] += tp->dwml[k];
      G[v->logvar.w + k] += tp->dwml[Z * F + k];
    }
  for (size_t z = 0; z < Z; z++)
    {
      G[v->mu.b + z] += dwb[z];
      G[v->logvar.b + z] += dwb[Z + z];
    }
  flip_weights (tp->wml, 2 * Z, F, 1, tp->wt);
  nn_cm_conv (&(NnCmConv) { .O = F, .I = 2 * Z, .K = 1, .S = B, .M = P1, .W = tp->wt,
                            .in = tp->d_ml, .ldi = ldp, .out = tp->d_pooled, .ldo = ldp });
  /* encoder: the pool's winners, the ReLU (h1 > 0), enc.0 */
  nn_cm_maxpool_backward (F, T, B, pool, tp->d_pooled, tp->arg, ldp, tp->h1, tp->d_h1, ld);
  nn_cm_wgrad (F, C, K, B, M, tp->d_h1, ld, tp->x, ld, G + v->enc.w, G + v->enc.b);
  if (!dx)
    return;
  zero_tail (tp, tp->d_h1, F, M, pad);
  flip_weights (P + v->enc.w, F, C, K, tp->wt);
  nn_cm_conv (&(NnCmConv) { .O = C, .I = F, .K = K, .S = B, .M = M, .W = tp->wt,
                            .in = tp->d_h1, .ldi = ld, .out = tp->d_x, .ldo = ld });
  for (size_t b = 0; b < B; b++)
    for (size_t t = 0; t < recon_len (len, b, T); t++)
      for (size_t c = 0; c < C; c++)
        dx[(t * B + b) * C + c] += tp->d_x[c * ld + t * B + b];
}

void
nn_vae_net_init (NnNet *net, const NnVae *v)
{
  *net = (NnNet) {
    .self = v,
    .params = &v->layout,
    .tape_new = vae_tape_new,
    .tape_free = vae_tape_free,
    .forward = vae_forward,
    .backward = vae_backward,
  };
}
