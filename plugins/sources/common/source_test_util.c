/* source_test_util.c — see source_test_util.h. */
#include "source_test_util.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static char *dir;

const char *
test_dir (void)
{
  if (!dir)
    dir = g_dir_make_tmp ("test_source-XXXXXX", NULL);
  g_assert_nonnull (dir);
  return dir;
}

void
test_dir_remove (void)
{
  if (!dir)
    return;
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  if (system (cmd) != 0)
    g_printerr ("could not remove %s\n", dir);
  g_clear_pointer (&dir, g_free);
}

char *
test_write (const char *name, const char *text)
{
  char *path = g_build_filename (test_dir (), name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  if (g_str_has_suffix (name, ".gz"))
    {
      gzFile gz = gzopen (path, "wb");
      g_assert_nonnull (gz);
      g_assert_cmpint (gzwrite (gz, text, (unsigned) strlen (text)), ==, (int) strlen (text));
      gzclose (gz);
    }
  else
    g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

TdDataset *
test_load (GError **error, ...)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_assert_nonnull (d);
  g_assert_cmpint (d->kind, ==, TD_KIND_GENERATOR);
  g_autoptr (GError) e = NULL;
  g_autoptr (TdParams) p = td_params_new_defaults (d->params, d->n_params, &e);
  g_assert_no_error (e);
  va_list ap;
  va_start (ap, error);
  const char *name;
  while ((name = va_arg (ap, const char *)))
    {
      const char *value = va_arg (ap, const char *);
      if (!td_params_set_text (p, name, value, &e))
        g_error ("%s=%s: %s", name, value, e->message);
    }
  va_end (ap);
  g_autoptr (TdContext) ctx = td_context_new (1);
  return ((const TdGeneratorVTable *) d->vtable)->generate (p, ctx, error);
}
