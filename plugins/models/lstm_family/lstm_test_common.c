/* lstm_test_common.c — see lstm_test_common.h. */
#include <math.h>
#include <string.h>

#include "lstm_test_common.h"

const TdPluginDescriptor *desc;
const TdModelVTable *vt;

TdDataset *
order_task_window (size_t n, size_t T, guint32 seed, size_t window)
{
  TdDataset *ds = td_dataset_new (n, T, 2, TD_TASK_BINARY, 2);
  g_autoptr (GRand) r = g_rand_new_with_seed (seed);
  for (size_t s = 0; s < n; s++)
    {
      float *x = td_dataset_series (ds, s);
      for (size_t k = 0; k < T * 2; k++)
        x[k] = (float) g_rand_double_range (r, -0.3, 0.3);
      size_t a = (size_t) g_rand_int_range (r, 0, (gint32) T), b;
      do
        b = (size_t) g_rand_int_range (r, 0, (gint32) T);
      while (b / window == a / window);
      x[a * 2 + 0] += 3.0f;
      x[b * 2 + 1] += 3.0f;
      ds->y[s] = a < b;
    }
  td_dataset_set_channel_name (ds, 0, "first");
  td_dataset_set_channel_name (ds, 1, "second");
  return ds;
}

TdParams *
params_with (const char *const *kv)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (GPtrArray) settings = g_ptr_array_new_with_free_func (g_free);
  for (size_t k = 0; kv && kv[k]; k += 2)
    g_ptr_array_add (settings, g_strdup_printf ("%s=%s", kv[k], kv[k + 1]));
  g_ptr_array_add (settings, NULL);
  TdParams *p = td_testing_params_strv (desc, (const char *const *) settings->pdata, &e);
  g_assert_no_error (e);
  return p;
}

TdModel *
fit_model (const char *const *kv, const TdDataset *train, const TdDataset *valid, guint64 seed,
           int threads)
{
  g_autoptr (TdParams) p = params_with (kv);
  g_autoptr (TdContext) ctx = td_context_new (seed);
  td_context_set_threads (ctx, threads);
  g_autoptr (GError) e = NULL;
  TdModel *m = vt->create (p, ctx, &e);
  g_assert_no_error (e);
  g_assert_true (vt->fit (m, train, valid, ctx, &e));
  g_assert_no_error (e);
  return m;
}

double *
predict (TdModel *m, const TdDataset *ds)
{
  g_autoptr (TdContext) ctx = td_context_new (0);
  g_autoptr (GError) e = NULL;
  double *p = g_new (double, ds->n_series);
  g_assert_true (vt->predict (m, ds, p, ctx, &e));
  g_assert_no_error (e);
  return p;
}

void
collect_curve (const char *name, int step, double value, gpointer data)
{
  (void) step;
  Curves *c = data;
  const int n = GPOINTER_TO_INT (g_hash_table_lookup (c->counts, name));
  g_hash_table_insert (c->counts, g_strdup (name), GINT_TO_POINTER (n + 1));
  if (g_str_equal (name, "valid_auc"))
    c->last_auc = value;
}

double
check_learns_order (const char *const *kv)
{
  g_autoptr (TdDataset) train = order_task (400, 20, 1);
  g_autoptr (TdDataset) valid = order_task (100, 20, 2);
  g_autoptr (TdDataset) test = order_task (300, 20, 3);
  TdModel *m = fit_model (kv, train, valid, 5, 1);
  g_autofree double *p = predict (m, test);
  double auc = td_roc_auc (test->y, p, test->n_series);
  g_test_message ("order task: test ROC-AUC %.4f after %d epochs (best %d)", auc,
                  m->result.epochs_run, m->result.best_epoch + 1);
  g_assert_cmpfloat (auc, >, 0.9);
  vt->destroy (m);
  return auc;
}

TdDataset *
padded_copy (const TdDataset *plain, size_t Tpad)
{
  const size_t n = plain->n_series, T = plain->n_steps;
  TdDataset *padded = td_dataset_new (n, Tpad, 2, TD_TASK_BINARY, 2);
  padded->lengths = g_new (guint32, n);
  for (size_t s = 0; s < n; s++)
    {
      padded->y[s] = plain->y[s];
      padded->lengths[s] = (guint32) T;
      memcpy (td_dataset_series (padded, s), td_dataset_series (plain, s), T * 2 * sizeof (float));
      for (size_t k = T * 2; k < Tpad * 2; k++)
        td_dataset_series (padded, s)[k] = 1e4f * (float) (k + s);
    }
  td_dataset_set_channel_name (padded, 0, "first");
  td_dataset_set_channel_name (padded, 1, "second");
  return padded;
}

void
check_padding_invariance (TdModel *m, const TdDataset *plain, size_t Tpad)
{
  const size_t n = plain->n_series;
  g_autoptr (TdDataset) padded = padded_copy (plain, Tpad);
  g_autofree double *a = predict (m, plain);
  g_autofree double *b = predict (m, padded);
  for (size_t s = 0; s < n; s++)
    g_assert_cmpfloat (fabs (a[s] - b[s]), <=, 1e-6);
  /* shorter lengths: each series scores as its own truncation, whatever its batch holds */
  for (size_t s = 0; s < n; s++)
    padded->lengths[s] = (guint32) (5 + s % 10);
  g_autofree double *c = predict (m, padded);
  for (size_t s = 0; s < n; s++)
    {
      size_t L = padded->lengths[s];
      g_autoptr (TdDataset) one = td_dataset_new (1, L, 2, TD_TASK_BINARY, 2);
      memcpy (one->x, td_dataset_series (padded, s), L * 2 * sizeof (float));
      td_dataset_set_channel_name (one, 0, "first");
      td_dataset_set_channel_name (one, 1, "second");
      g_autofree double *d = predict (m, one);
      g_assert_cmpfloat (fabs (c[s] - d[0]), <=, 1e-6);
    }
}

void
check_determinism (const char *const *kv)
{
  g_autoptr (TdDataset) train = order_task (150, 14, 21);   /* 150 = batches of 32 + a tail */
  g_autoptr (TdDataset) valid = order_task (40, 14, 22);
  TdModel *a = fit_model (kv, train, valid, 9, 1);
  TdModel *b = fit_model (kv, train, valid, 9, 2);
  TdModel *c = fit_model (kv, train, valid, 10, 1);
  g_autofree double *pa = predict (a, valid);
  g_autofree double *pb = predict (b, valid);
  g_autofree double *pc = predict (c, valid);
  g_assert_cmpmem (pa, valid->n_series * sizeof (double), pb, valid->n_series * sizeof (double));
  g_assert_true (memcmp (pa, pc, valid->n_series * sizeof (double)) != 0);
  /* predicting with 2 threads gives the same bytes too */
  g_autoptr (TdContext) ctx2 = td_context_new (0);
  td_context_set_threads (ctx2, 2);
  g_autofree double *pd = g_new (double, valid->n_series);
  g_assert_true (vt->predict (a, valid, pd, ctx2, NULL));
  g_assert_cmpmem (pa, valid->n_series * sizeof (double), pd, valid->n_series * sizeof (double));
  vt->destroy (a);
  vt->destroy (b);
  vt->destroy (c);
}

void
check_early_stopping (const char *const *kv)
{
  g_autoptr (TdDataset) train = order_task (200, 10, 31);
  g_autoptr (TdDataset) valid = order_task (60, 10, 32);
  /* labels of the validation split shuffled: its AUC wanders, so training stops early */
  g_autoptr (GRand) r = g_rand_new_with_seed (4);
  for (size_t s = 0; s < valid->n_series; s++)
    valid->y[s] = g_rand_boolean (r);
  g_autoptr (TdParams) p = params_with (kv);
  g_autoptr (TdContext) ctx = td_context_new (2);
  Curves cv = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL), NAN };
  td_context_set_curve_sink (ctx, collect_curve, &cv);
  g_autoptr (GError) e = NULL;
  TdModel *m = vt->create (p, ctx, &e);
  g_assert_true (vt->fit (m, train, valid, ctx, &e));
  g_assert_no_error (e);
  const int epochs = m->result.epochs_run;
  g_assert_cmpint (epochs, <, td_params_get_int (p, "epochs"));
  g_assert_cmpint (epochs, ==, m->result.best_epoch + 1 + 3);
  const char *names[] = { "train_loss", "valid_loss", "valid_auc", "lr" };
  for (size_t k = 0; k < G_N_ELEMENTS (names); k++)
    g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (cv.counts, names[k])), ==, epochs);
  g_autofree double *pv = predict (m, valid);
  g_assert_cmpfloat (fabs (td_roc_auc (valid->y, pv, valid->n_series) - m->result.best_valid_auc),
                     <, 1e-12);
  vt->destroy (m);
  g_hash_table_unref (cv.counts);
}

void
check_explain (const char *const *kv)
{
  g_autoptr (TdDataset) train = order_task (100, 10, 51);
  TdModel *m = fit_model (kv, train, NULL, 1, 1);
  g_autoptr (TdDataset) ds = order_task (2, 10, 52);
  ds->lengths = g_new (guint32, 2);
  ds->lengths[0] = 10;
  ds->lengths[1] = 6;
  g_autofree float *out = g_new (float, 10 * 2);
  g_autoptr (TdContext) ctx = td_context_new (0);
  g_autoptr (GError) e = NULL;
  g_assert_true (vt->explain (m, ds, 1, out, ctx, &e));
  double mass = 0;
  for (size_t k = 0; k < 6 * 2; k++)
    mass += fabs (out[k]);
  g_assert_cmpfloat (mass, >, 0);
  for (size_t k = 6 * 2; k < 10 * 2; k++)
    g_assert_cmpfloat (out[k], ==, 0);
  g_assert_false (vt->explain (m, ds, 2, out, ctx, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  vt->destroy (m);
}
