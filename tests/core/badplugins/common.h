/* Deliberately broken plugins for the registry's error messages. Each file
 * is built with -DVARIANT=... to break one thing. */
#include <tundish/tundish.h>

static TdDataset *
gen (const TdParams *p, TdContext *c, GError **e)
{
  (void) p; (void) c; (void) e;
  return td_dataset_new (1, 1, 1, TD_TASK_BINARY, 2);
}
static const TdGeneratorVTable vt = { .generate = gen };
