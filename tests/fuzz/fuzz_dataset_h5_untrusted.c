/* libFuzzer harness: HDF5 files tundish did not write, read the way
 * `tundish score` reads them (td_dataset_load_h5_untrusted, run/untrusted_h5.c).
 *
 * The input is the file, byte for byte. The seed corpus holds a real
 * `tundish export` dataset.h5 and single-byte flips of it that made
 * libhdf5 1.10.8 crash in H5HG_read (issue 17, item 1); libFuzzer mutates
 * from there. The property: whatever the bytes, the call returns a dataset
 * whose shape is consistent, or an error; the calling process never
 * crashes (libhdf5 may, in the child). */
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <tundish/dataset.h>

#include "run/untrusted_h5.h"

static char *path;

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (!path)
    {
      int fd = g_file_open_tmp ("fuzz-untrusted-XXXXXX.h5", &path, NULL);
      g_assert_cmpint (fd, >=, 0);
      close (fd);
    }
  g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) size, NULL));
  GError *error = NULL;
  TdDataset *ds = td_dataset_load_h5_untrusted (path, &error);
  if (!ds)
    {
      g_assert_nonnull (error);
      g_assert_true (g_str_has_prefix (error->message, path) || *error->message);
      g_error_free (error);
      return 0;
    }
  g_assert_nonnull (ds->channel_names);
  g_assert_cmpuint (g_strv_length (ds->channel_names), ==, ds->n_channels);
  for (size_t s = 0; s < ds->n_series; s++)
    g_assert_true (!ds->lengths || ds->lengths[s] <= ds->n_steps);
  td_dataset_unref (ds);
  return 0;
}
