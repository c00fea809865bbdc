/* Tests of seq_common: the standardiser on a hand-computed example, the
 * finite-value check and its message, the channel check, and the model-file
 * pieces written and read back (and refused when mis-shaped or invalid).
 * The plugins' own tests and tests/core/test_model_files.c cover them inside
 * the models. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "seq_common.h"

/* 2 series × 3 steps × 2 channels; series 1 has 2 valid steps and garbage
 * in its padding. Channel 0's valid values are 1, 2, 3, 5, 9: mean 4,
 * squared deviations 9 + 4 + 1 + 1 + 25 = 40, population variance 8.
 * Channel 1 is 10 throughout: no spread. */
static TdDataset *
hand_data (void)
{
  TdDataset *ds = td_dataset_new (2, 3, 2, TD_TASK_BINARY, 2);
  const float x[] = { 1, 10, 2, 10, 3, 10, /* series 1 */ 5, 10, 9, 10, 1000, -1000 };
  memcpy (ds->x, x, sizeof x);
  ds->lengths = g_new (guint32, 2);
  ds->lengths[0] = 3;
  ds->lengths[1] = 2;
  td_dataset_set_channel_name (ds, 0, "temp");
  td_dataset_set_channel_name (ds, 1, "flow");
  return ds;
}

static void
test_standardiser (void)
{
  g_autoptr (TdDataset) ds = hand_data ();
  g_autofree float *mean = NULL, *scale = NULL;
  seq_fit_standardiser (ds, &mean, &scale);
  g_assert_cmpfloat (mean[0], ==, 4.0f);
  g_assert_cmpfloat (scale[0], ==, (float) sqrt (8.0));
  /* a constant channel is centred, not divided by ~0 */
  g_assert_cmpfloat (mean[1], ==, 10.0f);
  g_assert_cmpfloat (scale[1], ==, 1.0f);

  /* the padding is left out: counting it would move the mean far off 4 */
  ds->lengths[1] = 3;
  g_autofree float *m2 = NULL, *s2 = NULL;
  seq_fit_standardiser (ds, &m2, &s2);
  g_assert_cmpfloat (fabs (m2[0] - 4.0f), >, 100);

  NnSeqData d = seq_nn_data (ds, mean, scale);
  g_assert_cmpuint (d.n, ==, 2);
  g_assert_cmpuint (d.T, ==, 3);
  g_assert_cmpuint (d.C, ==, 2);
  g_assert_true (d.x == ds->x && d.len == ds->lengths && d.mean == mean && d.scale == scale);
}

static void
test_nan_refused (void)
{
  g_autoptr (TdDataset) ds = hand_data ();
  g_autoptr (GError) e = NULL;
  g_assert_true (seq_check_sequences ("lstm", ds, "training", &e));
  g_assert_no_error (e);
  /* NaN in the padding is no value at all */
  td_dataset_series (ds, 1)[2 * 2 + 1] = NAN;
  g_assert_true (seq_check_sequences ("lstm", ds, "training", &e));
  g_assert_no_error (e);

  ds->series_id[1] = 42;
  td_dataset_series (ds, 1)[1 * 2 + 1] = NAN;    /* step 1, channel 1 ("flow") */
  g_assert_false (seq_check_sequences ("cnn_lstm", ds, "validation", &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_test_message ("%s", e->message);
  g_assert_cmpstr (e->message, ==,
                   "cnn_lstm: series 42 of the validation data holds NaN at step 1, channel "
                   "\"flow\", where a finite value was expected; impute or drop missing values "
                   "before the model (e.g. a resample/zscore feature step)");
  g_clear_error (&e);
  td_dataset_series (ds, 1)[1 * 2 + 1] = 10;
  td_dataset_series (ds, 0)[0] = -INFINITY;
  g_assert_false (seq_check_sequences ("vae", ds, "input", &e));
  g_assert_nonnull (strstr (e->message, "an infinite value at step 0, channel \"temp\""));
}

static void
test_channels (void)
{
  g_autoptr (TdDataset) ds = hand_data ();
  g_auto (GStrv) names = seq_channel_names (ds);
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_cmpstr (names[1], ==, "flow");
  g_autoptr (GError) e = NULL;
  g_assert_true (seq_check_channels ("lstm", ds, 2, names, &e));
  g_assert_false (seq_check_channels ("lstm", ds, 3, names, &e));
  g_assert_cmpstr (e->message, ==, "lstm: the model was fitted on 3 channels, the input has 2");
  g_clear_error (&e);
  td_dataset_set_channel_name (ds, 1, "level");
  g_assert_false (seq_check_channels ("lstm", ds, 2, names, &e));
  g_assert_cmpstr (e->message, ==,
                   "lstm: channel 1 is \"level\" in the input but was \"flow\" at fit");
  g_clear_error (&e);
  td_dataset_set_channel_name (ds, 1, "flow");
  g_assert_false (seq_check_input ("vae", FALSE, ds, 2, names, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED);
  g_assert_cmpstr (e->message, ==, "vae: predict before fit or load");
  g_clear_error (&e);
  g_assert_true (seq_check_input ("vae", TRUE, ds, 2, names, &e));
  g_assert_true (seq_check_series ("vae", ds, 1, &e));
  g_assert_false (seq_check_series ("vae", ds, 2, &e));
  g_assert_cmpstr (e->message, ==, "vae: series 2 out of range (2 series)");
  g_clear_error (&e);
  td_dataset_set_channel_name (ds, 1, "level");
  /* a channel unnamed at fit is not compared */
  g_free (names[1]);
  names[1] = g_strdup ("");
  g_assert_true (seq_check_channels ("lstm", ds, 2, names, &e));
}

/* ---------------------------------------------------------- model files */

typedef struct {
  NnLayout lay;
  float *P;
  char **names;
  float mean[2], scale[2];
  NnTrainResult result;
} Fixture;

static void
fixture_init (Fixture *fx)
{
  nn_layout_init (&fx->lay);
  nn_layout_add (&fx->lay, "weight_ih_l0", 2, (size_t[]) { 3, 2 });
  nn_layout_add (&fx->lay, "head.0.bias", 1, (size_t[]) { 4 });
  fx->P = g_new (float, fx->lay.total);
  for (size_t k = 0; k < fx->lay.total; k++)
    fx->P[k] = (float) k * 0.25f - 1.0f;
  fx->names = g_new0 (char *, 3);
  fx->names[0] = g_strdup ("temp");
  fx->names[1] = g_strdup ("flow");
  fx->mean[0] = 4.0f;
  fx->mean[1] = -0.5f;
  fx->scale[0] = 2.0f;
  fx->scale[1] = 0.125f;
  fx->result = (NnTrainResult) { .epochs_run = 7, .best_epoch = 4, .final_train_loss = 0.375 };
}

static void
fixture_clear (Fixture *fx)
{
  nn_layout_clear (&fx->lay);
  g_free (fx->P);
  g_strfreev (fx->names);
}

static gboolean
write_fixture (hid_t f, const void *data)
{
  const Fixture *fx = data;
  gboolean ok = seq_h5_put_str (f, "magic", "tundish-test") && seq_h5_put_i64 (f, "format_version", 2);
  hid_t g = H5Gcreate2 (f, "preprocess", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ok = ok && g >= 0 && seq_h5_write_preprocess (g, 2, fx->names, fx->mean, fx->scale);
  H5Gclose (g);
  g = H5Gcreate2 (f, "training", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ok = ok && g >= 0 && seq_h5_write_training (g, "epochs: 7\n", &fx->result);
  H5Gclose (g);
  return ok && seq_h5_write_tensors (f, "weights", &fx->lay, fx->P);
}

static void
test_model_file_round_trip (void)
{
  Fixture fx;
  fixture_init (&fx);
  g_autofree char *dir = g_dir_make_tmp ("tundish-seq-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.h5", NULL);
  g_autoptr (GError) e = NULL;
  g_assert_true (seq_h5_save ("lstm", TRUE, path, write_fixture, &fx, &e));
  g_assert_no_error (e);
  /* committed: nothing but the file is left in the folder */
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (d), ==, "model.h5");
  g_assert_null (g_dir_read_name (d));

  hid_t f = seq_h5_open ("lstm", path, &e);
  g_assert_cmpint (f, >=, 0);
  gint64 version = 0;
  g_assert_true (seq_h5_check_magic (f, "lstm", path, "tundish-test", "a test file", 1, 3,
                                     &version, &e));
  g_assert_cmpint (version, ==, 2);
  /* a newer format than this build reads, and another family's file */
  g_assert_false (seq_h5_check_magic (f, "lstm", path, "tundish-test", "a test file", 1, 1,
                                      &version, &e));
  g_autofree char *want = g_strdup_printf ("lstm: %s: format_version 2 is not 1, the version "
                                           "this plugin reads", path);
  g_assert_cmpstr (e->message, ==, want);
  g_clear_error (&e);
  g_assert_false (seq_h5_check_magic (f, "vae", path, "tundish-recon", "a recon file", 1, 1,
                                      &version, &e));
  g_assert_nonnull (strstr (e->message, "not a recon file (magic \"tundish-recon\" missing)"));
  g_clear_error (&e);

  hid_t g = seq_h5_open_group (f, "preprocess");
  g_auto (GStrv) names = NULL;
  g_autofree float *mean = NULL, *scale = NULL;
  g_assert_true (seq_h5_read_preprocess (g, 2, &names, &mean, &scale));
  H5Gclose (g);
  g_assert_cmpstr (names[0], ==, "temp");
  g_assert_cmpstr (names[1], ==, "flow");
  g_assert_null (names[2]);
  g_assert_cmpmem (mean, sizeof fx.mean, fx.mean, sizeof fx.mean);
  g_assert_cmpmem (scale, sizeof fx.scale, fx.scale, sizeof fx.scale);
  /* the wrong channel count is refused, with nothing allocated */
  g = seq_h5_open_group (f, "preprocess");
  char **n3 = NULL;
  float *m3 = NULL, *s3 = NULL;
  g_assert_false (seq_h5_read_preprocess (g, 3, &n3, &m3, &s3));
  g_assert_true (n3 == NULL && m3 == NULL && s3 == NULL);
  H5Gclose (g);

  g = seq_h5_open_group (f, "training");
  char *config = NULL;
  NnTrainResult r = { 0 };
  seq_h5_read_training (g, &config, &r);
  H5Gclose (g);
  g_assert_cmpstr (config, ==, "epochs: 7\n");
  g_free (config);
  g_assert_cmpint (r.epochs_run, ==, 7);
  g_assert_cmpint (r.best_epoch, ==, 4);
  g_assert_cmpfloat (r.final_train_loss, ==, 0.375);

  g_autofree float *P = g_new0 (float, fx.lay.total);
  g_assert_true (seq_h5_read_tensors (f, "weights", &fx.lay, P, "lstm", path, &e));
  g_assert_no_error (e);
  g_assert_cmpmem (P, fx.lay.total * sizeof (float), fx.P, fx.lay.total * sizeof (float));

  /* a layout the file does not hold: the tensor and the shape expected are named */
  NnLayout other;
  nn_layout_init (&other);
  nn_layout_add (&other, "weight_ih_l0", 2, (size_t[]) { 3, 5 });
  g_autofree float *Q = g_new0 (float, other.total);
  g_assert_false (seq_h5_read_tensors (f, "weights", &other, Q, "cnn_lstm", path, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO);
  g_autofree char *want_shape = g_strdup_printf ("cnn_lstm: %s: /weights/weight_ih_l0 is "
                                                 "missing or not of the shape [3 × 5] the "
                                                 "architecture implies", path);
  g_assert_cmpstr (e->message, ==, want_shape);
  g_clear_error (&e);
  g_assert_false (seq_h5_read_tensors (f, "state", &other, Q, "cnn_lstm", path, &e));
  g_assert_nonnull (strstr (e->message, "no /state group"));
  g_clear_error (&e);
  nn_layout_clear (&other);
  H5Fclose (f);

  /* a scale of 0 would divide by zero at predict: refused at load */
  fx.scale[1] = 0;
  g_assert_true (seq_h5_save ("lstm", TRUE, path, write_fixture, &fx, &e));
  f = seq_h5_open ("lstm", path, &e);
  g = seq_h5_open_group (f, "preprocess");
  g_auto (GStrv) n4 = NULL;
  g_autofree float *m4 = NULL, *s4 = NULL;
  g_assert_false (seq_h5_read_preprocess (g, 2, &n4, &m4, &s4));
  H5Gclose (g);
  H5Fclose (f);

  /* not HDF5 at all */
  g_assert_true (g_file_set_contents (path, "not a model\n", -1, NULL));
  g_assert_cmpint (seq_h5_open ("vae", path, &e), <, 0);
  g_autofree char *want_h5 = g_strdup_printf ("vae: %s: not an HDF5 file (a model file is)", path);
  g_assert_cmpstr (e->message, ==, want_h5);
  g_unlink (path);
  g_rmdir (dir);
  fixture_clear (&fx);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/seq_common/standardiser", test_standardiser);
  g_test_add_func ("/seq_common/nan-refused", test_nan_refused);
  g_test_add_func ("/seq_common/channels", test_channels);
  g_test_add_func ("/seq_common/model-file-round-trip", test_model_file_round_trip);
  return g_test_run ();
}
