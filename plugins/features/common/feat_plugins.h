/* feat_plugins.h — the feature extractors' descriptors, for their own
 * plugins' entry points (<name>_entry.c) and for the window plugin, which
 * links every extractor's static library and runs them on windows of each
 * series.
 *
 * Each extractor's source (statistical.c, ...) defines its accessor and no
 * td_plugin_descriptor(); the modules' hidden visibility keeps the accessors
 * private, so each module exports only its own td_plugin_descriptor.
 */
#pragma once

#include <tundish/plugin.h>

G_BEGIN_DECLS

const TdPluginDescriptor *feat_statistical_descriptor (void);
const TdPluginDescriptor *feat_stability_descriptor (void);
const TdPluginDescriptor *feat_duration_descriptor (void);
const TdPluginDescriptor *feat_interaction_descriptor (void);
const TdPluginDescriptor *feat_spectral_descriptor (void);

G_END_DECLS
