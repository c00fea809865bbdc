/* html_util.h — escaping and number formatting for the html reporter
 * (plugin-internal); a metric's direction is tundish/metrics.h's td_metric_direction. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Append s with & < > " ' escaped; invalid UTF-8 and control characters
 * (other than tab and newlines) become U+FFFD. NULL appends nothing. */
void html_escape (GString *out, const char *s);
/* html_escape of s cut to max_chars characters (the last one then "…"),
 * for labels inside charts; invalid UTF-8 made valid first. */
void html_escape_cut (GString *out, const char *s, int max_chars);
/* printf, then html_escape the result. */
void html_escapef (GString *out, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

/* A metric value for a table: 3 decimals in [0.001, 100) (differences in
 * the fourth are noise next to any sd, and seven metric columns must fit the
 * page), 1 decimal (none when whole) up to 1e6, scientific elsewhere; n/a for
 * NaN. Locale independent, with a typographic minus. */
void html_number (GString *out, double v);
/* An integer with thousands separators: 1,200. */
void html_count (GString *out, guint64 n);

/* One <dt>term</dt><dd>value</dd> line; value escaped, in <code> when
 * code; "not recorded" when NULL or empty. */
void html_fact (GString *out, const char *term, const char *value, gboolean code);

/* "pipeline" or "pipeline[variant]" (variant NULL or empty: no brackets),
 * the label report->pipelines uses. Caller frees. */
char *html_label (const char *pipeline, const char *variant);

/* Into how many equal parts the time axis of a heatmap of n_bins is ticked
 * (html_interpret.c): 4, 6, 5 or 3 when it divides n_bins, else 4. */
guint html_tick_parts (guint n_bins);

G_END_DECLS
