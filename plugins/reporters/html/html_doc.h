/* html_doc.h — what every section of report.html shares (plugin-internal):
 * the pipeline × metric summary table, the baseline, the headline metric and
 * the pipelines drawn in charts with their colours. Built once per report. */
#pragma once

#include <tundish/plugin.h>

G_BEGIN_DECLS

typedef struct {
  const TdRunReport *r;
  GPtrArray *labels;              /* char*, owned: "pipeline" or "pipeline[variant]" */
  GPtrArray *metrics;             /* const char*, borrowed from the report */
  const TdSummaryRow **cells;     /* [row * n_metrics + col] or NULL */
  gboolean *baseline;             /* [row] */
  gint headline;                  /* column of the first ranked metric with a value, or -1 */
  /* Rows drawn in charts, in table order: every row when they fit the
   * palette, else the baseline and the best by the headline metric. */
  GArray *plotted;                /* guint row indices */
  const char **colour;            /* [row] borrowed palette entry, NULL when not plotted */
} HtmlDoc;

void html_doc_init (HtmlDoc *doc, const TdRunReport *r);
void html_doc_clear (HtmlDoc *doc);

/* Row of a label, or -1. */
gint html_doc_row (const HtmlDoc *doc, const char *label);
/* Row of (pipeline, variant) as reporters receive them, or -1. */
gint html_doc_row_of (const HtmlDoc *doc, const char *pipeline, const char *variant);
const TdSummaryRow *html_doc_cell (const HtmlDoc *doc, guint row, guint col);
/* Column of a metric, or -1. */
gint html_doc_metric (const HtmlDoc *doc, const char *metric);

/* Does label name the baseline ("name" or "name[variant]")? */
gboolean html_is_baseline (const char *label, const char *baseline);

/* Half-width of the t-based 95 % confidence interval of a mean over n
 * values with sample sd: t(0.975, n - 1) · sd / √n; NaN when n < 2. */
double html_ci95_half (double sd, size_t n);

/* A legend of the plotted pipelines (a line of colour swatches), with a
 * note when some rows are not drawn. */
void html_legend (GString *out, const HtmlDoc *doc);

G_END_DECLS
