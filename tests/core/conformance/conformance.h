/* conformance.h — the checks of tundish-plugin-check, one set per kind.
 *
 * Every check takes one registered plugin, builds what it needs from the
 * descriptor alone (its example_params, td_testing_dataset), and reports a
 * broken promise with conf_fail, naming the plugin, the check and what was
 * seen; it returns at the first one. main.c runs each check in a forked
 * child, so a plugin that crashes, aborts or hangs fails that check only. */
#pragma once

#include <tundish/testing.h>
#include <tundish/tundish.h>

#include "plugin/registry.h"

G_BEGIN_DECLS

typedef void (*ConfCheckFunc) (const TdPluginEntry *en);
typedef struct {
  const char *name;        /* the last part of the test path */
  ConfCheckFunc func;
} ConfCheck;

/* Each kind's checks, ended by { NULL, NULL }. */
extern const ConfCheck conf_plugin_checks[];      /* every kind */
extern const ConfCheck conf_generator_checks[];
extern const ConfCheck conf_augment_checks[];
extern const ConfCheck conf_feature_checks[];
extern const ConfCheck conf_model_checks[];
extern const ConfCheck conf_evaluator_checks[];
extern const ConfCheck conf_reporter_checks[];

/* Marks the running check failed with "<kind> <name>: <check>: <message>"
 * on stderr. */
void conf_fail (const TdPluginEntry *en, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
void conf_set_check (const char *name);

/* Set when the running check was skipped (a data source without its files). */
extern gboolean conf_skipped;
/* FALSE (the check marked skipped, with the reason) when the plugin reads
 * files and TUNDISH_CHECK_DATA_DIR or its example_params do not name them. */
gboolean conf_can_run (const TdPluginEntry *en);

#define CONF_REQUIRE(en, cond, ...)                                                          \
  do {                                                                                       \
    if (!(cond))                                                                             \
      {                                                                                      \
        if (!conf_skipped)                                                                   \
          conf_fail ((en), __VA_ARGS__);                                                     \
        return;                                                                              \
      }                                                                                      \
  } while (0)
/* ok is the call's result, err its GError*; what says which call. */
#define CONF_REQUIRE_OK(en, ok, err, what)                                                   \
  CONF_REQUIRE ((en), (ok) && !(err), "%s failed: %s", (what),                              \
                (err) ? (err)->message : "it returned failure without a GError")

/* The plugin's example parameters, or NULL after conf_fail. */
TdParams *conf_params (const TdPluginEntry *en);
/* td_testing_dataset of a task, as a feature matrix or sequences. */
TdDataset *conf_data (TdTask task, gboolean matrix, guint64 seed, gboolean ragged,
                      double missing);
TdContext *conf_context (guint64 seed, int threads);
/* A copy of ds as the core hands it to transform and predict: labels NaN,
 * no TD_META_TARGET columns (td_dataset_hide_labels). */
TdDataset *conf_blind (const TdDataset *ds);
/* Rows [from, to) of ds. */
TdDataset *conf_rows (const TdDataset *ds, size_t from, size_t to);
/* A fresh temporary folder, and removing one with everything in it. */
char *conf_tmpdir (void);
void conf_rmtree (const char *dir);
/* Index of the first differing double (bitwise), or -1. */
gssize conf_first_difference (const double *a, const double *b, size_t n);

G_END_DECLS
