/* Tests of the duration feature: known answers on hand-made series (runs
 * above and below, a step, a constant, NaN, padding, sample_seconds and
 * min_run_seconds), the peer script's secs_high, secs_low and max_run_out
 * (tests/golden/features), leakage, save/load and thread independence. */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "feat_test_util.h"

/* included, not linked, to reach the fitted state */
#include "duration.c"

static const TdPluginDescriptor *
desc (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_assert_nonnull (d);
  g_assert_null (td_plugin_descriptor (1));
  g_assert_cmpstr (d->name, ==, "duration");
  g_assert_true (d == feat_duration_descriptor ());
  return d;
}

static void
test_known_answers (void)
{
  const char *ch[] = { "x", NULL };
  g_autoptr (TdDataset) in = tu_dataset (5, 12, ch);
  /* band [-1, 1] */
  const double runs[12] = { 0, 0, 2, 2, 2, 0, -3, -3, 0, 2, 0, 0 };
  const double step[12] = { 0, 0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 5 };
  const double flat[12] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };   /* on the limit: inside */
  const double holed[12] = { 0, 0, 0, NAN, 0, 0, 0, 0, 0, 0, 0, 0 };
  const double cross[12] = { 2, 2, -2, -2, 0, 0, 0, 0, 0, 0, 0, 0 };
  tu_set_channel (in, 0, 0, runs, 12);
  tu_set_channel (in, 1, 0, step, 12);
  tu_set_channel (in, 2, 0, flat, 12);
  tu_set_channel (in, 3, 0, holed, 12);
  tu_set_channel (in, 4, 0, cross, 12);
  in->lengths = g_new (guint32, 5);
  for (size_t s = 0; s < 5; s++)
    in->lengths[s] = s == 1 ? 8 : 12;    /* the step's padding (5 5 5 5) is excluded */

  const char *kv[] = { "band=fixed", "band_low=[-1]", "band_high=[1]", "min_run_seconds=2",
                       NULL };
  g_autoptr (TdDataset) out = tu_run (desc (), kv, in, in, 1, NULL);
  const char *names[] = { "x.seconds_above", "x.seconds_below", "x.longest_run_outside",
                          "x.long_runs_outside" };
  for (size_t k = 0; k < 4; k++)
    g_assert_cmpstr (out->channel_names[k], ==, names[k]);

  /* runs: above 2 2 2 | 2 (4 s), below -3 -3 (2 s), runs of 3, 2, 1 */
  const double e0[4] = { 4, 2, 3, 2 };
  const double e1[4] = { 2, 0, 2, 1 };     /* length 8: 5 5 at t = 6, 7 */
  const double e2[4] = { 0, 0, 0, 0 };
  const double e4[4] = { 2, 2, 4, 1 };     /* above then straight below: one run of 4 */
  for (size_t k = 0; k < 4; k++)
    {
      tu_assert_close (td_dataset_series (out, 0)[k], e0[k], 0, 0, names[k]);
      tu_assert_close (td_dataset_series (out, 1)[k], e1[k], 0, 0, names[k]);
      tu_assert_close (td_dataset_series (out, 2)[k], e2[k], 0, 0, names[k]);
      g_assert_true (isnan (td_dataset_series (out, 3)[k]));
      tu_assert_close (td_dataset_series (out, 4)[k], e4[k], 0, 0, names[k]);
    }

  /* at 2 Hz (0.5 s a step), runs of at least 1.5 s = 3 steps */
  const char *kv2[] = { "band=fixed", "band_low=[-1]", "band_high=[1]", "sample_seconds=0.5",
                        "min_run_seconds=1.5", NULL };
  g_autoptr (TdDataset) o2 = tu_run (desc (), kv2, in, in, 1, NULL);
  tu_assert_close (tu_value (o2, 0, "x.seconds_above"), 2, 0, 0, "above at 2 Hz");
  tu_assert_close (tu_value (o2, 0, "x.seconds_below"), 1, 0, 0, "below at 2 Hz");
  tu_assert_close (tu_value (o2, 0, "x.longest_run_outside"), 1.5, 0, 0, "longest at 2 Hz");
  tu_assert_close (tu_value (o2, 0, "x.long_runs_outside"), 1, 0, 0, "long runs at 2 Hz");

  /* the default min_run_seconds is 30: none of these runs is long */
  const char *kv3[] = { "band=fixed", "band_low=[-1]", "band_high=[1]",
                        "features=[long_runs_outside, seconds_above]", NULL };
  g_autoptr (TdDataset) o3 = tu_run (desc (), kv3, in, in, 1, NULL);
  g_assert_cmpuint (o3->n_channels, ==, 2);
  g_assert_cmpstr (o3->channel_names[0], ==, "x.seconds_above");   /* canonical order */
  tu_assert_close (tu_value (o3, 0, "x.long_runs_outside"), 0, 0, 0, "default 30 s");
}

/* A 40 s excursion at 1 Hz is one long run; a 29 s one is not. */
static void
test_thirty_seconds (void)
{
  const char *ch[] = { "level", NULL };
  g_autoptr (TdDataset) in = tu_dataset (2, 200, ch);
  for (size_t t = 0; t < 200; t++)
    {
      tu_set (in, 0, t, 0, t >= 50 && t < 90 ? 170.0f : 150.0f);
      tu_set (in, 1, t, 0, t >= 50 && t < 79 ? 130.0f : 150.0f);
    }
  const char *kv[] = { "band=fixed", "band_low=[135]", "band_high=[165]", NULL };
  g_autoptr (TdDataset) out = tu_run (desc (), kv, in, in, 1, NULL);
  tu_assert_close (tu_value (out, 0, "level.long_runs_outside"), 1, 0, 0, "40 s");
  tu_assert_close (tu_value (out, 0, "level.longest_run_outside"), 40, 0, 0, "40 s longest");
  tu_assert_close (tu_value (out, 1, "level.long_runs_outside"), 0, 0, 0, "29 s");
  tu_assert_close (tu_value (out, 1, "level.seconds_below"), 29, 0, 0, "29 s below");
}

static void
test_fitted_band (void)
{
  const char *ch[] = { "x", NULL };
  g_autoptr (TdDataset) train = tu_dataset (1, 9, ch);
  const double v[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  tu_set_channel (train, 0, 0, v, 9);
  TdFeature *f = NULL;
  g_autoptr (TdDataset) o = tu_run (desc (), (const char *[]) { "band_k=1", NULL }, train, train,
                                    1, &f);
  /* median 5 ± 1.4826 · 2: 1, 2 below (< 2.03), 8, 9 above */
  tu_assert_close (f->low[0], 5 - 2 * 1.482602218505602, 1e-15, 0, "low");
  tu_assert_close (tu_value (o, 0, "x.seconds_below"), 2, 0, 0, "below");
  tu_assert_close (tu_value (o, 0, "x.seconds_above"), 2, 0, 0, "above");
  duration_destroy (f);
}

static void
test_golden_peer (void)
{
  g_autoptr (TdDataset) in = tu_golden_casts (FEATURES_GOLDEN_DIR);
  g_autofree char *path = g_build_filename (FEATURES_GOLDEN_DIR, "expected_peer56.csv", NULL);
  g_autoptr (TuCsv) peer = tu_csv_read (path);
  const double base[5] = { 1.2, 1520.0, 150.0, 200.0, 25.0 }, sd[5] = { 0.05, 10, 5, 15, 3 };
  GString *lo = g_string_new ("band_low=["), *hi = g_string_new ("band_high=[");
  for (int c = 0; c < 5; c++)
    {
      g_string_append_printf (lo, "%s%.17g", c ? ", " : "", base[c] - 2 * sd[c]);
      g_string_append_printf (hi, "%s%.17g", c ? ", " : "", base[c] + 2 * sd[c]);
    }
  g_string_append_c (lo, ']');
  g_string_append_c (hi, ']');
  const char *kv[] = { "features=[seconds_above, seconds_below, longest_run_outside]",
                       "band=fixed", lo->str, hi->str, NULL };
  g_autoptr (TdDataset) out = tu_run (desc (), kv, in, in, 2, NULL);
  g_string_free (lo, TRUE);
  g_string_free (hi, TRUE);
  const char *peer_names[] = { "secs_high", "secs_low", "max_run_out" };
  const char *mine[] = { "seconds_above", "seconds_below", "longest_run_outside" };
  double total = 0;
  for (size_t s = 0; s < in->n_series; s++)
    for (size_t c = 0; c < 5; c++)
      for (int k = 0; k < 3; k++)
        {
          g_autofree char *col = g_strdup_printf ("%s__%s", in->channel_names[c], peer_names[k]);
          g_autofree char *name = g_strdup_printf ("%s.%s", in->channel_names[c], mine[k]);
          gssize j = tu_csv_column (peer, col);
          g_assert_cmpint (j, >=, 0);
          double expect = peer->v[s * peer->n_cols + (size_t) j];
          tu_assert_close (tu_value (out, s, name), expect, 0, 0, col);
          total += expect;
        }
  g_assert_cmpfloat (total, >, 100);    /* the golden data do leave the band */
}

static void
test_leakage_and_persistence (void)
{
  g_autoptr (TdDataset) full = tu_steel_like (40, 300, 6, TRUE);
  tu_check_leakage (desc (), NULL, full);
  const char *kv[] = { "band=sd", "band_k=1.5", "min_run_seconds=5", NULL };
  tu_check_leakage (desc (), kv, full);
}

/* The float thresholds answer exactly as the double limits, for floats next
 * to the limit, infinities, NaN, limits beyond the float range. */
static void
test_float_thresholds (void)
{
  g_autoptr (GRand) r = g_rand_new_with_seed (11);
  const double special[] = { 0.0, -0.0, 1.1, 1.3, 1e-45, -1e-45, 1e300, -1e300, INFINITY,
                             -INFINITY, 3.4028234663852886e38, 16777217.0 };
  for (size_t i = 0; i < 2000 + G_N_ELEMENTS (special); i++)
    {
      double lim = i < G_N_ELEMENTS (special) ? special[i]
                 : g_rand_double_range (r, -1e3, 1e3) * pow (10, g_rand_int_range (r, -8, 9));
      float above = feat_float_above (lim), below = feat_float_below (lim);
      float x0 = (float) lim;
      float probes[] = { x0, nextafterf (x0, INFINITY), nextafterf (x0, -INFINITY),
                         nextafterf (nextafterf (x0, INFINITY), INFINITY), INFINITY, -INFINITY,
                         NAN, 0.0f, -0.0f };
      for (size_t k = 0; k < G_N_ELEMENTS (probes); k++)
        {
          float x = probes[k];
          g_assert_cmpint (x > lim, ==, x > above);
          g_assert_cmpint (x < lim, ==, x < below);
        }
    }
}

static void
test_errors (void)
{
  g_autoptr (GError) error = NULL;
  const char *ch[] = { "x", NULL };
  g_autoptr (TdDataset) in = tu_dataset (2, 4, ch);
  const char *kv[] = { "band=fixed", NULL };    /* no limits given */
  g_autoptr (TdDataset) o = tu_try_run (desc (), kv, in, in, 1, &error);
  g_assert_null (o);
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  const char *kv2[] = { "features=[]", NULL };
  o = tu_try_run (desc (), kv2, in, in, 1, &error);
  g_assert_null (o);
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  in->lengths = g_new (guint32, 2);
  in->lengths[0] = 5;
  in->lengths[1] = 1;
  o = tu_try_run (desc (), NULL, in, in, 1, &error);
  g_assert_null (o);
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/duration/known-answers", test_known_answers);
  g_test_add_func ("/duration/thirty-seconds", test_thirty_seconds);
  g_test_add_func ("/duration/fitted-band", test_fitted_band);
  g_test_add_func ("/duration/golden-peer", test_golden_peer);
  g_test_add_func ("/duration/leakage-and-persistence", test_leakage_and_persistence);
  g_test_add_func ("/duration/float-thresholds", test_float_thresholds);
  g_test_add_func ("/duration/errors", test_errors);
  return g_test_run ();
}
