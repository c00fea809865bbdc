/* seq_input.c — the sequence models' input checks and standardiser; see
 * seq_common.h. */
#include <math.h>

#include "seq_common.h"

static gint64
series_id (const TdDataset *ds, size_t s)
{
  return ds->series_id ? ds->series_id[s] : (gint64) s;
}

gboolean
seq_check_sequences (const char *plugin, const TdDataset *ds, const char *what, GError **error)
{
  if (!td_dataset_check_sequences (ds, plugin, what, error))
    return FALSE;
  for (size_t s = 0; s < ds->n_series; s++)
    {
      const size_t L = td_dataset_length (ds, s);
      const float *x = td_dataset_series (ds, s);
      for (size_t k = 0; k < L * ds->n_channels; k++)
        if (!isfinite (x[k]))
          {
            char cb[TD_CHANNEL_NAME_BUF];
            g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                         "%s: series %" G_GINT64_FORMAT " of the %s data holds %s at step "
                         "%zu, channel \"%s\", where a finite value was expected; impute or "
                         "drop missing values before the model (e.g. a resample/zscore "
                         "feature step)", plugin, series_id (ds, s), what,
                         isnan (x[k]) ? "NaN" : "an infinite value", k / ds->n_channels,
                         td_dataset_channel_name (ds, k % ds->n_channels, cb));
            return FALSE;
          }
    }
  return TRUE;
}

gboolean
seq_check_channels (const char *plugin, const TdDataset *ds, size_t C, char *const *names,
                    GError **error)
{
  if (ds->n_channels != C)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: the model was fitted on %zu channels, the input has %zu", plugin, C,
                   ds->n_channels);
      return FALSE;
    }
  for (size_t c = 0; ds->channel_names && names && c < C; c++)
    if (ds->channel_names[c] && *names[c] && g_strcmp0 (ds->channel_names[c], names[c]) != 0)
      {
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     "%s: channel %zu is \"%s\" in the input but was \"%s\" at fit", plugin, c,
                     ds->channel_names[c], names[c]);
        return FALSE;
      }
  return TRUE;
}

gboolean
seq_check_input (const char *plugin, gboolean fitted, const TdDataset *ds, size_t C,
                 char *const *names, GError **error)
{
  if (!fitted)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED, "%s: predict before fit or load",
                   plugin);
      return FALSE;
    }
  return seq_check_sequences (plugin, ds, "input", error)
    && seq_check_channels (plugin, ds, C, names, error);
}

gboolean
seq_check_series (const char *plugin, const TdDataset *ds, size_t series, GError **error)
{
  if (series < ds->n_series)
    return TRUE;
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
               "%s: series %zu out of range (%zu series)", plugin, series, ds->n_series);
  return FALSE;
}

char **
seq_channel_names (const TdDataset *ds)
{
  char **names = g_new0 (char *, ds->n_channels + 1);
  for (size_t c = 0; c < ds->n_channels; c++)
    names[c] = g_strdup (ds->channel_names && ds->channel_names[c] ? ds->channel_names[c] : "");
  return names;
}

void
seq_fit_standardiser (const TdDataset *ds, float **mean, float **scale)
{
  const size_t C = ds->n_channels;
  g_autofree double *sum = g_new0 (double, MAX (C, 1));
  g_autofree double *ss = g_new0 (double, MAX (C, 1));
  double count = 0;
  for (size_t s = 0; s < ds->n_series; s++)
    {
      const float *x = td_dataset_series (ds, s);
      const size_t L = td_dataset_length (ds, s);
      for (size_t t = 0; t < L; t++)
        for (size_t c = 0; c < C; c++)
          sum[c] += x[t * C + c];
      count += (double) L;
    }
  for (size_t c = 0; c < C; c++)
    sum[c] /= count;
  /* the deviations in a second pass: exact for data far from zero */
  for (size_t s = 0; s < ds->n_series; s++)
    {
      const float *x = td_dataset_series (ds, s);
      const size_t L = td_dataset_length (ds, s);
      for (size_t t = 0; t < L; t++)
        for (size_t c = 0; c < C; c++)
          {
            const double d = x[t * C + c] - sum[c];
            ss[c] += d * d;
          }
    }
  *mean = g_new (float, MAX (C, 1));
  *scale = g_new (float, MAX (C, 1));
  for (size_t c = 0; c < C; c++)
    {
      const double sd = sqrt (ss[c] / count);
      (*mean)[c] = (float) sum[c];
      (*scale)[c] = sd > 1e-12 * fmax (1.0, fabs (sum[c])) ? (float) sd : 1.0f;
    }
}

NnSeqData
seq_nn_data (const TdDataset *ds, const float *mean, const float *scale)
{
  return (NnSeqData) { .n = ds->n_series, .T = ds->n_steps, .C = ds->n_channels, .x = ds->x,
                       .len = ds->lengths, .y = ds->y, .mean = mean, .scale = scale };
}
