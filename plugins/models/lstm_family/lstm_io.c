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
 * loaded model predicts bit-identically. Readable with h5py.
 */
#include <glib/gstdio.h>
#include <hdf5.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "lstm.h"

/* Named after the plugin the user configured (lstm, cnn_lstm, attention_lstm). */
static gboolean
io_fail (const TdModel *m, GError **error, const char *path, const char *what)
{
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "%s: %s: %s", m->plugin, path, what);
  return FALSE;
}

/* ------------------------------------------------------------- attributes */

static gboolean
attr_write (hid_t loc, const char *name, hid_t type, const void *v)
{
  hid_t space = H5Screate (H5S_SCALAR);
  hid_t a = H5Acreate2 (loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  herr_t st = a < 0 ? -1 : H5Awrite (a, type, v);
  if (a >= 0)
    H5Aclose (a);
  H5Sclose (space);
  return st >= 0;
}

static gboolean
attr_i64 (hid_t loc, const char *name, gint64 v)
{
  return attr_write (loc, name, H5T_NATIVE_INT64, &v);
}

static gboolean
attr_f64 (hid_t loc, const char *name, double v)
{
  return attr_write (loc, name, H5T_NATIVE_DOUBLE, &v);
}

static hid_t
vstring_type (void)
{
  hid_t t = H5Tcopy (H5T_C_S1);
  H5Tset_size (t, H5T_VARIABLE);
  H5Tset_cset (t, H5T_CSET_UTF8);
  return t;
}

static gboolean
attr_str (hid_t loc, const char *name, const char *v)
{
  hid_t t = vstring_type ();
  gboolean ok = attr_write (loc, name, t, &v);
  H5Tclose (t);
  return ok;
}

static gboolean
read_attr (hid_t loc, const char *name, hid_t type, void *v)
{
  if (H5Aexists (loc, name) <= 0)
    return FALSE;
  hid_t a = H5Aopen (loc, name, H5P_DEFAULT);
  herr_t st = a < 0 ? -1 : H5Aread (a, type, v);
  if (a >= 0)
    H5Aclose (a);
  return st >= 0;
}

static gboolean
read_i64 (hid_t loc, const char *name, gint64 *v)
{
  return read_attr (loc, name, H5T_NATIVE_INT64, v);
}

static gboolean
read_f64 (hid_t loc, const char *name, double *v)
{
  return read_attr (loc, name, H5T_NATIVE_DOUBLE, v);
}

/* A string attribute, newly allocated, or NULL. */
static char *
read_str (hid_t loc, const char *name)
{
  if (H5Aexists (loc, name) <= 0)
    return NULL;
  hid_t a = H5Aopen (loc, name, H5P_DEFAULT);
  if (a < 0)
    return NULL;
  hid_t ft = H5Aget_type (a);
  char *out = NULL;
  if (H5Tget_class (ft) == H5T_STRING && H5Tis_variable_str (ft) > 0)
    {
      hid_t t = vstring_type ();
      char *s = NULL;
      if (H5Aread (a, t, &s) >= 0 && s)
        {
          out = g_strdup (s);
          H5free_memory (s);
        }
      H5Tclose (t);
    }
  H5Tclose (ft);
  H5Aclose (a);
  return out;
}

/* --------------------------------------------------------------- datasets */

static gboolean
write_f32 (hid_t loc, const char *name, int rank, const hsize_t *dims, const float *data)
{
  hid_t space = H5Screate_simple (rank, dims, NULL);
  hid_t ds = H5Dcreate2 (loc, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  herr_t st = ds < 0 ? -1 : H5Dwrite (ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
  if (ds >= 0)
    H5Dclose (ds);
  H5Sclose (space);
  return ds >= 0 && st >= 0;
}

/* Read a float dataset of exactly numel values (any rank whose product matches
 * rank/dims when given). */
static gboolean
read_f32 (hid_t loc, const char *name, int rank, const hsize_t *want, float *dst)
{
  if (H5Lexists (loc, name, H5P_DEFAULT) <= 0)
    return FALSE;
  hid_t ds = H5Dopen2 (loc, name, H5P_DEFAULT);
  if (ds < 0)
    return FALSE;
  hid_t space = H5Dget_space (ds);
  hsize_t dims[8];
  int r = H5Sget_simple_extent_ndims (space);
  gboolean ok = r == rank && r <= 8 && H5Sget_simple_extent_dims (space, dims, NULL) == r;
  for (int k = 0; ok && k < r; k++)
    ok = dims[k] == want[k];
  if (ok)
    ok = H5Dread (ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, dst) >= 0;
  H5Sclose (space);
  H5Dclose (ds);
  return ok;
}

static gboolean
write_strings (hid_t loc, const char *name, char *const *strs, size_t n)
{
  hid_t t = vstring_type ();
  hsize_t dims[1] = { n };
  hid_t space = H5Screate_simple (1, dims, NULL);
  hid_t ds = H5Dcreate2 (loc, name, t, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  herr_t st = ds < 0 ? -1 : H5Dwrite (ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, strs);
  if (ds >= 0)
    H5Dclose (ds);
  H5Sclose (space);
  H5Tclose (t);
  return ds >= 0 && st >= 0;
}

static char **
read_strings (hid_t loc, const char *name, size_t n)
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
      hid_t t = vstring_type ();
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
  const NnSeqConfig *a = &m->net.cfg;
  gboolean ok = attr_str (f, "magic", LSTM_MAGIC) && attr_i64 (f, "format_version", LSTM_FORMAT_VERSION)
    && attr_str (f, "task", m->task == TD_TASK_MULTICLASS ? "multiclass"
                            : m->task == TD_TASK_REGRESSION ? "regression" : "binary");

  hid_t g = H5Gcreate2 (f, "architecture", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ok = ok && g >= 0
    && attr_i64 (g, "n_inputs", (gint64) a->n_inputs)
    && attr_i64 (g, "hidden_size", (gint64) a->hidden)
    && attr_i64 (g, "num_layers", (gint64) a->layers)
    && attr_i64 (g, "bidirectional", a->bidirectional)
    && attr_str (g, "pooling", nn_pool_name (a->pool))
    && attr_i64 (g, "attention_dim", (gint64) a->attention_dim)
    && attr_i64 (g, "head_hidden", (gint64) a->head_hidden)
    && attr_f64 (g, "dropout", a->dropout)
    && attr_i64 (g, "conv_layers", (gint64) a->conv_layers)
    && attr_i64 (g, "conv_channels", (gint64) a->conv_channels)
    && attr_i64 (g, "conv_kernel", (gint64) a->conv_kernel)
    && attr_i64 (g, "conv_pool", (gint64) a->conv_pool)
    && attr_i64 (g, "num_heads", (gint64) a->attn_heads)
    && attr_f64 (g, "attention_dropout", a->attn_dropout)
    && attr_i64 (g, "n_outputs", (gint64) m->net.head2.out);
  if (g >= 0)
    H5Gclose (g);

  g = H5Gcreate2 (f, "training", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ok = ok && g >= 0
    && attr_str (g, "config", m->config_text ? m->config_text : "")
    && attr_i64 (g, "epochs_run", m->result.epochs_run)
    && attr_i64 (g, "best_epoch", m->result.best_epoch)
    && attr_f64 (g, "best_valid_auc", m->result.best_valid_auc)
    && attr_f64 (g, "final_train_loss", m->result.final_train_loss)
    && attr_f64 (g, "pos_weight", m->pos_weight_used);
  if (g >= 0)
    H5Gclose (g);

  g = H5Gcreate2 (f, "preprocess", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  hsize_t dc[1] = { m->C };
  ok = ok && g >= 0 && attr_i64 (g, "standardize", m->mean != NULL)
    && write_strings (g, "channel_names", m->channel_names, m->C)
    && attr_f64 (g, "target_mean", m->y_mean) && attr_f64 (g, "target_scale", m->y_scale);
  if (ok && m->mean)
    ok = write_f32 (g, "mean", 1, dc, m->mean) && write_f32 (g, "scale", 1, dc, m->scale);
  if (g >= 0)
    H5Gclose (g);

  g = H5Gcreate2 (f, "weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ok = ok && g >= 0;
  for (size_t k = 0; ok && k < m->net.layout.n; k++)
    {
      const NnTensor *t = &m->net.layout.t[k];
      hsize_t dims[4];
      for (unsigned d = 0; d < t->ndim; d++)
        dims[d] = t->shape[d];
      ok = write_f32 (g, t->name, (int) t->ndim, dims, m->P + t->offset);
    }
  if (g >= 0)
    H5Gclose (g);

  if (ok && m->net.state.n)
    {
      g = H5Gcreate2 (f, "state", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      ok = g >= 0;
      for (size_t k = 0; ok && k < m->net.state.n; k++)
        {
          const NnTensor *t = &m->net.state.t[k];
          hsize_t dims[1] = { t->numel };
          ok = write_f32 (g, t->name, 1, dims, m->S + t->offset);
        }
      if (g >= 0)
        H5Gclose (g);
    }
  return ok;
}

gboolean
lstm_save_h5 (const TdModel *m, const char *path, GError **error)
{
  /* Written beside the target and committed (tundish/io.h): never a torn model file. */
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
  hid_t g = H5Lexists (f, "architecture", H5P_DEFAULT) > 0
    ? H5Gopen2 (f, "architecture", H5P_DEFAULT) : -1;
  if (g < 0)
    return io_fail (m, error, path, "no /architecture group");
  gint64 n_inputs = 0, hidden = 0, layers = 0, bidir = 0, att = 0, head = 0;
  gint64 conv_layers = 0, conv_channels = 0, conv_kernel = 0, conv_pool = 0, heads = 0;
  gint64 n_outputs = 1;
  double dropout = 0, attn_dropout = 0;
  g_autofree char *pool = read_str (g, "pooling");
  gboolean ok = read_i64 (g, "n_inputs", &n_inputs) && read_i64 (g, "hidden_size", &hidden)
    && read_i64 (g, "num_layers", &layers) && read_i64 (g, "bidirectional", &bidir)
    && read_i64 (g, "attention_dim", &att) && read_i64 (g, "head_hidden", &head)
    && read_f64 (g, "dropout", &dropout) && pool;
  /* absent in an lstm file without a front-end: 0 */
  read_i64 (g, "conv_layers", &conv_layers);
  read_i64 (g, "conv_channels", &conv_channels);
  read_i64 (g, "conv_kernel", &conv_kernel);
  read_i64 (g, "conv_pool", &conv_pool);
  /* absent without self-attention, and in version 1 files: 0 */
  read_i64 (g, "num_heads", &heads);
  read_f64 (g, "attention_dropout", &attn_dropout);
  /* absent before version 3: one output */
  read_i64 (g, "n_outputs", &n_outputs);
  H5Gclose (g);
  NnPool p = NN_POOL_MEAN;
  if (!ok || !nn_pool_from_name (pool, &p) || n_inputs <= 0 || hidden <= 0 || layers <= 0
      || layers > NN_MAX_LAYERS || att < 0 || head < 0 || hidden > 1 << 20 || head > 1 << 20
      || att > 1 << 20 || n_inputs > 1 << 24 || conv_layers < 0 || conv_layers > NN_MAX_CONV
      || conv_channels < 0 || conv_channels > 1 << 20 || conv_kernel < 0 || conv_kernel > 1 << 10
      || conv_pool < 0 || conv_pool > 1 << 20 || heads < 0 || heads > 1 << 20
      || n_outputs < 1 || n_outputs > 1 << 20)
    return io_fail (m, error, path, "/architecture is incomplete or out of range");
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
      io_fail (m, error, path, local->message);
      g_error_free (local);
      return FALSE;
    }
  m->C = (size_t) n_inputs;
  return TRUE;
}

static gboolean
load_rest (TdModel *m, hid_t f, const char *path, GError **error)
{
  /* training record (informative) */
  if (H5Lexists (f, "training", H5P_DEFAULT) > 0)
    {
      hid_t g = H5Gopen2 (f, "training", H5P_DEFAULT);
      if (g >= 0)
        {
          gint64 v = 0;
          g_free (m->config_text);
          m->config_text = read_str (g, "config");
          if (read_i64 (g, "epochs_run", &v))
            m->result.epochs_run = (int) v;
          if (read_i64 (g, "best_epoch", &v))
            m->result.best_epoch = (int) v;
          read_f64 (g, "best_valid_auc", &m->result.best_valid_auc);
          read_f64 (g, "final_train_loss", &m->result.final_train_loss);
          read_f64 (g, "pos_weight", &m->pos_weight_used);
          H5Gclose (g);
        }
    }

  hid_t g = H5Lexists (f, "preprocess", H5P_DEFAULT) > 0
    ? H5Gopen2 (f, "preprocess", H5P_DEFAULT) : -1;
  if (g < 0)
    return io_fail (m, error, path, "no /preprocess group");
  gint64 standardize = 0;
  hsize_t dc[1] = { m->C };
  gboolean ok = read_i64 (g, "standardize", &standardize)
    && (m->channel_names = read_strings (g, "channel_names", m->C)) != NULL;
  /* absent before version 3 (binary): identity */
  m->y_mean = 0;
  m->y_scale = 1;
  read_f64 (g, "target_mean", &m->y_mean);
  read_f64 (g, "target_scale", &m->y_scale);
  ok = ok && isfinite (m->y_mean) && m->y_scale > 0 && isfinite (m->y_scale);
  if (ok && standardize)
    {
      m->mean = g_new (float, m->C);
      m->scale = g_new (float, m->C);
      ok = read_f32 (g, "mean", 1, dc, m->mean) && read_f32 (g, "scale", 1, dc, m->scale);
      for (size_t c = 0; ok && c < m->C; c++)
        ok = isfinite (m->mean[c]) && m->scale[c] > 0 && isfinite (m->scale[c]);
    }
  H5Gclose (g);
  if (!ok)
    return io_fail (m, error, path, "/preprocess is incomplete or invalid");

  g = H5Lexists (f, "weights", H5P_DEFAULT) > 0 ? H5Gopen2 (f, "weights", H5P_DEFAULT) : -1;
  if (g < 0)
    return io_fail (m, error, path, "no /weights group");
  m->P = g_new (float, m->net.layout.total);
  for (size_t k = 0; ok && k < m->net.layout.n; k++)
    {
      const NnTensor *t = &m->net.layout.t[k];
      hsize_t dims[4];
      for (unsigned d = 0; d < t->ndim; d++)
        dims[d] = t->shape[d];
      ok = read_f32 (g, t->name, (int) t->ndim, dims, m->P + t->offset);
      if (!ok)
        {
          H5Gclose (g);
          g_autofree char *msg = g_strdup_printf ("weight \"%s\" is missing or not of shape "
                                                  "the architecture implies", t->name);
          return io_fail (m, error, path, msg);
        }
    }
  H5Gclose (g);

  m->S = g_new0 (float, MAX (m->net.state.total, 1));
  if (m->net.state.n)
    {
      g = H5Lexists (f, "state", H5P_DEFAULT) > 0 ? H5Gopen2 (f, "state", H5P_DEFAULT) : -1;
      if (g < 0)
        return io_fail (m, error, path, "no /state group (BatchNorm statistics)");
      for (size_t k = 0; ok && k < m->net.state.n; k++)
        {
          const NnTensor *t = &m->net.state.t[k];
          hsize_t dims[1] = { t->numel };
          ok = read_f32 (g, t->name, 1, dims, m->S + t->offset);
        }
      H5Gclose (g);
      if (!ok)
        return io_fail (m, error, path, "/state is incomplete");
    }
  return TRUE;
}

gboolean
lstm_load_h5 (TdModel *m, const char *path, GError **error)
{
  lstm_clear_fit (m);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  if (H5Fis_hdf5 (path) <= 0)
    return io_fail (m, error, path, "not an HDF5 file (a model file is)");
  hid_t f = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0)
    return io_fail (m, error, path, "cannot open the HDF5 file");
  g_autofree char *magic = read_str (f, "magic");
  gint64 version = 0;
  gboolean ok = TRUE;
  if (g_strcmp0 (magic, LSTM_MAGIC) != 0)
    ok = io_fail (m, error, path,
                  "not a model file of the LSTM family (magic \"" LSTM_MAGIC "\" missing)");
  else if (!read_i64 (f, "format_version", &version) || version < 1
           || version > LSTM_FORMAT_VERSION)
    {
      g_autofree char *msg = g_strdup_printf ("format_version %" G_GINT64_FORMAT
                                              " is not 1..%d, the versions this plugin reads",
                                              version, LSTM_FORMAT_VERSION);
      ok = io_fail (m, error, path, msg);
    }
  g_autofree char *task = ok ? read_str (f, "task") : NULL;
  m->task = g_strcmp0 (task, "multiclass") == 0 ? TD_TASK_MULTICLASS
          : g_strcmp0 (task, "regression") == 0 ? TD_TASK_REGRESSION : TD_TASK_BINARY;
  if (ok && task && m->task == TD_TASK_BINARY && !g_str_equal (task, "binary"))
    ok = io_fail (m, error, path, "task is not binary, multiclass or regression");
  ok = ok && load_architecture (m, f, path, error) && load_rest (m, f, path, error);
  if (ok && (m->task == TD_TASK_MULTICLASS) != (m->net.head2.out > 1))
    ok = io_fail (m, error, path, "the head's outputs do not fit the task");
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
