/* html_sections.h — the sections of report.html after the header and data
 * (plugin-internal). Each appends a whole <section id="..."> or nothing when
 * the report has nothing for it, so the page lists only what was measured. */
#pragma once

#include "html_doc.h"

G_BEGIN_DECLS

/* The headline metric's best pipeline, the baseline, their test, the run. */
void html_section_glance (GString *out, const HtmlDoc *doc);
/* report->comparisons against the baseline, the correction stated. */
void html_section_significance (GString *out, const HtmlDoc *doc);
/* Anomaly detectors: FPR, recall, precision, F1 at each validation-calibrated
 * threshold method, against the plan's FPR < 0.05 (fpr_<method> metrics). */
void html_section_thresholds (GString *out, const HtmlDoc *doc);
/* The run's drift.csv (experiments with drift:): train against test per
 * split and channel summary, drifting rows marked. */
void html_section_drift (GString *out, const HtmlDoc *doc);
/* ROC, precision-recall and reliability diagrams from the predictions. */
void html_section_curves (GString *out, const HtmlDoc *doc);
/* One chart per reported training curve. */
void html_section_training (GString *out, const HtmlDoc *doc);
/* Top features per pipeline, when models report importance. */
void html_section_importance (GString *out, const HtmlDoc *doc);
/* Parameters that differ between pipelines (from the resolved config). */
void html_section_pipelines (GString *out, const HtmlDoc *doc);
/* Seconds per stage and trial wall times per pipeline, the run's data stage. */
void html_section_timing (GString *out, const HtmlDoc *doc);
/* "What drives the score": saliency heatmaps, channel shares, top time
 * windows and attention profiles per pipeline (report->saliency, attention). */
void html_section_drivers (GString *out, const HtmlDoc *doc);
/* Regression runs: per pipeline, test predictions against the true values
 * and the residuals, pooled over its trials. */
void html_section_regression (GString *out, const HtmlDoc *doc);
/* Confusion matrices summed over each pipeline's trials. */
void html_section_confusion (GString *out, const HtmlDoc *doc);
/* Seeds, versions, plugins, commit (manifest.yaml) and the configuration. */
void html_section_provenance (GString *out, const HtmlDoc *doc);

/* The resolved configuration in a collapsed block. */
void html_config_details (GString *out, const TdRunReport *r);
/* A p-value: 4 decimals, or m×10⁻ᵏ below 10⁻⁴; n/a for NaN. */
void html_pvalue (GString *out, double p);

G_END_DECLS
