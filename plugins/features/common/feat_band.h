/* feat_band.h — the "normal band" of a channel, fitted on the training split.
 *
 * stability (excursions), duration (time outside) and interaction
 * (co-occurrence, deviations) all ask whether a value lies outside a band
 * [low, high] learned from the training series only. One set of parameters
 * chooses how the band is fitted:
 *
 *   band: robust    center = median, half width = band_k × 1.4826 × MAD
 *                   (MAD = median |x - median|; when it is 0, 1.2533 × the
 *                   mean |x - median|: feat_robust_scale)
 *         sd        center = mean, half width = band_k × sd (population)
 *         quantile  low, high = the band_quantiles of the training values
 *                   (numpy's linear interpolation); center = their midpoint
 *         fixed     low, high = band_low[c], band_high[c], one per input
 *                   channel in channel order (nothing learned from data)
 *
 * Pooled over every valid (non-padding), non-NaN training value of the
 * channel. A value x is above the band when x > high, below when x < low.
 */
#pragma once

#include "feat_common.h"

G_BEGIN_DECLS

typedef enum {
  BAND_ROBUST,
  BAND_SD,
  BAND_QUANTILE,
  BAND_FIXED,
} BandMethod;

extern const char *const band_choices[];   /* "robust", "sd", "quantile", "fixed", NULL */

/* The band parameters, for a plugin's TdParamSpec array. */
#define BAND_PARAM_SPECS                                                               \
  { .name = "band", .type = TD_PARAM_ENUM, .default_value = "robust",                    \
    .choices = band_choices,                                                          \
    .help = "how the normal band of each channel is fitted on train: robust (median ± "  \
            "band_k·1.4826·MAD), sd (mean ± band_k·sd), quantile (band_quantiles), "     \
            "fixed (band_low/band_high)" },                                              \
  { .name = "band_k", .type = TD_PARAM_DOUBLE, .default_value = "2", .min = 0, .max = 1e6, \
    .help = "half width of the robust and sd bands in (robust) standard deviations" },   \
  { .name = "band_quantiles", .type = TD_PARAM_DOUBLE_LIST, .default_value = "[0.01, 0.99]", \
    .min = 0, .max = 1, .help = "[low, high] training quantiles of the quantile band" }, \
  { .name = "band_low", .type = TD_PARAM_DOUBLE_LIST, .default_value = "[]",             \
    .help = "fixed band: lower limit per input channel, in channel order" },             \
  { .name = "band_high", .type = TD_PARAM_DOUBLE_LIST, .default_value = "[]",            \
    .help = "fixed band: upper limit per input channel, in channel order" }

typedef struct {
  BandMethod method;
  double k, q_low, q_high;
  double *fixed_low, *fixed_high;
  size_t n_fixed;
} BandSpec;

/* Read and check the band parameters (quantiles ordered, fixed lists of
 * equal length with low <= high). */
gboolean band_spec_init (BandSpec *spec, const TdParams *params, const char *who,
                         GError **error);
void band_spec_clear (BandSpec *spec);

/* Fitted limits of every channel of train: low/high/center[n_channels].
 * Fails when a channel has no finite training value (robust, sd, quantile)
 * or the fixed lists do not match the channel count. Channels are fitted in
 * parallel (each the same way whatever the thread count). */
gboolean band_fit (const BandSpec *spec, const TdDataset *train, TdContext *ctx,
                   double *low, double *high, double *center, const char *who,
                   GError **error);

/* Valid steps over all series of ds: the size a pooled buffer needs. */
size_t feat_total_steps (const TdDataset *ds);
/* Every valid, non-NaN value of channel c over the series of ds, in double,
 * into out[feat_total_steps (ds)]; returns the count. */
size_t feat_pool_values (const TdDataset *ds, size_t c, double *out);
/* Every first difference x[t] - x[t-1] (t >= 1, both valid and not NaN) of
 * channel c over the series of ds, into out; returns the count. */
size_t feat_pool_diffs (const TdDataset *ds, size_t c, double *out);

/* A robust standard deviation of v[0..n) (n > 0): 1.4826 × MAD, the MAD
 * being median |v - median(v)|; when the MAD is 0 (more than half the
 * values equal), 1.2533 × the mean absolute deviation from the median (the
 * usual fallback, also consistent for normal data); 0 when every value is
 * the same. The median goes to *center when non-NULL. v is overwritten
 * with the absolute deviations (no second copy of millions of values). */
double feat_robust_scale (double *v, size_t n, double *center);

G_END_DECLS
