/* cli_common.h — what several subcommands share: the registry with its load
 * problems reported, and the experiment loaded with overrides. */
#pragma once

#include "config/config.h"
#include "plugin/registry.h"

/* Registry from the default search path. Plugin files that fail to load are
 * reported on stderr (one line each, naming the file) unless quiet. */
TdRegistry *td_cli_registry (gboolean quiet);
/* Print what a registry scan collected (GError*): skipped plugin files, and
 * warnings about the search path itself (relative or world-writable
 * folders), each on one line prefixed with cmd, control characters escaped. */
void td_cli_print_registry_errors (const char *cmd, GPtrArray *errors);

/* --log-format: "text" or "json" (*json set); FALSE, with the problem
 * printed for cmd, otherwise. */
gboolean td_cli_log_format (const char *text, gboolean *json, const char *cmd);

/* Flush stdout; when its reader has gone (`tundish run ... | head -1`),
 * note on stderr that the results are complete (in run_dir, may be NULL)
 * instead of failing: the run's work must not be lost to a closed pipe. */
void td_cli_flush_stdout (const char *cmd, const char *run_dir);
