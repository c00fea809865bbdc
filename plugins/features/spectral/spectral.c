/* spectral — band powers and the dominant frequency of each channel.
 *
 * Per channel, over the valid steps x[0..n) of a series (n >= 2), with the
 * sample rate fs = sample_rate_hz:
 *
 *   1. detrend by the mean: y = x - mean(x);
 *   2. X = the discrete Fourier transform of y (GSL's mixed-radix real FFT,
 *      gsl_fft_real_transform, in double; any n);
 *   3. one-sided power per frequency f_k = k fs / n, k = 1 .. floor(n/2):
 *      P_k = 2 |X_k|^2 / n^2, except P_{n/2} = |X_{n/2}|^2 / n^2 for even n.
 *      By Parseval, sum_k P_k = mean(y^2), the population variance: P_k is
 *      the share of the variance at f_k, in squared signal units.
 *
 * Columns "<channel>.<feature>":
 *
 *   band_power_<lo>_<hi>hz   sum of P_k over lo <= f_k < hi, for consecutive
 *                            edges of `bands` (the last band also takes
 *                            f_k == hi); numbers written with 'p' for the
 *                            decimal point (0.05 -> 0p05). With relative:
 *                            true, divided by the total sum_k P_k.
 *   dominant_frequency_hz    f_k of the largest P_k (the lowest k on ties);
 *                            NaN when the series is constant
 *
 * n < 2: NaN throughout. NaN policy: a NaN among a channel's valid steps
 * makes every feature of that channel NaN. Stateless.
 *
 * GSL wavetables depend on n only; each worker keeps the one for the last n
 * it saw, so equal-length series (the usual case) build it once per worker.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fft_real.h>

#include <tundish/tundish.h>

#include "feat_common.h"
#include "feat_plugins.h"

#define PLUGIN "spectral"

struct TdFeature {
  double *edges;
  size_t n_edges;         /* n_bands + 1 */
  double rate;
  gboolean relative;
  char **names;           /* [n_bands + 1] feature names, dominant last */
};

static void
spectral_destroy (TdFeature *self)
{
  if (!self)
    return;
  g_free (self->edges);
  g_strfreev (self->names);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdFeature, spectral_destroy)

static TdFeature *
spectral_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  g_autoptr (TdFeature) self = g_new0 (TdFeature, 1);
  size_t n = 0;
  const double *e = td_params_get_double_list (params, "bands", &n);
  if (n < 2)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                           PLUGIN ": bands needs at least two edges [lo, hi] (Hz)");
      return NULL;
    }
  for (size_t i = 0; i < n; i++)
    if (!(e[i] >= 0.0) || (i > 0 && !(e[i] > e[i - 1])))
      {
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     PLUGIN ": bands must be increasing non-negative edges in Hz "
                     "(edge %zu is %g)", i, e[i]);
        return NULL;
      }
  self->edges = g_new (double, n);
  memcpy (self->edges, e, n * sizeof *e);
  self->n_edges = n;
  self->rate = td_params_get_double (params, "sample_rate_hz");
  self->relative = td_params_get_bool (params, "relative");
  self->names = g_new0 (char *, n + 1);
  for (size_t i = 0; i + 1 < n; i++)
    {
      g_autofree char *lo = feat_number_token (e[i]);
      g_autofree char *hi = feat_number_token (e[i + 1]);
      self->names[i] = g_strdup_printf ("band_power_%s_%shz", lo, hi);
    }
  self->names[n - 1] = g_strdup ("dominant_frequency_hz");
  return g_steal_pointer (&self);
}

typedef struct {
  size_t n;
  gsl_fft_real_wavetable *table;
  gsl_fft_real_workspace *work;
  double *y;
} Fft;

static void
fft_clear (Fft *f)
{
  if (f->table)
    gsl_fft_real_wavetable_free (f->table);
  if (f->work)
    gsl_fft_real_workspace_free (f->work);
  g_free (f->y);
  memset (f, 0, sizeof *f);
}

static gboolean
fft_prepare (Fft *f, size_t n)
{
  if (f->n == n && f->table)
    return TRUE;
  fft_clear (f);
  f->table = gsl_fft_real_wavetable_alloc (n);
  f->work = gsl_fft_real_workspace_alloc (n);
  f->y = g_new (double, n);
  f->n = n;
  return f->table && f->work;
}

/* Features of v[0..n) into out[n_bands + 1]; FALSE when GSL fails. */
static gboolean
channel_spectrum (const TdFeature *self, Fft *f, const float *v, size_t n, double *out)
{
  size_t n_bands = self->n_edges - 1;
  for (size_t i = 0; i <= n_bands; i++)
    out[i] = NAN;
  if (n < 2 || feat_has_nan (v, n))
    return TRUE;
  if (!fft_prepare (f, n))
    return FALSE;
  double sum = 0.0;
  for (size_t t = 0; t < n; t++)
    sum += v[t];
  double mean = sum / (double) n;
  for (size_t t = 0; t < n; t++)
    f->y[t] = v[t] - mean;
  if (gsl_fft_real_transform (f->y, 1, n, f->table, f->work) != GSL_SUCCESS)
    return FALSE;

  /* Half-complex layout: y[0] = X_0; for 1 <= k < n/2 (or <= (n-1)/2),
   * Re X_k = y[2k-1], Im X_k = y[2k]; for even n, X_{n/2} = y[n-1] (real). */
  for (size_t i = 0; i < n_bands; i++)
    out[i] = 0.0;
  double dn2 = (double) n * (double) n, total = 0.0, best = 0.0;
  size_t best_k = 0;
  size_t half = n / 2;
  for (size_t k = 1; k <= half; k++)
    {
      double p;
      if (n % 2 == 0 && k == half)
        p = f->y[n - 1] * f->y[n - 1] / dn2;
      else
        {
          double re = f->y[2 * k - 1], im = f->y[2 * k];
          p = 2.0 * (re * re + im * im) / dn2;
        }
      total += p;
      if (p > best)
        {
          best = p;
          best_k = k;
        }
      double freq = (double) k * self->rate / (double) n;
      for (size_t i = 0; i < n_bands; i++)
        {
          gboolean last = i + 1 == n_bands;
          if (freq >= self->edges[i]
              && (freq < self->edges[i + 1] || (last && freq == self->edges[i + 1])))
            {
              out[i] += p;
              break;
            }
        }
    }
  if (self->relative)
    for (size_t i = 0; i < n_bands; i++)
      out[i] = total > 0.0 ? out[i] / total : NAN;
  out[n_bands] = best_k > 0 ? (double) best_k * self->rate / (double) n : NAN;
  return TRUE;
}

typedef struct {
  const TdFeature *self;
  const TdDataset *in;
  TdDataset *out;
  FeatScratch *scratch;
  Fft *fft;                  /* per worker */
  gint failed;               /* atomic */
} Job;

static void
compute_series (gpointer data, size_t worker, size_t begin, size_t end)
{
  Job *j = data;
  const TdFeature *self = j->self;
  FeatScratch *sc = &j->scratch[worker];
  size_t C = j->in->n_channels, K = self->n_edges;   /* n_bands + 1 columns */
  g_autofree double *vals = g_new (double, K);
  for (size_t s = begin; s < end; s++)
    {
      size_t len = td_dataset_length (j->in, s);
      feat_gather (j->in, s, len, sc->ch);
      float *dst = td_dataset_series (j->out, s);
      for (size_t c = 0; c < C; c++)
        {
          if (!channel_spectrum (self, &j->fft[worker], sc->ch[c], len, vals))
            g_atomic_int_set (&j->failed, 1);
          for (size_t k = 0; k < K; k++)
            dst[c * K + k] = (float) vals[k];
        }
    }
}

static TdDataset *
spectral_transform (TdFeature *self, const TdDataset *in, TdContext *ctx, GError **error)
{
  if (!td_dataset_check_lengths (in, PLUGIN, error))
    return NULL;
  size_t C = in->n_channels, K = self->n_edges;
  g_autoptr (TdDataset) out = td_dataset_new_like (in, 1, C * K);
  for (size_t c = 0; c < C; c++)
    {
      char cb[TD_CHANNEL_NAME_BUF];
      const char *ch = td_dataset_channel_name (in, c, cb);
      for (size_t k = 0; k < K; k++)
        {
          g_autofree char *name = g_strdup_printf ("%s.%s", ch, self->names[k]);
          td_dataset_set_channel_name (out, c * K + k, name);
        }
    }

  size_t n_workers = feat_workers (ctx, in->n_series, in->n_series * in->n_steps * C);
  FeatScratch *scratch = feat_scratch_new (n_workers, C, in->n_steps);
  Fft *fft = g_new0 (Fft, MAX (n_workers, (size_t) 1));
  Job job = { self, in, out, scratch, fft, 0 };
  gboolean ok = feat_run (ctx, n_workers, in->n_series, 4, compute_series, &job, PLUGIN,
                          error);
  for (size_t w = 0; w < n_workers; w++)
    fft_clear (&fft[w]);
  g_free (fft);
  feat_scratch_free (scratch, n_workers);
  if (ok && job.failed)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                           PLUGIN ": GSL's FFT failed (out of memory?)");
      ok = FALSE;
    }
  return ok ? g_steal_pointer (&out) : NULL;
}

static const TdParamSpec spectral_params[] = {
  { .name = "bands", .type = TD_PARAM_DOUBLE_LIST,
    .default_value = "[0, 0.001, 0.01, 0.05, 0.1, 0.5]", .min = 0, .max = 1e12,
    .help = "increasing band edges in Hz: band i is [edge i, edge i+1); the last band "
            "includes its upper edge" },
  { .name = "sample_rate_hz", .type = TD_PARAM_DOUBLE, .default_value = "1", .min = 1e-12,
    .max = 1e12, .help = "samples per second (Nyquist = sample_rate_hz / 2)" },
  { .name = "relative", .type = TD_PARAM_BOOL, .default_value = "false",
    .help = "band powers as fractions of the total (variance) instead of squared units" },
};

static const TdFeatureVTable spectral_vtable = {
  .role = TD_FEATURE_EXTRACT,
  .accepts = TD_DATA_SEQUENCE,
  .create = spectral_create,
  .fit = NULL,
  .transform = spectral_transform,
  .destroy = spectral_destroy,
};

static const TdPluginDescriptor spectral_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_FEATURE,
  .name = PLUGIN,
  .version = "1.0.0",
  .summary = "band powers and dominant frequency per channel (GSL real FFT, mean removed)",
  .params = spectral_params,
  .n_params = G_N_ELEMENTS (spectral_params),
  .vtable = &spectral_vtable,
};

const TdPluginDescriptor *
feat_spectral_descriptor (void)
{
  return &spectral_descriptor;
}
