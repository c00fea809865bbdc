/* run_drift.h — drift.csv of a run whose experiment asks for drift:
 * (core-internal). */
#pragma once

#include "run/run_output.h"

G_BEGIN_DECLS

/* For every split (repeat × fold): the training series against the test
 * series, channel by channel (tundish/drift.h), MMD seeded with
 * td_seed_derive (seed, repeat, fold, "drift", ""). Writes
 * RUN_DIR/drift.csv (repeat,fold, then the table's columns); does nothing
 * when the experiment has no drift:. */
gboolean td_run_write_drift (const TdRunMeta *meta, GError **error);

G_END_DECLS
