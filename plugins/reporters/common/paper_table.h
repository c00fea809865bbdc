/* paper_table.h — the pipeline × metric table of a paper or a review, shared
 * by the latex and markdown reporters (plugin-internal: a static library
 * both link, see meson.build here).
 *
 * Rows are pipelines in the experiment's order, columns the ranked metrics
 * but the confusion counts (or those asked for). A cell holds mean ± sd over
 * trials; the best mean per column (direction: td_metric_direction, as in
 * every reporter; after rounding to the shown decimals, so equal-looking
 * values are all bold) is marked; a cell of a pipeline other than the baseline gets
 * significance marks from one comparison against the baseline on that metric
 * in report->comparisons: * p < 0.05, ** p < 0.01, *** p < 0.001, using the
 * adjusted p-value when there is one. The comparison is the named test when
 * one is asked for; otherwise PAPER_PREFERRED_TEST (the corrected resampled
 * t-test over the trials, the test that matches a mean over trials) when it
 * covers the metric, else the first test the report lists for it. */
#pragma once

#include <tundish/metrics.h>
#include <tundish/plugin.h>

G_BEGIN_DECLS

typedef struct {
  const TdSummaryRow *summary;      /* NULL: no value */
  gboolean best;
  int stars;                        /* 0..3 */
  const TdComparisonRow *comparison; /* the test behind the stars, or NULL */
} PaperCell;

typedef struct {
  GPtrArray *labels;                /* char*, owned: row labels */
  gboolean *baseline;               /* [row] */
  GPtrArray *metrics;               /* const char*, borrowed */
  PaperCell *cells;                 /* [row * n_metrics + col] */
  int decimals;
  size_t n_min, n_max;              /* trials behind the means shown */
  /* Distinct (test, correction) pairs behind the marks, first-seen order. */
  GPtrArray *tests;                 /* const TdComparisonRow* representatives */
  gboolean any_comparison;          /* report->comparisons had a row vs the baseline */
} PaperTable;

#define PAPER_PREFERRED_TEST "ttest"

/* metrics: names to show (NULL or empty: every ranked metric of the report);
 * test: the test behind the marks (NULL or empty: see above). */
void paper_table_build (PaperTable *t, const TdRunReport *r, const char *const *metrics,
                        size_t n_metrics, int decimals, const char *test);
void paper_table_clear (PaperTable *t);

/* value with t->decimals decimals, C locale, into buf. "-0.000" prints as
 * "0.000". */
const char *paper_format (const PaperTable *t, double value, char *buf, size_t size);

/* A comparison's correction, "none" when it has none. */
const char *paper_correction (const TdComparisonRow *c);
/* The distinct corrections of t->tests, first-seen order (borrowed strings). */
GPtrArray *paper_table_corrections (const PaperTable *t);

/* "pipeline" or "pipeline[variant]". Caller frees. */
char *paper_label (const char *pipeline, const char *variant);

G_END_DECLS
