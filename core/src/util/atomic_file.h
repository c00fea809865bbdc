/* atomic_file.h — the core's side of tundish/io.h's atomic writers
 * (core-internal): the helpers below serve the run folder and its resume,
 * which no plugin needs. Temporary files are named ".<name>.tmp-…" so a
 * crash leaves them recognisable (td_file_remove_stale_temps removes them).
 */
#pragma once

#include <tundish/io.h>

G_BEGIN_DECLS

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
