/* Splits: stratification within one series per class, no overlap, full
 * coverage, groups never on both sides, determinism from the seed. */
#include <math.h>
#include <string.h>

#include "data/split.h"

static TdDataset *
make_data (size_t n, double prevalence, size_t group_size)
{
  TdDataset *ds = td_dataset_new (n, 2, 1, TD_TASK_BINARY, 2);
  for (size_t s = 0; s < n; s++)
    {
      ds->y[s] = (double) ((s * 7919) % 1000) < prevalence * 1000 ? 1.0 : 0.0;
      ds->group[s] = (gint64) (s / group_size);
    }
  return ds;
}

static void
check_partition (const TdDataset *ds, const TdSplit *sp)
{
  g_autofree int *seen = g_new0 (int, ds->n_series);
  const size_t *parts[3] = { sp->train, sp->valid, sp->test };
  size_t ns[3] = { sp->n_train, sp->n_valid, sp->n_test };
  for (int p = 0; p < 3; p++)
    for (size_t k = 0; k < ns[p]; k++)
      {
        g_assert_cmpuint (parts[p][k], <, ds->n_series);
        if (k)
          g_assert_cmpuint (parts[p][k - 1], <, parts[p][k]);   /* ascending, unique */
        seen[parts[p][k]]++;
      }
  for (size_t s = 0; s < ds->n_series; s++)
    g_assert_cmpint (seen[s], ==, 1);                           /* no overlap, nothing lost */
}

static size_t
count_pos (const TdDataset *ds, const size_t *idx, size_t n)
{
  size_t c = 0;
  for (size_t k = 0; k < n; k++)
    c += ds->y[idx[k]] >= 0.5;
  return c;
}

static void
test_stratified_holdout (void)
{
  g_autoptr (TdDataset) ds = make_data (1003, 0.15, 1);
  size_t pos = td_dataset_count_positive (ds), neg = ds->n_series - pos;
  TdSplitSpec spec = { .method = TD_SPLIT_STRATIFIED_HOLDOUT, .test_size = 0.2, .valid_size = 0.1 };
  for (guint64 seed = 1; seed < 20; seed++)
    {
      g_autoptr (GPtrArray) s = td_split_make (ds, &spec, 0, seed, NULL);
      g_assert_nonnull (s);
      g_assert_cmpuint (s->len, ==, 1);
      const TdSplit *sp = s->pdata[0];
      check_partition (ds, sp);
      /* per class, the test share is within one series of test_size */
      g_assert_cmpfloat (fabs ((double) count_pos (ds, sp->test, sp->n_test) - 0.2 * (double) pos), <=, 1.0);
      g_assert_cmpfloat (fabs ((double) (sp->n_test - count_pos (ds, sp->test, sp->n_test)) - 0.2 * (double) neg), <=, 1.0);
      double rest_pos = (double) pos - (double) count_pos (ds, sp->test, sp->n_test);
      g_assert_cmpfloat (fabs ((double) count_pos (ds, sp->valid, sp->n_valid) - 0.1 * rest_pos), <=, 1.0);
    }
}

static void
test_same_seed_same_split (void)
{
  g_autoptr (TdDataset) ds = make_data (500, 0.3, 1);
  TdSplitSpec spec = { .method = TD_SPLIT_STRATIFIED_HOLDOUT, .test_size = 0.25, .valid_size = 0.1 };
  g_autoptr (GPtrArray) a = td_split_make (ds, &spec, 0, 5, NULL);
  g_autoptr (GPtrArray) b = td_split_make (ds, &spec, 0, 5, NULL);
  g_autoptr (GPtrArray) c = td_split_make (ds, &spec, 0, 6, NULL);
  const TdSplit *x = a->pdata[0], *y = b->pdata[0], *z = c->pdata[0];
  g_assert_cmpmem (x->test, x->n_test * sizeof (size_t), y->test, y->n_test * sizeof (size_t));
  g_assert_false (x->n_test == z->n_test && memcmp (x->test, z->test, x->n_test * sizeof (size_t)) == 0);
}

static void
test_stratified_kfold (void)
{
  g_autoptr (TdDataset) ds = make_data (997, 0.2, 1);
  size_t pos = td_dataset_count_positive (ds);
  TdSplitSpec spec = { .method = TD_SPLIT_STRATIFIED_KFOLD, .folds = 5, .valid_size = 0.1 };
  g_autoptr (GPtrArray) s = td_split_make (ds, &spec, 0, 3, NULL);
  g_assert_cmpuint (s->len, ==, 5);
  g_autofree int *tested = g_new0 (int, ds->n_series);
  for (guint f = 0; f < s->len; f++)
    {
      const TdSplit *sp = s->pdata[f];
      check_partition (ds, sp);
      g_assert_cmpfloat (fabs ((double) count_pos (ds, sp->test, sp->n_test) - (double) pos / 5), <=, 1.0);
      g_assert_cmpfloat (fabs ((double) sp->n_test - (double) ds->n_series / 5), <=, 1.0);
      for (size_t k = 0; k < sp->n_test; k++)
        tested[sp->test[k]]++;
    }
  for (size_t k = 0; k < ds->n_series; k++)
    g_assert_cmpint (tested[k], ==, 1);     /* each series tested exactly once */
}

static void
check_groups (const TdDataset *ds, const TdSplit *sp)
{
  g_autoptr (GHashTable) side = g_hash_table_new (g_int64_hash, g_int64_equal);
  const size_t *parts[3] = { sp->train, sp->valid, sp->test };
  size_t ns[3] = { sp->n_train, sp->n_valid, sp->n_test };
  for (int p = 0; p < 3; p++)
    for (size_t k = 0; k < ns[p]; k++)
      {
        gint64 *g = &ds->group[parts[p][k]];
        gpointer prev = g_hash_table_lookup (side, g);
        if (prev)
          g_assert_cmpint (GPOINTER_TO_INT (prev), ==, p + 1);
        else
          g_hash_table_insert (side, g, GINT_TO_POINTER (p + 1));
      }
}

static void
test_grouped (void)
{
  g_autoptr (TdDataset) ds = make_data (600, 0.2, 7);
  TdSplitSpec h = { .method = TD_SPLIT_GROUP_HOLDOUT, .test_size = 0.2, .valid_size = 0.1 };
  g_autoptr (GPtrArray) s = td_split_make (ds, &h, 0, 11, NULL);
  const TdSplit *sp = s->pdata[0];
  check_partition (ds, sp);
  check_groups (ds, sp);
  g_assert_cmpfloat (fabs ((double) sp->n_test - 120.0), <=, 7.0);
  TdSplitSpec k = { .method = TD_SPLIT_GROUP_KFOLD, .folds = 4, .valid_size = 0.1 };
  g_autoptr (GPtrArray) kf = td_split_make (ds, &k, 0, 11, NULL);
  g_assert_cmpuint (kf->len, ==, 4);
  for (guint f = 0; f < kf->len; f++)
    {
      check_partition (ds, kf->pdata[f]);
      check_groups (ds, kf->pdata[f]);
    }
}

static void
test_group_by_metadata (void)
{
  g_autoptr (TdDataset) ds = make_data (100, 0.3, 1);
  const char *lots[100];
  for (int s = 0; s < 100; s++)
    lots[s] = s % 10 < 5 ? "lot-a" : (s % 10 < 8 ? "lot-b" : "lot-c");
  td_dataset_add_meta_str (ds, "lot", lots);
  for (size_t s = 0; s < 100; s++)
    ds->group[s] = (gint64) s % 3 == 0 ? 1 : 2;   /* ignored: group_by wins */
  TdSplitSpec h = { .method = TD_SPLIT_GROUP_KFOLD, .folds = 3, .group_by = (char *) "lot" };
  g_autoptr (GPtrArray) s = td_split_make (ds, &h, 0, 1, NULL);
  for (guint f = 0; f < s->len; f++)
    {
      const TdSplit *sp = s->pdata[f];
      /* a fold's test set is exactly one lot */
      const char *lot = lots[sp->test[0]];
      for (size_t k = 0; k < sp->n_test; k++)
        g_assert_cmpstr (lots[sp->test[k]], ==, lot);
    }
  TdSplitSpec bad = { .method = TD_SPLIT_GROUP_KFOLD, .folds = 3, .group_by = (char *) "unit",
                      .where_group_by = (char *) "exp.yaml:7:60" };
  g_autoptr (GError) e = NULL;
  g_assert_null (td_split_make (ds, &bad, 0, 1, &e));
  /* where the key is, what is wrong, and what the data offers instead */
  g_assert_cmpstr (e->message, ==, "exp.yaml:7:60: split.group_by: the dataset has no metadata "
                   "column \"unit\"; expected one of its columns (lot) or no group_by (the "
                   "dataset's own group ids)");
}

/* 3 classes of unequal size; the data's test partition has its own class
 * mix (more class 2), so a redraw that kept only the overall size would
 * show. Groups of 4 consecutive series, each group on one side. */
static TdDataset *
make_partitioned (size_t n)
{
  TdDataset *ds = td_dataset_new (n, 2, 1, TD_TASK_MULTICLASS, 3);
  g_autofree double *part = g_new (double, n);
  for (size_t s = 0; s < n; s++)
    {
      ds->group[s] = (gint64) (s / 4);
      ds->y[s] = (double) ((s * 7919) % 10 < 5 ? 0 : (s * 7919) % 10 < 8 ? 1 : 2);
      part[s] = (s / 4) % 3 == 0;
    }
  td_dataset_add_meta_num (ds, TD_META_PARTITION, part);
  return ds;
}

static void
class_counts (const TdDataset *ds, const size_t *idx, size_t n, size_t out[3])
{
  out[0] = out[1] = out[2] = 0;
  for (size_t k = 0; k < n; k++)
    out[(size_t) ds->y[idx[k]]]++;
}

static gboolean
same_set (const size_t *a, size_t na, const size_t *b, size_t nb)
{
  return na == nb && memcmp (a, b, na * sizeof (size_t)) == 0;
}

static void
test_predefined (void)
{
  g_autoptr (TdDataset) ds = make_partitioned (600);
  const double *part = td_dataset_find_meta (ds, TD_META_PARTITION)->num;
  g_autoptr (GArray) files_test = g_array_new (FALSE, FALSE, sizeof (size_t));
  for (size_t s = 0; s < ds->n_series; s++)
    if (part[s] == 1)
      g_array_append_val (files_test, s);
  size_t want[3];
  class_counts (ds, (size_t *) files_test->data, files_test->len, want);
  g_assert_cmpuint (files_test->len, ==, 200);

  for (int resample = 0; resample < 2; resample++)
    {
      TdSplitSpec spec = { .method = TD_SPLIT_PREDEFINED, .valid_size = 0.2,
                           .resample_test = resample, .where = (char *) "exp.yaml:5:18" };
      gboolean redrawn_differs = FALSE;
      g_autoptr (GPtrArray) first_valid = NULL;
      for (int r = 0; r < 6; r++)
        {
          g_autoptr (GPtrArray) s = td_split_make (ds, &spec, r, 100 + (guint64) r, NULL);
          g_assert_nonnull (s);
          g_assert_cmpuint (s->len, ==, 1);
          const TdSplit *sp = s->pdata[0];
          check_partition (ds, sp);
          gboolean files = same_set (sp->test, sp->n_test, (size_t *) files_test->data,
                                     files_test->len);
          if (r == 0 || !resample)
            g_assert_true (files);            /* the files' own test part */
          else
            {
              /* same size and the same count per class as the files' test part */
              size_t got[3];
              class_counts (ds, sp->test, sp->n_test, got);
              g_assert_cmpuint (sp->n_test, ==, files_test->len);
              for (int c = 0; c < 3; c++)
                g_assert_cmpuint (got[c], ==, want[c]);
              redrawn_differs = redrawn_differs || !files;
            }
          /* validation: valid_size of the training part, per class within one */
          size_t rest[3], val[3];
          g_autofree size_t *pool = g_new (size_t, sp->n_train + sp->n_valid);
          memcpy (pool, sp->train, sp->n_train * sizeof (size_t));
          memcpy (pool + sp->n_train, sp->valid, sp->n_valid * sizeof (size_t));
          class_counts (ds, pool, sp->n_train + sp->n_valid, rest);
          class_counts (ds, sp->valid, sp->n_valid, val);
          for (int c = 0; c < 3; c++)
            g_assert_cmpfloat (fabs ((double) val[c] - 0.2 * (double) rest[c]), <=, 1.0);
          if (r == 0)
            {
              first_valid = g_ptr_array_new_with_free_func (g_free);
              g_ptr_array_add (first_valid, g_memdup2 (sp->valid, sp->n_valid * sizeof (size_t)));
            }
          else if (r == 1)   /* validation is redrawn each repeat */
            g_assert_false (same_set (sp->valid, sp->n_valid, first_valid->pdata[0],
                                      sp->n_valid));
        }
      g_assert_true (redrawn_differs == resample);   /* the redraw is not vacuous */
    }
}

static void
test_predefined_grouped (void)
{
  g_autoptr (TdDataset) ds = make_partitioned (600);
  const double *part = td_dataset_find_meta (ds, TD_META_PARTITION)->num;
  TdSplitSpec spec = { .method = TD_SPLIT_PREDEFINED, .valid_size = 0.2, .grouped = TRUE,
                       .resample_test = TRUE, .where = (char *) "exp.yaml:5:18" };
  for (int r = 0; r < 5; r++)
    {
      g_autoptr (GPtrArray) s = td_split_make (ds, &spec, r, 7 + (guint64) r, NULL);
      const TdSplit *sp = s->pdata[0];
      check_partition (ds, sp);
      check_groups (ds, sp);
      if (r == 0)
        for (size_t k = 0; k < sp->n_test; k++)
          g_assert_cmpfloat (part[sp->test[k]], ==, 1);
      /* whole groups of 4: the redrawn test part is within a group of the size */
      g_assert_cmpfloat (fabs ((double) sp->n_test - 200.0), <=, 4.0);
      g_assert_cmpfloat (fabs ((double) sp->n_valid - 0.2 * 400.0), <=, 4.0);
    }
  /* a group on both sides of the data's own partition: grouped refuses it */
  td_dataset_find_meta (ds, TD_META_PARTITION)->num[1] = 0;
  g_autoptr (GError) e = NULL;
  g_assert_null (td_split_make (ds, &spec, 0, 7, &e));
  g_assert_true (g_str_has_prefix (e->message, "exp.yaml:5:18: split: predefined, grouped: "
                                   "group 0 has series in both"));
}

static void
test_predefined_errors (void)
{
  TdSplitSpec spec = { .method = TD_SPLIT_PREDEFINED, .valid_size = 0.1,
                       .where = (char *) "exp.yaml:5:18" };
  g_autoptr (TdDataset) none = make_data (50, 0.3, 1);
  g_autoptr (GError) e = NULL;
  g_assert_null (td_split_make (none, &spec, 0, 1, &e));
  g_assert_true (g_str_has_prefix (e->message, "exp.yaml:5:18: split.method: predefined needs "
                                   "the train/test partition"));
  g_assert_nonnull (strstr (e->message, "has none"));
  g_clear_error (&e);

  g_autoptr (TdDataset) ds = make_partitioned (40);
  td_dataset_find_meta (ds, TD_META_PARTITION)->num[3] = 2;
  g_assert_null (td_split_make (ds, &spec, 0, 1, &e));
  g_assert_nonnull (strstr (e->message, "series 3 (series_id 3) has partition 2; expected 0 "
                            "(train) or 1 (test)"));
  g_clear_error (&e);

  double *p = td_dataset_find_meta (ds, TD_META_PARTITION)->num;
  for (size_t s = 0; s < ds->n_series; s++)
    p[s] = 0;
  g_assert_null (td_split_make (ds, &spec, 0, 1, &e));
  g_assert_nonnull (strstr (e->message, "40 training and 0 test series"));
}

/* Windowed-like data: 3 recordings (groups) × 20 windows of 5 steps every
 * 2 steps, stored out of time order. */
static TdDataset *
make_windows (void)
{
  size_t n = 60;
  TdDataset *ds = td_dataset_new (n, 5, 1, TD_TASK_BINARY, 2);
  g_autofree double *start = g_new (double, n);
  for (size_t s = 0; s < n; s++)
    {
      size_t w = (s * 37) % n;              /* a permutation of 0..59 */
      ds->group[s] = (gint64) (w / 20);
      start[s] = 2.0 * (double) (w % 20);
      ds->y[s] = (double) (s % 5 == 0);
    }
  td_dataset_add_meta_num (ds, TD_META_WINDOW_START, start);
  return ds;
}

static void
test_time_holdout (void)
{
  g_autoptr (TdDataset) ds = make_windows ();
  const double *start = td_dataset_find_meta (ds, TD_META_WINDOW_START)->num;
  size_t left_out[2] = { 0, 0 };
  for (int g = 0; g < 2; g++)
    {
      int gap = g ? 3 : 0;
      TdSplitSpec spec = { .method = TD_SPLIT_TIME_HOLDOUT, .test_size = 0.25,
                           .valid_size = 0.2, .gap = gap,
                           .order_by = (char *) TD_META_WINDOW_START,
                           .where = (char *) "exp.yaml:5:18" };
      g_autoptr (GPtrArray) s = td_split_make (ds, &spec, 0, 1, NULL);
      const TdSplit *sp = s->pdata[0];
      g_assert_cmpuint (sp->n_test, ==, 3 * 5);   /* the last 5 of 20 per recording */
      left_out[g] = ds->n_series - sp->n_train - sp->n_valid - sp->n_test;
      /* per recording: every train window ends gap steps before every valid
       * one starts, and every valid one gap steps before every test one */
      const size_t *parts[3] = { sp->train, sp->valid, sp->test };
      size_t ns[3] = { sp->n_train, sp->n_valid, sp->n_test };
      for (int a = 0; a < 3; a++)
        for (int b = a + 1; b < 3; b++)
          for (size_t i = 0; i < ns[a]; i++)
            for (size_t j = 0; j < ns[b]; j++)
              {
                size_t x = parts[a][i], y = parts[b][j];
                if (ds->group[x] == ds->group[y])
                  g_assert_cmpfloat (start[x] + 5 + gap, <=, start[y]);
              }
      for (size_t k = 0; k < sp->n_test; k++)    /* the last windows: starts 30..38 */
        g_assert_cmpfloat (start[sp->test[k]], >=, 30);
      g_assert_cmpuint (sp->n_valid, >, 0);
      g_assert_cmpuint (sp->n_train, >, 0);
    }
  /* gap 0 still leaves out the windows that overlap the next part; a gap of
   * 3 steps leaves out more (the check above is not vacuous) */
  g_assert_cmpuint (left_out[0], >, 0);
  g_assert_cmpuint (left_out[1], >, left_out[0]);

  TdSplitSpec bad = { .method = TD_SPLIT_TIME_HOLDOUT, .test_size = 0.25,
                      .order_by = (char *) "t0", .where = (char *) "exp.yaml:5:18" };
  g_autoptr (GError) e = NULL;
  g_assert_null (td_split_make (ds, &bad, 0, 1, &e));
  g_assert_true (g_str_has_prefix (e->message, "exp.yaml:5:18: split.order_by: time_holdout "
                                   "orders each timeline's series by the numeric metadata "
                                   "column \"t0\""));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/split/stratified-holdout", test_stratified_holdout);
  g_test_add_func ("/split/deterministic", test_same_seed_same_split);
  g_test_add_func ("/split/stratified-kfold", test_stratified_kfold);
  g_test_add_func ("/split/grouped", test_grouped);
  g_test_add_func ("/split/group-by-metadata", test_group_by_metadata);
  g_test_add_func ("/split/predefined", test_predefined);
  g_test_add_func ("/split/predefined-grouped", test_predefined_grouped);
  g_test_add_func ("/split/predefined-errors", test_predefined_errors);
  g_test_add_func ("/split/time-holdout", test_time_holdout);
  return g_test_run ();
}
