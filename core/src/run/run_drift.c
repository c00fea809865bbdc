/* run_drift.c — drift.csv: each split's training series against its test
 * series (see run_drift.h). Computed from the dataset and the splits, not
 * from trial folders, so `tundish report` rebuilds the same bytes. */
#include "run/run_drift.h"

#include <tundish/drift.h>
#include <tundish/io.h>

gboolean
td_run_write_drift (const TdRunMeta *meta, GError **error)
{
  const TdExperiment *exp = meta->exp;
  if (!exp->drift.enabled || !meta->data || !meta->splits)
    return TRUE;
  g_autoptr (GString) out = g_string_new (NULL);
  for (guint r = 0; r < meta->splits->len; r++)
    {
      GPtrArray *folds = meta->splits->pdata[r];
      for (guint f = 0; f < folds->len; f++)
        {
          const TdSplit *sp = folds->pdata[f];
          g_autoptr (TdDataset) train = td_dataset_subset (meta->data, sp->train, sp->n_train);
          g_autoptr (TdDataset) test = td_dataset_subset (meta->data, sp->test, sp->n_test);
          g_autoptr (GError) local = NULL;
          g_autoptr (TdDriftTable) t =
            td_drift_datasets (train, test, exp->drift.tests, exp->drift.permutations,
                               td_seed_derive (exp->seed, (int) r, (int) f, "drift", ""),
                               &local);
          if (!t)
            {
              g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                           "drift (repeat %u, fold %u): %s", r, f, local->message);
              return FALSE;
            }
          g_autofree char *prefix = g_strdup_printf ("%u,%u,", r, f);
          /* The header comes once, from the first table. */
          td_drift_table_csv (t, out->len ? NULL : "repeat,fold,", prefix, out);
        }
    }
  g_autofree char *path = g_build_filename (meta->run_dir, "drift.csv", NULL);
  return td_file_write_atomic (path, out->str, (gssize) out->len, error);
}
