/* resample — sequences to a fixed number of steps by block aggregation.
 *
 * A transform: n_steps → `length` steps. Output step b aggregates the input
 * steps [⌊b·n/L⌋, ⌊(b+1)·n/L⌋) of the common time axis (n = n_steps,
 * L = length), so every output step stands for the same stretch of time in
 * every series and block sizes differ by at most one. When L > n the block is
 * the single step ⌊b·n/L⌋ (nearest-step upsampling), so any length is valid.
 *
 * Lengths: only valid steps enter a block. A series with length len keeps the
 * blocks that start before len — out length = #{b : ⌊b·n/L⌋ < len} — and the
 * last of them aggregates only its valid steps; the rest is padding (0).
 * Resampling never stretches a short series over the full length: a 60-minute
 * cast and a 120-minute cast stay comparable step for step.
 *
 * mode
 *   mean        one channel per input channel (same name): the block mean.
 *   minmaxmean  three channels per input channel, "<ch>.min", "<ch>.max",
 *               "<ch>.mean" (channel-major), so a 2 s spike or a 15 s
 *               excursion survives a 60 s block in min/max even where the
 *               mean washes it out.
 *
 * NaN: a block containing a NaN is NaN in every output channel of that input
 * channel (nothing is skipped silently; put `missing` first). Sums are in
 * double. Stateless.
 */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

static const char *const mode_choices[] = { "mean", "minmaxmean", NULL };

struct TdFeature {
  size_t length;
  gboolean minmaxmean;
};

static TdFeature *
resample_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  (void) error;
  TdFeature *self = g_new0 (TdFeature, 1);
  self->length = (size_t) td_params_get_int (params, "length");
  self->minmaxmean = g_str_equal (td_params_get_string (params, "mode"), "minmaxmean");
  return self;
}

static void
resample_destroy (TdFeature *self)
{
  g_free (self);
}

/* First input step of output block b (b may equal L: the end of the axis). */
static size_t
block_start (size_t b, size_t n, size_t L)
{
  return (size_t) ((guint64) b * n / L);
}

static size_t
block_end (size_t b, size_t n, size_t L)
{
  size_t start = block_start (b, n, L), end = block_start (b + 1, n, L);
  return end > start ? end : start + 1;
}

static void
name_channels (const TdFeature *self, const TdDataset *in, TdDataset *out)
{
  static const char *const suffix[3] = { "min", "max", "mean" };
  for (size_t c = 0; c < in->n_channels; c++)
    {
      char cb[TD_CHANNEL_NAME_BUF];
      const char *ch = td_dataset_channel_name (in, c, cb);
      if (!self->minmaxmean)
        {
          td_dataset_set_channel_name (out, c, ch);
          continue;
        }
      for (size_t k = 0; k < 3; k++)
        {
          g_autofree char *name = g_strdup_printf ("%s.%s", ch, suffix[k]);
          td_dataset_set_channel_name (out, c * 3 + k, name);
        }
    }
}

static TdDataset *
resample_transform (TdFeature *self, const TdDataset *in, TdContext *ctx, GError **error)
{
  const size_t n = in->n_steps, L = self->length, nc = in->n_channels;
  const size_t per = self->minmaxmean ? 3 : 1;
  for (size_t s = 0; in->lengths && s < in->n_series; s++)
    if (in->lengths[s] > n)
      {
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     "resample: series %zu has length %u > n_steps %zu", s,
                     (unsigned) in->lengths[s], n);
        return NULL;
      }
  if (n == 0)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                           "resample: the input has no steps");
      return NULL;
    }

  g_autoptr (TdDataset) out = td_dataset_new_like (in, L, nc * per);
  name_channels (self, in, out);
  if (in->lengths)
    out->lengths = g_new (guint32, MAX (in->n_series, (size_t) 1));

  for (size_t s = 0; s < in->n_series; s++)
    {
      if (s % 64 == 0 && td_context_cancelled (ctx))
        {
          g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_CANCELLED,
                               "resample: cancelled");
          return NULL;
        }
      const float *x = td_dataset_series (in, s);
      float *y = td_dataset_series (out, s);
      size_t len = td_dataset_length (in, s), n_out = 0;
      for (size_t b = 0; b < L && block_start (b, n, L) < len; b++, n_out++)
        {
          size_t t0 = block_start (b, n, L), t1 = MIN (block_end (b, n, L), len);
          for (size_t c = 0; c < nc; c++)
            {
              double sum = 0, lo = INFINITY, hi = -INFINITY;
              for (size_t t = t0; t < t1; t++)
                {
                  double v = x[t * nc + c];
                  sum += v;   /* NaN propagates into the sum... */
                  lo = v < lo ? v : lo;
                  hi = v > hi ? v : hi;
                }
              double mean = sum / (double) (t1 - t0);
              float *o = y + b * nc * per + c * per;
              if (!self->minmaxmean)
                o[0] = (float) mean;
              else if (isnan (mean))   /* ...and from there into min and max */
                o[0] = o[1] = o[2] = NAN;
              else
                {
                  o[0] = (float) lo;
                  o[1] = (float) hi;
                  o[2] = (float) mean;
                }
            }
        }
      if (out->lengths)
        out->lengths[s] = (guint32) n_out;
    }
  return g_steal_pointer (&out);
}

static const TdParamSpec resample_params[] = {
  { .name = "length", .type = TD_PARAM_INT, .default_value = "120", .min = 1, .max = 10000000,
    .help = "output steps; block b averages input steps [b*n/length, (b+1)*n/length)" },
  { .name = "mode", .type = TD_PARAM_ENUM, .default_value = "mean", .choices = mode_choices,
    .help = "mean: block mean per channel; minmaxmean: <ch>.min, <ch>.max, <ch>.mean per "
            "block so short events survive" },
};

static const TdFeatureVTable resample_vtable = {
  .role = TD_FEATURE_TRANSFORM,
  .accepts = TD_DATA_SEQUENCE,
  .create = resample_create,
  .fit = NULL,
  .transform = resample_transform,
  .destroy = resample_destroy,
};

static const TdPluginDescriptor resample_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_FEATURE,
  .name = "resample",
  .version = "1.0.0",
  .summary = "sequences to a fixed length by block mean, or min/max/mean per block",
  .params = resample_params,
  .n_params = G_N_ELEMENTS (resample_params),
  .vtable = &resample_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &resample_descriptor : NULL;
}
