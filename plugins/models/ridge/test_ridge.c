/* test_ridge.c — the ridge plugin against scikit-learn (tests/golden/ridge,
 * made by make_ridge_golden.py there): the chosen alpha and the decision
 * values / predictions on held-out rows, in both leave-one-out modes (n <= p
 * and n > p), with and without standardisation; then Platt scores, save and
 * load, and the refusals. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include <tundish/tundish.h>

const TdPluginDescriptor *td_plugin_descriptor (size_t index);

static JsonObject *
load_case (JsonParser *parser, const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.json", TD_GOLDEN_RIDGE_DIR, name);
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  return json_node_get_object (json_parser_get_root (parser));
}

static TdDataset *
matrix (JsonArray *rows, JsonArray *y, TdTask task, size_t n_classes)
{
  size_t n = json_array_get_length (rows);
  size_t p = json_array_get_length (json_array_get_array_element (rows, 0));
  TdDataset *ds = td_dataset_new (n, 1, p, task, n_classes);
  for (size_t i = 0; i < n; i++)
    {
      JsonArray *r = json_array_get_array_element (rows, i);
      for (size_t j = 0; j < p; j++)
        ds->x[i * p + j] = (float) json_array_get_double_element (r, j);
      ds->y[i] = y ? json_array_get_double_element (y, i) : NAN;
    }
  for (size_t j = 0; j < p; j++)
    {
      char name[16];
      g_snprintf (name, sizeof name, "f%zu", j);
      td_dataset_set_channel_name (ds, j, name);
    }
  return ds;
}

static TdModel *
fit (const char *const *kv, const TdDataset *train)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  const TdModelVTable *vt = d->vtable;
  g_autoptr (GError) error = NULL;
  g_autoptr (TdParams) params = td_params_new_defaults (d->params, d->n_params, &error);
  for (size_t i = 0; kv && kv[i]; i += 2)
    g_assert_true (td_params_set_text (params, kv[i], kv[i + 1], &error));
  g_autoptr (TdContext) ctx = td_context_new (1);
  TdModel *m = vt->create (params, ctx, &error);
  g_assert_no_error (error);
  g_assert_true (vt->fit (m, train, NULL, ctx, &error));
  g_assert_no_error (error);
  return m;
}

static double
saved_alpha (TdModel *m)
{
  const TdModelVTable *vt = td_plugin_descriptor (0)->vtable;
  g_autofree char *dir = g_dir_make_tmp ("ridge-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.ini", NULL);
  g_assert_true (vt->save (m, path, NULL));
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_assert_true (g_key_file_load_from_file (kf, path, 0, NULL));
  double a = g_key_file_get_double (kf, "ridge", "alpha", NULL);
  g_unlink (path);
  g_rmdir (dir);
  return a;
}

static void
check_golden (gconstpointer data)
{
  const char *name = data;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = load_case (parser, name);
  const char *kind = json_object_get_string_member (o, "kind");
  TdTask task = g_str_equal (kind, "regression") ? TD_TASK_REGRESSION
                : g_str_equal (kind, "multiclass") ? TD_TASK_MULTICLASS : TD_TASK_BINARY;
  size_t k = (size_t) json_object_get_int_member (o, "n_classes");
  g_autoptr (TdDataset) train = matrix (json_object_get_array_member (o, "x_train"),
                                        json_object_get_array_member (o, "y_train"), task,
                                        task == TD_TASK_REGRESSION ? 0 : k);
  g_autoptr (TdDataset) test = matrix (json_object_get_array_member (o, "x_test"), NULL, task,
                                       task == TD_TASK_REGRESSION ? 0 : k);
  /* the script rounds its data to float32, as a TdDataset stores them */
  const char *kv[] = { "standardize",
                       json_object_get_boolean_member (o, "standardize") ? "true" : "false",
                       "probability", "decision", NULL };
  TdModel *m = fit (kv, train);
  g_assert_cmpfloat (saved_alpha (m), ==, json_object_get_double_member (o, "alpha"));
  const TdModelVTable *vt = td_plugin_descriptor (0)->vtable;
  size_t t = task == TD_TASK_MULTICLASS ? k : 1;
  g_autofree double *out = g_new (double, test->n_series * t);
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_assert_true (vt->predict (m, test, out, ctx, NULL));
  JsonArray *want = json_object_get_array_member (o, task == TD_TASK_REGRESSION ? "prediction"
                                                                                : "decision");
  double worst = 0, scale = 0;
  for (size_t i = 0; i < test->n_series; i++)
    for (size_t c = 0; c < t; c++)
      {
        double w = task == TD_TASK_REGRESSION
                     ? json_array_get_double_element (want, i)
                     : json_array_get_double_element (json_array_get_array_element (want, i), c);
        worst = MAX (worst, fabs (out[i * t + c] - w));
        scale = MAX (scale, fabs (w));
      }
  g_test_message ("%s: max |diff| %.3g (values up to %.3g)", name, worst, scale);
  g_assert_cmpfloat (worst, <=, 1e-9 * scale + 1e-12);
  vt->destroy (m);
}

/* The decision threshold and Platt scores: probabilities in (0, 1), rising
 * with the decision value, summing to 1 over classes. */
static void
test_platt (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = load_case (parser, "multiclass_tall");
  g_autoptr (TdDataset) train = matrix (json_object_get_array_member (o, "x_train"),
                                        json_object_get_array_member (o, "y_train"),
                                        TD_TASK_MULTICLASS, 3);
  TdModel *m = fit (NULL, train);
  const TdModelVTable *vt = td_plugin_descriptor (0)->vtable;
  g_autofree double *out = g_new (double, train->n_series * 3);
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_assert_true (vt->predict (m, train, out, ctx, NULL));
  size_t right = 0;
  for (size_t i = 0; i < train->n_series; i++)
    {
      double s = 0;
      size_t best = 0;
      for (size_t c = 0; c < 3; c++)
        {
          g_assert_cmpfloat (out[i * 3 + c], >, 0);
          g_assert_cmpfloat (out[i * 3 + c], <, 1);
          s += out[i * 3 + c];
          best = out[i * 3 + c] > out[i * 3 + best] ? c : best;
        }
      g_assert_cmpfloat (fabs (s - 1), <, 1e-12);
      right += best == (size_t) train->y[i];
    }
  g_assert_cmpuint (right, >, train->n_series * 6 / 10);   /* learns something */

  /* save → load → the same bytes */
  g_autofree char *dir = g_dir_make_tmp ("ridge-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.ini", NULL);
  g_assert_true (vt->save (m, path, NULL));
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_autoptr (TdParams) params = td_params_new_defaults (d->params, d->n_params, NULL);
  g_autoptr (GError) error = NULL;
  TdModel *back = vt->load (params, path, ctx, &error);
  g_assert_no_error (error);
  g_autofree double *again = g_new (double, train->n_series * 3);
  g_assert_true (vt->predict (back, train, again, ctx, NULL));
  g_assert_cmpmem (out, train->n_series * 3 * sizeof (double), again,
                   train->n_series * 3 * sizeof (double));
  /* explain: w·z per feature, summing to the decision value minus intercept */
  g_autofree float *attr = g_new (float, train->n_channels);
  g_assert_true (vt->explain (back, train, 0, attr, ctx, NULL));
  double asum = 0;
  for (size_t j = 0; j < train->n_channels; j++)
    asum += fabs (attr[j]);
  g_assert_cmpfloat (asum, >, 0);
  vt->destroy (back);
  vt->destroy (m);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_refusals (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  const TdModelVTable *vt = d->vtable;
  g_autoptr (TdDataset) ds = td_dataset_new (10, 1, 3, TD_TASK_BINARY, 2);
  for (size_t i = 0; i < 30; i++)
    ds->x[i] = (float) (i % 7);
  for (size_t i = 0; i < 10; i++)
    ds->y[i] = i % 2;
  ds->x[4] = NAN;
  g_autoptr (TdParams) params = td_params_new_defaults (d->params, d->n_params, NULL);
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (GError) error = NULL;
  TdModel *m = vt->create (params, ctx, NULL);
  g_assert_false (vt->fit (m, ds, NULL, ctx, &error));
  g_assert_nonnull (strstr (error->message, "is NaN"));
  g_assert_nonnull (strstr (error->message, "impute"));
  g_clear_error (&error);
  g_autofree double *out = g_new (double, 10);
  g_assert_false (vt->predict (m, ds, out, ctx, &error));
  g_assert_nonnull (strstr (error->message, "before fit"));
  vt->destroy (m);
  g_assert_false (vt->tasks & TD_TASK_ANOMALY);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  static const char *const cases[] = {
    "binary_wide", "binary_tall_standardized", "multiclass_tall",
    "multiclass_wide_standardized", "regression_tall", "regression_wide_standardized",
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/ridge/golden/%s", cases[i]);
      g_test_add_data_func (path, cases[i], check_golden);
    }
  g_test_add_func ("/ridge/platt-save-load-explain", test_platt);
  g_test_add_func ("/ridge/refusals", test_refusals);
  return g_test_run ();
}
