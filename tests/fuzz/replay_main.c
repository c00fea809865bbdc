/* replay_main.c — runs a libFuzzer harness over files and folders without
 * libFuzzer: every file is passed once to LLVMFuzzerTestOneInput. Used by
 * the fuzz-replay-* tests on the seed corpora and on the regression inputs
 * (crashes the fuzzer once found), in every build. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv) __attribute__ ((weak));

static int
replay (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      GDir *d = g_dir_open (path, 0, NULL);
      g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;
      while (d && (name = g_dir_read_name (d)))
        g_ptr_array_add (names, g_build_filename (path, name, NULL));
      if (d)
        g_dir_close (d);
      g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
      int n = 0;
      for (guint k = 0; k < names->len; k++)
        n += replay (names->pdata[k]);
      return n;
    }
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &text, &len, NULL))
    return 0;
  LLVMFuzzerTestOneInput ((const uint8_t *) text, len);
  return 1;
}

int
main (int argc, char **argv)
{
  if (LLVMFuzzerInitialize)
    LLVMFuzzerInitialize (&argc, &argv);
  int n = 0;
  for (int k = 1; k < argc; k++)
    n += replay (argv[k]);
  printf ("replayed %d inputs\n", n);
  return n > 0 ? 0 : 1;
}
