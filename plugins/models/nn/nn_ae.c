/* nn_ae.c — the LSTM autoencoder as an NnNet (tundish/nn_recon.h):
 * encoder LSTM → last valid state → latent Linear → repeated over time →
 * decoder LSTM → output Linear per step; the per-element squared error is
 * the sequence's loss. */
#include <string.h>

#include <tundish/nn.h>
#include <tundish/nn_recon.h>
#include "nn_recon_private.h"

static void
lstm_dir (NnLayout *lay, NnLstmDir *d, const char *prefix, size_t in, size_t H)
{
  char name[64];
  d->in = in;
  d->H = H;
  g_snprintf (name, sizeof name, "%s.weight_ih_l0", prefix);
  d->w_ih = nn_layout_add (lay, name, 2, (size_t[]) { 4 * H, in });
  g_snprintf (name, sizeof name, "%s.weight_hh_l0", prefix);
  d->w_hh = nn_layout_add (lay, name, 2, (size_t[]) { 4 * H, H });
  g_snprintf (name, sizeof name, "%s.bias_ih_l0", prefix);
  d->b_ih = nn_layout_add (lay, name, 1, (size_t[]) { 4 * H });
  g_snprintf (name, sizeof name, "%s.bias_hh_l0", prefix);
  d->b_hh = nn_layout_add (lay, name, 1, (size_t[]) { 4 * H });
}

static void
linear (NnLayout *lay, NnLinear *l, const char *prefix, size_t in, size_t out)
{
  char name[64];
  l->in = in;
  l->out = out;
  g_snprintf (name, sizeof name, "%s.weight", prefix);
  l->w = nn_layout_add (lay, name, 2, (size_t[]) { out, in });
  g_snprintf (name, sizeof name, "%s.bias", prefix);
  l->b = nn_layout_add (lay, name, 1, (size_t[]) { out });
}

gboolean
nn_ae_init (NnAe *ae, const NnAeConfig *cfg, GError **error)
{
  memset (ae, 0, sizeof *ae);
  if (cfg->C == 0 || cfg->H == 0 || cfg->Z == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_CONFIG,
                   "the autoencoder needs at least one channel, hidden unit and latent unit "
                   "(C %zu, H %zu, Z %zu)", cfg->C, cfg->H, cfg->Z);
      return FALSE;
    }
  ae->cfg = *cfg;
  nn_layout_init (&ae->layout);
  lstm_dir (&ae->layout, &ae->enc, "encoder", cfg->C, cfg->H);
  linear (&ae->layout, &ae->latent, "latent", cfg->H, cfg->Z);
  lstm_dir (&ae->layout, &ae->dec, "decoder", cfg->Z, cfg->H);
  linear (&ae->layout, &ae->out, "output", cfg->H, cfg->C);
  return TRUE;
}

void
nn_ae_clear (NnAe *ae)
{
  nn_layout_clear (&ae->layout);
}

void
nn_ae_init_params (const NnAe *ae, float *P, uint64_t seed)
{
  recon_init_params (&ae->layout, P, seed, ae->cfg.H);
}

/* ------------------------------------------------------------------ tape */

typedef struct {
  NnReconTapeHead head;       /* first: nn_recon_errors reads it */
  size_t max_T, max_B;
  /* encoder */
  float *h_enc, *g_enc, *c_enc, *tc_enc, *wT_enc;   /* [T,B,H], [T,B,4H], ..., [(C+H),4H] */
  float *pooled;              /* [B,H] */
  float *lat;                 /* [B,Z] */
  float *zrep;                /* [T,B,Z] */
  /* decoder */
  float *h_dec, *g_dec, *c_dec, *tc_dec, *wT_dec;
  float *recon_buf;           /* [T,B,C] */
  float *loss;                /* [B] */
  double *sse;                /* [B] */
  /* backward scratch */
  float *d_rec;               /* [T,B,C] */
  float *d_h;                 /* [T,B,H] */
  float *dG;                  /* [T,B,4H] */
  float *dh, *dc, *dh_tmp;    /* [B,H] */
  float *d_zrep;              /* [T,B,Z] */
  float *d_lat;               /* [B,Z] */
  float *d_pooled;            /* [B,H] */
} AeTape;

static void *
ae_tape_new (const void *self, size_t T, size_t B)
{
  const NnAe *ae = self;
  const size_t C = ae->cfg.C, H = ae->cfg.H, Z = ae->cfg.Z, TB = T * B;
  AeTape *tp = g_new0 (AeTape, 1);
  tp->max_T = T;
  tp->max_B = B;
  tp->h_enc = g_new0 (float, TB * H);
  tp->g_enc = g_new0 (float, TB * 4 * H);
  tp->c_enc = g_new0 (float, TB * H);
  tp->tc_enc = g_new0 (float, TB * H);
  tp->wT_enc = g_new0 (float, (C + H) * 4 * H);
  tp->pooled = g_new0 (float, B * H);
  tp->lat = g_new0 (float, B * Z);
  tp->zrep = g_new0 (float, TB * Z);
  tp->h_dec = g_new0 (float, TB * H);
  tp->g_dec = g_new0 (float, TB * 4 * H);
  tp->c_dec = g_new0 (float, TB * H);
  tp->tc_dec = g_new0 (float, TB * H);
  tp->wT_dec = g_new0 (float, (Z + H) * 4 * H);
  tp->recon_buf = g_new0 (float, TB * C);
  tp->loss = g_new0 (float, B);
  tp->sse = g_new0 (double, B);
  tp->d_rec = g_new0 (float, TB * C);
  tp->d_h = g_new0 (float, TB * H);
  tp->dG = g_new0 (float, TB * 4 * H);
  tp->dh = g_new0 (float, B * H);
  tp->dc = g_new0 (float, B * H);
  tp->dh_tmp = g_new0 (float, B * H);
  tp->d_zrep = g_new0 (float, TB * Z);
  tp->d_lat = g_new0 (float, B * Z);
  tp->d_pooled = g_new0 (float, B * H);
  tp->head.recon = tp->recon_buf;
  return tp;
}

static void
ae_tape_free (void *tape)
{
  AeTape *tp = tape;
  if (!tp)
    return;
  float *bufs[] = { tp->h_enc, tp->g_enc, tp->c_enc, tp->tc_enc, tp->wT_enc, tp->pooled, tp->lat,
                    tp->zrep, tp->h_dec, tp->g_dec, tp->c_dec, tp->tc_dec, tp->wT_dec,
                    tp->recon_buf, tp->loss, tp->d_rec, tp->d_h, tp->dG, tp->dh, tp->dc,
                    tp->dh_tmp, tp->d_zrep, tp->d_lat, tp->d_pooled };
  for (size_t k = 0; k < G_N_ELEMENTS (bufs); k++)
    g_free (bufs[k]);
  g_free (tp->sse);
  g_free (tp);
}

/* --------------------------------------------------------------- forward */

static const float *
ae_forward (const void *self, const float *P, const float *S, void *tape, size_t T, size_t B,
            const float *x, const guint32 *len, gboolean train, uint64_t seed)
{
  (void) S;
  (void) train;   /* no dropout, no noise: training and eval forwards are the same */
  (void) seed;
  const NnAe *ae = self;
  AeTape *tp = tape;
  const size_t C = ae->cfg.C, H = ae->cfg.H, Z = ae->cfg.Z;
  tp->head = (NnReconTapeHead) { T, B, C, x, tp->recon_buf, len };
  nn_lstm_forward_f32 (&ae->enc, P, T, B, x, C, len, FALSE, tp->h_enc, H, tp->g_enc, tp->c_enc,
                       tp->tc_enc, tp->wT_enc, FALSE);
  nn_pool_forward_f32 (NN_POOL_LAST, NULL, P, 1, T, B, H, tp->h_enc, len, tp->pooled, NULL, NULL,
                       NULL);
  nn_linear_forward_f32 (&ae->latent, P, B, tp->pooled, tp->lat);
  for (size_t t = 0; t < T; t++)
    memcpy (tp->zrep + t * B * Z, tp->lat, B * Z * sizeof (float));
  nn_lstm_forward_f32 (&ae->dec, P, T, B, tp->zrep, Z, len, FALSE, tp->h_dec, H, tp->g_dec,
                       tp->c_dec, tp->tc_dec, tp->wT_dec, FALSE);
  nn_linear_forward_f32 (&ae->out, P, T * B, tp->h_dec, tp->recon_buf);
  recon_sse (&tp->head, tp->sse);
  for (size_t b = 0; b < B; b++)
    tp->loss[b] = (float) (tp->sse[b] / (double) (recon_len (len, b, T) * C));
  return tp->loss;
}

/* -------------------------------------------------------------- backward */

static void
ae_backward (const void *self, const float *P, float *G, void *tape, const float *dloss,
             float *dx)
{
  const NnAe *ae = self;
  AeTape *tp = tape;
  const NnReconTapeHead *h = &tp->head;
  const size_t T = h->T, B = h->B, C = ae->cfg.C, H = ae->cfg.H, Z = ae->cfg.Z;
  const guint32 *len = h->len;
  if (dx)
    memset (dx, 0, T * B * C * sizeof (float));
  recon_sse_backward (h, dloss, tp->d_rec, dx);
  nn_linear_backward_f32 (&ae->out, P, G, T * B, tp->h_dec, tp->d_rec, tp->d_h);
  memset (tp->d_zrep, 0, T * B * Z * sizeof (float));
  nn_lstm_backward_f32 (&ae->dec, P, G, T, B, tp->zrep, Z, len, FALSE, tp->h_dec, H, tp->g_dec,
                        tp->c_dec, tp->tc_dec, tp->wT_dec, tp->d_h, H, tp->dG, tp->dh, tp->dc,
                        tp->dh_tmp, tp->d_zrep);
  /* the latent feeds every valid step of the decoder */
  memset (tp->d_lat, 0, B * Z * sizeof (float));
  for (size_t b = 0; b < B; b++)
    {
      const size_t L = recon_len (len, b, T);
      float *dl = tp->d_lat + b * Z;
      for (size_t t = 0; t < L; t++)
        for (size_t z = 0; z < Z; z++)
          dl[z] += tp->d_zrep[(t * B + b) * Z + z];
    }
  nn_linear_backward_f32 (&ae->latent, P, G, B, tp->pooled, tp->d_lat, tp->d_pooled);
  memset (tp->d_h, 0, T * B * H * sizeof (float));
  nn_pool_backward_f32 (NN_POOL_LAST, NULL, P, G, 1, T, B, H, tp->h_enc, len, NULL, NULL, NULL,
                        tp->d_pooled, NULL, tp->d_h);
  nn_lstm_backward_f32 (&ae->enc, P, G, T, B, h->x, C, len, FALSE, tp->h_enc, H, tp->g_enc,
                        tp->c_enc, tp->tc_enc, tp->wT_enc, tp->d_h, H, tp->dG, tp->dh, tp->dc,
                        tp->dh_tmp, dx);
}

void
nn_ae_net_init (NnNet *net, const NnAe *ae)
{
  *net = (NnNet) {
    .self = ae,
    .params = &ae->layout,
    .tape_new = ae_tape_new,
    .tape_free = ae_tape_free,
    .forward = ae_forward,
    .backward = ae_backward,
  };
}
