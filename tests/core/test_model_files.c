/* Model files written by an earlier build still load. tests/golden/model_files/
 * holds one small HDF5 model file per sequence-model plugin (lstm binary and
 * regression, cnn_lstm with its BatchNorm state, attention_lstm multiclass,
 * lstm_autoencoder, vae), each with the scores that build gave on a fixed
 * test set (<case>.scores, C99 hex floats). This build loads each file
 * through the plugin's own `load` and must score the same test set within
 * 1e-5 (relative to the score's size): the file format, the standardiser
 * and every weight are read as they were written. A copy whose stored
 * channel means are shifted must fail the same comparison (the check is not
 * vacuous).
 *
 * Usage: test_model_files PLUGIN_DIR FIXTURE_DIR [--write]
 * --write fits the models and rewrites the fixtures (only when the format
 * changes on purpose; say so in tests/golden/model_files/SOURCE.md).
 */
#include <hdf5.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include <tundish/testing.h>

#include "plugin/registry.h"

typedef struct {
  const char *name;            /* fixture file stem */
  const char *plugin;
  TdTask task;
  gboolean ragged;
  const char *settings[12];    /* "key=value", NULL-terminated */
} Case;

static const Case cases[] = {
  { "lstm_binary", "lstm", TD_TASK_BINARY, TRUE,
    { "epochs=2", "hidden_size=6", "num_layers=1", "batch_size=8", "learning_rate=0.01",
      "head_hidden=4", NULL } },
  { "lstm_regression", "lstm", TD_TASK_REGRESSION, FALSE,
    { "epochs=2", "hidden_size=6", "num_layers=1", "batch_size=8", "learning_rate=0.01",
      "head_hidden=0", NULL } },
  { "cnn_lstm_binary", "cnn_lstm", TD_TASK_BINARY, FALSE,
    { "epochs=2", "hidden_size=6", "num_layers=1", "batch_size=8", "learning_rate=0.01",
      "conv_layers=1", "conv_channels=4", "conv_pool=2", "head_hidden=4", NULL } },
  { "attention_lstm_multiclass", "attention_lstm", TD_TASK_MULTICLASS, TRUE,
    { "epochs=2", "hidden_size=8", "num_layers=1", "batch_size=8", "learning_rate=0.01",
      "num_heads=2", "head_hidden=4", NULL } },
  { "lstm_autoencoder", "lstm_autoencoder", TD_TASK_ANOMALY, TRUE,
    { "epochs=2", "hidden_size=6", "latent_size=3", "batch_size=8", NULL } },
  { "vae", "vae", TD_TASK_ANOMALY, FALSE,
    { "epochs=2", "filters=4", "kernel_size=3", "pool=2", "latent_size=2", "batch_size=8",
      NULL } },
};

static TdRegistry *reg;
static const char *fixture_dir;

static TdDataset *
data_of (const Case *c, guint64 seed, size_t n)
{
  TdTestingData o = { .task = c->task, .n_series = n, .n_steps = 16, .n_channels = 3,
                      .seed = seed, .ragged = c->ragged };
  g_autoptr (GError) e = NULL;
  TdDataset *ds = td_testing_dataset (&o, &e);
  g_assert_no_error (e);
  return ds;
}

static const TdPluginEntry *
entry_of (const Case *c)
{
  const TdPluginEntry *en = td_registry_find (reg, TD_KIND_MODEL, c->plugin);
  g_assert_nonnull (en);
  return en;
}

static double *
scores_of (const Case *c, TdModel *m, const TdDataset *test, size_t *n_out)
{
  const TdModelVTable *vt = entry_of (c)->desc->vtable;
  *n_out = test->n_series * td_task_n_outputs (test->task, test->n_classes);
  double *out = g_new (double, *n_out);
  g_autoptr (TdContext) ctx = td_context_new (3);
  g_autoptr (GError) e = NULL;
  g_assert_true (vt->predict (m, test, out, ctx, &e));
  g_assert_no_error (e);
  return out;
}

static char *
path_of (const Case *c, const char *ext)
{
  g_autofree char *base = g_strconcat (c->name, ext, NULL);
  return g_build_filename (fixture_dir, base, NULL);
}

static void
write_case (const Case *c)
{
  const TdPluginDescriptor *desc = entry_of (c)->desc;
  const TdModelVTable *vt = desc->vtable;
  g_autoptr (GError) e = NULL;
  g_autoptr (TdParams) p = td_testing_params_strv (desc, c->settings, &e);
  g_assert_no_error (e);
  g_autoptr (TdDataset) train = data_of (c, 1, 48);
  g_autoptr (TdDataset) test = data_of (c, 2, 10);
  if (c->task == TD_TASK_ANOMALY)   /* trained on normal series, as the core does */
    {
      g_autofree size_t *idx = g_new (size_t, train->n_series);
      size_t k = 0;
      for (size_t s = 0; s < train->n_series; s++)
        if (train->y[s] < 0.5)
          idx[k++] = s;
      TdDataset *normals = td_dataset_subset (train, idx, k);
      td_dataset_unref (train);
      train = normals;
    }
  g_autoptr (TdContext) ctx = td_context_new (7);
  TdModel *m = vt->create (p, ctx, &e);
  g_assert_no_error (e);
  g_assert_true (vt->fit (m, train, NULL, ctx, &e));
  g_assert_no_error (e);
  g_autofree char *h5 = path_of (c, ".h5");
  g_assert_true (vt->save (m, h5, &e));
  g_assert_no_error (e);
  size_t n = 0;
  g_autofree double *s = scores_of (c, m, test, &n);
  g_autoptr (GString) text = g_string_new (NULL);
  for (size_t k = 0; k < n; k++)
    g_string_append_printf (text, "%a\n", s[k]);
  g_autofree char *sc = path_of (c, ".scores");
  g_assert_true (g_file_set_contents (sc, text->str, (gssize) text->len, NULL));
  vt->destroy (m);
  g_print ("wrote %s and %s\n", h5, sc);
}

static double *
read_scores (const Case *c, size_t *n)
{
  g_autofree char *sc = path_of (c, ".scores");
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (sc, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (g_strstrip (text), "\n", -1);
  *n = g_strv_length (lines);
  double *v = g_new (double, *n);
  for (size_t k = 0; k < *n; k++)
    v[k] = g_ascii_strtod (lines[k], NULL);
  return v;
}

/* The largest |got - want| / max(1, |want|), after loading path. */
static double
load_and_compare (const Case *c, const char *path)
{
  const TdPluginDescriptor *desc = entry_of (c)->desc;
  const TdModelVTable *vt = desc->vtable;
  g_autoptr (GError) e = NULL;
  g_autoptr (TdParams) p = td_testing_params_strv (desc, c->settings, &e);
  g_assert_no_error (e);
  g_autoptr (TdContext) ctx = td_context_new (3);
  TdModel *m = vt->load (p, path, ctx, &e);
  g_assert_no_error (e);
  g_autoptr (TdDataset) test = data_of (c, 2, 10);
  size_t n = 0, nw = 0;
  g_autofree double *got = scores_of (c, m, test, &n);
  g_autofree double *want = read_scores (c, &nw);
  g_assert_cmpuint (n, ==, nw);
  double worst = 0, lo = INFINITY, hi = -INFINITY;
  for (size_t k = 0; k < n; k++)
    {
      g_assert_true (isfinite (got[k]));
      worst = fmax (worst, fabs (got[k] - want[k]) / fmax (1.0, fabs (want[k])));
      lo = fmin (lo, want[k]);
      hi = fmax (hi, want[k]);
    }
  g_assert_cmpfloat (hi, >, lo);   /* the stored scores tell series apart */
  vt->destroy (m);
  return worst;
}

/* Shift every stored channel mean by 2 in a copy of the file. */
static void
shift_means (const char *src, const char *dst)
{
  g_autofree char *bytes = NULL;
  gsize nb = 0;
  g_assert_true (g_file_get_contents (src, &bytes, &nb, NULL));
  g_assert_true (g_file_set_contents (dst, bytes, (gssize) nb, NULL));
  hid_t f = H5Fopen (dst, H5F_ACC_RDWR, H5P_DEFAULT);
  g_assert_cmpint (f, >=, 0);
  hid_t ds = H5Dopen2 (f, "preprocess/mean", H5P_DEFAULT);
  g_assert_cmpint (ds, >=, 0);
  float mean[3];
  g_assert_cmpint (H5Dread (ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, mean), >=, 0);
  for (int c = 0; c < 3; c++)
    mean[c] += 2.0f;
  g_assert_cmpint (H5Dwrite (ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, mean), >=, 0);
  H5Dclose (ds);
  H5Fclose (f);
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *h5 = path_of (c, ".h5");
  const double worst = load_and_compare (c, h5);
  g_test_message ("%s: largest relative difference %.3g", c->name, worst);
  g_assert_cmpfloat (worst, <=, 1e-5);

  g_autofree char *dir = g_dir_make_tmp ("tundish-model-files-XXXXXX", NULL);
  g_autofree char *copy = g_build_filename (dir, "shifted.h5", NULL);
  shift_means (h5, copy);
  const double off = load_and_compare (c, copy);
  g_test_message ("%s with shifted means: %.3g", c->name, off);
  g_assert_cmpfloat (off, >, 1e-3);
  g_unlink (copy);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 3)
    g_error ("usage: test_model_files PLUGIN_DIR FIXTURE_DIR [--write]");
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  fixture_dir = argv[2];
  reg = td_registry_new ();
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  td_registry_scan_dir (reg, argv[1], errors);
  for (guint k = 0; k < errors->len; k++)
    g_error ("%s", ((GError *) errors->pdata[k])->message);
  if (argc > 3 && g_str_equal (argv[3], "--write"))
    {
      for (size_t k = 0; k < G_N_ELEMENTS (cases); k++)
        write_case (&cases[k]);
      td_registry_free (reg);
      return 0;
    }
  for (size_t k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autofree char *name = g_strdup_printf ("/model-files/%s", cases[k].name);
      g_test_add_data_func (name, &cases[k], test_case);
    }
  int rc = g_test_run ();
  td_registry_free (reg);
  return rc;
}
