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
      g_autoptr (GPtrArray) s = td_split_make (ds, &spec, seed, NULL);
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
  g_autoptr (GPtrArray) a = td_split_make (ds, &spec, 5, NULL);
  g_autoptr (GPtrArray) b = td_split_make (ds, &spec, 5, NULL);
  g_autoptr (GPtrArray) c = td_split_make (ds, &spec, 6, NULL);
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
  g_autoptr (GPtrArray) s = td_split_make (ds, &spec, 3, NULL);
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
  g_autoptr (GPtrArray) s = td_split_make (ds, &h, 11, NULL);
  const TdSplit *sp = s->pdata[0];
  check_partition (ds, sp);
  check_groups (ds, sp);
  g_assert_cmpfloat (fabs ((double) sp->n_test - 120.0), <=, 7.0);
  TdSplitSpec k = { .method = TD_SPLIT_GROUP_KFOLD, .folds = 4, .valid_size = 0.1 };
  g_autoptr (GPtrArray) kf = td_split_make (ds, &k, 11, NULL);
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
  g_autoptr (GPtrArray) s = td_split_make (ds, &h, 1, NULL);
  for (guint f = 0; f < s->len; f++)
    {
      const TdSplit *sp = s->pdata[f];
      /* a fold's test set is exactly one lot */
      const char *lot = lots[sp->test[0]];
      for (size_t k = 0; k < sp->n_test; k++)
        g_assert_cmpstr (lots[sp->test[k]], ==, lot);
    }
  TdSplitSpec bad = { .method = TD_SPLIT_GROUP_KFOLD, .folds = 3, .group_by = (char *) "unit" };
  g_autoptr (GError) e = NULL;
  g_assert_null (td_split_make (ds, &bad, 1, &e));
  g_assert_nonnull (strstr (e->message, "unit"));
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
  return g_test_run ();
}
