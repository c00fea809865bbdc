/* check_targets.h — `tundish run --check-targets PIPELINE`: the named
 * pipeline's verdicts in a finished run's targets.csv (run_targets.h).
 * PIPELINE is a pipeline name (every variant of it) or one label
 * "name[variant]". */
#pragma once

#include "config/config.h"

G_BEGIN_DECLS

/* Before the run: FALSE (message printed) when exp has no pipeline of that
 * name or label, or that pipeline has no targets. */
gboolean td_cli_targets_known (const TdExperiment *exp, const char *pipeline);

/* After the run: print every target of the pipeline that did not pass
 * (miss or undecided) to stderr; TRUE when all passed. FALSE also when
 * targets.csv cannot be read (message printed). */
gboolean td_cli_targets_met (const char *run_dir, const char *pipeline);

G_END_DECLS
