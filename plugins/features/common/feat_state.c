/* feat_state.c — fitted feature state in a small key file (feat_state.h). */
#include "feat_state.h"

#include <math.h>
#include <stdlib.h>

GKeyFile *
feat_state_new (const char *plugin, const char *version, char *const *channels, size_t n_channels)
{
  GKeyFile *kf = g_key_file_new ();
  g_key_file_set_integer (kf, plugin, "format", FEAT_STATE_FORMAT);
  g_key_file_set_string (kf, plugin, "version", version);
  g_key_file_set_string_list (kf, plugin, "channels", (const char *const *) channels,
                              n_channels);
  return kf;
}

void
feat_state_set_doubles (GKeyFile *kf, const char *plugin, const char *key, const double *v,
                        size_t n)
{
  char **text = g_new0 (char *, n + 1);
  for (size_t i = 0; i < n; i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_ascii_formatd (buf, sizeof buf, "%.17g", v[i]);
      text[i] = g_strdup (buf);
    }
  g_key_file_set_string_list (kf, plugin, key, (const char *const *) text, n);
  g_strfreev (text);
}

gboolean
feat_state_save (GKeyFile *kf, const char *path, const char *plugin, GError **error)
{
  GError *e = NULL;
  gsize len = 0;
  g_autofree char *text = g_key_file_to_data (kf, &len, NULL);
  if (!td_file_write_atomic (path, text, (gssize) len, &e))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "%s: cannot save fitted state: %s",
                   plugin, e->message);
      g_error_free (e);
      return FALSE;
    }
  return TRUE;
}

GKeyFile *
feat_state_load (const char *path, const char *plugin, char ***channels, size_t *n_channels,
                 GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  GError *e = NULL;
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &e))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "%s: cannot read fitted state %s: %s", plugin, path, e->message);
      g_error_free (e);
      return NULL;
    }
  gint format = g_key_file_get_integer (kf, plugin, "format", &e);
  if (e || format != FEAT_STATE_FORMAT)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "%s: %s is not a %s fitted state of format %d%s%s", plugin, path, plugin,
                   FEAT_STATE_FORMAT, e ? ": " : "", e ? e->message : "");
      g_clear_error (&e);
      return NULL;
    }
  gsize n = 0;
  char **ch = g_key_file_get_string_list (kf, plugin, "channels", &n, &e);
  if (!ch)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "%s: %s: no channels: %s",
                   plugin, path, e->message);
      g_error_free (e);
      return NULL;
    }
  *channels = ch;
  *n_channels = n;
  return g_steal_pointer (&kf);
}

gboolean
feat_state_get_doubles (GKeyFile *kf, const char *plugin, const char *key, double *v, size_t n,
                        GError **error)
{
  GError *e = NULL;
  gsize m = 0;
  g_auto (GStrv) text = g_key_file_get_string_list (kf, plugin, key, &m, &e);
  if (!text)
    {
      /* an empty list is stored as an empty value, which GKeyFile reads as none */
      if (n == 0)
        {
          g_clear_error (&e);
          return TRUE;
        }
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "%s: fitted state: %s", plugin,
                   e->message);
      g_error_free (e);
      return FALSE;
    }
  if (m != n)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "%s: fitted state: %s has %zu values, expected %zu", plugin, key, (size_t) m,
                   n);
      return FALSE;
    }
  for (size_t i = 0; i < n; i++)
    {
      char *end = NULL;
      double d = g_ascii_strtod (text[i], &end);
      /* ERANGE on subnormals is not an error: the value is still exact */
      if (end == text[i] || *end != '\0')
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                       "%s: fitted state: %s[%zu] = \"%s\" is not a number", plugin, key, i,
                       text[i]);
          return FALSE;
        }
      v[i] = d;
    }
  return TRUE;
}

char **
feat_state_channel_names (const TdDataset *in)
{
  char **names = g_new0 (char *, in->n_channels + 1);
  char cb[TD_CHANNEL_NAME_BUF];
  for (size_t c = 0; c < in->n_channels; c++)
    names[c] = g_strdup (td_dataset_channel_name (in, c, cb));
  return names;
}

gboolean
feat_state_check_channels (const TdDataset *in, char *const *channels, size_t n_channels,
                           const char *plugin, GError **error)
{
  g_auto (GStrv) names = feat_state_channel_names (in);
  gboolean same = in->n_channels == n_channels;
  for (size_t c = 0; same && c < n_channels; c++)
    same = g_strcmp0 (names[c], channels[c]) == 0;
  if (!same)
    {
      g_autofree char *fitted = g_strjoinv (", ", (char **) channels);
      g_autofree char *got = g_strjoinv (", ", names);
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: fitted on channels [%s] but the input has [%s]", plugin, fitted, got);
      return FALSE;
    }
  return TRUE;
}
