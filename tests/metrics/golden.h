/* golden.h — reading the golden metric cases (tests/golden/metrics) in tests. */
#pragma once

#include <glib.h>

typedef struct {
  char *name;
  double value;
} GoldenValue;

typedef struct {
  char *name;            /* "tiny_ties" */
  char *csv_path;
  size_t n;
  double *y, *a, *b;     /* b is NULL when the case has no score_b column */
  GArray *expected;      /* of GoldenValue, in file order */
} GoldenCase;

/* Every NAME.csv with its NAME.expected under dir, sorted by name. */
GPtrArray *golden_load_dir (const char *dir, GError **error);
void golden_case_free (GoldenCase *c);
/* The expected value of a metric, or FALSE when the case does not list it. */
gboolean golden_expected (const GoldenCase *c, const char *name, double *value);
/* TRUE when got matches want to 1e-12 absolute (p-values: 1e-9 relative);
 * both NaN counts as a match. */
gboolean golden_close (const char *name, double want, double got);
