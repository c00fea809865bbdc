/* Tests of the spectral feature: sines of known frequency and amplitude
 * (even and odd lengths, the Nyquist frequency, two tones), Parseval's
 * identity, relative powers, the sample rate, a constant, NaN, short series,
 * names, bad bands and thread independence. */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "feat_test_util.h"

/* included, not linked, like the other feature tests */
#include "spectral.c"

static const TdPluginDescriptor *
desc (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_assert_nonnull (d);
  g_assert_null (td_plugin_descriptor (1));
  g_assert_cmpstr (d->name, ==, "spectral");
  g_assert_true (d == feat_spectral_descriptor ());
  return d;
}

static void
sine (double *v, size_t n, double amp, double cycles, double phase)
{
  for (size_t t = 0; t < n; t++)
    v[t] += amp * sin (2 * G_PI * cycles * (double) t / (double) n + phase);
}

static void
test_known_answers (void)
{
  const char *ch[] = { "x", NULL };
  const size_t T = 100;
  g_autoptr (TdDataset) in = tu_dataset (7, T, ch);
  in->lengths = g_new (guint32, 7);
  double v[100];
  /* s0: 3 + 2 sin at k = 5 (0.05 Hz) */
  memset (v, 0, sizeof v);
  for (size_t t = 0; t < T; t++)
    v[t] = 3.0;
  sine (v, T, 2.0, 5, 0.3);
  tu_set_channel (in, 0, 0, v, T);
  /* s1: alternating ±1, all power at Nyquist */
  for (size_t t = 0; t < T; t++)
    v[t] = t % 2 ? -1.0 : 1.0;
  tu_set_channel (in, 1, 0, v, T);
  /* s2: two tones, 1.5 at k = 2 (0.02 Hz) and 0.5 at k = 20 (0.2 Hz) */
  memset (v, 0, sizeof v);
  sine (v, T, 1.5, 2, 0.0);
  sine (v, T, 0.5, 20, 1.0);
  tu_set_channel (in, 2, 0, v, T);
  /* s3: odd length 99, a sine at k = 3 */
  memset (v, 0, sizeof v);
  sine (v, 99, 1.0, 3, 0.0);
  tu_set_channel (in, 3, 0, v, 99);
  /* s4: constant; s5: NaN; s6: one value */
  for (size_t t = 0; t < T; t++)
    v[t] = 7.0;
  tu_set_channel (in, 4, 0, v, T);
  tu_set_channel (in, 6, 0, v, T);
  v[10] = NAN;
  tu_set_channel (in, 5, 0, v, T);
  for (size_t s = 0; s < 7; s++)
    in->lengths[s] = s == 3 ? 99 : s == 6 ? 1 : 100;

  g_autoptr (TdDataset) out = tu_run (desc (), NULL, in, in, 1, NULL);
  const char *names[] = { "x.band_power_0_0p001hz", "x.band_power_0p001_0p01hz",
                          "x.band_power_0p01_0p05hz", "x.band_power_0p05_0p1hz",
                          "x.band_power_0p1_0p5hz", "x.dominant_frequency_hz" };
  g_assert_cmpuint (out->n_channels, ==, 6);
  for (size_t k = 0; k < 6; k++)
    g_assert_cmpstr (out->channel_names[k], ==, names[k]);

  const double e0[6] = { 0, 0, 0, 2.0, 0, 0.05 };           /* A^2 / 2 = 2 */
  const double e1[6] = { 0, 0, 0, 0, 1.0, 0.5 };            /* Nyquist, last band closed */
  const double e2[6] = { 0, 0, 1.125, 0, 0.125, 0.02 };
  const double e3[6] = { 0, 0, 0.5, 0, 0, 3.0 / 99 };       /* 3/99 Hz in [0.01, 0.05) */
  for (size_t k = 0; k < 6; k++)
    {
      tu_assert_close (td_dataset_series (out, 0)[k], e0[k], 1e-5, 1e-6, names[k]);
      tu_assert_close (td_dataset_series (out, 1)[k], e1[k], 1e-5, 1e-6, names[k]);
      tu_assert_close (td_dataset_series (out, 2)[k], e2[k], 1e-5, 1e-6, names[k]);
      tu_assert_close (td_dataset_series (out, 3)[k], e3[k], 1e-5, 1e-6, names[k]);
      if (k < 5)
        tu_assert_close (td_dataset_series (out, 4)[k], 0, 0, 0, "constant");
      g_assert_true (isnan (td_dataset_series (out, 5)[k]));
      g_assert_true (isnan (td_dataset_series (out, 6)[k]));
    }
  g_assert_true (isnan (tu_value (out, 4, "x.dominant_frequency_hz")));

  /* relative powers */
  const char *kv[] = { "relative=true", NULL };
  g_autoptr (TdDataset) rel = tu_run (desc (), kv, in, in, 1, NULL);
  tu_assert_close (tu_value (rel, 2, "x.band_power_0p01_0p05hz"), 0.9, 1e-5, 0, "relative");
  tu_assert_close (tu_value (rel, 2, "x.band_power_0p1_0p5hz"), 0.1, 1e-5, 0, "relative");
  g_assert_true (isnan (tu_value (rel, 4, "x.band_power_0p01_0p05hz")));   /* 0 / 0 */
}

/* Bands covering [0, Nyquist] sum to the population variance (Parseval). */
static void
test_parseval_random (void)
{
  const char *ch[] = { "x", "y", NULL };
  g_autoptr (TdDataset) ds = tu_dataset (30, 517, ch);
  ds->lengths = g_new (guint32, 30);
  g_autoptr (GRand) r = g_rand_new_with_seed (3);
  for (size_t s = 0; s < 30; s++)
    {
      ds->lengths[s] = (guint32) (300 + 7 * s);
      for (size_t t = 0; t < 517; t++)
        for (size_t c = 0; c < 2; c++)
          tu_set (ds, s, t, c, (float) g_rand_double_range (r, -3, 5));
    }
  const char *kv[] = { "bands=[0, 0.05, 0.2, 0.5]", NULL };
  g_autoptr (TdDataset) out = tu_run (desc (), kv, ds, ds, 1, NULL);
  for (size_t s = 0; s < 30; s++)
    for (size_t c = 0; c < 2; c++)
      {
        size_t n = ds->lengths[s];
        double sum = 0, ss = 0;
        for (size_t t = 0; t < n; t++)
          sum += td_dataset_series (ds, s)[t * 2 + c];
        double mean = sum / (double) n;
        for (size_t t = 0; t < n; t++)
          {
            double d = td_dataset_series (ds, s)[t * 2 + c] - mean;
            ss += d * d;
          }
        const float *row = td_dataset_series (out, s) + c * 4;
        tu_assert_close ((double) row[0] + row[1] + row[2], ss / (double) n, 1e-5, 0, "Parseval");
      }
  /* 1, 2 and 3 threads: the same bytes (large enough to use them) */
  g_autoptr (TdDataset) big = tu_steel_like (60, 1500, 4, TRUE);
  g_autoptr (TdDataset) b1 = tu_run (desc (), NULL, big, big, 1, NULL);
  g_autoptr (TdDataset) b2 = tu_run (desc (), NULL, big, big, 2, NULL);
  g_autoptr (TdDataset) b3 = tu_run (desc (), NULL, big, big, 3, NULL);
  tu_assert_same (b1, b2);
  tu_assert_same (b1, b3);
}

static void
test_sample_rate (void)
{
  const char *ch[] = { "x", NULL };
  g_autoptr (TdDataset) in = tu_dataset (1, 100, ch);
  double v[100] = { 0 };
  sine (v, 100, 1.0, 5, 0.0);     /* 5 cycles in 100 samples at 10 Hz: 0.5 Hz */
  tu_set_channel (in, 0, 0, v, 100);
  const char *kv[] = { "sample_rate_hz=10", "bands=[0, 1, 5]", NULL };
  g_autoptr (TdDataset) out = tu_run (desc (), kv, in, in, 1, NULL);
  tu_assert_close (tu_value (out, 0, "x.band_power_0_1hz"), 0.5, 1e-5, 0, "0-1 Hz");
  tu_assert_close (tu_value (out, 0, "x.band_power_1_5hz"), 0, 0, 1e-6, "1-5 Hz");
  tu_assert_close (tu_value (out, 0, "x.dominant_frequency_hz"), 0.5, 1e-6, 0, "dominant");
}

static void
test_bad_bands (void)
{
  const char *ch[] = { "x", NULL };
  g_autoptr (TdDataset) in = tu_dataset (1, 10, ch);
  const char *bad[] = { "bands=[0.1]", "bands=[0, 0.2, 0.2]", "bands=[0.3, 0.1]" };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      const char *kv[] = { bad[i], NULL };
      g_autoptr (TdDataset) o = tu_try_run (desc (), kv, in, in, 1, &error);
      g_assert_null (o);
      g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/spectral/known-answers", test_known_answers);
  g_test_add_func ("/spectral/parseval-and-threads", test_parseval_random);
  g_test_add_func ("/spectral/sample-rate", test_sample_rate);
  g_test_add_func ("/spectral/bad-bands", test_bad_bands);
  return g_test_run ();
}
