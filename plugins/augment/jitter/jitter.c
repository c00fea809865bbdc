/* jitter — copies of the selected training series with additive Gaussian
 * noise.
 *
 * The noise of channel c has standard deviation sigma × sd_c, where sd_c is
 * the population standard deviation of channel c over every valid, non-NaN
 * value of the training set handed to apply() (all series and steps pooled;
 * with earlier augmentation stages, their additions are part of that set).
 * Noise is independent per step and channel; padding steps (beyond
 * lengths[s]) are left as they were and NaN stays NaN. Labels, lengths and
 * metadata are the source's.
 */
#include <gsl/gsl_randist.h>
#include <math.h>

#include "augment_common.h"

#define WHO "jitter"

static TdDataset *
jitter_apply (const TdParams *params, const TdDataset *train, TdContext *ctx, GError **error)
{
  if (!aug_check_input (train, WHO, 1, error))
    return NULL;
  g_autoptr (GArray) sel = aug_select (train, td_params_get_string (params, "apply_to"), WHO,
                                       error);
  if (!sel)
    return NULL;
  gsl_rng *rng = td_context_rng (ctx);
  size_t n_added = 0;
  g_autofree size_t *src = aug_draw_sources (sel, td_params_get_double (params, "ratio"), rng,
                                             &n_added);
  g_autoptr (TdDataset) out = aug_build (train, src, n_added, WHO, error);
  if (!out)
    return NULL;

  double sigma = td_params_get_double (params, "sigma");
  size_t nc = train->n_channels;
  g_autofree double *sd = g_new (double, nc);
  aug_channel_sd (train, sd);
  for (size_t c = 0; c < nc; c++)
    sd[c] *= sigma;

  for (size_t k = 0; k < n_added; k++)
    {
      if (k % 64 == 0 && td_context_cancelled (ctx))
        {
          aug_cancelled (WHO, error);
          return NULL;
        }
      size_t row = train->n_series + k;
      float *x = td_dataset_series (out, row);
      size_t len = td_dataset_length (out, row);
      for (size_t t = 0; t < len; t++)
        for (size_t c = 0; c < nc; c++)
          {
            /* NaN + noise stays NaN, and still takes its draw: the stream
             * stays aligned with the values whatever the data holds. */
            double e = gsl_ran_gaussian_ziggurat (rng, 1.0);
            x[t * nc + c] = (float) (x[t * nc + c] + sd[c] * e);
          }
    }
  return g_steal_pointer (&out);
}

static const TdParamSpec jitter_params[] = {
  AUG_COMMON_PARAMS,
  { .name = "sigma", .type = TD_PARAM_DOUBLE, .default_value = "0.05", .min = 0, .max = 10,
    .help = "noise sd as a fraction of each channel's training standard deviation" },
};

static const TdAugmentVTable jitter_vtable = {
  .apply = jitter_apply,
};

static const TdPluginDescriptor jitter_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_AUGMENT,
  .name = "jitter",
  .version = "1.0.0",
  .summary = "copies with additive Gaussian noise, sigma relative to each channel's training sd",
  .params = jitter_params,
  .n_params = G_N_ELEMENTS (jitter_params),
  .vtable = &jitter_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &jitter_descriptor : NULL;
}
