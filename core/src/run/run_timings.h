/* run_timings.h — timings.csv of a run (core-internal). */
#pragma once

#include "run/run_output.h"

G_BEGIN_DECLS

/* run_timings.c: rows (TdStageTime) of the trials' stages (all trials, or
 * the successful ones only: what reporters get, like their wall times),
 * then the run's "data" stage (never "report": a reporter cannot show its
 * own time). */
void td_run_timing_rows (const TdRunMeta *m, GPtrArray *trials, gboolean ok_only, GArray *rows);
/* timings.csv: pipeline,variant,repeat,fold,stage,seconds — the rows above,
 * then "report" (report_seconds); run-level rows have empty pipeline,
 * variant, repeat and fold. */
gboolean td_run_write_timings (const TdRunMeta *m, GPtrArray *trials, double report_seconds,
                               GError **error);
/* The run-level data and report seconds of an existing timings.csv (0
 * each when absent), so `tundish report` keeps the run's own. */
void td_run_read_timings (const char *run_dir, double *data_seconds, double *report_seconds);

G_END_DECLS
