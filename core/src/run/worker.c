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
#include "run/worker_log.h"

/* Exit codes of a child that never got to its work, or whose plugin ended
 * it with exit() (the status it gave is sent on the lifeline). */
enum { CHILD_ORPHANED = 120, CHILD_SETUP_FAILED = 121, CHILD_CALLED_EXIT = 122 };

/* Lifeline messages from tundish itself start with this byte, which no
 * plugin message does ("OK …", "ERR …"). */
#define MARK "\x1e"

static int report_fd = -1;      /* in a child: its end of the lifeline */
static long page_size;          /* in a child: for the crash handler */

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

/* In a child: the write() of a number, for the crash handler (no stdio). */
static void
report_number (const char *tag, unsigned long long v)
{
  char buf[64];
  size_t n = strlen (tag);
  memcpy (buf, tag, n);
  char digits[24];
  int d = 0;
  do
    digits[d++] = (char) ('0' + v % 10);
  while ((v /= 10) && d < 24);
  while (d > 0)
    buf[n++] = digits[--d];
  buf[n++] = '\n';
  if (write (report_fd, buf, n) < 0)
    return;
}

/* Under a memory limit: an unchecked malloc that failed makes a SIGSEGV
 * like any other, so the address space at the crash goes to the runner,
 * which can then tell "likely out of memory" from a plain crash. */
static void
on_crash (int sig)
{
  int fd = open ("/proc/self/statm", O_RDONLY);
  char buf[64];
  ssize_t n = fd >= 0 ? read (fd, buf, sizeof buf - 1) : -1;
  if (fd >= 0)
    close (fd);
  unsigned long long pages = 0;
  for (ssize_t k = 0; k < n && buf[k] >= '0' && buf[k] <= '9'; k++)
    pages = pages * 10 + (unsigned long long) (buf[k] - '0');
  report_number (MARK "AS ", pages * (unsigned long long) page_size);
  signal (sig, SIG_DFL);
  raise (sig);
}

/* exit() from plugin code in a worker: say so, with its status, instead of
 * leaving a trial folder without results and a clean exit status. */
static void
on_exit_called (int status, void *unused)
{
  (void) unused;
  fflush (NULL);
  report_number (MARK "EXIT ", (unsigned long long) (unsigned) status);
  _exit (CHILD_CALLED_EXIT);
}

static void
catch_crashes (void)
{
  static char alt[65536];       /* the stack may be what ran out */
  stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt };
  sigaltstack (&ss, NULL);
  struct sigaction sa = { 0 };
  sa.sa_handler = on_crash;
  sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGSEGV, &sa, NULL);
  sigaction (SIGBUS, &sa, NULL);
}

static void
child_setup (pid_t runner, int lifeline, int out_fd, const TdWorkerLimits *lim)
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
  if (out_fd >= 0)
    {
      dup2 (out_fd, STDOUT_FILENO);
      dup2 (out_fd, STDERR_FILENO);
      close (out_fd);
    }
  page_size = sysconf (_SC_PAGESIZE);
  on_exit (on_exit_called, NULL);
  if (lim->memory_mb > 0)
    {
      /* ASan has its own SEGV handler; the limit cannot work under it anyway */
      catch_crashes ();
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
  int out_fd = -1;
  TdWorkerLog *log = NULL;
  if (log_path && !(log = td_worker_log_open (log_path, &out_fd, error)))
    return NULL;
  int fds[2];
  if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
    {
      td_worker_log_free (log);
      if (out_fd >= 0)
        close (out_fd);
      return NULL;
    }
  fflush (stdout);
  fflush (stderr);
  pid_t runner = getpid ();
  pid_t pid = fork ();
  if (pid < 0)
    {
      int err = errno;
      close (fds[0]);
      close (fds[1]);
      td_worker_log_free (log);
      if (out_fd >= 0)
        close (out_fd);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err),
                   "cannot start a worker process: %s", g_strerror (err));
      return NULL;
    }
  if (pid == 0)
    {
      close (fds[0]);
      child_setup (runner, fds[1], out_fd, limits);
      int rc = fn (data);
      /* stdout is a pipe now, so fully buffered: what the plugin printed
       * last is still in it */
      fflush (NULL);
      _exit (rc);
    }
  setpgid (pid, pid);   /* also here, so a kill right after fork reaches the group */
  close (fds[1]);
  if (out_fd >= 0)
    close (out_fd);
  g_unix_set_fd_nonblocking (fds[0], TRUE, NULL);
  TdWorker *w = g_new0 (TdWorker, 1);
  w->pid = pid;
  w->fd = fds[0];
  w->started = g_get_monotonic_time ();
  w->log_path = g_strdup (log_path);
  w->limits = *limits;
  w->output = g_string_new ("");
  w->log = log;
  w->as_at_start = (gint64) address_space_now ();
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

static void
reaped (TdWorker *w, int status, const struct rusage *ru)
{
  w->status = status;
  w->reaped = TRUE;
  w->max_rss_kb = ru->ru_maxrss;
  drain (w);
  if (w->log)
    td_worker_log_finish (w->log);
}

gboolean
td_worker_check (TdWorker *w)
{
  if (w->reaped)
    return TRUE;
  int status = 0;
  struct rusage ru = { 0 };
  pid_t r;
  do
    r = wait4 (w->pid, &status, WNOHANG, &ru);
  while (r < 0 && errno == EINTR);
  if (r == w->pid)
    {
      reaped (w, status, &ru);
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
  struct rusage ru = { 0 };
  while (wait4 (w->pid, &status, 0, &ru) < 0 && errno == EINTR)
    ;
  reaped (w, status, &ru);
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
  g_autofree struct pollfd *p = g_new0 (struct pollfd, 2 * MAX (n, 1u));
  g_autofree int *who = g_new0 (int, 2 * MAX (n, 1u));     /* worker k + 1; negative: its log */
  nfds_t m = 0;
  for (guint k = 0; k < n; k++)
    {
      const TdWorker *w = workers[k];
      if (w->reaped)
        continue;
      if (w->fd >= 0)
        {
          p[m] = (struct pollfd) { .fd = w->fd, .events = POLLIN };
          who[m++] = (int) k + 1;
        }
      if (w->log && td_worker_log_fd (w->log) >= 0)
        {
          p[m] = (struct pollfd) { .fd = td_worker_log_fd (w->log), .events = POLLIN };
          who[m++] = -((int) k + 1);
        }
    }
  int r = poll (p, m, timeout_ms);
  if (r <= 0)
    return;
  /* EOF on a lifeline means the child is gone (or going): that fd is closed
   * and not polled again */
  for (nfds_t j = 0; j < m; j++)
    {
      if (!p[j].revents)
        continue;
      TdWorker *w = workers[ABS (who[j]) - 1];
      if (who[j] > 0)
        drain (w);
      else
        td_worker_log_pump (w->log);
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

/* The number after tag in what the child sent on its lifeline, or -1. */
static gint64
reported (const TdWorker *w, const char *tag)
{
  const char *at = strstr (w->output->str, tag);
  return at ? g_ascii_strtoll (at + strlen (tag), NULL, 10) : -1;
}

/* A SIGSEGV/SIGBUS with the address space close to the limit: the margin
 * covers the request that failed (a plugin allocating 64 MB blocks fails
 * up to 64 MB below the cap). */
static gboolean
near_memory_limit (const TdWorker *w, gint64 as_bytes)
{
  if (w->limits.memory_mb <= 0 || as_bytes < 0 || !WIFSIGNALED (w->status)
      || (WTERMSIG (w->status) != SIGSEGV && WTERMSIG (w->status) != SIGBUS))
    return FALSE;
  gint64 limit = (gint64) w->limits.memory_mb << 20;
  gint64 margin = MAX ((gint64) 128 << 20, limit / 4);
  return as_bytes >= w->as_at_start + limit - margin;
}

char *
td_worker_failure (const TdWorker *w)
{
  if (!w->timed_out && WIFEXITED (w->status) && WEXITSTATUS (w->status) == 0)
    return NULL;
  gboolean memory = FALSE;
  g_autofree char *line = log_reason (w->log_path, &memory);
  g_autofree char *why = NULL;
  gint64 as_bytes = reported (w, MARK "AS ");
  if (w->timed_out)
    why = g_strdup_printf ("timed out after %g s (%s); killed", w->limits.timeout,
                           w->limits.timeout_is_default
                             ? "the default trial timeout; --trial-timeout SECONDS sets "
                               "another, 0 none"
                             : "--trial-timeout");
  else if (memory && w->limits.memory_mb > 0)
    why = g_strdup_printf ("exceeded the memory limit of %d MB (--trial-memory)",
                           w->limits.memory_mb);
  else if (near_memory_limit (w, as_bytes))
    {
      g_autofree char *sig = td_signal_describe (WTERMSIG (w->status));
      why = g_strdup_printf ("likely out of memory: killed by %s with %" G_GINT64_FORMAT
                             " of the %d MB it may add in use (--trial-memory; peak resident "
                             "%ld MB); the plugin does not check whether an allocation "
                             "failed", sig, (as_bytes - w->as_at_start) >> 20,
                             w->limits.memory_mb, w->max_rss_kb >> 10);
    }
  else if (WIFEXITED (w->status) && WEXITSTATUS (w->status) == CHILD_CALLED_EXIT)
    why = g_strdup_printf ("crashed: the plugin exited (status %" G_GINT64_FORMAT ") before "
                           "returning its results; a plugin must return an error, never "
                           "call exit()", reported (w, MARK "EXIT "));
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
  td_worker_log_free (w->log);
  if (w->output)
    g_string_free (w->output, TRUE);
  g_free (w);
}
