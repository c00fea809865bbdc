/* killpoint.h — test hook: die like `kill -9` at a named moment (core-internal).
 *
 * TUNDISH_TEST_KILL_AT=POINT[:N] makes the runner send SIGKILL to itself
 * (and, from an isolated trial worker, to the runner that started it) when
 * it reaches POINT — the N-th time, or the trial with index N. The resume
 * tests use it to interrupt a run at exact, repeatable places instead of
 * racing a timer. Points:
 *
 *   data          the runner, while the data child generates the dataset
 *   trial:N       inside trial N (fixed trial order) after its model is fitted
 *   trial-write:N inside trial N's result writing, after predictions.csv and
 *                 before metrics.csv
 *   outputs       after predictions.h5 and before the reporters (results.csv)
 *   rename:N      the N-th atomic rename of this process (0-based), after the
 *                 temporary file is complete and flushed
 *
 * Unset (the normal case) it costs one getenv at the first call.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/* index >= 0: match POINT:index; index < 0: a per-point counter of calls in
 * this process is used as the index. */
void td_kill_point (const char *point, int index);

/* In an isolated worker: the runner to take down too. */
void td_kill_point_set_runner (pid_t runner);

G_END_DECLS
