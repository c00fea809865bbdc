/* augment_common.h — what every augmentation plugin shares (compiled into
 * each plugin object, hidden; not part of the SDK).
 *
 * The contract every augmentation follows (docs/augmentations.md):
 * - `apply_to: minority | all` picks the series that act as sources: all of
 *   them, or those of the least frequent class (hard labels: y >= 0.5 is
 *   class 1 for binary and anomaly data, round(y) for multiclass);
 * - `ratio` is the number of new series per selected source: each source is
 *   used floor(ratio) times and a random subset of the sources once more, so
 *   that round(ratio × n_selected) series are added in all;
 * - the result holds the originals unchanged and in order, then the added
 *   series; each added row is a copy of its source's bookkeeping (label,
 *   group, length, every metadata column) with series_id -1, and the numeric
 *   metadata column "augmented_from" holds, for every row, the id of the
 *   original series it derives from (its own id for an original);
 * - every random draw comes from td_context_rng(), in the order of the added
 *   rows, so the output depends on the context's seed only.
 */
#pragma once

#include <tundish/tundish.h>

G_BEGIN_DECLS

#define AUG_FROM_COLUMN "augmented_from"

/* The parameter specs every augmentation starts with (apply_to, ratio). */
#define AUG_COMMON_PARAMS                                                                     \
  { .name = "apply_to", .type = TD_PARAM_ENUM, .default_value = "minority",                  \
    .choices = aug_apply_to_choices,                                                          \
    .help = "source series: minority (the least frequent class) or all" },                   \
  { .name = "ratio", .type = TD_PARAM_DOUBLE, .default_value = "1", .min = 0, .max = 100,    \
    .help = "new series per selected source; round(ratio x n_selected) are added in all" }

extern const char *const aug_apply_to_choices[];

/* Hard class of series s (binary/anomaly: y >= 0.5; multiclass: round(y)). */
int aug_hard_class (const TdDataset *ds, size_t s);

/* Checks shared by every plugin: a non-empty training set whose lengths do
 * not exceed n_steps, and, when min_steps > 1, sequences at least that long
 * (the plugins that move along the time axis need them). */
gboolean aug_check_input (const TdDataset *train, const char *who, size_t min_steps,
                          GError **error);

/* The sources selected by `apply_to` (ascending indices into train). Fails
 * when minority is asked of data without classes, or the minority class has
 * no series in the training data. */
GArray *aug_select (const TdDataset *train, const char *apply_to, const char *who,
                    GError **error);

/* The source of every series to add: each selected index floor(ratio)
 * times, plus a random subset (without replacement) once more, grouped by
 * source in ascending order. *n_added receives the count. */
size_t *aug_draw_sources (const GArray *selected, double ratio, gsl_rng *rng, size_t *n_added);

/* train followed by copies of the rows sources[0..n_added) (x, label, length,
 * group, metadata), with series_id -1 for the copies and the augmented_from
 * column filled for every row (added to the output if train lacks it). The
 * plugin then overwrites the copies' x (and y for soft labels). */
TdDataset *aug_build (const TdDataset *train, const size_t *sources, size_t n_added,
                      const char *who, GError **error);

/* Linear resampling of src (len_src steps × n_ch, row-major) to len_dst steps
 * so that the first and last steps map onto each other. */
void aug_resample (const float *src, size_t len_src, float *dst, size_t len_dst, size_t n_ch);

/* Value of channel c of src (len steps × n_ch) at fractional step pos in
 * [0, len - 1], by linear interpolation. */
double aug_sample_at (const float *src, size_t len, size_t n_ch, size_t c, double pos);

/* Population standard deviation of every channel over all valid, non-NaN
 * values of ds (two-pass, in double). out[n_channels]; 0 for a channel with
 * fewer than two such values. */
void aug_channel_sd (const TdDataset *ds, double *out);

/* A GError for a cancelled call, prefixed with the plugin name. */
gboolean aug_cancelled (const char *who, GError **error);

G_END_DECLS
