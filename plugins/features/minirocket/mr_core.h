/* mr_core.h — the MiniRocket transform (Dempster, Schmidt & Webb 2021),
 * separate from the plugin so the golden test can replay the reference's
 * random draws.
 *
 * Follows the reference (angus924/minirocket, code/minirocket.py and
 * minirocket_multivariate.py): the 84 kernels of length 9 with weights −1
 * everywhere and +2 at the C(9,3) index triples; dilations 2^linspace(0,
 * log2((L−1)/8), min(F/84, max_dilations)) truncated and made unique, with
 * the features per kernel spread over them; biases from quantiles (the
 * golden-ratio low-discrepancy sequence) of one training example's
 * convolution output per (dilation, kernel); padding alternating by
 * (dilation index + kernel index); PPV pooling. The convolution is the
 * reference's own: C = Σ_j −X[t+(j−4)d] + Σ_{j∈triple} 3X[t+(j−4)d], summed in
 * the reference's order so float32 results agree with it. For several
 * channels each (dilation, kernel) combines a random subset of channels
 * (the multivariate reference); one channel is the univariate case.
 *
 * Unequal lengths (the reference's variable-length variant): dilations come
 * from the longest training series, each series is convolved over its own
 * length with zero padding, and every feature is pooled over the whole
 * (padded) output, since a short series may have no unpadded positions.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

#define MR_N_KERNELS 84
#define MR_KERNEL_LENGTH 9

/* The fitted transform. */
typedef struct {
  int n_channels;
  int input_length;            /* the length dilations were fitted for */
  int n_dilations;
  int32_t *dilations;          /* [n_dilations] */
  int32_t *features_per_dilation;   /* [n_dilations], per kernel */
  int32_t *channels_per_combination;   /* [n_dilations * 84], dilation-major */
  int32_t *channel_offset;     /* [n_dilations * 84 + 1] into channel_indices */
  int32_t *channel_indices;    /* [channel_offset[n_comb]] */
  int n_features;
  float *biases;               /* [n_features], reference feature order */
  gboolean force_padding;      /* unequal lengths: pool over the padded output */
} MrParams;

void mr_params_clear (MrParams *p);

/* _fit_dilations: FALSE (with a message) when input_length < 9 or
 * num_features < 84. */
gboolean mr_fit_dilations (int input_length, int num_features, int max_dilations_per_kernel,
                           MrParams *p, GError **error);

/* _quantiles: out[k] = frac((k + 1) φ) as float32, k < n. */
void mr_quantiles (int n, float *out);

/* Channel combinations per (dilation, kernel) drawn with rng_uniform (a
 * uniform double in [0, 1)) and rng_int (uniform in [0, n)), as the
 * multivariate reference draws them; one channel: every combination is {0}
 * and nothing is drawn. Call after mr_fit_dilations. */
void mr_fit_channels (MrParams *p, int n_channels, double (*rng_uniform) (gpointer),
                      gulong (*rng_int) (gpointer, gulong), gpointer rng);

/* _fit_biases. series(k, c, &len) gives channel c of training example k
 * (len its valid length); example[i] is the training example drawn for the
 * i-th (dilation, kernel) pair, in the reference's loop order. */
typedef const float *(*MrSeriesFunc) (gpointer data, size_t example, int channel, size_t *len);
void mr_fit_biases (MrParams *p, MrSeriesFunc series, gpointer data, const size_t *example);

/* Scratch for one thread's mr_transform_one calls (series up to max_len). */
typedef struct MrScratch MrScratch;
MrScratch *mr_scratch_new (const MrParams *p, size_t max_len);
void mr_scratch_free (MrScratch *s);

/* The features of one series (channels x[c][0..len)) into out[n_features]. */
void mr_transform_one (const MrParams *p, const float *const *x, size_t len, MrScratch *s,
                       float *out);

G_END_DECLS
