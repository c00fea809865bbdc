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
 * covers the metric, else the first test the report lists for it. When the
 * core computed bootstrap intervals (report->summary_ci), each cell carries
 * its own, shown after mean ± sd as "[low, high]" like the html report's. */
#pragma once

#include <tundish/metrics.h>
#include <tundish/plugin.h>

G_BEGIN_DECLS

typedef struct {
  const TdSummaryRow *summary;      /* NULL: no value */
  gboolean best;
  int stars;                        /* 0..3 */
  const TdComparisonRow *comparison; /* the test behind the stars, or NULL */
  const TdSummaryInterval *boot;    /* its bootstrap interval, or NULL: none computed */
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
  size_t boot_samples;              /* resamples behind the intervals shown; 0: none shown */
  double boot_level;                /* their level, e.g. 0.95 */
  gboolean boot_grouped;            /* the resamples were clustered by group */
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

/* " [low, high]": the cell's bootstrap interval, each bound written by the
 * format's number (its own minus sign); nothing when the cell has none. */
void paper_interval (GString *out, const PaperTable *t, const PaperCell *c,
                     void (*number) (GString *out, const PaperTable *t, double v));
/* The footnote's sentence on the intervals, percent written as the format
 * needs ("%", "\\%"); NULL when no cell has one. Caller frees. */
char *paper_interval_note (const PaperTable *t, const char *percent);

/* How a format writes the words of the footnote: the same sentences in
 * LaTeX and Markdown, so they are written once (paper_footnote). */
typedef struct {
  const char *opening;          /* before "Mean", e.g. "\n" or "\\par..." */
  const char *pm, *range_dash;  /* "±", "–" */
  const char *up, *down;        /* the direction arrows */
  const char *percent;          /* "%" or "\\%" */
  const char *stars;            /* "* p < 0.05, ** p < 0.01, *** p < 0.001" */
  const char *p;                /* the p-value symbol: "p" or "$p$" */
  void (*name) (GString *out, const char *s);   /* a pipeline or correction name */
  void (*test) (GString *out, const char *s);   /* a test's name */
} PaperSyntax;

/* "N trials" or "N–M trials" over the table's pipelines. */
void paper_trials_phrase (GString *out, const PaperTable *t, const PaperSyntax *sx);
/* The table's footnote: mean ± sd over how many trials, bold and arrows,
 * the intervals (paper_interval_note), and the tests against the baseline
 * grouped by their correction; ends with a newline. */
void paper_footnote (GString *out, const PaperTable *t, const TdRunReport *r,
                     const PaperSyntax *sx);

/* "pipeline" or "pipeline[variant]". Caller frees. */
char *paper_label (const char *pipeline, const char *variant);

G_END_DECLS
