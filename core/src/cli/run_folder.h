/* run_folder.h — what `tundish run --resume` and `tundish report` share:
 * the experiment a run folder was made from, reloaded and checked, and the
 * extra plugin folders a user allowed (core/src/cli, executable-only). */
#pragma once

#include "run/run_manifest.h"
#include "run/run_manifest.h"

G_BEGIN_DECLS

/* Reads RUN_DIR/manifest.yaml into info, loads the experiment (exp_path, or
 * the file the manifest records) with the recorded overrides, and refuses
 * — naming both hashes and the first line that differs — when its resolved
 * configuration is not the one the run began with. */
TdExperiment *td_cli_load_run (TdRegistry *reg, const char *run_dir, const char *exp_path,
                               TdManifestInfo *info, GError **error);

/* --resume: FALSE, naming the file and both hashes, when a data file the run
 * read (manifest data_files:) has another SHA-256 now, or the data stage
 * reads other files; a run's trials must all see the same data. */
gboolean td_cli_check_data_files (const TdExperiment *exp, const TdManifestInfo *info,
                                  const char *run_dir, GError **error);

/* --allow-plugin-path: scan each folder into reg after the default search
 * path (so it cannot replace a plugin found there); problems are printed.
 * FALSE when a folder does not exist. */
gboolean td_cli_allow_plugin_dirs (TdRegistry *reg, char **dirs, const char *cmd);

G_END_DECLS
