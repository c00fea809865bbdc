/* run_summary.c — see run_summary.h.
 *
 * The bootstrap replays the evaluators on resampled test predictions, so
 * every metric an evaluator produces gets an interval (threshold metrics at
 * the threshold the evaluator chooses from the validation predictions, which
 * are not resampled; the oracle's from the resampled metadata), and a
 * metric added later (`tundish report --metrics`) gets one too. The
 * evaluators see a copy of the test rows without the series values (one
 * step, one channel): only labels, ids, groups and metadata, which is all an
 * evaluator may read besides the predictions. */
#include "run/run_summary.h"

#include <math.h>
#include <string.h>

#include <tundish/stats.h>

#include "data/split.h"

typedef struct {
  const TdExperiment *exp;
  const TdDataset *thin;        /* the dataset's bookkeeping, series values dropped */
  const gint64 *groups;         /* per dataset index when the split is grouped, else NULL */
  size_t B, nm;
} Boot;

/* The trial's resampled metrics into v[j * B + b] (NaN where an evaluator
 * gives none or fails on a resample). FALSE when the stored predictions do
 * not line up with the split (then the trial is left out). */
static gboolean
boot_trial (const Boot *bt, const TdTrial *t, double *v)
{
  const TdSplit *sp = t->split;
  const TdDataset *data = bt->thin;
  size_t n = t->n_test, k = MAX (t->n_outputs, (size_t) 1);
  if (!sp || sp->n_test != n)
    return FALSE;
  for (size_t i = 0; i < n; i++)
    if (t->test_ids[i] != data->series_id[sp->test[i]])
      return FALSE;
  g_autoptr (TdDataset) test = td_dataset_subset (data, sp->test, n);
  g_autofree gint64 *strata = NULL;
  if (data->task != TD_TASK_REGRESSION)
    {
      strata = g_new (gint64, MAX (n, (size_t) 1));
      for (size_t i = 0; i < n; i++)
        strata[i] = isfinite (t->test_y[i]) ? (gint64) t->test_y[i] : -1;
    }
  g_autofree gint64 *clusters = NULL;
  if (bt->groups)
    {
      clusters = g_new (gint64, MAX (n, (size_t) 1));
      for (size_t i = 0; i < n; i++)
        clusters[i] = bt->groups[sp->test[i]];
    }
  g_autoptr (TdResampler) rs = td_resampler_new (n, strata, clusters);
  size_t cap = MAX (td_resampler_max (rs), (size_t) 1);
  g_autofree size_t *idx = g_new (size_t, cap);
  g_autofree double *y = g_new (double, cap);
  g_autofree double *s = g_new (double, cap * k);
  guint64 state = td_seed_derive (bt->exp->seed, t->repeat, t->fold, "summary:bootstrap", "");
  for (size_t b = 0; b < bt->B; b++)
    {
      size_t m = td_resampler_draw (rs, &state, idx);
      for (size_t j = 0; j < m; j++)
        {
          y[j] = t->test_y[idx[j]];
          memcpy (s + j * k, t->test_scores + idx[j] * k, k * sizeof (double));
        }
      g_autoptr (TdDataset) sub = td_dataset_subset (test, idx, m);
      TdTrial r = { .pipeline = t->pipeline, .repeat = t->repeat, .fold = t->fold,
                    .n_test = m, .n_outputs = t->n_outputs, .test_y = y, .test_scores = s,
                    .n_valid = t->n_valid, .valid_y = t->valid_y,
                    .valid_scores = t->valid_scores };
      gboolean ok = td_trial_evaluate (bt->exp, sub, &r, NULL);
      for (size_t j = 0; j < bt->nm; j++)
        v[j * bt->B + b] = ok ? r.metrics[j] : NAN;
      g_free (r.metrics);
    }
  return TRUE;
}

/* Each trial's replicates are independent of every other's (own seed, own
 * buffer), so they are computed on `jobs` threads and summed afterwards in
 * trial order: the same intervals whatever jobs is. The evaluators are pure
 * functions of their input. Replays cost B evaluations per trial (an
 * anomaly evaluator fits its thresholds in each): a minute on one thread for
 * a run of tens of trials. */
typedef struct {
  const Boot *bt;
  GPtrArray *trials;
  double **reps;
} BootJob;

static void
boot_job (gpointer item, gpointer data)
{
  BootJob *job = data;
  guint i = GPOINTER_TO_UINT (item) - 1;
  const TdTrial *t = job->trials->pdata[i];
  double *v = g_new (double, MAX (job->bt->nm * job->bt->B, (size_t) 1));
  if (boot_trial (job->bt, t, v))
    job->reps[i] = v;
  else
    g_free (v);
}

/* Per trial: its nm × B replicates, or NULL (failed trial, no bootstrap, or
 * predictions that do not line up with the split). */
static double **
boot_all (const Boot *bt, GPtrArray *trials, int jobs)
{
  double **reps = g_new0 (double *, MAX (trials->len, 1u));
  if (!bt->B)
    return reps;
  BootJob job = { bt, trials, reps };
  int threads = jobs > 0 ? jobs : (int) g_get_num_processors ();
  GThreadPool *pool = threads > 1 ? g_thread_pool_new (boot_job, &job, threads, TRUE, NULL)
                                  : NULL;
  for (guint i = 0; i < trials->len; i++)
    {
      const TdTrial *t = trials->pdata[i];
      if (!t->ok)
        continue;
      if (pool)
        g_thread_pool_push (pool, GUINT_TO_POINTER (i + 1), NULL);
      else
        boot_job (GUINT_TO_POINTER (i + 1), &job);
    }
  if (pool)
    g_thread_pool_free (pool, FALSE, TRUE);
  return reps;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Percentile interval of the finite replicates. */
static void
percentile (double *rep, size_t B, double level, double *lo, double *hi)
{
  size_t m = 0;
  for (size_t b = 0; b < B; b++)
    if (isfinite (rep[b]))
      rep[m++] = rep[b];
  qsort (rep, m, sizeof *rep, cmp_double);
  *lo = td_quantile_sorted (rep, m, 0.5 * (1.0 - level));
  *hi = td_quantile_sorted (rep, m, 0.5 * (1.0 + level));
}

gboolean
td_run_summary (const TdRunMeta *m, GPtrArray *trials, GArray *rows, GArray *intervals,
                GError **error)
{
  const TdExperiment *exp = m->exp;
  const double level = 0.95;
  size_t nm = exp->metrics->len;
  Boot bt = { .exp = exp, .B = m->data && exp->summary_bootstrap > 0
                                 ? (size_t) exp->summary_bootstrap : 0, .nm = nm };
  g_autoptr (TdDataset) thin = NULL;
  g_autofree gint64 *groups = NULL;
  if (bt.B)
    {
      thin = td_dataset_new_like (m->data, 1, 1);
      bt.thin = thin;
      GError *e = NULL;
      groups = td_split_groups (m->data, &exp->split, &e);
      if (e)
        {
          g_propagate_prefixed_error (error, e, "summary bootstrap: ");
          return FALSE;
        }
      bt.groups = groups;
    }
  g_autofree double *vals = g_new (double, MAX (trials->len, 1u));
  g_autofree double *sum = g_new (double, MAX (nm * bt.B, (size_t) 1));
  g_autofree guint32 *cnt = g_new (guint32, MAX (nm * bt.B, (size_t) 1));
  g_autofree double **reps = boot_all (&bt, trials, m->jobs);
  for (guint k = 0; k < trials->len;)
    {
      guint end = td_run_label_end (trials, k);
      const TdTrial *first = trials->pdata[k];
      memset (sum, 0, MAX (nm * bt.B, (size_t) 1) * sizeof *sum);
      memset (cnt, 0, MAX (nm * bt.B, (size_t) 1) * sizeof *cnt);
      for (guint i = k; bt.B && i < end; i++)
        {
          const TdTrial *t = trials->pdata[i];
          const double *v = reps[i];
          if (!v)
            continue;
          /* a trial counts for a metric where the summary counts it */
          for (size_t j = 0; j < nm; j++)
            for (size_t b = 0; !isnan (t->metrics[j]) && b < bt.B; b++)
              if (isfinite (v[j * bt.B + b]))
                {
                  sum[j * bt.B + b] += v[j * bt.B + b];
                  cnt[j * bt.B + b]++;
                }
        }
      for (size_t j = 0; j < nm; j++)
        {
          size_t n = 0;
          for (guint i = k; i < end; i++)
            {
              const TdTrial *t = trials->pdata[i];
              if (t->ok && !isnan (t->metrics[j]))
                vals[n++] = t->metrics[j];
            }
          double mean = NAN, ss = 0;
          if (n)
            {
              double s = 0;
              for (size_t i = 0; i < n; i++)
                s += vals[i];
              mean = s / (double) n;
              for (size_t i = 0; i < n; i++)
                ss += (vals[i] - mean) * (vals[i] - mean);
            }
          TdSummaryRow row = { first->pipeline->name, first->pipeline->variant,
                               exp->metrics->pdata[j], mean,
                               n > 1 ? sqrt (ss / (double) (n - 1)) : (n == 1 ? 0.0 : NAN), n };
          g_array_append_val (rows, row);
          TdSummaryInterval ci = { .level = level, .t_low = NAN, .t_high = NAN,
                                   .boot_low = NAN, .boot_high = NAN, .boot_samples = bt.B };
          TdMeanCI mc;
          td_mean_ci (vals, n, level, &mc);
          if (n > 1)
            {
              ci.t_low = mc.ci_low;
              ci.t_high = mc.ci_high;
            }
          if (bt.B)
            {
              double *rep = sum + j * bt.B;
              for (size_t b = 0; b < bt.B; b++)
                rep[b] = cnt[j * bt.B + b] ? rep[b] / cnt[j * bt.B + b] : NAN;
              percentile (rep, bt.B, level, &ci.boot_low, &ci.boot_high);
            }
          g_array_append_val (intervals, ci);
        }
      k = end;
    }
  for (guint i = 0; i < trials->len; i++)
    g_free (reps[i]);
  return TRUE;
}
