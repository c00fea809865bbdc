/* Every experiment shipped in experiments/ validates against the built
 * plugins (keys, parameters, sweeps, stage shapes, model tasks), so a
 * plugin or loader change cannot silently break the examples. */
#include <string.h>

#include <glib.h>

static const char *tundish, *src_root;

static void
validate_one (gconstpointer data)
{
  const char *path = data;
  const char *argv[] = { tundish, "validate", path, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &err, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s does not validate:\n%s", path, err);
  g_assert_nonnull (strstr (out, "valid"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 3)
    g_error ("usage: test_experiments TUNDISH SOURCE_ROOT");
  tundish = argv[1];
  src_root = argv[2];
  g_autofree char *dir = g_build_filename (src_root, "experiments", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)))
    if (g_str_has_suffix (name, ".yaml"))
      g_ptr_array_add (files, g_build_filename (dir, name, NULL));
  g_assert_cmpuint (files->len, >, 0);
  for (guint k = 0; k < files->len; k++)
    {
      g_autofree char *base = g_path_get_basename (files->pdata[k]);
      g_autofree char *test = g_strdup_printf ("/experiments/%s", base);
      g_test_add_data_func (test, files->pdata[k], validate_one);
    }
  return g_test_run ();
}
