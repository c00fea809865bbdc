/* mixup — convex combinations of pairs of training series and of their
 * labels (Zhang et al., 2018), giving soft labels.
 *
 * Every added series starts from a selected source a; its partner b is drawn
 * uniformly from the other training series (any class). With
 * lambda ~ Beta(alpha, alpha) and w = max(lambda, 1 - lambda), the copy is
 * x = w x_a + (1 - w) x_b and y = w y_a + (1 - w) y_b, so the source always
 * carries the larger weight. Beta(alpha, alpha) is symmetric, so with
 * apply_to: all this is ordinary mixup; with apply_to: minority every mix is
 * anchored on a minority series. The added row keeps a's bookkeeping
 * (length, group, metadata, augmented_from = a's original): a's is the
 * dominant component. When b has a different length, its valid part is
 * resampled linearly to a's length first.
 *
 * Binary targets become soft labels in [0, 1] (the xgboost and logistic
 * models accept them); regression targets mix as values. Multiclass and
 * anomaly targets are refused: a class index cannot hold a mixture, and an
 * anomaly model trains on y == 0 series only.
 */
#include <gsl/gsl_randist.h>
#include <math.h>

#include "augment_common.h"

#define WHO "mixup"

static TdDataset *
mixup_apply (const TdParams *params, const TdDataset *train, TdContext *ctx, GError **error)
{
  if (!aug_check_input (train, WHO, 1, error))
    return NULL;
  if (train->task != TD_TASK_BINARY && train->task != TD_TASK_REGRESSION)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED,
                           WHO ": needs binary or regression targets (a mixture of two labels "
                           "is a soft label; multiclass indices and anomaly labels cannot hold "
                           "one)");
      return NULL;
    }
  if (train->n_series < 2)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   WHO ": needs at least 2 training series to form pairs, got %zu",
                   train->n_series);
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

  double alpha = td_params_get_double (params, "alpha");
  size_t nc = train->n_channels;
  g_autofree float *scratch = g_new (float, MAX (train->n_steps * nc, (size_t) 1));
  for (size_t k = 0; k < n_added; k++)
    {
      if (k % 64 == 0 && td_context_cancelled (ctx))
        {
          aug_cancelled (WHO, error);
          return NULL;
        }
      size_t a = src[k];
      /* Uniform over the other n - 1 series. */
      size_t b = (size_t) gsl_rng_uniform_int (rng, (unsigned long) (train->n_series - 1));
      if (b >= a)
        b++;
      double lambda = gsl_ran_beta (rng, alpha, alpha);
      double w = MAX (lambda, 1.0 - lambda);

      size_t row = train->n_series + k;
      size_t len = td_dataset_length (out, row), len_b = td_dataset_length (train, b);
      const float *xb = td_dataset_series (train, b);
      if (len_b != len)
        {
          aug_resample (xb, len_b, scratch, len, nc);
          xb = scratch;
        }
      float *x = td_dataset_series (out, row);
      for (size_t i = 0; i < len * nc; i++)
        x[i] = (float) (w * x[i] + (1.0 - w) * xb[i]);
      out->y[row] = w * train->y[a] + (1.0 - w) * train->y[b];
    }
  return g_steal_pointer (&out);
}

static const TdParamSpec mixup_params[] = {
  AUG_COMMON_PARAMS,
  { .name = "alpha", .type = TD_PARAM_DOUBLE, .default_value = "0.2", .min = 0.001, .max = 100,
    .help = "lambda ~ Beta(alpha, alpha); small alpha keeps mixes close to the source" },
};

static const TdAugmentVTable mixup_vtable = {
  .apply = mixup_apply,
};

static const TdPluginDescriptor mixup_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_AUGMENT,
  .name = "mixup",
  .version = "1.0.0",
  .summary = "convex combinations of pairs of series and their labels (soft labels)",
  .params = mixup_params,
  .n_params = G_N_ELEMENTS (mixup_params),
  .vtable = &mixup_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &mixup_descriptor : NULL;
}
