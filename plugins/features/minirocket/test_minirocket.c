/* test_minirocket.c — the plugin around mr_core.c: leakage, save/load and
 * thread invariance (the shared extractor checks), seeds, several channels,
 * unequal lengths, and the refusals. */
#include <math.h>

#include "feat_test_util.h"

const TdPluginDescriptor *td_plugin_descriptor (size_t index);

static const char *const small[] = { "num_features=840", NULL };

static void
test_leakage_and_persistence (void)
{
  g_autoptr (TdDataset) full = tu_steel_like (20, 300, 7, FALSE);
  tu_check_leakage (td_plugin_descriptor (0), small, full);
}

static void
test_shape_and_names (void)
{
  g_autoptr (TdDataset) ds = tu_steel_like (12, 200, 3, FALSE);
  g_autoptr (TdDataset) out = tu_run (td_plugin_descriptor (0), NULL, ds, ds, 2, NULL);
  g_assert_cmpuint (out->n_steps, ==, 1);
  g_assert_cmpuint (out->n_channels, ==, 9996);
  g_assert_cmpstr (out->channel_names[0], ==, "minirocket.0000");
  g_assert_cmpstr (out->channel_names[9995], ==, "minirocket.9995");
  /* PPV features are proportions, and they vary between series */
  size_t varied = 0;
  for (size_t k = 0; k < out->n_channels; k++)
    {
      double a = td_dataset_series (out, 0)[k], b = td_dataset_series (out, 1)[k];
      g_assert_cmpfloat (a, >=, 0);
      g_assert_cmpfloat (a, <=, 1);
      varied += a != b;
    }
  g_assert_cmpuint (varied, >, 1000);
}

/* The same seed gives the same features; another seed draws other biases. */
static void
test_seeds (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_autoptr (TdDataset) ds = tu_steel_like (10, 150, 5, FALSE);
  g_autoptr (TdParams) params = tu_params (d, small);
  const TdFeatureVTable *vt = d->vtable;
  TdDataset *out[3];
  guint64 seeds[3] = { 1, 1, 2 };
  for (int i = 0; i < 3; i++)
    {
      g_autoptr (TdContext) ctx = td_context_new (seeds[i]);
      TdFeature *f = vt->create (params, ctx, NULL);
      g_assert_true (vt->fit (f, ds, ctx, NULL));
      out[i] = vt->transform (f, ds, ctx, NULL);
      g_assert_nonnull (out[i]);
      vt->destroy (f);
    }
  tu_assert_same (out[0], out[1]);
  size_t n = out[0]->n_series * out[0]->n_channels, differ = 0;
  for (size_t i = 0; i < n; i++)
    differ += out[0]->x[i] != out[2]->x[i];
  g_assert_cmpuint (differ, >, n / 10);
  for (int i = 0; i < 3; i++)
    td_dataset_unref (out[i]);
}

/* Several channels: a feature responds to the channels of its combination
 * only, and some combinations use more than one channel. */
static void
test_channels (void)
{
  g_autoptr (TdDataset) ds = tu_steel_like (10, 120, 9, FALSE);
  g_autoptr (TdDataset) moved = tu_steel_like (10, 120, 9, FALSE);
  /* change channel 2 only */
  for (size_t s = 0; s < moved->n_series; s++)
    for (size_t t = 0; t < moved->n_steps; t++)
      tu_set (moved, s, t, 2, (float) sin (t * 0.3) * 5.0f);
  TdFeature *f = NULL;
  g_autoptr (TdDataset) a = tu_run (td_plugin_descriptor (0), small, ds, ds, 1, &f);
  const TdFeatureVTable *vt = td_plugin_descriptor (0)->vtable;
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (TdDataset) b = vt->transform (f, moved, ctx, NULL);
  vt->destroy (f);
  size_t same = 0, differ = 0;
  for (size_t k = 0; k < a->n_channels; k++)
    {
      gboolean eq = TRUE;
      for (size_t s = 0; s < a->n_series; s++)
        eq = eq && td_dataset_series (a, s)[k] == td_dataset_series (b, s)[k];
      same += eq;
      differ += !eq;
    }
  /* combinations without channel 2 are untouched, the others move */
  g_assert_cmpuint (same, >, 50);
  g_assert_cmpuint (differ, >, 50);
}

/* Unequal lengths are transformed over each series' own steps: the
 * padding values never matter. */
static void
test_unequal_lengths (void)
{
  g_autoptr (TdDataset) ds = tu_steel_like (12, 200, 4, TRUE);
  g_assert_nonnull (ds->lengths);
  g_autoptr (TdDataset) a = tu_run (td_plugin_descriptor (0), small, ds, ds, 1, NULL);
  for (size_t s = 0; s < ds->n_series; s++)
    for (size_t t = ds->lengths[s]; t < ds->n_steps; t++)
      for (size_t c = 0; c < ds->n_channels; c++)
        tu_set (ds, s, t, c, -42.0f);
  g_autoptr (TdDataset) b = tu_run (td_plugin_descriptor (0), small, ds, ds, 1, NULL);
  tu_assert_same (a, b);
}

static void
test_refusals (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_autoptr (GError) error = NULL;
  g_autoptr (TdDataset) ds = tu_steel_like (6, 100, 1, FALSE);
  for (size_t s = 0; s < ds->n_series; s++)
    tu_set (ds, s, 17, 1, NAN);
  g_autoptr (TdDataset) out = tu_try_run (d, small, ds, ds, 1, &error);
  g_assert_null (out);
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "every training series has a missing value"));
  g_clear_error (&error);
  /* fitted on clean data, a series with a gap gets NaN features, the others not */
  g_autoptr (TdDataset) clean = tu_steel_like (6, 100, 1, FALSE);
  g_autoptr (TdDataset) gap = tu_steel_like (6, 100, 1, FALSE);
  tu_set (gap, 3, 17, 1, NAN);
  g_autoptr (TdDataset) mixed = tu_run (d, small, clean, gap, 1, NULL);
  g_assert_true (isnan (td_dataset_series (mixed, 3)[0]));
  g_assert_false (isnan (td_dataset_series (mixed, 2)[0]));
  g_autoptr (TdDataset) tiny = tu_steel_like (6, 8, 1, FALSE);
  g_autoptr (TdDataset) out2 = tu_try_run (d, small, tiny, tiny, 1, &error);
  g_assert_null (out2);
  g_assert_nonnull (strstr (error->message, "kernel length 9"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/minirocket/leakage-and-persistence", test_leakage_and_persistence);
  g_test_add_func ("/minirocket/shape-and-names", test_shape_and_names);
  g_test_add_func ("/minirocket/seeds", test_seeds);
  g_test_add_func ("/minirocket/channels", test_channels);
  g_test_add_func ("/minirocket/unequal-lengths", test_unequal_lengths);
  g_test_add_func ("/minirocket/refusals", test_refusals);
  return g_test_run ();
}
