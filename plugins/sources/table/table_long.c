/* table_long.c — the long layout: one row per time step, series in
 * contiguous runs of rows with the same id. */
#include "table_reader.h"

#include <math.h>
#include <string.h>

typedef struct {
  ssize_t id, time, label, group, partition;
  gint32 *channel_of;           /* [n_cols]: channel index, or -1 */
  size_t n_cols;
} Roles;

static char *
names_text (char *const *names, size_t n)
{
  g_autoptr (GString) s = g_string_new ("");
  for (size_t k = 0; k < n && k < 20; k++)
    g_string_append_printf (s, "%s%s", k ? ", " : "", names[k]);
  if (n > 20)
    g_string_append (s, ", ...");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static ssize_t
find_column (char *const *names, size_t n, const char *name)
{
  for (size_t k = 0; k < n; k++)
    if (strcmp (names[k], name) == 0)
      return (ssize_t) k;
  return -1;
}

/* A role's column, or -1 when the parameter is "" (no such column). */
static gboolean
role_column (const TextReader *r, char *const *names, size_t n, const char *param,
             const char *name, ssize_t *out, GError **error)
{
  *out = -1;
  if (!*name)
    return TRUE;
  *out = find_column (names, n, name);
  if (*out >= 0)
    return TRUE;
  g_autofree char *have = names_text (names, n);
  g_set_error (error, SRC_ERROR, 0, "%s:%" G_GUINT64_FORMAT ":1: no column \"%s\" (the %s: "
               "parameter) among the columns: %s; expected %s: to name one of them, or "
               "%s: \"\"", r->path, r->line_no, name, param, have, param, param);
  return FALSE;
}

/* The header (or columns:), then the roles. The first data row is read too:
 * without channels:, the channels are the other columns holding a number
 * (or an NA token) there. */
static gboolean
read_head (Table *t, TextReader *r, Roles *ro, GPtrArray *names, gboolean *have_row,
           GError **error)
{
  const TableOptions *o = &t->o;
  *have_row = FALSE;
  if (o->header)
    {
      int got = text_reader_next (r, error);
      if (got <= 0)
        {
          if (got == 0)
            g_set_error (error, SRC_ERROR, 0, "%s: empty; expected a header line and data rows",
                         r->path);
          return FALSE;
        }
      for (size_t k = 0; k < r->n_fields; k++)
        {
          if (find_column ((char *const *) names->pdata, names->len, r->field[k]) >= 0)
            return text_reader_fail (r, k, error, "column \"%s\" appears twice in the header; "
                                     "expected unique names", r->field[k]);
          g_ptr_array_add (names, g_strdup (r->field[k]));
        }
    }
  else
    for (size_t k = 0; k < o->n_columns; k++)
      g_ptr_array_add (names, g_strdup (o->columns[k]));
  if (!o->header && o->n_columns == 0)
    {
      g_set_error (error, SRC_ERROR, 0, "%s: header: false needs columns: [names...] for the "
                   "long layout", r->path);
      return FALSE;
    }
  char *const *nm = (char *const *) names->pdata;
  size_t n = names->len;
  if (t->first_columns)
    {
      for (size_t k = 0; k < MAX (n, t->first_columns->len); k++)
        if (k >= n || k >= t->first_columns->len
            || strcmp (nm[k], t->first_columns->pdata[k]) != 0)
          {
            g_set_error (error, SRC_ERROR, 0, "%s:%" G_GUINT64_FORMAT ":1: column %zu is \"%s\" "
                         "here but \"%s\" in %s; expected the same columns in every file",
                         r->path, r->line_no, k + 1, k < n ? nm[k] : "(none)",
                         k < t->first_columns->len ? (char *) t->first_columns->pdata[k]
                                                   : "(none)", t->first_path);
            return FALSE;
          }
    }
  if (!role_column (r, nm, n, "id", o->id, &ro->id, error)
      || !role_column (r, nm, n, "time", o->time, &ro->time, error)
      || !role_column (r, nm, n, "label", o->label, &ro->label, error)
      || !role_column (r, nm, n, "group", o->group, &ro->group, error)
      || !role_column (r, nm, n, "partition", o->partition, &ro->partition, error))
    return FALSE;
  ro->n_cols = n;
  ro->channel_of = g_new (gint32, MAX (n, (size_t) 1));
  for (size_t k = 0; k < n; k++)
    ro->channel_of[k] = -1;
  int got = text_reader_next (r, error);
  if (got <= 0)
    {
      if (got == 0)
        g_set_error (error, SRC_ERROR, 0, "%s: no data rows after the header", r->path);
      return FALSE;
    }
  *have_row = TRUE;
  g_autoptr (GPtrArray) chosen = g_ptr_array_new ();
  if (o->n_channels)
    for (size_t c = 0; c < o->n_channels; c++)
      {
        ssize_t k;
        if (!role_column (r, nm, n, "channels", o->channels[c], &k, error))
          return FALSE;
        ro->channel_of[k] = (gint32) c;
        g_ptr_array_add (chosen, nm[k]);
      }
  else
    for (size_t k = 0; k < n && k < r->n_fields; k++)
      {
        double v;
        if ((ssize_t) k == ro->id || (ssize_t) k == ro->time || (ssize_t) k == ro->label
            || (ssize_t) k == ro->group || (ssize_t) k == ro->partition)
          continue;
        if (is_na (r->field[k], r->field_len[k], o->na)
            || parse_number (r->field[k], r->field_len[k], o->decimal, &v))
          {
            ro->channel_of[k] = (gint32) chosen->len;
            g_ptr_array_add (chosen, nm[k]);
          }
      }
  if (chosen->len == 0)
    return text_reader_fail (r, 0, error, "no channel: no column besides id, time, label, group "
                             "and partition holds a number in the first data row; expected "
                             "channels: [names] or numeric columns");
  if (!t->started)
    {
      builder_init (&t->b, chosen->len, o->label_per_step);
      t->started = TRUE;
      for (guint c = 0; c < chosen->len; c++)
        g_ptr_array_add (t->channel_names, g_strdup (chosen->pdata[c]));
      t->first_columns = g_ptr_array_new_with_free_func (g_free);
      for (size_t k = 0; k < n; k++)
        g_ptr_array_add (t->first_columns, g_strdup (nm[k]));
    }
  else if (chosen->len != t->channel_names->len)
    return text_reader_fail (r, 0, error, "%u channels here but %u in %s; expected the same "
                             "numeric columns in every file", chosen->len,
                             t->channel_names->len, t->first_path);
  return TRUE;
}

/* What stays fixed along one series, compared row by row. */
typedef struct {
  char *id, *label, *group, *partition;
  guint64 first_line;
  double last_time;
  guint64 last_time_line;
} Current;

static void
current_clear (Current *c)
{
  g_free (c->id);
  g_free (c->label);
  g_free (c->group);
  g_free (c->partition);
  memset (c, 0, sizeof *c);
}

static gboolean
same (const char *kept, const char *s, size_t n)
{
  return strlen (kept) == n && memcmp (kept, s, n) == 0;
}

static gboolean
constant_in_series (const TextReader *r, ssize_t col, const char *kept, const Current *cur,
                    const char *what, const char *hint, GError **error)
{
  if (col < 0 || same (kept, r->field[col], r->field_len[col]))
    return TRUE;
  return text_reader_fail (r, (size_t) col, error, "%s \"%s\" differs from \"%s\" on line %"
                           G_GUINT64_FORMAT ", the first row of series \"%s\"; expected one %s "
                           "per series%s", what, r->field[col], kept, cur->first_line, cur->id,
                           what, hint);
}

static gboolean
begin_series (Table *t, const TextReader *r, const Roles *ro, Current *cur, double partition,
              GHashTable *seen, GError **error)
{
  const char *id = ro->id >= 0 ? r->field[ro->id] : "";
  size_t id_len = ro->id >= 0 ? r->field_len[ro->id] : 0;
  gpointer line = g_hash_table_lookup (seen, id);
  if (line)
    return text_reader_fail (r, (size_t) MAX (ro->id, 0), error, "series \"%s\" starts again "
                             "here; its rows began on line %" G_GUINT64_FORMAT " and another "
                             "series came between; expected each series' rows together (sort "
                             "the file by id, then time)", id, (guint64) GPOINTER_TO_SIZE (line));
  current_clear (cur);
  cur->id = g_strndup (id, id_len);
  cur->first_line = r->line_no;
  cur->last_time = -INFINITY;
  g_hash_table_insert (seen, g_strdup (cur->id), GSIZE_TO_POINTER ((gsize) r->line_no));
  if (ro->partition >= 0)
    {
      cur->partition = g_strdup (r->field[ro->partition]);
      if (!builder_partition_value (r->field[ro->partition], r->field_len[ro->partition],
                                  &partition))
        return text_reader_fail (r, (size_t) ro->partition, error, "partition \"%s\"; expected "
                                 "train, test, 0 or 1", r->field[ro->partition]);
    }
  const char *group = ro->group >= 0 ? r->field[ro->group] : NULL;
  BuiltSeries *bs = builder_begin (&t->b, ro->id >= 0 ? id : NULL, id_len, group,
                                   group ? r->field_len[ro->group] : 0, partition);
  if (group)
    cur->group = g_strdup (group);
  if (ro->label >= 0 && !t->o.label_per_step)
    {
      cur->label = g_strdup (r->field[ro->label]);
      g_autofree char *why = NULL;
      if (!labels_read (&t->labels, r->field[ro->label], r->field_len[ro->label], &bs->y, &why))
        return text_reader_fail (r, (size_t) ro->label, error, "%s", why);
      if (isnan (bs->y))
        return text_reader_fail (r, (size_t) ro->label, error, "series \"%s\" has no label "
                                 "(\"%s\" is an NA token); expected a label for every series",
                                 cur->id, r->field[ro->label]);
    }
  return TRUE;
}

static gboolean
read_row (Table *t, const TextReader *r, const Roles *ro, Current *cur, GError **error)
{
  const TableOptions *o = &t->o;
  if (!constant_in_series (r, o->label_per_step ? -1 : ro->label, cur->label ? cur->label : "", cur, "label",
                           "; for a label per step set label_per: step", error)
      || !constant_in_series (r, ro->group, cur->group ? cur->group : "", cur, "group", "", error)
      || !constant_in_series (r, ro->partition, cur->partition ? cur->partition : "", cur,
                              "partition", "", error))
    return FALSE;
  if (ro->time >= 0)
    {
      double tm;
      size_t k = (size_t) ro->time;
      if (!parse_time (r->field[k], r->field_len[k], o->decimal, &tm) || isnan (tm))
        return text_reader_fail (r, k, error, "time \"%s\"; expected a number or an ISO 8601 "
                                 "date-time such as 2024-03-01T08:00:00", r->field[k]);
      if (tm < cur->last_time)
        return text_reader_fail (r, k, error, "time goes backwards in series \"%s\": \"%s\" "
                                 "comes after line %" G_GUINT64_FORMAT "'s later time; expected "
                                 "each series' rows in time order", cur->id, r->field[k],
                                 cur->last_time_line);
      cur->last_time = tm;
      cur->last_time_line = r->line_no;
    }
  float *row = builder_row (&t->b, error);
  if (!row)
    return FALSE;
  for (size_t k = 0; k < ro->n_cols; k++)
    {
      gint32 c = ro->channel_of[k];
      if (c < 0)
        continue;
      double v;
      if (G_LIKELY (parse_number (r->field[k], r->field_len[k], o->decimal, &v)))
        row[c] = (float) v;
      else if (is_na (r->field[k], r->field_len[k], o->na))
        row[c] = NAN;
      else
        return text_reader_fail (r, k, error, "\"%s\" in numeric column \"%s\"; expected a "
                                 "number (decimal point '%c') or an NA token", r->field[k],
                                 (char *) t->channel_names->pdata[c], o->decimal);
    }
  if (o->label_per_step && ro->label >= 0)
    {
      g_autofree char *why = NULL;
      size_t k = (size_t) ro->label;
      if (!labels_read (&t->labels, r->field[k], r->field_len[k], &t->b.y_step[t->b.rows - 1],
                        &why))
        return text_reader_fail (r, k, error, "%s", why);
    }
  return TRUE;
}

gboolean
table_read_long (Table *t, const char *path, double partition, GError **error)
{
  TextReader r;
  if (!text_reader_open (&r, path, t->o.delim, t->o.decimal, t->o.comment, error))
    return FALSE;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Roles ro = { 0 };
  Current cur = { 0 };
  gboolean have = FALSE, ok = read_head (t, &r, &ro, names, &have, error);
  if (ok && !t->first_path)
    t->first_path = g_strdup (path);
  while (ok && have)
    {
      if (G_UNLIKELY (r.n_fields != ro.n_cols))
        {
          ok = text_reader_fail (&r, MIN (r.n_fields, ro.n_cols), error, "%zu fields; expected "
                                 "%zu, as the %s has", r.n_fields, ro.n_cols,
                                 t->o.header ? "header" : "columns: parameter");
          break;
        }
      if (!cur.id || (ro.id >= 0 && !same (cur.id, r.field[ro.id], r.field_len[ro.id])))
        if (!(ok = begin_series (t, &r, &ro, &cur, partition, seen, error)))
          break;
      if (!(ok = read_row (t, &r, &ro, &cur, error)))
        break;
      int got = text_reader_next (&r, error);
      have = got > 0;
      ok = got >= 0;
    }
  current_clear (&cur);
  g_free (ro.channel_of);
  text_reader_close (&r);
  return ok;
}
