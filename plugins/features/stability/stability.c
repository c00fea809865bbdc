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
 *                                     channel's training series (the sd of d
 *                                     when the MAD is 0), fitted on train
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
  TdBandSpec band;
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
  td_band_spec_clear (&self->band);
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
  if (!td_band_spec_init (&self->band, params, PLUGIN, error))
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
} ScaleJob;

static void
fit_scales (gpointer data, size_t worker, size_t begin, size_t end)
{
  (void) worker;
  ScaleJob *j = data;
  for (size_t c = begin; c < end; c++)
    {
      size_t n = 0;
      g_autofree double *d = td_feat_pool_diffs (j->train, c, &n);
      j->empty[c] = n == 0;
      j->scale[c] = n ? td_feat_robust_scale (d, n, NULL) : NAN;
    }
}

static gboolean
stability_fit (TdFeature *self, const TdDataset *train, TdContext *ctx, GError **error)
{
  if (!td_feat_check_lengths (train, PLUGIN, error))
    return FALSE;
  g_strfreev (self->channels);
  g_free (self->low);
  g_free (self->high);
  g_free (self->center);
  g_free (self->scale);
  self->channels = td_state_channel_names (train);
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
  if (need_band || self->band.method == TD_BAND_FIXED)
    {
      if (!td_band_fit (&self->band, train, ctx, self->low, self->high, self->center, PLUGIN,
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
      ScaleJob job = { train, self->scale, empty };
      if (!td_feat_run (ctx, td_feat_workers (ctx, C, train->n_series * train->n_steps * C), C, 1,
                        fit_scales, &job, PLUGIN, error))
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

/* The series' own sd of the differences (ddof 1), two passes. n >= 3. */
static double
diff_sd (const float *v, size_t n)
{
  double sum = 0.0;
  for (size_t t = 1; t < n; t++)
    sum += (double) v[t] - (double) v[t - 1];
  double mean = sum / (double) (n - 1), ss = 0.0;
  for (size_t t = 1; t < n; t++)
    {
      double e = ((double) v[t] - (double) v[t - 1]) - mean;
      ss += e * e;
    }
  return sqrt (ss / (double) (n - 2));
}

static void
channel_values (const TdFeature *self, size_t c, const float *v, size_t n, Values *out)
{
  *out = (Values) { NAN, NAN, NAN, NAN };
  if (n == 0 || td_feat_has_nan (v, n))
    return;
  double thr;
  if (self->series_sd)
    thr = n >= 3 ? self->spike_k * diff_sd (v, n) : NAN;
  else
    thr = self->spike_k * self->scale[c];
  const double low = self->low[c], high = self->high[c];

  size_t spikes = 0, changes = 0, entries = 0;
  double sabs[4] = { 0, 0, 0, 0 };
  int prev_out = (v[0] < low) | (v[0] > high);
  entries = (size_t) prev_out;
  double prev_d = 0.0;
  /* One fused pass; the four partial sums of |d| break the add latency
   * chain. Comparisons with a NaN threshold or band are simply false. */
#define STEP(t, acc)                                                  \
  do                                                                  \
    {                                                                 \
      double d = (double) v[t] - (double) v[(t) - 1], a = fabs (d);   \
      acc += a;                                                       \
      spikes += a > thr;                                              \
      changes += d * prev_d < 0.0;                                    \
      prev_d = d;                                                     \
      int o = (v[t] < low) | (v[t] > high);                           \
      entries += (size_t) (o & !prev_out);                            \
      prev_out = o;                                                   \
    }                                                                 \
  while (0)
  size_t t = 1;
  for (; t + 4 <= n; t += 4)
    {
      STEP (t, sabs[0]);
      STEP (t + 1, sabs[1]);
      STEP (t + 2, sabs[2]);
      STEP (t + 3, sabs[3]);
    }
  for (; t < n; t++)
    STEP (t, sabs[0]);
#undef STEP

  out->spike = isnan (thr) ? NAN : (double) spikes;
  out->excursion = isnan (low) ? NAN : (double) entries;
  out->mad = n >= 2 ? ((sabs[0] + sabs[1]) + (sabs[2] + sabs[3])) / (double) (n - 1)
                        / self->sample_seconds
                    : NAN;
  out->sign = n >= 3 ? (double) changes / (double) (n - 2) : NAN;
}

typedef struct {
  const TdFeature *self;
  const TdDataset *in;
  TdDataset *out;
  TdFeatScratch *scratch;
} Job;

static void
compute_series (gpointer data, size_t worker, size_t begin, size_t end)
{
  Job *j = data;
  const TdFeature *self = j->self;
  TdFeatScratch *sc = &j->scratch[worker];
  size_t C = j->in->n_channels, K = self->n_features;
  for (size_t s = begin; s < end; s++)
    {
      size_t len = td_feat_length (j->in, s);
      td_feat_gather (j->in, s, len, sc->ch);
      float *dst = td_dataset_series (j->out, s);
      for (size_t c = 0; c < C; c++)
        {
          Values v;
          channel_values (self, c, sc->ch[c], len, &v);
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
  if (!td_feat_check_lengths (in, PLUGIN, error)
      || !td_state_check_channels (in, self->channels, self->n_channels, PLUGIN, error))
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

  size_t n_workers = td_feat_workers (ctx, in->n_series, in->n_series * in->n_steps * C);
  TdFeatScratch *scratch = td_feat_scratch_new (n_workers, C, in->n_steps);
  Job job = { self, in, out, scratch };
  gboolean ok = td_feat_run (ctx, n_workers, in->n_series, 8, compute_series, &job, PLUGIN,
                             error);
  td_feat_scratch_free (scratch, n_workers);
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
  g_autoptr (GKeyFile) kf = td_state_new (PLUGIN, VERSION, self->channels, self->n_channels);
  td_state_set_doubles (kf, PLUGIN, "low", self->low, self->n_channels);
  td_state_set_doubles (kf, PLUGIN, "high", self->high, self->n_channels);
  td_state_set_doubles (kf, PLUGIN, "center", self->center, self->n_channels);
  td_state_set_doubles (kf, PLUGIN, "spike_scale", self->scale, self->n_channels);
  return td_state_save (kf, path, PLUGIN, error);
}

static TdFeature *
stability_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  g_autoptr (TdFeature) self = stability_create (params, ctx, error);
  if (!self)
    return NULL;
  size_t n = 0;
  g_autoptr (GKeyFile) kf = td_state_load (path, PLUGIN, &self->channels, &n, error);
  if (!kf)
    return NULL;
  alloc_state (self, n);
  if (!td_state_get_doubles (kf, PLUGIN, "low", self->low, n, error)
      || !td_state_get_doubles (kf, PLUGIN, "high", self->high, n, error)
      || !td_state_get_doubles (kf, PLUGIN, "center", self->center, n, error)
      || !td_state_get_doubles (kf, PLUGIN, "spike_scale", self->scale, n, error))
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
  TD_BAND_PARAM_SPECS,
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
td_feature_stability_descriptor (void)
{
  return &stability_descriptor;
}

#ifndef TD_FEATURE_NO_ENTRY
G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &stability_descriptor : NULL;
}
#endif
