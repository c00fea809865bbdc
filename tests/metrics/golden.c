/* golden.c — a deliberately simple reader for the golden cases: the files are
 * machine-written, so any surprise in them is a test failure, not input to
 * recover from. */
#include "golden.h"

#include <math.h>
#include <string.h>

void
golden_case_free (GoldenCase *c)
{
  if (c == NULL)
    return;
  for (guint k = 0; k < c->expected->len; k++)
    g_free (g_array_index (c->expected, GoldenValue, k).name);
  g_array_unref (c->expected);
  g_free (c->name);
  g_free (c->csv_path);
  g_free (c->y);
  g_free (c->a);
  g_free (c->b);
  g_free (c);
}

static gboolean
parse_double (const char *text, double *out)
{
  char *end = NULL;
  *out = g_ascii_strtod (text, &end);
  return end != text && *end == '\0';
}

static gboolean
load_csv (GoldenCase *c, GError **error)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (c->csv_path, &text, NULL, error))
    return FALSE;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_auto (GStrv) header = g_strsplit (g_strstrip (lines[0]), ",", -1);
  int col_y = -1, col_a = -1, col_b = -1;
  guint n_cols = g_strv_length (header);
  for (guint k = 0; k < n_cols; k++)
    {
      if (strcmp (header[k], "label") == 0)
        col_y = (int) k;
      else if (strcmp (header[k], "score") == 0)
        col_a = (int) k;
      else if (strcmp (header[k], "score_b") == 0)
        col_b = (int) k;
    }
  if (col_y < 0 || col_a < 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: bad header", c->csv_path);
      return FALSE;
    }
  guint n_lines = g_strv_length (lines);
  c->y = g_new (double, n_lines);
  c->a = g_new (double, n_lines);
  c->b = col_b >= 0 ? g_new (double, n_lines) : NULL;
  c->n = 0;
  for (guint li = 1; li < n_lines; li++)
    {
      char *line = g_strstrip (lines[li]);
      if (*line == '\0')
        continue;
      g_auto (GStrv) f = g_strsplit (line, ",", -1);
      gboolean ok = g_strv_length (f) == n_cols
                    && parse_double (f[col_y], &c->y[c->n])
                    && parse_double (f[col_a], &c->a[c->n])
                    && (col_b < 0 || parse_double (f[col_b], &c->b[c->n]));
      if (!ok)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s:%u: bad row",
                       c->csv_path, li + 1);
          return FALSE;
        }
      c->n++;
    }
  return TRUE;
}

static gboolean
load_expected (GoldenCase *c, const char *path, GError **error)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, error))
    return FALSE;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint li = 0; lines[li] != NULL; li++)
    {
      char *line = g_strstrip (lines[li]);
      if (*line == '\0' || *line == '#')
        continue;
      char *eq = strchr (line, '=');
      GoldenValue v = { 0 };
      if (eq == NULL || !parse_double (eq + 1, &v.value))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s:%u: bad line",
                       path, li + 1);
          return FALSE;
        }
      v.name = g_strndup (line, (gsize) (eq - line));
      g_array_append_val (c->expected, v);
    }
  return TRUE;
}

static gint
case_cmp (gconstpointer a, gconstpointer b)
{
  const GoldenCase *ca = *(GoldenCase *const *) a, *cb = *(GoldenCase *const *) b;
  return strcmp (ca->name, cb->name);
}

GPtrArray *
golden_load_dir (const char *dir, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  if (d == NULL)
    return NULL;
  g_autoptr (GPtrArray) cases = g_ptr_array_new_with_free_func ((GDestroyNotify) golden_case_free);
  const char *entry;
  while ((entry = g_dir_read_name (d)) != NULL)
    {
      if (!g_str_has_suffix (entry, ".csv"))
        continue;
      GoldenCase *c = g_new0 (GoldenCase, 1);
      g_ptr_array_add (cases, c);
      c->name = g_strndup (entry, strlen (entry) - 4);
      c->csv_path = g_build_filename (dir, entry, NULL);
      c->expected = g_array_new (FALSE, FALSE, sizeof (GoldenValue));
      g_autofree char *exp_name = g_strconcat (c->name, ".expected", NULL);
      g_autofree char *exp_path = g_build_filename (dir, exp_name, NULL);
      if (!load_csv (c, error) || !load_expected (c, exp_path, error))
        return NULL;
    }
  g_ptr_array_sort (cases, case_cmp);
  return g_steal_pointer (&cases);
}

gboolean
golden_expected (const GoldenCase *c, const char *name, double *value)
{
  for (guint k = 0; k < c->expected->len; k++)
    {
      const GoldenValue *v = &g_array_index (c->expected, GoldenValue, k);
      if (strcmp (v->name, name) == 0)
        {
          *value = v->value;
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
golden_close (const char *name, double want, double got)
{
  if (isnan (want) || isnan (got))
    return isnan (want) && isnan (got);
  if (strcmp (name, "delong_p") == 0)
    return fabs (got - want) <= 1e-9 * fabs (want);
  return fabs (got - want) <= 1e-12;
}
