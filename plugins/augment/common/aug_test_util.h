/* aug_test_util.h — fixtures and contract checks shared by the augmentation
 * plugins' tests (linked into each test executable, never into a plugin). */
#pragma once

#include <tundish/tundish.h>

G_BEGIN_DECLS

/* A binary dataset of n series × steps × 3 channels with every piece of
 * bookkeeping an augmentation must carry: class names, channel names, groups,
 * series ids 100 + s, numeric meta "p" and text meta "kind", and (when
 * ragged) lengths between steps / 2 and steps with a recognisable padding
 * value. Series s is positive when s % 5 == 0 (20 %). Channel 0 is the label
 * as a constant (so mixtures can be checked), channel 1 a ramp over the valid
 * steps (0, 1, 2, ...), channel 2 a noisy sine at an offset of 1500. */
TdDataset *aug_test_data (size_t n, size_t steps, gboolean ragged, guint64 seed);

/* The plugin's defaults with "name=value" settings applied (NULL-terminated). */
TdParams *aug_test_params (const TdPluginDescriptor *d, const char *const *settings);

/* Run the plugin's apply with a fresh context of this seed. */
TdDataset *aug_test_apply (const TdPluginDescriptor *d, const TdParams *p, const TdDataset *train,
                           guint64 seed, GError **error);

/* Index in train of the series whose id is id (asserts it exists). */
size_t aug_test_index_of (const TdDataset *train, gint64 id);

/* The augmentation contract: out holds train's rows unchanged and in order,
 * then n_added rows with series_id -1, each carrying its source's group,
 * length, padding, metadata and (unless soft) label, with augmented_from
 * naming an original; shape, task, classes and channel names are kept.
 * soft: added labels may be any value in [0, 1]. */
void aug_test_check_contract (const TdDataset *train, const TdDataset *out, size_t n_added,
                              gboolean soft);

/* The shared behaviour every augmentation must show: minority selection and
 * counts (ratio 1.5 on aug_test_data), an all-negative training set refused,
 * apply_to: all, ratio 0 adds nothing, the same seed gives identical bytes
 * and different seeds give different draws. extra: settings added to every
 * call (NULL-terminated, may be NULL). */
void aug_test_common (const TdPluginDescriptor *d, const char *const *extra, gboolean soft);

G_END_DECLS
