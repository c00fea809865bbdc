/* html_chart.h — an inline SVG dot plot of one metric (plugin-internal). */
#pragma once

#include <tundish/plugin.h>

G_BEGIN_DECLS

typedef struct {
  const char *label;               /* "pipeline" or "pipeline[variant]" */
  const TdSummaryRow *summary;     /* of the charted metric, or NULL */
  gboolean baseline;
} ChartRow;

/* One row per pipeline: every trial's value as a faint dot, the mean as a
 * solid one, a whisker for ± sd. Appends nothing when no value is finite. */
void html_chart (GString *out, const TdRunReport *report, const char *metric,
                 const ChartRow *rows, size_t n_rows);

G_END_DECLS
