/* Dataset bookkeeping and the HDF5 round trip. */
#include <glib/gstdio.h>
#include <string.h>

#include <tundish/tundish.h>

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
  g_test_add_func ("/params/basics", test_params);
  return g_test_run ();
}
