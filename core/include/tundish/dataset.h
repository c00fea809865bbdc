/* tundish/dataset.h — the one data container every stage passes along.
 *
 * A dataset is n_series time series of n_steps × n_channels float32 values,
 * stored contiguously series-major: x[(s * n_steps + t) * n_channels + c].
 * A feature matrix is the same container with n_steps == 1 and one channel
 * per feature, so features, augmentations and models share one type.
 *
 * Targets are doubles so one array serves every task: 0/1 for binary (and
 * soft labels in [0, 1] after mixup), a class index for multiclass, 0 normal /
 * 1 abnormal for anomaly detection, the value for regression.
 *
 * Datasets are reference counted; a stage that does not change its input may
 * return td_dataset_ref(input).
 *
 * What each plugin sees (the leakage rule): feature `fit`, model `fit` and
 * augmentations get the training split with its labels and all its metadata
 * (model `fit` also gets the validation split labelled, for early stopping).
 * Every other call that reads series — feature `transform` (of every split,
 * training included), model `predict`, `explain` and attention maps, and
 * `tundish score` — gets them with y = NaN, y_step NULL and without the
 * metadata columns whose role is TD_META_TARGET, so nothing a model scores
 * with can carry the label. Evaluators and reporters get everything. A generator therefore marks
 * the columns a model may use as TD_META_INPUT; an unmarked column is hidden.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

typedef enum {
  TD_TASK_BINARY     = 1u << 0,
  TD_TASK_MULTICLASS = 1u << 1,
  TD_TASK_ANOMALY    = 1u << 2,   /* train on normal series, score abnormality */
  TD_TASK_REGRESSION = 1u << 3,
} TdTask;

/* Who may see a metadata column (see the leakage rule above). */
typedef enum {
  /* The default: derived from the outcome or known only after it (true
   * probability, mechanism, cause, RUL, class). Hidden from transform,
   * predict and explain; evaluators and reporters still read it. */
  TD_META_TARGET = 0,
  /* Known before the outcome, so a model may use it (unit id, recipe, grade,
   * a count a feature derived from the series). */
  TD_META_INPUT = 1,
} TdMetaRole;

/* Metadata columns the core reads by name (docs/experiment-yaml.md, split
 * and data.window).
 *
 * TD_META_PARTITION — the train/test partition the data itself defines:
 * numeric, 0 = train, 1 = test, one value per series. A source that knows
 * one (UCR TRAIN/TEST files, C-MAPSS train/test, a table's test file or
 * split column) writes it; `split: {method: predefined}` uses it, and
 * data.window's `test_windows: last` keeps the last window of each
 * partition-1 recording. Any other value (NaN included) is an error there.
 *
 * TD_META_RECORDING, TD_META_WINDOW_START — written by data.window for each
 * window: the series_id of the recording it was cut from and the step of
 * that recording where it starts (both TD_META_INPUT: known before the
 * outcome). A window keeps its recording's group, so a grouped split never
 * puts windows of one recording on both sides; time_holdout orders each
 * group's windows by TD_META_WINDOW_START. */
#define TD_META_PARTITION    "partition"
#define TD_META_RECORDING    "recording"
#define TD_META_WINDOW_START "window_start"

/* One per-series metadata column: numeric (num != NULL) or text (str != NULL). */
typedef struct {
  char   *name;
  double *num;        /* [n_series] or NULL */
  char  **str;        /* [n_series] or NULL */
  TdMetaRole role;    /* TD_META_TARGET unless set with td_dataset_set_meta_role */
} TdMetaColumn;

typedef struct {
  /*< public, read-only shape >*/
  size_t  n_series, n_steps, n_channels;
  float  *x;              /* [n_series][n_steps][n_channels] */
  guint32 *lengths;       /* [n_series] valid steps per series (rest is padding), or NULL = all n_steps */
  double *y;              /* [n_series] targets, see above */
  TdTask  task;
  size_t  n_classes;      /* 2 for binary, K for multiclass, 0 for regression */
  char  **class_names;    /* [n_classes] or NULL */
  gint64 *series_id;      /* [n_series] stable id (row in the generated dataset) */
  gint64 *group;          /* [n_series] group id (cast sequence, engine unit, lot) */
  char  **channel_names;  /* [n_channels], NULL-terminated: "mold_level", "mold_level.max" */
  GPtrArray *meta;        /* of TdMetaColumn*; may be empty */
  /*< private >*/
  gint ref_count;
  /*< public (ABI 1.4), after ref_count so older plugins' layout holds >*/
  double *y_step;         /* [n_series][n_steps] per-step targets (a fault flag or the
                           * remaining useful life at each step; NaN on padding), or
                           * NULL. Set by sources whose labels are per step; y then
                           * holds the label of each series' last valid step. Kept by
                           * subset, new_like (same n_steps) and the HDF5 round trip;
                           * removed (NULL) with the labels by td_dataset_hide_labels. */
} TdDataset;

/* A new dataset with zeroed x and y, series_id = 0..n-1, group = series_id,
 * channel names "c0", "c1", ... (rename with td_dataset_set_channel_name). */
TdDataset *td_dataset_new (size_t n_series, size_t n_steps, size_t n_channels,
                           TdTask task, size_t n_classes);
/* The same, failing with a GError instead of aborting when memory for x
 * cannot be had (generators sized by user parameters should use this). */
TdDataset *td_dataset_try_new (size_t n_series, size_t n_steps, size_t n_channels,
                               TdTask task, size_t n_classes, GError **error);
TdDataset *td_dataset_ref (TdDataset *ds);
void       td_dataset_unref (TdDataset *ds);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdDataset, td_dataset_unref)

void td_dataset_set_channel_name (TdDataset *ds, size_t channel, const char *name);
/* Add a metadata column (values copied, role TD_META_TARGET); returns the new column. */
TdMetaColumn *td_dataset_add_meta_num (TdDataset *ds, const char *name, const double *values);
TdMetaColumn *td_dataset_add_meta_str (TdDataset *ds, const char *name, const char *const *values);
const TdMetaColumn *td_dataset_find_meta (const TdDataset *ds, const char *name);
/* Declare who may see column name; FALSE when the dataset has no such column.
 * Subsets, new_like, hstack and the HDF5 round trip keep the role. */
gboolean td_dataset_set_meta_role (TdDataset *ds, const char *name, TdMetaRole role);
/* What the core does to a split before transform / predict / explain, for
 * plugin tests that want to see their input as the core hands it over: y
 * becomes NaN and every TD_META_TARGET column is removed, in place. */
void td_dataset_hide_labels (TdDataset *ds);

/* Pointer to series s (n_steps × n_channels floats). */
static inline float *
td_dataset_series (const TdDataset *ds, size_t s)
{
  return ds->x + s * ds->n_steps * ds->n_channels;
}

/* Valid steps of series s: lengths[s] (never more than n_steps), or n_steps
 * when the dataset has no lengths. */
static inline size_t
td_dataset_length (const TdDataset *ds, size_t s)
{
  return ds->lengths ? MIN ((size_t) ds->lengths[s], ds->n_steps) : ds->n_steps;
}

/* Channel c's name, or "c<c>" (written into buf) when the dataset has none,
 * for messages and output columns. */
#define TD_CHANNEL_NAME_BUF 24
const char *td_dataset_channel_name (const TdDataset *ds, size_t c,
                                     char buf[TD_CHANNEL_NAME_BUF]);

/* "binary", "multiclass", "anomaly", "regression" (the names of the YAML). */
const char *td_task_name (TdTask task);

/* The rows idx[0..n) as a new dataset (data, targets, ids, groups, metadata copied). */
TdDataset *td_dataset_subset (const TdDataset *ds, const size_t *idx, size_t n);
/* Same shape and labels bookkeeping, new x of n_steps × n_channels (for features):
 * copies y, task, classes, ids, groups, meta and lengths (when n_steps matches). */
TdDataset *td_dataset_new_like (const TdDataset *ds, size_t n_steps, size_t n_channels);
/* Concatenate channels of datasets with the same series (feature matrices
 * from several extractors side by side). */
TdDataset *td_dataset_hstack (TdDataset *const *parts, size_t n_parts, GError **error);
/* Number of series with y == 1 (binary) — convenience for summaries. */
size_t td_dataset_count_positive (const TdDataset *ds);

/* Input checks every model needs, with messages a researcher can act on
 * ("<who>: the <what> data ..."). who is the plugin name, what is "training",
 * "validation" or "input".
 * td_dataset_check_matrix: non-empty, and a feature matrix (n_steps == 1). */
gboolean td_dataset_check_matrix (const TdDataset *ds, const char *who, const char *what,
                                  GError **error);
/* Binary targets in [0, 1] (soft labels allowed). When n_pos is non-NULL,
 * also requires both classes and stores the sum of y. */
gboolean td_dataset_check_binary_targets (const TdDataset *ds, const char *who,
                                          const char *what, double *n_pos, GError **error);

/* Every series length <= n_steps ("<who>: series <id> has length ..."). */
gboolean td_dataset_check_lengths (const TdDataset *ds, const char *who, GError **error);
/* A sequence set, what sequence models need: non-empty, more than one step
 * per series (a feature matrix is refused with a message saying to drop the
 * feature extractors before the model), every length in 1..n_steps. */
gboolean td_dataset_check_sequences (const TdDataset *ds, const char *who, const char *what,
                                     GError **error);

/* Allocate ds->y_step filled with NaN and return it (aborts when memory
 * runs out, like td_dataset_new). */
double *td_dataset_alloc_y_step (TdDataset *ds);

/* HDF5 round trip: datasets /x, /y, /series_id, /group, /lengths (optional),
 * /y_step (optional), /channel_names, /meta/<name> (attribute role: 1 for
 * TD_META_INPUT, 0 or absent for TD_META_TARGET); attributes task, n_classes.
 * A file without /y loads with y = NaN (data to score need not carry labels). */
gboolean   td_dataset_save_h5 (const TdDataset *ds, const char *path, GError **error);
TdDataset *td_dataset_load_h5 (const char *path, GError **error);

G_END_DECLS
