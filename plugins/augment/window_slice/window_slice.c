/* window_slice — copies of the selected training series made of a random
 * crop resampled back to the full length (Le Guennec et al., 2016).
 *
 * For a series of L valid steps the crop keeps W = max(2, round(crop × L))
 * consecutive steps starting at an offset drawn uniformly from 0..L-W; the
 * crop is stretched linearly onto L steps (its first and last steps land on
 * the first and last step of the copy). The copy's length stays L; padding is
 * left as it was. A series with fewer than 2 valid steps is copied as is.
 */
#include <gsl/gsl_rng.h>
#include <math.h>

#include "augment_common.h"

#define WHO "window_slice"

static TdDataset *
window_slice_apply (const TdParams *params, const TdDataset *train, TdContext *ctx,
                    GError **error)
{
  if (!aug_check_input (train, WHO, 2, error))
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

  double crop = td_params_get_double (params, "crop");
  size_t nc = train->n_channels;
  for (size_t k = 0; k < n_added; k++)
    {
      if (k % 64 == 0 && td_context_cancelled (ctx))
        {
          aug_cancelled (WHO, error);
          return NULL;
        }
      size_t row = train->n_series + k;
      size_t len = td_dataset_length (out, row);
      if (len < 2)
        continue;
      size_t width = (size_t) floor (crop * (double) len + 0.5);
      width = CLAMP (width, (size_t) 2, len);
      size_t start = (size_t) gsl_rng_uniform_int (rng, (unsigned long) (len - width + 1));
      const float *x = td_dataset_series (train, src[k]) + start * nc;
      aug_resample (x, width, td_dataset_series (out, row), len, nc);
    }
  return g_steal_pointer (&out);
}

static const TdParamSpec window_slice_params[] = {
  AUG_COMMON_PARAMS,
  { .name = "crop", .type = TD_PARAM_DOUBLE, .default_value = "0.9", .min = 0.01, .max = 1,
    .help = "fraction of each series' valid steps kept by the crop (1 = plain copy)" },
};

static const TdAugmentVTable window_slice_vtable = {
  .apply = window_slice_apply,
};

static const TdPluginDescriptor window_slice_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_AUGMENT,
  .name = "window_slice",
  .version = "1.0.0",
  .summary = "copies made of a random crop stretched back to the full length",
  .params = window_slice_params,
  .n_params = G_N_ELEMENTS (window_slice_params),
  .vtable = &window_slice_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &window_slice_descriptor : NULL;
}
