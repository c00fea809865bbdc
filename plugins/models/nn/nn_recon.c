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

/* log x for normal positive x (Cephes' logf: ≤ 2 ulp), branch-free so the
 * loop calling it vectorises. */
static inline float
logf_vec (float x)
{
  int32_t bits;
  memcpy (&bits, &x, sizeof bits);
  float e = (float) ((bits >> 23) - 126);
  bits = (bits & 0x007fffff) | 0x3f000000;         /* mantissa in [0.5, 1) */
  float m;
  memcpy (&m, &bits, sizeof m);
  const int lo = m < 0.707106781186547524f;
  e = lo ? e - 1.0f : e;
  m = lo ? m + m - 1.0f : m - 1.0f;
  const float z = m * m;
  float y = 7.0376836292e-2f;
  y = y * m - 1.1514610310e-1f;
  y = y * m + 1.1676998740e-1f;
  y = y * m - 1.2420140846e-1f;
  y = y * m + 1.4249322787e-1f;
  y = y * m - 1.6668057665e-1f;
  y = y * m + 2.0000714765e-1f;
  y = y * m - 2.4999993993e-1f;
  y = y * m + 3.3333331174e-1f;
  y = y * m * z;
  y += -2.12194440e-4f * e;
  y += -0.5f * z;
  return m + y + 0.693359375f * e;
}

/* cos and sin of 2π u for u in [0, 1): a quarter turn j = round(4u) off,
 * Cephes' polynomials on |x| ≤ π/4, then rotated back by j quarters. */
static inline void
sincos_turn (float u, float *c, float *s)
{
  const float w = 4.0f * u;
  const int32_t j = (int32_t) (w + 0.5f);
  const float x = (w - (float) j) * 1.57079632679489662f, z = x * x;
  const float sp = ((-1.9515295891e-4f * z + 8.3321608736e-3f) * z - 1.6666654611e-1f) * z * x + x;
  const float cp = ((2.443315711809948e-5f * z - 1.388731625493765e-3f) * z
                    + 4.166664568298827e-2f) * z * z - 0.5f * z + 1.0f;
  const int32_t q = j & 3;
  const float c0 = q == 0 ? cp : q == 1 ? -sp : q == 2 ? -cp : sp;
  const float s0 = q == 0 ? sp : q == 1 ? cp : q == 2 ? -sp : -cp;
  *c = c0;
  *s = s0;
}

void
recon_normals (uint64_t *st, float *out, size_t n)
{
  enum { CHUNK = 256 };
  float u1[CHUNK], u2[CHUNK], r[CHUNK], c[CHUNK], s[CHUNK];
  while (n > 0)
    {
      const size_t pairs = MIN ((size_t) CHUNK, (n + 1) / 2);
      for (size_t j = 0; j < pairs; j++)
        {
          /* two 24-bit uniforms from one draw: u1 in (0, 1], u2 in [0, 1) */
          const uint64_t h = nn_rng_next (st);
          u1[j] = (float) ((h >> 40) + 1) * (1.0f / 16777216.0f);
          u2[j] = (float) ((h >> 16) & 0xffffff) * (1.0f / 16777216.0f);
        }
      for (size_t j = 0; j < pairs; j++)
        {
          r[j] = sqrtf (-2.0f * logf_vec (u1[j]));
          sincos_turn (u2[j], &c[j], &s[j]);
        }
      const size_t first = MIN (n, pairs);
      for (size_t j = 0; j < first; j++)
        out[j] = r[j] * c[j];
      for (size_t j = 0; first + j < MIN (n, 2 * pairs); j++)
        out[first + j] = r[j] * s[j];
      const size_t done = MIN (n, 2 * pairs);
      out += done;
      n -= done;
    }
}
