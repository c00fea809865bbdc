/* steel_recalib.h — a sensor recalibration applied to finished casts.
 *
 * The last `fraction` of the casts (by series id: the casts after the
 * recalibration date) read one channel with a gain about the sensor's nominal
 * level and an offset: v' = base + gain (v - base) + offset. It runs after
 * each cast's label is decided, so the process and the labels are unchanged:
 * only what the sensor reports moves (data drift, not concept drift). The
 * shifted values are not clipped to the sensor range (a recalibrated sensor
 * has a new range). docs/generators/steel_casting.md describes it.
 */
#pragma once

#include <tundish/dataset.h>

/* Mark the last round(fraction n_series) series in flags (1, others 0) and,
 * when apply, shift their channel. Returns how many were marked. */
size_t steel_recalibrate (TdDataset *ds, size_t channel, double base, double fraction,
                          double offset, double gain, gboolean apply, double *flags);
