/* libFuzzer harness: the table data source (plugins/sources/table) on a
 * hostile file. The first byte picks the options (layout, delimiter, header,
 * per-step labels, time column, classes, decimal comma); the rest is the
 * file, written to a temporary path because the source reads files (plain
 * or gzip: zlib decides from the bytes). A load must either give a dataset
 * whose shape adds up or fail with a "FILE:LINE:COL: " message. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <tundish/tundish.h>

static char *path;

static void
set (TdParams *p, const char *name, const char *value)
{
  GError *e = NULL;
  if (!td_params_set_text (p, name, value, &e))
    g_error ("%s=%s: %s", name, value, e->message);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  if (!path)
    path = g_strdup_printf ("%s/fuzz_table-%d.csv", g_get_tmp_dir (), (int) getpid ());
  FILE *f = fopen (path, "wb");
  g_assert_nonnull (f);
  g_assert_cmpuint (fwrite (data + 1, 1, size - 1, f), ==, size - 1);
  fclose (f);

  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  TdParams *p = td_params_new_defaults (d->params, d->n_params, NULL);
  unsigned o = data[0];
  static const char *const delims[] = { "comma", "tab", "semicolon", "whitespace" };
  set (p, "path", path);
  set (p, "comment", "\"#\"");
  set (p, "delimiter", delims[(o >> 1) & 3]);
  if (o & 1)
    {
      set (p, "layout", "wide");
      set (p, "header", "false");
      if (o & 8)
        set (p, "leading", "[label, id, partition]");
    }
  else
    {
      if (o & 8)
        set (p, "label_per", "step");
      if (o & 16)
        {
          set (p, "header", "false");
          set (p, "columns", "[id, t, v, label]");
        }
      if (o & 32)
        set (p, "time", "t");
    }
  if (o & 64)
    set (p, "classes", "[a, b, c]");
  if ((o & 128) && ((o >> 1) & 3) != 0)
    set (p, "decimal", "\",\"");
  TdContext *ctx = td_context_new (1);
  GError *error = NULL;
  TdDataset *ds = ((const TdGeneratorVTable *) d->vtable)->generate (p, ctx, &error);
  if (ds)
    {
      g_assert_null (error);
      g_assert_cmpuint (ds->n_series, >, 0);
      for (size_t s = 0; ds->lengths && s < ds->n_series; s++)
        g_assert_cmpuint (ds->lengths[s], <=, ds->n_steps);
      /* Touch every value: the buffer really holds series × steps × channels. */
      volatile float sum = 0;
      for (size_t k = 0; k < ds->n_series * ds->n_steps * ds->n_channels; k++)
        sum += ds->x[k];
      (void) sum;
      td_dataset_unref (ds);
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_true (strlen (error->message) > 0);
      g_error_free (error);
    }
  td_context_free (ctx);
  td_params_free (p);
  unlink (path);
  return 0;
}
