/* nn_recon_private.h — helpers nn_ae.c and nn_vae.c share (nn_recon.c). */
#pragma once

#include <tundish/nn_recon.h>

size_t recon_len (const guint32 *len, size_t b, size_t T);
/* sse [B]: Σ over valid steps and channels of (recon - x)². */
void   recon_sse (const NnReconTapeHead *h, double *sse);
/* From dloss [B] (∂/∂ each sequence's per-element loss, SSE / (len·C)):
 * drec [T,B,C] (overwritten, 0 at padded steps), and the target's term
 * subtracted from dx [T,B,C] when not NULL. */
void   recon_sse_backward (const NnReconTapeHead *h, const float *dloss, float *drec, float *dx);
/* PyTorch's defaults over a layout: names with "weight_"/"bias_" are LSTM
 * tensors, U(±1/√lstm_hidden); others Linear/Conv1d, U(±1/√fan_in), a bias
 * taking the fan_in of the weight before it. */
void   recon_init_params (const NnLayout *lay, float *P, uint64_t seed, size_t lstm_hidden);
/* One N(0, 1) draw. */
double recon_normal (uint64_t *st);
/* n N(0, 1) draws in float, two from each draw of st (Box-Muller; about 20
 * times faster than n recon_normal calls: the VAE's training noise). */
void   recon_normals (uint64_t *st, float *out, size_t n);
