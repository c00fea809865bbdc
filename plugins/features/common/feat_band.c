/* feat_band.c — fitting the normal band of each channel on train. */
#include "feat_band.h"

#include <math.h>
#include <string.h>

const char *const band_choices[] = { "robust", "sd", "quantile", "fixed", NULL };

/* 1 / Phi^-1(3/4): makes the MAD a consistent estimate of a normal sd. */
#define MAD_TO_SD 1.482602218505602

gboolean
band_spec_init (BandSpec *spec, const TdParams *params, const char *who, GError **error)
{
  memset (spec, 0, sizeof *spec);
  const char *m = td_params_get_string (params, "band");
  spec->method = g_str_equal (m, "sd") ? BAND_SD
               : g_str_equal (m, "quantile") ? BAND_QUANTILE
               : g_str_equal (m, "fixed") ? BAND_FIXED : BAND_ROBUST;
  spec->k = td_params_get_double (params, "band_k");

  size_t nq = 0;
  const double *q = td_params_get_double_list (params, "band_quantiles", &nq);
  if (nq != 2 || !(q[0] < q[1]))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: band_quantiles must be [low, high] with low < high", who);
      return FALSE;
    }
  spec->q_low = q[0];
  spec->q_high = q[1];

  size_t nl = 0, nh = 0;
  const double *lo = td_params_get_double_list (params, "band_low", &nl);
  const double *hi = td_params_get_double_list (params, "band_high", &nh);
  if (spec->method == BAND_FIXED)
    {
      if (nl == 0 || nl != nh)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "%s: band: fixed needs band_low and band_high with one value per "
                       "channel (got %zu and %zu)", who, nl, nh);
          return FALSE;
        }
      for (size_t c = 0; c < nl; c++)
        if (!(lo[c] <= hi[c]))
          {
            g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                         "%s: band_low[%zu] = %g is above band_high[%zu] = %g",
                         who, c, lo[c], c, hi[c]);
            return FALSE;
          }
      spec->n_fixed = nl;
      spec->fixed_low = g_new (double, nl);
      spec->fixed_high = g_new (double, nl);
      memcpy (spec->fixed_low, lo, nl * sizeof *lo);
      memcpy (spec->fixed_high, hi, nl * sizeof *hi);
    }
  return TRUE;
}

void
band_spec_clear (BandSpec *spec)
{
  g_clear_pointer (&spec->fixed_low, g_free);
  g_clear_pointer (&spec->fixed_high, g_free);
  spec->n_fixed = 0;
}

size_t
feat_total_steps (const TdDataset *ds)
{
  size_t total = 0;
  for (size_t s = 0; s < ds->n_series; s++)
    total += td_dataset_length (ds, s);
  return total;
}

size_t
feat_pool_values (const TdDataset *ds, size_t c, double *out)
{
  size_t m = 0, C = ds->n_channels;
  for (size_t s = 0; s < ds->n_series; s++)
    {
      const float *x = td_dataset_series (ds, s) + c;
      size_t len = td_dataset_length (ds, s);
      for (size_t t = 0; t < len; t++)
        {
          float a = x[t * C];
          out[m] = a;
          m += !isnan (a);
        }
    }
  return m;
}

size_t
feat_pool_diffs (const TdDataset *ds, size_t c, double *out)
{
  size_t m = 0, C = ds->n_channels;
  for (size_t s = 0; s < ds->n_series; s++)
    {
      const float *x = td_dataset_series (ds, s) + c;
      size_t len = td_dataset_length (ds, s);
      for (size_t t = 1; t < len; t++)
        {
          double d = (double) x[t * C] - (double) x[(t - 1) * C];
          out[m] = d;
          m += !isnan (d);
        }
    }
  return m;
}

static double
population_sd (const double *v, size_t n, double *mean_out)
{
  double mean = feat_sum_d (v, n) / (double) n;
  double q[8] = { 0 };
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++)
      q[j] += (v[i + j] - mean) * (v[i + j] - mean);
  for (; i < n; i++)
    q[0] += (v[i] - mean) * (v[i] - mean);
  if (mean_out)
    *mean_out = mean;
  double ss = ((q[0] + q[1]) + (q[2] + q[3])) + ((q[4] + q[5]) + (q[6] + q[7]));
  return sqrt (ss / (double) n);
}

/* sqrt(pi / 2): makes the mean absolute deviation a consistent estimate of a
 * normal sd */
#define MEANAD_TO_SD 1.2533141373155003

double
feat_robust_scale (double *v, size_t n, double *center)
{
  double med = feat_median_d (v, n);
  for (size_t i = 0; i < n; i++)
    v[i] = fabs (v[i] - med);
  double mad = feat_median_d (v, n);
  if (center)
    *center = med;
  if (mad > 0.0)
    return MAD_TO_SD * mad;
  return MEANAD_TO_SD * feat_sum_d (v, n) / (double) n;
}

typedef struct {
  const BandSpec *spec;
  const TdDataset *train;
  double *low, *high, *center;
  gboolean *empty;
  double **buf;        /* per worker, feat_total_steps (train) values */
} FitJob;

static void
fit_channels (gpointer data, size_t worker, size_t begin, size_t end)
{
  FitJob *j = data;
  double *v = j->buf[worker];
  for (size_t c = begin; c < end; c++)
    {
      size_t n = feat_pool_values (j->train, c, v);
      j->empty[c] = n == 0;
      if (n == 0)
        continue;
      double center, half;
      switch (j->spec->method)
        {
        case BAND_SD:
          half = j->spec->k * population_sd (v, n, &center);
          j->low[c] = center - half;
          j->high[c] = center + half;
          break;
        case BAND_QUANTILE:
          j->low[c] = feat_quantile_d (v, n, j->spec->q_low);
          j->high[c] = feat_quantile_d (v, n, j->spec->q_high);
          center = 0.5 * (j->low[c] + j->high[c]);
          break;
        default:
          half = j->spec->k * feat_robust_scale (v, n, &center);
          j->low[c] = center - half;
          j->high[c] = center + half;
          break;
        }
      j->center[c] = center;
    }
}

gboolean
band_fit (const BandSpec *spec, const TdDataset *train, TdContext *ctx, double *low,
          double *high, double *center, const char *who, GError **error)
{
  size_t C = train->n_channels;
  if (spec->method == BAND_FIXED)
    {
      if (spec->n_fixed != C)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "%s: band_low/band_high give %zu limits but the input has %zu channels",
                       who, spec->n_fixed, C);
          return FALSE;
        }
      for (size_t c = 0; c < C; c++)
        {
          low[c] = spec->fixed_low[c];
          high[c] = spec->fixed_high[c];
          center[c] = 0.5 * (low[c] + high[c]);
        }
      return TRUE;
    }

  g_autofree gboolean *empty = g_new0 (gboolean, MAX (C, (size_t) 1));
  size_t values = train->n_series * train->n_steps * C;
  size_t n_workers = feat_workers (ctx, C, values), total = feat_total_steps (train);
  g_autofree double **buf = g_new0 (double *, MAX (n_workers, (size_t) 1));
  for (size_t w = 0; w < n_workers; w++)
    buf[w] = g_new (double, MAX (total, (size_t) 1));
  FitJob job = { spec, train, low, high, center, empty, buf };
  gboolean ok = feat_run (ctx, n_workers, C, 1, fit_channels, &job, who, error);
  for (size_t w = 0; w < n_workers; w++)
    g_free (buf[w]);
  if (!ok)
    return FALSE;
  for (size_t c = 0; c < C; c++)
    if (empty[c])
      {
        char cb[TD_CHANNEL_NAME_BUF];
        const char *name = td_dataset_channel_name (train, c, cb);
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     "%s: channel %s has no valid (non-NaN) training value to fit its band on",
                     who, name);
        return FALSE;
      }
  return TRUE;
}
