/* nn_recon.c — what the reconstruction networks share (tundish/nn_recon.h):
 * the per-step error map, the squared-error loss and its gradient, and
 * PyTorch's default initialisation of a layout. */
#include <math.h>
#include <string.h>

#include <tundish/nn.h>
#include <tundish/nn_recon.h>
#include "nn_recon_private.h"

void
nn_recon_errors (const void *tape, size_t b, size_t T_out, float *out)
{
  const NnReconTapeHead *h = tape;
  const size_t T = h->T, B = h->B, C = h->C;
  const size_t L = h->len ? MIN ((size_t) h->len[b], T) : T;
  memset (out, 0, T_out * C * sizeof (float));
  for (size_t t = 0; t < L && t < T_out; t++)
    for (size_t c = 0; c < C; c++)
      {
        const size_t i = (t * B + b) * C + c;
        const float d = h->recon[i] - h->x[i];
        out[t * C + c] = d * d;
      }
}

size_t
recon_len (const guint32 *len, size_t b, size_t T)
{
  return len ? MIN ((size_t) len[b], T) : T;
}

void
recon_sse (const NnReconTapeHead *h, double *sse)
{
  const size_t T = h->T, B = h->B, C = h->C;
  for (size_t b = 0; b < B; b++)
    {
      const size_t L = recon_len (h->len, b, T);
      double s = 0;
      for (size_t t = 0; t < L; t++)
        for (size_t c = 0; c < C; c++)
          {
            const size_t i = (t * B + b) * C + c;
            const double d = (double) h->recon[i] - (double) h->x[i];
            s += d * d;
          }
      sse[b] = s;
    }
}

void
recon_sse_backward (const NnReconTapeHead *h, const float *dloss, float *drec, float *dx)
{
  const size_t T = h->T, B = h->B, C = h->C;
  memset (drec, 0, T * B * C * sizeof (float));
  for (size_t b = 0; b < B; b++)
    {
      const size_t L = recon_len (h->len, b, T);
      const double w = 2.0 * dloss[b] / (double) (L * C);
      for (size_t t = 0; t < L; t++)
        for (size_t c = 0; c < C; c++)
          {
            const size_t i = (t * B + b) * C + c;
            const float g = (float) (w * ((double) h->recon[i] - (double) h->x[i]));
            drec[i] = g;
            if (dx)
              dx[i] -= g;
          }
    }
}

void
recon_init_params (const NnLayout *lay, float *P, uint64_t seed, size_t lstm_hidden)
{
  uint64_t st = seed;
  for (size_t k = 0; k < lay->n; k++)
    {
      const NnTensor *t = &lay->t[k];
      double bound;
      if (strstr (t->name, "weight_") || strstr (t->name, "bias_"))
        bound = 1.0 / sqrt ((double) lstm_hidden);               /* nn.LSTM */
      else if (t->ndim >= 2)
        bound = 1.0 / sqrt ((double) (t->numel / t->shape[0]));  /* fan_in of [out,in(,K)] */
      else
        {
          /* a Linear or Conv1d bias: fan_in of the weight stored just before it */
          const NnTensor *w = k > 0 ? &lay->t[k - 1] : NULL;
          bound = w && w->ndim >= 2 ? 1.0 / sqrt ((double) (w->numel / w->shape[0])) : 1.0;
        }
      for (size_t i = 0; i < t->numel; i++)
        P[t->offset + i] = (float) ((2.0 * nn_rng_uniform (&st) - 1.0) * bound);
    }
}

double
recon_normal (uint64_t *st)
{
  /* Box-Muller on two uniforms in (0, 1] and [0, 1) */
  const double u1 = 1.0 - nn_rng_uniform (st), u2 = nn_rng_uniform (st);
  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}
