/* Dataset bookkeeping, metadata roles and hidden labels, and the HDF5 round trip. */
#include <glib/gstdio.h>
#include <hdf5.h>
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "data/labels.h"

static TdDataset *
sample (void)
{
  TdDataset *ds = td_dataset_new (4, 3, 2, TD_TASK_BINARY, 2);
  for (size_t k = 0; k < 4 * 3 * 2; k++)
    ds->x[k] = (float) k * 0.5f;
  for (size_t s = 0; s < 4; s++)
    {
      ds->y[s] = s % 2;
      ds->group[s] = (gint64) s / 2;
    }
  td_dataset_set_channel_name (ds, 0, "mold_level");
  td_dataset_set_channel_name (ds, 1, "superheat");
  const double p[] = { 0.1, 0.9, 0.2, 0.8 };
  const char *mech[] = { "none", "temperature_drop", "none", "level \"excursion\"" };
  td_dataset_add_meta_num (ds, "true_defect_probability", p);
  td_dataset_add_meta_str (ds, "mechanism", mech);
  return ds;
}

static void
test_subset (void)
{
  g_autoptr (TdDataset) ds = sample ();
  size_t idx[] = { 3, 1 };
  g_autoptr (TdDataset) sub = td_dataset_subset (ds, idx, 2);
  g_assert_cmpuint (sub->n_series, ==, 2);
  g_assert_cmpmem (td_dataset_series (sub, 0), 6 * sizeof (float), td_dataset_series (ds, 3), 6 * sizeof (float));
  g_assert_cmpint (sub->series_id[0], ==, 3);
  g_assert_cmpint (sub->group[1], ==, 0);
  g_assert_cmpstr (td_dataset_find_meta (sub, "mechanism")->str[0], ==, "level \"excursion\"");
  g_assert_cmpfloat (td_dataset_find_meta (sub, "true_defect_probability")->num[1], ==, 0.9);
  g_assert_cmpstr (sub->channel_names[1], ==, "superheat");
}

static void
test_hstack (void)
{
  g_autoptr (TdDataset) ds = sample ();
  g_autoptr (TdDataset) a = td_dataset_new_like (ds, 1, 1);
  g_autoptr (TdDataset) b = td_dataset_new_like (ds, 1, 2);
  for (size_t s = 0; s < 4; s++)
    {
      a->x[s] = (float) s;
      b->x[2 * s] = 10.0f + (float) s;
      b->x[2 * s + 1] = 20.0f + (float) s;
    }
  td_dataset_set_channel_name (a, 0, "x.mean");
  TdDataset *parts[] = { a, b };
  g_autoptr (TdDataset) h = td_dataset_hstack (parts, 2, NULL);
  g_assert_cmpuint (h->n_channels, ==, 3);
  g_assert_cmpfloat (h->x[3 * 2 + 0], ==, 2.0f);
  g_assert_cmpfloat (h->x[3 * 2 + 2], ==, 22.0f);
  g_assert_cmpstr (h->channel_names[0], ==, "x.mean");
  g_autoptr (TdDataset) other = td_dataset_new (5, 1, 1, TD_TASK_BINARY, 2);
  TdDataset *bad[] = { a, other };
  g_autoptr (GError) e = NULL;
  g_assert_null (td_dataset_hstack (bad, 2, &e));
  g_assert_nonnull (e);
}

static void
test_h5_round_trip (void)
{
  g_autoptr (TdDataset) ds = sample ();
  ds->lengths = g_new (guint32, 4);
  for (int s = 0; s < 4; s++)
    ds->lengths[s] = 3 - (guint32) (s % 2);
  g_autofree char *dir = g_dir_make_tmp ("tundish-ds-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "d.h5", NULL);
  g_autoptr (GError) e = NULL;
  g_assert_true (td_dataset_save_h5 (ds, path, &e));
  g_assert_no_error (e);
  g_autoptr (TdDataset) back = td_dataset_load_h5 (path, &e);
  g_assert_no_error (e);
  g_assert_cmpuint (back->n_series, ==, 4);
  g_assert_cmpuint (back->n_steps, ==, 3);
  g_assert_cmpmem (back->x, 24 * sizeof (float), ds->x, 24 * sizeof (float));
  g_assert_cmpmem (back->y, 4 * sizeof (double), ds->y, 4 * sizeof (double));
  g_assert_cmpmem (back->group, 4 * sizeof (gint64), ds->group, 4 * sizeof (gint64));
  g_assert_cmpmem (back->lengths, 4 * sizeof (guint32), ds->lengths, 4 * sizeof (guint32));
  g_assert_cmpstr (back->channel_names[0], ==, "mold_level");
  g_assert_cmpuint (back->meta->len, ==, 2);
  g_assert_cmpstr (td_dataset_find_meta (back, "mechanism")->str[3], ==, "level \"excursion\"");
  g_assert_cmpfloat (td_dataset_find_meta (back, "true_defect_probability")->num[2], ==, 0.2);
  g_unlink (path);
  /* Garbage and missing files fail cleanly with the path in the message. */
  g_assert_true (g_file_set_contents (path, "not hdf5", -1, NULL));
  g_autoptr (GError) e2 = NULL;
  g_assert_null (td_dataset_load_h5 (path, &e2));
  g_assert_nonnull (strstr (e2->message, path));
  g_unlink (path);
  g_autoptr (GError) e3 = NULL;
  g_assert_null (td_dataset_load_h5 (path, &e3));
  g_assert_nonnull (strstr (e3->message, "no such file"));
  g_rmdir (dir);
}

/* sample() plus an input column: true_defect_probability, mechanism (target,
 * the default), grade (input). */
static TdDataset *
sample_with_input (void)
{
  TdDataset *ds = sample ();
  const double grade[] = { 3, 1, 4, 1 };
  td_dataset_add_meta_num (ds, "grade", grade);
  g_assert_true (td_dataset_set_meta_role (ds, "grade", TD_META_INPUT));
  g_assert_false (td_dataset_set_meta_role (ds, "no_such_column", TD_META_INPUT));
  return ds;
}

static void
test_meta_roles (void)
{
  g_autoptr (TdDataset) ds = sample_with_input ();
  g_assert_cmpint (td_dataset_find_meta (ds, "mechanism")->role, ==, TD_META_TARGET);
  size_t idx[] = { 2, 0 };
  g_autoptr (TdDataset) sub = td_dataset_subset (ds, idx, 2);
  g_autoptr (TdDataset) like = td_dataset_new_like (ds, 1, 1);
  TdDataset *parts[] = { like, like };
  g_autoptr (TdDataset) stacked = td_dataset_hstack (parts, 2, NULL);
  const TdDataset *kept[] = { sub, like, stacked };
  for (size_t k = 0; k < G_N_ELEMENTS (kept); k++)
    {
      g_assert_cmpint (td_dataset_find_meta (kept[k], "grade")->role, ==, TD_META_INPUT);
      g_assert_cmpint (td_dataset_find_meta (kept[k], "true_defect_probability")->role, ==,
                       TD_META_TARGET);
    }

  /* What transform and predict are handed: no label, inputs only. */
  td_dataset_hide_labels (sub);
  g_assert_true (isnan (sub->y[0]) && isnan (sub->y[1]));
  g_assert_cmpuint (sub->meta->len, ==, 1);
  g_assert_cmpfloat (td_dataset_find_meta (sub, "grade")->num[0], ==, 4);
  g_assert_null (td_dataset_find_meta (sub, "mechanism"));
  g_assert_cmpmem (td_dataset_series (sub, 0), 6 * sizeof (float), td_dataset_series (ds, 2),
                   6 * sizeof (float));
}

static void
test_labels_take_put (void)
{
  g_autoptr (TdDataset) ds = sample_with_input ();
  g_autoptr (TdLabels) l = td_labels_take (ds);
  g_assert_cmpuint (td_labels_n (l), ==, 4);
  g_assert_cmpfloat (td_labels_y (l)[1], ==, 1.0);
  for (size_t s = 0; s < 4; s++)
    g_assert_true (isnan (ds->y[s]));
  g_assert_cmpuint (ds->meta->len, ==, 1);

  /* What a feature made of the unlabelled split, with a column of its own
   * that has a hidden column's name: the labels replace it, in place. */
  g_autoptr (TdDataset) made = td_dataset_new_like (ds, 1, 2);
  const double fake[] = { 7, 7, 7, 7 };
  td_dataset_add_meta_num (made, "true_defect_probability", fake);
  td_labels_put (made, l);
  td_labels_put (ds, l);
  const TdDataset *back[] = { ds, made };
  for (size_t k = 0; k < G_N_ELEMENTS (back); k++)
    {
      const TdDataset *d = back[k];
      g_assert_cmpfloat (d->y[1], ==, 1.0);
      g_assert_cmpfloat (d->y[2], ==, 0.0);
      g_assert_cmpuint (d->meta->len, ==, 3);
      const char *order[] = { "true_defect_probability", "mechanism", "grade" };
      for (guint m = 0; m < 3; m++)
        g_assert_cmpstr (((const TdMetaColumn *) d->meta->pdata[m])->name, ==, order[m]);
      g_assert_cmpfloat (td_dataset_find_meta (d, "true_defect_probability")->num[1], ==, 0.9);
      g_assert_cmpint (td_dataset_find_meta (d, "mechanism")->role, ==, TD_META_TARGET);
      g_assert_cmpstr (td_dataset_find_meta (d, "mechanism")->str[1], ==, "temperature_drop");
    }
}

/* Per-step targets are labels: taken with y, back on the split they came
 * from, not onto a feature matrix (other steps), gone after hide_labels. */
static void
test_labels_y_step (void)
{
  g_autoptr (TdDataset) ds = td_dataset_new (2, 3, 1, TD_TASK_BINARY, 2);
  double *ys = td_dataset_alloc_y_step (ds);
  for (size_t k = 0; k < 6; k++)
    ys[k] = (double) (k % 2);
  g_autoptr (TdLabels) l = td_labels_take (ds);
  g_assert_null (ds->y_step);
  g_autoptr (TdDataset) made = td_dataset_new_like (ds, 1, 2);
  td_labels_put (made, l);
  g_assert_null (made->y_step);
  td_labels_put (ds, l);
  g_assert_nonnull (ds->y_step);
  g_assert_cmpfloat (ds->y_step[5], ==, 1.0);
  g_assert_cmpfloat (ds->y_step[4], ==, 0.0);
  const size_t idx[] = { 1 };
  g_autoptr (TdDataset) one = td_dataset_subset (ds, idx, 1);
  g_assert_cmpfloat (one->y_step[2], ==, 1.0);
  td_dataset_hide_labels (one);
  g_assert_null (one->y_step);
  g_assert_true (isnan (one->y[0]));
}

/* Roles survive the cache; a file without /y (data to score) loads with NaN labels. */
static void
test_h5_roles_and_no_labels (void)
{
  g_autoptr (TdDataset) ds = sample_with_input ();
  g_autofree char *dir = g_dir_make_tmp ("tundish-ds-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "d.h5", NULL);
  g_autoptr (GError) e = NULL;
  g_assert_true (td_dataset_save_h5 (ds, path, &e));
  g_autoptr (TdDataset) back = td_dataset_load_h5 (path, &e);
  g_assert_no_error (e);
  g_assert_cmpint (td_dataset_find_meta (back, "grade")->role, ==, TD_META_INPUT);
  g_assert_cmpint (td_dataset_find_meta (back, "mechanism")->role, ==, TD_META_TARGET);
  g_assert_cmpfloat (back->y[1], ==, 1.0);

  hid_t f = H5Fopen (path, H5F_ACC_RDWR, H5P_DEFAULT);
  g_assert_cmpint (f, >=, 0);
  g_assert_cmpint (H5Ldelete (f, "y", H5P_DEFAULT), >=, 0);
  g_assert_cmpint (H5Fclose (f), >=, 0);
  g_autoptr (TdDataset) unlabelled = td_dataset_load_h5 (path, &e);
  g_assert_no_error (e);
  for (size_t s = 0; s < 4; s++)
    g_assert_true (isnan (unlabelled->y[s]));
  g_assert_cmpmem (unlabelled->x, 24 * sizeof (float), ds->x, 24 * sizeof (float));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_params (void)
{
  static const char *const methods[] = { "hist", "exact", NULL };
  static const TdParamSpec specs[] = {
    { .name = "depth", .type = TD_PARAM_INT, .default_value = "6", .min = 1, .max = 64, .help = "h" },
    { .name = "rate", .type = TD_PARAM_DOUBLE, .default_value = "0.1", .min = 0, .max = 1, .help = "h" },
    { .name = "method", .type = TD_PARAM_ENUM, .default_value = "hist", .choices = methods, .help = "h" },
    { .name = "on", .type = TD_PARAM_BOOL, .default_value = "false", .help = "h" },
    { .name = "sizes", .type = TD_PARAM_INT_LIST, .default_value = "[1, 2]", .help = "h" },
    { .name = "need", .type = TD_PARAM_STRING, .help = "required" },
  };
  g_autoptr (GError) e = NULL;
  g_autoptr (TdParams) p = td_params_new_defaults (specs, G_N_ELEMENTS (specs), &e);
  g_assert_no_error (e);
  g_assert_cmpint (td_params_get_int (p, "depth"), ==, 6);
  g_assert_cmpfloat (td_params_get_double (p, "rate"), ==, 0.1);
  g_assert_false (td_params_check_complete (p, &e));
  g_assert_nonnull (strstr (e->message, "need"));
  g_clear_error (&e);
  g_assert_true (td_params_set_text (p, "need", "x", NULL));
  g_assert_true (td_params_check_complete (p, NULL));
  g_assert_false (td_params_set_text (p, "depth", "deep", &e));
  g_assert_nonnull (strstr (e->message, "expected an integer in [1, 64]"));
  g_clear_error (&e);
  g_assert_false (td_params_set_text (p, "depth", "65", &e));
  g_clear_error (&e);
  g_assert_false (td_params_set_text (p, "method", "approx", &e));
  g_assert_nonnull (strstr (e->message, "hist, exact"));
  g_clear_error (&e);
  g_assert_true (td_params_set_text (p, "sizes", "[4, 8, 16]", NULL));
  size_t n = 0;
  const gint64 *sz = td_params_get_int_list (p, "sizes", &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpint (sz[2], ==, 16);
  g_autofree char *text = td_params_to_text (p);
  g_assert_cmpstr (text, ==, "{depth: 6, method: hist, need: x, on: false, rate: 0.1, sizes: [4, 8, 16]}");
  g_autoptr (TdParams) c = td_params_copy (p);
  g_autofree char *text2 = td_params_to_text (c);
  g_assert_cmpstr (text, ==, text2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dataset/subset", test_subset);
  g_test_add_func ("/dataset/hstack", test_hstack);
  g_test_add_func ("/dataset/h5-round-trip", test_h5_round_trip);
  g_test_add_func ("/dataset/meta-roles", test_meta_roles);
  g_test_add_func ("/dataset/labels-take-put", test_labels_take_put);
  g_test_add_func ("/dataset/labels-y-step", test_labels_y_step);
  g_test_add_func ("/dataset/h5-roles-and-no-labels", test_h5_roles_and_no_labels);
  g_test_add_func ("/params/basics", test_params);
  return g_test_run ();
}
