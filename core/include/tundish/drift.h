/* tundish/drift.h — does new data still look like the data a model was trained on?
 *
 * Two-sample tests between a reference sample and a new one, shared by the
 * run's "Data drift" section (train against test split), `tundish drift
 * REFERENCE NEW` and any plugin that wants them:
 *
 *   - Kolmogorov–Smirnov: the statistic and p-value of
 *     scipy.stats.ks_2samp(a, b, method="auto") (two-sided; exact when
 *     max(n_a, n_b) <= 10000, see td_ks_2samp for the asymptotic case);
 *   - the Wasserstein-1 distance (scipy.stats.wasserstein_distance);
 *   - MMD² with a Gaussian (RBF) kernel, median-heuristic bandwidth, and a
 *     seeded permutation p-value.
 *
 * td_drift_datasets compares two datasets channel by channel and Holm-corrects
 * each test's p-values across the rows. Sequences are compared through
 * per-series summaries (the mean and the standard deviation of each channel's
 * valid steps): the series, not the step, is the independent unit (steps of
 * one series are autocorrelated, so a test on pooled steps would call almost
 * any difference significant). A feature matrix (n_steps == 1) is compared
 * feature by feature. docs/statistics.md ("Drift") states every convention;
 * tests/golden/drift/ holds the scipy and numpy reference values.
 *
 * Every function is thread-safe, never aborts, and skips NaN values; an
 * empty sample is a GError (TD_PLUGIN_ERROR_INVALID_INPUT).
 */
#pragma once

#include <glib.h>

#include <tundish/dataset.h>

G_BEGIN_DECLS

/* ------------------------------------------------------ one pair of samples */

typedef struct {
  size_t n_a, n_b;              /* finite values used */
  double statistic;             /* sup |F_a - F_b| */
  double p;                     /* two-sided */
  gboolean exact;               /* exact lattice-path p (else asymptotic) */
} TdKs;

/* As scipy.stats.ks_2samp(method="auto"): exact (Hodges' inside method in
 * Viehmann's 1-p form, and the closed form for n_a == n_b) when max(n_a, n_b)
 * <= TD_KS_EXACT_MAX; otherwise the Kolmogorov limit with Stephens'
 * small-sample correction, Q(λ), λ = (√n_e + 0.12 + 0.11/√n_e) D,
 * n_e = n_a n_b / (n_a + n_b) (scipy then uses kstwo.sf(D, round(n_e));
 * the two agree to the tolerance stated in docs/statistics.md). */
#define TD_KS_EXACT_MAX 10000
gboolean td_ks_2samp (const double *a, size_t n_a, const double *b, size_t n_b, TdKs *out,
                      GError **error);

/* ∫ |F_a(t) - F_b(t)| dt, the Wasserstein-1 distance between the empirical
 * distributions (scipy.stats.wasserstein_distance without weights). NaN when
 * either sample has no finite value. */
double td_wasserstein1 (const double *a, size_t n_a, const double *b, size_t n_b);

typedef struct {
  size_t n_a, n_b;              /* values used (after the subsample cap) */
  double mmd2;                  /* unbiased estimate (Gretton et al. 2012, eq. 3) */
  double bandwidth;             /* σ of k(x, y) = exp(-(x - y)² / (2σ²)) */
  double p;                     /* (1 + #{perm >= observed - 1e-12}) / (B + 1) */
  int permutations;             /* B */
} TdMmd;

/* MMD² of two one-dimensional samples. σ is the median of |x_i - x_j| over
 * the pairs i < j of the pooled sample (the mean absolute difference when that
 * median is 0; MMD² = 0, p = 1 when every value is equal). The permutation
 * p-value relabels the pooled sample B times by Fisher–Yates shuffles driven
 * by td_splitmix64_uniform from seed (j = floor(u (i + 1)) for i = N-1 .. 1;
 * each permutation reshuffles the previous order; the first n_a values are
 * sample a), so a reference can redraw the same permutations. A sample longer than max_n is first cut to max_n values
 * drawn without replacement with the same stream (max_n = 0: no cap; the cost
 * is O((n_a + n_b)²) once plus O(B min(n_a, n_b)²)). Needs n_a, n_b >= 2. */
#define TD_MMD_MAX_N_DEFAULT 2000
gboolean td_mmd_rbf (const double *a, size_t n_a, const double *b, size_t n_b,
                     int permutations, guint64 seed, size_t max_n, TdMmd *out,
                     GError **error);

/* --------------------------------------------------------- two datasets */

typedef enum {
  TD_DRIFT_KS          = 1u << 0,
  TD_DRIFT_WASSERSTEIN = 1u << 1,
  TD_DRIFT_MMD         = 1u << 2,
} TdDriftTest;
#define TD_DRIFT_ALL (TD_DRIFT_KS | TD_DRIFT_WASSERSTEIN | TD_DRIFT_MMD)
#define TD_DRIFT_PERMUTATIONS_DEFAULT 200

/* One row: a channel's summary (sequences) or a feature. Tests not asked
 * for are NaN. p_*_holm are Holm-adjusted over the rows of the table. */
typedef struct {
  char *channel;                /* channel name */
  char *summary;                /* "mean", "std" (sequences) or "value" (feature matrix) */
  size_t n_ref, n_new;          /* finite values compared */
  double ks, p_ks, p_ks_holm;
  double wasserstein;
  double mmd2, mmd_bandwidth, p_mmd, p_mmd_holm;
} TdDriftRow;

typedef struct {
  guint tests;                  /* TdDriftTest bits */
  int permutations;             /* MMD permutations */
  guint64 seed;                 /* MMD seed; row r uses a seed derived from it and r */
  GPtrArray *rows;              /* of TdDriftRow* */
} TdDriftTable;

/* Compare ref and new channel by channel (same channel count and the same
 * kind: both sequences or both feature matrices; names are taken from ref).
 * A series whose channel has no finite value is left out of that row. */
TdDriftTable *td_drift_datasets (const TdDataset *ref, const TdDataset *new_data, guint tests,
                                 int permutations, guint64 seed, GError **error);
void td_drift_table_free (TdDriftTable *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdDriftTable, td_drift_table_free)

/* "ks,wasserstein,mmd" style name of one test bit, and the bit of a name (0
 * if unknown). */
const char *td_drift_test_name (TdDriftTest test);
TdDriftTest td_drift_test_from_name (const char *name);

/* The table as CSV, appended to out: the header when prefix_header is not
 * NULL (after it; "" for none), then one line per row, each after prefix
 * (e.g. "0,0,"; NULL for none). Numbers as td_csv_double writes them. */
void td_drift_table_csv (const TdDriftTable *t, const char *prefix_header, const char *prefix,
                         GString *out);

G_END_DECLS
