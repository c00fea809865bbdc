/* csv.c — the CSV half of tundish/io.h: RFC 4180 fields out, records in. */
#include <tundish/io.h>

#include <math.h>
#include <string.h>

#define BOM "\xEF\xBB\xBF"

void
td_csv_field (GString *out, const char *text)
{
  if (!text)
    text = "";
  /* a leading BOM unquoted would be taken for the file's own at the start */
  if (!strpbrk (text, ",\"\r\n") && !g_str_has_prefix (text, BOM))
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *c = text; *c; c++)
    {
      if (*c == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, '"');
}

static gboolean
put_non_finite (GString *out, double v)
{
  if (isnan (v))
    g_string_append (out, "nan");
  else if (isinf (v))
    g_string_append (out, v > 0 ? "inf" : "-inf");
  else
    return FALSE;
  return TRUE;
}

static void
put_formatted (GString *out, const char *format, double v)
{
  if (put_non_finite (out, v))
    return;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (out, g_ascii_formatd (buf, sizeof buf, format, v));
}

void
td_csv_double (GString *out, double v)
{
  put_formatted (out, "%.17g", v);
}

void
td_csv_float (GString *out, float v)
{
  put_formatted (out, "%.9g", v);
}

void
td_csv_seconds (GString *out, double v)
{
  put_formatted (out, "%.9g", v);
}

gboolean
td_csv_parse_double (const char *text, double *out)
{
  char *end = NULL;
  if (!text || !*text || g_ascii_isspace (*text))   /* strtod would skip blanks */
    return FALSE;
  *out = g_ascii_strtod (text, &end);
  return end != text && *end == '\0';
}

/* ------------------------------------------------------------- reading */

struct TdCsvReader {
  const char *text;
  gsize len, pos;
  char *name;
  guint line;          /* of text[pos] */
  guint record_line;   /* where the last record returned began */
};

TdCsvReader *
td_csv_reader_new (const char *text, gsize len, const char *name)
{
  TdCsvReader *r = g_new0 (TdCsvReader, 1);
  r->text = text;
  r->len = len;
  r->name = g_strdup (name);
  r->line = r->record_line = 1;
  if (len >= 3 && memcmp (text, BOM, 3) == 0)   /* spreadsheets write one */
    r->pos = 3;
  return r;
}

void
td_csv_reader_free (TdCsvReader *r)
{
  if (!r)
    return;
  g_free (r->name);
  g_free (r);
}

guint
td_csv_reader_line (const TdCsvReader *r)
{
  return r->record_line;
}

static char **
parse_fail (TdCsvReader *r, GError **error, guint line, const char *what)
{
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s:%u: %s", r->name, line, what);
  r->pos = r->len + 1;   /* nothing more after a malformed record */
  return NULL;
}

/* A quoted field from just after its opening quote to just after its
 * closing one; "" is one quote. */
static gboolean
quoted_field (TdCsvReader *r, GString *f, GError **error)
{
  guint start_line = r->line;
  for (;;)
    {
      if (r->pos >= r->len)
        {
          parse_fail (r, error, start_line, "quoted field never closed");
          return FALSE;
        }
      char c = r->text[r->pos];
      if (c == '\0')
        {
          parse_fail (r, error, r->line, "NUL byte; expected text");
          return FALSE;
        }
      if (c == '"')
        {
          if (r->pos + 1 < r->len && r->text[r->pos + 1] == '"')
            {
              g_string_append_c (f, '"');
              r->pos += 2;
              continue;
            }
          r->pos++;
          return TRUE;
        }
      if (c == '\n')
        r->line++;
      g_string_append_c (f, c);
      r->pos++;
    }
}

char **
td_csv_reader_next (TdCsvReader *r, GError **error)
{
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) f = g_string_new ("");
  gboolean record_started = FALSE;  /* something (even "") was read for this record */
  gboolean at_field_start = TRUE;
  r->record_line = r->line;
  while (r->pos <= r->len)
    {
      gboolean at_end = r->pos == r->len;
      char c = at_end ? '\n' : r->text[r->pos];   /* the end closes a final record */
      if (!at_end && c == '\0')
        return parse_fail (r, error, r->line, "NUL byte; expected text");
      if (c == '"' && at_field_start)
        {
          r->pos++;
          if (!quoted_field (r, f, error))
            return NULL;
          record_started = TRUE;
          at_field_start = FALSE;
          const char *rest = r->text + r->pos;
          gsize left = r->len - r->pos;
          if (left > 0 && rest[0] != ',' && rest[0] != '\n'
              && !(left > 1 && rest[0] == '\r' && rest[1] == '\n'))
            return parse_fail (r, error, r->line, "text after a closing quote");
          continue;
        }
      if (c == ',')
        {
          g_ptr_array_add (fields, g_strdup (f->str));
          g_string_truncate (f, 0);
          record_started = TRUE;
          at_field_start = TRUE;
          r->pos++;
          continue;
        }
      if (c == '\n' || (c == '\r' && r->pos + 1 < r->len && r->text[r->pos + 1] == '\n'))
        {
          r->pos += c == '\r' ? 2 : 1;
          r->line++;
          if (record_started || f->len > 0)
            {
              g_ptr_array_add (fields, g_strdup (f->str));
              g_ptr_array_add (fields, NULL);
              return (char **) g_ptr_array_free (g_steal_pointer (&fields), FALSE);
            }
          if (at_end)
            break;
          r->record_line = r->line;   /* an empty line: the record starts below */
          continue;
        }
      g_string_append_c (f, c);
      at_field_start = FALSE;
      r->pos++;
    }
  r->pos = r->len + 1;
  return NULL;
}

GPtrArray *
td_csv_parse (const char *text, gsize len, const char *name, GError **error)
{
  g_autoptr (TdCsvReader) r = td_csv_reader_new (text, len, name);
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  char **record;
  GError *e = NULL;
  while ((record = td_csv_reader_next (r, &e)))
    g_ptr_array_add (rows, record);
  if (e)
    {
      g_propagate_error (error, e);
      return NULL;
    }
  return g_steal_pointer (&rows);
}
