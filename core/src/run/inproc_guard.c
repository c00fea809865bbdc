/* inproc_guard.c — see inproc_guard.h. */
#include "run/inproc_guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "run/trial_io.h"
#include "util/text.h"

enum { EXIT_RUNTIME = 2 };      /* TD_EXIT_RUNTIME of the command line */

typedef struct {
  TdTrial *trial;
  gint64 started;
} Running;

static struct {
  GMutex lock;
  GCond wake;                   /* signalled by td_inproc_guard_end */
  TdRunState *run;              /* NULL: not guarding */
  GArray *running;              /* Running */
  double timeout;
  gboolean timeout_is_default;
  GThread *watchdog;
  gint stop;
  gboolean handler_set;
} guard;

static _Thread_local TdTrial *current;

/* Record t as failed with why, tell the user, end the process. Called with
 * guard.lock held (or from the exit handler); never returns. */
static void G_GNUC_NORETURN
fail_run (TdTrial *t, const char *why)
{
  TdRunState *r = guard.run;
  if (t)
    {
      t->ok = FALSE;
      t->done = TRUE;
      g_free (t->error);
      t->error = g_strdup (why);
      GError *e = NULL;
      if (!td_run_write_trial (r->run_dir, r->exp, t, &e))
        {
          fprintf (stderr, "tundish: cannot record the failed trial: %s\n", e->message);
          g_error_free (e);
        }
    }
  g_autofree char *label = t ? td_text_escape (t->pipeline->label) : NULL;
  fprintf (stderr, "\ntundish: %s%s%s: %s\n"
           "tundish: the run is unfinished (trials run in this process: -j 1 or "
           "--no-isolate); finished trials are kept, continue with `tundish run --resume "
           "%s`, and use --isolate (or -j 2+) so such a trial fails alone\n",
           t ? "trial " : "", t ? label : "", t ? "" : "a trial", why, r->run_dir);
  fflush (stderr);
  _exit (EXIT_RUNTIME);
}

static void
on_exit_called (int status, void *unused)
{
  (void) unused;
  if (!g_atomic_pointer_get (&guard.run))
    return;
  g_autofree char *why = g_strdup_printf ("the plugin exited (status %d) before returning "
                                          "its results; a plugin must return an error, never "
                                          "call exit()", status);
  fflush (stdout);
  fail_run (current, why);
}

static gpointer
watchdog (gpointer unused)
{
  (void) unused;
  g_mutex_lock (&guard.lock);
  while (!g_atomic_int_get (&guard.stop))
    {
      g_cond_wait_until (&guard.wake, &guard.lock, g_get_monotonic_time () + 200 * 1000);
      gint64 now = g_get_monotonic_time ();
      for (guint k = 0; k < guard.running->len; k++)
        {
          Running *x = &g_array_index (guard.running, Running, k);
          if ((double) (now - x->started) / 1e6 < guard.timeout)
            continue;
          g_autofree char *why = g_strdup_printf (
            "timed out after %g s (%s); a trial in this process cannot be stopped alone",
            guard.timeout, guard.timeout_is_default
                             ? "the default trial timeout; --trial-timeout SECONDS sets "
                               "another, 0 none"
                             : "--trial-timeout");
          fail_run (x->trial, why);
        }
    }
  g_mutex_unlock (&guard.lock);
  return NULL;
}

void
td_inproc_guard_begin (TdRunState *r, double timeout, gboolean timeout_is_default)
{
  g_mutex_init (&guard.lock);
  g_cond_init (&guard.wake);
  guard.running = g_array_new (FALSE, FALSE, sizeof (Running));
  guard.timeout = timeout;
  guard.timeout_is_default = timeout_is_default;
  g_atomic_int_set (&guard.stop, 0);
  if (!guard.handler_set)
    {
      on_exit (on_exit_called, NULL);
      guard.handler_set = TRUE;
    }
  g_atomic_pointer_set (&guard.run, r);
  guard.watchdog = timeout > 0 ? g_thread_new ("watchdog", watchdog, NULL) : NULL;
}

void
td_inproc_guard_enter (TdTrial *t)
{
  current = t;
  Running x = { t, g_get_monotonic_time () };
  g_mutex_lock (&guard.lock);
  g_array_append_val (guard.running, x);
  g_mutex_unlock (&guard.lock);
}

void
td_inproc_guard_leave (TdTrial *t)
{
  current = NULL;
  g_mutex_lock (&guard.lock);
  for (guint k = 0; k < guard.running->len; k++)
    if (g_array_index (guard.running, Running, k).trial == t)
      {
        g_array_remove_index_fast (guard.running, k);
        break;
      }
  g_mutex_unlock (&guard.lock);
}

void
td_inproc_guard_end (void)
{
  g_mutex_lock (&guard.lock);
  g_atomic_int_set (&guard.stop, 1);
  g_cond_signal (&guard.wake);
  g_mutex_unlock (&guard.lock);
  if (guard.watchdog)
    g_thread_join (guard.watchdog);
  guard.watchdog = NULL;
  g_atomic_pointer_set (&guard.run, NULL);
  g_clear_pointer (&guard.running, g_array_unref);
  g_cond_clear (&guard.wake);
  g_mutex_clear (&guard.lock);
}
