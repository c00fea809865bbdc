/* runner.c — an experiment from dataset to run folder: data (cached), splits,
 * trials in parallel, per-trial results written atomically as they finish,
 * then the aggregated outputs and the reporters. */
#include "runner.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "run_output.h"
#include "split.h"
#include "trial.h"

void
td_run_outcome_clear (TdRunOutcome *o)
{
  g_clear_pointer (&o->run_dir, g_free);
}

/* ------------------------------------------------------------------ data */

static char *
cache_path (const TdExperiment *exp, const TdRunOptions *opt, guint64 data_seed)
{
  const char *dir = opt->cache_dir ? opt->cache_dir : g_getenv ("TUNDISH_CACHE_DIR");
  g_autofree char *def = g_build_filename (g_get_user_cache_dir (), "tundish", NULL);
  g_autofree char *params = td_params_to_text (exp->data->params);
  const TdPluginDescriptor *d = exp->data->entry->desc;
  g_autofree char *key = g_strdup_printf ("format=1\ngenerator=%s\nversion=%s\nparams=%s\n"
                                          "seed=%" G_GUINT64_FORMAT "\n",
                                          d->name, d->version, params, data_seed);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  hash[16] = '\0';
  g_autofree char *file = g_strdup_printf ("%s-%s.h5", d->name, hash);
  return g_build_filename (dir && *dir ? dir : def, file, NULL);
}

TdDataset *
td_run_load_data (const TdExperiment *exp, const TdRunOptions *opt, GError **error)
{
  guint64 seed = td_seed_derive (exp->seed, 0, 0, "data", exp->data->entry->desc->name);
  g_autofree char *path = cache_path (exp, opt, seed);
  if (opt->use_cache && g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autoptr (GError) e = NULL;
      TdDataset *ds = td_dataset_load_h5 (path, &e);
      if (ds)
        return ds;
      g_warning ("ignoring unreadable cached dataset (%s); generating again", e->message);
    }
  const TdGeneratorVTable *v = exp->data->entry->desc->vtable;
  g_autoptr (TdContext) ctx = td_context_new (seed);
  /* Generators are required to give the same data for any thread count. */
  td_context_set_threads (ctx, (int) g_get_num_processors ());
  TdDataset *ds = v->generate (exp->data->params, ctx, error);
  if (!ds)
    {
      g_prefix_error (error, "data (generator %s): ", exp->data->entry->desc->name);
      return NULL;
    }
  if (ds->n_series == 0)
    {
      td_dataset_unref (ds);
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "data (generator %s): generated no series", exp->data->entry->desc->name);
      return NULL;
    }
  if (opt->use_cache)
    {
      g_autofree char *dir = g_path_get_dirname (path);
      g_autoptr (GError) e = NULL;
      if (g_mkdir_with_parents (dir, 0755) != 0 || !td_dataset_save_h5 (ds, path, &e))
        g_warning ("could not cache the dataset in %s: %s", dir,
                   e ? e->message : g_strerror (errno));
    }
  return ds;
}

/* -------------------------------------------------------------- progress */

typedef struct {
  GMutex lock;
  size_t done, total, failed;
  gint64 t0;
  gboolean tty, quiet;
  const char *run_dir;
  FILE *journal;
  const TdExperiment *exp;
  TdTrial *trials;              /* for the running trials' own progress */
  size_t n_trials;
  gint stop;                    /* ticker thread exit flag */
} Progress;

/* Called with p->lock held. */
static void
progress_draw (Progress *p)
{
  double el = (double) (g_get_monotonic_time () - p->t0) / 1e6;
  double partial = 0;   /* finished trials plus the running ones' own fractions */
  for (size_t k = 0; k < p->n_trials; k++)
    if (!p->trials[k].done)
      partial += g_atomic_int_get (&p->trials[k].progress_permille) / 1000.0;
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

static void
progress_trial_done (Progress *p, const TdTrial *t)
{
  g_mutex_lock (&p->lock);
  p->done++;
  if (!t->ok)
    p->failed++;
  if (p->journal)
    {
      fprintf (p->journal, "%s\t%d\t%d\t%s\t%.3f\n", t->pipeline->label, t->repeat, t->fold,
               t->ok ? "ok" : "failed", t->seconds);
      fflush (p->journal);
    }
  if (!p->quiet)
    {
      if (p->tty)
        {
          if (!t->ok)
            fprintf (stderr, "\r%-78s\rfailed: %s repeat %d fold %d: %s\n", "", t->pipeline->label,
                     t->repeat, t->fold, t->error);
          progress_draw (p);
        }
      else
        {
          GString *line = g_string_new ("");
          g_string_append_printf (line, "[%zu/%zu] %s repeat %d fold %d: ", p->done, p->total,
                                  t->pipeline->label, t->repeat, t->fold);
          if (t->ok)
            {
              g_string_append_printf (line, "ok in %.1fs", t->seconds);
              for (guint m = 0; m < p->exp->metrics->len && m < 2; m++)
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

static gpointer
progress_ticker (gpointer data)
{
  Progress *p = data;
  while (!g_atomic_int_get (&p->stop))
    {
      g_usleep (250 * 1000);
      g_mutex_lock (&p->lock);
      if (!g_atomic_int_get (&p->stop))
        progress_draw (p);
      g_mutex_unlock (&p->lock);
    }
  return NULL;
}

/* ---------------------------------------------------------------- trials */

typedef struct {
  TdTrialEnv env;
  Progress *progress;
} Worker;

static void
work (gpointer data, gpointer user)
{
  TdTrial *t = data;
  Worker *w = user;
  td_trial_run (&w->env, t);
  GError *e = NULL;
  if (!td_run_write_trial (w->env.run_dir, w->env.exp, t, &e))
    {
      /* The trial's own output could not be saved: that trial counts as failed. */
      t->ok = FALSE;
      g_free (t->error);
      t->error = g_strdup (e->message);
      g_error_free (e);
    }
  progress_trial_done (w->progress, t);
}

static char *
default_run_dir (const TdExperiment *exp)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *leaf = g_strdup_printf ("%s-%s", stamp, exp->hash);
  return g_build_filename ("reports", exp->name, leaf, NULL);
}

gboolean
td_run_experiment (TdRegistry *reg, const TdExperiment *exp, const TdRunOptions *opt,
                   TdRunOutcome *outcome, GError **error)
{
  (void) reg;
  memset (outcome, 0, sizeof *outcome);
  g_autoptr (GDateTime) started = g_date_time_new_now_utc ();
  g_autofree char *run_dir = opt->run_dir ? g_strdup (opt->run_dir) : default_run_dir (exp);
  if (g_mkdir_with_parents (run_dir, 0755) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "cannot create run folder %s: %s", run_dir, g_strerror (errno));
      return FALSE;
    }
  gboolean quiet = opt->quiet;
  if (!quiet)
    fprintf (stderr, "tundish: %s → %s\n", exp->name, run_dir);

  gint64 t_data = g_get_monotonic_time ();
  g_autoptr (TdDataset) data = td_run_load_data (exp, opt, error);
  if (!data)
    return FALSE;
  if (!quiet)
    fprintf (stderr, "data: %zu series × %zu steps × %zu channels, %zu positive (%.1fs)\n",
             data->n_series, data->n_steps, data->n_channels, td_dataset_count_positive (data),
             (double) (g_get_monotonic_time () - t_data) / 1e6);
  for (guint p = 0; p < exp->pipelines->len; p++)
    if (!td_pipeline_check (exp->pipelines->pdata[p], data->task, error))
      return FALSE;

  /* Splits: one set per repeat, shared by every pipeline (paired comparisons). */
  g_autoptr (GPtrArray) splits = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (int r = 0; r < exp->repeats; r++)
    {
      guint64 seed = td_seed_derive (exp->seed, r, 0, "split", "");
      GPtrArray *s = td_split_make (data, &exp->split, seed, error);
      if (!s)
        return FALSE;
      g_ptr_array_add (splits, s);
    }

  /* Trials in a fixed order; their results do not depend on which worker runs them. */
  GArray *trials = g_array_new (FALSE, TRUE, sizeof (TdTrial));
  for (guint p = 0; p < exp->pipelines->len; p++)
    for (int r = 0; r < exp->repeats; r++)
      {
        GPtrArray *s = splits->pdata[r];
        for (guint f = 0; f < s->len; f++)
          {
            TdTrial t = { .pipeline = exp->pipelines->pdata[p], .repeat = r, .fold = (int) f,
                          .split = s->pdata[f] };
            g_array_append_val (trials, t);
          }
      }

  g_autofree char *journal_path = g_build_filename (run_dir, "journal.tsv", NULL);
  Progress prog = { .total = trials->len, .t0 = g_get_monotonic_time (),
                    .tty = isatty (fileno (stderr)), .quiet = quiet, .run_dir = run_dir,
                    .exp = exp };
  g_mutex_init (&prog.lock);
  prog.journal = fopen (journal_path, "a");
  g_autoptr (TdContext) root = td_context_new (exp->seed);
  Worker w = { .env = { .exp = exp, .data = data, .run_dir = run_dir,
                        .threads = opt->threads_per_trial > 0 ? opt->threads_per_trial : 1,
                        .parent = root },
               .progress = &prog };
  int jobs = opt->jobs > 0 ? opt->jobs : (int) g_get_num_processors ();
  jobs = MAX (1, MIN (jobs, (int) trials->len));
  prog.trials = (TdTrial *) trials->data;
  prog.n_trials = trials->len;
  GThread *ticker = !quiet && prog.tty ? g_thread_new ("progress", progress_ticker, &prog) : NULL;
  if (jobs == 1)
    for (guint k = 0; k < trials->len; k++)
      work (&g_array_index (trials, TdTrial, k), &w);
  else
    {
      GThreadPool *pool = g_thread_pool_new (work, &w, jobs, TRUE, NULL);
      for (guint k = 0; k < trials->len; k++)
        g_thread_pool_push (pool, &g_array_index (trials, TdTrial, k), NULL);
      g_thread_pool_free (pool, FALSE, TRUE);
    }
  if (ticker)
    {
      g_atomic_int_set (&prog.stop, 1);
      g_thread_join (ticker);
      g_mutex_lock (&prog.lock);
      progress_draw (&prog);
      g_mutex_unlock (&prog.lock);
      fputc ('\n', stderr);
    }
  if (prog.journal)
    fclose (prog.journal);
  g_mutex_clear (&prog.lock);

  g_autoptr (GDateTime) finished = g_date_time_new_now_utc ();
  TdRunMeta meta = { .exp = exp, .data = data, .run_dir = run_dir, .splits = splits,
                     .trials = (TdTrial *) trials->data, .n_trials = trials->len,
                     .started = started, .finished = finished,
                     .command_line = opt->command_line, .overrides = opt->overrides,
                     .jobs = jobs,
                     .threads_per_trial = w.env.threads };
  gboolean ok = td_run_write_outputs (&meta, error);
  outcome->n_trials = trials->len;
  outcome->n_failed = prog.failed;
  outcome->run_dir = g_strdup (run_dir);
  for (guint k = 0; k < trials->len; k++)
    td_trial_clear (&g_array_index (trials, TdTrial, k));
  g_array_unref (trials);
  return ok;
}
