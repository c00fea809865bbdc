/* atomic_file.c — see atomic_file.h. */
#include "util/atomic_file.h"

#include <errno.h>
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
    return fail_errno (error, errno, "create the folder", dir);
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

gboolean
td_file_write_atomic (const char *path, const char *data, gssize len, GError **error)
{
  if (!ensure_parent (path, error))
    return FALSE;
  size_t n = len < 0 ? strlen (data) : (size_t) len;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmpl = g_strdup_printf ("%s/.%s.tmp-XXXXXX", dir, base);
  int fd = g_mkstemp_full (tmpl, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail_errno (error, errno, "write", path);
  GError *e = NULL;
  gboolean ok = td_fd_write_all (fd, data, n, path, &e);
  if (ok && fsync (fd) != 0)
    ok = fail_errno (&e, errno, "flush", path);
  if (close (fd) != 0 && ok)
    ok = fail_errno (&e, errno, "close", path);
  if (!ok)
    {
      g_unlink (tmpl);
      g_propagate_error (error, e);
      return FALSE;
    }
  td_kill_point ("rename", -1);
  if (g_rename (tmpl, path) != 0)
    {
      int err = errno;
      g_unlink (tmpl);
      return fail_errno (error, err, "rename into place", path);
    }
  td_dir_sync (dir);
  return TRUE;
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
