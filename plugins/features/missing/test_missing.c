/* test_missing.c — the `missing` transform: forward/back fill on hand-made
 * series (leading, inner and trailing NaNs, padding, an empty channel), the
 * counts column, drop on the fitted split only, error, leakage (the fitted
 * state depends on the training split only), save/load. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

static const TdFeatureVTable *
vt (void)
{
  return td_plugin_descriptor (0)->vtable;
}

static TdParams *
params (const char *policy, const char *otherwise, const char *empty)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_autoptr (GError) e = NULL;
  g_autoptr (TdParams) p = td_params_new_defaults (d->params, d->n_params, &e);
  g_assert_no_error (e);
  if (policy)
    g_assert_true (td_params_set_text (p, "policy", policy, &e));
  if (otherwise)
    g_assert_true (td_params_set_text (p, "drop_otherwise", otherwise, &e));
  if (empty)
    g_assert_true (td_params_set_text (p, "empty", empty, &e));
  g_assert_no_error (e);
  return g_steal_pointer (&p);
}

/* 4 series × 5 steps × 2 channels (a, b), ids first_id.., lengths 5, 5, 3, 5.
 *   s0: a = NaN NaN 3 NaN 5      b = 1 2 3 4 5         (leading, inner NaN)
 *   s1: a = 1 2 3 4 5            b = 1 2 3 4 5         (clean)
 *   s2: a = 7 NaN 9 | NaN NaN    b = 1 1 1 | NaN 0     (NaN in padding ignored)
 *   s3: a = 1 1 1 1 NaN          b = NaN ×5            (trailing; empty channel) */
static TdDataset *
hand_made (gint64 first_id)
{
  static const float a[4][5] = {
    { NAN, NAN, 3, NAN, 5 }, { 1, 2, 3, 4, 5 }, { 7, NAN, 9, NAN, NAN }, { 1, 1, 1, 1, NAN },
  };
  static const float b[4][5] = {
    { 1, 2, 3, 4, 5 }, { 1, 2, 3, 4, 5 }, { 1, 1, 1, NAN, 0 }, { NAN, NAN, NAN, NAN, NAN },
  };
  TdDataset *ds = td_dataset_new (4, 5, 2, TD_TASK_BINARY, 2);
  ds->lengths = g_new (guint32, 4);
  const guint32 len[4] = { 5, 5, 3, 5 };
  for (size_t s = 0; s < 4; s++)
    {
      float *x = td_dataset_series (ds, s);
      for (size_t t = 0; t < 5; t++)
        {
          x[t * 2] = a[s][t];
          x[t * 2 + 1] = b[s][t];
        }
      ds->lengths[s] = len[s];
      ds->y[s] = s % 2;
      ds->series_id[s] = first_id + (gint64) s;
    }
  td_dataset_set_channel_name (ds, 0, "a");
  td_dataset_set_channel_name (ds, 1, "b");
  return ds;
}

/* A clean training split: a = 10 everywhere, b = 2, 4 (mean 3). */
static TdDataset *
clean_train (void)
{
  TdDataset *ds = td_dataset_new (2, 5, 2, TD_TASK_BINARY, 2);
  for (size_t s = 0; s < 2; s++)
    for (size_t t = 0; t < 5; t++)
      {
        td_dataset_series (ds, s)[t * 2] = 10;
        td_dataset_series (ds, s)[t * 2 + 1] = s == 0 ? 2 : 4;
      }
  ds->series_id[0] = 100;
  ds->series_id[1] = 101;
  ds->y[1] = 1;
  td_dataset_set_channel_name (ds, 0, "a");
  td_dataset_set_channel_name (ds, 1, "b");
  return ds;
}

static TdFeature *
fitted (TdParams *p, const TdDataset *train, TdContext *ctx)
{
  g_autoptr (GError) e = NULL;
  TdFeature *f = vt ()->create (p, ctx, &e);
  g_assert_no_error (e);
  g_assert_true (vt ()->fit (f, train, ctx, &e));
  g_assert_no_error (e);
  return f;
}

static void
assert_channel (const TdDataset *ds, size_t s, size_t c, const float *want, size_t n)
{
  const float *x = td_dataset_series (ds, s);
  for (size_t t = 0; t < n; t++)
    if (isnan (want[t]))
      g_assert_true (isnan (x[t * ds->n_channels + c]));
    else
      g_assert_cmpfloat (x[t * ds->n_channels + c], ==, want[t]);
}

static void
test_descriptor (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_assert_nonnull (d);
  g_assert_null (td_plugin_descriptor (1));
  g_assert_cmpstr (d->name, ==, "missing");
  g_assert_cmpint (d->kind, ==, TD_KIND_FEATURE);
  g_assert_cmpint (vt ()->role, ==, TD_FEATURE_TRANSFORM);
  g_assert_cmpuint (vt ()->accepts, ==, TD_DATA_SEQUENCE);
  g_assert_nonnull (vt ()->fit);
  g_assert_nonnull (vt ()->save);
  g_assert_nonnull (vt ()->load);
  g_autoptr (TdParams) p = params (NULL, NULL, NULL);
  g_assert_cmpstr (td_params_get_string (p, "policy"), ==, "ffill");
  g_autoptr (GError) e = NULL;
  g_assert_false (td_params_set_text (p, "policy", "interpolate", &e));
  g_assert_nonnull (e);
}

static void
test_ffill_known_answers (void)
{
  g_autoptr (TdParams) p = params ("ffill", NULL, NULL);
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (TdDataset) train = clean_train ();
  g_autoptr (TdDataset) in = hand_made (0);
  TdFeature *f = fitted (p, train, ctx);
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) out = vt ()->transform (f, in, ctx, &e);
  g_assert_no_error (e);
  vt ()->destroy (f);

  g_assert_cmpuint (out->n_series, ==, 4);
  g_assert_cmpuint (out->n_steps, ==, 5);
  g_assert_cmpuint (out->n_channels, ==, 2);
  g_assert_cmpstr (out->channel_names[0], ==, "a");
  g_assert_cmpstr (out->channel_names[1], ==, "b");
  const float s0a[] = { 3, 3, 3, 3, 5 }, s0b[] = { 1, 2, 3, 4, 5 };
  const float s1[] = { 1, 2, 3, 4, 5 };
  const float s2a[] = { 7, 7, 9, NAN, NAN }, s2b[] = { 1, 1, 1, NAN, 0 };
  const float s3a[] = { 1, 1, 1, 1, 1 }, s3b[] = { 3, 3, 3, 3, 3 };   /* train mean of b */
  assert_channel (out, 0, 0, s0a, 5);
  assert_channel (out, 0, 1, s0b, 5);
  assert_channel (out, 1, 0, s1, 5);
  assert_channel (out, 1, 1, s1, 5);
  assert_channel (out, 2, 0, s2a, 5);   /* padding untouched */
  assert_channel (out, 2, 1, s2b, 5);
  assert_channel (out, 3, 0, s3a, 5);
  assert_channel (out, 3, 1, s3b, 5);

  const TdMetaColumn *col = td_dataset_find_meta (out, "missing_filled");
  g_assert_nonnull (col);
  g_assert_nonnull (col->num);
  const double want[] = { 3, 0, 1, 6 };
  for (size_t s = 0; s < 4; s++)
    g_assert_cmpfloat (col->num[s], ==, want[s]);
  g_assert_nonnull (out->lengths);
  g_assert_cmpuint (out->lengths[2], ==, 3);
  for (size_t s = 0; s < 4; s++)
    {
      g_assert_cmpfloat (out->y[s], ==, in->y[s]);
      g_assert_cmpint (out->series_id[s], ==, in->series_id[s]);
    }
  /* the input is never modified */
  g_assert_true (isnan (td_dataset_series (in, 0)[0]));
}

static void
test_counts_accumulate (void)
{
  g_autoptr (TdParams) p = params (NULL, NULL, NULL);
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (TdDataset) train = clean_train ();
  g_autoptr (TdDataset) in = hand_made (0);
  TdFeature *f = fitted (p, train, ctx);
  g_autoptr (TdDataset) once = vt ()->transform (f, in, ctx, NULL);
  /* A second stage finds nothing to fill; the column keeps the first counts. */
  g_autoptr (TdDataset) twice = vt ()->transform (f, once, ctx, NULL);
  vt ()->destroy (f);
  g_assert_cmpuint (twice->meta->len, ==, 1);
  const TdMetaColumn *col = td_dataset_find_meta (twice, "missing_filled");
  g_assert_cmpfloat (col->num[0], ==, 3);
  g_assert_cmpfloat (col->num[3], ==, 6);
}

static void
test_empty_channel (void)
{
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (TdDataset) in = hand_made (0);
  g_autoptr (TdDataset) train = clean_train ();
  g_autoptr (GError) e = NULL;

  /* empty: error */
  g_autoptr (TdParams) p = params ("ffill", NULL, "error");
  TdFeature *f = fitted (p, train, ctx);
  TdDataset *out = vt ()->transform (f, in, ctx, &e);
  g_assert_null (out);
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (e->message, "series 3"));
  g_assert_nonnull (strstr (e->message, "\"b\""));
  vt ()->destroy (f);
  g_clear_error (&e);

  /* not fitted: no training mean to fall back on */
  g_autoptr (TdParams) q = params (NULL, NULL, NULL);
  f = vt ()->create (q, ctx, &e);
  out = vt ()->transform (f, in, ctx, &e);
  g_assert_null (out);
  g_assert_nonnull (strstr (e->message, "not fitted"));
  vt ()->destroy (f);
}

static void
test_error_policy (void)
{
  g_autoptr (TdParams) p = params ("error", NULL, NULL);
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (TdDataset) train = clean_train ();
  g_autoptr (TdDataset) in = hand_made (40);
  TdFeature *f = fitted (p, train, ctx);
  g_autoptr (GError) e = NULL;
  TdDataset *out = vt ()->transform (f, in, ctx, &e);
  g_assert_null (out);
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  /* first NaN: series id 40, channel a, step 0; 3 + 1 + 6 NaN within lengths in 3 series */
  g_assert_nonnull (strstr (e->message, "series 40 has NaN in channel \"a\" at step 0"));
  g_assert_nonnull (strstr (e->message, "10 NaN values in 3 of 4 series"));
  g_clear_error (&e);
  /* clean data passes, with a zero counts column */
  g_autoptr (TdDataset) ok = vt ()->transform (f, train, ctx, &e);
  g_assert_no_error (e);
  g_assert_cmpmem (ok->x, 20 * sizeof (float), train->x, 20 * sizeof (float));
  const TdMetaColumn *col = td_dataset_find_meta (ok, "missing_filled");
  g_assert_cmpfloat (col->num[0] + col->num[1], ==, 0);
  vt ()->destroy (f);
}

static void
test_drop_on_fitted_split_only (void)
{
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (TdDataset) train = hand_made (0);
  g_autoptr (TdDataset) test = hand_made (10);   /* same values, other ids */
  g_autoptr (GError) e = NULL;

  g_autoptr (TdParams) p = params ("drop", NULL, NULL);
  TdFeature *f = fitted (p, train, ctx);
  g_autoptr (TdDataset) tr = vt ()->transform (f, train, ctx, &e);
  g_assert_no_error (e);
  g_assert_cmpuint (tr->n_series, ==, 1);            /* only s1 is clean */
  g_assert_cmpint (tr->series_id[0], ==, 1);
  g_assert_cmpfloat (tr->y[0], ==, 1);
  g_assert_cmpuint (tr->lengths[0], ==, 5);
  g_assert_cmpfloat (td_dataset_find_meta (tr, "missing_filled")->num[0], ==, 0);

  /* the test split keeps every series: forward filled */
  g_autoptr (TdDataset) te = vt ()->transform (f, test, ctx, &e);
  g_assert_no_error (e);
  g_assert_cmpuint (te->n_series, ==, 4);
  const float s0a[] = { 3, 3, 3, 3, 5 };
  assert_channel (te, 0, 0, s0a, 5);
  /* b of s3 is empty: the training mean of b over valid steps, (15 + 15 + 3) / 13 */
  const float m = (float) (33.0 / 13.0);
  const float s3b[] = { m, m, m, m, m };
  assert_channel (te, 3, 1, s3b, 5);
  vt ()->destroy (f);

  /* drop_otherwise: error */
  g_autoptr (TdParams) q = params ("drop", "error", NULL);
  f = fitted (q, train, ctx);
  TdDataset *bad = vt ()->transform (f, test, ctx, &e);
  g_assert_null (bad);
  g_assert_nonnull (strstr (e->message, "series 10 has NaN"));
  vt ()->destroy (f);
}

static char *
saved_state (TdFeature *f, const char *dir, const char *leaf)
{
  g_autofree char *path = g_build_filename (dir, leaf, NULL);
  g_autoptr (GError) e = NULL;
  g_assert_true (vt ()->save (f, path, &e));
  g_assert_no_error (e);
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_unlink (path);
  return text;
}

/* Fitted state depends on the training split only: transforming (any number
 * of) other splits never changes it, while a different training split does. */
static void
test_leakage (void)
{
  g_autofree char *dir = g_dir_make_tmp ("td-missing-XXXXXX", NULL);
  g_autoptr (TdParams) p = params (NULL, NULL, NULL);
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (TdDataset) train = hand_made (0);
  g_autoptr (TdDataset) test = hand_made (10);
  TdFeature *f = fitted (p, train, ctx);
  g_autofree char *before = saved_state (f, dir, "a");
  g_autoptr (TdDataset) o1 = vt ()->transform (f, test, ctx, NULL);
  for (size_t i = 0; i < test->n_series * 10; i++)
    test->x[i] = isnan (test->x[i]) ? NAN : test->x[i] * 100 + 7;
  g_autoptr (TdDataset) o2 = vt ()->transform (f, test, ctx, NULL);
  g_autofree char *after = saved_state (f, dir, "b");
  g_assert_cmpstr (before, ==, after);
  /* The empty channel of test series 3 is filled from training values, not test values. */
  g_assert_cmpfloat (td_dataset_series (o1, 3)[1], ==, td_dataset_series (o2, 3)[1]);
  vt ()->destroy (f);

  g_autoptr (TdDataset) train2 = hand_made (0);
  td_dataset_series (train2, 1)[1] = 100;   /* one training value changes the state */
  f = fitted (p, train2, ctx);
  g_autofree char *other = saved_state (f, dir, "c");
  g_assert_cmpstr (before, !=, other);
  vt ()->destroy (f);
  g_rmdir (dir);
}

static void
test_save_load (void)
{
  g_autofree char *dir = g_dir_make_tmp ("td-missing-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "state", NULL);
  g_autoptr (TdParams) p = params (NULL, NULL, NULL);
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (TdDataset) train = clean_train ();
  td_dataset_series (train, 0)[1] = 2.1f;   /* a mean that needs every digit */
  g_autoptr (TdDataset) in = hand_made (0);
  g_autoptr (GError) e = NULL;
  TdFeature *f = fitted (p, train, ctx);
  g_autoptr (TdDataset) a = vt ()->transform (f, in, ctx, &e);
  g_assert_true (vt ()->save (f, path, &e));
  g_assert_no_error (e);
  vt ()->destroy (f);
  TdFeature *g = vt ()->load (p, path, ctx, &e);
  g_assert_no_error (e);
  g_autoptr (TdDataset) b = vt ()->transform (g, in, ctx, &e);
  g_assert_no_error (e);
  g_assert_cmpmem (a->x, 40 * sizeof (float), b->x, 40 * sizeof (float));
  vt ()->destroy (g);

  /* channels are checked against the fitted ones */
  td_dataset_set_channel_name (in, 1, "c");
  g = vt ()->load (p, path, ctx, &e);
  TdDataset *bad = vt ()->transform (g, in, ctx, &e);
  g_assert_null (bad);
  g_assert_nonnull (strstr (e->message, "fitted on \"b\""));
  g_clear_error (&e);
  vt ()->destroy (g);

  g_assert_true (g_file_set_contents (path, "garbage", -1, NULL));
  g = vt ()->load (p, path, ctx, &e);
  g_assert_null (g);
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/missing/descriptor", test_descriptor);
  g_test_add_func ("/missing/ffill-known-answers", test_ffill_known_answers);
  g_test_add_func ("/missing/counts-accumulate", test_counts_accumulate);
  g_test_add_func ("/missing/empty-channel", test_empty_channel);
  g_test_add_func ("/missing/error-policy", test_error_policy);
  g_test_add_func ("/missing/drop-on-fitted-split-only", test_drop_on_fitted_split_only);
  g_test_add_func ("/missing/leakage", test_leakage);
  g_test_add_func ("/missing/save-load", test_save_load);
  return g_test_run ();
}
