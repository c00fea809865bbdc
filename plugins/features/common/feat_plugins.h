/* feat_plugins.h — the feature extractors of the static library
 * feat_extractors (extract_<name>.c here), by descriptor: each extractor's
 * plugin exports its descriptor through a one-function entry file in its own
 * folder, and the window plugin links the same library to run them on
 * windows of each series. The accessors are hidden by the modules' symbol
 * visibility, so a module exports only its own td_plugin_descriptor().
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
