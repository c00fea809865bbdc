/* table_wide.c — the wide layout: one row per series, leading fields (label,
 * id, ...) then the values of one channel; one file per channel. Trailing
 * NA fields are padding (the UCR archive pads its variable-length sets so). */
#include "table_reader.h"

#include <math.h>
#include <string.h>

typedef struct {
  double y, partition;
  const char *id, *group;
  size_t id_len, group_len;
} Leading;

static gboolean
read_leading (Table *t, const TextReader *r, Leading *out, GError **error)
{
  const TableOptions *o = &t->o;
  *out = (Leading) { .y = NAN, .partition = NAN };
  for (size_t j = 0; j < o->n_leading; j++)
    {
      const char *role = o->leading[j], *f = r->field[j];
      size_t n = r->field_len[j];
      if (strcmp (role, "label") == 0)
        {
          g_autofree char *why = NULL;
          if (!labels_read (&t->labels, f, n, &out->y, &why))
            return text_reader_fail (r, j, error, "%s", why);
          if (isnan (out->y))
            return text_reader_fail (r, j, error, "no label (\"%s\" is an NA token); expected "
                                     "a label for every series", f);
        }
      else if (strcmp (role, "id") == 0)
        out->id = f, out->id_len = n;
      else if (strcmp (role, "group") == 0)
        out->group = f, out->group_len = n;
      else if (strcmp (role, "partition") == 0 && !builder_partition_value (f, n, &out->partition))
        return text_reader_fail (r, j, error, "partition \"%s\"; expected train, test, 0 or 1", f);
    }
  return TRUE;
}

/* One value field into *dst: a number or NA. */
static gboolean
value_at (const Table *t, const TextReader *r, size_t k, float *dst, GError **error)
{
  double v;
  if (parse_number (r->field[k], r->field_len[k], t->o.decimal, &v))
    *dst = (float) v;
  else if (is_na (r->field[k], r->field_len[k], t->o.na))
    *dst = NAN;
  else
    return text_reader_fail (r, k, error, "\"%s\" among the values; expected a number (decimal "
                             "point '%c') or an NA token", r->field[k], t->o.decimal);
  return TRUE;
}

/* Channel 0's file makes the series. */
static gboolean
first_channel_row (Table *t, const TextReader *r, const Leading *lead, size_t end,
                   double partition, GError **error)
{
  SeriesBuilder *b = &t->b;
  BuiltSeries *bs = builder_begin (b, lead->id, lead->id_len, lead->group, lead->group_len,
                                   isnan (lead->partition) ? partition : lead->partition);
  bs->y = lead->y;
  for (size_t k = t->o.n_leading; k < end; k++)
    {
      float *row = builder_row (b, error);
      if (!row)
        return FALSE;
      for (size_t c = 1; c < b->n_channels; c++)
        row[c] = NAN;
      if (!value_at (t, r, k, &row[0], error))
        return FALSE;
    }
  return TRUE;
}

/* Another channel's file fills the same series, row for row. */
static gboolean
other_channel_row (Table *t, const TextReader *r, size_t row_no, const Leading *lead, size_t end,
                   size_t channel, GError **error)
{
  SeriesBuilder *b = &t->b;
  size_t L = t->o.n_leading, len = end - L;
  if (row_no >= b->series->len)
    return text_reader_fail (r, 0, error, "more rows than %s (%u); expected one row per series, "
                             "in the same order, in every channel's file", t->first_path,
                             b->series->len);
  BuiltSeries *bs = &g_array_index (b->series, BuiltSeries, row_no);
  if (bs->len != len || (L && lead->y != bs->y))
    return text_reader_fail (r, bs->len != len ? MIN (L + bs->len, r->n_fields) : 0, error,
                             "series %zu has %zu values%s here but %zu in %s; expected the same "
                             "series, in the same order, in every channel's file", row_no + 1,
                             len, bs->len != len ? "" : " and another label", bs->len,
                             t->first_path);
  for (size_t k = L; k < end; k++)
    if (!value_at (t, r, k, b->x + (bs->start + (k - L)) * b->n_channels + channel, error))
      return FALSE;
  return TRUE;
}

gboolean
table_read_wide (Table *t, const char *path, size_t channel, size_t n_channels, double partition,
                 GError **error)
{
  const TableOptions *o = &t->o;
  TextReader r;
  if (!text_reader_open (&r, path, o->delim, o->decimal, o->comment, error))
    return FALSE;
  if (!t->started)
    {
      builder_init (&t->b, n_channels, FALSE);
      t->started = TRUE;
      t->first_path = g_strdup (path);
    }
  size_t row_no = 0, L = o->n_leading;
  gboolean ok = TRUE;
  int got = text_reader_next (&r, error);
  if (got > 0 && o->header)
    got = text_reader_next (&r, error);
  while (ok && got > 0)
    {
      size_t end = r.n_fields;
      while (end > L && is_na (r.field[end - 1], r.field_len[end - 1], o->na))
        end--;
      Leading lead;
      if (end <= L)
        ok = text_reader_fail (&r, MIN (r.n_fields, L), error, "%zu fields%s; expected the %zu "
                               "leading field(s) (%s first) and at least one value", r.n_fields,
                               r.n_fields > L ? " (all values NA)" : "", L,
                               L ? o->leading[0] : "none");
      else
        ok = read_leading (t, &r, &lead, error)
             && (channel == 0 ? first_channel_row (t, &r, &lead, end, partition, error)
                              : other_channel_row (t, &r, row_no, &lead, end, channel, error));
      if (ok)
        {
          got = text_reader_next (&r, error);
          row_no++;
        }
    }
  ok = ok && got >= 0;
  if (ok && channel > 0 && row_no != t->b.series->len)
    {
      g_set_error (error, SRC_ERROR, 0, "%s:%" G_GUINT64_FORMAT ":1: %zu rows; expected %u, as in "
                   "%s (one row per series in every channel's file)", path, r.line_no, row_no,
                   t->b.series->len, t->first_path);
      ok = FALSE;
    }
  text_reader_close (&r);
  return ok;
}
