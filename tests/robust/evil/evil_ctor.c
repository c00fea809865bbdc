/* evil_ctor.c — test-only shared objects that misbehave the moment they are
 * loaded, before tundish could ask them anything (issue 17, item 16). Each
 * is built three times into a folder of its own, never on the default
 * search path:
 *   EVIL_MODE 1  the constructor calls abort()
 *   EVIL_MODE 2  the constructor calls exit(0) (a "successful" exit)
 *   EVIL_MODE 3  td_plugin_descriptor writes through a null pointer
 * tundish must name each file, skip it and go on. */
#include <stdlib.h>
#include <tundish/tundish.h>

#if EVIL_MODE == 1 || EVIL_MODE == 2
__attribute__ ((constructor)) static void
evil_ctor (void)
{
#if EVIL_MODE == 1
  abort ();
#else
  exit (0);
#endif
}
#endif

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
#if EVIL_MODE == 3
  volatile int *volatile p = NULL;
  *p = (int) index;
#endif
  (void) index;
  return NULL;
}
