/* check_feature.c — a feature stage is fitted on the training split only and
 * then maps each series on its own: its output for a series depends on that
 * series and the fitted state, never on labels, metadata or the other series
 * of the batch; saving and loading the state changes nothing, nor does the
 * thread count. */
#include <glib/gstdio.h>
#include <string.h>

#include "conformance.h"

static gboolean
shape_matrix (const TdPluginEntry *en)
{
  const TdFeatureVTable *v = en->desc->vtable;
  return !(v->accepts & TD_DATA_SEQUENCE);
}

/* create + fit(train), or NULL after setting error. */
static TdFeature *
fitted (const TdPluginEntry *en, const TdDataset *train, TdContext *ctx, GError **error)
{
  const TdFeatureVTable *v = en->desc->vtable;
  g_autoptr (TdParams) p = conf_params (en);
  if (!p)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, "no parameters");
      return NULL;
    }
  TdFeature *f = v->create (p, ctx, error);
  if (f && v->fit && !v->fit (f, train, ctx, error))
    {
      v->destroy (f);
      return NULL;
    }
  return f;
}

typedef struct {
  TdDataset *train, *test;          /* labelled, as fit sees train */
  TdDataset *train_in, *test_in;    /* unlabelled, as transform sees them */
  TdDataset *out_train, *out_test;
} Run;

static void
run_clear (Run *r)
{
  g_clear_pointer (&r->train, td_dataset_unref);
  g_clear_pointer (&r->test, td_dataset_unref);
  g_clear_pointer (&r->train_in, td_dataset_unref);
  g_clear_pointer (&r->test_in, td_dataset_unref);
  g_clear_pointer (&r->out_train, td_dataset_unref);
  g_clear_pointer (&r->out_test, td_dataset_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Fit on one dataset, transform it and another with the given thread count,
 * as the core does (tundish/dataset.h's leakage rule); the state is saved to
 * save_path when non-NULL. */
static gboolean
run_stage (const TdPluginEntry *en, int threads, const char *save_path, Run *r, GError **error)
{
  const TdFeatureVTable *v = en->desc->vtable;
  r->train = conf_data (TD_TASK_BINARY, shape_matrix (en), 1, FALSE, 0);
  r->test = conf_data (TD_TASK_BINARY, shape_matrix (en), 2, FALSE, 0);
  r->train_in = conf_blind (r->train);
  r->test_in = conf_blind (r->test);
  g_autoptr (TdContext) ctx = conf_context (3, threads);
  TdFeature *f = fitted (en, r->train, ctx, error);
  if (!f)
    return FALSE;
  gboolean ok = (r->out_train = v->transform (f, r->train_in, ctx, error)) != NULL
                && (r->out_test = v->transform (f, r->test_in, ctx, error)) != NULL
                && (!save_path || v->save (f, save_path, error));
  v->destroy (f);
  return ok;
}

static void
check_transform (const TdPluginEntry *en)
{
  const TdFeatureVTable *v = en->desc->vtable;
  g_auto (Run) r = { 0 };
  g_autoptr (GError) e = NULL;
  gboolean ok = run_stage (en, 1, NULL, &r, &e);
  CONF_REQUIRE_OK (en, ok, e, "create, fit and transform");
  const TdDataset *in = r.test_in, *out = r.out_test;
  CONF_REQUIRE (en, out->n_series == in->n_series, "%zu series in, %zu out", in->n_series,
                out->n_series);
  CONF_REQUIRE (en, memcmp (out->y, in->y, in->n_series * sizeof (double)) == 0
                      && memcmp (out->series_id, in->series_id, in->n_series * sizeof (gint64)) == 0,
                "labels or series ids changed (a feature keeps the series bookkeeping)");
  CONF_REQUIRE (en, v->role != TD_FEATURE_EXTRACT || out->n_steps == 1,
                "an extractor must give a feature matrix (n_steps 1), gave %zu steps",
                out->n_steps);
  CONF_REQUIRE (en, out->n_channels > 0, "no output columns");
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  for (size_t c = 0; c < out->n_channels; c++)
    {
      const char *name = out->channel_names[c];
      CONF_REQUIRE (en, name && *name, "output column %zu has no name", c);
      CONF_REQUIRE (en, !g_hash_table_contains (names, name), "two output columns named \"%s\"",
                    name);
      g_hash_table_add (names, (gpointer) name);
    }
  /* Ragged series with missing values: a result or an error, never a crash. */
  g_autoptr (TdDataset) rough = conf_data (TD_TASK_BINARY, shape_matrix (en), 4, TRUE, 0.05);
  g_autoptr (TdContext) ctx = conf_context (3, 1);
  TdFeature *f = fitted (en, rough, ctx, &e);
  if (f)
    {
      g_autoptr (TdDataset) rough_in = conf_blind (rough);
      g_autoptr (TdDataset) o = v->transform (f, rough_in, ctx, &e);
      v->destroy (f);
      CONF_REQUIRE (en, (o != NULL) != (e != NULL),
                    "on ragged data with missing values transform returned %s %s a GError",
                    o ? "a result" : "NULL", e ? "with" : "without");
      CONF_REQUIRE (en, !o || o->n_series == rough->n_series,
                    "on ragged data with missing values: %zu series in, %zu out",
                    rough->n_series, o->n_series);
    }
  else
    CONF_REQUIRE (en, e != NULL, "create or fit failed without a GError on ragged data");
}

static void
check_train_only (const TdPluginEntry *en)
{
  const TdFeatureVTable *v = en->desc->vtable;
  g_auto (Run) r = { 0 };
  g_autoptr (GError) e = NULL;
  gboolean ok = run_stage (en, 1, NULL, &r, &e);
  CONF_REQUIRE_OK (en, ok, e, "create, fit and transform");
  g_autoptr (TdContext) ctx = conf_context (3, 1);
  TdFeature *f = fitted (en, r.train, ctx, &e);
  CONF_REQUIRE_OK (en, f != NULL, e, "create and fit");
  /* Labels and target metadata present (a caller outside the core): the
   * same columns as without them. */
  g_autoptr (TdDataset) out_labelled = v->transform (f, r.test, ctx, &e);
  /* The first ten series alone: the same rows as in the whole batch. */
  g_autoptr (TdDataset) head = conf_rows (r.test_in, 0, 10);
  g_autoptr (TdDataset) out_head = out_labelled ? v->transform (f, head, ctx, &e) : NULL;
  v->destroy (f);
  CONF_REQUIRE_OK (en, out_labelled && out_head, e, "transform");
  size_t per = r.out_test->n_steps * r.out_test->n_channels;
  CONF_REQUIRE (en, out_labelled->n_series == r.out_test->n_series
                      && out_labelled->n_steps * out_labelled->n_channels == per
                      && memcmp (out_labelled->x, r.out_test->x,
                                 r.out_test->n_series * per * sizeof (float)) == 0,
                "the output changes when the input carries its labels and target metadata: "
                "transform reads what it must not (they are hidden outside fit)");
  CONF_REQUIRE (en, out_head->n_steps * out_head->n_channels == per
                      && memcmp (out_head->x, r.out_test->x, 10 * per * sizeof (float)) == 0,
                "a series' output depends on the other series of the batch (its first ten "
                "series alone gave other values): the state must come from fit on the "
                "training split only");
}

static void
check_save_load (const TdPluginEntry *en)
{
  const TdFeatureVTable *v = en->desc->vtable;
  if (!v->save || !v->load)
    {
      g_test_message ("%s has no save/load%s", en->desc->name,
                      v->fit ? ": a saved pipeline cannot score new data" : " (stateless)");
      return;
    }
  g_autofree char *dir = conf_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "state", NULL);
  g_auto (Run) r = { 0 };
  g_autoptr (GError) e = NULL;
  gboolean ok = run_stage (en, 1, path, &r, &e);
  g_autoptr (TdParams) p = conf_params (en);
  g_autoptr (TdContext) ctx = conf_context (3, 1);
  TdFeature *f = ok && p ? v->load (p, path, ctx, &e) : NULL;
  g_autoptr (TdDataset) again = f ? v->transform (f, r.test_in, ctx, &e) : NULL;
  if (f)
    v->destroy (f);
  /* A file that is not a saved state: an error, not a crash. */
  g_file_set_contents (path, "garbage\n", -1, NULL);
  g_autoptr (GError) garbage_error = NULL;
  TdFeature *g = p ? v->load (p, path, ctx, &garbage_error) : NULL;
  if (g)
    v->destroy (g);
  conf_rmtree (dir);
  CONF_REQUIRE_OK (en, ok && again, e, "fit, save, load and transform");
  gboolean same = td_testing_dataset_equal (r.out_test, again, &e);
  CONF_REQUIRE (en, same, "transform after save -> load differs from before: %s", e->message);
  CONF_REQUIRE (en, !g && garbage_error, "loading a garbage file %s",
                g ? "succeeded" : "failed without a GError");
}

static void
check_threads (const TdPluginEntry *en)
{
  g_auto (Run) a = { 0 };
  g_auto (Run) b = { 0 };
  g_autoptr (GError) e = NULL;
  gboolean ok = run_stage (en, 1, NULL, &a, &e) && run_stage (en, 3, NULL, &b, &e);
  CONF_REQUIRE_OK (en, ok, e, "fit and transform");
  gboolean same = td_testing_dataset_equal (a.out_train, b.out_train, &e)
                  && td_testing_dataset_equal (a.out_test, b.out_test, &e);
  CONF_REQUIRE (en, same, "1 and 3 threads gave different outputs: %s", e->message);
}

const ConfCheck conf_feature_checks[] = {
  { "transform", check_transform },
  { "train-only", check_train_only },
  { "save-load", check_save_load },
  { "threads", check_threads },
  { NULL, NULL },
};
