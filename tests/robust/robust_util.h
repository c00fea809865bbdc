/* robust_util.h — what the robustness tests share: running the real
 * `tundish` binary as a subprocess with the test plugins on its path, and
 * reading what it left behind. */
#pragma once

#include <glib.h>

/* 1 in an AddressSanitizer build: ASan reserves terabytes of address space
 * up front, so RLIMIT_AS (--trial-memory) cannot work there. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

G_BEGIN_DECLS

typedef struct {
  int status;           /* raw wait status */
  int exit_code;        /* -1 when killed by a signal */
  int signal;           /* the signal, or 0 */
  char *out, *err;
} RunResult;

void run_result_clear (RunResult *r);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RunResult, run_result_clear)

/* Set once from main(): argv[1] tundish, argv[2] test plugin folder,
 * argv[3] extra plugin folder (--allow-plugin-path test). Creates the
 * suite's temporary root (removed by util_finish). */
void util_init (int argc, char **argv);
void util_finish (void);
const char *util_tundish (void);
const char *util_plugins (void);
const char *util_extra_plugins (void);
const char *util_tmp (void);
/* A new empty folder under the temporary root. */
char *util_mkdir (const char *name);

/* Run tundish with args (NULL-terminated) and extra "VAR=value" environment
 * entries (NULL-terminated, may be NULL), TUNDISH_PLUGIN_PATH set to the
 * test plugins and TUNDISH_CACHE_DIR to the suite's cache. */
void util_run (RunResult *r, const char *const *args, const char *const *env);
/* The same, in working folder cwd. */
void util_run_in (RunResult *r, const char *cwd, const char *const *args, const char *const *env);

/* Write an experiment file; returns its path. */
char *util_write (const char *dir, const char *name, const char *text);

char *util_read (const char *path);           /* NULL when missing */
char *util_read2 (const char *dir, const char *name);
gboolean util_same_file (const char *a, const char *b);   /* both missing counts as same */
/* Every record of a CSV file (td_csv_parse), or fails the test. */
GPtrArray *util_csv (const char *dir, const char *name);
/* Index of the header field name in rows (from util_csv); fails the test without it. */
gint util_column (GPtrArray *rows, const char *name);
/* A CSV field as a number; fails the test unless the whole field is one. */
double util_num (const char *text);
/* Number of data records (header excluded) of a CSV file; -1 when missing. */
int util_csv_rows (const char *dir, const char *name);

/* The standard small experiment: robust_gen (60 series) with the given
 * pipelines YAML block (a list), stratified 3-fold, 2 repeats, binary
 * evaluator, csv + html reporters, compare against the first pipeline.
 * extra: more top-level YAML (may be ""). */
char *util_experiment (const char *dir, const char *name, const char *gen_params,
                       const char *pipelines, const char *extra);

G_END_DECLS
