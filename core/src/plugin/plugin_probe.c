/* plugin_probe.c — see plugin_probe.h.
 *
 * dlopen runs a shared object's constructors inside the caller, so a single
 * .so whose constructor aborts, exits or loops would take every command
 * down with it, `tundish plugins` included. GStreamer meets this by
 * scanning plugins in a forked helper; this is the same idea at its
 * smallest: the first open happens in a child, and only a file the child
 * survived is opened by tundish. A constructor that behaves differently the
 * second time is not caught; a file that crashes is named and skipped.
 */
#include "plugin/plugin_probe.h"
#include "plugin/registry.h"
#include "run/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <gmodule.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* In the child: everything the real load does short of registering. The
 * byte written last is the proof that the child got through it. */
static void G_GNUC_NORETURN
probe_child (const char *path, int report_fd)
{
  struct rlimit no_core = { 0, 0 };
  setrlimit (RLIMIT_CORE, &no_core);
  alarm (TD_PLUGIN_PROBE_SECONDS);
  /* a constructor's chatter is not the command's output */
  int devnull = open ("/dev/null", O_WRONLY);
  if (devnull >= 0)
    dup2 (devnull, STDOUT_FILENO);
  GModule *mod = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  gpointer sym = NULL;
  if (mod && g_module_symbol (mod, TD_PLUGIN_ENTRY_SYMBOL, &sym) && sym)
    for (size_t i = 0; i < 1024 && ((TdPluginEntryFunc) sym) (i); i++)
      ;
  /* a missing symbol or an unloadable file is for the real load to report */
  char ok = 'k';
  ssize_t w = write (report_fd, &ok, 1);
  _exit (w == 1 ? 0 : 1);
}

gboolean
td_plugin_probe (const char *path, GError **error)
{
  int fds[2];
  if (pipe (fds) != 0)
    return TRUE;
  fflush (NULL);
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (fds[0]);
      close (fds[1]);
      return TRUE;
    }
  if (pid == 0)
    {
      close (fds[0]);
      probe_child (path, fds[1]);
    }
  close (fds[1]);
  char got = 0;
  ssize_t n;
  do
    n = read (fds[0], &got, 1);
  while (n < 0 && errno == EINTR);
  close (fds[0]);
  int status = 0;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (n == 1 && got == 'k' && WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return TRUE;
  g_autofree char *what = NULL;
  if (WIFSIGNALED (status) && WTERMSIG (status) == SIGALRM)
    what = g_strdup_printf ("did not finish loading within %d s", TD_PLUGIN_PROBE_SECONDS);
  else if (WIFSIGNALED (status))
    {
      g_autofree char *sig = td_signal_describe (WTERMSIG (status));
      what = g_strdup_printf ("was killed by %s while loading", sig);
    }
  else
    what = g_strdup_printf ("ended the process with exit status %d while loading",
                            WIFEXITED (status) ? WEXITSTATUS (status) : -1);
  g_set_error (error, TD_REGISTRY_ERROR, TD_REGISTRY_ERROR_NOT_A_PLUGIN,
               "%s: %s (a constructor or its descriptor function crashed, exited or hung, "
               "tried in a separate process); not loaded", path, what);
  return FALSE;
}
