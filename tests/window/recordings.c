/* recordings.c — a test-only generator (tests/window, loaded through
 * TUNDISH_PLUGIN_PATH): a few long recordings of unequal length with a
 * per-step fault flag (TdDataset.y_step) and a train/test partition
 * (TD_META_PARTITION), the shape data.window and split: predefined expect
 * from a data source.
 *
 * Recording r has 40 + (7 r) % 21 steps; when r % 3 == 0 it is faulty: its
 * flag is 1 on its last 8 steps, and channel 0 rises by 2 from 10 steps
 * before the fault on. Channel 1 is noise. r % 4 == 3 is in the test
 * partition (recordings 3, 7, ..., two of them faulty). y is the last step's
 * flag; each recording is its own group.
 */
#include <gsl/gsl_randist.h>
#include <tundish/tundish.h>

static const TdParamSpec rec_params[] = {
  { "n_recordings", TD_PARAM_INT, "24", 4, 10000, NULL, "recordings to generate" },
  { "partition", TD_PARAM_BOOL, "true", 0, 0, NULL,
    "record the train/test partition (metadata \"partition\")" },
  { "per_step", TD_PARAM_BOOL, "true", 0, 0, NULL, "per-step fault flags (y_step)" },
};

static TdDataset *
rec_generate (const TdParams *params, TdContext *ctx, GError **error)
{
  size_t n = (size_t) td_params_get_int (params, "n_recordings"), T = 60;
  TdDataset *ds = td_dataset_try_new (n, T, 2, TD_TASK_BINARY, 2, error);
  if (!ds)
    return NULL;
  gsl_rng *rng = td_context_rng (ctx);
  double *flag = td_params_get_bool (params, "per_step") ? td_dataset_alloc_y_step (ds) : NULL;
  g_autofree double *part = g_new (double, n);
  ds->lengths = g_new (guint32, n);
  for (size_t r = 0; r < n; r++)
    {
      size_t L = 40 + (7 * r) % 21, onset = r % 3 == 0 ? L - 8 : L;
      ds->lengths[r] = (guint32) L;
      float *x = td_dataset_series (ds, r);
      for (size_t t = 0; t < L; t++)
        {
          x[2 * t] = (float) ((t + 10 >= onset ? 2.0 : 0.0) + gsl_ran_gaussian (rng, 0.5));
          x[2 * t + 1] = (float) gsl_ran_gaussian (rng, 1.0);
          if (flag)
            flag[r * T + t] = t >= onset;
        }
      ds->y[r] = onset < L;
      part[r] = r % 4 == 3;
    }
  if (td_params_get_bool (params, "partition"))
    td_dataset_add_meta_num (ds, TD_META_PARTITION, part);
  td_dataset_set_channel_name (ds, 0, "temperature");
  td_dataset_set_channel_name (ds, 1, "flow");
  return ds;
}

/* What rec_generate makes (TD_EXT_DATA_LAYOUT), so the loader checks
 * data.window and split before generating. */
static void
rec_layout (const TdParams *params, TdDataLayout *out)
{
  size_t n = (size_t) td_params_get_int (params, "n_recordings");
  *out = (TdDataLayout) {
    .partition = td_params_get_bool (params, "partition"),
    .step_labels = td_params_get_bool (params, "per_step"),
  };
  for (size_t r = 0; r < n && r < 21; r++)
    out->max_steps = MAX (out->max_steps, 40 + (7 * r) % 21);
}

static const void *
rec_extension (const char *id)
{
  static const TdDataLayoutExt layout = { .layout = rec_layout };
  return g_strcmp0 (id, TD_EXT_DATA_LAYOUT) == 0 ? &layout : NULL;
}

static const TdGeneratorVTable rec_vtable = { .generate = rec_generate,
                                              .extension = rec_extension };

static const TdPluginDescriptor rec_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_GENERATOR,
  .name = "recordings",
  .version = "1.0.0",
  .summary = "long recordings with per-step fault flags and a partition (tests only)",
  .params = rec_params,
  .n_params = G_N_ELEMENTS (rec_params),
  .vtable = &rec_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &rec_descriptor : NULL;
}
