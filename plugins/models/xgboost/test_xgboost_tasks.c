/* test_xgboost_tasks.c — the xgboost model on multiclass (multi:softprob) and
 * regression (reg:squarederror, reg:pseudohubererror): predictions, early
 * stopping on mlogloss / rmse, feature importance over the trees predict
 * uses, explanations, save/load, and the errors of a wrong objective or
 * target. */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <tundish/tundish.h>

#include "test_xgboost.h"

/* 4 features ~ N(0, 1). Multiclass: the class whose score (x0, x1, -x0-x1)
 * plus N(0, 0.3) noise is largest, so feature 3 is noise. Regression:
 * y = 2 x0 + x1² + N(0, 0.3²), feature 2 and 3 noise. */
static TdDataset *
make_data (TdTask task, size_t n, unsigned long seed)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, seed);
  TdDataset *ds = td_dataset_new (n, 1, 4, task, task == TD_TASK_MULTICLASS ? 3 : 0);
  for (size_t i = 0; i < n; i++)
    {
      float *x = td_dataset_series (ds, i);
      for (size_t j = 0; j < 4; j++)
        x[j] = (float) gsl_ran_gaussian (rng, 1.0);
      if (task == TD_TASK_MULTICLASS)
        {
          double s[3] = { x[0], x[1], -x[0] - x[1] };
          size_t k = 0;
          for (size_t c = 0; c < 3; c++)
            s[c] += gsl_ran_gaussian (rng, 0.3);
          for (size_t c = 1; c < 3; c++)
            if (s[c] > s[k])
              k = c;
          ds->y[i] = (double) k;
        }
      else
        ds->y[i] = 2.0 * x[0] + x[1] * x[1] + gsl_ran_gaussian (rng, 0.3);
    }
  gsl_rng_free (rng);
  return ds;
}

static double *
predict_k (TdModel *m, const TdDataset *ds, size_t n_out, TdContext *ctx)
{
  GError *error = NULL;
  double *out = g_new (double, ds->n_series * n_out);
  g_assert_true (vt ()->predict (m, ds, out, ctx, &error));
  g_assert_no_error (error);
  return out;
}

typedef struct {
  const char *train_name, *valid_name;
  GArray *train, *valid;
} Curves;

static void
record_curve (const char *name, int step, double value, gpointer user_data)
{
  Curves *c = user_data;
  GArray *a = g_str_equal (name, c->train_name) ? c->train
              : g_str_equal (name, c->valid_name) ? c->valid : NULL;
  if (!a)
    g_error ("unexpected curve %s", name);
  g_assert_cmpint (step, ==, (int) a->len);
  g_array_append_val (a, value);
}

static void
importance_of (TdModel *m, const char *type, double *out)
{
  const TdFeatureImportanceExt *ext = vt ()->extension (m, TD_EXT_FEATURE_IMPORTANCE);
  g_assert_nonnull (ext);
  GError *error = NULL;
  g_assert_true (ext->importance (m, type, out, 4, &error));
  g_assert_no_error (error);
}

/* Early stopping on the task's metric: the curves carry its name, the best
 * round is the validation minimum, predictions and importance equal those of
 * a model boosted best + 1 rounds (so importance counts every class's tree of
 * each kept round, and none after). Returns the best round. */
static int
check_early_stopping (TdTask task, const char *metric, size_t n_out)
{
  g_autoptr (TdDataset) train = make_data (task, 400, 1);
  g_autoptr (TdDataset) valid = make_data (task, 200, 2);
  g_autoptr (TdDataset) test = make_data (task, 100, 3);
  g_autofree char *tn = g_strdup_printf ("train_%s", metric);
  g_autofree char *vn = g_strdup_printf ("valid_%s", metric);
  Curves c = { tn, vn, g_array_new (FALSE, FALSE, sizeof (double)),
               g_array_new (FALSE, FALSE, sizeof (double)) };
  g_autoptr (TdContext) ctx = td_context_new (7);
  td_context_set_curve_sink (ctx, record_curve, &c);
  g_autoptr (TdParams) p = make_params ("n_estimators", "400", "learning_rate", "0.3",
                                        "early_stopping_rounds", "8", NULL);
  TdModel *m = fit_model (p, train, valid, ctx);
  int best = argmin (c.valid);
  g_test_message ("%s: best round %d of %u run", metric, best, c.valid->len);
  g_assert_cmpuint (c.train->len, ==, c.valid->len);
  g_assert_cmpint ((int) c.valid->len, ==, best + 9);
  g_assert_cmpuint (c.valid->len, <, 400);
  g_assert_cmpfloat (g_array_index (c.train, double, c.train->len - 1), <,
                     g_array_index (c.train, double, 0));

  g_autoptr (TdContext) ctx2 = td_context_new (7);
  g_autofree char *rounds = g_strdup_printf ("%d", best + 1);
  g_autoptr (TdParams) ps = make_params ("n_estimators", rounds, "learning_rate", "0.3", NULL);
  TdModel *short_model = fit_model (ps, train, NULL, ctx2);
  g_autofree double *a = predict_k (m, test, n_out, ctx2);
  g_autofree double *b = predict_k (short_model, test, n_out, ctx2);
  g_assert_cmpmem (a, test->n_series * n_out * sizeof *a, b, test->n_series * n_out * sizeof *b);
  double wa[4], wb[4];
  importance_of (m, "weight", wa);
  importance_of (short_model, "weight", wb);
  g_assert_cmpmem (wa, sizeof wa, wb, sizeof wb);
  vt ()->destroy (short_model);
  vt ()->destroy (m);
  g_array_unref (c.train);
  g_array_unref (c.valid);
  return best;
}

/* Save, load, predict: the same bytes. */
static void
check_save_load (TdModel *m, TdParams *p, const TdDataset *test, size_t n_out, TdContext *ctx)
{
  g_autofree char *dir = g_dir_make_tmp ("tdxgbtask-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "m.ubj", NULL);
  GError *error = NULL;
  g_assert_true (vt ()->save (m, path, &error));
  g_assert_no_error (error);
  TdModel *loaded = vt ()->load (p, path, ctx, &error);
  g_assert_no_error (error);
  g_autofree double *a = predict_k (m, test, n_out, ctx);
  g_autofree double *b = predict_k (loaded, test, n_out, ctx);
  g_assert_cmpmem (a, test->n_series * n_out * sizeof *a, b, test->n_series * n_out * sizeof *b);
  vt ()->destroy (loaded);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_multiclass (void)
{
  g_autoptr (TdDataset) train = make_data (TD_TASK_MULTICLASS, 600, 11);
  g_autoptr (TdDataset) test = make_data (TD_TASK_MULTICLASS, 300, 12);
  g_autoptr (TdContext) ctx = td_context_new (3);
  g_autoptr (TdParams) p = make_params ("n_estimators", "60", "max_depth", "3", NULL);
  TdModel *m = fit_model (p, train, NULL, ctx);
  g_autofree double *prob = predict_k (m, test, 3, ctx);
  size_t correct = 0;
  double spread = 0;
  for (size_t i = 0; i < test->n_series; i++)
    {
      const double *pi = prob + 3 * i;
      g_assert_cmpfloat_with_epsilon (pi[0] + pi[1] + pi[2], 1.0, 1e-5);
      size_t k = 0;
      for (size_t c = 0; c < 3; c++)
        {
          g_assert_cmpfloat (pi[c], >=, 0);
          if (pi[c] > pi[k])
            k = c;
        }
      correct += (double) k == test->y[i];
      spread += fabs (pi[0] - 1.0 / 3);
    }
  double acc = (double) correct / (double) test->n_series;
  g_test_message ("multiclass test accuracy %.3f", acc);
  g_assert_cmpfloat (acc, >, 0.8);
  g_assert_cmpfloat (spread / (double) test->n_series, >, 0.2);   /* not uniform */

  /* gain: the informative features beat the noise column */
  double gain[4];
  importance_of (m, "gain", gain);
  g_test_message ("gain %.3g %.3g %.3g %.3g", gain[0], gain[1], gain[2], gain[3]);
  g_assert_cmpfloat (gain[0], >, 2 * gain[3]);
  g_assert_cmpfloat (gain[1], >, 2 * gain[3]);

  /* explain gives the predicted class's contributions: for series where x0
   * decides class 0 with confidence, feature 0 pushes towards it */
  GError *error = NULL;
  float e[4];
  size_t checked = 0;
  double e0 = 0, e3 = 0;
  for (size_t i = 0; i < test->n_series; i++)
    if (prob[3 * i] > 0.9)
      {
        g_assert_true (vt ()->explain (m, test, i, e, ctx, &error));
        g_assert_no_error (error);
        e0 += e[0];
        e3 += fabs (e[3]);
        checked++;
      }
  g_test_message ("class-0 series: mean contribution of x0 %.3f, mean |x3| %.3f",
                  e0 / (double) checked, e3 / (double) checked);
  g_assert_cmpuint (checked, >, 10);
  g_assert_cmpfloat (e0, >, 5 * e3);

  check_save_load (m, p, test, 3, ctx);
  vt ()->destroy (m);

  /* a class index out of range is refused, naming the series */
  g_autoptr (TdDataset) bad = make_data (TD_TASK_MULTICLASS, 50, 13);
  bad->y[7] = 3;
  m = vt ()->create (p, ctx, &error);
  g_assert_false (vt ()->fit (m, bad, NULL, ctx, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "series 7"));
  g_test_message ("expected error: %s", error->message);
  g_clear_error (&error);
  vt ()->destroy (m);
}

static void
test_multiclass_early_stopping (void)
{
  check_early_stopping (TD_TASK_MULTICLASS, "mlogloss", 3);
}

static double
rmse (const double *pred, const TdDataset *ds)
{
  double s = 0;
  for (size_t i = 0; i < ds->n_series; i++)
    s += (pred[i] - ds->y[i]) * (pred[i] - ds->y[i]);
  return sqrt (s / (double) ds->n_series);
}

static double
mae (const double *pred, const TdDataset *ds)
{
  double s = 0;
  for (size_t i = 0; i < ds->n_series; i++)
    s += fabs (pred[i] - ds->y[i]);
  return s / (double) ds->n_series;
}

static void
test_regression (void)
{
  g_autoptr (TdDataset) train = make_data (TD_TASK_REGRESSION, 600, 21);
  g_autoptr (TdDataset) test = make_data (TD_TASK_REGRESSION, 300, 22);
  g_autoptr (TdContext) ctx = td_context_new (3);
  g_autoptr (TdParams) p = make_params ("n_estimators", "150", "max_depth", "3",
                                        "learning_rate", "0.1", NULL);
  TdModel *m = fit_model (p, train, NULL, ctx);
  g_autofree double *pred = predict_k (m, test, 1, ctx);
  double mean = 0, var = 0;
  for (size_t i = 0; i < test->n_series; i++)
    mean += test->y[i] / (double) test->n_series;
  for (size_t i = 0; i < test->n_series; i++)
    var += (test->y[i] - mean) * (test->y[i] - mean) / (double) test->n_series;
  double r = rmse (pred, test);
  g_test_message ("regression test RMSE %.3f (target sd %.3f, noise sd 0.3)", r, sqrt (var));
  g_assert_cmpfloat (r, <, 0.25 * sqrt (var));

  double gain[4];
  importance_of (m, "gain", gain);
  g_assert_cmpfloat (gain[0], >, 5 * gain[2]);
  g_assert_cmpfloat (gain[1], >, 5 * gain[3]);

  /* explain in target units: differences of contributions are differences of
   * predictions (TreeSHAP is exact; the bias term cancels) */
  GError *error = NULL;
  float e0[4], e1[4];
  g_assert_true (vt ()->explain (m, test, 0, e0, ctx, &error));
  g_assert_true (vt ()->explain (m, test, 1, e1, ctx, &error));
  g_assert_no_error (error);
  double d = 0;
  for (size_t j = 0; j < 4; j++)
    d += e0[j] - e1[j];
  g_assert_cmpfloat_with_epsilon (d, pred[0] - pred[1], 1e-4 * (fabs (pred[0]) + 1));
  check_save_load (m, p, test, 1, ctx);
  vt ()->destroy (m);

  /* one round with a tiny learning rate predicts about the training mean:
   * boosting starts from it (base_score), not XGBoost 1.7's 0.5 */
  double train_mean = 0;
  for (size_t i = 0; i < train->n_series; i++)
    train_mean += train->y[i] / (double) train->n_series;
  g_autoptr (TdParams) p1 = make_params ("n_estimators", "1", "learning_rate", "0.001", NULL);
  m = fit_model (p1, train, NULL, ctx);
  g_autofree double *flat = predict_k (m, test, 1, ctx);
  g_test_message ("training mean %.4f, one-round prediction %.4f", train_mean, flat[0]);
  g_assert_cmpfloat (fabs (train_mean - 0.5), >, 0.3);
  g_assert_cmpfloat_with_epsilon (flat[0], train_mean, 0.02);
  vt ()->destroy (m);
}

static void
test_regression_early_stopping (void)
{
  check_early_stopping (TD_TASK_REGRESSION, "rmse", 1);
}

/* Gross outliers in 10% of the training targets: pseudo-Huber's bounded
 * gradient keeps the fit near the clean relation, squared error follows the
 * outliers. */
static void
test_pseudohuber (void)
{
  g_autoptr (TdDataset) train = make_data (TD_TASK_REGRESSION, 600, 31);
  g_autoptr (TdDataset) test = make_data (TD_TASK_REGRESSION, 300, 32);
  for (size_t i = 0; i < train->n_series; i += 10)
    train->y[i] += 40;
  g_autoptr (TdContext) ctx = td_context_new (3);
  g_autoptr (TdParams) ps = make_params ("n_estimators", "300", "max_depth", "3",
                                         "learning_rate", "0.1", NULL);
  g_autoptr (TdParams) ph = make_params ("n_estimators", "300", "max_depth", "3",
                                         "learning_rate", "0.1", "objective", "pseudohubererror",
                                         "huber_slope", "1", NULL);
  TdModel *ms = fit_model (ps, train, NULL, ctx);
  TdModel *mh = fit_model (ph, train, NULL, ctx);
  g_autofree double *a = predict_k (ms, test, 1, ctx);
  g_autofree double *b = predict_k (mh, test, 1, ctx);
  double mae_sq = mae (a, test), mae_h = mae (b, test);
  g_test_message ("test MAE with 10%% outliers in training: squarederror %.3f, "
                  "pseudohubererror %.3f", mae_sq, mae_h);
  g_assert_cmpfloat (mae_h, <, 0.5 * mae_sq);
  check_save_load (mh, ph, test, 1, ctx);
  vt ()->destroy (ms);
  vt ()->destroy (mh);

  /* a regression objective on a classification task is refused */
  g_autoptr (TdDataset) cls = make_data (TD_TASK_MULTICLASS, 50, 33);
  GError *error = NULL;
  TdModel *m = vt ()->create (ph, ctx, &error);
  g_assert_false (vt ()->fit (m, cls, NULL, ctx, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "pseudohubererror"));
  g_test_message ("expected error: %s", error->message);
  g_clear_error (&error);
  vt ()->destroy (m);
}

void
xgb_add_task_tests (void)
{
  g_test_add_func ("/xgboost/multiclass", test_multiclass);
  g_test_add_func ("/xgboost/multiclass-early-stopping", test_multiclass_early_stopping);
  g_test_add_func ("/xgboost/regression", test_regression);
  g_test_add_func ("/xgboost/regression-early-stopping", test_regression_early_stopping);
  g_test_add_func ("/xgboost/pseudohuber", test_pseudohuber);
}
