/* robust_gen.c — a test-only generator (built only for tests/robust, loaded
 * through TUNDISH_PLUGIN_PATH): small, fast binary data whose bad values
 * and names a test chooses.
 *
 * Series s has label 1 when s % 3 == 0; channel 0 carries the signal (mean
 * 1 for positives, 0 otherwise) plus N(0, 1) noise from the context's stream.
 *
 *   inject: none | nan | inf | constant | zero_length | nan_target | one_class
 *     nan, inf      series 4, channel 1, steps 2..4 hold NaN / +Inf
 *     constant      channel 1 is 2.5 everywhere
 *     zero_length   series 5 and 7 have length 0
 *     nan_target    series 3's label is NaN
 *     one_class     every label is 0
 *     one_positive  only series 0 has label 1 (k-fold: single-class splits)
 *   hostile: channel and class names and a metadata column full of HTML,
 *     quotes, commas and line breaks.
 */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <tundish/tundish.h>

static const char *const inject_choices[] = { "none", "nan", "inf", "constant", "zero_length",
                                              "nan_target", "one_class", "one_positive",
                                              NULL };

static const TdParamSpec gen_params[] = {
  { "n_series", TD_PARAM_INT, "60", 1, 100000, NULL, "series to generate" },
  { "n_steps", TD_PARAM_INT, "16", 1, 100000, NULL, "steps per series" },
  { "n_channels", TD_PARAM_INT, "3", 2, 64, NULL, "channels per series" },
  { "inject", TD_PARAM_ENUM, "none", 0, 0, inject_choices, "bad values to put in the data" },
  { "hostile", TD_PARAM_BOOL, "false", 0, 0, NULL,
    "channel, class and metadata names with HTML, quotes, commas and line breaks" },
};

static const char *const hostile_channels[] = {
  "<script>alert(\"x\")</script>", "a,b \"quoted\"", "line\nbreak & <b>bold</b>",
};

static TdDataset *
gen_generate (const TdParams *params, TdContext *ctx, GError **error)
{
  size_t n = (size_t) td_params_get_int (params, "n_series");
  size_t nt = (size_t) td_params_get_int (params, "n_steps");
  size_t nc = (size_t) td_params_get_int (params, "n_channels");
  const char *inject = td_params_get_string (params, "inject");
  gboolean hostile = td_params_get_bool (params, "hostile");
  TdDataset *ds = td_dataset_try_new (n, nt, nc, TD_TASK_BINARY, 2, error);
  if (!ds)
    return NULL;
  gsl_rng *rng = td_context_rng (ctx);
  for (size_t s = 0; s < n; s++)
    {
      ds->y[s] = s % 3 == 0 ? 1.0 : 0.0;
      float *x = td_dataset_series (ds, s);
      for (size_t t = 0; t < nt; t++)
        for (size_t c = 0; c < nc; c++)
          {
            double noise = gsl_ran_gaussian (rng, 1.0);
            x[t * nc + c] = (float) ((c == 0 ? ds->y[s] : 0.0) + noise);
          }
      ds->group[s] = (gint64) (s / 4);
    }
  if (g_str_equal (inject, "nan") || g_str_equal (inject, "inf"))
    for (size_t t = 2; t < 5 && t < nt && n > 4; t++)
      td_dataset_series (ds, 4)[t * nc + 1] = g_str_equal (inject, "nan") ? NAN : INFINITY;
  if (g_str_equal (inject, "constant"))
    for (size_t s = 0; s < n; s++)
      for (size_t t = 0; t < nt; t++)
        td_dataset_series (ds, s)[t * nc + 1] = 2.5f;
  if (g_str_equal (inject, "zero_length"))
    {
      ds->lengths = g_new (guint32, n);
      for (size_t s = 0; s < n; s++)
        ds->lengths[s] = (s == 5 || s == 7) ? 0 : (guint32) nt;
    }
  if (g_str_equal (inject, "nan_target") && n > 3)
    ds->y[3] = NAN;
  if (g_str_equal (inject, "one_class") || g_str_equal (inject, "one_positive"))
    for (size_t s = 0; s < n; s++)
      ds->y[s] = g_str_equal (inject, "one_positive") && s == 0 ? 1 : 0;
  for (size_t c = 0; c < nc; c++)
    {
      g_autofree char *name = hostile && c < G_N_ELEMENTS (hostile_channels)
                                ? g_strdup (hostile_channels[c])
                                : g_strdup_printf ("sensor_%zu", c);
      td_dataset_set_channel_name (ds, c, name);
    }
  if (hostile)
    {
      ds->class_names = g_new0 (char *, 3);
      ds->class_names[0] = g_strdup ("ok <i>fine</i>");
      ds->class_names[1] = g_strdup ("defect, \"bad\"");
      g_autofree const char **cause = g_new (const char *, n);
      for (size_t s = 0; s < n; s++)
        cause[s] = ds->y[s] > 0.5 ? "</td><script>alert(1)</script>" : "none, \"really\"\nok";
      td_dataset_add_meta_str (ds, "cause <b>", cause);
    }
  return ds;
}

static const TdGeneratorVTable gen_vtable = { .generate = gen_generate };

static const TdPluginDescriptor gen_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_GENERATOR,
  .name = "robust_gen",
  .version = "1.0.0",
  .summary = "test data with chosen bad values and hostile names (tests only)",
  .params = gen_params,
  .n_params = G_N_ELEMENTS (gen_params),
  .vtable = &gen_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &gen_descriptor : NULL;
}
