/* run_targets.h — acceptance targets judged at the end of a run
 * (core-internal; targets: in docs/experiment-yaml.md).
 *
 * The rule: a target passes only when the whole 95 % interval of its
 * summary row clears it — the lower bound for >= and >, the upper bound for
 * <= and < — so a pass says the target is met beyond the test sets' noise,
 * not that the mean happens to sit above it. The interval is the bootstrap
 * interval of summary.csv (defined with a single repeat; the uncertainty of
 * the finite test sets for these fitted models), or the t interval over
 * repeats when summary.bootstrap_samples is 0. With neither (one repeat, no
 * bootstrap) the verdict is "undecided", which --check-targets counts as a
 * miss.
 *
 * targets.csv: pipeline, variant, metric, op, target, mean, low, high,
 * interval (bootstrap, t or none), verdict (pass, miss, undecided); one row
 * per (pipeline variant, target), in the summary's order. Not written when
 * no pipeline has targets. */
#pragma once

#include "run/run_output.h"

G_BEGIN_DECLS

gboolean td_run_write_targets (const TdRunMeta *m, const GArray *summary,
                               const GArray *summary_ci, GError **error);

G_END_DECLS
