/* json_line.h — one JSON object per line, for `--log-format json`
 * (core-internal; the event schema is in docs/robustness.md).
 *
 * A small writer rather than json-glib: events are flat objects of strings
 * and numbers (one nested object of metrics), and the core does not link a
 * JSON library. Strings are escaped as RFC 8259 says (", \, control
 * characters) after invalid UTF-8 is replaced, so any line parses; numbers
 * are %.17g in the C locale and non-finite ones are null. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  GString *s;
  gboolean need_comma;
} TdJson;

/* {"event":EVENT,"time":"<UTC ISO 8601, ms>" */
void td_json_begin (TdJson *j, const char *event);
void td_json_str (TdJson *j, const char *key, const char *value);   /* NULL: null */
void td_json_double (TdJson *j, const char *key, double value);
void td_json_int (TdJson *j, const char *key, gint64 value);
/* "key":{ ... } around further members */
void td_json_object_begin (TdJson *j, const char *key);
void td_json_object_end (TdJson *j);
/* Closes the object and writes it, newline included, to stderr in one call
 * (so lines from several threads never interleave), then frees it. */
void td_json_emit (TdJson *j);
/* The closed line ("...}\n"), for tests; frees the builder. */
char *td_json_finish (TdJson *j);
/* text as a JSON string literal, quotes included. */
void td_json_quote (GString *s, const char *text);

G_END_DECLS
