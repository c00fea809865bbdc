/* run_root_cause.h — root-cause scores of a whole run (core-internal).
 *
 * From every trial's root_cause.csv (root_cause.h), as read back from its
 * folder: root_cause.csv (every scored series, keyed by pipeline, variant,
 * repeat, fold), root_cause_summary.csv (per pipeline label and defect type,
 * and "all": n, the mean top1 / top3 / stage_hit / window_share over scored
 * series of every repeat, with the mean chance of each beside it) and
 * root_cause_shares.csv (the mean |attribution| share per raw channel, per
 * pipeline label and defect type). Nothing is written when no trial was
 * scored. */
#pragma once

#include "run/run_output.h"

G_BEGIN_DECLS

gboolean td_run_write_root_cause (const TdRunMeta *m, GPtrArray *trials, GError **error);

G_END_DECLS
