/* feat_common.c — threading, input, selection and naming helpers shared by
 * the feature extractors. See feat_common.h. */
#include "feat_common.h"

#include <math.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Below this many input values one thread is faster than spawning more. */
#define PARALLEL_MIN_VALUES ((size_t) 1 << 16)

/* ------------------------------------------------------------- threading */

size_t
feat_workers (TdContext *ctx, size_t n_items, size_t n_values)
{
  if (n_items == 0)
    return 0;
  size_t n = (size_t) td_context_threads (ctx);
  if (n > n_items)
    n = n_items;
  if (n_values < PARALLEL_MIN_VALUES)
    n = 1;
  return n;
}

typedef struct {
  TdContext *ctx;
  FeatWorkFunc func;
  gpointer data;
  size_t n_items, chunk;
  gint next_chunk;     /* atomic */
  gint cancelled;      /* atomic */
} Pool;

typedef struct {
  Pool *pool;
  size_t worker;
} Worker;

static void
pool_work (Pool *p, size_t worker)
{
  size_t n_chunks = (p->n_items + p->chunk - 1) / p->chunk;
  for (;;)
    {
      if (g_atomic_int_get (&p->cancelled))
        return;
      if (td_context_cancelled (p->ctx))
        {
          g_atomic_int_set (&p->cancelled, 1);
          return;
        }
      size_t k = (size_t) g_atomic_int_add (&p->next_chunk, 1);
      if (k >= n_chunks)
        return;
      size_t begin = k * p->chunk;
      size_t end = MIN (begin + p->chunk, p->n_items);
      p->func (p->data, worker, begin, end);
    }
}

static gpointer
pool_thread (gpointer data)
{
  Worker *w = data;
  pool_work (w->pool, w->worker);
  return NULL;
}

gboolean
feat_run (TdContext *ctx, size_t n_workers, size_t n_items, size_t chunk,
          FeatWorkFunc func, gpointer data, const char *who, GError **error)
{
  if (n_items == 0 || n_workers == 0)
    return TRUE;
  if (chunk == 0)
    chunk = 1;
  /* the chunk counter is a gint */
  while ((n_items + chunk - 1) / chunk > (size_t) G_MAXINT / 2)
    chunk *= 2;

  Pool pool = { .ctx = ctx, .func = func, .data = data, .n_items = n_items, .chunk = chunk };
  g_autofree Worker *workers = g_new0 (Worker, n_workers);
  g_autofree GThread **threads = g_new0 (GThread *, n_workers);
  for (size_t i = 0; i < n_workers; i++)
    workers[i] = (Worker) { .pool = &pool, .worker = i };
  /* g_thread_new() would abort when no thread can be had; with try_new the
   * chunks are simply taken by the threads that exist. */
  for (size_t i = 1; i < n_workers; i++)
    threads[i] = g_thread_try_new ("td-feature", pool_thread, &workers[i], NULL);
  pool_work (&pool, 0);
  for (size_t i = 1; i < n_workers; i++)
    if (threads[i])
      g_thread_join (threads[i]);

  if (g_atomic_int_get (&pool.cancelled))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_CANCELLED, "%s: cancelled", who);
      return FALSE;
    }
  return TRUE;
}

/* --------------------------------------------------------------- inputs */

/* One sweep of rows of C channels into C arrays; C a compile-time constant
 * in the common cases so the inner loop unrolls into plain moves. */
#define GATHER_ROWS(C)                                  \
  for (size_t t = 0; t < len; t++)                      \
    {                                                   \
      const float *row = x + t * (C);                   \
      for (size_t c = 0; c < (C); c++)                  \
        dst[c][t] = row[c];                             \
    }

void
feat_gather (const TdDataset *in, size_t s, size_t len, float *const *dst)
{
  const size_t C = in->n_channels;
  const float *x = td_dataset_series (in, s);
  switch (C)
    {
    case 1:
      memcpy (dst[0], x, len * sizeof (float));
      break;
    case 2: GATHER_ROWS (2); break;
    case 3: GATHER_ROWS (3); break;
    case 4: GATHER_ROWS (4); break;
    case 5: GATHER_ROWS (5); break;
    case 6: GATHER_ROWS (6); break;
    case 7: GATHER_ROWS (7); break;
    case 8: GATHER_ROWS (8); break;
    default: GATHER_ROWS (C); break;
    }
}

FeatScratch *
feat_scratch_new (size_t n_workers, size_t n_channels, size_t n_steps)
{
  size_t n = MAX (n_steps, (size_t) 1);
  FeatScratch *sc = g_new0 (FeatScratch, MAX (n_workers, (size_t) 1));
  for (size_t w = 0; w < n_workers; w++)
    {
      sc[w].ch = g_new0 (float *, n_channels + 1);   /* NULL-terminated */
      for (size_t c = 0; c < n_channels; c++)
        sc[w].ch[c] = g_new (float, n);
      sc[w].tmp = g_new (float, n);
      sc[w].dtmp = g_new (double, n);
      sc[w].bins = g_new (guint16, n);
      sc[w].mask = g_new0 (guint8, n + 8);
    }
  return sc;
}

void
feat_scratch_free (FeatScratch *scratch, size_t n_workers)
{
  if (!scratch)
    return;
  for (size_t w = 0; w < n_workers; w++)
    {
      if (scratch[w].ch)
        {
          for (size_t c = 0; scratch[w].ch[c]; c++)
            g_free (scratch[w].ch[c]);
        }
      g_free (scratch[w].ch);
      g_free (scratch[w].tmp);
      g_free (scratch[w].dtmp);
      g_free (scratch[w].bins);
      g_free (scratch[w].mask);
    }
  g_free (scratch);
}

float
feat_float_above (double high)
{
  /* the largest float <= high: then x > high <=> x > it, for float x */
  float f = (float) high;
  if ((double) f > high)
    f = nextafterf (f, -INFINITY);
  return f;
}

float
feat_float_below (double low)
{
  /* the smallest float >= low */
  float f = (float) low;
  if ((double) f < low)
    f = nextafterf (f, INFINITY);
  return f;
}

void
feat_min_max (const float *v, size_t n, float *lo, float *hi)
{
  float l = v[0], h = v[0];
  size_t i = 0;
#if defined(__SSE2__)
  /* GCC will not turn "a < l ? a : l" into minps by itself (signed zeros);
   * minps computes exactly that expression per lane, so the result is the
   * same as the scalar loop's. */
  if (n >= 8)
    {
      __m128 l0 = _mm_set1_ps (v[0]), l1 = l0, h0 = l0, h1 = l0;
      for (; i + 8 <= n; i += 8)
        {
          __m128 a = _mm_loadu_ps (v + i), b = _mm_loadu_ps (v + i + 4);
          l0 = _mm_min_ps (a, l0);
          l1 = _mm_min_ps (b, l1);
          h0 = _mm_max_ps (a, h0);
          h1 = _mm_max_ps (b, h1);
        }
      float ls[8], hs[8];
      _mm_storeu_ps (ls, l0);
      _mm_storeu_ps (ls + 4, l1);
      _mm_storeu_ps (hs, h0);
      _mm_storeu_ps (hs + 4, h1);
      for (int j = 0; j < 8; j++)
        {
          l = ls[j] < l ? ls[j] : l;
          h = hs[j] > h ? hs[j] : h;
        }
    }
#endif
  for (; i < n; i++)
    {
      l = v[i] < l ? v[i] : l;
      h = v[i] > h ? v[i] : h;
    }
  *lo = l;
  *hi = h;
}

void
feat_min_max_d (const double *v, size_t n, double *lo, double *hi)
{
  double l = v[0], h = v[0];
  size_t i = 0;
#if defined(__SSE2__)
  if (n >= 4)
    {
      __m128d l0 = _mm_set1_pd (v[0]), l1 = l0, h0 = l0, h1 = l0;
      for (; i + 4 <= n; i += 4)
        {
          __m128d a = _mm_loadu_pd (v + i), b = _mm_loadu_pd (v + i + 2);
          l0 = _mm_min_pd (a, l0);
          l1 = _mm_min_pd (b, l1);
          h0 = _mm_max_pd (a, h0);
          h1 = _mm_max_pd (b, h1);
        }
      double ls[4], hs[4];
      _mm_storeu_pd (ls, l0);
      _mm_storeu_pd (ls + 2, l1);
      _mm_storeu_pd (hs, h0);
      _mm_storeu_pd (hs + 2, h1);
      for (int j = 0; j < 4; j++)
        {
          l = ls[j] < l ? ls[j] : l;
          h = hs[j] > h ? hs[j] : h;
        }
    }
#endif
  for (; i < n; i++)
    {
      l = v[i] < l ? v[i] : l;
      h = v[i] > h ? v[i] : h;
    }
  *lo = l;
  *hi = h;
}

#define LANES8(c) ((((c)[0] + (c)[1]) + ((c)[2] + (c)[3])) + (((c)[4] + (c)[5]) + ((c)[6] + (c)[7])))

double
feat_sum_d (const double *v, size_t n)
{
  double c[8] = { 0 };
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++)
      c[j] += v[i + j];
  for (; i < n; i++)
    c[0] += v[i];
  return LANES8 (c);
}

double
feat_cross_sum (const float *x, double mx, const float *y, double my, size_t n)
{
  double c[8] = { 0 };
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++)
      c[j] += ((double) x[i + j] - mx) * ((double) y[i + j] - my);
  for (; i < n; i++)
    c[0] += ((double) x[i] - mx) * ((double) y[i] - my);
  return LANES8 (c);
}

gboolean
feat_has_nan (const float *v, size_t n)
{
  /* branch-free OR over the block so the loop vectorises */
  int any = 0;
  for (size_t i = 0; i < n; i++)
    any |= v[i] != v[i];
  return any != 0;
}

/* ------------------------------------------------------------ selection */

/* Quickselect (Wirth; Numerical Recipes' select): median-of-three pivot and
 * Hoare's partition whose scans stop on keys equal to the pivot, so runs of
 * equal values (a sensor stuck at a set point) split evenly and stay O(n).
 * The median-of-three leaves v[lo] <= pivot <= v[hi], which bound the inner
 * scans. No random pivots: deterministic. */
#define DEFINE_SELECT(NAME, T)                                                 \
  T                                                                            \
  NAME (T *v, size_t n, size_t k)                                              \
  {                                                                            \
    size_t lo = 0, hi = n - 1;                                                 \
    T t;                                                                       \
    while (hi > lo + 1)                                                        \
      {                                                                        \
        t = v[lo + (hi - lo) / 2], v[lo + (hi - lo) / 2] = v[lo + 1], v[lo + 1] = t; \
        if (v[lo] > v[hi])                                                     \
          t = v[lo], v[lo] = v[hi], v[hi] = t;                                 \
        if (v[lo + 1] > v[hi])                                                 \
          t = v[lo + 1], v[lo + 1] = v[hi], v[hi] = t;                         \
        if (v[lo] > v[lo + 1])                                                 \
          t = v[lo], v[lo] = v[lo + 1], v[lo + 1] = t;                         \
        T pivot = v[lo + 1];                                                   \
        size_t i = lo + 1, j = hi;                                             \
        for (;;)                                                               \
          {                                                                    \
            do                                                                 \
              i++;                                                             \
            while (v[i] < pivot);                                              \
            do                                                                 \
              j--;                                                             \
            while (v[j] > pivot);                                              \
            if (j < i)                                                         \
              break;                                                           \
            t = v[i], v[i] = v[j], v[j] = t;                                   \
          }                                                                    \
        v[lo + 1] = v[j];                                                      \
        v[j] = pivot;                                                          \
        if (j >= k)                                                            \
          hi = j - 1;                                                          \
        if (j <= k)                                                            \
          lo = i;                                                              \
      }                                                                        \
    if (hi == lo + 1 && v[hi] < v[lo])                                         \
      t = v[lo], v[lo] = v[hi], v[hi] = t;                                     \
    return v[k];                                                               \
  }

DEFINE_SELECT (feat_select_d, double)
DEFINE_SELECT (feat_select_f, float)

/* The maximum of v[0..n), n > 0. */
static float
max_f (const float *v, size_t n)
{
  float m = v[0];
  for (size_t i = 1; i < n; i++)
    m = v[i] > m ? v[i] : m;
  return m;
}

/* Median by selection on a copy: the fallback when no histogram applies. */
static double
median_by_select (const float *v, size_t n, float *tmp)
{
  memcpy (tmp, v, n * sizeof (float));
  size_t half = n / 2;
  float upper = feat_select_f (tmp, n, half);
  if (n % 2 == 1)
    return upper;
  /* after selection tmp[0..half) <= upper: the lower middle is their max */
  return ((double) max_f (tmp, half) + (double) upper) / 2.0;
}

#define N_BINS 1024
#define SMALL_N 64

/* The values of v whose bin is b, into out; their count. Few values match
 * (the middle bin of a histogram), so the test runs on eight bins at once
 * and only a hit goes to the scalar copy; a branch-free copy of every value
 * would chain each store on the previous count. */
static size_t
collect_bin (const float *v, const guint16 *bins, size_t n, guint16 b, float *out)
{
  size_t m = 0, j = 0;
#if defined(__SSE2__)
  const __m128i key = _mm_set1_epi16 ((short) b);
  for (; j + 8 <= n; j += 8)
    {
      __m128i hit = _mm_cmpeq_epi16 (_mm_loadu_si128 ((const __m128i *) (bins + j)), key);
      if (_mm_movemask_epi8 (hit) == 0)
        continue;
      for (size_t i = j; i < j + 8; i++)
        if (bins[i] == b)
          out[m++] = v[i];
    }
#endif
  for (; j < n; j++)
    if (bins[j] == b)
      out[m++] = v[j];
  return m;
}

double
feat_median_f (const float *v, size_t n, float lo, float hi, float *tmp, guint16 *bins)
{
  if (lo == hi)
    return lo;
  float width = hi - lo;
  if (n <= SMALL_N || !isfinite (width))
    return median_by_select (v, n, tmp);

  /* bin(x) = min((int)((x - lo) * scale), N_BINS - 1): each step rounds
   * monotonically, so x < y implies bin(x) <= bin(y). */
  const float scale = (float) N_BINS / width;
  guint32 count[4][N_BINS];
  memset (count, 0, sizeof count);
  for (size_t i = 0; i < n; i++)
    {
      int b = (int) ((v[i] - lo) * scale);
      bins[i] = (guint16) (b < N_BINS - 1 ? b : N_BINS - 1);
    }
  /* four histograms: consecutive equal bins do not wait on each other */
  size_t i = 0;
  for (; i + 4 <= n; i += 4)
    {
      count[0][bins[i]]++;
      count[1][bins[i + 1]]++;
      count[2][bins[i + 2]]++;
      count[3][bins[i + 3]]++;
    }
  for (; i < n; i++)
    count[0][bins[i]]++;

  /* bins holding ranks k_lo (lower middle) and k_hi (upper middle) */
  size_t k_hi = n / 2, k_lo = n % 2 ? k_hi : k_hi - 1;
  size_t cum = 0, cum_hi = 0, b_lo = N_BINS, b_hi = N_BINS;
  for (size_t b = 0; b < N_BINS; b++)
    {
      size_t c = (size_t) count[0][b] + count[1][b] + count[2][b] + count[3][b];
      if (b_lo == N_BINS && cum + c > k_lo)
        b_lo = b;
      if (cum + c > k_hi)
        {
          b_hi = b;
          cum_hi = cum;
          break;
        }
      cum += c;
    }

  size_t m = collect_bin (v, bins, n, (guint16) b_hi, tmp);
  size_t r = k_hi - cum_hi;
  float upper = feat_select_f (tmp, m, r);
  if (n % 2 == 1)
    return upper;
  float lower;
  if (b_lo == b_hi)
    lower = max_f (tmp, r);   /* r >= 1: the lower middle is in this bin too */
  else
    {
      /* the lower middle is the last value of bin b_lo, i.e. its maximum */
      lower = -INFINITY;
      for (size_t j = 0; j < n; j++)
        if (bins[j] == b_lo && v[j] > lower)
          lower = v[j];
    }
  return ((double) lower + (double) upper) / 2.0;
}

/* The k1-th and k2-th smallest (k1 <= k2, 0-based) of v[0..n) for large
 * pooled arrays (millions of training values): a histogram of 4096 bins over
 * [min, max] finds the bins holding ranks k1 and k2 in two streaming passes,
 * and only the values of the bins between them (usually one bin: a small
 * copy) go on, to another histogram or, once few, to quickselect. v is left
 * unchanged. Exact, as feat_median_f: bins are monotone in the value. */
#define POOL_BINS 4096
#define POOL_SMALL 4096

static void
select2_small (const double *v, size_t n, size_t k1, size_t k2, double *a, double *b)
{
  double *copy = g_new (double, n);
  memcpy (copy, v, n * sizeof *copy);
  *b = feat_select_d (copy, n, k2);
  /* after selecting k2, copy[0..k2) <= *b: k1 is among them (or is k2) */
  *a = k1 == k2 ? *b : feat_select_d (copy, k2, k1);
  g_free (copy);
}

static void
select2_pooled (const double *v, size_t n, size_t k1, size_t k2, double *a, double *b)
{
  g_autofree double *part = NULL;
  const double *cur = v;
  for (;;)
    {
      double lo, hi;
      if (n <= POOL_SMALL)
        {
          select2_small (cur, n, k1, k2, a, b);
          return;
        }
      feat_min_max_d (cur, n, &lo, &hi);
      double width = hi - lo;
      if (lo == hi)
        {
          *a = *b = lo;
          return;
        }
      if (!isfinite (width))
        {
          select2_small (cur, n, k1, k2, a, b);
          return;
        }
      /* the bin index fits an int: (x - lo) * scale <= POOL_BINS (rounding) */
      const double scale = (double) POOL_BINS / width;
      g_autofree size_t *count = g_new0 (size_t, 4 * POOL_BINS);
      size_t i = 0;
      for (; i + 4 <= n; i += 4)
        for (int j = 0; j < 4; j++)
          {
            int bin = (int) ((cur[i + j] - lo) * scale);
            count[j * POOL_BINS + (bin < POOL_BINS - 1 ? bin : POOL_BINS - 1)]++;
          }
      for (; i < n; i++)
        {
          int bin = (int) ((cur[i] - lo) * scale);
          count[bin < POOL_BINS - 1 ? bin : POOL_BINS - 1]++;
        }
      size_t cum = 0, cum1 = 0, b1 = POOL_BINS, b2 = 0;
      for (; b2 < POOL_BINS; b2++)
        {
          size_t c = count[b2] + count[POOL_BINS + b2] + count[2 * POOL_BINS + b2]
                     + count[3 * POOL_BINS + b2];
          if (b1 == POOL_BINS && cum + c > k1)
            {
              b1 = b2;
              cum1 = cum;
            }
          if (cum + c > k2)
            break;
          cum += c;
        }
      size_t m = 0;
      double *next = g_new (double, cum + count[b2] + count[POOL_BINS + b2]
                                      + count[2 * POOL_BINS + b2] + count[3 * POOL_BINS + b2]
                                      - cum1 + 1);
      for (i = 0; i < n; i++)
        {
          int bin = (int) ((cur[i] - lo) * scale);
          size_t bb = (size_t) (bin < POOL_BINS - 1 ? bin : POOL_BINS - 1);
          if (bb >= b1 && bb <= b2)
            next[m++] = cur[i];
        }
      g_free (part);
      part = next;
      cur = part;
      k1 -= cum1;
      k2 -= cum1;
      if (m == n)
        {
          /* no progress (the two ranks span every bin): select directly */
          select2_small (cur, n, k1, k2, a, b);
          return;
        }
      n = m;
    }
}

double
feat_median_d (const double *v, size_t n)
{
  double lower, upper;
  select2_pooled (v, n, n % 2 ? n / 2 : n / 2 - 1, n / 2, &lower, &upper);
  return n % 2 ? upper : (lower + upper) / 2.0;
}

double
feat_quantile_d (const double *v, size_t n, double q)
{
  double pos = q * (double) (n - 1);
  size_t i = (size_t) floor (pos);
  if (i >= n - 1)
    i = n - 1;
  double frac = pos - (double) i, a, b;
  select2_pooled (v, n, i, MIN (i + 1, n - 1), &a, &b);
  return frac == 0.0 ? a : a + (b - a) * frac;
}

/* ----------------------------------------------------------------- names */

char *
feat_number_token (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (buf, sizeof buf, "%g", v);
  for (char *p = buf; *p; p++)
    {
      if (*p == '.')
        *p = 'p';
      else if (*p == '-')
        *p = 'm';
      else if (*p == '+')
        *p = 'p';
    }
  return g_strdup (buf);
}
