/* tundish/report.h — what a reporter plugin is given: a finished run.
 *
 * The runner fills one TdRunReport per run (and `tundish report` refills it
 * from a run folder), in a fixed order (pipeline label, repeat, fold), so a
 * reporter that writes what it is given in order produces the same bytes
 * for any -j, for a resumed run and for a rebuilt report. Everything is
 * owned by the caller and valid only during TdReporterVTable.write; a
 * reporter copies what it keeps. The struct grows at the end only (see the
 * ABI rule in tundish/plugin.h): fields added in a later minor are zero for
 * older cores, which refuse reporters built against a newer minor.
 */
#pragma once

#include <glib.h>

#include <tundish/dataset.h>

G_BEGIN_DECLS

typedef struct {
  const char *pipeline, *variant, *metric;
  int repeat, fold;
  double value;
} TdResultRow;

typedef struct {
  const char *pipeline, *variant, *metric;
  double mean, sd;
  size_t n;
} TdSummaryRow;

/* The intervals of one summary row: report->summary_ci[i] belongs to
 * report->summary[i]. Both at `level` (0.95); NaN where undefined.
 *   t:         mean ± t_{(1+level)/2, n-1} sd / sqrt(n) over the trials
 *              (n < 2: NaN); it treats the trials as independent.
 *   bootstrap: the percentile interval of boot_samples replicates, each the
 *              mean over the trials of the metric recomputed by the
 *              evaluators on a resample of that trial's test predictions,
 *              stratified by class and clustered by group when the split is
 *              grouped; every pipeline sees the same resamples (seeded from
 *              the master seed). It is the uncertainty from the finite test
 *              sets, for these fitted models. boot_samples 0: not computed.
 * docs/statistics.md states the method. */
typedef struct {
  double level;
  double t_low, t_high;
  double boot_low, boot_high;
  size_t boot_samples;
} TdSummaryInterval;

typedef struct {
  const char *pipeline, *variant;
  int repeat, fold;
  const char *message;
} TdFailedTrial;

/* One trial's test-split predictions (scores: n × n_outputs, series-major). */
typedef struct {
  const char *pipeline, *variant;
  int repeat, fold;
  size_t n, n_outputs;
  const gint64 *series_id;
  const double *y, *scores;
  double seconds;               /* the trial's wall time */
} TdTrialPredictions;

/* One point of a training curve reported by a model. */
typedef struct {
  const char *pipeline, *variant;
  int repeat, fold;
  const char *curve;            /* "train_loss", "valid_logloss", ... */
  int step;
  double value;
} TdCurveRow;

/* One feature's importance of one type, averaged over a pipeline's trials. */
typedef struct {
  const char *pipeline, *variant, *feature, *type;
  double mean, sd;
  size_t n;
} TdImportanceRow;

/* A statistical comparison of pipeline_a against pipeline_b (the baseline)
 * on one metric: estimate = a - b (or a statistic's natural effect size). */
typedef struct {
  const char *pipeline_a, *pipeline_b, *metric, *test;
  double estimate, statistic, p_value;
  const char *correction;       /* "none", "holm", ... */
  double p_adjusted;
} TdComparisonRow;

/* Time spent in one stage of one trial, or of the run (pipeline NULL,
 * repeat and fold -1: "data" is generating or loading the dataset). Trial
 * stages: split, augment, feature_fit, feature_transform_train,
 * feature_transform_valid, feature_transform_test, model_fit, model_predict,
 * save, interpret, evaluate, write; a stage that did not run has no row.
 * Wall-clock seconds: not deterministic, never part of results. */
typedef struct {
  const char *pipeline, *variant;
  int repeat, fold;
  const char *stage;
  double seconds;
} TdStageTime;

/* One cell of a pipeline's interpretation map, over its trials. Saliency:
 * the share of |input gradient| (TdModelVTable.explain) of test series of
 * one class falling on one channel and time bin; each trial's map sums to 1
 * over channels and bins. Attention (channel NULL): the share of attention
 * (TD_EXT_ATTENTION_MAP) received by the steps of one time bin, averaged over
 * query steps and series; sums to 1 over bins. Times are in steps of the
 * generated series (multiply by the sample period for seconds). */
typedef struct {
  const char *pipeline, *variant;
  int class_index;
  const char *class_name;       /* the dataset's class name, or the index as text */
  const char *channel;          /* NULL for attention */
  int time_bin;
  double t_start, t_end;        /* [t_start, t_end) in steps of the generated series */
  double mean, sd;              /* over the trials that had this class in test */
  size_t n;                     /* trials */
} TdInterpretRow;

/* A pipeline's confusion counts summed over its trials: multiclass by
 * arg-max, binary at the threshold the binary evaluator used (its tp, fp,
 * tn and fn metrics). */
typedef struct {
  const char *pipeline, *variant;
  const char *true_class, *predicted_class;
  int true_index, predicted_index;
  double count;
  size_t n;                     /* trials summed */
} TdConfusionRow;

/* Everything a reporter may show about a finished run. Grows at the end only. */
typedef struct {
  const char *experiment;
  const char *config_yaml;      /* resolved configuration */
  const char *config_hash;
  const char *run_dir;
  const char *started_utc, *finished_utc;
  const char *generator;        /* name */
  const TdDataset *data;        /* the full dataset (shape, labels, metadata) */
  const char *split_method;
  size_t n_train, n_valid, n_test;   /* of the first trial */
  const char *const *metrics;   /* NULL-terminated, in the experiment's order */
  const char *const *pipelines; /* NULL-terminated "pipeline" or "pipeline[variant]" */
  const char *baseline;         /* may be NULL */
  const TdResultRow *results;   size_t n_results;
  const TdSummaryRow *summary;  size_t n_summary;
  const TdFailedTrial *failed;  size_t n_failed;
  size_t n_trials;
  const char *tundish_version;
  /* since ABI 1.0, filled by the runner: */
  const TdTrialPredictions *predictions;  size_t n_predictions;  /* successful trials */
  const TdCurveRow *curves;               size_t n_curves;
  const TdImportanceRow *importance;      size_t n_importance;
  const TdComparisonRow *comparisons;     size_t n_comparisons;
  const char *const *compare_tests;       /* NULL-terminated, as in compare.tests */
  /* since ABI 1.1, filled by the runner (empty when there is nothing): */
  const TdStageTime *timings;             size_t n_timings;      /* successful trials, then run */
  const TdInterpretRow *saliency;         size_t n_saliency;     /* interpret: of the run */
  const TdInterpretRow *attention;        size_t n_attention;
  const TdConfusionRow *confusion;        size_t n_confusion;
  double sample_period;         /* seconds per step of the data (TD_EXT_SAMPLE_PERIOD); 0 unknown */
  /* since ABI 1.2, filled by the runner: */
  const TdSummaryInterval *summary_ci;    /* [n_summary], parallel to summary */
  /* since ABI 1.5: the bootstrap resampled whole groups (the split drew groups
   * whole: group_holdout, group_kfold, time_holdout, a grouped predefined) */
  gboolean summary_ci_grouped;
} TdRunReport;

G_END_DECLS
