/* layout.c — see layout.h. */
#include "data/layout.h"

#include "data/split.h"
#include "data/window.h"

void
td_data_layout_of (const TdDataset *ds, TdDataLayout *out)
{
  *out = (TdDataLayout) { .step_labels = ds->y_step != NULL };
  for (size_t s = 0; s < ds->n_series; s++)
    out->max_steps = MAX (out->max_steps, ds->lengths ? ds->lengths[s] : ds->n_steps);
  /* a text column counts: td_split_partition then says what is wrong with it */
  out->partition = td_dataset_find_meta (ds, TD_META_PARTITION) != NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (size_t s = 0; s < ds->n_series && !out->shared_groups; s++)
    out->shared_groups = !g_hash_table_add (seen, &ds->group[s]);
}

static gboolean
grouped_by_data (const TdSplitSpec *split)
{
  if (split->group_by)
    return FALSE;
  return split->method == TD_SPLIT_GROUP_HOLDOUT || split->method == TD_SPLIT_GROUP_KFOLD
         || (split->method == TD_SPLIT_PREDEFINED && split->grouped);
}

gboolean
td_data_layout_check (const TdDataLayout *layout, TdTask task, const TdWindowSpec *window,
                      const TdSplitSpec *split, GError **error)
{
  if (window->enabled)
    {
      if (!td_window_check_rule (window, layout->step_labels, task, error)
          || !td_window_check_length (window, layout->max_steps, error))
        return FALSE;
      if (window->last_test_only && !layout->partition)
        {
          td_split_no_partition (window->where_test, "data.window.test_windows", "last", "none",
                                 "test_windows: all", error);
          return FALSE;
        }
    }
  if (split->method == TD_SPLIT_PREDEFINED && !layout->partition)
    {
      td_split_no_partition (split->where, "split.method", "predefined", "none",
                             "another split method", error);
      return FALSE;
    }
  if (grouped_by_data (split) && !layout->shared_groups && !window->enabled)
    {
      gboolean predefined = split->method == TD_SPLIT_PREDEFINED;
      g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                   "%s: %s: %s keeps each group's series on one side, and every series of this "
                   "data is a group of its own (no group id is shared by two series); expected "
                   "data with groups (a source's group column), group_by: COLUMN naming a "
                   "metadata column, data.window (a recording's windows share its group) or %s",
                   split->where, predefined ? "split.grouped" : "split.method",
                   predefined ? "grouped: true" : td_split_method_name (split->method),
                   predefined ? "grouped: false"
                   : split->method == TD_SPLIT_GROUP_KFOLD ? "method: stratified_kfold"
                                                           : "method: stratified_holdout");
      return FALSE;
    }
  return TRUE;
}
