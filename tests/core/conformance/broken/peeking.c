/* peeking.c — a feature extractor that centres each series' mean on the mean
 * of the batch it is given instead of a mean fitted on the training split:
 * test series then shape each other's features. tundish-plugin-check must
 * fail its train-only check and nothing else. Test-only, never installed. */
#include <tundish/tundish.h>

struct TdFeature {
  int unused;
};

static TdFeature *
peeking_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) params, (void) ctx, (void) error;
  return g_new0 (TdFeature, 1);
}

static double
series_mean (const TdDataset *ds, size_t s)
{
  size_t len = td_dataset_length (ds, s);
  double sum = 0;
  for (size_t t = 0; t < len; t++)
    sum += td_dataset_series (ds, s)[t * ds->n_channels];
  return len ? sum / (double) len : 0;
}

static TdDataset *
peeking_transform (TdFeature *self, const TdDataset *in, TdContext *ctx, GError **error)
{
  (void) self, (void) ctx, (void) error;
  TdDataset *out = td_dataset_new_like (in, 1, 1);
  td_dataset_set_channel_name (out, 0, "sensor_0.centred_mean");
  double batch = 0;
  for (size_t s = 0; s < in->n_series; s++)
    batch += series_mean (in, s) / (double) in->n_series;   /* the flaw */
  for (size_t s = 0; s < in->n_series; s++)
    out->x[s] = (float) (series_mean (in, s) - batch);
  return out;
}

static void
peeking_destroy (TdFeature *self)
{
  g_free (self);
}

static const TdFeatureVTable peeking_vtable = {
  .role = TD_FEATURE_EXTRACT,
  .accepts = TD_DATA_SEQUENCE,
  .create = peeking_create,
  .transform = peeking_transform,
  .destroy = peeking_destroy,
};

static const TdPluginDescriptor peeking_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_FEATURE,
  .name = "peeking",
  .version = "0.0.1",
  .summary = "series mean centred on the batch's mean (conformance test only)",
  .vtable = &peeking_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &peeking_descriptor : NULL;
}
