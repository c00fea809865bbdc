/* test_lstm.c — the lstm model plugin: learns a temporal task, padding
 * invariance, save/load, determinism across threads, early stopping and
 * curves, saliency, and errors for bad input. Compiled with the plugin's
 * sources, so td_plugin_descriptor(0) is callable. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "lstm.h"

static const TdPluginDescriptor *desc;
static const char *tundish_exe;   /* argv[1]: for `tundish bench lstm` */
static const TdModelVTable *vt;

/* Two events per series, one on each channel: a spike on channel 0 at step
 * a and on channel 1 at step b, plus noise; y = 1 when a comes before b. The
 * count and size of the events are the same for both classes, so only their
 * order tells them apart (a model that ignores time is at chance). */
static TdDataset *
order_task (size_t n, size_t T, guint32 seed)
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
      while (b == a);
      x[a * 2 + 0] += 3.0f;
      x[b * 2 + 1] += 3.0f;
      ds->y[s] = a < b;
    }
  td_dataset_set_channel_name (ds, 0, "first");
  td_dataset_set_channel_name (ds, 1, "second");
  return ds;
}

static TdParams *
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

static const char *const small[] = { "hidden_size", "16", "num_layers", "1", "head_hidden", "16",
                                     "epochs", "25", "learning_rate", "0.01", "patience", "0",
                                     "dropout", "0", NULL };

static TdModel *
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

static double *
predict (TdModel *m, const TdDataset *ds)
{
  g_autoptr (TdContext) ctx = td_context_new (0);
  g_autoptr (GError) e = NULL;
  double *p = g_new (double, ds->n_series);
  g_assert_true (vt->predict (m, ds, p, ctx, &e));
  g_assert_no_error (e);
  return p;
}

static void
test_learns_order (void)
{
  g_autoptr (TdDataset) train = order_task (400, 20, 1);
  g_autoptr (TdDataset) valid = order_task (100, 20, 2);
  g_autoptr (TdDataset) test = order_task (300, 20, 3);
  const char *const kv[] = { "hidden_size", "16", "num_layers", "1", "head_hidden", "16",
                             "epochs", "30", "learning_rate", "0.01", "patience", "8",
                             "dropout", "0", "pooling", "last", NULL };
  TdModel *m = fit_model (kv, train, valid, 5, 1);
  g_autofree double *p = predict (m, test);
  double auc = td_roc_auc (test->y, p, test->n_series);
  g_test_message ("order task: test ROC-AUC %.4f after %d epochs (best %d)", auc,
                  m->result.epochs_run, m->result.best_epoch + 1);
  g_assert_cmpfloat (auc, >, 0.9);
  vt->destroy (m);
}

/* The same series with and without trailing padding (garbage in the padded
 * steps), and series of mixed lengths in one dataset, score the same. */
static void
test_padding_invariance (void)
{
  const size_t n = 40, T = 16, Tpad = 25;
  g_autoptr (TdDataset) train = order_task (120, T, 7);
  g_autoptr (TdDataset) plain = order_task (n, T, 8);
  const char *const kv[] = { "hidden_size", "8", "num_layers", "2", "bidirectional", "true",
                             "pooling", "attention", "epochs", "2", "patience", "0", NULL };
  TdModel *m = fit_model (kv, train, NULL, 1, 1);

  g_autoptr (TdDataset) padded = td_dataset_new (n, Tpad, 2, TD_TASK_BINARY, 2);
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
  g_autofree double *a = predict (m, plain);
  g_autofree double *b = predict (m, padded);
  for (size_t s = 0; s < n; s++)
    g_assert_cmpfloat (fabs (a[s] - b[s]), <=, 1e-6);
  /* shorter lengths: each series scores as its own truncation */
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
  vt->destroy (m);
}

static void
test_save_load (void)
{
  g_autoptr (TdDataset) train = order_task (100, 12, 11);
  g_autoptr (TdDataset) test = order_task (50, 12, 12);
  const char *const kv[] = { "hidden_size", "8", "bidirectional", "true", "pooling", "max",
                             "epochs", "2", "patience", "0", "standardize", "true", NULL };
  TdModel *m = fit_model (kv, train, NULL, 3, 1);
  g_autofree double *a = predict (m, test);
  g_autofree char *dir = g_dir_make_tmp ("tundish-lstm-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.h5", NULL);
  g_autoptr (GError) e = NULL;
  g_assert_true (vt->save (m, path, &e));
  g_assert_no_error (e);
  vt->destroy (m);
  /* the file's architecture wins over the params given to load */
  g_autoptr (TdParams) other = params_with ((const char *const[]) { "hidden_size", "3", NULL });
  g_autoptr (TdContext) ctx = td_context_new (0);
  TdModel *m2 = vt->load (other, path, ctx, &e);
  g_assert_no_error (e);
  g_autofree double *b = predict (m2, test);
  g_assert_cmpmem (a, test->n_series * sizeof (double), b, test->n_series * sizeof (double));
  g_assert_cmpuint (m2->net.cfg.hidden, ==, 8);
  g_assert_true (m2->net.cfg.bidirectional);
  vt->destroy (m2);

  /* a valid HDF5 file that is not an lstm model */
  g_autoptr (TdDataset) ds = order_task (2, 3, 1);
  g_assert_true (td_dataset_save_h5 (ds, path, &e));
  g_assert_null (vt->load (other, path, ctx, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO);
  g_assert_nonnull (strstr (e->message, "magic"));
  g_unlink (path);
  g_rmdir (dir);
}

/* Same seed → the same bytes, whatever the thread count; another seed differs. */
static void
test_determinism (void)
{
  g_autoptr (TdDataset) train = order_task (150, 14, 21);   /* 150 = batches of 32 + a tail */
  g_autoptr (TdDataset) valid = order_task (40, 14, 22);
  const char *const kv[] = { "hidden_size", "8", "epochs", "3", "dropout", "0.3",
                             "num_layers", "2", "patience", "2", NULL };
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

typedef struct {
  GHashTable *counts;     /* curve name → number of points */
  double last_auc;
} Curves;

static void
collect_curve (const char *name, int step, double value, gpointer data)
{
  (void) step;
  Curves *c = data;
  g_hash_table_insert (c->counts, g_strdup (name),
                       GINT_TO_POINTER (GPOINTER_TO_INT (g_hash_table_lookup (c->counts, name)) + 1));
  if (g_str_equal (name, "valid_auc"))
    c->last_auc = value;
}

/* Early stopping restores the best epoch's weights: the validation ROC-AUC
 * of the returned model is the best one seen; curves are reported per epoch. */
static void
test_early_stopping_and_curves (void)
{
  g_autoptr (TdDataset) train = order_task (200, 10, 31);
  g_autoptr (TdDataset) valid = order_task (60, 10, 32);
  /* labels of the validation split shuffled: its AUC wanders, so training stops early */
  g_autoptr (GRand) r = g_rand_new_with_seed (4);
  for (size_t s = 0; s < valid->n_series; s++)
    valid->y[s] = g_rand_boolean (r);
  const char *const kv[] = { "hidden_size", "8", "num_layers", "1", "epochs", "40",
                             "patience", "3", "learning_rate", "0.01", NULL };
  g_autoptr (TdParams) p = params_with (kv);
  g_autoptr (TdContext) ctx = td_context_new (2);
  Curves cv = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL), NAN };
  td_context_set_curve_sink (ctx, collect_curve, &cv);
  g_autoptr (GError) e = NULL;
  TdModel *m = vt->create (p, ctx, &e);
  g_assert_true (vt->fit (m, train, valid, ctx, &e));
  g_assert_no_error (e);
  int epochs = m->result.epochs_run;
  g_assert_cmpint (epochs, <, 40);
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

/* Other losses, optimisers and schedules train to finite, sensible scores. */
static void
test_options (void)
{
  g_autoptr (TdDataset) train = order_task (120, 10, 41);
  g_autoptr (TdDataset) valid = order_task (40, 10, 42);
  const char *const sets[][16] = {
    { "loss", "focal", "optimizer", "adamw", "lr_schedule", "cosine", "epochs", "3", NULL },
    { "auto_pos_weight", "true", "lr_schedule", "plateau", "clip_norm", "0", "epochs", "3", NULL },
    { "bidirectional", "true", "pooling", "last", "head_hidden", "0", "epochs", "2", NULL },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (sets); k++)
    {
      TdModel *m = fit_model (sets[k], train, valid, 1, 1);
      g_autofree double *p = predict (m, valid);
      for (size_t s = 0; s < valid->n_series; s++)
        g_assert_true (isfinite (p[s]) && p[s] > 0 && p[s] < 1);
      vt->destroy (m);
    }
}

static void
test_explain (void)
{
  g_autoptr (TdDataset) train = order_task (100, 10, 51);
  TdModel *m = fit_model (small, train, NULL, 1, 1);
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
  vt->destroy (m);
}

static void
test_bad_input (void)
{
  g_autoptr (TdParams) p = params_with (small);
  g_autoptr (TdContext) ctx = td_context_new (1);
  TdModel *m = vt->create (p, ctx, NULL);
  double out[4];
  g_autoptr (GError) e = NULL;

  g_autoptr (TdDataset) good = order_task (30, 8, 61);
  g_assert_false (vt->predict (m, good, out, ctx, &e));    /* before fit */
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED);
  g_clear_error (&e);

  g_autoptr (TdDataset) nan = order_task (30, 8, 61);
  td_dataset_series (nan, 3)[5] = NAN;
  g_assert_false (vt->fit (m, nan, NULL, ctx, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (e->message, "NaN"));
  g_clear_error (&e);

  g_autoptr (TdDataset) badlen = order_task (30, 8, 61);
  badlen->lengths = g_new0 (guint32, 30);
  for (size_t s = 0; s < 30; s++)
    badlen->lengths[s] = 8;
  badlen->lengths[4] = 0;
  g_assert_false (vt->fit (m, badlen, NULL, ctx, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&e);

  g_autoptr (TdDataset) reg = td_dataset_new (10, 4, 2, TD_TASK_REGRESSION, 0);
  g_assert_false (vt->fit (m, reg, NULL, ctx, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED);
  g_clear_error (&e);

  g_autoptr (TdDataset) one_class = order_task (30, 8, 61);
  for (size_t s = 0; s < 30; s++)
    one_class->y[s] = 0;
  g_assert_false (vt->fit (m, one_class, NULL, ctx, &e));
  g_assert_nonnull (e);
  g_clear_error (&e);

  /* fitted on 2 channels, given 3 */
  g_assert_true (vt->fit (m, good, NULL, ctx, &e));
  g_autoptr (TdDataset) three = td_dataset_new (2, 8, 3, TD_TASK_BINARY, 2);
  g_assert_false (vt->predict (m, three, out, ctx, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&e);
  vt->destroy (m);

  /* cancelled before training starts */
  g_autoptr (TdContext) cancelled = td_context_new (1);
  td_context_cancel (cancelled);
  m = vt->create (p, cancelled, NULL);
  g_assert_false (vt->fit (m, good, NULL, cancelled, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_CANCELLED);
  g_clear_error (&e);
  vt->destroy (m);

  /* not an HDF5 file */
  g_autofree char *dir = g_dir_make_tmp ("tundish-lstm-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "junk", NULL);
  g_assert_true (g_file_set_contents (path, "junk", -1, NULL));
  g_assert_null (vt->load (p, path, ctx, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO);
  g_unlink (path);
  g_rmdir (dir);
}

/* `tundish bench lstm` on a tiny shape prints the documented keys. */
static void
test_bench_cli (void)
{
  if (!tundish_exe)
    {
      g_test_skip ("no tundish executable given");
      return;
    }
  const char *argv[] = { tundish_exe, "bench", "lstm", "sequences=40", "steps=12", "channels=3",
                         "epochs=2", "reps=3", "hidden_size=8", "threads=2", NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("tundish bench failed: %s", err);
  const char *keys[] = { "\nseconds_per_epoch=", "\ninfer_ms_per_sequence=", "\nsequences_per_second=",
                         "\npeak_rss_mib=", "\nepochs=2\n", "\nthreads=2\n" };
  for (size_t k = 0; k < G_N_ELEMENTS (keys); k++)
    if (!strstr (out, keys[k]))
      g_error ("no %s in: %s", keys[k] + 1, out);
  double spe = g_ascii_strtod (strstr (out, "\nseconds_per_epoch=") + 19, NULL);
  g_assert_cmpfloat (spe, >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tundish_exe = argc > 1 ? argv[1] : NULL;
  desc = td_plugin_descriptor (0);
  vt = desc->vtable;
  g_test_add_func ("/lstm/learns-order", test_learns_order);
  g_test_add_func ("/lstm/padding-invariance", test_padding_invariance);
  g_test_add_func ("/lstm/save-load", test_save_load);
  g_test_add_func ("/lstm/determinism", test_determinism);
  g_test_add_func ("/lstm/early-stopping-curves", test_early_stopping_and_curves);
  g_test_add_func ("/lstm/options", test_options);
  g_test_add_func ("/lstm/explain", test_explain);
  g_test_add_func ("/lstm/bad-input", test_bad_input);
  g_test_add_func ("/lstm/bench-cli", test_bench_cli);
  return g_test_run ();
}
