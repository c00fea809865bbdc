/* worker.h — one piece of work in a forked child process, with a time and
 * a memory limit (core-internal). The runner's crash isolation.
 *
 * Why fork, and when it is safe. A trial runs plugin code that may crash,
 * hang or eat memory; in a child process that costs only that trial. The
 * child starts as a copy of the runner (dataset, splits, loaded plugins:
 * copy-on-write, no reloading), so forking must happen from a process that
 * holds no other threads' locks. The runner keeps the forking process
 * single-threaded: it generates the data in a child too (so generator
 * threads never exist in it), runs no trial code itself when isolating,
 * draws progress from its own loop instead of a ticker thread, and uses no
 * GThreadPool. OpenBLAS, loaded with libtundish, stops its own threads
 * before every fork (its pthread_atfork handler) and restarts them lazily.
 * OpenMP (XGBoost) and every trial thread live only in children.
 *
 * The child: its own process group (a timeout kills everything it started),
 * PR_SET_PDEATHSIG so it dies with the runner (a killed run leaves no
 * orphan writing into the run folder), no core dumps, stdout and stderr to
 * a log file through the runner (worker_log.h: capped, head and tail kept),
 * RLIMIT_AS = its address space at fork + the memory limit. It reports back
 * through the files it writes, its exit status and its lifeline: a plugin
 * that calls exit() is caught by an exit handler that says so, and under a
 * memory limit a SIGSEGV/SIGBUS handler reports the address space at the
 * crash (an unchecked malloc failing looks like any segfault otherwise).
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

typedef struct {
  double timeout;               /* seconds; <= 0: none */
  int memory_mb;                /* extra address space the child may map; <= 0: none */
  gboolean timeout_is_default;  /* timeout is the default, not --trial-timeout (messages) */
} TdWorkerLimits;

typedef struct {
  pid_t pid;
  int fd;                       /* read end of the child's lifeline: EOF when it ends */
  gint64 started;               /* monotonic µs */
  gboolean timed_out, reaped;
  int status;                   /* wait status, once reaped */
  char *log_path;               /* NULL: the child keeps the runner's stdout/stderr */
  TdWorkerLimits limits;
  GString *output;              /* what the child wrote with td_worker_report */
  struct TdWorkerLog *log;      /* its stdout/stderr on their way to log_path (capped) */
  long max_rss_kb;              /* peak resident memory, once reaped */
  gint64 as_at_start;           /* address space at fork, bytes (the memory limit adds to it) */
} TdWorker;

/* Fork a child that sets itself up (see above), runs fn(data) and _exits
 * with its return value. NULL with error when fork fails. */
TdWorker *td_worker_start (const char *log_path, const TdWorkerLimits *limits,
                           int (*fn) (gpointer data), gpointer data, GError **error);

/* In the child: send a short message back to the runner (w->output). */
void td_worker_report (const char *text);

/* Reap without blocking; kills the child when its time is up. TRUE once the
 * child has ended (w->status is set). */
gboolean td_worker_check (TdWorker *w);
/* SIGKILL the child's process group and reap it. */
void td_worker_kill (TdWorker *w);
/* Milliseconds until the earliest deadline among workers (-1: none). */
int td_worker_next_deadline_ms (TdWorker *const *workers, guint n);
/* Wait up to timeout_ms for any worker's lifeline to close. */
void td_worker_wait (TdWorker *const *workers, guint n, int timeout_ms);

/* NULL when fn returned 0; otherwise why it did not (timed out, signal
 * name, memory limit or "likely out of memory", the plugin calling exit,
 * exit status), with the most telling line of its log (a sanitizer's
 * report, an allocation failure, an assertion). */
char *td_worker_failure (const TdWorker *w);

void td_worker_free (TdWorker *w);

/* Name of a signal: "SIGSEGV (Segmentation fault)". */
char *td_signal_describe (int sig);

G_END_DECLS
