/* progress.c — the running experiment's progress: a bar on a terminal; a
 * line per finished trial plus a status line every p->interval seconds
 * otherwise (logs of batch jobs); JSON events with --log-format json; and a
 * journal line per trial.
 *
 * The ETA weighs the trials left by what trials of the same pipeline took
 * (td_progress_eta), not by their count: a sweep whose slow LSTM trials come
 * last would otherwise be promised far too early. */
#include "run/progress.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>

#include "util/json_line.h"

static double
trial_progress (TdTrial *t)
{
  return g_atomic_int_get (t->progress_slot ? t->progress_slot : &t->progress_permille) / 1000.0;
}

static void
record_seconds (TdProgress *p, const TdTrial *t)
{
  if (!t->ok || !isfinite (t->seconds) || t->seconds < 0)
    return;
  double *acc = g_hash_table_lookup (p->seconds, t->pipeline->label);
  if (!acc)
    {
      acc = g_new0 (double, 2);
      g_hash_table_insert (p->seconds, g_strdup (t->pipeline->label), acc);
    }
  acc[0] += t->seconds;
  acc[1] += 1;
  p->seconds_sum += t->seconds;
  p->seconds_n++;
}

void
td_progress_init (TdProgress *p)
{
  g_mutex_init (&p->lock);
  p->seconds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  p->seconds_sum = 0;
  p->seconds_n = 0;
  for (size_t k = 0; k < p->n_trials; k++)
    if (p->trials[k].done)
      record_seconds (p, &p->trials[k]);
}

void
td_progress_clear (TdProgress *p)
{
  g_clear_pointer (&p->seconds, g_hash_table_unref);
  g_mutex_clear (&p->lock);
}

double
td_progress_eta (TdProgress *p)
{
  if (p->seconds_n == 0)
    return -1;
  double mean_all = p->seconds_sum / (double) p->seconds_n;
  double work = 0, longest = 0;
  size_t open = 0;
  for (size_t k = 0; k < p->n_trials; k++)
    {
      TdTrial *t = &p->trials[k];
      if (t->done)
        continue;
      const double *acc = g_hash_table_lookup (p->seconds, t->pipeline->label);
      double est = acc ? acc[0] / acc[1] : mean_all;
      double rest = est * (1.0 - CLAMP (trial_progress (t), 0.0, 1.0));
      work += rest;
      longest = MAX (longest, rest);
      open++;
    }
  if (open == 0)
    return 0;
  size_t parallel = MIN ((size_t) MAX (p->jobs, 1), open);
  return MAX (work / (double) parallel, longest);
}

/* "42s", "12m05s", "3h07m" */
static void
append_duration (GString *s, double seconds)
{
  if (!(seconds >= 0))
    {
      g_string_append (s, "?");
      return;
    }
  long v = lround (seconds);
  if (v < 100)
    g_string_append_printf (s, "%lds", v);
  else if (v < 3600)
    g_string_append_printf (s, "%ldm%02lds", v / 60, v % 60);
  else
    g_string_append_printf (s, "%ldh%02ldm", v / 3600, (v % 3600) / 60);
}

static double
elapsed (const TdProgress *p)
{
  return (double) (g_get_monotonic_time () - p->t0) / 1e6;
}

/* The ETA, or, before any trial has finished, the count-based guess from
 * the running trials' own fractions (marked "~"); negative when unknown. */
static double
eta_or_guess (TdProgress *p, double *done_partial, gboolean *guess)
{
  double partial = 0;
  for (size_t k = 0; k < p->n_trials; k++)
    if (!p->trials[k].done)
      partial += CLAMP (trial_progress (&p->trials[k]), 0.0, 1.0);
  *done_partial = (double) p->done + partial;
  double eta = td_progress_eta (p);
  *guess = eta < 0;
  if (eta < 0 && *done_partial > 0)
    eta = elapsed (p) / *done_partial * ((double) p->total - *done_partial);
  return eta;
}

/* "3/12 trials<sep>1 failed<sep>elapsed 31s<sep>ETA 1m32s" */
static void
append_counts (GString *s, TdProgress *p, const char *sep)
{
  double done;
  gboolean guess;
  double eta = eta_or_guess (p, &done, &guess);
  g_string_append_printf (s, "%zu/%zu trials%s%zu failed%selapsed ", p->done, p->total, sep,
                          p->failed, sep);
  append_duration (s, elapsed (p));
  g_string_append_printf (s, "%sETA %s", sep, guess && eta >= 0 ? "~" : "");
  append_duration (s, eta);
}

/* Called with p->lock held. */
void
td_progress_draw (TdProgress *p)
{
  double done;
  gboolean guess;
  eta_or_guess (p, &done, &guess);
  int width = 30, fill = p->total ? (int) (width * done / (double) p->total) : width;
  char bar[64];
  for (int k = 0; k < width; k++)
    bar[k] = k < fill ? '#' : '.';
  bar[width] = '\0';
  g_autoptr (GString) s = g_string_new ("");
  g_string_append_printf (s, "\r[%s] ", bar);
  append_counts (s, p, "  ");
  g_string_append (s, "   ");
  fputs (s->str, stderr);
  fflush (stderr);
}

/* The status line without a terminal; called with p->lock held. */
static void
status_line (TdProgress *p)
{
  if (p->json)
    {
      double done;
      gboolean guess;
      double eta = eta_or_guess (p, &done, &guess);
      TdJson j;
      td_json_begin (&j, "progress");
      td_json_int (&j, "done", (gint64) p->done);
      td_json_int (&j, "total", (gint64) p->total);
      td_json_int (&j, "failed", (gint64) p->failed);
      td_json_double (&j, "elapsed_seconds", elapsed (p));
      td_json_double (&j, "eta_seconds", eta >= 0 && !guess ? eta : NAN);
      td_json_emit (&j);
      return;
    }
  g_autoptr (GString) s = g_string_new ("progress: ");
  append_counts (s, p, ", ");
  g_string_append_c (s, '\n');
  fputs (s->str, stderr);
  fflush (stderr);
}

static void
json_trial (TdJson *j, const char *event, const TdTrial *t)
{
  td_json_begin (j, event);
  td_json_str (j, "pipeline", t->pipeline->label);
  td_json_str (j, "name", t->pipeline->name);
  td_json_str (j, "variant", t->pipeline->variant);
  td_json_int (j, "repeat", t->repeat);
  td_json_int (j, "fold", t->fold);
}

void
td_progress_trial_started (TdProgress *p, const TdTrial *t)
{
  if (p->quiet || !p->json)
    return;
  g_mutex_lock (&p->lock);
  TdJson j;
  json_trial (&j, "trial_started", t);
  td_json_emit (&j);
  g_mutex_unlock (&p->lock);
}

static void
json_trial_done (TdProgress *p, const TdTrial *t)
{
  TdJson j;
  json_trial (&j, t->ok ? "trial_finished" : "trial_failed", t);
  td_json_double (&j, "seconds", t->seconds);
  td_json_int (&j, "done", (gint64) p->done);
  td_json_int (&j, "total", (gint64) p->total);
  td_json_int (&j, "failed", (gint64) p->failed);
  if (t->ok)
    {
      td_json_object_begin (&j, "metrics");
      for (guint m = 0; t->metrics && m < p->exp->metrics->len; m++)
        td_json_double (&j, p->exp->metrics->pdata[m], t->metrics[m]);
      td_json_object_end (&j);
    }
  else
    td_json_str (&j, "error", t->error);
  td_json_emit (&j);
}

void
td_progress_trial_done (TdProgress *p, const TdTrial *t)
{
  g_mutex_lock (&p->lock);
  p->done++;
  if (!t->ok)
    p->failed++;
  record_seconds (p, t);
  if (p->journal)
    {
      g_autofree char *msg = g_strdup (t->ok ? "" : t->error);
      if (msg)
        g_strdelimit (msg, "\t\r\n", ' ');
      fprintf (p->journal, "%s\t%d\t%d\t%s\t%.3f%s%s\n", t->pipeline->label, t->repeat, t->fold,
               t->ok ? "ok" : "failed", t->seconds, t->ok ? "" : "\t", t->ok ? "" : msg);
      fflush (p->journal);
    }
  if (p->quiet)
    ;
  else if (p->json)
    json_trial_done (p, t);
  else if (p->tty)
    {
      if (!t->ok)
        fprintf (stderr, "\r%-78s\rfailed: %s repeat %d fold %d: %s\n", "", t->pipeline->label,
                 t->repeat, t->fold, t->error);
      td_progress_draw (p);
      p->last_draw = g_get_monotonic_time ();
    }
  else
    {
      GString *line = g_string_new ("");
      g_string_append_printf (line, "[%zu/%zu] %s repeat %d fold %d: ", p->done, p->total,
                              t->pipeline->label, t->repeat, t->fold);
      if (t->ok)
        {
          g_string_append_printf (line, "ok in %.1fs", t->seconds);
          for (guint m = 0; t->metrics && m < p->exp->metrics->len && m < 2; m++)
            g_string_append_printf (line, " %s=%.4f", (char *) p->exp->metrics->pdata[m],
                                    t->metrics[m]);
        }
      else
        g_string_append_printf (line, "FAILED: %s", t->error);
      g_string_append_c (line, '\n');
      fputs (line->str, stderr);
      fflush (stderr);
      g_string_free (line, TRUE);
    }
  g_mutex_unlock (&p->lock);
}

void
td_progress_tick (TdProgress *p)
{
  if (p->quiet)
    return;
  g_mutex_lock (&p->lock);
  gint64 now = g_get_monotonic_time ();
  if (p->tty && !p->json)
    {
      if (now - p->last_draw > 200000)
        {
          td_progress_draw (p);
          p->last_draw = now;
        }
    }
  else if (p->interval > 0)
    {
      if (p->last_line == 0)
        p->last_line = p->t0;
      if ((double) (now - p->last_line) >= p->interval * 1e6)
        {
          status_line (p);
          p->last_line = now;
        }
    }
  g_mutex_unlock (&p->lock);
}

gpointer
td_progress_ticker (gpointer data)
{
  TdProgress *p = data;
  while (!g_atomic_int_get (&p->stop))
    {
      g_usleep (100 * 1000);
      if (!g_atomic_int_get (&p->stop))
        td_progress_tick (p);
    }
  return NULL;
}
