/* eval_csv.c — `tundish eval`'s label,score columns, read with the core's
 * one CSV reader (tundish/io.h); see eval_csv.h. */
#include "eval_csv.h"

#include <errno.h>
#include <math.h>

#include <tundish/io.h>

#include "util/text.h"

void
td_eval_data_clear (TdEvalData *d)
{
  g_clear_pointer (&d->path, g_free);
  g_clear_pointer (&d->y, g_array_unref);
  g_clear_pointer (&d->a, g_array_unref);
  g_clear_pointer (&d->b, g_array_unref);
}

/* Fields with blanks around them stripped (in place); a record of blanks
 * only is an empty line. */
static gboolean
strip_fields (char **fields)
{
  gboolean blank = TRUE;
  for (char **f = fields; *f; f++)
    blank = !*g_strstrip (*f) && blank;
  return blank && g_strv_length (fields) == 1;
}

enum { COL_LABEL, COL_SCORE, COL_SCORE_B, N_KNOWN };
#define MAX_COLUMNS 256

static gboolean
parse_header (char **fields, const char *path, guint lineno, int col[N_KNOWN],
              guint *n_cols, GError **error)
{
  static const char *const known[N_KNOWN] = { "label", "score", "score_b" };
  guint n = g_strv_length (fields);
  if (n > MAX_COLUMNS)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s:%u: more than %d columns", path, lineno, MAX_COLUMNS);
      return FALSE;
    }
  for (int k = 0; k < N_KNOWN; k++)
    col[k] = -1;
  for (guint f = 0; f < n; f++)
    for (int k = 0; k < N_KNOWN; k++)
      if (g_ascii_strcasecmp (fields[f], known[k]) == 0)
        {
          if (col[k] >= 0)
            {
              g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                           "%s:%u: column '%s' appears twice", path, lineno, known[k]);
              return FALSE;
            }
          col[k] = (int) f;
        }
  for (int k = 0; k < COL_SCORE_B; k++)
    if (col[k] < 0)
      {
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                     "%s:%u: no '%s' column in the header (expected 'label,score' "
                     "and optionally 'score_b')", path, lineno, known[k]);
        return FALSE;
      }
  *n_cols = n;
  return TRUE;
}

static gboolean
parse_row (char **fields, guint lineno, const int col[N_KNOWN], guint n_cols,
           TdEvalData *d, GError **error)
{
  static const char *const what[N_KNOWN] = { "label", "score", "score_b" };
  guint n = g_strv_length (fields);
  if (n != n_cols)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s:%u: %s fields, the header has %u", d->path, lineno,
                   n > n_cols ? "more" : "fewer", n_cols);
      return FALSE;
    }
  double v[N_KNOWN] = { 0 };
  for (int k = 0; k < N_KNOWN; k++)
    {
      if (col[k] < 0)
        continue;
      const char *text = fields[col[k]];
      g_autofree char *shown = td_excerpt (text, -1);
      if (!td_csv_parse_double (text, &v[k]))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s:%u: %s '%s' is not a number", d->path, lineno, what[k], shown);
          return FALSE;
        }
      if (k == COL_LABEL && v[k] != 0.0 && v[k] != 1.0)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s:%u: label '%s' is not 0 or 1", d->path, lineno, shown);
          return FALSE;
        }
      if (k != COL_LABEL && !isfinite (v[k]))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s:%u: %s '%s' is not finite", d->path, lineno, what[k], shown);
          return FALSE;
        }
    }
  g_array_append_val (d->y, v[COL_LABEL]);
  g_array_append_val (d->a, v[COL_SCORE]);
  if (d->b != NULL)
    g_array_append_val (d->b, v[COL_SCORE_B]);
  return TRUE;
}

/* The next record that is not an empty line, fields stripped; NULL at the
 * end or on malformed CSV (error set). */
static char **
next_record (TdCsvReader *r, GError **error)
{
  char **fields;
  while ((fields = td_csv_reader_next (r, error)) != NULL && strip_fields (fields))
    g_strfreev (fields);
  return fields;
}

gboolean
td_eval_csv_parse (const char *text, gsize len, const char *name, TdEvalData *d,
                   GError **error)
{
  d->path = g_strdup (name);
  g_autoptr (TdCsvReader) r = td_csv_reader_new (text, len, name);
  GError *e = NULL;
  g_auto (GStrv) header = next_record (r, &e);
  if (header == NULL)
    {
      if (e)
        g_propagate_error (error, e);
      else
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                     "%s: empty file; expected a header 'label,score'", d->path);
      return FALSE;
    }
  int col[N_KNOWN];
  guint n_cols = 0;
  if (!parse_header (header, d->path, td_csv_reader_line (r), col, &n_cols, error))
    return FALSE;
  d->y = g_array_new (FALSE, FALSE, sizeof (double));
  d->a = g_array_new (FALSE, FALSE, sizeof (double));
  d->b = col[COL_SCORE_B] >= 0 ? g_array_new (FALSE, FALSE, sizeof (double)) : NULL;
  char **fields;
  while ((fields = next_record (r, &e)) != NULL)
    {
      gboolean ok = parse_row (fields, td_csv_reader_line (r), col, n_cols, d, error);
      g_strfreev (fields);
      if (!ok)
        return FALSE;
    }
  if (e)
    {
      g_propagate_error (error, e);
      return FALSE;
    }
  if (d->y->len == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: no data rows after the header", d->path);
      return FALSE;
    }
  return TRUE;
}


/* Reads stream in chunks and refuses as soon as the input cannot be a
 * label,score CSV: a NUL byte (a binary file, /dev/zero), a line longer
 * than the limit, or more bytes in all than the limit (an endless pipe). */
gboolean
td_eval_csv_read (FILE *stream, const char *name, const TdEvalLimits *limits, char **text,
                  gsize *len, GError **error)
{
  GString *s = g_string_new (NULL);
  char chunk[65536];
  size_t got;
  gsize line_len = 0, lineno = 1;
  while ((got = fread (chunk, 1, sizeof chunk, stream)) > 0)
    {
      for (size_t k = 0; k < got; k++)
        {
          if (chunk[k] == '\0')
            {
              g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                           "%s:%" G_GSIZE_FORMAT ": a NUL byte at byte %" G_GSIZE_FORMAT
                           "; expected a text CSV", name, lineno, s->len + k);
              g_string_free (s, TRUE);
              return FALSE;
            }
          if (chunk[k] == '\n')
            {
              lineno++;
              line_len = 0;
            }
          else if (++line_len > limits->max_line)
            {
              g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                           "%s:%" G_GSIZE_FORMAT ": the line is longer than %" G_GSIZE_FORMAT
                           " bytes; expected label,score rows (--max-line raises the limit)",
                           name, lineno, limits->max_line);
              g_string_free (s, TRUE);
              return FALSE;
            }
        }
      if (s->len + got > limits->max_bytes)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s: more than %" G_GSIZE_FORMAT " MB of input; expected a smaller "
                       "CSV (--max-input-mb raises the limit)", name,
                       limits->max_bytes >> 20);
          g_string_free (s, TRUE);
          return FALSE;
        }
      g_string_append_len (s, chunk, (gssize) got);
    }
  if (ferror (stream))
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: cannot read: %s",
                   name, g_strerror (e));
      g_string_free (s, TRUE);
      return FALSE;
    }
  *len = s->len;
  *text = g_string_free (s, FALSE);
  return TRUE;
}
