/* metrics.c — binary classification metrics and DeLong's test.
 *
 * Every definition follows scikit-learn 1.2 (docs/metrics.md has them in
 * full). Rank-based quantities are accumulated as exact integers (twice the
 * midrank placement is always an integer), so ROC-AUC is exact up to its one
 * final division; other sums use compensated (Neumaier) summation so results
 * agree with the golden files to 1e-12 absolute at any practical n.
 */
#include <tundish/metrics.h>
#include <tundish/plugin.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *const td_binary_metric_names[TD_N_BINARY_METRICS] = {
  [TD_M_N] = "n",
  [TD_M_N_POS] = "n_pos",
  [TD_M_ROC_AUC] = "roc_auc",
  [TD_M_PR_AUC] = "pr_auc",
  [TD_M_PR_AUC_TRAPZ] = "pr_auc_trapz",
  [TD_M_F1] = "f1",
  [TD_M_PRECISION] = "precision",
  [TD_M_RECALL] = "recall",
  [TD_M_SPECIFICITY] = "specificity",
  [TD_M_ACCURACY] = "accuracy",
  [TD_M_BALANCED_ACCURACY] = "balanced_accuracy",
  [TD_M_MCC] = "mcc",
  [TD_M_BRIER] = "brier",
  [TD_M_LOG_LOSS] = "log_loss",
  [TD_M_TP] = "tp",
  [TD_M_FP] = "fp",
  [TD_M_TN] = "tn",
  [TD_M_FN] = "fn",
};

int
td_binary_metric_index (const char *name)
{
  if (name == NULL)
    return -1;
  for (int i = 0; i < TD_N_BINARY_METRICS; i++)
    if (strcmp (name, td_binary_metric_names[i]) == 0)
      return i;
  return -1;
}

/* ------------------------------------------------------------ summation */

/* Neumaier's variant of Kahan summation: also exact when a term is larger
 * than the running sum. */
typedef struct {
  double sum, comp;
} Acc;

static inline void
acc_add (Acc *a, double x)
{
  double t = a->sum + x;
  if (fabs (a->sum) >= fabs (x))
    a->comp += (a->sum - t) + x;
  else
    a->comp += (x - t) + a->sum;
  a->sum = t;
}

static inline double
acc_value (const Acc *a)
{
  return a->sum + a->comp;
}

/* ------------------------------------------------------------- sorting */

typedef struct {
  double s;
  size_t i;   /* the item's position in the caller's arrays */
} Item;

static int
item_cmp_asc (const void *pa, const void *pb)
{
  const Item *a = pa, *b = pb;
  return (a->s > b->s) - (a->s < b->s);
}

static int
double_cmp_asc (const void *pa, const void *pb)
{
  double a = *(const double *) pa, b = *(const double *) pb;
  return (a > b) - (a < b);
}

/* Items sorted by ascending score; ties may come in any order because every
 * caller treats a run of equal scores as one group. */
static Item *
sorted_items (const double *s, size_t n)
{
  Item *it = g_new (Item, n);
  for (size_t k = 0; k < n; k++)
    {
      it[k].s = s[k];
      it[k].i = k;
    }
  qsort (it, n, sizeof *it, item_cmp_asc);
  return it;
}

/* The count of item i: w[i], or 1 without counts (td_*_counted). */
static inline uint64_t
count_of (const guint32 *w, size_t i)
{
  return w ? w[i] : 1;
}

/* Items in the caller's order, which must be ascending: no sort. */
static Item *
presorted_items (const double *s, size_t n, GError **error)
{
  Item *it = g_new (Item, MAX (n, (size_t) 1));
  for (size_t k = 0; k < n; k++)
    {
      if (k > 0 && s[k] < s[k - 1])
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "scores are not in ascending order (item %zu)", k);
          g_free (it);
          return NULL;
        }
      it[k].s = s[k];
      it[k].i = k;
    }
  return it;
}

/* ----------------------------------------------------------- validation */

static gboolean
check_inputs (const double *y, const double *const *scores, size_t n_scores,
              size_t n, size_t *n_pos, GError **error)
{
  if (n == 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "no items to evaluate (n = 0)");
      return FALSE;
    }
  size_t pos = 0;
  for (size_t k = 0; k < n; k++)
    {
      if (y[k] == 1.0)
        pos++;
      else if (y[k] != 0.0)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "label of item %zu is %g; binary labels must be 0 or 1", k, y[k]);
          return FALSE;
        }
      for (size_t j = 0; j < n_scores; j++)
        if (!isfinite (scores[j][k]))
          {
            g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                         "score%s of item %zu is %g; scores must be finite",
                         n_scores > 1 ? (j == 0 ? " a" : " b") : "", k, scores[j][k]);
            return FALSE;
          }
    }
  *n_pos = pos;
  return TRUE;
}

/* --------------------------------------------------------------- ROC-AUC */

/* Twice the Mann-Whitney U of the positives: for each positive, two times
 * the negatives scored below it plus the negatives tied with it. Exact. */
static uint64_t
twice_u (const double *y, const guint32 *w, const Item *it, size_t n)
{
  uint64_t u2 = 0, neg_below = 0;
  for (size_t a = 0; a < n;)
    {
      size_t b = a;
      uint64_t p = 0, q = 0;
      do
        {
          if (y[it[b].i] == 1.0)
            p += count_of (w, it[b].i);
          else
            q += count_of (w, it[b].i);
          b++;
        }
      while (b < n && it[b].s == it[a].s);
      u2 += p * (2 * neg_below + q);
      neg_below += q;
      a = b;
    }
  return u2;
}

/* n_pos and n_neg are counted (with w). */
static double
auc_from_sorted (const double *y, const guint32 *w, const Item *it, size_t n, uint64_t n_pos,
                 uint64_t n_neg)
{
  if (n_pos == 0 || n_neg == 0)
    return NAN;
  return (double) twice_u (y, w, it, n) / (2.0 * (double) n_pos * (double) n_neg);
}

double
td_roc_auc (const double *y, const double *s, size_t n)
{
  size_t n_pos = 0;
  for (size_t k = 0; k < n; k++)
    {
      if (!isfinite (s[k]) || (y[k] != 0.0 && y[k] != 1.0))
        return NAN;
      n_pos += y[k] == 1.0;
    }
  if (n_pos == 0 || n_pos == n)
    return NAN;
  g_autofree Item *it = sorted_items (s, n);
  return auc_from_sorted (y, NULL, it, n, n_pos, n - n_pos);
}

/* ---------------------------------------------------------------- PR-AUC */

/* Walks the distinct thresholds from the highest score down, as
 * precision_recall_curve does. AP is sum (R_k - R_{k-1}) P_k; the trapezoid
 * starts from (recall 0, precision 1). Once recall reaches 1 the remaining
 * points add zero width, which is why sklearn may drop them. A threshold
 * whose items all have count 0 is not a point of the curve. */
static void
pr_areas (const double *y, const guint32 *w, const Item *it, size_t n, uint64_t n_pos,
          double *ap, double *trapz)
{
  Acc a = { 0 }, t = { 0 };
  uint64_t tp = 0, fp = 0, tp_prev = 0;
  double prec_prev = 1.0;
  for (size_t hi = n; hi > 0;)
    {
      size_t lo = hi;
      uint64_t before = tp + fp;
      do
        {
          if (y[it[lo - 1].i] == 1.0)
            tp += count_of (w, it[lo - 1].i);
          else
            fp += count_of (w, it[lo - 1].i);
          lo--;
        }
      while (lo > 0 && it[lo - 1].s == it[hi - 1].s);
      if (tp + fp == before)
        {
          hi = lo;
          continue;
        }
      double prec = (double) tp / (double) (tp + fp);
      double d_rec = (double) (tp - tp_prev) / (double) n_pos;
      acc_add (&a, d_rec * prec);
      acc_add (&t, d_rec * (prec + prec_prev) * 0.5);
      prec_prev = prec;
      tp_prev = tp;
      hi = lo;
    }
  *ap = acc_value (&a);
  *trapz = acc_value (&t);
}

/* ----------------------------------------------------------- everything */

static double
ratio0 (double num, double den)
{
  return den == 0.0 ? 0.0 : num / den;
}

/* td_binary_metrics and td_binary_metrics_counted: w NULL means every count
 * is 1, and then every operation is the one the uncounted definition does. */
static gboolean
binary_metrics (const double *y, const double *s, const guint32 *w, size_t n, gboolean sorted,
                double threshold, double out[TD_N_BINARY_METRICS], GError **error)
{
  size_t n_items_pos = 0;
  const double *scores[1] = { s };
  if (!check_inputs (y, scores, 1, n, &n_items_pos, error))
    return FALSE;

  uint64_t tp = 0, fp = 0, tn = 0, fn = 0;
  Acc brier = { 0 }, logl = { 0 };
  for (size_t k = 0; k < n; k++)
    {
      uint64_t c = count_of (w, k);
      if (c == 0)
        continue;
      gboolean pos = y[k] == 1.0;
      if (s[k] >= threshold)
        pos ? (tp += c) : (fp += c);
      else
        pos ? (fn += c) : (tn += c);
      double d = s[k] - y[k];
      double p = CLAMP (s[k], 1e-15, 1.0 - 1e-15);
      double ll = pos ? -log (p) : -log1p (-p);
      acc_add (&brier, w ? (double) c * (d * d) : d * d);
      acc_add (&logl, w ? (double) c * ll : ll);
    }
  uint64_t n_pos = tp + fn, n_neg = tn + fp, total = n_pos + n_neg;
  if (total == 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "no items to evaluate (every count is 0)");
      return FALSE;
    }

  out[TD_M_N] = (double) total;
  out[TD_M_N_POS] = (double) n_pos;
  if (n_pos == 0 || n_neg == 0)
    {
      out[TD_M_ROC_AUC] = out[TD_M_PR_AUC] = out[TD_M_PR_AUC_TRAPZ] = NAN;
    }
  else
    {
      g_autofree Item *it = sorted ? presorted_items (s, n, error) : sorted_items (s, n);
      if (!it)
        return FALSE;
      out[TD_M_ROC_AUC] = auc_from_sorted (y, w, it, n, n_pos, n_neg);
      pr_areas (y, w, it, n, n_pos, &out[TD_M_PR_AUC], &out[TD_M_PR_AUC_TRAPZ]);
    }

  double precision = ratio0 ((double) tp, (double) (tp + fp));
  double recall = ratio0 ((double) tp, (double) (tp + fn));
  double specificity = ratio0 ((double) tn, (double) (tn + fp));
  out[TD_M_PRECISION] = precision;
  out[TD_M_RECALL] = recall;
  out[TD_M_SPECIFICITY] = specificity;
  /* 2tp / (2tp + fp + fn) equals 2PR/(P+R) and avoids rounding twice. */
  out[TD_M_F1] = ratio0 (2.0 * (double) tp, (double) (2 * tp + fp + fn));
  out[TD_M_ACCURACY] = (double) (tp + tn) / (double) total;
  /* As sklearn's balanced_accuracy_score: the mean recall over the classes
   * present, so one class alone gives that class's recall. */
  if (n_pos == 0)
    out[TD_M_BALANCED_ACCURACY] = specificity;
  else if (n_neg == 0)
    out[TD_M_BALANCED_ACCURACY] = recall;
  else
    out[TD_M_BALANCED_ACCURACY] = 0.5 * (recall + specificity);
  /* Products of two counts are exact in a double up to n ~ 9e7; the
   * numerator is exact in 64-bit integers up to n ~ 6e9. */
  double num = (double) ((int64_t) (tp * tn) - (int64_t) (fp * fn));
  double den = sqrt ((double) (tp + fp) * (double) (tp + fn))
               * sqrt ((double) (tn + fp) * (double) (tn + fn));
  out[TD_M_MCC] = ratio0 (num, den);
  out[TD_M_BRIER] = acc_value (&brier) / (double) total;
  out[TD_M_LOG_LOSS] = acc_value (&logl) / (double) total;
  out[TD_M_TP] = (double) tp;
  out[TD_M_FP] = (double) fp;
  out[TD_M_TN] = (double) tn;
  out[TD_M_FN] = (double) fn;
  return TRUE;
}

gboolean
td_binary_metrics (const double *y, const double *s, size_t n, double threshold,
                   double out[TD_N_BINARY_METRICS], GError **error)
{
  return binary_metrics (y, s, NULL, n, FALSE, threshold, out, error);
}

gboolean
td_binary_metrics_counted (const double *y, const double *s, const guint32 *counts, size_t n,
                           gboolean sorted, double threshold, double out[TD_N_BINARY_METRICS],
                           GError **error)
{
  return binary_metrics (y, s, counts, n, sorted, threshold, out, error);
}

/* ---------------------------------------------------------------- DeLong */

/* Structural components of one scorer (Sun & Xu 2014, via midranks): for
 * positive i, v10 = (negatives below + half the tied ones) / n_neg; for
 * negative j, v01 = (positives above + half the tied ones) / n_pos. Stored
 * doubled as exact integers; slot[i] is item i's index among its class. */
static void
placements (const double *y, const double *s, size_t n, size_t n_pos,
            const size_t *slot, uint64_t *v10x2, uint64_t *v01x2)
{
  g_autofree Item *it = sorted_items (s, n);
  uint64_t neg_below = 0, pos_below = 0;
  for (size_t a = 0; a < n;)
    {
      size_t b = a;
      uint64_t p = 0, q = 0;
      do
        {
          if (y[it[b].i] == 1.0)
            p++;
          else
            q++;
          b++;
        }
      while (b < n && it[b].s == it[a].s);
      for (size_t k = a; k < b; k++)
        {
          size_t i = it[k].i;
          if (y[i] == 1.0)
            v10x2[slot[i]] = 2 * neg_below + q;
          else
            v01x2[slot[i]] = 2 * ((uint64_t) n_pos - pos_below - p) + p;
        }
      neg_below += q;
      pos_below += p;
      a = b;
    }
}

/* Sample covariance (ddof 1, as np.cov) of u/scale and v/scale, two-pass. */
static double
cov_scaled (const uint64_t *u, const uint64_t *v, size_t m, double scale)
{
  uint64_t su = 0, sv = 0;
  for (size_t k = 0; k < m; k++)
    {
      su += u[k];
      sv += v[k];
    }
  double mu = (double) su / (double) m, mv = (double) sv / (double) m;
  Acc c = { 0 };
  for (size_t k = 0; k < m; k++)
    acc_add (&c, ((double) u[k] - mu) * ((double) v[k] - mv));
  return acc_value (&c) / ((double) (m - 1) * scale * scale);
}

gboolean
td_delong (const double *y, const double *a, const double *b, size_t n,
           TdDelong *out, GError **error)
{
  size_t n_pos = 0;
  const double *scores[2] = { a, b };
  if (!check_inputs (y, scores, 2, n, &n_pos, error))
    return FALSE;
  size_t n_neg = n - n_pos;
  if (n_pos < 2 || n_neg < 2)
    {
      /* Variances need two items of each class: undefined, not an error. */
      out->auc_a = td_roc_auc (y, a, n);
      out->auc_b = td_roc_auc (y, b, n);
      out->var_a = out->var_b = out->cov = out->z = out->p = NAN;
      return TRUE;
    }

  g_autofree size_t *slot = g_new (size_t, n);
  for (size_t k = 0, ip = 0, in = 0; k < n; k++)
    slot[k] = y[k] == 1.0 ? ip++ : in++;

  g_autofree uint64_t *v10a = g_new (uint64_t, n_pos);
  g_autofree uint64_t *v10b = g_new (uint64_t, n_pos);
  g_autofree uint64_t *v01a = g_new (uint64_t, n_neg);
  g_autofree uint64_t *v01b = g_new (uint64_t, n_neg);
  placements (y, a, n, n_pos, slot, v10a, v01a);
  placements (y, b, n, n_pos, slot, v10b, v01b);

  uint64_t ua = 0, ub = 0;
  for (size_t k = 0; k < n_pos; k++)
    {
      ua += v10a[k];
      ub += v10b[k];
    }
  double mn2 = 2.0 * (double) n_pos * (double) n_neg;
  out->auc_a = (double) ua / mn2;
  out->auc_b = (double) ub / mn2;

  double m = (double) n_pos, nn = (double) n_neg;
  double sm = 2.0 * nn, sn = 2.0 * m;   /* v10 = v10x2 / (2 n_neg), v01 likewise */
  out->var_a = cov_scaled (v10a, v10a, n_pos, sm) / m + cov_scaled (v01a, v01a, n_neg, sn) / nn;
  out->var_b = cov_scaled (v10b, v10b, n_pos, sm) / m + cov_scaled (v01b, v01b, n_neg, sn) / nn;
  out->cov = cov_scaled (v10a, v10b, n_pos, sm) / m + cov_scaled (v01a, v01b, n_neg, sn) / nn;

  double vd = out->var_a + out->var_b - 2.0 * out->cov;
  out->z = vd > 0.0 ? (out->auc_a - out->auc_b) / sqrt (vd) : 0.0;
  /* 2 * (1 - Phi(|z|)) = erfc(|z| / sqrt 2), accurate far into the tail. */
  out->p = erfc (fabs (out->z) / G_SQRT2);
  return TRUE;
}

/* ------------------------------------------------------------------ ECE */

/* The sorted multiset the quantile edges come from: values ascending, and
 * (with counts) cum[j] = the number of items up to and including value j. */
typedef struct {
  const double *v;
  const guint64 *cum;           /* NULL: every count 1 */
  size_t n;                     /* items in the multiset */
} Expanded;

/* The value at position pos (0-based) of the multiset in ascending order. */
static double
expanded_at (const Expanded *e, size_t pos)
{
  if (!e->cum)
    return e->v[pos];
  size_t lo = 0, hi = e->n - 1;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (e->cum[mid] > pos)
        hi = mid;
      else
        lo = mid + 1;
    }
  return e->v[lo];
}

/* The bin edges of numpy.percentile(s, linspace(0, 1, B + 1) * 100), with
 * numpy's own arithmetic (q * 100 / 100, (n - 1) q, _lerp from the nearer
 * end), so a score sitting on an edge falls where scikit-learn puts it. */
static void
quantile_edges (const Expanded *e, size_t n, size_t n_bins, double *edges)
{
  double step = 1.0 / (double) n_bins;
  for (size_t i = 0; i <= n_bins; i++)
    {
      double q = i == n_bins ? 1.0 : (double) i * step;
      q = q * 100.0 / 100.0;
      double v = (double) (n - 1) * q;
      size_t lo = (size_t) floor (v);
      if (v >= (double) (n - 1))
        {
          edges[i] = expanded_at (e, n - 1);
          continue;
        }
      double g = v - (double) lo, a = expanded_at (e, lo), b = expanded_at (e, lo + 1);
      double d = b - a;
      edges[i] = g >= 0.5 ? b - d * (1.0 - g) : a + d * g;
    }
}

/* numpy.searchsorted(inner, x, side="left"): the number of inner edges < x. */
static size_t
bin_of (const double *inner, size_t n_inner, double x)
{
  size_t lo = 0, hi = n_inner;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (inner[mid] < x)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static double
ece (const double *y, const double *s, const guint32 *w, size_t n, gboolean sorted,
     size_t n_bins, TdEceBinning binning)
{
  size_t n_items_pos;
  const double *scores[1] = { s };
  if (n_bins == 0 || !check_inputs (y, scores, 1, n, &n_items_pos, NULL))
    return NAN;
  guint64 total = 0;
  for (size_t k = 0; k < n; k++)
    total += count_of (w, k);
  if (total == 0)
    return NAN;
  g_autofree double *edges = g_new (double, n_bins + 1);
  if (binning == TD_ECE_QUANTILE)
    {
      g_autofree double *v = NULL;
      g_autofree guint64 *cum = NULL;
      if (w)
        {
          g_autofree Item *it = NULL;
          if (sorted)
            {
              for (size_t k = 1; k < n; k++)
                if (s[k] < s[k - 1])
                  return NAN;
            }
          else
            it = sorted_items (s, n);
          v = g_new (double, n);
          cum = g_new (guint64, n);
          guint64 run = 0;
          for (size_t k = 0; k < n; k++)
            {
              size_t i = it ? it[k].i : k;
              v[k] = s[i];
              run += w[i];
              cum[k] = run;
            }
        }
      else
        {
          v = g_memdup2 (s, n * sizeof *s);
          if (!sorted)
            qsort (v, n, sizeof *v, double_cmp_asc);
        }
      Expanded e = { v, cum, n };
      quantile_edges (&e, (size_t) total, n_bins, edges);
    }
  else
    {
      double step = 1.0 / (double) n_bins;
      for (size_t i = 0; i <= n_bins; i++)
        edges[i] = i == n_bins ? 1.0 : (double) i * step;
    }
  g_autofree double *sum_s = g_new0 (double, n_bins);
  g_autofree double *sum_y = g_new0 (double, n_bins);
  g_autofree guint64 *count = g_new0 (guint64, n_bins);
  for (size_t k = 0; k < n; k++)
    {
      guint64 c = count_of (w, k);
      if (c == 0)
        continue;
      size_t b = bin_of (edges + 1, n_bins - 1, s[k]);
      sum_s[b] += w ? (double) c * s[k] : s[k];
      sum_y[b] += w ? (double) c * y[k] : y[k];
      count[b] += c;
    }
  Acc e = { 0 };
  for (size_t b = 0; b < n_bins; b++)
    if (count[b] > 0)
      {
        double c = (double) count[b];
        acc_add (&e, c / (double) total * fabs (sum_y[b] / c - sum_s[b] / c));
      }
  return acc_value (&e);
}

double
td_ece (const double *y, const double *s, size_t n, size_t n_bins, TdEceBinning binning)
{
  return ece (y, s, NULL, n, FALSE, n_bins, binning);
}

double
td_ece_counted (const double *y, const double *s, const guint32 *counts, size_t n,
                gboolean sorted, size_t n_bins, TdEceBinning binning)
{
  return ece (y, s, counts, n, sorted, n_bins, binning);
}

/* ----------------------------------------------------------- thresholds */

/* Calls visit(tp, fp, score) for each distinct score from the highest down,
 * with the counts of items predicted positive at that threshold. */
typedef gboolean (*ThresholdVisit) (guint64 tp, guint64 fp, double score, gpointer data);

static void
walk_thresholds (const double *y, const double *s, size_t n, ThresholdVisit visit,
                 gpointer data)
{
  g_autofree Item *it = sorted_items (s, n);
  guint64 tp = 0, fp = 0;
  for (size_t hi = n; hi > 0;)
    {
      size_t lo = hi;
      do
        {
          if (y[it[lo - 1].i] == 1.0)
            tp++;
          else
            fp++;
          lo--;
        }
      while (lo > 0 && it[lo - 1].s == it[hi - 1].s);
      if (!visit (tp, fp, it[hi - 1].s, data))
        return;
      hi = lo;
    }
}

static gboolean
check_threshold_split (const double *y, const double *s, size_t n, size_t *n_pos,
                       const char *what, GError **error)
{
  const double *scores[1] = { s };
  if (!check_inputs (y, scores, 1, n, n_pos, error))
    return FALSE;
  if (*n_pos == 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: the split has no positive item, so no threshold can be chosen", what);
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  guint64 n_pos;
  double best_f1, best_t;
} BestF1;

static gboolean
visit_best_f1 (guint64 tp, guint64 fp, double score, gpointer data)
{
  BestF1 *b = data;
  double f1 = 2.0 * (double) tp / (double) (tp + fp + b->n_pos);   /* 2tp/(2tp+fp+fn) */
  if (f1 > b->best_f1)
    {
      b->best_f1 = f1;
      b->best_t = score;
    }
  return TRUE;
}

gboolean
td_threshold_best_f1 (const double *y, const double *s, size_t n, double *threshold,
                      double *f1, GError **error)
{
  size_t n_pos;
  if (!check_threshold_split (y, s, n, &n_pos, "best-F1 threshold", error))
    return FALSE;
  BestF1 b = { n_pos, -1.0, NAN };
  walk_thresholds (y, s, n, visit_best_f1, &b);
  *threshold = b.best_t;
  if (f1)
    *f1 = b.best_f1;
  return TRUE;
}

typedef struct {
  guint64 n_pos;
  double target, t, precision;
  gboolean found;
} ForRecall;

static gboolean
visit_for_recall (guint64 tp, guint64 fp, double score, gpointer data)
{
  ForRecall *r = data;
  if ((double) tp / (double) r->n_pos < r->target)
    return TRUE;
  r->t = score;
  r->precision = (double) tp / (double) (tp + fp);
  r->found = TRUE;
  return FALSE;
}

gboolean
td_threshold_for_recall (const double *y, const double *s, size_t n, double target,
                         double *threshold, double *precision, GError **error)
{
  size_t n_pos;
  if (!check_threshold_split (y, s, n, &n_pos, "target-recall threshold", error))
    return FALSE;
  if (!(target >= 0.0 && target <= 1.0))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "target recall %g is not in [0, 1]", target);
      return FALSE;
    }
  ForRecall r = { n_pos, target, NAN, NAN, FALSE };
  walk_thresholds (y, s, n, visit_for_recall, &r);
  /* the lowest score gives recall 1, so the walk always stops on one */
  *threshold = r.t;
  if (precision)
    *precision = r.precision;
  return TRUE;
}

typedef struct {
  guint64 n_pos;
  double target, best;
} PrecAtRecall;

static gboolean
visit_prec_at_recall (guint64 tp, guint64 fp, double score, gpointer data)
{
  (void) score;
  PrecAtRecall *r = data;
  if ((double) tp / (double) r->n_pos >= r->target)
    r->best = MAX (r->best, (double) tp / (double) (tp + fp));
  return TRUE;
}

double
td_precision_at_recall (const double *y, const double *s, size_t n, double target)
{
  size_t n_pos;
  const double *scores[1] = { s };
  if (!check_inputs (y, scores, 1, n, &n_pos, NULL) || n_pos == 0
      || !(target >= 0.0 && target <= 1.0))
    return NAN;
  PrecAtRecall r = { n_pos, target, 0.0 };
  walk_thresholds (y, s, n, visit_prec_at_recall, &r);
  return r.best;
}

/* ----------------------------------------------------------- multiclass */

const char *const td_multiclass_metric_names[TD_N_MULTICLASS_METRICS] = {
  [TD_MC_N] = "n",
  [TD_MC_ACCURACY] = "accuracy",
  [TD_MC_MACRO_F1] = "macro_f1",
  [TD_MC_MICRO_F1] = "micro_f1",
  [TD_MC_ROC_AUC_OVR] = "roc_auc_ovr",
};

size_t
td_argmax (const double *row, size_t k)
{
  size_t best = 0;
  for (size_t j = 1; j < k; j++)
    if (row[j] > row[best])
      best = j;
  return best;
}

static gboolean
check_multiclass (const double *y, const double *scores, size_t n, size_t n_classes,
                  GError **error)
{
  if (n == 0 || n_classes < 2)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "multiclass metrics need items and at least 2 classes (n = %zu, classes = %zu)",
                   n, n_classes);
      return FALSE;
    }
  for (size_t i = 0; i < n; i++)
    {
      if (!(y[i] >= 0.0 && y[i] < (double) n_classes && y[i] == floor (y[i])))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "label of item %zu is %g; expected a class index 0..%zu", i, y[i],
                       n_classes - 1);
          return FALSE;
        }
      for (size_t j = 0; j < n_classes; j++)
        if (!isfinite (scores[i * n_classes + j]))
          {
            g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                         "score of item %zu for class %zu is %g; scores must be finite", i, j,
                         scores[i * n_classes + j]);
            return FALSE;
          }
    }
  return TRUE;
}

gboolean
td_multiclass_confusion (const double *y, const double *scores, size_t n, size_t n_classes,
                         guint64 *cm, GError **error)
{
  if (!check_multiclass (y, scores, n, n_classes, error))
    return FALSE;
  memset (cm, 0, n_classes * n_classes * sizeof *cm);
  for (size_t i = 0; i < n; i++)
    cm[(size_t) y[i] * n_classes + td_argmax (scores + i * n_classes, n_classes)]++;
  return TRUE;
}

const char *const td_ordinal_metric_names[TD_N_ORDINAL_METRICS] = {
  [TD_ORD_QWK] = "qwk",
  [TD_ORD_MAE_CLASS] = "mae_class",
};

gboolean
td_ordinal_metrics (const double *y, const double *scores, size_t n, size_t n_classes,
                    double out[TD_N_ORDINAL_METRICS], GError **error)
{
  size_t K = n_classes;
  g_autofree guint64 *cm = g_new (guint64, MAX (K * K, (size_t) 1));
  if (!td_multiclass_confusion (y, scores, n, K, cm, error))
    return FALSE;
  g_autofree double *rows = g_new0 (double, K);
  g_autofree double *cols = g_new0 (double, K);
  double abs_err = 0;
  for (size_t i = 0; i < K; i++)
    for (size_t j = 0; j < K; j++)
      {
        double c = (double) cm[i * K + j];
        rows[i] += c;
        cols[j] += c;
        abs_err += c * fabs ((double) i - (double) j);
      }
  double num = 0, den = 0;
  for (size_t i = 0; i < K; i++)
    for (size_t j = 0; j < K; j++)
      {
        double w = ((double) i - (double) j) * ((double) i - (double) j);
        num += w * (double) cm[i * K + j];
        den += w * rows[i] * cols[j] / (double) n;
      }
  out[TD_ORD_QWK] = den > 0 ? 1.0 - num / den : NAN;
  out[TD_ORD_MAE_CLASS] = abs_err / (double) n;
  return TRUE;
}

gboolean
td_multiclass_metrics (const double *y, const double *scores, size_t n, size_t n_classes,
                       double out[TD_N_MULTICLASS_METRICS], GError **error)
{
  size_t K = n_classes;
  g_autofree guint64 *cm = g_new (guint64, MAX (K * K, (size_t) 1));
  if (!td_multiclass_confusion (y, scores, n, K, cm, error))
    return FALSE;
  guint64 correct = 0;
  for (size_t c = 0; c < K; c++)
    correct += cm[c * K + c];
  out[TD_MC_N] = (double) n;
  out[TD_MC_ACCURACY] = (double) correct / (double) n;
  /* Single-label: every error is one fp and one fn, so micro F1 = accuracy. */
  out[TD_MC_MICRO_F1] = out[TD_MC_ACCURACY];

  Acc f1 = { 0 };
  size_t labels = 0;
  for (size_t c = 0; c < K; c++)
    {
      guint64 tp = cm[c * K + c], row = 0, col = 0;
      for (size_t j = 0; j < K; j++)
        {
          row += cm[c * K + j];
          col += cm[j * K + c];
        }
      if (row == 0 && col == 0)
        continue;   /* neither present nor predicted: not one of sklearn's labels */
      labels++;
      acc_add (&f1, ratio0 (2.0 * (double) tp, (double) (row + col)));
    }
  out[TD_MC_MACRO_F1] = acc_value (&f1) / (double) labels;

  /* One-vs-rest ROC-AUC over the classes present in y. */
  g_autofree double *yc = g_new (double, n);
  g_autofree double *sc = g_new (double, n);
  Acc auc = { 0 };
  size_t present = 0;
  for (size_t c = 0; c < K; c++)
    {
      size_t pos = 0;
      for (size_t i = 0; i < n; i++)
        {
          yc[i] = (size_t) y[i] == c ? 1.0 : 0.0;
          sc[i] = scores[i * K + c];
          pos += (size_t) yc[i];
        }
      if (pos == 0)
        continue;
      present++;
      if (pos < n)
        acc_add (&auc, td_roc_auc (yc, sc, n));
    }
  out[TD_MC_ROC_AUC_OVR] = present < 2 ? NAN : acc_value (&auc) / (double) present;
  return TRUE;
}

/* ------------------------------------------------------------ regression */

const char *const td_regression_metric_names[TD_N_REGRESSION_METRICS] = {
  "n", "rmse", "mae", "mape", "r2", "cmapss_score",
};

gboolean
td_regression_metrics (const double *y, const double *p, size_t n,
                       double out[TD_N_REGRESSION_METRICS], GError **error)
{
  if (n == 0)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                           "regression metrics of no series");
      return FALSE;
    }
  double mean = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (!isfinite (y[i]) || !isfinite (p[i]))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "series %zu: %s is not a finite number", i,
                       isfinite (y[i]) ? "the prediction" : "the target");
          return FALSE;
        }
      mean += y[i];
    }
  mean /= (double) n;
  double se = 0, ae = 0, ape = 0, tot = 0, score = 0;
  for (size_t i = 0; i < n; i++)
    {
      double d = p[i] - y[i];
      se += d * d;
      ae += fabs (d);
      ape += fabs (d) / MAX (fabs (y[i]), DBL_EPSILON);
      tot += (y[i] - mean) * (y[i] - mean);
      score += d < 0 ? expm1 (-d / 13.0) : expm1 (d / 10.0);
    }
  out[TD_REG_N] = (double) n;
  out[TD_REG_RMSE] = sqrt (se / (double) n);
  out[TD_REG_MAE] = ae / (double) n;
  out[TD_REG_MAPE] = ape / (double) n;
  out[TD_REG_R2] = tot > 0 ? 1 - se / tot : se > 0 ? 0.0 : 1.0;
  out[TD_REG_CMAPSS_SCORE] = score;
  return TRUE;
}
