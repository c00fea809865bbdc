/* bench_table.c — time the table data source on one file (docs/benchmarks.md).
 *
 *   bench_table FILE [name=value ...]     (table parameters, YAML text)
 *
 * Prints the load time, the dataset's shape, the float32 size of x and the
 * process's peak resident memory (ru_maxrss), for comparison with
 * bench/table_peer.py (pandas.read_csv) on the same file. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <tundish/tundish.h>

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      fprintf (stderr, "usage: bench_table FILE [name=value ...]\n");
      return 1;
    }
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_autoptr (TdParams) p = td_params_new_defaults (d->params, d->n_params, NULL);
  g_autoptr (GError) error = NULL;
  td_params_set_text (p, "path", argv[1], NULL);
  for (int k = 2; k < argc; k++)
    {
      g_auto (GStrv) kv = g_strsplit (argv[k], "=", 2);
      if (!kv[1] || !td_params_set_text (p, kv[0], kv[1], &error))
        {
          fprintf (stderr, "bench_table: %s: %s\n", argv[k], error ? error->message : "name=value");
          return 1;
        }
    }
  g_autoptr (TdContext) ctx = td_context_new (1);
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (TdDataset) ds = ((const TdGeneratorVTable *) d->vtable)->generate (p, ctx, &error);
  double sec = (double) (g_get_monotonic_time () - t0) / 1e6;
  if (!ds)
    {
      fprintf (stderr, "bench_table: %s\n", error->message);
      return 1;
    }
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  double x_mb = (double) (ds->n_series * ds->n_steps * ds->n_channels * sizeof (float)) / 1048576.0;
  printf ("tundish table: %.2f s, %zu series x %zu steps x %zu channels, float32 x %.0f MB, "
          "peak RSS %.0f MB (%.2f x the float32 data)\n", sec, ds->n_series, ds->n_steps,
          ds->n_channels, x_mb, (double) ru.ru_maxrss / 1024.0,
          (double) ru.ru_maxrss / 1024.0 / x_mb);
  return 0;
}
