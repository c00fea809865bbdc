/* untrusted_h5.c — see untrusted_h5.h. */
#include "run/untrusted_h5.h"

#include <glib/gstdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/worker.h"

typedef struct {
  const char *path, *scratch;
} Job;

static int
read_child (gpointer p)
{
  const Job *j = p;
  GError *e = NULL;
  TdDataset *ds = td_dataset_load_h5 (j->path, &e);
  if (ds && td_dataset_save_h5 (ds, j->scratch, &e))
    {
      td_dataset_unref (ds);
      td_worker_report ("OK");
      return 0;
    }
  g_autofree char *msg = g_strdup_printf ("ERR %s", e ? e->message : "unreadable");
  td_worker_report (msg);
  g_clear_error (&e);
  if (ds)
    td_dataset_unref (ds);
  return 1;
}

TdDataset *
td_dataset_load_h5_untrusted (const char *path, GError **error)
{
  g_autofree char *scratch = NULL;
  int fd = g_file_open_tmp ("tundish-h5-XXXXXX.h5", &scratch, error);
  if (fd < 0)
    return NULL;
  close (fd);
  Job job = { path, scratch };
  GStatBuf st;
  double bytes = g_stat (path, &st) == 0 ? (double) st.st_size : 0;
  TdWorkerLimits limits = { .timeout = TD_UNTRUSTED_H5_BASE_SECONDS
                                       + bytes / TD_UNTRUSTED_H5_BYTES_PER_SECOND };
  TdWorker *w = td_worker_start (NULL, &limits, read_child, &job, error);
  if (!w)
    {
      g_unlink (scratch);
      return NULL;
    }
  while (!td_worker_check (w))
    td_worker_wait (&w, 1, w->fd >= 0 ? 500 : 20);
  TdDataset *ds = NULL;
  const char *out = w->output->str;
  if (g_str_has_prefix (out, "ERR "))
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s", out + 4);
  else if (WIFSIGNALED (w->status) || w->timed_out || !g_str_has_prefix (out, "OK"))
    {
      g_autofree char *sig = WIFSIGNALED (w->status) ? td_signal_describe (WTERMSIG (w->status))
                                                     : NULL;
      g_autofree char *why = w->timed_out
                               ? g_strdup_printf ("did not finish within %.0f s",
                                                  limits.timeout)
                             : sig ? g_strdup_printf ("was killed by %s", sig)
                                   : g_strdup_printf ("ended with exit status %d",
                                                      WEXITSTATUS (w->status));
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: libhdf5 could not read this file: reading it %s (in a separate "
                   "process; nothing of the file was used). The file is damaged, or is not "
                   "an HDF5 dataset as tundish export writes one", path, why);
    }
  else
    ds = td_dataset_load_h5 (scratch, error);
  g_unlink (scratch);
  td_worker_free (w);
  return ds;
}
