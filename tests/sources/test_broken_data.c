/* test_broken_data.c — every file in tests/data/broken/ must fail to load
 * with the message its first line announces:
 *
 *   # expect: LINE:COL TEXT
 *   # set: name=value        (optional, repeatable: source parameters)
 *
 * .csv/.tsv/.txt files go through the table source (comment: "#"), .ts files
 * through the ucr source (as <case>_TRAIN.ts of a folder, parts: train).
 * The message must start with "FILE:LINE:COL: " and contain TEXT.
 *
 * argv[1]: the folder of the built source plugins. */
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_registry.h"
#include <tundish/tundish.h>

#define BROKEN_DIR TD_SOURCE_TEST_DIR "/../data/broken"
#define MIN_FIXTURES 25

static TdRegistry *reg;
static char *tmp;

static void
test_broken (gconstpointer data)
{
  const char *path = data;
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "# expect: "));
  const char *spec = lines[0] + strlen ("# expect: ");
  const char *space = strchr (spec, ' ');
  g_assert_nonnull (space);
  g_autofree char *line_col = g_strndup (spec, (gsize) (space - spec));
  const char *want = space + 1;

  gboolean ts = g_str_has_suffix (path, ".ts");
  const TdPluginEntry *e = td_registry_find (reg, TD_KIND_GENERATOR, ts ? "ucr" : "table");
  g_assert_nonnull (e);
  g_autoptr (GError) err = NULL;
  g_autoptr (TdParams) p = td_params_new_defaults (e->desc->params, e->desc->n_params, &err);
  g_assert_no_error (err);
  g_autofree char *file = g_strdup (path);
  if (ts)
    {
      /* The ucr source reads a folder: <tmp>/<case>/<case>_TRAIN.ts. */
      g_autofree char *base = g_path_get_basename (path);
      base[strlen (base) - 3] = '\0';
      g_autofree char *dir = g_build_filename (tmp, base, NULL);
      g_autofree char *name = g_strconcat (base, "_TRAIN.ts", NULL);
      g_free (file);
      file = g_build_filename (dir, name, NULL);
      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_assert_true (g_file_set_contents (file, text, -1, NULL));
      g_assert_true (td_params_set_text (p, "path", dir, &err));
      g_assert_true (td_params_set_text (p, "parts", "train", &err));
    }
  else
    {
      g_assert_true (td_params_set_text (p, "path", path, &err));
      g_assert_true (td_params_set_text (p, "comment", "\"#\"", &err));
    }
  for (size_t k = 1; lines[k] && g_str_has_prefix (lines[k], "# set: "); k++)
    {
      g_auto (GStrv) kv = g_strsplit (lines[k] + strlen ("# set: "), "=", 2);
      if (!td_params_set_text (p, kv[0], kv[1], &err))
        g_error ("%s: # set: %s=%s: %s", path, kv[0], kv[1], err->message);
    }
  g_autoptr (TdContext) ctx = td_context_new (1);
  const TdGeneratorVTable *v = e->desc->vtable;
  g_autoptr (TdDataset) ds = v->generate (p, ctx, &err);
  if (ds)
    g_error ("%s: loaded (%zu series); expected the error \"%s\"", path, ds->n_series, want);
  g_assert_nonnull (err);
  g_test_message ("%s", err->message);
  g_autofree char *prefix = g_strdup_printf ("%s:%s: ", file, line_col);
  if (!g_str_has_prefix (err->message, prefix) || !strstr (err->message, want))
    g_error ("%s:\n  message  %s\n  expected to start with %s\n  and contain %s", path,
             err->message, prefix, want);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  reg = source_registry (argv[1]);
  tmp = g_dir_make_tmp ("test_broken_data-XXXXXX", NULL);
  g_autoptr (GDir) dir = g_dir_open (BROKEN_DIR, 0, NULL);
  g_assert_nonnull (dir);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (dir)))
    g_ptr_array_add (names, g_build_filename (BROKEN_DIR, name, NULL));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  /* A fixture folder that lost its files must fail, not pass with nothing to check. */
  g_assert_cmpuint (names->len, >=, MIN_FIXTURES);
  for (guint k = 0; k < names->len; k++)
    {
      g_autofree char *base = g_path_get_basename (names->pdata[k]);
      g_autofree char *test = g_strconcat ("/data/broken/", base, NULL);
      g_test_add_data_func (test, names->pdata[k], test_broken);
    }
  int rc = g_test_run ();
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
  if (system (cmd) != 0)
    g_printerr ("could not remove %s\n", tmp);
  g_free (tmp);
  td_registry_free (reg);
  return rc;
}
