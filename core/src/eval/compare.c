/* compare.c — see compare.h. Every pipeline label is compared with each
 * label of the baseline pipeline by the tests in compare.tests (all four
 * when the list is empty); docs/statistics.md states every convention.
 *
 *   delong     ROC-AUC, on one test set (binary)
 *   bootstrap  paired stratified bootstrap of every metric it can recompute
 *              from predictions, on one test set; clustered by group when
 *              the split is grouped
 *   mcnemar    accuracy (errors at each trial's threshold, or the arg-max
 *              class), on one test set
 *   ttest      the corrected resampled t-test over the per-trial results
 *              (Nadeau & Bengio; Bouckaert & Frank for repeated k-fold)
 *
 * "One test set" is a repeat's test split (holdout) or the pooled
 * out-of-fold predictions of a repeat (k-fold: each series once). With
 * several repeats, each repeat is tested and the row gives the mean estimate,
 * the mean statistic and twice the mean p-value (valid however the repeats'
 * test sets overlap). Holm's correction runs over the rows of one test and
 * one metric, i.e. over the pipelines compared with the baseline.
 */
#include "eval/compare.h"
#include "data/split.h"

#include <tundish/metrics.h>
#include <tundish/stats.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Used when an experiment struct was built without the config loader. */
#define COMPARE_BOOTSTRAP_SAMPLES 2000

/* Test names compare.tests may hold; the config should validate against it. */
const char *const td_compare_test_names[] = { "delong", "bootstrap", "mcnemar", "ttest", NULL };

/* Metrics the bootstrap recomputes from stored predictions. */
typedef enum {
  BM_ROC_AUC, BM_PR_AUC, BM_PR_AUC_TRAPZ, BM_BRIER, BM_LOG_LOSS, BM_ECE, BM_ECE_MASS,
  /* threshold metrics from here on */
  BM_F1, BM_PRECISION, BM_RECALL, BM_SPECIFICITY, BM_ACCURACY, BM_BALANCED_ACCURACY, BM_MCC,
  /* multiclass */
  BM_MC_ACCURACY, BM_MC_MACRO_F1, BM_MC_MICRO_F1, BM_MC_ROC_AUC_OVR,
  N_BM
} BootMetric;

static const struct {
  const char *name;
  int binary_index;             /* TdBinaryMetric, or -1 */
} boot_metrics[N_BM] = {
  [BM_ROC_AUC] = { "roc_auc", TD_M_ROC_AUC },
  [BM_PR_AUC] = { "pr_auc", TD_M_PR_AUC },
  [BM_PR_AUC_TRAPZ] = { "pr_auc_trapz", TD_M_PR_AUC_TRAPZ },
  [BM_BRIER] = { "brier", TD_M_BRIER },
  [BM_LOG_LOSS] = { "log_loss", TD_M_LOG_LOSS },
  [BM_ECE] = { "ece", -1 },
  [BM_ECE_MASS] = { "ece_mass", -1 },
  [BM_F1] = { "f1", TD_M_F1 },
  [BM_PRECISION] = { "precision", TD_M_PRECISION },
  [BM_RECALL] = { "recall", TD_M_RECALL },
  [BM_SPECIFICITY] = { "specificity", TD_M_SPECIFICITY },
  [BM_ACCURACY] = { "accuracy", TD_M_ACCURACY },
  [BM_BALANCED_ACCURACY] = { "balanced_accuracy", TD_M_BALANCED_ACCURACY },
  [BM_MCC] = { "mcc", TD_M_MCC },
  [BM_MC_ACCURACY] = { "accuracy", -1 },
  [BM_MC_MACRO_F1] = { "macro_f1", -1 },
  [BM_MC_MICRO_F1] = { "micro_f1", -1 },
  [BM_MC_ROC_AUC_OVR] = { "roc_auc_ovr", -1 },
};

/* Per-trial results the t-test leaves out: sizes and counts, the threshold,
 * chance levels, and the oracle's values (the same for every pipeline). */
static gboolean
ttest_applies (const char *metric)
{
  static const char *const skip[] = { "n", "n_pos", "tp", "fp", "tn", "fn", "threshold",
                                      "roc_auc_chance", "pr_auc_chance", "valid_normals",
                                      NULL };
  for (size_t k = 0; skip[k]; k++)
    if (strcmp (metric, skip[k]) == 0)
      return FALSE;
  /* the anomaly evaluator's thresholds live on each model's own score scale */
  return !g_str_has_prefix (metric, "oracle_") && !g_str_has_prefix (metric, "threshold_");
}

typedef struct {
  const TdExperiment *exp;
  const TdRunReport *rep;
  TdTask task;
  size_t n_classes;
  int folds;                    /* per repeat: k, or 1 for holdout */
  GHashTable *preds;            /* "label\x1fr\x1ff" -> const TdTrialPredictions * */
  GHashTable *results;          /* "label\x1fr\x1ff\x1fmetric" -> const double * */
  double fixed_threshold;       /* NaN when chosen per trial and not recorded */
  size_t ece_bins;
  const gint64 *groups;         /* per dataset index, or NULL when not grouped */
  GHashTable *index_of_id;      /* series id -> dataset index + 1 */
  gint64 *group_buf;
  GStringChunk *strings;
} Cmp;

/* One repeat's test set of one pipeline label, sorted by series id. */
typedef struct {
  size_t n, k;
  gint64 *id;
  double *y;                    /* class: 0/1, or the class index */
  double *s;                    /* n × k */
  double *hard;                 /* predicted class at the trial's threshold (NaN unknown) */
} TestSet;

static void
test_set_free (TestSet *t)
{
  if (!t)
    return;
  g_free (t->id);
  g_free (t->y);
  g_free (t->s);
  g_free (t->hard);
  g_free (t);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestSet, test_set_free)

static char *
label_of (const char *pipeline, const char *variant)
{
  return variant && *variant ? g_strdup_printf ("%s[%s]", pipeline, variant)
                             : g_strdup (pipeline);
}

static char *
trial_key (const char *label, int repeat, int fold)
{
  return g_strdup_printf ("%s\x1f%d\x1f%d", label, repeat, fold);
}

/* ---------------------------------------------------------------- setup */

static const TdStage *
find_evaluator (const TdExperiment *exp, const char *name)
{
  for (guint k = 0; exp->evaluators && k < exp->evaluators->len; k++)
    {
      const TdStage *st = exp->evaluators->pdata[k];
      if (strcmp (st->entry->desc->name, name) == 0)
        return st;
    }
  return NULL;
}

/* The binary evaluator's threshold when it is one number for every trial;
 * per-trial thresholds are read from results ("threshold") instead. */
static void
read_evaluator_settings (Cmp *c)
{
  c->fixed_threshold = 0.5;
  c->ece_bins = 10;
  const TdStage *bin = find_evaluator (c->exp, "binary");
  if (!bin)
    return;
  if (td_params_has (bin->params, "ece_bins"))
    c->ece_bins = (size_t) td_params_get_int (bin->params, "ece_bins");
  if (td_params_has (bin->params, "threshold"))
    c->fixed_threshold = td_params_get_double (bin->params, "threshold");
  if (td_params_has (bin->params, "threshold_method")
      && strcmp (td_params_get_string (bin->params, "threshold_method"), "fixed") != 0)
    c->fixed_threshold = NAN;
}

/* The groups a grouped split drew whole (td_split_groups: the same ids the
 * split and summary.csv's bootstrap use), so the paired bootstrap resamples
 * them whole too; none when the split is not grouped. */
static gboolean
read_groups (Cmp *c, GError **error)
{
  const TdDataset *d = c->rep->data;
  if (!d)
    return TRUE;
  GError *e = NULL;
  c->group_buf = td_split_groups (d, &c->exp->split, &e);
  if (e)
    {
      g_propagate_prefixed_error (error, e, "compare: ");
      return FALSE;
    }
  if (!c->group_buf)
    return TRUE;
  c->groups = c->group_buf;
  c->index_of_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, NULL);
  for (size_t i = 0; i < d->n_series; i++)
    g_hash_table_insert (c->index_of_id, &d->series_id[i], GSIZE_TO_POINTER (i + 1));
  return TRUE;
}

static void
cmp_clear (Cmp *c)
{
  g_clear_pointer (&c->preds, g_hash_table_unref);
  g_clear_pointer (&c->results, g_hash_table_unref);
  g_clear_pointer (&c->index_of_id, g_hash_table_unref);
  g_clear_pointer (&c->group_buf, g_free);
}

static gboolean
cmp_init (Cmp *c, const TdExperiment *exp, const TdRunReport *rep, GStringChunk *strings,
          GError **error)
{
  *c = (Cmp) { .exp = exp, .rep = rep, .strings = strings };
  c->task = rep->data ? rep->data->task : TD_TASK_BINARY;
  /* anomaly scores rank series as binary scores do: DeLong and the rank
   * metrics' bootstrap apply; they have no threshold of 0.5 (the anomaly
   * evaluator's are per method), so McNemar and the threshold metrics'
   * bootstrap are left out */
  gboolean anomaly = c->task == TD_TASK_ANOMALY;
  if (anomaly)
    c->task = TD_TASK_BINARY;
  c->n_classes = rep->data ? rep->data->n_classes : 2;
  gboolean kfold = exp->split.method == TD_SPLIT_STRATIFIED_KFOLD
                   || exp->split.method == TD_SPLIT_GROUP_KFOLD;
  c->folds = kfold ? exp->split.folds : 1;
  c->preds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (size_t k = 0; k < rep->n_predictions; k++)
    {
      const TdTrialPredictions *p = &rep->predictions[k];
      g_autofree char *label = label_of (p->pipeline, p->variant);
      g_hash_table_insert (c->preds, trial_key (label, p->repeat, p->fold), (gpointer) p);
    }
  c->results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (size_t k = 0; k < rep->n_results; k++)
    {
      const TdResultRow *r = &rep->results[k];
      g_autofree char *label = label_of (r->pipeline, r->variant);
      g_hash_table_insert (c->results,
                           g_strdup_printf ("%s\x1f%d\x1f%d\x1f%s", label, r->repeat, r->fold,
                                            r->metric),
                           (gpointer) &r->value);
    }
  read_evaluator_settings (c);
  if (anomaly)
    c->fixed_threshold = NAN;
  return read_groups (c, error);
}

static double
result_value (const Cmp *c, const char *label, int repeat, int fold, const char *metric)
{
  g_autofree char *key = g_strdup_printf ("%s\x1f%d\x1f%d\x1f%s", label, repeat, fold, metric);
  const double *v = g_hash_table_lookup (c->results, key);
  return v ? *v : NAN;
}

/* ------------------------------------------------------------ test sets */

typedef struct {
  gint64 id;
  size_t src;                   /* position in the concatenation */
} ById;

static int
by_id_cmp (const void *pa, const void *pb)
{
  const ById *a = pa, *b = pb;
  return (a->id > b->id) - (a->id < b->id);
}

/* The test set of label in repeat r: the trial's predictions (holdout), or
 * all folds' concatenated (k-fold). NULL when a trial of it failed. */
static TestSet *
test_set_build (const Cmp *c, const char *label, int repeat)
{
  g_autofree const TdTrialPredictions **parts = g_new (const TdTrialPredictions *, c->folds);
  g_autofree double *thr = g_new (double, c->folds);
  size_t n = 0, k = 0;
  for (int f = 0; f < c->folds; f++)
    {
      g_autofree char *key = trial_key (label, repeat, f);
      parts[f] = g_hash_table_lookup (c->preds, key);
      if (!parts[f] || (f > 0 && parts[f]->n_outputs != k))
        return NULL;
      k = parts[f]->n_outputs;
      n += parts[f]->n;
      thr[f] = c->fixed_threshold;
      if (td_experiment_has_metric (c->exp, "threshold"))
        thr[f] = result_value (c, label, repeat, f, "threshold");
    }
  if (n == 0 || k == 0)
    return NULL;
  g_autofree ById *order = g_new (ById, n);
  g_autofree size_t *fold_of = g_new (size_t, n);
  g_autofree size_t *row_of = g_new (size_t, n);
  for (int f = 0, j = 0; f < c->folds; f++)
    for (size_t i = 0; i < parts[f]->n; i++, j++)
      {
        order[j] = (ById) { parts[f]->series_id[i], (size_t) j };
        fold_of[j] = (size_t) f;
        row_of[j] = i;
      }
  qsort (order, n, sizeof *order, by_id_cmp);
  TestSet *t = g_new0 (TestSet, 1);
  t->n = n;
  t->k = k;
  t->id = g_new (gint64, n);
  t->y = g_new (double, n);
  t->s = g_new (double, n * k);
  t->hard = g_new (double, n);
  gboolean binary = c->task == TD_TASK_BINARY;
  for (size_t j = 0; j < n; j++)
    {
      const TdTrialPredictions *p = parts[fold_of[order[j].src]];
      size_t i = row_of[order[j].src];
      double th = thr[fold_of[order[j].src]];
      t->id[j] = order[j].id;
      t->y[j] = binary ? (p->y[i] >= 0.5 ? 1.0 : 0.0) : p->y[i];
      memcpy (t->s + j * k, p->scores + i * k, k * sizeof (double));
      if (binary)
        t->hard[j] = isnan (th) ? NAN : (p->scores[i] >= th ? 1.0 : 0.0);
      else
        t->hard[j] = (double) td_argmax (p->scores + i * k, k);
    }
  return t;
}

static gboolean
same_items (const TestSet *a, const TestSet *b)
{
  if (a->n != b->n || a->k != b->k)
    return FALSE;
  for (size_t i = 0; i < a->n; i++)
    if (a->id[i] != b->id[i] || a->y[i] != b->y[i])
      return FALSE;
  return TRUE;
}

static gboolean
hard_known (const TestSet *t)
{
  for (size_t i = 0; i < t->n; i++)
    if (isnan (t->hard[i]))
      return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------- results */

/* One (metric, pair) cell: a value per repeat tested. */
typedef struct {
  GArray *est, *stat, *p;       /* of double */
} Cell;

static void
cell_add (Cell *cell, double est, double stat, double p)
{
  if (!cell->est)
    {
      cell->est = g_array_new (FALSE, FALSE, sizeof (double));
      cell->stat = g_array_new (FALSE, FALSE, sizeof (double));
      cell->p = g_array_new (FALSE, FALSE, sizeof (double));
    }
  g_array_append_val (cell->est, est);
  g_array_append_val (cell->stat, stat);
  g_array_append_val (cell->p, p);
}

static double
mean_of (const GArray *a)
{
  double s = 0.0;
  for (guint i = 0; i < a->len; i++)
    s += g_array_index (a, double, i);
  return s / (double) a->len;
}

typedef struct {
  const char *a, *b;            /* labels */
} Pair;

/* ----------------------------------------------------------- bootstrap */

/* The metrics bootstrap tests for this run, as indices into exp->metrics
 * (mi) and BootMetric ids (bm). Threshold metrics need known thresholds. */
static size_t
boot_metric_list (const Cmp *c, gboolean thresholds_known, int *mi, int *bm)
{
  size_t n = 0;
  gboolean binary = c->task == TD_TASK_BINARY;
  for (guint m = 0; m < c->exp->metrics->len; m++)
    {
      const char *name = c->exp->metrics->pdata[m];
      for (int b = binary ? 0 : BM_MC_ACCURACY; b < (binary ? BM_MC_ACCURACY : N_BM); b++)
        if (strcmp (boot_metrics[b].name, name) == 0
            && (!binary || b < BM_F1 || thresholds_known))
          {
            mi[n] = (int) m;
            bm[n++] = b;
            break;
          }
    }
  return n;
}

/* One label's test set prepared for resampling. Binary: the items sorted by
 * score and, separately, by hard prediction, so each resample is evaluated
 * from its counts in O(n) (td_*_counted); multiclass: evaluated on the
 * expanded resample. */
typedef struct {
  const TestSet *t;
  size_t *by_score, *by_hard;   /* item indices in ascending order */
  double *ys, *ss, *yh, *hh;    /* y and score / hard prediction in those orders */
} Prepared;

static int
item_by_value_cmp (const void *pa, const void *pb, gpointer data)
{
  const double *v = data;
  size_t a = *(const size_t *) pa, b = *(const size_t *) pb;
  if (v[a] != v[b])
    return (v[a] > v[b]) - (v[a] < v[b]);
  return (a > b) - (a < b);
}

static void
prepare (Prepared *p, const TestSet *t)
{
  *p = (Prepared) { .t = t };
  if (t->k != 1)
    return;
  size_t n = t->n;
  p->by_score = g_new (size_t, n);
  p->by_hard = g_new (size_t, n);
  for (size_t i = 0; i < n; i++)
    p->by_score[i] = p->by_hard[i] = i;
  g_qsort_with_data (p->by_score, (gint) n, sizeof (size_t), item_by_value_cmp, t->s);
  g_qsort_with_data (p->by_hard, (gint) n, sizeof (size_t), item_by_value_cmp, t->hard);
  p->ys = g_new (double, n);
  p->ss = g_new (double, n);
  p->yh = g_new (double, n);
  p->hh = g_new (double, n);
  for (size_t j = 0; j < n; j++)
    {
      p->ys[j] = t->y[p->by_score[j]];
      p->ss[j] = t->s[p->by_score[j]];
      p->yh[j] = t->y[p->by_hard[j]];
      p->hh[j] = t->hard[p->by_hard[j]];
    }
}

static void
prepared_clear (Prepared *p)
{
  g_free (p->by_score);
  g_free (p->by_hard);
  g_free (p->ys);
  g_free (p->ss);
  g_free (p->yh);
  g_free (p->hh);
}

typedef struct {
  const Cmp *c;
  const int *bm;
  size_t n_bm;
  gboolean need_scores, need_hard;
  guint32 *ws, *wh;             /* counts in the two sorted orders */
  double *y, *s;                /* expanded resample (multiclass) */
} BootEval;

/* The requested metrics of p on the resample given by counts[item] (binary)
 * or by idx[0 .. m) (multiclass), into out[n_bm]. */
static void
boot_eval (BootEval *e, const Prepared *p, const guint32 *counts, const size_t *idx, size_t m,
           double *out)
{
  const TestSet *t = p->t;
  if (e->c->task != TD_TASK_BINARY)
    {
      double mc[TD_N_MULTICLASS_METRICS];
      for (size_t j = 0; j < m; j++)
        {
          e->y[j] = t->y[idx[j]];
          memcpy (e->s + j * t->k, t->s + idx[j] * t->k, t->k * sizeof (double));
        }
      if (!td_multiclass_metrics (e->y, e->s, m, t->k, mc, NULL))
        for (size_t q = 0; q < TD_N_MULTICLASS_METRICS; q++)
          mc[q] = NAN;
      for (size_t q = 0; q < e->n_bm; q++)
        out[q] = e->bm[q] == BM_MC_ACCURACY ? mc[TD_MC_ACCURACY]
               : e->bm[q] == BM_MC_MACRO_F1 ? mc[TD_MC_MACRO_F1]
               : e->bm[q] == BM_MC_MICRO_F1 ? mc[TD_MC_MICRO_F1]
               : mc[TD_MC_ROC_AUC_OVR];
      return;
    }
  size_t n = t->n;
  for (size_t j = 0; j < n; j++)
    {
      e->ws[j] = counts[p->by_score[j]];
      e->wh[j] = counts[p->by_hard[j]];
    }
  double ranked[TD_N_BINARY_METRICS], hard[TD_N_BINARY_METRICS];
  for (size_t q = 0; q < TD_N_BINARY_METRICS; q++)
    ranked[q] = hard[q] = NAN;
  if (e->need_scores)
    td_binary_metrics_counted (p->ys, p->ss, e->ws, n, TRUE, 0.5, ranked, NULL);
  /* hard predictions are 0/1, so ">= 0.5" reproduces each trial's threshold */
  if (e->need_hard)
    td_binary_metrics_counted (p->yh, p->hh, e->wh, n, TRUE, 0.5, hard, NULL);
  for (size_t q = 0; q < e->n_bm; q++)
    {
      int b = e->bm[q];
      if (b == BM_ECE || b == BM_ECE_MASS)
        out[q] = td_ece_counted (p->ys, p->ss, e->ws, n, TRUE, e->c->ece_bins,
                                 b == BM_ECE ? TD_ECE_UNIFORM : TD_ECE_QUANTILE);
      else if (b >= BM_F1)
        out[q] = hard[boot_metrics[b].binary_index];
      else
        out[q] = ranked[boot_metrics[b].binary_index];
    }
}

/* The distinct labels of the pairs, in first-seen order. */
static GPtrArray *
pair_labels (const Pair *pairs, size_t n_pairs)
{
  GPtrArray *labels = g_ptr_array_new ();
  for (size_t pi = 0; pi < n_pairs; pi++)
    for (int side = 0; side < 2; side++)
      {
        const char *l = side ? pairs[pi].b : pairs[pi].a;
        gboolean seen = FALSE;
        for (guint k = 0; k < labels->len && !seen; k++)
          seen = strcmp (labels->pdata[k], l) == 0;
        if (!seen)
          g_ptr_array_add (labels, (gpointer) l);
      }
  return labels;
}

/* The paired bootstrap of one repeat. Every label is scored on the same B
 * resamples (the stream depends only on the seed and the repeat), then each
 * pair's replicate differences give cells[q * n_pairs + pair]. */
static void
bootstrap_repeat (const Cmp *c, int repeat, const Pair *pairs, size_t n_pairs, const int *bm,
                  size_t n_bm, Cell *cells)
{
  g_autoptr (GPtrArray) labels = pair_labels (pairs, n_pairs);
  size_t nl = labels->len;
  g_autofree TestSet **sets = g_new0 (TestSet *, nl);
  const TestSet *ref = NULL;
  size_t ref_l = 0;
  for (size_t l = 0; l < nl; l++)
    {
      sets[l] = test_set_build (c, labels->pdata[l], repeat);
      if (!sets[l])
        continue;
      if (!ref)
        {
          ref = sets[l];
          ref_l = l;
        }
      else if (!same_items (ref, sets[l]))
        {
          g_warning ("compare: %s was not tested on the same series as %s in repeat %d; "
                     "left out of the bootstrap", (char *) labels->pdata[l],
                     (char *) labels->pdata[ref_l], repeat);
          g_clear_pointer (&sets[l], test_set_free);
        }
    }
  if (!ref)
    return;
  size_t n = ref->n;
  size_t B = c->exp->bootstrap_samples > 0 ? (size_t) c->exp->bootstrap_samples
                                           : COMPARE_BOOTSTRAP_SAMPLES;
  g_autofree gint64 *strata = g_new (gint64, n);
  g_autofree gint64 *clusters = c->groups ? g_new (gint64, n) : NULL;
  for (size_t i = 0; i < n; i++)
    {
      strata[i] = (gint64) ref->y[i];
      if (clusters)
        {
          size_t at = GPOINTER_TO_SIZE (g_hash_table_lookup (c->index_of_id, &ref->id[i]));
          /* a series the dataset does not know stands alone */
          clusters[i] = at ? c->groups[at - 1] : G_MININT64 + (gint64) i;
        }
    }
  g_autoptr (TdResampler) rs = td_resampler_new (n, strata, clusters);
  size_t cap = MAX (td_resampler_max (rs), n);
  size_t nq = MAX (n_bm, (size_t) 1);
  g_autofree size_t *idx = g_new (size_t, cap);
  g_autofree guint32 *counts = g_new (guint32, n);
  g_autofree guint32 *ws = g_new (guint32, n);
  g_autofree guint32 *wh = g_new (guint32, n);
  g_autofree double *ey = g_new (double, cap);
  g_autofree double *es = g_new (double, cap * ref->k);
  g_autofree double *out = g_new (double, nq);
  BootEval e = { .c = c, .bm = bm, .n_bm = n_bm, .ws = ws, .wh = wh, .y = ey, .s = es };
  for (size_t q = 0; q < n_bm; q++)
    {
      e.need_hard |= bm[q] >= BM_F1 && bm[q] < BM_MC_ACCURACY;
      e.need_scores |= bm[q] < BM_ECE;
    }
  g_autofree Prepared *prep = g_new0 (Prepared, nl);
  /* full[l * nq + q]: on the test set itself; vals[(l * nq + q) * B + r]: on resample r */
  g_autofree double *full = g_new (double, nl * nq);
  g_autofree double *vals = g_new (double, nl * nq * B);
  for (size_t i = 0; i < n; i++)
    {
      counts[i] = 1;
      idx[i] = i;
    }
  for (size_t l = 0; l < nl; l++)
    if (sets[l])
      {
        prepare (&prep[l], sets[l]);
        boot_eval (&e, &prep[l], counts, idx, n, full + l * nq);
      }
  guint64 state = td_seed_derive (c->exp->seed, repeat, 0, "compare:bootstrap", "");
  for (size_t r = 0; r < B; r++)
    {
      size_t m = td_resampler_draw (rs, &state, idx);
      memset (counts, 0, n * sizeof *counts);
      for (size_t j = 0; j < m; j++)
        counts[idx[j]]++;
      for (size_t l = 0; l < nl; l++)
        if (sets[l])
          {
            boot_eval (&e, &prep[l], counts, idx, m, out);
            for (size_t q = 0; q < n_bm; q++)
              vals[(l * nq + q) * B + r] = out[q];
          }
    }
  g_autofree double *d = g_new (double, B);
  for (size_t pi = 0; pi < n_pairs; pi++)
    {
      size_t la = 0, lb = 0;
      for (size_t l = 0; l < nl; l++)
        {
          if (strcmp (labels->pdata[l], pairs[pi].a) == 0)
            la = l;
          if (strcmp (labels->pdata[l], pairs[pi].b) == 0)
            lb = l;
        }
      if (!sets[la] || !sets[lb])
        continue;
      for (size_t q = 0; q < n_bm; q++)
        {
          const double *va = vals + (la * nq + q) * B, *vb = vals + (lb * nq + q) * B;
          for (size_t r = 0; r < B; r++)
            d[r] = va[r] - vb[r];
          double est = full[la * nq + q] - full[lb * nq + q];
          TdMeanCI mc;
          td_mean_ci (d, B, 0.95, &mc);
          if (isnan (est) || mc.n < 2)
            continue;
          double stat = mc.sd > 0.0 ? est / mc.sd : (est == 0.0 ? 0.0 : NAN);
          cell_add (&cells[q * n_pairs + pi], est, stat, td_bootstrap_p (d, B));
        }
    }
  for (size_t l = 0; l < nl; l++)
    {
      prepared_clear (&prep[l]);
      test_set_free (sets[l]);
    }
}

/* --------------------------------------------------------------- tests */

/* DeLong and McNemar, pair by pair and repeat by repeat. */
static void
run_pair_test (const Cmp *c, const char *test, const Pair *pairs, size_t n_pairs, Cell *cells)
{
  for (size_t pi = 0; pi < n_pairs; pi++)
    for (int r = 0; r < c->exp->repeats; r++)
      {
        g_autoptr (TestSet) ta = test_set_build (c, pairs[pi].a, r);
        g_autoptr (TestSet) tb = test_set_build (c, pairs[pi].b, r);
        if (!ta || !tb)
          continue;
        if (!same_items (ta, tb))
          {
            g_warning ("compare: %s and %s were not tested on the same series in repeat %d; "
                       "skipped", pairs[pi].a, pairs[pi].b, r);
            continue;
          }
        if (strcmp (test, "delong") == 0)
          {
            TdDelong d;
            if (c->task == TD_TASK_BINARY && td_delong (ta->y, ta->s, tb->s, ta->n, &d, NULL)
                && !isnan (d.p))
              cell_add (&cells[pi], d.auc_a - d.auc_b, d.z, d.p);
            continue;
          }
        if (!hard_known (ta) || !hard_known (tb))
          continue;
        guint64 only_a = 0, only_b = 0;
        for (size_t i = 0; i < ta->n; i++)
          {
            gboolean ra = ta->hard[i] == ta->y[i], rb = tb->hard[i] == tb->y[i];
            only_a += ra && !rb;
            only_b += rb && !ra;
          }
        /* p exact for few discordant pairs; the statistic is always the
         * corrected chi-square, so a column (and a mean over repeats) has
         * one meaning */
        TdMcNemar mc, chi2;
        td_mcnemar (only_a, only_b, &mc);
        td_mcnemar_chi2 (only_a, only_b, &chi2);
        cell_add (&cells[pi], ((double) only_a - (double) only_b) / (double) ta->n,
                  chi2.statistic, mc.p);
      }
}

/* Corrected resampled t over the trials both labels finished. */
static void
run_ttest (const Cmp *c, const Pair *pairs, size_t n_pairs, const int *mi, size_t n_m,
           Cell *cells)
{
  const TdRunReport *rep = c->rep;
  double fit = (double) (rep->n_train + rep->n_valid);
  double ratio = fit > 0 ? (double) rep->n_test / fit : 0.0;
  size_t max = (size_t) c->exp->repeats * (size_t) c->folds;
  g_autofree double *d = g_new (double, MAX (max, (size_t) 1));
  for (size_t q = 0; q < n_m; q++)
    {
      const char *metric = c->exp->metrics->pdata[mi[q]];
      for (size_t pi = 0; pi < n_pairs; pi++)
        {
          size_t n = 0;
          for (int r = 0; r < c->exp->repeats; r++)
            for (int f = 0; f < c->folds; f++)
              {
                double a = result_value (c, pairs[pi].a, r, f, metric);
                double b = result_value (c, pairs[pi].b, r, f, metric);
                if (isfinite (a) && isfinite (b))
                  d[n++] = a - b;
              }
          TdTTest t;
          td_corrected_ttest (d, n, ratio, 0.95, &t);
          if (!isnan (t.p))
            cell_add (&cells[q * n_pairs + pi], t.mean, t.t, t.p);
        }
    }
}

static void
emit_family (const Cmp *c, const char *test, const char *const *metrics, size_t n_metrics,
             const Pair *pairs, size_t n_pairs, Cell *cells, GArray *rows)
{
  g_autofree double *p = g_new (double, MAX (n_pairs, (size_t) 1));
  g_autofree double *adj = g_new (double, MAX (n_pairs, (size_t) 1));
  for (size_t q = 0; q < n_metrics; q++)
    {
      Cell *row = cells + q * n_pairs;
      for (size_t pi = 0; pi < n_pairs; pi++)
        p[pi] = row[pi].p ? (row[pi].p->len == 1 ? g_array_index (row[pi].p, double, 0)
                                                 : td_p_combine_mean ((double *) row[pi].p->data,
                                                                      row[pi].p->len))
                          : NAN;
      td_holm (p, n_pairs, adj);
      for (size_t pi = 0; pi < n_pairs; pi++)
        {
          if (!row[pi].p)
            continue;
          TdComparisonRow out = {
            .pipeline_a = g_string_chunk_insert_const (c->strings, pairs[pi].a),
            .pipeline_b = g_string_chunk_insert_const (c->strings, pairs[pi].b),
            .metric = g_string_chunk_insert_const (c->strings, metrics[q]),
            .test = g_string_chunk_insert_const (c->strings, test),
            .estimate = mean_of (row[pi].est),
            .statistic = mean_of (row[pi].stat),
            .p_value = p[pi],
            .correction = "holm",
            .p_adjusted = adj[pi],
          };
          g_array_append_val (rows, out);
          g_array_unref (row[pi].est);
          g_array_unref (row[pi].stat);
          g_array_unref (row[pi].p);
        }
    }
}

gboolean
td_compare_pipelines (const TdExperiment *exp, const TdRunReport *report, GArray *rows,
                      GStringChunk *strings, GError **error)
{
  if (!exp->baseline)
    return TRUE;
  Cmp c;
  if (!cmp_init (&c, exp, report, strings, error))
    {
      cmp_clear (&c);
      return FALSE;
    }
  /* every label against every label of the baseline pipeline */
  g_autoptr (GArray) pairs = g_array_new (FALSE, FALSE, sizeof (Pair));
  for (guint a = 0; a < exp->pipelines->len; a++)
    {
      const TdPipeline *pa = exp->pipelines->pdata[a];
      if (strcmp (pa->name, exp->baseline) == 0)
        continue;
      for (guint b = 0; b < exp->pipelines->len; b++)
        {
          const TdPipeline *pb = exp->pipelines->pdata[b];
          if (strcmp (pb->name, exp->baseline) == 0)
            {
              Pair p = { pa->label, pb->label };
              g_array_append_val (pairs, p);
            }
        }
    }
  size_t np = pairs->len;
  const Pair *pp = (const Pair *) pairs->data;

  const char *const *tests = td_compare_test_names;
  g_autofree const char **given = NULL;
  if (exp->compare_tests && exp->compare_tests->len > 0)
    {
      given = g_new0 (const char *, exp->compare_tests->len + 1);
      memcpy (given, exp->compare_tests->pdata, exp->compare_tests->len * sizeof (char *));
      tests = given;
    }
  size_t nm = exp->metrics->len;
  g_autofree int *mi = g_new (int, MAX (nm, (size_t) 1));
  g_autofree int *bm = g_new (int, MAX (nm, (size_t) 1));
  g_autofree const char **names = g_new (const char *, MAX (nm, (size_t) 1));
  for (size_t t = 0; np > 0 && tests[t]; t++)
    {
      const char *test = tests[t];
      size_t n_m = 0;
      if (strcmp (test, "delong") == 0 || strcmp (test, "mcnemar") == 0)
        {
          n_m = 1;
          names[0] = strcmp (test, "delong") == 0 ? "roc_auc" : "accuracy";
          if (c.task != TD_TASK_BINARY && strcmp (test, "delong") == 0)
            continue;
        }
      else if (strcmp (test, "bootstrap") == 0)
        {
          /* thresholds are known when fixed, or recorded per trial */
          gboolean known = !isnan (c.fixed_threshold) || td_experiment_has_metric (exp, "threshold");
          n_m = boot_metric_list (&c, known, mi, bm);
          for (size_t q = 0; q < n_m; q++)
            names[q] = exp->metrics->pdata[mi[q]];
        }
      else if (strcmp (test, "ttest") == 0)
        {
          for (guint m = 0; m < nm; m++)
            if (ttest_applies (exp->metrics->pdata[m]))
              {
                mi[n_m] = (int) m;
                names[n_m++] = exp->metrics->pdata[m];
              }
        }
      else
        {
          g_warning ("compare: unknown test \"%s\" skipped (known: delong, bootstrap, "
                     "mcnemar, ttest)", test);
          continue;
        }
      if (n_m == 0)
        continue;
      g_autofree Cell *cells = g_new0 (Cell, n_m * np);
      if (strcmp (test, "ttest") == 0)
        run_ttest (&c, pp, np, mi, n_m, cells);
      else if (strcmp (test, "bootstrap") == 0)
        for (int r = 0; r < exp->repeats; r++)
          bootstrap_repeat (&c, r, pp, np, bm, n_m, cells);
      else
        run_pair_test (&c, test, pp, np, cells);
      emit_family (&c, test, names, n_m, pp, np, cells, rows);
    }
  cmp_clear (&c);
  return TRUE;
}
