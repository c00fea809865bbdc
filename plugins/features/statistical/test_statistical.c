/* Tests of the statistical feature: exact values on a hand-made dataset
 * (odd/even lengths, padding, NaN, empty series), names, the stats selection,
 * thread-count independence, the extra statistics on series with known
 * answers (a step, a spike train, a constant, a ramp), the histogram median
 * against a sort, and the numpy/scipy reference values of
 * tests/golden/features (made by make_features_golden.py there). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <tundish/tundish.h>

#include "feat_test_util.h"

/* The plugin's source is included, not linked, so the double-precision
 * check below can call its internal stats_of(). */
#include "statistical.c"

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
  /* Without stats the list of pairs ends at once: the defaults. */
  TdParams *p = td_testing_params (d, &error, stats ? "stats" : NULL, stats, NULL);
  g_assert_no_error (error);
  return p;
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


/* ------------------------------------------------ the extra statistics */

static const char *const all_stats =
  "[mean, std, min, max, median, skew, kurtosis, rms, peak_to_peak, crest_factor, last, slope]";

/* s0: a step 0 0 0 0 1 1 1 1; s1: a spike train 0 0 5 0 0 5 0 0;
 * s2: a constant 3 (x8); s3: a ramp 1..8; s4: NaN inside; s5: one value. */
static void
test_extra_known_answers (void)
{
  const char *ch[] = { "x", NULL };
  g_autoptr (TdDataset) in = tu_dataset (6, 8, ch);
  const double step[8] = { 0, 0, 0, 0, 1, 1, 1, 1 };
  const double spikes[8] = { 0, 0, 5, 0, 0, 5, 0, 0 };
  const double flat[8] = { 3, 3, 3, 3, 3, 3, 3, 3 };
  const double ramp[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  const double holed[8] = { 1, 2, NAN, 4, 5, 6, 7, 8 };
  tu_set_channel (in, 0, 0, step, 8);
  tu_set_channel (in, 1, 0, spikes, 8);
  tu_set_channel (in, 2, 0, flat, 8);
  tu_set_channel (in, 3, 0, ramp, 8);
  tu_set_channel (in, 4, 0, holed, 8);
  tu_set_channel (in, 5, 0, ramp, 8);
  in->lengths = g_new (guint32, 6);
  for (size_t s = 0; s < 6; s++)
    in->lengths[s] = s == 5 ? 1 : 8;

  const char *kv[] = { NULL, NULL };
  g_autofree char *stats = g_strdup_printf ("stats=%s", all_stats);
  kv[0] = stats;
  g_autoptr (TdDataset) out = tu_run (feat_statistical_descriptor (), kv, in, in, 1, NULL);
  g_assert_cmpuint (out->n_channels, ==, 12);

  /* step: mean 0.5, m2 = 0.25, m3 = 0, m4 = 0.0625 -> skew 0, kurtosis -2;
   * rms sqrt(0.5); crest 1/sqrt(0.5); slope = sum (t - 3.5)(x - 0.5) / 42 = 8/42 */
  tu_assert_close (tu_value (out, 0, "x.skew"), 0.0, 0, 1e-7, "step skew");
  tu_assert_close (tu_value (out, 0, "x.kurtosis"), -2.0, 1e-6, 0, "step kurtosis");
  tu_assert_close (tu_value (out, 0, "x.rms"), sqrt (0.5), 1e-6, 0, "step rms");
  tu_assert_close (tu_value (out, 0, "x.crest_factor"), 1.0 / sqrt (0.5), 1e-6, 0, "step crest");
  tu_assert_close (tu_value (out, 0, "x.peak_to_peak"), 1.0, 0, 0, "step ptp");
  tu_assert_close (tu_value (out, 0, "x.last"), 1.0, 0, 0, "step last");
  tu_assert_close (tu_value (out, 0, "x.slope"), 8.0 / 42.0, 1e-6, 0, "step slope");
  tu_assert_close (tu_value (out, 0, "x.median"), 0.5, 0, 0, "step median");

  /* spike train: mean 1.25, deviations -1.25 (x6), 3.75 (x2):
   * m2 = (6·1.5625 + 2·14.0625)/8 = 4.6875, m3 = (6·-1.953125 + 2·52.734375)/8
   * = 11.71875, m4 = (6·2.44140625 + 2·197.75390625)/8 = 51.26953125 */
  double m2 = 4.6875, m3 = 11.71875, m4 = 51.26953125;
  tu_assert_close (tu_value (out, 1, "x.skew"), m3 / pow (m2, 1.5), 1e-6, 0, "spike skew");
  tu_assert_close (tu_value (out, 1, "x.kurtosis"), m4 / (m2 * m2) - 3.0, 1e-6, 0,
                   "spike kurtosis");
  tu_assert_close (tu_value (out, 1, "x.rms"), sqrt (50.0 / 8.0), 1e-6, 0, "spike rms");
  tu_assert_close (tu_value (out, 1, "x.crest_factor"), 5.0 / sqrt (50.0 / 8.0), 1e-6, 0,
                   "spike crest");
  tu_assert_close (tu_value (out, 1, "x.median"), 0.0, 0, 0, "spike median");

  /* constant: no spread, so skew and kurtosis are NaN (scipy), slope 0 */
  tu_assert_close (tu_value (out, 2, "x.std"), 0.0, 0, 0, "flat std");
  g_assert_true (isnan (tu_value (out, 2, "x.skew")));
  g_assert_true (isnan (tu_value (out, 2, "x.kurtosis")));
  tu_assert_close (tu_value (out, 2, "x.slope"), 0.0, 0, 0, "flat slope");
  tu_assert_close (tu_value (out, 2, "x.crest_factor"), 1.0, 1e-7, 0, "flat crest");

  /* ramp: slope exactly 1 per step, skew 0, kurtosis of a discrete uniform */
  tu_assert_close (tu_value (out, 3, "x.slope"), 1.0, 1e-7, 0, "ramp slope");
  tu_assert_close (tu_value (out, 3, "x.skew"), 0.0, 0, 1e-7, "ramp skew");
  tu_assert_close (tu_value (out, 3, "x.kurtosis"), -6.0 * (64 + 1) / (5.0 * (64 - 1)), 1e-6, 0,
                   "ramp kurtosis");

  /* NaN inside: every statistic NaN */
  for (size_t k = 0; k < out->n_channels; k++)
    g_assert_true (isnan (td_dataset_series (out, 4)[k]));

  /* one value: slope NaN, std 0 (ddof 0), last = the value */
  g_assert_true (isnan (tu_value (out, 5, "x.slope")));
  tu_assert_close (tu_value (out, 5, "x.std"), 0.0, 0, 0, "single std");
  tu_assert_close (tu_value (out, 5, "x.last"), 1.0, 0, 0, "single last");
}

static void
test_ddof (void)
{
  g_autoptr (TdDataset) in = hand_made ();
  const char *kv[] = { "stats=[std]", "ddof=1", NULL };
  g_autoptr (TdDataset) out = tu_run (feat_statistical_descriptor (), kv, in, in, 1, NULL);
  /* s0 a = 1 2 3 10: sum of squares 50 over n - 1 = 3 */
  tu_assert_close (tu_value (out, 0, "a.std"), sqrt (50.0 / 3.0), 1e-7, 0, "ddof 1");
  /* s2 has one value: n - ddof = 0 -> NaN */
  g_assert_true (isnan (tu_value (out, 2, "a.std")));
}

/* The histogram median on long series with ties, outliers, a value range
 * dominated by one spike, negative values and infinities, against a sort. */
static void
test_histogram_median (void)
{
  const size_t n = 40, T = 3001;
  const char *ch[] = { "x", NULL };
  g_autoptr (TdDataset) in = tu_dataset (n, T, ch);
  in->lengths = g_new (guint32, n);
  g_autoptr (GRand) rng = g_rand_new_with_seed (99);
  for (size_t s = 0; s < n; s++)
    {
      in->lengths[s] = (guint32) (T - (s % 7) * 13 - (s % 2));   /* odd and even */
      for (size_t t = 0; t < T; t++)
        {
          double v;
          switch (s % 5)
            {
            case 0: v = 1520 + 10 * g_rand_double_range (rng, -1, 1); break;
            case 1: v = floor (g_rand_double_range (rng, 0, 4)); break;   /* 4 values */
            case 2: v = t == 17 ? 1e30 : g_rand_double_range (rng, -2, -1); break;
            case 3: v = t % 2 ? 7.0 : -7.0; break;                        /* two values */
            default: v = t == 5 ? INFINITY : (t == 9 ? -INFINITY : g_rand_double (rng)); break;
            }
          tu_set (in, s, t, 0, (float) v);
        }
    }
  g_autoptr (TdDataset) out = tu_run (feat_statistical_descriptor (), (const char *[]) {
                                        "stats=[median]", NULL }, in, in, 2, NULL);
  g_autofree double *v = g_new (double, T);
  for (size_t s = 0; s < n; s++)
    {
      size_t len = in->lengths[s];
      for (size_t t = 0; t < len; t++)
        v[t] = td_dataset_series (in, s)[t];
      qsort (v, len, sizeof *v, cmp_double);
      double med = len % 2 ? v[len / 2] : (v[len / 2 - 1] + v[len / 2]) / 2.0;
      g_assert_cmpfloat (td_dataset_series (out, s)[0], ==, (float) med);
    }
}

/* ---------------------------------------------------- numpy reference */

static void
test_golden_numpy (void)
{
  g_autoptr (TdDataset) in = tu_golden_casts (FEATURES_GOLDEN_DIR);
  g_autofree char *p56 = g_build_filename (FEATURES_GOLDEN_DIR, "expected_peer56.csv", NULL);
  g_autofree char *pst = g_build_filename (FEATURES_GOLDEN_DIR, "expected_stats.csv", NULL);
  g_autoptr (TuCsv) peer = tu_csv_read (p56);
  g_autoptr (TuCsv) extra = tu_csv_read (pst);
  g_assert_cmpuint (peer->n_rows, ==, in->n_series);
  g_assert_cmpuint (extra->n_rows, ==, in->n_series);

  /* the peer's five (std with ddof 1) */
  const char *kv1[] = { "ddof=1", NULL };
  g_autoptr (TdDataset) out1 = tu_run (feat_statistical_descriptor (), kv1, in, in, 2, NULL);
  /* the extra statistics (std with ddof 0 as std0) */
  g_autofree char *stats = g_strdup_printf ("stats=%s", all_stats);
  const char *kv0[] = { stats, NULL };
  g_autoptr (TdDataset) out0 = tu_run (feat_statistical_descriptor (), kv0, in, in, 1, NULL);

  const char *five[] = { "mean", "std", "min", "max", "median" };
  const char *more[] = { "std0", "skew", "kurtosis", "rms", "peak_to_peak", "crest_factor",
                         "last", "slope" };
  size_t checked = 0;
  for (size_t s = 0; s < in->n_series; s++)
    for (size_t c = 0; c < in->n_channels; c++)
      {
        const char *ch = in->channel_names[c];
        for (size_t k = 0; k < G_N_ELEMENTS (five); k++)
          {
            g_autofree char *col = g_strdup_printf ("%s__%s", ch, five[k]);
            g_autofree char *mine = g_strdup_printf ("%s.%s", ch, five[k]);
            gssize j = tu_csv_column (peer, col);
            g_assert_cmpint (j, >=, 0);
            /* the output is float32: compare the float of the reference */
            double expect = (float) peer->v[s * peer->n_cols + (size_t) j];
            tu_assert_close (tu_value (out1, s, mine), expect, 0, 0, col);
            checked++;
          }
        for (size_t k = 0; k < G_N_ELEMENTS (more); k++)
          {
            g_autofree char *col = g_strdup_printf ("%s__%s", ch, more[k]);
            g_autofree char *mine = g_strdup_printf ("%s.%s", ch, k == 0 ? "std" : more[k]);
            gssize j = tu_csv_column (extra, col);
            g_assert_cmpint (j, >=, 0);
            double expect = extra->v[s * extra->n_cols + (size_t) j];
            /* numpy's least squares leaves ~1e-16 where the slope is 0 */
            double abs_tol = k == 7 ? 1e-12 : 0.0;
            tu_assert_close (tu_value (out0, s, mine), (float) expect, 0, abs_tol, col);
            checked++;
          }
      }
  g_assert_cmpuint (checked, ==, in->n_series * in->n_channels * 13);
}

/* In double, before the float32 output, every statistic is within 1e-9
 * relative of numpy/scipy: checked through the internal function on the same
 * data. */
static void
test_golden_numpy_double (void)
{
  g_autoptr (TdDataset) in = tu_golden_casts (FEATURES_GOLDEN_DIR);
  g_autofree char *p56 = g_build_filename (FEATURES_GOLDEN_DIR, "expected_peer56.csv", NULL);
  g_autofree char *pst = g_build_filename (FEATURES_GOLDEN_DIR, "expected_stats.csv", NULL);
  g_autoptr (TuCsv) peer = tu_csv_read (p56);
  g_autoptr (TuCsv) extra = tu_csv_read (pst);
  g_autoptr (GError) error = NULL;
  g_autoptr (TdParams) p = tu_params (feat_statistical_descriptor (),
                                      (const char *[]) { "ddof=1", NULL });
  g_autoptr (TdContext) ctx = td_context_new (1);
  TdFeature *f = statistical_create (p, ctx, &error);
  g_assert_no_error (error);
  for (int k = 0; k < ST_N; k++)
    f->need[k] = TRUE;
  size_t T = in->n_steps;
  g_autofree float *v = g_new (float, T);
  g_autofree float *tmp = g_new (float, T);
  g_autofree guint16 *bins = g_new (guint16, T);
  double st[ST_N];
  for (size_t s = 0; s < in->n_series; s++)
    for (size_t c = 0; c < in->n_channels; c++)
      {
        for (size_t t = 0; t < T; t++)
          v[t] = td_dataset_series (in, s)[t * in->n_channels + c];
        stats_of (f, v, T, tmp, bins, st);
        const char *ch = in->channel_names[c];
        const struct { const TuCsv *csv; const char *col; int k; double abs_tol; } cases[] = {
          { peer, "mean", ST_MEAN, 0 }, { peer, "std", ST_STD, 0 }, { peer, "min", ST_MIN, 0 },
          { peer, "max", ST_MAX, 0 }, { peer, "median", ST_MEDIAN, 0 },
          { extra, "skew", ST_SKEW, 0 }, { extra, "kurtosis", ST_KURTOSIS, 0 },
          { extra, "rms", ST_RMS, 0 }, { extra, "peak_to_peak", ST_PTP, 0 },
          { extra, "crest_factor", ST_CREST, 0 }, { extra, "last", ST_LAST, 0 },
          { extra, "slope", ST_SLOPE, 1e-12 },
        };
        for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
          {
            g_autofree char *col = g_strdup_printf ("%s__%s", ch, cases[i].col);
            gssize j = tu_csv_column (cases[i].csv, col);
            g_assert_cmpint (j, >=, 0);
            double expect = cases[i].csv->v[s * cases[i].csv->n_cols + (size_t) j];
            tu_assert_close (st[cases[i].k], expect, 1e-9, cases[i].abs_tol, col);
          }
      }
  statistical_destroy (f);
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
  g_test_add_func ("/statistical/extra-known-answers", test_extra_known_answers);
  g_test_add_func ("/statistical/ddof", test_ddof);
  g_test_add_func ("/statistical/histogram-median", test_histogram_median);
  g_test_add_func ("/statistical/golden-numpy", test_golden_numpy);
  g_test_add_func ("/statistical/golden-numpy-double", test_golden_numpy_double);
  return g_test_run ();
}
