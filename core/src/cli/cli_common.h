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
