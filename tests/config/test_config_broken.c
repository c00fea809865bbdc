/* test_config_broken.c — every file in tests/config/broken/ must fail to
 * load with the message its first line announces:
 *
 *   # expect: [FILE:]LINE:COL KEY.PATH TEXT
 *   # set: key.path=value          (optional, repeatable: --set overrides)
 *   # plugins: built               (optional: the built plugins, not the stand-ins,
 *                                   for what only a real plugin's create refuses)
 *
 * FILE defaults to the fixture itself (a relative FILE is relative to
 * broken/, "--set" names an override); KEY.PATH "-" means the message has
 * none (YAML syntax errors). The test checks the message starts with
 * "FILE:LINE:COL: ", then "KEY.PATH: ", and contains TEXT.
 */
#include <string.h>

#include "config/config.h"
#include "fake_plugins.h"

#define BROKEN_DIR TD_CONFIG_TEST_DIR "/broken"
#define MIN_FIXTURES 20

typedef struct {
  char *loc_file;
  char *line_col;
  char *key_path;
  char *text;
  GPtrArray *overrides;
  gboolean built;
} Expect;

static void
expect_clear (Expect *e)
{
  g_free (e->loc_file);
  g_free (e->line_col);
  g_free (e->key_path);
  g_free (e->text);
  g_ptr_array_unref (e->overrides);
}

static void
parse_expect (const char *path, const char *contents, Expect *e)
{
  g_auto (GStrv) lines = g_strsplit (contents, "\n", -1);
  g_assert_true (lines[0] && g_str_has_prefix (lines[0], "# expect: "));
  const char *spec = lines[0] + strlen ("# expect: ");
  g_auto (GStrv) parts = g_strsplit (spec, " ", 3);
  g_assert_cmpuint (g_strv_length (parts), ==, 3);

  /* The location is [FILE:]LINE:COL; split off the last two fields. */
  char *loc = parts[0];
  char *c2 = strrchr (loc, ':');
  g_assert_nonnull (c2);
  *c2 = '\0';
  char *c1 = strrchr (loc, ':');
  *c2 = ':';
  if (c1)
    {
      *c1 = '\0';
      e->loc_file = strcmp (loc, "--set") == 0 ? g_strdup (loc)
                                               : g_build_filename (BROKEN_DIR, loc, NULL);
      e->line_col = g_strdup (c1 + 1);
    }
  else
    {
      e->loc_file = g_strdup (path);
      e->line_col = g_strdup (loc);
    }
  e->key_path = g_strdup (parts[1]);
  e->text = g_strdup (parts[2]);
  e->overrides = g_ptr_array_new_with_free_func (g_free);
  e->built = FALSE;
  for (size_t k = 1; lines[k] && g_str_has_prefix (lines[k], "# "); k++)
    if (g_str_has_prefix (lines[k], "# set: "))
      g_ptr_array_add (e->overrides, g_strdup (lines[k] + strlen ("# set: ")));
    else if (strcmp (lines[k], "# plugins: built") == 0)
      e->built = TRUE;
  g_ptr_array_add (e->overrides, NULL);
}

static const char *plugin_dir;   /* the build tree's plugins/, argv[1] */

static TdRegistry *
built_registry (void)
{
  if (!plugin_dir)
    g_error ("a fixture asks for the built plugins; pass their folder as the first argument");
  TdRegistry *reg = td_registry_new ();
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  td_registry_scan_dir (reg, plugin_dir, errors);
  for (guint k = 0; k < errors->len; k++)
    g_test_message ("%s", ((GError *) errors->pdata[k])->message);
  g_assert_nonnull (td_registry_find (reg, TD_KIND_FEATURE, "window"));
  return reg;
}

static void
test_broken (gconstpointer data)
{
  const char *path = data;
  g_autofree char *contents = NULL;
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  Expect e;
  parse_expect (path, contents, &e);

  g_autoptr (TdRegistry) reg = e.built ? built_registry () : fake_registry ();
  g_autoptr (GError) error = NULL;
  g_autoptr (TdExperiment) exp =
    td_experiment_load (path, reg, (const char *const *) e.overrides->pdata, &error);
  g_assert_null (exp);
  g_assert_error (error, TD_CONFIG_ERROR, error->code);
  g_test_message ("%s", error->message);

  g_autofree char *prefix = g_strdup_printf ("%s:%s: ", e.loc_file, e.line_col);
  if (!g_str_has_prefix (error->message, prefix))
    g_error ("%s:\n  message  %s\n  expected to start with %s", path, error->message, prefix);
  const char *rest = error->message + strlen (prefix);
  if (strcmp (e.key_path, "-") != 0)
    {
      g_autofree char *kp = g_strdup_printf ("%s: ", e.key_path);
      if (!g_str_has_prefix (rest, kp))
        g_error ("%s:\n  message  %s\n  expected key path %s", path, error->message, e.key_path);
    }
  if (!strstr (rest, e.text))
    g_error ("%s:\n  message  %s\n  expected to contain %s", path, error->message, e.text);
  expect_clear (&e);
}

static GPtrArray *
fixtures (void)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) dir = g_dir_open (BROKEN_DIR, 0, NULL);
  g_assert_nonnull (dir);
  const char *name;
  while ((name = g_dir_read_name (dir)))
    if (g_str_has_suffix (name, ".yaml"))
      g_ptr_array_add (files, g_build_filename (BROKEN_DIR, name, NULL));
  return files;
}

static int
cmp_path (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
test_enough (gconstpointer data)
{
  const GPtrArray *files = data;
  g_assert_cmpuint (files->len, >=, MIN_FIXTURES);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  plugin_dir = argc > 1 ? argv[1] : NULL;
  g_autoptr (GPtrArray) files = fixtures ();
  g_ptr_array_sort (files, cmp_path);
  g_test_add_data_func ("/config/broken/count", files, test_enough);
  for (guint k = 0; k < files->len; k++)
    {
      g_autofree char *base = g_path_get_basename (files->pdata[k]);
      g_autofree char *name = g_strdup_printf ("/config/broken/%s", base);
      g_test_add_data_func (name, files->pdata[k], test_broken);
    }
  return g_test_run ();
}
