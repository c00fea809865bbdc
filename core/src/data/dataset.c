/* dataset.c — the series × steps × channels container and its bookkeeping. */
#include <tundish/dataset.h>
#include <tundish/plugin.h>

#include <math.h>
#include <string.h>

static void
meta_column_free (gpointer p)
{
  TdMetaColumn *c = p;
  g_free (c->name);
  g_free (c->num);
  g_strfreev (c->str);
  g_free (c);
}

size_t
td_task_n_outputs (TdTask task, size_t n_classes)
{
  return task == TD_TASK_MULTICLASS ? MAX (n_classes, (size_t) 1) : 1;
}

TdDataset *
td_dataset_new (size_t n_series, size_t n_steps, size_t n_channels, TdTask task,
                size_t n_classes)
{
  TdDataset *ds = g_new0 (TdDataset, 1);
  ds->ref_count = 1;
  ds->n_series = n_series;
  ds->n_steps = n_steps;
  ds->n_channels = n_channels;
  ds->task = task;
  ds->n_classes = n_classes;
  ds->x = g_new0 (float, MAX (n_series * n_steps * n_channels, (size_t) 1));
  ds->y = g_new0 (double, MAX (n_series, (size_t) 1));
  ds->series_id = g_new (gint64, MAX (n_series, (size_t) 1));
  ds->group = g_new (gint64, MAX (n_series, (size_t) 1));
  for (size_t s = 0; s < n_series; s++)
    ds->series_id[s] = ds->group[s] = (gint64) s;
  ds->channel_names = g_new0 (char *, n_channels + 1);
  for (size_t c = 0; c < n_channels; c++)
    ds->channel_names[c] = g_strdup_printf ("c%zu", c);
  ds->meta = g_ptr_array_new_with_free_func (meta_column_free);
  return ds;
}

TdDataset *
td_dataset_try_new (size_t n_series, size_t n_steps, size_t n_channels, TdTask task,
                    size_t n_classes, GError **error)
{
  size_t n = n_series * n_steps;
  if ((n_steps && n / n_steps != n_series) || (n_channels && (n * n_channels) / n_channels != n)
      || n * n_channels > G_MAXSIZE / sizeof (float))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "a dataset of %zu series × %zu steps × %zu channels does not fit in memory",
                   n_series, n_steps, n_channels);
      return NULL;
    }
  float *x = g_try_malloc0 (MAX (n * n_channels * sizeof (float), (size_t) 1));
  if (!x)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "cannot allocate %.1f GiB for %zu series × %zu steps × %zu channels",
                   (double) (n * n_channels * sizeof (float)) / (1 << 30), n_series, n_steps,
                   n_channels);
      return NULL;
    }
  TdDataset *ds = td_dataset_new (0, n_steps, n_channels, task, n_classes);
  g_free (ds->x);
  g_free (ds->y);
  g_free (ds->series_id);
  g_free (ds->group);
  ds->n_series = n_series;
  ds->x = x;
  ds->y = g_new0 (double, MAX (n_series, (size_t) 1));
  ds->series_id = g_new (gint64, MAX (n_series, (size_t) 1));
  ds->group = g_new (gint64, MAX (n_series, (size_t) 1));
  for (size_t s = 0; s < n_series; s++)
    ds->series_id[s] = ds->group[s] = (gint64) s;
  return ds;
}

TdDataset *
td_dataset_ref (TdDataset *ds)
{
  g_return_val_if_fail (ds, NULL);
  g_atomic_int_inc (&ds->ref_count);
  return ds;
}

void
td_dataset_unref (TdDataset *ds)
{
  if (!ds || !g_atomic_int_dec_and_test (&ds->ref_count))
    return;
  g_free (ds->x);
  g_free (ds->lengths);
  g_free (ds->y);
  g_free (ds->y_step);
  g_strfreev (ds->class_names);
  g_free (ds->series_id);
  g_free (ds->group);
  g_strfreev (ds->channel_names);
  g_ptr_array_unref (ds->meta);
  g_free (ds);
}

void
td_dataset_set_channel_name (TdDataset *ds, size_t channel, const char *name)
{
  g_return_if_fail (channel < ds->n_channels);
  g_free (ds->channel_names[channel]);
  ds->channel_names[channel] = g_strdup (name);
}

double *
td_dataset_alloc_y_step (TdDataset *ds)
{
  g_free (ds->y_step);
  size_t n = MAX (ds->n_series * ds->n_steps, (size_t) 1);
  ds->y_step = g_new (double, n);
  for (size_t k = 0; k < n; k++)
    ds->y_step[k] = NAN;
  return ds->y_step;
}

TdMetaColumn *
td_dataset_add_meta_num (TdDataset *ds, const char *name, const double *values)
{
  TdMetaColumn *c = g_new0 (TdMetaColumn, 1);
  c->name = g_strdup (name);
  c->num = g_new0 (double, MAX (ds->n_series, (size_t) 1));
  if (values)
    memcpy (c->num, values, ds->n_series * sizeof (double));
  g_ptr_array_add (ds->meta, c);
  return c;
}

TdMetaColumn *
td_dataset_add_meta_str (TdDataset *ds, const char *name, const char *const *values)
{
  TdMetaColumn *c = g_new0 (TdMetaColumn, 1);
  c->name = g_strdup (name);
  c->str = g_new0 (char *, ds->n_series + 1);
  for (size_t s = 0; s < ds->n_series; s++)
    c->str[s] = g_strdup (values && values[s] ? values[s] : "");
  g_ptr_array_add (ds->meta, c);
  return c;
}

const TdMetaColumn *
td_dataset_find_meta (const TdDataset *ds, const char *name)
{
  for (guint k = 0; k < ds->meta->len; k++)
    {
      const TdMetaColumn *c = ds->meta->pdata[k];
      if (strcmp (c->name, name) == 0)
        return c;
    }
  return NULL;
}

gboolean
td_dataset_set_meta_role (TdDataset *ds, const char *name, TdMetaRole role)
{
  TdMetaColumn *c = (TdMetaColumn *) td_dataset_find_meta (ds, name);
  if (c)
    c->role = role;
  return c != NULL;
}

/* Copy everything but x (and lengths) for the rows idx (or all rows when idx is NULL). */
static void
copy_bookkeeping (TdDataset *dst, const TdDataset *src, const size_t *idx, size_t n)
{
  for (size_t k = 0; k < n; k++)
    {
      size_t s = idx ? idx[k] : k;
      dst->y[k] = src->y[s];
      dst->series_id[k] = src->series_id[s];
      dst->group[k] = src->group[s];
    }
  if (src->class_names)
    dst->class_names = g_strdupv (src->class_names);
  for (guint m = 0; m < src->meta->len; m++)
    {
      const TdMetaColumn *c = src->meta->pdata[m];
      TdMetaColumn *d = c->num ? td_dataset_add_meta_num (dst, c->name, NULL)
                               : td_dataset_add_meta_str (dst, c->name, NULL);
      d->role = c->role;
      for (size_t k = 0; k < n; k++)
        {
          size_t s = idx ? idx[k] : k;
          if (c->num)
            d->num[k] = c->num[s];
          else
            {
              g_free (d->str[k]);
              d->str[k] = g_strdup (c->str[s]);
            }
        }
    }
}

TdDataset *
td_dataset_subset (const TdDataset *ds, const size_t *idx, size_t n)
{
  TdDataset *out = td_dataset_new (n, ds->n_steps, ds->n_channels, ds->task, ds->n_classes);
  size_t row = ds->n_steps * ds->n_channels;
  for (size_t k = 0; k < n; k++)
    {
      g_return_val_if_fail (idx[k] < ds->n_series, out);
      memcpy (out->x + k * row, ds->x + idx[k] * row, row * sizeof (float));
    }
  if (ds->lengths)
    {
      out->lengths = g_new (guint32, MAX (n, (size_t) 1));
      for (size_t k = 0; k < n; k++)
        out->lengths[k] = ds->lengths[idx[k]];
    }
  if (ds->y_step)
    {
      td_dataset_alloc_y_step (out);
      for (size_t k = 0; k < n; k++)
        memcpy (out->y_step + k * ds->n_steps, ds->y_step + idx[k] * ds->n_steps,
                ds->n_steps * sizeof (double));
    }
  for (size_t c = 0; c < ds->n_channels; c++)
    td_dataset_set_channel_name (out, c, ds->channel_names[c]);
  copy_bookkeeping (out, ds, idx, n);
  return out;
}

TdDataset *
td_dataset_new_like (const TdDataset *ds, size_t n_steps, size_t n_channels)
{
  TdDataset *out = td_dataset_new (ds->n_series, n_steps, n_channels, ds->task, ds->n_classes);
  if (ds->lengths && n_steps == ds->n_steps)
    out->lengths = g_memdup2 (ds->lengths, ds->n_series * sizeof (guint32));
  if (ds->y_step && n_steps == ds->n_steps)
    out->y_step = g_memdup2 (ds->y_step, ds->n_series * ds->n_steps * sizeof (double));
  copy_bookkeeping (out, ds, NULL, ds->n_series);
  return out;
}

TdDataset *
td_dataset_hstack (TdDataset *const *parts, size_t n_parts, GError **error)
{
  if (n_parts == 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, "nothing to stack");
      return NULL;
    }
  size_t n = parts[0]->n_series, steps = parts[0]->n_steps, ch = 0;
  for (size_t p = 0; p < n_parts; p++)
    {
      if (parts[p]->n_series != n || parts[p]->n_steps != steps)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "cannot stack features: part %zu has %zu series × %zu steps, "
                       "part 0 has %zu × %zu", p, parts[p]->n_series, parts[p]->n_steps, n, steps);
          return NULL;
        }
      ch += parts[p]->n_channels;
    }
  TdDataset *out = td_dataset_new_like (parts[0], steps, ch);
  size_t c0 = 0;
  for (size_t p = 0; p < n_parts; p++)
    {
      const TdDataset *d = parts[p];
      for (size_t s = 0; s < n; s++)
        for (size_t t = 0; t < steps; t++)
          memcpy (out->x + (s * steps + t) * ch + c0, d->x + (s * steps + t) * d->n_channels,
                  d->n_channels * sizeof (float));
      for (size_t c = 0; c < d->n_channels; c++)
        td_dataset_set_channel_name (out, c0 + c, d->channel_names[c]);
      c0 += d->n_channels;
    }
  return out;
}

size_t
td_dataset_count_positive (const TdDataset *ds)
{
  size_t n = 0;
  for (size_t s = 0; s < ds->n_series; s++)
    n += ds->y[s] >= 0.5;
  return n;
}

gboolean
td_dataset_check_matrix (const TdDataset *ds, const char *who, const char *what, GError **error)
{
  if (ds->n_steps != 1)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: the %s data has %zu steps per series; this model takes a feature "
                   "matrix (n_steps == 1), so put a feature extractor before it",
                   who, what, ds->n_steps);
      return FALSE;
    }
  if (ds->n_series == 0 || ds->n_channels == 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: the %s data is empty (%zu series x %zu features)", who, what,
                   ds->n_series, ds->n_channels);
      return FALSE;
    }
  return TRUE;
}

gboolean
td_dataset_check_binary_targets (const TdDataset *ds, const char *who, const char *what,
                                 double *n_pos, GError **error)
{
  double pos = 0;
  for (size_t i = 0; i < ds->n_series; i++)
    {
      double y = ds->y[i];
      if (!(y >= 0 && y <= 1))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "%s: label %g of series %" G_GINT64_FORMAT " in the %s data is "
                       "outside [0, 1]", who, y, ds->series_id[i], what);
          return FALSE;
        }
      pos += y;
    }
  if (n_pos)
    {
      if (pos <= 0 || pos >= (double) ds->n_series)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "%s: the %s labels contain only class %d; both classes are needed",
                       who, what, pos > 0 ? 1 : 0);
          return FALSE;
        }
      *n_pos = pos;
    }
  return TRUE;
}
