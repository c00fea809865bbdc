/* run_manifest.h — manifest.yaml: written at the start and end of a run, read back (core-internal). */
#pragma once

#include "run/run_output.h"

G_BEGIN_DECLS

/* manifest.yaml alone (atomically): at the start of a run (status running,
 * no data yet: what resume needs), and at its end. */
gboolean td_run_write_manifest (const TdRunMeta *meta, GError **error);

/* What resume and `tundish report` read back from a manifest. */
typedef struct {
  char *experiment_file;        /* absolute */
  char *config_hash;
  char *config;                 /* the resolved configuration text */
  char *status;
  char *command;                /* the command line that started the run */
  char *started, *finished;     /* ISO 8601; finished NULL while running */
  char *data_policy;
  GStrv overrides;              /* never NULL */
  GStrv resumed;                /* never NULL */
  GStrv added_metrics;          /* `tundish report --metrics` since the run; never NULL */
  GStrv data_files;             /* "param=sha256" of each data file; never NULL */
} TdManifestInfo;

/* "added_metrics: [...]\n": the metrics added to the run after it began
 * (the last exp->n_added_metrics), listed beside the config hash they do
 * not change. */
void td_manifest_added_metrics_line (GString *s, const TdExperiment *exp);
/* Rewrite that line of RUN_DIR/manifest.yaml alone (atomically), leaving
 * the rest as the run wrote it. */
gboolean td_manifest_update_added_metrics (const char *run_dir, const TdExperiment *exp,
                                           GError **error);

gboolean td_manifest_read (const char *run_dir, TdManifestInfo *info, GError **error);
void td_manifest_info_clear (TdManifestInfo *info);

G_END_DECLS
