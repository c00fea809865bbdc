/* nn_cm.h — convolution kernels on channel-major data, for networks whose
 * channels are few (the VAE, nn_vae.c). Private to the NN library.
 *
 * A channel-major tensor of I channels and M rows is I rows of ld floats;
 * row r of channel i is in[i·ld + r]. With time-major sequences (r = t·B + b)
 * one step is S = B rows, so tap k of a kernel of K taps ('same' padding,
 * p = K/2) reads row r + (k − p)·S: a contiguous run of rows per tap, no
 * im2col. The caller keeps p·S zero rows before row 0 and after row M − 1 of
 * every input, so the padding needs no tests in the loops.
 *
 * The loops are vectorised over rows, blocked over outputs and taps, and
 * built three times: AVX-512 (16 floats), AVX2 with FMA (8) and the
 * compiler's baseline (4), the best the CPU has chosen at the first call
 * (TUNDISH_NN_KERNELS=base or avx2 lowers it: the tests run each). This file
 * is compiled with FMA contraction, so results differ in the last bits
 * between those versions (as OpenBLAS's kernels differ between CPUs), never
 * between calls, batch sizes or thread counts on one machine: each output
 * of nn_cm_conv is one fixed sequence of operations, whatever
 * lane or tail it falls in. Reductions over rows (nn_cm_wgrad) depend on M. */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct {
  size_t O, I, K;             /* outputs, inputs, taps */
  size_t S;                   /* rows per step */
  size_t M;                   /* rows */
  const float *W;             /* [O][I][K] (PyTorch's Conv1d layout; K = 1: Linear's [O][I]) */
  const float *bias;          /* [O], or NULL for 0 */
  const float *in;            /* [I][ldi] */
  size_t ldi;
  float *out;                 /* [O][ldo], rows 0..M-1 written */
  size_t ldo;
  const float *gate;          /* NULL, or out = 0 where gate[o·ldg + r] ≤ 0 (ReLU's backward) */
  size_t ldg;
  int relu;                   /* out = max(out, 0) (NaN → 0) */
} NnCmConv;

/* out[o][r] = bias[o] + Σ_i Σ_k W[o][i][k] · in[i][r + (k − K/2)·S], then
 * relu / gate. */
void nn_cm_conv (const NnCmConv *a);

/* dW[o][i][k] += Σ_r dz[o][r] · in[i][r + (k − K/2)·S] over r < M, and
 * db[o] += Σ_r dz[o][r] when db is not NULL. */
void nn_cm_wgrad (size_t O, size_t I, size_t K, size_t S, size_t M, const float *dz, size_t ldd,
                  const float *in, size_t ldi, float *dW, float *db);

/* db[o] += Σ_r dz[o][r] over r < M. */
void nn_cm_bias_grad (size_t O, size_t M, const float *dz, size_t ldd, float *db);

/* A convolution of a nearest-upsampled input, by latent step: with
 * Y[k·F + f][tp·S + s] = Σ_z W[f][z][k] · z[z][tp·S + s] (nn_cm_conv, K = 1,
 * on the T' = ⌈T/pool⌉ latent steps), the convolution's output at step t is
 * out[f][t·S + s] = max(0, bias[f] + Σ_k Y[k·F + f][⌊(t + k − p)/pool⌋·S + s])
 * over the taps whose step t + k − p lies in [0, T): K·F·Z products per
 * latent step instead of per step. */
#define NN_CM_MAX_K 64        /* the largest K nn_cm_upconv takes */
void nn_cm_upconv (size_t F, size_t K, size_t T, size_t S, size_t pool, const float *Y,
                   size_t ldy, const float *bias, float *out, size_t ldo);
/* Its backward to the latent steps: D[k·F + f][tp·S + s] = Σ dz[f][t·S + s]
 * over the steps t in [0, T) whose tap k reads latent step tp. Then
 * ∂W[f][z][k] = Σ D[k·F + f] · z[z] and ∂z[z] = Σ_k Σ_f W[f][z][k] · D[k·F + f]
 * (nn_cm_wgrad and nn_cm_conv with K = 1). */
void nn_cm_upconv_backward (size_t F, size_t K, size_t T, size_t S, size_t pool,
                            const float *dz, size_t ldd, float *D, size_t ldD);

/* out[c][tp·S + s] = max over t in [tp·pool, min(tp·pool + pool, T)) of
 * x[c][t·S + s], for tp < ⌈T/pool⌉; arg keeps the first such t. */
void nn_cm_maxpool (size_t C, size_t T, size_t S, size_t pool, const float *x, size_t ldx,
                    float *out, int32_t *arg, size_t ldo);

/* dx[c][t·S + s] = dout[c][tp·S + s] where arg says t won its window and
 * gate[c][t·S + s] > 0 (the ReLU before the pool), else 0. Every row
 * t·S + s < T·S written. */
void nn_cm_maxpool_backward (size_t C, size_t T, size_t S, size_t pool, const float *dout,
                             const int32_t *arg, size_t ldo, const float *gate, float *dx,
                             size_t ldx);
