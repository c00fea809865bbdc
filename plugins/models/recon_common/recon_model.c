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

static gint64
series_id (const TdDataset *ds, size_t s)
{
  return ds->series_id ? ds->series_id[s] : (gint64) s;
}

/* Task, shape, lengths and finite values over the valid steps. */
static gboolean
check_data (const TdModel *m, const TdDataset *ds, const char *what, GError **error)
{
  if (ds->task != TD_TASK_ANOMALY)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED,
                   "%s: the %s data is a %s task; this model scores abnormality (task anomaly)",
                   m->plugin, what, td_task_name (ds->task));
      return FALSE;
    }
  if (!td_dataset_check_sequences (ds, m->plugin, what, error))
    return FALSE;
  for (size_t s = 0; s < ds->n_series; s++)
    {
      const size_t L = td_dataset_length (ds, s);
      const float *x = td_dataset_series (ds, s);
      for (size_t k = 0; k < L * ds->n_channels; k++)
        if (!isfinite (x[k]))
          {
            char cb[TD_CHANNEL_NAME_BUF];
            g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                         "%s: series %" G_GINT64_FORMAT " of the %s data holds %s at step "
                         "%zu, channel \"%s\"; impute or drop missing values before the model "
                         "(e.g. a resample/zscore feature step)", m->plugin, series_id (ds, s),
                         what, isnan (x[k]) ? "NaN" : "an infinite value", k / ds->n_channels,
                         td_dataset_channel_name (ds, k % ds->n_channels, cb));
            return FALSE;
          }
    }
  return TRUE;
}

/* Mean and population standard deviation per channel over valid steps. */
static void
fit_standardiser (TdModel *m, const TdDataset *ds)
{
  const size_t C = ds->n_channels;
  g_autofree double *sum = g_new0 (double, C);
  g_autofree double *ss = g_new0 (double, C);
  double count = 0;
  for (int pass = 0; pass < 2; pass++)
    {
      for (size_t s = 0; s < ds->n_series; s++)
        {
          const float *x = td_dataset_series (ds, s);
          const size_t L = td_dataset_length (ds, s);
          for (size_t t = 0; t < L; t++)
            for (size_t c = 0; c < C; c++)
              {
                if (pass == 0)
                  sum[c] += x[t * C + c];
                else
                  ss[c] += (x[t * C + c] - sum[c]) * (x[t * C + c] - sum[c]);
              }
          count += pass == 0 ? (double) L : 0;
        }
      if (pass == 0)
        for (size_t c = 0; c < C; c++)
          sum[c] /= count;
    }
  m->mean = g_new (float, C);
  m->scale = g_new (float, C);
  for (size_t c = 0; c < C; c++)
    {
      const double sd = sqrt (ss[c] / count);
      m->mean[c] = (float) sum[c];
      m->scale[c] = sd > 1e-12 * fmax (1.0, fabs (sum[c])) ? (float) sd : 1.0f;
    }
}

static NnSeqData
seq_data (const TdModel *m, const TdDataset *ds)
{
  return (NnSeqData) { .n = ds->n_series, .T = ds->n_steps, .C = ds->n_channels, .x = ds->x,
                       .len = ds->lengths, .y = ds->y, .mean = m->mean, .scale = m->scale };
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
  m->channel_names = g_new0 (char *, m->C + 1);
  for (size_t c = 0; c < m->C; c++)
    m->channel_names[c] = g_strdup (train->channel_names && train->channel_names[c]
                                    ? train->channel_names[c] : "");
  if (m->standardize)
    fit_standardiser (m, train);
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
  NnSeqData tr = seq_data (m, train), va = vn ? seq_data (m, vn) : (NnSeqData) { 0 };
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
  if (!m->fitted)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED, "%s: predict before fit or load",
                   m->plugin);
      return FALSE;
    }
  if (!check_data (m, ds, "input", error))
    return FALSE;
  if (ds->n_channels != m->C)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: the model was fitted on %zu channels, the input has %zu", m->plugin, m->C,
                   ds->n_channels);
      return FALSE;
    }
  for (size_t c = 0; ds->channel_names && c < m->C; c++)
    if (ds->channel_names[c] && *m->channel_names[c]
        && g_strcmp0 (ds->channel_names[c], m->channel_names[c]) != 0)
      {
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     "%s: channel %zu is \"%s\" in the input but was \"%s\" at fit", m->plugin, c,
                     ds->channel_names[c], m->channel_names[c]);
        return FALSE;
      }
  return TRUE;
}

/* The anomaly score of each series (see tundish/nn_recon.h): the mean
 * squared reconstruction error per element (+ β·KL, or the negative ELBO,
 * for the vae). Higher = more abnormal. */
gboolean
recon_predict (TdModel *m, const TdDataset *input, double *out, TdContext *ctx, GError **error)
{
  if (!check_input (m, input, error))
    return FALSE;
  NnSeqData d = seq_data (m, input);
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
  if (!check_input (m, input, error))
    return FALSE;
  if (series >= input->n_series)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: series %zu out of range (%zu series)", m->plugin, series, input->n_series);
      return FALSE;
    }
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

gboolean
recon_save (TdModel *m, const char *path, GError **error)
{
  if (!m->fitted)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED, "%s: nothing to save before fit",
                   m->plugin);
      return FALSE;
    }
  return recon_save_h5 (m, path, error);
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
