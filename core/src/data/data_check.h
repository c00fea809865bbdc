/* data_check.h — what the core does about bad values in a dataset before any
 * split or trial sees it (core-internal). docs/robustness.md has the table.
 *
 * Always errors (nothing sensible can be repaired): a non-finite target, a
 * binary target outside [0, 1], a binary dataset with one class only, a
 * series longer than the dataset's steps, no series at all.
 *
 * The rest depends on the policy (tundish run --data-policy):
 *   repair (default)  ±Inf samples become NaN, i.e. missing (a sensor at its
 *                     rail is no reading); NaN samples stay, for the pipeline's
 *                     `missing` feature (forward fill, drop, error) or a model
 *                     that handles NaN; zero-length series are dropped;
 *                     constant channels are kept and listed. Every count goes
 *                     into manifest.yaml (data_quality:).
 *   strict            the first such value is an error naming the series
 *                     (index and id) and the channel.
 */
#pragma once

#include <tundish/dataset.h>

G_BEGIN_DECLS

typedef enum {
  TD_DATA_POLICY_REPAIR,
  TD_DATA_POLICY_STRICT,
} TdDataPolicy;

const char *td_data_policy_name (TdDataPolicy policy);
gboolean td_data_policy_parse (const char *text, TdDataPolicy *out);

typedef struct {
  char *channel;
  size_t missing;               /* NaN samples (after Inf repair) */
  size_t inf_replaced;          /* ±Inf samples made NaN */
} TdChannelQuality;

typedef struct {
  TdDataPolicy policy;
  size_t series_in, series_out;
  size_t missing, inf_replaced, series_with_missing;
  GArray *dropped_ids;          /* gint64: zero-length series dropped */
  GArray *channels;             /* TdChannelQuality, channels with something to say */
  GPtrArray *constant_channels; /* char*: the same value in every valid sample */
} TdDataQuality;

void td_data_quality_clear (TdDataQuality *q);

/* Check (and under the repair policy, repair) *data in place; a dataset
 * that loses series is replaced by a new one. q receives the counts. */
gboolean td_data_check (TdDataset **data, TdDataPolicy policy, TdDataQuality *q, GError **error);

G_END_DECLS
