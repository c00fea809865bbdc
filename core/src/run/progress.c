/* progress.c — the running experiment's progress: a bar with the ETA from
 * finished trials plus the running trials' own fractions on a terminal, a
 * line per finished trial otherwise, and a journal line per trial. */
#include "run/progress.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>


static double
trial_progress (TdTrial *t)
{
  return g_atomic_int_get (t->progress_slot ? t->progress_slot : &t->progress_permille) / 1000.0;
}

/* Called with p->lock held. */
void
td_progress_draw (TdProgress *p)
{
  double el = (double) (g_get_monotonic_time () - p->t0) / 1e6;
  double partial = 0;   /* finished trials plus the running ones' own fractions */
  for (size_t k = 0; k < p->n_trials; k++)
    if (!p->trials[k].done)
      partial += CLAMP (trial_progress (&p->trials[k]), 0.0, 1.0);
  double done = (double) p->done + partial;
  double eta = done > 0 ? el / done * ((double) p->total - done) : 0;
  int width = 30, fill = p->total ? (int) (width * done / (double) p->total) : width;
  char bar[64];
  for (int k = 0; k < width; k++)
    bar[k] = k < fill ? '#' : '.';
  bar[width] = '\0';
  fprintf (stderr, "\r[%s] %zu/%zu trials  %zu failed  elapsed %.0fs  ETA %s%.0fs ", bar,
           p->done, p->total, p->failed, el, done > 0 ? "" : "~", eta);
  fflush (stderr);
}

void
td_progress_trial_done (TdProgress *p, const TdTrial *t)
{
  g_mutex_lock (&p->lock);
  p->done++;
  if (!t->ok)
    p->failed++;
  if (p->journal)
    {
      g_autofree char *msg = g_strdup (t->ok ? "" : t->error);
      if (msg)
        g_strdelimit (msg, "\t\r\n", ' ');
      fprintf (p->journal, "%s\t%d\t%d\t%s\t%.3f%s%s\n", t->pipeline->label, t->repeat, t->fold,
               t->ok ? "ok" : "failed", t->seconds, t->ok ? "" : "\t", t->ok ? "" : msg);
      fflush (p->journal);
    }
  if (!p->quiet)
    {
      if (p->tty)
        {
          if (!t->ok)
            fprintf (stderr, "\r%-78s\rfailed: %s repeat %d fold %d: %s\n", "", t->pipeline->label,
                     t->repeat, t->fold, t->error);
          td_progress_draw (p);
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
          fprintf (stderr, "%s\n", line->str);
          g_string_free (line, TRUE);
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
      g_usleep (250 * 1000);
      g_mutex_lock (&p->lock);
      if (!g_atomic_int_get (&p->stop))
        td_progress_draw (p);
      g_mutex_unlock (&p->lock);
    }
  return NULL;
}

