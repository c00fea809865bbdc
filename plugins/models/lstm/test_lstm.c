/* test_lstm.c — the lstm model plugin: learns a temporal task, padding
 * invariance, attention-pooling maps, save/load, determinism across threads, early stopping and
 * curves, saliency, and errors for bad input. Compiled with the plugin's
 * sources, so td_plugin_descriptor(0) is callable. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "lstm_test_common.h"

static const char *tundish_exe;   /* argv[1]: for `tundish bench lstm` */

static const char *const small[] = { "hidden_size", "16", "num_layers", "1", "head_hidden", "16",
                                     "epochs", "25", "learning_rate", "0.01", "patience", "0",
                                     "dropout", "0", NULL };

static void
test_learns_order (void)
{
  const char *const kv[] = { "hidden_size", "16", "num_layers", "1", "head_hidden", "16",
                             "epochs", "30", "learning_rate", "0.01", "patience", "8",
                             "dropout", "0", "pooling", "last", NULL };
  check_learns_order (kv);
}

/* The same series with and without trailing padding (garbage in the padded
 * steps), and series of mixed lengths in one dataset, score the same. */
static void
test_padding_invariance (void)
{
  g_autoptr (TdDataset) train = order_task (120, 16, 7);
  g_autoptr (TdDataset) plain = order_task (40, 16, 8);
  const char *const kv[] = { "hidden_size", "8", "num_layers", "2", "bidirectional", "true",
                             "pooling", "attention", "epochs", "2", "patience", "0", NULL };
  TdModel *m = fit_model (kv, train, NULL, 1, 1);
  check_padding_invariance (m, plain, 25);
  vt->destroy (m);
}

/* pooling: attention offers its weights over steps as an attention map
 * (TD_EXT_ATTENTION_MAP): every valid row the same, summing to 1 over the
 * valid steps, 0 at padding, unchanged by padding; with the score vector v
 * zeroed every step gets exactly 1/L. Other poolings offer no map. */
static void
test_attention_pooling_map (void)
{
  const size_t T = 16, Tpad = 25;
  g_autoptr (TdDataset) train = order_task (120, T, 7);
  g_autoptr (TdDataset) plain = order_task (20, T, 8);
  g_autoptr (TdDataset) padded = padded_copy (plain, Tpad);
  const char *const kv[] = { "hidden_size", "8", "bidirectional", "true", "pooling", "attention",
                             "attention_dim", "6", "epochs", "3", "patience", "0", NULL };
  TdModel *m = fit_model (kv, train, NULL, 1, 1);
  const TdAttentionMapExt *ext = vt->extension (m, TD_EXT_ATTENTION_MAP);
  g_assert_nonnull (ext);
  g_autoptr (TdContext) ctx = td_context_new (0);
  g_autofree float *ma = g_new (float, T * T);
  g_autofree float *mb = g_new (float, Tpad * Tpad);
  gboolean varied = FALSE;
  for (size_t s = 0; s < plain->n_series; s++)
    {
      g_autoptr (GError) e = NULL;
      g_assert_true (ext->attention_map (m, plain, s, ma, ctx, &e));
      g_assert_true (ext->attention_map (m, padded, s, mb, ctx, &e));
      g_assert_no_error (e);
      double sum = 0;
      for (size_t u = 0; u < T; u++)
        {
          g_assert_cmpfloat (ma[u], >=, 0);
          sum += ma[u];
          varied = varied || fabs (ma[u] - 1.0 / T) > 1e-3;
        }
      g_assert_cmpfloat (fabs (sum - 1), <=, 1e-5);
      for (size_t q = 0; q < Tpad; q++)
        for (size_t u = 0; u < Tpad; u++)
          {
            double want = q < T && u < T ? ma[u] : 0;
            g_assert_cmpfloat (fabs (mb[q * Tpad + u] - want), <=, 1e-6);
            if (q < T && u < T)
              g_assert_cmpfloat (ma[q * T + u], ==, ma[u]);
          }
    }
  g_assert_true (varied);   /* trained weights are not uniform: the check is not vacuous */
  g_autoptr (GError) e = NULL;
  g_assert_false (ext->attention_map (m, plain, plain->n_series, ma, ctx, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);

  /* v = 0: every score is equal, so the softmax is uniform over the valid steps */
  memset (m->P + m->net.attn.v, 0, m->net.cfg.attention_dim * sizeof (float));
  g_assert_true (ext->attention_map (m, padded, 0, mb, ctx, NULL));
  for (size_t u = 0; u < Tpad; u++)
    g_assert_cmpfloat (fabs (mb[u] - (u < T ? 1.0 / T : 0)), <=, 1e-7);
  vt->destroy (m);

  const char *const kv_max[] = { "hidden_size", "8", "pooling", "max", "epochs", "1",
                                 "patience", "0", NULL };
  m = fit_model (kv_max, train, NULL, 1, 1);
  g_assert_null (vt->extension (m, TD_EXT_ATTENTION_MAP));
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
  const char *const kv[] = { "hidden_size", "8", "epochs", "3", "dropout", "0.3",
                             "num_layers", "2", "patience", "2", NULL };
  check_determinism (kv);
}

/* Early stopping restores the best epoch's weights: the validation ROC-AUC
 * of the returned model is the best one seen; curves are reported per epoch. */
static void
test_early_stopping_and_curves (void)
{
  const char *const kv[] = { "hidden_size", "8", "num_layers", "1", "epochs", "40",
                             "patience", "3", "learning_rate", "0.01", NULL };
  check_early_stopping (kv);
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
  check_explain (small);
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

  /* loss: auto fits binary, multiclass and regression; anomaly data is refused */
  g_autoptr (TdDataset) reg = td_dataset_new (10, 4, 2, TD_TASK_ANOMALY, 2);
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

/* A curve sink keeping each curve's largest value. */
static void
max_curve (const char *name, int step, double value, gpointer data)
{
  (void) step;
  GHashTable *h = data;
  double *v = g_hash_table_lookup (h, name);
  if (!v)
    {
      v = g_new (double, 1);
      *v = -INFINITY;
      g_hash_table_insert (h, g_strdup (name), v);
    }
  *v = fmax (*v, value);
}

/* restarts: K runs from different seeds, the one with the best validation
 * ROC-AUC kept (its weights restored, so the kept model scores exactly that
 * AUC on the validation split); run 1 is the restarts = 1 fit, unchanged;
 * runs 2..K report their curves under "restart<k>/"; no validation split
 * is refused. */
static void
test_restarts (void)
{
  g_autoptr (TdDataset) train = order_task (120, 10, 61);
  g_autoptr (TdDataset) valid = order_task (60, 10, 62);
#define TINY "hidden_size", "4", "num_layers", "1", "head_hidden", "4", "epochs", "4", \
             "patience", "4", "learning_rate", "0.01"
  const char *const one[] = { TINY, NULL };
  const char *const three[] = { TINY, "restarts", "3", NULL };
#undef TINY
  double best[3];
  g_autofree double *p1 = NULL;
  {
    TdModel *m = fit_model (one, train, valid, 9, 1);
    p1 = predict (m, valid);
    best[0] = m->result.best_valid_auc;
    vt->destroy (m);
  }
  g_autoptr (TdParams) p = params_with (three);
  g_autoptr (TdContext) ctx = td_context_new (9);
  g_autoptr (GHashTable) maxima = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  td_context_set_curve_sink (ctx, max_curve, maxima);
  g_autoptr (GError) e = NULL;
  TdModel *m = vt->create (p, ctx, &e);
  g_assert_true (vt->fit (m, train, valid, ctx, &e));
  g_assert_no_error (e);
  const char *names[] = { "valid_auc", "restart2/valid_auc", "restart3/valid_auc" };
  double top = -INFINITY;
  for (int k = 0; k < 3; k++)
    {
      const double *v = g_hash_table_lookup (maxima, names[k]);
      g_assert_nonnull (v);
      if (k == 0)
        g_assert_cmpfloat (*v, ==, best[0]);        /* run 1 = the restarts = 1 fit */
      best[k] = *v;
      top = fmax (top, *v);
    }
  g_assert_nonnull (g_hash_table_lookup (maxima, "restart3/train_loss"));
  g_assert_null (g_hash_table_lookup (maxima, "restart4/valid_auc"));
  /* the runs differ, so keeping the best is a real choice here */
  g_assert_true (best[0] != best[1] || best[1] != best[2]);
  g_assert_cmpfloat (m->result.best_valid_auc, ==, top);
  g_autofree double *p3 = predict (m, valid);
  g_assert_cmpfloat (fabs (td_roc_auc (valid->y, p3, valid->n_series) - top), <, 1e-12);
  if (top == best[0])
    g_assert_cmpmem (p1, valid->n_series * sizeof (double), p3, valid->n_series * sizeof (double));
  vt->destroy (m);

  /* without a validation split there is nothing to choose by */
  TdModel *n = vt->create (p, ctx, &e);
  g_assert_false (vt->fit (n, train, NULL, ctx, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (e->message, "validation split"));
  vt->destroy (n);
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
  g_test_add_func ("/lstm/attention-pooling-map", test_attention_pooling_map);
  g_test_add_func ("/lstm/save-load", test_save_load);
  g_test_add_func ("/lstm/determinism", test_determinism);
  g_test_add_func ("/lstm/early-stopping-curves", test_early_stopping_and_curves);
  g_test_add_func ("/lstm/options", test_options);
  g_test_add_func ("/lstm/explain", test_explain);
  g_test_add_func ("/lstm/bad-input", test_bad_input);
  g_test_add_func ("/lstm/bench-cli", test_bench_cli);
  g_test_add_func ("/lstm/restarts", test_restarts);
  return g_test_run ();
}
