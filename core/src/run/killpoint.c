/* killpoint.c — see killpoint.h. */
#include "run/killpoint.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pid_t runner_pid;

void
td_kill_point_set_runner (pid_t runner)
{
  runner_pid = runner;
}

typedef struct {
  char *point;
  int index;            /* -1: any */
} KillSpec;

static const KillSpec *
spec (void)
{
  static gsize once;
  static KillSpec s;
  if (g_once_init_enter (&once))
    {
      const char *env = g_getenv ("TUNDISH_TEST_KILL_AT");
      s.index = -1;
      if (env && *env)
        {
          const char *colon = strchr (env, ':');
          s.point = colon ? g_strndup (env, (gsize) (colon - env)) : g_strdup (env);
          if (colon)
            s.index = atoi (colon + 1);
        }
      g_once_init_leave (&once, 1);
    }
  return &s;
}

void
td_kill_point (const char *point, int index)
{
  const KillSpec *s = spec ();
  if (!s->point || strcmp (s->point, point) != 0)
    return;
  if (index < 0)
    {
      static gint counter;      /* only one point is ever armed per process */
      index = g_atomic_int_add (&counter, 1);
    }
  if (s->index >= 0 && s->index != index)
    return;
  fprintf (stderr, "tundish: TUNDISH_TEST_KILL_AT=%s:%d reached: SIGKILL\n", point, index);
  if (runner_pid > 0)
    kill (runner_pid, SIGKILL);
  raise (SIGKILL);
}
