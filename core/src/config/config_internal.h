/* config_internal.h — pieces shared by config.c, config_stage.c,
 * config_pipeline.c and config_emit.c (core-internal). */
#pragma once

#include "config/config_node.h"

G_BEGIN_DECLS

/* One swept parameter of a stage: the values, in file order. */
typedef struct {
  const char *name;       /* the spec's name */
  GPtrArray *texts;       /* char*: text for td_params_set_text, one per value */
  GPtrArray *shown;       /* char*: the value as written, for variant names */
} TdSweep;

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
 * interpret: keys override. */
gboolean td_config_read_pipeline (TdRegistry *reg, const TdNode *node, const char *path,
                                  const TdInterpretSpec *interpret, GPtrArray *out,
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
/* [A-Za-z0-9_.-]+ */
gboolean td_config_is_name (const char *s);

/* split: (node may be NULL: the defaults). */
gboolean td_config_read_split (const TdNode *node, const char *path, TdSplitSpec *out,
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

/* Canonical YAML of the resolved experiment. */
char *td_config_emit (const TdExperiment *exp);

G_END_DECLS
