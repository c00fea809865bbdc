/* cli_common.h — what several subcommands share: the registry with its load
 * problems reported, and the experiment loaded with overrides. */
#pragma once

#include "config/config.h"

/* Registry from the default search path. Plugin files that fail to load are
 * reported on stderr (one line each, naming the file) unless quiet. */
TdRegistry *td_cli_registry (gboolean quiet);
