/* split.c — stratified and grouped holdout and k-fold splits. */
#include "data/split.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

void
td_split_free (TdSplit *split)
{
  if (!split)
    return;
  g_free (split->train);
  g_free (split->valid);
  g_free (split->test);
  g_free (split);
}

static int
cmp_size (gconstpointer a, gconstpointer b)
{
  size_t x = *(const size_t *) a, y = *(const size_t *) b;
  return x < y ? -1 : x > y;
}

/* The stratum of a series: its class for classification, one stratum otherwise. */
static gint64
stratum_of (const TdDataset *ds, size_t s)
{
  if (ds->task == TD_TASK_REGRESSION)
    return 0;
  return (gint64) floor (ds->y[s] + 0.5);
}

/* Series indices grouped by stratum (strata in ascending order), each shuffled. */
static GPtrArray *
strata_shuffled (const TdDataset *ds, const size_t *idx, size_t n, gsl_rng *rng)
{
  g_autoptr (GHashTable) by = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autoptr (GArray) keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (size_t k = 0; k < n; k++)
    {
      gint64 st = stratum_of (ds, idx[k]);
      GArray *a = g_hash_table_lookup (by, &st);
      if (!a)
        {
          a = g_array_new (FALSE, FALSE, sizeof (size_t));
          g_hash_table_insert (by, g_memdup2 (&st, sizeof st), a);
          g_array_append_val (keys, st);
        }
      g_array_append_val (a, idx[k]);
    }
  g_array_sort (keys, (GCompareFunc) cmp_size);   /* gint64 >= 0 for classes */
  for (guint k = 0; k < keys->len; k++)
    {
      GArray *a = g_hash_table_lookup (by, &g_array_index (keys, gint64, k));
      if (a->len > 1)
        gsl_ran_shuffle (rng, a->data, a->len, sizeof (size_t));
      g_ptr_array_add (out, a);
    }
  return out;
}

static size_t *
finish (GArray *a, size_t *n)
{
  g_array_sort (a, cmp_size);
  *n = a->len;
  return (size_t *) g_array_free (a, FALSE);
}

/* Stratified split of idx into a part of fraction frac and the rest. */
static void
stratified_cut (const TdDataset *ds, const size_t *idx, size_t n, double frac, gsl_rng *rng,
                GArray *part, GArray *rest)
{
  g_autoptr (GPtrArray) strata = strata_shuffled (ds, idx, n, rng);
  for (guint k = 0; k < strata->len; k++)
    {
      GArray *a = strata->pdata[k];
      size_t take = (size_t) floor (frac * (double) a->len + 0.5);
      g_array_append_vals (part, a->data, (guint) take);
      g_array_append_vals (rest, &g_array_index (a, size_t, take), a->len - (guint) take);
    }
}

/* Group id of each series: the dataset's group ids or a metadata column. */
static gboolean
group_ids (const TdDataset *ds, const char *group_by, gint64 *out, GError **error)
{
  if (!group_by)
    {
      memcpy (out, ds->group, ds->n_series * sizeof (gint64));
      return TRUE;
    }
  const TdMetaColumn *c = td_dataset_find_meta (ds, group_by);
  if (!c)
    {
      g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                   "split.group_by: the dataset has no metadata column \"%s\"", group_by);
      return FALSE;
    }
  g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  for (size_t s = 0; s < ds->n_series; s++)
    {
      if (c->num)
        out[s] = (gint64) c->num[s];
      else
        {
          gpointer v;
          if (!g_hash_table_lookup_extended (ids, c->str[s], NULL, &v))
            {
              v = GSIZE_TO_POINTER (g_hash_table_size (ids));
              g_hash_table_insert (ids, c->str[s], v);
            }
          out[s] = (gint64) GPOINTER_TO_SIZE (v);
        }
    }
  return TRUE;
}

gint64 *
td_split_groups (const TdDataset *ds, const TdSplitSpec *spec, GError **error)
{
  if (spec->method != TD_SPLIT_GROUP_HOLDOUT && spec->method != TD_SPLIT_GROUP_KFOLD)
    return NULL;
  g_autofree gint64 *out = g_new (gint64, MAX (ds->n_series, (size_t) 1));
  if (!group_ids (ds, spec->group_by, out, error))
    return NULL;
  return g_steal_pointer (&out);
}

/* Distinct groups in first-seen order, shuffled; members listed per group. */
typedef struct {
  GArray *members;   /* size_t */
} Group;

static GPtrArray *
groups_shuffled (const gint64 *gid, size_t n, gsl_rng *rng)
{
  g_autoptr (GHashTable) by = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (GArray) keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (size_t s = 0; s < n; s++)
    {
      GArray *a = g_hash_table_lookup (by, &gid[s]);
      if (!a)
        {
          a = g_array_new (FALSE, FALSE, sizeof (size_t));
          g_hash_table_insert (by, g_memdup2 (&gid[s], sizeof (gint64)), a);
          g_array_append_val (keys, gid[s]);
        }
      g_array_append_val (a, s);
    }
  /* Sort keys so the result depends only on the ids, not on series order. */
  g_array_sort (keys, (GCompareFunc) cmp_size);
  if (keys->len > 1)
    gsl_ran_shuffle (rng, keys->data, keys->len, sizeof (gint64));
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint k = 0; k < keys->len; k++)
    g_ptr_array_add (out, g_array_ref (g_hash_table_lookup (by, &g_array_index (keys, gint64, k))));
  /* the hash table's arrays are only referenced from out now */
  for (guint k = 0; k < keys->len; k++)
    g_array_unref (g_hash_table_lookup (by, &g_array_index (keys, gint64, k)));
  return out;
}

/* Greedy cut of shuffled groups: fill part up to frac of the series. */
static void
group_cut (GPtrArray *groups, size_t n_total, double frac, GArray *part, GArray *rest)
{
  size_t want = (size_t) floor (frac * (double) n_total + 0.5), got = 0;
  for (guint k = 0; k < groups->len; k++)
    {
      GArray *g = groups->pdata[k];
      if (got < want && (got + g->len <= want || got + g->len / 2 < want))
        {
          g_array_append_vals (part, g->data, g->len);
          got += g->len;
        }
      else
        g_array_append_vals (rest, g->data, g->len);
    }
}

static TdSplit *
holdout (const TdDataset *ds, const TdSplitSpec *spec, gsl_rng *rng, const gint64 *gid)
{
  TdSplit *sp = g_new0 (TdSplit, 1);
  GArray *test = g_array_new (FALSE, FALSE, sizeof (size_t));
  GArray *rest = g_array_new (FALSE, FALSE, sizeof (size_t));
  GArray *valid = g_array_new (FALSE, FALSE, sizeof (size_t));
  GArray *train = g_array_new (FALSE, FALSE, sizeof (size_t));
  if (gid)
    {
      g_autoptr (GPtrArray) groups = groups_shuffled (gid, ds->n_series, rng);
      group_cut (groups, ds->n_series, spec->test_size, test, rest);
      /* Validation: the remaining groups, again whole. */
      g_autoptr (GPtrArray) remaining = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
      g_autoptr (GHashTable) in_rest = g_hash_table_new (g_direct_hash, g_direct_equal);
      for (guint k = 0; k < rest->len; k++)
        g_hash_table_add (in_rest, GSIZE_TO_POINTER (g_array_index (rest, size_t, k) + 1));
      for (guint k = 0; k < groups->len; k++)
        {
          GArray *g = groups->pdata[k];
          if (g_hash_table_contains (in_rest, GSIZE_TO_POINTER (g_array_index (g, size_t, 0) + 1)))
            g_ptr_array_add (remaining, g_array_ref (g));
        }
      group_cut (remaining, rest->len, spec->valid_size, valid, train);
    }
  else
    {
      g_autofree size_t *all = g_new (size_t, MAX (ds->n_series, (size_t) 1));
      for (size_t s = 0; s < ds->n_series; s++)
        all[s] = s;
      stratified_cut (ds, all, ds->n_series, spec->test_size, rng, test, rest);
      stratified_cut (ds, (size_t *) rest->data, rest->len, spec->valid_size, rng, valid, train);
    }
  g_array_unref (rest);
  sp->test = finish (test, &sp->n_test);
  sp->valid = finish (valid, &sp->n_valid);
  sp->train = finish (train, &sp->n_train);
  return sp;
}

static GPtrArray *
kfold (const TdDataset *ds, const TdSplitSpec *spec, gsl_rng *rng, const gint64 *gid)
{
  int k = spec->folds;
  g_autofree int *fold_of = g_new (int, MAX (ds->n_series, (size_t) 1));
  if (gid)
    {
      /* Largest groups first, each to the currently smallest fold (ties: lowest fold). */
      g_autoptr (GPtrArray) groups = groups_shuffled (gid, ds->n_series, rng);
      g_autofree size_t *order = g_new (size_t, MAX (groups->len, 1u));
      for (guint g = 0; g < groups->len; g++)
        order[g] = g;
      /* stable insertion sort by size descending keeps the shuffled order among equals */
      for (guint a = 1; a < groups->len; a++)
        for (guint b = a; b > 0 && ((GArray *) groups->pdata[order[b]])->len
                                     > ((GArray *) groups->pdata[order[b - 1]])->len; b--)
          {
            size_t t = order[b]; order[b] = order[b - 1]; order[b - 1] = t;
          }
      g_autofree size_t *load = g_new0 (size_t, k);
      for (guint g = 0; g < groups->len; g++)
        {
          GArray *members = groups->pdata[order[g]];
          int best = 0;
          for (int f = 1; f < k; f++)
            if (load[f] < load[best])
              best = f;
          load[best] += members->len;
          for (guint m = 0; m < members->len; m++)
            fold_of[g_array_index (members, size_t, m)] = best;
        }
    }
  else
    {
      g_autofree size_t *all = g_new (size_t, MAX (ds->n_series, (size_t) 1));
      for (size_t s = 0; s < ds->n_series; s++)
        all[s] = s;
      g_autoptr (GPtrArray) strata = strata_shuffled (ds, all, ds->n_series, rng);
      /* Deal each stratum round-robin, continuing where the last one stopped, so
       * fold sizes differ by at most one overall and per class. */
      int next = 0;
      for (guint st = 0; st < strata->len; st++)
        {
          GArray *a = strata->pdata[st];
          for (guint m = 0; m < a->len; m++)
            {
              fold_of[g_array_index (a, size_t, m)] = next;
              next = (next + 1) % k;
            }
        }
    }
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) td_split_free);
  for (int f = 0; f < k; f++)
    {
      TdSplit *sp = g_new0 (TdSplit, 1);
      GArray *test = g_array_new (FALSE, FALSE, sizeof (size_t));
      GArray *rest = g_array_new (FALSE, FALSE, sizeof (size_t));
      GArray *valid = g_array_new (FALSE, FALSE, sizeof (size_t));
      GArray *train = g_array_new (FALSE, FALSE, sizeof (size_t));
      for (size_t s = 0; s < ds->n_series; s++)
        g_array_append_val (fold_of[s] == f ? test : rest, s);
      if (gid)
        {
          g_autofree gint64 *rest_gid = g_new (gint64, MAX (rest->len, 1u));
          for (guint m = 0; m < rest->len; m++)
            rest_gid[m] = gid[g_array_index (rest, size_t, m)];
          g_autoptr (GPtrArray) groups = groups_shuffled (rest_gid, rest->len, rng);
          /* groups_shuffled indexes into rest: map back */
          for (guint g = 0; g < groups->len; g++)
            {
              GArray *members = groups->pdata[g];
              for (guint m = 0; m < members->len; m++)
                g_array_index (members, size_t, m) = g_array_index (rest, size_t, g_array_index (members, size_t, m));
            }
          group_cut (groups, rest->len, spec->valid_size, valid, train);
        }
      else
        stratified_cut (ds, (size_t *) rest->data, rest->len, spec->valid_size, rng, valid, train);
      g_array_unref (rest);
      sp->test = finish (test, &sp->n_test);
      sp->valid = finish (valid, &sp->n_valid);
      sp->train = finish (train, &sp->n_train);
      g_ptr_array_add (out, sp);
    }
  return out;
}

GPtrArray *
td_split_make (const TdDataset *ds, const TdSplitSpec *spec, guint64 seed, GError **error)
{
  gboolean grouped = spec->method == TD_SPLIT_GROUP_HOLDOUT || spec->method == TD_SPLIT_GROUP_KFOLD;
  gboolean is_kfold = spec->method == TD_SPLIT_STRATIFIED_KFOLD || spec->method == TD_SPLIT_GROUP_KFOLD;
  if (is_kfold && (spec->folds < 2 || (size_t) spec->folds > ds->n_series))
    {
      g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                   "split.folds: expected 2..%zu folds for %zu series, got %d", ds->n_series,
                   ds->n_series, spec->folds);
      return NULL;
    }
  g_autofree gint64 *gid = NULL;
  if (grouped)
    {
      gid = g_new (gint64, MAX (ds->n_series, (size_t) 1));
      if (!group_ids (ds, spec->group_by, gid, error))
        return NULL;
    }
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, (unsigned long) (seed ^ (seed >> 32)));
  GPtrArray *out;
  if (is_kfold)
    out = kfold (ds, spec, rng, gid);
  else
    {
      out = g_ptr_array_new_with_free_func ((GDestroyNotify) td_split_free);
      g_ptr_array_add (out, holdout (ds, spec, rng, gid));
    }
  gsl_rng_free (rng);
  for (guint f = 0; f < out->len; f++)
    {
      TdSplit *sp = out->pdata[f];
      if (sp->n_train == 0 || sp->n_test == 0)
        {
          g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                       "split: %s left %zu training and %zu test series out of %zu; adjust "
                       "test_size/valid_size/folds or the data size",
                       td_split_method_name (spec->method), sp->n_train, sp->n_test, ds->n_series);
          g_ptr_array_unref (out);
          return NULL;
        }
    }
  return out;
}
