/* run_output.h — what a run leaves in its folder (core-internal). */
#pragma once

#include "data_check.h"
#include "experiment.h"
#include "trial.h"

G_BEGIN_DECLS

typedef struct {
  const TdExperiment *exp;
  const TdDataset *data;        /* NULL in the manifest written when the run starts */
  const char *run_dir;
  GPtrArray *splits;            /* per repeat: GPtrArray of TdSplit*; NULL likewise */
  TdTrial *trials;
  size_t n_trials;
  GDateTime *started, *finished;   /* finished: NULL while running */
  const char *command_line;
  const char *const *overrides;
  int jobs, threads_per_trial;
  const char *status;           /* "running", "stopped" (--fail-fast), "finished" */
  const char *isolation;        /* "fork" (a worker process per trial) or "none" */
  double trial_timeout;         /* seconds; 0: none */
  int trial_memory_mb;          /* 0: none */
  TdDataPolicy data_policy;
  const TdDataQuality *quality; /* NULL until the data is checked */
  const char *const *resumed;   /* UTC times of each --resume, NULL-terminated, may be NULL */
  const char *const *plugin_dirs;   /* --allow-plugin-path folders, may be NULL */
  gboolean skip_manifest;       /* `tundish report`: the run's manifest stays as it is */
  /* Run-level stage times (timings.csv): loading or generating the data, and
   * writing the run's outputs. 0: not known (report_seconds 0: measured while
   * writing). `tundish report` passes the run's own, read back. */
  double data_seconds, report_seconds;
} TdRunMeta;

/* trials/<pipeline>/r<R>-f<F>/{predictions,valid_predictions,curves,
 * importance,trial,metrics}.csv, each written atomically when the trial
 * ends, metrics.csv last (trial_io.c has the format). */
gboolean td_run_write_trial (const char *run_dir, const TdExperiment *exp, const TdTrial *t,
                             GError **error);
/* Read a finished trial back from its folder (t->pipeline, repeat, fold
 * set by the caller): metrics, predictions, curves, importance, seeds and
 * time, or its failure. FALSE (t left cleared) when the trial has not
 * finished or its files do not parse (used by the runner, by resume and by
 * `tundish report`). */
gboolean td_trial_load (const char *run_dir, const TdExperiment *exp, TdTrial *t, GError **error);

/* predictions.h5, training_curves.csv, feature importance, comparisons.csv,
 * every reporter, then manifest.yaml (status from meta) last — so a
 * manifest saying "finished" means every other output is complete. */
gboolean td_run_write_outputs (const TdRunMeta *meta, GError **error);

/* One past the last of the trials sharing trials[k]'s pipeline label
 * (trials sorted by td_trial_cmp): the groups every summary is made of. */
guint td_run_label_end (GPtrArray *trials, guint k);

/* run_interpret.c: saliency.csv, attention.csv (a row per trial, class,
 * [channel] and time bin) and their *_summary.csv over trials, when some
 * trial has maps; rows (TdInterpretRow) get the summaries for reporters. */
gboolean td_run_write_interpret (const TdRunMeta *m, GPtrArray *trials, GArray *saliency,
                                 GArray *attention, GStringChunk *strings, GError **error);
/* confusion.csv (a row per trial, true and predicted class), multiclass by
 * arg-max, binary from the tp/fp/tn/fn metrics when the experiment has them;
 * rows (TdConfusionRow) get the sums per pipeline. */
gboolean td_run_write_confusion (const TdRunMeta *m, GPtrArray *trials, GArray *rows,
                                 GStringChunk *strings, GError **error);

/* run_timings.c: rows (TdStageTime) of the trials' stages (all trials, or
 * the successful ones only: what reporters get, like their wall times),
 * then the run's "data" stage (never "report": a reporter cannot show its
 * own time). */
void td_run_timing_rows (const TdRunMeta *m, GPtrArray *trials, gboolean ok_only, GArray *rows);
/* timings.csv: pipeline,variant,repeat,fold,stage,seconds — the rows above,
 * then "report" (report_seconds); run-level rows have empty pipeline,
 * variant, repeat and fold. */
gboolean td_run_write_timings (const TdRunMeta *m, GPtrArray *trials, double report_seconds,
                               GError **error);
/* The run-level data and report seconds of an existing timings.csv (0
 * each when absent), so `tundish report` keeps the run's own. */
void td_run_read_timings (const char *run_dir, double *data_seconds, double *report_seconds);

/* manifest.yaml alone (atomically): at the start of a run (status running,
 * no data yet: what resume needs), and at its end. */
gboolean td_run_write_manifest (const TdRunMeta *meta, GError **error);

/* What resume and `tundish report` read back from a manifest. */
typedef struct {
  char *experiment_file;        /* absolute */
  char *config_hash;
  char *config;                 /* the resolved configuration text */
  char *status;
  char *command;                /* the command line that started the run */
  char *started, *finished;     /* ISO 8601; finished NULL while running */
  char *data_policy;
  GStrv overrides;              /* never NULL */
  GStrv resumed;                /* never NULL */
  GStrv data_files;             /* "param=sha256" of each data file; never NULL */
} TdManifestInfo;

gboolean td_manifest_read (const char *run_dir, TdManifestInfo *info, GError **error);
void td_manifest_info_clear (TdManifestInfo *info);

G_END_DECLS
