/* run_summary.h — summary.csv's rows: mean, sd and n of every metric per
 * pipeline label, with the t interval and the percentile bootstrap interval
 * (core-internal; tundish/report.h TdSummaryInterval states both). */
#pragma once

#include "run/run_output.h"

G_BEGIN_DECLS

/* Appends one TdSummaryRow to rows and one TdSummaryInterval to intervals
 * per (label, metric), labels in the order of trials (sorted by
 * td_trial_cmp), metrics in the experiment's order. The bootstrap uses
 * exp->summary_bootstrap resamples of each ok trial's test predictions,
 * drawn from td_seed_derive (seed, repeat, fold, "summary:bootstrap", "")
 * so every pipeline meets the same resamples; 0 leaves it NaN. FALSE only
 * when the split's groups cannot be read. */
gboolean td_run_summary (const TdRunMeta *m, GPtrArray *trials, GArray *rows,
                         GArray *intervals, GError **error);

G_END_DECLS
