/* interp_gen.c — a test-only generator (tests/interpret, loaded through
 * TUNDISH_PLUGIN_PATH): series whose class shows in one channel and one time
 * window only, for checking that saliency lands where the signal is.
 *
 * Series s has class s % n_classes (binary when n_classes is 2); every
 * sample is N(0, 1) noise from the context's stream, and channel
 * signal_channel adds amplitude × class on steps [window_start, window_end).
 * Class names: good, defect (binary); good, minor, major, reject, c4, ...
 *
 * cause_metadata: true adds root-cause metadata (run/root_cause.h): every
 * series of class > 0 has cause_channels sensor_<signal_channel>, stage
 * "stage_a", the window as cause_start / cause_end (last step) and its class
 * name as defect_type, hidden; every channel's stage (stage.<channel>: the
 * signal channel "stage_a", the others "stage_b") is an input.
 *
 * Two descriptors: interp_gen declares a sample period of 30 s per step
 * (TD_EXT_SAMPLE_PERIOD), interp_gen_steps declares none. */
#include <gsl/gsl_randist.h>
#include <tundish/tundish.h>

static const TdParamSpec gen_params[] = {
  { "n_series", TD_PARAM_INT, "60", 2, 100000, NULL, "series to generate" },
  { "n_steps", TD_PARAM_INT, "40", 2, 100000, NULL, "steps per series" },
  { "n_channels", TD_PARAM_INT, "3", 1, 64, NULL, "channels per series" },
  { "n_classes", TD_PARAM_INT, "2", 2, 16, NULL, "classes (2: binary, more: multiclass)" },
  { "signal_channel", TD_PARAM_INT, "1", 0, 63, NULL, "the channel carrying the class" },
  { "window_start", TD_PARAM_INT, "10", 0, 100000, NULL, "first step of the signal" },
  { "window_end", TD_PARAM_INT, "20", 1, 100000, NULL, "one past the last step of the signal" },
  { "amplitude", TD_PARAM_DOUBLE, "2", 0, 100, NULL, "signal per class index" },
  { "cause_metadata", TD_PARAM_BOOL, "false", 0, 0, NULL, "add root-cause metadata" },
};

static void
add_cause_metadata (TdDataset *ds, size_t sc, size_t a, size_t b)
{
  size_t n = ds->n_series;
  g_autofree const char **type = g_new (const char *, n);
  g_autofree const char **cause = g_new (const char *, n);
  g_autofree const char **stage = g_new (const char *, n);
  g_autofree double *start = g_new (double, n);
  g_autofree double *end = g_new (double, n);
  g_autofree char *signal = g_strdup_printf ("sensor_%zu", sc);
  for (size_t s = 0; s < n; s++)
    {
      gboolean defect = ds->y[s] > 0;
      type[s] = ds->class_names[(size_t) ds->y[s]];
      cause[s] = defect ? signal : "";
      stage[s] = defect ? "stage_a" : "none";
      start[s] = defect ? (double) a : -1;
      end[s] = defect ? (double) b - 1 : -1;
    }
  td_dataset_add_meta_str (ds, "defect_type", type);
  td_dataset_add_meta_str (ds, "cause_channels", cause);
  td_dataset_add_meta_str (ds, "cause_stage", stage);
  td_dataset_add_meta_num (ds, "cause_start", start);
  td_dataset_add_meta_num (ds, "cause_end", end);
  for (size_t c = 0; c < ds->n_channels; c++)
    {
      g_autofree char *key = g_strdup_printf ("stage.sensor_%zu", c);
      for (size_t s = 0; s < n; s++)
        stage[s] = c == sc ? "stage_a" : "stage_b";
      td_dataset_add_meta_str (ds, key, stage)->role = TD_META_INPUT;
    }
}

static TdDataset *
gen_generate (const TdParams *params, TdContext *ctx, GError **error)
{
  size_t n = (size_t) td_params_get_int (params, "n_series");
  size_t nt = (size_t) td_params_get_int (params, "n_steps");
  size_t nc = (size_t) td_params_get_int (params, "n_channels");
  size_t k = (size_t) td_params_get_int (params, "n_classes");
  size_t sc = (size_t) td_params_get_int (params, "signal_channel");
  size_t a = (size_t) td_params_get_int (params, "window_start");
  size_t b = (size_t) td_params_get_int (params, "window_end");
  double amp = td_params_get_double (params, "amplitude");
  if (sc >= nc || a >= b || b > nt)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "interp_gen: need signal_channel < n_channels and window_start < "
                   "window_end <= n_steps");
      return NULL;
    }
  TdDataset *ds = td_dataset_try_new (n, nt, nc, k == 2 ? TD_TASK_BINARY : TD_TASK_MULTICLASS,
                                      k, error);
  if (!ds)
    return NULL;
  gsl_rng *rng = td_context_rng (ctx);
  for (size_t s = 0; s < n; s++)
    {
      ds->y[s] = (double) (s % k);
      float *x = td_dataset_series (ds, s);
      for (size_t t = 0; t < nt; t++)
        for (size_t c = 0; c < nc; c++)
          {
            double v = gsl_ran_gaussian (rng, 1.0);
            if (c == sc && t >= a && t < b)
              v += amp * ds->y[s];
            x[t * nc + c] = (float) v;
          }
    }
  for (size_t c = 0; c < nc; c++)
    {
      g_autofree char *name = g_strdup_printf ("sensor_%zu", c);
      td_dataset_set_channel_name (ds, c, name);
    }
  static const char *const names[] = { "good", "minor", "major", "reject" };
  ds->class_names = g_new0 (char *, k + 1);
  for (size_t c = 0; c < k; c++)
    ds->class_names[c] = k == 2 ? g_strdup (c ? "defect" : "good")
                       : c < G_N_ELEMENTS (names) ? g_strdup (names[c])
                                                   : g_strdup_printf ("c%zu", c);
  if (td_params_get_bool (params, "cause_metadata"))
    add_cause_metadata (ds, sc, a, b);
  return ds;
}

static const void *
gen_extension (const char *id)
{
  static const TdSamplePeriodExt period = { .seconds = 30.0 };
  return g_strcmp0 (id, TD_EXT_SAMPLE_PERIOD) == 0 ? &period : NULL;
}

static const TdGeneratorVTable gen_vtable = { .generate = gen_generate,
                                              .extension = gen_extension };
static const TdGeneratorVTable steps_vtable = { .generate = gen_generate };

static const TdPluginDescriptor gen_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_GENERATOR,
  .name = "interp_gen",
  .version = "1.0.0",
  .summary = "class signal in one channel and window, 30 s per step (tests only)",
  .params = gen_params,
  .n_params = G_N_ELEMENTS (gen_params),
  .vtable = &gen_vtable,
};

static const TdPluginDescriptor steps_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_GENERATOR,
  .name = "interp_gen_steps",
  .version = "1.0.0",
  .summary = "interp_gen without a sample period (tests only)",
  .params = gen_params,
  .n_params = G_N_ELEMENTS (gen_params),
  .vtable = &steps_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &gen_descriptor : index == 1 ? &steps_descriptor : NULL;
}
