/* config.h — an experiment YAML, parsed, resolved and validated (core-internal).
 *
 * td_experiment_load() reads the file (following include:), checks every key
 * and every plugin parameter against the registry's specs, expands sweeps into
 * pipeline variants, creates and destroys every feature and model once on a
 * throwaway context (so what a plugin refuses at create is refused here, not in
 * every trial), and fails with "FILE:LINE:COL: key.path: message" on the first
 * problem.
 */
#pragma once

#include "plugin/registry.h"

G_BEGIN_DECLS

#define TD_CONFIG_ERROR (td_config_error_quark ())
GQuark td_config_error_quark (void);
typedef enum {
  TD_CONFIG_ERROR_IO,
  TD_CONFIG_ERROR_SYNTAX,       /* YAML itself */
  TD_CONFIG_ERROR_UNKNOWN_KEY,
  TD_CONFIG_ERROR_MISSING_KEY,
  TD_CONFIG_ERROR_TYPE,         /* wrong type/shape of a value */
  TD_CONFIG_ERROR_VALUE,        /* out of range, bad choice */
  TD_CONFIG_ERROR_PLUGIN,       /* unknown plugin / metric */
} TdConfigError;

/* One plugin use with validated parameters. */
typedef struct {
  const TdPluginEntry *entry;   /* owned by the registry */
  TdParams *params;             /* complete and validated */
  char *key_path;               /* "pipelines[1].model", for messages */
  char *where;                  /* "FILE:LINE:COL" of the stage in the YAML, for messages */
} TdStage;

/* The task the data's generator declares through TD_EXT_DATA_TASK (from its
 * parameters, without generating), or 0 when it declares none. */
guint32 td_config_data_task (const TdStage *data);

/* interpret: what a trial explains after fit (docs/experiment-yaml.md). */
typedef struct {
  int max_series;               /* test series explained per trial; 0: none (default 200) */
  int time_bins;                /* time bins of the saliency and attention maps (default 30) */
} TdInterpretSpec;

/* One acceptance target, `accuracy: ">= 0.85"` (config_targets.c). */
typedef enum { TD_TARGET_GE, TD_TARGET_GT, TD_TARGET_LE, TD_TARGET_LT } TdTargetOp;

typedef struct {
  char *metric;                 /* one of the experiment's metrics */
  TdTargetOp op;
  double value;
} TdTarget;

/* ">=", ">", "<=", "<". */
const char *td_target_op_name (TdTargetOp op);

#define TD_INTERPRET_MAX_SERIES_DEFAULT 200
#define TD_INTERPRET_TIME_BINS_DEFAULT 30
#define TD_BOOTSTRAP_SAMPLES_DEFAULT 2000

typedef struct {
  char *name;                   /* pipeline name from YAML */
  char *variant;                /* "" or "max_depth=4,learning_rate=0.1" (swept params only) */
  char *label;                  /* name, or "name[variant]" */
  GPtrArray *augment;           /* of TdStage*: this pipeline's own augmentations, run on
                                 * the training split after the experiment's */
  gboolean augment_on_features; /* augment_space: features — the pipeline's own stages run on
                                 * the training feature matrix, after feature extraction */
  GPtrArray *features;          /* of TdStage* in order */
  TdStage *model;
  TdInterpretSpec interpret;    /* the experiment's interpret:, then the pipeline's own keys */
  GPtrArray *targets;           /* of TdTarget*: the experiment's targets:, a metric in the
                                 * pipeline's own replacing it; NULL when none */
} TdPipeline;

typedef enum {
  TD_SPLIT_STRATIFIED_HOLDOUT,
  TD_SPLIT_STRATIFIED_KFOLD,
  TD_SPLIT_GROUP_HOLDOUT,
  TD_SPLIT_GROUP_KFOLD,
  TD_SPLIT_PREDEFINED,          /* the data's own train/test partition (TD_META_PARTITION) */
  TD_SPLIT_TIME_HOLDOUT,        /* the last part of each timeline, in time order */
} TdSplitMethod;

typedef struct {
  TdSplitMethod method;
  double test_size;             /* holdout, time_holdout: fraction to test (default 0.2) */
  double valid_size;            /* fraction of the non-test part to valid (default 0.1) */
  int folds;                    /* k-fold: k (default 5) */
  char *group_by;               /* grouped: metadata column name, or NULL = dataset group ids;
                                 * time_holdout: what a timeline is (the same default) */
  gboolean grouped;             /* predefined: cut validation (and a redrawn test) by whole
                                 * groups; set by grouped: true or by group_by */
  gboolean resample_test;       /* predefined: repeats after the first redraw train/test with
                                 * the partition's sizes and class proportions */
  int gap;                      /* time_holdout: steps between train, valid and test (0) */
  char *order_by;               /* time_holdout: numeric metadata column with each series'
                                 * first step on its timeline (default TD_META_WINDOW_START) */
  char *where;                  /* "FILE:LINE:COL" of split.method (or split:), for the
                                 * errors only the data reveals (no partition column) */
  char *where_group_by;         /* "FILE:LINE:COL" of split.group_by's value, or NULL */
} TdSplitSpec;

/* The data: window: block (config_window.c; data/window.c cuts the windows). */
typedef enum {
  TD_WINDOW_LABEL_LAST,         /* the window's last step's label (a value for regression) */
  TD_WINDOW_LABEL_ANY,          /* 1 when any step of the window is positive (binary) */
  TD_WINDOW_LABEL_MAJORITY,     /* the most frequent class of the window's steps */
  TD_WINDOW_LABEL_AHEAD,        /* 1 when a step within horizon steps after the window is
                                 * positive (early warning; binary) */
  TD_WINDOW_LABEL_SERIES,       /* the recording's own label y (data without per-step labels) */
} TdWindowLabel;

typedef struct {
  gboolean enabled;             /* data.window given */
  int length, stride;           /* steps per window; steps between window ends (default 1) */
  TdWindowLabel label;          /* default last */
  int horizon;                  /* ahead: steps looked ahead (required for ahead only) */
  gboolean drop_short;          /* short: drop — a recording shorter than length gives no
                                 * window (default pad: one window of its length, padded) */
  gboolean last_test_only;      /* test_windows: last — of a test-partition recording only
                                 * its last window is kept (the C-MAPSS protocol) */
  char *where_label;            /* "FILE:LINE:COL" of data.window.label (or data.window) */
  char *where_test;             /* "FILE:LINE:COL" of data.window.test_windows */
  char *where_length;           /* "FILE:LINE:COL" of data.window.length */
} TdWindowSpec;

void td_window_spec_clear (TdWindowSpec *spec);
/* "last", "any", ... as written in data.window.label. */
const char *td_window_label_name (TdWindowLabel label);

/* A file or folder the data stage reads (a TD_PARAM_PATH parameter). */
typedef struct {
  char *param;                  /* "path", or "paths[1]" for an item of a path list */
  char *written;                /* as in the experiment (relative to its folder) */
  char *path;                   /* absolute */
  char *sha256;                 /* of the content; a folder: of its regular files' names
                                 * and hashes, in name order */
} TdDataFile;

void td_data_file_free (TdDataFile *f);
/* SHA-256 (hex) of a file, or of a folder as TdDataFile.sha256 describes. */
char *td_data_path_sha256 (const char *path, GError **error);

#define TD_SUMMARY_BOOTSTRAP_DEFAULT 1000

/* drift: two-sample tests between each split's training and test series
 * (tundish/drift.h, core/src/run/run_drift.c). */
typedef struct {
  gboolean enabled;             /* the experiment has a drift: mapping */
  guint tests;                  /* TdDriftTest bits (default all) */
  int permutations;             /* MMD permutations (TD_DRIFT_PERMUTATIONS_DEFAULT) */
} TdDriftSpec;

typedef struct {
  char *path;                   /* the experiment file */
  char *name;                   /* experiment: */
  guint64 seed;                 /* seed: (default 42) */
  TdTask task;                  /* task: 0 = the data's own (default); TD_TASK_ANOMALY reads
                                 * binary labels as normal (0) / abnormal (1) */
  int repeats;                  /* repeats: (default 1) */
  TdStage *data;                /* data: generator (or source) + params as written */
  const char *data_key;         /* "generator" or "source": how data: named it */
  TdParams *data_params;        /* data->params with every path resolved: what the plugin gets */
  GPtrArray *data_files;        /* of TdDataFile*: the data stage's path parameters, hashed */
  TdSplitSpec split;
  GPtrArray *augment;           /* of TdStage*, may be empty */
  GPtrArray *pipelines;         /* of TdPipeline*, sweeps expanded, in file order */
  GPtrArray *metrics;           /* of char*: metric names, in order */
  GPtrArray *evaluators;        /* of TdStage*: the evaluators producing those metrics */
  char *baseline;               /* compare.baseline or NULL */
  GPtrArray *compare_tests;     /* of char*: delong, bootstrap, mcnemar, ttest (empty = all) */
  int bootstrap_samples;        /* compare.bootstrap_samples (TD_BOOTSTRAP_SAMPLES_DEFAULT) */
  guint n_added_metrics;        /* the last n of metrics were added to a finished run
                                 * (`tundish report --metrics`, td_experiment_add_metrics):
                                 * not in resolved_yaml nor the hash; the manifest lists them */
  int summary_bootstrap;        /* summary.bootstrap_samples: resamples behind the bootstrap
                                 * intervals of summary.csv (0: none) */
  GPtrArray *reporters;         /* of TdStage* (default: csv, html) */
  TdWindowSpec window;          /* data.window: what every pipeline sees is the windows */
  TdDriftSpec drift;            /* drift: (off unless present) */
  char *resolved_yaml;          /* canonical text of everything above */
  char *hash;                   /* first 8 hex of SHA-256 of resolved_yaml */
} TdExperiment;

/* overrides: NULL-terminated "key.path=value" strings from --set, applied
 * after includes and before validation (e.g. "repeats=1",
 * "data.params.num_casts=200", "pipelines.gbdt.model.params.max_depth=4"). */
TdExperiment *td_experiment_load (const char *path, TdRegistry *reg,
                                  const char *const *overrides, GError **error);
void td_experiment_free (TdExperiment *exp);

/* Add metrics to a loaded experiment (a finished run's), each found through
 * an evaluator the experiment has or, failing that, the installed evaluator
 * producing it with its defaults. Names already there are skipped. The
 * resolved configuration and hash stay those of the run; n_added_metrics
 * counts them. FALSE (with did-you-mean) for a name no evaluator produces. */
gboolean td_experiment_add_metrics (TdExperiment *exp, TdRegistry *reg,
                                    const char *const *names, GError **error);
/* TRUE when exp->metrics lists name. */
gboolean td_experiment_has_metric (const TdExperiment *exp, const char *name);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdExperiment, td_experiment_free)

void td_stage_free (TdStage *stage);

G_END_DECLS
