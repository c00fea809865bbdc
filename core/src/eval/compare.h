/* compare.h — statistical comparisons of pipelines against the baseline,
 * computed from the trials' stored predictions (core-internal). */
#pragma once

#include "config/config.h"

G_BEGIN_DECLS

/* Appends TdComparisonRow values (strings owned by `strings`, a GStringChunk
 * the caller frees) for every pipeline label vs exp->baseline and every test
 * in exp->compare_tests on every metric where the test applies. The design
 * (holdout repeats, k-fold, repeated k-fold) is read from exp->split and
 * exp->repeats. Returns TRUE with no rows when there is no baseline. */
/* The tests compare.tests may name, NULL-terminated. */
extern const char *const td_compare_test_names[];

gboolean td_compare_pipelines (const TdExperiment *exp, const TdRunReport *report,
                               GArray *rows, GStringChunk *strings, GError **error);

G_END_DECLS
