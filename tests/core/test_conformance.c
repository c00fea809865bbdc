/* Conformance: every plugin found in the given folders (default: the build
 * tree's plugins/) has a complete descriptor, and behaves: models round-trip
 * fit → predict → save → load → predict to identical scores on a tiny
 * dataset; features keep the series and name their columns; evaluators and
 * reporters run on tiny inputs. Installed as `tundish-plugin-check DIR...`
 * so out-of-tree authors can run it on their own plugins. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "plugin/registry.h"
#include <tundish/tundish.h>

static GPtrArray *entries;   /* TdPluginEntry* under test */

static TdDataset *
tiny_data (TdDataShape shape)
{
  size_t n = 80, steps = shape == TD_DATA_MATRIX ? 1 : 24, ch = 3;
  TdDataset *ds = td_dataset_new (n, steps, ch, TD_TASK_BINARY, 2);
  g_autoptr (GRand) r = g_rand_new_with_seed (1);
  for (size_t s = 0; s < n; s++)
    {
      ds->y[s] = s % 3 == 0;
      for (size_t k = 0; k < steps * ch; k++)
        td_dataset_series (ds, s)[k] = (float) (g_rand_double_range (r, -1, 1) + 1.5 * ds->y[s] * (k % ch == 0));
    }
  td_dataset_set_channel_name (ds, 0, "speed");
  td_dataset_set_channel_name (ds, 1, "level");
  td_dataset_set_channel_name (ds, 2, "temp");
  return ds;
}

static TdParams *
defaults (const TdPluginDescriptor *d)
{
  g_autoptr (GError) e = NULL;
  TdParams *p = td_params_new_defaults (d->params, d->n_params, &e);
  g_assert_no_error (e);
  return p;
}

static gboolean
has_required (const TdPluginDescriptor *d)
{
  for (size_t k = 0; k < d->n_params; k++)
    if (!d->params[k].default_value)
      return TRUE;
  return FALSE;
}

static void
check_model (const TdPluginEntry *en)
{
  const TdModelVTable *v = en->desc->vtable;
  TdDataShape shape = (v->accepts & TD_DATA_MATRIX) ? TD_DATA_MATRIX : TD_DATA_SEQUENCE;
  if (!(v->tasks & TD_TASK_BINARY))
    {
      g_test_message ("%s: no binary task; round trip skipped", en->desc->name);
      return;
    }
  g_autoptr (TdDataset) train = tiny_data (shape);
  g_autoptr (TdDataset) valid = tiny_data (shape);
  g_autoptr (TdParams) p = defaults (en->desc);
  g_autoptr (TdContext) ctx = td_context_new (3);
  g_autoptr (GError) e = NULL;
  TdModel *m = v->create (p, ctx, &e);
  g_assert_no_error (e);
  g_assert_nonnull (m);
  g_assert_true (v->fit (m, train, valid, ctx, &e));
  g_assert_no_error (e);
  g_autofree double *a = g_new (double, valid->n_series);
  g_autofree double *b = g_new (double, valid->n_series);
  g_assert_true (v->predict (m, valid, a, ctx, &e));
  for (size_t s = 0; s < valid->n_series; s++)
    {
      g_assert_true (isfinite (a[s]));
      g_assert_cmpfloat (a[s], >=, 0.0);
      g_assert_cmpfloat (a[s], <=, 1.0);
    }
  g_autofree char *dir = g_dir_make_tmp ("tundish-conf-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model", NULL);
  g_assert_true (v->save (m, path, &e));
  g_assert_no_error (e);
  v->destroy (m);
  TdModel *m2 = v->load (p, path, ctx, &e);
  g_assert_no_error (e);
  g_assert_nonnull (m2);
  g_assert_true (v->predict (m2, valid, b, ctx, &e));
  g_assert_cmpmem (a, valid->n_series * sizeof (double), b, valid->n_series * sizeof (double));
  v->destroy (m2);
  /* Loading garbage fails with an error, not a crash. */
  g_assert_true (g_file_set_contents (path, "garbage", -1, NULL));
  TdModel *m3 = v->load (p, path, ctx, &e);
  if (m3)
    v->destroy (m3);
  g_assert_null (m3);
  g_assert_nonnull (e);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *f;
  while ((f = g_dir_read_name (d)))
    {
      g_autofree char *full = g_build_filename (dir, f, NULL);
      g_unlink (full);
    }
  g_rmdir (dir);
}

static void
check_feature (const TdPluginEntry *en)
{
  const TdFeatureVTable *v = en->desc->vtable;
  TdDataShape shape = (v->accepts & TD_DATA_SEQUENCE) ? TD_DATA_SEQUENCE : TD_DATA_MATRIX;
  g_autoptr (TdDataset) train = tiny_data (shape);
  g_autoptr (TdParams) p = defaults (en->desc);
  g_autoptr (TdContext) ctx = td_context_new (3);
  g_autoptr (GError) e = NULL;
  TdFeature *f = v->create (p, ctx, &e);
  g_assert_no_error (e);
  if (v->fit)
    g_assert_true (v->fit (f, train, ctx, &e));
  g_autoptr (TdDataset) out = v->transform (f, train, ctx, &e);
  g_assert_no_error (e);
  g_assert_nonnull (out);
  g_assert_cmpuint (out->n_series, ==, train->n_series);
  g_assert_cmpmem (out->y, train->n_series * sizeof (double), train->y, train->n_series * sizeof (double));
  if (v->role == TD_FEATURE_EXTRACT)
    g_assert_cmpuint (out->n_steps, ==, 1);
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  for (size_t c = 0; c < out->n_channels; c++)
    {
      g_assert_nonnull (out->channel_names[c]);
      g_assert_cmpuint (strlen (out->channel_names[c]), >, 0);
      g_assert_false (g_hash_table_contains (names, out->channel_names[c]));
      g_hash_table_add (names, out->channel_names[c]);
    }
  v->destroy (f);
}

static void
check_evaluator (const TdPluginEntry *en)
{
  const TdEvaluatorVTable *v = en->desc->vtable;
  if (!(v->tasks & TD_TASK_BINARY))
    return;
  double y[] = { 0, 1, 0, 1, 1, 0 }, s[] = { 0.1, 0.8, 0.4, 0.35, 0.9, 0.2 };
  TdEvalInput in = { .task = TD_TASK_BINARY, .n = 6, .n_outputs = 1, .n_classes = 2, .y = y, .scores = s };
  size_t nm = g_strv_length ((char **) v->metrics);
  g_autofree double *vals = g_new (double, nm);
  g_autoptr (TdParams) p = defaults (en->desc);
  g_autoptr (GError) e = NULL;
  g_assert_true (v->evaluate (p, &in, vals, &e));
  g_assert_no_error (e);
}

static void
check_reporter (const TdPluginEntry *en)
{
  const TdReporterVTable *v = en->desc->vtable;
  g_autofree char *dir = g_dir_make_tmp ("tundish-rep-XXXXXX", NULL);
  g_autoptr (TdDataset) data = tiny_data (TD_DATA_SEQUENCE);
  const char *metrics[] = { "roc_auc", NULL }, *pipes[] = { "a", NULL };
  TdResultRow rows[] = { { "a", "", "roc_auc", 0, 0, 0.75 } };
  TdSummaryRow sum[] = { { "a", "", "roc_auc", 0.75, 0.0, 1 } };
  TdRunReport rep = { .experiment = "conformance", .config_yaml = "experiment: conformance\n",
                      .config_hash = "00000000", .run_dir = dir, .started_utc = "2026-01-01T00:00:00Z",
                      .finished_utc = "2026-01-01T00:00:01Z", .generator = "none", .data = data,
                      .split_method = "stratified_holdout", .n_train = 60, .n_valid = 0, .n_test = 20,
                      .metrics = metrics, .pipelines = pipes, .results = rows, .n_results = 1,
                      .summary = sum, .n_summary = 1, .n_trials = 1, .tundish_version = TUNDISH_VERSION };
  g_autoptr (TdParams) p = defaults (en->desc);
  g_autoptr (GError) e = NULL;
  g_assert_true (v->write (p, &rep, &e));
  g_assert_no_error (e);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *f;
  int n = 0;
  while ((f = g_dir_read_name (d)))
    {
      g_autofree char *full = g_build_filename (dir, f, NULL);
      g_unlink (full);
      n++;
    }
  g_assert_cmpint (n, >, 0);   /* a reporter writes something */
  g_rmdir (dir);
}

static void
check_plugin (gconstpointer data)
{
  const TdPluginEntry *en = data;
  g_autoptr (GError) e = NULL;
  g_assert_true (td_descriptor_check (en->desc, en->path, &e));
  g_assert_no_error (e);
  if (has_required (en->desc))
    {
      g_test_message ("%s has required parameters: behaviour checks skipped", en->desc->name);
      return;
    }
  switch (en->desc->kind)
    {
    case TD_KIND_MODEL: check_model (en); break;
    case TD_KIND_FEATURE: check_feature (en); break;
    case TD_KIND_EVALUATOR: check_evaluator (en); break;
    case TD_KIND_REPORTER: check_reporter (en); break;
    default: break;   /* generators and augmentations have their own tests */
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (TdRegistry) reg = td_registry_new ();
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  for (int k = 1; k < argc; k++)
    td_registry_scan_dir (reg, argv[k], errors);
  for (guint k = 0; k < errors->len; k++)
    g_printerr ("plugin load failure: %s\n", ((GError *) errors->pdata[k])->message);
  entries = td_registry_list (reg, TD_N_KINDS);
  if (argc < 2 || entries->len == 0)
    g_printerr ("usage: tundish-plugin-check DIR... (no plugins found)\n");
  for (guint k = 0; k < entries->len; k++)
    {
      const TdPluginEntry *en = entries->pdata[k];
      g_autofree char *path = g_strdup_printf ("/conformance/%s/%s", td_kind_name (en->desc->kind),
                                               en->desc->name);
      g_test_add_data_func (path, en, check_plugin);
    }
  int rc = g_test_run ();
  guint n_entries = entries->len;
  g_ptr_array_unref (entries);
  /* A plugin that failed to load, or finding none, is a conformance failure too. */
  return rc ? rc : (errors->len > 0 || n_entries == 0);
}
