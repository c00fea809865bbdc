/* export.h — what `tundish export` writes besides plain copies
 * (core/src/cli/export_data.c). */
#pragma once

#include <glib.h>

#include "config/config.h"

G_BEGIN_DECLS

/* predictions.csv (pipeline,variant,repeat,fold,series_id,label,score or
 * score_0..score_{k-1}) from a run's predictions.h5, one row per test
 * series of each trial, ordered by pipeline label, repeat, fold. *n_rows
 * gets the number of rows written. */
gboolean td_export_predictions (const char *h5_path, const char *csv_path, size_t *n_rows,
                                GError **error);

typedef enum {
  TD_EXPORT_DATA_NONE,
  TD_EXPORT_DATA_TEST,          /* series in at least one test split */
  TD_EXPORT_DATA_FULL,
} TdExportData;

typedef struct {
  size_t n_series, n_split_rows;
  gboolean signals_csv;         /* signals.csv written */
} TdExportDataInfo;

/* The run's dataset (reloaded from the generator cache, or generated
 * again, through the experiment as it was run) into dir: dataset.h5,
 * series.csv (one row per series: series_id, group, label, metadata) and
 * splits.csv (repeat, fold, series_id, part) for every split of the run;
 * signals.csv (series_id, step, one column per channel) when signals_csv.
 * data_policy: the run's (manifest's data_policy), NULL for the default, so
 * the data is checked and repaired exactly as the run's was. */
gboolean td_export_dataset (const TdExperiment *exp, const char *data_policy, TdExportData which,
                            gboolean signals_csv, const char *dir, TdExportDataInfo *info,
                            GError **error);

G_END_DECLS
