/* cmapss_health.h — the cmapss source's anomaly target (plugin-private). */
#pragma once

#include <tundish/dataset.h>

G_BEGIN_DECLS

/* engines: one series per run-to-failure engine (lengths its cycles),
 * unit[e] its number in the file at path (for messages). Returns 2 ×
 * n_series binary series, engine e's first `healthy` cycles (series 2e,
 * label 0) and its last `abnormal` cycles (series 2e + 1, label 1), both
 * in engine e's group, with per-step labels and metadata "unit" (input)
 * and "first_cycle" (the engine cycle each starts at, 1-based: a label).
 * An engine with fewer than healthy + abnormal cycles is an error naming
 * both parameters, the unit and the file. */
TdDataset *cmapss_health_series (const TdDataset *engines, const double *unit, size_t healthy,
                                 size_t abnormal, const char *path, GError **error);

G_END_DECLS
