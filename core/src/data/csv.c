/* csv.c — see csv.h. */
#include "data/csv.h"

#include <math.h>
#include <string.h>

void
td_csv_field (GString *out, const char *text)
{
  if (!text)
    text = "";
  if (!strpbrk (text, ",\"\r\n"))
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

void
td_csv_double (GString *out, double v)
{
  if (isnan (v))
    g_string_append (out, "nan");
  else if (isinf (v))
    g_string_append (out, v > 0 ? "inf" : "-inf");
  else
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.17g", v));
    }
}

void
td_csv_seconds (GString *out, double v)
{
  if (!isfinite (v))
    {
      td_csv_double (out, v);
      return;
    }
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.9g", v));
}

gboolean
td_csv_parse_double (const char *text, double *out)
{
  char *end = NULL;
  if (!text || !*text)
    return FALSE;
  *out = g_ascii_strtod (text, &end);
  return end != text && *end == '\0';
}

static gboolean
parse_fail (GError **error, const char *name, int line, const char *what)
{
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s:%d: %s", name, line, what);
  return FALSE;
}

GPtrArray *
td_csv_parse (const char *text, gsize len, const char *name, GError **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) f = g_string_new ("");
  int line = 1;
  gboolean record_started = FALSE;  /* something (even "") was read for this record */
  gboolean at_field_start = TRUE;
  gsize k = 0;
  while (k <= len)
    {
      char c = k < len ? text[k] : '\n';   /* the end closes a final record */
      gboolean at_end = k == len;
      if (!at_end && c == '\0')
        {
          parse_fail (error, name, line, "NUL byte; expected text");
          return NULL;
        }
      if (c == '"' && at_field_start)
        {
          /* a quoted field: up to the closing quote, "" is one quote */
          int start_line = line;
          k++;
          for (;;)
            {
              if (k >= len)
                {
                  parse_fail (error, name, start_line, "quoted field never closed");
                  return NULL;
                }
              if (text[k] == '\0')
                {
                  parse_fail (error, name, line, "NUL byte; expected text");
                  return NULL;
                }
              if (text[k] == '"')
                {
                  if (k + 1 < len && text[k + 1] == '"')
                    {
                      g_string_append_c (f, '"');
                      k += 2;
                      continue;
                    }
                  k++;
                  break;
                }
              if (text[k] == '\n')
                line++;
              g_string_append_c (f, text[k++]);
            }
          record_started = TRUE;
          at_field_start = FALSE;
          if (k < len && text[k] == '\r' && k + 1 < len && text[k + 1] == '\n')
            k++;
          if (k < len && text[k] != ',' && text[k] != '\n')
            {
              parse_fail (error, name, line, "text after a closing quote");
              return NULL;
            }
          continue;
        }
      if (c == ',')
        {
          g_ptr_array_add (fields, g_strdup (f->str));
          g_string_truncate (f, 0);
          record_started = TRUE;
          at_field_start = TRUE;
          k++;
          continue;
        }
      if (c == '\n' || (c == '\r' && k + 1 < len && text[k + 1] == '\n'))
        {
          if (c == '\r')
            k++;
          if (record_started || f->len > 0)
            {
              g_ptr_array_add (fields, g_strdup (f->str));
              g_ptr_array_add (fields, NULL);
              g_ptr_array_add (rows, g_ptr_array_free (g_steal_pointer (&fields), FALSE));
              fields = g_ptr_array_new_with_free_func (g_free);
            }
          g_string_truncate (f, 0);
          record_started = FALSE;
          at_field_start = TRUE;
          k++;
          line++;
          continue;
        }
      g_string_append_c (f, c);
      at_field_start = FALSE;
      k++;
    }
  return g_steal_pointer (&rows);
}
