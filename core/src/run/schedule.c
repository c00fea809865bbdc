/* schedule.c — how a run's trials are executed: in this process (one at a
 * time, or a thread pool), or each in a forked worker (worker.h) whose
 * failure is recorded in the trial's folder; and the determinism reruns. */
#include "run/schedule.h"
#include "util/text.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "run/inproc_guard.h"
#include "run/trial_io.h"
#include "util/atomic_file.h"


static void
note_save_error (TdRunState *r, const GError *e)
{
  g_mutex_lock (&r->save_lock);
  if (!r->save_error)
    r->save_error = g_error_copy (e);
  g_mutex_unlock (&r->save_lock);
  g_atomic_int_set (&r->stop, 1);     /* a full or read-only disk will not get better */
}

/* A trial starts from an empty folder: nothing a killed attempt left counts. */
static void
fresh_trial_dir (const char *run_dir, const TdTrial *t)
{
  g_autofree char *dir = td_trial_dir (run_dir, t);
  g_autoptr (GError) e = NULL;
  if (!td_remove_tree (dir, &e))
    fprintf (stderr, "tundish: warning: %s\n", e->message);
  g_mkdir_with_parents (dir, 0755);
}

static void
record_failure_file (TdRunState *r, const char *run_dir, TdTrial *t)
{
  GError *e = NULL;
  if (!td_run_write_trial (run_dir, r->exp, t, &e))
    {
      note_save_error (r, e);
      g_error_free (e);
    }
}

/* In-process: one trial, in the calling thread. */
static void
work (gpointer data, gpointer user)
{
  TdTrial *t = data;
  TdRunState *r = user;
  if (g_atomic_int_get (&r->stop))
    return;     /* left not run: a resume runs it */
  fresh_trial_dir (r->run_dir, t);
  td_progress_trial_started (&r->prog, t);
  td_inproc_guard_enter (t);
  td_trial_run (&r->env, t);
  td_inproc_guard_leave (t);
  GError *e = NULL;
  if (!td_run_write_trial (r->run_dir, r->exp, t, &e))
    {
      /* The trial's own output could not be saved: that trial counts as failed. */
      t->ok = FALSE;
      g_free (t->error);
      t->error = g_strdup (e->message);
      note_save_error (r, e);
      g_error_free (e);
    }
  td_progress_trial_done (&r->prog, t);
  if (!t->ok && r->opt->fail_fast)
    g_atomic_int_set (&r->stop, 1);
}

typedef struct {
  TdRunState *run;
  TdTrial *trial;
  const char *run_dir;
} ChildJob;

/* In a trial worker: run, write the trial's folder, exit. */
static int
trial_child (gpointer p)
{
  ChildJob *j = p;
  TdTrialEnv env = j->run->env;
  env.run_dir = j->run_dir;
  td_trial_run (&env, j->trial);
  GError *e = NULL;
  if (!td_run_write_trial (j->run_dir, j->run->exp, j->trial, &e))
    {
      fprintf (stderr, "tundish: cannot save the trial's results: %s\n", e->message);
      return 3;
    }
  return 0;
}

typedef struct {
  TdWorker *w;
  TdTrial *t;
} Slot;

/* A worker ended: its results are in its folder, or it failed and the
 * runner writes the reason there itself. */
static void
finish_worker (TdRunState *r, Slot *s, const char *run_dir, gboolean count)
{
  TdTrial *t = s->t;
  double seconds = (double) (g_get_monotonic_time () - s->w->started) / 1e6;
  g_autofree char *failure = td_worker_failure (s->w);
  td_trial_clear (t);
  t->done = t->ok = FALSE;
  if (!failure)
    {
      g_autoptr (GError) e = NULL;
      if (!td_trial_load (run_dir, r->exp, t, &e))
        failure = g_strdup_printf ("the worker ended without its results: %s", e->message);
    }
  if (failure)
    {
      t->ok = FALSE;
      t->done = TRUE;
      t->error = td_text_escape (failure);   /* it quotes the worker's log */
      t->seconds = seconds;
      record_failure_file (r, run_dir, t);
    }
  if (count)
    td_progress_trial_done (&r->prog, t);
  if (!t->ok && r->opt->fail_fast && count)
    g_atomic_int_set (&r->stop, 1);
}

/* Each trial of todo in its own worker process, up to r->jobs at a time.
 * count: progress and journal (FALSE for the determinism reruns). */
gboolean
td_schedule_isolated (TdRunState *r, GPtrArray *todo, const char *run_dir, gboolean count, GError **error)
{
  g_autoptr (GArray) running = g_array_new (FALSE, FALSE, sizeof (Slot));
  guint next = 0;
  gboolean ok = TRUE;
  while (next < todo->len || running->len)
    {
      while (ok && !g_atomic_int_get (&r->stop) && running->len < (guint) r->jobs
             && next < todo->len)
        {
          TdTrial *t = todo->pdata[next++];
          fresh_trial_dir (run_dir, t);
          g_autofree char *dir = td_trial_dir (run_dir, t);
          g_autofree char *log = g_build_filename (dir, "log.txt", NULL);
          ChildJob job = { r, t, run_dir };
          if (t->progress_slot)
            g_atomic_int_set (t->progress_slot, 0);
          if (count)
            td_progress_trial_started (&r->prog, t);
          Slot s = { td_worker_start (log, &r->limits, trial_child, &job, error), t };
          if (!s.w)
            {
              ok = FALSE;
              break;
            }
          g_array_append_val (running, s);
        }
      if (!ok || (g_atomic_int_get (&r->stop) && running->len))
        {
          /* --fail-fast (or a fatal error): the running trials are stopped
           * and stay unfinished, for a resume */
          for (guint k = 0; k < running->len; k++)
            {
              Slot *s = &g_array_index (running, Slot, k);
              td_worker_kill (s->w);
              td_worker_free (s->w);
            }
          g_array_set_size (running, 0);
          break;
        }
      if (running->len == 0)
        break;
      g_autofree TdWorker **ws = g_new (TdWorker *, running->len);
      gboolean lost_fd = FALSE;
      for (guint k = 0; k < running->len; k++)
        {
          ws[k] = g_array_index (running, Slot, k).w;
          lost_fd = lost_fd || ws[k]->fd < 0;
        }
      int wait_ms = lost_fd ? 20 : 250;
      int deadline = td_worker_next_deadline_ms (ws, running->len);
      if (deadline >= 0 && deadline < wait_ms)
        wait_ms = deadline;
      td_worker_wait (ws, running->len, wait_ms);
      for (guint k = 0; k < running->len;)
        {
          Slot *s = &g_array_index (running, Slot, k);
          if (!td_worker_check (s->w))
            {
              k++;
              continue;
            }
          finish_worker (r, s, run_dir, count);
          td_worker_free (s->w);
          g_array_remove_index (running, k);
        }
      if (count)
        td_progress_tick (&r->prog);
    }
  return ok;
}

void
td_schedule_timeout (const TdRunOptions *opt, TdWorkerLimits *limits)
{
  limits->timeout_is_default = FALSE;
  if (opt->trial_timeout != 0)
    {
      limits->timeout = MAX (opt->trial_timeout, 0.0);
      return;
    }
  limits->timeout = TD_TRIAL_TIMEOUT_DEFAULT;
  limits->timeout_is_default = TRUE;
  const char *env = g_getenv ("TUNDISH_TRIAL_TIMEOUT");
  if (env && *env)
    {
      char *end = NULL;
      double v = g_ascii_strtod (env, &end);
      if (end && !*end && v >= 0)
        limits->timeout = v;
      else
        fprintf (stderr, "tundish: warning: TUNDISH_TRIAL_TIMEOUT=%s is not a number of "
                 "seconds; the default trial timeout of %g s applies\n", env,
                 TD_TRIAL_TIMEOUT_DEFAULT);
    }
}

void
td_schedule_in_process (TdRunState *r, GPtrArray *todo)
{
  td_inproc_guard_begin (r, r->limits.timeout, r->limits.timeout_is_default);
  if (r->jobs == 1 || todo->len <= 1)
    for (guint k = 0; k < todo->len; k++)
      work (todo->pdata[k], r);
  else
    {
      GThreadPool *pool = g_thread_pool_new (work, r, MIN (r->jobs, (int) todo->len), TRUE,
                                             NULL);
      for (guint k = 0; k < todo->len; k++)
        g_thread_pool_push (pool, todo->pdata[k], NULL);
      g_thread_pool_free (pool, FALSE, TRUE);
    }
  td_inproc_guard_end ();
}


static char *
compare_file (const char *a, const char *b)
{
  g_autofree char *ta = NULL, *tb = NULL;
  gsize la = 0, lb = 0;
  gboolean ha = g_file_get_contents (a, &ta, &la, NULL);
  gboolean hb = g_file_get_contents (b, &tb, &lb, NULL);
  if (!ha && !hb)
    return NULL;
  if (ha != hb)
    return g_strdup (ha ? "missing in the rerun" : "only in the rerun");
  if (la == lb && memcmp (ta, tb, la) == 0)
    return NULL;
  int line = 1;
  for (gsize k = 0; k < MIN (la, lb) && ta[k] == tb[k]; k++)
    line += ta[k] == '\n';
  return g_strdup_printf ("differs from line %d", line);
}

/* One ok trial per pipeline label (at most 8 labels, spread over the
 * list), its fold chosen from the seed: rerun each in a scratch folder and
 * compare every file it wrote with the original. */
gboolean
td_schedule_verify (TdRunState *r, TdTrial *trials, guint n, TdRunOutcome *out, GError **error)
{
  g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
  for (guint k = 0; k < n; k++)
    g_ptr_array_add (sorted, &trials[k]);
  g_ptr_array_sort (sorted, td_trial_cmp);
  g_autoptr (GPtrArray) labels = g_ptr_array_new ();     /* first index of each label */
  for (guint k = 0; k < sorted->len; k++)
    if (k == 0 || strcmp (((TdTrial *) sorted->pdata[k])->pipeline->label,
                          ((TdTrial *) sorted->pdata[k - 1])->pipeline->label) != 0)
      g_ptr_array_add (labels, GUINT_TO_POINTER (k));
  guint n_labels = labels->len, take = MIN (n_labels, 8u);
  g_autoptr (GArray) copies = g_array_new (FALSE, TRUE, sizeof (TdTrial));
  g_autoptr (GPtrArray) originals = g_ptr_array_new ();
  for (guint j = 0; j < take; j++)
    {
      guint li = (guint) ((guint64) j * n_labels / take);
      guint from = GPOINTER_TO_UINT (labels->pdata[li]);
      guint to = li + 1 < n_labels ? GPOINTER_TO_UINT (labels->pdata[li + 1]) : sorted->len;
      const TdTrial *first = sorted->pdata[from];
      guint pick = from + (guint) (td_seed_derive (r->exp->seed, 0, 0, "verify",
                                                   first->pipeline->label) % (to - from));
      TdTrial *o = sorted->pdata[pick];
      for (guint q = from; !o->ok && q < to; q++)   /* an ok one when there is one */
        o = sorted->pdata[q];
      if (!o->ok)
        continue;
      TdTrial c = { .pipeline = o->pipeline, .repeat = o->repeat, .fold = o->fold,
                    .split = o->split, .index = o->index };
      g_array_append_val (copies, c);
      g_ptr_array_add (originals, o);
    }
  g_atomic_int_set (&r->stop, 0);   /* --fail-fast may have tripped on the very last trial */
  g_autofree char *scratch = g_build_filename (r->run_dir, ".verify", NULL);
  td_remove_tree (scratch, NULL);
  g_autoptr (GPtrArray) todo = g_ptr_array_new ();
  for (guint k = 0; k < copies->len; k++)
    g_ptr_array_add (todo, &g_array_index (copies, TdTrial, k));
  gboolean ok = TRUE;
  if (r->isolate)
    ok = td_schedule_isolated (r, todo, scratch, FALSE, error);
  else
    for (guint k = 0; k < todo->len; k++)
      {
        TdTrial *t = todo->pdata[k];
        TdTrialEnv env = r->env;
        env.run_dir = scratch;
        fresh_trial_dir (scratch, t);
        td_trial_run (&env, t);
        GError *e = NULL;
        if (!td_run_write_trial (scratch, r->exp, t, &e))
          {
            g_propagate_error (error, e);
            ok = FALSE;
            break;
          }
      }
  GString *report = g_string_new ("");
  static const char *const files[] = { "metrics.csv", "predictions.csv", "valid_predictions.csv",
                                       "curves.csv", "importance.csv", "saliency.csv",
                                       "attention.csv", NULL };
  for (guint k = 0; ok && k < copies->len; k++)
    {
      const TdTrial *o = originals->pdata[k];
      g_autofree char *a = td_trial_dir (r->run_dir, o);
      g_autofree char *b = td_trial_dir (scratch, o);
      out->n_verified++;
      gboolean same = TRUE;
      for (size_t f = 0; files[f]; f++)
        {
          g_autofree char *pa = g_build_filename (a, files[f], NULL);
          g_autofree char *pb = g_build_filename (b, files[f], NULL);
          g_autofree char *diff = compare_file (pa, pb);
          if (diff)
            {
              g_string_append_printf (report, "%s repeat %d fold %d: %s %s\n", o->pipeline->label,
                                      o->repeat, o->fold, files[f], diff);
              same = FALSE;
            }
        }
      out->n_verify_mismatch += !same;
    }
  for (guint k = 0; k < copies->len; k++)
    td_trial_clear (&g_array_index (copies, TdTrial, k));
  td_remove_tree (scratch, NULL);
  if (report->len)
    out->verify_report = g_string_free (report, FALSE);
  else
    g_string_free (report, TRUE);
  return ok;
}

