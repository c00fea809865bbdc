/* lstm.c — the `lstm` model plugin: a stacked (optionally bidirectional)
 * LSTM over the sequences, pooled over time (last step, mean, max or
 * attention), then a head Linear → ReLU → Dropout → Linear → one logit.
 * Binary task. The model is ../lstm_family/lstm_model.c, written on the NN library in ../nn
 * (explicit forward and backward, float32 training, checked against PyTorch
 * by tests/golden). README.md in this folder has the details. */
#include "lstm.h"
#include "lstm_params.h"

/* Small and quick, for tundish-plugin-check and tests. */
static const char *const lstm_examples[] = {
  "epochs=2", "hidden_size=8", "num_layers=1", "batch_size=8", "learning_rate=0.01", NULL
};

static const TdParamSpec lstm_params[] = {
  LSTM_COMMON_PARAMS ("64")
};

static TdModel *
lstm_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  return lstm_family_create ("lstm", params, error);
}

static TdModel *
lstm_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  (void) ctx;
  return lstm_family_load ("lstm", params, path, error);
}

static const TdModelVTable lstm_vtable = LSTM_FAMILY_VTABLE (lstm_create, lstm_load);

static const TdPluginDescriptor lstm_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_MODEL,
  .name = "lstm",
  .version = "1.0.0",
  .summary = "stacked LSTM, pooled over time (last/mean/max/attention), MLP head; binary",
  .example_params = lstm_examples,
  .params = lstm_params,
  .n_params = G_N_ELEMENTS (lstm_params),
  .vtable = &lstm_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &lstm_descriptor : NULL;
}
