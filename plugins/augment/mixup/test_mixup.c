/* Tests of mixup: the shared augmentation contract with soft labels; the
 * features and the label are mixed with the same weight, the source keeps
 * the larger weight, the weights follow Beta(alpha, alpha); multiclass is
 * refused. */
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
  g_assert_cmpstr (d->name, ==, "mixup");
  return d;
}

static void
test_contract (void)
{
  aug_test_common (desc (), NULL, TRUE);
}

/* Channel 0 holds each series' label as a constant, so a mix's channel 0
 * must equal its mixed label. With alpha = 1, lambda is uniform and the
 * source's weight w = max(lambda, 1 - lambda) is uniform on [0.5, 1]: mean
 * 0.75, sd 1/sqrt(48) = 0.144. A minority source (y = 1) mixed with a
 * negative partner has y = w exactly, which lets us see w. */
static void
test_weights (void)
{
  g_autoptr (TdDataset) train = aug_test_data (100, 30, TRUE, 8);
  const char *set[] = { "apply_to=minority", "ratio=100", "alpha=1", NULL };
  g_autoptr (TdParams) p = aug_test_params (desc (), set);
  g_autoptr (GError) error = NULL;
  g_autoptr (TdDataset) out = aug_test_apply (desc (), p, train, 5, &error);
  g_assert_no_error (error);
  aug_test_check_contract (train, out, 2000, TRUE);
  double sum = 0, ss = 0;
  size_t n = 0, soft = 0;
  for (size_t r = train->n_series; r < out->n_series; r++)
    {
      const float *x = td_dataset_series (out, r);
      size_t len = out->lengths[r];
      for (size_t t = 0; t < len; t++)
        g_assert_cmpfloat_with_epsilon (x[t * 3], out->y[r], 1e-6);
      g_assert_cmpfloat (out->y[r], >=, 0.5);      /* the minority source dominates */
      if (out->y[r] < 1.0)
        {
          sum += out->y[r];
          ss += out->y[r] * out->y[r];
          n++;
        }
      soft += out->y[r] != floor (out->y[r]);
    }
  double mean = sum / (double) n, sd = sqrt (ss / (double) n - mean * mean);
  g_test_message ("%zu mixes with a negative partner: weight mean %.4f (0.75), sd %.4f (0.144)",
                  n, mean, sd);
  g_assert_cmpuint (n, >, 1200);   /* ~80 % of partners are negative */
  g_assert_cmpfloat (fabs (mean - 0.75), <, 5 * 0.144 / sqrt ((double) n));
  g_assert_cmpfloat (fabs (sd / 0.1443 - 1), <, 0.1);
  g_assert_cmpuint (soft, >, 0);
}

/* The ramp channel (x(t) = t over each series' own length L) of a mix is the
 * weighted sum of the source's ramp and the partner's, resampled from its
 * length L_b to L, (L_b - 1) t / (L - 1): a straight line through 0 again,
 * ending between L_b - 1 and L - 1 (neither is known here, so check the line
 * and that the end lies within the data's range of lengths). */
static void
test_ragged_partner (void)
{
  g_autoptr (TdDataset) train = aug_test_data (40, 60, TRUE, 3);
  const char *set[] = { "apply_to=all", "ratio=2", "alpha=0.5", NULL };
  g_autoptr (TdParams) p = aug_test_params (desc (), set);
  g_autoptr (GError) error = NULL;
  g_autoptr (TdDataset) out = aug_test_apply (desc (), p, train, 6, &error);
  g_assert_no_error (error);
  aug_test_check_contract (train, out, 80, TRUE);
  for (size_t r = train->n_series; r < out->n_series; r++)
    {
      const float *x = td_dataset_series (out, r);
      size_t len = out->lengths[r];
      double end = x[(len - 1) * 3 + 1];
      g_assert_cmpfloat (end, >=, 30 - 1 - 1e-3);    /* lengths are in [30, 60] */
      g_assert_cmpfloat (end, <=, 60 - 1 + 1e-3);
      for (size_t t = 0; t < len; t++)
        g_assert_cmpfloat_with_epsilon (x[t * 3 + 1], end * (double) t / (double) (len - 1),
                                        1e-3);
    }
}

static void
test_multiclass_refused (void)
{
  g_autoptr (TdDataset) train = aug_test_data (30, 10, FALSE, 1);
  train->task = TD_TASK_MULTICLASS;
  train->n_classes = 3;
  g_autoptr (TdParams) p = aug_test_params (desc (), NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TdDataset) out = aug_test_apply (desc (), p, train, 1, &error);
  g_assert_null (out);
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mixup/contract", test_contract);
  g_test_add_func ("/mixup/weights", test_weights);
  g_test_add_func ("/mixup/ragged-partner", test_ragged_partner);
  g_test_add_func ("/mixup/multiclass-refused", test_multiclass_refused);
  return g_test_run ();
}
