/* feat_plugins.h — the feature extractors' descriptors by name, for the
 * window plugin, which compiles their sources into its own module and runs
 * them on windows of each series.
 *
 * Each extractor's source defines its accessor (hidden by the modules'
 * symbol visibility). Compiled with -DTD_FEATURE_NO_ENTRY, a source leaves
 * out td_plugin_descriptor(), so the window module exports only its own.
 */
#pragma once

#include <tundish/plugin.h>

G_BEGIN_DECLS

const TdPluginDescriptor *td_feature_statistical_descriptor (void);
const TdPluginDescriptor *td_feature_stability_descriptor (void);
const TdPluginDescriptor *td_feature_duration_descriptor (void);
const TdPluginDescriptor *td_feature_interaction_descriptor (void);
const TdPluginDescriptor *td_feature_spectral_descriptor (void);

G_END_DECLS
