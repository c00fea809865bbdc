/* table_reader.h — delimited tables into a SeriesBuilder (source-private):
 * the options, read once from the parameters by the table source (or set by
 * the ucr source for the archive's .tsv), the wide reader (table_wide.c,
 * shared) and the long reader (the table source's table_long.c). Every
 * parameter is in docs/data-sources.md. */
#pragma once

#include <tundish/tundish.h>

#include "labels.h"
#include "series_builder.h"
#include "text_reader.h"

G_BEGIN_DECLS

typedef struct {
  char delim, decimal, comment;
  gboolean header;
  const char *const *columns;   /* names for a file without a header */
  size_t n_columns;
  const char *const *na;
  /* long layout: column names ("" = none) */
  const char *id, *time, *label, *group, *partition;
  const char *const *channels;  /* empty: every other numeric column */
  size_t n_channels;
  gboolean label_per_step;
  /* wide layout: the leading fields' roles (label, id, group, partition, skip) */
  const char *const *leading;
  size_t n_leading;
} TableOptions;

typedef struct {
  TableOptions o;
  LabelSet labels;
  SeriesBuilder b;
  gboolean started;             /* b initialised (the channel count is known) */
  GPtrArray *channel_names;     /* char*, fixed by the first file */
  GPtrArray *first_columns;     /* long: the first file's column names */
  char *first_path;
} Table;

/* Read one file into t; partition: 0 train, 1 test, NaN none (a column may
 * still give it). */
gboolean table_read_long (Table *t, const char *path, double partition, GError **error);
/* Wide: channel c of the series (c > 0: the same rows as channel 0's file). */
gboolean table_read_wide (Table *t, const char *path, size_t channel, size_t n_channels,
                          double partition, GError **error);

G_END_DECLS
