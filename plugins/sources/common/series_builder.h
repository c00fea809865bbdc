/* series_builder.h — series as they are read, into a TdDataset (plugin-private).
 *
 * Steps are appended one row (n_channels floats) at a time into one growing
 * buffer laid out series after series, which becomes the dataset's x without
 * a copy when every series has the same length, and is spread out in place
 * (last series first) when they differ: peak memory stays about the size of
 * the float32 data, not twice it.
 */
#pragma once

#include <tundish/dataset.h>

G_BEGIN_DECLS

typedef struct {
  size_t start, len;            /* rows */
  double y;                     /* target (or label code, see labels.h) */
  double partition;             /* 0 train, 1 test; NaN when the source has none */
  char *id, *group;             /* as written, or NULL */
} BuiltSeries;

typedef struct {
  size_t n_channels;
  float *x;                     /* [rows][n_channels] */
  double *y_step;               /* [rows] when per-step labels, else NULL */
  size_t rows, cap;
  GArray *series;               /* BuiltSeries */
  gboolean any_partition;
} SeriesBuilder;

void builder_init (SeriesBuilder *b, size_t n_channels, gboolean per_step);
void builder_clear (SeriesBuilder *b);
/* A new series starting at the next row; id/group copied (may be NULL). */
BuiltSeries *builder_begin (SeriesBuilder *b, const char *id, size_t id_len, const char *group,
                            size_t group_len, double partition);
/* Room for one more row of the current series; NULL when memory ran out. */
float *builder_row (SeriesBuilder *b, GError **error);
static inline BuiltSeries *
builder_current (SeriesBuilder *b)
{
  return &g_array_index (b->series, BuiltSeries, b->series->len - 1);
}

/* The dataset: x handed over (b is left empty), lengths when they differ,
 * series_id / group from the written ids and groups (their numbers when all
 * are integers, else their order of appearance, with the text kept as
 * metadata "id" / "group", role TD_META_INPUT), metadata "partition" when
 * any series has one, y_step when per step (y then the last valid step's
 * label). Takes class_names, also when it fails. */
TdDataset *builder_finish (SeriesBuilder *b, TdTask task, size_t n_classes, char **class_names,
                           char *const *channel_names, GError **error);

/* "train"/"test" or 0/1 as a partition value; FALSE otherwise. */
gboolean builder_partition_value (const char *s, size_t n, double *out);

G_END_DECLS
