/* Tests of the statistical feature: exact values on a hand-made dataset
 * (odd/even lengths, padding, NaN, empty series), names, the stats selection,
 * and thread-count independence. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <tundish/tundish.h>

static const TdFeatureVTable *
vtable (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_assert_nonnull (d);
  g_assert_null (td_plugin_descriptor (1));
  g_assert_cmpint (d->kind, ==, TD_KIND_FEATURE);
  g_assert_cmpstr (d->name, ==, "statistical");
  const TdFeatureVTable *vt = d->vtable;
  g_assert_cmpint (vt->role, ==, TD_FEATURE_EXTRACT);
  g_assert_true (vt->accepts & TD_DATA_SEQUENCE);
  g_assert_null (vt->fit);
  return vt;
}

static TdParams *
params_with (const char *stats)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_autoptr (GError) error = NULL;
  g_autoptr (TdParams) p = td_params_new_defaults (d->params, d->n_params, &error);
  g_assert_no_error (error);
  if (stats)
    {
      td_params_set_text (p, "stats", stats, &error);
      g_assert_no_error (error);
    }
  return g_steal_pointer (&p);
}

static TdDataset *
run (const char *stats, const TdDataset *in, int threads)
{
  const TdFeatureVTable *vt = vtable ();
  g_autoptr (TdParams) p = params_with (stats);
  g_autoptr (TdContext) ctx = td_context_new (7);
  g_autoptr (GError) error = NULL;
  td_context_set_threads (ctx, threads);
  TdFeature *f = vt->create (p, ctx, &error);
  g_assert_no_error (error);
  TdDataset *out = vt->transform (f, in, ctx, &error);
  g_assert_no_error (error);
  g_assert_nonnull (out);
  vt->destroy (f);
  return out;
}

#define PAD 1000.0f

/* 4 series × 4 steps × 2 channels ("a", "b"):
 *   s0 len 4: a = 1 2 3 10        b = 5 5 5 5
 *   s1 len 3: a = 4 -2 7 | pad    b = 0.5 NaN 1 | pad
 *   s2 len 1: a = 3 | pad ×3      b = -1 | NaN pad ×3 (NaN in padding is ignored)
 *   s3 len 0: all padding */
static TdDataset *
hand_made (void)
{
  TdDataset *ds = td_dataset_new (4, 4, 2, TD_TASK_BINARY, 2);
  td_dataset_set_channel_name (ds, 0, "a");
  td_dataset_set_channel_name (ds, 1, "b");
  const float v[4][4][2] = {
    { { 1, 5 }, { 2, 5 }, { 3, 5 }, { 10, 5 } },
    { { 4, 0.5f }, { -2, NAN }, { 7, 1 }, { PAD, PAD } },
    { { 3, -1 }, { PAD, NAN }, { PAD, NAN }, { PAD, NAN } },
    { { PAD, PAD }, { PAD, PAD }, { PAD, PAD }, { PAD, PAD } },
  };
  memcpy (ds->x, v, sizeof v);
  ds->lengths = g_new (guint32, 4);
  ds->lengths[0] = 4;
  ds->lengths[1] = 3;
  ds->lengths[2] = 1;
  ds->lengths[3] = 0;
  for (size_t s = 0; s < 4; s++)
    ds->y[s] = s % 2;
  return ds;
}

static void
assert_row (const TdDataset *out, size_t s, size_t col, const double expect[5])
{
  const float *row = td_dataset_series (out, s) + col;
  for (int k = 0; k < 5; k++)
    {
      if (isnan (expect[k]))
        g_assert_true (isnan (row[k]));
      else
        g_assert_cmpfloat (row[k], ==, (float) expect[k]);
    }
}

static void
test_exact_values (void)
{
  g_autoptr (TdDataset) in = hand_made ();
  g_autoptr (TdDataset) out = run (NULL, in, 1);

  g_assert_cmpuint (out->n_series, ==, 4);
  g_assert_cmpuint (out->n_steps, ==, 1);
  g_assert_cmpuint (out->n_channels, ==, 10);

  /* mean, std (ddof 0), min, max, median */
  const double s0a[5] = { 4, sqrt (12.5), 1, 10, 2.5 };   /* even length */
  const double s0b[5] = { 5, 0, 5, 5, 5 };
  const double s1a[5] = { 3, sqrt (14.0), -2, 7, 4 };    /* odd length, padding excluded */
  const double nan5[5] = { NAN, NAN, NAN, NAN, NAN };
  const double s2a[5] = { 3, 0, 3, 3, 3 };
  const double s2b[5] = { -1, 0, -1, -1, -1 };
  assert_row (out, 0, 0, s0a);
  assert_row (out, 0, 5, s0b);
  assert_row (out, 1, 0, s1a);
  assert_row (out, 1, 5, nan5);        /* NaN inside the series propagates */
  assert_row (out, 2, 0, s2a);
  assert_row (out, 2, 5, s2b);         /* NaN only in padding: ignored */
  assert_row (out, 3, 0, nan5);        /* empty series */
  assert_row (out, 3, 5, nan5);

  /* labels and ids carried over */
  for (size_t s = 0; s < 4; s++)
    {
      g_assert_cmpfloat (out->y[s], ==, in->y[s]);
      g_assert_cmpint (out->series_id[s], ==, in->series_id[s]);
    }
}

static void
test_names (void)
{
  g_autoptr (TdDataset) in = hand_made ();
  g_autoptr (TdDataset) out = run (NULL, in, 1);
  const char *expect[] = {
    "a.mean", "a.std", "a.min", "a.max", "a.median",
    "b.mean", "b.std", "b.min", "b.max", "b.median", NULL
  };
  for (size_t i = 0; expect[i]; i++)
    g_assert_cmpstr (out->channel_names[i], ==, expect[i]);
  g_assert_null (out->channel_names[10]);
}

static void
test_selection_order_is_fixed (void)
{
  g_autoptr (TdDataset) in = hand_made ();
  /* listed out of order and with a duplicate: output order stays canonical */
  g_autoptr (TdDataset) out = run ("[median, mean, median]", in, 1);
  g_assert_cmpuint (out->n_channels, ==, 4);
  g_assert_cmpstr (out->channel_names[0], ==, "a.mean");
  g_assert_cmpstr (out->channel_names[1], ==, "a.median");
  g_assert_cmpstr (out->channel_names[2], ==, "b.mean");
  g_assert_cmpstr (out->channel_names[3], ==, "b.median");
  const float *r0 = td_dataset_series (out, 0);
  g_assert_cmpfloat (r0[0], ==, 4.0f);
  g_assert_cmpfloat (r0[1], ==, 2.5f);
  g_assert_cmpfloat (r0[2], ==, 5.0f);
  g_assert_cmpfloat (r0[3], ==, 5.0f);
}

static void
test_bad_stats_rejected (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  const TdFeatureVTable *vt = vtable ();
  g_autoptr (TdContext) ctx = td_context_new (1);
  const char *bad[] = { "[mean, variance]", "[]" };

  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (TdParams) p = td_params_new_defaults (d->params, d->n_params, &error);
      g_assert_no_error (error);
      /* The core may already refuse it against the spec's choices; if it
       * does not, create() must. */
      if (!td_params_set_text (p, "stats", bad[i], &error))
        {
          g_assert_nonnull (error);
          continue;
        }
      TdFeature *f = vt->create (p, ctx, &error);
      g_assert_null (f);
      g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
    }
}

static void
test_length_beyond_steps_rejected (void)
{
  const TdFeatureVTable *vt = vtable ();
  g_autoptr (TdDataset) in = hand_made ();
  in->lengths[1] = 5;
  g_autoptr (TdParams) p = params_with (NULL);
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (GError) error = NULL;
  TdFeature *f = vt->create (p, ctx, &error);
  g_assert_no_error (error);
  TdDataset *out = vt->transform (f, in, ctx, &error);
  g_assert_null (out);
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  vt->destroy (f);
}

static void
test_matrix_input (void)
{
  g_autoptr (TdDataset) in = td_dataset_new (2, 1, 1, TD_TASK_BINARY, 2);
  in->x[0] = 2.5f;
  in->x[1] = -7.0f;
  g_autoptr (TdDataset) out = run (NULL, in, 1);
  const double e0[5] = { 2.5, 0, 2.5, 2.5, 2.5 };
  const double e1[5] = { -7, 0, -7, -7, -7 };
  assert_row (out, 0, 0, e0);
  assert_row (out, 1, 0, e1);
  g_assert_cmpstr (out->channel_names[0], ==, "c0.mean");
}

static void
test_cancelled (void)
{
  const TdFeatureVTable *vt = vtable ();
  g_autoptr (TdDataset) in = hand_made ();
  g_autoptr (TdParams) p = params_with (NULL);
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (GError) error = NULL;
  TdFeature *f = vt->create (p, ctx, &error);
  g_assert_no_error (error);
  td_context_cancel (ctx);
  TdDataset *out = vt->transform (f, in, ctx, &error);
  g_assert_null (out);
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_CANCELLED);
  vt->destroy (f);
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Orderings that break naive pivots (sorted, reversed, constant, organ
 * pipe, alternating, few distinct values), every length 1..64. */
static void
test_median_patterns (void)
{
  const size_t T = 64, n_patterns = 6;
  g_autoptr (TdDataset) in = td_dataset_new (n_patterns * T, T, 1, TD_TASK_BINARY, 2);
  in->lengths = g_new (guint32, in->n_series);
  for (size_t p = 0; p < n_patterns; p++)
    for (size_t len = 1; len <= T; len++)
      {
        size_t s = p * T + (len - 1);
        float *x = td_dataset_series (in, s);
        in->lengths[s] = (guint32) len;
        for (size_t t = 0; t < T; t++)
          {
            double v;
            switch (p)
              {
              case 0: v = (double) t; break;
              case 1: v = (double) (T - t); break;
              case 2: v = 3.5; break;
              case 3: v = (double) (t < len / 2 ? t : len - t); break;
              case 4: v = (t % 2) ? 100.0 + (double) t : -(double) t; break;
              default: v = (double) (t % 3); break;
              }
            x[t] = (float) v;
          }
      }

  g_autoptr (TdDataset) out = run ("[median]", in, 1);
  g_autofree double *v = g_new (double, T);
  for (size_t s = 0; s < in->n_series; s++)
    {
      size_t len = in->lengths[s];
      for (size_t t = 0; t < len; t++)
        v[t] = td_dataset_series (in, s)[t];
      qsort (v, len, sizeof *v, cmp_double);
      double med = len % 2 ? v[len / 2] : (v[len / 2 - 1] + v[len / 2]) / 2.0;
      g_assert_cmpfloat (td_dataset_series (out, s)[0], ==, (float) med);
    }
}

/* Random data with many ties (values rounded to a coarse grid), random
 * lengths: the median matches a sort, and 1, 2 and 3 threads give the same
 * bytes. Large enough to take the threaded path. */
static void
test_random_against_sort_and_threads (void)
{
  const size_t n = 301, T = 257, C = 3;
  g_autoptr (TdDataset) in = td_dataset_new (n, T, C, TD_TASK_BINARY, 2);
  g_autoptr (GRand) rng = g_rand_new_with_seed (12345);
  for (size_t i = 0; i < n * T * C; i++)
    in->x[i] = (float) floor (g_rand_double_range (rng, -20, 20)) / 4.0f;
  /* and infinities, which must not upset the selection */
  in->x[5 * C] = INFINITY;
  in->x[7 * C + 1] = -INFINITY;
  in->lengths = g_new (guint32, n);
  for (size_t s = 0; s < n; s++)
    in->lengths[s] = (guint32) g_rand_int_range (rng, 1, (gint32) T + 1);

  g_autoptr (TdDataset) out1 = run ("[median]", in, 1);
  g_autoptr (TdDataset) out2 = run ("[median]", in, 2);
  g_autoptr (TdDataset) out3 = run ("[median]", in, 3);
  g_assert_cmpmem (out1->x, n * C * sizeof (float), out2->x, n * C * sizeof (float));
  g_assert_cmpmem (out1->x, n * C * sizeof (float), out3->x, n * C * sizeof (float));

  g_autofree double *v = g_new (double, T);
  for (size_t s = 0; s < n; s++)
    for (size_t c = 0; c < C; c++)
      {
        size_t len = in->lengths[s];
        for (size_t t = 0; t < len; t++)
          v[t] = td_dataset_series (in, s)[t * C + c];
        qsort (v, len, sizeof *v, cmp_double);
        double med = len % 2 ? v[len / 2] : (v[len / 2 - 1] + v[len / 2]) / 2.0;
        g_assert_cmpfloat (td_dataset_series (out1, s)[c], ==, (float) med);
      }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/statistical/exact-values", test_exact_values);
  g_test_add_func ("/statistical/names", test_names);
  g_test_add_func ("/statistical/selection-order", test_selection_order_is_fixed);
  g_test_add_func ("/statistical/bad-stats", test_bad_stats_rejected);
  g_test_add_func ("/statistical/length-beyond-steps", test_length_beyond_steps_rejected);
  g_test_add_func ("/statistical/matrix-input", test_matrix_input);
  g_test_add_func ("/statistical/cancelled", test_cancelled);
  g_test_add_func ("/statistical/median-patterns", test_median_patterns);
  g_test_add_func ("/statistical/random-vs-sort-and-threads", test_random_against_sort_and_threads);
  return g_test_run ();
}
