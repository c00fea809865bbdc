/* Tests of window_slice: the shared augmentation contract; each copy is a
 * crop of round(crop × L) steps at an offset in range, stretched linearly
 * onto L steps; crop 1 is a plain copy; offsets cover the whole range. */
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
  g_assert_cmpstr (d->name, ==, "window_slice");
  return d;
}

static void
test_contract (void)
{
  aug_test_common (desc (), NULL, FALSE);
}

/* On the ramp channel (x(t) = t) the copy is start + t (W-1)/(L-1). */
static void
test_crop (void)
{
  g_autoptr (TdDataset) train = aug_test_data (40, 200, TRUE, 12);
  const char *set[] = { "apply_to=all", "ratio=10", "crop=0.8", NULL };
  g_autoptr (TdParams) p = aug_test_params (desc (), set);
  g_autoptr (GError) error = NULL;
  g_autoptr (TdDataset) out = aug_test_apply (desc (), p, train, 5, &error);
  g_assert_no_error (error);
  aug_test_check_contract (train, out, 400, FALSE);
  const TdMetaColumn *from = td_dataset_find_meta (out, AUG_FROM_COLUMN);
  gboolean saw_start = FALSE, saw_end = FALSE;
  for (size_t r = train->n_series; r < out->n_series; r++)
    {
      size_t src = aug_test_index_of (train, (gint64) from->num[r]);
      size_t len = train->lengths[src];
      size_t width = (size_t) floor (0.8 * (double) len + 0.5);
      const float *b = td_dataset_series (out, r);
      double start = b[1];
      g_assert_cmpfloat (start, ==, floor (start));
      g_assert_cmpfloat (start, >=, 0);
      g_assert_cmpfloat (start + (double) width, <=, (double) len);
      saw_start |= start == 0;
      saw_end |= start + (double) width == (double) len;
      for (size_t t = 0; t < len; t++)
        g_assert_cmpfloat_with_epsilon (b[t * 3 + 1],
                                        start + (double) t * (double) (width - 1) / (double) (len - 1),
                                        1e-3);
      g_assert_cmpfloat_with_epsilon (b[(len - 1) * 3 + 1], start + (double) (width - 1), 1e-4);
    }
  g_assert_true (saw_start);   /* 400 draws over at most ~41 offsets: both ends occur */
  g_assert_true (saw_end);
}

static void
test_crop_one (void)
{
  g_autoptr (TdDataset) train = aug_test_data (20, 50, TRUE, 2);
  const char *set[] = { "apply_to=all", "ratio=1", "crop=1", NULL };
  g_autoptr (TdParams) p = aug_test_params (desc (), set);
  g_autoptr (GError) error = NULL;
  g_autoptr (TdDataset) out = aug_test_apply (desc (), p, train, 5, &error);
  g_assert_no_error (error);
  size_t n = 20 * 50 * 3;
  g_assert_cmpmem (out->x + n, n * sizeof (float), train->x, n * sizeof (float));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/window_slice/contract", test_contract);
  g_test_add_func ("/window_slice/crop", test_crop);
  g_test_add_func ("/window_slice/crop-one", test_crop_one);
  return g_test_run ();
}
