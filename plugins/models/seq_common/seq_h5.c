/* seq_h5.c — the pieces of the sequence models' HDF5 model files; see
 * seq_common.h. The layout they write is the one lstm_io.c and recon_io.c
 * wrote before these pieces were shared: change it and every saved model
 * stops loading (tests/core/test_model_files.c). */
#include <glib/gstdio.h>
#include <math.h>

#include "seq_common.h"

gboolean
seq_h5_fail (GError **error, const char *plugin, const char *path, const char *what)
{
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "%s: %s: %s", plugin, path, what);
  return FALSE;
}

/* ------------------------------------------------------------- attributes */

static hid_t
str_type (void)
{
  hid_t t = H5Tcopy (H5T_C_S1);
  H5Tset_size (t, H5T_VARIABLE);
  H5Tset_cset (t, H5T_CSET_UTF8);
  return t;
}

gboolean
seq_h5_put (hid_t loc, const char *name, hid_t type, const void *v)
{
  hid_t space = H5Screate (H5S_SCALAR);
  hid_t a = H5Acreate2 (loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  const gboolean ok = a >= 0 && H5Awrite (a, type, v) >= 0;
  if (a >= 0)
    H5Aclose (a);
  H5Sclose (space);
  return ok;
}

gboolean
seq_h5_put_i64 (hid_t loc, const char *name, gint64 v)
{
  return seq_h5_put (loc, name, H5T_NATIVE_INT64, &v);
}

gboolean
seq_h5_put_f64 (hid_t loc, const char *name, double v)
{
  return seq_h5_put (loc, name, H5T_NATIVE_DOUBLE, &v);
}

gboolean
seq_h5_put_str (hid_t loc, const char *name, const char *v)
{
  hid_t t = str_type ();
  const gboolean ok = seq_h5_put (loc, name, t, &v);
  H5Tclose (t);
  return ok;
}

gboolean
seq_h5_get (hid_t loc, const char *name, hid_t type, void *v)
{
  if (H5Aexists (loc, name) <= 0)
    return FALSE;
  hid_t a = H5Aopen (loc, name, H5P_DEFAULT);
  const gboolean ok = a >= 0 && H5Aread (a, type, v) >= 0;
  if (a >= 0)
    H5Aclose (a);
  return ok;
}

gboolean
seq_h5_get_i64 (hid_t loc, const char *name, gint64 *v)
{
  return seq_h5_get (loc, name, H5T_NATIVE_INT64, v);
}

gboolean
seq_h5_get_f64 (hid_t loc, const char *name, double *v)
{
  return seq_h5_get (loc, name, H5T_NATIVE_DOUBLE, v);
}

char *
seq_h5_get_str (hid_t loc, const char *name)
{
  if (H5Aexists (loc, name) <= 0)
    return NULL;
  hid_t a = H5Aopen (loc, name, H5P_DEFAULT);
  if (a < 0)
    return NULL;
  /* only a variable-length string: reading another type as one is undefined */
  hid_t ft = H5Aget_type (a);
  char *out = NULL;
  if (H5Tget_class (ft) == H5T_STRING && H5Tis_variable_str (ft) > 0)
    {
      hid_t t = str_type ();
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

gboolean
seq_h5_write_f32 (hid_t loc, const char *name, unsigned rank, const size_t *shape,
                  const float *data)
{
  hsize_t dims[4];
  if (rank < 1 || rank > 4)
    return FALSE;
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

gboolean
seq_h5_read_f32 (hid_t loc, const char *name, unsigned rank, const size_t *shape, float *dst)
{
  if (rank < 1 || rank > 4 || H5Lexists (loc, name, H5P_DEFAULT) <= 0)
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
write_strings (hid_t loc, const char *name, char *const *strs, size_t n)
{
  hid_t t = str_type ();
  hsize_t dims[1] = { n };
  hid_t space = H5Screate_simple (1, dims, NULL);
  hid_t ds = H5Dcreate2 (loc, name, t, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const gboolean ok = ds >= 0 && H5Dwrite (ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, strs) >= 0;
  if (ds >= 0)
    H5Dclose (ds);
  H5Sclose (space);
  H5Tclose (t);
  return ok;
}

/* Exactly n strings, newly allocated and NULL-terminated, or NULL. */
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

hid_t
seq_h5_open_group (hid_t loc, const char *name)
{
  return H5Lexists (loc, name, H5P_DEFAULT) > 0 ? H5Gopen2 (loc, name, H5P_DEFAULT) : -1;
}

/* ------------------------------------------------------------ whole files */

gboolean
seq_h5_save (const char *plugin, gboolean fitted, const char *path, SeqH5WriteFunc write,
             const void *model, GError **error)
{
  if (!fitted)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED, "%s: nothing to save before fit",
                   plugin);
      return FALSE;
    }
  g_autofree char *tmp = td_file_temp_name (path);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  hid_t f = H5Fcreate (tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0)
    return seq_h5_fail (error, plugin, tmp, "cannot create the HDF5 file");
  gboolean ok = write (f, model);
  ok = H5Fclose (f) >= 0 && ok;
  if (!ok)
    {
      g_unlink (tmp);
      return seq_h5_fail (error, plugin, path, "cannot write the model file");
    }
  GError *local = NULL;
  if (!td_file_commit (tmp, path, &local))
    {
      ok = seq_h5_fail (error, plugin, path, local->message);
      g_error_free (local);
    }
  return ok;
}

hid_t
seq_h5_open (const char *plugin, const char *path, GError **error)
{
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  if (H5Fis_hdf5 (path) <= 0)
    {
      seq_h5_fail (error, plugin, path, "not an HDF5 file (a model file is)");
      return -1;
    }
  hid_t f = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0)
    seq_h5_fail (error, plugin, path, "cannot open the HDF5 file");
  return f;
}

gboolean
seq_h5_check_magic (hid_t file, const char *plugin, const char *path, const char *magic,
                    const char *kind, gint64 min_version, gint64 max_version, gint64 *version,
                    GError **error)
{
  g_autofree char *found = seq_h5_get_str (file, "magic");
  if (g_strcmp0 (found, magic) != 0)
    {
      g_autofree char *msg = g_strdup_printf ("not %s (magic \"%s\" missing)", kind, magic);
      return seq_h5_fail (error, plugin, path, msg);
    }
  *version = 0;
  if (!seq_h5_get_i64 (file, "format_version", version) || *version < min_version
      || *version > max_version)
    {
      g_autofree char *msg = min_version == max_version
        ? g_strdup_printf ("format_version %" G_GINT64_FORMAT " is not %" G_GINT64_FORMAT
                           ", the version this plugin reads", *version, max_version)
        : g_strdup_printf ("format_version %" G_GINT64_FORMAT " is not %" G_GINT64_FORMAT
                           "..%" G_GINT64_FORMAT ", the versions this plugin reads",
                           *version, min_version, max_version);
      return seq_h5_fail (error, plugin, path, msg);
    }
  return TRUE;
}

/* ---------------------------------------------------------- shared groups */

gboolean
seq_h5_write_preprocess (hid_t g, size_t C, char *const *channel_names, const float *mean,
                         const float *scale)
{
  gboolean ok = seq_h5_put_i64 (g, "standardize", mean != NULL)
    && write_strings (g, "channel_names", channel_names, C);
  if (ok && mean)
    ok = seq_h5_write_f32 (g, "mean", 1, &C, mean) && seq_h5_write_f32 (g, "scale", 1, &C, scale);
  return ok;
}

gboolean
seq_h5_read_preprocess (hid_t g, size_t C, char ***channel_names, float **mean, float **scale)
{
  gint64 standardize = 0;
  g_auto (GStrv) names = read_strings (g, "channel_names", C);
  g_autofree float *mu = NULL, *sd = NULL;
  gboolean ok = names && seq_h5_get_i64 (g, "standardize", &standardize);
  if (ok && standardize)
    {
      mu = g_new (float, MAX (C, 1));
      sd = g_new (float, MAX (C, 1));
      ok = seq_h5_read_f32 (g, "mean", 1, &C, mu) && seq_h5_read_f32 (g, "scale", 1, &C, sd);
      for (size_t c = 0; ok && c < C; c++)
        ok = isfinite (mu[c]) && sd[c] > 0 && isfinite (sd[c]);
    }
  if (!ok)
    return FALSE;
  *channel_names = g_steal_pointer (&names);
  *mean = g_steal_pointer (&mu);
  *scale = g_steal_pointer (&sd);
  return TRUE;
}

gboolean
seq_h5_write_tensors (hid_t file, const char *group, const NnLayout *lay, const float *buf)
{
  hid_t g = H5Gcreate2 (file, group, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  gboolean ok = g >= 0;
  for (size_t k = 0; ok && k < lay->n; k++)
    {
      const NnTensor *t = &lay->t[k];
      ok = seq_h5_write_f32 (g, t->name, t->ndim, t->shape, buf + t->offset);
    }
  if (g >= 0)
    H5Gclose (g);
  return ok;
}

gboolean
seq_h5_read_tensors (hid_t file, const char *group, const NnLayout *lay, float *buf,
                     const char *plugin, const char *path, GError **error)
{
  hid_t g = seq_h5_open_group (file, group);
  if (g < 0)
    {
      g_autofree char *msg = g_strdup_printf ("no /%s group", group);
      return seq_h5_fail (error, plugin, path, msg);
    }
  gboolean ok = TRUE;
  for (size_t k = 0; ok && k < lay->n; k++)
    {
      const NnTensor *t = &lay->t[k];
      if (!seq_h5_read_f32 (g, t->name, t->ndim, t->shape, buf + t->offset))
        {
          g_autoptr (GString) shape = g_string_new (NULL);
          for (unsigned d = 0; d < t->ndim; d++)
            g_string_append_printf (shape, "%s%zu", d ? " × " : "", t->shape[d]);
          g_autofree char *msg = g_strdup_printf ("/%s/%s is missing or not of the shape "
                                                  "[%s] the architecture implies",
                                                  group, t->name, shape->str);
          ok = seq_h5_fail (error, plugin, path, msg);
        }
    }
  H5Gclose (g);
  return ok;
}

gboolean
seq_h5_write_training (hid_t g, const char *config_text, const NnTrainResult *r)
{
  return seq_h5_put_str (g, "config", config_text ? config_text : "")
    && seq_h5_put_i64 (g, "epochs_run", r->epochs_run)
    && seq_h5_put_i64 (g, "best_epoch", r->best_epoch)
    && seq_h5_put_f64 (g, "final_train_loss", r->final_train_loss);
}

void
seq_h5_read_training (hid_t g, char **config_text, NnTrainResult *r)
{
  gint64 v = 0;
  g_free (*config_text);
  *config_text = seq_h5_get_str (g, "config");
  if (seq_h5_get_i64 (g, "epochs_run", &v))
    r->epochs_run = (int) v;
  if (seq_h5_get_i64 (g, "best_epoch", &v))
    r->best_epoch = (int) v;
  seq_h5_get_f64 (g, "final_train_loss", &r->final_train_loss);
}
