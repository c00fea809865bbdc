/* series_builder.c — see series_builder.h. */
#include "series_builder.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text_reader.h"

void
builder_init (SeriesBuilder *b, size_t n_channels, gboolean per_step)
{
  memset (b, 0, sizeof *b);
  b->n_channels = MAX (n_channels, (size_t) 1);
  b->series = g_array_new (FALSE, TRUE, sizeof (BuiltSeries));
  b->y_step = per_step ? g_new (double, 1) : NULL;
}

void
builder_clear (SeriesBuilder *b)
{
  for (guint k = 0; b->series && k < b->series->len; k++)
    {
      BuiltSeries *s = &g_array_index (b->series, BuiltSeries, k);
      g_free (s->id);
      g_free (s->group);
    }
  g_clear_pointer (&b->series, g_array_unref);
  g_clear_pointer (&b->x, g_free);
  g_clear_pointer (&b->y_step, g_free);
}

BuiltSeries *
builder_begin (SeriesBuilder *b, const char *id, size_t id_len, const char *group,
               size_t group_len, double partition)
{
  BuiltSeries s = { .start = b->rows, .y = NAN, .partition = partition };
  s.id = id ? g_strndup (id, id_len) : NULL;
  s.group = group ? g_strndup (group, group_len) : NULL;
  b->any_partition |= !isnan (partition);
  g_array_append_val (b->series, s);
  return builder_current (b);
}

float *
builder_row (SeriesBuilder *b, GError **error)
{
  if (b->rows == b->cap)
    {
      /* Large reallocs move pages (mremap), so growing costs no copy and no
       * second buffer. */
      size_t cap = b->cap ? b->cap + b->cap / 2 : 4096;
      float *x = g_try_realloc (b->x, cap * b->n_channels * sizeof (float));
      double *ys = b->y_step ? g_try_realloc (b->y_step, cap * sizeof (double)) : NULL;
      if (!x || (b->y_step && !ys))
        {
          if (x)
            b->x = x;
          if (ys)
            b->y_step = ys;
          g_set_error (error, SRC_ERROR, 0, "out of memory after %zu rows of %zu channels",
                       b->rows, b->n_channels);
          return NULL;
        }
      b->x = x;
      if (ys)
        b->y_step = ys;
      b->cap = cap;
    }
  builder_current (b)->len++;
  return b->x + b->rows++ * b->n_channels;
}

/* Integer ids as themselves when every text is one, else order of appearance. */
static void
ids_of (TdDataset *ds, const SeriesBuilder *b, gboolean group, gint64 *out)
{
  size_t n = b->series->len;
  gboolean all_int = TRUE, any = FALSE;
  for (size_t s = 0; s < n; s++)
    {
      const BuiltSeries *bs = &g_array_index (b->series, BuiltSeries, s);
      const char *t = group ? bs->group : bs->id;
      if (!t)
        {
          all_int = FALSE;
          continue;
        }
      any = TRUE;
      char *end = NULL;
      out[s] = g_ascii_strtoll (t, &end, 10);
      all_int &= *t && !*end;
    }
  if (all_int && any)
    return;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree const char **text = g_new0 (const char *, n + 1);
  for (size_t s = 0; s < n; s++)
    {
      const BuiltSeries *bs = &g_array_index (b->series, BuiltSeries, s);
      const char *t = group ? bs->group : bs->id;
      text[s] = t ? t : "";
      if (!t)
        out[s] = (gint64) s;
      else
        {
          if (!g_hash_table_contains (seen, t))
            g_hash_table_insert (seen, (gpointer) t, GSIZE_TO_POINTER (g_hash_table_size (seen)));
          out[s] = (gint64) GPOINTER_TO_SIZE (g_hash_table_lookup (seen, t));
        }
    }
  if (any)
    {
      /* Known before any outcome: a model may read them. */
      td_dataset_add_meta_str (ds, group ? "group" : "id", text);
      td_dataset_set_meta_role (ds, group ? "group" : "id", TD_META_INPUT);
    }
}

TdDataset *
builder_finish (SeriesBuilder *b, TdTask task, size_t n_classes, char **class_names,
                char *const *channel_names, GError **error)
{
  g_auto (GStrv) names = class_names;   /* ours from here, success or not */
  size_t n = b->series->len, C = b->n_channels, T = 0;
  gboolean ragged = FALSE;
  for (size_t s = 0; s < n; s++)
    {
      size_t len = g_array_index (b->series, BuiltSeries, s).len;
      ragged |= s > 0 && len != T;
      T = MAX (T, len);
    }
  if (n == 0)
    {
      g_set_error (error, SRC_ERROR, 0, "no series: the file holds no data rows");
      return NULL;
    }
  if (T > G_MAXUINT32 || n > SIZE_MAX / T / C / sizeof (float))
    {
      g_set_error (error, SRC_ERROR, 0, "%zu series of up to %zu steps: too large", n, T);
      return NULL;
    }
  TdDataset *ds = td_dataset_try_new (n, 1, C, task, n_classes, error);
  if (!ds)
    return NULL;
  if (ragged)
    {
      /* Spread out in place: series s moves from start to s*T, never earlier. */
      float *x = g_try_realloc (b->x, n * T * C * sizeof (float));
      double *ys = b->y_step ? g_try_realloc (b->y_step, n * T * sizeof (double)) : NULL;
      if (!x || (b->y_step && !ys))
        {
          b->x = x ? x : b->x;
          b->y_step = ys ? ys : b->y_step;
          td_dataset_unref (ds);
          g_set_error (error, SRC_ERROR, 0, "out of memory padding %zu series to %zu steps", n, T);
          return NULL;
        }
      b->x = x;
      b->y_step = ys ? ys : b->y_step;
      for (size_t s = n; s-- > 0;)
        {
          const BuiltSeries *bs = &g_array_index (b->series, BuiltSeries, s);
          memmove (x + s * T * C, x + bs->start * C, bs->len * C * sizeof (float));
          memset (x + (s * T + bs->len) * C, 0, (T - bs->len) * C * sizeof (float));
          if (ys)
            {
              memmove (ys + s * T, ys + bs->start, bs->len * sizeof (double));
              for (size_t t = bs->len; t < T; t++)
                ys[s * T + t] = NAN;
            }
        }
      ds->lengths = g_new (guint32, n);
      for (size_t s = 0; s < n; s++)
        ds->lengths[s] = (guint32) g_array_index (b->series, BuiltSeries, s).len;
    }
  else if (b->cap != b->rows)
    b->x = g_realloc (b->x, MAX (n * T * C, (size_t) 1) * sizeof (float));
  /* The dataset takes the buffer: it was made for n series of T steps. */
  g_free (ds->x);
  ds->x = g_steal_pointer (&b->x);
  ds->n_steps = T;
  if (b->y_step)
    {
      ds->y_step = g_steal_pointer (&b->y_step);
      if (!ragged)
        ds->y_step = g_realloc (ds->y_step, MAX (n * T, (size_t) 1) * sizeof (double));
    }
  for (size_t c = 0; c < C; c++)
    if (channel_names && channel_names[c])
      td_dataset_set_channel_name (ds, c, channel_names[c]);
  ds->class_names = g_steal_pointer (&names);
  g_autofree double *part = g_new (double, n);
  for (size_t s = 0; s < n; s++)
    {
      const BuiltSeries *bs = &g_array_index (b->series, BuiltSeries, s);
      ds->y[s] = ds->y_step ? ds->y_step[s * T + (bs->len ? bs->len - 1 : 0)] : bs->y;
      part[s] = bs->partition;
    }
  ids_of (ds, b, FALSE, ds->series_id);
  gboolean any_group = FALSE;
  for (size_t s = 0; s < n; s++)
    any_group |= g_array_index (b->series, BuiltSeries, s).group != NULL;
  if (any_group)
    ids_of (ds, b, TRUE, ds->group);
  else
    memcpy (ds->group, ds->series_id, n * sizeof (gint64));
  if (b->any_partition)
    td_dataset_add_meta_num (ds, "partition", part);
  b->rows = b->cap = 0;
  return ds;
}

gboolean
builder_partition_value (const char *s, size_t n, double *out)
{
  if ((n == 5 && memcmp (s, "train", 5) == 0) || (n == 1 && *s == '0'))
    *out = 0;
  else if ((n == 4 && memcmp (s, "test", 4) == 0) || (n == 1 && *s == '1'))
    *out = 1;
  else
    return FALSE;
  return TRUE;
}
