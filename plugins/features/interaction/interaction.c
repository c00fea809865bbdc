/* interaction — the plugin's entry point. The extractor itself is
 * ../common/extract_interaction.c, in the features' static library, which window
 * links too (see ../common/meson.build). */
#include "feat_plugins.h"

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? feat_interaction_descriptor () : NULL;
}
