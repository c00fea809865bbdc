/* results_csv.h — reading a run's results.csv (experiment,pipeline,variant,
 * repeat,fold,metric,value; columns in any order, RFC 4180 quoting) for the
 * subcommands that work on finished runs. */
#pragma once

#include <glib.h>

typedef struct {
  char *experiment;             /* "" when the file has no experiment column */
  char *label;                  /* "pipeline" or "pipeline[variant]" */
  int repeat, fold;
  char *metric;
  double value;                 /* NaN for "nan" or an empty field */
} TdResultRecord;

/* The rows of PATH (a results.csv, or a run folder holding one), in file
 * order, as an array of TdResultRecord (cleared with its strings). Errors
 * name the file and line. */
GArray *td_results_csv_read (const char *path, GError **error);
