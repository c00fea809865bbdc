/* test_cnn_lstm.c — the cnn_lstm model plugin: learns a temporal task,
 * padding invariance, save/load (with BatchNorm statistics), determinism
 * across threads, a bad kernel size as an error, and errors that name
 * cnn_lstm (not lstm, whose model code it shares). The layers themselves
 * are checked by ../nn (finite differences, PyTorch golden file). */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "lstm_test_common.h"

static const char *const small[] = { "hidden_size", "16", "num_layers", "1", "head_hidden", "16",
                                     "conv_channels", "8", "epochs", "30", "learning_rate", "0.01",
                                     "patience", "8", "dropout", "0", "pooling", "last", NULL };

static void
test_learns_order (void)
{
  g_autoptr (TdDataset) train = order_task_window (400, 24, 1, 2);
  g_autoptr (TdDataset) valid = order_task_window (100, 24, 2, 2);
  g_autoptr (TdDataset) test = order_task_window (300, 24, 3, 2);
  TdModel *m = fit_model (small, train, valid, 5, 1);
  g_autofree double *p = predict (m, test);
  double auc = td_roc_auc (test->y, p, test->n_series);
  g_test_message ("order task: test ROC-AUC %.4f after %d epochs", auc, m->result.epochs_run);
  g_assert_cmpfloat (auc, >, 0.9);
  /* training moved the BatchNorm running statistics off their start (0, 1) */
  g_assert_cmpfloat (fabs (m->S[m->net.bn[0].mean]), >, 0);
  vt->destroy (m);
}

static void
test_padding_and_save_load (void)
{
  const size_t n = 30, T = 16, Tpad = 23;
  g_autoptr (TdDataset) train = order_task_window (100, T, 7, 2);
  g_autoptr (TdDataset) plain = order_task_window (n, T, 8, 2);
  const char *const kv[] = { "hidden_size", "8", "conv_channels", "6", "conv_kernel", "5",
                             "bidirectional", "true", "epochs", "2", "patience", "0", NULL };
  TdModel *m = fit_model (kv, train, NULL, 5, 1);
  g_autoptr (TdDataset) padded = td_dataset_new (n, Tpad, 2, TD_TASK_BINARY, 2);
  padded->lengths = g_new (guint32, n);
  for (size_t s = 0; s < n; s++)
    {
      padded->y[s] = plain->y[s];
      padded->lengths[s] = (guint32) T;
      memcpy (td_dataset_series (padded, s), td_dataset_series (plain, s), T * 2 * sizeof (float));
      for (size_t k = T * 2; k < Tpad * 2; k++)
        td_dataset_series (padded, s)[k] = 50.0f + (float) k;
    }
  td_dataset_set_channel_name (padded, 0, "first");
  td_dataset_set_channel_name (padded, 1, "second");
  g_autofree double *a = predict (m, plain);
  g_autofree double *b = predict (m, padded);
  for (size_t s = 0; s < n; s++)
    g_assert_cmpfloat (fabs (a[s] - b[s]), <=, 1e-6);

  g_autofree char *dir = g_dir_make_tmp ("tundish-cnn-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.h5", NULL);
  g_autoptr (GError) e = NULL;
  g_assert_true (vt->save (m, path, &e));
  g_assert_no_error (e);
  vt->destroy (m);
  g_autoptr (TdParams) p = params_with (NULL);
  g_autoptr (TdContext) ctx = td_context_new (0);
  TdModel *m2 = vt->load (p, path, ctx, &e);
  g_assert_no_error (e);
  g_autofree double *c = predict (m2, plain);
  g_assert_cmpmem (a, n * sizeof (double), c, n * sizeof (double));
  g_assert_cmpuint (m2->net.cfg.conv_kernel, ==, 5);
  vt->destroy (m2);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_determinism (void)
{
  g_autoptr (TdDataset) train = order_task_window (150, 14, 21, 2);
  g_autoptr (TdDataset) valid = order_task_window (40, 14, 22, 2);
  const char *const kv[] = { "hidden_size", "8", "conv_channels", "6", "epochs", "3",
                             "patience", "2", NULL };
  TdModel *a = fit_model (kv, train, valid, 5, 1);
  TdModel *b = fit_model (kv, train, valid, 5, 2);
  g_autofree double *pa = predict (a, valid);
  g_autofree double *pb = predict (b, valid);
  g_assert_cmpmem (pa, valid->n_series * sizeof (double), pb, valid->n_series * sizeof (double));
  vt->destroy (a);
  vt->destroy (b);
}

/* An even kernel is refused at create, before any training. */
static void
test_bad_kernel (void)
{
  g_autoptr (TdParams) p = params_with ((const char *const[]) { "conv_kernel", "4", NULL });
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (GError) e = NULL;
  g_assert_null (vt->create (p, ctx, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (e->message, "odd"));
}

/* The model code is the LSTM family's, shared with lstm: its messages must
 * still name cnn_lstm, the plugin the user configured (they once said "lstm:"). */
static void
test_errors_name_the_plugin (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tundish-cnn-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.h5", NULL);
  g_assert_true (g_file_set_contents (path, "not a model\n", -1, NULL));
  g_autoptr (TdParams) p = params_with (NULL);
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (GError) e = NULL;
  g_assert_null (vt->load (p, path, ctx, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO);
  g_autofree char *want = g_strdup_printf ("cnn_lstm: %s: not an HDF5 file", path);
  g_test_message ("%s", e->message);
  g_assert_true (g_str_has_prefix (e->message, want));
  g_unlink (path);
  g_rmdir (dir);

  g_clear_error (&e);
  TdModel *m = vt->create (p, ctx, &e);
  g_assert_no_error (e);
  g_autoptr (TdDataset) ds = order_task (4, 8, 1);
  double out[4];
  g_assert_false (vt->predict (m, ds, out, ctx, &e));
  g_assert_true (g_str_has_prefix (e->message, "cnn_lstm: predict before fit"));
  vt->destroy (m);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  desc = td_plugin_descriptor (0);
  vt = desc->vtable;
  g_test_add_func ("/cnn_lstm/learns-order", test_learns_order);
  g_test_add_func ("/cnn_lstm/padding-save-load", test_padding_and_save_load);
  g_test_add_func ("/cnn_lstm/determinism", test_determinism);
  g_test_add_func ("/cnn_lstm/bad-kernel", test_bad_kernel);
  g_test_add_func ("/cnn_lstm/errors-name-the-plugin", test_errors_name_the_plugin);
  return g_test_run ();
}
