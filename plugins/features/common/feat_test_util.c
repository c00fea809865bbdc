/* feat_test_util.c — see feat_test_util.h. */
#include "feat_test_util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

TdParams *
tu_params (const TdPluginDescriptor *d, const char *const *kv)
{
  g_autoptr (GError) error = NULL;
  TdParams *p = td_testing_params_strv (d, kv, &error);
  g_assert_no_error (error);
  return p;
}

TdDataset *
tu_try_run (const TdPluginDescriptor *d, const char *const *kv, const TdDataset *train,
            const TdDataset *input, int threads, GError **error)
{
  const TdFeatureVTable *vt = d->vtable;
  g_autoptr (TdParams) p = tu_params (d, kv);
  g_autoptr (TdContext) ctx = td_context_new (7);
  td_context_set_threads (ctx, threads);
  TdFeature *f = vt->create (p, ctx, error);
  if (!f)
    return NULL;
  TdDataset *out = NULL;
  if (!vt->fit || vt->fit (f, train, ctx, error))
    out = vt->transform (f, input, ctx, error);
  vt->destroy (f);
  return out;
}

TdDataset *
tu_run (const TdPluginDescriptor *d, const char *const *kv, const TdDataset *train,
        const TdDataset *input, int threads, TdFeature **feature)
{
  const TdFeatureVTable *vt = d->vtable;
  g_autoptr (TdParams) p = tu_params (d, kv);
  g_autoptr (TdContext) ctx = td_context_new (7);
  g_autoptr (GError) error = NULL;
  td_context_set_threads (ctx, threads);
  TdFeature *f = vt->create (p, ctx, &error);
  g_assert_no_error (error);
  if (vt->fit)
    {
      g_assert_true (vt->fit (f, train, ctx, &error));
      g_assert_no_error (error);
    }
  TdDataset *out = vt->transform (f, input, ctx, &error);
  g_assert_no_error (error);
  g_assert_nonnull (out);
  g_assert_cmpuint (out->n_series, ==, input->n_series);
  g_assert_cmpuint (out->n_steps, ==, 1);
  if (feature)
    *feature = f;
  else
    vt->destroy (f);
  return out;
}

TdDataset *
tu_dataset (size_t n_series, size_t n_steps, const char *const *channels)
{
  size_t C = g_strv_length ((char **) channels);
  TdDataset *ds = td_dataset_new (n_series, n_steps, C, TD_TASK_BINARY, 2);
  for (size_t c = 0; c < C; c++)
    td_dataset_set_channel_name (ds, c, channels[c]);
  for (size_t s = 0; s < n_series; s++)
    ds->y[s] = (double) (s % 2);
  return ds;
}

void
tu_set_channel (TdDataset *ds, size_t s, size_t c, const double *v, size_t n)
{
  g_assert_cmpuint (n, <=, ds->n_steps);
  for (size_t t = 0; t < n; t++)
    tu_set (ds, s, t, c, (float) v[t]);
}

size_t
tu_column (const TdDataset *out, const char *name)
{
  for (size_t c = 0; c < out->n_channels; c++)
    if (g_strcmp0 (out->channel_names[c], name) == 0)
      return c;
  g_autofree char *have = g_strjoinv (", ", out->channel_names);
  g_error ("no column %s (have: %s)", name, have);
  return 0;
}

double
tu_value (const TdDataset *out, size_t s, const char *name)
{
  return td_dataset_series (out, s)[tu_column (out, name)];
}

void
tu_assert_close (double got, double expect, double rel, double abs_tol, const char *what)
{
  if (isnan (expect) || isnan (got))
    {
      if (isnan (expect) != isnan (got))
        g_error ("%s: got %.17g, expected %.17g", what, got, expect);
      return;
    }
  if (!(fabs (got - expect) <= rel * fabs (expect) + abs_tol))
    g_error ("%s: got %.17g, expected %.17g (|diff| %.3g)", what, got, expect,
             fabs (got - expect));
}

TuCsv *
tu_csv_read (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  TuCsv *csv = g_new0 (TuCsv, 1);
  csv->header = g_strsplit (g_strstrip (lines[0]), ",", -1);
  csv->n_cols = g_strv_length (csv->header);
  GArray *v = g_array_new (FALSE, FALSE, sizeof (double));
  for (size_t i = 1; lines[i]; i++)
    {
      if (!*g_strstrip (lines[i]))
        continue;
      g_auto (GStrv) cells = g_strsplit (lines[i], ",", -1);
      g_assert_cmpuint (g_strv_length (cells), ==, csv->n_cols);
      for (size_t k = 0; k < csv->n_cols; k++)
        {
          char *end = NULL;
          double x = g_ascii_strtod (cells[k], &end);
          g_assert_true (end != cells[k] && *end == '\0');
          g_array_append_val (v, x);
        }
      csv->n_rows++;
    }
  csv->v = (double *) g_array_free (v, FALSE);
  return csv;
}

void
tu_csv_free (TuCsv *csv)
{
  if (!csv)
    return;
  g_strfreev (csv->header);
  g_free (csv->v);
  g_free (csv);
}

gssize
tu_csv_column (const TuCsv *csv, const char *name)
{
  for (size_t k = 0; k < csv->n_cols; k++)
    if (g_str_equal (csv->header[k], name))
      return (gssize) k;
  return -1;
}

TdDataset *
tu_golden_casts (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "casts.csv", NULL);
  g_autoptr (TuCsv) csv = tu_csv_read (path);
  g_assert_cmpuint (csv->n_cols, >, 2);
  size_t C = csv->n_cols - 2, n = 0, T = 0;
  for (size_t r = 0; r < csv->n_rows; r++)
    {
      n = MAX (n, (size_t) csv->v[r * csv->n_cols] + 1);
      T = MAX (T, (size_t) csv->v[r * csv->n_cols + 1] + 1);
    }
  g_assert_cmpuint (n * T, ==, csv->n_rows);
  TdDataset *ds = tu_dataset (n, T, (const char *const *) csv->header + 2);
  for (size_t r = 0; r < csv->n_rows; r++)
    {
      const double *row = csv->v + r * csv->n_cols;
      for (size_t c = 0; c < C; c++)
        tu_set (ds, (size_t) row[0], (size_t) row[1], c, (float) row[2 + c]);
    }
  return ds;
}

char *
tu_temp_path (const char *leaf)
{
  g_autofree char *dir = g_dir_make_tmp ("tundish-feat-XXXXXX", NULL);
  g_assert_nonnull (dir);
  return g_build_filename (dir, leaf, NULL);
}

void
tu_temp_free (char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
}

GBytes *
tu_file_bytes (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *text = NULL;
  gsize n = 0;
  g_file_get_contents (path, &text, &n, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (text, n);
}

void
tu_assert_same (const TdDataset *a, const TdDataset *b)
{
  g_assert_cmpuint (a->n_series, ==, b->n_series);
  g_assert_cmpuint (a->n_steps, ==, b->n_steps);
  g_assert_cmpuint (a->n_channels, ==, b->n_channels);
  for (size_t c = 0; c < a->n_channels; c++)
    g_assert_cmpstr (a->channel_names[c], ==, b->channel_names[c]);
  g_assert_cmpmem (a->x, a->n_series * a->n_steps * a->n_channels * sizeof (float), b->x,
                   b->n_series * b->n_steps * b->n_channels * sizeof (float));
}

typedef struct {
  TdDataset *split[3];
} Splits;

static void
make_splits (const TdDataset *full, Splits *sp)
{
  size_t n = full->n_series, a = n * 6 / 10, b = n * 8 / 10;
  g_autofree size_t *idx = g_new (size_t, n);
  for (size_t i = 0; i < n; i++)
    idx[i] = i;
  sp->split[0] = td_dataset_subset (full, idx, a);
  sp->split[1] = td_dataset_subset (full, idx + a, b - a);
  sp->split[2] = td_dataset_subset (full, idx + b, n - b);
}

static void
clear_splits (Splits *sp)
{
  for (int k = 0; k < 3; k++)
    g_clear_pointer (&sp->split[k], td_dataset_unref);
}

/* Fit on split 0, save the state to path, transform all three. */
static void
fit_save_apply (const TdPluginDescriptor *d, const char *const *kv, Splits *sp, int threads,
                const char *path, TdDataset *out[3])
{
  const TdFeatureVTable *vt = d->vtable;
  g_autoptr (TdParams) p = tu_params (d, kv);
  g_autoptr (TdContext) ctx = td_context_new (7);
  g_autoptr (GError) error = NULL;
  td_context_set_threads (ctx, threads);
  TdFeature *f = vt->create (p, ctx, &error);
  g_assert_no_error (error);
  g_assert_true (vt->fit (f, sp->split[0], ctx, &error));
  g_assert_no_error (error);
  for (int k = 0; k < 3; k++)
    {
      out[k] = vt->transform (f, sp->split[k], ctx, &error);
      g_assert_no_error (error);
    }
  g_assert_true (vt->save (f, path, &error));
  g_assert_no_error (error);
  vt->destroy (f);
}

static TdDataset *
copy_all (const TdDataset *full)
{
  g_autofree size_t *idx = g_new (size_t, full->n_series);
  for (size_t i = 0; i < full->n_series; i++)
    idx[i] = i;
  return td_dataset_subset (full, idx, full->n_series);
}

static void
perturb_rows (TdDataset *ds, size_t from, size_t to)
{
  for (size_t s = from; s < to; s++)
    {
      float *x = td_dataset_series (ds, s);
      for (size_t i = 0; i < ds->n_steps * ds->n_channels; i++)
        x[i] = x[i] * 1.5f + 7.0f;
    }
  if (to > from)
    td_dataset_series (ds, from)[0] = NAN;
}

void
tu_check_leakage (const TdPluginDescriptor *d, const char *const *kv, const TdDataset *full)
{
  const TdFeatureVTable *vt = d->vtable;
  g_assert_nonnull (vt->fit);
  g_assert_nonnull (vt->save);
  g_assert_nonnull (vt->load);
  size_t n = full->n_series;
  g_assert_cmpuint (n, >=, 10);

  char *p1 = tu_temp_path ("state1"), *p2 = tu_temp_path ("state2"), *p3 = tu_temp_path ("state3");
  char *p4 = tu_temp_path ("state4");
  Splits base = { { 0 } }, test_changed = { { 0 } }, train_changed = { { 0 } };
  TdDataset *o1[3], *o2[3], *o3[3], *o4[3];

  make_splits (full, &base);
  fit_save_apply (d, kv, &base, 1, p1, o1);

  /* the test rows changed: state and train/valid outputs unchanged */
  g_autoptr (TdDataset) copy = copy_all (full);
  perturb_rows (copy, n * 8 / 10, n);
  make_splits (copy, &test_changed);
  fit_save_apply (d, kv, &test_changed, 1, p2, o2);
  g_autoptr (GBytes) s1 = tu_file_bytes (p1);
  g_autoptr (GBytes) s2 = tu_file_bytes (p2);
  g_assert_true (g_bytes_equal (s1, s2));
  tu_assert_same (o1[0], o2[0]);
  tu_assert_same (o1[1], o2[1]);

  /* the train rows changed: the state changes */
  td_dataset_unref (copy);
  copy = copy_all (full);
  perturb_rows (copy, 0, n * 6 / 10);
  make_splits (copy, &train_changed);
  fit_save_apply (d, kv, &train_changed, 1, p3, o3);
  g_autoptr (GBytes) s3 = tu_file_bytes (p3);
  g_assert_false (g_bytes_equal (s1, s3));

  /* save -> load -> transform: the same bytes */
  {
    g_autoptr (TdParams) p = tu_params (d, kv);
    g_autoptr (TdContext) ctx = td_context_new (7);
    g_autoptr (GError) error = NULL;
    TdFeature *f = vt->load (p, p1, ctx, &error);
    g_assert_no_error (error);
    g_assert_nonnull (f);
    for (int k = 0; k < 3; k++)
      {
        g_autoptr (TdDataset) o = vt->transform (f, base.split[k], ctx, &error);
        g_assert_no_error (error);
        tu_assert_same (o, o1[k]);
      }
    vt->destroy (f);
    /* a garbage file is an error, not a crash */
    g_assert_true (g_file_set_contents (p4, "garbage\n", -1, NULL));
    f = vt->load (p, p4, ctx, &error);
    g_assert_null (f);
    g_assert_nonnull (error);
  }

  /* thread count does not matter */
  fit_save_apply (d, kv, &base, 3, p4, o4);
  g_autoptr (GBytes) s4 = tu_file_bytes (p4);
  g_assert_true (g_bytes_equal (s1, s4));
  for (int k = 0; k < 3; k++)
    tu_assert_same (o1[k], o4[k]);

  for (int k = 0; k < 3; k++)
    {
      td_dataset_unref (o1[k]);
      td_dataset_unref (o2[k]);
      td_dataset_unref (o3[k]);
      td_dataset_unref (o4[k]);
    }
  clear_splits (&base);
  clear_splits (&test_changed);
  clear_splits (&train_changed);
  tu_temp_free (p1);
  tu_temp_free (p2);
  tu_temp_free (p3);
  tu_temp_free (p4);
}

TdDataset *
tu_steel_like (size_t n_series, size_t n_steps, guint32 seed, gboolean with_lengths)
{
  static const char *const ch[] = { "casting_speed", "mold_temperature", "mold_level",
                                    "cooling_water_flow", "superheat", NULL };
  static const double base[5] = { 1.2, 1520, 150, 200, 25 }, sd[5] = { 0.05, 10, 5, 15, 3 };
  static const double phi[5] = { 0.98, 0.995, 0.9, 0.97, 0.995 };
  TdDataset *ds = tu_dataset (n_series, n_steps, ch);
  g_autoptr (GRand) r = g_rand_new_with_seed (seed);
  if (with_lengths)
    ds->lengths = g_new (guint32, n_series);
  for (size_t s = 0; s < n_series; s++)
    {
      size_t len = with_lengths ? (size_t) g_rand_int_range (r, (gint32) (n_steps / 2),
                                                            (gint32) n_steps + 1)
                                : n_steps;
      if (with_lengths)
        ds->lengths[s] = (guint32) len;
      for (size_t c = 0; c < 5; c++)
        {
          double e = sd[c] * (g_rand_double (r) - 0.5) * 3.4, off = 0.2 * sd[c] * (g_rand_double (r) - 0.5);
          for (size_t t = 0; t < n_steps; t++)
            {
              double w = (g_rand_double (r) + g_rand_double (r) + g_rand_double (r) - 1.5) * 2.0;
              e = phi[c] * e + sqrt (1 - phi[c] * phi[c]) * sd[c] * w;
              double v = base[c] + off + e;
              if (g_rand_int_range (r, 0, 400) == 0)
                v += 3.0 * sd[c] * (g_rand_boolean (r) ? 1 : -1);
              if (s % 5 == 1 && t >= len / 3 && t < len / 3 + 40)
                v += 4.0 * sd[c];
              tu_set (ds, s, t, c, t < len ? (float) v : 1e6f);
            }
        }
      ds->y[s] = s % 5 == 1;
    }
  return ds;
}
