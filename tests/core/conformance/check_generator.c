/* check_generator.c — a generator's data is a function of its parameters and
 * the data seed only: the same seed gives the same bytes, and so does any
 * thread count (generators get all cores, docs/architecture.md). */
#include <math.h>

#include "conformance.h"

static TdDataset *
generate (const TdPluginEntry *en, guint64 seed, int threads, GError **error)
{
  g_autoptr (TdParams) p = conf_params (en);
  if (!p)
    return NULL;
  g_autoptr (TdContext) ctx = conf_context (seed, threads);
  const TdGeneratorVTable *v = en->desc->vtable;
  return v->generate (p, ctx, error);
}

/* What every consumer of the data relies on. */
static gboolean
well_formed (const TdPluginEntry *en, const TdDataset *ds)
{
  if (ds->n_series == 0 || ds->n_steps == 0 || ds->n_channels == 0)
    {
      conf_fail (en, "empty dataset (%zu series x %zu steps x %zu channels)", ds->n_series,
                 ds->n_steps, ds->n_channels);
      return FALSE;
    }
  for (size_t c = 0; c < ds->n_channels; c++)
    if (!ds->channel_names[c] || !*ds->channel_names[c])
      {
        conf_fail (en, "channel %zu has no name", c);
        return FALSE;
      }
  for (size_t s = 0; s < ds->n_series; s++)
    {
      double y = ds->y[s];
      gboolean ok = ds->task == TD_TASK_REGRESSION ? isfinite (y)
                    : ds->task == TD_TASK_MULTICLASS ? y >= 0 && y < (double) ds->n_classes
                                                         && y == floor (y)
                                                     : y == 0 || y == 1;
      if (!ok || (ds->lengths && ds->lengths[s] > ds->n_steps))
        {
          conf_fail (en, "series %zu: label %g or length out of range for a %s task", s, y,
                     td_task_name (ds->task));
          return FALSE;
        }
    }
  return TRUE;
}

static void
check_seed (const TdPluginEntry *en)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) a = generate (en, 11, 1, &e);
  CONF_REQUIRE_OK (en, a != NULL, e, "generate");
  if (!well_formed (en, a))
    return;
  g_autoptr (TdDataset) b = generate (en, 11, 1, &e);
  CONF_REQUIRE_OK (en, b != NULL, e, "generate again");
  gboolean same = td_testing_dataset_equal (a, b, &e);
  CONF_REQUIRE (en, same, "the same seed gave different data: %s", e->message);
  g_autoptr (TdDataset) c = generate (en, 12, 1, &e);
  CONF_REQUIRE_OK (en, c != NULL, e, "generate with another seed");
  if (td_testing_dataset_equal (a, c, NULL))
    g_test_message ("%s: seeds 11 and 12 give the same data (fine for a file reader)",
                    en->desc->name);
}

static void
check_threads (const TdPluginEntry *en)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) a = generate (en, 11, 1, &e);
  CONF_REQUIRE_OK (en, a != NULL, e, "generate with 1 thread");
  g_autoptr (TdDataset) b = generate (en, 11, 3, &e);
  CONF_REQUIRE_OK (en, b != NULL, e, "generate with 3 threads");
  gboolean same = td_testing_dataset_equal (a, b, &e);
  CONF_REQUIRE (en, same, "1 and 3 threads gave different data: %s", e->message);
}

const ConfCheck conf_generator_checks[] = {
  { "seed", check_seed },
  { "threads", check_threads },
  { NULL, NULL },
};
