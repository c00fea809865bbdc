/* eval_csv.c — the CSV reader behind `tundish eval` (see eval_csv.h). */
#include "eval_csv.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "util/text.h"

void
td_eval_data_clear (TdEvalData *d)
{
  g_clear_pointer (&d->path, g_free);
  g_clear_pointer (&d->y, g_array_unref);
  g_clear_pointer (&d->a, g_array_unref);
  g_clear_pointer (&d->b, g_array_unref);
}

/* Next line of buf starting at *pos, NUL-terminated in place, without its
 * line ending (LF or CRLF) or surrounding blanks; NULL at the end. */
static char *
next_line (char *buf, gsize len, gsize *pos)
{
  if (*pos >= len)
    return NULL;
  char *line = buf + *pos;
  char *nl = memchr (line, '\n', len - *pos);
  if (nl != NULL)
    {
      *nl = '\0';
      *pos = (gsize) (nl - buf) + 1;
    }
  else
    {
      *pos = len;
    }
  return g_strstrip (line);
}

/* Splits a line at commas into at most max fields, stripping each; returns
 * the number of fields found (max + 1 means "more than max"). A field in
 * double quotes (RFC 4180, as tundish's own CSV writer quotes: "label")
 * loses its quotes, "" inside it becomes ", and its commas are text. */
static guint
split_fields (char *line, char **fields, guint max)
{
  guint n = 0;
  char *f = line;
  for (;; n++)
    {
      if (n == max)
        return max + 1;
      while (*f == ' ' || *f == '\t')
        f++;
      char *end;
      if (*f == '"')
        {
          /* unquote in place: w writes, r reads */
          char *w = f, *r = f + 1;
          for (; *r; r++)
            {
              if (*r == '"' && r[1] == '"')
                *w++ = *r++;
              else if (*r == '"')
                {
                  r++;
                  break;
                }
              else
                *w++ = *r;
            }
          *w = '\0';
          fields[n] = f;
          end = strchr (r, ',');
        }
      else
        {
          end = strchr (f, ',');
          if (end != NULL)
            *end = '\0';
          fields[n] = g_strstrip (f);
        }
      if (end == NULL)
        return n + 1;
      f = end + 1;
    }
}

enum { COL_LABEL, COL_SCORE, COL_SCORE_B, N_KNOWN };
#define MAX_COLUMNS 256

static gboolean
parse_header (char *line, const char *path, guint lineno, int col[N_KNOWN],
              guint *n_cols, GError **error)
{
  static const char *const known[N_KNOWN] = { "label", "score", "score_b" };
  char *fields[MAX_COLUMNS];
  guint n = split_fields (line, fields, MAX_COLUMNS);
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
parse_number (const char *text, double *out)
{
  char *end = NULL;
  if (*text == '\0')
    return FALSE;
  *out = g_ascii_strtod (text, &end);
  return *end == '\0';
}

static gboolean
parse_row (char *line, guint lineno, const int col[N_KNOWN], guint n_cols,
           TdEvalData *d, GError **error)
{
  static const char *const what[N_KNOWN] = { "label", "score", "score_b" };
  char *fields[MAX_COLUMNS];
  guint n = split_fields (line, fields, n_cols);
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
      if (!parse_number (text, &v[k]))
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


gboolean
td_eval_csv_parse (char *text, gsize len, const char *name, TdEvalData *d, GError **error)
{
  d->path = g_strdup (name);
  if (memchr (text, '\0', len) != NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: contains NUL bytes; expected a text CSV", d->path);
      return FALSE;
    }
  gsize pos = 0;
  if (len >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)   /* spreadsheet BOM */
    pos = 3;

  guint lineno = 0;
  char *line;
  int col[N_KNOWN];
  guint n_cols = 0;
  /* blank lines before the header are tolerated */
  do
    {
      line = next_line (text, len, &pos);
      lineno++;
    }
  while (line != NULL && *line == '\0');
  if (line == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: empty file; expected a header 'label,score'", d->path);
      return FALSE;
    }
  if (!parse_header (line, d->path, lineno, col, &n_cols, error))
    return FALSE;
  d->y = g_array_new (FALSE, FALSE, sizeof (double));
  d->a = g_array_new (FALSE, FALSE, sizeof (double));
  d->b = col[COL_SCORE_B] >= 0 ? g_array_new (FALSE, FALSE, sizeof (double)) : NULL;
  while ((line = next_line (text, len, &pos)) != NULL)
    {
      lineno++;
      if (*line == '\0')
        continue;
      if (!parse_row (line, lineno, col, n_cols, d, error))
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
