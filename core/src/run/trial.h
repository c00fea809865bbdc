/* trial.h — one (pipeline variant × repeat × fold) and what it produced (core-internal). */
#pragma once

#include "config/config.h"
#include "data/split.h"

G_BEGIN_DECLS

typedef struct {
  char *name;
  int step;
  double value;
} TdCurvePoint;

typedef struct {
  char *feature;                /* input column name */
  const char *type;             /* "gain", "cover", ... (static in the plugin) */
  double value;
} TdImportance;

/* The timed stages of a trial, in the order they run (timings.csv names). */
typedef enum {
  TD_STAGE_SPLIT,               /* the trial's train / valid / test subsets */
  TD_STAGE_AUGMENT,
  TD_STAGE_FEATURE_FIT,         /* create + fit of every feature stage */
  TD_STAGE_FEATURE_TRAIN,       /* transform of the training split */
  TD_STAGE_FEATURE_VALID,
  TD_STAGE_FEATURE_TEST,
  TD_STAGE_MODEL_FIT,           /* create, fit, feature importance */
  TD_STAGE_MODEL_PREDICT,       /* test and validation predictions */
  TD_STAGE_SAVE,                /* the model and fitted feature state */
  TD_STAGE_INTERPRET,           /* saliency and attention maps */
  TD_STAGE_EVALUATE,
  TD_STAGE_WRITE,               /* the trial's folder (all but trial.csv and metrics.csv) */
  TD_N_STAGES
} TdTrialStage;

extern const char *const td_trial_stage_names[TD_N_STAGES];

/* Monotonic seconds (nanosecond resolution), for stage timings. */
double td_clock (void);

/* One cell of a trial's saliency map (channel set) or attention profile
 * (channel NULL): see interpret.h. */
typedef struct {
  int class_index;
  char *class_name;
  char *channel;
  int time_bin;
  double t_start, t_end;        /* steps of the generated series */
  double value;
  int n_series;                 /* test series of that class explained */
} TdInterpretCell;

typedef struct {
  /* what to run */
  const TdPipeline *pipeline;
  int repeat, fold;
  const TdSplit *split;
  guint64 model_seed;
  GArray *feature_seeds;        /* guint64 per feature stage, in order */
  /* what came out */
  gboolean done, ok;
  char *error;                  /* when !ok */
  double *metrics;              /* [exp->metrics->len], NaN where undefined */
  gboolean metrics_partial;     /* loaded without the metrics added after the run (NaN) */
  size_t n_test, n_outputs;
  gint64 *test_ids;
  double *test_y, *test_scores; /* [n_test], [n_test × n_outputs] */
  size_t n_valid;               /* validation predictions (0 without a valid split) */
  gint64 *valid_ids;
  double *valid_y, *valid_scores;
  GArray *curves;               /* TdCurvePoint */
  char *model_path;             /* relative to the run folder */
  GArray *importance;           /* TdImportance, when the model reports it */
  GArray *augmented;            /* gint64 per augment stage: series it added to train */
  gint progress_permille;       /* the running trial's own progress, 0..1000 (atomic) */
  gint *progress_slot;          /* when set, progress goes there instead (memory shared
                                 * with the runner when the trial runs in a worker) */
  double seconds;
  int index;                    /* position in the run's fixed trial order */
  double stage_seconds[TD_N_STAGES];
  guint32 stages_run;           /* bit per TdTrialStage that ran */
  GArray *saliency, *attention; /* TdInterpretCell, when the model explains (else NULL) */
  GArray *root_cause;           /* TdRootCauseRow (root_cause.h), when scored (else NULL) */
} TdTrial;

/* Add seconds to stage st of t (and mark it run). */
void td_trial_time (TdTrial *t, TdTrialStage st, double seconds);
/* Free a GArray of TdInterpretCell (NULL is fine). */
void td_interpret_cells_free (GArray *cells);

void td_trial_clear (TdTrial *t);

typedef struct {
  const TdExperiment *exp;
  const TdDataset *data;
  const char *run_dir;
  int threads;
  TdContext *parent;            /* carries the cancel flag */
} TdTrialEnv;

/* Run one trial; never raises: failures land in t->ok / t->error. */
void td_trial_run (const TdTrialEnv *env, TdTrial *t);

/* The experiment's metrics of a trial from its stored predictions (test and,
 * when present, validation): what td_trial_run computes after predicting, and
 * what `tundish report` recomputes without refitting. test is the test split
 * of the run's dataset (raw series: evaluators read labels and metadata from
 * it); t->metrics is replaced. */
gboolean td_trial_evaluate (const TdExperiment *exp, const TdDataset *test, TdTrial *t,
                            GError **error);

/* GCompareFunc over TdTrial* (pointers to pointers): by pipeline label,
 * repeat, fold — the order of every output, whatever order trials ran in. */
int td_trial_cmp (gconstpointer a, gconstpointer b);

/* A folder name for a pipeline label: [A-Za-z0-9_.=-] kept, anything else
 * '_', and then, when anything was replaced or cut (long labels), "-" and
 * 8 hex digits of the label's SHA-256, so distinct labels never share a
 * folder: "gbdt" → "gbdt", "gbdt[max_depth=4]" → "gbdt_max_depth=4_-1f0e…". */
char *td_safe_name (const char *label);
/* trials/<safe label>/r<R>-f<F> under run_dir: the trial's own folder. */
char *td_trial_dir (const char *run_dir, const TdTrial *t);

/* Check that each pipeline's stages accept the shape the previous one makes
 * and that its model supports the task; messages name the pipeline. */
gboolean td_pipeline_check (const TdPipeline *p, TdTask task, GError **error);
/* In an anomaly experiment, a binary classifier trained on every labelled
 * series is the supervised reference: it sees the splits as binary data and
 * its P(abnormal) is its score. */
gboolean td_model_is_supervised_reference (const TdModelVTable *mv, TdTask task);

G_END_DECLS
