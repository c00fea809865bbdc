/* runner.c — an experiment from dataset to run folder: the manifest first
 * (what a resume needs), data (cached, generated in a child process and
 * checked), splits, the trials — in this process, in a thread pool, or each
 * in its own worker process (worker.h) — each writing its own folder as it
 * ends, then every output rebuilt from those folders, manifest last.
 *
 * Because the outputs are always built from what the trials wrote, a run
 * that was killed and resumed, a run with -j 1 or -j 4, and `tundish
 * report` on a finished run all produce the same bytes. */
#include "run/runner.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/atomic_file.h"
#include "util/json_line.h"
#include "run/killpoint.h"
#include "run/run_output.h"
#include "run/trial_io.h"
#include "run/run_timings.h"
#include "run/run_manifest.h"
#include "data/split.h"
#include "run/trial.h"
#include "run/worker.h"

void
td_run_outcome_clear (TdRunOutcome *o)
{
  g_clear_pointer (&o->run_dir, g_free);
  g_clear_pointer (&o->verify_report, g_free);
}

#include "run/data_cache.h"
#include "run/progress.h"
#include "run/schedule.h"

/* ------------------------------------------------------------- the run */

/* --log-format json: the first event, once the trials are known. */
static void
log_run_started (const TdExperiment *exp, const char *run_dir, const TdDataset *data,
                 size_t n_trials, size_t to_run, gboolean resume, int jobs)
{
  TdJson j;
  td_json_begin (&j, "run_started");
  td_json_str (&j, "experiment", exp->name);
  td_json_str (&j, "config_hash", exp->hash);
  td_json_str (&j, "run_dir", run_dir);
  td_json_int (&j, "trials", (gint64) n_trials);
  td_json_int (&j, "to_run", (gint64) to_run);
  td_json_str (&j, "mode", resume ? "resume" : "new");
  td_json_int (&j, "jobs", jobs);
  td_json_object_begin (&j, "data");
  td_json_int (&j, "series", (gint64) data->n_series);
  td_json_int (&j, "steps", (gint64) data->n_steps);
  td_json_int (&j, "channels", (gint64) data->n_channels);
  td_json_int (&j, "positive", (gint64) td_dataset_count_positive (data));
  td_json_object_end (&j);
  td_json_emit (&j);
}

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
      GPtrArray *s = td_split_make (data, &exp->split, r, seed, error);
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
  TdRunState r = { .exp = exp, .opt = opt, .run_dir = run_dir };
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
  td_schedule_timeout (opt, &r.limits);
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
                     .trial_timeout = r.limits.timeout, .trial_memory_mb = opt->trial_memory_mb,
                     .data_policy = opt->data_policy,
                     .resumed = (const char *const *) resumed->pdata,
                     .plugin_dirs = opt->plugin_dirs };
  /* Before anything can be killed: the manifest a resume starts from. */
  if (!td_run_write_manifest (&meta, error))
    return FALSE;
  outcome->run_dir = g_strdup (run_dir);     /* resumable from here on */
  td_file_remove_stale_temps (run_dir);

  gboolean quiet = opt->quiet;
  /* JSON: the run_started event below says the same, once the trials are known */
  gboolean text = !quiet && !opt->log_json;
  if (text)
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
  if (text)
    {
      /* a count of positives means something for binary and anomaly data only */
      g_autofree char *what = data->task == TD_TASK_BINARY || data->task == TD_TASK_ANOMALY
                                ? g_strdup_printf ("%zu positive", td_dataset_count_positive (data))
                                : data->task == TD_TASK_MULTICLASS
                                    ? g_strdup_printf ("%zu classes", data->n_classes)
                                    : g_strdup ("regression");
      fprintf (stderr, "data: %zu series × %zu steps × %zu channels, %s (%.1fs)\n",
               data->n_series, data->n_steps, data->n_channels, what,
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
  if (opt->resume && text)
    fprintf (stderr, "resume: %zu of %u trials finished before; running %u (%zu failed "
             "before, %zu never finished)\n", outcome->n_skipped, trials->len, todo->len,
             failed_before, todo->len - failed_before);

  g_autofree char *journal_path = g_build_filename (run_dir, "journal.tsv", NULL);
  r.jobs = MAX (1, MIN (r.jobs, (int) MAX (todo->len, 1u)));
  r.prog = (TdProgress) { .total = todo->len, .t0 = g_get_monotonic_time (),
                          .tty = isatty (fileno (stderr)), .quiet = quiet,
                          .json = opt->log_json, .interval = opt->progress_interval,
                          .jobs = r.jobs, .exp = exp, .trials = (TdTrial *) trials->data,
                          .n_trials = trials->len };
  td_progress_init (&r.prog);
  if (opt->log_json && !quiet)
    log_run_started (exp, run_dir, data, trials->len, todo->len, opt->resume, r.jobs);
  r.prog.journal = fopen (journal_path, "a");
  if (r.prog.journal && opt->resume)
    fprintf (r.prog.journal, "# resumed %s\n",
             (const char *) resumed->pdata[resumed->len - 2]);
  g_autoptr (TdContext) root = td_context_new (exp->seed);
  r.env = (TdTrialEnv) { .exp = exp, .data = data, .run_dir = run_dir,
                         .threads = meta.threads_per_trial, .parent = root };
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
      ok = td_schedule_isolated (&r, todo, run_dir, TRUE, error);
    }
  else
    {
      GThread *ticker = !quiet && (r.prog.tty || r.prog.interval > 0)
                          ? g_thread_new ("progress", td_progress_ticker, &r.prog)
                                             : NULL;
      td_schedule_in_process (&r, todo);
      if (ticker)
        {
          g_atomic_int_set (&r.prog.stop, 1);
          g_thread_join (ticker);
        }
    }
  if (text && r.prog.tty && todo->len)
    {
      td_progress_draw (&r.prog);
      fputc ('\n', stderr);
    }
  if (r.prog.journal)
    fclose (r.prog.journal);
  td_progress_clear (&r.prog);

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
    ok = td_schedule_verify (&r, (TdTrial *) trials->data, trials->len, outcome, error);

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
      /* the bootstrap replays every evaluator B times per trial: seconds to
       * minutes after the last trial, so say what is happening */
      if (!quiet && !opt->log_json && exp->summary_bootstrap > 0)
        fprintf (stderr, "outputs: bootstrap intervals over %u trial%s × %d resamples "
                 "(%d thread%s)...\n", trials->len, trials->len == 1 ? "" : "s",
                 exp->summary_bootstrap, MAX (meta.jobs, 1), meta.jobs > 1 ? "s" : "");
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
      /* metrics added since the run have no stored value to differ from */
      guint n_stored = t->metrics_partial ? exp->metrics->len - exp->n_added_metrics
                                          : exp->metrics->len;
      for (guint m = 0; m < n_stored; m++)
        if (!(stored[m] == t->metrics[m] || (isnan (stored[m]) && isnan (t->metrics[m]))))
          (*n_changed)++;
      /* so resume and later reports read the added metrics back */
      if (t->metrics_partial && !td_trial_write_metrics (run_dir, exp, t, error))
        {
          ok = FALSE;
          break;
        }
      t->metrics_partial = FALSE;
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

