/* text_reader.h — delimited text for the data sources (plugin-private).
 *
 * Reads plain or gzip-compressed files through one large buffer (a gzip
 * file is inflated on a thread of its own, gz_pump.h), line by line, and splits each line into fields that point
 * into the buffer: no allocation per line or field. Blank lines and lines
 * starting with the comment character are skipped; line numbers count every
 * line of the file, so messages name the line a text editor shows.
 *
 * Every message is "FILE:LINE:COL: what was wrong; what was expected".
 */
#pragma once

#include <glib.h>
#include <zlib.h>

#include "gz_pump.h"

G_BEGIN_DECLS

#define SRC_ERROR (src_error_quark ())
GQuark src_error_quark (void);

typedef enum {
  DELIM_COMMA = ',',
  DELIM_TAB = '\t',
  DELIM_SEMICOLON = ';',
  DELIM_WHITESPACE = ' ',   /* runs of spaces and tabs; leading ones ignored */
} Delim;

typedef struct {
  char *path;
  gzFile gz;                   /* a plain file (zlib reads it through) */
  GzPump *pump;                /* or a compressed one */
  char *buf;
  size_t cap, len, pos;        /* buf[pos, len) not yet returned */
  gboolean eof;
  guint64 line_no;             /* of the current line (1-based) */
  guint64 next_line_no;
  char delim, decimal, comment;
  gboolean quotes;             /* "..." fields (CSV) */
  /* the current line's fields */
  char *line;                  /* start of the current line (NUL-terminated) */
  size_t n_fields, cap_fields;
  char **field;                /* NUL-terminated, inside buf */
  guint32 *field_len;
  guint32 *field_col;          /* 1-based byte column */
  guint32 end_col;             /* column just after the last character */
} TextReader;

gboolean text_reader_open (TextReader *r, const char *path, char delim, char decimal,
                           char comment, GError **error);
void     text_reader_close (TextReader *r);
/* The next data line, split: 1; 0 at the end of the file; -1 on an error (set). */
int      text_reader_next (TextReader *r, GError **error);
/* The next raw line (no comment/blank skipping, no splitting), for formats
 * with their own header syntax (.ts); NULL at the end or on error. */
char    *text_reader_next_raw (TextReader *r, GError **error);

/* Set error to "PATH:LINE:COL: <message>" at field k (k == n_fields: the
 * end of the line). Returns FALSE. */
gboolean text_reader_fail (const TextReader *r, size_t k, GError **error, const char *fmt, ...)
  G_GNUC_PRINTF (4, 5);

/* The delimiter a file name implies (.csv ',', .tsv/.tab tab, .txt/.dat
 * whitespace; a trailing .gz ignored); ',' when none does. */
char text_delim_for_path (const char *path);

/* Parse a whole field as a decimal number with the given decimal point.
 * Gives exactly strtod's (correctly rounded) double: a fast exact path for
 * up to 19 significant digits and powers of ten up to 22, strtod itself
 * (locale-independent) otherwise. Leading/trailing spaces are allowed. */
gboolean parse_number (const char *s, size_t n, char decimal, double *out);

/* A time field: a number, or an ISO 8601 date-time
 * "YYYY-MM-DD[T| ]hh:mm[:ss[.fff]][Z|±hh:mm]" (or a date alone), as seconds
 * since 1970 (UTC). Only compared, to check that time never goes back. */
gboolean parse_time (const char *s, size_t n, char decimal, double *out);

/* NA tokens: a NULL-terminated list; "" in it matches an empty field. */
gboolean is_na (const char *s, size_t n, const char *const *na);

G_END_DECLS
