/* threadsy.c — a generator whose data depends on its thread count (as one
 * that splits its random stream per thread would): tundish-plugin-check must
 * fail its threads check and nothing else. Test-only, never installed. */
#include <tundish/tundish.h>

static TdDataset *
threadsy_generate (const TdParams *params, TdContext *ctx, GError **error)
{
  TdTestingData o = { .n_series = (size_t) td_params_get_int (params, "num_series"),
                      .seed = td_context_seed (ctx) };
  TdDataset *ds = td_testing_dataset (&o, error);
  if (ds)
    ds->x[0] += 0.001f * (float) td_context_threads (ctx);   /* the flaw */
  return ds;
}

static const TdParamSpec threadsy_params[] = {
  { .name = "num_series", .type = TD_PARAM_INT, .default_value = "100000", .min = 1, .max = 1e9,
    .help = "series to make" },
};
static const char *const threadsy_examples[] = { "num_series=30", NULL };

static const TdGeneratorVTable threadsy_vtable = { .generate = threadsy_generate };

static const TdPluginDescriptor threadsy_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_GENERATOR,
  .name = "threadsy",
  .version = "0.0.1",
  .summary = "a generator whose data depends on the thread count (conformance test only)",
  .params = threadsy_params,
  .n_params = G_N_ELEMENTS (threadsy_params),
  .vtable = &threadsy_vtable,
  .example_params = threadsy_examples,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &threadsy_descriptor : NULL;
}
