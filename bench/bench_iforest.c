/* bench_iforest — wall time of the isolation_forest model (fit on the normal
 * series, then score every series) on the demo's feature matrix: the
 * steel_casting generator with experiments/steel-casting-baseline.yaml's
 * parameters and data seed, through the statistical feature plugin.
 *
 *   bench_iforest [--reps 5] [--threads 1] [--export FILE]
 *
 * --export writes the matrix as CSV (label, then one column per feature) for
 * the scikit-learn peer (bench/peers/iforest_peer.py) and the golden script
 * (tests/golden/isolation_forest/). One line per repetition:
 *   threads=T n=N features=P fit_score_s=...
 */
#include <stdio.h>

#include <tundish/io.h>
#include <tundish/tundish.h>

#include "plugin/registry.h"

static TdDataset *
demo_features (TdRegistry *reg, GError **error)
{
  const TdPluginEntry *ge = td_registry_require (reg, TD_KIND_GENERATOR, "steel_casting", error);
  const TdPluginEntry *fe = ge ? td_registry_require (reg, TD_KIND_FEATURE, "statistical", error)
                               : NULL;
  if (!fe)
    return NULL;
  g_autoptr (TdParams) gp = td_params_new_defaults (ge->desc->params, ge->desc->n_params, error);
  if (!gp || !td_params_set_text (gp, "num_casts", "1200", error)
      || !td_params_set_text (gp, "cast_duration_minutes", "120", error)
      || !td_params_set_text (gp, "defect_probability", "0.15", error))
    return NULL;
  /* the demo's data seed: master 42, stage "data", the generator's name */
  g_autoptr (TdContext) ctx = td_context_new (td_seed_derive (42, 0, 0, "data", "steel_casting"));
  td_context_set_threads (ctx, 2);
  const TdGeneratorVTable *gv = ge->desc->vtable;
  g_autoptr (TdDataset) raw = gv->generate (gp, ctx, error);
  g_autoptr (TdParams) fp = raw ? td_params_new_defaults (fe->desc->params, fe->desc->n_params,
                                                          error) : NULL;
  if (!fp)
    return NULL;
  const TdFeatureVTable *fv = fe->desc->vtable;
  TdFeature *f = fv->create (fp, ctx, error);
  if (!f)
    return NULL;
  TdDataset *out = (!fv->fit || fv->fit (f, raw, ctx, error)) ? fv->transform (f, raw, ctx, error)
                                                               : NULL;
  fv->destroy (f);
  return out;
}

static gboolean
export_csv (const TdDataset *m, const char *path, GError **error)
{
  g_autoptr (GString) s = g_string_new ("label");
  for (size_t c = 0; c < m->n_channels; c++)
    {
      char cb[TD_CHANNEL_NAME_BUF];
      g_string_append_c (s, ',');
      td_csv_field (s, td_dataset_channel_name (m, c, cb));
    }
  g_string_append_c (s, '\n');
  for (size_t i = 0; i < m->n_series; i++)
    {
      g_string_append_printf (s, "%d", m->y[i] >= 0.5);
      for (size_t c = 0; c < m->n_channels; c++)
        {
          g_string_append_c (s, ',');
          td_csv_float (s, m->x[i * m->n_channels + c]);
        }
      g_string_append_c (s, '\n');
    }
  return td_file_write_atomic (path, s->str, (gssize) s->len, error);
}

int
main (int argc, char **argv)
{
  int reps = 5, threads = 1;
  g_autofree char *export = NULL;
  GOptionEntry entries[] = {
    { "reps", 0, 0, G_OPTION_ARG_INT, &reps, "repetitions (default 5)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "model threads (default 1)", "T" },
    { "export", 0, 0, G_OPTION_ARG_FILENAME, &export, "write the matrix as CSV", "FILE" },
    { NULL },
  };
  g_autoptr (GOptionContext) oc = g_option_context_new ("- time the isolation forest");
  g_option_context_add_main_entries (oc, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (oc, &argc, &argv, &error))
    {
      fprintf (stderr, "bench_iforest: %s\n", error->message);
      return 1;
    }
  g_autoptr (TdRegistry) reg = td_registry_new ();
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  td_registry_scan_default (reg, errors);
  g_autoptr (TdDataset) m = demo_features (reg, &error);
  const TdPluginEntry *me = m ? td_registry_require (reg, TD_KIND_MODEL, "isolation_forest",
                                                     &error) : NULL;
  if (!me || (export && !export_csv (m, export, &error)))
    {
      fprintf (stderr, "bench_iforest: %s\n", error->message);
      return 2;
    }
  /* the model trains on the normal series, as the runner hands them over */
  g_autofree size_t *idx = g_new (size_t, m->n_series);
  size_t n_normal = 0;
  for (size_t i = 0; i < m->n_series; i++)
    if (m->y[i] < 0.5)
      idx[n_normal++] = i;
  g_autoptr (TdDataset) normal = td_dataset_subset (m, idx, n_normal);
  const TdModelVTable *mv = me->desc->vtable;
  g_autoptr (TdParams) mp = td_params_new_defaults (me->desc->params, me->desc->n_params, &error);
  g_autofree double *scores = g_new (double, m->n_series);
  for (int r = 0; r < reps && mp; r++)
    {
      g_autoptr (TdContext) ctx = td_context_new ((guint64) r);
      td_context_set_threads (ctx, threads);
      gint64 t0 = g_get_monotonic_time ();
      TdModel *model = mv->create (mp, ctx, &error);
      gboolean ok = model && mv->fit (model, normal, NULL, ctx, &error)
                    && mv->predict (model, m, scores, ctx, &error);
      gint64 t1 = g_get_monotonic_time ();
      if (model)
        mv->destroy (model);
      if (!ok)
        break;
      printf ("threads=%d n=%zu features=%zu fit_score_s=%.6f\n", threads, m->n_series,
              m->n_channels, (double) (t1 - t0) * 1e-6);
    }
  if (error)
    {
      fprintf (stderr, "bench_iforest: %s\n", error->message);
      return 2;
    }
  return 0;
}
