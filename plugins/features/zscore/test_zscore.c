/* test_zscore.c — the `zscore` transform: hand-computed means and sds
 * (padding and NaN ignored in the fit, a constant channel, a large offset),
 * padding and NaN in the output, matrices, channel checks, leakage (the fitted
 * state depends on the training split only) and a bit-exact save/load. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

static const TdFeatureVTable *
vt (void)
{
  return td_plugin_descriptor (0)->vtable;
}

static TdParams *
params (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_autoptr (GError) e = NULL;
  TdParams *p = td_params_new_defaults (d->params, d->n_params, &e);
  g_assert_no_error (e);
  return p;
}

/* 2 series × 4 steps × 3 channels (a, b, t), lengths 4 and 2.
 *   a: s0 = 1 2 3 4, s1 = 5 NaN | 1000 1000   → valid 1..5: mean 3, sd sqrt 2
 *   b: 7 everywhere (padding 1000)            → constant: centred only
 *   t: s0 = 1520 1521 1520 1521, s1 = 1520 1521 | 0 0 → mean 1520.5, sd 0.5 */
static TdDataset *
train_set (void)
{
  static const float v[2][4][3] = {
    { { 1, 7, 1520 }, { 2, 7, 1521 }, { 3, 7, 1520 }, { 4, 7, 1521 } },
    { { 5, 7, 1520 }, { NAN, 7, 1521 }, { 1000, 1000, 0 }, { 1000, 1000, 0 } },
  };
  TdDataset *ds = td_dataset_new (2, 4, 3, TD_TASK_BINARY, 2);
  memcpy (ds->x, v, sizeof v);
  ds->lengths = g_new (guint32, 2);
  ds->lengths[0] = 4;
  ds->lengths[1] = 2;
  ds->y[1] = 1;
  td_dataset_set_channel_name (ds, 0, "a");
  td_dataset_set_channel_name (ds, 1, "b");
  td_dataset_set_channel_name (ds, 2, "t");
  return ds;
}

static TdFeature *
fitted (const TdDataset *train, TdContext *ctx)
{
  g_autoptr (TdParams) p = params ();
  g_autoptr (GError) e = NULL;
  TdFeature *f = vt ()->create (p, ctx, &e);
  g_assert_no_error (e);
  g_assert_true (vt ()->fit (f, train, ctx, &e));
  g_assert_no_error (e);
  return f;
}

static void
test_descriptor (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_assert_nonnull (d);
  g_assert_null (td_plugin_descriptor (1));
  g_assert_cmpstr (d->name, ==, "zscore");
  g_assert_cmpint (vt ()->role, ==, TD_FEATURE_TRANSFORM);
  g_assert_cmpuint (vt ()->accepts, ==, TD_DATA_SEQUENCE | TD_DATA_MATRIX);
  g_assert_nonnull (vt ()->fit);
  g_assert_nonnull (vt ()->save);
  g_assert_nonnull (vt ()->load);
}

static void
test_known_answers (void)
{
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (TdDataset) train = train_set ();
  TdFeature *f = fitted (train, ctx);
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) out = vt ()->transform (f, train, ctx, &e);
  g_assert_no_error (e);
  vt ()->destroy (f);

  g_assert_cmpuint (out->n_steps, ==, 4);
  g_assert_cmpuint (out->n_channels, ==, 3);
  g_assert_cmpstr (out->channel_names[2], ==, "t");
  g_assert_cmpuint (out->lengths[1], ==, 2);
  g_assert_cmpfloat (out->y[1], ==, 1);
  const double sd_a = sqrt (2.0);
  const float *s0 = td_dataset_series (out, 0), *s1 = td_dataset_series (out, 1);
  for (int t = 0; t < 4; t++)
    {
      g_assert_cmpfloat (s0[t * 3 + 0], ==, (float) ((t + 1 - 3.0) / sd_a));
      g_assert_cmpfloat (s0[t * 3 + 1], ==, 0.0f);
      g_assert_cmpfloat (s0[t * 3 + 2], ==, t % 2 ? 1.0f : -1.0f);
    }
  g_assert_cmpfloat (s1[0], ==, (float) (2.0 / sd_a));
  g_assert_true (isnan (s1[3]));               /* NaN stays NaN */
  g_assert_cmpfloat (s1[5], ==, 1.0f);
  for (int i = 6; i < 12; i++)
    g_assert_cmpfloat (s1[i], ==, 0.0f);       /* padding becomes 0 */
}

static void
test_matrix (void)
{
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (TdDataset) m = td_dataset_new (4, 1, 1, TD_TASK_BINARY, 2);
  const float v[] = { 2, 4, 4, 6 };   /* mean 4, sd 1.4142 */
  memcpy (m->x, v, sizeof v);
  td_dataset_set_channel_name (m, 0, "level.max");
  TdFeature *f = fitted (m, ctx);
  g_autoptr (TdDataset) out = vt ()->transform (f, m, ctx, NULL);
  vt ()->destroy (f);
  g_assert_cmpfloat (out->x[0], ==, (float) (-2 / sqrt (2.0)));
  g_assert_cmpfloat (out->x[1], ==, 0.0f);
  g_assert_cmpstr (out->channel_names[0], ==, "level.max");
}

static void
test_errors (void)
{
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (TdDataset) train = train_set ();
  g_autoptr (TdParams) p = params ();
  g_autoptr (GError) e = NULL;
  TdFeature *f = vt ()->create (p, ctx, &e);
  TdDataset *out = vt ()->transform (f, train, ctx, &e);
  g_assert_null (out);
  g_assert_nonnull (strstr (e->message, "before fit"));
  g_clear_error (&e);

  /* a channel with no valid training value */
  g_autoptr (TdDataset) empty = train_set ();
  for (size_t s = 0; s < 2; s++)
    for (size_t t = 0; t < 4; t++)
      td_dataset_series (empty, s)[t * 3 + 1] = NAN;
  g_assert_false (vt ()->fit (f, empty, ctx, &e));
  g_assert_nonnull (strstr (e->message, "\"b\" has no valid value"));
  g_clear_error (&e);
  vt ()->destroy (f);

  f = fitted (train, ctx);
  g_autoptr (TdDataset) renamed = train_set ();
  td_dataset_set_channel_name (renamed, 1, "x");
  out = vt ()->transform (f, renamed, ctx, &e);
  g_assert_null (out);
  g_assert_nonnull (strstr (e->message, "fitted on \"b\""));
  g_clear_error (&e);
  g_autoptr (TdDataset) fewer = td_dataset_new (1, 4, 2, TD_TASK_BINARY, 2);
  out = vt ()->transform (f, fewer, ctx, &e);
  g_assert_null (out);
  g_assert_nonnull (strstr (e->message, "fitted on 3 channels"));
  vt ()->destroy (f);
}

static char *
state_text (TdFeature *f, const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "state", NULL);
  g_autoptr (GError) e = NULL;
  g_assert_true (vt ()->save (f, path, &e));
  g_assert_no_error (e);
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_unlink (path);
  return text;
}

static void
test_leakage (void)
{
  g_autofree char *dir = g_dir_make_tmp ("td-zscore-XXXXXX", NULL);
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (TdDataset) train = train_set ();
  g_autoptr (TdDataset) test = train_set ();
  TdFeature *f = fitted (train, ctx);
  g_autofree char *before = state_text (f, dir);
  g_autoptr (TdDataset) o1 = vt ()->transform (f, test, ctx, NULL);
  for (size_t i = 0; i < 24; i++)
    test->x[i] *= 3;
  g_autoptr (TdDataset) o2 = vt ()->transform (f, test, ctx, NULL);
  g_autofree char *after = state_text (f, dir);
  g_assert_cmpstr (before, ==, after);
  /* the test's own statistics never enter: x·3 is standardised with train's numbers */
  g_assert_cmpfloat (td_dataset_series (o2, 0)[0], ==, (float) ((3 - 3.0) / sqrt (2.0)));
  vt ()->destroy (f);

  /* ...while another training split gives another state (the check can fail) */
  td_dataset_series (train, 0)[0] = 0;
  f = fitted (train, ctx);
  g_autofree char *other = state_text (f, dir);
  g_assert_cmpstr (before, !=, other);
  vt ()->destroy (f);
  g_rmdir (dir);
}

static void
test_save_load (void)
{
  g_autofree char *dir = g_dir_make_tmp ("td-zscore-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "state", NULL);
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (TdParams) p = params ();
  g_autoptr (TdDataset) train = train_set ();
  td_dataset_series (train, 0)[0] = 1.1f;   /* a mean and sd that need every digit */
  TdFeature *f = fitted (train, ctx);
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) a = vt ()->transform (f, train, ctx, &e);
  g_assert_true (vt ()->save (f, path, &e));
  g_assert_no_error (e);
  vt ()->destroy (f);
  TdFeature *g = vt ()->load (p, path, ctx, &e);
  g_assert_no_error (e);
  g_autoptr (TdDataset) b = vt ()->transform (g, train, ctx, &e);
  g_assert_no_error (e);
  g_assert_cmpmem (a->x, 24 * sizeof (float), b->x, 24 * sizeof (float));
  vt ()->destroy (g);

  g_assert_true (g_file_set_contents (path, "[zscore]\nformat=1\nchannels=a;\nmean=1;\nsd=0;\n",
                                      -1, NULL));
  g = vt ()->load (p, path, ctx, &e);
  g_assert_null (g);
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO);
  g_clear_error (&e);
  g_assert_true (g_file_set_contents (path, "garbage", -1, NULL));
  g = vt ()->load (p, path, ctx, &e);
  g_assert_null (g);
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/zscore/descriptor", test_descriptor);
  g_test_add_func ("/zscore/known-answers", test_known_answers);
  g_test_add_func ("/zscore/matrix", test_matrix);
  g_test_add_func ("/zscore/errors", test_errors);
  g_test_add_func ("/zscore/leakage", test_leakage);
  g_test_add_func ("/zscore/save-load", test_save_load);
  return g_test_run ();
}
