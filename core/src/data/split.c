/* split.c — stratified and grouped holdout and k-fold splits, the data's
 * own train/test partition (predefined), and time-ordered holdout.
 *
 * Only predefined and time_holdout read the data's metadata by name
 * (TD_META_PARTITION; the time_holdout order column), so only their
 * errors need the config position kept in TdSplitSpec.where. */
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
group_ids (const TdDataset *ds, const TdSplitSpec *spec, gint64 *out, GError **error)
{
  const char *group_by = spec->group_by;
  if (!group_by)
    {
      memcpy (out, ds->group, ds->n_series * sizeof (gint64));
      return TRUE;
    }
  const TdMetaColumn *c = td_dataset_find_meta (ds, group_by);
  if (!c)
    {
      g_autoptr (GString) have = g_string_new (NULL);
      for (guint m = 0; m < ds->meta->len; m++)
        {
          const TdMetaColumn *mc = ds->meta->pdata[m];
          g_string_append_printf (have, "%s%s", have->len ? ", " : "", mc->name);
        }
      g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                   "%s%ssplit.group_by: the dataset has no metadata column \"%s\"; expected "
                   "one of its columns (%s) or no group_by (the dataset's own group ids)",
                   spec->where_group_by ? spec->where_group_by : "",
                   spec->where_group_by ? ": " : "", group_by,
                   have->len ? have->str : "it has none");
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

gboolean
td_split_is_grouped (const TdSplitSpec *spec)
{
  return spec->method == TD_SPLIT_GROUP_HOLDOUT || spec->method == TD_SPLIT_GROUP_KFOLD
         || spec->method == TD_SPLIT_TIME_HOLDOUT
         || (spec->method == TD_SPLIT_PREDEFINED && spec->grouped);
}

gint64 *
td_split_groups (const TdDataset *ds, const TdSplitSpec *spec, GError **error)
{
  if (!td_split_is_grouped (spec))
    return NULL;
  g_autofree gint64 *out = g_new (gint64, MAX (ds->n_series, (size_t) 1));
  if (!group_ids (ds, spec, out, error))
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

/* group_cut over the series idx[0..n) only: their groups, shuffled, whole
 * groups into part up to frac of the n series. */
static void
group_cut_indices (const gint64 *gid, const size_t *idx, size_t n, double frac, gsl_rng *rng,
                   GArray *part, GArray *rest)
{
  g_autofree gint64 *sub = g_new (gint64, MAX (n, (size_t) 1));
  for (size_t k = 0; k < n; k++)
    sub[k] = gid[idx[k]];
  g_autoptr (GPtrArray) groups = groups_shuffled (sub, n, rng);
  /* groups_shuffled indexes into idx: map back */
  for (guint g = 0; g < groups->len; g++)
    {
      GArray *members = groups->pdata[g];
      for (guint m = 0; m < members->len; m++)
        g_array_index (members, size_t, m) = idx[g_array_index (members, size_t, m)];
    }
  group_cut (groups, n, frac, part, rest);
}

/* Validation carved from rest (series indices): whole groups when gid,
 * else stratified; the rest is training. */
static void
carve_valid (const TdDataset *ds, const TdSplitSpec *spec, const gint64 *gid, GArray *rest,
             gsl_rng *rng, GArray *valid, GArray *train)
{
  if (gid)
    group_cut_indices (gid, (size_t *) rest->data, rest->len, spec->valid_size, rng, valid,
                       train);
  else
    stratified_cut (ds, (size_t *) rest->data, rest->len, spec->valid_size, rng, valid, train);
}

static TdSplit *
split_of (GArray *train, GArray *valid, GArray *test)
{
  TdSplit *sp = g_new0 (TdSplit, 1);
  sp->test = finish (test, &sp->n_test);
  sp->valid = finish (valid, &sp->n_valid);
  sp->train = finish (train, &sp->n_train);
  return sp;
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
      carve_valid (ds, spec, gid, rest, rng, valid, train);
      g_array_unref (rest);
      sp->test = finish (test, &sp->n_test);
      sp->valid = finish (valid, &sp->n_valid);
      sp->train = finish (train, &sp->n_train);
      g_ptr_array_add (out, sp);
    }
  return out;
}

void
td_split_no_partition (const char *where, const char *key, const char *needs, const char *has,
                       const char *instead, GError **error)
{
  g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
               "%s: %s: %s needs the train/test partition the data defines, the numeric "
               "metadata column \"%s\" (0 train, 1 test), and this data has %s; expected "
               "a source that records it (ucr, cmapss; table with test_path or partition) "
               "or %s", where, key, needs, TD_META_PARTITION, has, instead);
}

const double *
td_split_partition (const TdDataset *ds, const char *where, const char *key, const char *needs,
                    const char *instead, GError **error)
{
  const TdMetaColumn *c = td_dataset_find_meta (ds, TD_META_PARTITION);
  if (!c || !c->num)
    {
      td_split_no_partition (where, key, needs, c ? "it as text" : "none", instead, error);
      return NULL;
    }
  for (size_t s = 0; s < ds->n_series; s++)
    if (c->num[s] != 0 && c->num[s] != 1)
      {
        g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                     "%s: %s: %s: series %zu (series_id %" G_GINT64_FORMAT ") has %s %g; "
                     "expected 0 (train) or 1 (test)", where, key, needs, s, ds->series_id[s],
                     TD_META_PARTITION, c->num[s]);
        return NULL;
      }
  return c->num;
}

/* The data's own partition of every series (0 train, 1 test), both sides
 * non-empty. */
static guint8 *
read_partition (const TdDataset *ds, const TdSplitSpec *spec, GError **error)
{
  const double *num = td_split_partition (ds, spec->where, "split.method", "predefined",
                                          "another split method", error);
  if (!num)
    return NULL;
  g_autofree guint8 *part = g_new (guint8, MAX (ds->n_series, (size_t) 1));
  size_t n_test = 0;
  for (size_t s = 0; s < ds->n_series; s++)
    n_test += part[s] = (guint8) num[s];
  if (n_test == 0 || n_test == ds->n_series)
    {
      g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                   "%s: split.method: predefined: the data's partition has %zu training and "
                   "%zu test series; expected both parts", spec->where, ds->n_series - n_test,
                   n_test);
      return NULL;
    }
  return g_steal_pointer (&part);
}

/* A grouped split of a partitioned dataset is only grouped when the data's
 * own partition is: a group on both sides would leak through every repeat. */
static gboolean
check_groups_partitioned (const TdDataset *ds, const TdSplitSpec *spec, const gint64 *gid,
                          const guint8 *part, GError **error)
{
  g_autoptr (GHashTable) side = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (size_t s = 0; s < ds->n_series; s++)
    {
      gpointer prev;
      if (!g_hash_table_lookup_extended (side, &gid[s], NULL, &prev))
        g_hash_table_insert (side, (gpointer) &gid[s], GUINT_TO_POINTER (part[s] + 1u));
      else if (GPOINTER_TO_UINT (prev) != part[s] + 1u)
        {
          g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                       "%s: split: predefined, grouped: group %" G_GINT64_FORMAT " has series "
                       "in both the training and the test partition of the data; expected "
                       "each group on one side (or grouped: false)", spec->where, gid[s]);
          return FALSE;
        }
    }
  return TRUE;
}

/* predefined: test is the data's partition 1 (repeat 0, or without
 * resample_test); with resample_test, repeats > 0 draw a new test part of
 * the same size per class (whole groups, as near that size as they allow,
 * when grouped). Validation is carved from the rest as in holdout. */
static TdSplit *
predefined (const TdDataset *ds, const TdSplitSpec *spec, int repeat, gsl_rng *rng,
            const gint64 *gid, const guint8 *part)
{
  GArray *test = g_array_new (FALSE, FALSE, sizeof (size_t));
  GArray *rest = g_array_new (FALSE, FALSE, sizeof (size_t));
  GArray *valid = g_array_new (FALSE, FALSE, sizeof (size_t));
  GArray *train = g_array_new (FALSE, FALSE, sizeof (size_t));
  g_autofree size_t *all = g_new (size_t, MAX (ds->n_series, (size_t) 1));
  size_t n_test = 0;
  for (size_t s = 0; s < ds->n_series; s++)
    {
      all[s] = s;
      n_test += part[s];
    }
  if (repeat == 0 || !spec->resample_test)
    for (size_t s = 0; s < ds->n_series; s++)
      g_array_append_val (part[s] ? test : rest, s);
  else if (gid)
    group_cut_indices (gid, all, ds->n_series, (double) n_test / (double) ds->n_series, rng,
                       test, rest);
  else
    {
      g_autoptr (GPtrArray) strata = strata_shuffled (ds, all, ds->n_series, rng);
      for (guint k = 0; k < strata->len; k++)
        {
          GArray *a = strata->pdata[k];
          guint want = 0;
          for (guint m = 0; m < a->len; m++)
            want += part[g_array_index (a, size_t, m)];
          g_array_append_vals (test, a->data, want);
          g_array_append_vals (rest, &g_array_index (a, size_t, want), a->len - want);
        }
    }
  carve_valid (ds, spec, gid, rest, rng, valid, train);
  g_array_unref (rest);
  return split_of (train, valid, test);
}

typedef struct {
  size_t s;
  double start, end;            /* the series' steps [start, end) on its timeline */
} Timed;

static int
cmp_timed (gconstpointer a, gconstpointer b)
{
  const Timed *x = a, *y = b;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return x->s < y->s ? -1 : x->s > y->s;
}

/* Of t[0..n) (in time order) the last round(frac * n) into part; the ones
 * ending at least gap steps before the first of them into before; the ones
 * in between are left out. */
static void
time_cut (const Timed *t, size_t n, double frac, int gap, GArray *part, GArray *before)
{
  size_t take = (size_t) floor (frac * (double) n + 0.5);
  double from = take ? t[n - take].start : INFINITY;
  for (size_t k = n - take; k < n; k++)
    g_array_append_val (part, t[k]);
  for (size_t k = 0; k < n - take; k++)
    if (t[k].end <= from - gap)
      g_array_append_val (before, t[k]);
}

/* time_holdout: each timeline (group) ordered by spec->order_by; its last
 * test_size of series are test, the last valid_size of what ends gap steps
 * before them are validation, what ends gap steps before those is training. */
static TdSplit *
time_holdout (const TdDataset *ds, const TdSplitSpec *spec, const gint64 *gid, GError **error)
{
  const TdMetaColumn *c = td_dataset_find_meta (ds, spec->order_by);
  if (!c || !c->num)
    {
      g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                   "%s: split.order_by: time_holdout orders each timeline's series by the "
                   "numeric metadata column \"%s\", and this data has %s; expected data.window "
                   "(which writes %s) or order_by naming a column with each series' first step",
                   spec->where, spec->order_by, c ? "it as text" : "none", TD_META_WINDOW_START);
      return NULL;
    }
  g_autoptr (GHashTable) by = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                     (GDestroyNotify) g_array_unref);
  g_autoptr (GArray) keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (size_t s = 0; s < ds->n_series; s++)
    {
      if (!isfinite (c->num[s]))
        {
          g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                       "%s: split.order_by: series %zu (series_id %" G_GINT64_FORMAT ") has "
                       "%s %g; expected a step number", spec->where, s, ds->series_id[s],
                       spec->order_by, c->num[s]);
          return NULL;
        }
      GArray *a = g_hash_table_lookup (by, &gid[s]);
      if (!a)
        {
          a = g_array_new (FALSE, FALSE, sizeof (Timed));
          g_hash_table_insert (by, (gpointer) &gid[s], a);
          g_array_append_val (keys, gid[s]);
        }
      size_t len = ds->lengths ? ds->lengths[s] : ds->n_steps;
      Timed t = { s, c->num[s], c->num[s] + (double) len };
      g_array_append_val (a, t);
    }
  GArray *test = g_array_new (FALSE, FALSE, sizeof (size_t));
  GArray *valid = g_array_new (FALSE, FALSE, sizeof (size_t));
  GArray *train = g_array_new (FALSE, FALSE, sizeof (size_t));
  g_autoptr (GArray) t_test = g_array_new (FALSE, FALSE, sizeof (Timed));
  g_autoptr (GArray) t_pool = g_array_new (FALSE, FALSE, sizeof (Timed));
  g_autoptr (GArray) t_valid = g_array_new (FALSE, FALSE, sizeof (Timed));
  g_autoptr (GArray) t_train = g_array_new (FALSE, FALSE, sizeof (Timed));
  for (guint k = 0; k < keys->len; k++)
    {
      GArray *a = g_hash_table_lookup (by, &g_array_index (keys, gint64, k));
      g_array_sort (a, cmp_timed);
      g_array_set_size (t_test, 0);
      g_array_set_size (t_pool, 0);
      g_array_set_size (t_valid, 0);
      g_array_set_size (t_train, 0);
      time_cut ((Timed *) a->data, a->len, spec->test_size, spec->gap, t_test, t_pool);
      time_cut ((Timed *) t_pool->data, t_pool->len, spec->valid_size, spec->gap, t_valid,
                t_train);
      GArray *from[3] = { t_test, t_valid, t_train }, *to[3] = { test, valid, train };
      for (int p = 0; p < 3; p++)
        for (guint m = 0; m < from[p]->len; m++)
          g_array_append_val (to[p], g_array_index (from[p], Timed, m).s);
    }
  return split_of (train, valid, test);
}

GPtrArray *
td_split_make (const TdDataset *ds, const TdSplitSpec *spec, int repeat, guint64 seed,
               GError **error)
{
  gboolean grouped = td_split_is_grouped (spec);
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
      if (!group_ids (ds, spec, gid, error))
        return NULL;
    }
  g_autofree guint8 *part = NULL;
  if (spec->method == TD_SPLIT_PREDEFINED
      && (!(part = read_partition (ds, spec, error))
          || (gid && !check_groups_partitioned (ds, spec, gid, part, error))))
    return NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) td_split_free);
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, (unsigned long) (seed ^ (seed >> 32)));
  TdSplit *one = NULL;
  switch (spec->method)
    {
    case TD_SPLIT_STRATIFIED_KFOLD:
    case TD_SPLIT_GROUP_KFOLD:
      g_ptr_array_unref (out);
      out = kfold (ds, spec, rng, gid);
      break;
    case TD_SPLIT_PREDEFINED:
      one = predefined (ds, spec, repeat, rng, gid, part);
      break;
    case TD_SPLIT_TIME_HOLDOUT:
      one = time_holdout (ds, spec, gid, error);
      break;
    case TD_SPLIT_STRATIFIED_HOLDOUT:
    case TD_SPLIT_GROUP_HOLDOUT:
      one = holdout (ds, spec, rng, gid);
      break;
    }
  gsl_rng_free (rng);
  if (one)
    g_ptr_array_add (out, one);
  else if (!is_kfold)
    {
      g_ptr_array_unref (out);
      return NULL;
    }
  for (guint f = 0; f < out->len; f++)
    {
      TdSplit *sp = out->pdata[f];
      if (sp->n_train == 0 || sp->n_test == 0)
        {
          g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                       "split: %s left %zu training and %zu test series out of %zu; adjust "
                       "%s or the data size", td_split_method_name (spec->method),
                       sp->n_train, sp->n_test, ds->n_series,
                       spec->method == TD_SPLIT_TIME_HOLDOUT
                       ? "test_size/valid_size/gap (time_holdout cuts series: a long recording "
                         "needs data.window first)"
                       : "test_size/valid_size/folds");
          g_ptr_array_unref (out);
          return NULL;
        }
    }
  return out;
}
