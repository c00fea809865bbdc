/* ucr.h — the `ucr` source's .ts reader (plugin-private). */
#pragma once

#include "labels.h"
#include "series_builder.h"
#include "text_reader.h"

G_BEGIN_DECLS

typedef struct {
  LabelSet labels;              /* fixed by the first file's @classLabel */
  gboolean labels_ready;
  SeriesBuilder b;
  gboolean started;
  char *first_path;
} UcrTs;

/* Read one .ts file (sktime / UEA format) into u, checking every series
 * against the header: dimensions, lengths, missing values, class labels. */
gboolean ucr_read_ts (UcrTs *u, const char *path, double partition, GError **error);

G_END_DECLS
