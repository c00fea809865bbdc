/* scaling — copies of the selected training series with every channel's
 * magnitude scaled by a factor drawn around 1.
 *
 * One factor per (added series, channel), f ~ Normal(1, sigma). With
 * `about: mean` (the default) the channel is scaled about its own mean over
 * the series' valid steps, x' = m + f (x - m): process sensors sit at large
 * offsets (mould temperature ~1520 °C), and scaling the raw value would move
 * the level far outside the sensor's range instead of changing the size of
 * its fluctuations. `about: zero` scales the raw values, x' = f x, as in Um
 * et al. (2017), for signals centred on zero. Padding is left as it was;
 * NaN stays NaN (and a channel with a NaN keeps m = NaN, so with
 * `about: mean` that channel of the copy is NaN on its valid steps).
 */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

#include "augment_common.h"

#define WHO "scaling"

static TdDataset *
scaling_apply (const TdParams *params, const TdDataset *train, TdContext *ctx, GError **error)
{
  gboolean about_mean = strcmp (td_params_get_string (params, "about"), "mean") == 0;
  if (!aug_check_input (train, WHO, 1, error))
    return NULL;
  if (about_mean && train->n_steps == 1)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                           WHO ": about: mean scales each series about its own mean, which "
                           "changes nothing when a series has one step (a feature matrix); "
                           "use about: zero");
      return NULL;
    }
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
      for (size_t c = 0; c < nc; c++)
        {
          double f = 1.0 + gsl_ran_gaussian_ziggurat (rng, sigma);
          double m = 0;
          if (about_mean && len > 0)
            {
              for (size_t t = 0; t < len; t++)
                m += x[t * nc + c];
              m /= (double) len;
            }
          for (size_t t = 0; t < len; t++)
            x[t * nc + c] = (float) (m + f * (x[t * nc + c] - m));
        }
    }
  return g_steal_pointer (&out);
}

static const char *const about_choices[] = { "mean", "zero", NULL };

static const TdParamSpec scaling_params[] = {
  AUG_COMMON_PARAMS,
  { .name = "sigma", .type = TD_PARAM_DOUBLE, .default_value = "0.1", .min = 0, .max = 1,
    .help = "sd of the scaling factor, drawn from Normal(1, sigma) per series and channel" },
  { .name = "about", .type = TD_PARAM_ENUM, .default_value = "mean", .choices = about_choices,
    .help = "scale about the series' channel mean (mean) or about zero (zero)" },
};

static const TdAugmentVTable scaling_vtable = {
  .apply = scaling_apply,
};

static const TdPluginDescriptor scaling_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_AUGMENT,
  .name = "scaling",
  .version = "1.0.0",
  .summary = "copies with each channel's magnitude scaled by a factor drawn around 1",
  .params = scaling_params,
  .n_params = G_N_ELEMENTS (scaling_params),
  .vtable = &scaling_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &scaling_descriptor : NULL;
}
