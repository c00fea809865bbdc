/* test_regression.c — the regression evaluator against scikit-learn's values
 * (tests/golden/regression/cases.json, made by the script there). */
#include <json-glib/json-glib.h>
#include <math.h>

#include <tundish/tundish.h>

const TdPluginDescriptor *td_plugin_descriptor (size_t index);

static double *
doubles (JsonObject *o, const char *key, size_t *n)
{
  JsonArray *a = json_object_get_array_member (o, key);
  *n = json_array_get_length (a);
  double *v = g_new (double, MAX (*n, (size_t) 1));
  for (size_t i = 0; i < *n; i++)
    v[i] = json_array_get_double_element (a, i);
  return v;
}

static void
test_golden (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_file (parser, TD_GOLDEN_REGRESSION_DIR "/cases.json",
                                             &error));
  JsonArray *cases = json_object_get_array_member (
    json_node_get_object (json_parser_get_root (parser)), "cases");
  const TdEvaluatorVTable *vt = td_plugin_descriptor (0)->vtable;
  g_assert_cmpuint (json_array_get_length (cases), >=, 5);
  for (guint k = 0; k < json_array_get_length (cases); k++)
    {
      JsonObject *c = json_array_get_object_element (cases, k);
      size_t n, np;
      g_autofree double *y = doubles (c, "y", &n);
      g_autofree double *p = doubles (c, "p", &np);
      TdEvalInput in = { .task = TD_TASK_REGRESSION, .n = n, .n_outputs = 1, .y = y,
                         .scores = p };
      double v[TD_N_REGRESSION_METRICS];
      g_assert_true (vt->evaluate (NULL, &in, v, &error));
      g_assert_cmpfloat (v[TD_REG_N], ==, n);
      for (int m = 1; m < TD_N_REGRESSION_METRICS; m++)
        {
          double want = json_object_get_double_member (c, td_regression_metric_names[m]);
          g_assert_cmpstr (vt->metrics[m], ==, td_regression_metric_names[m]);
          g_assert_cmpfloat (fabs (v[m] - want), <=, 1e-12 * fabs (want) + 1e-14);
        }
    }
}

static void
test_refusals (void)
{
  const TdEvaluatorVTable *vt = td_plugin_descriptor (0)->vtable;
  double y[2] = { 1, NAN }, p[2] = { 1, 2 }, v[TD_N_REGRESSION_METRICS];
  g_autoptr (GError) error = NULL;
  TdEvalInput in = { .task = TD_TASK_REGRESSION, .n = 2, .n_outputs = 1, .y = y, .scores = p };
  g_assert_false (vt->evaluate (NULL, &in, v, &error));
  g_assert_nonnull (strstr (error->message, "series 1: the target"));
  g_clear_error (&error);
  in.n_outputs = 2;
  g_assert_false (vt->evaluate (NULL, &in, v, &error));
  g_assert_nonnull (strstr (error->message, "one prediction per series"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/regression/golden", test_golden);
  g_test_add_func ("/regression/refusals", test_refusals);
  return g_test_run ();
}
