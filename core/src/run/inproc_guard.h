/* inproc_guard.h — what keeps a run honest when its trials run in the
 * runner's own process (-j 1, the default where GLib sees one CPU, or
 * --no-isolate) (core-internal).
 *
 * There a plugin that calls exit() would end tundish with that status and
 * a manifest saying "running", and a plugin in an endless loop would keep
 * the run alive forever: no thread can be killed alone. The guard is an
 * exit handler and a watchdog thread, active while trials run. Either way
 * the trial in question is recorded as failed in its folder (so `tundish
 * run --resume` sees it, and runs it again), the reason goes to stderr,
 * and the process ends with exit status 2: never 0 for an unfinished run. */
#pragma once

#include "run/schedule.h"

G_BEGIN_DECLS

/* From here until td_inproc_guard_end, exit() ends the run as above, and a
 * trial running longer than timeout seconds (<= 0: never) does too.
 * timeout_is_default words the message. */
void td_inproc_guard_begin (TdRunState *r, double timeout, gboolean timeout_is_default);
/* The calling thread starts / has ended trial t. */
void td_inproc_guard_enter (TdTrial *t);
void td_inproc_guard_leave (TdTrial *t);
void td_inproc_guard_end (void);

G_END_DECLS
