/* nn_math.h — the elementwise functions of the LSTM, per precision.
 *
 * float: branch-free Cephes-style expf/tanhf (≤ 2 ulp on the range that
 * matters) written so that GCC vectorises the loops calling them; glibc's
 * expf is a scalar call and took ~20% of a training epoch. double: libm,
 * because the float64 path exists to reproduce PyTorch to 1e-10 and more.
 * Both are plain IEEE arithmetic without FMA contraction (-std=c11 implies
 * -ffp-contract=off), so a vectorised loop gives the same bits as a scalar one.
 */
#pragma once

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Forced inline: these are called from multiversioned (target_clones)
 * kernels, into which GCC does not inline ordinary inline functions. */
#if defined(__GNUC__)
#define NN_INLINE static inline __attribute__ ((always_inline))
#else
#define NN_INLINE static inline
#endif

NN_INLINE float
nn_expf (float x)
{
  /* exp(88) < FLT_MAX and exp(-87) > FLT_MIN: the clamp keeps 2^n normal. */
  x = x > 88.0f ? 88.0f : x;
  x = x < -87.0f ? -87.0f : x;
  float fx = x * 1.44269504088896341f + 0.5f;
  int32_t n = (int32_t) fx;
  n -= (fx < (float) n);                 /* floor */
  float fn = (float) n;
  x = x - fn * 0.693359375f;             /* ln 2 in two parts (Cody-Waite) */
  x = x - fn * -2.12194440e-4f;
  float z = x * x;
  float y = 1.9875691500e-4f;
  y = y * x + 1.3981999507e-3f;
  y = y * x + 8.3334519073e-3f;
  y = y * x + 4.1665795894e-2f;
  y = y * x + 1.6666665459e-1f;
  y = y * x + 5.0000001201e-1f;
  y = y * z + x + 1.0f;
  int32_t bits = (n + 127) << 23;
  float p2;
  memcpy (&p2, &bits, sizeof p2);
  return y * p2;
}

NN_INLINE float
nn_sigmoidf (float x)
{
  return 1.0f / (1.0f + nn_expf (-x));
}

NN_INLINE float
nn_tanhf (float x)
{
  float ax = x < 0 ? -x : x;
  float z = x * x;
  /* |x| < 0.625: odd polynomial (no cancellation near 0) */
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  float small = p * z * x + x;
  float big = 1.0f - 2.0f / (nn_expf (2.0f * ax) + 1.0f);
  big = x < 0 ? -big : big;
  return ax < 0.625f ? small : big;
}

NN_INLINE double
nn_sigmoid (double x)
{
  return 1.0 / (1.0 + exp (-x));
}

/* log(1 + exp(x)) without overflow. */
NN_INLINE double
nn_softplus (double x)
{
  return x > 0 ? x + log1p (exp (-x)) : log1p (exp (x));
}
