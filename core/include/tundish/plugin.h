/* tundish/plugin.h — the plugin ABI.
 *
 * A plugin is a shared object exporting one function,
 *
 *     const TdPluginDescriptor *td_plugin_descriptor (size_t index);
 *
 * which returns its descriptors for index 0, 1, ... and NULL after the last,
 * so one object may carry several plugins. Descriptors are static data: no
 * global state, no work at load time. The core owns parameter validation,
 * seeding, threading and I/O; a plugin only computes.
 *
 * ABI rule: a descriptor's abi_version packs (major << 16 | minor). The core
 * loads a plugin when the majors are equal and the plugin's minor is <= the
 * core's (a newer core knows every slot an older plugin may fill; vtables only
 * ever grow at the end within one major). Anything else is refused with a
 * message naming the file.
 *
 * Every fallible call reports failure through GError (domain TD_PLUGIN_ERROR
 * or the plugin's own) and returns FALSE/NULL. Never exit() or abort().
 *
 * `create` (features, models) must be cheap and free of side effects: check
 * the parameters, allocate the instance, nothing more (no files, no threads,
 * no large buffers, no training). `tundish validate` and `tundish run`, before
 * any trial, call create and destroy once per configured stage on a throwaway
 * context so that every refusal is reported at the stage's YAML line; work
 * that needs data belongs in fit.
 *
 * Labels reach only the calls that learn (the leakage rule, tundish/dataset.h):
 * each call below says whether its datasets carry y and the TD_META_TARGET
 * metadata columns ("labelled") or come with y = NaN and only the
 * TD_META_INPUT columns ("unlabelled").
 */
#pragma once

#include <glib.h>
#include <gmodule.h>
#include <stdint.h>

#include <tundish/context.h>
#include <tundish/dataset.h>
#include <tundish/params.h>
#include <tundish/report.h>

G_BEGIN_DECLS

#define TD_PLUGIN_ABI_MAJOR 1
#define TD_PLUGIN_ABI_MINOR 5   /* 1.1: TdRunReport grew timings, saliency, attention,
                                 * confusion and sample_period; 1.2: summary_ci; 1.3:
                                 * TdParamSpec grew flags (exclusive bounds) and
                                 * params_of, and the TD_PARAM_PARAMS type; 1.4: path
                                 * parameters (TD_PARAM_PATH) and TdDataset.y_step;
                                 * 1.5: TdRunReport.summary_ci_grouped */
#define TD_PLUGIN_ABI_VERSION ((uint32_t) ((TD_PLUGIN_ABI_MAJOR << 16) | TD_PLUGIN_ABI_MINOR))
#define TD_PLUGIN_ENTRY_SYMBOL "td_plugin_descriptor"

#define TD_PLUGIN_ERROR (td_plugin_error_quark ())
GQuark td_plugin_error_quark (void);
typedef enum {
  TD_PLUGIN_ERROR_INVALID_INPUT,   /* data the plugin cannot handle */
  TD_PLUGIN_ERROR_FAILED,          /* the computation failed */
  TD_PLUGIN_ERROR_IO,              /* save/load */
  TD_PLUGIN_ERROR_CANCELLED,
  TD_PLUGIN_ERROR_UNSUPPORTED,
} TdPluginError;

typedef enum {
  TD_KIND_GENERATOR,
  TD_KIND_AUGMENT,
  TD_KIND_FEATURE,
  TD_KIND_MODEL,
  TD_KIND_EVALUATOR,
  TD_KIND_REPORTER,
  TD_N_KINDS
} TdKind;

const char *td_kind_name (TdKind kind);   /* "generator", "augment", ... */

/* What a model or feature stage consumes/produces. A feature matrix is a
 * dataset with n_steps == 1. */
typedef enum {
  TD_DATA_MATRIX   = 1u << 0,
  TD_DATA_SEQUENCE = 1u << 1,
} TdDataShape;

/* ---------------------------------------------------------------- generator */
/* Generators simulate data; data sources (table, ucr, cmapss, hdf5) are the
 * same kind and read it from files named by TD_PARAM_PATH parameters, which
 * arrive resolved to absolute paths. An experiment names a generator with
 * `data: {generator: NAME}` and a source with `data: {source: NAME}`. */
typedef struct {
  /* Produce the whole dataset, labelled. The context's stream is the data
   * seed. Record what a report may need per series (cause, true probability)
   * as metadata; mark the columns a model may read as inputs with
   * td_dataset_set_meta_role (TD_META_INPUT); the rest stay hidden. A source
   * with its own train/test partition records it as the numeric metadata
   * column "partition" (0 train, 1 test). */
  TdDataset *(*generate) (const TdParams *params, TdContext *ctx, GError **error);
  const void *(*extension) (const char *id);           /* optional */
} TdGeneratorVTable;

/* Extension: the time between two steps of every series a generator makes,
 * returned by TdGeneratorVTable.extension for this id. Reports then give
 * times ("which minutes drive the score") instead of step numbers. */
#define TD_EXT_SAMPLE_PERIOD "tundish.sample-period/1"
typedef struct {
  double seconds;               /* > 0 */
} TdSamplePeriodExt;

/* Extension: the task of the data a generator will make, known from its
 * parameters alone (without generating), returned by
 * TdGeneratorVTable.extension for this id. The experiment loader checks every
 * pipeline's model against it, so `tundish validate` refuses, at the model's
 * line, a model that cannot learn the task. Without it the loader cannot
 * know the task (validate assumes binary, what the shipped generator makes);
 * the runner checks the generated data's task in any case. */
#define TD_EXT_DATA_TASK "tundish.data-task/1"
typedef struct {
  TdTask (*task) (const TdParams *params);
} TdDataTaskExt;

/* Extension: the rules across parameters that specs cannot state, checked
 * without doing the work, for the kinds that have no create (generators,
 * augmentations, evaluators, reporters); returned by the vtable's extension
 * for this id. `tundish validate` and `run` (before any trial or data) call it
 * once per configured stage, as they call create for features and models, and
 * report a refusal at the stage's YAML line. Cheap and side-effect free; the
 * plugin still checks the same rules where it does the work. */
#define TD_EXT_CHECK_PARAMS "tundish.check-params/1"
typedef struct {
  gboolean (*check) (const TdParams *params, GError **error);
} TdCheckParamsExt;

/* Extension: what a generator's data will hold, known from its parameters
 * alone (without generating), returned by TdGeneratorVTable.extension for
 * this id. The experiment loader checks data.window and split against it
 * with the rules and messages the runner applies to the data itself, so
 * `tundish validate` and `run` refuse at the YAML position, before any
 * simulation: a window longer than every series, a window label rule
 * without per-step labels, split: predefined or test_windows: last without
 * a partition, a grouped split of series that share no group. Without it
 * those show only once the data is made. The plugin's test should check
 * that what it declares is what generate makes. */
#define TD_EXT_DATA_LAYOUT "tundish.data-layout/1"
typedef struct {
  size_t max_steps;             /* valid steps of the longest series */
  gboolean shared_groups;       /* some group id is shared by several series (else each
                                 * series is a group of its own, td_dataset_new's default) */
  gboolean partition;           /* the TD_META_PARTITION column (0 train, 1 test) */
  gboolean step_labels;         /* per-step targets (TdDataset.y_step) */
} TdDataLayout;
typedef struct {
  void (*layout) (const TdParams *params, TdDataLayout *out);
} TdDataLayoutExt;

/* ------------------------------------------------------------------ augment */
typedef struct {
  /* Return the augmented training set: the originals followed by the added
   * series. Called on the training split only, labelled (and never on
   * validation or test). Added series carry series_id -1 and metadata column
   * "augmented_from" (source series id). */
  TdDataset *(*apply) (const TdParams *params, const TdDataset *train,
                       TdContext *ctx, GError **error);
  const void *(*extension) (const char *id);           /* optional */
} TdAugmentVTable;

/* ------------------------------------------------------------------ feature */
typedef struct TdFeature TdFeature;   /* defined by each plugin */

typedef enum {
  /* Maps sequences to feature columns. Consecutive extractors in a pipeline's
   * feature list run on the same input and their columns are concatenated. */
  TD_FEATURE_EXTRACT,
  /* Maps its input to a new input of the same kind (resample, zscore);
   * consecutive transforms are chained in order. */
  TD_FEATURE_TRANSFORM,
} TdFeatureRole;

typedef struct {
  TdFeatureRole role;
  guint32 accepts;                                      /* TdDataShape bits */
  TdFeature *(*create) (const TdParams *params, TdContext *ctx, GError **error);
  /* Learn state from the training split only, labelled; NULL when stateless. */
  gboolean (*fit) (TdFeature *self, const TdDataset *train, TdContext *ctx, GError **error);
  /* New dataset (or a ref of the input). Feature columns get stable names
   * "<channel>.<feature>", e.g. "mold_level.max". input is unlabelled, on
   * every split (training too) and in `tundish score`: a transform computes
   * from the series, the metadata inputs and what fit learnt. Metadata it
   * adds is TD_META_TARGET (hidden from the next stage) unless it marks it
   * TD_META_INPUT. */
  TdDataset *(*transform) (TdFeature *self, const TdDataset *input, TdContext *ctx,
                           GError **error);
  void (*destroy) (TdFeature *self);
  /* Optional: fitted state to/from a file so a saved pipeline scores new data. */
  gboolean (*save) (TdFeature *self, const char *path, GError **error);
  TdFeature *(*load) (const TdParams *params, const char *path, TdContext *ctx, GError **error);
  const void *(*extension) (TdFeature *self, const char *id);
} TdFeatureVTable;

/* -------------------------------------------------------------------- model */
typedef struct TdModel TdModel;       /* defined by each plugin */

typedef enum {
  TD_TRAIN_ON_ALL,                    /* every training series */
  TD_TRAIN_ON_NORMAL,                 /* normal series only (anomaly detection) */
} TdTrainOn;

typedef struct {
  guint32 accepts;                    /* TdDataShape bits */
  guint32 tasks;                      /* TdTask bits */
  TdTrainOn train_on;
  TdModel *(*create) (const TdParams *params, TdContext *ctx, GError **error);
  /* train and valid labelled; valid may be NULL; use it (never the test
   * split) for early stopping. */
  gboolean (*fit) (TdModel *self, const TdDataset *train, const TdDataset *valid,
                   TdContext *ctx, GError **error);
  /* out: input->n_series × td_task_n_outputs() values, series-major.
   * binary: P(y = 1); multiclass: class probabilities; anomaly: a score,
   * higher = more abnormal; regression: the prediction. input is unlabelled
   * (test, validation, new data in `tundish score`). */
  gboolean (*predict) (TdModel *self, const TdDataset *input, double *out,
                       TdContext *ctx, GError **error);
  /* Save to path (a file the plugin names freely inside the run folder). */
  gboolean (*save) (TdModel *self, const char *path, GError **error);
  TdModel *(*load) (const TdParams *params, const char *path, TdContext *ctx, GError **error);
  void (*destroy) (TdModel *self);
  /* Optional (NULL): attribution per step and channel for one series,
   * out[n_steps × n_channels], for root-cause evaluation. input unlabelled. */
  gboolean (*explain) (TdModel *self, const TdDataset *input, size_t series,
                       float *out, TdContext *ctx, GError **error);
  /* Optional: later capabilities ("onnx-export", "streaming") by id. */
  const void *(*extension) (TdModel *self, const char *id);
} TdModelVTable;

/* Extension: feature importance, returned by TdModelVTable.extension for this
 * id. After fit the runner asks for every type and writes them per trial to
 * feature_importance.csv (pipeline, variant, repeat, fold, feature, type,
 * value), summarised across repeats. */
#define TD_EXT_FEATURE_IMPORTANCE "tundish.feature-importance/1"
typedef struct {
  const char *const *types;     /* NULL-terminated, e.g. { "gain", "cover", "weight", NULL } */
  /* out[n_features], one value per input column of the fitted model (0 for
   * columns the model never used). */
  gboolean (*importance) (TdModel *self, const char *type, double *out, size_t n_features,
                          GError **error);
} TdFeatureImportanceExt;

/* Extension: attention maps, for models that attend over time steps
 * (attention_lstm's self-attention; lstm's attention pooling, one query
 * repeated in every row). The runner asks for it after fit, writes a summary per
 * trial (attention each input step receives, averaged over query steps, heads
 * and test series, per class) and shows it in the report beside saliency. */
#define TD_EXT_ATTENTION_MAP "tundish.attention-map/1"
typedef struct {
  /* Head-averaged attention weights of one series of input:
   * out[n_steps × n_steps], row = query step, column = key step, each valid
   * row summing to 1 over valid keys; rows of padded query steps and columns
   * of padded key steps are 0. n_steps is input->n_steps (the model's steps
   * are the input's steps). input is unlabelled. */
  gboolean (*attention_map) (TdModel *self, const TdDataset *input, size_t series, float *out,
                             TdContext *ctx, GError **error);
} TdAttentionMapExt;

/* Outputs per series a model writes for a dataset of this task. */
size_t td_task_n_outputs (TdTask task, size_t n_classes);

/* ---------------------------------------------------------------- evaluator */
typedef struct {
  TdTask task;
  size_t n, n_outputs, n_classes;
  const double *y;          /* [n] */
  const double *scores;     /* [n × n_outputs] */
  const TdDataset *data;    /* the evaluated split's raw series (before features), labelled,
                             * with all their metadata (e.g. true_defect_probability);
                             * may be NULL */
  /* Validation split predictions of the same model, for choosing thresholds
   * without touching test; may be NULL. */
  size_t n_valid;
  const double *valid_y, *valid_scores;
} TdEvalInput;

typedef struct {
  const char *const *metrics;   /* NULL-terminated names this evaluator produces */
  guint32 tasks;                /* TdTask bits */
  /* values[i] for metrics[i]; NaN where undefined (e.g. one class only). */
  gboolean (*evaluate) (const TdParams *params, const TdEvalInput *input,
                        double *values, GError **error);
  const void *(*extension) (const char *id);
} TdEvaluatorVTable;

/* ----------------------------------------------------------------- reporter */
/* TdRunReport and its rows: tundish/report.h. */
typedef struct {
  /* Write this reporter's files into report->run_dir. */
  gboolean (*write) (const TdParams *params, const TdRunReport *report, GError **error);
  const void *(*extension) (const char *id);
} TdReporterVTable;

/* --------------------------------------------------------------- descriptor */
typedef struct {
  uint32_t abi_version;         /* TD_PLUGIN_ABI_VERSION */
  TdKind kind;
  const char *name;             /* unique per kind: [a-z0-9_]+ */
  const char *version;          /* the plugin's own, "1.0.0" */
  const char *summary;          /* one line */
  const TdParamSpec *params;
  size_t n_params;
  const void *vtable;           /* Td<Kind>VTable matching kind */
  /* Optional (NULL): "key=value" settings, NULL-terminated, that make the
   * plugin quick to exercise: a value for every required parameter, small
   * sizes, one or two epochs. tundish-plugin-check and tests use them
   * (td_testing_params_example); a run never does. Took the place of the
   * first reserved pointer, so plugins built before it read as NULL. */
  const char *const *example_params;
  const void *reserved[3];      /* zero */
} TdPluginDescriptor;

typedef const TdPluginDescriptor *(*TdPluginEntryFunc) (size_t index);

/* Every plugin object defines this (G_MODULE_EXPORT makes it visible). */
G_MODULE_EXPORT const TdPluginDescriptor *td_plugin_descriptor (size_t index);

G_END_DECLS
