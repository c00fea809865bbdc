/* hdf5_source.c — the `hdf5` data source: a dataset in tundish's own HDF5
 * layout (what `tundish export` writes and `tundish score` reads; see
 * td_dataset_save_h5), so an exported or hand-made dataset is an
 * experiment's data as it is. */
#include <tundish/tundish.h>

#define SOURCE_NAME "hdf5"

static const TdParamSpec hdf5_params[] = {
  { "path", TD_PARAM_PATH, NULL, 0, 0, NULL,
    "the dataset file (/x, /y, /series_id, /group, ...), relative to the experiment" },
};

static TdDataset *
hdf5_generate (const TdParams *p, TdContext *ctx, GError **error)
{
  const char *path = td_params_get_string (p, "path");
  TdDataset *ds = td_dataset_load_h5 (path, error);
  if (!ds)
    g_prefix_error (error, SOURCE_NAME ": ");
  else
    td_context_log (ctx, G_LOG_LEVEL_INFO, SOURCE_NAME ": %zu series × %zu steps × %zu channels "
                    "from %s", ds->n_series, ds->n_steps, ds->n_channels, path);
  return ds;
}

static const TdGeneratorVTable hdf5_vtable = {
  .generate = hdf5_generate,
};

static const char *const hdf5_examples[] = {
  "path=experiments/data/hdf5/trace.h5",
  NULL,
};

static const TdPluginDescriptor hdf5_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_GENERATOR,
  .name = SOURCE_NAME,
  .version = "1.0.0",
  .summary = "data source: a dataset in tundish's HDF5 layout (as `tundish export` writes it)",
  .params = hdf5_params,
  .n_params = G_N_ELEMENTS (hdf5_params),
  .vtable = &hdf5_vtable,
  .example_params = hdf5_examples,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &hdf5_descriptor : NULL;
}
