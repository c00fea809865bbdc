/* Tests of the stability feature: known answers on hand-made series (a step,
 * a spike train, a constant, NaN, one value, padding), the fitted spike scale
 * and band, the peer script's spike and excursion counts
 * (tests/golden/features), leakage, save/load and thread independence. */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "feat_test_util.h"

/* included, not linked, to reach the fitted state */
#include "stability.c"

static const TdPluginDescriptor *
desc (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_assert_nonnull (d);
  g_assert_null (td_plugin_descriptor (1));
  g_assert_cmpstr (d->name, ==, "stability");
  g_assert_true (d == feat_stability_descriptor ());
  return d;
}

/* train: x = 0 1 0 1 ... 0 (11 steps: five dx = +1, five -1, so the
 * median of dx is 0, the MAD 1 and the scale 1.4826). */
static TdDataset *
alternating_train (void)
{
  const char *ch[] = { "x", NULL };
  TdDataset *tr = tu_dataset (2, 11, ch);
  for (size_t s = 0; s < 2; s++)
    for (size_t t = 0; t < 11; t++)
      tu_set (tr, s, t, 0, (float) (t % 2));
  return tr;
}

static void
test_known_answers (void)
{
  g_autoptr (TdDataset) train = alternating_train ();
  const char *ch[] = { "x", NULL };
  g_autoptr (TdDataset) in = tu_dataset (6, 8, ch);
  const double step[8] = { 0, 0, 0, 0, 10, 10, 10, 10 };
  const double spikes[8] = { 0, 0, 5, 0, 0, 5, 0, 0 };
  const double flat[8] = { 2, 2, 2, 2, 2, 2, 2, 2 };
  const double holed[8] = { 0, 1, NAN, 0, 1, 0, 1, 0 };
  const double out_in_out[8] = { 6, 6, 0, 0, 7, 0, -2, -2 };
  tu_set_channel (in, 0, 0, step, 8);
  tu_set_channel (in, 1, 0, spikes, 8);
  tu_set_channel (in, 2, 0, flat, 8);
  tu_set_channel (in, 3, 0, holed, 8);
  tu_set_channel (in, 4, 0, out_in_out, 8);
  tu_set_channel (in, 5, 0, spikes, 8);
  in->lengths = g_new (guint32, 6);
  for (size_t s = 0; s < 6; s++)
    in->lengths[s] = s == 5 ? 1 : 8;
  /* padding beyond length 1 of series 5 holds a NaN: ignored */
  tu_set (in, 5, 3, 0, NAN);

  const char *kv[] = { "band=fixed", "band_low=[-1]", "band_high=[5]", NULL };
  TdFeature *f = NULL;
  g_autoptr (TdDataset) out = tu_run (desc (), kv, train, in, 1, &f);
  tu_assert_close (f->scale[0], 1.482602218505602, 1e-15, 0, "fitted scale");
  tu_assert_close (f->low[0], -1, 0, 0, "low");
  tu_assert_close (f->high[0], 5, 0, 0, "high");
  stability_destroy (f);

  const char *names[] = { "x.spike_count", "x.excursion_count", "x.mean_abs_derivative",
                          "x.sign_change_rate" };
  for (size_t k = 0; k < 4; k++)
    g_assert_cmpstr (out->channel_names[k], ==, names[k]);

  /* step: one jump of 10 > 3 · 1.4826; out of [-1, 5] from t = 4 on */
  tu_assert_close (tu_value (out, 0, "x.spike_count"), 1, 0, 0, "step spikes");
  tu_assert_close (tu_value (out, 0, "x.excursion_count"), 1, 0, 0, "step excursions");
  tu_assert_close (tu_value (out, 0, "x.mean_abs_derivative"), 10.0 / 7, 1e-7, 0, "step mad");
  tu_assert_close (tu_value (out, 0, "x.sign_change_rate"), 0, 0, 0, "step signs");
  /* spike train: dx = 0 5 -5 0 5 -5 0: four |dx| = 5 > 4.45, two flips / 6 */
  tu_assert_close (tu_value (out, 1, "x.spike_count"), 4, 0, 0, "train spikes");
  tu_assert_close (tu_value (out, 1, "x.excursion_count"), 0, 0, 0, "train excursions");
  tu_assert_close (tu_value (out, 1, "x.mean_abs_derivative"), 20.0 / 7, 1e-7, 0, "train mad");
  tu_assert_close (tu_value (out, 1, "x.sign_change_rate"), 2.0 / 6, 1e-7, 0, "train signs");
  /* constant */
  tu_assert_close (tu_value (out, 2, "x.spike_count"), 0, 0, 0, "flat spikes");
  tu_assert_close (tu_value (out, 2, "x.mean_abs_derivative"), 0, 0, 0, "flat mad");
  tu_assert_close (tu_value (out, 2, "x.sign_change_rate"), 0, 0, 0, "flat signs");
  /* NaN inside: all NaN */
  for (size_t k = 0; k < 4; k++)
    g_assert_true (isnan (td_dataset_series (out, 3)[k]));
  /* out (6 6), in, out (7), in, out (-2 -2): three excursions, starting outside */
  tu_assert_close (tu_value (out, 4, "x.excursion_count"), 3, 0, 0, "excursions");
  /* one valid value: no differences */
  tu_assert_close (tu_value (out, 5, "x.spike_count"), 0, 0, 0, "single spikes");
  tu_assert_close (tu_value (out, 5, "x.excursion_count"), 0, 0, 0, "single excursions");
  g_assert_true (isnan (tu_value (out, 5, "x.mean_abs_derivative")));
  g_assert_true (isnan (tu_value (out, 5, "x.sign_change_rate")));
}

static void
test_series_sd_and_seconds (void)
{
  g_autoptr (TdDataset) train = alternating_train ();
  const char *ch[] = { "x", NULL };
  g_autoptr (TdDataset) in = tu_dataset (2, 8, ch);
  const double spikes[8] = { 0, 0, 5, 0, 0, 5, 0, 0 };
  const double flat[8] = { 2, 2, 2, 2, 2, 2, 2, 2 };
  tu_set_channel (in, 0, 0, spikes, 8);
  tu_set_channel (in, 1, 0, flat, 8);
  /* dx = 0 5 -5 0 5 -5 0: mean 0, sd (ddof 1) = sqrt(100 / 6) = 4.08; with
   * k = 1 the four |dx| = 5 are spikes, with k = 1.3 (5.3) none are */
  const char *kv1[] = { "spike_scale=series_sd", "spike_k=1", "sample_seconds=0.5", NULL };
  g_autoptr (TdDataset) o1 = tu_run (desc (), kv1, train, in, 1, NULL);
  tu_assert_close (tu_value (o1, 0, "x.spike_count"), 4, 0, 0, "k 1");
  tu_assert_close (tu_value (o1, 0, "x.mean_abs_derivative"), 20.0 / 7 / 0.5, 1e-7, 0, "per s");
  tu_assert_close (tu_value (o1, 1, "x.spike_count"), 0, 0, 0, "constant: sd 0, no spike");
  const char *kv2[] = { "spike_scale=series_sd", "spike_k=1.3", NULL };
  g_autoptr (TdDataset) o2 = tu_run (desc (), kv2, train, in, 1, NULL);
  tu_assert_close (tu_value (o2, 0, "x.spike_count"), 0, 0, 0, "k 1.3");
}

static void
test_fitted_band_robust_and_sd (void)
{
  const char *ch[] = { "x", NULL };
  g_autoptr (TdDataset) train = tu_dataset (1, 9, ch);
  const double v[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  tu_set_channel (train, 0, 0, v, 9);
  /* median 5, |x - 5| = 4 3 2 1 0 1 2 3 4: MAD 2, scale 2.9652 */
  const char *kv[] = { "band_k=2", "features=[excursion_count]", NULL };
  TdFeature *f = NULL;
  g_autoptr (TdDataset) o = tu_run (desc (), kv, train, train, 1, &f);
  tu_assert_close (f->center[0], 5, 0, 0, "robust center");
  tu_assert_close (f->low[0], 5 - 2 * 2 * 1.482602218505602, 1e-15, 0, "robust low");
  tu_assert_close (f->high[0], 5 + 2 * 2 * 1.482602218505602, 1e-15, 0, "robust high");
  g_assert_true (isnan (f->scale[0]));     /* no spike column: no scale fitted */
  stability_destroy (f);
  /* sd: mean 5, population sd sqrt(60 / 9) */
  const char *kv2[] = { "band=sd", "band_k=1", "features=[excursion_count]", NULL };
  g_autoptr (TdDataset) o2 = tu_run (desc (), kv2, train, train, 1, &f);
  tu_assert_close (f->low[0], 5 - sqrt (60.0 / 9), 1e-15, 0, "sd low");
  stability_destroy (f);
  /* quantile: numpy linear, 0.1 -> position 0.8 -> 1.8; 0.9 -> 8.2 */
  const char *kv3[] = { "band=quantile", "band_quantiles=[0.1, 0.9]",
                        "features=[excursion_count]", NULL };
  g_autoptr (TdDataset) o3 = tu_run (desc (), kv3, train, train, 1, &f);
  tu_assert_close (f->low[0], 1.8, 1e-15, 0, "quantile low");
  tu_assert_close (f->high[0], 8.2, 1e-15, 0, "quantile high");
  stability_destroy (f);
  /* x = 1 is outside [1.8, 8.2], so is 9: two excursions */
  tu_assert_close (tu_value (o3, 0, "x.excursion_count"), 2, 0, 0, "quantile excursions");

  /* MAD 0: 5 5 5 5 5 5 1 9 10 has median 5 and |x - 5| = 0 (x6) 4 4 5, so
   * the scale falls back to 1.2533 · mean |x - 5| = 1.2533 · 13 / 9 */
  const double w[9] = { 5, 5, 5, 5, 5, 5, 1, 9, 10 };
  tu_set_channel (train, 0, 0, w, 9);
  g_autoptr (TdDataset) o4 = tu_run (desc (), kv, train, train, 1, &f);
  tu_assert_close (f->center[0], 5, 0, 0, "MAD 0 center");
  tu_assert_close (f->high[0], 5 + 2 * 1.2533141373155003 * 13.0 / 9.0, 1e-15, 0, "MAD 0 high");
  stability_destroy (f);
  /* all equal: scale 0, the band collapses to the value (inside: x == low) */
  const double flat[9] = { 3, 3, 3, 3, 3, 3, 3, 3, 3 };
  tu_set_channel (train, 0, 0, flat, 9);
  g_autoptr (TdDataset) o5 = tu_run (desc (), kv, train, train, 1, &f);
  tu_assert_close (f->low[0], 3, 0, 0, "flat low");
  tu_assert_close (f->high[0], 3, 0, 0, "flat high");
  tu_assert_close (tu_value (o5, 0, "x.excursion_count"), 0, 0, 0, "flat excursions");
  stability_destroy (f);
}

/* The peer script's spike_count and excursion_count on the golden casts. */
static void
test_golden_peer (void)
{
  g_autoptr (TdDataset) in = tu_golden_casts (FEATURES_GOLDEN_DIR);
  g_autofree char *path = g_build_filename (FEATURES_GOLDEN_DIR, "expected_peer56.csv", NULL);
  g_autoptr (TuCsv) peer = tu_csv_read (path);
  /* the peer's band: base ± 2 sigma of the plan */
  const double base[5] = { 1.2, 1520.0, 150.0, 200.0, 25.0 }, sd[5] = { 0.05, 10, 5, 15, 3 };
  GString *lo = g_string_new ("band_low=["), *hi = g_string_new ("band_high=[");
  for (int c = 0; c < 5; c++)
    {
      g_string_append_printf (lo, "%s%.17g", c ? ", " : "", base[c] - 2 * sd[c]);
      g_string_append_printf (hi, "%s%.17g", c ? ", " : "", base[c] + 2 * sd[c]);
    }
  g_string_append_c (lo, ']');
  g_string_append_c (hi, ']');
  const char *kv[] = { "features=[spike_count, excursion_count]", "spike_scale=series_sd",
                       "spike_k=3", "band=fixed", lo->str, hi->str, NULL };
  g_autoptr (TdDataset) out = tu_run (desc (), kv, in, in, 2, NULL);
  g_string_free (lo, TRUE);
  g_string_free (hi, TRUE);
  for (size_t s = 0; s < in->n_series; s++)
    for (size_t c = 0; c < 5; c++)
      for (int k = 0; k < 2; k++)
        {
          const char *mine = k ? "excursion_count" : "spike_count";
          g_autofree char *col = g_strdup_printf ("%s__%s", in->channel_names[c], mine);
          g_autofree char *name = g_strdup_printf ("%s.%s", in->channel_names[c], mine);
          gssize j = tu_csv_column (peer, col);
          g_assert_cmpint (j, >=, 0);
          tu_assert_close (tu_value (out, s, name), peer->v[s * peer->n_cols + (size_t) j], 0, 0,
                           col);
        }
}

static void
test_leakage_and_persistence (void)
{
  g_autoptr (TdDataset) full = tu_steel_like (40, 300, 5, TRUE);
  tu_check_leakage (desc (), NULL, full);
  const char *kv[] = { "band=quantile", "spike_k=2.5", NULL };
  tu_check_leakage (desc (), kv, full);
}

static void
test_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TdDataset) train = alternating_train ();
  /* fixed band with the wrong number of limits */
  const char *kv[] = { "band=fixed", "band_low=[0, 0]", "band_high=[1, 1]", NULL };
  g_autoptr (TdDataset) o = tu_try_run (desc (), kv, train, train, 1, &error);
  g_assert_null (o);
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* low above high */
  const char *kv2[] = { "band=fixed", "band_low=[2]", "band_high=[1]", NULL };
  o = tu_try_run (desc (), kv2, train, train, 1, &error);
  g_assert_null (o);
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* a channel with no valid training value */
  const char *ch[] = { "x", NULL };
  g_autoptr (TdDataset) nan_train = tu_dataset (2, 3, ch);
  for (size_t s = 0; s < 2; s++)
    for (size_t t = 0; t < 3; t++)
      tu_set (nan_train, s, t, 0, NAN);
  o = tu_try_run (desc (), NULL, nan_train, train, 1, &error);
  g_assert_null (o);
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* other channels at transform than at fit */
  const char *ch2[] = { "y", NULL };
  g_autoptr (TdDataset) other = tu_dataset (2, 11, ch2);
  o = tu_try_run (desc (), NULL, train, other, 1, &error);
  g_assert_null (o);
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* transform before fit */
  g_autoptr (TdParams) p = tu_params (desc (), NULL);
  g_autoptr (TdContext) ctx = td_context_new (1);
  TdFeature *f = stability_create (p, ctx, &error);
  g_assert_no_error (error);
  g_assert_null (stability_transform (f, train, ctx, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (stability_save (f, "/dev/null/x", &error));
  g_assert_nonnull (error);
  stability_destroy (f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stability/known-answers", test_known_answers);
  g_test_add_func ("/stability/series-sd-and-seconds", test_series_sd_and_seconds);
  g_test_add_func ("/stability/fitted-band", test_fitted_band_robust_and_sd);
  g_test_add_func ("/stability/golden-peer", test_golden_peer);
  g_test_add_func ("/stability/leakage-and-persistence", test_leakage_and_persistence);
  g_test_add_func ("/stability/errors", test_errors);
  return g_test_run ();
}
