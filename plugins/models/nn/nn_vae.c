/* nn_vae.c — the convolutional VAE as an NnNet (tundish/nn_recon.h):
 * Conv1d → ReLU → MaxPool1d → (μ, log σ²) per latent step →
 * reparameterisation → nearest upsampling → Conv1d → ReLU → Conv1d. */
#include <math.h>
#include <string.h>

#include <tundish/nn.h>
#include <tundish/nn_recon.h>
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

typedef struct {
  NnReconTapeHead head;       /* first: nn_recon_errors reads it */
  size_t Tp;                  /* latent steps of the last forward */
  double beta;                /* the KL weight of the last forward */
  float *col1, *z1, *h1;      /* [T,B,C·K], [T,B,F], [T,B,F] */
  float *pooled;              /* [T',B,F] */
  int32_t *arg;               /* [T',B,F] */
  guint32 *len_p;             /* [B] latent lengths */
  float *mu, *lv, *eps, *zs;  /* [T',B,Z] */
  float *zu;                  /* [T,B,Z] upsampled */
  float *col2, *z2, *h2;      /* [T,B,Z·K], [T,B,F], [T,B,F] */
  float *col3;                /* [T,B,F·K] */
  float *recon_buf;           /* [T,B,C] */
  float *loss;                /* [B] */
  double *sse, *kl, *acc;     /* [B] */
  /* backward scratch */
  float *d_rec, *d_h, *d_zu, *d_z, *d_mu, *d_lv, *d_pooled, *d_lin, *d_h1;
  float *dcol;                /* [T,B,max(C,Z,F)·K] */
} VaeTape;

static void *
vae_tape_new (const void *self, size_t T, size_t B)
{
  const NnVae *v = self;
  const size_t C = v->cfg.C, F = v->cfg.F, Z = v->cfg.Z, K = v->cfg.K;
  const size_t TB = T * B, TpB = ((T + v->cfg.pool - 1) / v->cfg.pool) * B;
  VaeTape *tp = g_new0 (VaeTape, 1);
  tp->col1 = g_new0 (float, TB * C * K);
  tp->z1 = g_new0 (float, TB * F);
  tp->h1 = g_new0 (float, TB * F);
  tp->pooled = g_new0 (float, TpB * F);
  tp->arg = g_new0 (int32_t, TpB * F);
  tp->len_p = g_new0 (guint32, B);
  tp->mu = g_new0 (float, TpB * Z);
  tp->lv = g_new0 (float, TpB * Z);
  tp->eps = g_new0 (float, TpB * Z);
  tp->zs = g_new0 (float, TpB * Z);
  tp->zu = g_new0 (float, TB * Z);
  tp->col2 = g_new0 (float, TB * Z * K);
  tp->z2 = g_new0 (float, TB * F);
  tp->h2 = g_new0 (float, TB * F);
  tp->col3 = g_new0 (float, TB * F * K);
  tp->recon_buf = g_new0 (float, TB * C);
  tp->loss = g_new0 (float, B);
  tp->sse = g_new0 (double, B);
  tp->kl = g_new0 (double, B);
  tp->acc = g_new0 (double, B);
  tp->d_rec = g_new0 (float, TB * C);
  tp->d_h = g_new0 (float, TB * F);
  tp->d_zu = g_new0 (float, TB * Z);
  tp->d_z = g_new0 (float, TpB * Z);
  tp->d_mu = g_new0 (float, TpB * Z);
  tp->d_lv = g_new0 (float, TpB * Z);
  tp->d_pooled = g_new0 (float, TpB * F);
  tp->d_lin = g_new0 (float, TpB * F);
  tp->d_h1 = g_new0 (float, TB * F);
  tp->dcol = g_new0 (float, TB * MAX (MAX (C, Z), F) * K);
  tp->head.recon = tp->recon_buf;
  return tp;
}

static void
vae_tape_free (void *tape)
{
  VaeTape *tp = tape;
  if (!tp)
    return;
  void *bufs[] = { tp->col1, tp->z1, tp->h1, tp->pooled, tp->arg, tp->len_p, tp->mu, tp->lv,
                   tp->eps, tp->zs, tp->zu, tp->col2, tp->z2, tp->h2, tp->col3, tp->recon_buf,
                   tp->loss, tp->sse, tp->kl, tp->acc, tp->d_rec, tp->d_h, tp->d_zu, tp->d_z,
                   tp->d_mu, tp->d_lv, tp->d_pooled, tp->d_lin, tp->d_h1, tp->dcol };
  for (size_t k = 0; k < G_N_ELEMENTS (bufs); k++)
    g_free (bufs[k]);
  g_free (tp);
}

/* --------------------------------------------------------------- forward */

static void
encode (const NnVae *v, const float *P, VaeTape *tp, size_t T, size_t B, const float *x,
        const guint32 *len)
{
  const size_t F = v->cfg.F, pool = v->cfg.pool;
  tp->Tp = (T + pool - 1) / pool;
  nn_conv_forward_f32 (&v->enc, P, T, B, x, len, tp->col1, tp->z1);
  nn_relu_forward_f32 (T, B, F, len, tp->z1, tp->h1);
  nn_maxpool_forward_f32 (pool, T, B, F, tp->h1, len, tp->pooled, tp->arg, tp->len_p);
  nn_linear_forward_f32 (&v->mu, P, tp->Tp * B, tp->pooled, tp->mu);
  nn_linear_forward_f32 (&v->logvar, P, tp->Tp * B, tp->pooled, tp->lv);
}

/* z = μ + exp(½ log σ²) ε → upsampled → decoder → recon, SSE per sequence. */
static void
decode (const NnVae *v, const float *P, VaeTape *tp)
{
  const NnReconTapeHead *h = &tp->head;
  const size_t T = h->T, B = h->B, Z = v->cfg.Z, F = v->cfg.F, pool = v->cfg.pool;
  for (size_t i = 0; i < tp->Tp * B * Z; i++)
    tp->zs[i] = tp->mu[i] + expf (0.5f * tp->lv[i]) * tp->eps[i];
  for (size_t t = 0; t < T; t++)
    memcpy (tp->zu + t * B * Z, tp->zs + (t / pool) * B * Z, B * Z * sizeof (float));
  nn_conv_forward_f32 (&v->dec1, P, T, B, tp->zu, h->len, tp->col2, tp->z2);
  nn_relu_forward_f32 (T, B, F, h->len, tp->z2, tp->h2);
  nn_conv_forward_f32 (&v->dec2, P, T, B, tp->h2, h->len, tp->col3, tp->recon_buf);
  recon_sse (h, tp->sse);
}

static void
kl_terms (const NnVae *v, VaeTape *tp)
{
  const size_t B = tp->head.B, Z = v->cfg.Z;
  for (size_t b = 0; b < B; b++)
    {
      double s = 0;
      for (size_t t = 0; t < tp->len_p[b]; t++)
        for (size_t z = 0; z < Z; z++)
          {
            const size_t i = (t * B + b) * Z + z;
            const double m = tp->mu[i], lv = tp->lv[i];
            s += 0.5 * (m * m + exp (lv) - 1.0 - lv);
          }
      tp->kl[b] = s;
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
  tp->head = (NnReconTapeHead) { T, B, v->cfg.C, x, tp->recon_buf, len };
  tp->beta = v->beta_train;
  encode (v, P, tp, T, B, x, len);
  memcpy (tp->eps, eps, tp->Tp * B * v->cfg.Z * sizeof (float));
  decode (v, P, tp);
  kl_terms (v, tp);
  *mu = tp->mu;
  *logvar = tp->lv;
  return finish_loss (v, tp);
}

static const float *
vae_forward (const void *self, const float *P, const float *S, void *tape, size_t T, size_t B,
             const float *x, const guint32 *len, gboolean train, uint64_t seed)
{
  (void) S;
  const NnVae *v = self;
  VaeTape *tp = tape;
  const size_t Z = v->cfg.Z, C = v->cfg.C;
  tp->head = (NnReconTapeHead) { T, B, C, x, tp->recon_buf, len };
  encode (v, P, tp, T, B, x, len);
  kl_terms (v, tp);
  const size_t nz = tp->Tp * B * Z;
  if (train)
    {
      uint64_t st = nn_seed_mix (seed, 0x5641, 0, 0);
      for (size_t i = 0; i < nz; i++)
        tp->eps[i] = (float) recon_normal (&st);
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
          for (size_t t = 0; t < tp->Tp; t++)
            for (size_t z = 0; z < Z; z++)
              {
                uint64_t st = nn_seed_mix (v->cfg.score_seed, l, t, z);
                const float e = (float) recon_normal (&st);
                for (size_t b = 0; b < B; b++)
                  tp->eps[(t * B + b) * Z + z] = e;
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
  memset (tp->eps, 0, nz * sizeof (float));
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
  const size_t T = h->T, B = h->B, C = v->cfg.C, F = v->cfg.F, Z = v->cfg.Z;
  const size_t pool = v->cfg.pool, Tp = tp->Tp;
  const guint32 *len = h->len;
  if (dx)
    memset (dx, 0, T * B * C * sizeof (float));
  recon_sse_backward (h, dloss, tp->d_rec, dx);
  /* decoder */
  memset (tp->d_h, 0, T * B * F * sizeof (float));
  nn_conv_backward_f32 (&v->dec2, P, G, T, B, len, tp->col3, tp->d_rec, tp->dcol, tp->d_h);
  nn_relu_backward_f32 (T, B, F, len, tp->z2, tp->d_h, tp->d_h);
  memset (tp->d_zu, 0, T * B * Z * sizeof (float));
  nn_conv_backward_f32 (&v->dec1, P, G, T, B, len, tp->col2, tp->d_h, tp->dcol, tp->d_zu);
  /* upsampling: a latent step collects its pool decoder steps (valid ones) */
  memset (tp->d_z, 0, Tp * B * Z * sizeof (float));
  for (size_t t = 0; t < T; t++)
    for (size_t b = 0; b < B; b++)
      {
        if (t >= recon_len (len, b, T))
          continue;
        const float *src = tp->d_zu + (t * B + b) * Z;
        float *dst = tp->d_z + ((t / pool) * B + b) * Z;
        for (size_t z = 0; z < Z; z++)
          dst[z] += src[z];
      }
  /* reparameterisation and KL: ∂KL/∂μ = μ, ∂KL/∂lv = ½(σ² − 1) */
  memset (tp->d_mu, 0, Tp * B * Z * sizeof (float));
  memset (tp->d_lv, 0, Tp * B * Z * sizeof (float));
  for (size_t b = 0; b < B; b++)
    {
      const double n = (double) (recon_len (len, b, T) * C);
      const double wk = dloss[b] * tp->beta / n;
      for (size_t t = 0; t < tp->len_p[b]; t++)
        for (size_t z = 0; z < Z; z++)
          {
            const size_t i = (t * B + b) * Z + z;
            const double sd = exp (0.5 * (double) tp->lv[i]);
            tp->d_mu[i] = (float) (tp->d_z[i] + wk * tp->mu[i]);
            tp->d_lv[i] = (float) (tp->d_z[i] * tp->eps[i] * 0.5 * sd
                                   + wk * 0.5 * (sd * sd - 1.0));
          }
    }
  nn_linear_backward_f32 (&v->mu, P, G, Tp * B, tp->pooled, tp->d_mu, tp->d_pooled);
  nn_linear_backward_f32 (&v->logvar, P, G, Tp * B, tp->pooled, tp->d_lv, tp->d_lin);
  for (size_t i = 0; i < Tp * B * F; i++)
    tp->d_pooled[i] += tp->d_lin[i];
  /* encoder */
  nn_maxpool_backward_f32 (pool, T, B, F, tp->d_pooled, tp->arg, tp->d_h1);
  nn_relu_backward_f32 (T, B, F, len, tp->z1, tp->d_h1, tp->d_h1);
  nn_conv_backward_f32 (&v->enc, P, G, T, B, len, tp->col1, tp->d_h1, tp->dcol, dx);
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
