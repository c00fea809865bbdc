/* eval_csv.c — the CSV reader behind `tundish eval` (see eval_csv.h). */
#include "eval_csv.h"

#include <math.h>
#include <string.h>

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
 * the number of fields found (max + 1 means "more than max"). */
static guint
split_fields (char *line, char **fields, guint max)
{
  guint n = 0;
  for (char *f = line;; n++)
    {
      char *comma = strchr (f, ',');
      if (n == max)
        return max + 1;
      if (comma != NULL)
        *comma = '\0';
      fields[n] = g_strstrip (f);
      if (comma == NULL)
        return n + 1;
      f = comma + 1;
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
      if (!parse_number (text, &v[k]))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s:%u: %s '%s' is not a number", d->path, lineno, what[k], text);
          return FALSE;
        }
      if (k == COL_LABEL && v[k] != 0.0 && v[k] != 1.0)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s:%u: label '%s' is not 0 or 1", d->path, lineno, text);
          return FALSE;
        }
      if (k != COL_LABEL && !isfinite (v[k]))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s:%u: %s '%s' is not finite", d->path, lineno, what[k], text);
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

