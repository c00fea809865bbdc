/* bench_generate — wall time of one generator's generate() call.
 *
 *   bench_generate [--generator NAME] [--threads 1,2] [--reps N] [--seed S]
 *                  [--plugin FILE.so] [param=value ...]
 *
 * Loads the generator through the registry (the build tree's plugins when run
 * from it, TUNDISH_PLUGIN_PATH, or one --plugin file), runs generate() reps
 * times per thread count and prints one JSON object per thread count on
 * stdout: every run's seconds, the median, the data size and the defect rate.
 * Parameter setup and freeing are outside the timed region; allocating and
 * filling the dataset is inside it.
 */
#include <tundish/tundish.h>

#include "plugin/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v, size_t n)
{
  qsort (v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static gboolean
run (const TdPluginDescriptor *desc, char **assignments, int threads, int reps,
     guint64 seed, GError **error)
{
  g_autoptr (TdParams) params = td_params_new_defaults (desc->params, desc->n_params, error);
  if (!params)
    return FALSE;
  for (size_t k = 0; assignments && assignments[k]; k++)
    {
      g_auto (GStrv) kv = g_strsplit (assignments[k], "=", 2);
      if (!kv[1])
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "expected name=value, got '%s'", assignments[k]);
          return FALSE;
        }
      if (!td_params_set_text (params, kv[0], kv[1], error))
        return FALSE;
    }
  const TdGeneratorVTable *vt = desc->vtable;
  g_autofree double *times = g_new (double, (size_t) reps);
  size_t n_series = 0, n_steps = 0, n_channels = 0, positives = 0;
  for (int r = 0; r < reps; r++)
    {
      g_autoptr (TdContext) ctx = td_context_new (seed);
      td_context_set_threads (ctx, threads);
      gint64 t0 = g_get_monotonic_time ();
      TdDataset *ds = vt->generate (params, ctx, error);
      gint64 t1 = g_get_monotonic_time ();
      if (!ds)
        return FALSE;
      times[r] = (double) (t1 - t0) * 1e-6;
      n_series = ds->n_series;
      n_steps = ds->n_steps;
      n_channels = ds->n_channels;
      positives = td_dataset_count_positive (ds);
      td_dataset_unref (ds);
    }
  GString *out = g_string_new (NULL);
  g_string_append_printf (out, "{\"bench\": \"generate\", \"generator\": \"%s\", "
                          "\"threads\": %d, \"reps\": %d, \"seed\": %" G_GUINT64_FORMAT ", "
                          "\"times_s\": [", desc->name, threads, reps, seed);
  for (int r = 0; r < reps; r++)
    g_string_append_printf (out, "%s%.4f", r ? ", " : "", times[r]);
  size_t bytes = n_series * n_steps * n_channels * sizeof (float);
  double med = median (times, (size_t) reps);
  g_string_append_printf (out, "], \"median_s\": %.4f, \"min_s\": %.4f, "
                          "\"n_series\": %zu, \"n_steps\": %zu, \"n_channels\": %zu, "
                          "\"x_bytes\": %zu, \"mb_per_s\": %.1f, \"positive_rate\": %.4f}",
                          med, times[0], n_series, n_steps, n_channels, bytes,
                          (double) bytes / 1e6 / med,
                          n_series ? (double) positives / (double) n_series : 0.0);
  puts (out->str);
  fflush (stdout);
  g_string_free (out, TRUE);
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autofree char *generator = g_strdup ("steel_casting");
  g_autofree char *thread_list = NULL;
  g_autofree char *plugin = NULL;
  g_auto (GStrv) rest = NULL;
  int reps = 5;
  gint64 seed = 42;
  GOptionEntry entries[] = {
    { "generator", 'g', 0, G_OPTION_ARG_STRING, &generator, "generator name", "NAME" },
    { "threads", 't', 0, G_OPTION_ARG_STRING, &thread_list,
      "comma-separated thread counts (default: the number of processors)", "N,.." },
    { "reps", 'r', 0, G_OPTION_ARG_INT, &reps, "runs per thread count (default 5)", "N" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "context seed (default 42)", "S" },
    { "plugin", 'p', 0, G_OPTION_ARG_FILENAME, &plugin,
      "load only this plugin file instead of scanning", "FILE" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, "[param=value ...]" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GOptionContext) oc = g_option_context_new ("- time a generator");
  g_option_context_add_main_entries (oc, entries, NULL);
  g_autoptr (GError) err = NULL;
  if (!g_option_context_parse (oc, &argc, &argv, &err))
    {
      fprintf (stderr, "bench_generate: %s\n", err->message);
      return 2;
    }
  if (reps < 1)
    reps = 1;

  g_autoptr (TdRegistry) reg = td_registry_new ();
  if (plugin)
    {
      if (!td_registry_load_file (reg, plugin, &err))
        {
          fprintf (stderr, "bench_generate: %s\n", err->message);
          return 1;
        }
    }
  else
    {
      g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
      td_registry_scan_default (reg, errors);
      if (errors->len)
        fprintf (stderr, "bench_generate: %u plugin files could not be loaded (ignored)\n",
                 errors->len);
    }
  const TdPluginEntry *entry = td_registry_require (reg, TD_KIND_GENERATOR, generator, &err);
  if (!entry)
    {
      fprintf (stderr, "bench_generate: %s\n", err->message);
      return 1;
    }

  g_autofree char *default_threads = g_strdup_printf ("%u", g_get_num_processors ());
  g_auto (GStrv) counts = g_strsplit (thread_list ? thread_list : default_threads, ",", -1);
  for (size_t k = 0; counts[k]; k++)
    {
      int threads = atoi (counts[k]);
      if (threads < 1)
        {
          fprintf (stderr, "bench_generate: bad thread count '%s'\n", counts[k]);
          return 2;
        }
      if (!run (entry->desc, rest, threads, reps, (guint64) seed, &err))
        {
          fprintf (stderr, "bench_generate: %s\n", err->message);
          return 1;
        }
    }
  return 0;
}
