/* Tests of jitter: the shared augmentation contract, and that the noise's
 * empirical sd matches sigma × the channel's training sd. */
#include <math.h>
#include <string.h>

#include "aug_test_util.h"
#include "augment_common.h"

static const TdPluginDescriptor *
desc (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_assert_nonnull (d);
  g_assert_null (td_plugin_descriptor (1));
  g_assert_cmpstr (d->name, ==, "jitter");
  return d;
}

static void
test_contract (void)
{
  aug_test_common (desc (), NULL, FALSE);
}

/* sd of channel c over all values of ds (population), computed here
 * independently of the plugin. */
static double
channel_sd (const TdDataset *ds, size_t c)
{
  double sum = 0, ss = 0;
  size_t n = ds->n_series * ds->n_steps;
  for (size_t i = 0; i < n; i++)
    sum += ds->x[i * ds->n_channels + c];
  double mean = sum / (double) n;
  for (size_t i = 0; i < n; i++)
    {
      double d = ds->x[i * ds->n_channels + c] - mean;
      ss += d * d;
    }
  return sqrt (ss / (double) n);
}

/* 200 series × 500 steps, every series jittered once: 100 000 noise values
 * per channel. The sample sd of N normal values has a relative standard
 * error of 1/sqrt(2N) = 0.22 %; we allow 1.5 % (about 7 standard errors)
 * plus float rounding of values near 1500 (ulp 1.2e-4, far below the noise).
 * The mean noise must be within 5 standard errors (sd/sqrt(N)) of 0. */
static void
test_sigma (void)
{
  g_autoptr (TdDataset) train = aug_test_data (200, 500, FALSE, 77);
  for (int k = 0; k < 2; k++)
    {
      const char *sigma = k == 0 ? "0.05" : "0.3";
      const char *set[] = { "apply_to=all", "ratio=1", NULL, NULL };
      g_autofree char *s = g_strdup_printf ("sigma=%s", sigma);
      set[2] = s;
      g_autoptr (TdParams) p = aug_test_params (desc (), set);
      g_autoptr (GError) error = NULL;
      g_autoptr (TdDataset) out = aug_test_apply (desc (), p, train, 11, &error);
      g_assert_no_error (error);
      aug_test_check_contract (train, out, train->n_series, FALSE);
      /* Added series k is a copy of original k (apply_to all, ratio 1). */
      for (size_t c = 0; c < 3; c++)
        {
          double want = g_ascii_strtod (sigma, NULL) * channel_sd (train, c);
          double sum = 0, ss = 0;
          size_t n = train->n_series * train->n_steps;
          for (size_t i = 0; i < n; i++)
            {
              double d = out->x[(n + i) * 3 + c] - train->x[i * 3 + c];
              sum += d;
              ss += d * d;
            }
          double mean = sum / (double) n;
          double sd = sqrt (ss / (double) n - mean * mean);
          g_test_message ("sigma %s channel %zu: noise sd %.5g, wanted %.5g (rel. err %.3f %%), "
                          "mean %.3g", sigma, c, sd, want, 100 * fabs (sd / want - 1), mean);
          g_assert_cmpfloat (fabs (sd / want - 1), <, 0.015);
          g_assert_cmpfloat (fabs (mean), <, 5 * want / sqrt ((double) n));
        }
    }
}

/* Padding and NaN: only valid steps get noise; NaN stays NaN. */
static void
test_padding_and_nan (void)
{
  g_autoptr (TdDataset) train = aug_test_data (30, 50, TRUE, 3);
  td_dataset_series (train, 0)[1 * 3 + 2] = NAN;
  const char *set[] = { "apply_to=all", "ratio=1", "sigma=0.5", NULL };
  g_autoptr (TdParams) p = aug_test_params (desc (), set);
  g_autoptr (GError) error = NULL;
  g_autoptr (TdDataset) out = aug_test_apply (desc (), p, train, 1, &error);
  g_assert_no_error (error);
  aug_test_check_contract (train, out, 30, FALSE);   /* checks the padding */
  g_assert_true (isnan (td_dataset_series (out, 30)[1 * 3 + 2]));
  /* The channel sd ignored the NaN: other values of the channel got noise. */
  g_assert_cmpfloat (td_dataset_series (out, 30)[0 * 3 + 2], !=,
                     td_dataset_series (train, 0)[0 * 3 + 2]);
}

/* sigma 0: exact copies; a constant channel (sd 0) stays constant. */
static void
test_sigma_zero (void)
{
  g_autoptr (TdDataset) train = aug_test_data (20, 30, FALSE, 3);
  const char *set[] = { "apply_to=all", "ratio=1", "sigma=0", NULL };
  g_autoptr (TdParams) p = aug_test_params (desc (), set);
  g_autoptr (GError) error = NULL;
  g_autoptr (TdDataset) out = aug_test_apply (desc (), p, train, 1, &error);
  g_assert_no_error (error);
  size_t row = 30 * 3;
  g_assert_cmpmem (out->x + 20 * row, 20 * row * sizeof (float), train->x,
                   20 * row * sizeof (float));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/jitter/contract", test_contract);
  g_test_add_func ("/jitter/sigma", test_sigma);
  g_test_add_func ("/jitter/padding-and-nan", test_padding_and_nan);
  g_test_add_func ("/jitter/sigma-zero", test_sigma_zero);
  return g_test_run ();
}
