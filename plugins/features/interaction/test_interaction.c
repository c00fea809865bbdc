/* Tests of the interaction feature: known answers (proportional and opposed
 * channels, a constant, co-occurrence, NaN, padding), pair resolution ("auto",
 * "all", missing channels, duplicates, bad syntax), the peer script's six
 * interaction features (tests/golden/features), leakage, save/load and
 * thread independence. */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "feat_test_util.h"

/* included, not linked, to reach the fitted state */
#include "interaction.c"

static const TdPluginDescriptor *
desc (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_assert_nonnull (d);
  g_assert_null (td_plugin_descriptor (1));
  g_assert_cmpstr (d->name, ==, "interaction");
  g_assert_true (d == feat_interaction_descriptor ());
  return d;
}

static void
test_known_answers (void)
{
  const char *ch[] = { "a", "b", "c", NULL };
  g_autoptr (TdDataset) in = tu_dataset (4, 5, ch);
  /* s0: b = 2a, c = 10 - a; s1: c constant; s2: NaN in b; s3: length 4 */
  const double a[5] = { 1, 2, 3, 4, 5 }, b[5] = { 2, 4, 6, 8, 10 }, c[5] = { 9, 8, 7, 6, 5 };
  const double k[5] = { 3, 3, 3, 3, 3 }, bn[5] = { 2, NAN, 6, 8, 10 };
  for (size_t s = 0; s < 4; s++)
    {
      tu_set_channel (in, s, 0, a, 5);
      tu_set_channel (in, s, 1, s == 2 ? bn : b, 5);
      tu_set_channel (in, s, 2, s == 1 ? k : c, 5);
    }
  tu_set (in, 3, 4, 0, 1000.0f);    /* padding: excluded */
  in->lengths = g_new (guint32, 4);
  for (size_t s = 0; s < 4; s++)
    in->lengths[s] = s == 3 ? 4 : 5;

  /* band fixed: a [0, 3.5], b [5, 100], c [0, 100] */
  const char *kv[] = { "ratio_pairs=[a:b, c:a:min]", "product_pairs=[a:b]",
                       "deviation_pairs=[a:c]", "corr_pairs=[all]",
                       "cooccur_pairs=[a.high:b.low, a.low:b.high]", "band=fixed",
                       "band_low=[0, 5, 0]", "band_high=[3.5, 100, 100]", NULL };
  g_autoptr (TdDataset) out = tu_run (desc (), kv, in, in, 1, NULL);
  const char *names[] = {
    "ratio_of_means.a.b", "ratio_mean.a.b", "ratio_max.a.b", "ratio_min.c.a",
    "product_mean.a.b", "absdev_product_mean.a.c", "corr.a.b", "corr.a.c", "corr.b.c",
    "cooccur_seconds.a_high.b_low", "cooccur_seconds.a_low.b_high",
  };
  g_assert_cmpuint (out->n_channels, ==, G_N_ELEMENTS (names));
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (out->channel_names[i], ==, names[i]);

  /* s0 */
  tu_assert_close (tu_value (out, 0, "ratio_of_means.a.b"), 0.5, 0, 0, "of means");
  tu_assert_close (tu_value (out, 0, "ratio_mean.a.b"), 0.5, 0, 0, "mean");
  tu_assert_close (tu_value (out, 0, "ratio_max.a.b"), 0.5, 0, 0, "max");
  tu_assert_close (tu_value (out, 0, "ratio_min.c.a"), 1.0, 0, 0, "min c/a = 5/5");
  tu_assert_close (tu_value (out, 0, "product_mean.a.b"), (2 + 8 + 18 + 32 + 50) / 5.0, 1e-7, 0,
                   "product");
  /* center of a = 1.75: |a - 1.75| = .75 .25 1.25 2.25 3.25 times c = 9 8 7 6 5 */
  tu_assert_close (tu_value (out, 0, "absdev_product_mean.a.c"),
                   (0.75 * 9 + 0.25 * 8 + 1.25 * 7 + 2.25 * 6 + 3.25 * 5) / 5, 1e-7, 0, "absdev");
  tu_assert_close (tu_value (out, 0, "corr.a.b"), 1, 1e-7, 0, "corr +1");
  tu_assert_close (tu_value (out, 0, "corr.a.c"), -1, 1e-7, 0, "corr -1");
  /* a > 3.5 at a = 4, 5 while b = 8, 10 are not below 5: no co-occurrence;
   * a < 0 never */
  tu_assert_close (tu_value (out, 0, "cooccur_seconds.a_high.b_low"), 0, 0, 0, "cooccur");
  /* s1: c constant -> correlations with c NaN, the others fine */
  g_assert_true (isnan (tu_value (out, 1, "corr.a.c")));
  g_assert_true (isnan (tu_value (out, 1, "corr.b.c")));
  tu_assert_close (tu_value (out, 1, "corr.a.b"), 1, 1e-7, 0, "corr s1");
  /* s2: NaN in b -> every column reading b is NaN, the others not */
  g_assert_true (isnan (tu_value (out, 2, "ratio_mean.a.b")));
  g_assert_true (isnan (tu_value (out, 2, "corr.b.c")));
  g_assert_true (isnan (tu_value (out, 2, "cooccur_seconds.a_high.b_low")));
  tu_assert_close (tu_value (out, 2, "corr.a.c"), -1, 1e-7, 0, "corr s2");
  /* s3: length 4, the padded 1000 is excluded */
  tu_assert_close (tu_value (out, 3, "ratio_of_means.a.b"), 0.5, 0, 0, "padding");
  tu_assert_close (tu_value (out, 3, "product_mean.a.b"), (2 + 8 + 18 + 32) / 4.0, 1e-7, 0,
                   "padding product");
}

static void
test_cooccurrence (void)
{
  const char *ch[] = { "casting_speed", "superheat", NULL };
  g_autoptr (TdDataset) in = tu_dataset (1, 10, ch);
  const double sp[10] = { 1.2, 1.6, 1.6, 1.6, 1.6, 1.2, 1.6, 1.2, 1.2, 1.2 };
  const double sh[10] = { 25, 25, 16, 16, 16, 16, 16, 25, 25, 25 };
  tu_set_channel (in, 0, 0, sp, 10);
  tu_set_channel (in, 0, 1, sh, 10);
  /* both high speed and low superheat at t = 2, 3, 4, 6: 4 steps, 2 s each */
  const char *kv[] = { "band=fixed", "band_low=[1.0, 18]", "band_high=[1.5, 35]",
                       "sample_seconds=2", NULL };
  g_autoptr (TdDataset) out = tu_run (desc (), kv, in, in, 1, NULL);
  /* defaults: auto ratios (3), auto product, corr all (1), auto cooccur */
  const char *names[] = {
    "ratio_of_means.casting_speed.superheat", "ratio_mean.casting_speed.superheat",
    "ratio_max.casting_speed.superheat", "product_mean.casting_speed.superheat",
    "corr.casting_speed.superheat", "cooccur_seconds.casting_speed_high.superheat_low",
  };
  g_assert_cmpuint (out->n_channels, ==, G_N_ELEMENTS (names));
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (out->channel_names[i], ==, names[i]);
  tu_assert_close (tu_value (out, 0, names[5]), 8, 0, 0, "co-occurrence seconds");
  tu_assert_close (tu_value (out, 0, names[2]), 1.6 / 16, 1e-7, 0, "max speed/superheat");
}

static void
test_resolution_errors (void)
{
  const char *ch[] = { "a", "b", NULL };
  g_autoptr (TdDataset) in = tu_dataset (2, 4, ch);
  for (size_t s = 0; s < 2; s++)
    for (size_t t = 0; t < 4; t++)
      {
        tu_set (in, s, t, 0, (float) t);
        tu_set (in, s, t, 1, (float) (t * t));
      }
  const char *bad[][2] = {
    { "corr_pairs=[a:zz]", NULL },                /* no such channel */
    { "corr_pairs=[a:b, a:b]", NULL },            /* twice */
    { "corr_pairs=[a]", NULL },                   /* syntax */
    { "ratio_pairs=[a:b:median]", NULL },         /* unknown ratio statistic */
    { "cooccur_pairs=[a.up:b.low]", NULL },       /* unknown side */
    { "cooccur_pairs=[a:b]", NULL },              /* sides missing */
    { "corr_pairs=[]", NULL },                    /* nothing left for these channels */
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (TdDataset) o = tu_try_run (desc (), bad[i], in, in, 1, &error);
      g_assert_null (o);
      g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
    }
  /* generic data, defaults: auto pairs vanish, corr all stays */
  g_autoptr (TdDataset) o = tu_run (desc (), NULL, in, in, 1, NULL);
  g_assert_cmpuint (o->n_channels, ==, 1);
  g_assert_cmpstr (o->channel_names[0], ==, "corr.a.b");
}

static char *
peer_band (const char *which)
{
  const double base[5] = { 1.2, 1520.0, 150.0, 200.0, 25.0 }, sd[5] = { 0.05, 10, 5, 15, 3 };
  double sign = g_str_equal (which, "band_low") ? -1 : 1;
  GString *s = g_string_new (which);
  g_string_append (s, "=[");
  for (int c = 0; c < 5; c++)
    g_string_append_printf (s, "%s%.17g", c ? ", " : "", base[c] + sign * 2 * sd[c]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

/* The peer's six: mean(speed·superheat), max(speed/superheat),
 * mean(temp/flow), mean(|level - 150|·speed), corr(speed, superheat),
 * corr(temp, flow). In double to 1e-9 relative; the constant flow channel
 * of the last cast makes corr(temp, flow) NaN there, as numpy. */
static void
test_golden_peer (void)
{
  g_autoptr (TdDataset) in = tu_golden_casts (FEATURES_GOLDEN_DIR);
  g_autofree char *path = g_build_filename (FEATURES_GOLDEN_DIR, "expected_peer56.csv", NULL);
  g_autoptr (TuCsv) peer = tu_csv_read (path);
  g_autofree char *lo = peer_band ("band_low");
  g_autofree char *hi = peer_band ("band_high");
  const char *kv[] = {
    "ratio_pairs=[casting_speed:superheat:max, mold_temperature:cooling_water_flow:mean]",
    "product_pairs=[casting_speed:superheat]", "deviation_pairs=[mold_level:casting_speed]",
    "corr_pairs=[casting_speed:superheat, mold_temperature:cooling_water_flow]",
    "cooccur_pairs=[]", "band=fixed", lo, hi, NULL,
  };
  TdFeature *f = NULL;
  g_autoptr (TdDataset) out = tu_run (desc (), kv, in, in, 2, &f);
  g_assert_cmpuint (out->n_channels, ==, 6);
  const char *pairs[][2] = {
    { "speed_x_superheat_mean", "product_mean.casting_speed.superheat" },
    { "speed_over_superheat_max", "ratio_max.casting_speed.superheat" },
    { "temp_over_flow_mean", "ratio_mean.mold_temperature.cooling_water_flow" },
    { "leveldev_x_speed_mean", "absdev_product_mean.mold_level.casting_speed" },
    { "corr_speed_superheat", "corr.casting_speed.superheat" },
    { "corr_temp_flow", "corr.mold_temperature.cooling_water_flow" },
  };
  g_assert_cmpfloat (f->center[2], ==, 150.0);

  /* the float32 output ... */
  for (size_t s = 0; s < in->n_series; s++)
    for (size_t i = 0; i < G_N_ELEMENTS (pairs); i++)
      {
        gssize j = tu_csv_column (peer, pairs[i][0]);
        g_assert_cmpint (j, >=, 0);
        double expect = (float) peer->v[s * peer->n_cols + (size_t) j];
        tu_assert_close (tu_value (out, s, pairs[i][1]), expect, 0, 0, pairs[i][0]);
      }

  /* ... and the double values before it, to 1e-9 relative */
  size_t T = in->n_steps, C = in->n_channels;
  g_autofree float *v = g_new (float, T * C);
  g_autofree double *r = g_new (double, T);
  for (size_t s = 0; s < in->n_series; s++)
    {
      float *ch[5];
      for (size_t c = 0; c < C; c++)
        {
          ch[c] = v + c * T;
          for (size_t t = 0; t < T; t++)
            ch[c][t] = td_dataset_series (in, s)[t * C + c];
        }
      double mean_sp = mean_of (ch[0], T), mean_sh = mean_of (ch[4], T);
      double mean_te = mean_of (ch[1], T), mean_fl = mean_of (ch[3], T), rmean, rmax, rmin;
      double got[6];
      got[0] = product_mean (ch[0], ch[4], T);
      ratio_stats (ch[0], ch[4], T, r, &rmean, &rmax, &rmin);
      got[1] = rmax;
      ratio_stats (ch[1], ch[3], T, r, &rmean, &rmax, &rmin);
      got[2] = rmean;
      got[3] = absdev_product_mean (ch[2], f->center[2], ch[0], T);
      got[4] = pearson (ch[0], mean_sp, ch[4], mean_sh, T);
      got[5] = pearson (ch[1], mean_te, ch[3], mean_fl, T);
      for (size_t i = 0; i < 6; i++)
        {
          gssize j = tu_csv_column (peer, pairs[i][0]);
          tu_assert_close (got[i], peer->v[s * peer->n_cols + (size_t) j], 1e-9, 0, pairs[i][0]);
        }
    }
  g_assert_true (isnan (tu_value (out, in->n_series - 1, "corr.mold_temperature.cooling_water_flow")));
  interaction_destroy (f);
}

static void
test_leakage_and_persistence (void)
{
  g_autoptr (TdDataset) full = tu_steel_like (40, 300, 7, TRUE);
  /* the defaults use the band (deviation, co-occurrence) */
  tu_check_leakage (desc (), NULL, full);
  const char *kv[] = { "band=quantile", "band_quantiles=[0.05, 0.95]",
                       "cooccur_pairs=[mold_level.high:cooling_water_flow.low]", NULL };
  tu_check_leakage (desc (), kv, full);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/interaction/known-answers", test_known_answers);
  g_test_add_func ("/interaction/cooccurrence", test_cooccurrence);
  g_test_add_func ("/interaction/resolution-errors", test_resolution_errors);
  g_test_add_func ("/interaction/golden-peer", test_golden_peer);
  g_test_add_func ("/interaction/leakage-and-persistence", test_leakage_and_persistence);
  return g_test_run ();
}
