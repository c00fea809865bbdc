/* atomic_file.c — the atomic writers of tundish/io.h, and atomic_file.h. */
#include "util/atomic_file.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/killpoint.h"

static gboolean
fail_errno (GError **error, int err, const char *what, const char *path)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "cannot %s %s: %s", what, path,
               g_strerror (err));
  return FALSE;
}

gboolean
td_fd_write_all (int fd, const char *data, size_t len, const char *what, GError **error)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return fail_errno (error, n < 0 ? errno : EIO, "write", what);
      data += n;
      len -= (size_t) n;
    }
  return TRUE;
}

void
td_dir_sync (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return;
  (void) fsync (fd);    /* EINVAL on filesystems without folder sync: nothing to do */
  close (fd);
}

char *
td_file_temp_name (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *leaf = g_strdup_printf (".%s.tmp-%d-%08x", base, (int) getpid (),
                                           g_random_int ());
  return g_build_filename (dir, leaf, NULL);
}

static gboolean
ensure_parent (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int err = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err),
                   "cannot write %s: cannot create the folder %s: %s", path, dir,
                   g_strerror (err));
      return FALSE;
    }
  return TRUE;
}

gboolean
td_file_commit (const char *tmp, const char *path, GError **error)
{
  int fd = open (tmp, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fsync (fd) != 0)
    {
      int err = errno;
      if (fd >= 0)
        close (fd);
      g_unlink (tmp);
      return fail_errno (error, err, "flush", path);
    }
  close (fd);
  td_kill_point ("rename", -1);
  if (g_rename (tmp, path) != 0)
    {
      int err = errno;
      g_unlink (tmp);
      return fail_errno (error, err, "rename into place", path);
    }
  g_autofree char *dir = g_path_get_dirname (path);
  td_dir_sync (dir);
  return TRUE;
}

/* ------------------------------------------------------ TdAtomicFile */

/* Small writes gather here; a write() per row would cost more than the rows. */
#define BUFFER_SIZE (64 * 1024)

struct TdAtomicFile {
  char *path, *tmp;
  int fd;
  GString *buf;
  GError *error;       /* the first failure, reported by commit */
};

static void
atomic_file_free (TdAtomicFile *f)
{
  if (f->fd >= 0)
    close (f->fd);
  g_free (f->path);
  g_free (f->tmp);
  g_string_free (f->buf, TRUE);
  g_clear_error (&f->error);
  g_free (f);
}

TdAtomicFile *
td_atomic_file_open (const char *path, GError **error)
{
  if (!ensure_parent (path, error))
    return NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  char *tmp = g_strdup_printf ("%s/.%s.tmp-XXXXXX", dir, base);
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int err = errno;
      g_free (tmp);
      fail_errno (error, err, "write", path);
      return NULL;
    }
  TdAtomicFile *f = g_new0 (TdAtomicFile, 1);
  f->path = g_strdup (path);
  f->tmp = tmp;
  f->fd = fd;
  f->buf = g_string_sized_new (BUFFER_SIZE);
  return f;
}

static gboolean
flush_buffer (TdAtomicFile *f)
{
  if (f->error == NULL && f->buf->len > 0)
    td_fd_write_all (f->fd, f->buf->str, f->buf->len, f->path, &f->error);
  g_string_truncate (f->buf, 0);
  return f->error == NULL;
}

gboolean
td_atomic_file_write (TdAtomicFile *f, const char *data, gssize len)
{
  g_return_val_if_fail (f != NULL, FALSE);
  if (f->error)
    return FALSE;
  size_t n = len < 0 ? strlen (data) : (size_t) len;
  if (f->buf->len + n <= BUFFER_SIZE)
    {
      g_string_append_len (f->buf, data, (gssize) n);
      return TRUE;
    }
  if (!flush_buffer (f))
    return FALSE;
  if (n <= BUFFER_SIZE)
    {
      g_string_append_len (f->buf, data, (gssize) n);
      return TRUE;
    }
  return td_fd_write_all (f->fd, data, n, f->path, &f->error);
}

gboolean
td_atomic_file_printf (TdAtomicFile *f, const char *format, ...)
{
  g_return_val_if_fail (f != NULL, FALSE);
  if (f->error)
    return FALSE;
  va_list ap;
  va_start (ap, format);
  g_string_append_vprintf (f->buf, format, ap);
  va_end (ap);
  return f->buf->len < BUFFER_SIZE || flush_buffer (f);
}

void
td_atomic_file_abort (TdAtomicFile *f)
{
  if (!f)
    return;
  if (f->fd >= 0)
    close (f->fd);
  f->fd = -1;
  g_unlink (f->tmp);
  atomic_file_free (f);
}

gboolean
td_atomic_file_commit (TdAtomicFile *f, GError **error)
{
  g_return_val_if_fail (f != NULL, FALSE);
  if (flush_buffer (f) && fsync (f->fd) != 0)
    fail_errno (&f->error, errno, "flush", f->path);
  int fd = f->fd;
  f->fd = -1;
  if (close (fd) != 0 && f->error == NULL)
    fail_errno (&f->error, errno, "close", f->path);
  if (f->error == NULL)
    {
      td_kill_point ("rename", -1);
      if (g_rename (f->tmp, f->path) != 0)
        fail_errno (&f->error, errno, "rename into place", f->path);
    }
  if (f->error)
    {
      g_unlink (f->tmp);
      g_propagate_error (error, g_steal_pointer (&f->error));
      atomic_file_free (f);
      return FALSE;
    }
  g_autofree char *dir = g_path_get_dirname (f->path);
  td_dir_sync (dir);
  atomic_file_free (f);
  return TRUE;
}

gboolean
td_file_write_atomic (const char *path, const char *data, gssize len, GError **error)
{
  TdAtomicFile *f = td_atomic_file_open (path, error);
  if (!f)
    return FALSE;
  td_atomic_file_write (f, data, len);
  return td_atomic_file_commit (f, error);
}

void
td_file_remove_stale_temps (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  if (!d)
    return;
  const char *name;
  while ((name = g_dir_read_name (d)))
    if (name[0] == '.' && strstr (name, ".tmp-"))
      {
        g_autofree char *p = g_build_filename (dir, name, NULL);
        g_unlink (p);
      }
  g_dir_close (d);
}

gboolean
td_remove_tree (const char *path, GError **error)
{
  struct stat st;
  if (lstat (path, &st) != 0)
    return errno == ENOENT ? TRUE : fail_errno (error, errno, "inspect", path);
  if (S_ISDIR (st.st_mode))
    {
      GError *e = NULL;
      GDir *d = g_dir_open (path, 0, &e);
      if (!d)
        {
          g_propagate_error (error, e);
          return FALSE;
        }
      const char *name;
      gboolean ok = TRUE;
      while (ok && (name = g_dir_read_name (d)))
        {
          g_autofree char *p = g_build_filename (path, name, NULL);
          ok = td_remove_tree (p, error);
        }
      g_dir_close (d);
      if (!ok)
        return FALSE;
      if (g_rmdir (path) != 0)
        return fail_errno (error, errno, "remove", path);
      return TRUE;
    }
  if (g_unlink (path) != 0)
    return fail_errno (error, errno, "remove", path);
  return TRUE;
}
