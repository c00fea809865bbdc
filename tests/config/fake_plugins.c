/* fake_plugins.c — descriptors with realistic parameter specs and do-nothing
 * vtables, so the config tests need no real plugin. Kept apart from the
 * tests so the specs read as one table. */
#include "fake_plugins.h"

static gpointer
fail_null (GError **error)
{
  g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED, "fake plugin");
  return NULL;
}

/* What the fakes' create returns: create must succeed, since the loader
 * creates every feature and model once; nothing else is ever called. */
static char fake_instance;

static TdDataset *
gen (const TdParams *p, TdContext *c, GError **e)
{
  (void) p; (void) c;
  return fail_null (e);
}

static TdDataset *
aug (const TdParams *p, const TdDataset *t, TdContext *c, GError **e)
{
  (void) p; (void) t; (void) c;
  return fail_null (e);
}

static TdFeature *
f_create (const TdParams *p, TdContext *c, GError **e)
{
  (void) p; (void) c; (void) e;
  return (TdFeature *) &fake_instance;
}

static TdDataset *
f_transform (TdFeature *s, const TdDataset *i, TdContext *c, GError **e)
{
  (void) s; (void) i; (void) c;
  return fail_null (e);
}

static void
f_destroy (TdFeature *s)
{
  (void) s;
}

static TdModel *
m_create (const TdParams *p, TdContext *c, GError **e)
{
  (void) p; (void) c; (void) e;
  return (TdModel *) &fake_instance;
}

static gboolean
m_fit (TdModel *s, const TdDataset *t, const TdDataset *v, TdContext *c, GError **e)
{
  (void) s; (void) t; (void) v; (void) c;
  return fail_null (e) != NULL;
}

static gboolean
m_predict (TdModel *s, const TdDataset *i, double *o, TdContext *c, GError **e)
{
  (void) s; (void) i; (void) o; (void) c;
  return fail_null (e) != NULL;
}

static gboolean
m_save (TdModel *s, const char *p, GError **e)
{
  (void) s; (void) p;
  return fail_null (e) != NULL;
}

static TdModel *
m_load (const TdParams *p, const char *path, TdContext *c, GError **e)
{
  (void) p; (void) path; (void) c;
  return fail_null (e);
}

static void
m_destroy (TdModel *s)
{
  (void) s;
}

static gboolean
ev (const TdParams *p, const TdEvalInput *i, double *v, GError **e)
{
  (void) p; (void) i; (void) v;
  return fail_null (e) != NULL;
}

static gboolean
rep (const TdParams *p, const TdRunReport *r, GError **e)
{
  (void) p; (void) r;
  return fail_null (e) != NULL;
}

static const TdGeneratorVTable gen_vt = { .generate = gen };

/* task_gen declares its data's task from its `task` parameter. */
static TdTask
declared_task (const TdParams *params)
{
  const char *t = td_params_get_string (params, "task");
  return g_str_equal (t, "regression") ? TD_TASK_REGRESSION
         : g_str_equal (t, "multiclass") ? TD_TASK_MULTICLASS : TD_TASK_BINARY;
}

static const void *
task_gen_extension (const char *id)
{
  static const TdDataTaskExt ext = { declared_task };
  return g_strcmp0 (id, TD_EXT_DATA_TASK) == 0 ? &ext : NULL;
}

static const TdGeneratorVTable task_gen_vt = { .generate = gen,
                                               .extension = task_gen_extension };
static const TdAugmentVTable aug_vt = { .apply = aug };
static const TdFeatureVTable extract_seq_vt = {
  .role = TD_FEATURE_EXTRACT, .accepts = TD_DATA_SEQUENCE,
  .create = f_create, .transform = f_transform, .destroy = f_destroy,
};
static const TdFeatureVTable transform_seq_vt = {
  .role = TD_FEATURE_TRANSFORM, .accepts = TD_DATA_SEQUENCE,
  .create = f_create, .transform = f_transform, .destroy = f_destroy,
};
static const TdFeatureVTable transform_any_vt = {
  .role = TD_FEATURE_TRANSFORM, .accepts = TD_DATA_SEQUENCE | TD_DATA_MATRIX,
  .create = f_create, .transform = f_transform, .destroy = f_destroy,
};
#define MODEL_VT(shape) { .accepts = (shape), .tasks = TD_TASK_BINARY, \
  .create = m_create, .fit = m_fit, .predict = m_predict, .save = m_save, \
  .load = m_load, .destroy = m_destroy }
static const TdModelVTable matrix_model_vt = MODEL_VT (TD_DATA_MATRIX);
static const TdModelVTable seq_model_vt = MODEL_VT (TD_DATA_SEQUENCE);
static const char *const binary_metrics[] = { "roc_auc", "pr_auc", "f1", "precision", "recall",
                                              "accuracy", "brier", NULL };
static const TdEvaluatorVTable binary_vt = { .metrics = binary_metrics,
                                             .tasks = TD_TASK_BINARY, .evaluate = ev };
static const char *const cost_metrics[] = { "expected_cost", NULL };
static const TdEvaluatorVTable cost_vt = { .metrics = cost_metrics,
                                           .tasks = TD_TASK_BINARY, .evaluate = ev };
static const TdReporterVTable rep_vt = { .write = rep };

static const TdParamSpec steel_params[] = {
  { "num_casts", TD_PARAM_INT, "1200", 10, 100000, NULL, "casts to generate" },
  { "cast_duration_minutes", TD_PARAM_INT, "120", 1, 1440, NULL, "minutes per cast" },
  { "defect_probability", TD_PARAM_DOUBLE, "0.15", 0, 1, NULL, "share of defective casts" },
  { "sensors", TD_PARAM_STRING_LIST, "[mold_level, casting_speed]", 0, 0, NULL, "channels" },
  { "noise", TD_PARAM_BOOL, "true", 0, 0, NULL, "add sensor noise" },
};
static const char *const task_choices[] = { "binary", "multiclass", "regression", NULL };
static const TdParamSpec task_gen_params[] = {
  { "task", TD_PARAM_ENUM, "binary", 0, 0, task_choices, "the task of the data" },
};
static const TdParamSpec jitter_params[] = {
  { "sigma", TD_PARAM_DOUBLE, "0.03", 0, 1, NULL, "noise sd" },
  { "copies", TD_PARAM_INT, "1", 1, 10, NULL, "copies per series" },
};
static const char *const stat_choices[] = { "mean", "std", "min", "max", "median", NULL };
static const TdParamSpec statistical_params[] = {
  { "stats", TD_PARAM_STRING_LIST, "[mean, std]", 0, 0, stat_choices, "statistics" },
};
static const char *const inner_choices[] = { "statistical", "resample", NULL };
static const TdParamSpec window_params[] = {
  { "minutes", TD_PARAM_INT, "10", 1, 120, NULL, "window length" },
  { "step", TD_PARAM_INT, "1", 1, 60, NULL, "window step" },
  { "inner", TD_PARAM_ENUM, "statistical", 0, 0, inner_choices, "extractor on the windows" },
  { .name = "inner_params", .type = TD_PARAM_PARAMS, .default_value = "{}",
    .params_of = "inner", .help = "the inner extractor's parameters" },
};
static const TdParamSpec resample_params[] = {
  { "length", TD_PARAM_INT, "300", 2, 100000, NULL, "steps after resampling" },
};
static const char *const tree_methods[] = { "hist", "exact", "approx", NULL };
static const TdParamSpec xgboost_params[] = {
  { "n_estimators", TD_PARAM_INT, "100", 1, 10000, NULL, "trees" },
  { "max_depth", TD_PARAM_INT, "6", 1, 64, NULL, "tree depth" },
  { "learning_rate", TD_PARAM_DOUBLE, "0.1", 0, 1, NULL, "eta" },
  { "subsample", TD_PARAM_DOUBLE, "1.0", 0, 1, NULL, "rows per tree" },
  { "colsample_bytree", TD_PARAM_DOUBLE, "1.0", 0, 1, NULL, "features per tree" },
  { "tree_method", TD_PARAM_ENUM, "hist", 0, 0, tree_methods, "algorithm" },
  { "verbose", TD_PARAM_BOOL, "false", 0, 0, NULL, "log every round" },
};
static const TdParamSpec lstm_params[] = {
  { "hidden", TD_PARAM_INT_LIST, "[64]", 1, 4096, NULL, "units per layer" },
  { "length", TD_PARAM_INT, "300", 1, 100000, NULL, "steps per sequence" },
  { "epochs", TD_PARAM_INT, "10", 1, 10000, NULL, "epochs" },
  { "dropout", TD_PARAM_DOUBLE, "0.0", 0, 0.9, NULL, "dropout" },
};
static const TdParamSpec isoforest_params[] = {
  { "contamination", TD_PARAM_DOUBLE, NULL, 0, 0.5, NULL, "expected anomaly share" },
  { "trees", TD_PARAM_INT, "100", 1, 10000, NULL, "trees" },
};
static const TdParamSpec binary_params[] = {
  { "threshold", TD_PARAM_DOUBLE, "0.5", 0, 1, NULL, "decision threshold" },
};
static const TdParamSpec cost_params[] = {
  { "fn_cost", TD_PARAM_DOUBLE, "10", 0, 1e6, NULL, "cost of a missed defect" },
};
static const TdParamSpec html_params[] = {
  { "title", TD_PARAM_STRING, "tundish report", 0, 0, NULL, "page title" },
  { "plots", TD_PARAM_BOOL, "true", 0, 0, NULL, "embed plots" },
};

static const TdParamSpec table_params[] = {
  { "path", TD_PARAM_PATH, NULL, 0, 0, NULL, "the data file" },
  { "test_path", TD_PARAM_PATH, "", 0, 0, NULL, "optional second file" },
  { "channel_paths", TD_PARAM_PATH_LIST, "[]", 0, 0, NULL, "more files" },
  { "header", TD_PARAM_BOOL, "true", 0, 0, NULL, "header line" },
};

#define DESC(kind, name, params, vt) \
  { TD_PLUGIN_ABI_VERSION, kind, name, "1.0.0", "fake " name, params, \
    G_N_ELEMENTS (params), &vt, NULL, { 0 } }
#define DESC0(kind, name, vt) \
  { TD_PLUGIN_ABI_VERSION, kind, name, "1.0.0", "fake " name, NULL, 0, &vt, NULL, { 0 } }

static const TdPluginDescriptor fakes[] = {
  DESC (TD_KIND_GENERATOR, "steel_casting", steel_params, gen_vt),
  DESC (TD_KIND_GENERATOR, "table", table_params, gen_vt),
  DESC (TD_KIND_GENERATOR, "task_gen", task_gen_params, task_gen_vt),
  DESC (TD_KIND_AUGMENT, "jitter", jitter_params, aug_vt),
  DESC (TD_KIND_FEATURE, "statistical", statistical_params, extract_seq_vt),
  DESC (TD_KIND_FEATURE, "window", window_params, extract_seq_vt),
  DESC (TD_KIND_FEATURE, "resample", resample_params, transform_seq_vt),
  DESC0 (TD_KIND_FEATURE, "zscore", transform_any_vt),
  DESC (TD_KIND_MODEL, "xgboost", xgboost_params, matrix_model_vt),
  DESC (TD_KIND_MODEL, "lstm", lstm_params, seq_model_vt),
  DESC (TD_KIND_MODEL, "isoforest", isoforest_params, matrix_model_vt),
  DESC (TD_KIND_EVALUATOR, "binary", binary_params, binary_vt),
  DESC (TD_KIND_EVALUATOR, "cost", cost_params, cost_vt),
  DESC0 (TD_KIND_REPORTER, "csv", rep_vt),
  DESC (TD_KIND_REPORTER, "html", html_params, rep_vt),
};

static const TdPluginDescriptor *
fake_entry (size_t index)
{
  return index < G_N_ELEMENTS (fakes) ? &fakes[index] : NULL;
}

TdRegistry *
fake_registry (void)
{
  TdRegistry *reg = td_registry_new ();
  g_autoptr (GError) error = NULL;
  gboolean ok = td_registry_add_entry (reg, fake_entry, "fake_plugins.c", &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  return reg;
}
