/* recon_model.c — the model behind lstm_autoencoder and vae: create from
 * parameters, fit on normal series, predict (the anomaly score: higher =
 * more abnormal), explain (per step × channel squared reconstruction
 * error), save, load.
 *
 * Inputs are standardised per channel with the training split's mean and
 * standard deviation over valid steps (saved with the model), so errors are
 * in standard deviations squared. Variable lengths are masked. Early
 * stopping reads the mean score of the validation split's NORMAL series
 * (labels are there at fit; abnormal ones would reward a worse fit).
 * Seeds: weights from td_context_derive_seed(ctx, "init"), shuffling and
 * the VAE's training noise from "train", its ELBO scoring noise from
 * "score". Threads: see nn_train (results do not depend on them). */
#include <math.h>
#include <string.h>

#include "recon.h"
#include "seq_common.h"

void
recon_clear_fit (TdModel *m)
{
  nn_ae_clear (&m->ae);
  nn_vae_clear (&m->vae);
  g_clear_pointer (&m->P, g_free);
  g_clear_pointer (&m->score_cache, nn_score_cache_free);
  g_clear_pointer (&m->channel_names, g_strfreev);
  g_clear_pointer (&m->mean, g_free);
  g_clear_pointer (&m->scale, g_free);
  m->C = 0;
  m->fitted = FALSE;
}

void
recon_destroy (TdModel *m)
{
  if (!m)
    return;
  recon_clear_fit (m);
  g_free (m->config_text);
  g_free (m);
}

static TdModel *
recon_new (const char *plugin, ReconKind kind, const TdParams *params)
{
  TdModel *m = g_new0 (TdModel, 1);
  m->plugin = plugin;
  m->kind = kind;
  if (kind == RECON_AE)
    m->ae_cfg = (NnAeConfig) { .H = (size_t) td_params_get_int (params, "hidden_size"),
                               .Z = (size_t) td_params_get_int (params, "latent_size") };
  else
    {
      m->vae_cfg = (NnVaeConfig) {
        .F = (size_t) td_params_get_int (params, "filters"),
        .K = (size_t) td_params_get_int (params, "kernel_size"),
        .Z = (size_t) td_params_get_int (params, "latent_size"),
        .pool = (size_t) td_params_get_int (params, "pool"),
        .beta = td_params_get_double (params, "beta"),
        .score = g_str_equal (td_params_get_string (params, "score"), "elbo")
                   ? NN_VAE_SCORE_ELBO : NN_VAE_SCORE_RECON_KL,
        .elbo_samples = (size_t) td_params_get_int (params, "elbo_samples"),
      };
      m->warmup_epochs = (int) td_params_get_int (params, "kl_warmup_epochs");
    }
  m->train = (NnTrainConfig) {
    .epochs = (int) td_params_get_int (params, "epochs"),
    .batch_size = (size_t) td_params_get_int (params, "batch_size"),
    .opt = { .kind = NN_OPT_ADAM, .lr = td_params_get_double (params, "learning_rate"),
             .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8,
             .weight_decay = td_params_get_double (params, "weight_decay") },
    .loss = { .kind = NN_LOSS_OUTPUT },
    .clip_norm = td_params_get_double (params, "clip_norm"),
    .patience = (int) td_params_get_int (params, "patience"),
  };
  m->standardize = td_params_get_bool (params, "standardize");
  m->config_text = td_params_to_text (params);
  return m;
}

gboolean
recon_build (TdModel *m, GError **error)
{
  GError *local = NULL;
  gboolean ok;
  if (m->kind == RECON_AE)
    {
      m->ae_cfg.C = m->C;
      ok = nn_ae_init (&m->ae, &m->ae_cfg, &local);
      if (ok)
        nn_ae_net_init (&m->net, &m->ae);
    }
  else
    {
      m->vae_cfg.C = m->C;
      ok = nn_vae_init (&m->vae, &m->vae_cfg, &local);
      if (ok)
        nn_vae_net_init (&m->net, &m->vae);
    }
  if (!ok)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, "%s: %s", m->plugin,
                   local->message);
      g_error_free (local);
    }
  return ok;
}

TdModel *
recon_create (const char *plugin, ReconKind kind, const TdParams *params, GError **error)
{
  TdModel *m = recon_new (plugin, kind, params);
  /* what the specs cannot express, refused before any training (one channel
   * stands in for the data's) */
  m->C = 1;
  gboolean ok = recon_build (m, error);
  recon_clear_fit (m);
  if (!ok)
    {
      recon_destroy (m);
      return NULL;
    }
  return m;
}

static gboolean
check_task (const TdModel *m, const TdDataset *ds, const char *what, GError **error)
{
  if (ds->task == TD_TASK_ANOMALY)
    return TRUE;
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED,
               "%s: the %s data is a %s task; this model scores abnormality (task anomaly)",
               m->plugin, what, td_task_name (ds->task));
  return FALSE;
}

/* Task, shape, lengths and finite values over the valid steps. */
static gboolean
check_data (const TdModel *m, const TdDataset *ds, const char *what, GError **error)
{
  return check_task (m, ds, what, error) && seq_check_sequences (m->plugin, ds, what, error);
}

/* The validation split's normal series (NULL when there are none). */
static TdDataset *
valid_normals (const TdDataset *valid)
{
  if (!valid || valid->n_series == 0)
    return NULL;
  g_autofree size_t *idx = g_new (size_t, valid->n_series);
  size_t n = 0;
  for (size_t s = 0; s < valid->n_series; s++)
    if (!(valid->y[s] >= 0.5))
      idx[n++] = s;
  return n ? td_dataset_subset (valid, idx, n) : NULL;
}

gboolean
recon_fit (TdModel *m, const TdDataset *train, const TdDataset *valid, TdContext *ctx,
           GError **error)
{
  if (!check_data (m, train, "training", error))
    return FALSE;
  if (train->n_series == 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: no normal series to train on", m->plugin);
      return FALSE;
    }
  g_autoptr (TdDataset) vn = valid_normals (valid);
  if (vn && !check_data (m, vn, "validation", error))
    return FALSE;
  if (vn && vn->n_channels != train->n_channels)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: validation data has %zu channels, training data %zu", m->plugin,
                   vn->n_channels, train->n_channels);
      return FALSE;
    }
  recon_clear_fit (m);
  m->C = train->n_channels;
  m->vae_cfg.score_seed = td_context_derive_seed (ctx, "score");
  if (!recon_build (m, error))
    return FALSE;
  m->channel_names = seq_channel_names (train);
  if (m->standardize)
    seq_fit_standardiser (train, &m->mean, &m->scale);
  m->P = g_new (float, m->net.params->total);
  const uint64_t init = td_context_derive_seed (ctx, "init");
  if (m->kind == RECON_AE)
    nn_ae_init_params (&m->ae, m->P, init);
  else
    nn_vae_init_params (&m->vae, m->P, init);

  NnTrainConfig tc = m->train;
  tc.seed = td_context_derive_seed (ctx, "train");
  NnVaeWarmup warm = { &m->vae, m->warmup_epochs };
  if (m->kind == RECON_VAE)
    {
      tc.epoch_start = nn_vae_warmup;
      tc.epoch_data = &warm;
    }
  NnSeqData tr = seq_nn_data (train, m->mean, m->scale), va = vn ? seq_nn_data (vn, m->mean, m->scale) : (NnSeqData) { 0 };
  if (!nn_train (&m->net, m->P, NULL, &tc, &tr, vn ? &va : NULL, ctx, &m->result, error))
    {
      g_prefix_error (error, "%s: ", m->plugin);
      recon_clear_fit (m);
      return FALSE;
    }
  m->vae.beta_train = m->vae_cfg.beta;
  m->fitted = TRUE;
  m->score_cache = nn_score_cache_new ();
  return TRUE;
}

static gboolean
check_input (const TdModel *m, const TdDataset *ds, GError **error)
{
  return check_task (m, ds, "input", error)
    && seq_check_input (m->plugin, m->fitted, ds, m->C, m->channel_names, error);
}

/* The anomaly score of each series (see tundish/nn_recon.h): the mean
 * squared reconstruction error per element (+ β·KL, or the negative ELBO,
 * for the vae). Higher = more abnormal. */
gboolean
recon_predict (TdModel *m, const TdDataset *input, double *out, TdContext *ctx, GError **error)
{
  if (!check_input (m, input, error))
    return FALSE;
  NnSeqData d = seq_nn_data (input, m->mean, m->scale);
  nn_net_predict (&m->net, m->P, NULL, &d, td_context_threads (ctx), m->score_cache, out);
  return TRUE;
}

/* Per step × channel squared reconstruction error of one series, in
 * standardised units (the vae's at z = μ); 0 at padded steps. */
gboolean
recon_explain (TdModel *m, const TdDataset *input, size_t series, float *out, TdContext *ctx,
               GError **error)
{
  (void) ctx;
  if (!check_input (m, input, error) || !seq_check_series (m->plugin, input, series, error))
    return FALSE;
  const size_t T = input->n_steps, C = input->n_channels, L = td_dataset_length (input, series);
  const float *src = td_dataset_series (input, series);
  g_autofree float *x = g_new0 (float, T * C);     /* [T,1,C] time-major = [T,C] */
  for (size_t t = 0; t < L; t++)
    for (size_t c = 0; c < C; c++)
      x[t * C + c] = m->mean ? (src[t * C + c] - m->mean[c]) / m->scale[c] : src[t * C + c];
  const guint32 len = (guint32) L;
  void *tape = m->net.tape_new (m->net.self, T, 1);
  m->net.forward (m->net.self, m->P, NULL, tape, T, 1, x, &len, FALSE, 0);
  nn_recon_errors (tape, 0, T, out);
  m->net.tape_free (tape);
  return TRUE;
}

TdModel *
recon_load (const char *plugin, ReconKind kind, const TdParams *params, const char *path,
            GError **error)
{
  TdModel *m = recon_new (plugin, kind, params);
  if (!recon_load_h5 (m, path, error))
    {
      recon_destroy (m);
      return NULL;
    }
  m->score_cache = nn_score_cache_new ();
  m->fitted = TRUE;
  return m;
}
