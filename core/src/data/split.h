/* split.h — train/valid/test index sets (core-internal).
 *
 * Every pipeline of a repeat sees the identical split: the split depends only
 * on the dataset and the split seed derived from (master seed, repeat). */
#pragma once

#include <tundish/dataset.h>
#include "config/config.h"

G_BEGIN_DECLS

typedef struct {
  size_t *train, *valid, *test;   /* ascending series indices */
  size_t n_train, n_valid, n_test;
} TdSplit;

void td_split_free (TdSplit *split);

/* Holdout methods (predefined and time_holdout too) give one split, k-fold
 * methods give k (fold f tests on fold f; its validation part is carved,
 * stratified, from the other folds). repeat matters to predefined only: its
 * repeat 0 is always the data's own partition. time_holdout may leave series
 * out (those within split.gap steps of the next part). Returns an array of
 * TdSplit* (free func set). */
GPtrArray *td_split_make (const TdDataset *ds, const TdSplitSpec *spec, int repeat,
                          guint64 seed, GError **error);

/* Whether spec draws whole groups (group_holdout, group_kfold, time_holdout's
 * timelines, predefined with grouped): the bootstrap then resamples groups. */
gboolean td_split_is_grouped (const TdSplitSpec *spec);

/* The group id of every series of ds as a grouped split sees it (the
 * dataset's group ids, or split.group_by's metadata column, text values
 * numbered as first seen); NULL without an error when spec is not grouped
 * (time_holdout's timelines and predefined with grouped count as grouped). */
gint64 *td_split_groups (const TdDataset *ds, const TdSplitSpec *spec, GError **error);

/* The data's own train/test partition (TD_META_PARTITION), checked to be 0
 * or 1 for every series. Otherwise NULL, with an error saying where (the
 * config position "FILE:LINE:COL"), key, which setting needs it and what to
 * write instead. */
const double *td_split_partition (const TdDataset *ds, const char *where, const char *key,
                                  const char *needs, const char *instead, GError **error);

/* The error td_split_partition gives when the data has no partition (has:
 * "none", "it as text"), for the loader's check of a generator's declared
 * layout too. */
void td_split_no_partition (const char *where, const char *key, const char *needs,
                            const char *has, const char *instead, GError **error);

/* Defined with the config parser, which owns the method names. */
const char *td_split_method_name (TdSplitMethod method);

G_END_DECLS
