/* source_test_util.h — what the sources' tests share: files in a temporary
 * folder and a source run with parameters given as text. */
#pragma once

#include <tundish/tundish.h>

G_BEGIN_DECLS

/* The test's temporary folder (made on first use, removed by
 * test_dir_remove). */
const char *test_dir (void);
void test_dir_remove (void);
/* Write text to test_dir()/name (gzip-compressed when name ends in .gz);
 * returns the path. */
char *test_write (const char *name, const char *text);
/* Run td_plugin_descriptor(0)'s generate with its defaults overridden by
 * NULL-terminated name, value pairs (values as YAML text). */
TdDataset *test_load (GError **error, ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
