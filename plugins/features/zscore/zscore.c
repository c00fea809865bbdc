/* zscore — standardise every channel with the training split's mean and sd.
 *
 * A transform for sequences or feature matrices: out = (x − mean_c) / sd_c,
 * with mean_c and sd_c fitted on the training split only, over the valid
 * steps of every series (input->lengths; padding is ignored) and skipping NaN.
 * sd is the population standard deviation (ddof 0), two-pass in double.
 *
 * - A channel that is constant in the training split (sd 0) is only centred
 *   (divided by 1), with a log line: its values carry no scale to learn.
 * - A channel with no valid value in the training split fails the fit.
 * - NaN stays NaN (put `missing` first to repair it); padding steps become 0,
 *   the standardised mean, so a model that ignores the mask sees neutral values.
 *
 * The input's channels must match the fitted ones by count and name. Fitted
 * state (names, means, sds) is saved as a GKeyFile with %.17g doubles, so a
 * loaded stage reproduces the fitted one bit for bit.
 */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#define ZSCORE_FORMAT 1

struct TdFeature {
  gboolean fitted;
  size_t n_channels;
  char **channel_names;   /* NULL-terminated */
  double *mean, *sd;      /* [n_channels]; sd is the divisor (1 for a constant channel) */
};

static TdFeature *
zscore_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) params;
  (void) ctx;
  (void) error;
  return g_new0 (TdFeature, 1);
}

static void
zscore_destroy (TdFeature *self)
{
  if (!self)
    return;
  g_strfreev (self->channel_names);
  g_free (self->mean);
  g_free (self->sd);
  g_free (self);
}

static gboolean
zscore_fit (TdFeature *self, const TdDataset *train, TdContext *ctx, GError **error)
{
  if (!td_dataset_check_lengths (train, "zscore", error))
    return FALSE;
  const size_t nc = train->n_channels;
  g_autofree double *sum = g_new0 (double, MAX (nc, (size_t) 1));
  g_autofree double *ss = g_new0 (double, MAX (nc, (size_t) 1));
  g_autofree size_t *count = g_new0 (size_t, MAX (nc, (size_t) 1));
  for (size_t s = 0; s < train->n_series; s++)
    {
      const float *x = td_dataset_series (train, s);
      for (size_t i = 0; i < td_dataset_length (train, s) * nc; i++)
        if (!isnan (x[i]))
          {
            sum[i % nc] += x[i];
            count[i % nc]++;
          }
    }
  for (size_t c = 0; c < nc; c++)
    if (count[c] == 0)
      {
        char buf[TD_CHANNEL_NAME_BUF];
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     "zscore: channel \"%s\" has no valid value in the training split",
                     td_dataset_channel_name (train, c, buf));
        return FALSE;
      }
  /* Second pass about the mean: sensors sit at large offsets (1520 °C) with
   * small fluctuations, where the one-pass formula loses every digit. */
  for (size_t c = 0; c < nc; c++)
    sum[c] /= (double) count[c];
  for (size_t s = 0; s < train->n_series; s++)
    {
      const float *x = td_dataset_series (train, s);
      for (size_t i = 0; i < td_dataset_length (train, s) * nc; i++)
        if (!isnan (x[i]))
          {
            double d = x[i] - sum[i % nc];
            ss[i % nc] += d * d;
          }
    }

  g_strfreev (self->channel_names);
  g_free (self->mean);
  g_free (self->sd);
  self->n_channels = nc;
  self->channel_names = g_new0 (char *, nc + 1);
  self->mean = g_new (double, MAX (nc, (size_t) 1));
  self->sd = g_new (double, MAX (nc, (size_t) 1));
  for (size_t c = 0; c < nc; c++)
    {
      char buf[TD_CHANNEL_NAME_BUF];
      self->channel_names[c] = g_strdup (td_dataset_channel_name (train, c, buf));
      self->mean[c] = sum[c];
      self->sd[c] = sqrt (ss[c] / (double) count[c]);
      if (!(self->sd[c] > 0))
        {
          td_context_log (ctx, G_LOG_LEVEL_MESSAGE,
                          "zscore: channel \"%s\" is constant in the training split; "
                          "centred only", self->channel_names[c]);
          self->sd[c] = 1.0;
        }
    }
  self->fitted = TRUE;
  return TRUE;
}

static gboolean
check_channels (const TdFeature *self, const TdDataset *in, GError **error)
{
  if (!self->fitted)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                           "zscore: transform before fit or load");
      return FALSE;
    }
  if (in->n_channels != self->n_channels)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "zscore: fitted on %zu channels, the input has %zu", self->n_channels,
                   in->n_channels);
      return FALSE;
    }
  for (size_t c = 0; c < in->n_channels; c++)
    {
      char buf[TD_CHANNEL_NAME_BUF];
      const char *name = td_dataset_channel_name (in, c, buf);
      if (strcmp (name, self->channel_names[c]) != 0)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "zscore: channel %zu is \"%s\", fitted on \"%s\"", c, name,
                       self->channel_names[c]);
          return FALSE;
        }
    }
  return TRUE;
}

static TdDataset *
zscore_transform (TdFeature *self, const TdDataset *in, TdContext *ctx, GError **error)
{
  if (!td_dataset_check_lengths (in, "zscore", error) || !check_channels (self, in, error))
    return NULL;
  const size_t nc = in->n_channels;
  g_autoptr (TdDataset) out = td_dataset_new_like (in, in->n_steps, nc);
  for (size_t c = 0; c < nc; c++)
    td_dataset_set_channel_name (out, c, self->channel_names[c]);
  for (size_t s = 0; s < in->n_series; s++)
    {
      if (s % 256 == 0 && td_context_cancelled (ctx))
        {
          g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_CANCELLED,
                               "zscore: cancelled");
          return NULL;
        }
      const float *x = td_dataset_series (in, s);
      float *y = td_dataset_series (out, s);
      /* Padding stays 0 (from td_dataset_new_like). */
      for (size_t i = 0; i < td_dataset_length (in, s) * nc; i++)
        y[i] = (float) ((x[i] - self->mean[i % nc]) / self->sd[i % nc]);
    }
  return g_steal_pointer (&out);
}

static gboolean
zscore_save (TdFeature *self, const char *path, GError **error)
{
  if (!self->fitted)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                           "zscore: nothing to save before fit");
      return FALSE;
    }
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_key_file_set_integer (kf, "zscore", "format", ZSCORE_FORMAT);
  g_key_file_set_string_list (kf, "zscore", "channels",
                              (const char *const *) self->channel_names, self->n_channels);
  g_key_file_set_double_list (kf, "zscore", "mean", self->mean, self->n_channels);
  g_key_file_set_double_list (kf, "zscore", "sd", self->sd, self->n_channels);
  GError *local = NULL;
  gsize len = 0;
  g_autofree char *text = g_key_file_to_data (kf, &len, NULL);
  if (!td_file_write_atomic (path, text, (gssize) len, &local))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "zscore: %s", local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}

static TdFeature *
zscore_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  GError *local = NULL;
  gsize n_names = 0, n_mean = 0, n_sd = 0;
  g_auto (GStrv) names = NULL;
  g_autofree double *mean = NULL, *sd = NULL;
  gboolean ok = g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local)
                && g_key_file_get_integer (kf, "zscore", "format", &local) == ZSCORE_FORMAT
                && (names = g_key_file_get_string_list (kf, "zscore", "channels", &n_names,
                                                        &local))
                && (mean = g_key_file_get_double_list (kf, "zscore", "mean", &n_mean, &local))
                && (sd = g_key_file_get_double_list (kf, "zscore", "sd", &n_sd, &local))
                && n_mean == n_names && n_sd == n_names;
  for (gsize c = 0; ok && c < n_names; c++)
    ok = isfinite (mean[c]) && sd[c] > 0 && isfinite (sd[c]);
  if (!ok)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "zscore: %s is not a saved zscore stage (format %d): %s", path,
                   ZSCORE_FORMAT, local ? local->message : "bad format, counts or values");
      g_clear_error (&local);
      return NULL;
    }
  TdFeature *self = zscore_create (params, ctx, error);
  self->fitted = TRUE;
  self->n_channels = n_names;
  self->channel_names = g_steal_pointer (&names);
  self->mean = g_steal_pointer (&mean);
  self->sd = g_steal_pointer (&sd);
  return self;
}

static const TdFeatureVTable zscore_vtable = {
  .role = TD_FEATURE_TRANSFORM,
  .accepts = TD_DATA_SEQUENCE | TD_DATA_MATRIX,
  .create = zscore_create,
  .fit = zscore_fit,
  .transform = zscore_transform,
  .destroy = zscore_destroy,
  .save = zscore_save,
  .load = zscore_load,
};

static const TdPluginDescriptor zscore_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_FEATURE,
  .name = "zscore",
  .version = "1.0.0",
  .summary = "per-channel standardisation with the training split's mean and sd",
  .params = NULL,
  .n_params = 0,
  .vtable = &zscore_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &zscore_descriptor : NULL;
}
