/* config_data.c — the data stage's files: path parameters resolved against
 * the experiment file's folder, checked to exist, and hashed (SHA-256), so
 * the manifest, the data cache key and `--resume` know which bytes the run
 * read. The plugin gets a copy of its parameters with absolute paths; the
 * resolved configuration keeps them as written, so a clone elsewhere has the
 * same config hash. */
#include "config/config_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void
td_data_file_free (TdDataFile *f)
{
  if (!f)
    return;
  g_free (f->param);
  g_free (f->written);
  g_free (f->path);
  g_free (f->sha256);
  g_free (f);
}

static gboolean
hash_file_into (GChecksum *sum, const char *path, GError **error)
{
  FILE *fp = fopen (path, "rb");
  if (!fp)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: cannot read: %s",
                   path, g_strerror (errno));
      return FALSE;
    }
  enum { CHUNK = 1 << 20 };
  g_autofree guchar *buf = g_malloc (CHUNK);
  size_t n;
  while ((n = fread (buf, 1, CHUNK, fp)) > 0)
    g_checksum_update (sum, buf, (gssize) n);
  gboolean ok = !ferror (fp);
  fclose (fp);
  if (!ok)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "%s: read error", path);
  return ok;
}

static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

char *
td_data_path_sha256 (const char *path, GError **error)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    return hash_file_into (sum, path, error) ? g_strdup (g_checksum_get_string (sum)) : NULL;
  /* A folder: its regular files in name order, each as its name and its hash. */
  g_autoptr (GDir) dir = g_dir_open (path, 0, error);
  if (!dir)
    return NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *full = g_build_filename (path, name, NULL);
      if (g_file_test (full, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, cmp_str);
  for (guint k = 0; k < names->len; k++)
    {
      g_autofree char *full = g_build_filename (path, (char *) names->pdata[k], NULL);
      g_autoptr (GChecksum) one = g_checksum_new (G_CHECKSUM_SHA256);
      if (!hash_file_into (one, full, error))
        return NULL;
      g_checksum_update (sum, (const guchar *) names->pdata[k], -1);
      g_checksum_update (sum, (const guchar *) "", 1);
      g_checksum_update (sum, (const guchar *) g_checksum_get_string (one), -1);
    }
  return g_strdup (g_checksum_get_string (sum));
}

/* The node a parameter was written at (inline or under params:), for messages. */
static const TdNode *
param_node (const TdNode *data, const char *name)
{
  if (data->type != TD_NODE_MAP)
    return data;
  const TdNode *params = td_node_map_get (data, "params", NULL);
  const TdNode *at = params && params->type == TD_NODE_MAP
                     ? td_node_map_get (params, name, NULL) : td_node_map_get (data, name, NULL);
  return at ? at : data;
}

static gboolean
add_file (TdExperiment *exp, const char *dir, const char *param, const char *written,
          const TdNode *at, GError **error)
{
  g_autofree char *key = g_strdup_printf ("data.params.%s", param);
  if (!*written)
    return td_config_fail (error, TD_CONFIG_ERROR_VALUE, at, key,
                           "empty; expected a file or folder, relative to the experiment file");
  g_autofree char *abs = g_canonicalize_filename (written, dir);
  if (!g_file_test (abs, G_FILE_TEST_EXISTS))
    return td_config_fail (error, TD_CONFIG_ERROR_VALUE, at, key,
                           "%s: no such file or folder (paths are relative to the experiment "
                           "file's folder %s)", abs, dir);
  g_autoptr (GError) e = NULL;
  g_autofree char *sha = td_data_path_sha256 (abs, &e);
  if (!sha)
    return td_config_fail (error, TD_CONFIG_ERROR_VALUE, at, key, "%s", e->message);
  TdDataFile *f = g_new0 (TdDataFile, 1);
  f->param = g_strdup (param);
  f->written = g_strdup (written);
  f->path = g_steal_pointer (&abs);
  f->sha256 = g_steal_pointer (&sha);
  g_ptr_array_add (exp->data_files, f);
  return TRUE;
}

/* Set one resolved path list: items were checked to hold no commas or quotes. */
static gboolean
set_list (TdParams *params, const char *name, GPtrArray *abs, GError **error)
{
  g_autoptr (GString) s = g_string_new ("[");
  for (guint k = 0; k < abs->len; k++)
    g_string_append_printf (s, "%s\"%s\"", k ? ", " : "", (char *) abs->pdata[k]);
  g_string_append_c (s, ']');
  return td_params_set_text (params, name, s->str, error);
}

gboolean
td_config_resolve_data_files (TdExperiment *exp, const TdNode *data, GError **error)
{
  g_autofree char *dir0 = g_path_get_dirname (exp->path);
  g_autofree char *dir = g_canonicalize_filename (dir0, NULL);
  exp->data_params = td_params_copy (exp->data->params);
  size_t n_specs = 0;
  const TdParamSpec *specs = td_params_specs (exp->data->params, &n_specs);
  for (size_t k = 0; k < n_specs; k++)
    {
      const TdParamSpec *spec = &specs[k];
      const TdNode *at = param_node (data, spec->name);
      g_autoptr (GError) e = NULL;
      if (spec->type == TD_PARAM_PATH)
        {
          const char *written = td_params_get_string (exp->data->params, spec->name);
          if (!*written)
            continue;   /* an optional path left empty: no file */
          if (!add_file (exp, dir, spec->name, written, at, error))
            return FALSE;
          const TdDataFile *f = exp->data_files->pdata[exp->data_files->len - 1];
          g_autofree char *quoted = g_strdup_printf ("\"%s\"", f->path);
          if (strchr (f->path, '"') || !td_params_set_text (exp->data_params, spec->name, quoted, &e))
            return td_config_fail (error, TD_CONFIG_ERROR_VALUE, at, "data.params",
                                   "%s: a path with a double quote; expected a plain path",
                                   f->path);
        }
      else if (spec->type == TD_PARAM_PATH_LIST)
        {
          size_t n = 0;
          const char *const *items = td_params_get_string_list (exp->data->params, spec->name, &n);
          g_autoptr (GPtrArray) abs = g_ptr_array_new ();
          for (size_t j = 0; j < n; j++)
            {
              g_autofree char *param = g_strdup_printf ("%s[%zu]", spec->name, j);
              if (!add_file (exp, dir, param, items[j], at, error))
                return FALSE;
              const TdDataFile *f = exp->data_files->pdata[exp->data_files->len - 1];
              if (strpbrk (f->path, "\",["))
                return td_config_fail (error, TD_CONFIG_ERROR_VALUE, at, param,
                                       "%s: a path with a comma, quote or bracket; expected a "
                                       "plain path in a list", f->path);
              g_ptr_array_add (abs, f->path);
            }
          if (!set_list (exp->data_params, spec->name, abs, &e))
            return td_config_fail (error, TD_CONFIG_ERROR_VALUE, at, "data.params", "%s",
                                   e->message);
        }
    }
  return TRUE;
}
