/* data_cache.c — an experiment's dataset, generated once in a child process
 * (a crashing generator cannot take the run down), cached as HDF5 under a
 * key of (generator, version, resolved params, data seed) with a checksum
 * sidecar, and always read back from HDF5 so every run sees the same bytes. */
#include "run/data_cache.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "data/layout.h"
#include "data/window.h"
#include "run/killpoint.h"
#include "run/worker.h"
#include "util/atomic_file.h"

static char *
cache_path (const TdExperiment *exp, const TdRunOptions *opt, guint64 data_seed)
{
  const char *dir = opt->cache_dir ? opt->cache_dir : g_getenv ("TUNDISH_CACHE_DIR");
  g_autofree char *def = g_build_filename (g_get_user_cache_dir (), "tundish", NULL);
  g_autofree char *params = td_params_to_text (exp->data->params);
  const TdPluginDescriptor *d = exp->data->entry->desc;
  GString *key = g_string_new (NULL);
  g_string_printf (key, "format=1\ngenerator=%s\nversion=%s\nparams=%s\nseed=%" G_GUINT64_FORMAT
                   "\n", d->name, d->version, params, data_seed);
  /* A source's files by content: an edited file is a new dataset, a moved
   * clone still finds its cache (params keep the paths as written). */
  for (guint k = 0; k < exp->data_files->len; k++)
    {
      const TdDataFile *f = exp->data_files->pdata[k];
      g_string_append_printf (key, "file=%s:%s\n", f->param, f->sha256);
    }
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key->str, -1);
  g_string_free (key, TRUE);
  hash[16] = '\0';
  g_autofree char *file = g_strdup_printf ("%s-%s.h5", d->name, hash);
  return g_build_filename (dir && *dir ? dir : def, file, NULL);
}

/* A fast 64-bit digest of a file (not cryptographic): a cache file whose
 * digest does not match the one recorded when tundish wrote it is never
 * handed to HDF5. libhdf5 1.10 overflows buffers on some corrupt files
 * (found by tests/fuzz/fuzz_dataset_h5.c); a torn or bit-rotted cache must
 * cost a regeneration, not a crash. */
static gboolean
file_digest (const char *path, char out[64])
{
  FILE *f = fopen (path, "rb");
  if (!f)
    return FALSE;
  guint64 h = 0x243F6A8885A308D3ull, size = 0;
  g_autofree guint8 *buf = g_malloc (1 << 20);
  size_t got;
  while ((got = fread (buf, 1, 1 << 20, f)) > 0)
    {
      size_t k = 0;
      for (; k + 8 <= got; k += 8)
        {
          guint64 w;
          memcpy (&w, buf + k, 8);
          h = (h ^ w) * 0x9E3779B97F4A7C15ull;
          h ^= h >> 29;
        }
      for (; k < got; k++)
        {
          h = (h ^ buf[k]) * 0x100000001B3ull;
          h ^= h >> 31;
        }
      size += got;
    }
  gboolean ok = !ferror (f);
  fclose (f);
  h ^= size * 0xC2B2AE3D27D4EB4Full;
  h ^= h >> 33;
  g_snprintf (out, 64, "tundish-cache 1 %" G_GUINT64_FORMAT " %016" G_GINT64_MODIFIER "x\n",
              size, h);
  return ok;
}

static char *
digest_path (const char *cache)
{
  return g_strconcat (cache, ".check", NULL);
}

/* TRUE when the cache file is the one tundish wrote (its .check matches). */
static gboolean
cache_intact (const char *cache)
{
  g_autofree char *side = digest_path (cache);
  g_autofree char *want = NULL;
  char have[64];
  return g_file_get_contents (side, &want, NULL, NULL) && file_digest (cache, have)
         && strcmp (want, have) == 0;
}

typedef struct {
  const TdExperiment *exp;
  guint64 seed;
  const char *cache, *scratch;  /* cache: NULL without caching */
} DataJob;

/* In the data child: generate, save to the cache (or scratch), say where.
 * The runner never runs generator code itself, so it stays free of the
 * generator's threads and can fork trial workers safely (worker.h). */
static int
data_child (gpointer p)
{
  const DataJob *j = p;
  const TdExperiment *exp = j->exp;
  const TdGeneratorVTable *v = exp->data->entry->desc->vtable;
  g_autoptr (TdContext) ctx = td_context_new (j->seed);
  /* Generators are required to give the same data for any thread count. */
  td_context_set_threads (ctx, (int) g_get_num_processors ());
  GError *e = NULL;
  /* freed even here: a worker's leak is still a leak under valgrind */
  g_autoptr (TdDataset) ds = v->generate (exp->data_params, ctx, &e);
  if (!ds)
    {
      g_autofree char *msg = g_strdup_printf ("ERR %s", e ? e->message : "failed without a "
                                              "message (plugin bug)");
      td_worker_report (msg);
      return 1;
    }
  if (ds->n_series == 0)
    {
      td_worker_report ("ERR generated no series");
      return 1;
    }
  const char *where = j->scratch;
  if (j->cache)
    {
      g_autofree char *dir = g_path_get_dirname (j->cache);
      char digest[64];
      g_autofree char *side = digest_path (j->cache);
      if (g_mkdir_with_parents (dir, 0755) == 0 && td_dataset_save_h5 (ds, j->cache, &e)
          && file_digest (j->cache, digest) && td_file_write_atomic (side, digest, -1, &e))
        where = j->cache;
      else
        {
          fprintf (stderr, "tundish: warning: could not cache the dataset in %s: %s\n", dir,
                   e ? e->message : g_strerror (errno));
          g_clear_error (&e);
        }
    }
  if (where == j->scratch && !td_dataset_save_h5 (ds, j->scratch, &e))
    {
      g_autofree char *msg = g_strdup_printf ("ERR cannot save the generated data: %s",
                                              e->message);
      td_worker_report (msg);
      return 1;
    }
  g_autofree char *msg = g_strdup_printf ("OK %s", where);
  td_worker_report (msg);
  return 0;
}

/* The experiment's task: (config.h): an anomaly experiment reads binary
 * labels as 0 normal / 1 abnormal. The cache keeps the generator's own
 * dataset, so the same cached data serves both readings. */
static gboolean
read_as_task (TdDataset *ds, const TdExperiment *exp, GError **error)
{
  if (!exp->task || ds->task == exp->task)
    return TRUE;
  if (exp->task == TD_TASK_ANOMALY && ds->task == TD_TASK_BINARY)
    {
      ds->task = TD_TASK_ANOMALY;
      return TRUE;
    }
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
               "%s: task: %s reads binary labels (0 normal, 1 abnormal), and generator %s "
               "makes %s data; expected a generator of binary labels, or no task:", exp->path,
               td_task_name (exp->task), exp->data->entry->desc->name, td_task_name (ds->task));
  return FALSE;
}

TdDataset *
td_run_load_data (const TdExperiment *exp, const TdRunOptions *opt, const char *scratch_dir,
                  TdDataQuality *quality, GError **error)
{
  const char *gen = exp->data->entry->desc->name;
  guint64 seed = td_seed_derive (exp->seed, 0, 0, "data", gen);
  g_autofree char *path = cache_path (exp, opt, seed);
  TdDataset *ds = NULL;
  if (opt->use_cache && g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autoptr (GError) e = NULL;
      if (!cache_intact (path))
        fprintf (stderr, "tundish: warning: ignoring cached dataset %s: it is not the file "
                 "tundish wrote (damaged, or from an older tundish); generating again\n", path);
      else if (!(ds = td_dataset_load_h5 (path, &e)))
        fprintf (stderr, "tundish: warning: ignoring unreadable cached dataset (%s); "
                 "generating again\n", e->message);
    }
  if (!ds)
    {
      g_autofree char *scratch = g_build_filename (scratch_dir, ".data-scratch.h5", NULL);
      DataJob job = { exp, seed, opt->use_cache ? path : NULL, scratch };
      TdWorkerLimits none = { 0 };
      TdWorker *w = td_worker_start (NULL, &none, data_child, &job, error);
      if (!w)
        return NULL;
      td_kill_point ("data", -1);
      while (!td_worker_check (w))
        td_worker_wait (&w, 1, w->fd >= 0 ? 500 : 20);
      g_autofree char *failure = td_worker_failure (w);
      const char *out = w->output->str;
      if (g_str_has_prefix (out, "ERR "))
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED, "data (%s %s): %s",
                     exp->data_key, gen, out + 4);
      else if (failure || !g_str_has_prefix (out, "OK "))
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                     "data (%s %s): %s", exp->data_key, gen, failure ? failure : "no dataset came back");
      else
        {
          ds = td_dataset_load_h5 (out + 3, error);
          if (!ds)
            g_prefix_error (error, "data (%s %s): reading back: ", exp->data_key, gen);
        }
      g_unlink (scratch);
      td_worker_free (w);
      if (!ds)
        return NULL;
    }
  if (!read_as_task (ds, exp, error))
    {
      td_dataset_unref (ds);
      return NULL;
    }
  /* Every run sees its data as read from HDF5 (first run or cached), so a
   * second run cannot differ from the first by how the data arrived. */
  if (!td_data_check (&ds, opt->data_policy, quality, error))
    {
      td_dataset_unref (ds);
      return NULL;
    }
  /* What data.window and split need of the data, at their config keys:
   * the loader checked what a generator declared; this is what came. */
  TdDataLayout layout;
  td_data_layout_of (ds, &layout);
  if (!td_data_layout_check (&layout, ds->task, &exp->window, &exp->split, error))
    {
      td_dataset_unref (ds);
      return NULL;
    }
  /* Windows are cut after the cache: they are cheap to cut again, and one
   * cached recording set serves every window setting. */
  if (exp->window.enabled)
    {
      TdDataset *win = td_window_apply (ds, &exp->window, error);
      td_dataset_unref (ds);
      ds = win;
    }
  return ds;
}

