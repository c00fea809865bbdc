/* data_check.c — see data_check.h. */
#include "data/data_check.h"

#include <math.h>
#include <string.h>
#include <tundish/plugin.h>

const char *
td_data_policy_name (TdDataPolicy policy)
{
  return policy == TD_DATA_POLICY_STRICT ? "strict" : "repair";
}

gboolean
td_data_policy_parse (const char *text, TdDataPolicy *out)
{
  if (g_strcmp0 (text, "repair") == 0)
    *out = TD_DATA_POLICY_REPAIR;
  else if (g_strcmp0 (text, "strict") == 0)
    *out = TD_DATA_POLICY_STRICT;
  else
    return FALSE;
  return TRUE;
}

void
td_data_quality_clear (TdDataQuality *q)
{
  g_clear_pointer (&q->dropped_ids, g_array_unref);
  if (q->channels)
    {
      for (guint k = 0; k < q->channels->len; k++)
        g_free (g_array_index (q->channels, TdChannelQuality, k).channel);
      g_clear_pointer (&q->channels, g_array_unref);
    }
  g_clear_pointer (&q->constant_channels, g_ptr_array_unref);
}

static gboolean
bad (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
bad (GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, "data: %s", msg);
  return FALSE;
}

/* Targets: never repaired. */
static gboolean
check_targets (const TdDataset *ds, GError **error)
{
  size_t pos = 0;
  for (size_t s = 0; s < ds->n_series; s++)
    {
      double y = ds->y[s];
      if (!isfinite (y))
        return bad (error, "series %zu (id %" G_GINT64_FORMAT "): the target is %s; a target "
                    "cannot be repaired (fix the generator or drop the series)", s,
                    ds->series_id[s], isnan (y) ? "NaN" : "infinite");
      if (ds->task == TD_TASK_BINARY || ds->task == TD_TASK_ANOMALY)
        {
          if (y < 0 || y > 1)
            return bad (error, "series %zu (id %" G_GINT64_FORMAT "): %s target %g is "
                        "outside [0, 1]", s, ds->series_id[s], td_task_name (ds->task), y);
          pos += y >= 0.5;
        }
      if (ds->lengths && ds->lengths[s] > ds->n_steps)
        return bad (error, "series %zu (id %" G_GINT64_FORMAT "): length %u is more than the "
                    "dataset's %zu steps", s, ds->series_id[s], ds->lengths[s], ds->n_steps);
    }
  if ((ds->task == TD_TASK_BINARY || ds->task == TD_TASK_ANOMALY) && ds->n_series > 0
      && (pos == 0 || pos == ds->n_series))
    return bad (error, "every one of the %zu series is class %d: a%s %s experiment needs "
                "both classes", ds->n_series, pos ? 1 : 0,
                ds->task == TD_TASK_ANOMALY ? "n" : "", td_task_name (ds->task));
  return TRUE;
}

gboolean
td_data_check (TdDataset **data, TdDataPolicy policy, TdDataQuality *q, GError **error)
{
  TdDataset *ds = *data;
  memset (q, 0, sizeof *q);
  q->policy = policy;
  q->series_in = ds->n_series;
  q->dropped_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  q->channels = g_array_new (FALSE, TRUE, sizeof (TdChannelQuality));
  q->constant_channels = g_ptr_array_new_with_free_func (g_free);
  gboolean strict = policy == TD_DATA_POLICY_STRICT;
  if (ds->n_series == 0)
    return bad (error, "the dataset has no series");
  if (!check_targets (ds, error))
    return FALSE;

  size_t nc = ds->n_channels, nt = ds->n_steps;
  char cb[TD_CHANNEL_NAME_BUF];   /* channel names in messages */
  g_autofree size_t *miss = g_new0 (size_t, MAX (nc, (size_t) 1));
  g_autofree size_t *inf = g_new0 (size_t, MAX (nc, (size_t) 1));
  g_autofree float *first = g_new (float, MAX (nc, (size_t) 1));
  g_autofree gboolean *seen = g_new0 (gboolean, MAX (nc, (size_t) 1));
  g_autofree gboolean *varies = g_new0 (gboolean, MAX (nc, (size_t) 1));
  g_autofree size_t *keep = g_new (size_t, ds->n_series);
  size_t n_keep = 0;
  for (size_t s = 0; s < ds->n_series; s++)
    {
      size_t len = td_dataset_length (ds, s);
      if (len == 0 || nt == 0)
        {
          if (strict)
            return bad (error, "series %zu (id %" G_GINT64_FORMAT ") has no samples (length 0); "
                        "--data-policy repair drops such series", s, ds->series_id[s]);
          g_array_append_val (q->dropped_ids, ds->series_id[s]);
          continue;
        }
      keep[n_keep++] = s;
      gboolean any_missing = FALSE;
      float *x = td_dataset_series (ds, s);
      for (size_t t = 0; t < len; t++)
        for (size_t c = 0; c < nc; c++)
          {
            float *v = &x[t * nc + c];
            if (isinf (*v))
              {
                if (strict)
                  return bad (error, "series %zu (id %" G_GINT64_FORMAT "), channel \"%s\", "
                              "step %zu: %s; --data-policy repair makes it a missing sample",
                              s, ds->series_id[s], td_dataset_channel_name (ds, c, cb), t,
                              *v > 0 ? "+Inf" : "-Inf");
                *v = NAN;
                inf[c]++;
              }
            if (isnan (*v))
              {
                if (strict)
                  return bad (error, "series %zu (id %" G_GINT64_FORMAT "), channel \"%s\", "
                              "step %zu: missing sample (NaN); --data-policy repair leaves "
                              "it to the pipeline (feature `missing`)", s, ds->series_id[s],
                              td_dataset_channel_name (ds, c, cb), t);
                miss[c]++;
                any_missing = TRUE;
                continue;
              }
            if (!seen[c])
              {
                seen[c] = TRUE;
                first[c] = *v;
              }
            else if (*v != first[c])
              varies[c] = TRUE;
          }
      q->series_with_missing += any_missing;
    }
  for (size_t c = 0; c < nc; c++)
    {
      q->missing += miss[c];
      q->inf_replaced += inf[c];
      if (miss[c] || inf[c])
        {
          TdChannelQuality cq = { g_strdup (td_dataset_channel_name (ds, c, cb)), miss[c], inf[c] };
          g_array_append_val (q->channels, cq);
        }
      if (!varies[c] && n_keep > 0)
        {
          if (strict)
            {
              if (seen[c])
                return bad (error, "channel \"%s\" is constant (every sample is %g); "
                            "--data-policy repair keeps it and lists it in the manifest",
                            td_dataset_channel_name (ds, c, cb), (double) first[c]);
              return bad (error, "channel \"%s\" has no sample at all (every value is missing)",
                          td_dataset_channel_name (ds, c, cb));
            }
          g_ptr_array_add (q->constant_channels, g_strdup (td_dataset_channel_name (ds, c, cb)));
        }
    }
  if (n_keep == 0)
    return bad (error, "every series has length 0");
  if (n_keep < ds->n_series)
    {
      TdDataset *sub = td_dataset_subset (ds, keep, n_keep);
      td_dataset_unref (ds);
      *data = ds = sub;
      if (!check_targets (ds, error))
        return FALSE;
    }
  q->series_out = ds->n_series;
  return TRUE;
}
