/* libFuzzer harness: the HDF5 dataset reader (td_dataset_load_h5, the data
 * cache) and the core's data checks (td_data_check) on what it accepts.
 *
 * Raw bytes mostly exercise libhdf5's own parser, which tundish cannot fix,
 * so the input is read as a recipe instead: the harness writes a well-formed
 * HDF5 file with the HDF5 API whose CONTENT is hostile — attributes missing
 * or wrong, /x of any rank, type and (declared, unwritten) size, arrays one
 * element short or long, lengths beyond the steps, names of the wrong type,
 * odd metadata columns — and the reader must refuse it with an error or
 * return a dataset whose shape is consistent.
 *
 * With TD_FUZZ_H5_RAW=1, one input in eight (first byte % 8 == 0) is
 * written as raw bytes instead (seed: a real cache file). That mode fuzzes
 * libhdf5's own parser and finds its bugs within seconds (1.10.8: a heap
 * overflow in H5HG_read on a corrupt global heap, docs/testing.md); tundish
 * defends against those by checksumming its cache files before HDF5 reads
 * them (runner.c), so the default fuzzing stays on tundish's own code and
 * such inputs are skipped. */
#include <glib/gstdio.h>
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tundish/dataset.h>

#include "data/data_check.h"

typedef struct {
  const uint8_t *p;
  size_t n, k;
} Cursor;

static guint
next (Cursor *c)
{
  return c->k < c->n ? c->p[c->k++] : 0;
}

static guint64
next_dim (Cursor *c)
{
  guint b = next (c);
  if (b < 250)
    return b % 9;                        /* small, the usual case */
  /* huge declared sizes: the file stays small (nothing written) */
  return (guint64) 1 << (20 + next (c) % 44);
}

static char *dir, *path;
static gboolean raw;

static void
cleanup (void)
{
  g_unlink (path);
  g_rmdir (dir);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  dir = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR)
          ? g_mkdtemp (g_strdup ("/dev/shm/tundish-fuzz-h5-XXXXXX"))
          : g_dir_make_tmp ("tundish-fuzz-h5-XXXXXX", NULL);
  raw = g_strcmp0 (g_getenv ("TD_FUZZ_H5_RAW"), "1") == 0;
  atexit (cleanup);
  path = g_build_filename (dir, "data.h5", NULL);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  return 0;
}

static void
attr_u64 (hid_t f, const char *name, guint64 v)
{
  hid_t sp = H5Screate (H5S_SCALAR);
  hid_t a = H5Acreate2 (f, name, H5T_NATIVE_UINT64, sp, H5P_DEFAULT, H5P_DEFAULT);
  if (a >= 0)
    {
      H5Awrite (a, H5T_NATIVE_UINT64, &v);
      H5Aclose (a);
    }
  H5Sclose (sp);
}

/* A dataset of rank dims, type by kind (0 double, 1 float, 2 int64,
 * 3 uint32, 4 string); filled from the cursor when small. */
static void
dataset (Cursor *c, hid_t loc, const char *name, int rank, const guint64 *dims, guint kind)
{
  hsize_t hd[3];
  guint64 total = 1;
  gboolean overflow = FALSE;
  for (int r = 0; r < rank; r++)
    {
      hd[r] = dims[r];
      if (dims[r] && total > G_MAXUINT64 / dims[r])
        overflow = TRUE;
      else
        total *= dims[r];
    }
  hid_t type;
  switch (kind % 5)
    {
    case 0: type = H5Tcopy (H5T_NATIVE_DOUBLE); break;
    case 1: type = H5Tcopy (H5T_NATIVE_FLOAT); break;
    case 2: type = H5Tcopy (H5T_NATIVE_INT64); break;
    case 3: type = H5Tcopy (H5T_NATIVE_UINT32); break;
    default:
      type = H5Tcopy (H5T_C_S1);
      H5Tset_size (type, H5T_VARIABLE);
      H5Tset_cset (type, H5T_CSET_UTF8);
    }
  hid_t sp = H5Screate_simple (rank, hd, NULL);
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE);
  gboolean small = !overflow && total <= 4096;
  if (!small && total > 0)
    {
      hsize_t chunk[3] = { 1, 1, 1 };
      H5Pset_chunk (dcpl, rank, chunk);
    }
  hid_t d = H5Dcreate2 (loc, name, type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  if (d >= 0 && small && total > 0)
    {
      if (kind % 5 == 4)
        {
          char **s = g_new0 (char *, total);
          for (guint64 k = 0; k < total; k++)
            s[k] = g_strdup_printf ("%c<s\"%u,\n", 'a' + (int) (next (c) % 26), next (c));
          H5Dwrite (d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, s);
          for (guint64 k = 0; k < total; k++)
            g_free (s[k]);
          g_free (s);
        }
      else
        {
          size_t es = H5Tget_size (type);
          guint8 *buf = g_malloc0 (total * es);
          for (guint64 k = 0; k < total * es; k++)
            buf[k] = (guint8) next (c);
          /* mostly plausible numbers: small integers, sometimes NaN/Inf */
          if (kind % 5 == 0)
            for (guint64 k = 0; k < total; k++)
              {
                guint b = next (c);
                double v = b == 255 ? NAN : b == 254 ? INFINITY : (double) (b % 4);
                memcpy (buf + k * es, &v, sizeof v);
              }
          if (kind % 5 == 3)
            for (guint64 k = 0; k < total; k++)
              {
                guint32 v = next (c) % 12;
                memcpy (buf + k * es, &v, sizeof v);
              }
          H5Dwrite (d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
          g_free (buf);
        }
    }
  if (d >= 0)
    H5Dclose (d);
  H5Pclose (dcpl);
  H5Sclose (sp);
  H5Tclose (type);
}

static guint64
near (Cursor *c, guint64 n)
{
  guint b = next (c) % 8;
  return b == 0 && n > 0 ? n - 1 : b == 1 ? n + 1 : n;   /* one off, now and then */
}

static void
write_recipe (Cursor *c)
{
  hid_t f = H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0)
    return;
  guint flags = next (c) | (next (c) << 8);
  if (!(flags & 1))
    attr_u64 (f, "format_version", next (c) % 4 == 0 ? next (c) : 1);
  if (!(flags & 2))
    attr_u64 (f, "task", next (c) % 4 == 0 ? next (c) : 1);
  if (!(flags & 4))
    attr_u64 (f, "n_classes", next (c) % 4 == 0 ? next (c) : 2);
  guint64 dims[3] = { next_dim (c), next_dim (c), next_dim (c) };
  guint64 n = dims[0];
  if (!(flags & 8))
    {
      int rank = flags & 0x100 ? 1 + (int) (next (c) % 3) : 3;
      dataset (c, f, "x", rank, dims, flags & 0x200 ? next (c) : 1);
    }
  guint64 d1[1];
  if (!(flags & 16))
    {
      d1[0] = near (c, n);
      dataset (c, f, "y", 1, d1, flags & 0x400 ? next (c) : 0);
    }
  if (!(flags & 32))
    {
      d1[0] = near (c, n);
      dataset (c, f, "series_id", 1, d1, flags & 0x800 ? next (c) : 2);
      d1[0] = near (c, n);
      dataset (c, f, "group", 1, d1, 2);
    }
  if (!(flags & 64))
    {
      d1[0] = near (c, dims[2]);
      dataset (c, f, "channel_names", 1, d1, flags & 0x1000 ? next (c) : 4);
    }
  if (flags & 128)
    {
      d1[0] = near (c, n);
      dataset (c, f, "lengths", 1, d1, flags & 0x2000 ? next (c) : 3);
    }
  if (flags & 0x4000)
    {
      d1[0] = next (c) % 4;
      dataset (c, f, "class_names", 1, d1, flags & 0x8000 ? next (c) : 4);
    }
  if (next (c) % 2)
    {
      hid_t g = H5Gcreate2 (f, "meta", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      guint m = next (c) % 4;
      for (guint k = 0; g >= 0 && k < m; k++)
        {
          char name[8] = { 0 };
          name[0] = (char) ('a' + next (c) % 26);
          name[1] = (char) (next (c) % 2 ? '<' : 0);
          d1[0] = near (c, n);
          dataset (c, g, name, 1, d1, next (c));
        }
      if (g >= 0)
        H5Gclose (g);
    }
  H5Fclose (f);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  if (data[0] % 8 == 0)
    {
      if (!raw)
        return 0;
      FILE *f = fopen (path, "wb");   /* no fsync per input */
      if (!f)
        return 0;
      fwrite (data + 1, 1, size - 1, f);
      fclose (f);
    }
  else
    {
      Cursor c = { data + 1, size - 1, 0 };
      write_recipe (&c);
    }
  GError *error = NULL;
  TdDataset *ds = td_dataset_load_h5 (path, &error);
  if (!ds)
    {
      g_assert_nonnull (error);
      g_error_free (error);
      return 0;
    }
  /* what a consumer relies on */
  g_assert_nonnull (ds->channel_names);
  g_assert_cmpuint (g_strv_length (ds->channel_names), ==, ds->n_channels);
  TdDataQuality q;
  if (!td_data_check (&ds, TD_DATA_POLICY_REPAIR, &q, &error))
    g_clear_error (&error);
  td_data_quality_clear (&q);
  td_dataset_unref (ds);
  return 0;
}
