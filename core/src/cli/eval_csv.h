/* eval_csv.h — the CSV reader behind `tundish eval`, on its own so the
 * fuzzer (tests/fuzz/fuzz_eval_csv.c) and tests can call it. */
#pragma once

#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

typedef struct {
  char *path;            /* as given, for messages */
  GArray *y, *a, *b;     /* of double; b is NULL without a score_b column */
} TdEvalData;

void td_eval_data_clear (TdEvalData *d);

/* Parse a label,score[,score_b] CSV held in text[0..len): RFC 4180 (quoted
 * headers and fields), columns in any order, case-insensitive names, blanks
 * around fields and empty lines ignored. name is used in messages ("FILE:
 * LINE: ..."). FALSE with error on the first problem; d is then partly
 * filled and must still be cleared. */
gboolean td_eval_csv_parse (const char *text, gsize len, const char *name, TdEvalData *d,
                            GError **error);

/* What `tundish eval` reads at most before it refuses its input. */
typedef struct {
  gsize max_bytes;       /* the whole input (default TD_EVAL_MAX_MB MB, --max-input-mb) */
  gsize max_line;        /* one line (default TD_EVAL_MAX_LINE bytes, --max-line) */
} TdEvalLimits;
#define TD_EVAL_MAX_MB 1024
#define TD_EVAL_MAX_LINE 65536

/* Read stream to its end into *text (NUL-terminated, *len bytes), or fail
 * as soon as a NUL byte, a line longer than limits->max_line or more than
 * limits->max_bytes bytes in all show it is not a CSV to evaluate. name
 * names the input in messages. */
gboolean td_eval_csv_read (FILE *stream, const char *name, const TdEvalLimits *limits,
                           char **text, gsize *len, GError **error);

G_END_DECLS
