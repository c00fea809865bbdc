/* lstm_model.c — the model behind the LSTM-based plugins (lstm, cnn_lstm,
 * attention_lstm): create from parameters, fit, predict, explain, save, load,
 * and the attention-map extension when the model has self-attention. The
 * plugins differ only in their parameters and name (../lstm/lstm.c, ../cnn_lstm/cnn_lstm.c,
 * ../attention_lstm/attention_lstm.c).
 *
 * Tasks: binary (one logit, BCE or focal, P(y = 1) out), multiclass (a head of
 * K class logits, softmax cross-entropy with optional balanced class weights,
 * class probabilities out) and regression (one output, MSE or Huber on the
 * target standardised with the training mean and sd, predictions mapped back).
 *
 * Inputs are standardised per channel with the training split's mean and
 * standard deviation over valid steps (saved with the model). Variable
 * lengths (TdDataset.lengths) are masked: padded steps change nothing.
 * Seeds: the weights from td_context_derive_seed(ctx, "init"), shuffling and
 * dropout from td_context_derive_seed(ctx, "train"); restart k > 1 uses
 * "init:restart<k>" and "train:restart<k>", so restarts = 1 is unchanged.
 * Threads: see nn_train in tundish/nn.h (results do not depend on them).
 * ../lstm/README.md has the details.
 */
#include <math.h>
#include <string.h>

#include "lstm.h"
#include "seq_common.h"

void
lstm_clear_fit (TdModel *m)
{
  nn_seq_model_clear (&m->net);
  g_clear_pointer (&m->P, g_free);
  g_clear_pointer (&m->S, g_free);
  g_clear_pointer (&m->prepared, g_free);
  g_clear_pointer (&m->score_cache, nn_score_cache_free);
  g_clear_pointer (&m->channel_names, g_strfreev);
  g_clear_pointer (&m->mean, g_free);
  g_clear_pointer (&m->scale, g_free);
  m->C = 0;
  m->fitted = FALSE;
}

void
lstm_prepare (TdModel *m)
{
  g_free (m->prepared);
  m->prepared = g_new (float, MAX (nn_seq_prepared_size_f32 (&m->net), 1));
  nn_seq_prepare_f32 (&m->net, m->P, m->prepared);
  g_clear_pointer (&m->score_cache, nn_score_cache_free);
  m->score_cache = nn_score_cache_new ();
}

void
lstm_destroy (TdModel *m)
{
  if (!m)
    return;
  lstm_clear_fit (m);
  g_free (m->config_text);
  g_free (m);
}

static TdModel *
lstm_new (const char *plugin, const TdParams *params)
{
  TdModel *m = g_new0 (TdModel, 1);
  m->plugin = plugin;
  NnPool pool = NN_POOL_MEAN;
  nn_pool_from_name (td_params_get_string (params, "pooling"), &pool);
  const double dropout = td_params_get_double (params, "dropout");
  m->arch = (NnSeqConfig) {
    .hidden = (size_t) td_params_get_int (params, "hidden_size"),
    .layers = (size_t) td_params_get_int (params, "num_layers"),
    .bidirectional = td_params_get_bool (params, "bidirectional"),
    .dropout = dropout,
    .pool = pool,
    .attention_dim = (size_t) td_params_get_int (params, "attention_dim"),
    .head_hidden = (size_t) td_params_get_int (params, "head_hidden"),
    .head_dropout = dropout,
  };
  if (td_params_has (params, "conv_layers"))
    {
      m->arch.conv_layers = (size_t) td_params_get_int (params, "conv_layers");
      m->arch.conv_channels = (size_t) td_params_get_int (params, "conv_channels");
      m->arch.conv_kernel = (size_t) td_params_get_int (params, "conv_kernel");
      m->arch.conv_pool = (size_t) td_params_get_int (params, "conv_pool");
    }
  if (td_params_has (params, "num_heads"))
    {
      m->arch.attn_heads = (size_t) td_params_get_int (params, "num_heads");
      m->arch.attn_dropout = td_params_get_double (params, "attention_dropout");
    }
  const char *sched = td_params_get_string (params, "lr_schedule");
  const char *loss = td_params_get_string (params, "loss");
  m->train = (NnTrainConfig) {
    .epochs = (int) td_params_get_int (params, "epochs"),
    .batch_size = (size_t) td_params_get_int (params, "batch_size"),
    .opt = { .kind = g_str_equal (td_params_get_string (params, "optimizer"), "adamw")
                       ? NN_OPT_ADAMW : NN_OPT_ADAM,
             .lr = td_params_get_double (params, "learning_rate"),
             .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8,
             .weight_decay = td_params_get_double (params, "weight_decay") },
    .loss = { .kind = g_str_equal (loss, "focal") ? NN_LOSS_FOCAL
                    : g_str_equal (loss, "mse") ? NN_LOSS_MSE
                    : g_str_equal (loss, "huber") ? NN_LOSS_HUBER : NN_LOSS_BCE,
              .pos_weight = td_params_get_double (params, "pos_weight"),
              .gamma = td_params_get_double (params, "focal_gamma"),
              .huber_delta = td_params_get_double (params, "huber_delta") },
    .clip_norm = td_params_get_double (params, "clip_norm"),
    .schedule = g_str_equal (sched, "plateau") ? NN_SCHED_PLATEAU
              : g_str_equal (sched, "cosine") ? NN_SCHED_COSINE : NN_SCHED_NONE,
    .plateau_factor = td_params_get_double (params, "plateau_factor"),
    .plateau_patience = (int) td_params_get_int (params, "plateau_patience"),
    .patience = (int) td_params_get_int (params, "patience"),
  };
  m->loss_auto = g_str_equal (loss, "auto");
  m->auto_pos_weight = td_params_get_bool (params, "auto_pos_weight");
  m->auto_class_weight = td_params_get_bool (params, "auto_class_weight");
  m->task = TD_TASK_BINARY;
  m->y_scale = 1;
  m->standardize = td_params_get_bool (params, "standardize");
  m->restarts = (int) td_params_get_int (params, "restarts");
  m->config_text = td_params_to_text (params);
  return m;
}

/* Parameter combinations the specs cannot express, refused at create so a
 * bad configuration fails before any training. */
static gboolean
check_arch (const TdModel *m, GError **error)
{
  const NnSeqConfig *a = &m->arch;
  const size_t dirs = a->bidirectional ? 2 : 1, E = a->hidden * dirs;
  if (a->attn_heads && E % a->attn_heads != 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: the self-attention splits the LSTM's %zu outputs "
                   "(hidden_size %zu%s) into num_heads = %zu heads, which needs them divisible; "
                   "choose hidden_size%s a multiple of num_heads", m->plugin, E, a->hidden,
                   dirs == 2 ? " × 2 directions" : "", a->attn_heads,
                   dirs == 2 ? " × 2" : "");
      return FALSE;
    }
  /* everything else the NN library checks (one input channel stands in for the data's) */
  NnSeqConfig probe = *a;
  probe.n_inputs = 1;
  NnSeqModel net;
  GError *local = NULL;
  if (!nn_seq_model_init (&net, &probe, &local))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, "%s: %s", m->plugin,
                   local->message);
      g_error_free (local);
      return FALSE;
    }
  nn_seq_model_clear (&net);
  return TRUE;
}

TdModel *
lstm_family_create (const char *plugin, const TdParams *params, GError **error)
{
  TdModel *m = lstm_new (plugin, params);
  if (!check_arch (m, error))
    {
      lstm_destroy (m);
      return NULL;
    }
  return m;
}

static gint64
series_id (const TdDataset *ds, size_t s)
{
  return ds->series_id ? ds->series_id[s] : (gint64) s;
}

/* The task, its targets, and a loss that fits it: bce/focal for binary, bce
 * (meaning softmax cross-entropy) for multiclass, mse/huber for regression. */
static gboolean
check_task (const TdModel *m, const TdDataset *ds, const char *what, double *n_pos,
            GError **error)
{
  const NnLoss loss = m->train.loss.kind;
  const gboolean regression_loss = loss == NN_LOSS_MSE || loss == NN_LOSS_HUBER;
  const char *bad = NULL;
  switch (ds->task)
    {
    case TD_TASK_BINARY:
      if (regression_loss)
        bad = "binary data needs loss: bce or focal";
      else
        return td_dataset_check_binary_targets (ds, m->plugin, what, n_pos, error);
      break;
    case TD_TASK_MULTICLASS:
      if (loss != NN_LOSS_BCE)
        bad = "multiclass data needs loss: bce (softmax cross-entropy)";
      else if (ds->n_classes < 2)
        bad = "multiclass data needs at least 2 classes";
      break;
    case TD_TASK_REGRESSION:
      if (!regression_loss)
        bad = "regression data needs loss: mse or huber";
      break;
    case TD_TASK_ANOMALY:
      bad = "anomaly detection is not supported (binary, multiclass, regression)";
      break;
    }
  if (bad)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED, "%s: the %s data is %s; "
                   "%s", m->plugin, what, td_task_name (ds->task), bad);
      return FALSE;
    }
  for (size_t s = 0; s < ds->n_series; s++)
    {
      const double y = ds->y[s];
      const gboolean ok = ds->task == TD_TASK_MULTICLASS
        ? y >= 0 && y < (double) ds->n_classes && y == floor (y) : isfinite (y);
      if (!ok)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "%s: series %" G_GINT64_FORMAT " of the %s data has target %g; expected "
                       "%s", m->plugin, series_id (ds, s), what, y,
                       ds->task == TD_TASK_MULTICLASS ? "a class index 0..n_classes-1"
                                                      : "a finite value");
          return FALSE;
        }
    }
  return TRUE;
}

/* Regression targets standardised with the training mean and sd, so the
 * network's output starts near the target's scale whatever its units (RUL in
 * cycles, a temperature); predict maps back. NULL for the other tasks. */
static double *
standardised_targets (const TdModel *m, const TdDataset *ds)
{
  if (m->task != TD_TASK_REGRESSION)
    return NULL;
  double *y = g_new (double, MAX (ds->n_series, (size_t) 1));
  for (size_t s = 0; s < ds->n_series; s++)
    y[s] = (ds->y[s] - m->y_mean) / m->y_scale;
  return y;
}

static void
fit_target_scale (TdModel *m, const TdDataset *train)
{
  double sum = 0, ss = 0;
  const double n = (double) train->n_series;
  for (size_t s = 0; s < train->n_series; s++)
    sum += train->y[s];
  for (size_t s = 0; s < train->n_series; s++)
    ss += (train->y[s] - sum / n) * (train->y[s] - sum / n);
  const double sd = sqrt (ss / n);
  m->y_mean = sum / n;
  m->y_scale = sd > 1e-12 * fmax (1.0, fabs (m->y_mean)) ? sd : 1.0;
}

/* Train m->restarts times, each from its own initial weights, shuffling and
 * dropout, and keep in m->P, m->S and m->result the run whose best validation
 * ROC-AUC is highest (lowest validation loss for multiclass and regression;
 * the first on ties). Only the first run's curves keep
 * their plain names; run k's are "restart<k>/train_loss" and so on. */
static gboolean
train_restarts (TdModel *m, NnTrainConfig *tc, const NnSeqData *tr, const NnSeqData *va,
                TdContext *ctx, GError **error)
{
  const int K = MAX (m->restarts, 1);
  if (K > 1 && !va)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: restarts = %d keeps the run with the best validation ROC-AUC, but "
                   "there is no validation split (set split.valid_size, or restarts: 1)",
                   m->plugin, K);
      return FALSE;
    }
  const size_t np = m->net.layout.total, ns = MAX (m->net.state.total, 1);
  g_autofree float *P = K > 1 ? g_new (float, np) : NULL;
  g_autofree float *S = K > 1 ? g_new0 (float, ns) : NULL;
  double best = -INFINITY;
  int kept = 1;
  for (int k = 1; k <= K; k++)
    {
      char init[32] = "init", seed[32] = "train", prefix[32] = "";
      if (k > 1)
        {
          g_snprintf (init, sizeof init, "init:restart%d", k);
          g_snprintf (seed, sizeof seed, "train:restart%d", k);
          g_snprintf (prefix, sizeof prefix, "restart%d/", k);
        }
      float *p = k == 1 ? m->P : P, *s = k == 1 ? m->S : S;
      nn_seq_init_params_f32 (&m->net, p, td_context_derive_seed (ctx, init));
      memset (s, 0, ns * sizeof (float));
      nn_seq_init_state_f32 (&m->net, s);
      tc->seed = td_context_derive_seed (ctx, seed);
      tc->curve_prefix = k > 1 ? prefix : NULL;
      tc->progress_from = (double) (k - 1) / K;
      tc->progress_to = (double) k / K;
      NnTrainResult res;
      const gboolean ok = nn_train_seq (&m->net, p, s, tc, tr, va, ctx, &res, error);
      tc->curve_prefix = NULL;
      if (!ok)
        return FALSE;
      /* a one-class validation split has no ROC-AUC: keep the first run */
      const double score = m->task == TD_TASK_BINARY ? res.best_valid_auc
                                                     : -res.best_valid_loss;
      const double auc = isnan (score) ? -INFINITY : score;
      const gboolean keep = k == 1 || auc > best;
      if (keep)
        {
          best = auc;
          kept = k;
          m->result = res;
          if (k > 1)
            {
              memcpy (m->P, P, np * sizeof (float));
              memcpy (m->S, S, ns * sizeof (float));
            }
        }
      if (K > 1)
        td_context_log (ctx, G_LOG_LEVEL_INFO, "restart %d of %d: best validation %s %.4f "
                        "at epoch %d%s", k, K, m->task == TD_TASK_BINARY ? "ROC-AUC" : "loss",
                        m->task == TD_TASK_BINARY ? res.best_valid_auc : res.best_valid_loss,
                        res.best_epoch + 1, keep ? " (the best so far)" : "");
    }
  /* a message, not info: it lands in the trial's log.txt by default */
  if (K > 1)
    td_context_log (ctx, G_LOG_LEVEL_MESSAGE, "restarts: kept run %d of %d (best validation "
                    "%s %.4f at epoch %d)", kept, K,
                    m->task == TD_TASK_BINARY ? "ROC-AUC" : "loss",
                    m->task == TD_TASK_BINARY ? m->result.best_valid_auc
                                              : m->result.best_valid_loss,
                    m->result.best_epoch + 1);
  return TRUE;
}

gboolean
lstm_fit (TdModel *m, const TdDataset *train, const TdDataset *valid, TdContext *ctx,
          GError **error)
{
  double n_pos = 0;
  if (m->loss_auto)
    m->train.loss.kind = train->task == TD_TASK_REGRESSION ? NN_LOSS_MSE : NN_LOSS_BCE;
  if (!check_task (m, train, "training", &n_pos, error)
      || !seq_check_sequences (m->plugin, train, "training", error))
    return FALSE;
  if (valid && valid->n_series > 0)
    {
      if (!check_task (m, valid, "validation", NULL, error)
          || !seq_check_sequences (m->plugin, valid, "validation", error))
        return FALSE;
      if (valid->task != train->task || valid->n_classes != train->n_classes)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "%s: validation data is %s with %zu classes, training data %s with %zu",
                       m->plugin, td_task_name (valid->task), valid->n_classes,
                       td_task_name (train->task), train->n_classes);
          return FALSE;
        }
      if (valid->n_channels != train->n_channels)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "%s: validation data has %zu channels, training data %zu",
                       m->plugin, valid->n_channels, train->n_channels);
          return FALSE;
        }
    }
  lstm_clear_fit (m);
  m->task = train->task;
  m->arch.n_inputs = train->n_channels;
  m->arch.n_outputs = m->task == TD_TASK_MULTICLASS ? train->n_classes : 1;
  if (!nn_seq_model_init (&m->net, &m->arch, error))
    return FALSE;
  m->C = train->n_channels;
  m->channel_names = seq_channel_names (train);
  if (m->standardize)
    seq_fit_standardiser (train, &m->mean, &m->scale);
  const size_t np = m->net.layout.total, ns = MAX (m->net.state.total, 1);
  m->P = g_new (float, np);
  m->S = g_new0 (float, ns);

  NnTrainConfig tc = m->train;
  if (m->auto_pos_weight && m->task == TD_TASK_BINARY)
    tc.loss.pos_weight = ((double) train->n_series - n_pos) / n_pos;
  m->pos_weight_used = tc.loss.pos_weight;
  g_autofree double *class_weights = NULL;
  if (m->task == TD_TASK_MULTICLASS)
    {
      const size_t K = train->n_classes;
      tc.loss.kind = NN_LOSS_SOFTMAX;
      tc.loss.n_classes = K;
      if (m->auto_class_weight)
        {
          /* balanced, as scikit-learn: n / (K n_k); a class absent from training gets 1 */
          g_autofree double *count = g_new0 (double, K);
          for (size_t s = 0; s < train->n_series; s++)
            count[(size_t) train->y[s]]++;
          class_weights = g_new (double, K);
          for (size_t k = 0; k < K; k++)
            class_weights[k] = count[k] > 0 ? (double) train->n_series / ((double) K * count[k])
                                            : 1.0;
          tc.loss.class_weights = class_weights;
        }
    }
  m->y_mean = 0;
  m->y_scale = 1;
  if (m->task == TD_TASK_REGRESSION)
    fit_target_scale (m, train);
  g_autofree double *ytr = standardised_targets (m, train);
  g_autofree double *yva = valid && valid->n_series ? standardised_targets (m, valid) : NULL;
  NnSeqData tr = seq_nn_data (train, m->mean, m->scale), va = { 0 };
  if (ytr)
    tr.y = ytr;
  if (valid && valid->n_series > 0)
    {
      va = seq_nn_data (valid, m->mean, m->scale);
      if (yva)
        va.y = yva;
    }
  if (!train_restarts (m, &tc, &tr, valid && valid->n_series ? &va : NULL, ctx, error))
    {
      lstm_clear_fit (m);
      return FALSE;
    }
  m->fitted = TRUE;
  lstm_prepare (m);
  return TRUE;
}

static gboolean
check_input (const TdModel *m, const TdDataset *ds, GError **error)
{
  return seq_check_input (m->plugin, m->fitted, ds, m->C, m->channel_names, error);
}

gboolean
lstm_predict (TdModel *m, const TdDataset *input, double *out, TdContext *ctx, GError **error)
{
  if (!check_input (m, input, error))
    return FALSE;
  NnSeqData d = seq_nn_data (input, m->mean, m->scale);
  nn_predict_logits (&m->net, m->P, m->S, m->prepared, &d, td_context_threads (ctx),
                     m->score_cache, out);
  const size_t K = m->net.head2.out;
  for (size_t s = 0; s < input->n_series; s++)
    {
      double *o = out + s * K;
      if (m->task == TD_TASK_REGRESSION)
        o[0] = o[0] * m->y_scale + m->y_mean;
      else if (K == 1)
        o[0] = 1.0 / (1.0 + exp (-o[0]));
      else
        {
          double mx = o[0], sum = 0;
          for (size_t k = 1; k < K; k++)
            mx = fmax (mx, o[k]);
          for (size_t k = 0; k < K; k++)
            sum += (o[k] = exp (o[k] - mx));
          for (size_t k = 0; k < K; k++)
            o[k] /= sum;
        }
    }
  return TRUE;
}

/* Input-gradient saliency: ∂logit/∂x × x in standardised units, per step
 * and channel (0 at padded steps); the predicted class's logit for
 * multiclass, the (standardised) prediction for regression. */
gboolean
lstm_explain (TdModel *m, const TdDataset *input, size_t series, float *out, TdContext *ctx,
              GError **error)
{
  (void) ctx;
  if (!check_input (m, input, error) || !seq_check_series (m->plugin, input, series, error))
    return FALSE;
  NnSeqData d = seq_nn_data (input, m->mean, m->scale);
  nn_saliency (&m->net, m->P, m->S, m->prepared, &d, series, m->score_cache, out);
  return TRUE;
}

/* TD_EXT_ATTENTION_MAP: the self-attention's weights for one series,
 * averaged over heads (attention_lstm), or the attention pooling's weights
 * over steps (lstm, pooling: attention); see nn_attention_map. */
static gboolean
lstm_attention_map (TdModel *m, const TdDataset *input, size_t series, float *out,
                    TdContext *ctx, GError **error)
{
  (void) ctx;
  if (!check_input (m, input, error))
    return FALSE;
  if (series >= input->n_series)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "attention map: series %zu out of range (%zu series)", series,
                   input->n_series);
      return FALSE;
    }
  NnSeqData d = seq_nn_data (input, m->mean, m->scale);
  nn_attention_map (&m->net, m->P, m->S, m->prepared, &d, series, m->score_cache, out);
  return TRUE;
}

static const TdAttentionMapExt attention_map_ext = { lstm_attention_map };

const void *
lstm_extension (TdModel *m, const char *id)
{
  if (m && nn_has_attention_map (&m->arch) && g_strcmp0 (id, TD_EXT_ATTENTION_MAP) == 0)
    return &attention_map_ext;
  return NULL;
}

TdModel *
lstm_family_load (const char *plugin, const TdParams *params, const char *path, GError **error)
{
  TdModel *m = lstm_new (plugin, params);
  if (!lstm_load_h5 (m, path, error))
    {
      lstm_destroy (m);
      return NULL;
    }
  return m;
}
