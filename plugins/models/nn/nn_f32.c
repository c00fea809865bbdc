/* nn_f32.c — the float instantiation of the layer templates (see nn.h). */
#include <cblas.h>
#include <math.h>
#include <string.h>

#define NN_TEMPLATE_NAMES   /* NN(), NNT(): see tundish/nn_real.h */
#include <tundish/nn.h>
#include "nn_math.h"

#define NN_REAL float
#define NN_SFX f32
#define NN_GEMM cblas_sgemm
#define NN_GEMV cblas_sgemv
#define NN_SIGMOID(x) nn_sigmoidf (x)
#define NN_TANH(x) nn_tanhf (x)
#define NN_EXP(x) nn_expf (x)

/* The elementwise kernels in AVX-512, AVX2 and baseline versions, chosen at
 * load time (GCC function multiversioning). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__ELF__)
#define NN_HOT __attribute__ ((target_clones ("avx512f", "avx2", "default")))
#else
#define NN_HOT
#endif

typedef NN_REAL R;

#include "nn_layers.inc"
#include "nn_attention.inc"
#include "nn_conv.inc"
#include "nn_model.inc"
#include "nn_optim.inc"
