/* nn_cm.c — convolution kernels on channel-major data (see nn_cm.h).
 *
 * Why not im2col + sgemm: the VAE's convolutions have 5 to 40 inputs per
 * tap-set and 5 to 32 outputs over thousands of rows, shapes where OpenBLAS
 * spends its time packing (and, on a CPU it does not know, runs its generic
 * kernels), and the im2col copy is K times the input. Here each tap reads
 * its rows in place and the accumulators stay in registers. */
#include <string.h>

#include <glib.h>

#include "nn_cm.h"

#if defined(__GNUC__)
#define CM_INLINE static inline __attribute__ ((always_inline))
#else
#define CM_INLINE static inline
#endif

/* Three builds of the kernels: AVX-512 (16 floats, 32 registers), AVX2 with
 * FMA (8 floats), and the baseline of the compiler's target (4 floats: SSE2
 * on x86-64, NEON on AArch64; the only one with clang), chosen once from
 * the CPU (level ()). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define CM_X86 1
#pragma GCC push_options
#pragma GCC target ("avx512f")
#define CM_VL 16
#define CM_SFX avx512
#define CM_WIDE 1
#include "nn_cm_kernels.inc"
#undef CM_VL
#undef CM_SFX
#undef CM_WIDE
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target ("avx2,fma")
#define CM_VL 8
#define CM_SFX avx2
#define CM_WIDE 0
#include "nn_cm_kernels.inc"
#undef CM_VL
#undef CM_SFX
#undef CM_WIDE
#pragma GCC pop_options
#else
#define CM_X86 0
#endif

#define CM_VL 4
#define CM_SFX base
#define CM_WIDE 0
#include "nn_cm_kernels.inc"
#undef CM_VL
#undef CM_SFX
#undef CM_WIDE

typedef enum { CM_BASE, CM_AVX2, CM_AVX512 } CmLevel;

/* What the CPU runs, lowered by TUNDISH_NN_KERNELS=base|avx2 (the tests
 * run every version on one machine). */
static CmLevel
level (void)
{
  static gsize cached = 0;      /* level + 1 */
  if (g_once_init_enter (&cached))
    {
      CmLevel l = CM_BASE;
#if CM_X86
      __builtin_cpu_init ();
      if (__builtin_cpu_supports ("avx512f"))
        l = CM_AVX512;
      else if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
        l = CM_AVX2;
#endif
      const char *want = g_getenv ("TUNDISH_NN_KERNELS");
      if (g_strcmp0 (want, "base") == 0)
        l = CM_BASE;
      else if (g_strcmp0 (want, "avx2") == 0 && l > CM_AVX2)
        l = CM_AVX2;
      g_once_init_leave (&cached, (gsize) l + 1);
    }
  return (CmLevel) (cached - 1);
}

#if CM_X86
#define CM_DISPATCH(name, ...)                                  \
  switch (level ())                                             \
    {                                                           \
    case CM_AVX512: name##_avx512 (__VA_ARGS__); break;         \
    case CM_AVX2: name##_avx2 (__VA_ARGS__); break;             \
    default: name##_base (__VA_ARGS__); break;                  \
    }
#else
#define CM_DISPATCH(name, ...) name##_base (__VA_ARGS__)
#endif

/* The public names. (Not GCC's target_clones: it gives a multiversioned
 * function's dispatcher default visibility whatever -fvisibility says, and
 * one source vector width cannot suit every version.) */

void
nn_cm_conv (const NnCmConv *a)
{
  CM_DISPATCH (cm_conv, a);
}

void
nn_cm_wgrad (size_t O, size_t I, size_t K, size_t S, size_t M, const float *dz, size_t ldd,
             const float *in, size_t ldi, float *dW, float *db)
{
  CM_DISPATCH (cm_wgrad, O, I, K, S, M, dz, ldd, in, ldi, dW, db);
}

void
nn_cm_bias_grad (size_t O, size_t M, const float *dz, size_t ldd, float *db)
{
  CM_DISPATCH (cm_bias_grad, O, M, dz, ldd, db);
}

void
nn_cm_maxpool (size_t C, size_t T, size_t S, size_t pool, const float *x, size_t ldx,
               float *out, int32_t *arg, size_t ldo)
{
  CM_DISPATCH (cm_maxpool, C, T, S, pool, x, ldx, out, arg, ldo);
}

void
nn_cm_maxpool_backward (size_t C, size_t T, size_t S, size_t pool, const float *dout,
                        const int32_t *arg, size_t ldo, const float *gate, float *dx,
                        size_t ldx)
{
  CM_DISPATCH (cm_maxpool_backward, C, T, S, pool, dout, arg, ldo, gate, dx, ldx);
}

void
nn_cm_upconv (size_t F, size_t K, size_t T, size_t S, size_t pool, const float *Y, size_t ldy,
              const float *bias, float *out, size_t ldo)
{
  CM_DISPATCH (cm_upconv, F, K, T, S, pool, Y, ldy, bias, out, ldo);
}

void
nn_cm_upconv_backward (size_t F, size_t K, size_t T, size_t S, size_t pool, const float *dz,
                       size_t ldd, float *D, size_t ldD)
{
  CM_DISPATCH (cm_upconv_backward, F, K, T, S, pool, dz, ldd, D, ldD);
}
