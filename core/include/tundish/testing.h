/* tundish/testing.h — what a plugin's tests need: parameters from key/value
 * text and small datasets of every task.
 *
 * Who calls it: test programs (a plugin's test_<name>.c, in tree or out of
 * tree, and tundish-plugin-check). Never a plugin, and never a run: nothing
 * here is part of an experiment.
 *
 * What it promises:
 * - Parameters are checked against the plugin's specs the way the experiment
 *   loader checks YAML (unknown names with a did-you-mean, type, range,
 *   choices, required parameters), and every failure is a GError naming the
 *   plugin and the key, never an assertion, so a test can check refusals too.
 * - A dataset is a pure function of its options: the same options give the
 *   same bytes on every machine and every call (GLib's GRand, seeded).
 *   Missing values and ragged lengths come from their own streams, so turning
 *   them on changes nothing else.
 * - The class (or target) is learnable: a model that cannot beat chance on
 *   these data is broken, not unlucky.
 *
 * It lives in libtundish (so `pkg-config --libs tundish` is all a test needs)
 * and uses no test framework: pair it with GLib's g_test_* or anything else.
 */
#pragma once

#include <glib.h>
#include <stdarg.h>

#include <tundish/dataset.h>
#include <tundish/params.h>
#include <tundish/plugin.h>

G_BEGIN_DECLS

/* The descriptor's defaults with "key=value" settings applied in order
 * (NULL-terminated, may be NULL; the value is YAML scalar or flow-list text:
 * "depth=3", "stats=[mean, max]"). Fails when a key is unknown, a value does
 * not fit its spec, or a required parameter is still unset. */
TdParams *td_testing_params_strv (const TdPluginDescriptor *desc, const char *const *settings,
                                  GError **error);

/* The same with the settings as name, value pairs ending with NULL:
 *   td_testing_params (desc, &error, "depth", "3", "eta", "0.1", NULL); */
TdParams *td_testing_params (const TdPluginDescriptor *desc, GError **error, ...)
  G_GNUC_NULL_TERMINATED;
/* The same for a test helper that takes the pairs as its own "...". */
TdParams *td_testing_params_valist (const TdPluginDescriptor *desc, GError **error,
                                    va_list pairs);

/* The descriptor's example_params (values for required parameters, small
 * sizes, few epochs), then extra settings (NULL-terminated, may be NULL). */
TdParams *td_testing_params_example (const TdPluginDescriptor *desc, const char *const *extra,
                                     GError **error);

/* Options of a small dataset; zero fields take the default shown. */
typedef struct {
  TdTask task;              /* 0: TD_TASK_BINARY */
  size_t n_series;          /* 0: 60 */
  size_t n_steps;           /* 0: 24; 1 makes a feature matrix */
  size_t n_channels;        /* 0: 3 */
  size_t n_classes;         /* multiclass only; 0: 3 */
  guint64 seed;             /* any value, 0 included */
  gboolean ragged;          /* lengths[s] between n_steps / 2 and n_steps, padding 0 */
  double missing;           /* this share of valid values is NaN, in [0, 1) */
} TdTestingData;

/* A dataset of the given task:
 * - x: uniform noise in [-1, 1] on every channel, named "sensor_<c>";
 * - binary: y = 1 for every third series (s % 3 == 0), channel 0 raised by
 *   1.5 over its valid steps; anomaly: the same with every fifth series
 *   abnormal; multiclass: y = s % n_classes, channel (y % n_channels) raised
 *   by 1.5; regression: channel 0 raised by a level a ~ U(-1, 1) and
 *   y = 2a (no noise);
 * - class names "normal"/"defect" (binary, anomaly) or "class_<k>";
 * - series_id s, group s / 4; metadata inputs "load" (numeric) and "recipe"
 *   (text), and "severity" = y × load, a TD_META_TARGET column that
 *   td_dataset_hide_labels removes.
 * Fails only when the options are out of range or memory cannot be had. */
TdDataset *td_testing_dataset (const TdTestingData *opts, GError **error);

/* TRUE when a and b hold the same bytes: shape, task, x (NaN compares by
 * bits), y, lengths, ids, groups, channel names, metadata and its roles. Otherwise FALSE
 * with the first difference ("x[series 3, step 5, channel 1]: 0.25 vs 0.5"). */
gboolean td_testing_dataset_equal (const TdDataset *a, const TdDataset *b, GError **error);

G_END_DECLS
