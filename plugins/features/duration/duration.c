/* duration — how long each channel stays outside its normal band.
 *
 * Per channel, over the valid steps x[0..n) of a series, with the band
 * [low, high] fitted on train (feat_band.h) and dt = sample_seconds,
 * columns "<channel>.<feature>":
 *
 *   seconds_above        #{t : x[t] > high} × dt
 *   seconds_below        #{t : x[t] < low} × dt
 *   longest_run_outside  the longest run of consecutive steps outside the
 *                        band (above or below), × dt
 *   long_runs_outside    the number of maximal runs outside the band lasting
 *                        at least min_run_seconds, i.e. of at least
 *                        L = max(1, ceil(min_run_seconds / dt)) steps
 *
 * At 1 Hz (the default dt = 1) seconds are steps. A run continues across a
 * jump from above to below the band (it is one stretch outside).
 *
 * NaN policy: a NaN among a channel's valid steps makes every feature of
 * that channel NaN; fitting skips NaN values. An empty series gives NaN.
 *
 * Fitted state (train only): the band per channel, saved to / loaded from a
 * key file (feat_state.h).
 */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "feat_band.h"
#include "feat_common.h"
#include "feat_plugins.h"
#include "feat_state.h"

#define PLUGIN "duration"
#define VERSION "1.0.0"

enum { F_ABOVE, F_BELOW, F_LONGEST, F_LONG_RUNS, F_N };

static const char *const feature_names[F_N + 1] = {
  "seconds_above", "seconds_below", "longest_run_outside", "long_runs_outside", NULL
};

struct TdFeature {
  int features[F_N];
  size_t n_features;
  double sample_seconds, min_run_seconds;
  size_t min_run_steps;
  BandSpec band;
  /* fitted */
  gboolean fitted;
  char **channels;
  size_t n_channels;
  double *low, *high, *center;
};

static void
duration_destroy (TdFeature *self)
{
  if (!self)
    return;
  band_spec_clear (&self->band);
  g_strfreev (self->channels);
  g_free (self->low);
  g_free (self->high);
  g_free (self->center);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdFeature, duration_destroy)

static TdFeature *
duration_create (const TdParams *params, TdContext *ctx, GError **error)
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
                           PLUGIN ": features is empty; select at least one of seconds_above, "
                           "seconds_below, longest_run_outside, long_runs_outside");
      return NULL;
    }
  self->sample_seconds = td_params_get_double (params, "sample_seconds");
  self->min_run_seconds = td_params_get_double (params, "min_run_seconds");
  double steps = ceil (self->min_run_seconds / self->sample_seconds);
  if (!(steps < 4e9))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   PLUGIN ": min_run_seconds / sample_seconds = %g steps is too many", steps);
      return NULL;
    }
  self->min_run_steps = steps < 1.0 ? 1 : (size_t) steps;
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
}

static gboolean
duration_fit (TdFeature *self, const TdDataset *train, TdContext *ctx, GError **error)
{
  if (!td_dataset_check_lengths (train, PLUGIN, error))
    return FALSE;
  g_strfreev (self->channels);
  g_free (self->low);
  g_free (self->high);
  g_free (self->center);
  self->channels = feat_state_channel_names (train);
  alloc_state (self, train->n_channels);
  self->fitted = band_fit (&self->band, train, ctx, self->low, self->high, self->center,
                           PLUGIN, error);
  return self->fitted;
}

/* Counts of one channel: above, below, longest run outside, long runs;
 * FALSE when v holds a NaN. lo and hi are the band as float thresholds
 * (feat_float_below/above: the same answers as the double limits).
 * The first pass is branch-free and vectorises; it leaves the outside mask,
 * which the second walks eight steps at a time, stopping only where a step
 * is outside, usually a small fraction of the series. */
static gboolean
channel_counts (const float *v, size_t n, float lo, float hi, size_t min_run, guint8 *mask,
                size_t out[F_N])
{
  unsigned above = 0, below = 0, nan = 0;
  for (size_t t = 0; t < n; t++)
    {
      float x = v[t];
      unsigned a = x > hi, b = x < lo;
      above += a;
      below += b;
      nan |= x != x;
      mask[t] = (guint8) (a | b);
    }
  if (nan)
    return FALSE;
  memset (mask + n, 0, 8);

  size_t longest = 0, long_runs = 0, t = 0;
  while (t < n)
    {
      guint64 word;
      memcpy (&word, mask + t, sizeof word);
      if (word == 0)
        {
          t += 8;
          continue;
        }
      if (!mask[t])
        {
          t++;
          continue;
        }
      size_t start = t;
      while (t < n && mask[t])
        t++;
      size_t run = t - start;
      longest = run > longest ? run : longest;
      long_runs += run >= min_run;
    }
  out[F_ABOVE] = above;
  out[F_BELOW] = below;
  out[F_LONGEST] = longest;
  out[F_LONG_RUNS] = long_runs;
  return TRUE;
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
  const double dt = self->sample_seconds;
  for (size_t s = begin; s < end; s++)
    {
      size_t len = td_dataset_length (j->in, s);
      feat_gather (j->in, s, len, sc->ch);
      float *dst = td_dataset_series (j->out, s);
      for (size_t c = 0; c < C; c++)
        {
          double all[F_N] = { NAN, NAN, NAN, NAN };
          size_t n[F_N];
          if (len > 0
              && channel_counts (sc->ch[c], len, feat_float_below (self->low[c]),
                                 feat_float_above (self->high[c]), self->min_run_steps,
                                 sc->mask, n))
            {
              all[F_ABOVE] = (double) n[F_ABOVE] * dt;
              all[F_BELOW] = (double) n[F_BELOW] * dt;
              all[F_LONGEST] = (double) n[F_LONGEST] * dt;
              all[F_LONG_RUNS] = (double) n[F_LONG_RUNS];
            }
          for (size_t k = 0; k < K; k++)
            dst[c * K + k] = (float) all[self->features[k]];
        }
    }
}

static TdDataset *
duration_transform (TdFeature *self, const TdDataset *in, TdContext *ctx, GError **error)
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

static gboolean
duration_save (TdFeature *self, const char *path, GError **error)
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
  return feat_state_save (kf, path, PLUGIN, error);
}

static TdFeature *
duration_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  g_autoptr (TdFeature) self = duration_create (params, ctx, error);
  if (!self)
    return NULL;
  size_t n = 0;
  g_autoptr (GKeyFile) kf = feat_state_load (path, PLUGIN, &self->channels, &n, error);
  if (!kf)
    return NULL;
  alloc_state (self, n);
  if (!feat_state_get_doubles (kf, PLUGIN, "low", self->low, n, error)
      || !feat_state_get_doubles (kf, PLUGIN, "high", self->high, n, error)
      || !feat_state_get_doubles (kf, PLUGIN, "center", self->center, n, error))
    return NULL;
  self->fitted = TRUE;
  return g_steal_pointer (&self);
}

static const TdParamSpec duration_params[] = {
  { .name = "features", .type = TD_PARAM_STRING_LIST,
    .default_value = "[seconds_above, seconds_below, longest_run_outside, long_runs_outside]",
    .choices = feature_names,
    .help = "features per channel, emitted in the order seconds_above, seconds_below, "
            "longest_run_outside, long_runs_outside" },
  { .name = "sample_seconds", .type = TD_PARAM_DOUBLE, .default_value = "1", .min = 1e-9,
    .max = 1e9, .help = "seconds per step" },
  { .name = "min_run_seconds", .type = TD_PARAM_DOUBLE, .default_value = "30", .min = 0,
    .max = 1e12, .help = "long_runs_outside counts runs outside the band lasting at least this" },
  BAND_PARAM_SPECS,
};

static const TdFeatureVTable duration_vtable = {
  .role = TD_FEATURE_EXTRACT,
  .accepts = TD_DATA_SEQUENCE,
  .create = duration_create,
  .fit = duration_fit,
  .transform = duration_transform,
  .destroy = duration_destroy,
  .save = duration_save,
  .load = duration_load,
};

static const TdPluginDescriptor duration_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_FEATURE,
  .name = PLUGIN,
  .version = VERSION,
  .summary = "time above/below the band fitted on train, longest run outside it and the "
             "number of long runs, per channel",
  .params = duration_params,
  .n_params = G_N_ELEMENTS (duration_params),
  .vtable = &duration_vtable,
};

const TdPluginDescriptor *
feat_duration_descriptor (void)
{
  return &duration_descriptor;
}
