/* nn_f64.c — the double instantiation of the layer templates (see nn.h). */
#include <cblas.h>
#include <math.h>
#include <string.h>

#define NN_TEMPLATE_NAMES   /* NN(), NNT(): see tundish/nn_real.h */
#include <tundish/nn.h>
#include "nn_math.h"

#define NN_REAL double
#define NN_SFX f64
#define NN_GEMM cblas_dgemm
#define NN_GEMV cblas_dgemv
#define NN_SIGMOID(x) nn_sigmoid (x)
#define NN_TANH(x) tanh (x)
#define NN_EXP(x) exp (x)

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
