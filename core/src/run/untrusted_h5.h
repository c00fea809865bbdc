/* untrusted_h5.h — reading an HDF5 dataset that tundish did not write
 * (`tundish score RUN_DIR DATA.h5`) without letting libhdf5 crash tundish
 * (core-internal).
 *
 * libhdf5 trusts the file: one changed byte in a variable-length string's
 * global heap reference makes 1.10.8 read far outside its buffers (SIGSEGV in
 * H5HG_read; tests/robust/data/SOURCE.md). The cache guards its own files
 * with a checksum sidecar (data_cache.c); a user's file has none, and the
 * HDF5 format checksums only part of its metadata (not the global heap), so
 * the file is read in a child process instead: the child reads it with
 * td_dataset_load_h5 and writes what it read to a scratch file with
 * tundish's own writer; the caller reads only that. A crash, a hang past the
 * limit or an exit in libhdf5 costs the child, and is reported as the file's
 * fault. */
#pragma once

#include <tundish/dataset.h>

G_BEGIN_DECLS

/* Seconds the child may take to read the file: a base plus the time to
 * read it at a slow disk's pace. libhdf5 1.10.8 loops forever on some
 * damaged global heaps (H5HG_read), so there must be a limit; a file that
 * reads correctly takes a small fraction of it. */
#define TD_UNTRUSTED_H5_BASE_SECONDS 30
#define TD_UNTRUSTED_H5_BYTES_PER_SECOND (20.0 * 1024 * 1024)

/* td_dataset_load_h5 (path) through a child process (above). The error
 * names path and, when libhdf5 crashed, the signal. */
TdDataset *td_dataset_load_h5_untrusted (const char *path, GError **error);

G_END_DECLS
