/* window.h — long recordings cut into labelled windows (core-internal).
 *
 * data.window (docs/experiment-yaml.md) runs after the data is loaded and
 * checked, so the cache holds the recordings and every pipeline, split and
 * report sees the windows. */
#pragma once

#include <tundish/dataset.h>
#include "config/config.h"

G_BEGIN_DECLS

/* The windows of every recording of ds, as spec says (spec->enabled), in
 * recording order and, within one, by start. Each window keeps its
 * recording's group and metadata and gets TD_META_RECORDING and
 * TD_META_WINDOW_START; its label follows spec->label from ds->y_step (or
 * ds->y for label: series). The result carries no y_step. Fails naming the
 * config position when the data cannot give what spec asks for. */
TdDataset *td_window_apply (const TdDataset *ds, const TdWindowSpec *spec, GError **error);

/* The rules data.window's label puts on the data (per-step labels unless
 * label: series; a binary or anomaly task for any and ahead, not regression
 * for majority; task 0: not known, not checked), and its length (at most
 * the longest series), each failing at the config position with the
 * message a run gives: td_window_apply checks the data with them, the
 * loader a generator's declared TdDataLayout. */
gboolean td_window_check_rule (const TdWindowSpec *spec, gboolean step_labels, TdTask task,
                               GError **error);
gboolean td_window_check_length (const TdWindowSpec *spec, size_t longest, GError **error);

G_END_DECLS
