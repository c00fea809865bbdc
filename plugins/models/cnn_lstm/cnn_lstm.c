/* cnn_lstm.c — the `cnn_lstm` model plugin: a convolutional front-end
 * (conv_layers × [Conv1d → ReLU → BatchNorm1d], then MaxPool1d over time)
 * before the stacked LSTM, pooling and head of `lstm`. Binary task. The
 * model is ../lstm_family/lstm_model.c; the front-end is in ../nn/nn_conv.inc,
 * checked against PyTorch by tests/golden/cnn_lstm. README.md has the details. */
#include "lstm.h"
#include "lstm_params.h"

/* Small and quick, for tundish-plugin-check and tests. */
static const char *const cnn_lstm_examples[] = {
  "epochs=2", "hidden_size=8", "num_layers=1", "batch_size=8", "learning_rate=0.01", NULL
};

/* Defaults: bench/peers/torch_lstm.py's CNN-LSTM (2 blocks of 64 channels,
 * kernel 3, max pool 2, LSTM H 128 × 2, head 32), pooling as lstm's. */
static const TdParamSpec cnn_lstm_params[] = {
  LSTM_COMMON_PARAMS ("128")
  { "conv_layers", TD_PARAM_INT, "2", 1, NN_MAX_CONV, NULL,
    "blocks of Conv1d → ReLU → BatchNorm1d before the LSTM" },
  { "conv_channels", TD_PARAM_INT, "64", 1, 4096, NULL, "channels of every block" },
  { "conv_kernel", TD_PARAM_INT, "3", 1, 99, NULL,
    "kernel size over time (odd: 'same' padding keeps the length)" },
  { "conv_pool", TD_PARAM_INT, "2", 1, 1000, NULL,
    "max pooling over this many steps after the blocks (1 = none)" },
};

static TdModel *
cnn_lstm_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  return lstm_family_create ("cnn_lstm", params, error);
}

static TdModel *
cnn_lstm_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  (void) ctx;
  return lstm_family_load ("cnn_lstm", params, path, error);
}

static const TdModelVTable cnn_lstm_vtable = LSTM_FAMILY_VTABLE (cnn_lstm_create, cnn_lstm_load);

static const TdPluginDescriptor cnn_lstm_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_MODEL,
  .name = "cnn_lstm",
  .version = "1.0.0",
  .summary = "Conv1d/ReLU/BatchNorm blocks and max pooling, then a stacked LSTM and MLP head; binary",
  .example_params = cnn_lstm_examples,
  .params = cnn_lstm_params,
  .n_params = G_N_ELEMENTS (cnn_lstm_params),
  .vtable = &cnn_lstm_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &cnn_lstm_descriptor : NULL;
}
