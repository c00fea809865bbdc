/* check_augment.c — the augmentation contract of plugin.h: called on the
 * training split only, an augmentation returns the originals unchanged and in
 * order, then added series (series_id -1, metadata "augmented_from" naming an
 * original) with labels a binary task can use; it never changes its input;
 * the same seed gives the same bytes, whatever the thread count. */
#include <math.h>
#include <string.h>

#include "conformance.h"

#define FROM_COLUMN "augmented_from"

static TdDataset *
apply (const TdPluginEntry *en, const TdDataset *train, guint64 seed, int threads, GError **error)
{
  g_autoptr (TdParams) p = conf_params (en);
  if (!p)
    return NULL;
  g_autoptr (TdContext) ctx = conf_context (seed, threads);
  const TdAugmentVTable *v = en->desc->vtable;
  return v->apply (p, train, ctx, error);
}

static gboolean
has_id (const TdDataset *train, double id)
{
  for (size_t s = 0; s < train->n_series; s++)
    if ((double) train->series_id[s] == id)
      return TRUE;
  return FALSE;
}

static void
check_contract (const TdPluginEntry *en)
{
  g_autoptr (TdDataset) train = conf_data (TD_TASK_BINARY, FALSE, 5, TRUE, 0);
  g_autoptr (TdDataset) before = conf_rows (train, 0, train->n_series);
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) out = apply (en, train, 7, 1, &e);
  CONF_REQUIRE_OK (en, out != NULL, e, "apply");
  gboolean untouched = td_testing_dataset_equal (before, train, &e);
  CONF_REQUIRE (en, untouched, "apply changed its input: %s", e ? e->message : "");
  size_t n = train->n_series, per = train->n_steps * train->n_channels;
  CONF_REQUIRE (en, out->n_steps == train->n_steps && out->n_channels == train->n_channels
                      && out->task == train->task && out->n_series >= n,
                "the output is %zu x %zu x %zu (%s), the input %zu x %zu x %zu (%s)",
                out->n_series, out->n_steps, out->n_channels, td_task_name (out->task), n,
                train->n_steps, train->n_channels, td_task_name (train->task));
  for (size_t c = 0; c < train->n_channels; c++)
    CONF_REQUIRE (en, g_strcmp0 (out->channel_names[c], train->channel_names[c]) == 0,
                  "channel %zu renamed \"%s\" -> \"%s\"", c, train->channel_names[c],
                  out->channel_names[c]);
  for (size_t s = 0; s < n; s++)
    {
      gboolean same = memcmp (td_dataset_series (out, s), td_dataset_series (train, s),
                              per * sizeof (float)) == 0
                      && out->y[s] == train->y[s] && out->series_id[s] == train->series_id[s]
                      && out->group[s] == train->group[s]
                      && td_dataset_length (out, s) == td_dataset_length (train, s);
      CONF_REQUIRE (en, same, "original series %zu is changed or moved (the originals come "
                    "first, unchanged and in order)", s);
    }
  for (guint k = 0; k < train->meta->len; k++)
    {
      const TdMetaColumn *c = train->meta->pdata[k], *o = td_dataset_find_meta (out, c->name);
      CONF_REQUIRE (en, o != NULL, "metadata column \"%s\" is lost", c->name);
      CONF_REQUIRE (en, o->role == c->role, "metadata column \"%s\" changed its role (%s -> %s)",
                    c->name, c->role == TD_META_INPUT ? "input" : "target",
                    o->role == TD_META_INPUT ? "input" : "target");
    }
  const TdMetaColumn *from = td_dataset_find_meta (out, FROM_COLUMN);
  CONF_REQUIRE (en, out->n_series == n || (from && from->num),
                "added series without a numeric \"" FROM_COLUMN "\" column");
  for (size_t s = n; s < out->n_series; s++)
    {
      CONF_REQUIRE (en, out->series_id[s] == -1, "added series %zu has series_id %" G_GINT64_FORMAT
                    " (added series carry -1)", s, out->series_id[s]);
      CONF_REQUIRE (en, has_id (train, from->num[s]),
                    "added series %zu: " FROM_COLUMN " %g is no original's series id", s,
                    from->num[s]);
      CONF_REQUIRE (en, out->y[s] >= 0 && out->y[s] <= 1,
                    "added series %zu: label %g outside [0, 1] for a binary task", s, out->y[s]);
    }
  if (out->n_series == n)
    g_test_message ("%s adds no series with its example parameters", en->desc->name);
}

/* Two applies with the same seed, the second with threads_b threads. */
static void
same_twice (const TdPluginEntry *en, int threads_b, const char *what)
{
  g_autoptr (TdDataset) train = conf_data (TD_TASK_BINARY, FALSE, 5, TRUE, 0);
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) a = apply (en, train, 7, 1, &e);
  CONF_REQUIRE_OK (en, a != NULL, e, "apply");
  g_autoptr (TdDataset) b = apply (en, train, 7, threads_b, &e);
  CONF_REQUIRE_OK (en, b != NULL, e, "apply again");
  gboolean same = td_testing_dataset_equal (a, b, &e);
  CONF_REQUIRE (en, same, "%s gave different series: %s", what, e->message);
}

static void
check_seed (const TdPluginEntry *en)
{
  same_twice (en, 1, "the same seed");
}

static void
check_threads (const TdPluginEntry *en)
{
  same_twice (en, 3, "1 and 3 threads");
}

const ConfCheck conf_augment_checks[] = {
  { "contract", check_contract },
  { "seed", check_seed },
  { "threads", check_threads },
  { NULL, NULL },
};
