/* recon_test_common.c — see recon_test_common.h. */
#include <glib/gstdio.h>
#include <hdf5.h>
#include <math.h>
#include <string.h>

#include "recon_test_common.h"

const TdPluginDescriptor *desc;
const TdModelVTable *vt;

TdDataset *
sine_data (size_t n, size_t T, guint32 seed, size_t every)
{
  const size_t C = 3;
  TdDataset *ds = td_dataset_new (n, T, C, TD_TASK_ANOMALY, 2);
  g_autoptr (GRand) r = g_rand_new_with_seed (seed);
  for (size_t s = 0; s < n; s++)
    {
      float *x = td_dataset_series (ds, s);
      const double ph = g_rand_double_range (r, 0, 2 * G_PI);
      for (size_t t = 0; t < T; t++)
        for (size_t c = 0; c < C; c++)
          x[t * C + c] = (float) (sin (ph + 0.4 * (double) t + 1.3 * (double) c)
                                  + g_rand_double_range (r, -0.1, 0.1));
      ds->y[s] = every && s % every == every - 1;
      if (ds->y[s] > 0)
        for (size_t t = T / 2; t < T / 2 + T / 4; t++)
          x[t * C + 1] += 2.5f;
    }
  td_dataset_set_channel_name (ds, 0, "temp");
  td_dataset_set_channel_name (ds, 1, "flow");
  td_dataset_set_channel_name (ds, 2, "level");
  return ds;
}

TdParams *
params_with (const char *const *kv)
{
  g_autoptr (GError) e = NULL;
  TdParams *p = td_params_new_defaults (desc->params, desc->n_params, &e);
  g_assert_no_error (e);
  for (size_t k = 0; kv && kv[k]; k += 2)
    {
      g_assert_true (td_params_set_text (p, kv[k], kv[k + 1], &e));
      g_assert_no_error (e);
    }
  return p;
}

static void
count_curve (const char *name, int step, double value, gpointer data)
{
  (void) step;
  (void) value;
  GHashTable *h = data;
  const int n = GPOINTER_TO_INT (g_hash_table_lookup (h, name));
  g_hash_table_insert (h, g_strdup (name), GINT_TO_POINTER (n + 1));
}

TdModel *
fit_model (const char *const *kv, const TdDataset *train, const TdDataset *valid, guint64 seed,
           int threads, GHashTable *curves)
{
  g_autoptr (TdParams) p = params_with (kv);
  g_autoptr (TdContext) ctx = td_context_new (seed);
  td_context_set_threads (ctx, threads);
  if (curves)
    td_context_set_curve_sink (ctx, count_curve, curves);
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
check_detects (const char *const *kv)
{
  const size_t T = 32;
  g_autoptr (TdDataset) all = sine_data (160, T, 1, 0);
  g_autoptr (TdDataset) valid = sine_data (40, T, 2, 4);     /* abnormal ones are ignored */
  g_autoptr (TdDataset) test = sine_data (80, T, 3, 4);
  g_autoptr (GHashTable) curves = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  TdModel *m = fit_model (kv, all, valid, 7, 1, curves);
  g_autofree double *sc = predict (m, test);
  const double auc = td_roc_auc (test->y, sc, test->n_series);
  g_test_message ("test ROC-AUC %.4f after %d epochs (best %d)", auc, m->result.epochs_run,
                  m->result.best_epoch + 1);
  g_assert_cmpfloat (auc, >, 0.95);
  const int epochs = m->result.epochs_run;
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (curves, "train_loss")), ==, epochs);
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (curves, "valid_loss")), ==, epochs);
  g_assert_null (g_hash_table_lookup (curves, "valid_auc"));

  /* explain: series 3 is abnormal; the error map points at flow, steps 16..23 */
  g_autofree float *err = g_new (float, T * 3);
  g_autoptr (TdContext) ctx = td_context_new (0);
  g_autoptr (GError) e = NULL;
  g_assert_true (vt->explain (m, test, 3, err, ctx, &e));
  double per_c[3] = { 0 };
  size_t t_max = 0;
  for (size_t t = 0; t < T; t++)
    for (size_t c = 0; c < 3; c++)
      {
        per_c[c] += err[t * 3 + c];
        if (c == 1 && err[t * 3 + 1] > err[t_max * 3 + 1])
          t_max = t;
      }
  g_test_message ("error per channel %.3f %.3f %.3f, flow's worst step %zu", per_c[0], per_c[1],
                  per_c[2], t_max);
  g_assert_cmpfloat (per_c[1], >, 2 * per_c[0]);
  g_assert_cmpfloat (per_c[1], >, 2 * per_c[2]);
  g_assert_cmpuint (t_max, >=, T / 2);
  g_assert_cmpuint (t_max, <, T / 2 + T / 4 + 1);
  /* the map's mean is the score (recon_kl's error part is most of it) */
  g_assert_false (vt->explain (m, test, test->n_series, err, ctx, &e));
  g_assert_nonnull (strstr (e->message, "out of range"));
  vt->destroy (m);
}

void
check_determinism (const char *const *kv)
{
  g_autoptr (TdDataset) train = sine_data (80, 24, 4, 0);
  g_autoptr (TdDataset) test = sine_data (40, 24, 5, 4);
  TdModel *a = fit_model (kv, train, NULL, 11, 1, NULL);
  TdModel *b = fit_model (kv, train, NULL, 11, 2, NULL);
  TdModel *c = fit_model (kv, train, NULL, 12, 2, NULL);
  g_autofree double *pa = predict (a, test);
  g_autofree double *pb = predict (b, test);
  g_autofree double *pc = predict (c, test);
  g_assert_cmpmem (pa, test->n_series * sizeof (double), pb, test->n_series * sizeof (double));
  g_assert_cmpmem (a->P, a->net.params->total * sizeof (float), b->P,
                   b->net.params->total * sizeof (float));
  g_assert_true (memcmp (pa, pc, test->n_series * sizeof (double)) != 0);
  vt->destroy (a);
  vt->destroy (b);
  vt->destroy (c);
}

void
check_save_load (const char *const *kv, const char *other_kind)
{
  g_autoptr (TdDataset) train = sine_data (40, 16, 6, 0);
  g_autoptr (TdDataset) test = sine_data (20, 16, 7, 4);
  TdModel *m = fit_model (kv, train, NULL, 3, 1, NULL);
  g_autofree double *p1 = predict (m, test);
  g_autofree char *m_first_weight = g_strdup (m->net.params->t[0].name);
  g_autofree char *dir = g_dir_make_tmp ("recon-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.h5", NULL);
  g_autoptr (GError) e = NULL;
  g_assert_true (vt->save (m, path, &e));
  g_autoptr (TdParams) p = params_with (kv);
  g_autoptr (TdContext) ctx = td_context_new (0);
  TdModel *l = vt->load (p, path, ctx, &e);
  g_assert_no_error (e);
  g_autofree double *p2 = predict (l, test);
  g_assert_cmpmem (p1, test->n_series * sizeof (double), p2, test->n_series * sizeof (double));
  /* explain survives too */
  g_autofree float *e1 = g_new (float, 16 * 3);
  g_autofree float *e2 = g_new (float, 16 * 3);
  g_assert_true (vt->explain (m, test, 3, e1, ctx, &e));
  g_assert_true (vt->explain (l, test, 3, e2, ctx, &e));
  g_assert_cmpmem (e1, 16 * 3 * sizeof (float), e2, 16 * 3 * sizeof (float));
  vt->destroy (l);

  vt->destroy (m);

  /* the other network's name in the file, then a weight missing */
  g_autofree char *copy = g_build_filename (dir, "edited.h5", NULL);
  g_autofree char *bytes = NULL;
  gsize nb = 0;
  g_assert_true (g_file_get_contents (path, &bytes, &nb, NULL));
  g_assert_true (g_file_set_contents (copy, bytes, (gssize) nb, NULL));
  hid_t f = H5Fopen (copy, H5F_ACC_RDWR, H5P_DEFAULT);
  g_assert_cmpint (f, >=, 0);
  g_assert_cmpint (H5Adelete (f, "network"), >=, 0);
  hid_t st = H5Tcopy (H5T_C_S1);
  H5Tset_size (st, H5T_VARIABLE);
  hid_t sp = H5Screate (H5S_SCALAR);
  hid_t a = H5Acreate2 (f, "network", st, sp, H5P_DEFAULT, H5P_DEFAULT);
  const char *otherv = other_kind;
  g_assert_cmpint (H5Awrite (a, st, &otherv), >=, 0);
  H5Aclose (a);
  H5Sclose (sp);
  H5Tclose (st);
  H5Fclose (f);
  g_assert_null (vt->load (p, copy, ctx, &e));
  g_test_message ("%s", e->message);
  g_assert_nonnull (strstr (e->message, other_kind));
  g_clear_error (&e);
  g_assert_true (g_file_set_contents (copy, bytes, (gssize) nb, NULL));
  f = H5Fopen (copy, H5F_ACC_RDWR, H5P_DEFAULT);
  hid_t w = H5Gopen2 (f, "weights", H5P_DEFAULT);
  const char *victim = m_first_weight;
  g_assert_cmpint (H5Ldelete (w, victim, H5P_DEFAULT), >=, 0);
  H5Gclose (w);
  H5Fclose (f);
  g_assert_null (vt->load (p, copy, ctx, &e));
  g_test_message ("%s", e->message);
  g_assert_nonnull (strstr (e->message, victim));
  g_clear_error (&e);
  g_unlink (copy);

  g_autofree char *bad = g_build_filename (dir, "not.h5", NULL);
  g_assert_true (g_file_set_contents (bad, "hello", -1, NULL));
  g_assert_null (vt->load (p, bad, ctx, &e));
  g_assert_nonnull (strstr (e->message, "not an HDF5 file"));
  g_assert_nonnull (strstr (e->message, desc->name));
  g_clear_error (&e);
  g_unlink (bad);
  g_unlink (path);
  g_rmdir (dir);
}

void
check_padding (const char *const *kv)
{
  const size_t T = 16, Tp = 24, C = 3;
  g_autoptr (TdDataset) train = sine_data (40, T, 8, 0);
  g_autoptr (TdDataset) test = sine_data (12, T, 9, 4);
  TdModel *m = fit_model (kv, train, NULL, 5, 1, NULL);
  g_autofree double *plain = predict (m, test);
  g_autoptr (TdDataset) pad = td_dataset_new (test->n_series, Tp, C, TD_TASK_ANOMALY, 2);
  pad->lengths = g_new (guint32, test->n_series);
  for (size_t s = 0; s < test->n_series; s++)
    {
      float *x = td_dataset_series (pad, s);
      memcpy (x, td_dataset_series (test, s), T * C * sizeof (float));
      for (size_t k = T * C; k < Tp * C; k++)
        x[k] = 50.0f + (float) k;
      pad->lengths[s] = (guint32) T;
      pad->y[s] = test->y[s];
    }
  for (size_t c = 0; c < C; c++)
    td_dataset_set_channel_name (pad, c, test->channel_names[c]);
  g_autofree double *padded = predict (m, pad);
  g_assert_cmpmem (plain, test->n_series * sizeof (double), padded,
                   test->n_series * sizeof (double));
  vt->destroy (m);
}

void
check_refusals (const char *const *kv)
{
  g_autoptr (TdDataset) train = sine_data (20, 16, 10, 0);
  g_autoptr (TdParams) p = params_with (kv);
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (GError) e = NULL;
  TdModel *m = vt->create (p, ctx, &e);
  g_assert_no_error (e);
  td_dataset_series (train, 2)[5 * 3 + 1] = NAN;
  g_assert_false (vt->fit (m, train, NULL, ctx, &e));
  g_assert_nonnull (strstr (e->message, "\"flow\""));
  g_assert_nonnull (strstr (e->message, "impute"));
  g_clear_error (&e);
  g_autoptr (TdDataset) mc = td_dataset_new (10, 8, 2, TD_TASK_MULTICLASS, 3);
  g_assert_false (vt->fit (m, mc, NULL, ctx, &e));
  g_assert_nonnull (strstr (e->message, "multiclass"));
  vt->destroy (m);
}
