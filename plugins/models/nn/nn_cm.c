/* nn_cm.c — convolution kernels on channel-major data (see nn_cm.h).
 *
 * Why not im2col + sgemm: the VAE's convolutions have 5 to 40 inputs per
 * tap-set and 5 to 32 outputs over thousands of rows, shapes where OpenBLAS
 * spends its time packing (and, on a CPU it does not know, runs its generic
 * kernels), and the im2col copy is as large as the work. Here each tap reads
 * its rows in place and the accumulators stay in registers. */
#include <string.h>

#include "nn_cm.h"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__ELF__)
#define CM_HOT __attribute__ ((target_clones ("avx512f", "arch=haswell", "default")))
#else
#define CM_HOT
#endif

#if defined(__GNUC__)
#define CM_INLINE static inline __attribute__ ((always_inline))
#else
#define CM_INLINE static inline
#endif

#define VL 16
typedef float v16 __attribute__ ((vector_size (VL * sizeof (float))));
typedef int32_t v16i __attribute__ ((vector_size (VL * sizeof (int32_t))));

/* Unaligned loads and stores; no function takes or returns a vector (the
 * baseline version would pass it in memory, with a -Wpsabi warning). */
#define VLD(v, p) memcpy (&(v), (p), sizeof (v))
#define VST(p, v) memcpy ((p), &(v), sizeof (v))

CM_INLINE void
vfinish (const NnCmConv *a, v16 *acc, size_t o, size_t r)
{
  const v16 zero = { 0 };
  if (a->relu)
    *acc = (v16) ((v16i) *acc & (*acc > zero));
  if (a->gate)
    {
      v16 g;
      VLD (g, a->gate + o * a->ldg + r);
      *acc = (v16) ((v16i) *acc & (g > zero));
    }
}

/* Outputs o0..o0+NO-1 at rows r..r+NV·VL-1. Each output's sum runs in the
 * same order as conv_row's. */
CM_INLINE void
conv_block (const NnCmConv *a, size_t o0, size_t r, const size_t NO, const size_t NV)
{
  const size_t I = a->I, K = a->K, S = a->S, back = (K / 2) * S;
  v16 acc[5][4];
  for (size_t j = 0; j < NO; j++)
    {
      const float b0 = a->bias ? a->bias[o0 + j] : 0.0f;
      for (size_t v = 0; v < NV; v++)
        acc[j][v] = (v16) { 0 } + b0;
    }
  for (size_t i = 0; i < I; i++)
    {
      const float *src = a->in + i * a->ldi + r - back;
      const float *w = a->W + (o0 * I + i) * K;
      for (size_t k = 0; k < K; k++, src += S)
        {
          v16 x[4];
          for (size_t v = 0; v < NV; v++)
            VLD (x[v], src + v * VL);
          for (size_t j = 0; j < NO; j++)
            {
              const float wj = w[j * I * K + k];
              for (size_t v = 0; v < NV; v++)
                acc[j][v] += wj * x[v];
            }
        }
    }
  for (size_t j = 0; j < NO; j++)
    for (size_t v = 0; v < NV; v++)
      {
        vfinish (a, &acc[j][v], o0 + j, r + v * VL);
        VST (a->out + (o0 + j) * a->ldo + r + v * VL, acc[j][v]);
      }
}

CM_INLINE void
conv_row (const NnCmConv *a, size_t o, size_t r)
{
  const size_t I = a->I, K = a->K, S = a->S, back = (K / 2) * S;
  float s = a->bias ? a->bias[o] : 0.0f;
  for (size_t i = 0; i < I; i++)
    {
      const float *src = a->in + i * a->ldi + r - back;
      const float *w = a->W + (o * I + i) * K;
      for (size_t k = 0; k < K; k++)
        s += w[k] * src[k * S];
    }
  if (a->relu && !(s > 0))
    s = 0;
  if (a->gate && !(a->gate[o * a->ldg + r] > 0))
    s = 0;
  a->out[o * a->ldo + r] = s;
}

CM_HOT static void
cm_conv (const NnCmConv *a)
{
  const size_t M = a->M;
  for (size_t o0 = 0; o0 < a->O;)
    {
      size_t r = 0;
      if (a->O - o0 == 5)
        {
          /* five outputs (the VAE's reconstruction of five channels) in one pass */
          for (; r + 2 * VL <= M; r += 2 * VL)
            conv_block (a, o0, r, 5, 2);
          for (; r + VL <= M; r += VL)
            conv_block (a, o0, r, 5, 1);
          for (; r < M; r++)
            for (size_t j = 0; j < 5; j++)
              conv_row (a, o0 + j, r);
          o0 += 5;
        }
      else if (a->O - o0 >= 4)
        {
          for (; r + 2 * VL <= M; r += 2 * VL)
            conv_block (a, o0, r, 4, 2);
          for (; r + VL <= M; r += VL)
            conv_block (a, o0, r, 4, 1);
          for (; r < M; r++)
            for (size_t j = 0; j < 4; j++)
              conv_row (a, o0 + j, r);
          o0 += 4;
        }
      else
        {
          for (; r + 4 * VL <= M; r += 4 * VL)
            conv_block (a, o0, r, 1, 4);
          for (; r + VL <= M; r += VL)
            conv_block (a, o0, r, 1, 1);
          for (; r < M; r++)
            conv_row (a, o0, r);
          o0 += 1;
        }
    }
}

CM_INLINE float
hsum (const v16 *v)
{
  float s = 0;
  for (size_t l = 0; l < VL; l++)
    s += (*v)[l];
  return s;
}

/* dW[o0+j][i][k0+kk] for j < NO, kk < NK: one pass over the rows. */
CM_INLINE void
wgrad_block (size_t I, size_t K, size_t S, size_t M, const float *dz, size_t ldd,
             const float *in, size_t ldi, float *dW, size_t o0, size_t i, size_t k0,
             const size_t NO, const size_t NK)
{
  v16 acc[5][5];
  for (size_t j = 0; j < NO; j++)
    for (size_t kk = 0; kk < NK; kk++)
      acc[j][kk] = (v16) { 0 };
  /* tap k reads row r + (k − K/2)·S */
  const float *src = in + i * ldi + k0 * S - (K / 2) * S;
  const float *d0 = dz + o0 * ldd;
  size_t r = 0;
  for (; r + VL <= M; r += VL)
    {
      v16 d[5];
      for (size_t j = 0; j < NO; j++)
        VLD (d[j], d0 + j * ldd + r);
      for (size_t kk = 0; kk < NK; kk++)
        {
          v16 x;
          VLD (x, src + kk * S + r);
          for (size_t j = 0; j < NO; j++)
            acc[j][kk] += d[j] * x;
        }
    }
  for (size_t j = 0; j < NO; j++)
    for (size_t kk = 0; kk < NK; kk++)
      {
        float s = hsum (&acc[j][kk]);
        for (size_t q = r; q < M; q++)
          s += d0[j * ldd + q] * src[kk * S + q];
        dW[((o0 + j) * I + i) * K + k0 + kk] += s;
      }
}

CM_HOT static void
cm_wgrad (size_t O, size_t I, size_t K, size_t S, size_t M, const float *dz, size_t ldd,
             const float *in, size_t ldi, float *dW, float *db)
{
  for (size_t o0 = 0; o0 < O;)
    {
      const size_t no = O - o0 == 5 ? 5 : O - o0 >= 4 ? 4 : 1;
      for (size_t i = 0; i < I; i++)
        for (size_t k0 = 0; k0 < K;)
          {
            /* taps in blocks of 5, 3 and 1: every K, accumulators in registers */
            const size_t nk = K - k0 >= 5 ? 5 : K - k0 >= 3 ? 3 : 1;
            if (no == 5 && nk == 5)
              wgrad_block (I, K, S, M, dz, ldd, in, ldi, dW, o0, i, k0, 5, 5);
            else if (no == 5 && nk == 3)
              wgrad_block (I, K, S, M, dz, ldd, in, ldi, dW, o0, i, k0, 5, 3);
            else if (no == 5)
              wgrad_block (I, K, S, M, dz, ldd, in, ldi, dW, o0, i, k0, 5, 1);
            else if (no == 4 && nk == 5)
              wgrad_block (I, K, S, M, dz, ldd, in, ldi, dW, o0, i, k0, 4, 5);
            else if (no == 4 && nk == 3)
              wgrad_block (I, K, S, M, dz, ldd, in, ldi, dW, o0, i, k0, 4, 3);
            else if (no == 4)
              wgrad_block (I, K, S, M, dz, ldd, in, ldi, dW, o0, i, k0, 4, 1);
            else if (nk == 5)
              wgrad_block (I, K, S, M, dz, ldd, in, ldi, dW, o0, i, k0, 1, 5);
            else if (nk == 3)
              wgrad_block (I, K, S, M, dz, ldd, in, ldi, dW, o0, i, k0, 1, 3);
            else
              wgrad_block (I, K, S, M, dz, ldd, in, ldi, dW, o0, i, k0, 1, 1);
            k0 += nk;
          }
      o0 += no;
    }
  if (db)
    nn_cm_bias_grad (O, M, dz, ldd, db);
}

CM_HOT static void
cm_bias_grad (size_t O, size_t M, const float *dz, size_t ldd, float *db)
{
  for (size_t o = 0; o < O; o++)
    {
      const float *d = dz + o * ldd;
      v16 acc = { 0 };
      size_t r = 0;
      for (; r + VL <= M; r += VL)
        {
          v16 x;
          VLD (x, d + r);
          acc += x;
        }
      float s = hsum (&acc);
      for (; r < M; r++)
        s += d[r];
      db[o] += s;
    }
}

/* One window of VL columns (S a multiple of VL): the max and its first step. */
CM_INLINE void
pool_vec (const float *x, size_t S, size_t t0, size_t t1, float *o, int32_t *a)
{
  v16 m;
  v16i am = (v16i) { 0 } + (int32_t) t0;
  VLD (m, x + t0 * S);
  for (size_t t = t0 + 1; t < t1; t++)
    {
      v16 xr;
      VLD (xr, x + t * S);
      const v16i gt = xr > m;
      m = (v16) (((v16i) xr & gt) | ((v16i) m & ~gt));
      am = (((v16i) { 0 } + (int32_t) t) & gt) | (am & ~gt);
    }
  VST (o, m);
  VST (a, am);
}

CM_HOT static void
cm_maxpool (size_t C, size_t T, size_t S, size_t pool, const float *x, size_t ldx,
               float *out, int32_t *arg, size_t ldo)
{
  const size_t Tp = (T + pool - 1) / pool;
  for (size_t c = 0; c < C; c++)
    for (size_t tp = 0; tp < Tp; tp++)
      {
        const size_t t0 = tp * pool, t1 = t0 + pool < T ? t0 + pool : T;
        float *o = out + c * ldo + tp * S;
        int32_t *a = arg + c * ldo + tp * S;
        size_t s = 0;
        for (; S % VL == 0 && s < S; s += VL)
          pool_vec (x + c * ldx + s, S, t0, t1, o + s, a + s);
        for (; s < S; s++)
          {
            const float *xs = x + c * ldx + s;
            float m = xs[t0 * S];
            int32_t am = (int32_t) t0;
            for (size_t t = t0 + 1; t < t1; t++)
              if (xs[t * S] > m)
                {
                  m = xs[t * S];
                  am = (int32_t) t;
                }
            o[s] = m;
            a[s] = am;
          }
      }
}

CM_HOT static void
cm_maxpool_backward (size_t C, size_t T, size_t S, size_t pool, const float *dout,
                        const int32_t *arg, size_t ldo, const float *gate, float *dx,
                        size_t ldx)
{
  const size_t Tp = (T + pool - 1) / pool;
  for (size_t c = 0; c < C; c++)
    for (size_t tp = 0; tp < Tp; tp++)
      {
        const float *d = dout + c * ldo + tp * S;
        const int32_t *a = arg + c * ldo + tp * S;
        const size_t t1 = tp * pool + pool < T ? tp * pool + pool : T;
        for (size_t t = tp * pool; t < t1; t++)
          {
            const float *g = gate + c * ldx + t * S;
            float *o = dx + c * ldx + t * S;
            for (size_t s = 0; s < S; s++)
              o[s] = (a[s] == (int32_t) t) & (g[s] > 0) ? d[s] : 0.0f;
          }
      }
}

/* Taps k of output step t whose source step t + k − p lies in [0, T). */
CM_INLINE void
tap_range (size_t t, size_t K, size_t T, size_t *k0, size_t *k1)
{
  const size_t p = K / 2;
  *k0 = t < p ? p - t : 0;
  *k1 = T + p - t < K ? T + p - t : K;
}

CM_HOT static void
cm_upconv (size_t F, size_t K, size_t T, size_t S, size_t pool, const float *Y, size_t ldy,
              const float *bias, float *out, size_t ldo)
{
  const size_t p = K / 2;
  const v16 zero = { 0 };
  size_t off[NN_CM_MAX_K];       /* per tap: its row block in Y (no division in the loops) */
  for (size_t t = 0; t < T; t++)
    {
      size_t k0, k1;
      tap_range (t, K, T, &k0, &k1);
      for (size_t k = k0; k < k1; k++)
        off[k] = k * F * ldy + ((t + k - p) / pool) * S;
      for (size_t f = 0; f < F; f++)
        {
          const float *y = Y + f * ldy;
          float *o = out + f * ldo + t * S;
          size_t s = 0;
          for (; S % VL == 0 && s < S; s += VL)
            {
              v16 acc = zero + bias[f];
              for (size_t k = k0; k < k1; k++)
                {
                  v16 yk;
                  VLD (yk, y + off[k] + s);
                  acc += yk;
                }
              acc = (v16) ((v16i) acc & (acc > zero));
              VST (o + s, acc);
            }
          for (; s < S; s++)
            {
              float acc = bias[f];
              for (size_t k = k0; k < k1; k++)
                acc += y[off[k] + s];
              o[s] = acc > 0 ? acc : 0;
            }
        }
    }
}

CM_HOT static void
cm_upconv_backward (size_t F, size_t K, size_t T, size_t S, size_t pool, const float *dz,
                       size_t ldd, float *D, size_t ldD)
{
  const size_t p = K / 2, Tp = (T + pool - 1) / pool;
  for (size_t k = 0; k < K; k++)
    for (size_t f = 0; f < F; f++)
      for (size_t tp = 0; tp < Tp; tp++)
        {
          /* source steps u of latent step tp, read by output steps t = u − k + p in [0, T) */
          const size_t u0 = tp * pool, u1 = u0 + pool < T ? u0 + pool : T;
          const size_t t0 = u0 + p >= k ? u0 + p - k : 0;
          size_t t1 = u1 + p >= k ? u1 + p - k : 0;
          t1 = t1 < T ? t1 : T;
          const float *d = dz + f * ldd;
          float *o = D + (k * F + f) * ldD + tp * S;
          size_t s = 0;
          for (; S % VL == 0 && s < S; s += VL)
            {
              v16 acc = { 0 };
              for (size_t t = t0; t < t1; t++)
                {
                  v16 x;
                  VLD (x, d + t * S + s);
                  acc += x;
                }
              VST (o + s, acc);
            }
          for (; s < S; s++)
            {
              float acc = 0;
              for (size_t t = t0; t < t1; t++)
                acc += d[t * S + s];
              o[s] = acc;
            }
        }
}

/* The public names: GCC gives a non-static multiversioned function's
 * dispatcher default visibility whatever -fvisibility says, so the versions
 * stay static and the plugins export nothing but their entry point. */

void
nn_cm_conv (const NnCmConv *a)
{
  cm_conv (a);
}

void
nn_cm_wgrad (size_t O, size_t I, size_t K, size_t S, size_t M, const float *dz, size_t ldd,
             const float *in, size_t ldi, float *dW, float *db)
{
  cm_wgrad (O, I, K, S, M, dz, ldd, in, ldi, dW, db);
}

void
nn_cm_bias_grad (size_t O, size_t M, const float *dz, size_t ldd, float *db)
{
  cm_bias_grad (O, M, dz, ldd, db);
}

void
nn_cm_maxpool (size_t C, size_t T, size_t S, size_t pool, const float *x, size_t ldx,
               float *out, int32_t *arg, size_t ldo)
{
  cm_maxpool (C, T, S, pool, x, ldx, out, arg, ldo);
}

void
nn_cm_maxpool_backward (size_t C, size_t T, size_t S, size_t pool, const float *dout,
                        const int32_t *arg, size_t ldo, const float *gate, float *dx,
                        size_t ldx)
{
  cm_maxpool_backward (C, T, S, pool, dout, arg, ldo, gate, dx, ldx);
}

void
nn_cm_upconv (size_t F, size_t K, size_t T, size_t S, size_t pool, const float *Y, size_t ldy,
              const float *bias, float *out, size_t ldo)
{
  cm_upconv (F, K, T, S, pool, Y, ldy, bias, out, ldo);
}

void
nn_cm_upconv_backward (size_t F, size_t K, size_t T, size_t S, size_t pool, const float *dz,
                       size_t ldd, float *D, size_t ldD)
{
  cm_upconv_backward (F, K, T, S, pool, dz, ldd, D, ldD);
}
