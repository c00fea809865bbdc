/* common.c — what every check of tundish-plugin-check shares. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "conformance.h"

static const char *current_check = "?";

void
conf_set_check (const char *name)
{
  current_check = name;
}

void
conf_fail (const TdPluginEntry *en, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_printerr ("FAIL %s %s: %s: %s\n  (from %s)\n", td_kind_name (en->desc->kind),
              en->desc->name, current_check, msg, en->path);
  g_test_fail ();
}

gboolean conf_skipped;

/* A data source names files: its example_params give them relative to the
 * folder in TUNDISH_CHECK_DATA_DIR (meson test sets the source tree), as the
 * core resolves them against an experiment's folder. Without that folder, or
 * without an example value for a required path, there is no file to read and
 * the check is skipped, said so, not failed. */
static gboolean
example_paths (const TdPluginEntry *en, GPtrArray *extra)
{
  const char *dir = g_getenv ("TUNDISH_CHECK_DATA_DIR");
  const char *const *ex = en->desc->example_params;
  for (size_t k = 0; k < en->desc->n_params; k++)
    {
      const TdParamSpec *s = &en->desc->params[k];
      if (s->type != TD_PARAM_PATH && s->type != TD_PARAM_PATH_LIST)
        continue;
      g_autofree char *prefix = g_strdup_printf ("%s=", s->name);
      const char *given = NULL;
      for (size_t i = 0; ex && ex[i]; i++)
        if (g_str_has_prefix (ex[i], prefix))
          given = ex[i] + strlen (prefix);
      if (!given && s->default_value)
        continue;
      if (!given || !dir || !*dir || s->type == TD_PARAM_PATH_LIST)
        {
          conf_skipped = TRUE;
          g_test_skip_printf ("%s %s reads files (%s): %s", td_kind_name (en->desc->kind),
                              en->desc->name, s->name,
                              given ? "set TUNDISH_CHECK_DATA_DIR to the folder its "
                                      "example_params are relative to"
                                    : "its example_params name no file");
          return FALSE;
        }
      g_ptr_array_add (extra, g_strdup_printf ("%s=%s/%s", s->name, dir, given));
    }
  return TRUE;
}

gboolean
conf_can_run (const TdPluginEntry *en)
{
  g_autoptr (GPtrArray) extra = g_ptr_array_new_with_free_func (g_free);
  return example_paths (en, extra);
}

TdParams *
conf_params (const TdPluginEntry *en)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (GPtrArray) extra = g_ptr_array_new_with_free_func (g_free);
  if (!example_paths (en, extra))
    return NULL;
  g_ptr_array_add (extra, NULL);
  TdParams *p = td_testing_params_example (en->desc, (const char *const *) extra->pdata, &e);
  if (!p)
    conf_fail (en, "parameters from the defaults and example_params: %s", e->message);
  return p;
}

TdDataset *
conf_data (TdTask task, gboolean matrix, guint64 seed, gboolean ragged, double missing)
{
  g_autoptr (GError) e = NULL;
  TdTestingData o = { .task = task, .n_steps = matrix ? 1 : 24, .seed = seed,
                      .ragged = ragged && !matrix, .missing = missing };
  TdDataset *ds = td_testing_dataset (&o, &e);
  g_assert_no_error (e);
  return ds;
}

TdContext *
conf_context (guint64 seed, int threads)
{
  TdContext *ctx = td_context_new (seed);
  td_context_set_threads (ctx, threads);
  return ctx;
}

TdDataset *
conf_rows (const TdDataset *ds, size_t from, size_t to)
{
  g_autofree size_t *idx = g_new (size_t, to - from + 1);
  for (size_t s = from; s < to; s++)
    idx[s - from] = s;
  return td_dataset_subset (ds, idx, to - from);
}

TdDataset *
conf_blind (const TdDataset *ds)
{
  TdDataset *b = conf_rows (ds, 0, ds->n_series);
  td_dataset_hide_labels (b);
  return b;
}

char *
conf_tmpdir (void)
{
  g_autoptr (GError) e = NULL;
  char *dir = g_dir_make_tmp ("tundish-check-XXXXXX", &e);
  g_assert_no_error (e);
  return dir;
}

void
conf_rmtree (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *f;
  while (d && (f = g_dir_read_name (d)))
    {
      g_autofree char *full = g_build_filename (dir, f, NULL);
      if (g_file_test (full, G_FILE_TEST_IS_DIR) && !g_file_test (full, G_FILE_TEST_IS_SYMLINK))
        conf_rmtree (full);
      else
        g_unlink (full);
    }
  g_rmdir (dir);
}

gssize
conf_first_difference (const double *a, const double *b, size_t n)
{
  for (size_t k = 0; k < n; k++)
    if (memcmp (&a[k], &b[k], sizeof (double)) != 0)
      return (gssize) k;
  return -1;
}
