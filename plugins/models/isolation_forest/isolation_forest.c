/* isolation_forest.c — the `isolation_forest` model plugin: an anomaly
 * detector trained on normal series only (train_on normal), scoring each
 * series of a feature matrix 2^(-E[h(x)] / c(psi)), higher = more abnormal
 * (iforest.c: Liu, Ting & Zhou 2008 as scikit-learn's IsolationForest).
 *
 * Reads create → fit → predict → explain → save/load. The forest is grown
 * from the context's seed, trees in parallel over the context's threads,
 * and is the same for any thread count. explain gives, per feature, how
 * much of the training rows its splits cut away from the series along its
 * paths (iforest_attribution: what isolated it).
 */
#include <math.h>
#include <string.h>

#include <tundish/io.h>
#include <tundish/tundish.h>

#include "iforest.h"

#define WHO "isolation_forest"
#define FORMAT 1
#define GROUP "isolation_forest"

struct TdModel {
  IfOptions opt;
  IForest *forest;    /* NULL until fit or load */
  char **names;       /* [n_features], NULL-terminated */
};

static const TdParamSpec iforest_params[] = {
  { "n_estimators", TD_PARAM_INT, "100", 1, 100000, NULL, "number of isolation trees" },
  { "max_samples", TD_PARAM_INT, "256", 2, 1e9, NULL,
    "rows drawn (without replacement) per tree; psi = min(max_samples, training series); "
    "the height limit is ceil(log2 psi)" },
  { "max_features", TD_PARAM_DOUBLE, "1.0", 1e-9, 1.0, NULL,
    "fraction of the features each tree may split on (at least one)" },
};

static void
iforest_model_destroy (TdModel *m)
{
  if (!m)
    return;
  iforest_free (m->forest);
  g_strfreev (m->names);
  g_free (m);
}

static TdModel *
iforest_model_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) error;
  TdModel *m = g_new0 (TdModel, 1);
  m->opt.n_trees = (size_t) td_params_get_int (params, "n_estimators");
  m->opt.max_samples = (size_t) td_params_get_int (params, "max_samples");
  m->opt.max_features = td_params_get_double (params, "max_features");
  m->opt.seed = ctx ? td_context_seed (ctx) : 0;
  m->opt.threads = ctx ? td_context_threads (ctx) : 1;
  return m;
}

/* The input as floats the trees can compare: every value finite. */
static gboolean
check_input (const TdModel *m, const TdDataset *ds, const char *what, GError **error)
{
  if (!td_dataset_check_matrix (ds, WHO, what, error))
    return FALSE;
  if (m->forest && ds->n_channels != m->forest->n_features)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   WHO ": the %s data has %zu features, the model was fitted on %zu", what,
                   ds->n_channels, m->forest->n_features);
      return FALSE;
    }
  size_t p = ds->n_channels;
  for (size_t i = 0; i < ds->n_series * p; i++)
    if (!isfinite (ds->x[i]))
      {
        char cb[TD_CHANNEL_NAME_BUF];
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     WHO ": feature \"%s\" of series %" G_GINT64_FORMAT " in the %s data is %s; "
                     "impute or drop missing values before the model (e.g. a `missing` "
                     "feature step)", td_dataset_channel_name (ds, i % p, cb),
                     ds->series_id ? ds->series_id[i / p] : (gint64) (i / p), what,
                     isnan (ds->x[i]) ? "NaN" : "infinite");
        return FALSE;
      }
  return TRUE;
}

static gboolean
iforest_model_fit (TdModel *m, const TdDataset *train, const TdDataset *valid, TdContext *ctx,
                   GError **error)
{
  (void) valid;   /* nothing to stop early; thresholds are the evaluator's */
  g_clear_pointer (&m->forest, iforest_free);
  g_clear_pointer (&m->names, g_strfreev);
  if (train->task != TD_TASK_ANOMALY)
    {
      /* It would fit any series, but its scores answer the anomaly task only. */
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED,
                   WHO ": task \"%s\" is not supported (anomaly only)", td_task_name (train->task));
      return FALSE;
    }
  if (!check_input (m, train, "training", error))
    return FALSE;
  if (train->n_series < 2)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   WHO ": %zu normal training series; an isolation tree needs at least 2",
                   train->n_series);
      return FALSE;
    }
  m->opt.threads = ctx ? td_context_threads (ctx) : m->opt.threads;
  m->forest = iforest_fit (train->x, train->n_series, train->n_channels, &m->opt);
  m->names = g_new0 (char *, train->n_channels + 1);
  for (size_t c = 0; c < train->n_channels; c++)
    {
      char cb[TD_CHANNEL_NAME_BUF];
      m->names[c] = g_strdup (td_dataset_channel_name (train, c, cb));
    }
  return TRUE;
}

static gboolean
iforest_model_predict (TdModel *m, const TdDataset *input, double *out, TdContext *ctx,
                       GError **error)
{
  if (!m->forest)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                           WHO ": predict before fit or load");
      return FALSE;
    }
  if (!check_input (m, input, "input", error))
    return FALSE;
  iforest_score (m->forest, input->x, input->n_series, out,
                 ctx ? td_context_threads (ctx) : 1);
  return TRUE;
}

static gboolean
iforest_model_explain (TdModel *m, const TdDataset *input, size_t series, float *out,
                       TdContext *ctx, GError **error)
{
  (void) ctx;
  if (!m->forest || series >= input->n_series)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   WHO ": explain series %zu of %zu%s", series, input->n_series,
                   m->forest ? "" : " before fit");
      return FALSE;
    }
  if (!check_input (m, input, "input", error))
    return FALSE;
  size_t p = input->n_channels;
  g_autofree double *a = g_new (double, p);
  iforest_attribution (m->forest, td_dataset_series (input, series), a);
  for (size_t c = 0; c < p; c++)
    out[c] = (float) a[c];
  return TRUE;
}

/* ------------------------------------------------------------- save/load */

static gboolean
iforest_model_save (TdModel *m, const char *path, GError **error)
{
  if (!m->forest)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                           WHO ": nothing to save before fit");
      return FALSE;
    }
  const IForest *f = m->forest;
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_key_file_set_integer (kf, GROUP, "format", FORMAT);
  g_key_file_set_uint64 (kf, GROUP, "psi", f->psi);
  g_key_file_set_uint64 (kf, GROUP, "trees", f->n_trees);
  g_key_file_set_string_list (kf, GROUP, "features", (const char *const *) m->names,
                              f->n_features);
  for (size_t k = 0; k < f->n_trees; k++)
    {
      const IfTree *t = &f->trees[k];
      g_autofree char *g = g_strdup_printf ("tree %zu", k);
      g_key_file_set_integer_list (kf, g, "feature", t->feature, t->n_nodes);
      g_key_file_set_double_list (kf, g, "threshold", t->threshold, t->n_nodes);
      g_key_file_set_integer_list (kf, g, "left", t->left, t->n_nodes);
      g_key_file_set_integer_list (kf, g, "right", t->right, t->n_nodes);
      g_key_file_set_double_list (kf, g, "value", t->value, t->n_nodes);
      g_key_file_set_integer_list (kf, g, "size", t->size, t->n_nodes);
    }
  gsize len = 0;
  g_autofree char *text = g_key_file_to_data (kf, &len, NULL);
  if (!td_file_write_atomic (path, text, (gssize) len, error))
    {
      g_prefix_error (error, WHO ": saving the model: ");
      return FALSE;
    }
  return TRUE;
}

/* One tree's lists, each of n_nodes entries; FALSE on a missing or short list. */
static gboolean
load_tree (GKeyFile *kf, size_t k, IfTree *t)
{
  g_autofree char *g = g_strdup_printf ("tree %zu", k);
  gsize nf = 0, nt = 0, nl = 0, nr = 0, nv = 0, ns = 0;
  t->feature = g_key_file_get_integer_list (kf, g, "feature", &nf, NULL);
  t->threshold = g_key_file_get_double_list (kf, g, "threshold", &nt, NULL);
  t->left = g_key_file_get_integer_list (kf, g, "left", &nl, NULL);
  t->right = g_key_file_get_integer_list (kf, g, "right", &nr, NULL);
  t->value = g_key_file_get_double_list (kf, g, "value", &nv, NULL);
  t->size = g_key_file_get_integer_list (kf, g, "size", &ns, NULL);
  t->n_nodes = nf;
  return t->feature && t->threshold && t->left && t->right && t->value && t->size && nf > 0
         && nt == nf && nl == nf && nr == nf && nv == nf && ns == nf;
}

static TdModel *
iforest_model_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  GError *local = NULL;
  TdModel *m = iforest_model_create (params, ctx, error);
  gsize p = 0;
  const char *why = NULL;
  gboolean ok = g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local)
                && g_key_file_get_integer (kf, GROUP, "format", &local) == FORMAT
                && (m->names = g_key_file_get_string_list (kf, GROUP, "features", &p, &local));
  guint64 trees = ok ? g_key_file_get_uint64 (kf, GROUP, "trees", &local) : 0;
  guint64 psi = ok && !local ? g_key_file_get_uint64 (kf, GROUP, "psi", &local) : 0;
  ok = ok && !local && p > 0 && trees > 0 && trees <= 100000;
  if (ok)
    {
      m->forest = g_new0 (IForest, 1);
      m->forest->n_trees = trees;
      m->forest->n_features = p;
      m->forest->psi = psi;
      m->forest->trees = g_new0 (IfTree, trees);
      for (size_t k = 0; ok && k < trees; k++)
        if (!load_tree (kf, k, &m->forest->trees[k]))
          {
            ok = FALSE;
            why = "a tree with missing or unequal lists";
          }
      ok = ok && iforest_check (m->forest, &why);
    }
  if (!ok)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   WHO ": %s is not an isolation forest model file (format %d): %s", path,
                   FORMAT, local ? local->message : why ? why : "bad counts");
      g_clear_error (&local);
      iforest_model_destroy (m);
      return NULL;
    }
  return m;
}

static const TdModelVTable iforest_vtable = {
  .accepts = TD_DATA_MATRIX,
  .tasks = TD_TASK_ANOMALY,
  .train_on = TD_TRAIN_ON_NORMAL,
  .create = iforest_model_create,
  .fit = iforest_model_fit,
  .predict = iforest_model_predict,
  .save = iforest_model_save,
  .load = iforest_model_load,
  .destroy = iforest_model_destroy,
  .explain = iforest_model_explain,
};

static const TdPluginDescriptor iforest_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_MODEL,
  .name = "isolation_forest",
  .version = "1.0.0",
  .summary = "isolation forest (Liu, Ting & Zhou 2008) on a feature matrix, trained on normal "
             "series: higher score = more abnormal",
  .params = iforest_params,
  .n_params = G_N_ELEMENTS (iforest_params),
  .vtable = &iforest_vtable,
};

const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &iforest_descriptor : NULL;
}
