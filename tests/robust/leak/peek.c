/* peek.c — test-only plugins (tests/robust/test_leakage.c) that try to read
 * what the leakage rule of tundish/dataset.h keeps from them, and say in
 * curves.csv what they found.
 *
 * peek_feature (extractor): transform copies y and each metadata column named
 * in `columns` into feature columns "peek.y", "peek.<name>" (a number as it
 * is; a text 0 for "" or "none", else 1, so "mechanism" and "event" say
 * "something happened"). fit, which may see labels, measures the ROC-AUC
 * of each of those columns against the training labels (fit_auc.<name>):
 * the proof that the columns would give the label away if transform saw it.
 *
 * peek_model: read: label scores each series by input->y; read: column by
 * feature column `column`. Where that is NaN (the label is hidden) the
 * score is a hash of the series id, uninformative. fit, predict, explain and
 * the attention map each log how many finite labels and hidden (target)
 * metadata columns their input had.
 *
 * Curve names: "<plugin>.<call>.labels" (finite labels in the input),
 * "<plugin>.<call>.hidden_meta" (TD_META_TARGET columns present), step =
 * the call's index within the trial for transform (0 train, 1 valid,
 * 2 test) and predict (0 test, 1 valid). */
#include <math.h>
#include <string.h>
#include <tundish/tundish.h>

static double
finite_labels (const TdDataset *d)
{
  double n = 0;
  for (size_t s = 0; s < d->n_series; s++)
    n += isfinite (d->y[s]);
  return n;
}

static double
hidden_meta (const TdDataset *d)
{
  double n = 0;
  for (guint m = 0; m < d->meta->len; m++)
    n += ((const TdMetaColumn *) d->meta->pdata[m])->role == TD_META_TARGET;
  return n;
}

static void
log_input (TdContext *ctx, const char *who, int step, const TdDataset *d)
{
  g_autofree char *labels = g_strdup_printf ("%s.labels", who);
  g_autofree char *meta = g_strdup_printf ("%s.hidden_meta", who);
  td_context_curve (ctx, labels, step, finite_labels (d));
  td_context_curve (ctx, meta, step, hidden_meta (d));
}

/* ------------------------------------------------------------ peek_feature */

struct TdFeature {
  char **columns;
  int calls;
};

static const TdParamSpec feature_params[] = {
  { "columns", TD_PARAM_STRING_LIST, "[true_defect_probability, mechanism, event]", 0, 0, NULL,
    "metadata columns to copy" },
};

static double
encode (const TdDataset *d, const char *name, size_t s)
{
  const TdMetaColumn *c = td_dataset_find_meta (d, name);
  if (!c)
    return NAN;
  if (c->num)
    return c->num[s];
  return (*c->str[s] && strcmp (c->str[s], "none") != 0) ? 1.0 : 0.0;
}

static TdFeature *
feature_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  (void) error;
  TdFeature *f = g_new0 (TdFeature, 1);
  size_t n = 0;
  const char *const *names = td_params_get_string_list (params, "columns", &n);
  f->columns = g_new0 (char *, n + 1);
  for (size_t k = 0; k < n; k++)
    f->columns[k] = g_strdup (names[k]);
  return f;
}

static gboolean
feature_fit (TdFeature *f, const TdDataset *train, TdContext *ctx, GError **error)
{
  (void) error;
  log_input (ctx, "peek_feature.fit", 0, train);
  td_context_curve (ctx, "peek_feature.fit_auc.y", 0,
                    td_roc_auc (train->y, train->y, train->n_series));
  g_autofree double *v = g_new (double, MAX (train->n_series, (size_t) 1));
  for (size_t k = 0; f->columns[k]; k++)
    {
      for (size_t s = 0; s < train->n_series; s++)
        v[s] = encode (train, f->columns[k], s);
      g_autofree char *name = g_strdup_printf ("peek_feature.fit_auc.%s", f->columns[k]);
      td_context_curve (ctx, name, 0, td_roc_auc (train->y, v, train->n_series));
    }
  return TRUE;
}

static TdDataset *
feature_transform (TdFeature *f, const TdDataset *in, TdContext *ctx, GError **error)
{
  (void) error;
  log_input (ctx, "peek_feature.transform", f->calls++, in);
  size_t nc = 1 + g_strv_length (f->columns);
  TdDataset *out = td_dataset_new_like (in, 1, nc);
  td_dataset_set_channel_name (out, 0, "peek.y");
  for (size_t k = 1; k < nc; k++)
    {
      g_autofree char *name = g_strdup_printf ("peek.%s", f->columns[k - 1]);
      td_dataset_set_channel_name (out, k, name);
    }
  for (size_t s = 0; s < in->n_series; s++)
    {
      out->x[s * nc] = (float) in->y[s];
      for (size_t k = 1; k < nc; k++)
        out->x[s * nc + k] = (float) encode (in, f->columns[k - 1], s);
    }
  return out;
}

static void
feature_destroy (TdFeature *f)
{
  g_strfreev (f->columns);
  g_free (f);
}

static const TdFeatureVTable feature_vtable = {
  .role = TD_FEATURE_EXTRACT,
  .accepts = TD_DATA_SEQUENCE | TD_DATA_MATRIX,
  .create = feature_create,
  .fit = feature_fit,
  .transform = feature_transform,
  .destroy = feature_destroy,
};

/* -------------------------------------------------------------- peek_model */

struct TdModel {
  gboolean read_label;
  size_t column;
  int predictions;
  gboolean explained, attended;
};

static const char *const read_choices[] = { "label", "column", NULL };
static const TdParamSpec model_params[] = {
  { "read", TD_PARAM_ENUM, "label", 0, 0, read_choices, "what the score copies" },
  { "column", TD_PARAM_INT, "0", 0, 63, NULL, "the feature column read: column copies" },
};

static TdModel *
model_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  (void) error;
  TdModel *m = g_new0 (TdModel, 1);
  m->read_label = strcmp (td_params_get_string (params, "read"), "label") == 0;
  m->column = (size_t) td_params_get_int (params, "column");
  return m;
}

/* Uniform in [0, 1), fixed by the id alone (SplitMix64's finaliser). */
static double
noise (gint64 id)
{
  guint64 z = (guint64) id + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return (double) (z >> 11) / 9007199254740992.0;
}

static double
peek (const TdModel *m, const TdDataset *d, size_t s)
{
  double v = NAN;
  if (m->read_label)
    v = d->y[s];
  else if (d->n_steps == 1 && m->column < d->n_channels)
    v = d->x[s * d->n_channels + m->column];
  return isfinite (v) ? v : noise (d->series_id[s]);
}

static gboolean
model_fit (TdModel *m, const TdDataset *train, const TdDataset *valid, TdContext *ctx,
           GError **error)
{
  (void) error;
  log_input (ctx, "peek_model.fit", 0, train);
  if (valid)
    log_input (ctx, "peek_model.fit_valid", 0, valid);
  g_autofree double *v = g_new (double, MAX (train->n_series, (size_t) 1));
  for (size_t s = 0; s < train->n_series; s++)
    v[s] = peek (m, train, s);
  td_context_curve (ctx, "peek_model.fit_auc", 0, td_roc_auc (train->y, v, train->n_series));
  return TRUE;
}

static gboolean
model_predict (TdModel *m, const TdDataset *input, double *out, TdContext *ctx, GError **error)
{
  (void) error;
  log_input (ctx, "peek_model.predict", m->predictions++, input);
  for (size_t s = 0; s < input->n_series; s++)
    out[s] = peek (m, input, s);
  return TRUE;
}

static gboolean
model_save (TdModel *m, const char *path, GError **error)
{
  g_autofree char *text = g_strdup_printf ("%d %zu\n", m->read_label, m->column);
  return g_file_set_contents (path, text, -1, error);
}

static TdModel *
model_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "peek_model: no file %s", path);
      return NULL;
    }
  return model_create (params, ctx, error);
}

static void
model_destroy (TdModel *m)
{
  g_free (m);
}

/* A uniform map, whatever the labels: what matters is what the input held. */
static gboolean
model_explain (TdModel *m, const TdDataset *input, size_t series, float *out, TdContext *ctx,
               GError **error)
{
  (void) series;
  (void) error;
  if (!m->explained)
    log_input (ctx, "peek_model.explain", 0, input);
  m->explained = TRUE;
  for (size_t k = 0; k < input->n_steps * input->n_channels; k++)
    out[k] = 1.0f;
  return TRUE;
}

static gboolean
model_attention (TdModel *m, const TdDataset *input, size_t series, float *out, TdContext *ctx,
                 GError **error)
{
  (void) error;
  if (!m->attended)
    log_input (ctx, "peek_model.attention", 0, input);
  m->attended = TRUE;
  size_t T = input->n_steps;
  size_t len = td_dataset_length (input, series);
  memset (out, 0, T * T * sizeof *out);
  for (size_t q = 0; q < len; q++)
    for (size_t k = 0; k < len; k++)
      out[q * T + k] = 1.0f / (float) len;
  return TRUE;
}

static const TdAttentionMapExt attention_ext = { .attention_map = model_attention };

static const void *
model_extension (TdModel *m, const char *id)
{
  (void) m;
  return g_strcmp0 (id, TD_EXT_ATTENTION_MAP) == 0 ? &attention_ext : NULL;
}

static const TdModelVTable model_vtable = {
  .accepts = TD_DATA_SEQUENCE | TD_DATA_MATRIX,
  .tasks = TD_TASK_BINARY,
  .train_on = TD_TRAIN_ON_ALL,
  .create = model_create,
  .fit = model_fit,
  .predict = model_predict,
  .save = model_save,
  .load = model_load,
  .destroy = model_destroy,
  .explain = model_explain,
  .extension = model_extension,
};

/* ------------------------------------------------------------- descriptors */

static const TdPluginDescriptor descriptors[] = {
  {
    .abi_version = TD_PLUGIN_ABI_VERSION,
    .kind = TD_KIND_FEATURE,
    .name = "peek_feature",
    .version = "1.0.0",
    .summary = "test only: copies labels and target metadata into feature columns",
    .params = feature_params,
    .n_params = G_N_ELEMENTS (feature_params),
    .vtable = &feature_vtable,
  },
  {
    .abi_version = TD_PLUGIN_ABI_VERSION,
    .kind = TD_KIND_MODEL,
    .name = "peek_model",
    .version = "1.0.0",
    .summary = "test only: scores by the label or a feature column it is handed",
    .params = model_params,
    .n_params = G_N_ELEMENTS (model_params),
    .vtable = &model_vtable,
  },
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index < G_N_ELEMENTS (descriptors) ? &descriptors[index] : NULL;
}
