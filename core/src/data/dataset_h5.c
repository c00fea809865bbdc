/* dataset_h5.c — TdDataset to and from HDF5 (the generated-data cache and
 * exports for notebooks). */
#include <tundish/dataset.h>
#include <tundish/io.h>
#include <tundish/plugin.h>

#include <errno.h>
#include <math.h>
#include <glib/gstdio.h>
#include <hdf5.h>
#include <string.h>

#define H5_FORMAT_VERSION 1

static gboolean
h5_fail (GError **error, const char *path, const char *what)
{
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "%s: HDF5: cannot %s", path, what);
  return FALSE;
}

static gboolean
write_array (hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims,
             const void *data)
{
  hid_t space = H5Screate_simple (rank, dims, NULL);
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE);
  hsize_t total = 1;
  for (int r = 0; r < rank; r++)
    total *= dims[r];
  if (total > 0 && rank == 3)
    {
      /* One series per chunk: readers slice by series. */
      hsize_t chunk[3] = { 1, dims[1], dims[2] };
      H5Pset_chunk (dcpl, 3, chunk);
    }
  hid_t ds = H5Dcreate2 (loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  herr_t st = ds < 0 ? -1 : (total ? H5Dwrite (ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) : 0);
  if (ds >= 0)
    H5Dclose (ds);
  H5Pclose (dcpl);
  H5Sclose (space);
  return ds >= 0 && st >= 0;
}

static gboolean
write_strings (hid_t loc, const char *name, char *const *strs, size_t n)
{
  hid_t type = H5Tcopy (H5T_C_S1);
  H5Tset_size (type, H5T_VARIABLE);
  H5Tset_cset (type, H5T_CSET_UTF8);
  hsize_t dims[1] = { n };
  g_autofree const char **tmp = g_new0 (const char *, MAX (n, (size_t) 1));
  for (size_t k = 0; k < n; k++)
    tmp[k] = strs[k] ? strs[k] : "";
  gboolean ok = write_array (loc, name, type, 1, dims, tmp);
  H5Tclose (type);
  return ok;
}

static gboolean
write_attr_u64 (hid_t loc, const char *name, guint64 v)
{
  hid_t space = H5Screate (H5S_SCALAR);
  hid_t a = H5Acreate2 (loc, name, H5T_NATIVE_UINT64, space, H5P_DEFAULT, H5P_DEFAULT);
  herr_t st = a < 0 ? -1 : H5Awrite (a, H5T_NATIVE_UINT64, &v);
  if (a >= 0)
    H5Aclose (a);
  H5Sclose (space);
  return st >= 0;
}

gboolean
td_dataset_save_h5 (const TdDataset *ds, const char *path, GError **error)
{
  /* Write next to the target and commit, so a crash never leaves a torn cache. */
  g_autofree char *tmp = td_file_temp_name (path);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  hid_t f = H5Fcreate (tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0)
    return h5_fail (error, tmp, "create the file");
  hsize_t dx[3] = { ds->n_series, ds->n_steps, ds->n_channels };
  hsize_t d1[1] = { ds->n_series };
  gboolean ok = write_attr_u64 (f, "format_version", H5_FORMAT_VERSION)
    && write_attr_u64 (f, "task", ds->task)
    && write_attr_u64 (f, "n_classes", ds->n_classes)
    && write_array (f, "x", H5T_NATIVE_FLOAT, 3, dx, ds->x)
    && write_array (f, "y", H5T_NATIVE_DOUBLE, 1, d1, ds->y)
    && write_array (f, "series_id", H5T_NATIVE_INT64, 1, d1, ds->series_id)
    && write_array (f, "group", H5T_NATIVE_INT64, 1, d1, ds->group)
    && write_strings (f, "channel_names", ds->channel_names, ds->n_channels);
  if (ok && ds->lengths)
    ok = write_array (f, "lengths", H5T_NATIVE_UINT32, 1, d1, ds->lengths);
  hsize_t dstep[1] = { ds->n_series * ds->n_steps };
  if (ok && ds->y_step)   /* flattened [n_series × n_steps]; readers without it ignore it */
    ok = write_array (f, "y_step", H5T_NATIVE_DOUBLE, 1, dstep, ds->y_step);
  if (ok && ds->class_names)
    ok = write_strings (f, "class_names", ds->class_names, g_strv_length (ds->class_names));
  if (ok)
    {
      hid_t g = H5Gcreate2 (f, "meta", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      ok = g >= 0;
      for (guint m = 0; ok && m < ds->meta->len; m++)
        {
          const TdMetaColumn *c = ds->meta->pdata[m];
          ok = c->num ? write_array (g, c->name, H5T_NATIVE_DOUBLE, 1, d1, c->num)
                      : write_strings (g, c->name, c->str, ds->n_series);
          if (ok)
            {
              /* Cached data keeps what a model may see (dataset.h). */
              hid_t d = H5Dopen2 (g, c->name, H5P_DEFAULT);
              ok = d >= 0 && write_attr_u64 (d, "role", c->role);
              if (d >= 0)
                H5Dclose (d);
            }
        }
      if (g >= 0)
        H5Gclose (g);
    }
  if (H5Fclose (f) < 0)
    ok = FALSE;
  if (!ok)
    {
      g_unlink (tmp);
      return h5_fail (error, path, "write the dataset");
    }
  return td_file_commit (tmp, path, error);
}

static gboolean
dims_of (hid_t ds, int want_rank, hsize_t *dims)
{
  hid_t sp = H5Dget_space (ds);
  int rank = H5Sget_simple_extent_ndims (sp);
  gboolean ok = rank == want_rank && H5Sget_simple_extent_dims (sp, dims, NULL) == rank;
  H5Sclose (sp);
  return ok;
}

/* Read a 1-D array of n elements into buf; FALSE if absent or the wrong size. */
static gboolean
read_array (hid_t loc, const char *name, hid_t type, size_t n, void *buf)
{
  if (H5Lexists (loc, name, H5P_DEFAULT) <= 0)
    return FALSE;
  hid_t d = H5Dopen2 (loc, name, H5P_DEFAULT);
  if (d < 0)
    return FALSE;
  hsize_t dims[1];
  gboolean ok = dims_of (d, 1, dims) && dims[0] == n
    && (n == 0 || H5Dread (d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
  H5Dclose (d);
  return ok;
}

static char **
read_strings (hid_t loc, const char *name, size_t n)
{
  if (H5Lexists (loc, name, H5P_DEFAULT) <= 0)
    return NULL;
  hid_t d = H5Dopen2 (loc, name, H5P_DEFAULT);
  if (d < 0)
    return NULL;
  hsize_t dims[1];
  char **out = NULL;
  hid_t type = H5Tcopy (H5T_C_S1);
  H5Tset_size (type, H5T_VARIABLE);
  H5Tset_cset (type, H5T_CSET_UTF8);
  /* n unknown (class names): at most as many as n_classes may be */
  if (dims_of (d, 1, dims) && (n == (size_t) -1 ? dims[0] <= 65536 : dims[0] == n))
    {
      char **raw = g_new0 (char *, dims[0] + 1);
      if (dims[0] == 0 || H5Dread (d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) >= 0)
        {
          out = g_new0 (char *, dims[0] + 1);
          for (hsize_t k = 0; k < dims[0]; k++)
            out[k] = g_strdup (raw[k] ? raw[k] : "");
          if (dims[0])
            {
              hid_t sp = H5Dget_space (d);
              H5Dvlen_reclaim (type, sp, H5P_DEFAULT, raw);
              H5Sclose (sp);
            }
        }
      g_free (raw);
    }
  H5Tclose (type);
  H5Dclose (d);
  return out;
}

static gboolean
read_attr_u64 (hid_t loc, const char *name, guint64 *v)
{
  if (H5Aexists (loc, name) <= 0)
    return FALSE;
  hid_t a = H5Aopen (loc, name, H5P_DEFAULT);
  herr_t st = a < 0 ? -1 : H5Aread (a, H5T_NATIVE_UINT64, v);
  if (a >= 0)
    H5Aclose (a);
  return st >= 0;
}

typedef struct {
  GPtrArray *names;
} MetaNames;

static herr_t
collect_name (hid_t g, const char *name, const H5L_info_t *info, void *data)
{
  (void) g;
  (void) info;
  g_ptr_array_add (((MetaNames *) data)->names, g_strdup (name));
  return 0;
}

/* The 1-D dataset name exists and has n elements. */
static gboolean
length_is (hid_t f, const char *name, hsize_t n)
{
  if (H5Lexists (f, name, H5P_DEFAULT) <= 0)
    return FALSE;
  hid_t d = H5Dopen2 (f, name, H5P_DEFAULT);
  if (d < 0)
    return FALSE;
  hsize_t dims[1];
  gboolean ok = dims_of (d, 1, dims) && dims[0] == n;
  H5Dclose (d);
  return ok;
}

/* /x's shape within bounds (no product overflows), /y (when present) and
 * /channel_names as long as /x says, checked before anything is allocated: a corrupt or
 * crafted file must fail with a message, not abort or crawl through a huge
 * allocation. */
static gboolean
sane_shape (hid_t f, const hsize_t dx[3])
{
  const hsize_t max_values = (hsize_t) 1 << 36;
  if (dx[0] > ((hsize_t) 1 << 28) || dx[1] > ((hsize_t) 1 << 32) || dx[2] > ((hsize_t) 1 << 20))
    return FALSE;
  if (dx[0] && dx[1] > max_values / dx[0])
    return FALSE;
  hsize_t n = dx[0] * dx[1];
  if (n && dx[2] > max_values / n)
    return FALSE;
  return (H5Lexists (f, "y", H5P_DEFAULT) <= 0 || length_is (f, "y", dx[0]))
         && length_is (f, "channel_names", dx[2]);
}

/* The dataset `name` holds all of its n elements, inside the file. The
 * storage size must be checked against the file size too: a contiguous
 * layout message states its size without the bytes being there, and a
 * crafted file (2^27 series, /x of zero size, /y declared and unwritten, or
 * no /y and no /series_id) would have us allocate gigabytes for /y,
 * /series_id and /group before a read fails, or read 2^20 unwritten channel
 * names. */
static gboolean
stored_in_file (hid_t f, const char *name, hsize_t n)
{
  hsize_t file_size = 0;
  if (n == 0)
    return TRUE;
  if (H5Fget_filesize (f, &file_size) < 0)
    return FALSE;
  hid_t d = H5Dopen2 (f, name, H5P_DEFAULT);
  if (d < 0)
    return FALSE;
  hid_t t = H5Dget_type (d);
  size_t elem = t < 0 ? 0 : H5Tget_size (t);
  hsize_t stored = H5Dget_storage_size (d);
  if (t >= 0)
    H5Tclose (t);
  H5Dclose (d);
  return elem > 0 && n <= G_MAXUINT64 / elem && stored >= n * elem && stored <= file_size;
}

TdDataset *
td_dataset_load_h5 (const char *path, GError **error)
{
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "%s: no such file", path);
      return NULL;
    }
  hid_t f = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0)
    {
      h5_fail (error, path, "open the file (not HDF5?)");
      return NULL;
    }
  TdDataset *ds = NULL;
  guint64 version = 0, task = 0, n_classes = 0;
  hsize_t dx[3];
  hid_t xd = -1;
  const char *what = NULL;
  if (!read_attr_u64 (f, "format_version", &version) || version != H5_FORMAT_VERSION)
    what = "find format_version 1";
  else if (!read_attr_u64 (f, "task", &task) || !read_attr_u64 (f, "n_classes", &n_classes))
    what = "read the task attributes";
  else if (H5Lexists (f, "x", H5P_DEFAULT) <= 0 || (xd = H5Dopen2 (f, "x", H5P_DEFAULT)) < 0
           || !dims_of (xd, 3, dx))
    what = "read /x (series × steps × channels)";
  else if (!sane_shape (f, dx))
    what = "accept /x: more than 2^28 series, 2^32 steps, 2^20 channels or 2^36 values, or "
           "/y or /channel_names of another length";
  else if (!stored_in_file (f, "x", dx[0] * dx[1] * dx[2])
           || (H5Lexists (f, "y", H5P_DEFAULT) > 0 && !stored_in_file (f, "y", dx[0]))
           || !stored_in_file (f, "series_id", dx[0]) || !stored_in_file (f, "group", dx[0])
           || !stored_in_file (f, "channel_names", dx[2]))
    what = "accept /x: the file holds less data than /x, /y, /series_id, /group or "
           "/channel_names declares (truncated or not written by tundish)";
  else if (task != TD_TASK_BINARY && task != TD_TASK_MULTICLASS && task != TD_TASK_ANOMALY
           && task != TD_TASK_REGRESSION)
    what = "accept the task attribute";
  else if (n_classes > 65536)
    what = "accept n_classes (more than 65536)";
  else if (!(ds = td_dataset_try_new (dx[0], dx[1], dx[2], (TdTask) task, n_classes, NULL)))
    what = "allocate memory for /x";
  if (!what)
    {
      size_t n = ds->n_series;
      gboolean has_y = H5Lexists (f, "y", H5P_DEFAULT) > 0;
      if (n * ds->n_steps * ds->n_channels > 0
          && H5Dread (xd, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, ds->x) < 0)
        what = "read /x";
      else if (has_y && !read_array (f, "y", H5T_NATIVE_DOUBLE, n, ds->y))
        what = "read /y";
      else if (!read_array (f, "series_id", H5T_NATIVE_INT64, n, ds->series_id))
        what = "read /series_id";
      else if (!read_array (f, "group", H5T_NATIVE_INT64, n, ds->group))
        what = "read /group";
      /* Data to score may come without labels: unknown, as the core hides them anyway. */
      for (size_t s = 0; !what && !has_y && s < n; s++)
        ds->y[s] = NAN;
      if (!what && H5Lexists (f, "lengths", H5P_DEFAULT) > 0)
        {
          ds->lengths = g_new (guint32, MAX (n, (size_t) 1));
          if (!read_array (f, "lengths", H5T_NATIVE_UINT32, n, ds->lengths))
            what = "read /lengths";
          for (size_t s = 0; !what && s < n; s++)
            if (ds->lengths[s] > ds->n_steps)
              what = "accept /lengths: a series longer than the steps of /x";
        }
      if (!what && H5Lexists (f, "y_step", H5P_DEFAULT) > 0
          && !read_array (f, "y_step", H5T_NATIVE_DOUBLE, n * ds->n_steps,
                          td_dataset_alloc_y_step (ds)))
        what = "read /y_step (expected n_series × n_steps values)";
      if (!what)
        {
          char **names = read_strings (f, "channel_names", ds->n_channels);
          if (!names)
            what = "read /channel_names";
          else
            {
              g_strfreev (ds->channel_names);
              ds->channel_names = names;
            }
        }
      if (!what && H5Lexists (f, "class_names", H5P_DEFAULT) > 0)
        ds->class_names = read_strings (f, "class_names", (size_t) -1);
      if (!what && H5Lexists (f, "meta", H5P_DEFAULT) > 0)
        {
          hid_t g = H5Gopen2 (f, "meta", H5P_DEFAULT);
          MetaNames mn = { g_ptr_array_new_with_free_func (g_free) };
          H5Literate (g, H5_INDEX_CRT_ORDER, H5_ITER_INC, NULL, collect_name, &mn);
          if (mn.names->len == 0)
            H5Literate (g, H5_INDEX_NAME, H5_ITER_INC, NULL, collect_name, &mn);
          for (guint m = 0; !what && m < mn.names->len; m++)
            {
              const char *name = mn.names->pdata[m];
              hid_t d = H5Dopen2 (g, name, H5P_DEFAULT);
              hid_t t = H5Dget_type (d);
              gboolean is_str = H5Tget_class (t) == H5T_STRING;
              guint64 role = TD_META_TARGET;   /* older files: hidden, the safe side */
              read_attr_u64 (d, "role", &role);
              H5Tclose (t);
              H5Dclose (d);
              if (is_str)
                {
                  g_auto (GStrv) s = read_strings (g, name, n);
                  if (!s)
                    what = "read a /meta string column";
                  else
                    td_dataset_add_meta_str (ds, name, (const char *const *) s);
                }
              else
                {
                  TdMetaColumn *c = td_dataset_add_meta_num (ds, name, NULL);
                  if (!read_array (g, name, H5T_NATIVE_DOUBLE, n, c->num))
                    what = "read a /meta numeric column";
                }
              if (!what)
                ((TdMetaColumn *) g_ptr_array_index (ds->meta, ds->meta->len - 1))->role =
                  role == TD_META_INPUT ? TD_META_INPUT : TD_META_TARGET;
            }
          g_ptr_array_unref (mn.names);
          H5Gclose (g);
        }
    }
  if (xd >= 0)
    H5Dclose (xd);
  H5Fclose (f);
  if (what)
    {
      g_clear_pointer (&ds, td_dataset_unref);
      h5_fail (error, path, what);
    }
  return ds;
}
