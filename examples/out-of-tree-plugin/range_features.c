/* range_features — an out-of-tree feature plugin for tundish.
 *
 * For every channel of every series, over its valid steps:
 *   <channel>.range   max - min
 *   <channel>.iqr     quantile(high) - quantile(low), 0.75 and 0.25 by default
 * Quantiles interpolate linearly between order statistics (numpy's default,
 * "linear": position h = (n - 1) q). NaN propagates: a channel holding a NaN,
 * or a series of length 0, gets NaN in both columns; the model decides what
 * to do with missing values.
 *
 * Written only against the installed SDK, <tundish/tundish.h>. Build:
 *   cc -std=c11 -O2 -fPIC -shared -o feature_range_features.so range_features.c \
 *      $(pkg-config --cflags --libs tundish) -lm
 * docs/writing-a-plugin.md walks through this file.
 */
#include <math.h>
#include <stdlib.h>

#include <tundish/tundish.h>

/* The plugin's state, private to this file: the core only holds a pointer. */
struct TdFeature {
  double low, high;    /* quantiles of the spread column */
  gboolean iqr;        /* emit the spread column at all */
};

static const TdParamSpec range_params[] = {
  { .name = "iqr", .type = TD_PARAM_BOOL, .default_value = "true",
    .help = "also emit <channel>.iqr, the spread between quantiles low and high" },
  { .name = "low", .type = TD_PARAM_DOUBLE, .default_value = "0.25", .min = 0, .max = 1,
    .help = "lower quantile of the spread column" },
  { .name = "high", .type = TD_PARAM_DOUBLE, .default_value = "0.75", .min = 0, .max = 1,
    .help = "upper quantile of the spread column (must be above low)" },
};

static TdFeature *
range_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  /* Types and ranges were checked by the core against range_params; only
   * rules across parameters are left to the plugin. */
  double low = td_params_get_double (params, "low");
  double high = td_params_get_double (params, "high");
  if (!(low < high))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "range_features: low (%g) must be below high (%g)", low, high);
      return NULL;
    }
  TdFeature *self = g_new0 (TdFeature, 1);
  self->low = low;
  self->high = high;
  self->iqr = td_params_get_bool (params, "iqr");
  return self;
}

static void
range_destroy (TdFeature *self)
{
  g_free (self);
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* q-quantile of sorted v[0..n), n >= 1. */
static double
quantile_sorted (const double *v, size_t n, double q)
{
  double h = (double) (n - 1) * q;
  size_t i = (size_t) floor (h);
  if (i + 1 >= n)
    return v[n - 1];
  return v[i] + (h - (double) i) * (v[i + 1] - v[i]);
}

static TdDataset *
range_transform (TdFeature *self, const TdDataset *in, TdContext *ctx, GError **error)
{
  size_t n_ch = in->n_channels, per_ch = self->iqr ? 2 : 1;
  /* Same series, ids and metadata as the input (labels are hidden from
   * transform); one step, our columns. */
  g_autoptr (TdDataset) out = td_dataset_new_like (in, 1, n_ch * per_ch);

  for (size_t c = 0; c < n_ch; c++)
    {
      char cb[TD_CHANNEL_NAME_BUF];
      const char *ch = td_dataset_channel_name (in, c, cb);
      g_autofree char *range_name = g_strdup_printf ("%s.range", ch);
      td_dataset_set_channel_name (out, c * per_ch, range_name);
      if (self->iqr)
        {
          g_autofree char *iqr_name = g_strdup_printf ("%s.iqr", ch);
          td_dataset_set_channel_name (out, c * per_ch + 1, iqr_name);
        }
    }

  g_autofree double *v = g_new (double, in->n_steps > 0 ? in->n_steps : 1);
  for (size_t s = 0; s < in->n_series; s++)
    {
      /* Long runs stay responsive to Ctrl-C and to a trial's time limit. */
      if (s % 256 == 0 && td_context_cancelled (ctx))
        {
          g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_CANCELLED,
                               "range_features: cancelled");
          return NULL;
        }
      size_t len = td_dataset_length (in, s);
      if (len > in->n_steps)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "range_features: series %zu has length %zu > n_steps %zu",
                       s, len, in->n_steps);
          return NULL;
        }
      const float *x = td_dataset_series (in, s);
      float *row = td_dataset_series (out, s);
      for (size_t c = 0; c < n_ch; c++)
        {
          gboolean has_nan = FALSE;
          for (size_t t = 0; t < len; t++)
            {
              v[t] = x[t * n_ch + c];
              has_nan |= isnan (v[t]);
            }
          double range = NAN, spread = NAN;
          if (len > 0 && !has_nan)
            {
              qsort (v, len, sizeof *v, cmp_double);
              range = v[len - 1] - v[0];
              spread = quantile_sorted (v, len, self->high) - quantile_sorted (v, len, self->low);
            }
          row[c * per_ch] = (float) range;
          if (self->iqr)
            row[c * per_ch + 1] = (float) spread;
        }
    }
  return g_steal_pointer (&out);
}

static const TdFeatureVTable range_vtable = {
  .role = TD_FEATURE_EXTRACT,
  .accepts = TD_DATA_SEQUENCE,
  .create = range_create,
  .fit = NULL,                 /* stateless: nothing to learn from train */
  .transform = range_transform,
  .destroy = range_destroy,
};

static const TdPluginDescriptor range_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_FEATURE,
  .name = "range_features",
  .version = "1.0.0",
  .summary = "per-channel range (max - min) and interquartile range of each series",
  .params = range_params,
  .n_params = G_N_ELEMENTS (range_params),
  .vtable = &range_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &range_descriptor : NULL;
}
