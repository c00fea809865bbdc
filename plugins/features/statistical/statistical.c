/* statistical — per-channel summary statistics of each series.
 *
 * For every channel of every series, over the valid steps (input->lengths
 * excludes padding), the statistics listed in `stats`, emitted channel-major
 * in the fixed order below (whatever the order in the list), named
 * "<channel>.<stat>":
 *
 *   mean          sum / n
 *   std           sqrt(sum (x - mean)^2 / (n - ddof)); ddof 0 (default) or 1
 *                 (pandas/numpy ddof=1 as in the peer script); NaN when
 *                 n - ddof <= 0
 *   min, max
 *   median        the mean of the two middle values when n is even
 *   skew          m3 / m2^1.5, m_k = sum (x - mean)^k / n (scipy.stats.skew,
 *                 bias=True)
 *   kurtosis      m4 / m2^2 - 3, excess (scipy.stats.kurtosis, fisher=True,
 *                 bias=True)
 *                 skew and kurtosis are NaN when m2 <= (1e-15 mean)^2, as
 *                 scipy does for a (numerically) constant series
 *   rms           sqrt(sum x^2 / n)
 *   peak_to_peak  max - min
 *   crest_factor  max |x| / rms (NaN when rms is 0)
 *   last          the last valid value
 *   slope         least-squares slope of x against the step index, per step
 *                 (np.polyfit(t, x, 1)[0]); NaN when n < 2
 *
 * All in double from the float32 input. A series whose channel contains a
 * NaN gets NaN for every statistic of that channel (NaN propagates; it is
 * never skipped); a series of length 0 gets NaN throughout.
 *
 * Stateless. Series are handed to td_context_threads() workers in chunks;
 * each series is computed the same way whatever the thread count, so the
 * output is identical for any thread budget.
 *
 * Speed: one strided sweep de-interleaves a series into per-channel arrays
 * (the only pass over main memory); each channel then takes short
 * vectorised passes over cache-resident data: the sum (which doubles as the
 * NaN check), the extremes, the sum of squares about the mean (or the
 * higher moments when asked for) and a histogram selection for the median
 * (see feat_median_f). Sums use eight accumulators, so they run at
 * throughput rather than at the latency of one dependent chain; the order is
 * fixed, so results stay deterministic.
 */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "feat_common.h"
#include "feat_plugins.h"

enum {
  ST_MEAN, ST_STD, ST_MIN, ST_MAX, ST_MEDIAN,
  ST_SKEW, ST_KURTOSIS, ST_RMS, ST_PTP, ST_CREST, ST_LAST, ST_SLOPE,
  ST_N
};

static const char *const stat_names[ST_N + 1] = {
  "mean", "std", "min", "max", "median",
  "skew", "kurtosis", "rms", "peak_to_peak", "crest_factor", "last", "slope", NULL
};

struct TdFeature {
  int stats[ST_N];     /* selected statistics in output order */
  size_t n_stats;
  int ddof;
  gboolean need[ST_N];
};

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
          g_autofree char *choices = g_strjoinv (", ", (char **) stat_names);
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "statistical: unknown statistic '%s' in stats (choices: %s)",
                       list[i], choices);
          return NULL;
        }
      selected[k] = TRUE;
    }

  TdFeature *self = g_new0 (TdFeature, 1);
  for (int k = 0; k < ST_N; k++)
    if (selected[k])
      {
        self->stats[self->n_stats++] = k;
        self->need[k] = TRUE;
      }
  self->ddof = (int) td_params_get_int (params, "ddof");

  if (self->n_stats == 0)
    {
      g_free (self);
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                           "statistical: stats is empty; select at least one statistic");
      return NULL;
    }
  return self;
}

static void
statistical_destroy (TdFeature *self)
{
  g_free (self);
}

/* Sum, minimum and maximum of v[0..n), n > 0: two vectorised passes (the
 * sum in eight double lanes; a combined loop defeats the vectoriser). */
static void
sum_min_max (const float *v, size_t n, double *sum, float *lo, float *hi)
{
  double s[8] = { 0 };
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++)
      s[j] += v[i + j];
  for (; i < n; i++)
    s[0] += v[i];
  *sum = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
  feat_min_max (v, n, lo, hi);
}

static double
sum_squares (const float *v, size_t n)
{
  double s[8] = { 0 };
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++)
      s[j] += (double) v[i + j] * v[i + j];
  for (; i < n; i++)
    s[0] += (double) v[i] * v[i];
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/* sum (x - mean)^2: the second pass about the mean, which keeps every digit
 * when a sensor sits at a large offset with small fluctuations. */
static double
centred_m2 (const float *v, size_t n, double mean)
{
  double s[8] = { 0 };
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++)
      {
        double d = v[i + j] - mean;
        s[j] += d * d;
      }
  for (; i < n; i++)
    s[0] += (v[i] - mean) * (v[i] - mean);
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/* Centred sums of powers 2..4 and sum (t - t_mean)(x - mean). */
static void
centred_moments (const float *v, size_t n, double mean, double m[3], double *cross)
{
  double s2 = 0, s3 = 0, s4 = 0, sc = 0;
  double t_mean = 0.5 * (double) (n - 1);
  for (size_t i = 0; i < n; i++)
    {
      double d = v[i] - mean, d2 = d * d;
      s2 += d2;
      s3 += d2 * d;
      s4 += d2 * d2;
      sc += ((double) i - t_mean) * d;
    }
  m[0] = s2;
  m[1] = s3;
  m[2] = s4;
  *cross = sc;
}

/* Every statistic of v[0..n) into out[ST_N] (those not asked for may be
 * left NaN). v is not changed. */
static void
stats_of (const TdFeature *self, const float *v, size_t n, float *tmp, guint16 *bins,
          double out[ST_N])
{
  for (int k = 0; k < ST_N; k++)
    out[k] = NAN;
  if (n == 0)
    return;

  const gboolean *need = self->need;
  double sum;
  float lo, hi;
  sum_min_max (v, n, &sum, &lo, &hi);
  /* A NaN makes the sum NaN (so does +inf with -inf): only then look */
  if (isnan (sum) && feat_has_nan (v, n))
    return;
  double dn = (double) n, mean = sum / dn;
  out[ST_MEAN] = mean;
  out[ST_MIN] = lo;
  out[ST_MAX] = hi;
  out[ST_PTP] = (double) hi - (double) lo;
  out[ST_LAST] = v[n - 1];

  if (need[ST_RMS] || need[ST_CREST])
    {
      double rms = sqrt (sum_squares (v, n) / dn);
      out[ST_RMS] = rms;
      double peak = fmax (fabs ((double) lo), fabs ((double) hi));
      out[ST_CREST] = rms > 0.0 ? peak / rms : NAN;
    }

  if (need[ST_SKEW] || need[ST_KURTOSIS] || need[ST_SLOPE])
    {
      double m[3], cross;
      centred_moments (v, n, mean, m, &cross);
      double m2 = m[0] / dn, m3 = m[1] / dn, m4 = m[2] / dn;
      out[ST_STD] = n > (size_t) self->ddof ? sqrt (m[0] / (dn - self->ddof)) : NAN;
      /* scipy's test for a constant series */
      double tiny = 1e-15 * mean;
      gboolean constant = m2 <= tiny * tiny;
      out[ST_SKEW] = constant ? NAN : m3 / pow (m2, 1.5);
      out[ST_KURTOSIS] = constant ? NAN : m4 / (m2 * m2) - 3.0;
      /* sum (t - t_mean)^2 = n (n^2 - 1) / 12 */
      out[ST_SLOPE] = n >= 2 ? cross / (dn * (dn * dn - 1.0) / 12.0) : NAN;
    }
  else if (need[ST_STD])
    {
      double ss = centred_m2 (v, n, mean);
      out[ST_STD] = n > (size_t) self->ddof ? sqrt (ss / (dn - self->ddof)) : NAN;
    }

  if (need[ST_MEDIAN])
    out[ST_MEDIAN] = feat_median_f (v, n, lo, hi, tmp, bins);
}

typedef struct {
  const TdFeature *self;
  const TdDataset *in;
  TdDataset *out;
  FeatScratch *scratch;
} Job;

static void
compute_series (gpointer data, size_t worker, size_t begin, size_t end)
{
  Job *j = data;
  const TdDataset *in = j->in;
  FeatScratch *sc = &j->scratch[worker];
  size_t C = in->n_channels, K = j->self->n_stats;
  double st[ST_N];

  for (size_t s = begin; s < end; s++)
    {
      size_t len = td_dataset_length (in, s);
      feat_gather (in, s, len, sc->ch);
      float *dst = td_dataset_series (j->out, s);
      for (size_t c = 0; c < C; c++)
        {
          stats_of (j->self, sc->ch[c], len, sc->tmp, sc->bins, st);
          for (size_t k = 0; k < K; k++)
            dst[c * K + k] = (float) st[j->self->stats[k]];
        }
    }
}

static void
name_columns (const TdFeature *self, const TdDataset *in, TdDataset *out)
{
  for (size_t c = 0; c < in->n_channels; c++)
    {
      char cb[TD_CHANNEL_NAME_BUF];
      const char *ch = td_dataset_channel_name (in, c, cb);
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
  if (!td_dataset_check_lengths (in, "statistical", error))
    return NULL;

  g_autoptr (TdDataset) out = td_dataset_new_like (in, 1, in->n_channels * self->n_stats);
  name_columns (self, in, out);

  size_t n_workers = feat_workers (ctx, in->n_series,
                                   in->n_series * in->n_steps * in->n_channels);
  FeatScratch *scratch = feat_scratch_new (n_workers, in->n_channels, in->n_steps);
  Job job = { self, in, out, scratch };
  gboolean ok = feat_run (ctx, n_workers, in->n_series, 8, compute_series, &job,
                          "statistical", error);
  feat_scratch_free (scratch, n_workers);
  return ok ? g_steal_pointer (&out) : NULL;
}

static const TdParamSpec statistical_params[] = {
  { .name = "stats", .type = TD_PARAM_STRING_LIST,
    .default_value = "[mean, std, min, max, median]", .choices = stat_names,
    .help = "statistics per channel, emitted in the order mean, std, min, max, median, "
            "skew, kurtosis (excess), rms, peak_to_peak, crest_factor, last, slope" },
  { .name = "ddof", .type = TD_PARAM_INT, .default_value = "0", .min = 0, .max = 1,
    .help = "std divisor n - ddof: 0 population (default), 1 sample (pandas, numpy ddof=1)" },
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
  .version = "1.1.0",
  .summary = "per-channel summary statistics (mean, std, min, max, median, skew, kurtosis, "
             "rms, peak-to-peak, crest factor, last value, slope) of each series",
  .params = statistical_params,
  .n_params = G_N_ELEMENTS (statistical_params),
  .vtable = &statistical_vtable,
};

const TdPluginDescriptor *
feat_statistical_descriptor (void)
{
  return &statistical_descriptor;
}
