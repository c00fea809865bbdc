/* test_xgboost.c — the xgboost model on a synthetic problem: accuracy,
 * save/load, seeding, early stopping on the validation split, curves, quiet
 * output, bad input. */
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <tundish/tundish.h>
#include <xgboost/c_api.h>

#include "test_xgboost.h"

static const TdPluginDescriptor *
desc (void)
{
  return td_plugin_descriptor (0);
}

const TdModelVTable *
vt (void)
{
  return desc ()->vtable;
}

/* Params with defaults, then "name", "value" pairs, NULL-terminated
 * (shared with test_xgboost_tasks.c through test_xgboost.h). */
TdParams *
make_params (const char *first, ...)
{
  GError *error = NULL;
  TdParams *p = td_params_new_defaults (desc ()->params, desc ()->n_params, &error);
  g_assert_no_error (error);
  va_list ap;
  va_start (ap, first);
  for (const char *name = first; name; name = va_arg (ap, const char *))
    {
      const char *value = va_arg (ap, const char *);
      td_params_set_text (p, name, value, &error);
      g_assert_no_error (error);
    }
  va_end (ap);
  return p;
}

/* n series, d >= 3 features ~ N(0, 1), labels Bernoulli(sigmoid(eta)) with a
 * non-linear eta on the first three features. p_true (may be NULL) gets the
 * true probabilities. */
static TdDataset *
make_easy (size_t n, size_t d, unsigned long seed, double *p_true)
{
  g_assert_cmpuint (d, >=, 3);
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, seed);
  TdDataset *ds = td_dataset_new (n, 1, d, TD_TASK_BINARY, 2);
  for (size_t i = 0; i < n; i++)
    {
      float *x = td_dataset_series (ds, i);
      for (size_t j = 0; j < d; j++)
        x[j] = (float) gsl_ran_gaussian (rng, 1.0);
      double eta = 0.2 + 4.0 * x[0] - 3.0 * (x[1] > 0.5) + 2.0 * x[2] * x[0];
      double p = 1.0 / (1.0 + exp (-eta));
      if (p_true)
        p_true[i] = p;
      ds->y[i] = gsl_rng_uniform (rng) < p ? 1.0 : 0.0;
    }
  gsl_rng_free (rng);
  return ds;
}

TdModel *
fit_model (TdParams *params, const TdDataset *train, const TdDataset *valid, TdContext *ctx)
{
  GError *error = NULL;
  TdModel *m = vt ()->create (params, ctx, &error);
  g_assert_no_error (error);
  g_assert_true (vt ()->fit (m, train, valid, ctx, &error));
  g_assert_no_error (error);
  return m;
}

static double *
predict (TdModel *m, const TdDataset *ds, TdContext *ctx)
{
  GError *error = NULL;
  double *out = g_new (double, ds->n_series);
  g_assert_true (vt ()->predict (m, ds, out, ctx, &error));
  g_assert_no_error (error);
  return out;
}

static gboolean
same (const double *a, const double *b, size_t n)
{
  return memcmp (a, b, n * sizeof *a) == 0;
}

typedef struct {
  GArray *train, *valid;    /* of double, indexed by step */
} Curves;

static void
record_curve (const char *name, int step, double value, gpointer user_data)
{
  Curves *c = user_data;
  GArray *a = g_str_equal (name, "train_logloss") ? c->train
              : g_str_equal (name, "valid_logloss") ? c->valid : NULL;
  g_assert_nonnull (a);
  g_assert_cmpint (step, ==, (int) a->len);
  g_array_append_val (a, value);
}

static void
curves_init (Curves *c)
{
  c->train = g_array_new (FALSE, FALSE, sizeof (double));
  c->valid = g_array_new (FALSE, FALSE, sizeof (double));
}

static void
curves_clear (Curves *c)
{
  g_array_unref (c->train);
  g_array_unref (c->valid);
}

static char *
tmp_dir (void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("tdxgb-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

/* The "best_iteration" attribute of a saved model, or -1, read with XGBoost
 * itself (as a Python user of the file would). */
static int
saved_best_iteration (const char *path)
{
  BoosterHandle b = NULL;
  g_assert_cmpint (XGBoosterCreate (NULL, 0, &b), ==, 0);
  g_assert_cmpint (XGBoosterLoadModel (b, path), ==, 0);
  const char *v = NULL;
  int found = 0;
  g_assert_cmpint (XGBoosterGetAttr (b, "best_iteration", &v, &found), ==, 0);
  int best = found ? atoi (v) : -1;
  XGBoosterFree (b);
  return best;
}

/* -------------------------------------------------------------------- tests */

static void
test_descriptor (void)
{
  const TdPluginDescriptor *d = desc ();
  g_assert_nonnull (d);
  g_assert_null (td_plugin_descriptor (1));
  g_assert_cmpuint (d->abi_version, ==, TD_PLUGIN_ABI_VERSION);
  g_assert_cmpint (d->kind, ==, TD_KIND_MODEL);
  g_assert_cmpstr (d->name, ==, "xgboost");
  g_assert_cmpuint (vt ()->accepts, ==, TD_DATA_MATRIX);
  g_assert_cmpuint (vt ()->tasks, ==, TD_TASK_BINARY | TD_TASK_MULTICLASS | TD_TASK_REGRESSION);
  g_assert_cmpint (vt ()->train_on, ==, TD_TRAIN_ON_ALL);
  g_autoptr (TdParams) p = make_params (NULL);
  g_assert_cmpint (td_params_get_int (p, "n_estimators"), ==, 100);
  g_assert_cmpint (td_params_get_int (p, "max_depth"), ==, 6);
  g_assert_cmpfloat (td_params_get_double (p, "learning_rate"), ==, 0.3);
  g_assert_cmpstr (td_params_get_string (p, "tree_method"), ==, "hist");
  g_assert_cmpint (td_params_get_int (p, "early_stopping_rounds"), ==, 0);
}

static void
test_easy_auc (void)
{
  g_autoptr (TdContext) ctx = td_context_new (42);
  g_autoptr (TdDataset) train = make_easy (300, 5, 1, NULL);
  double p_true[100];
  g_autoptr (TdDataset) test = make_easy (100, 5, 2, p_true);
  g_autoptr (TdParams) p = make_params ("learning_rate", "0.1", "max_depth", "3", NULL);
  TdModel *m = fit_model (p, train, NULL, ctx);
  g_autofree double *s = predict (m, test, ctx);
  double auc = td_roc_auc (test->y, s, test->n_series);
  g_test_message ("xgboost test ROC-AUC on the easy problem: %.4f (true probabilities: %.4f)",
                  auc, td_roc_auc (test->y, p_true, test->n_series));
  g_assert_cmpfloat (auc, >, 0.9);
  for (size_t i = 0; i < test->n_series; i++)
    g_assert_true (s[i] > 0 && s[i] < 1);
  vt ()->destroy (m);
}

static void
check_round_trip (TdModel *m, const char *name, const TdDataset *test, TdContext *ctx,
                  int expect_best)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GError *error = NULL;
  g_assert_true (vt ()->save (m, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (saved_best_iteration (path), ==, expect_best);

  g_autoptr (TdParams) other = make_params ("n_estimators", "3", NULL);
  TdModel *loaded = vt ()->load (other, path, ctx, &error);
  g_assert_no_error (error);
  g_autofree double *before = predict (m, test, ctx);
  g_autofree double *after = predict (loaded, test, ctx);
  g_assert_cmpmem (before, test->n_series * sizeof (double), after,
                   test->n_series * sizeof (double));
  vt ()->destroy (loaded);

  /* The path is used as given: nothing else appears in the folder. */
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (d), ==, name);
  g_assert_null (g_dir_read_name (d));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_save_load_identical (void)
{
  g_autoptr (TdContext) ctx = td_context_new (7);
  g_autoptr (TdDataset) train = make_easy (300, 5, 3, NULL);
  g_autoptr (TdDataset) valid = make_easy (100, 5, 4, NULL);
  g_autoptr (TdDataset) test = make_easy (100, 5, 5, NULL);
  test->x[3] = NAN;
  g_autoptr (TdParams) p = make_params ("n_estimators", "40", "subsample", "0.8", NULL);
  TdModel *m = fit_model (p, train, NULL, ctx);
  check_round_trip (m, "model.ubj", test, ctx, -1);
  check_round_trip (m, "model.json", test, ctx, -1);
  check_round_trip (m, "model.bin", test, ctx, -1);
  vt ()->destroy (m);

  /* With early stopping the best round must survive the round trip. */
  g_autoptr (TdParams) pe = make_params ("n_estimators", "300", "early_stopping_rounds", "5",
                                         NULL);
  m = fit_model (pe, train, valid, ctx);
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "m.ubj", NULL);
  GError *error = NULL;
  g_assert_true (vt ()->save (m, path, &error));
  int best = saved_best_iteration (path);
  g_unlink (path);
  g_rmdir (dir);
  g_assert_cmpint (best, >=, 0);
  g_assert_cmpint (best, <, 295);
  check_round_trip (m, "model.ubj", test, ctx, best);
  check_round_trip (m, "model.json", test, ctx, best);
  vt ()->destroy (m);
}

static void
test_seeds (void)
{
  g_autoptr (TdDataset) train = make_easy (300, 6, 6, NULL);
  g_autoptr (TdDataset) test = make_easy (100, 6, 7, NULL);
  g_autoptr (TdParams) p = make_params ("n_estimators", "30", "subsample", "0.8",
                                        "colsample_bytree", "0.8", NULL);
  g_autoptr (TdContext) c1 = td_context_new (1234);
  g_autoptr (TdContext) c1b = td_context_new (1234);
  g_autoptr (TdContext) c2 = td_context_new (1235);
  TdModel *a = fit_model (p, train, NULL, c1);
  TdModel *b = fit_model (p, train, NULL, c1b);
  TdModel *c = fit_model (p, train, NULL, c2);
  g_autofree double *sa = predict (a, test, c1);
  g_autofree double *sb = predict (b, test, c1);
  g_autofree double *sc = predict (c, test, c1);
  g_assert_true (same (sa, sb, test->n_series));
  g_assert_false (same (sa, sc, test->n_series));

  /* Training another booster on the same thread in between must not shift
   * this one's random stream. */
  TdModel *d = fit_model (p, train, NULL, c2);
  TdModel *e = fit_model (p, train, NULL, c1);
  g_autofree double *se = predict (e, test, c1);
  g_assert_true (same (sa, se, test->n_series));

  /* Thread count: measured, reported, and asserted equal on this build. */
  g_autoptr (TdContext) c1t = td_context_new (1234);
  td_context_set_threads (c1t, 2);
  TdModel *t = fit_model (p, train, NULL, c1t);
  g_autofree double *st = predict (t, test, c1t);
  double worst = 0;
  for (size_t i = 0; i < test->n_series; i++)
    worst = fmax (worst, fabs (sa[i] - st[i]));
  g_test_message ("1 vs 2 threads: max |diff| of predictions %.3g", worst);
  g_assert_true (same (sa, st, test->n_series));

  /* Without row or column sampling the seed does not matter. */
  g_autoptr (TdParams) q = make_params ("n_estimators", "30", NULL);
  TdModel *f = fit_model (q, train, NULL, c1);
  TdModel *g = fit_model (q, train, NULL, c2);
  g_autofree double *sf = predict (f, test, c1);
  g_autofree double *sg = predict (g, test, c1);
  g_assert_true (same (sf, sg, test->n_series));

  TdModel *all[] = { a, b, c, d, e, t, f, g };
  for (size_t k = 0; k < G_N_ELEMENTS (all); k++)
    vt ()->destroy (all[k]);
}

int
argmin (GArray *a)
{
  int best = 0;
  for (guint i = 1; i < a->len; i++)
    if (g_array_index (a, double, i) < g_array_index (a, double, best))
      best = (int) i;
  return best;
}

static int
fit_early (const TdDataset *train, const TdDataset *valid, Curves *curves, TdModel **out)
{
  g_autoptr (TdContext) ctx = td_context_new (11);
  td_context_set_curve_sink (ctx, record_curve, curves);
  g_autoptr (TdParams) p = make_params ("n_estimators", "300", "early_stopping_rounds", "10",
                                        "learning_rate", "0.3", NULL);
  TdModel *m = fit_model (p, train, valid, ctx);
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "m.json", NULL);
  GError *error = NULL;
  g_assert_true (vt ()->save (m, path, &error));
  g_assert_no_error (error);
  int best = saved_best_iteration (path);
  g_unlink (path);
  g_rmdir (dir);
  *out = m;
  return best;
}

static void
test_early_stopping (void)
{
  g_autoptr (TdDataset) train = make_easy (300, 5, 8, NULL);
  g_autoptr (TdDataset) valid = make_easy (150, 5, 9, NULL);
  g_autoptr (TdDataset) test = make_easy (100, 5, 10, NULL);
  Curves c;
  curves_init (&c);
  TdModel *m = NULL;
  int best = fit_early (train, valid, &c, &m);

  /* The rounds run, the curves, and the best round agree. */
  g_test_message ("early stopping: best round %d of %u run", best, c.valid->len);
  g_assert_cmpuint (c.train->len, ==, c.valid->len);
  g_assert_cmpuint (c.valid->len, <, 300);
  g_assert_cmpint (best, ==, argmin (c.valid));
  g_assert_cmpint ((int) c.valid->len, ==, best + 11);
  g_assert_cmpfloat (g_array_index (c.train, double, c.train->len - 1), <,
                     g_array_index (c.train, double, 0));

  /* predict uses trees 0..best: the same as boosting best + 1 rounds. */
  g_autoptr (TdContext) ctx = td_context_new (11);
  g_autofree char *rounds = g_strdup_printf ("%d", best + 1);
  g_autoptr (TdParams) p = make_params ("n_estimators", rounds, NULL);
  TdModel *short_model = fit_model (p, train, NULL, ctx);
  g_autofree double *s_es = predict (m, test, ctx);
  g_autofree double *s_short = predict (short_model, test, ctx);
  g_assert_true (same (s_es, s_short, test->n_series));
  vt ()->destroy (short_model);
  vt ()->destroy (m);
  curves_clear (&c);

  /* A validation split whose labels disagree with training: the best round
   * moves to the first, so the choice is made on valid. */
  g_autoptr (TdDataset) flipped = make_easy (150, 5, 9, NULL);
  for (size_t i = 0; i < flipped->n_series; i++)
    flipped->y[i] = 1 - flipped->y[i];
  curves_init (&c);
  int best_flipped = fit_early (train, flipped, &c, &m);
  g_test_message ("early stopping with flipped valid labels: best round %d", best_flipped);
  g_assert_cmpint (best_flipped, ==, 0);
  g_assert_cmpint (best_flipped, !=, best);
  g_assert_cmpuint (c.valid->len, ==, 11);
  vt ()->destroy (m);
  curves_clear (&c);

  /* Asking for early stopping without a validation split is an error. */
  g_autoptr (TdParams) pe = make_params ("early_stopping_rounds", "5", NULL);
  GError *error = NULL;
  m = vt ()->create (pe, ctx, &error);
  g_assert_false (vt ()->fit (m, train, NULL, ctx, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_test_message ("expected error: %s", error->message);
  g_clear_error (&error);
  vt ()->destroy (m);
}

static void
test_curves_without_valid (void)
{
  g_autoptr (TdDataset) train = make_easy (200, 5, 12, NULL);
  g_autoptr (TdContext) ctx = td_context_new (3);
  Curves c;
  curves_init (&c);
  td_context_set_curve_sink (ctx, record_curve, &c);
  g_autoptr (TdParams) p = make_params ("n_estimators", "25", NULL);
  TdModel *m = fit_model (p, train, NULL, ctx);
  g_assert_cmpuint (c.train->len, ==, 25);
  g_assert_cmpuint (c.valid->len, ==, 0);
  for (guint i = 1; i < c.train->len; i++)
    g_assert_cmpfloat (g_array_index (c.train, double, i), <=,
                       g_array_index (c.train, double, i - 1));
  vt ()->destroy (m);
  curves_clear (&c);
}

static void
test_missing_and_soft_labels (void)
{
  g_autoptr (TdContext) ctx = td_context_new (5);
  double p_true[400];
  g_autoptr (TdDataset) train = make_easy (400, 5, 13, p_true);
  for (size_t i = 0; i < train->n_series; i++)
    {
      train->y[i] = p_true[i];                       /* soft labels */
      if (i % 7 == 0)
        td_dataset_series (train, i)[i % 5] = NAN;   /* missing values */
    }
  g_autoptr (TdDataset) test = make_easy (200, 5, 14, NULL);
  for (size_t i = 0; i < test->n_series; i += 9)
    td_dataset_series (test, i)[1] = NAN;
  g_autoptr (TdParams) p = make_params ("learning_rate", "0.1", "max_depth", "3", NULL);
  TdModel *m = fit_model (p, train, NULL, ctx);
  g_autofree double *s = predict (m, test, ctx);
  double auc = td_roc_auc (test->y, s, test->n_series);
  g_test_message ("soft labels with missing values: test ROC-AUC %.4f", auc);
  g_assert_cmpfloat (auc, >, 0.85);
  vt ()->destroy (m);
}

static void
test_explain (void)
{
  g_autoptr (TdContext) ctx = td_context_new (5);
  g_autoptr (TdDataset) train = make_easy (200, 4, 15, NULL);
  g_autoptr (TdParams) p = make_params ("n_estimators", "20", NULL);
  TdModel *m = fit_model (p, train, NULL, ctx);
  g_autofree double *s = predict (m, train, ctx);
  /* logit(p) - sum of SHAP values is the bias, the same for every series. */
  GError *error = NULL;
  double bias0 = 0;
  for (size_t i = 0; i < 20; i++)
    {
      float attr[4];
      g_assert_true (vt ()->explain (m, train, i, attr, ctx, &error));
      g_assert_no_error (error);
      double bias = log (s[i] / (1 - s[i])) - (attr[0] + attr[1] + attr[2] + attr[3]);
      if (i == 0)
        bias0 = bias;
      g_assert_cmpfloat (fabs (bias - bias0), <, 1e-4);
    }
  vt ()->destroy (m);
}

static void
test_quiet (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (TdContext) ctx = td_context_new (1);
      td_context_set_threads (ctx, 2);
      g_autoptr (TdDataset) train = make_easy (200, 5, 16, NULL);
      g_autoptr (TdDataset) valid = make_easy (100, 5, 17, NULL);
      static const char *const methods[] = { "hist", "exact", "approx", "auto" };
      for (size_t k = 0; k < G_N_ELEMENTS (methods); k++)
        {
          g_autoptr (TdParams) p = make_params ("n_estimators", "20", "tree_method", methods[k],
                                                "early_stopping_rounds", "3", NULL);
          TdModel *m = fit_model (p, train, valid, ctx);
          g_autofree double *s = predict (m, valid, ctx);
          g_autofree char *dir = tmp_dir ();
          g_autofree char *path = g_build_filename (dir, "m.bin", NULL);
          GError *error = NULL;
          g_assert_true (vt ()->save (m, path, &error));
          TdModel *l = vt ()->load (p, path, ctx, &error);
          g_assert_no_error (error);
          vt ()->destroy (l);
          vt ()->destroy (m);
          g_unlink (path);
          g_rmdir (dir);
        }
      /* XGBoost's console verbosity is per thread, and the plugin has run on
       * this one: an unused parameter, which XGBoost warns about by default,
       * must stay silent too. */
      DMatrixHandle d = NULL;
      BoosterHandle b = NULL;
      float labels[200];
      for (size_t i = 0; i < 200; i++)
        labels[i] = (float) train->y[i];
      g_assert_cmpint (XGDMatrixCreateFromMat (train->x, 200, 5, NAN, &d), ==, 0);
      g_assert_cmpint (XGDMatrixSetFloatInfo (d, "label", labels, 200), ==, 0);
      g_assert_cmpint (XGBoosterCreate (&d, 1, &b), ==, 0);
      g_assert_cmpint (XGBoosterSetParam (b, "validate_parameters", "1"), ==, 0);
      g_assert_cmpint (XGBoosterSetParam (b, "not_a_parameter", "1"), ==, 0);
      g_assert_cmpint (XGBoosterUpdateOneIter (b, 0, d), ==, 0);
      XGBoosterFree (b);
      XGDMatrixFree (d);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout_unmatched ("?*");
  g_test_trap_assert_stderr_unmatched ("?*");
}

static void
expect_fit_error (TdParams *p, const TdDataset *train, const TdDataset *valid, int code,
                  const char *fragment)
{
  g_autoptr (TdContext) ctx = td_context_new (1);
  GError *error = NULL;
  TdModel *m = vt ()->create (p, ctx, &error);
  g_assert_no_error (error);
  g_assert_false (vt ()->fit (m, train, valid, ctx, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, code);
  g_test_message ("expected error: %s", error->message);
  g_assert_nonnull (strstr (error->message, fragment));
  g_clear_error (&error);
  vt ()->destroy (m);
}

static void
test_bad_input (void)
{
  g_autoptr (TdParams) p = make_params ("n_estimators", "5", NULL);
  g_autoptr (TdDataset) ok = make_easy (50, 3, 1, NULL);

  g_autoptr (TdDataset) seq = td_dataset_new (20, 3, 2, TD_TASK_BINARY, 2);
  expect_fit_error (p, seq, NULL, TD_PLUGIN_ERROR_INVALID_INPUT, "n_steps == 1");
  g_autoptr (TdDataset) multi = td_dataset_new (20, 1, 2, TD_TASK_MULTICLASS, 1);
  expect_fit_error (p, multi, NULL, TD_PLUGIN_ERROR_INVALID_INPUT, "1 class(es)");
  g_autoptr (TdDataset) regr = td_dataset_new (20, 1, 2, TD_TASK_REGRESSION, 0);
  regr->y[3] = NAN;
  expect_fit_error (p, regr, NULL, TD_PLUGIN_ERROR_INVALID_INPUT, "finite");
  g_autoptr (TdDataset) anomaly = td_dataset_new (20, 1, 2, TD_TASK_ANOMALY, 2);
  expect_fit_error (p, anomaly, NULL, TD_PLUGIN_ERROR_UNSUPPORTED, "anomaly");
  g_autoptr (TdDataset) bad_y = make_easy (50, 3, 1, NULL);
  bad_y->y[2] = -1;
  expect_fit_error (p, bad_y, NULL, TD_PLUGIN_ERROR_INVALID_INPUT, "outside [0, 1]");
  bad_y->y[2] = NAN;
  expect_fit_error (p, bad_y, NULL, TD_PLUGIN_ERROR_INVALID_INPUT, "outside [0, 1]");
  g_autoptr (TdDataset) inf = make_easy (50, 3, 1, NULL);
  td_dataset_series (inf, 4)[2] = -INFINITY;
  expect_fit_error (p, inf, NULL, TD_PLUGIN_ERROR_INVALID_INPUT, "infinite");
  g_autoptr (TdDataset) narrow = td_dataset_new (50, 1, 2, TD_TASK_BINARY, 2);
  expect_fit_error (p, ok, narrow, TD_PLUGIN_ERROR_INVALID_INPUT, "validation data has 2");
  g_autoptr (TdDataset) empty = td_dataset_new (0, 1, 3, TD_TASK_BINARY, 2);
  expect_fit_error (p, empty, NULL, TD_PLUGIN_ERROR_INVALID_INPUT, "empty");

  GError *error = NULL;
  g_autoptr (TdContext) ctx = td_context_new (1);
  /* subsample 0 is refused by the spec (exclusive minimum), so by the config
   * before any trial, with the range (0, 1] in the message */
  g_autoptr (TdParams) zero = make_params (NULL);
  g_assert_false (td_params_set_text (zero, "subsample", "0", &error));
  g_assert_nonnull (strstr (error->message, "(0, 1]"));
  g_clear_error (&error);

  TdModel *m = vt ()->create (p, ctx, &error);
  double out[50];
  g_assert_false (vt ()->predict (m, ok, out, ctx, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (vt ()->save (m, "/dev/null/m.ubj", &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_true (vt ()->fit (m, ok, NULL, ctx, &error));
  g_assert_no_error (error);
  g_autoptr (TdDataset) wide = make_easy (50, 4, 2, NULL);
  g_assert_false (vt ()->predict (m, wide, out, ctx, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (vt ()->predict (m, seq, out, ctx, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (vt ()->save (m, "/dev/null/dir/m.ubj", &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO);
  g_clear_error (&error);
  vt ()->destroy (m);
}

static void
test_load_errors (void)
{
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (TdParams) p = make_params (NULL);
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "m.ubj", NULL);
  GError *error = NULL;

  g_assert_null (vt ()->load (p, path, ctx, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, "garbage", -1, NULL));
  g_assert_null (vt ()->load (p, path, ctx, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO);
  g_test_message ("garbage: %s", error->message);
  g_clear_error (&error);

  /* A valid XGBoost model that tundish did not write. */
  g_autoptr (TdDataset) ds = make_easy (50, 3, 1, NULL);
  DMatrixHandle d = NULL;
  BoosterHandle b = NULL;
  g_assert_cmpint (XGDMatrixCreateFromMat (ds->x, 50, 3, NAN, &d), ==, 0);
  float labels[50];
  for (size_t i = 0; i < 50; i++)
    labels[i] = (float) ds->y[i];
  g_assert_cmpint (XGDMatrixSetFloatInfo (d, "label", labels, 50), ==, 0);
  g_assert_cmpint (XGBoosterCreate (&d, 1, &b), ==, 0);
  g_assert_cmpint (XGBoosterSetParam (b, "objective", "binary:logistic"), ==, 0);
  g_assert_cmpint (XGBoosterUpdateOneIter (b, 0, d), ==, 0);
  g_assert_cmpint (XGBoosterSaveModel (b, path), ==, 0);
  XGBoosterFree (b);
  XGDMatrixFree (d);
  g_assert_null (vt ()->load (p, path, ctx, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO);
  g_test_message ("foreign model: %s", error->message);
  g_clear_error (&error);
  g_unlink (path);
  g_rmdir (dir);
}

static const TdFeatureImportanceExt *
importance_ext (TdModel *m)
{
  g_assert_nonnull (vt ()->extension);
  g_assert_null (vt ()->extension (m, "tundish.no-such-extension/1"));
  const TdFeatureImportanceExt *ext = vt ()->extension (m, TD_EXT_FEATURE_IMPORTANCE);
  g_assert_nonnull (ext);
  g_assert_nonnull (ext->importance);
  return ext;
}

static void
importance_of (TdModel *m, const char *type, double *out, size_t n)
{
  GError *error = NULL;
  g_assert_true (importance_ext (m)->importance (m, type, out, n, &error));
  g_assert_no_error (error);
}

/* y depends on column 2 alone; column 4 is constant, so no tree can split on it. */
static TdDataset *
make_one_informative (size_t n, unsigned long seed)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, seed);
  TdDataset *ds = td_dataset_new (n, 1, 5, TD_TASK_BINARY, 2);
  for (size_t i = 0; i < n; i++)
    {
      float *x = td_dataset_series (ds, i);
      for (size_t j = 0; j < 5; j++)
        x[j] = j == 4 ? 1.0f : (float) gsl_ran_gaussian (rng, 1.0);
      double p = 1.0 / (1.0 + exp (-3.0 * x[2]));
      ds->y[i] = gsl_rng_uniform (rng) < p ? 1.0 : 0.0;
    }
  const char *names[] = { "speed.mean", "speed.max", "level.longest_run_outside",
                          "temp.std", "flow.const" };
  for (size_t j = 0; j < 5; j++)
    td_dataset_set_channel_name (ds, j, names[j]);
  gsl_rng_free (rng);
  return ds;
}

static void
test_importance (void)
{
  g_autoptr (TdContext) ctx = td_context_new (5);
  g_autoptr (TdDataset) train = make_one_informative (400, 21);
  g_autoptr (TdParams) p = make_params ("n_estimators", "30", "max_depth", "3", NULL);
  TdModel *m = fit_model (p, train, NULL, ctx);
  const TdFeatureImportanceExt *ext = importance_ext (m);
  const char *want[] = { "gain", "cover", "weight", "total_gain", NULL };
  for (size_t k = 0; want[k]; k++)
    g_assert_cmpstr (ext->types[k], ==, want[k]);
  g_assert_null (ext->types[4]);

  double gain[5], cover[5], weight[5], total[5];
  importance_of (m, "gain", gain, 5);
  importance_of (m, "cover", cover, 5);
  importance_of (m, "weight", weight, 5);
  importance_of (m, "total_gain", total, 5);
  g_test_message ("gain %.3g %.3g %.3g %.3g %.3g; weight %g %g %g %g %g", gain[0], gain[1],
                  gain[2], gain[3], gain[4], weight[0], weight[1], weight[2], weight[3],
                  weight[4]);
  /* the informative column has the top gain, total gain and split count */
  for (size_t j = 0; j < 5; j++)
    if (j != 2)
      {
        g_assert_cmpfloat (gain[2], >, 2 * gain[j]);
        g_assert_cmpfloat (total[2], >, total[j]);
        g_assert_cmpfloat (weight[2], >, weight[j]);
      }
  /* the constant column is never split on: 0 for every type */
  g_assert_cmpfloat (gain[4], ==, 0);
  g_assert_cmpfloat (cover[4], ==, 0);
  g_assert_cmpfloat (weight[4], ==, 0);
  /* weight counts splits, total_gain = gain × weight */
  for (size_t j = 0; j < 4; j++)
    {
      g_assert_cmpfloat (weight[j], ==, round (weight[j]));
      g_assert_cmpfloat_with_epsilon (total[j], gain[j] * weight[j], 1e-4 * (total[j] + 1));
    }

  /* the saved model carries the column names and the same importance */
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "m.json", NULL);
  GError *error = NULL;
  g_assert_true (vt ()->save (m, path, &error));
  g_autofree char *json = NULL;
  g_assert_true (g_file_get_contents (path, &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "level.longest_run_outside"));
  TdModel *loaded = vt ()->load (p, path, ctx, &error);
  g_assert_no_error (error);
  double again[5];
  importance_of (loaded, "gain", again, 5);
  g_assert_cmpmem (gain, sizeof gain, again, sizeof again);
  g_autofree double *s1 = predict (m, train, ctx);
  g_autofree double *s2 = predict (loaded, train, ctx);
  g_assert_true (same (s1, s2, train->n_series));
  vt ()->destroy (loaded);
  g_unlink (path);
  g_rmdir (dir);

  /* errors */
  g_assert_false (ext->importance (m, "gain", again, 4, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (ext->importance (m, "shap", again, 5, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  vt ()->destroy (m);
  m = vt ()->create (p, ctx, &error);
  g_assert_false (importance_ext (m)->importance (m, "gain", again, 5, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED);
  g_clear_error (&error);
  vt ()->destroy (m);
}

/* With early stopping the importance counts the trees predict uses
 * (0..best_iteration), the same as a model boosted best + 1 rounds. */
static void
test_importance_early_stopping (void)
{
  g_autoptr (TdDataset) train = make_easy (300, 5, 8, NULL);
  g_autoptr (TdDataset) valid = make_easy (150, 5, 9, NULL);
  Curves c;
  curves_init (&c);
  TdModel *m = NULL;
  int best = fit_early (train, valid, &c, &m);
  g_assert_cmpint (best + 1, <, (int) c.valid->len);
  g_autoptr (TdContext) ctx = td_context_new (11);
  g_autofree char *rounds = g_strdup_printf ("%d", best + 1);
  g_autoptr (TdParams) p = make_params ("n_estimators", rounds, NULL);
  TdModel *short_model = fit_model (p, train, NULL, ctx);
  g_autofree char *grown = g_strdup_printf ("%u", c.valid->len);
  g_autoptr (TdParams) pl = make_params ("n_estimators", grown, NULL);
  TdModel *long_model = fit_model (pl, train, NULL, ctx);
  const char *types[] = { "weight", "gain", "cover" };
  for (size_t k = 0; k < G_N_ELEMENTS (types); k++)
    {
      double a[5], b[5], l[5];
      importance_of (m, types[k], a, 5);
      importance_of (short_model, types[k], b, 5);
      importance_of (long_model, types[k], l, 5);
      for (size_t j = 0; j < 5; j++)
        g_assert_cmpfloat_with_epsilon (a[j], b[j], 1e-5 * (fabs (b[j]) + 1));
      if (k == 0)   /* the trees grown after the best round are left out */
        g_assert_cmpfloat (l[0] + l[1] + l[2] + l[3] + l[4], >, a[0] + a[1] + a[2] + a[3] + a[4]);
    }
  vt ()->destroy (long_model);
  vt ()->destroy (short_model);
  vt ()->destroy (m);
  curves_clear (&c);
}

static void
test_cancel (void)
{
  g_autoptr (TdContext) ctx = td_context_new (1);
  td_context_cancel (ctx);
  g_autoptr (TdDataset) train = make_easy (100, 3, 1, NULL);
  g_autoptr (TdParams) p = make_params (NULL);
  GError *error = NULL;
  TdModel *m = vt ()->create (p, ctx, &error);
  g_assert_false (vt ()->fit (m, train, NULL, ctx, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_CANCELLED);
  g_clear_error (&error);
  vt ()->destroy (m);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/xgboost/descriptor", test_descriptor);
  g_test_add_func ("/xgboost/easy-auc", test_easy_auc);
  g_test_add_func ("/xgboost/save-load-identical", test_save_load_identical);
  g_test_add_func ("/xgboost/seeds", test_seeds);
  g_test_add_func ("/xgboost/early-stopping", test_early_stopping);
  g_test_add_func ("/xgboost/curves-without-valid", test_curves_without_valid);
  g_test_add_func ("/xgboost/missing-and-soft-labels", test_missing_and_soft_labels);
  g_test_add_func ("/xgboost/explain", test_explain);
  g_test_add_func ("/xgboost/quiet", test_quiet);
  g_test_add_func ("/xgboost/bad-input", test_bad_input);
  g_test_add_func ("/xgboost/load-errors", test_load_errors);
  g_test_add_func ("/xgboost/cancel", test_cancel);
  g_test_add_func ("/xgboost/importance", test_importance);
  g_test_add_func ("/xgboost/importance-early-stopping", test_importance_early_stopping);
  xgb_add_task_tests ();
  return g_test_run ();
}
