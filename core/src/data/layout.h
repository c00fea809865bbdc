/* layout.h — data.window and split against what the data holds
 * (core-internal). One set of rules, with one set of messages, whether the
 * data is known (a dataset: the runner and validate check it before cutting
 * windows) or declared (a generator's TD_EXT_DATA_LAYOUT: the loader checks
 * it before anything is simulated). */
#pragma once

#include <tundish/plugin.h>
#include "config/config.h"

G_BEGIN_DECLS

/* What ds holds, as a generator would declare it. */
void td_data_layout_of (const TdDataset *ds, TdDataLayout *out);

/* FALSE, at the config position of the key and saying what to write instead,
 * for the first rule the layout breaks: the window's label rule and length
 * (td_window_check_rule, td_window_check_length), a partition for
 * test_windows: last and split: predefined, and for a grouped split without
 * group_by (group_holdout, group_kfold, predefined with grouped) group ids
 * shared by several series, or data.window, whose windows share their
 * recording's. task 0: not known (the task rules are not checked). */
gboolean td_data_layout_check (const TdDataLayout *layout, TdTask task,
                               const TdWindowSpec *window, const TdSplitSpec *split,
                               GError **error);

G_END_DECLS
