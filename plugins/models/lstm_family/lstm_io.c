/* lstm_io.c — the lstm model file (HDF5).
 *
 *   /                  attrs magic = "tundish-lstm", format_version = 3,
 *                      task = binary | multiclass | regression (version 3;
 *                      absent = binary)
 *   /architecture      attrs n_inputs, hidden_size, num_layers, bidirectional,
 *                      pooling, attention_dim, head_hidden, dropout, conv_layers,
 *                      conv_channels, conv_kernel, conv_pool, num_heads,
 *                      attention_dropout (version 2; absent in version 1 = 0),
 *                      n_outputs (version 3; absent = 1)
 *   /training          attrs config (the parameters as YAML), epochs_run,
 *                      best_epoch, best_valid_auc, final_train_loss, pos_weight
 *   /preprocess        attr standardize; mean, scale [C] float32 (when on);
 *                      channel_names [C]; attrs target_mean, target_scale
 *                      (regression: prediction = output · scale + mean)
 *   /weights/<name>    float32, PyTorch's names and shapes (weight_ih_l0 [4H,C], ...,
 *                      attn.in_proj_weight [3E,E] ...)
 *   /state/<name>      float32 BatchNorm running statistics (conv front-end only)
 *
 * Weights and standardisation are stored as the float32 values used, so a
 * loaded model predicts bit-identically. Readable with h5py. The groups both
 * sequence families share (/preprocess's channels and standardiser, /weights,
 * /state, /training's record) are written and read by ../seq_common/seq_h5.c.
 */
#include <hdf5.h>
#include <math.h>

#include "lstm.h"
#include "seq_common.h"

/* ------------------------------------------------------------------- save */

static gboolean
save_groups (hid_t f, const void *model)
{
  const TdModel *m = model;
  const NnSeqConfig *a = &m->net.cfg;
  gboolean ok = seq_h5_put_str (f, "magic", LSTM_MAGIC)
    && seq_h5_put_i64 (f, "format_version", LSTM_FORMAT_VERSION)
    && seq_h5_put_str (f, "task", m->task == TD_TASK_MULTICLASS ? "multiclass"
                                  : m->task == TD_TASK_REGRESSION ? "regression" : "binary");

  hid_t g = H5Gcreate2 (f, "architecture", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ok = ok && g >= 0
    && seq_h5_put_i64 (g, "n_inputs", (gint64) a->n_inputs)
    && seq_h5_put_i64 (g, "hidden_size", (gint64) a->hidden)
    && seq_h5_put_i64 (g, "num_layers", (gint64) a->layers)
    && seq_h5_put_i64 (g, "bidirectional", a->bidirectional)
    && seq_h5_put_str (g, "pooling", nn_pool_name (a->pool))
    && seq_h5_put_i64 (g, "attention_dim", (gint64) a->attention_dim)
    && seq_h5_put_i64 (g, "head_hidden", (gint64) a->head_hidden)
    && seq_h5_put_f64 (g, "dropout", a->dropout)
    && seq_h5_put_i64 (g, "conv_layers", (gint64) a->conv_layers)
    && seq_h5_put_i64 (g, "conv_channels", (gint64) a->conv_channels)
    && seq_h5_put_i64 (g, "conv_kernel", (gint64) a->conv_kernel)
    && seq_h5_put_i64 (g, "conv_pool", (gint64) a->conv_pool)
    && seq_h5_put_i64 (g, "num_heads", (gint64) a->attn_heads)
    && seq_h5_put_f64 (g, "attention_dropout", a->attn_dropout)
    && seq_h5_put_i64 (g, "n_outputs", (gint64) m->net.head2.out);
  if (g >= 0)
    H5Gclose (g);

  g = H5Gcreate2 (f, "training", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ok = ok && g >= 0 && seq_h5_write_training (g, m->config_text, &m->result)
    && seq_h5_put_f64 (g, "best_valid_auc", m->result.best_valid_auc)
    && seq_h5_put_f64 (g, "pos_weight", m->pos_weight_used);
  if (g >= 0)
    H5Gclose (g);

  g = H5Gcreate2 (f, "preprocess", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ok = ok && g >= 0 && seq_h5_write_preprocess (g, m->C, m->channel_names, m->mean, m->scale)
    && seq_h5_put_f64 (g, "target_mean", m->y_mean)
    && seq_h5_put_f64 (g, "target_scale", m->y_scale);
  if (g >= 0)
    H5Gclose (g);

  ok = ok && seq_h5_write_tensors (f, "weights", &m->net.layout, m->P);
  if (ok && m->net.state.n)
    ok = seq_h5_write_tensors (f, "state", &m->net.state, m->S);
  return ok;
}

gboolean
lstm_save (TdModel *m, const char *path, GError **error)
{
  return seq_h5_save (m->plugin, m->fitted, path, save_groups, m, error);
}

/* ------------------------------------------------------------------- load */

static gboolean
load_architecture (TdModel *m, hid_t f, const char *path, GError **error)
{
  hid_t g = seq_h5_open_group (f, "architecture");
  if (g < 0)
    return seq_h5_fail (error, m->plugin, path, "no /architecture group");
  gint64 n_inputs = 0, hidden = 0, layers = 0, bidir = 0, att = 0, head = 0;
  gint64 conv_layers = 0, conv_channels = 0, conv_kernel = 0, conv_pool = 0, heads = 0;
  gint64 n_outputs = 1;
  double dropout = 0, attn_dropout = 0;
  g_autofree char *pool = seq_h5_get_str (g, "pooling");
  gboolean ok = seq_h5_get_i64 (g, "n_inputs", &n_inputs)
    && seq_h5_get_i64 (g, "hidden_size", &hidden)
    && seq_h5_get_i64 (g, "num_layers", &layers) && seq_h5_get_i64 (g, "bidirectional", &bidir)
    && seq_h5_get_i64 (g, "attention_dim", &att) && seq_h5_get_i64 (g, "head_hidden", &head)
    && seq_h5_get_f64 (g, "dropout", &dropout) && pool;
  /* absent in an lstm file without a front-end: 0 */
  seq_h5_get_i64 (g, "conv_layers", &conv_layers);
  seq_h5_get_i64 (g, "conv_channels", &conv_channels);
  seq_h5_get_i64 (g, "conv_kernel", &conv_kernel);
  seq_h5_get_i64 (g, "conv_pool", &conv_pool);
  /* absent without self-attention, and in version 1 files: 0 */
  seq_h5_get_i64 (g, "num_heads", &heads);
  seq_h5_get_f64 (g, "attention_dropout", &attn_dropout);
  /* absent before version 3: one output */
  seq_h5_get_i64 (g, "n_outputs", &n_outputs);
  H5Gclose (g);
  NnPool p = NN_POOL_MEAN;
  if (!ok || !nn_pool_from_name (pool, &p) || n_inputs <= 0 || hidden <= 0 || layers <= 0
      || layers > NN_MAX_LAYERS || att < 0 || head < 0 || hidden > 1 << 20 || head > 1 << 20
      || att > 1 << 20 || n_inputs > 1 << 24 || conv_layers < 0 || conv_layers > NN_MAX_CONV
      || conv_channels < 0 || conv_channels > 1 << 20 || conv_kernel < 0 || conv_kernel > 1 << 10
      || conv_pool < 0 || conv_pool > 1 << 20 || heads < 0 || heads > 1 << 20
      || n_outputs < 1 || n_outputs > 1 << 20)
    return seq_h5_fail (error, m->plugin, path, "/architecture is incomplete or out of range");
  m->arch = (NnSeqConfig) {
    .n_inputs = (size_t) n_inputs, .hidden = (size_t) hidden, .layers = (size_t) layers,
    .bidirectional = bidir != 0, .dropout = dropout, .pool = p,
    .attention_dim = (size_t) att, .head_hidden = (size_t) head, .head_dropout = dropout,
    .conv_layers = (size_t) conv_layers, .conv_channels = (size_t) conv_channels,
    .conv_kernel = (size_t) conv_kernel, .conv_pool = (size_t) conv_pool,
    .attn_heads = (size_t) heads, .attn_dropout = attn_dropout,
    .n_outputs = (size_t) n_outputs,
  };
  GError *local = NULL;
  if (!nn_seq_model_init (&m->net, &m->arch, &local))
    {
      seq_h5_fail (error, m->plugin, path, local->message);
      g_error_free (local);
      return FALSE;
    }
  m->C = (size_t) n_inputs;
  return TRUE;
}

static gboolean
load_rest (TdModel *m, hid_t f, const char *path, GError **error)
{
  hid_t g = seq_h5_open_group (f, "training");
  if (g >= 0)   /* informative */
    {
      seq_h5_read_training (g, &m->config_text, &m->result);
      seq_h5_get_f64 (g, "best_valid_auc", &m->result.best_valid_auc);
      seq_h5_get_f64 (g, "pos_weight", &m->pos_weight_used);
      H5Gclose (g);
    }

  g = seq_h5_open_group (f, "preprocess");
  if (g < 0)
    return seq_h5_fail (error, m->plugin, path, "no /preprocess group");
  gboolean ok = seq_h5_read_preprocess (g, m->C, &m->channel_names, &m->mean, &m->scale);
  /* absent before version 3 (binary): identity */
  m->y_mean = 0;
  m->y_scale = 1;
  seq_h5_get_f64 (g, "target_mean", &m->y_mean);
  seq_h5_get_f64 (g, "target_scale", &m->y_scale);
  ok = ok && isfinite (m->y_mean) && m->y_scale > 0 && isfinite (m->y_scale);
  H5Gclose (g);
  if (!ok)
    return seq_h5_fail (error, m->plugin, path, "/preprocess is incomplete or invalid");

  m->P = g_new (float, m->net.layout.total);
  m->S = g_new0 (float, MAX (m->net.state.total, 1));
  return seq_h5_read_tensors (f, "weights", &m->net.layout, m->P, m->plugin, path, error)
    && (m->net.state.n == 0
        || seq_h5_read_tensors (f, "state", &m->net.state, m->S, m->plugin, path, error));
}

gboolean
lstm_load_h5 (TdModel *m, const char *path, GError **error)
{
  lstm_clear_fit (m);
  hid_t f = seq_h5_open (m->plugin, path, error);
  if (f < 0)
    return FALSE;
  gint64 version = 0;
  gboolean ok = seq_h5_check_magic (f, m->plugin, path, LSTM_MAGIC,
                                    "a model file of the LSTM family", 1, LSTM_FORMAT_VERSION,
                                    &version, error);
  g_autofree char *task = ok ? seq_h5_get_str (f, "task") : NULL;
  m->task = g_strcmp0 (task, "multiclass") == 0 ? TD_TASK_MULTICLASS
          : g_strcmp0 (task, "regression") == 0 ? TD_TASK_REGRESSION : TD_TASK_BINARY;
  if (ok && task && m->task == TD_TASK_BINARY && !g_str_equal (task, "binary"))
    ok = seq_h5_fail (error, m->plugin, path, "task is not binary, multiclass or regression");
  ok = ok && load_architecture (m, f, path, error) && load_rest (m, f, path, error);
  if (ok && (m->task == TD_TASK_MULTICLASS) != (m->net.head2.out > 1))
    ok = seq_h5_fail (error, m->plugin, path, "the head's outputs do not fit the task");
  H5Fclose (f);
  if (!ok)
    {
      lstm_clear_fit (m);
      return FALSE;
    }
  m->fitted = TRUE;
  lstm_prepare (m);
  return TRUE;
}
