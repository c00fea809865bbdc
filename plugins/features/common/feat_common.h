/* feat_common.h — helpers shared by the feature extractors (statistical,
 * stability, duration, interaction, spectral, window).
 *
 * Not a public SDK: these sources are compiled into each feature module
 * (and its test) that uses them, and the modules are built with hidden
 * symbol visibility, so nothing here is exported.
 */
#pragma once

#include <tundish/tundish.h>

G_BEGIN_DECLS

/* ------------------------------------------------------------- threading */

/* Work on items [begin, end) by worker `worker` (0 .. n_workers-1); each
 * worker owns any scratch the caller set up for its index. */
typedef void (*FeatWorkFunc) (gpointer data, size_t worker, size_t begin, size_t end);

/* Workers for n_items items holding n_values input values in all:
 * min(td_context_threads, n_items), 1 when the input is too small to be
 * worth a thread, 0 when there is nothing to do. */
size_t feat_workers (TdContext *ctx, size_t n_items, size_t n_values);

/* Run func over [0, n_items) in chunks of `chunk` items taken in turn by
 * n_workers threads (the calling thread is worker 0). Every item is computed
 * the same way whichever worker takes it, so results do not depend on the
 * thread count. The cancel flag is polled between chunks; when set, fails
 * with TD_PLUGIN_ERROR_CANCELLED "<who>: cancelled". */
gboolean feat_run (TdContext *ctx, size_t n_workers, size_t n_items, size_t chunk,
                   FeatWorkFunc func, gpointer data, const char *who, GError **error);

/* --------------------------------------------------------------- inputs */

/* De-interleave the first len steps of series s: dst[c][t] = x(s, t, c). */
void feat_gather (const TdDataset *in, size_t s, size_t len, float *const *dst);

/* Per-worker scratch of n_channels arrays of n_steps floats (at least 1). */
typedef struct {
  float **ch;          /* [n_channels][n_steps] */
  float *tmp;          /* [n_steps] */
  double *dtmp;        /* [n_steps] */
  guint16 *bins;       /* [n_steps] */
  guint8 *mask;        /* [n_steps + 8] */
} FeatScratch;

FeatScratch *feat_scratch_new (size_t n_workers, size_t n_channels, size_t n_steps);
void feat_scratch_free (FeatScratch *scratch, size_t n_workers);

/* Float thresholds equivalent to double limits for float data: for every
 * float x (NaN and infinities included), x > high exactly when
 * x > feat_float_above (high), and x < low exactly when
 * x < feat_float_below (low). Comparing in float lets the loops work on
 * twice as many values per instruction without changing any answer. */
float feat_float_above (double high);
float feat_float_below (double low);

/* Minimum and maximum of v[0..n), n > 0, no NaN (NaN is not detected:
 * the callers rule it out first). */
void feat_min_max (const float *v, size_t n, float *lo, float *hi);

void feat_min_max_d (const double *v, size_t n, double *lo, double *hi);

/* sum v[i] and sum (x[i] - mx)(y[i] - my), in eight double lanes (fixed
 * order, vectorised). */
double feat_sum_d (const double *v, size_t n);
double feat_cross_sum (const float *x, double mx, const float *y, double my, size_t n);

/* TRUE when v[0..n) holds a NaN. */
gboolean feat_has_nan (const float *v, size_t n);

/* ------------------------------------------------------------ selection */

/* The k-th smallest of v[0..n) (0-based), reordering v so that
 * v[0..k) <= v[k] <= v[k+1..n). Deterministic quickselect (median of three,
 * Hoare partition that stops on equal keys); v holds no NaN. */
double feat_select_d (double *v, size_t n, size_t k);
float  feat_select_f (float *v, size_t n, size_t k);

/* Median of v[0..n) (n > 0, no NaN; the mean of the two middle values, in
 * double, when n is even). lo and hi are the minimum and maximum of v.
 * v is left unchanged; tmp[n] and bins[n] are scratch. A histogram of 1024
 * bins over [lo, hi] finds the bin holding the middle rank; only that bin's
 * values are selected, so the cost is two linear passes for any data whose
 * middle bin is not most of the series. Exact: the bin index is a monotone
 * function of the value, so bins partition the sorted order. */
double feat_median_f (const float *v, size_t n, float lo, float hi, float *tmp,
                      guint16 *bins);

/* Median of v[0..n) (n > 0, no NaN; the mean of the two middle values when
 * n is even). Made for pooled training values (millions): histogram
 * selection, see feat_common.c. v is not changed. */
double feat_median_d (const double *v, size_t n);

/* The q-quantile of v[0..n) (n > 0, no NaN, 0 <= q <= 1) with linear
 * interpolation between order statistics (numpy's default "linear" method:
 * position q (n - 1)). v is not changed. */
double feat_quantile_d (const double *v, size_t n, double q);

/* ----------------------------------------------------------------- names */

/* A number for a column name: %g with '.' written as 'p' and '-' as 'm'
 * ("0.05" -> "0p05"), so names keep '.' only between channel and feature. */
char *feat_number_token (double v);

G_END_DECLS
