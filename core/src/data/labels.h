/* labels.h — a split's labels moved out of the way of the calls that must
 * not see them, and put back for the calls that may (core-internal).
 *
 * The trial engine takes the labels (y and every TD_META_TARGET metadata
 * column) out of the validation and test splits as soon as it cuts them, and
 * out of the training split around each feature transform; it puts them back
 * only for feature fit, augmentations and model fit. Taking works in place,
 * so a split of long sequences is never copied to be hidden. See the leakage
 * rule in tundish/dataset.h. */
#pragma once

#include <tundish/dataset.h>

G_BEGIN_DECLS

typedef struct TdLabels TdLabels;

/* Move ds's labels into a new TdLabels: ds keeps y = NaN, no y_step and only
 * its TD_META_INPUT columns. */
TdLabels *td_labels_take (TdDataset *ds);
/* Copy l's labels into ds, a dataset of the same series in the same order
 * (the split itself, or what a feature made of it): y, y_step (when ds has
 * the steps it was taken with), and each hidden column at the place it had
 * (replacing a column of the same name). */
void td_labels_put (TdDataset *ds, const TdLabels *l);
/* The labels as taken: [n_series] targets. */
const double *td_labels_y (const TdLabels *l);
size_t td_labels_n (const TdLabels *l);
void td_labels_free (TdLabels *l);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdLabels, td_labels_free)

G_END_DECLS
