/* dataset_helpers.c — dataset.h's small helpers every plugin used to write
 * for itself: task names, channel-name fallback, length and sequence checks. */
#include <tundish/dataset.h>
#include <tundish/plugin.h>

const char *
td_task_name (TdTask task)
{
  switch (task)
    {
    case TD_TASK_BINARY: return "binary";
    case TD_TASK_MULTICLASS: return "multiclass";
    case TD_TASK_ANOMALY: return "anomaly";
    case TD_TASK_REGRESSION: return "regression";
    }
  return "unknown";
}

const char *
td_dataset_channel_name (const TdDataset *ds, size_t c, char buf[TD_CHANNEL_NAME_BUF])
{
  if (ds->channel_names && ds->channel_names[c])
    return ds->channel_names[c];
  g_snprintf (buf, TD_CHANNEL_NAME_BUF, "c%zu", c);
  return buf;
}

static gint64
series_id (const TdDataset *ds, size_t s)
{
  return ds->series_id ? ds->series_id[s] : (gint64) s;
}

gboolean
td_dataset_check_lengths (const TdDataset *ds, const char *who, GError **error)
{
  for (size_t s = 0; ds->lengths && s < ds->n_series; s++)
    if (ds->lengths[s] > ds->n_steps)
      {
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     "%s: series %" G_GINT64_FORMAT " has length %u > n_steps %zu", who,
                     series_id (ds, s), (unsigned) ds->lengths[s], ds->n_steps);
        return FALSE;
      }
  return TRUE;
}

gboolean
td_dataset_check_sequences (const TdDataset *ds, const char *who, const char *what,
                            GError **error)
{
  if (ds->n_series == 0 || ds->n_steps == 0 || ds->n_channels == 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: the %s data is empty (%zu series × %zu steps × %zu channels)", who,
                   what, ds->n_series, ds->n_steps, ds->n_channels);
      return FALSE;
    }
  if (ds->n_steps == 1)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: the %s data has one step per series (a feature matrix?); this model "
                   "takes sequences, so remove the feature extractors before it", who, what);
      return FALSE;
    }
  for (size_t s = 0; ds->lengths && s < ds->n_series; s++)
    if (ds->lengths[s] == 0 || ds->lengths[s] > ds->n_steps)
      {
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     "%s: series %" G_GINT64_FORMAT " of the %s data has length %u; "
                     "lengths must be in 1..%zu", who, series_id (ds, s), what,
                     (unsigned) ds->lengths[s], ds->n_steps);
        return FALSE;
      }
  return TRUE;
}
