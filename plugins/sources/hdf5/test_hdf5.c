/* test_hdf5.c — the hdf5 source reads back what td_dataset_save_h5 wrote
 * (the layout `tundish export` writes), per-step targets included. */
#include <math.h>
#include <string.h>

#include "source_test_util.h"

static void
test_round_trip (void)
{
  g_autoptr (TdDataset) ds = td_dataset_new (3, 4, 2, TD_TASK_REGRESSION, 0);
  for (size_t k = 0; k < 3 * 4 * 2; k++)
    ds->x[k] = (float) k * 0.5f;
  for (size_t s = 0; s < 3; s++)
    ds->y[s] = 10.0 * (double) s;
  double *ys = td_dataset_alloc_y_step (ds);
  for (size_t k = 0; k < 12; k++)
    ys[k] = (double) (12 - k);
  const double part[] = { 0, 0, 1 };
  td_dataset_add_meta_num (ds, "partition", part);
  g_autofree char *path = g_build_filename (test_dir (), "d.h5", NULL);
  g_autoptr (GError) e = NULL;
  g_assert_true (td_dataset_save_h5 (ds, path, &e));
  g_autoptr (TdDataset) back = test_load (&e, "path", path, NULL);
  g_assert_no_error (e);
  g_assert_cmpuint (back->n_series, ==, 3);
  g_assert_cmpint (back->task, ==, TD_TASK_REGRESSION);
  g_assert_cmpmem (back->x, 24 * sizeof (float), ds->x, 24 * sizeof (float));
  g_assert_cmpfloat (back->y[2], ==, 20);
  g_assert_nonnull (back->y_step);
  g_assert_cmpmem (back->y_step, 12 * sizeof (double), ds->y_step, 12 * sizeof (double));
  g_assert_cmpfloat (td_dataset_find_meta (back, "partition")->num[2], ==, 1);
  /* A subset keeps the per-step targets of the rows it takes. */
  const size_t idx[] = { 2 };
  g_autoptr (TdDataset) one = td_dataset_subset (back, idx, 1);
  g_assert_cmpfloat (one->y_step[0], ==, 4);

  g_autofree char *missing = g_build_filename (test_dir (), "none.h5", NULL);
  g_autoptr (TdDataset) none = test_load (&e, "path", missing, NULL);
  g_assert_null (none);
  g_assert_true (g_str_has_prefix (e->message, "hdf5: "));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hdf5-source/round-trip", test_round_trip);
  int rc = g_test_run ();
  test_dir_remove ();
  return rc;
}
