/* fake_plugins.h — an in-memory registry of stand-in plugins for the config
 * tests: generator steel_casting, source table (path parameters), augment jitter, features statistical /
 * window / resample / zscore, models xgboost / lstm / isoforest (which has a
 * required parameter), evaluators binary / cost, reporters csv / html. */
#pragma once

#include "plugin/registry.h"

TdRegistry *fake_registry (void);
