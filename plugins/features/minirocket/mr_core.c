/* mr_core.c — see mr_core.h. Every float operation is the reference's, in
 * its order, so biases and features agree with it bit for bit where numpy
 * rounds the same way. */
#include "mr_core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <tundish/plugin.h>

/* The hot loops get an AVX2 clone next to the baseline one; the loader
 * picks by CPU, so one binary runs anywhere and uses what it finds. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define MR_HOT __attribute__ ((target_clones ("avx2", "default")))
#else
#define MR_HOT
#endif

/* The C(9,3) index triples in lexicographic order (the reference's table). */
static void
kernel_triples (int idx[MR_N_KERNELS][3])
{
  int k = 0;
  for (int a = 0; a < 9; a++)
    for (int b = a + 1; b < 9; b++)
      for (int c = b + 1; c < 9; c++)
        {
          idx[k][0] = a;
          idx[k][1] = b;
          idx[k][2] = c;
          k++;
        }
}

void
mr_params_clear (MrParams *p)
{
  g_free (p->dilations);
  g_free (p->features_per_dilation);
  g_free (p->channels_per_combination);
  g_free (p->channel_offset);
  g_free (p->channel_indices);
  g_free (p->biases);
  memset (p, 0, sizeof *p);
}

gboolean
mr_fit_dilations (int input_length, int num_features, int max_dilations_per_kernel,
                  MrParams *p, GError **error)
{
  if (input_length < MR_KERNEL_LENGTH)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "minirocket: series of %d steps are shorter than the kernel length 9 "
                   "(resample or pad them first)", input_length);
      return FALSE;
    }
  if (num_features < MR_N_KERNELS)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "minirocket: num_features %d is below the 84 kernels", num_features);
      return FALSE;
    }
  int per_kernel = num_features / MR_N_KERNELS;
  int n = MIN (per_kernel, max_dilations_per_kernel);
  double multiplier = (double) per_kernel / n;
  double max_exponent = log2 ((input_length - 1) / (double) (MR_KERNEL_LENGTH - 1));
  /* np.logspace(0, e, n, base 2) = 2 ** np.linspace(0, e, n), as int32 */
  g_autofree int32_t *raw = g_new (int32_t, n);
  double step = n > 1 ? max_exponent / (n - 1) : 0;
  for (int i = 0; i < n; i++)
    {
      double y = n > 1 && i == n - 1 ? max_exponent : i * step;
      raw[i] = (int32_t) pow (2.0, y);
    }
  p->dilations = g_new (int32_t, n);
  p->features_per_dilation = g_new0 (int32_t, n);
  int nd = 0;
  for (int i = 0; i < n; i++)
    {
      if (nd == 0 || raw[i] != p->dilations[nd - 1])
        p->dilations[nd++] = raw[i];
      p->features_per_dilation[nd - 1]++;
    }
  int sum = 0;
  for (int i = 0; i < nd; i++)
    {
      p->features_per_dilation[i] = (int32_t) (p->features_per_dilation[i] * multiplier);
      sum += p->features_per_dilation[i];
    }
  for (int i = 0, remainder = per_kernel - sum; remainder > 0; remainder--, i = (i + 1) % nd)
    p->features_per_dilation[i]++;
  p->n_dilations = nd;
  p->input_length = input_length;
  p->n_features = MR_N_KERNELS * per_kernel;
  return TRUE;
}

void
mr_quantiles (int n, float *out)
{
  const double phi = (sqrt (5.0) + 1) / 2;
  for (int k = 0; k < n; k++)
    out[k] = (float) fmod ((k + 1) * phi, 1.0);
}

void
mr_fit_channels (MrParams *p, int n_channels, double (*rng_uniform) (gpointer),
                 gulong (*rng_int) (gpointer, gulong), gpointer rng)
{
  int n_comb = p->n_dilations * MR_N_KERNELS;
  p->n_channels = n_channels;
  p->channels_per_combination = g_new (int32_t, n_comb);
  p->channel_offset = g_new (int32_t, n_comb + 1);
  if (n_channels == 1)
    {
      p->channel_indices = g_new0 (int32_t, n_comb);
      for (int i = 0; i < n_comb; i++)
        {
          p->channels_per_combination[i] = 1;
          p->channel_offset[i] = i;
        }
      p->channel_offset[n_comb] = n_comb;
      return;
    }
  /* 2 ** U(0, log2(min(C, 9) + 1)) channels, then that many distinct ones */
  double max_exponent = log2 (MIN (n_channels, 9) + 1);
  int total = 0;
  for (int i = 0; i < n_comb; i++)
    {
      int m = (int) pow (2.0, rng_uniform (rng) * max_exponent);
      m = CLAMP (m, 1, n_channels);
      p->channels_per_combination[i] = m;
      total += m;
    }
  p->channel_indices = g_new (int32_t, total);
  g_autofree int32_t *perm = g_new (int32_t, n_channels);
  int at = 0;
  for (int i = 0; i < n_comb; i++)
    {
      p->channel_offset[i] = at;
      /* a partial Fisher–Yates shuffle: the first m of a random permutation */
      for (int c = 0; c < n_channels; c++)
        perm[c] = c;
      for (int j = 0; j < p->channels_per_combination[i]; j++)
        {
          int r = j + (int) rng_int (rng, (gulong) (n_channels - j));
          int32_t t = perm[j];
          perm[j] = perm[r];
          perm[r] = t;
          p->channel_indices[at++] = perm[j];
        }
    }
  p->channel_offset[n_comb] = at;
}

/* ------------------------------------------------------------ convolution */

struct MrScratch {
  size_t cap;                  /* padded buffer length */
  float **pa, **pg;            /* per channel: −X and 3X with 4d zeros either side */
  float **alpha;               /* per channel: Σ_j −X[t+(j−4)d] */
  float *c, *cc;               /* the combination's output; one channel's */
  int n_channels;
};

MrScratch *
mr_scratch_new (const MrParams *p, size_t max_len)
{
  MrScratch *s = g_new0 (MrScratch, 1);
  int dmax = 1;
  for (int i = 0; i < p->n_dilations; i++)
    dmax = MAX (dmax, p->dilations[i]);
  s->cap = max_len + 8 * (size_t) dmax;
  s->n_channels = p->n_channels;
  s->pa = g_new (float *, p->n_channels);
  s->pg = g_new (float *, p->n_channels);
  s->alpha = g_new (float *, p->n_channels);
  for (int c = 0; c < p->n_channels; c++)
    {
      s->pa[c] = g_new0 (float, s->cap);
      s->pg[c] = g_new0 (float, s->cap);
      s->alpha[c] = g_new0 (float, MAX (max_len, (size_t) 1));
    }
  s->c = g_new0 (float, MAX (max_len, (size_t) 1));
  s->cc = g_new0 (float, MAX (max_len, (size_t) 1));
  return s;
}

void
mr_scratch_free (MrScratch *s)
{
  if (!s)
    return;
  for (int c = 0; c < s->n_channels; c++)
    {
      g_free (s->pa[c]);
      g_free (s->pg[c]);
      g_free (s->alpha[c]);
    }
  g_free (s->pa);
  g_free (s->pg);
  g_free (s->alpha);
  g_free (s->c);
  g_free (s->cc);
  g_free (s);
}

/* −X and 3X of one channel into zero-padded buffers (4d zeros before), and
 * C_alpha in the reference's order: A[t], then the shifts −4d..−d, +d..+4d.
 * Zeros stand for the terms the reference does not add (x + 0 == x). */
MR_HOT static void
prepare_channel (const float *x, size_t len, size_t d, float *restrict pa, float *restrict pg,
                 float *restrict alpha)
{
  size_t pad = 4 * d;
  memset (pa, 0, pad * sizeof *pa);
  memset (pg, 0, pad * sizeof *pg);
  for (size_t t = 0; t < len; t++)
    {
      pa[pad + t] = -x[t];
      pg[pad + t] = x[t] + x[t] + x[t];
    }
  memset (pa + pad + len, 0, pad * sizeof *pa);
  memset (pg + pad + len, 0, pad * sizeof *pg);
  for (size_t t = 0; t < len; t++)
    alpha[t] = pa[pad + t];
  static const int order[8] = { 0, 1, 2, 3, 5, 6, 7, 8 };
  for (int j = 0; j < 8; j++)
    {
      const float *src = pa + (size_t) order[j] * d;
      for (size_t t = 0; t < len; t++)
        alpha[t] += src[t];
    }
}

MR_HOT static void
kernel_output (const float *restrict alpha, const float *g0, const float *g1, const float *g2,
               size_t len, float *restrict out)
{
  for (size_t t = 0; t < len; t++)
    out[t] = ((alpha[t] + g0[t]) + g1[t]) + g2[t];
}

MR_HOT static void
add_into (float *restrict acc, const float *restrict v, size_t len)
{
  for (size_t t = 0; t < len; t++)
    acc[t] += v[t];
}

MR_HOT static size_t
count_above (const float *c, size_t n, float b)
{
  unsigned k = 0;
  for (size_t t = 0; t < n; t++)
    k += c[t] > b;
  return k;
}

/* The (dilation, kernel) output of one combination into s->c. */
static void
combination_output (const MrParams *p, MrScratch *s, int comb, const int triple[3], size_t d,
                    size_t len)
{
  const int32_t *ch = p->channel_indices + p->channel_offset[comb];
  int m = p->channels_per_combination[comb];
  for (int i = 0; i < m; i++)
    {
      const float *pg = s->pg[ch[i]];
      kernel_output (s->alpha[ch[i]], pg + triple[0] * d, pg + triple[1] * d,
                     pg + triple[2] * d, len, i == 0 ? s->c : s->cc);
      if (i > 0)
        add_into (s->c, s->cc, len);
    }
}

/* ------------------------------------------------------------------- fit */

/* The k-th smallest of v[0..n) (no NaN), by quickselect: v is permuted so
 * that v[k] holds it, smaller values before, larger after. A few order
 * statistics per output are all the biases need: O(n) each, not a sort. */
static float
select_k (float *v, size_t n, size_t k)
{
  size_t lo = 0, hi = n - 1;
  while (lo < hi)
    {
      float pivot = v[lo + (hi - lo) / 2];
      size_t i = lo, j = hi;
      while (i <= j)
        {
          while (v[i] < pivot)
            i++;
          while (v[j] > pivot)
            j--;
          if (i <= j)
            {
              float t = v[i];
              v[i] = v[j];
              v[j] = t;
              i++;
              if (j == 0)
                break;
              j--;
            }
        }
      if (k <= j)
        hi = j;
      else if (k >= i)
        lo = i;
      else
        break;
    }
  return v[k];
}

/* np.quantile(C, q), method linear, as numpy 1.24 computes it for float32
 * input and float32 q: the virtual index (n − 1)·q in float32, gamma and
 * the lerp in double (an intp index promotes them), the difference b − a in
 * float32, the result stored as float32. */
static float
quantile_f32 (float *c, size_t n, float q)
{
  float v = (float) (n - 1) * q;
  if (v >= (float) (n - 1))
    return select_k (c, n, n - 1);
  long lo = v < 0 ? 0 : (long) floorf (v);
  double gamma = (double) v - (double) lo;
  float a = select_k (c, n, (size_t) lo);
  /* after the selection everything from lo + 1 on is >= a: its minimum */
  float b = c[lo + 1];
  for (size_t i = (size_t) lo + 2; i < n; i++)
    b = MIN (b, c[i]);
  float diff = b - a;
  double r = gamma >= 0.5 ? (double) b - (double) diff * (1 - gamma)
                          : (double) a + (double) diff * gamma;
  return (float) r;
}

void
mr_fit_biases (MrParams *p, MrSeriesFunc series, gpointer data, const size_t *example)
{
  int triples[MR_N_KERNELS][3];
  kernel_triples (triples);
  g_free (p->biases);
  p->biases = g_new0 (float, MAX (p->n_features, 1));
  g_autofree float *q = g_new (float, MAX (p->n_features, 1));
  mr_quantiles (p->n_features, q);

  size_t max_len = 0;
  for (int i = 0; i < p->n_dilations * MR_N_KERNELS; i++)
    for (int c = 0; c < p->n_channels; c++)
      {
        size_t len = 0;
        series (data, example[i], c, &len);
        max_len = MAX (max_len, len);
      }
  MrScratch *s = mr_scratch_new (p, max_len);
  g_autofree float *sorted = g_new (float, MAX (max_len, (size_t) 1));
  int f = 0, comb = 0;
  for (int di = 0; di < p->n_dilations; di++)
    {
      size_t d = (size_t) p->dilations[di];
      for (int k = 0; k < MR_N_KERNELS; k++, comb++)
        {
          size_t len = 0;
          const int32_t *ch = p->channel_indices + p->channel_offset[comb];
          for (int i = 0; i < p->channels_per_combination[comb]; i++)
            {
              const float *x = series (data, example[comb], ch[i], &len);
              prepare_channel (x, len, d, s->pa[ch[i]], s->pg[ch[i]], s->alpha[ch[i]]);
            }
          combination_output (p, s, comb, triples[k], d, len);
          memcpy (sorted, s->c, len * sizeof *sorted);
          for (int j = 0; j < p->features_per_dilation[di]; j++, f++)
            p->biases[f] = quantile_f32 (sorted, len, q[f]);
        }
    }
  mr_scratch_free (s);
}

/* ------------------------------------------------------------- transform */

void
mr_transform_one (const MrParams *p, const float *const *x, size_t len, MrScratch *s,
                  float *out)
{
  int triples[MR_N_KERNELS][3];
  kernel_triples (triples);
  /* a series of another length than the fitted one is pooled over its
   * whole padded output, like every series of unequal-length data */
  gboolean padded_only = p->force_padding || len != (size_t) p->input_length;
  int f = 0, comb = 0;
  for (int di = 0; di < p->n_dilations; di++)
    {
      size_t d = (size_t) p->dilations[di];
      size_t pad = 4 * d;
      for (int c = 0; c < p->n_channels; c++)
        prepare_channel (x[c], len, d, s->pa[c], s->pg[c], s->alpha[c]);
      for (int k = 0; k < MR_N_KERNELS; k++, comb++)
        {
          combination_output (p, s, comb, triples[k], d, len);
          gboolean whole = padded_only || (di + k) % 2 == 0 || len <= 2 * pad;
          const float *c = whole ? s->c : s->c + pad;
          size_t n = whole ? len : len - 2 * pad;
          for (int j = 0; j < p->features_per_dilation[di]; j++, f++)
            out[f] = (float) count_above (c, n, p->biases[f]) / (float) n;
        }
    }
}
