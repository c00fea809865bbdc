/* worker.c — see worker.h. */
#include "run/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/killpoint.h"

/* Exit codes of a child that never got to its work. */
enum { CHILD_ORPHANED = 120, CHILD_SETUP_FAILED = 121 };

static int report_fd = -1;      /* in a child: its end of the lifeline */

void
td_worker_report (const char *text)
{
  if (report_fd >= 0 && text)
    {
      size_t len = strlen (text);
      while (len > 0)
        {
          ssize_t n = write (report_fd, text, len);
          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            break;
          text += n;
          len -= (size_t) n;
        }
    }
}

char *
td_signal_describe (int sig)
{
  const char *abbrev = sigabbrev_np (sig);
  const char *desc = strsignal (sig);
  if (abbrev)
    return g_strdup_printf ("SIG%s (%s)", abbrev, desc ? desc : "?");
  return g_strdup_printf ("signal %d", sig);
}

/* Address space of this process now, in bytes (/proc/self/statm, pages). */
static guint64
address_space_now (void)
{
  FILE *f = fopen ("/proc/self/statm", "r");
  unsigned long pages = 0;
  if (f)
    {
      if (fscanf (f, "%lu", &pages) != 1)
        pages = 0;
      fclose (f);
    }
  return (guint64) pages * (guint64) sysconf (_SC_PAGESIZE);
}

static void
child_setup (pid_t runner, int lifeline, const char *log_path, const TdWorkerLimits *lim)
{
  setpgid (0, 0);
  /* Die with the runner: a killed run must not leave workers writing. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != runner)
    _exit (CHILD_ORPHANED);
  sigset_t all;
  sigemptyset (&all);
  sigprocmask (SIG_SETMASK, &all, NULL);
  signal (SIGPIPE, SIG_DFL);
  signal (SIGINT, SIG_DFL);
  signal (SIGTERM, SIG_DFL);
  struct rlimit no_core = { 0, 0 };
  setrlimit (RLIMIT_CORE, &no_core);   /* a crash test must not fill the disk with cores */
  int log = log_path ? open (log_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644)
                    : -1;
  if (log >= 0)
    {
      dup2 (log, STDOUT_FILENO);
      dup2 (log, STDERR_FILENO);
      close (log);
    }
  if (lim->memory_mb > 0)
    {
      guint64 cap = address_space_now () + (guint64) lim->memory_mb * 1024 * 1024;
      struct rlimit as = { (rlim_t) cap, (rlim_t) cap };
      if (setrlimit (RLIMIT_AS, &as) != 0)
        {
          fprintf (stderr, "tundish: cannot set the memory limit: %s\n", g_strerror (errno));
          _exit (CHILD_SETUP_FAILED);
        }
    }
  report_fd = lifeline;  /* kept open: it closes when this process ends */
  td_kill_point_set_runner (runner);
}

TdWorker *
td_worker_start (const char *log_path, const TdWorkerLimits *limits, int (*fn) (gpointer),
                 gpointer data, GError **error)
{
  int fds[2];
  if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
    return NULL;
  fflush (stdout);
  fflush (stderr);
  pid_t runner = getpid ();
  pid_t pid = fork ();
  if (pid < 0)
    {
      int err = errno;
      close (fds[0]);
      close (fds[1]);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err),
                   "cannot start a worker process: %s", g_strerror (err));
      return NULL;
    }
  if (pid == 0)
    {
      close (fds[0]);
      child_setup (runner, fds[1], log_path, limits);
      _exit (fn (data));
    }
  setpgid (pid, pid);   /* also here, so a kill right after fork reaches the group */
  close (fds[1]);
  g_unix_set_fd_nonblocking (fds[0], TRUE, NULL);
  TdWorker *w = g_new0 (TdWorker, 1);
  w->pid = pid;
  w->fd = fds[0];
  w->started = g_get_monotonic_time ();
  w->log_path = g_strdup (log_path);
  w->limits = *limits;
  w->output = g_string_new ("");
  return w;
}

/* Read what is in the lifeline now; close it at EOF. */
static void
drain (TdWorker *w)
{
  while (w->fd >= 0)
    {
      char buf[4096];
      ssize_t got = read (w->fd, buf, sizeof buf);
      if (got > 0)
        {
          if (w->output->len < 65536)
            g_string_append_len (w->output, buf, got);
          continue;
        }
      if (got < 0 && errno == EINTR)
        continue;
      if (got == 0)
        {
          close (w->fd);
          w->fd = -1;
        }
      break;   /* EAGAIN: a grandchild still holds the pipe; nothing more now */
    }
}

gboolean
td_worker_check (TdWorker *w)
{
  if (w->reaped)
    return TRUE;
  int status = 0;
  pid_t r;
  do
    r = waitpid (w->pid, &status, WNOHANG);
  while (r < 0 && errno == EINTR);
  if (r == w->pid)
    {
      w->status = status;
      w->reaped = TRUE;
      drain (w);
      return TRUE;
    }
  if (w->limits.timeout > 0 && !w->timed_out
      && (double) (g_get_monotonic_time () - w->started) / 1e6 >= w->limits.timeout)
    {
      w->timed_out = TRUE;
      td_worker_kill (w);
      return TRUE;
    }
  return FALSE;
}

void
td_worker_kill (TdWorker *w)
{
  if (w->reaped)
    return;
  kill (-w->pid, SIGKILL);
  kill (w->pid, SIGKILL);
  int status = 0;
  while (waitpid (w->pid, &status, 0) < 0 && errno == EINTR)
    ;
  w->status = status;
  w->reaped = TRUE;
  drain (w);
}

int
td_worker_next_deadline_ms (TdWorker *const *workers, guint n)
{
  gint64 now = g_get_monotonic_time ();
  int best = -1;
  for (guint k = 0; k < n; k++)
    {
      const TdWorker *w = workers[k];
      if (w->reaped || w->limits.timeout <= 0)
        continue;
      gint64 end = w->started + (gint64) (w->limits.timeout * 1e6);
      int ms = end <= now ? 0 : (int) MIN ((end - now + 999) / 1000, G_MAXINT / 2);
      if (best < 0 || ms < best)
        best = ms;
    }
  return best;
}

void
td_worker_wait (TdWorker *const *workers, guint n, int timeout_ms)
{
  g_autofree struct pollfd *p = g_new0 (struct pollfd, MAX (n, 1u));
  nfds_t m = 0;
  for (guint k = 0; k < n; k++)
    if (!workers[k]->reaped && workers[k]->fd >= 0)
      {
        p[m].fd = workers[k]->fd;
        p[m].events = POLLIN;
        m++;
      }
  int r = poll (p, m, timeout_ms);
  if (r <= 0)
    return;
  /* EOF means the child is gone (or going): that fd is closed and not polled again */
  for (guint k = 0, j = 0; k < n; k++)
    if (!workers[k]->reaped && workers[k]->fd >= 0)
      {
        if (p[j].revents)
          drain (workers[k]);
        j++;
      }
}

/* The most telling line of a child's log. */
static char *
log_reason (const char *path, gboolean *memory)
{
  *memory = FALSE;
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!path || !g_file_get_contents (path, &text, &len, NULL) || len == 0)
    return NULL;
  const char *tail = len > 16384 ? text + len - 16384 : text;
  g_auto (GStrv) lines = g_strsplit (tail, "\n", -1);
  static const char *const mem_words[] = { "failed to allocate", "bad_alloc",
                                           "Cannot allocate memory", "out of memory",
                                           "out-of-memory", "allocation-size-too-big", NULL };
  static const char *const telling[] = { "ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                                         "runtime error:", "terminate called", "Assertion",
                                         "ERROR", "CRITICAL", NULL };
  const char *found = NULL, *last = NULL;
  int rank = G_MAXINT;
  for (size_t k = 0; lines[k]; k++)
    {
      char *l = g_strstrip (lines[k]);
      if (!*l)
        continue;
      last = l;
      for (size_t m = 0; mem_words[m]; m++)
        if (strstr (l, mem_words[m]))
          {
            *memory = TRUE;
            if (rank > -1)
              {
                found = l;
                rank = -1;
              }
          }
      for (int t = 0; telling[t]; t++)
        if (t < rank && strstr (l, telling[t]))
          {
            found = l;
            rank = t;
          }
    }
  const char *pick = found ? found : last;
  if (!pick)
    return NULL;
  g_autofree char *one = g_utf8_make_valid (pick, -1);
  if (g_utf8_strlen (one, -1) > 300)
    {
      g_autofree char *cut = g_utf8_substring (one, 0, 300);
      return g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&one);
}

char *
td_worker_failure (const TdWorker *w)
{
  if (!w->timed_out && WIFEXITED (w->status) && WEXITSTATUS (w->status) == 0)
    return NULL;
  gboolean memory = FALSE;
  g_autofree char *line = log_reason (w->log_path, &memory);
  g_autofree char *why = NULL;
  if (w->timed_out)
    why = g_strdup_printf ("timed out after %g s (--trial-timeout); killed", w->limits.timeout);
  else if (memory && w->limits.memory_mb > 0)
    why = g_strdup_printf ("exceeded the memory limit of %d MB (--trial-memory)",
                           w->limits.memory_mb);
  else if (WIFSIGNALED (w->status))
    {
      g_autofree char *sig = td_signal_describe (WTERMSIG (w->status));
      why = g_strdup_printf ("crashed: killed by %s%s", sig,
                             memory ? " after an allocation failed" : "");
    }
  else if (WIFEXITED (w->status) && WEXITSTATUS (w->status) == CHILD_ORPHANED)
    why = g_strdup ("the runner went away before the worker started");
  else
    why = g_strdup_printf ("crashed: exited with status %d", WEXITSTATUS (w->status));
  if (line && !w->timed_out)
    return g_strdup_printf ("%s: %s", why, line);
  return g_steal_pointer (&why);
}

void
td_worker_free (TdWorker *w)
{
  if (!w)
    return;
  if (w->fd >= 0)
    close (w->fd);
  g_free (w->log_path);
  if (w->output)
    g_string_free (w->output, TRUE);
  g_free (w);
}
