/* tundish/io.h — output files that appear whole or not at all, and CSV that
 * reads back exactly what was written.
 *
 * Every file tundish and its plugins write into a run folder (tables, the
 * report, model files, saved feature state) goes through the writers below:
 * the bytes go to a temporary file beside the final name (".<name>.tmp-…"),
 * are flushed to disk (fsync), renamed over the final name, and the folder is
 * flushed so the rename survives a power cut. A reader, a resumed run or a
 * crash therefore sees either the previous complete file or the new complete
 * file, never a torn one; a failed or abandoned write leaves the previous file
 * untouched and no temporary file behind. GLib's set-contents helper and
 * g_key_file_save_to_file() do not promise this (they fsync only on some
 * filesystems and not the folder), so plugins must not use them for outputs.
 * Errors are G_FILE_ERROR and name the final path and the reason (permission,
 * no space, not a folder).
 *
 * The CSV helpers write RFC 4180 (a field is quoted only when it holds a
 * comma, a double quote, CR or LF; records end with LF) and doubles with
 * %.17g in the C locale, so every value reads back bit for bit; non-finite
 * values are spelled nan, inf and -inf (pandas and R read them). The reader
 * accepts everything the writer writes, and what spreadsheets write: quoted
 * headers ("label","score"), quoted fields holding commas, quotes and line
 * breaks, CRLF, a UTF-8 byte-order mark. It never strips blanks: a caller
 * that tolerates " score " strips the fields itself.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ------------------------------------------------------- atomic writers */

/* A whole buffer: write len bytes (len < 0: strlen) to path atomically.
 * Both writers create the parent folder when missing. */
gboolean td_file_write_atomic (const char *path, const char *data, gssize len, GError **error);

/* A file written piece by piece (large CSVs, HTML). Writes are buffered;
 * the first failure is kept and reported by commit, so a writer can write
 * everything and check once. commit flushes, renames into place and frees
 * the file; abort (or the g_autoptr cleanup of a file never committed)
 * removes the temporary file and leaves the previous file as it was. */
typedef struct TdAtomicFile TdAtomicFile;

TdAtomicFile *td_atomic_file_open   (const char *path, GError **error);
/* len < 0: strlen. FALSE once the file has failed (the error waits for commit). */
gboolean      td_atomic_file_write  (TdAtomicFile *file, const char *data, gssize len);
/* printf in the current locale: format numbers that must read back with
 * the td_csv_* helpers into a GString and write that. */
gboolean      td_atomic_file_printf (TdAtomicFile *file, const char *format, ...)
  G_GNUC_PRINTF (2, 3);
gboolean      td_atomic_file_commit (TdAtomicFile *file, GError **error);
void          td_atomic_file_abort  (TdAtomicFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdAtomicFile, td_atomic_file_abort)

/* For writers that create the file themselves (HDF5, a library's own save):
 * a fresh temporary name beside path (nothing created), then commit to flush
 * it and rename it into place. On failure commit removes tmp; a writer that
 * fails before commit removes tmp itself (g_unlink). */
char    *td_file_temp_name (const char *path);
gboolean td_file_commit (const char *tmp, const char *path, GError **error);

/* ---------------------------------------------------------- CSV writing */

/* Append text as one field: verbatim when it holds no comma, double quote,
 * CR or LF (and does not start with a byte-order mark); otherwise in double
 * quotes with inner quotes doubled. NULL is the empty field. */
void td_csv_field (GString *out, const char *text);
/* A double as %.17g in the C locale (reads back to the same bits, -0 kept),
 * or nan, inf, -inf. */
void td_csv_double (GString *out, double v);
/* A float as %.9g (enough to read back the same float); non-finite as above. */
void td_csv_float (GString *out, float v);
/* A duration in seconds to the nanosecond (%.9g): timings are not worth 17 digits. */
void td_csv_seconds (GString *out, double v);

/* ---------------------------------------------------------- CSV reading */

/* Records one at a time from text[0..len) (not copied: it must outlive the
 * reader). name is the file name used in messages ("NAME:LINE: ..."). */
typedef struct TdCsvReader TdCsvReader;

TdCsvReader *td_csv_reader_new  (const char *text, gsize len, const char *name);
void         td_csv_reader_free (TdCsvReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdCsvReader, td_csv_reader_free)
/* The next record as a NULL-terminated array of fields (g_strfreev), or NULL
 * at the end (error unset) or on malformed input (error set: a NUL byte, a
 * quote never closed, text after a closing quote). Empty lines are skipped;
 * records end with LF or CRLF; a final record without a line break counts. */
char       **td_csv_reader_next (TdCsvReader *reader, GError **error);
/* The line on which the record last returned begins (1-based). */
guint        td_csv_reader_line (const TdCsvReader *reader);

/* Every record of text: a GPtrArray of GStrv (free func set), or NULL with
 * the first error. */
GPtrArray *td_csv_parse (const char *text, gsize len, const char *name, GError **error);

/* A whole field as a double (C locale; nan, inf, -inf accepted; no blanks). */
gboolean td_csv_parse_double (const char *text, double *out);

G_END_DECLS
