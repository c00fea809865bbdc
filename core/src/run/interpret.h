/* interpret.h — what drives a trial's scores: input-gradient saliency and
 * attention maps of its test series, binned in time (core-internal).
 *
 * After fit (and after the test predictions, the saved model and the
 * metrics, so nothing here can feed back into training or evaluation), a
 * trial whose model reads sequences asks it to explain up to max_series test
 * series: an equal share per class, taken in series order (a class with
 * fewer series leaves its share to the others). Models reading a feature
 * matrix are skipped: their explain attributes features, not times, and
 * feature importance already covers them.
 *
 * Saliency: for each series, |explain| is averaged over the steps of each
 * time bin (valid steps only) per channel, the bins × channels map is scaled
 * to sum to 1 (so every series weighs the same), and the maps of a class are
 * averaged. Attention (models with TD_EXT_ATTENTION_MAP): the attention each
 * key step receives, averaged over valid query steps, summed per time bin and
 * averaged over the series of a class (sums to 1 over bins).
 *
 * Time bins: min(time_bins, steps) bins over the model's input steps, step t
 * in bin floor(t · bins / steps); bin b spans [b, b + 1) · raw_steps / bins
 * steps of the generated series, so a resampled input still reports times of
 * the data. */
#pragma once

#include "config/config.h"
#include "run/trial.h"

G_BEGIN_DECLS

/* Fill *saliency and *attention (GArray of TdInterpretCell, or left NULL
 * when the model offers nothing or the task has no classes). input is the
 * model's test input, without labels (tundish/dataset.h); labels[n_series]
 * its true classes, which choose the series and the map they count in;
 * raw_steps the generated series' steps. A model that says
 * TD_PLUGIN_ERROR_UNSUPPORTED leaves its maps out; other errors fail. */
gboolean td_interpret_trial (const TdInterpretSpec *spec, TdModel *model,
                             const TdModelVTable *mv, const TdDataset *input,
                             const double *labels, size_t raw_steps, TdContext *ctx,
                             GArray **saliency, GArray **attention, GError **error);

/* "class,[channel,]time_bin,t_start,t_end," of a cell as CSV fields (the
 * channel when it has one: saliency), as every file of maps writes them. */
void td_interpret_cell_csv (GString *s, const TdInterpretCell *c);

G_END_DECLS
