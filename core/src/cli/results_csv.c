/* results_csv.c — see results_csv.h. */
#include "results_csv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void
record_clear (gpointer p)
{
  TdResultRecord *r = p;
  g_free (r->experiment);
  g_free (r->label);
  g_free (r->metric);
}

/* One RFC 4180 record starting at *pos: fields appended to out (owned
 * strings); FALSE at the end of the text. Quoted fields may hold commas,
 * doubled quotes and line breaks; CRLF and LF both end a record. */
static gboolean
next_record (const char *text, gsize len, gsize *pos, GPtrArray *out, guint *line,
             GError **error, const char *path)
{
  g_ptr_array_set_size (out, 0);
  if (*pos >= len)
    return FALSE;
  GString *f = g_string_new (NULL);
  gsize i = *pos;
  for (;;)
    {
      if (i < len && text[i] == '"')
        {
          i++;
          for (;;)
            {
              if (i >= len)
                {
                  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                               "%s:%u: unterminated quoted field", path, *line);
                  g_string_free (f, TRUE);
                  return FALSE;
                }
              if (text[i] == '"' && i + 1 < len && text[i + 1] == '"')
                {
                  g_string_append_c (f, '"');
                  i += 2;
                }
              else if (text[i] == '"')
                {
                  i++;
                  break;
                }
              else
                {
                  if (text[i] == '\n')
                    (*line)++;
                  g_string_append_c (f, text[i++]);
                }
            }
        }
      while (i < len && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
        g_string_append_c (f, text[i++]);
      g_ptr_array_add (out, g_string_free (f, FALSE));
      if (i < len && text[i] == ',')
        {
          i++;
          f = g_string_new (NULL);
          continue;
        }
      if (i < len && text[i] == '\r')
        i++;
      if (i < len && text[i] == '\n')
        i++;
      break;
    }
  *pos = i;
  (*line)++;
  return TRUE;
}

static int
column (GPtrArray *header, const char *name)
{
  for (guint k = 0; k < header->len; k++)
    if (g_ascii_strcasecmp (g_strstrip ((char *) header->pdata[k]), name) == 0)
      return (int) k;
  return -1;
}

GArray *
td_results_csv_read (const char *path, GError **error)
{
  g_autofree char *file = g_file_test (path, G_FILE_TEST_IS_DIR)
                            ? g_build_filename (path, "results.csv", NULL)
                            : g_strdup (path);
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents (file, &text, &len, error))
    return NULL;
  gsize pos = 0;
  if (len >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    pos = 3;
  guint line = 1;
  g_autoptr (GPtrArray) header = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  GError *err = NULL;
  if (!next_record (text, len, &pos, header, &line, &err, file))
    {
      if (err)
        g_propagate_error (error, err);
      else
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: empty file", file);
      return NULL;
    }
  const char *names[] = { "pipeline", "variant", "repeat", "fold", "metric", "value" };
  int col[6];
  for (int k = 0; k < 6; k++)
    if ((col[k] = column (header, names[k])) < 0)
      {
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                     "%s:1: no '%s' column in the header (is this a tundish results.csv?)",
                     file, names[k]);
        return NULL;
      }
  int col_exp = column (header, "experiment");
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (TdResultRecord));
  g_array_set_clear_func (rows, record_clear);
  for (;;)
    {
      guint at = line;
      if (!next_record (text, len, &pos, fields, &line, &err, file))
        break;
      if (fields->len == 1 && *(char *) fields->pdata[0] == '\0')
        continue;   /* blank line */
      if (fields->len != header->len)
        {
          g_set_error (&err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s:%u: %u fields, the header has %u", file, at, fields->len,
                       header->len);
          break;
        }
      char **f = (char **) fields->pdata;
      char *end_r, *end_f, *end_v;
      gint64 rep = g_ascii_strtoll (f[col[2]], &end_r, 10);
      gint64 fold = g_ascii_strtoll (f[col[3]], &end_f, 10);
      const char *vt = g_strstrip (f[col[5]]);
      double v = *vt == '\0' ? NAN : g_ascii_strtod (vt, &end_v);
      if (*end_r || *end_f || (*vt && *end_v) || end_r == f[col[2]] || end_f == f[col[3]])
        {
          g_set_error (&err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s:%u: repeat, fold or value is not a number", file, at);
          break;
        }
      const char *variant = f[col[1]];
      TdResultRecord r = {
        .experiment = g_strdup (col_exp >= 0 ? f[col_exp] : ""),
        .label = *variant ? g_strdup_printf ("%s[%s]", f[col[0]], variant) : g_strdup (f[col[0]]),
        .repeat = (int) rep, .fold = (int) fold,
        .metric = g_strdup (f[col[4]]),
        .value = v,
      };
      g_array_append_val (rows, r);
    }
  if (err)
    {
      g_propagate_error (error, err);
      g_array_unref (rows);
      return NULL;
    }
  return rows;
}
