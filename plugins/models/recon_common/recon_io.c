/* recon_io.c — the lstm_autoencoder / vae model file (HDF5).
 *
 *   /                  attrs magic = "tundish-recon", format_version = 1,
 *                      network = "lstm_autoencoder" | "vae"
 *   /architecture      attrs n_inputs and, lstm_autoencoder: hidden_size,
 *                      latent_size; vae: filters, kernel_size, latent_size,
 *                      pool, beta, score ("recon_kl" | "elbo"), elbo_samples,
 *                      score_seed
 *   /training          attrs config (the parameters as YAML), epochs_run,
 *                      best_epoch, final_train_loss
 *   /preprocess        attr standardize; mean, scale [C] float32 (when on);
 *                      channel_names [C]
 *   /weights/<name>    float32, PyTorch's names and shapes (encoder.weight_ih_l0
 *                      [4H,C], ..., enc.0.weight [F,C,K], ...)
 *
 * The float32 values used are stored, so a loaded model scores
 * bit-identically. Readable with h5py. Written to a temporary name and
 * committed (tundish/io.h): never a torn model file. The groups both sequence
 * families share (/preprocess, /weights, /training's record) are written and
 * read by ../seq_common/seq_h5.c.
 */
#include <hdf5.h>

#include "recon.h"
#include "seq_common.h"

static const char *
network_name (ReconKind k)
{
  return k == RECON_AE ? "lstm_autoencoder" : "vae";
}

/* An integer attribute in [lo, hi]. */
static gboolean
get_size (hid_t loc, const char *name, gint64 lo, gint64 hi, size_t *out)
{
  gint64 v = 0;
  if (!seq_h5_get_i64 (loc, name, &v) || v < lo || v > hi)
    return FALSE;
  *out = (size_t) v;
  return TRUE;
}

/* ------------------------------------------------------------------- save */

static gboolean
save_groups (hid_t f, const void *model)
{
  const TdModel *m = model;
  gboolean ok = seq_h5_put_str (f, "magic", RECON_MAGIC)
    && seq_h5_put_i64 (f, "format_version", RECON_FORMAT_VERSION)
    && seq_h5_put_str (f, "network", network_name (m->kind));
  hid_t g = H5Gcreate2 (f, "architecture", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ok = ok && g >= 0 && seq_h5_put_i64 (g, "n_inputs", (gint64) m->C);
  if (m->kind == RECON_AE)
    ok = ok && seq_h5_put_i64 (g, "hidden_size", (gint64) m->ae_cfg.H)
      && seq_h5_put_i64 (g, "latent_size", (gint64) m->ae_cfg.Z);
  else
    {
      const NnVaeConfig *v = &m->vae_cfg;
      ok = ok && seq_h5_put_i64 (g, "filters", (gint64) v->F)
        && seq_h5_put_i64 (g, "kernel_size", (gint64) v->K)
        && seq_h5_put_i64 (g, "latent_size", (gint64) v->Z)
        && seq_h5_put_i64 (g, "pool", (gint64) v->pool)
        && seq_h5_put_f64 (g, "beta", v->beta)
        && seq_h5_put_str (g, "score", v->score == NN_VAE_SCORE_ELBO ? "elbo" : "recon_kl")
        && seq_h5_put_i64 (g, "elbo_samples", (gint64) v->elbo_samples)
        && seq_h5_put (g, "score_seed", H5T_NATIVE_UINT64, &v->score_seed);
    }
  if (g >= 0)
    H5Gclose (g);

  g = H5Gcreate2 (f, "training", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ok = ok && g >= 0 && seq_h5_write_training (g, m->config_text, &m->result);
  if (g >= 0)
    H5Gclose (g);

  g = H5Gcreate2 (f, "preprocess", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ok = ok && g >= 0 && seq_h5_write_preprocess (g, m->C, m->channel_names, m->mean, m->scale);
  if (g >= 0)
    H5Gclose (g);

  return ok && seq_h5_write_tensors (f, "weights", m->net.params, m->P);
}

gboolean
recon_save (TdModel *m, const char *path, GError **error)
{
  return seq_h5_save (m->plugin, m->fitted, path, save_groups, m, error);
}

/* ------------------------------------------------------------------- load */

static gboolean
load_architecture (TdModel *m, hid_t f, const char *path, GError **error)
{
  g_autofree char *network = seq_h5_get_str (f, "network");
  gint64 version = 0;
  if (!seq_h5_check_magic (f, m->plugin, path, RECON_MAGIC,
                           "a tundish lstm_autoencoder/vae model file", RECON_FORMAT_VERSION,
                           RECON_FORMAT_VERSION, &version, error))
    return FALSE;
  if (g_strcmp0 (network, network_name (m->kind)) != 0)
    {
      g_autofree char *msg = g_strdup_printf ("the file holds a %s model, not a %s one",
                                              network ? network : "?", network_name (m->kind));
      return seq_h5_fail (error, m->plugin, path, msg);
    }
  hid_t g = seq_h5_open_group (f, "architecture");
  if (g < 0)
    return seq_h5_fail (error, m->plugin, path, "no /architecture group");
  const gint64 big = 1 << 20;
  gboolean ok = get_size (g, "n_inputs", 1, 1 << 24, &m->C);
  if (m->kind == RECON_AE)
    ok = ok && get_size (g, "hidden_size", 1, big, &m->ae_cfg.H)
      && get_size (g, "latent_size", 1, big, &m->ae_cfg.Z);
  else
    {
      NnVaeConfig *v = &m->vae_cfg;
      g_autofree char *score = seq_h5_get_str (g, "score");
      ok = ok && get_size (g, "filters", 1, big, &v->F) && get_size (g, "kernel_size", 1, 1 << 10, &v->K)
        && get_size (g, "latent_size", 1, big, &v->Z) && get_size (g, "pool", 1, big, &v->pool)
        && seq_h5_get_f64 (g, "beta", &v->beta)
        && get_size (g, "elbo_samples", 1, big, &v->elbo_samples)
        && seq_h5_get (g, "score_seed", H5T_NATIVE_UINT64, &v->score_seed)
        && (g_strcmp0 (score, "elbo") == 0 || g_strcmp0 (score, "recon_kl") == 0);
      v->score = g_strcmp0 (score, "elbo") == 0 ? NN_VAE_SCORE_ELBO : NN_VAE_SCORE_RECON_KL;
    }
  H5Gclose (g);
  if (!ok)
    return seq_h5_fail (error, m->plugin, path, "/architecture is incomplete or out of range");
  return recon_build (m, error);
}

static gboolean
load_rest (TdModel *m, hid_t f, const char *path, GError **error)
{
  hid_t g = seq_h5_open_group (f, "training");
  if (g >= 0)   /* informative */
    {
      seq_h5_read_training (g, &m->config_text, &m->result);
      H5Gclose (g);
    }
  g = seq_h5_open_group (f, "preprocess");
  if (g < 0)
    return seq_h5_fail (error, m->plugin, path, "no /preprocess group");
  const gboolean ok = seq_h5_read_preprocess (g, m->C, &m->channel_names, &m->mean, &m->scale);
  H5Gclose (g);
  if (!ok)
    return seq_h5_fail (error, m->plugin, path, "/preprocess is incomplete or invalid");
  m->P = g_new (float, m->net.params->total);
  return seq_h5_read_tensors (f, "weights", m->net.params, m->P, m->plugin, path, error);
}

gboolean
recon_load_h5 (TdModel *m, const char *path, GError **error)
{
  hid_t f = seq_h5_open (m->plugin, path, error);
  if (f < 0)
    return FALSE;
  const gboolean ok = load_architecture (m, f, path, error) && load_rest (m, f, path, error);
  H5Fclose (f);
  if (!ok)
    recon_clear_fit (m);
  return ok;
}
