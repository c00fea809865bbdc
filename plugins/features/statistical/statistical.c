/* statistical — per-channel summary statistics of each series.
 *
 * For every channel of every series: mean, std, min, max and median over the
 * valid steps (input->lengths excludes padding). Output columns are
 * channel-major, statistics in the fixed order mean, std, min, max, median
 * (whatever the order in the `stats` list), named "<channel>.<stat>".
 *
 * Definitions:
 * - std is the population standard deviation (ddof = 0), two-pass in double;
 * - median of an even count is the mean of the two middle values;
 * - a series whose channel contains a NaN gets NaN for every statistic of that
 *   channel (NaN propagates; it is never skipped);
 * - a series of length 0 gets NaN for every statistic.
 *
 * Stateless. Series are split over td_context_threads() worker threads in
 * contiguous blocks; each series is computed the same way whatever the thread
 * count, so the output is identical for any thread budget.
 */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

enum { ST_MEAN, ST_STD, ST_MIN, ST_MAX, ST_MEDIAN, ST_N };

static const char *const stat_names[ST_N + 1] = {
  "mean", "std", "min", "max", "median", NULL
};

struct TdFeature {
  int stats[ST_N];     /* selected statistics in output order */
  size_t n_stats;
};

/* Below this many input values a single thread is faster than spawning. */
#define PARALLEL_MIN_VALUES ((size_t) 1 << 16)

static TdFeature *
statistical_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  size_t n = 0;
  const char *const *list = td_params_get_string_list (params, "stats", &n);
  gboolean selected[ST_N] = { FALSE };

  for (size_t i = 0; i < n; i++)
    {
      int k = 0;
      while (k < ST_N && g_strcmp0 (list[i], stat_names[k]) != 0)
        k++;
      if (k == ST_N)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "statistical: unknown statistic '%s' in stats "
                       "(choices: mean, std, min, max, median)", list[i]);
          return NULL;
        }
      selected[k] = TRUE;
    }

  TdFeature *self = g_new0 (TdFeature, 1);
  for (int k = 0; k < ST_N; k++)
    if (selected[k])
      self->stats[self->n_stats++] = k;

  if (self->n_stats == 0)
    {
      g_free (self);
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                           "statistical: stats is empty; select at least one of "
                           "mean, std, min, max, median");
      return NULL;
    }
  return self;
}

static void
statistical_destroy (TdFeature *self)
{
  g_free (self);
}

/* k-th smallest of v[0..n) (0-based), reordering v so that v[0..k) <= v[k]
 * <= v[k+1..n). Quickselect with a median-of-three pivot and Hoare's
 * partition (Wirth; Numerical Recipes' select): both scans stop on keys equal
 * to the pivot, so runs of equal values (a sensor stuck at a set point) split
 * evenly and stay O(n). Deterministic: no random pivots. The median-of-three
 * leaves v[lo] <= pivot <= v[hi], which bound the two inner scans. */
static double
quickselect (double *v, size_t n, size_t k)
{
  size_t lo = 0, hi = n - 1;
  double t;
#define SWAP(a, b) (t = v[a], v[a] = v[b], v[b] = t)
  while (hi > lo + 1)
    {
      SWAP (lo + (hi - lo) / 2, lo + 1);
      if (v[lo] > v[hi])
        SWAP (lo, hi);
      if (v[lo + 1] > v[hi])
        SWAP (lo + 1, hi);
      if (v[lo] > v[lo + 1])
        SWAP (lo, lo + 1);

      double pivot = v[lo + 1];
      size_t i = lo + 1, j = hi;
      for (;;)
        {
          do
            i++;
          while (v[i] < pivot);
          do
            j--;
          while (v[j] > pivot);
          if (j < i)
            break;
          SWAP (i, j);
        }
      v[lo + 1] = v[j];
      v[j] = pivot;
      if (j >= k)
        hi = j - 1;
      if (j <= k)
        lo = i;
    }
  if (hi == lo + 1 && v[hi] < v[lo])
    SWAP (lo, hi);
#undef SWAP
  return v[k];
}

/* Median of v[0..n), n > 0; the mean of the two middle values when n is
 * even. Reorders v. */
static double
median_of (double *v, size_t n)
{
  size_t half = n / 2;
  double upper = quickselect (v, n, half);
  if (n % 2 == 1)
    return upper;
  /* After selection v[0..half) <= upper, so the lower middle value is their
   * maximum: O(n), no second selection. */
  double lower = v[0];
  for (size_t i = 1; i < half; i++)
    if (v[i] > lower)
      lower = v[i];
  /* Inputs are floats, so the double sum cannot overflow. */
  return (lower + upper) / 2.0;
}

/* Statistics of v[0..n) (n > 0; finite or infinite, never NaN) into
 * out[ST_N]; the median only when asked (it is most of the cost), NaN
 * otherwise. Reorders v. */
static void
stats_of (double *v, size_t n, gboolean need_median, double out[ST_N])
{
  double sum = 0.0, lo = v[0], hi = v[0];
  for (size_t i = 0; i < n; i++)
    {
      sum += v[i];
      if (v[i] < lo)
        lo = v[i];
      if (v[i] > hi)
        hi = v[i];
    }
  double mean = sum / (double) n;

  /* Second pass about the mean: the one-pass formula loses every digit when
   * a sensor sits at a large offset with small fluctuations. */
  double ss = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      double d = v[i] - mean;
      ss += d * d;
    }

  out[ST_MEAN] = mean;
  out[ST_STD] = sqrt (ss / (double) n);
  out[ST_MIN] = lo;
  out[ST_MAX] = hi;
  out[ST_MEDIAN] = need_median ? median_of (v, n) : NAN;
}

typedef struct {
  const TdFeature *self;
  const TdDataset *in;
  TdDataset *out;
  size_t begin, end;     /* series block */
  TdContext *ctx;        /* only polled for cancellation */
  gboolean need_median;
  gboolean cancelled;
} Block;

static void
compute_block (Block *b)
{
  const TdDataset *in = b->in;
  size_t n_ch = in->n_channels;
  g_autofree double *scratch = g_new (double, in->n_steps > 0 ? in->n_steps : 1);

  for (size_t s = b->begin; s < b->end; s++)
    {
      if ((s - b->begin) % 256 == 0 && td_context_cancelled (b->ctx))
        {
          b->cancelled = TRUE;
          return;
        }
      const float *x = td_dataset_series (in, s);
      float *dst = td_dataset_series (b->out, s);
      size_t len = in->lengths ? in->lengths[s] : in->n_steps;

      for (size_t c = 0; c < n_ch; c++)
        {
          double st[ST_N];
          gboolean has_nan = FALSE;
          for (size_t t = 0; t < len; t++)
            {
              scratch[t] = x[t * n_ch + c];
              has_nan |= isnan (scratch[t]);
            }
          if (len == 0 || has_nan)
            for (int k = 0; k < ST_N; k++)
              st[k] = NAN;
          else
            stats_of (scratch, len, b->need_median, st);

          float *row = dst + c * b->self->n_stats;
          for (size_t j = 0; j < b->self->n_stats; j++)
            row[j] = (float) st[b->self->stats[j]];
        }
    }
}

static gpointer
compute_block_thread (gpointer data)
{
  compute_block (data);
  return NULL;
}

static gboolean
check_input (const TdDataset *in, GError **error)
{
  if (in->lengths == NULL)
    return TRUE;
  for (size_t s = 0; s < in->n_series; s++)
    if (in->lengths[s] > in->n_steps)
      {
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     "statistical: series %zu has length %u > n_steps %zu",
                     s, (unsigned) in->lengths[s], in->n_steps);
        return FALSE;
      }
  return TRUE;
}

static void
name_columns (const TdFeature *self, const TdDataset *in, TdDataset *out)
{
  for (size_t c = 0; c < in->n_channels; c++)
    {
      g_autofree char *fallback = NULL;
      const char *ch = in->channel_names ? in->channel_names[c] : NULL;
      if (ch == NULL)
        ch = fallback = g_strdup_printf ("c%zu", c);
      for (size_t j = 0; j < self->n_stats; j++)
        {
          g_autofree char *name = g_strdup_printf ("%s.%s", ch, stat_names[self->stats[j]]);
          td_dataset_set_channel_name (out, c * self->n_stats + j, name);
        }
    }
}

static TdDataset *
statistical_transform (TdFeature *self, const TdDataset *in, TdContext *ctx,
                       GError **error)
{
  if (!check_input (in, error))
    return NULL;

  g_autoptr (TdDataset) out = td_dataset_new_like (in, 1, in->n_channels * self->n_stats);
  name_columns (self, in, out);

  size_t n_threads = (size_t) td_context_threads (ctx);
  if (n_threads > in->n_series)
    n_threads = in->n_series;
  if (in->n_series * in->n_steps * in->n_channels < PARALLEL_MIN_VALUES)
    n_threads = 1;
  if (n_threads == 0)
    return g_steal_pointer (&out);

  gboolean need_median = FALSE;
  for (size_t j = 0; j < self->n_stats; j++)
    need_median |= self->stats[j] == ST_MEDIAN;

  g_autofree Block *blocks = g_new0 (Block, n_threads);
  g_autofree GThread **threads = g_new0 (GThread *, n_threads);
  for (size_t i = 0; i < n_threads; i++)
    blocks[i] = (Block) {
      .self = self, .in = in, .out = out, .ctx = ctx, .need_median = need_median,
      .begin = in->n_series * i / n_threads,
      .end = in->n_series * (i + 1) / n_threads,
    };

  /* The calling thread takes block 0. g_thread_new() would abort when no
   * thread can be created; with try_new that block is computed inline. */
  for (size_t i = 1; i < n_threads; i++)
    threads[i] = g_thread_try_new ("td-statistical", compute_block_thread, &blocks[i], NULL);
  compute_block (&blocks[0]);
  gboolean cancelled = blocks[0].cancelled;
  for (size_t i = 1; i < n_threads; i++)
    {
      if (threads[i])
        g_thread_join (threads[i]);
      else
        compute_block (&blocks[i]);
      cancelled |= blocks[i].cancelled;
    }

  if (cancelled)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_CANCELLED,
                           "statistical: cancelled");
      return NULL;
    }
  return g_steal_pointer (&out);
}

static const char *const stat_choices[] = { "mean", "std", "min", "max", "median", NULL };

static const TdParamSpec statistical_params[] = {
  { .name = "stats", .type = TD_PARAM_STRING_LIST,
    .default_value = "[mean, std, min, max, median]", .choices = stat_choices,
    .help = "statistics per channel, emitted in the order mean, std (population, "
            "ddof 0), min, max, median" },
};

static const TdFeatureVTable statistical_vtable = {
  .role = TD_FEATURE_EXTRACT,
  .accepts = TD_DATA_SEQUENCE | TD_DATA_MATRIX,
  .create = statistical_create,
  .fit = NULL,
  .transform = statistical_transform,
  .destroy = statistical_destroy,
};

static const TdPluginDescriptor statistical_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_FEATURE,
  .name = "statistical",
  .version = "1.0.0",
  .summary = "per-channel mean, std, min, max and median of each series",
  .params = statistical_params,
  .n_params = G_N_ELEMENTS (statistical_params),
  .vtable = &statistical_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &statistical_descriptor : NULL;
}
