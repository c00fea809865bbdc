/* atomic_file.h — files that appear whole or not at all (core-internal).
 *
 * Every file of a run folder is written to a temporary file beside its
 * final name, flushed to disk (fsync), renamed over the final name, and the
 * folder itself is flushed so the rename survives a power cut. A reader (or
 * a resumed run) therefore sees either the previous complete file or the
 * new complete file, never a torn one. g_file_set_contents() is not enough:
 * it only fsyncs when it replaces an existing file on some filesystems.
 *
 * Temporary files are named ".<name>.tmp-XXXXXX" so a crash leaves them
 * recognisable (td_file_remove_stale_temps removes them).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Write len bytes (len < 0: strlen) to path atomically, creating the parent
 * folder when missing. Errors name the path and say why (permission, no
 * space, not a folder). */
gboolean td_file_write_atomic (const char *path, const char *data, gssize len, GError **error);

/* For writers that produce the file themselves (HDF5): a fresh temporary
 * name beside path (not created), then td_file_commit to flush it and
 * rename it into place. On failure commit removes tmp. */
char *td_file_temp_name (const char *path);
gboolean td_file_commit (const char *tmp, const char *path, GError **error);

/* write() all of data to fd, retrying short writes and EINTR. */
gboolean td_fd_write_all (int fd, const char *data, size_t len, const char *what,
                          GError **error);

/* fsync a folder so renames inside it are durable (errors from filesystems
 * that cannot sync folders are ignored). */
void td_dir_sync (const char *dir);

/* Remove ".*.tmp-*" files directly inside dir (left by a killed writer). */
void td_file_remove_stale_temps (const char *dir);

/* Remove a file or a folder tree (never following symbolic links). */
gboolean td_remove_tree (const char *path, GError **error);

G_END_DECLS
