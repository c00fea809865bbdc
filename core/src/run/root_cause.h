/* root_cause.h — does a model's attribution point at the true cause of a
 * defect? (core-internal; docs/root-cause.md).
 *
 * Scored in the core, not by an evaluator plugin: attributions come from
 * the model's explain slot, and evaluators run after the model is gone with
 * only its scores. After the test predictions are kept (so nothing here
 * feeds back), every truly defective test series — the raw series' hidden
 * metadata has a non-empty `cause_channels` — is explained on the model's
 * own (unlabelled) input. |attribution| is summed per source channel: a
 * feature column "<channel>.<feature>" counts for <channel>, a sequence
 * channel for the raw channel of the same name; columns that name no raw
 * channel (e.g. MiniRocket's kernels) are left out, and a model none of
 * whose columns map is not scored. Per stage, channels are summed through
 * the generator's input-safe metadata `stage.<channel>` (glass_line;
 * steel_casting has none, so its stage scores are NaN).
 *
 * Per series: top1 (the largest channel is a cause channel), top3 (one of
 * the three largest is), stage_hit (the largest stage is `cause_stage`) and,
 * for sequence attributions, window_share (the share of |attribution| whose
 * steps fall in [cause_start, cause_end] of the raw series). Chance beside
 * each: top-k of C channels with m causes, 1 − C(C−m, k) / C(C, k); stage,
 * 1 / number of stages; window, the window's share of the steps. */
#pragma once

#include "run/trial.h"

G_BEGIN_DECLS

typedef struct {
  gint64 series_id;
  char *defect_type, *cause_stage, *cause_channels;
  char *top_channel, *top_stage;   /* top_stage "" without a stage map */
  double top1, top3, stage_hit;    /* 0 or 1; stage_hit NaN without a stage map */
  double window_share;             /* NaN for feature-matrix attributions */
  double chance_top1, chance_top3, chance_stage, chance_window;
  size_t n_channels;
  char **channels;                 /* [n_channels + 1] raw channel names, NULL-terminated */
  double *shares;                  /* [n_channels] |attribution| share per raw channel */
} TdRootCauseRow;

/* Score one series from its per-raw-channel attribution mass[C] (>= 0)
 * and, when per_step is not NULL, per raw step mass over raw_steps steps.
 * stages[C] may be NULL (no stage map). cause_channels is ";"-separated.
 * Fills *row (strings copied; td_root_cause_row_clear frees them).
 * FALSE when the attribution is all zero or no cause channel is known. */
gboolean td_root_cause_score (const double *mass, size_t n_channels,
                              const char *const *channel_names, const char *const *stages,
                              const double *per_step, size_t raw_steps,
                              const char *cause_channels, const char *cause_stage,
                              double cause_start, double cause_end, TdRootCauseRow *row);

/* Explain and score every truly defective series of raw (the labelled test
 * split with its metadata) through input (the model's unlabelled input of
 * the same series). *rows stays NULL when the data has no cause metadata,
 * the model has no explain slot or says TD_PLUGIN_ERROR_UNSUPPORTED, or no
 * input column maps to a raw channel. */
gboolean td_root_cause_trial (TdModel *model, const TdModelVTable *mv, const TdDataset *input,
                              const TdDataset *raw, TdContext *ctx, GArray **rows,
                              GError **error);

void td_root_cause_row_clear (TdRootCauseRow *row);
void td_root_cause_rows_free (GArray *rows);

/* The trial file's text (header then one line per row) and its reader. */
void td_root_cause_csv (GString *s, const GArray *rows);
GArray *td_root_cause_parse (const char *text, gsize len, const char *path, GError **error);

G_END_DECLS
