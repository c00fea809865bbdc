/* worker_log.h — a worker's stdout and stderr, written to its log.txt by the
 * runner with a cap (core-internal).
 *
 * A plugin that prints without end (512 MiB per call) must not fill the
 * disk, and the part of a log that explains a crash is its end. So the
 * worker writes into a pipe, and the runner keeps the first
 * TD_WORKER_LOG_HEAD bytes (written as they come) and the last
 * TD_WORKER_LOG_TAIL bytes (held in memory, written when the worker ends,
 * after a line saying how many bytes were dropped between them). When the
 * runner itself is killed, the held tail is lost with it; the head is on
 * disk. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TD_WORKER_LOG_HEAD (4u << 20)
#define TD_WORKER_LOG_TAIL (4u << 20)

typedef struct TdWorkerLog TdWorkerLog;

/* Create path (truncated) and a pipe; *child_fd is the write end for the
 * worker's stdout and stderr (close-on-exec in the runner). NULL with
 * error when either cannot be made. */
TdWorkerLog *td_worker_log_open (const char *path, int *child_fd, GError **error);
/* The read end, for poll(); -1 once the worker's side is closed. */
int td_worker_log_fd (const TdWorkerLog *log);
/* Move whatever the pipe holds now into the file or the tail. */
void td_worker_log_pump (TdWorkerLog *log);
/* The worker has ended: pump what is left, write the dropped-bytes line and
 * the tail, close the file. Safe to call twice. */
void td_worker_log_finish (TdWorkerLog *log);
/* Bytes the worker wrote in all, and how many of them were dropped. */
guint64 td_worker_log_total (const TdWorkerLog *log);
guint64 td_worker_log_dropped (const TdWorkerLog *log);
void td_worker_log_free (TdWorkerLog *log);

G_END_DECLS
