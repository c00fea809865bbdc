/* attention_lstm.c — the `attention_lstm` model plugin: a stacked LSTM,
 * multi-head self-attention over its outputs (torch.nn.MultiheadAttention
 * semantics, padded steps masked), pooled over valid steps (mean by
 * default), then the head Linear → ReLU → Dropout → Linear → one logit.
 * Binary task. The model is ../lstm_family/lstm_model.c with the attention layer of
 * ../nn/nn_attention.inc, checked against PyTorch by tests/golden/attention_lstm.
 * Its attention maps are available through TD_EXT_ATTENTION_MAP. README.md
 * in this folder has the details. */
#include "lstm.h"
#include "lstm_params.h"

/* Small and quick, for tundish-plugin-check and tests. */
static const char *const attention_lstm_examples[] = {
  "epochs=2", "hidden_size=8", "num_layers=1", "batch_size=8", "learning_rate=0.01",
  "num_heads=2", NULL
};

/* Defaults: bench/peers/torch_lstm.py's AttnLSTM (LSTM H 128 × 2 layers,
 * dropout 0.2, 8 heads, attention dropout 0, mean over time, head 32, Adam
 * 1e-3, weight decay 1e-4, batch 32). */
static const TdParamSpec attention_lstm_params[] = {
  LSTM_COMMON_PARAMS ("128")
  { "num_heads", TD_PARAM_INT, "8", 1, 1024, NULL,
    "self-attention heads; hidden_size (× 2 when bidirectional) must be a multiple of it" },
  { "attention_dropout", TD_PARAM_DOUBLE, "0.0", 0, 0.95, NULL,
    "dropout on the attention weights (training only)" },
};

static TdModel *
attention_lstm_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  return lstm_family_create ("attention_lstm", params, error);
}

static TdModel *
attention_lstm_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  (void) ctx;
  return lstm_family_load ("attention_lstm", params, path, error);
}

static const TdModelVTable attention_lstm_vtable = LSTM_FAMILY_VTABLE (attention_lstm_create, attention_lstm_load);

static const TdPluginDescriptor attention_lstm_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_MODEL,
  .name = "attention_lstm",
  .version = "1.0.0",
  .summary = "stacked LSTM, multi-head self-attention, pooled over time (mean/last/max/attention), "
             "MLP head; binary; attention maps",
  .example_params = attention_lstm_examples,
  .params = attention_lstm_params,
  .n_params = G_N_ELEMENTS (attention_lstm_params),
  .vtable = &attention_lstm_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &attention_lstm_descriptor : NULL;
}
