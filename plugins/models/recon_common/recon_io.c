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
 * committed (tundish/io.h): never a torn model file.
 */
#include <glib/gstdio.h>
#include <hdf5.h>
#include <string.h>

#include "recon.h"

static gboolean
io_fail (const TdModel *m, GError **error, const char *path, const char *what)
{
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "%s: %s: %s", m->plugin, path, what);
  return FALSE;
}

static const char *
network_name (ReconKind k)
{
  return k == RECON_AE ? "lstm_autoencoder" : "vae";
}

/* ------------------------------------------------------- typed attributes */

static hid_t
str_type (void)
{
  hid_t t = H5Tcopy (H5T_C_S1);
  H5Tset_size (t, H5T_VARIABLE);
  H5Tset_cset (t, H5T_CSET_UTF8);
  return t;
}

/* type: H5T_NATIVE_INT64, H5T_NATIVE_DOUBLE, or 0 for a string (v = &char*). */
static gboolean
attr_put (hid_t loc, const char *name, hid_t type, const void *v)
{
  hid_t t = type ? type : str_type ();
  hid_t space = H5Screate (H5S_SCALAR);
  hid_t a = H5Acreate2 (loc, name, t, space, H5P_DEFAULT, H5P_DEFAULT);
  const gboolean ok = a >= 0 && H5Awrite (a, t, v) >= 0;
  if (a >= 0)
    H5Aclose (a);
  H5Sclose (space);
  if (!type)
    H5Tclose (t);
  return ok;
}

static gboolean
put_i (hid_t loc, const char *name, gint64 v)
{
  return attr_put (loc, name, H5T_NATIVE_INT64, &v);
}

static gboolean
put_d (hid_t loc, const char *name, double v)
{
  return attr_put (loc, name, H5T_NATIVE_DOUBLE, &v);
}

static gboolean
put_s (hid_t loc, const char *name, const char *v)
{
  return attr_put (loc, name, 0, &v);
}

static gboolean
attr_get (hid_t loc, const char *name, hid_t type, void *v)
{
  if (H5Aexists (loc, name) <= 0)
    return FALSE;
  hid_t a = H5Aopen (loc, name, H5P_DEFAULT);
  const gboolean ok = a >= 0 && H5Aread (a, type, v) >= 0;
  if (a >= 0)
    H5Aclose (a);
  return ok;
}

/* An integer attribute in [lo, hi]. */
static gboolean
get_size (hid_t loc, const char *name, gint64 lo, gint64 hi, size_t *out)
{
  gint64 v = 0;
  if (!attr_get (loc, name, H5T_NATIVE_INT64, &v) || v < lo || v > hi)
    return FALSE;
  *out = (size_t) v;
  return TRUE;
}

static char *
get_s (hid_t loc, const char *name)
{
  hid_t t = str_type ();
  char *s = NULL, *out = NULL;
  if (attr_get (loc, name, t, &s) && s)
    {
      out = g_strdup (s);
      H5free_memory (s);
    }
  H5Tclose (t);
  return out;
}

/* --------------------------------------------------------------- datasets */

static gboolean
write_f32 (hid_t loc, const char *name, unsigned rank, const size_t *shape, const float *data)
{
  hsize_t dims[4];
  for (unsigned k = 0; k < rank; k++)
    dims[k] = shape[k];
  hid_t space = H5Screate_simple ((int) rank, dims, NULL);
  hid_t ds = H5Dcreate2 (loc, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const gboolean ok = ds >= 0
    && H5Dwrite (ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0;
  if (ds >= 0)
    H5Dclose (ds);
  H5Sclose (space);
  return ok;
}

/* A float dataset of exactly this shape. */
static gboolean
read_f32 (hid_t loc, const char *name, unsigned rank, const size_t *shape, float *dst)
{
  if (H5Lexists (loc, name, H5P_DEFAULT) <= 0)
    return FALSE;
  hid_t ds = H5Dopen2 (loc, name, H5P_DEFAULT);
  if (ds < 0)
    return FALSE;
  hid_t space = H5Dget_space (ds);
  hsize_t dims[4] = { 0 };
  gboolean ok = H5Sget_simple_extent_ndims (space) == (int) rank
    && H5Sget_simple_extent_dims (space, dims, NULL) == (int) rank;
  for (unsigned k = 0; ok && k < rank; k++)
    ok = dims[k] == shape[k];
  ok = ok && H5Dread (ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, dst) >= 0;
  H5Sclose (space);
  H5Dclose (ds);
  return ok;
}

static gboolean
write_names (hid_t loc, const char *name, char *const *names, size_t n)
{
  hid_t t = str_type ();
  hsize_t dims[1] = { n };
  hid_t space = H5Screate_simple (1, dims, NULL);
  hid_t ds = H5Dcreate2 (loc, name, t, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const gboolean ok = ds >= 0 && H5Dwrite (ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, names) >= 0;
  if (ds >= 0)
    H5Dclose (ds);
  H5Sclose (space);
  H5Tclose (t);
  return ok;
}

static char **
read_names (hid_t loc, const char *name, size_t n)
{
  if (H5Lexists (loc, name, H5P_DEFAULT) <= 0)
    return NULL;
  hid_t ds = H5Dopen2 (loc, name, H5P_DEFAULT);
  if (ds < 0)
    return NULL;
  hid_t space = H5Dget_space (ds);
  hsize_t dims[1] = { 0 };
  char **out = NULL;
  if (H5Sget_simple_extent_ndims (space) == 1 && H5Sget_simple_extent_dims (space, dims, NULL) == 1
      && dims[0] == n)
    {
      hid_t t = str_type ();
      g_autofree char **raw = g_new0 (char *, n + 1);
      if (H5Dread (ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) >= 0)
        {
          out = g_new0 (char *, n + 1);
          for (size_t k = 0; k < n; k++)
            out[k] = g_strdup (raw[k] ? raw[k] : "");
          H5Dvlen_reclaim (t, space, H5P_DEFAULT, raw);
        }
      H5Tclose (t);
    }
  H5Sclose (space);
  H5Dclose (ds);
  return out;
}

/* ------------------------------------------------------------------- save */

static gboolean
save_groups (const TdModel *m, hid_t f)
{
  gboolean ok = put_s (f, "magic", RECON_MAGIC) && put_i (f, "format_version", RECON_FORMAT_VERSION)
    && put_s (f, "network", network_name (m->kind));
  hid_t g = H5Gcreate2 (f, "architecture", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ok = ok && g >= 0 && put_i (g, "n_inputs", (gint64) m->C);
  if (m->kind == RECON_AE)
    ok = ok && put_i (g, "hidden_size", (gint64) m->ae_cfg.H)
      && put_i (g, "latent_size", (gint64) m->ae_cfg.Z);
  else
    {
      const NnVaeConfig *v = &m->vae_cfg;
      ok = ok && put_i (g, "filters", (gint64) v->F) && put_i (g, "kernel_size", (gint64) v->K)
        && put_i (g, "latent_size", (gint64) v->Z) && put_i (g, "pool", (gint64) v->pool)
        && put_d (g, "beta", v->beta)
        && put_s (g, "score", v->score == NN_VAE_SCORE_ELBO ? "elbo" : "recon_kl")
        && put_i (g, "elbo_samples", (gint64) v->elbo_samples)
        && attr_put (g, "score_seed", H5T_NATIVE_UINT64, &v->score_seed);
    }
  if (g >= 0)
    H5Gclose (g);

  g = H5Gcreate2 (f, "training", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ok = ok && g >= 0 && put_s (g, "config", m->config_text ? m->config_text : "")
    && put_i (g, "epochs_run", m->result.epochs_run) && put_i (g, "best_epoch", m->result.best_epoch)
    && put_d (g, "final_train_loss", m->result.final_train_loss);
  if (g >= 0)
    H5Gclose (g);

  g = H5Gcreate2 (f, "preprocess", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ok = ok && g >= 0 && put_i (g, "standardize", m->mean != NULL)
    && write_names (g, "channel_names", m->channel_names, m->C);
  if (ok && m->mean)
    ok = write_f32 (g, "mean", 1, &m->C, m->mean) && write_f32 (g, "scale", 1, &m->C, m->scale);
  if (g >= 0)
    H5Gclose (g);

  g = H5Gcreate2 (f, "weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ok = ok && g >= 0;
  for (size_t k = 0; ok && k < m->net.params->n; k++)
    {
      const NnTensor *t = &m->net.params->t[k];
      ok = write_f32 (g, t->name, t->ndim, t->shape, m->P + t->offset);
    }
  if (g >= 0)
    H5Gclose (g);
  return ok;
}

gboolean
recon_save_h5 (const TdModel *m, const char *path, GError **error)
{
  g_autofree char *tmp = td_file_temp_name (path);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  hid_t f = H5Fcreate (tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0)
    return io_fail (m, error, tmp, "cannot create the HDF5 file");
  gboolean ok = save_groups (m, f);
  ok = H5Fclose (f) >= 0 && ok;
  if (!ok)
    {
      g_unlink (tmp);
      return io_fail (m, error, path, "cannot write the model file");
    }
  GError *local = NULL;
  if (!td_file_commit (tmp, path, &local))
    {
      ok = io_fail (m, error, path, local->message);
      g_error_free (local);
    }
  return ok;
}

/* ------------------------------------------------------------------- load */

static gboolean
load_architecture (TdModel *m, hid_t f, const char *path, GError **error)
{
  g_autofree char *magic = get_s (f, "magic");
  g_autofree char *network = get_s (f, "network");
  gint64 version = 0;
  if (g_strcmp0 (magic, RECON_MAGIC) != 0)
    return io_fail (m, error, path, "not a tundish lstm_autoencoder/vae model file (magic)");
  if (!attr_get (f, "format_version", H5T_NATIVE_INT64, &version) || version != RECON_FORMAT_VERSION)
    return io_fail (m, error, path, "unsupported format_version (this build reads 1)");
  if (g_strcmp0 (network, network_name (m->kind)) != 0)
    {
      g_autofree char *msg = g_strdup_printf ("the file holds a %s model, not a %s one",
                                              network ? network : "?", network_name (m->kind));
      return io_fail (m, error, path, msg);
    }
  hid_t g = H5Lexists (f, "architecture", H5P_DEFAULT) > 0
    ? H5Gopen2 (f, "architecture", H5P_DEFAULT) : -1;
  if (g < 0)
    return io_fail (m, error, path, "no /architecture group");
  const gint64 big = 1 << 20;
  gboolean ok = get_size (g, "n_inputs", 1, 1 << 24, &m->C);
  if (m->kind == RECON_AE)
    ok = ok && get_size (g, "hidden_size", 1, big, &m->ae_cfg.H)
      && get_size (g, "latent_size", 1, big, &m->ae_cfg.Z);
  else
    {
      NnVaeConfig *v = &m->vae_cfg;
      g_autofree char *score = get_s (g, "score");
      ok = ok && get_size (g, "filters", 1, big, &v->F) && get_size (g, "kernel_size", 1, 1 << 10, &v->K)
        && get_size (g, "latent_size", 1, big, &v->Z) && get_size (g, "pool", 1, big, &v->pool)
        && attr_get (g, "beta", H5T_NATIVE_DOUBLE, &v->beta)
        && get_size (g, "elbo_samples", 1, big, &v->elbo_samples)
        && attr_get (g, "score_seed", H5T_NATIVE_UINT64, &v->score_seed)
        && (g_strcmp0 (score, "elbo") == 0 || g_strcmp0 (score, "recon_kl") == 0);
      v->score = g_strcmp0 (score, "elbo") == 0 ? NN_VAE_SCORE_ELBO : NN_VAE_SCORE_RECON_KL;
    }
  H5Gclose (g);
  if (!ok)
    return io_fail (m, error, path, "/architecture is incomplete or out of range");
  return recon_build (m, error);
}

static gboolean
load_rest (TdModel *m, hid_t f, const char *path, GError **error)
{
  hid_t g = H5Lexists (f, "training", H5P_DEFAULT) > 0 ? H5Gopen2 (f, "training", H5P_DEFAULT) : -1;
  if (g >= 0)   /* informative */
    {
      gint64 v = 0;
      g_free (m->config_text);
      m->config_text = get_s (g, "config");
      if (attr_get (g, "epochs_run", H5T_NATIVE_INT64, &v))
        m->result.epochs_run = (int) v;
      if (attr_get (g, "best_epoch", H5T_NATIVE_INT64, &v))
        m->result.best_epoch = (int) v;
      attr_get (g, "final_train_loss", H5T_NATIVE_DOUBLE, &m->result.final_train_loss);
      H5Gclose (g);
    }
  g = H5Lexists (f, "preprocess", H5P_DEFAULT) > 0 ? H5Gopen2 (f, "preprocess", H5P_DEFAULT) : -1;
  if (g < 0)
    return io_fail (m, error, path, "no /preprocess group");
  gint64 std = 0;
  m->channel_names = read_names (g, "channel_names", m->C);
  gboolean ok = m->channel_names && attr_get (g, "standardize", H5T_NATIVE_INT64, &std);
  if (ok && std)
    {
      m->mean = g_new (float, m->C);
      m->scale = g_new (float, m->C);
      ok = read_f32 (g, "mean", 1, &m->C, m->mean) && read_f32 (g, "scale", 1, &m->C, m->scale);
    }
  H5Gclose (g);
  if (!ok)
    return io_fail (m, error, path, "/preprocess is incomplete");

  g = H5Lexists (f, "weights", H5P_DEFAULT) > 0 ? H5Gopen2 (f, "weights", H5P_DEFAULT) : -1;
  if (g < 0)
    return io_fail (m, error, path, "no /weights group");
  m->P = g_new (float, m->net.params->total);
  for (size_t k = 0; ok && k < m->net.params->n; k++)
    {
      const NnTensor *t = &m->net.params->t[k];
      if (!read_f32 (g, t->name, t->ndim, t->shape, m->P + t->offset))
        {
          g_autofree char *msg = g_strdup_printf ("weight /weights/%s is missing or not shaped "
                                                  "as the architecture says", t->name);
          ok = io_fail (m, error, path, msg);
        }
    }
  H5Gclose (g);
  return ok;
}

gboolean
recon_load_h5 (TdModel *m, const char *path, GError **error)
{
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  if (H5Fis_hdf5 (path) <= 0)
    return io_fail (m, error, path, "not an HDF5 file");
  hid_t f = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0)
    return io_fail (m, error, path, "cannot open");
  const gboolean ok = load_architecture (m, f, path, error) && load_rest (m, f, path, error);
  H5Fclose (f);
  if (!ok)
    recon_clear_fit (m);
  return ok;
}
