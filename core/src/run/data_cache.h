/* data_cache.h — an experiment's dataset: from the cache or generated in a
 * child process, then checked under the data policy and windowed
 * (core-internal). */
#pragma once

#include "data/data_check.h"
#include "run/runner.h"

G_BEGIN_DECLS

/* The dataset of an experiment's data stage, checked under policy: from the
 * cache when present, else generated in a child process (and cached, or
 * kept in scratch_dir just long enough to be read back); then cut into
 * windows when the experiment has data.window (data/window.h). */
TdDataset *td_run_load_data (const TdExperiment *exp, const TdRunOptions *opt,
                             const char *scratch_dir, TdDataQuality *quality, GError **error);

G_END_DECLS
