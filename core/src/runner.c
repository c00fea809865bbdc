/* runner.c — an experiment from dataset to run folder: the manifest first
 * (what a resume needs), data (cached, generated in a child process and
 * checked), splits, the trials — in this process, in a thread pool, or each
 * in its own worker process (worker.h) — each writing its own folder as it
 * ends, then every output rebuilt from those folders, manifest last.
 *
 * Because the outputs are always built from what the trials wrote, a run
 * that was killed and resumed, a run with -j 1 or -j 4, and `tundish
 * report` on a finished run all produce the same bytes. */
#include "runner.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "atomic_file.h"
#include "killpoint.h"
#include "run_output.h"
#include "split.h"
#include "trial.h"
#include "worker.h"

void
td_run_outcome_clear (TdRunOutcome *o)
{
  g_clear_pointer (&o->run_dir, g_free);
  g_clear_pointer (&o->verify_report, g_free);
}

/* ------------------------------------------------------------------ data */

static char *
cache_path (const TdExperiment *exp, const TdRunOptions *opt, guint64 data_seed)
{
  const char *dir = opt->cache_dir ? opt->cache_dir : g_getenv ("TUNDISH_CACHE_DIR");
  g_autofree char *def = g_build_filename (g_get_user_cache_dir (), "tundish", NULL);
  g_autofree char *params = td_params_to_text (exp->data->params);
  const TdPluginDescriptor *d = exp->data->entry->desc;
  GString *key = g_string_new (NULL);
  g_string_printf (key, "format=1\ngenerator=%s\nversion=%s\nparams=%s\nseed=%" G_GUINT64_FORMAT
                   "\n", d->name, d->version, params, data_seed);
  /* A source's files by content: an edited file is a new dataset, a moved
   * clone still finds its cache (params keep the paths as written). */
  for (guint k = 0; k < exp->data_files->len; k++)
    {
      const TdDataFile *f = exp->data_files->pdata[k];
      g_string_append_printf (key, "file=%s:%s\n", f->param, f->sha256);
    }
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key->str, -1);
  g_string_free (key, TRUE);
  hash[16] = '\0';
  g_autofree char *file = g_strdup_printf ("%s-%s.h5", d->name, hash);
  return g_build_filename (dir && *dir ? dir : def, file, NULL);
}

/* A fast 64-bit digest of a file (not cryptographic): a cache file whose
 * digest does not match the one recorded when tundish wrote it is never
 * handed to HDF5. libhdf5 1.10 overflows buffers on some corrupt files
 * (found by tests/fuzz/fuzz_dataset_h5.c); a torn or bit-rotted cache must
 * cost a regeneration, not a crash. */
static gboolean
file_digest (const char *path, char out[64])
{
  FILE *f = fopen (path, "rb");
  if (!f)
    return FALSE;
  guint64 h = 0x243F6A8885A308D3ull, size = 0;
  g_autofree guint8 *buf = g_malloc (1 << 20);
  size_t got;
  while ((got = fread (buf, 1, 1 << 20, f)) > 0)
    {
      size_t k = 0;
      for (; k + 8 <= got; k += 8)
        {
          guint64 w;
          memcpy (&w, buf + k, 8);
          h = (h ^ w) * 0x9E3779B97F4A7C15ull;
          h ^= h >> 29;
        }
      for (; k < got; k++)
        {
          h = (h ^ buf[k]) * 0x100000001B3ull;
          h ^= h >> 31;
        }
      size += got;
    }
  gboolean ok = !ferror (f);
  fclose (f);
  h ^= size * 0xC2B2AE3D27D4EB4Full;
  h ^= h >> 33;
  g_snprintf (out, 64, "tundish-cache 1 %" G_GUINT64_FORMAT " %016" G_GINT64_MODIFIER "x\n",
              size, h);
  return ok;
}

static char *
digest_path (const char *cache)
{
  return g_strconcat (cache, ".check", NULL);
}

/* TRUE when the cache file is the one tundish wrote (its .check matches). */
static gboolean
cache_intact (const char *cache)
{
  g_autofree char *side = digest_path (cache);
  g_autofree char *want = NULL;
  char have[64];
  return g_file_get_contents (side, &want, NULL, NULL) && file_digest (cache, have)
         && strcmp (want, have) == 0;
}

typedef struct {
  const TdExperiment *exp;
  guint64 seed;
  const char *cache, *scratch;  /* cache: NULL without caching */
} DataJob;

/* In the data child: generate, save to the cache (or scratch), say where.
 * The runner never runs generator code itself, so it stays free of the
 * generator's threads and can fork trial workers safely (worker.h). */
static int
data_child (gpointer p)
{
  const DataJob *j = p;
  const TdExperiment *exp = j->exp;
  const TdGeneratorVTable *v = exp->data->entry->desc->vtable;
  g_autoptr (TdContext) ctx = td_context_new (j->seed);
  /* Generators are required to give the same data for any thread count. */
  td_context_set_threads (ctx, (int) g_get_num_processors ());
  GError *e = NULL;
  /* freed even here: a worker's leak is still a leak under valgrind */
  g_autoptr (TdDataset) ds = v->generate (exp->data_params, ctx, &e);
  if (!ds)
    {
      g_autofree char *msg = g_strdup_printf ("ERR %s", e ? e->message : "failed without a "
                                              "message (plugin bug)");
      td_worker_report (msg);
      return 1;
    }
  if (ds->n_series == 0)
    {
      td_worker_report ("ERR generated no series");
      return 1;
    }
  const char *where = j->scratch;
  if (j->cache)
    {
      g_autofree char *dir = g_path_get_dirname (j->cache);
      char digest[64];
      g_autofree char *side = digest_path (j->cache);
      if (g_mkdir_with_parents (dir, 0755) == 0 && td_dataset_save_h5 (ds, j->cache, &e)
          && file_digest (j->cache, digest) && td_file_write_atomic (side, digest, -1, &e))
        where = j->cache;
      else
        {
          fprintf (stderr, "tundish: warning: could not cache the dataset in %s: %s\n", dir,
                   e ? e->message : g_strerror (errno));
          g_clear_error (&e);
        }
    }
  if (where == j->scratch && !td_dataset_save_h5 (ds, j->scratch, &e))
    {
      g_autofree char *msg = g_strdup_printf ("ERR cannot save the generated data: %s",
                                              e->message);
      td_worker_report (msg);
      return 1;
    }
  g_autofree char *msg = g_strdup_printf ("OK %s", where);
  td_worker_report (msg);
  return 0;
}

TdDataset *
td_run_load_data (const TdExperiment *exp, const TdRunOptions *opt, const char *scratch_dir,
                  TdDataQuality *quality, GError **error)
{
  const char *gen = exp->data->entry->desc->name;
  guint64 seed = td_seed_derive (exp->seed, 0, 0, "data", gen);
  g_autofree char *path = cache_path (exp, opt, seed);
  TdDataset *ds = NULL;
  if (opt->use_cache && g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autoptr (GError) e = NULL;
      if (!cache_intact (path))
        fprintf (stderr, "tundish: warning: ignoring cached dataset %s: it is not the file "
                 "tundish wrote (damaged, or from an older tundish); generating again\n", path);
      else if (!(ds = td_dataset_load_h5 (path, &e)))
        fprintf (stderr, "tundish: warning: ignoring unreadable cached dataset (%s); "
                 "generating again\n", e->message);
    }
  if (!ds)
    {
      g_autofree char *scratch = g_build_filename (scratch_dir, ".data-scratch.h5", NULL);
      DataJob job = { exp, seed, opt->use_cache ? path : NULL, scratch };
      TdWorkerLimits none = { 0, 0 };
      TdWorker *w = td_worker_start (NULL, &none, data_child, &job, error);
      if (!w)
        return NULL;
      td_kill_point ("data", -1);
      while (!td_worker_check (w))
        td_worker_wait (&w, 1, w->fd >= 0 ? 500 : 20);
      g_autofree char *failure = td_worker_failure (w);
      const char *out = w->output->str;
      if (g_str_has_prefix (out, "ERR "))
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED, "data (%s %s): %s",
                     exp->data_key, gen, out + 4);
      else if (failure || !g_str_has_prefix (out, "OK "))
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                     "data (%s %s): %s", exp->data_key, gen, failure ? failure : "no dataset came back");
      else
        {
          ds = td_dataset_load_h5 (out + 3, error);
          if (!ds)
            g_prefix_error (error, "data (%s %s): reading back: ", exp->data_key, gen);
        }
      g_unlink (scratch);
      td_worker_free (w);
      if (!ds)
        return NULL;
    }
  /* Every run sees its data as read from HDF5 (first run or cached), so a
   * second run cannot differ from the first by how the data arrived. */
  if (!td_data_check (&ds, opt->data_policy, quality, error))
    {
      td_dataset_unref (ds);
      return NULL;
    }
  return ds;
}

/* -------------------------------------------------------------- progress */

typedef struct {
  GMutex lock;
  size_t done, total, failed;
  gint64 t0;
  gboolean tty, quiet;
  FILE *journal;
  const TdExperiment *exp;
  TdTrial *trials;              /* for the running trials' own progress */
  size_t n_trials;
  gint stop;                    /* ticker thread exit flag */
} Progress;

static double
trial_progress (TdTrial *t)
{
  return g_atomic_int_get (t->progress_slot ? t->progress_slot : &t->progress_permille) / 1000.0;
}

/* Called with p->lock held. */
static void
progress_draw (Progress *p)
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

static void
progress_trial_done (Progress *p, const TdTrial *t)
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

/* ------------------------------------------------------------------- run */

typedef struct {
  const TdExperiment *exp;
  const TdRunOptions *opt;
  char *run_dir;                /* absolute */
  TdTrialEnv env;
  Progress prog;
  gboolean isolate;
  int jobs;
  TdWorkerLimits limits;
  gint stop;                    /* --fail-fast tripped, or results cannot be saved */
  GMutex save_lock;
  GError *save_error;           /* first trial whose results could not be written */
} Run;

static void
note_save_error (Run *r, const GError *e)
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
record_failure_file (Run *r, const char *run_dir, TdTrial *t)
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
  Run *r = user;
  if (g_atomic_int_get (&r->stop))
    return;     /* left not run: a resume runs it */
  fresh_trial_dir (r->run_dir, t);
  td_trial_run (&r->env, t);
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
  progress_trial_done (&r->prog, t);
  if (!t->ok && r->opt->fail_fast)
    g_atomic_int_set (&r->stop, 1);
}

typedef struct {
  Run *run;
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
finish_worker (Run *r, Slot *s, const char *run_dir, gboolean count)
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
      t->error = g_steal_pointer (&failure);
      t->seconds = seconds;
      record_failure_file (r, run_dir, t);
    }
  if (count)
    progress_trial_done (&r->prog, t);
  if (!t->ok && r->opt->fail_fast && count)
    g_atomic_int_set (&r->stop, 1);
}

/* Each trial of todo in its own worker process, up to r->jobs at a time.
 * count: progress and journal (FALSE for the determinism reruns). */
static gboolean
run_isolated (Run *r, GPtrArray *todo, const char *run_dir, gboolean count, GError **error)
{
  g_autoptr (GArray) running = g_array_new (FALSE, FALSE, sizeof (Slot));
  guint next = 0;
  gboolean ok = TRUE;
  gint64 last_draw = 0;
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
      gint64 now = g_get_monotonic_time ();
      if (count && r->prog.tty && !r->prog.quiet && now - last_draw > 200000)
        {
          g_mutex_lock (&r->prog.lock);
          progress_draw (&r->prog);
          g_mutex_unlock (&r->prog.lock);
          last_draw = now;
        }
    }
  return ok;
}

static void
run_in_process (Run *r, GPtrArray *todo)
{
  if (r->jobs == 1 || todo->len <= 1)
    {
      for (guint k = 0; k < todo->len; k++)
        work (todo->pdata[k], r);
      return;
    }
  GThreadPool *pool = g_thread_pool_new (work, r, MIN (r->jobs, (int) todo->len), TRUE, NULL);
  for (guint k = 0; k < todo->len; k++)
    g_thread_pool_push (pool, todo->pdata[k], NULL);
  g_thread_pool_free (pool, FALSE, TRUE);
}

/* -------------------------------------------------- --verify-determinism */

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
static gboolean
verify_determinism (Run *r, TdTrial *trials, guint n, TdRunOutcome *out, GError **error)
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
    ok = run_isolated (r, todo, scratch, FALSE, error);
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

/* ------------------------------------------------------------- the run */

static char *
default_run_dir (const TdExperiment *exp)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *leaf = g_strdup_printf ("%s-%s", stamp, exp->hash);
  return g_build_filename ("reports", exp->name, leaf, NULL);
}

static GPtrArray *
make_splits (const TdExperiment *exp, const TdDataset *data, GError **error)
{
  /* one set per repeat, shared by every pipeline (paired comparisons) */
  GPtrArray *splits = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (int r = 0; r < exp->repeats; r++)
    {
      guint64 seed = td_seed_derive (exp->seed, r, 0, "split", "");
      GPtrArray *s = td_split_make (data, &exp->split, seed, error);
      if (!s)
        {
          g_ptr_array_unref (splits);
          return NULL;
        }
      g_ptr_array_add (splits, s);
    }
  return splits;
}

/* Trials in a fixed order; their results do not depend on which worker runs them. */
static GArray *
make_trials (const TdExperiment *exp, GPtrArray *splits)
{
  GArray *trials = g_array_new (FALSE, TRUE, sizeof (TdTrial));
  for (guint p = 0; p < exp->pipelines->len; p++)
    for (int r = 0; r < exp->repeats; r++)
      {
        GPtrArray *s = splits->pdata[r];
        for (guint f = 0; f < s->len; f++)
          {
            TdTrial t = { .pipeline = exp->pipelines->pdata[p], .repeat = r, .fold = (int) f,
                          .split = s->pdata[f], .index = (int) trials->len };
            g_array_append_val (trials, t);
          }
      }
  return trials;
}

static void
free_trials (GArray *trials)
{
  for (guint k = 0; k < trials->len; k++)
    td_trial_clear (&g_array_index (trials, TdTrial, k));
  g_array_unref (trials);
}

static GDateTime *
parse_time (const char *text)
{
  GDateTime *t = text ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
  return t ? t : g_date_time_new_now_utc ();
}

static char *
absolute_dir (const char *dir)
{
  g_autofree char *abs = g_canonicalize_filename (dir, NULL);
  return g_steal_pointer (&abs);
}

gboolean
td_run_experiment (TdRegistry *reg, const TdExperiment *exp, const TdRunOptions *opt,
                   TdRunOutcome *outcome, GError **error)
{
  (void) reg;
  memset (outcome, 0, sizeof *outcome);
  g_autofree char *given = opt->run_dir ? g_strdup (opt->run_dir) : default_run_dir (exp);
  /* Absolute from here on: the report names it, and `tundish report` run
   * from another folder must write the same bytes. */
  g_autofree char *run_dir = absolute_dir (given);
  g_autofree char *manifest = g_build_filename (run_dir, "manifest.yaml", NULL);
  if (!opt->resume && g_file_test (manifest, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                   "%s already holds a run; continue it with `tundish run --resume %s`, or "
                   "choose another folder (or remove that one)", run_dir, run_dir);
      return FALSE;
    }
  if (g_mkdir_with_parents (run_dir, 0755) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "cannot create run folder %s: %s", run_dir, g_strerror (errno));
      return FALSE;
    }
  Run r = { .exp = exp, .opt = opt, .run_dir = run_dir };
  r.jobs = opt->jobs > 0 ? opt->jobs : (int) g_get_num_processors ();
  r.isolate = opt->isolate == TD_ISOLATE_ON
              || (opt->isolate == TD_ISOLATE_AUTO
                  && (r.jobs > 1 || opt->trial_timeout > 0 || opt->trial_memory_mb > 0));
  if (!r.isolate && (opt->trial_timeout > 0 || opt->trial_memory_mb > 0))
    {
      g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                   "--trial-timeout and --trial-memory need each trial in its own worker "
                   "process; drop --no-isolate");
      return FALSE;
    }
  r.limits.timeout = opt->trial_timeout;
  r.limits.memory_mb = opt->trial_memory_mb;
  g_mutex_init (&r.save_lock);

  g_autoptr (GDateTime) started = opt->resume ? parse_time (opt->started)
                                              : g_date_time_new_now_utc ();
  g_autoptr (GPtrArray) resumed = g_ptr_array_new_with_free_func (g_free);
  for (size_t k = 0; opt->resume && opt->resumed && opt->resumed[k]; k++)
    g_ptr_array_add (resumed, g_strdup (opt->resumed[k]));
  if (opt->resume)
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      g_ptr_array_add (resumed, g_date_time_format_iso8601 (now));
    }
  g_ptr_array_add (resumed, NULL);

  TdRunMeta meta = { .exp = exp, .run_dir = run_dir, .started = started,
                     .command_line = opt->command_line, .overrides = opt->overrides,
                     .jobs = r.jobs, .threads_per_trial = opt->threads_per_trial > 0
                                                           ? opt->threads_per_trial : 1,
                     .status = "running", .isolation = r.isolate ? "fork" : "none",
                     .trial_timeout = opt->trial_timeout, .trial_memory_mb = opt->trial_memory_mb,
                     .data_policy = opt->data_policy,
                     .resumed = (const char *const *) resumed->pdata,
                     .plugin_dirs = opt->plugin_dirs };
  /* Before anything can be killed: the manifest a resume starts from. */
  if (!td_run_write_manifest (&meta, error))
    return FALSE;
  outcome->run_dir = g_strdup (run_dir);     /* resumable from here on */
  td_file_remove_stale_temps (run_dir);

  gboolean quiet = opt->quiet;
  if (!quiet)
    fprintf (stderr, "tundish: %s → %s%s\n", exp->name, run_dir, opt->resume ? " (resuming)" : "");

  gint64 t_data = g_get_monotonic_time ();
  TdDataQuality quality = { 0 };
  g_autoptr (TdDataset) data = td_run_load_data (exp, opt, run_dir, &quality, error);
  if (!data)
    {
      td_data_quality_clear (&quality);
      return FALSE;
    }
  meta.quality = &quality;
  {
    /* as timings.csv will hold it, so `tundish report` (which reads it back)
     * shows the very same number */
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd (buf, sizeof buf, "%.9g", (double) (g_get_monotonic_time () - t_data) / 1e6);
    meta.data_seconds = g_ascii_strtod (buf, NULL);
  }
  if (!quiet)
    {
      fprintf (stderr, "data: %zu series × %zu steps × %zu channels, %zu positive (%.1fs)\n",
               data->n_series, data->n_steps, data->n_channels, td_dataset_count_positive (data),
               (double) (g_get_monotonic_time () - t_data) / 1e6);
      if (quality.inf_replaced || quality.missing || quality.dropped_ids->len
          || quality.constant_channels->len)
        fprintf (stderr, "data quality: %zu infinite samples made missing, %zu missing samples "
                 "in %zu series, %u zero-length series dropped, %u constant channels "
                 "(manifest.yaml: data_quality)\n", quality.inf_replaced, quality.missing,
                 quality.series_with_missing, quality.dropped_ids->len,
                 quality.constant_channels->len);
    }
  gboolean ok = TRUE;
  for (guint p = 0; ok && p < exp->pipelines->len; p++)
    ok = td_pipeline_check (exp->pipelines->pdata[p], data->task, error);
  g_autoptr (GPtrArray) splits = ok ? make_splits (exp, data, error) : NULL;
  if (!splits)
    {
      td_data_quality_clear (&quality);
      return FALSE;
    }
  GArray *trials = make_trials (exp, splits);

  /* Resume: finished trials (ok or failed with a plugin error) are read
   * back; failed ones and unfinished ones run again. */
  g_autoptr (GPtrArray) todo = g_ptr_array_new ();
  size_t failed_before = 0;
  for (guint k = 0; k < trials->len; k++)
    {
      TdTrial *t = &g_array_index (trials, TdTrial, k);
      if (opt->resume && td_trial_load (run_dir, exp, t, NULL))
        {
          if (t->ok)
            {
              outcome->n_skipped++;
              continue;
            }
          failed_before++;
          td_trial_clear (t);
          t->done = t->ok = FALSE;
        }
      g_ptr_array_add (todo, t);
    }
  if (opt->resume && !quiet)
    fprintf (stderr, "resume: %zu of %u trials finished before; running %u (%zu failed "
             "before, %zu never finished)\n", outcome->n_skipped, trials->len, todo->len,
             failed_before, todo->len - failed_before);

  g_autofree char *journal_path = g_build_filename (run_dir, "journal.tsv", NULL);
  r.prog = (Progress) { .total = todo->len, .t0 = g_get_monotonic_time (),
                        .tty = isatty (fileno (stderr)), .quiet = quiet, .exp = exp,
                        .trials = (TdTrial *) trials->data, .n_trials = trials->len };
  g_mutex_init (&r.prog.lock);
  r.prog.journal = fopen (journal_path, "a");
  if (r.prog.journal && opt->resume)
    fprintf (r.prog.journal, "# resumed %s\n",
             (const char *) resumed->pdata[resumed->len - 2]);
  g_autoptr (TdContext) root = td_context_new (exp->seed);
  r.env = (TdTrialEnv) { .exp = exp, .data = data, .run_dir = run_dir,
                         .threads = meta.threads_per_trial, .parent = root };
  r.jobs = MAX (1, MIN (r.jobs, (int) MAX (todo->len, 1u)));
  meta.jobs = r.jobs;

  gint *shared = NULL;
  size_t shared_len = MAX (trials->len, 1u) * sizeof (gint);
  if (r.isolate)
    {
      /* the workers' progress, readable here (MAP_SHARED survives fork) */
      shared = mmap (NULL, shared_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
      if (shared == MAP_FAILED)
        shared = NULL;
      for (guint k = 0; shared && k < trials->len; k++)
        g_array_index (trials, TdTrial, k).progress_slot = &shared[k];
      ok = run_isolated (&r, todo, run_dir, TRUE, error);
    }
  else
    {
      GThread *ticker = !quiet && r.prog.tty ? g_thread_new ("progress", progress_ticker, &r.prog)
                                             : NULL;
      run_in_process (&r, todo);
      if (ticker)
        {
          g_atomic_int_set (&r.prog.stop, 1);
          g_thread_join (ticker);
        }
    }
  if (!quiet && r.prog.tty && todo->len)
    {
      progress_draw (&r.prog);
      fputc ('\n', stderr);
    }
  if (r.prog.journal)
    fclose (r.prog.journal);
  g_mutex_clear (&r.prog.lock);

  /* Every output is built from the trial folders as they are on disk. */
  size_t not_run = 0;
  for (guint k = 0; k < trials->len; k++)
    {
      TdTrial *t = &g_array_index (trials, TdTrial, k);
      td_trial_clear (t);
      t->done = t->ok = FALSE;
      t->progress_slot = NULL;
      if (!td_trial_load (run_dir, exp, t, NULL))
        not_run++;
      else if (!t->ok)
        outcome->n_failed++;
    }
  if (shared)
    munmap (shared, shared_len);
  outcome->n_trials = trials->len;
  outcome->n_not_run = not_run;

  if (ok && r.save_error)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&r.save_error),
                                  "cannot save trial results in %s: ", run_dir);
      ok = FALSE;
    }
  if (ok && opt->verify_determinism && not_run == 0)
    ok = verify_determinism (&r, (TdTrial *) trials->data, trials->len, outcome, error);

  g_autoptr (GDateTime) finished = g_date_time_new_now_utc ();
  meta.data = data;
  meta.splits = splits;
  meta.trials = (TdTrial *) trials->data;
  meta.n_trials = trials->len;
  meta.finished = finished;
  if (ok && not_run > 0)
    {
      /* --fail-fast: no results that could pass for complete ones */
      meta.status = "stopped";
      ok = td_run_write_manifest (&meta, error);
    }
  else if (ok)
    {
      meta.status = "finished";
      ok = td_run_write_outputs (&meta, error);
    }
  free_trials (trials);
  td_data_quality_clear (&quality);
  g_clear_error (&r.save_error);
  g_mutex_clear (&r.save_lock);
  return ok;
}

/* ---------------------------------------------------------------- report */

gboolean
td_run_rebuild (const TdExperiment *exp, const char *run_dir_in, const TdRunOptions *opt,
                size_t *n_trials, size_t *n_failed, size_t *n_changed, GError **error)
{
  *n_trials = *n_failed = *n_changed = 0;
  g_autofree char *run_dir = absolute_dir (run_dir_in);
  TdDataQuality quality = { 0 };
  g_autoptr (TdDataset) data = td_run_load_data (exp, opt, run_dir, &quality, error);
  if (!data)
    {
      td_data_quality_clear (&quality);
      return FALSE;
    }
  g_autoptr (GPtrArray) splits = make_splits (exp, data, error);
  if (!splits)
    {
      td_data_quality_clear (&quality);
      return FALSE;
    }
  GArray *trials = make_trials (exp, splits);
  gboolean ok = TRUE;
  for (guint k = 0; ok && k < trials->len; k++)
    {
      TdTrial *t = &g_array_index (trials, TdTrial, k);
      g_autoptr (GError) e = NULL;
      if (!td_trial_load (run_dir, exp, t, &e))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s repeat %d fold %d has not finished (%s); finish the run with "
                       "`tundish run --resume %s` first", t->pipeline->label, t->repeat,
                       t->fold, e->message, run_dir);
          ok = FALSE;
          break;
        }
      if (!t->ok)
        {
          (*n_failed)++;
          continue;
        }
      /* the stored predictions must belong to this split of this data */
      const TdSplit *sp = t->split;
      gboolean match = t->n_test == sp->n_test;
      for (size_t i = 0; match && i < sp->n_test; i++)
        match = t->test_ids[i] == data->series_id[sp->test[i]]
                && (t->test_y[i] == data->y[sp->test[i]]
                    || (isnan (t->test_y[i]) && isnan (data->y[sp->test[i]])));
      if (!match)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s repeat %d fold %d: the stored predictions are not for this "
                       "dataset's test split (did the generator change?)", t->pipeline->label,
                       t->repeat, t->fold);
          ok = FALSE;
          break;
        }
      g_autoptr (TdDataset) test = td_dataset_subset (data, sp->test, sp->n_test);
      g_autofree double *stored = g_memdup2 (t->metrics, MAX (exp->metrics->len, 1u) * sizeof (double));
      if (!td_trial_evaluate (exp, test, t, &e))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&e), "%s repeat %d fold %d: ",
                                      t->pipeline->label, t->repeat, t->fold);
          ok = FALSE;
          break;
        }
      for (guint m = 0; m < exp->metrics->len; m++)
        if (!(stored[m] == t->metrics[m] || (isnan (stored[m]) && isnan (t->metrics[m]))))
          (*n_changed)++;
    }
  *n_trials = trials->len;
  if (ok)
    {
      g_autoptr (GDateTime) started = parse_time (opt->started);
      g_autoptr (GDateTime) finished = parse_time (opt->finished);
      TdRunMeta meta = { .exp = exp, .data = data, .run_dir = run_dir, .splits = splits,
                         .trials = (TdTrial *) trials->data, .n_trials = trials->len,
                         .started = started, .finished = finished, .status = "finished",
                         .data_policy = opt->data_policy, .quality = &quality,
                         .skip_manifest = TRUE };
      td_run_read_timings (run_dir, &meta.data_seconds, &meta.report_seconds);
      ok = td_run_write_outputs (&meta, error);
    }
  free_trials (trials);
  td_data_quality_clear (&quality);
  return ok;
}
