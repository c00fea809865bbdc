/* results_csv.c — see results_csv.h. */
#include "results_csv.h"

#include <math.h>

#include <tundish/io.h>

static void
record_clear (gpointer p)
{
  TdResultRecord *r = p;
  g_free (r->experiment);
  g_free (r->label);
  g_free (r->metric);
}

static int
column (char **header, const char *name)
{
  for (guint k = 0; header[k]; k++)
    if (g_ascii_strcasecmp (g_strstrip (header[k]), name) == 0)
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
  g_autoptr (TdCsvReader) reader = td_csv_reader_new (text, len, file);
  GError *err = NULL;
  g_auto (GStrv) header = td_csv_reader_next (reader, &err);
  if (!header)
    {
      if (err)
        g_propagate_error (error, err);
      else
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: empty file", file);
      return NULL;
    }
  guint n_header = g_strv_length (header);
  const char *names[] = { "pipeline", "variant", "repeat", "fold", "metric", "value" };
  int col[6];
  for (int k = 0; k < 6; k++)
    if ((col[k] = column (header, names[k])) < 0)
      {
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                     "%s:%u: no '%s' column in the header (is this a tundish results.csv?)",
                     file, td_csv_reader_line (reader), names[k]);
        return NULL;
      }
  int col_exp = column (header, "experiment");
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (TdResultRecord));
  g_array_set_clear_func (rows, record_clear);
  char **f;
  while ((f = td_csv_reader_next (reader, &err)) != NULL)
    {
      g_auto (GStrv) fields = f;
      guint at = td_csv_reader_line (reader);
      if (g_strv_length (f) != n_header)
        {
          g_set_error (&err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s:%u: %u fields, the header has %u", file, at, g_strv_length (f),
                       n_header);
          break;
        }
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
