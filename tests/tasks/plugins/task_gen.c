/* task_gen.c — a test-only generator (tests/tasks, loaded through
 * TUNDISH_PLUGIN_PATH) of small multiclass or regression data, declaring its
 * task from its parameters (TD_EXT_DATA_TASK) so `tundish validate` can
 * check the models against it.
 *
 * Every sample is N(0, 0.5²) noise from the context's stream. multiclass:
 * series s has class s % n_classes, which raises channel 0 by
 * (class - (n_classes - 1) / 2) on the middle half of the steps. regression:
 * a ~ U(-1, 1) per series, channel 0 carries a and channel 1 carries -a / 2
 * on every step, and the target is 30 + 10 a (units far from 0 and 1, so a
 * model that forgets to map its output back shows). binary: two classes as
 * multiclass. */
#include <gsl/gsl_randist.h>
#include <tundish/tundish.h>

static const char *const task_choices[] = { "multiclass", "regression", "binary", NULL };

static const TdParamSpec gen_params[] = {
  { "task", TD_PARAM_ENUM, "multiclass", 0, 0, task_choices, "the task of the data" },
  { "n_series", TD_PARAM_INT, "120", 6, 100000, NULL, "series to generate" },
  { "n_steps", TD_PARAM_INT, "24", 4, 100000, NULL, "steps per series" },
  { "n_classes", TD_PARAM_INT, "3", 2, 16, NULL, "classes (multiclass)" },
};

static TdTask
declared_task (const TdParams *params)
{
  const char *t = td_params_get_string (params, "task");
  return g_str_equal (t, "regression") ? TD_TASK_REGRESSION
         : g_str_equal (t, "binary") ? TD_TASK_BINARY : TD_TASK_MULTICLASS;
}

static TdDataset *
gen_generate (const TdParams *params, TdContext *ctx, GError **error)
{
  const TdTask task = declared_task (params);
  const size_t n = (size_t) td_params_get_int (params, "n_series");
  const size_t nt = (size_t) td_params_get_int (params, "n_steps");
  const size_t k = task == TD_TASK_BINARY ? 2 : (size_t) td_params_get_int (params, "n_classes");
  TdDataset *ds = td_dataset_try_new (n, nt, 2, task, task == TD_TASK_REGRESSION ? 0 : k, error);
  if (!ds)
    return NULL;
  gsl_rng *rng = td_context_rng (ctx);
  for (size_t s = 0; s < n; s++)
    {
      double a;
      if (task == TD_TASK_REGRESSION)
        {
          a = gsl_ran_flat (rng, -1, 1);
          ds->y[s] = 30 + 10 * a;
        }
      else
        {
          ds->y[s] = (double) (s % k);
          a = ds->y[s] - (double) (k - 1) / 2;
        }
      float *x = td_dataset_series (ds, s);
      for (size_t t = 0; t < nt; t++)
        {
          gboolean on = task == TD_TASK_REGRESSION || (t >= nt / 4 && t < nt - nt / 4);
          x[t * 2] = (float) ((on ? a : 0) + gsl_ran_gaussian (rng, 0.5));
          x[t * 2 + 1] = (float) ((task == TD_TASK_REGRESSION ? -a / 2 : 0)
                                  + gsl_ran_gaussian (rng, 0.5));
        }
    }
  td_dataset_set_channel_name (ds, 0, "signal");
  td_dataset_set_channel_name (ds, 1, "second");
  if (task != TD_TASK_REGRESSION)
    {
      static const char *const names[] = { "good", "minor", "major", "reject" };
      ds->class_names = g_new0 (char *, k + 1);
      for (size_t c = 0; c < k; c++)
        ds->class_names[c] = c < G_N_ELEMENTS (names) ? g_strdup (names[c])
                                                       : g_strdup_printf ("c%zu", c);
    }
  return ds;
}

static const void *
gen_extension (const char *id)
{
  static const TdDataTaskExt task = { declared_task };
  return g_strcmp0 (id, TD_EXT_DATA_TASK) == 0 ? &task : NULL;
}

static const TdGeneratorVTable gen_vtable = { .generate = gen_generate,
                                              .extension = gen_extension };

static const TdPluginDescriptor gen_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_GENERATOR,
  .name = "task_gen",
  .version = "1.0.0",
  .summary = "test data: multiclass or regression series with a known signal",
  .params = gen_params,
  .n_params = G_N_ELEMENTS (gen_params),
  .vtable = &gen_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &gen_descriptor : NULL;
}
