/* test_resample.c — the `resample` transform on hand-made series: a step, a
 * spike that only min/max keep, a constant, NaN, uneven blocks, upsampling,
 * variable lengths, names and the metadata carried along. */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

static const TdFeatureVTable *
vt (void)
{
  return td_plugin_descriptor (0)->vtable;
}

/* One channel "x" per series, rows of n values. */
static TdDataset *
series_of (const float *v, size_t n_series, size_t n)
{
  TdDataset *ds = td_dataset_new (n_series, n, 1, TD_TASK_BINARY, 2);
  memcpy (ds->x, v, n_series * n * sizeof (float));
  td_dataset_set_channel_name (ds, 0, "x");
  for (size_t s = 0; s < n_series; s++)
    {
      ds->y[s] = s % 2;
      ds->series_id[s] = 10 + (gint64) s;
    }
  return ds;
}

static TdDataset *
run (const TdDataset *in, const char *length, const char *mode)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_autoptr (GError) e = NULL;
  g_autoptr (TdParams) p = td_testing_params (d, &e, "length", length, mode ? "mode" : NULL, mode,
                                              NULL);
  g_assert_no_error (e);
  g_autoptr (TdContext) ctx = td_context_new (1);
  TdFeature *f = vt ()->create (p, ctx, &e);
  g_assert_no_error (e);
  TdDataset *out = vt ()->transform (f, in, ctx, &e);
  g_assert_no_error (e);
  vt ()->destroy (f);
  g_assert_nonnull (out);
  g_assert_cmpuint (out->n_series, ==, in->n_series);
  return out;
}

static void
assert_values (const TdDataset *ds, size_t s, const float *want, size_t n)
{
  const float *x = td_dataset_series (ds, s);
  g_assert_cmpuint (ds->n_steps * ds->n_channels, ==, n);
  for (size_t i = 0; i < n; i++)
    if (isnan (want[i]))
      g_assert_true (isnan (x[i]));
    else
      g_assert_cmpfloat_with_epsilon (x[i], want[i], 1e-6);
}

static void
test_descriptor (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_assert_nonnull (d);
  g_assert_null (td_plugin_descriptor (1));
  g_assert_cmpstr (d->name, ==, "resample");
  g_assert_cmpint (vt ()->role, ==, TD_FEATURE_TRANSFORM);
  g_assert_cmpuint (vt ()->accepts, ==, TD_DATA_SEQUENCE);
  g_assert_null (vt ()->fit);
  g_autoptr (GError) e = NULL;
  g_autoptr (TdParams) p = td_params_new_defaults (d->params, d->n_params, &e);
  g_assert_false (td_params_set_text (p, "length", "0", &e));
  g_assert_nonnull (e);
  g_clear_error (&e);
  g_assert_false (td_params_set_text (p, "mode", "median", &e));
  g_assert_nonnull (e);
}

static void
test_step (void)
{
  const float step[10] = { 0, 0, 0, 0, 0, 10, 10, 10, 10, 10 };
  g_autoptr (TdDataset) in = series_of (step, 1, 10);
  /* blocks [0,2) [2,5) [5,7) [7,10): uneven, never straddling the step */
  g_autoptr (TdDataset) four = run (in, "4", NULL);
  const float w4[] = { 0, 0, 10, 10 };
  assert_values (four, 0, w4, 4);
  g_assert_cmpstr (four->channel_names[0], ==, "x");
  g_assert_null (four->lengths);
  /* blocks [0,3) [3,6) [6,10): the middle block straddles it */
  g_autoptr (TdDataset) three = run (in, "3", NULL);
  const float w3[] = { 0, 10.0f / 3, 10 };
  assert_values (three, 0, w3, 3);
  /* length = n_steps is the identity */
  g_autoptr (TdDataset) same = run (in, "10", NULL);
  assert_values (same, 0, step, 10);
}

static void
test_spike_survives_minmax (void)
{
  const float v[2][6] = { { 0, 0, 9, 0, 0, 0 }, { 5, 5, 5, 5, 5, 5 } };   /* spike; constant */
  g_autoptr (TdDataset) in = series_of (&v[0][0], 2, 6);
  g_autoptr (TdDataset) mean = run (in, "2", NULL);
  const float wm[] = { 3, 0 };
  assert_values (mean, 0, wm, 2);
  g_autoptr (TdDataset) out = run (in, "2", "minmaxmean");
  g_assert_cmpuint (out->n_channels, ==, 3);
  g_assert_cmpstr (out->channel_names[0], ==, "x.min");
  g_assert_cmpstr (out->channel_names[1], ==, "x.max");
  g_assert_cmpstr (out->channel_names[2], ==, "x.mean");
  const float w0[] = { 0, 9, 3, 0, 0, 0 };
  const float w1[] = { 5, 5, 5, 5, 5, 5 };
  assert_values (out, 0, w0, 6);
  assert_values (out, 1, w1, 6);
  g_assert_cmpfloat (out->y[1], ==, 1);
  g_assert_cmpint (out->series_id[1], ==, 11);
}

static void
test_nan (void)
{
  const float v[6] = { 1, NAN, 3, 4, 5, 6 };
  g_autoptr (TdDataset) in = series_of (v, 1, 6);
  g_autoptr (TdDataset) mean = run (in, "2", NULL);
  const float wm[] = { NAN, 5 };
  assert_values (mean, 0, wm, 2);
  g_autoptr (TdDataset) mmm = run (in, "2", "minmaxmean");
  const float w[] = { NAN, NAN, NAN, 4, 6, 5 };
  assert_values (mmm, 0, w, 6);
}

static void
test_upsampling (void)
{
  const float v[2] = { 1, 2 };
  g_autoptr (TdDataset) in = series_of (v, 1, 2);
  /* block b is step ⌊2b/5⌋: 0 0 0 1 1 */
  g_autoptr (TdDataset) out = run (in, "5", "minmaxmean");
  const float w[] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2 };
  assert_values (out, 0, w, 15);
}

static void
test_lengths_and_channels (void)
{
  /* 2 series × 6 steps × 2 channels (a, b); series 1 has 3 valid steps and junk padding */
  g_autoptr (TdDataset) in = td_dataset_new (2, 6, 2, TD_TASK_BINARY, 2);
  for (size_t s = 0; s < 2; s++)
    for (size_t t = 0; t < 6; t++)
      {
        td_dataset_series (in, s)[t * 2] = (float) (t + 1);
        td_dataset_series (in, s)[t * 2 + 1] = -10.0f * (float) (t + 1);
      }
  for (size_t t = 3; t < 6; t++)
    td_dataset_series (in, 1)[t * 2] = td_dataset_series (in, 1)[t * 2 + 1] = 1000;
  in->lengths = g_new (guint32, 2);
  in->lengths[0] = 6;
  in->lengths[1] = 3;
  td_dataset_set_channel_name (in, 0, "a");
  td_dataset_set_channel_name (in, 1, "b");
  const double v[] = { 0.5, 1.5 };
  td_dataset_add_meta_num (in, "weight", v);

  g_autoptr (TdDataset) out = run (in, "3", NULL);
  g_assert_nonnull (out->lengths);
  g_assert_cmpuint (out->lengths[0], ==, 3);
  g_assert_cmpuint (out->lengths[1], ==, 2);   /* blocks starting at 0 and 2 */
  const float w0[] = { 1.5, -15, 3.5, -35, 5.5, -55 };
  const float w1[] = { 1.5, -15, 3, -30, 0, 0 };  /* last valid block: step 2 only; then padding */
  assert_values (out, 0, w0, 6);
  assert_values (out, 1, w1, 6);
  g_assert_cmpstr (out->channel_names[1], ==, "b");
  g_assert_cmpfloat (td_dataset_find_meta (out, "weight")->num[1], ==, 1.5);

  g_autoptr (TdDataset) mmm = run (in, "3", "minmaxmean");
  const char *names[] = { "a.min", "a.max", "a.mean", "b.min", "b.max", "b.mean" };
  for (size_t c = 0; c < 6; c++)
    g_assert_cmpstr (mmm->channel_names[c], ==, names[c]);
  const float m1[] = { 1, 2, 1.5, -20, -10, -15, 3, 3, 3, -30, -30, -30, 0, 0, 0, 0, 0, 0 };
  assert_values (mmm, 1, m1, 18);

  in->lengths[1] = 7;
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_autoptr (GError) e = NULL;
  g_autoptr (TdParams) p = td_params_new_defaults (d->params, d->n_params, &e);
  g_autoptr (TdContext) ctx = td_context_new (1);
  TdFeature *f = vt ()->create (p, ctx, &e);
  g_assert_null (vt ()->transform (f, in, ctx, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  vt ()->destroy (f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/resample/descriptor", test_descriptor);
  g_test_add_func ("/resample/step", test_step);
  g_test_add_func ("/resample/spike-survives-minmax", test_spike_survives_minmax);
  g_test_add_func ("/resample/nan", test_nan);
  g_test_add_func ("/resample/upsampling", test_upsampling);
  g_test_add_func ("/resample/lengths-and-channels", test_lengths_and_channels);
  return g_test_run ();
}
