/* bench_minirocket — wall time of the minirocket feature plugin (fit on the
 * first series, transform of all) and of the ridge model on its output, on a
 * raw float32 file in tundish's layout [N][L][C] (bench/bench_minirocket.sh
 * makes the files and runs the reference beside it).
 *
 *   bench_minirocket --raw FILE --shape N,L,C [--fit-n N] [--threads 1,2]
 *                    [--reps 3] [--features 10000] [--ridge]
 *
 * One line per repetition and thread count:
 *   threads=T fit_s=... transform_s=... [ridge_fit_s=... ridge_predict_s=...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tundish/tundish.h>

#include "plugin/registry.h"

static double
now (void)
{
  return (double) g_get_monotonic_time () / 1e6;
}

static TdDataset *
read_raw (const char *path, size_t n, size_t len, size_t c, GError **error)
{
  g_autofree char *bytes = NULL;
  gsize size = 0;
  if (!g_file_get_contents (path, &bytes, &size, error))
    return NULL;
  if (size != n * len * c * sizeof (float))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: %zu bytes, the shape %zu,%zu,%zu needs %zu", path, (size_t) size, n, len,
                   c, n * len * c * sizeof (float));
      return NULL;
    }
  TdDataset *ds = td_dataset_new (n, len, c, TD_TASK_BINARY, 2);
  memcpy (ds->x, bytes, size);
  for (size_t s = 0; s < n; s++)
    ds->y[s] = s % 2;   /* the labels only matter to the ridge timing */
  return ds;
}

int
main (int argc, char **argv)
{
  g_autofree char *raw = NULL, *shape = NULL, *threads_text = NULL;
  int reps = 3, features = 10000, fit_n = 0;
  gboolean with_ridge = FALSE;
  GOptionEntry entries[] = {
    { "raw", 0, 0, G_OPTION_ARG_FILENAME, &raw, "raw float32 file [N][L][C]", "FILE" },
    { "shape", 0, 0, G_OPTION_ARG_STRING, &shape, "N,L,C", "N,L,C" },
    { "fit-n", 0, 0, G_OPTION_ARG_INT, &fit_n, "fit on the first N series (default all)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_STRING, &threads_text, "thread counts (default 1,2)", "LIST" },
    { "reps", 0, 0, G_OPTION_ARG_INT, &reps, "repetitions (default 3)", "N" },
    { "features", 0, 0, G_OPTION_ARG_INT, &features, "num_features (default 10000)", "F" },
    { "ridge", 0, 0, G_OPTION_ARG_NONE, &with_ridge, "also time ridge on the features", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) oc = g_option_context_new ("- time the minirocket transform");
  g_option_context_add_main_entries (oc, entries, NULL);
  g_autoptr (GError) error = NULL;
  size_t n = 0, len = 0, c = 0;
  if (!g_option_context_parse (oc, &argc, &argv, &error) || !raw || !shape
      || sscanf (shape, "%zu,%zu,%zu", &n, &len, &c) != 3)
    {
      fprintf (stderr, "bench_minirocket: %s\n",
               error ? error->message : "--raw FILE and --shape N,L,C are required");
      return 1;
    }
  g_autoptr (TdDataset) ds = read_raw (raw, n, len, c, &error);
  g_autoptr (TdRegistry) reg = td_registry_new ();
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  td_registry_scan_default (reg, errors);
  const TdPluginEntry *fe = ds ? td_registry_require (reg, TD_KIND_FEATURE, "minirocket", &error)
                               : NULL;
  const TdPluginEntry *me = fe ? td_registry_require (reg, TD_KIND_MODEL, "ridge", &error) : NULL;
  if (!me)
    {
      fprintf (stderr, "bench_minirocket: %s\n", error->message);
      return 1;
    }
  size_t nf = fit_n > 0 ? MIN ((size_t) fit_n, n) : n;
  g_autofree size_t *idx = g_new (size_t, nf);
  for (size_t i = 0; i < nf; i++)
    idx[i] = i;
  g_autoptr (TdDataset) train = td_dataset_subset (ds, idx, nf);
  g_auto (GStrv) counts = g_strsplit (threads_text ? threads_text : "1,2", ",", -1);
  const TdFeatureVTable *fv = fe->desc->vtable;
  const TdModelVTable *mv = me->desc->vtable;
  g_autoptr (TdParams) fp = td_params_new_defaults (fe->desc->params, fe->desc->n_params, NULL);
  g_autofree char *ftext = g_strdup_printf ("%d", features);
  td_params_set_text (fp, "num_features", ftext, NULL);
  g_autoptr (TdParams) mp = td_params_new_defaults (me->desc->params, me->desc->n_params, NULL);
  for (int r = 0; r < reps; r++)
    for (char **tc = counts; *tc; tc++)
      {
        int threads = atoi (*tc);
        g_autoptr (TdContext) ctx = td_context_new (42);
        td_context_set_threads (ctx, MAX (threads, 1));
        double t0 = now ();
        TdFeature *f = fv->create (fp, ctx, &error);
        if (!f || !fv->fit (f, train, ctx, &error))
          {
            fprintf (stderr, "bench_minirocket: %s\n", error->message);
            return 1;
          }
        double t1 = now ();
        g_autoptr (TdDataset) out = fv->transform (f, ds, ctx, &error);
        double t2 = now ();
        fv->destroy (f);
        if (!out)
          {
            fprintf (stderr, "bench_minirocket: %s\n", error->message);
            return 1;
          }
        printf ("threads=%d fit_s=%.4f transform_s=%.4f series=%zu length=%zu channels=%zu "
                "features=%zu", threads, t1 - t0, t2 - t1, n, len, c, out->n_channels);
        if (with_ridge)
          {
            TdModel *m = mv->create (mp, ctx, &error);
            double t3 = now ();
            gboolean ok = m && mv->fit (m, out, NULL, ctx, &error);
            double t4 = now ();
            g_autofree double *scores = g_new (double, n);
            ok = ok && mv->predict (m, out, scores, ctx, &error);
            double t5 = now ();
            if (m)
              mv->destroy (m);
            if (!ok)
              {
                fprintf (stderr, "\nbench_minirocket: ridge: %s\n", error->message);
                return 1;
              }
            printf (" ridge_fit_s=%.4f ridge_predict_s=%.4f", t4 - t3, t5 - t4);
          }
        printf ("\n");
        fflush (stdout);
      }
  return 0;
}
