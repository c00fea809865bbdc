/* test_lstm_tasks.c — an LSTM-family plugin on multiclass (softmax head,
 * class weights) and regression (MSE and Huber heads on the standardised
 * target): it learns both, probabilities sum to 1, predictions come back in
 * the target's units, class weighting moves probability to a rare class,
 * save/load gives the same bytes, early stopping watches the validation loss,
 * and a loss that does not fit the task is refused. Compiled once per plugin
 * (lstm, cnn_lstm, attention_lstm) with that plugin's descriptor. */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "lstm_test_common.h"

#define T_STEPS 16

static guint64
rng_next (guint64 *s)
{
  guint64 z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static double
uniform (guint64 *s)
{
  return (double) (rng_next (s) >> 11) / 9007199254740992.0;
}

static double
gauss (guint64 *s)
{
  double u = uniform (s) + 1e-12, v = uniform (s);
  return sqrt (-2 * log (u)) * cos (2 * G_PI * v);
}

/* Multiclass: class k (k = 0, 1, 2; class 2 only every rare-th series when
 * rare > 0) raises channel 0 by k - 1 on steps 4..11, plus N(0, 0.5) noise;
 * channel 1 is noise. Regression: y = 40 + 10 a, a ~ U(-1, 1), channel 0 =
 * a + N(0, 0.3) on every step. */
static TdDataset *
make_data (TdTask task, size_t n, guint64 seed, size_t rare)
{
  TdDataset *ds = td_dataset_new (n, T_STEPS, 2, task, task == TD_TASK_MULTICLASS ? 3 : 0);
  guint64 st = seed;
  for (size_t s = 0; s < n; s++)
    {
      double level = 0;
      if (task == TD_TASK_MULTICLASS)
        {
          size_t k = rare ? (s % rare == 0 ? 2 : s % 2) : s % 3;
          ds->y[s] = (double) k;
          level = (double) k - 1;
        }
      else
        {
          level = 2 * uniform (&st) - 1;
          ds->y[s] = 40 + 10 * level;
        }
      float *x = td_dataset_series (ds, s);
      for (size_t t = 0; t < T_STEPS; t++)
        {
          gboolean on = task == TD_TASK_REGRESSION || (t >= 4 && t < 12);
          x[t * 2] = (float) ((on ? level : 0)
                              + gauss (&st) * (task == TD_TASK_REGRESSION ? 0.3 : 0.5));
          x[t * 2 + 1] = (float) gauss (&st);
        }
    }
  td_dataset_set_channel_name (ds, 0, "signal");
  td_dataset_set_channel_name (ds, 1, "noise");
  return ds;
}

static gboolean
declares (const char *name)
{
  for (size_t k = 0; k < desc->n_params; k++)
    if (g_str_equal (desc->params[k].name, name))
      return TRUE;
  return FALSE;
}

/* Small, fast settings for every plugin of the family, then extra. */
static const char **
kv_with (const char *const *extra)
{
  GPtrArray *a = g_ptr_array_new ();
  const char *base[] = { "hidden_size", "16", "num_layers", "1", "head_hidden", "0",
                         "dropout", "0", "epochs", "40", "learning_rate", "1e-2",
                         "batch_size", "32", "patience", "0", NULL };
  for (size_t k = 0; base[k]; k++)
    g_ptr_array_add (a, (gpointer) base[k]);
  if (declares ("num_heads"))
    {
      g_ptr_array_add (a, (gpointer) "num_heads");
      g_ptr_array_add (a, (gpointer) "2");
    }
  for (size_t k = 0; extra && extra[k]; k++)
    g_ptr_array_add (a, (gpointer) extra[k]);
  g_ptr_array_add (a, NULL);
  return (const char **) g_ptr_array_free (a, FALSE);
}

static double *
predict_k (TdModel *m, const TdDataset *ds, size_t k)
{
  g_autoptr (TdContext) ctx = td_context_new (1);
  GError *e = NULL;
  double *out = g_new (double, ds->n_series * k);
  g_assert_true (vt->predict (m, ds, out, ctx, &e));
  g_assert_no_error (e);
  return out;
}

static void
check_save_load (TdModel *m, const TdDataset *test, size_t k, const char *const *kv)
{
  g_autofree char *dir = g_dir_make_tmp ("tdlstmtask-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "m.h5", NULL);
  GError *e = NULL;
  g_assert_true (vt->save (m, path, &e));
  g_assert_no_error (e);
  g_autoptr (TdParams) p = params_with (kv);
  g_autoptr (TdContext) ctx = td_context_new (1);
  TdModel *loaded = vt->load (p, path, ctx, &e);
  g_assert_no_error (e);
  g_autofree double *a = predict_k (m, test, k);
  g_autofree double *b = predict_k (loaded, test, k);
  g_assert_cmpmem (a, test->n_series * k * sizeof *a, b, test->n_series * k * sizeof *b);
  vt->destroy (loaded);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_multiclass (void)
{
  g_autoptr (TdDataset) train = make_data (TD_TASK_MULTICLASS, 150, 1, 0);
  g_autoptr (TdDataset) valid = make_data (TD_TASK_MULTICLASS, 60, 2, 0);
  g_autoptr (TdDataset) test = make_data (TD_TASK_MULTICLASS, 90, 3, 0);
  g_autofree const char **kv = kv_with ((const char *[]) { "patience", "5", NULL });
  Curves c = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL), NAN };
  g_autoptr (TdContext) ctx = td_context_new (7);
  td_context_set_curve_sink (ctx, collect_curve, &c);
  g_autoptr (TdParams) p = params_with (kv);
  GError *e = NULL;
  TdModel *m = vt->create (p, ctx, &e);
  g_assert_true (vt->fit (m, train, valid, ctx, &e));
  g_assert_no_error (e);
  /* early stopping reads the validation loss: no ROC-AUC curve for 3 classes */
  g_assert_nonnull (g_hash_table_lookup (c.counts, "valid_loss"));
  g_assert_null (g_hash_table_lookup (c.counts, "valid_auc"));
  g_hash_table_unref (c.counts);

  g_autofree double *prob = predict_k (m, test, 3);
  size_t correct = 0;
  for (size_t s = 0; s < test->n_series; s++)
    {
      const double *p3 = prob + 3 * s;
      g_assert_cmpfloat_with_epsilon (p3[0] + p3[1] + p3[2], 1.0, 1e-9);
      size_t k = p3[1] > p3[0] ? 1 : 0;
      k = p3[2] > p3[k] ? 2 : k;
      correct += (double) k == test->y[s];
    }
  double acc = (double) correct / (double) test->n_series;
  g_test_message ("%s multiclass test accuracy %.3f", desc->name, acc);
  g_assert_cmpfloat (acc, >, 0.8);

  /* saliency of the predicted class (series 2: class 2, channel 0 raised): on
   * the signal channel's window */
  float sal[T_STEPS * 2];
  g_assert_true (vt->explain (m, test, 2, sal, ctx, &e));
  g_assert_no_error (e);
  double in = 0, out = 0;
  for (size_t t = 0; t < T_STEPS; t++)
    {
      in += t >= 4 && t < 12 ? fabs (sal[t * 2]) : 0;
      out += fabs (sal[t * 2 + 1]);
    }
  g_test_message ("saliency: signal window %.3g, noise channel %.3g", in, out);
  g_assert_cmpfloat (in, >, out);

  check_save_load (m, test, 3, kv);
  vt->destroy (m);
}

/* A rare class (1 series in 10), a short training (the models still lean on
 * the class frequencies): balanced class weights raise the rare class's
 * predicted probability on test. */
static void
test_class_weights (void)
{
  g_autoptr (TdDataset) train = make_data (TD_TASK_MULTICLASS, 150, 11, 10);
  g_autoptr (TdDataset) test = make_data (TD_TASK_MULTICLASS, 90, 12, 0);
  g_autofree const char **plain = kv_with ((const char *[]) { "epochs", "3", NULL });
  g_autofree const char **weighted = kv_with ((const char *[]) { "epochs", "3",
                                                                 "auto_class_weight", "true",
                                                                 NULL });
  TdModel *a = fit_model (plain, train, NULL, 5, 1);
  TdModel *b = fit_model (weighted, train, NULL, 5, 1);
  g_autofree double *pa = predict_k (a, test, 3);
  g_autofree double *pb = predict_k (b, test, 3);
  double ma = 0, mb = 0;
  for (size_t s = 0; s < test->n_series; s++)
    ma += pa[3 * s + 2], mb += pb[3 * s + 2];
  g_test_message ("mean P(rare class): unweighted %.3f, balanced %.3f", ma / test->n_series,
                  mb / test->n_series);
  g_assert_cmpfloat (mb, >, 1.2 * ma);
  vt->destroy (a);
  vt->destroy (b);
}

static void
check_regression (const char *loss)
{
  g_autoptr (TdDataset) train = make_data (TD_TASK_REGRESSION, 150, 21, 0);
  g_autoptr (TdDataset) valid = make_data (TD_TASK_REGRESSION, 60, 22, 0);
  g_autoptr (TdDataset) test = make_data (TD_TASK_REGRESSION, 90, 23, 0);
  g_autofree const char **kv = kv_with ((const char *[]) { "loss", loss, "patience", "5", NULL });
  TdModel *m = fit_model (kv, train, valid, 9, 1);
  g_autofree double *pred = predict_k (m, test, 1);
  double ss = 0, var = 0, mean = 0, pmean = 0;
  for (size_t s = 0; s < test->n_series; s++)
    mean += test->y[s] / (double) test->n_series, pmean += pred[s] / (double) test->n_series;
  for (size_t s = 0; s < test->n_series; s++)
    {
      ss += (pred[s] - test->y[s]) * (pred[s] - test->y[s]);
      var += (test->y[s] - mean) * (test->y[s] - mean);
    }
  double rmse = sqrt (ss / test->n_series), sd = sqrt (var / test->n_series);
  g_test_message ("%s regression (%s): test RMSE %.3f, target sd %.3f, mean %.2f vs %.2f",
                  desc->name, loss, rmse, sd, pmean, mean);
  /* in the target's units (around 40), and far better than the mean */
  g_assert_cmpfloat (fabs (pmean - mean), <, 0.2 * sd);
  g_assert_cmpfloat (rmse, <, 0.35 * sd);
  check_save_load (m, test, 1, kv);
  vt->destroy (m);
}

static void
test_regression_mse (void)
{
  check_regression ("mse");
}

static void
test_regression_huber (void)
{
  check_regression ("huber");
}

static void
expect_refused (TdTask task, const char *loss, const char *fragment)
{
  g_autoptr (TdDataset) train = make_data (task, 30, 31, 0);
  if (task == TD_TASK_BINARY)
    for (size_t s = 0; s < train->n_series; s++)
      train->y[s] = s % 2;
  g_autofree const char **kv = kv_with ((const char *[]) { "loss", loss, NULL });
  g_autoptr (TdParams) p = params_with (kv);
  g_autoptr (TdContext) ctx = td_context_new (1);
  GError *e = NULL;
  TdModel *m = vt->create (p, ctx, &e);
  g_assert_false (vt->fit (m, train, NULL, ctx, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED);
  g_test_message ("expected error: %s", e->message);
  g_assert_nonnull (strstr (e->message, fragment));
  g_assert_nonnull (strstr (e->message, desc->name));
  g_clear_error (&e);
  vt->destroy (m);
}

static void
test_loss_must_fit_task (void)
{
  expect_refused (TD_TASK_REGRESSION, "bce", "mse or huber");
  expect_refused (TD_TASK_MULTICLASS, "mse", "softmax cross-entropy");
  expect_refused (TD_TASK_MULTICLASS, "focal", "softmax cross-entropy");
  expect_refused (TD_TASK_BINARY, "huber", "bce or focal");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  desc = td_plugin_descriptor (0);
  vt = desc->vtable;
  g_assert_true (vt->tasks & TD_TASK_MULTICLASS);
  g_assert_true (vt->tasks & TD_TASK_REGRESSION);
  g_test_add_func ("/lstm-tasks/multiclass", test_multiclass);
  g_test_add_func ("/lstm-tasks/class-weights", test_class_weights);
  g_test_add_func ("/lstm-tasks/regression-mse", test_regression_mse);
  g_test_add_func ("/lstm-tasks/regression-huber", test_regression_huber);
  g_test_add_func ("/lstm-tasks/loss-must-fit-task", test_loss_must_fit_task);
  return g_test_run ();
}
