/* config_internal.h — pieces shared by config.c, config_stage.c,
 * config_pipeline.c and config_emit.c (core-internal). */
#pragma once

#include "config/config_node.h"

G_BEGIN_DECLS

/* What the design may still grow by: trials_per_variant (repeats x folds)
 * and the cap on trials, with where it came from for the message. */
typedef struct {
  guint64 max_trials;
  guint64 trials_per_variant;
  int repeats, folds;
  const char *source;     /* where max_trials came from, for the message */
} TdDesignBudget;

/* One swept parameter of a stage: the values, in file order. */
typedef struct {
  const char *name;       /* the spec's name */
  GPtrArray *texts;       /* char*: text for td_params_set_text, one per value */
  GPtrArray *shown;       /* char*: the value as written, for variant names */
  const TdNode *where;    /* the list (valid while loading) */
  char *path;             /* its key path, "pipelines[0].model.params.max_depth" */
} TdSweep;

/* The largest design (trials = variants x repeats x folds) an experiment may
 * have unless TUNDISH_MAX_TRIALS says otherwise: validating a million trials
 * takes seconds and gigabytes, and no machine would finish running them. */
#define TD_MAX_TRIALS_DEFAULT 100000

/* A plugin use as written, before sweeps are expanded. */
typedef struct {
  const TdPluginEntry *entry;
  char *key_path;         /* "pipelines[0].model" */
  char *local_path;       /* "model", "features[1]": names it inside its pipeline */
  TdParams *params;       /* every fixed value set; swept ones hold their first value */
  GPtrArray *sweeps;      /* TdSweep*, in file order */
  const TdNode *where;    /* the YAML it came from (valid while loading) */
} TdStageDraft;

void td_stage_draft_free (TdStageDraft *draft);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdStageDraft, td_stage_draft_free)

/* Read a plugin use: a name ("zscore") or a mapping with plugin_key
 * ("plugin", or "generator" for data) and parameters, inline or under
 * `params:`. Sweeps (a list where one value is expected) are accepted only
 * when allow_sweep. */
TdStageDraft *td_config_read_stage (TdRegistry *reg, TdKind kind, const TdNode *node,
                                    const char *path, const char *plugin_key,
                                    gboolean allow_sweep, GError **error);
/* The draft as a stage (it must not sweep); consumes the draft. */
TdStage *td_stage_from_draft (TdStageDraft *draft);

/* Read one pipeline mapping and append its variants to out (TdPipeline*);
 * interpret: the experiment's interpret: settings, which the pipeline's own
 * interpret: keys override. data_task: the task the data declares
 * (TD_EXT_DATA_TASK), which the model must support; 0 = not declared. */
gboolean td_config_read_pipeline (TdRegistry *reg, const TdNode *node, const char *path,
                                  const TdInterpretSpec *interpret, guint32 data_task,
                                  GPtrArray *out, const TdDesignBudget *budget,
                                  GError **error);
/* interpret: (node may be NULL: base unchanged) into out, starting from base. */
gboolean td_config_read_interpret (const TdNode *node, const char *path,
                                   const TdInterpretSpec *base, TdInterpretSpec *out,
                                   GError **error);
void td_pipeline_free (TdPipeline *p);
/* targets: at the top and in each pipeline (config_targets.c), after
 * evaluate: so every target's metric is checked against the experiment's. */
gboolean td_config_read_targets (const TdNode *root, TdExperiment *exp, GError **error);

/* "unknown WHAT "x" of OWNER; did you mean "y"?" or "...; expected one of: a, b"
 * (owner may be NULL). */
gboolean td_config_unknown_key (GError **error, const TdNode *key, const char *path,
                                const char *what, const char *owner,
                                const char *const *known, size_t n_known);
/* Unknown keys of map (allowed: NULL-terminated) are errors. */
gboolean td_config_check_keys (const TdNode *map, const char *path,
                               const char *const *allowed, GError **error);
/* A required plain string (not a list or mapping, not null). */
gboolean td_config_string (const TdNode *node, const char *path, const char **out,
                           GError **error);
/* A plain string that can be a folder name: [A-Za-z0-9_.-]+, not "." or
 * "..", at most 100 characters. what: "a name", "a pipeline name". */
gboolean td_config_check_name (const TdNode *node, const char *path, const char *what,
                               GError **error);

/* map's key (absent: *out unchanged) as an integer in [min, max] (max <=
 * G_MAXINT32); "got X; expected <expected>" at the value otherwise. */
gboolean td_config_uint (const TdNode *map, const char *key, const char *path, guint64 min,
                         guint64 max, const char *expected, int *out, GError **error);
/* split: (node may be NULL: the defaults; root is where errors found only
 * in the data then point). */
gboolean td_config_read_split (const TdNode *node, const char *path, const TdNode *root,
                               TdSplitSpec *out, GError **error);
/* data.window: (node may be NULL: no windowing) into out (config_window.c). */
gboolean td_config_read_window (const TdNode *node, const char *path, TdWindowSpec *out,
                                GError **error);
const char *td_split_method_name (TdSplitMethod m);
/* evaluate: into exp->metrics and exp->evaluators (node NULL: every evaluator). */
gboolean td_config_read_evaluate (TdRegistry *reg, const TdNode *node, const TdNode *root,
                                  const char *path, TdExperiment *exp, GError **error);
/* report: into out (node NULL: csv and html). */
gboolean td_config_read_report (TdRegistry *reg, const TdNode *node, const TdNode *root,
                                const char *path, GPtrArray *out, GError **error);

/* Create and destroy every distinct feature and model stage once on a
 * throwaway context; the first refusal, at the stage's position. */
gboolean td_config_check_create (const TdExperiment *exp, GError **error);
/* data.window and split against the data stage's TD_EXT_DATA_LAYOUT, when
 * it declares one (config_layout.c); the first rule broken, at its key. */
gboolean td_config_check_layout (const TdExperiment *exp, GError **error);
/* drift: (node may be NULL: off) into out (config_drift.c), and its line of
 * the resolved text (nothing when off). */
gboolean td_config_read_drift (const TdNode *node, TdDriftSpec *out, GError **error);
void td_config_emit_drift (GString *out, const TdDriftSpec *drift);

/* Canonical YAML of the resolved experiment. */
char *td_config_emit (const TdExperiment *exp);

/* Resolve the data stage's path parameters against the experiment file's
 * folder into exp->data_params, check they exist and hash them into
 * exp->data_files (config_data.c). data is the data: node, for messages. */
gboolean td_config_resolve_data_files (TdExperiment *exp, const TdNode *data, GError **error);

G_END_DECLS
