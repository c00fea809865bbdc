/* Tests of the window feature: the last N minutes, sliding windows with
 * max/mean aggregation (strides, overlap, short series, padding, NaN), names,
 * inner parameters and their errors, a stateful inner extractor (fitted on
 * the training windows only: leakage, save/load) and a stateless one's
 * save/load. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "feat_test_util.h"

/* included, not linked, like the other feature tests */
#include "window.c"

static const TdPluginDescriptor *
desc (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_assert_nonnull (d);
  g_assert_null (td_plugin_descriptor (1));
  g_assert_cmpstr (d->name, ==, "window");
  return d;
}

/* s0: 1..10; s1: 1..5 then padding; s2: 1 2 then padding; s3: 1..10 with
 * a NaN at t = 1. One step a minute. */
static TdDataset *
ramps (void)
{
  const char *ch[] = { "x", NULL };
  TdDataset *in = tu_dataset (4, 10, ch);
  in->lengths = g_new (guint32, 4);
  const guint32 len[4] = { 10, 5, 2, 10 };
  for (size_t s = 0; s < 4; s++)
    {
      in->lengths[s] = len[s];
      for (size_t t = 0; t < 10; t++)
        tu_set (in, s, t, 0, t < len[s] ? (float) (t + 1) : 1000.0f);
    }
  tu_set (in, 3, 1, 0, NAN);
  return in;
}

static void
test_last_minutes (void)
{
  g_autoptr (TdDataset) in = ramps ();
  const char *kv[] = { "sample_seconds=60", "last_minutes=3", "inner_params={stats: [mean, max]}",
                       NULL };
  g_autoptr (TdDataset) out = tu_run (desc (), kv, in, in, 1, NULL);
  g_assert_cmpuint (out->n_channels, ==, 2);
  g_assert_cmpstr (out->channel_names[0], ==, "x.mean.last_3min");
  g_assert_cmpstr (out->channel_names[1], ==, "x.max.last_3min");
  const double mean[4] = { 9, 4, 1.5, 9 }, max[4] = { 10, 5, 2, 10 };
  for (size_t s = 0; s < 4; s++)
    {
      tu_assert_close (tu_value (out, s, "x.mean.last_3min"), mean[s], 0, 0, "mean");
      tu_assert_close (tu_value (out, s, "x.max.last_3min"), max[s], 0, 0, "max");
    }
  /* the NaN at t = 1 of s3 is outside its last 3 minutes, inside the last 9 */
  const char *kv2[] = { "sample_seconds=60", "last_minutes=9", "inner_params={stats: [mean]}",
                        NULL };
  g_autoptr (TdDataset) o2 = tu_run (desc (), kv2, in, in, 1, NULL);
  tu_assert_close (tu_value (o2, 0, "x.mean.last_9min"), 6, 0, 0, "last 9 of 1..10");
  g_assert_true (isnan (tu_value (o2, 3, "x.mean.last_9min")));
}

static void
test_sliding (void)
{
  g_autoptr (TdDataset) in = ramps ();
  /* windows of 2 from the end: [9 10] [7 8] [5 6] [3 4] [1 2] */
  const char *kv[] = { "sample_seconds=60", "last_minutes=0", "window_minutes=2",
                       "inner_params={stats: [mean]}", NULL };
  g_autoptr (TdDataset) out = tu_run (desc (), kv, in, in, 1, NULL);
  g_assert_cmpuint (out->n_channels, ==, 2);
  g_assert_cmpstr (out->channel_names[0], ==, "x.mean.win_2min_max");
  g_assert_cmpstr (out->channel_names[1], ==, "x.mean.win_2min_mean");
  tu_assert_close (tu_value (out, 0, "x.mean.win_2min_max"), 9.5, 0, 0, "max of means");
  tu_assert_close (tu_value (out, 0, "x.mean.win_2min_mean"), 5.5, 0, 0, "mean of means");
  /* s1 (1..5): [4 5] [2 3]; the leftover 1 is in no window */
  tu_assert_close (tu_value (out, 1, "x.mean.win_2min_max"), 4.5, 0, 0, "s1 max");
  tu_assert_close (tu_value (out, 1, "x.mean.win_2min_mean"), 3.5, 0, 0, "s1 mean");
  /* s2 (1 2): exactly one window */
  tu_assert_close (tu_value (out, 2, "x.mean.win_2min_mean"), 1.5, 0, 0, "s2");
  /* s3: the NaN's window makes both aggregates NaN */
  g_assert_true (isnan (tu_value (out, 3, "x.mean.win_2min_max")));
  g_assert_true (isnan (tu_value (out, 3, "x.mean.win_2min_mean")));

  /* overlapping: stride 1 gives 9 windows [9 10] [8 9] ... [1 2]; max over
   * each is 10 .. 2, their mean 6 */
  const char *kv2[] = { "sample_seconds=60", "last_minutes=0", "window_minutes=2",
                        "stride_minutes=1", "inner_params={stats: [max]}", "aggregate=[mean]", NULL };
  g_autoptr (TdDataset) o2 = tu_run (desc (), kv2, in, in, 1, NULL);
  g_assert_cmpuint (o2->n_channels, ==, 1);
  tu_assert_close (tu_value (o2, 0, "x.max.win_2min_mean"), 6, 0, 0, "overlapping");

  /* within the last 6 minutes: [9 10] [7 8] [5 6] */
  const char *kv3[] = { "sample_seconds=60", "last_minutes=6", "window_minutes=2",
                        "inner_params={stats: [mean]}", NULL };
  g_autoptr (TdDataset) o3 = tu_run (desc (), kv3, in, in, 1, NULL);
  tu_assert_close (tu_value (o3, 0, "x.mean.last_6min_win_2min_mean"), 7.5, 0, 0, "last 6");
  /* a region shorter than the window is one window */
  const char *kv4[] = { "sample_seconds=60", "last_minutes=0", "window_minutes=20",
                        "inner_params={stats: [mean]}", NULL };
  g_autoptr (TdDataset) o4 = tu_run (desc (), kv4, in, in, 1, NULL);
  tu_assert_close (tu_value (o4, 0, "x.mean.win_20min_max"), 5.5, 0, 0, "short");
}

static void
test_inner_kinds (void)
{
  g_autoptr (TdDataset) full = tu_steel_like (12, 600, 9, TRUE);
  const char *inner[] = { "statistical", "stability", "duration", "interaction", "spectral" };
  for (size_t i = 0; i < G_N_ELEMENTS (inner); i++)
    {
      g_autofree char *kv0 = g_strdup_printf ("inner=%s", inner[i]);
      const char *kv[] = { kv0, "last_minutes=5", "window_minutes=1", NULL };
      g_autoptr (TdDataset) out = tu_run (desc (), kv, full, full, 2, NULL);
      g_assert_cmpuint (out->n_channels, >, 0);
      /* the same as running the inner directly on the last minute when that
       * is the only window */
      const char *kv1[] = { kv0, "last_minutes=1", NULL };
      g_autoptr (TdDataset) last = tu_run (desc (), kv1, full, full, 1, NULL);
      g_assert_true (g_str_has_suffix (last->channel_names[0], ".last_1min"));
    }
}

static void
test_inner_params_errors (void)
{
  g_autoptr (TdDataset) in = ramps ();
  const char *bad[][3] = {
    { "inner_params={nope: 1}", NULL, NULL },             /* no such parameter */
    { "inner_params={stats: [variance]}", NULL, NULL },   /* value refused by the spec */
    { "inner_params={stats: []}", NULL, NULL },           /* the inner's create refuses */
    { "last_minutes=0", NULL, NULL },                     /* no window at all */
    { "window_minutes=1", "aggregate=[]", NULL },         /* nothing to aggregate */
    { "inner=duration", "inner_params={band: fixed}", NULL },   /* the inner's own check */
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (TdDataset) o = tu_try_run (desc (), bad[i], in, in, 1, &error);
      g_assert_null (o);
      g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
    }
}

/* A stateful inner is fitted on the training windows only. */
static void
test_leakage_stateful_inner (void)
{
  g_autoptr (TdDataset) full = tu_steel_like (40, 300, 8, TRUE);
  const char *kv[] = { "inner=duration", "last_minutes=3", "window_minutes=1",
                       "stride_minutes=0.5", "inner_params={min_run_seconds: 5, band: sd}", NULL };
  tu_check_leakage (desc (), kv, full);
  const char *kv2[] = { "inner=stability", "last_minutes=2", NULL };
  tu_check_leakage (desc (), kv2, full);
}

static void
test_stateless_save_load (void)
{
  g_autoptr (TdDataset) in = ramps ();
  const TdFeatureVTable *vt = desc ()->vtable;
  const char *kv[] = { "sample_seconds=60", "last_minutes=3", NULL };
  g_autoptr (TdParams) p = tu_params (desc (), kv);
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (GError) error = NULL;
  TdFeature *f = vt->create (p, ctx, &error);
  g_assert_no_error (error);
  g_assert_true (vt->fit (f, in, ctx, &error));
  g_autoptr (TdDataset) a = vt->transform (f, in, ctx, &error);
  char *path = tu_temp_path ("window-state");
  g_assert_true (vt->save (f, path, &error));
  g_assert_no_error (error);
  vt->destroy (f);
  f = vt->load (p, path, ctx, &error);
  g_assert_no_error (error);
  g_autoptr (TdDataset) b = vt->transform (f, in, ctx, &error);
  g_assert_no_error (error);
  tu_assert_same (a, b);
  vt->destroy (f);
  /* a state saved for another inner is refused */
  const char *kv2[] = { "sample_seconds=60", "last_minutes=3", "inner=spectral", NULL };
  g_autoptr (TdParams) p2 = tu_params (desc (), kv2);
  f = vt->load (p2, path, ctx, &error);
  g_assert_null (f);
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO);
  tu_temp_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/window/last-minutes", test_last_minutes);
  g_test_add_func ("/window/sliding", test_sliding);
  g_test_add_func ("/window/inner-kinds", test_inner_kinds);
  g_test_add_func ("/window/inner-params-errors", test_inner_params_errors);
  g_test_add_func ("/window/leakage-stateful-inner", test_leakage_stateful_inner);
  g_test_add_func ("/window/stateless-save-load", test_stateless_save_load);
  return g_test_run ();
}
