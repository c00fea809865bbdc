/* worker_log.c — see worker_log.h. */
#include "run/worker_log.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <string.h>
#include <unistd.h>

struct TdWorkerLog {
  int pipe_fd;          /* read end; -1 at EOF */
  int file_fd;          /* log.txt; -1 once finished */
  guint64 total;        /* bytes read from the worker */
  guint64 head;         /* bytes written to the file as they came */
  char *ring;           /* the last TD_WORKER_LOG_TAIL bytes after the head */
  gsize ring_start, ring_len;
};

static void
write_all (int fd, const char *p, gsize n)
{
  while (n > 0)
    {
      ssize_t w = write (fd, p, n);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return;         /* a full disk: the log is a help, not a result */
      p += w;
      n -= (gsize) w;
    }
}

TdWorkerLog *
td_worker_log_open (const char *path, int *child_fd, GError **error)
{
  int fds[2];
  if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
    return NULL;
  int file = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (file < 0)
    {
      int e = errno;
      close (fds[0]);
      close (fds[1]);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "cannot create %s: %s",
                   path, g_strerror (e));
      return NULL;
    }
  g_unix_set_fd_nonblocking (fds[0], TRUE, NULL);
  TdWorkerLog *log = g_new0 (TdWorkerLog, 1);
  log->pipe_fd = fds[0];
  log->file_fd = file;
  *child_fd = fds[1];
  return log;
}

int
td_worker_log_fd (const TdWorkerLog *log)
{
  return log->pipe_fd;
}

static void
keep (TdWorkerLog *log, const char *p, gsize n)
{
  log->total += n;
  if (log->head < TD_WORKER_LOG_HEAD)
    {
      gsize take = (gsize) MIN ((guint64) n, TD_WORKER_LOG_HEAD - log->head);
      write_all (log->file_fd, p, take);
      log->head += take;
      p += take;
      n -= take;
    }
  if (n == 0)
    return;
  if (!log->ring)
    log->ring = g_malloc (TD_WORKER_LOG_TAIL);
  if (n >= TD_WORKER_LOG_TAIL)
    {
      p += n - TD_WORKER_LOG_TAIL;
      n = TD_WORKER_LOG_TAIL;
    }
  while (n > 0)
    {
      /* the newest bytes end at `at`; the oldest are overwritten first */
      gsize at = (log->ring_start + log->ring_len) % TD_WORKER_LOG_TAIL;
      gsize c = MIN (n, TD_WORKER_LOG_TAIL - at);
      memcpy (log->ring + at, p, c);
      log->ring_len += c;
      if (log->ring_len > TD_WORKER_LOG_TAIL)
        {
          log->ring_start = (log->ring_start + log->ring_len - TD_WORKER_LOG_TAIL)
                            % TD_WORKER_LOG_TAIL;
          log->ring_len = TD_WORKER_LOG_TAIL;
        }
      p += c;
      n -= c;
    }
}

void
td_worker_log_pump (TdWorkerLog *log)
{
  char buf[65536];
  while (log->pipe_fd >= 0 && log->file_fd >= 0)
    {
      ssize_t got = read (log->pipe_fd, buf, sizeof buf);
      if (got > 0)
        {
          keep (log, buf, (gsize) got);
          continue;
        }
      if (got < 0 && errno == EINTR)
        continue;
      if (got == 0)
        {
          close (log->pipe_fd);
          log->pipe_fd = -1;
        }
      break;            /* EAGAIN: nothing more now */
    }
}

guint64
td_worker_log_total (const TdWorkerLog *log)
{
  return log->total;
}

guint64
td_worker_log_dropped (const TdWorkerLog *log)
{
  return log->total - log->head - log->ring_len;
}

void
td_worker_log_finish (TdWorkerLog *log)
{
  if (log->file_fd < 0)
    return;
  td_worker_log_pump (log);
  guint64 dropped = td_worker_log_dropped (log);
  if (dropped > 0)
    {
      g_autofree char *note = g_strdup_printf (
        "\n[tundish: %" G_GUINT64_FORMAT " bytes of output dropped here: the worker wrote %"
        G_GUINT64_FORMAT " bytes; log.txt keeps the first %u and the last %u]\n",
        dropped, log->total, TD_WORKER_LOG_HEAD, TD_WORKER_LOG_TAIL);
      write_all (log->file_fd, note, strlen (note));
    }
  if (log->ring_len)
    {
      gsize first = MIN (log->ring_len, TD_WORKER_LOG_TAIL - log->ring_start);
      write_all (log->file_fd, log->ring + log->ring_start, first);
      write_all (log->file_fd, log->ring, log->ring_len - first);
    }
  close (log->file_fd);
  log->file_fd = -1;
  g_clear_pointer (&log->ring, g_free);
}

void
td_worker_log_free (TdWorkerLog *log)
{
  if (!log)
    return;
  td_worker_log_finish (log);
  if (log->pipe_fd >= 0)
    close (log->pipe_fd);
  g_free (log);
}
