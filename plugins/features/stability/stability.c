/* stability — how steadily each channel behaves: spikes, excursions out of
 * the normal band, mean absolute rate of change, and how often the direction
 * of change flips.
 *
 * Per channel, over the valid steps x[0..n) of a series, with first
 * differences d[t] = x[t] - x[t-1] (t >= 1), columns "<channel>.<feature>":
 *
 *   spike_count          #{t >= 1 : |d[t]| > spike_k · scale}
 *                        scale (spike_scale):
 *                          train_mad  1.4826 × MAD of d pooled over the
 *                                     channel's training series (1.2533 × the
 *                                     mean |d - median| when the MAD is 0),
 *                                     fitted on train
 *                          series_sd  the series' own sd of d (ddof 1), as the
 *                                     peer script computes it; NaN when n < 3
 *   excursion_count      #{t : out[t] and not out[t-1]}, out[-1] = false,
 *                        out[t] = x[t] < low or x[t] > high, the band fitted
 *                        on train (see feat_band.h)
 *   mean_abs_derivative  mean |d[t]| / sample_seconds (units per second);
 *                        NaN when n < 2
 *   sign_change_rate     #{t >= 2 : d[t] · d[t-1] < 0} / (n - 2); a zero
 *                        difference is no change of sign; NaN when n < 3
 *
 * NaN policy: a NaN among a channel's valid steps makes every feature of
 * that channel NaN; fitting skips NaN values (and differences touching one).
 *
 * Fitted state (train only): band low/high per channel and the spike scale;
 * saved to / loaded from a key file (feat_state.h).
 */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "feat_band.h"
#include "feat_common.h"
#include "feat_plugins.h"
#include "feat_state.h"

#define PLUGIN "stability"
#define VERSION "1.0.0"

enum { F_SPIKE, F_EXCURSION, F_MAD, F_SIGN, F_N };

static const char *const feature_names[F_N + 1] = {
  "spike_count", "excursion_count", "mean_abs_derivative", "sign_change_rate", NULL
};

static const char *const scale_choices[] = { "train_mad", "series_sd", NULL };

struct TdFeature {
  int features[F_N];
  size_t n_features;
  double spike_k, sample_seconds;
  gboolean series_sd;
  BandSpec band;
  /* fitted */
  gboolean fitted;
  char **channels;
  size_t n_channels;
  double *low, *high, *center, *scale;
};

static void
stability_destroy (TdFeature *self)
{
  if (!self)
    return;
  band_spec_clear (&self->band);
  g_strfreev (self->channels);
  g_free (self->low);
  g_free (self->high);
  g_free (self->center);
  g_free (self->scale);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdFeature, stability_destroy)

static TdFeature *
stability_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  g_autoptr (TdFeature) self = g_new0 (TdFeature, 1);
  size_t n = 0;
  const char *const *list = td_params_get_string_list (params, "features", &n);
  gboolean selected[F_N] = { FALSE };
  for (size_t i = 0; i < n; i++)
    for (int k = 0; k < F_N; k++)
      if (g_str_equal (list[i], feature_names[k]))
        selected[k] = TRUE;
  for (int k = 0; k < F_N; k++)
    if (selected[k])
      self->features[self->n_features++] = k;
  if (self->n_features == 0)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                           PLUGIN ": features is empty; select at least one of spike_count, "
                           "excursion_count, mean_abs_derivative, sign_change_rate");
      return NULL;
    }
  self->spike_k = td_params_get_double (params, "spike_k");
  self->sample_seconds = td_params_get_double (params, "sample_seconds");
  self->series_sd = g_str_equal (td_params_get_string (params, "spike_scale"), "series_sd");
  if (!band_spec_init (&self->band, params, PLUGIN, error))
    return NULL;
  return g_steal_pointer (&self);
}

static void
alloc_state (TdFeature *self, size_t n_channels)
{
  self->n_channels = n_channels;
  size_t n = MAX (n_channels, (size_t) 1);
  self->low = g_new0 (double, n);
  self->high = g_new0 (double, n);
  self->center = g_new0 (double, n);
  self->scale = g_new0 (double, n);
}

/* ------------------------------------------------------------------ fit */

typedef struct {
  const TdDataset *train;
  double *scale;
  gboolean *empty;
  double **buf;        /* per worker, feat_total_steps (train) values */
} ScaleJob;

static void
fit_scales (gpointer data, size_t worker, size_t begin, size_t end)
{
  ScaleJob *j = data;
  for (size_t c = begin; c < end; c++)
    {
      size_t n = feat_pool_diffs (j->train, c, j->buf[worker]);
      j->empty[c] = n == 0;
      j->scale[c] = n ? feat_robust_scale (j->buf[worker], n, NULL) : NAN;
    }
}

static gboolean
stability_fit (TdFeature *self, const TdDataset *train, TdContext *ctx, GError **error)
{
  if (!td_dataset_check_lengths (train, PLUGIN, error))
    return FALSE;
  g_strfreev (self->channels);
  g_free (self->low);
  g_free (self->high);
  g_free (self->center);
  g_free (self->scale);
  self->channels = feat_state_channel_names (train);
  alloc_state (self, train->n_channels);
  self->fitted = FALSE;

  gboolean need_band = FALSE, need_scale = FALSE;
  for (size_t k = 0; k < self->n_features; k++)
    {
      need_band |= self->features[k] == F_EXCURSION;
      need_scale |= self->features[k] == F_SPIKE && !self->series_sd;
    }
  /* Limits are fitted even when no column uses them only if they are free
   * (fixed); otherwise an unused band would cost a pass over train. */
  if (need_band || self->band.method == BAND_FIXED)
    {
      if (!band_fit (&self->band, train, ctx, self->low, self->high, self->center, PLUGIN,
                     error))
        return FALSE;
    }
  else
    for (size_t c = 0; c < train->n_channels; c++)
      self->low[c] = self->high[c] = self->center[c] = NAN;

  for (size_t c = 0; c < train->n_channels; c++)
    self->scale[c] = NAN;
  if (need_scale)
    {
      size_t C = train->n_channels;
      g_autofree gboolean *empty = g_new0 (gboolean, MAX (C, (size_t) 1));
      size_t n_workers = feat_workers (ctx, C, train->n_series * train->n_steps * C);
      size_t total = feat_total_steps (train);
      g_autofree double **buf = g_new0 (double *, MAX (n_workers, (size_t) 1));
      for (size_t w = 0; w < n_workers; w++)
        buf[w] = g_new (double, MAX (total, (size_t) 1));
      ScaleJob job = { train, self->scale, empty, buf };
      gboolean ok = feat_run (ctx, n_workers, C, 1, fit_scales, &job, PLUGIN, error);
      for (size_t w = 0; w < n_workers; w++)
        g_free (buf[w]);
      if (!ok)
        return FALSE;
      for (size_t c = 0; c < C; c++)
        if (empty[c])
          {
            g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                         PLUGIN ": channel %s has no pair of consecutive valid training values "
                         "to fit the spike scale on", self->channels[c]);
            return FALSE;
          }
    }
  self->fitted = TRUE;
  return TRUE;
}

/* ------------------------------------------------------------ transform */

typedef struct {
  double spike, excursion, mad, sign;
} Values;

/* sum |d[i]| and sum (d[i] - m)^2 over d[0..n), each in eight lanes (the
 * vectoriser needs them in separate loops; the order is fixed, so the
 * result is deterministic). */
static void
diff_sums (const double *d, size_t n, double m, double *sum_abs, double *sum_sq)
{
  double a[8] = { 0 }, q[8] = { 0 };
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++)
      a[j] += fabs (d[i + j]);
  for (; i < n; i++)
    a[0] += fabs (d[i]);
  for (i = 0; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++)
      {
        double e = d[i + j] - m;
        q[j] += e * e;
      }
  for (; i < n; i++)
    q[0] += (d[i] - m) * (d[i] - m);
  *sum_abs = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
  *sum_sq = ((q[0] + q[1]) + (q[2] + q[3])) + ((q[4] + q[5]) + (q[6] + q[7]));
}

/* Counts kept in eight double lanes: SSE2 can compare doubles and add the
 * 0/1 masks in vector registers, which integer counters of double
 * comparisons defeat. Exact for any count below 2^53. */
#define LANES_SUM(c) ((((c)[0] + (c)[1]) + ((c)[2] + (c)[3])) + (((c)[4] + (c)[5]) + ((c)[6] + (c)[7])))

/* #{i : |d[i]| > thr} */
static double
count_above (const double *d, size_t n, double thr)
{
  double c[8] = { 0 };
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++)
      c[j] += fabs (d[i + j]) > thr ? 1.0 : 0.0;
  for (; i < n; i++)
    c[0] += fabs (d[i]) > thr ? 1.0 : 0.0;
  return LANES_SUM (c);
}

/* One channel's features; d[n] is scratch. Short passes without
 * loop-carried state, each of which vectorises: excursions and the NaN
 * check on x (outside at t and not at t - 1, both recomputed, compared in
 * float with thresholds equivalent to the double band), sign changes (float
 * comparisons), the differences (exact in double), their sums and the
 * spikes. The mean difference telescopes to (x[n-1] - x[0]) / (n - 1). */
static void
channel_values (const TdFeature *self, size_t c, const float *v, size_t n, double *d,
                Values *out)
{
  *out = (Values) { NAN, NAN, NAN, NAN };
  if (n == 0)
    return;
  const float lo = feat_float_below (self->low[c]), hi = feat_float_above (self->high[c]);

  /* d[t] d[t-1] < 0 exactly when the float steps go up then down or down
   * then up, which float comparisons tell exactly (a zero step is neither) */
  unsigned entries = (v[0] < lo) | (v[0] > hi), nan = v[0] != v[0], changes = 0;
  for (size_t t = 1; t + 1 < n; t++)
    {
      unsigned o = (v[t] < lo) | (v[t] > hi), p = (v[t - 1] < lo) | (v[t - 1] > hi);
      entries += o & !p;
      nan |= v[t] != v[t];
      unsigned up = v[t + 1] > v[t], down = v[t + 1] < v[t];
      unsigned was_up = v[t] > v[t - 1], was_down = v[t] < v[t - 1];
      changes += (up & was_down) | (down & was_up);
    }
  if (n >= 2)
    {
      size_t t = n - 1;
      unsigned o = (v[t] < lo) | (v[t] > hi), p = (v[t - 1] < lo) | (v[t - 1] > hi);
      entries += o & !p;
      nan |= v[t] != v[t];
    }
  if (nan)
    return;

  size_t nd = n - 1;
  for (size_t i = 0; i < nd; i++)
    d[i] = (double) v[i + 1] - (double) v[i];
  double m = nd ? ((double) v[n - 1] - (double) v[0]) / (double) nd : 0.0;
  double sum_abs = 0.0, sum_sq = 0.0;
  diff_sums (d, nd, m, &sum_abs, &sum_sq);

  double thr;
  if (self->series_sd)
    thr = n >= 3 ? self->spike_k * sqrt (sum_sq / (double) (n - 2)) : NAN;
  else
    thr = self->spike_k * self->scale[c];

  out->spike = isnan (thr) ? NAN : count_above (d, nd, thr);
  out->excursion = isnan (self->low[c]) ? NAN : (double) entries;
  out->mad = n >= 2 ? sum_abs / (double) nd / self->sample_seconds : NAN;
  out->sign = n >= 3 ? (double) changes / (double) (n - 2) : NAN;
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
  const TdFeature *self = j->self;
  FeatScratch *sc = &j->scratch[worker];
  size_t C = j->in->n_channels, K = self->n_features;
  for (size_t s = begin; s < end; s++)
    {
      size_t len = td_dataset_length (j->in, s);
      feat_gather (j->in, s, len, sc->ch);
      float *dst = td_dataset_series (j->out, s);
      for (size_t c = 0; c < C; c++)
        {
          Values v;
          channel_values (self, c, sc->ch[c], len, sc->dtmp, &v);
          double all[F_N] = { v.spike, v.excursion, v.mad, v.sign };
          for (size_t k = 0; k < K; k++)
            dst[c * K + k] = (float) all[self->features[k]];
        }
    }
}

static TdDataset *
stability_transform (TdFeature *self, const TdDataset *in, TdContext *ctx, GError **error)
{
  if (!self->fitted)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                           PLUGIN ": transform before fit (or load)");
      return NULL;
    }
  if (!td_dataset_check_lengths (in, PLUGIN, error)
      || !feat_state_check_channels (in, self->channels, self->n_channels, PLUGIN, error))
    return NULL;

  size_t C = in->n_channels, K = self->n_features;
  g_autoptr (TdDataset) out = td_dataset_new_like (in, 1, C * K);
  for (size_t c = 0; c < C; c++)
    for (size_t k = 0; k < K; k++)
      {
        g_autofree char *name = g_strdup_printf ("%s.%s", self->channels[c],
                                                 feature_names[self->features[k]]);
        td_dataset_set_channel_name (out, c * K + k, name);
      }

  size_t n_workers = feat_workers (ctx, in->n_series, in->n_series * in->n_steps * C);
  FeatScratch *scratch = feat_scratch_new (n_workers, C, in->n_steps);
  Job job = { self, in, out, scratch };
  gboolean ok = feat_run (ctx, n_workers, in->n_series, 8, compute_series, &job, PLUGIN,
                          error);
  feat_scratch_free (scratch, n_workers);
  return ok ? g_steal_pointer (&out) : NULL;
}

/* ----------------------------------------------------------- save/load */

static gboolean
stability_save (TdFeature *self, const char *path, GError **error)
{
  if (!self->fitted)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                           PLUGIN ": nothing to save before fit");
      return FALSE;
    }
  g_autoptr (GKeyFile) kf = feat_state_new (PLUGIN, VERSION, self->channels, self->n_channels);
  feat_state_set_doubles (kf, PLUGIN, "low", self->low, self->n_channels);
  feat_state_set_doubles (kf, PLUGIN, "high", self->high, self->n_channels);
  feat_state_set_doubles (kf, PLUGIN, "center", self->center, self->n_channels);
  feat_state_set_doubles (kf, PLUGIN, "spike_scale", self->scale, self->n_channels);
  return feat_state_save (kf, path, PLUGIN, error);
}

static TdFeature *
stability_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  g_autoptr (TdFeature) self = stability_create (params, ctx, error);
  if (!self)
    return NULL;
  size_t n = 0;
  g_autoptr (GKeyFile) kf = feat_state_load (path, PLUGIN, &self->channels, &n, error);
  if (!kf)
    return NULL;
  alloc_state (self, n);
  if (!feat_state_get_doubles (kf, PLUGIN, "low", self->low, n, error)
      || !feat_state_get_doubles (kf, PLUGIN, "high", self->high, n, error)
      || !feat_state_get_doubles (kf, PLUGIN, "center", self->center, n, error)
      || !feat_state_get_doubles (kf, PLUGIN, "spike_scale", self->scale, n, error))
    return NULL;
  self->fitted = TRUE;
  return g_steal_pointer (&self);
}

/* ---------------------------------------------------------- descriptor */

static const TdParamSpec stability_params[] = {
  { .name = "features", .type = TD_PARAM_STRING_LIST,
    .default_value = "[spike_count, excursion_count, mean_abs_derivative, sign_change_rate]",
    .choices = feature_names,
    .help = "features per channel, emitted in the order spike_count, excursion_count, "
            "mean_abs_derivative, sign_change_rate" },
  { .name = "spike_k", .type = TD_PARAM_DOUBLE, .default_value = "3", .min = 0, .max = 1e6,
    .help = "a spike is a step change |x[t] - x[t-1]| above spike_k × scale" },
  { .name = "spike_scale", .type = TD_PARAM_ENUM, .default_value = "train_mad",
    .choices = scale_choices,
    .help = "scale of the step changes: train_mad (1.4826·MAD over the training series, "
            "fitted) or series_sd (each series' own sd, ddof 1)" },
  { .name = "sample_seconds", .type = TD_PARAM_DOUBLE, .default_value = "1", .min = 1e-9,
    .max = 1e9, .help = "seconds per step (mean_abs_derivative is per second)" },
  BAND_PARAM_SPECS,
};

static const TdFeatureVTable stability_vtable = {
  .role = TD_FEATURE_EXTRACT,
  .accepts = TD_DATA_SEQUENCE,
  .create = stability_create,
  .fit = stability_fit,
  .transform = stability_transform,
  .destroy = stability_destroy,
  .save = stability_save,
  .load = stability_load,
};

static const TdPluginDescriptor stability_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_FEATURE,
  .name = PLUGIN,
  .version = VERSION,
  .summary = "spike and excursion counts (scale and band fitted on train), mean absolute "
             "derivative and sign-change rate per channel",
  .params = stability_params,
  .n_params = G_N_ELEMENTS (stability_params),
  .vtable = &stability_vtable,
};

const TdPluginDescriptor *
feat_stability_descriptor (void)
{
  return &stability_descriptor;
}
