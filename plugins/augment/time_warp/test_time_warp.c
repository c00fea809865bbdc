/* Tests of time_warp: the shared augmentation contract; the warp is
 * monotone (a ramp stays non-decreasing), keeps both endpoints exactly and
 * stays within the source's range; sigma 0 is the identity; the warp is not
 * trivial for sigma > 0; sequences only. */
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
  g_assert_cmpstr (d->name, ==, "time_warp");
  return d;
}

static void
test_contract (void)
{
  aug_test_common (desc (), NULL, FALSE);
}

/* Channel 1 is the ramp x(t) = t over the valid steps, so the copy's channel
 * 1 *is* the warp path w(t): monotone, w(0) = 0, w(L-1) = L-1. */
static void
test_monotone_endpoints (void)
{
  const char *sigmas[] = { "0.2", "1", "2" };
  const char *knots[] = { "1", "4", "30" };
  for (size_t i = 0; i < G_N_ELEMENTS (sigmas); i++)
    {
      g_autoptr (TdDataset) train = aug_test_data (50, 300, TRUE, 31 + i);
      g_autofree char *s = g_strdup_printf ("sigma=%s", sigmas[i]);
      g_autofree char *k = g_strdup_printf ("knots=%s", knots[i]);
      const char *set[] = { "apply_to=all", "ratio=2", s, k, NULL };
      g_autoptr (TdParams) p = aug_test_params (desc (), set);
      g_autoptr (GError) error = NULL;
      g_autoptr (TdDataset) out = aug_test_apply (desc (), p, train, 100 + i, &error);
      g_assert_no_error (error);
      aug_test_check_contract (train, out, 100, FALSE);
      const TdMetaColumn *from = td_dataset_find_meta (out, AUG_FROM_COLUMN);
      double max_shift = 0;
      for (size_t r = train->n_series; r < out->n_series; r++)
        {
          size_t src = aug_test_index_of (train, (gint64) from->num[r]);
          const float *a = td_dataset_series (train, src), *b = td_dataset_series (out, r);
          size_t len = train->lengths[src];
          for (size_t c = 0; c < 3; c++)
            {
              g_assert_cmpfloat (b[c], ==, a[c]);                              /* first step */
              g_assert_cmpfloat (b[(len - 1) * 3 + c], ==, a[(len - 1) * 3 + c]); /* last step */
            }
          for (size_t t = 1; t < len; t++)
            g_assert_cmpfloat (b[t * 3 + 1], >=, b[(t - 1) * 3 + 1]);          /* monotone */
          for (size_t t = 0; t < len; t++)
            {
              g_assert_cmpfloat (b[t * 3 + 1], >=, 0);
              g_assert_cmpfloat (b[t * 3 + 1], <=, (float) (len - 1));
              g_assert_cmpfloat (b[t * 3 + 0], ==, a[0]);   /* a constant stays constant */
              max_shift = MAX (max_shift, fabs (b[t * 3 + 1] - (double) t));
            }
        }
      g_test_message ("sigma %s, knots %s: largest time shift %.1f steps", sigmas[i], knots[i],
                      max_shift);
      g_assert_cmpfloat (max_shift, >, 1.0);   /* it does warp */
    }
}

static void
test_sigma_zero (void)
{
  g_autoptr (TdDataset) train = aug_test_data (30, 200, TRUE, 4);
  const char *set[] = { "apply_to=all", "ratio=1", "sigma=0", NULL };
  g_autoptr (TdParams) p = aug_test_params (desc (), set);
  g_autoptr (GError) error = NULL;
  g_autoptr (TdDataset) out = aug_test_apply (desc (), p, train, 1, &error);
  g_assert_no_error (error);
  size_t n = 30 * 200 * 3;
  for (size_t i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (out->x[n + i], train->x[i], 1e-3);
}

static void
test_matrix_refused (void)
{
  g_autoptr (TdDataset) train = aug_test_data (20, 1, FALSE, 1);
  g_autoptr (TdParams) p = aug_test_params (desc (), NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TdDataset) out = aug_test_apply (desc (), p, train, 8, &error);
  g_assert_null (out);
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "feature matrix"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/time_warp/contract", test_contract);
  g_test_add_func ("/time_warp/monotone-endpoints", test_monotone_endpoints);
  g_test_add_func ("/time_warp/sigma-zero", test_sigma_zero);
  g_test_add_func ("/time_warp/matrix-refused", test_matrix_refused);
  return g_test_run ();
}
