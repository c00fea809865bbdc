/* csv.h — RFC 4180 fields out and records in (core-internal).
 *
 * Every CSV file tundish writes itself (trial folders, training_curves.csv,
 * comparisons.csv, feature importance) goes through td_csv_field, and the
 * trial loader reads them back with td_csv_parse, so any string a plugin or
 * an experiment produces (commas, quotes, newlines, HTML) survives the round
 * trip unchanged.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Append text as one field: verbatim when it holds no comma, double quote,
 * CR or LF; otherwise in double quotes with inner quotes doubled. */
void td_csv_field (GString *out, const char *text);
/* A double as %.17g in the C locale (round-trips), nan, inf or -inf. */
void td_csv_double (GString *out, double v);
/* A duration in seconds to the nanosecond (%.9g): timings are not worth 17 digits. */
void td_csv_seconds (GString *out, double v);

/* Parse a whole CSV text into records: a GPtrArray of GStrv (free func set).
 * Quoted fields may hold commas, quotes ("") and line breaks; records end
 * with LF or CRLF; a final record without a line break counts; empty lines
 * are skipped. NUL bytes, an unterminated quote or text after a closing
 * quote are errors naming name and the line. */
GPtrArray *td_csv_parse (const char *text, gsize len, const char *name, GError **error);

/* A whole field as a double (g_ascii_strtod; nan and inf accepted). */
gboolean td_csv_parse_double (const char *text, double *out);

G_END_DECLS
