/* aug_test_util.c — see aug_test_util.h. */
#include "aug_test_util.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

#include "augment_common.h"

#define PAD_VALUE (-999.0f)

TdDataset *
aug_test_data (size_t n, size_t steps, gboolean ragged, guint64 seed)
{
  TdDataset *ds = td_dataset_new (n, steps, 3, TD_TASK_BINARY, 2);
  ds->class_names = g_new0 (char *, 3);
  ds->class_names[0] = g_strdup ("good");
  ds->class_names[1] = g_strdup ("defect");
  td_dataset_set_channel_name (ds, 0, "label");
  td_dataset_set_channel_name (ds, 1, "ramp");
  td_dataset_set_channel_name (ds, 2, "temperature");
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, seed);
  if (ragged)
    ds->lengths = g_new (guint32, n);
  g_autofree double *p = g_new (double, n);
  g_autofree char **kind = g_new0 (char *, n + 1);
  for (size_t s = 0; s < n; s++)
    {
      ds->y[s] = s % 5 == 0 ? 1.0 : 0.0;
      ds->series_id[s] = (gint64) (100 + s);
      ds->group[s] = (gint64) (s / 3);
      p[s] = (double) s / (double) n;
      kind[s] = g_strdup_printf ("kind-%zu", s % 7);
      size_t len = ragged ? steps / 2 + gsl_rng_uniform_int (rng, steps - steps / 2 + 1) : steps;
      if (ragged)
        ds->lengths[s] = (guint32) len;
      float *x = td_dataset_series (ds, s);
      double phase = gsl_rng_uniform (rng) * 6.283;
      for (size_t t = 0; t < steps; t++)
        {
          gboolean valid = t < len;
          x[t * 3 + 0] = valid ? (float) ds->y[s] : PAD_VALUE;
          x[t * 3 + 1] = valid ? (float) t : PAD_VALUE;
          x[t * 3 + 2] = valid ? (float) (1500.0 + 10.0 * sin (phase + 0.2 * (double) t)
                                          + gsl_ran_gaussian (rng, 2.0))
                               : PAD_VALUE;
        }
    }
  td_dataset_add_meta_num (ds, "p", p);
  td_dataset_add_meta_str (ds, "kind", (const char *const *) kind);
  for (size_t s = 0; s < n; s++)
    g_free (kind[s]);
  gsl_rng_free (rng);
  return ds;
}

TdParams *
aug_test_params (const TdPluginDescriptor *d, const char *const *settings)
{
  g_autoptr (GError) error = NULL;
  TdParams *p = td_testing_params_strv (d, settings, &error);
  g_assert_no_error (error);
  return p;
}

TdDataset *
aug_test_apply (const TdPluginDescriptor *d, const TdParams *p, const TdDataset *train,
                guint64 seed, GError **error)
{
  const TdAugmentVTable *v = d->vtable;
  g_autoptr (TdContext) ctx = td_context_new (seed);
  return v->apply (p, train, ctx, error);
}

size_t
aug_test_index_of (const TdDataset *train, gint64 id)
{
  for (size_t s = 0; s < train->n_series; s++)
    if (train->series_id[s] == id)
      return s;
  g_error ("no series with id %" G_GINT64_FORMAT, id);
  return 0;
}

static void
check_meta_row (const TdDataset *a, size_t ra, const TdDataset *b, size_t rb)
{
  for (guint m = 0; m < a->meta->len; m++)
    {
      const TdMetaColumn *ca = a->meta->pdata[m];
      if (strcmp (ca->name, AUG_FROM_COLUMN) == 0)
        continue;
      const TdMetaColumn *cb = td_dataset_find_meta (b, ca->name);
      g_assert_nonnull (cb);
      if (ca->num)
        {
          g_assert_nonnull (cb->num);
          g_assert_cmpfloat (ca->num[ra], ==, cb->num[rb]);
        }
      else
        g_assert_cmpstr (ca->str[ra], ==, cb->str[rb]);
    }
}

void
aug_test_check_contract (const TdDataset *train, const TdDataset *out, size_t n_added,
                         gboolean soft)
{
  size_t n = train->n_series, nc = train->n_channels, row = train->n_steps * nc;
  g_assert_cmpuint (out->n_series, ==, n + n_added);
  g_assert_cmpuint (out->n_steps, ==, train->n_steps);
  g_assert_cmpuint (out->n_channels, ==, nc);
  g_assert_cmpint (out->task, ==, train->task);
  g_assert_cmpuint (out->n_classes, ==, train->n_classes);
  g_assert_true ((out->lengths == NULL) == (train->lengths == NULL));
  for (size_t c = 0; c < nc; c++)
    g_assert_cmpstr (out->channel_names[c], ==, train->channel_names[c]);
  if (train->class_names)
    for (size_t k = 0; train->class_names[k]; k++)
      g_assert_cmpstr (out->class_names[k], ==, train->class_names[k]);
  /* Every column of train plus augmented_from (unless train had it). */
  gboolean had_from = td_dataset_find_meta (train, AUG_FROM_COLUMN) != NULL;
  g_assert_cmpuint (out->meta->len, ==, train->meta->len + (had_from ? 0 : 1));
  const TdMetaColumn *from = td_dataset_find_meta (out, AUG_FROM_COLUMN);
  const TdMetaColumn *train_from = td_dataset_find_meta (train, AUG_FROM_COLUMN);
  g_assert_nonnull (from);
  g_assert_nonnull (from->num);

  /* Originals: untouched, in order. */
  g_assert_cmpmem (out->x, n * row * sizeof (float), train->x, n * row * sizeof (float));
  for (size_t s = 0; s < n; s++)
    {
      g_assert_cmpfloat (out->y[s], ==, train->y[s]);
      g_assert_cmpint (out->series_id[s], ==, train->series_id[s]);
      g_assert_cmpint (out->group[s], ==, train->group[s]);
      if (train->lengths)
        g_assert_cmpuint (out->lengths[s], ==, train->lengths[s]);
      check_meta_row (train, s, out, s);
      g_assert_cmpfloat (from->num[s], ==,
                         train_from ? train_from->num[s] : (double) train->series_id[s]);
    }

  /* Added rows: bookkeeping of an original source (its root). */
  for (size_t k = n; k < n + n_added; k++)
    {
      g_assert_cmpint (out->series_id[k], ==, -1);
      gint64 root = (gint64) from->num[k];
      g_assert_cmpfloat ((double) root, ==, from->num[k]);
      g_assert_cmpint (root, >=, 0);
      /* The root is an original; it must be the source, or (for chains) the
       * root of a source, so look it up among train's roots. */
      size_t src = G_MAXSIZE;
      for (size_t s = 0; s < n && src == G_MAXSIZE; s++)
        if ((train_from ? train_from->num[s] : (double) train->series_id[s]) == (double) root)
          src = s;
      g_assert_cmpuint (src, !=, G_MAXSIZE);
      g_assert_cmpint (out->group[k], ==, train->group[src]);
      check_meta_row (train, src, out, k);
      size_t len = td_dataset_length (train, src);
      if (train->lengths)
        g_assert_cmpuint (out->lengths[k], ==, len);
      /* Padding is the source's, untouched. */
      const float *a = td_dataset_series (train, src), *b = td_dataset_series (out, k);
      g_assert_cmpmem (b + len * nc, (train->n_steps - len) * nc * sizeof (float), a + len * nc,
                       (train->n_steps - len) * nc * sizeof (float));
      if (soft)
        {
          g_assert_cmpfloat (out->y[k], >=, 0.0);
          g_assert_cmpfloat (out->y[k], <=, 1.0);
        }
      else
        g_assert_cmpfloat (out->y[k], ==, train->y[src]);
    }
}

static TdDataset *
run (const TdPluginDescriptor *d, const char *const *extra, const char *apply_to,
     const char *ratio, const TdDataset *train, guint64 seed, GError **error)
{
  g_autoptr (GPtrArray) s = g_ptr_array_new_with_free_func (g_free);
  for (size_t k = 0; extra && extra[k]; k++)
    g_ptr_array_add (s, g_strdup (extra[k]));
  g_ptr_array_add (s, g_strdup_printf ("apply_to=%s", apply_to));
  g_ptr_array_add (s, g_strdup_printf ("ratio=%s", ratio));
  g_ptr_array_add (s, NULL);
  g_autoptr (TdParams) p = aug_test_params (d, (const char *const *) s->pdata);
  return aug_test_apply (d, p, train, seed, error);
}

void
aug_test_common (const TdPluginDescriptor *d, const char *const *extra, gboolean soft)
{
  g_assert_cmpint (d->kind, ==, TD_KIND_AUGMENT);
  g_autoptr (GError) error = NULL;
  for (int ragged = 0; ragged < 2; ragged++)
    {
      /* 60 series, 12 positive: ratio 1.5 adds round(18) = 18 minority series. */
      g_autoptr (TdDataset) train = aug_test_data (60, 40, ragged, 5 + ragged);
      g_autoptr (TdDataset) out = run (d, extra, "minority", "1.5", train, 1, &error);
      g_assert_no_error (error);
      aug_test_check_contract (train, out, 18, soft);
      const TdMetaColumn *from = td_dataset_find_meta (out, AUG_FROM_COLUMN);
      g_autofree int *uses = g_new0 (int, train->n_series);
      for (size_t k = train->n_series; k < out->n_series; k++)
        {
          size_t src = aug_test_index_of (train, (gint64) from->num[k]);
          g_assert_cmpfloat (train->y[src], ==, 1.0);      /* minority sources only */
          if (!soft)
            g_assert_cmpfloat (out->y[k], ==, 1.0);
          uses[src]++;
        }
      /* floor(1.5) = 1 use each, and 6 of the 12 once more. */
      int twice = 0;
      for (size_t s = 0; s < train->n_series; s++)
        if (train->y[s] == 1.0)
          {
            g_assert_cmpint (uses[s], >=, 1);
            g_assert_cmpint (uses[s], <=, 2);
            twice += uses[s] == 2;
          }
      g_assert_cmpint (twice, ==, 6);

      /* Same seed: identical bytes. Different seed: different draws. */
      g_autoptr (TdDataset) same = run (d, extra, "minority", "1.5", train, 1, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (same->x, out->n_series * out->n_steps * out->n_channels * sizeof (float),
                       out->x, out->n_series * out->n_steps * out->n_channels * sizeof (float));
      g_assert_cmpmem (same->y, out->n_series * sizeof (double), out->y,
                       out->n_series * sizeof (double));
      const TdMetaColumn *sf = td_dataset_find_meta (same, AUG_FROM_COLUMN);
      g_assert_cmpmem (sf->num, out->n_series * sizeof (double), from->num,
                       out->n_series * sizeof (double));
      g_autoptr (TdDataset) other = run (d, extra, "minority", "1.5", train, 2, &error);
      g_assert_no_error (error);
      gboolean differs =
        memcmp (other->x, out->x, out->n_series * out->n_steps * out->n_channels * sizeof (float))
        != 0
        || memcmp (td_dataset_find_meta (other, AUG_FROM_COLUMN)->num, from->num,
                   out->n_series * sizeof (double)) != 0;
      g_assert_true (differs);
    }

  /* apply_to: all, ratio 0.5 on 60 series adds 30 (sources of both classes). */
  g_autoptr (TdDataset) train = aug_test_data (60, 40, FALSE, 9);
  g_autoptr (TdDataset) all = run (d, extra, "all", "0.5", train, 3, &error);
  g_assert_no_error (error);
  aug_test_check_contract (train, all, 30, soft);

  /* ratio 0 adds nothing (but still names every row's origin). */
  g_autoptr (TdDataset) none = run (d, extra, "minority", "0", train, 3, &error);
  g_assert_no_error (error);
  aug_test_check_contract (train, none, 0, soft);

  /* No minority series in the training data: a clear error, not a no-op. */
  g_autoptr (TdDataset) negatives = aug_test_data (60, 40, FALSE, 9);
  for (size_t s = 0; s < negatives->n_series; s++)
    {
      negatives->y[s] = 0.0;
      for (size_t t = 0; t < negatives->n_steps; t++)
        td_dataset_series (negatives, s)[t * 3] = 0.0f;
    }
  g_autoptr (TdDataset) refused = run (d, extra, "minority", "1", negatives, 3, &error);
  g_assert_null (refused);
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "no series of class 1 (defect)"));
  g_assert_nonnull (strstr (error->message, d->name));
  g_clear_error (&error);

  /* Chained: the stage applied to its own output traces added rows back to
   * originals (augmented_from is never -1). */
  g_autoptr (TdDataset) first = run (d, extra, "all", "1", train, 4, &error);
  g_assert_no_error (error);
  g_autoptr (TdDataset) second = run (d, extra, "all", "0.5", first, 5, &error);
  g_assert_no_error (error);
  aug_test_check_contract (first, second, first->n_series / 2, soft);
}
