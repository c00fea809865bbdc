/* duration_entry.c — the duration plugin's entry point. The extractor itself is
 * duration.c, a static library that the window plugin links too. */
#include "feat_plugins.h"

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? feat_duration_descriptor () : NULL;
}
