/* Tests of scaling: the shared augmentation contract; one factor per series
 * and channel, about the series mean (mean kept) or about zero; the factors'
 * spread matches sigma; a feature matrix with about: mean is refused. */
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
  g_assert_cmpstr (d->name, ==, "scaling");
  return d;
}

static void
test_contract (void)
{
  aug_test_common (desc (), NULL, FALSE);
}

static double
mean_of (const float *x, size_t len, size_t c)
{
  double m = 0;
  for (size_t t = 0; t < len; t++)
    m += x[t * 3 + c];
  return m / (double) len;
}

/* Channel 1 (the ramp 0..len-1) and channel 2 (the sine about 1500) of each
 * copy are a + f (x - a) with a single f per series and channel. With 2000
 * copies the factors' sd is sigma within 10 % (relative standard error
 * 1/sqrt(2 × 2000) = 1.6 %, so about 6 of them) and their mean 1 within 5
 * standard errors. */
static void
test_factors (void)
{
  for (int about_mean = 0; about_mean < 2; about_mean++)
    {
      g_autoptr (TdDataset) train = aug_test_data (100, 60, TRUE, 21);
      const char *set[] = { "apply_to=all", "ratio=20", "sigma=0.2",
                            about_mean ? "about=mean" : "about=zero", NULL };
      g_autoptr (TdParams) p = aug_test_params (desc (), set);
      g_autoptr (GError) error = NULL;
      g_autoptr (TdDataset) out = aug_test_apply (desc (), p, train, 8, &error);
      g_assert_no_error (error);
      aug_test_check_contract (train, out, 2000, FALSE);
      const TdMetaColumn *from = td_dataset_find_meta (out, AUG_FROM_COLUMN);
      double fsum = 0, fss = 0;
      size_t nf = 0;
      for (size_t k = train->n_series; k < out->n_series; k++)
        {
          size_t src = aug_test_index_of (train, (gint64) from->num[k]);
          const float *a = td_dataset_series (train, src), *b = td_dataset_series (out, k);
          size_t len = train->lengths[src];
          for (size_t c = 1; c < 3; c++)
            {
              double ma = about_mean ? mean_of (a, len, c) : 0;
              /* f from the step farthest from the centre, then every step agrees. */
              size_t far = 0;
              for (size_t t = 0; t < len; t++)
                if (fabs (a[t * 3 + c] - ma) > fabs (a[far * 3 + c] - ma))
                  far = t;
              double f = (b[far * 3 + c] - ma) / (a[far * 3 + c] - ma);
              for (size_t t = 0; t < len; t++)
                g_assert_cmpfloat_with_epsilon (b[t * 3 + c], ma + f * (a[t * 3 + c] - ma),
                                                1e-3 * (1 + fabs (a[t * 3 + c] - ma)));
              if (about_mean)
                g_assert_cmpfloat_with_epsilon (mean_of (b, len, c), ma, 1e-3);
              fsum += f;
              fss += f * f;
              nf++;
            }
        }
      double fm = fsum / (double) nf, fsd = sqrt (fss / (double) nf - fm * fm);
      g_test_message ("about %s: %zu factors, mean %.4f, sd %.4f (sigma 0.2)",
                      about_mean ? "mean" : "zero", nf, fm, fsd);
      g_assert_cmpfloat (fabs (fsd / 0.2 - 1), <, 0.1);
      g_assert_cmpfloat (fabs (fm - 1), <, 5 * 0.2 / sqrt ((double) nf));
    }
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
  g_assert_nonnull (strstr (error->message, "about: zero"));
  g_clear_error (&error);
  const char *set[] = { "about=zero", NULL };
  g_autoptr (TdParams) pz = aug_test_params (desc (), set);
  g_autoptr (TdDataset) ok = aug_test_apply (desc (), pz, train, 8, &error);
  g_assert_no_error (error);
  aug_test_check_contract (train, ok, 4, FALSE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scaling/contract", test_contract);
  g_test_add_func ("/scaling/factors", test_factors);
  g_test_add_func ("/scaling/matrix-refused", test_matrix_refused);
  return g_test_run ();
}
