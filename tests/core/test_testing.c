/* The SDK's test helpers (tundish/testing.h): parameters are refused the way
 * the experiment loader refuses them, datasets are a pure function of their
 * options, and the comparison names the first difference. */
#include <math.h>
#include <string.h>

#include <tundish/testing.h>

static const char *const colours[] = { "red", "green", NULL };
static const TdParamSpec specs[] = {
  { .name = "depth", .type = TD_PARAM_INT, .default_value = "3", .min = 1, .max = 10,
    .help = "depth" },
  { .name = "colour", .type = TD_PARAM_ENUM, .default_value = "red", .choices = colours,
    .help = "colour" },
  { .name = "path", .type = TD_PARAM_STRING, .help = "required" },
};
static const char *const examples[] = { "path=/tmp/x", "depth=2", NULL };
static const TdPluginDescriptor desc = {
  .abi_version = TD_PLUGIN_ABI_VERSION, .kind = TD_KIND_GENERATOR, .name = "fake",
  .version = "1", .summary = "s", .params = specs, .n_params = G_N_ELEMENTS (specs),
  .example_params = examples,
};

static void
test_params (void)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (TdParams) a = td_testing_params (&desc, &e, "path", "p", "depth", "7", NULL);
  g_assert_no_error (e);
  g_assert_cmpint (td_params_get_int (a, "depth"), ==, 7);
  g_assert_cmpstr (td_params_get_string (a, "colour"), ==, "red");
  const char *kv[] = { "path = q", "colour=green", NULL };
  g_autoptr (TdParams) b = td_testing_params_strv (&desc, kv, &e);
  g_assert_no_error (e);
  g_assert_cmpstr (td_params_get_string (b, "path"), ==, "q");
  g_assert_cmpstr (td_params_get_string (b, "colour"), ==, "green");
  const char *extra[] = { "depth=9", NULL };
  g_autoptr (TdParams) c = td_testing_params_example (&desc, extra, &e);
  g_assert_no_error (e);
  g_assert_cmpstr (td_params_get_string (c, "path"), ==, "/tmp/x");
  g_assert_cmpint (td_params_get_int (c, "depth"), ==, 9);   /* extra after the examples */
  /* td_params_has: declared or not, whatever the value */
  g_assert_true (td_params_has (c, "depth") && td_params_has (c, "colour"));
  g_assert_false (td_params_has (c, "dpeth"));
}

static void
test_params_refused (void)
{
  static const struct {
    const char *kv[3], *message;
  } cases[] = {
    { { "path=p", "dpeth=2", NULL }, "fake: unknown parameter \"dpeth\"; did you mean \"depth\"?" },
    { { "path=p", "depth=11", NULL }, "fake: depth: expected an integer" },
    { { "path=p", "colour=blue", NULL }, "fake: colour: expected one of" },
    { { "depth=2", NULL, NULL }, "fake: path: required parameter (string) is missing" },
    { { "path", NULL, NULL }, "fake: setting \"path\" is not key=value" },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr (GError) e = NULL;
      g_autoptr (TdParams) p = td_testing_params_strv (&desc, cases[k].kv, &e);
      g_assert_null (p);
      g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
      if (!g_str_has_prefix (e->message, cases[k].message))
        g_error ("case %zu: \"%s\" does not start with \"%s\"", k, e->message, cases[k].message);
    }
  g_autoptr (GError) e = NULL;
  g_assert_null (td_testing_params (&desc, &e, "path", NULL, NULL));
  g_assert_nonnull (strstr (e->message, "has no value"));
}

static TdDataset *
data (TdTestingData o)
{
  g_autoptr (GError) e = NULL;
  TdDataset *ds = td_testing_dataset (&o, &e);
  g_assert_no_error (e);
  return ds;
}

static void
test_dataset_tasks (void)
{
  g_autoptr (TdDataset) b = data ((TdTestingData) { .seed = 1 });
  g_assert_cmpuint (b->n_series, ==, 60);
  g_assert_cmpuint (b->n_steps, ==, 24);
  g_assert_cmpuint (b->n_channels, ==, 3);
  g_assert_cmpstr (b->channel_names[2], ==, "sensor_2");
  g_assert_cmpstr (b->class_names[1], ==, "defect");
  g_assert_cmpuint (td_dataset_count_positive (b), ==, 20);
  g_assert_cmpint (b->group[7], ==, 1);
  g_assert_cmpint (td_dataset_find_meta (b, "load")->role, ==, TD_META_INPUT);
  g_assert_cmpint (td_dataset_find_meta (b, "recipe")->role, ==, TD_META_INPUT);
  g_assert_cmpint (td_dataset_find_meta (b, "severity")->role, ==, TD_META_TARGET);
  g_assert_cmpfloat (td_dataset_find_meta (b, "severity")->num[1], ==, 0);   /* y[1] = 0 */
  g_assert_cmpfloat (td_dataset_find_meta (b, "severity")->num[0], >, 0);    /* y[0] = 1 */
  /* The class shows in channel 0: the mean of a positive is 1.5 higher. */
  double gap = 0;
  for (size_t s = 0; s < 60; s++)
    for (size_t t = 0; t < 24; t++)
      gap += td_dataset_series (b, s)[t * 3] * (b->y[s] ? 1.0 / 20 : -1.0 / 40) / 24;
  g_assert_cmpfloat (fabs (gap - 1.5), <, 0.2);

  g_autoptr (TdDataset) m = data ((TdTestingData) { .task = TD_TASK_MULTICLASS, .n_classes = 4,
                                                    .n_steps = 1 });
  g_assert_cmpuint (m->n_steps, ==, 1);
  g_assert_cmpuint (m->n_classes, ==, 4);
  g_assert_cmpfloat (m->y[7], ==, 3);
  g_assert_cmpstr (m->class_names[3], ==, "class_3");
  g_autoptr (TdDataset) a = data ((TdTestingData) { .task = TD_TASK_ANOMALY });
  g_assert_cmpuint (td_dataset_count_positive (a), ==, 12);
  g_autoptr (TdDataset) r = data ((TdTestingData) { .task = TD_TASK_REGRESSION, .seed = 4 });
  g_assert_cmpuint (r->n_classes, ==, 0);
  gboolean varied = FALSE;
  for (size_t s = 1; s < r->n_series; s++)
    varied |= r->y[s] != r->y[0];
  g_assert_true (varied);   /* a constant target would make the regression check vacuous */

  g_autoptr (GError) e = NULL;
  g_assert_null (td_testing_dataset (&(TdTestingData) { .missing = 1.0 }, &e));
  g_assert_nonnull (strstr (e->message, "missing must be in [0, 1)"));
}

static void
test_dataset_streams (void)
{
  g_autoptr (TdDataset) a = data ((TdTestingData) { .seed = 9 });
  g_autoptr (TdDataset) same = data ((TdTestingData) { .seed = 9 });
  g_autoptr (TdDataset) other = data ((TdTestingData) { .seed = 10 });
  g_autoptr (GError) e = NULL;
  g_assert_true (td_testing_dataset_equal (a, same, &e));
  g_assert_no_error (e);
  g_assert_false (td_testing_dataset_equal (a, other, &e));
  g_assert_nonnull (strstr (e->message, "x[series 0, step 0, channel 0]"));
  g_clear_error (&e);

  /* Missing values and ragged lengths change nothing else. */
  g_autoptr (TdDataset) holes = data ((TdTestingData) { .seed = 9, .missing = 0.2 });
  size_t n = a->n_series * a->n_steps * a->n_channels, nan = 0;
  for (size_t k = 0; k < n; k++)
    if (isnan (holes->x[k]))
      nan++;
    else
      g_assert_cmpfloat (holes->x[k], ==, a->x[k]);
  g_assert_cmpfloat (fabs ((double) nan / (double) n - 0.2), <, 0.03);
  g_autoptr (TdDataset) ragged = data ((TdTestingData) { .seed = 9, .ragged = TRUE });
  gboolean short_one = FALSE;
  for (size_t s = 0; s < a->n_series; s++)
    {
      guint32 len = ragged->lengths[s];
      g_assert_cmpuint (len, >=, 12);
      g_assert_cmpuint (len, <=, 24);
      short_one |= len < 24;
      g_assert_cmpfloat (ragged->y[s], ==, a->y[s]);
      for (size_t k = len * 3; k < 24 * 3; k++)
        g_assert_cmpfloat (td_dataset_series (ragged, s)[k], ==, 0.0f);
    }
  g_assert_true (short_one);

  other->y[5] = 0.5;
  memcpy (other->x, a->x, n * sizeof (float));
  g_assert_false (td_testing_dataset_equal (a, other, &e));
  g_assert_nonnull (strstr (e->message, "y[5]: 0 vs 0.5"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/testing/params", test_params);
  g_test_add_func ("/testing/params-refused", test_params_refused);
  g_test_add_func ("/testing/dataset-tasks", test_dataset_tasks);
  g_test_add_func ("/testing/dataset-streams", test_dataset_streams);
  return g_test_run ();
}
