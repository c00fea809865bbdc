/* test_config.c — experiments that load: defaults, includes, sweeps,
 * overrides, evaluate forms, and the resolved text and its hash. Files are
 * written into a fresh temporary folder per test. */
#include <tundish/drift.h>
#include <glib/gstdio.h>
#include <string.h>
#include <yaml.h>

#include "config/config.h"
#include "fake_plugins.h"

typedef struct {
  char *dir;
  TdRegistry *reg;
} Fixture;

static void
fx_setup (Fixture *fx, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  fx->dir = g_dir_make_tmp ("td-config-XXXXXX", &error);
  g_assert_no_error (error);
  fx->reg = fake_registry ();
}

static void
rm_rf (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
      const char *name;
      while (d && (name = g_dir_read_name (d)))
        {
          g_autofree char *p = g_build_filename (path, name, NULL);
          rm_rf (p);
        }
    }
  g_remove (path);
}

static void
fx_teardown (Fixture *fx, gconstpointer data)
{
  (void) data;
  rm_rf (fx->dir);
  g_free (fx->dir);
  td_registry_free (fx->reg);
}

/* Write text to dir/name (creating folders); returns the full path. */
static char *
put (Fixture *fx, const char *name, const char *text)
{
  char *path = g_build_filename (fx->dir, name, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_autoptr (GError) error = NULL;
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

static TdExperiment *
load_ok (Fixture *fx, const char *path, const char *const *overrides)
{
  g_autoptr (GError) error = NULL;
  TdExperiment *exp = td_experiment_load (path, fx->reg, overrides, &error);
  g_assert_no_error (error);
  g_assert_nonnull (exp);
  return exp;
}

static const TdPipeline *
pipeline (const TdExperiment *exp, guint k)
{
  g_assert_cmpuint (k, <, exp->pipelines->len);
  return exp->pipelines->pdata[k];
}

static const TdStage *
feature (const TdPipeline *p, guint k)
{
  g_assert_cmpuint (k, <, p->features->len);
  return p->features->pdata[k];
}

static const char *
stage_name (gconstpointer stage)
{
  return ((const TdStage *) stage)->entry->desc->name;
}

static const char *const minimal =
  "experiment: minimal\n"
  "data: {generator: steel_casting}\n"
  "pipelines:\n"
  "  - name: gbdt\n"
  "    features: [statistical]\n"
  "    model: xgboost\n";

static void
test_defaults (Fixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *path = put (fx, "exp.yaml", minimal);
  g_autoptr (TdExperiment) exp = load_ok (fx, path, NULL);

  g_assert_cmpstr (exp->name, ==, "minimal");
  g_assert_cmpstr (exp->path, ==, path);
  g_assert_cmpuint (exp->seed, ==, 42);
  g_assert_cmpint (exp->repeats, ==, 1);
  g_assert_cmpint (exp->split.method, ==, TD_SPLIT_STRATIFIED_HOLDOUT);
  g_assert_cmpfloat (exp->split.test_size, ==, 0.2);
  g_assert_cmpfloat (exp->split.valid_size, ==, 0.1);
  g_assert_cmpint (exp->split.folds, ==, 5);
  g_assert_null (exp->split.group_by);
  g_assert_cmpuint (exp->augment->len, ==, 0);

  g_assert_cmpstr (stage_name (exp->data), ==, "steel_casting");
  g_assert_cmpint (td_params_get_int (exp->data->params, "num_casts"), ==, 1200);
  g_assert_cmpfloat (td_params_get_double (exp->data->params, "defect_probability"), ==, 0.15);

  g_assert_cmpuint (exp->pipelines->len, ==, 1);
  const TdPipeline *p = pipeline (exp, 0);
  g_assert_cmpstr (p->name, ==, "gbdt");
  g_assert_cmpstr (p->variant, ==, "");
  g_assert_cmpstr (p->label, ==, "gbdt");
  g_assert_cmpuint (p->features->len, ==, 1);
  g_assert_cmpstr (stage_name (feature (p, 0)), ==, "statistical");
  g_assert_cmpstr (feature (p, 0)->key_path, ==, "pipelines[0].features[0]");
  g_assert_cmpstr (stage_name (p->model), ==, "xgboost");
  g_assert_cmpstr (p->model->key_path, ==, "pipelines[0].model");
  g_assert_cmpint (td_params_get_int (p->model->params, "max_depth"), ==, 6);
  g_assert_cmpstr (td_params_get_string (p->model->params, "tree_method"), ==, "hist");
  g_assert_false (td_params_get_bool (p->model->params, "verbose"));

  /* Default evaluate: every evaluator, all of its metrics, by evaluator name. */
  g_assert_cmpuint (exp->evaluators->len, ==, 2);
  g_assert_cmpstr (stage_name (exp->evaluators->pdata[0]), ==, "binary");
  g_assert_cmpstr (stage_name (exp->evaluators->pdata[1]), ==, "cost");
  g_assert_cmpuint (exp->metrics->len, ==, 8);
  g_assert_cmpstr (exp->metrics->pdata[0], ==, "roc_auc");
  g_assert_cmpstr (exp->metrics->pdata[6], ==, "brier");
  g_assert_cmpstr (exp->metrics->pdata[7], ==, "expected_cost");

  g_assert_null (exp->baseline);
  g_assert_cmpuint (exp->compare_tests->len, ==, 0);
  g_assert_cmpuint (exp->reporters->len, ==, 2);
  g_assert_cmpstr (stage_name (exp->reporters->pdata[0]), ==, "csv");
  g_assert_cmpstr (stage_name (exp->reporters->pdata[1]), ==, "html");
  g_assert_cmpstr (td_params_get_string (((TdStage *) exp->reporters->pdata[1])->params,
                                         "title"), ==, "tundish report");

  /* Defaults are written out in the resolved text. */
  g_assert_nonnull (strstr (exp->resolved_yaml, "num_casts: 1200"));
  g_assert_nonnull (strstr (exp->resolved_yaml, "max_depth: 6"));
  g_assert_nonnull (strstr (exp->resolved_yaml, "seed: 42\n"));
  g_assert_cmpuint (strlen (exp->hash), ==, 8);
}

static void
test_full (Fixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *path = put (fx, "exp.yaml",
    "experiment: steel-casting.full_1\n"
    "seed: 18446744073709551615\n"
    "repeats: 3\n"
    "data:\n"
    "  generator: steel_casting\n"
    "  params: {num_casts: 300, defect_probability: 0.25, sensors: [mold_level], noise: off}\n"
    "split: {method: group_kfold, folds: 4, valid_size: 0, group_by: sequence}\n"
    "augment:\n"
    "  - {plugin: jitter, sigma: 0.05}\n"
    "  - plugin: jitter\n"
    "    params: {copies: 3}\n"
    "pipelines:\n"
    "  - name: gbdt\n"
    "    features: [statistical, {plugin: window, minutes: 15}, zscore]\n"
    "    model: {plugin: xgboost, params: {n_estimators: 1e3, tree_method: exact, verbose: true}}\n"
    "  - name: lstm\n"
    "    features:\n"
    "      - {plugin: resample, params: {length: 200}}\n"
    "      - zscore\n"
    "    model: {plugin: lstm, hidden: [32, 16], dropout: 0.2}\n"
    "evaluate: [roc_auc, f1]\n"
    "compare: {baseline: gbdt, tests: [delong, bootstrap]}\n"
    "report: [csv, {plugin: html, title: \"Steel: a \\\"test\\\"\"}]\n");
  g_autoptr (TdExperiment) exp = load_ok (fx, path, NULL);

  g_assert_cmpstr (exp->name, ==, "steel-casting.full_1");
  g_assert_cmpuint (exp->seed, ==, G_MAXUINT64);
  g_assert_cmpint (exp->repeats, ==, 3);
  const TdParams *dp = exp->data->params;
  g_assert_cmpint (td_params_get_int (dp, "num_casts"), ==, 300);
  g_assert_cmpfloat (td_params_get_double (dp, "defect_probability"), ==, 0.25);
  g_assert_false (td_params_get_bool (dp, "noise"));
  size_t n = 0;
  const char *const *sensors = td_params_get_string_list (dp, "sensors", &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (sensors[0], ==, "mold_level");

  g_assert_cmpint (exp->split.method, ==, TD_SPLIT_GROUP_KFOLD);
  g_assert_cmpint (exp->split.folds, ==, 4);
  g_assert_cmpfloat (exp->split.valid_size, ==, 0.0);
  g_assert_cmpstr (exp->split.group_by, ==, "sequence");

  g_assert_cmpuint (exp->augment->len, ==, 2);
  const TdStage *a0 = exp->augment->pdata[0], *a1 = exp->augment->pdata[1];
  g_assert_cmpfloat (td_params_get_double (a0->params, "sigma"), ==, 0.05);
  g_assert_cmpint (td_params_get_int (a0->params, "copies"), ==, 1);
  g_assert_cmpfloat (td_params_get_double (a1->params, "sigma"), ==, 0.03);
  g_assert_cmpint (td_params_get_int (a1->params, "copies"), ==, 3);
  g_assert_cmpstr (a1->key_path, ==, "augment[1]");

  g_assert_cmpuint (exp->pipelines->len, ==, 2);
  const TdPipeline *g = pipeline (exp, 0), *l = pipeline (exp, 1);
  g_assert_cmpuint (g->features->len, ==, 3);
  g_assert_cmpint (td_params_get_int (feature (g, 1)->params, "minutes"), ==, 15);
  g_assert_cmpint (td_params_get_int (g->model->params, "n_estimators"), ==, 1000);
  g_assert_cmpstr (td_params_get_string (g->model->params, "tree_method"), ==, "exact");
  g_assert_true (td_params_get_bool (g->model->params, "verbose"));
  g_assert_cmpint (td_params_get_int (feature (l, 0)->params, "length"), ==, 200);
  const gint64 *hidden = td_params_get_int_list (l->model->params, "hidden", &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (hidden[0], ==, 32);
  g_assert_cmpint (hidden[1], ==, 16);
  g_assert_cmpfloat (td_params_get_double (l->model->params, "dropout"), ==, 0.2);

  g_assert_cmpuint (exp->metrics->len, ==, 2);
  g_assert_cmpstr (exp->metrics->pdata[0], ==, "roc_auc");
  g_assert_cmpstr (exp->metrics->pdata[1], ==, "f1");
  g_assert_cmpuint (exp->evaluators->len, ==, 1);
  g_assert_cmpstr (stage_name (exp->evaluators->pdata[0]), ==, "binary");

  g_assert_cmpstr (exp->baseline, ==, "gbdt");
  g_assert_cmpuint (exp->compare_tests->len, ==, 2);
  g_assert_cmpstr (exp->compare_tests->pdata[1], ==, "bootstrap");
  const TdStage *html = exp->reporters->pdata[1];
  g_assert_cmpstr (td_params_get_string (html->params, "title"), ==, "Steel: a \"test\"");
}

static void
test_include (Fixture *fx, gconstpointer data)
{
  (void) data;
  g_free (put (fx, "configs/sensors.yaml",
       "data:\n"
       "  params: {sensors: [mold_level, casting_speed, tundish_temp], num_casts: 50}\n"));
  g_free (put (fx, "configs/data.yaml",
       "include: sensors.yaml\n"             /* relative to configs/ */
       "seed: 7\n"
       "data:\n"
       "  generator: steel_casting\n"
       "  params: {num_casts: 600, defect_probability: 0.3}\n"
       "report: [csv]\n"));
  g_free (put (fx, "configs/late.yaml", "seed: 8\nrepeats: 4\n"));
  g_free (put (fx, "presets/xgb.yaml",
       "plugin: xgboost\n"
       "params: {n_estimators: 50, max_depth: 8, tree_method: approx}\n"));
  g_autofree char *path = put (fx, "exps/exp.yaml",
    "include: [../configs/data.yaml, ../configs/late.yaml]\n"
    "experiment: inc\n"
    "repeats: 2\n"
    "data:\n"
    "  params: {defect_probability: 0.2}\n"
    "pipelines:\n"
    "  - name: gbdt\n"
    "    features: [statistical]\n"
    "    model: {include: ../presets/xgb.yaml, params: {max_depth: 3}}\n");
  g_autoptr (TdExperiment) exp = load_ok (fx, path, NULL);

  g_assert_cmpuint (exp->seed, ==, 8);          /* a later include wins over an earlier one */
  g_assert_cmpint (exp->repeats, ==, 2);        /* the including file wins */
  const TdParams *dp = exp->data->params;
  g_assert_cmpstr (stage_name (exp->data), ==, "steel_casting");
  g_assert_cmpint (td_params_get_int (dp, "num_casts"), ==, 600);  /* data.yaml over sensors.yaml */
  g_assert_cmpfloat (td_params_get_double (dp, "defect_probability"), ==, 0.2);
  size_t n = 0;
  const char *const *sensors = td_params_get_string_list (dp, "sensors", &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpstr (sensors[2], ==, "tundish_temp");
  g_assert_cmpuint (exp->reporters->len, ==, 1);

  const TdPipeline *p = pipeline (exp, 0);
  g_assert_cmpint (td_params_get_int (p->model->params, "max_depth"), ==, 3);
  g_assert_cmpint (td_params_get_int (p->model->params, "n_estimators"), ==, 50);
  g_assert_cmpstr (td_params_get_string (p->model->params, "tree_method"), ==, "approx");
  g_assert_null (strstr (exp->resolved_yaml, "include"));
}

static void
test_sweep (Fixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *path = put (fx, "exp.yaml",
    "experiment: sweep\n"
    "data: {generator: steel_casting}\n"
    "pipelines:\n"
    "  - name: gbdt\n"
    "    features: [statistical]\n"
    "    model: {plugin: xgboost, params: {max_depth: [4, 6], n_estimators: [7],"
    " learning_rate: [0.1, 0.3]}}\n"
    "  - name: plain\n"
    "    features: [statistical]\n"
    "    model: xgboost\n"
    "  - name: lstm\n"
    "    features: [{plugin: resample, length: [100, 200]}]\n"
    "    model: {plugin: lstm, length: [100, 200], hidden: [[32], [64, 32]]}\n"
    "  - name: win\n"
    "    features: [{plugin: window, minutes: [5, 10]}, {plugin: window, minutes: [20, 30]}]\n"
    "    model: xgboost\n"
    "compare: {baseline: gbdt}\n");
  g_autoptr (TdExperiment) exp = load_ok (fx, path, NULL);

  g_assert_cmpuint (exp->pipelines->len, ==, 4 + 1 + 8 + 4);
  static const char *const gbdt_variants[] = {
    "max_depth=4,learning_rate=0.1", "max_depth=4,learning_rate=0.3",
    "max_depth=6,learning_rate=0.1", "max_depth=6,learning_rate=0.3",
  };
  static const int depth[] = { 4, 4, 6, 6 };
  static const double rate[] = { 0.1, 0.3, 0.1, 0.3 };
  for (guint k = 0; k < 4; k++)
    {
      const TdPipeline *p = pipeline (exp, k);
      g_autofree char *label = g_strdup_printf ("gbdt[%s]", gbdt_variants[k]);
      g_assert_cmpstr (p->name, ==, "gbdt");
      g_assert_cmpstr (p->variant, ==, gbdt_variants[k]);
      g_assert_cmpstr (p->label, ==, label);
      g_assert_cmpint (td_params_get_int (p->model->params, "max_depth"), ==, depth[k]);
      g_assert_cmpfloat (td_params_get_double (p->model->params, "learning_rate"), ==, rate[k]);
      /* A one-value list is a plain setting, not a variant. */
      g_assert_cmpint (td_params_get_int (p->model->params, "n_estimators"), ==, 7);
    }
  g_assert_cmpstr (pipeline (exp, 4)->label, ==, "plain");
  g_assert_cmpstr (pipeline (exp, 4)->variant, ==, "");

  /* "length" is swept in two stages: qualified by the plugin. */
  const TdPipeline *l0 = pipeline (exp, 5), *l7 = pipeline (exp, 12);
  g_assert_cmpstr (l0->label, ==, "lstm[resample.length=100,lstm.length=100,hidden=[32]]");
  g_assert_cmpstr (l7->variant, ==, "resample.length=200,lstm.length=200,hidden=[64,32]");
  g_assert_cmpint (td_params_get_int (feature (l7, 0)->params, "length"), ==, 200);
  g_assert_cmpint (td_params_get_int (l7->model->params, "length"), ==, 200);
  size_t n = 0;
  const gint64 *hidden = td_params_get_int_list (l7->model->params, "hidden", &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (hidden[0], ==, 64);
  g_assert_cmpint (hidden[1], ==, 32);
  hidden = td_params_get_int_list (l0->model->params, "hidden", &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (hidden[0], ==, 32);

  /* The same plugin twice: qualified by place. */
  const TdPipeline *w1 = pipeline (exp, 14);
  g_assert_cmpstr (w1->variant, ==, "features[0].minutes=5,features[1].minutes=30");
  g_assert_cmpint (td_params_get_int (feature (w1, 0)->params, "minutes"), ==, 5);
  g_assert_cmpint (td_params_get_int (feature (w1, 1)->params, "minutes"), ==, 30);

  /* Variants are distinct objects: changing one does not touch another. */
  g_assert_true (pipeline (exp, 0)->model->params != pipeline (exp, 1)->model->params);
  g_assert_nonnull (strstr (exp->resolved_yaml, "label: \"gbdt[max_depth=6,learning_rate=0.3]\""));
}

/* A pipeline's own augment: list: validated against augment plugins, swept
 * like any stage (the arms of an ablation in one run), emitted into the
 * resolved configuration (so it enters the hash). */
static void
test_pipeline_augment (Fixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *path = put (fx, "exp.yaml",
    "experiment: aug\n"
    "data: {generator: steel_casting}\n"
    "augment: [{plugin: jitter, sigma: 0.01}]\n"
    "pipelines:\n"
    "  - name: none\n"
    "    features: [statistical]\n"
    "    model: xgboost\n"
    "  - name: jit\n"
    "    augment: [{plugin: jitter, sigma: [0.02, 0.05]}]\n"
    "    features: [statistical]\n"
    "    model: xgboost\n");
  g_autoptr (TdExperiment) exp = load_ok (fx, path, NULL);
  g_assert_cmpuint (exp->augment->len, ==, 1);
  g_assert_cmpuint (exp->pipelines->len, ==, 3);
  g_assert_cmpuint (pipeline (exp, 0)->augment->len, ==, 0);
  const TdPipeline *j1 = pipeline (exp, 2);
  g_assert_cmpstr (j1->label, ==, "jit[sigma=0.05]");
  g_assert_cmpuint (j1->augment->len, ==, 1);
  g_assert_cmpstr (stage_name (j1->augment->pdata[0]), ==, "jitter");
  g_assert_cmpfloat (td_params_get_double (((const TdStage *) j1->augment->pdata[0])->params,
                                           "sigma"), ==, 0.05);
  g_assert_nonnull (strstr (exp->resolved_yaml, "    augment:"));

  /* Not an augmentation plugin: refused with the key path. */
  g_autofree char *bad = put (fx, "bad.yaml",
    "experiment: aug\n"
    "data: {generator: steel_casting}\n"
    "pipelines:\n"
    "  - name: p\n"
    "    augment: [statistical]\n"
    "    model: xgboost\n");
  g_autoptr (GError) error = NULL;
  g_assert_null (td_experiment_load (bad, fx->reg, NULL, &error));
  g_assert_nonnull (strstr (error->message, "pipelines[0].augment[0]"));
}

static void
test_overrides (Fixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *path = put (fx, "exp.yaml",
    "experiment: ov\n"
    "data: {generator: steel_casting, params: {num_casts: 1000}}\n"
    "pipelines:\n"
    "  - name: gbdt\n"
    "    features: [statistical]\n"
    "    model: {plugin: xgboost, params: {max_depth: 5}}\n"
    "  - name: other\n"
    "    features: [window]\n"
    "    model: xgboost\n");
  const char *const sets[] = {
    "repeats=2", "seed=7", "data.params.num_casts=200", "split.test_size=0.3",
    "pipelines.gbdt.model.params.max_depth=[4,6]",
    "pipelines.other.features.window.minutes=15",
    "pipelines[1].model.params.learning_rate=0.5",
    "evaluate=[f1]",
    NULL,
  };
  g_autoptr (TdExperiment) exp = load_ok (fx, path, sets);
  g_assert_cmpint (exp->repeats, ==, 2);
  g_assert_cmpuint (exp->seed, ==, 7);
  g_assert_cmpint (td_params_get_int (exp->data->params, "num_casts"), ==, 200);
  g_assert_cmpfloat (exp->split.test_size, ==, 0.3);
  g_assert_cmpuint (exp->pipelines->len, ==, 3);
  g_assert_cmpstr (pipeline (exp, 0)->label, ==, "gbdt[max_depth=4]");
  g_assert_cmpstr (pipeline (exp, 1)->label, ==, "gbdt[max_depth=6]");
  const TdPipeline *o = pipeline (exp, 2);
  g_assert_cmpint (td_params_get_int (feature (o, 0)->params, "minutes"), ==, 15);
  g_assert_cmpfloat (td_params_get_double (o->model->params, "learning_rate"), ==, 0.5);
  g_assert_cmpuint (exp->metrics->len, ==, 1);
  g_assert_cmpstr (exp->metrics->pdata[0], ==, "f1");

  /* A wrong value set from the command line points at the --set argument. */
  const char *const bad[] = { "seed=1", "data.params.num_casts=5", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (TdExperiment) none = td_experiment_load (path, fx->reg, bad, &error);
  g_assert_null (none);
  g_assert_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE);
  g_assert_true (g_str_has_prefix (error->message,
                                   "--set:2:23: data.params.num_casts: expected an integer"));
}

static void
test_evaluate_forms (Fixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *path = put (fx, "exp.yaml",
    "experiment: ev\n"
    "data: {generator: steel_casting}\n"
    "pipelines: [{name: a, model: isoforest, features: [statistical]}]\n"
    "evaluate: [roc_auc, {plugin: binary, threshold: 0.3}, cost]\n");
  const char *const sets[] = { "pipelines.a.model={plugin: isoforest, contamination: 0.1}", NULL };
  g_autoptr (TdExperiment) exp = load_ok (fx, path, sets);
  g_assert_cmpuint (exp->evaluators->len, ==, 2);
  const TdStage *b = exp->evaluators->pdata[0];
  g_assert_cmpstr (stage_name (b), ==, "binary");
  g_assert_cmpfloat (td_params_get_double (b->params, "threshold"), ==, 0.3);
  g_assert_cmpstr (stage_name (exp->evaluators->pdata[1]), ==, "cost");
  g_assert_cmpuint (exp->metrics->len, ==, 8);
  g_assert_cmpstr (exp->metrics->pdata[0], ==, "roc_auc");
  g_assert_cmpstr (exp->metrics->pdata[1], ==, "pr_auc");
  g_assert_cmpstr (exp->metrics->pdata[7], ==, "expected_cost");
  g_assert_cmpfloat (td_params_get_double (pipeline (exp, 0)->model->params, "contamination"),
                     ==, 0.1);
}

static char *
sha8 (const char *text)
{
  g_autofree char *full = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  return g_strndup (full, 8);
}

static void
test_hash (Fixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *a = put (fx, "a.yaml", minimal);
  /* Same meaning, other layout: comments, key order, defaults spelled out,
   * params inline vs under params:, the default evaluate and report. */
  g_autofree char *b = put (fx, "b.yaml",
    "# a comment\n"
    "pipelines:\n"
    "  - model: {plugin: xgboost, max_depth: 6}\n"
    "    name: gbdt\n"
    "    features: [{plugin: statistical, params: {stats: [mean, std]}}]\n"
    "seed: 42\n"
    "data: {params: {num_casts: 1200.0}, generator: steel_casting}\n"
    "experiment: minimal\n"
    "report: [csv, html]\n"
    "evaluate: [binary, cost]\n");
  g_autoptr (TdExperiment) e1 = load_ok (fx, a, NULL);
  g_autoptr (TdExperiment) e2 = load_ok (fx, a, NULL);
  g_autoptr (TdExperiment) e3 = load_ok (fx, b, NULL);
  const char *const sets[] = { "pipelines[0].model.params.max_depth=5", NULL };
  g_autoptr (TdExperiment) e4 = load_ok (fx, a, sets);
  const char *const same[] = { "pipelines[0].model.params.max_depth=6", NULL };
  g_autoptr (TdExperiment) e5 = load_ok (fx, a, same);

  g_autofree char *h = sha8 (e1->resolved_yaml);
  g_assert_cmpstr (e1->hash, ==, h);
  for (const char *c = e1->hash; *c; c++)
    g_assert_true (g_ascii_isxdigit (*c) && !g_ascii_isupper (*c));
  g_assert_cmpstr (e1->resolved_yaml, ==, e2->resolved_yaml);
  g_assert_cmpstr (e1->hash, ==, e2->hash);
  g_assert_cmpstr (e1->resolved_yaml, ==, e3->resolved_yaml);
  g_assert_cmpstr (e1->hash, ==, e3->hash);
  g_assert_cmpstr (e1->hash, !=, e4->hash);
  g_assert_cmpstr (e1->hash, ==, e5->hash);
}

/* interpret: defaults (200 series, 30 bins) leave the resolved text and hash
 * as they were before the key existed; the experiment's keys apply to every
 * pipeline, a pipeline's own keys win, key by key; --set reaches them. */
static void
test_interpret (Fixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *a = put (fx, "a.yaml", minimal);
  g_autoptr (TdExperiment) plain = load_ok (fx, a, NULL);
  g_assert_cmpint (pipeline (plain, 0)->interpret.max_series, ==, 200);
  g_assert_cmpint (pipeline (plain, 0)->interpret.time_bins, ==, 30);
  g_assert_null (strstr (plain->resolved_yaml, "interpret"));
  g_autofree char *b = put (fx, "b.yaml",
    "experiment: minimal\n"
    "data: {generator: steel_casting}\n"
    "interpret: {max_series: 200, time_bins: 30}\n"
    "pipelines:\n"
    "  - name: gbdt\n"
    "    features: [statistical]\n"
    "    model: xgboost\n");
  g_autoptr (TdExperiment) spelled = load_ok (fx, b, NULL);
  g_assert_cmpstr (spelled->hash, ==, plain->hash);

  g_autofree char *c = put (fx, "c.yaml",
    "experiment: interp\n"
    "data: {generator: steel_casting}\n"
    "interpret: {max_series: 50}\n"
    "pipelines:\n"
    "  - {name: a, features: [statistical], model: xgboost}\n"
    "  - {name: b, features: [statistical], model: xgboost, interpret: {time_bins: 12}}\n"
    "  - {name: c, features: [statistical], model: xgboost, interpret: {max_series: 0}}\n");
  g_autoptr (TdExperiment) e = load_ok (fx, c, NULL);
  g_assert_cmpint (pipeline (e, 0)->interpret.max_series, ==, 50);
  g_assert_cmpint (pipeline (e, 0)->interpret.time_bins, ==, 30);
  g_assert_cmpint (pipeline (e, 1)->interpret.max_series, ==, 50);
  g_assert_cmpint (pipeline (e, 1)->interpret.time_bins, ==, 12);
  g_assert_cmpint (pipeline (e, 2)->interpret.max_series, ==, 0);
  g_assert_nonnull (strstr (e->resolved_yaml, "    interpret: {max_series: 50, time_bins: 12}\n"));
  g_assert_nonnull (strstr (e->resolved_yaml, "    interpret: {max_series: 0, time_bins: 30}\n"));
  const char *const sets[] = { "interpret.time_bins=7", NULL };
  g_autoptr (TdExperiment) s = load_ok (fx, c, sets);
  g_assert_cmpint (pipeline (s, 0)->interpret.time_bins, ==, 7);
  g_assert_cmpint (pipeline (s, 1)->interpret.time_bins, ==, 12);
  g_assert_cmpstr (s->hash, !=, e->hash);
}

/* compare.bootstrap_samples is in the resolved text, so in the hash and the
 * manifest: `tundish report` refuses an experiment whose count changed
 * instead of silently rewriting comparisons.csv. The default is left out (as
 * interpret's), so older runs keep their hash. */
static void
test_bootstrap_samples (Fixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *a = put (fx, "a.yaml", minimal);
  g_autoptr (TdExperiment) plain = load_ok (fx, a, NULL);
  g_assert_cmpint (plain->bootstrap_samples, ==, 2000);
  g_assert_nonnull (strstr (plain->resolved_yaml, "compare: {baseline: null, tests: []}\n"));
  const char *const same[] = { "compare.bootstrap_samples=2000", NULL };
  g_autoptr (TdExperiment) spelled = load_ok (fx, a, same);
  g_assert_cmpstr (spelled->hash, ==, plain->hash);
  const char *const more[] = { "compare.bootstrap_samples=5000", NULL };
  g_autoptr (TdExperiment) e = load_ok (fx, a, more);
  g_assert_cmpint (e->bootstrap_samples, ==, 5000);
  g_assert_nonnull (strstr (e->resolved_yaml, ", bootstrap_samples: 5000}\n"));
  g_assert_cmpstr (e->hash, !=, plain->hash);
}

/* drift: enters the resolved text (and the hash) only when present, so
 * experiments without it keep their hash; tests are written in a fixed
 * order whatever order the file lists them in. */
static void
test_drift (Fixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *a = put (fx, "a.yaml", minimal);
  g_autoptr (TdExperiment) plain = load_ok (fx, a, NULL);
  g_assert_false (plain->drift.enabled);
  g_assert_null (strstr (plain->resolved_yaml, "drift"));
  g_autofree char *text = g_strconcat (minimal, "drift: {tests: [mmd, ks]}\n", NULL);
  g_autofree char *b = put (fx, "b.yaml", text);
  g_autoptr (TdExperiment) e = load_ok (fx, b, NULL);
  g_assert_true (e->drift.enabled);
  g_assert_cmpuint (e->drift.tests, ==, TD_DRIFT_KS | TD_DRIFT_MMD);
  g_assert_cmpint (e->drift.permutations, ==, TD_DRIFT_PERMUTATIONS_DEFAULT);
  g_assert_nonnull (strstr (e->resolved_yaml, "drift: {tests: [ks, mmd], permutations: 200}\n"));
  g_assert_cmpstr (e->hash, !=, plain->hash);
  const char *const more[] = { "drift.permutations=999", NULL };
  g_autoptr (TdExperiment) m = load_ok (fx, b, more);
  g_assert_cmpint (m->drift.permutations, ==, 999);
  g_assert_cmpstr (m->hash, !=, e->hash);
}

/* Another plugin's parameters (TD_PARAM_PARAMS): checked against the plugin
 * its ENUM names, stored as the given keys in canonical form (so they enter
 * the hash), reachable by --set, refused where they do not fit. */
static void
test_nested_params (Fixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *a = put (fx, "a.yaml",
    "experiment: nested\n"
    "data: {generator: steel_casting}\n"
    "pipelines:\n"
    "  - name: gbdt\n"
    "    features: [{plugin: window, inner_params: {stats: [max, mean]}},\n"
    "               {plugin: window, inner: resample, inner_params: {length: 1e3}}]\n"
    "    model: xgboost\n");
  g_autoptr (TdExperiment) e = load_ok (fx, a, NULL);
  const TdParams *wp = ((TdStage *) pipeline (e, 0)->features->pdata[0])->params;
  g_autofree char *text = td_params_value_text (wp, "inner_params");
  g_assert_cmpstr (text, ==, "{stats: [max, mean]}");
  const TdParams *rp = ((TdStage *) pipeline (e, 0)->features->pdata[1])->params;
  g_autofree char *rtext = td_params_value_text (rp, "inner_params");
  g_assert_cmpstr (rtext, ==, "{length: 1000}");
  g_assert_nonnull (strstr (e->resolved_yaml, "inner_params: {stats: [max, mean]}"));
  /* the plugin reads them back as the inner plugin's parameters */
  const TdPluginEntry *st = td_registry_find (fx->reg, TD_KIND_FEATURE, "statistical");
  g_autoptr (GError) error = NULL;
  g_autoptr (TdParams) inner = td_params_get_params (wp, "inner_params", st->desc->params,
                                                     st->desc->n_params, &error);
  g_assert_no_error (error);
  size_t n = 0;
  const char *const *stats = td_params_get_string_list (inner, "stats", &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (stats[1], ==, "mean");

  const char *const sets[] = { "pipelines[0].features[0].inner_params.stats=[min]", NULL };
  g_autoptr (TdExperiment) s = load_ok (fx, a, sets);
  g_assert_nonnull (strstr (s->resolved_yaml, "inner_params: {stats: [min]}"));
  g_assert_cmpstr (s->hash, !=, e->hash);

  /* an inner parameter of the other plugin is unknown here */
  const char *const wrong[] = { "pipelines[0].features[1].inner_params.stats=[min]", NULL };
  g_assert_null (td_experiment_load (a, fx->reg, wrong, &error));
  g_assert_nonnull (strstr (error->message, "unknown parameter \"stats\" of feature resample"));
}

/* The resolved text is YAML that libyaml reads back, with the expected keys. */
/* summary.bootstrap_samples: default 1000, 0 allowed, in the resolved text
 * (default included) and so in the hash. */
static void
test_summary (Fixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *a = put (fx, "a.yaml", minimal);
  g_autoptr (TdExperiment) def = load_ok (fx, a, NULL);
  g_assert_cmpint (def->summary_bootstrap, ==, 1000);
  g_assert_nonnull (strstr (def->resolved_yaml, "\nsummary: {bootstrap_samples: 1000}\n"));
  const char *const off[] = { "summary.bootstrap_samples=0", NULL };
  g_autoptr (TdExperiment) e0 = load_ok (fx, a, off);
  g_assert_cmpint (e0->summary_bootstrap, ==, 0);
  const char *const more[] = { "summary.bootstrap_samples=2000", NULL };
  g_autoptr (TdExperiment) e2 = load_ok (fx, a, more);
  g_assert_cmpint (e2->summary_bootstrap, ==, 2000);
  g_assert_cmpstr (e2->hash, !=, def->hash);
  g_assert_cmpstr (e0->hash, !=, def->hash);
  const char *const same[] = { "summary.bootstrap_samples=1000", NULL };
  g_autoptr (TdExperiment) e1 = load_ok (fx, a, same);
  g_assert_cmpstr (e1->hash, ==, def->hash);
}

static void
test_resolved_parses (Fixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *path = put (fx, "exp.yaml",
    "experiment: parse\n"
    "data: {generator: steel_casting}\n"
    "split: {method: stratified_kfold, folds: 3}\n"
    "augment: [jitter]\n"
    "pipelines:\n"
    "  - {name: gbdt, model: {plugin: xgboost, max_depth: [2, 3]}, features: [statistical]}\n"
    "report: [{plugin: html, title: \"a: b, \\\"c\\\" #d\"}]\n");
  g_autoptr (TdExperiment) exp = load_ok (fx, path, NULL);
  g_test_message ("%s", exp->resolved_yaml);

  yaml_parser_t parser;
  yaml_document_t doc;
  g_assert_true (yaml_parser_initialize (&parser));
  yaml_parser_set_input_string (&parser, (const unsigned char *) exp->resolved_yaml,
                                strlen (exp->resolved_yaml));
  g_assert_true (yaml_parser_load (&parser, &doc));
  yaml_node_t *root = yaml_document_get_root_node (&doc);
  g_assert_nonnull (root);
  g_assert_cmpint (root->type, ==, YAML_MAPPING_NODE);
  static const char *const want[] = { "experiment", "seed", "repeats", "data", "split",
                                      "augment", "pipelines", "evaluate", "compare", "summary",
                                      "report" };
  guint n = 0;
  for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top;
       pr++, n++)
    {
      yaml_node_t *k = yaml_document_get_node (&doc, pr->key);
      g_assert_cmpuint (n, <, G_N_ELEMENTS (want));
      g_assert_cmpstr ((const char *) k->data.scalar.value, ==, want[n]);
      if (strcmp (want[n], "pipelines") == 0)
        {
          yaml_node_t *v = yaml_document_get_node (&doc, pr->value);
          g_assert_cmpint (v->type, ==, YAML_SEQUENCE_NODE);
          g_assert_cmpint (v->data.sequence.items.top - v->data.sequence.items.start, ==, 2);
        }
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (want));
  yaml_document_delete (&doc);
  yaml_parser_delete (&parser);
  g_assert_nonnull (strstr (exp->resolved_yaml, "split: {method: stratified_kfold, folds: 3, "
                                                "valid_size: 0.1}\n"));
}

/* split methods predefined / time_holdout and data.window: read into the
 * specs, in the resolved text (which still parses) and the hash; the
 * defaults leave older experiments' text as it was. */
static void
test_split_window (Fixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *path = put (fx, "exp.yaml",
    "experiment: windows\n"
    "data:\n"
    "  generator: steel_casting\n"
    "  window: {length: 30, stride: 5, label: ahead, horizon: 10, short: drop,\n"
    "           test_windows: last}\n"
    "split: {method: predefined, valid_size: 0.2, group_by: unit, resample_test: true}\n"
    "pipelines:\n"
    "  - {name: gbdt, features: [statistical], model: xgboost}\n");
  g_autoptr (TdExperiment) exp = load_ok (fx, path, NULL);
  const TdWindowSpec *w = &exp->window;
  g_assert_true (w->enabled);
  g_assert_cmpint (w->length, ==, 30);
  g_assert_cmpint (w->stride, ==, 5);
  g_assert_cmpint (w->label, ==, TD_WINDOW_LABEL_AHEAD);
  g_assert_cmpint (w->horizon, ==, 10);
  g_assert_true (w->drop_short && w->last_test_only);
  g_autofree char *at_label = g_strdup_printf ("%s:4:42", path);
  g_assert_cmpstr (w->where_label, ==, at_label);
  const TdSplitSpec *sp = &exp->split;
  g_assert_cmpint (sp->method, ==, TD_SPLIT_PREDEFINED);
  g_assert_true (sp->grouped && sp->resample_test);   /* group_by implies grouped */
  g_assert_cmpstr (sp->group_by, ==, "unit");
  g_autofree char *at_method = g_strdup_printf ("%s:6:17", path);
  g_assert_cmpstr (sp->where, ==, at_method);
  g_assert_nonnull (strstr (exp->resolved_yaml,
    ", window: {length: 30, stride: 5, label: ahead, horizon: 10, short: drop, "
    "test_windows: last}}\n"
    "split: {method: predefined, valid_size: 0.2, grouped: true, group_by: unit, "
    "resample_test: true}\n"));

  /* every window and split key is in the hash */
  const char *const sets[][2] = {
    { "data.window.stride=4", NULL }, { "data.window.horizon=11", NULL },
    { "data.window.short=pad", NULL }, { "split.resample_test=false", NULL },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (sets); k++)
    {
      g_autoptr (TdExperiment) other = load_ok (fx, path, sets[k]);
      g_assert_cmpstr (other->hash, !=, exp->hash);
    }

  g_autofree char *t = put (fx, "time.yaml",
    "experiment: time\n"
    "data: {generator: steel_casting, window: {length: 8}}\n"
    "split: {method: time_holdout, test_size: 0.3, gap: 12}\n"
    "pipelines:\n"
    "  - {name: gbdt, features: [statistical], model: xgboost}\n");
  g_autoptr (TdExperiment) te = load_ok (fx, t, NULL);
  g_assert_cmpint (te->split.method, ==, TD_SPLIT_TIME_HOLDOUT);
  g_assert_cmpint (te->split.gap, ==, 12);
  g_assert_cmpstr (te->split.order_by, ==, TD_META_WINDOW_START);
  g_assert_nonnull (strstr (te->resolved_yaml,
    ", window: {length: 8, stride: 1, label: last, short: pad, test_windows: all}}\n"
    "split: {method: time_holdout, test_size: 0.3, valid_size: 0.1, gap: 12, "
    "order_by: window_start, group_by: null}\n"));
  g_test_message ("%s", te->resolved_yaml);
  yaml_parser_t parser;
  yaml_document_t doc;
  g_assert_true (yaml_parser_initialize (&parser));
  yaml_parser_set_input_string (&parser, (const unsigned char *) te->resolved_yaml,
                                strlen (te->resolved_yaml));
  g_assert_true (yaml_parser_load (&parser, &doc));
  g_assert_nonnull (yaml_document_get_root_node (&doc));
  yaml_document_delete (&doc);
  yaml_parser_delete (&parser);

  /* without window: and the new split keys, the text has neither */
  g_autofree char *m = put (fx, "minimal.yaml", minimal);
  g_autoptr (TdExperiment) me = load_ok (fx, m, NULL);
  g_assert_false (me->window.enabled);
  g_assert_null (strstr (me->resolved_yaml, "window"));
  g_assert_nonnull (strstr (me->resolved_yaml, "split: {method: stratified_holdout, "
                                               "test_size: 0.2, valid_size: 0.1}\n"));
}

/* The fragments shipped in configs/ stay includable (the fake xgboost and
 * steel_casting declare the parameters they set). */
static void
test_shipped_fragments (Fixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *text = g_strdup_printf (
    "include: %s/../../configs/steel-casting-data.yaml\n"
    "experiment: shipped\n"
    "data: {params: {num_casts: 300}}\n"
    "pipelines:\n"
    "  - name: gbdt\n"
    "    features: [statistical]\n"
    "    model: {include: %s/../../configs/xgboost-default.yaml, params: {max_depth: [4, 6]}}\n",
    TD_CONFIG_TEST_DIR, TD_CONFIG_TEST_DIR);
  g_autofree char *path = put (fx, "exp.yaml", text);
  g_autoptr (TdExperiment) exp = load_ok (fx, path, NULL);
  g_assert_cmpint (td_params_get_int (exp->data->params, "num_casts"), ==, 300);
  g_assert_cmpint (td_params_get_int (exp->data->params, "cast_duration_minutes"), ==, 120);
  g_assert_cmpfloat (exp->split.test_size, ==, 0.2);
  g_assert_cmpuint (exp->pipelines->len, ==, 2);
  const TdParams *mp = pipeline (exp, 1)->model->params;
  g_assert_cmpstr (pipeline (exp, 1)->label, ==, "gbdt[max_depth=6]");
  g_assert_cmpint (td_params_get_int (mp, "max_depth"), ==, 6);
  g_assert_cmpfloat (td_params_get_double (mp, "subsample"), ==, 0.8);
  g_assert_cmpfloat (td_params_get_double (mp, "learning_rate"), ==, 0.1);
}

static void
test_missing_file (Fixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *path = g_build_filename (fx->dir, "nope.yaml", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TdExperiment) exp = td_experiment_load (path, fx->reg, NULL, &error);
  g_assert_null (exp);
  g_assert_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, path));
}

/* data: {source: ...}: paths relative to the experiment file, resolved for
 * the plugin, kept as written in the resolved configuration, hashed. */
static void
test_source_paths (Fixture *fx, gconstpointer data)
{
  (void) data;
  g_autofree char *sub = g_build_filename (fx->dir, "d", NULL);
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_autofree char *csv = put (fx, "d/x.csv", "id,v,label\n1,2,0\n");
  g_autofree char *other = put (fx, "d/y.csv", "id,v,label\n1,3,1\n");
  g_autofree char *path = put (fx, "exp.yaml",
    "experiment: src\n"
    "data: {source: table, params: {path: d/x.csv, channel_paths: [d/y.csv, d]}}\n"
    "pipelines:\n  - name: gbdt\n    features: [statistical]\n    model: xgboost\n");
  g_autoptr (TdExperiment) exp = load_ok (fx, path, NULL);
  g_assert_cmpstr (exp->data_key, ==, "source");
  /* The plugin gets absolute paths; the resolved configuration keeps them as written. */
  g_assert_cmpstr (td_params_get_string (exp->data_params, "path"), ==, csv);
  g_assert_cmpstr (td_params_get_string (exp->data->params, "path"), ==, "d/x.csv");
  size_t n = 0;
  const char *const *more = td_params_get_string_list (exp->data_params, "channel_paths", &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (more[0], ==, other);
  g_assert_cmpstr (more[1], ==, sub);
  g_assert_nonnull (strstr (exp->resolved_yaml, "source: table"));
  g_assert_nonnull (strstr (exp->resolved_yaml, "path: d/x.csv"));
  g_assert_null (strstr (exp->resolved_yaml, fx->dir));
  /* Files by content (sha256sum's value), a folder by its files; test_path "" is none. */
  g_assert_cmpuint (exp->data_files->len, ==, 3);
  const TdDataFile *f = exp->data_files->pdata[0];
  g_assert_cmpstr (f->param, ==, "path");
  g_autofree char *want = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                         "id,v,label\n1,2,0\n", -1);
  g_assert_cmpstr (f->sha256, ==, want);
  const TdDataFile *d = exp->data_files->pdata[2];
  g_assert_cmpstr (d->param, ==, "channel_paths[1]");
  g_assert_cmpuint (strlen (d->sha256), ==, 64);
  /* Changing a file changes its hash and nothing else. */
  g_autofree char *hash_before = g_strdup (exp->hash);
  g_autofree char *sha_before = g_strdup (d->sha256);
  g_free (put (fx, "d/y.csv", "id,v,label\n1,4,1\n"));
  g_autoptr (TdExperiment) again = load_ok (fx, path, NULL);
  g_assert_cmpstr (again->hash, ==, hash_before);
  g_assert_cmpstr (((TdDataFile *) again->data_files->pdata[2])->sha256, !=, sha_before);
  g_assert_cmpstr (((TdDataFile *) again->data_files->pdata[0])->sha256, ==, want);
  /* generator: keeps working, with no files. */
  g_autofree char *gen = put (fx, "gen.yaml", minimal);
  g_autoptr (TdExperiment) g = load_ok (fx, gen, NULL);
  g_assert_cmpstr (g->data_key, ==, "generator");
  g_assert_cmpuint (g->data_files->len, ==, 0);
  g_assert_nonnull (strstr (g->resolved_yaml, "generator: steel_casting"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, fn) g_test_add ("/config/" name, Fixture, NULL, fx_setup, fn, fx_teardown)
  ADD ("split-window", test_split_window);
  ADD ("defaults", test_defaults);
  ADD ("full", test_full);
  ADD ("include", test_include);
  ADD ("sweep", test_sweep);
  ADD ("pipeline-augment", test_pipeline_augment);
  ADD ("overrides", test_overrides);
  ADD ("evaluate-forms", test_evaluate_forms);
  ADD ("hash", test_hash);
  ADD ("interpret", test_interpret);
  ADD ("bootstrap-samples", test_bootstrap_samples);
  ADD ("drift", test_drift);
  ADD ("nested-params", test_nested_params);
  ADD ("summary", test_summary);
  ADD ("resolved-parses", test_resolved_parses);
  ADD ("shipped-fragments", test_shipped_fragments);
  ADD ("missing-file", test_missing_file);
  ADD ("source-paths", test_source_paths);
  return g_test_run ();
}
