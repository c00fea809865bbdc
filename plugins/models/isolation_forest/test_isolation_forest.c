/* test_isolation_forest.c — the isolation_forest plugin against scikit-learn
 * (tests/golden/isolation_forest, made by make_iforest_golden.py there):
 * c(n) and the score of sklearn's own fitted trees to 1e-12, and the mean
 * test ROC-AUC over 10 seeds within 0.01 of sklearn's on three data sets;
 * then outliers found, thread-count independence, save/load, explain and
 * the refusals. */
#include <glib/gstdio.h>
#include <gsl/gsl_randist.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include <tundish/io.h>
#include <tundish/tundish.h>

#include "iforest.h"

const TdPluginDescriptor *td_plugin_descriptor (size_t index);

static const TdModelVTable *
vt (void)
{
  return td_plugin_descriptor (0)->vtable;
}

static JsonObject *
load_json (JsonParser *parser, const char *name)
{
  g_autofree char *path = g_build_filename (TD_GOLDEN_IFOREST_DIR, name, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_c (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonArray *c = json_object_get_array_member (load_json (parser, "score_formula.json"), "c");
  g_assert_cmpuint (json_array_get_length (c), >, 20);
  for (guint k = 0; k < json_array_get_length (c); k++)
    {
      JsonArray *pair = json_array_get_array_element (c, k);
      double n = json_array_get_double_element (pair, 0);
      double want = json_array_get_double_element (pair, 1);
      g_assert_cmpfloat_with_epsilon (iforest_c (n), want, 1e-12 * MAX (1.0, want));
    }
  /* the small-n cases are not the formula's values */
  g_assert_cmpfloat (iforest_c (1), ==, 0.0);
  g_assert_cmpfloat (iforest_c (2), ==, 1.0);
}

static gint32 *
int_list (JsonArray *a, size_t *n)
{
  *n = json_array_get_length (a);
  gint32 *v = g_new (gint32, *n);
  for (size_t i = 0; i < *n; i++)
    v[i] = (gint32) json_array_get_int_element (a, i);
  return v;
}

/* sklearn's trees, with external-node path lengths depth + c(size) as
 * iforest.c stores them: the score must be sklearn's -score_samples. */
static void
test_score_formula (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonArray *cases = json_object_get_array_member (load_json (parser, "score_formula.json"),
                                                   "cases");
  g_assert_cmpuint (json_array_get_length (cases), ==, 2);
  for (guint k = 0; k < json_array_get_length (cases); k++)
    {
      JsonObject *cs = json_array_get_object_element (cases, k);
      JsonArray *trees = json_object_get_array_member (cs, "trees");
      g_autoptr (IForest) f = g_new0 (IForest, 1);
      f->psi = (size_t) json_object_get_int_member (cs, "psi");
      f->n_features = (size_t) json_object_get_int_member (cs, "n_features");
      f->n_trees = json_array_get_length (trees);
      f->trees = g_new0 (IfTree, f->n_trees);
      for (size_t t = 0; t < f->n_trees; t++)
        {
          JsonObject *to = json_array_get_object_element (trees, (guint) t);
          IfTree *tr = &f->trees[t];
          size_t n = 0, m = 0;
          tr->feature = int_list (json_object_get_array_member (to, "feature"), &n);
          tr->left = int_list (json_object_get_array_member (to, "left"), &m);
          tr->right = int_list (json_object_get_array_member (to, "right"), &m);
          tr->size = int_list (json_object_get_array_member (to, "n_node_samples"), &m);
          const gint32 *size = tr->size;
          JsonArray *thr = json_object_get_array_member (to, "threshold");
          tr->n_nodes = n;
          tr->threshold = g_new (double, n);
          tr->value = g_new0 (double, n);
          g_autofree int *depth = g_new0 (int, n);
          for (size_t j = 0; j < n; j++)
            {
              tr->threshold[j] = json_array_get_double_element (thr, (guint) j);
              if (tr->feature[j] >= 0)
                depth[tr->left[j]] = depth[tr->right[j]] = depth[j] + 1;
              else
                tr->value[j] = depth[j] + iforest_c (size[j]);
            }
        }
      const char *why = NULL;
      g_assert_true (iforest_check (f, &why));
      JsonArray *x = json_object_get_array_member (cs, "x");
      JsonArray *want = json_object_get_array_member (cs, "score");
      size_t n = json_array_get_length (x), d = f->n_features;
      g_autofree float *xs = g_new (float, n * d);
      for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
          xs[i * d + j] = (float) json_array_get_double_element (
            json_array_get_array_element (x, (guint) i), (guint) j);
      g_autofree double *got = g_new (double, n);
      iforest_score (f, xs, n, got, 2);
      double lo = 1, hi = 0;
      for (size_t i = 0; i < n; i++)
        {
          double w = json_array_get_double_element (want, (guint) i);
          g_assert_cmpfloat_with_epsilon (got[i], w, 1e-12);
          lo = MIN (lo, w);
          hi = MAX (hi, w);
        }
      g_assert_cmpfloat (hi - lo, >, 0.1);   /* the rows differ: not vacuous */
    }
}

/* ------------------------------------------------- ROC-AUC against sklearn */

typedef struct {
  TdDataset *train, *test;
} AucSet;

static AucSet
read_set (const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/auc_%s.csv", TD_GOLDEN_IFOREST_DIR, name);
  g_autofree char *text = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = td_csv_parse (text, len, path, &error);
  g_assert_no_error (error);
  size_t p = g_strv_length (rows->pdata[0]) - 2, n_train = 0, n_test = 0;
  for (guint r = 1; r < rows->len; r++)
    {
      if (g_str_equal (((char **) rows->pdata[r])[0], "train"))
        n_train++;
      else
        n_test++;
    }
  AucSet s = { td_dataset_new (n_train, 1, p, TD_TASK_ANOMALY, 2),
               td_dataset_new (n_test, 1, p, TD_TASK_ANOMALY, 2) };
  size_t i_train = 0, i_test = 0;
  for (guint r = 1; r < rows->len; r++)
    {
      char **f = rows->pdata[r];
      gboolean train = g_str_equal (f[0], "train");
      TdDataset *ds = train ? s.train : s.test;
      size_t i = train ? i_train++ : i_test++;
      ds->y[i] = g_ascii_strtod (f[1], NULL);
      for (size_t j = 0; j < p; j++)
        ds->x[i * p + j] = (float) g_ascii_strtod (f[2 + j], NULL);
    }
  return s;
}

static void
check_auc (gconstpointer data)
{
  const char *name = data;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *ref = json_object_get_object_member (
    json_object_get_object_member (load_json (parser, "auc_reference.json"), "sets"), name);
  double want = json_object_get_double_member (ref, "mean_roc_auc");
  AucSet s = read_set (name);
  g_assert_cmpuint (s.test->n_series, ==, (size_t) json_object_get_int_member (ref, "n_test"));
  g_autoptr (TdParams) params = td_params_new_defaults (td_plugin_descriptor (0)->params,
                                                        td_plugin_descriptor (0)->n_params, NULL);
  g_autofree double *scores = g_new (double, s.test->n_series);
  double sum = 0;
  for (guint64 seed = 0; seed < 10; seed++)
    {
      g_autoptr (TdContext) ctx = td_context_new (seed);
      g_autoptr (GError) error = NULL;
      TdModel *m = vt ()->create (params, ctx, &error);
      g_assert_true (vt ()->fit (m, s.train, NULL, ctx, &error));
      g_assert_true (vt ()->predict (m, s.test, scores, ctx, &error));
      g_assert_no_error (error);
      vt ()->destroy (m);
      sum += td_roc_auc (s.test->y, scores, s.test->n_series);
    }
  g_test_message ("%s: mean ROC-AUC over 10 seeds %.4f, scikit-learn %.4f", name, sum / 10,
                  want);
  g_assert_cmpfloat (fabs (sum / 10 - want), <, 0.01);
  td_dataset_unref (s.train);
  td_dataset_unref (s.test);
}

/* ------------------------------------------------------- the plugin itself */

/* n normal rows N(0, 1) in d columns, then k outliers at 6 in column hot. */
static TdDataset *
blob (size_t n, size_t k, size_t d, size_t hot, guint64 seed)
{
  TdDataset *ds = td_dataset_new (n + k, 1, d, TD_TASK_ANOMALY, 2);
  g_autoptr (TdContext) ctx = td_context_new (seed);
  gsl_rng *r = td_context_rng (ctx);
  for (size_t i = 0; i < n + k; i++)
    {
      for (size_t j = 0; j < d; j++)
        ds->x[i * d + j] = (float) gsl_ran_gaussian (r, 1.0);
      if (i >= n)
        {
          ds->x[i * d + hot] = 6.0f;
          ds->y[i] = 1;
        }
    }
  return ds;
}

static double *
fit_score (const TdDataset *train, const TdDataset *test, guint64 seed, int threads,
           const char *const *kv, TdModel **keep)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_autoptr (GError) error = NULL;
  g_autoptr (TdParams) params = td_params_new_defaults (d->params, d->n_params, &error);
  for (size_t i = 0; kv && kv[i]; i += 2)
    g_assert_true (td_params_set_text (params, kv[i], kv[i + 1], &error));
  g_autoptr (TdContext) ctx = td_context_new (seed);
  td_context_set_threads (ctx, threads);
  TdModel *m = vt ()->create (params, ctx, &error);
  g_assert_true (vt ()->fit (m, train, NULL, ctx, &error));
  double *out = g_new (double, test->n_series);
  g_assert_true (vt ()->predict (m, test, out, ctx, &error));
  g_assert_no_error (error);
  if (keep)
    *keep = m;
  else
    vt ()->destroy (m);
  return out;
}

static void
test_outliers_threads (void)
{
  g_autoptr (TdDataset) train = blob (500, 0, 4, 0, 1);
  g_autoptr (TdDataset) test = blob (200, 10, 4, 2, 2);
  g_autofree double *one = fit_score (train, test, 7, 1, NULL, NULL);
  g_autofree double *three = fit_score (train, test, 7, 3, NULL, NULL);
  g_autofree double *other = fit_score (train, test, 8, 1, NULL, NULL);
  double mean_outlier = 0;
  gboolean seed_matters = FALSE;
  for (size_t i = 0; i < test->n_series; i++)
    {
      g_assert_cmpmem (&one[i], sizeof (double), &three[i], sizeof (double));
      seed_matters = seed_matters || one[i] != other[i];
      g_assert_cmpfloat (one[i], >, 0.0);
      g_assert_cmpfloat (one[i], <, 1.0);
      mean_outlier += test->y[i] > 0.5 ? one[i] / 10 : 0;
    }
  g_assert_true (seed_matters);   /* the thread check compares forests that could differ */
  /* one column of four far out: found, though only the splits on it see it */
  g_assert_cmpfloat (td_roc_auc (test->y, one, test->n_series), >, 0.97);
  g_assert_cmpfloat (mean_outlier, >, 0.55);
}

static void
test_save_load_explain (void)
{
  g_autoptr (TdDataset) train = blob (300, 0, 5, 0, 3);
  g_autoptr (TdDataset) test = blob (50, 5, 5, 3, 4);
  TdModel *m = NULL;
  static const char *const kv[] = { "n_estimators", "30", "max_features", "0.6", NULL };
  g_autofree double *before = fit_score (train, test, 9, 2, kv, &m);
  g_autofree char *dir = g_dir_make_tmp ("iforest-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.ini", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (vt ()->save (m, path, &error));

  /* explain: the outliers stand out in feature 3 */
  float attr[5];
  g_assert_true (vt ()->explain (m, test, 52, attr, NULL, &error));
  for (size_t j = 0; j < 5; j++)
    if (j != 3)
      g_assert_cmpfloat (attr[3], >, attr[j]);
  vt ()->destroy (m);

  g_autoptr (TdParams) params = td_params_new_defaults (td_plugin_descriptor (0)->params,
                                                        td_plugin_descriptor (0)->n_params, NULL);
  TdModel *back = vt ()->load (params, path, NULL, &error);
  g_assert_no_error (error);
  g_autofree double *after = g_new (double, test->n_series);
  g_assert_true (vt ()->predict (back, test, after, NULL, &error));
  g_assert_cmpmem (before, test->n_series * sizeof (double), after,
                   test->n_series * sizeof (double));
  vt ()->destroy (back);

  /* a tree whose child points back at its parent would never end: refused */
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_assert_true (g_key_file_load_from_file (kf, path, 0, NULL));
  gsize n = 0;
  g_autofree gint *left = g_key_file_get_integer_list (kf, "tree 0", "left", &n, NULL);
  g_assert_cmpint (left[0], >, 0);
  left[0] = 0;
  g_key_file_set_integer_list (kf, "tree 0", "left", left, n);
  g_assert_true (g_key_file_save_to_file (kf, path, NULL));
  g_assert_null (vt ()->load (params, path, NULL, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "child index"));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_refusals (void)
{
  g_assert_cmpuint (vt ()->train_on, ==, TD_TRAIN_ON_NORMAL);
  g_assert_cmpuint (vt ()->tasks, ==, TD_TASK_ANOMALY);
  g_autoptr (TdDataset) train = blob (20, 0, 3, 0, 5);
  train->x[7 * 3 + 1] = NAN;
  g_autoptr (TdParams) params = td_params_new_defaults (td_plugin_descriptor (0)->params,
                                                        td_plugin_descriptor (0)->n_params, NULL);
  g_autoptr (GError) error = NULL;
  TdModel *m = vt ()->create (params, NULL, &error);
  g_assert_false (vt ()->fit (m, train, NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "series 7"));
  g_assert_nonnull (strstr (error->message, "impute"));
  g_clear_error (&error);
  g_autoptr (TdDataset) one = blob (1, 0, 3, 0, 5);
  g_assert_false (vt ()->fit (m, one, NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "at least 2"));
  g_clear_error (&error);
  g_autoptr (TdDataset) ok = blob (20, 0, 3, 0, 5);
  g_assert_true (vt ()->fit (m, ok, NULL, NULL, &error));
  g_autoptr (TdDataset) wide = blob (5, 0, 4, 0, 5);
  double out[5];
  g_assert_false (vt ()->predict (m, wide, out, NULL, &error));
  g_assert_nonnull (strstr (error->message, "4 features"));
  vt ()->destroy (m);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/isolation_forest/c", test_c);
  g_test_add_func ("/isolation_forest/score-formula", test_score_formula);
  static const char *const sets[] = { "blobs", "breast_cancer", "caster" };
  for (size_t k = 0; k < G_N_ELEMENTS (sets); k++)
    {
      g_autofree char *p = g_strdup_printf ("/isolation_forest/auc-vs-sklearn/%s", sets[k]);
      g_test_add_data_func (p, sets[k], check_auc);
    }
  g_test_add_func ("/isolation_forest/outliers-threads", test_outliers_threads);
  g_test_add_func ("/isolation_forest/save-load-explain", test_save_load_explain);
  g_test_add_func ("/isolation_forest/refusals", test_refusals);
  return g_test_run ();
}
