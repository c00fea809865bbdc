/* feat_state.h — fitted feature state in a small key file.
 *
 * One group named after the plugin:
 *
 *   [stability]
 *   format=1
 *   version=1.0.0
 *   channels=casting_speed;mold_temperature;...
 *   low=1.0940000000000001;1498.2;...
 *
 * Doubles are written with %.17g (g_ascii_formatd), which reads back to the
 * same bits, so a loaded state transforms byte-identically. nan and inf are
 * written as such and read back.
 */
#pragma once

#include "feat_common.h"

G_BEGIN_DECLS

#define FEAT_STATE_FORMAT 1

/* A key file with the header (format, version, channels) of a fitted state. */
GKeyFile *feat_state_new (const char *plugin, const char *version, char *const *channels,
                          size_t n_channels);
void feat_state_set_doubles (GKeyFile *kf, const char *plugin, const char *key,
                             const double *v, size_t n);
gboolean feat_state_save (GKeyFile *kf, const char *path, const char *plugin, GError **error);

/* Load path and check its header: the group exists and has a known format.
 * *channels (NULL-terminated, caller frees) and *n_channels describe the
 * channels the state was fitted on. */
GKeyFile *feat_state_load (const char *path, const char *plugin, char ***channels,
                           size_t *n_channels, GError **error);
/* Read exactly n doubles stored under key. */
gboolean feat_state_get_doubles (GKeyFile *kf, const char *plugin, const char *key, double *v,
                                 size_t n, GError **error);

/* The input's channels must be the fitted ones, by name and in order. */
gboolean feat_state_check_channels (const TdDataset *in, char *const *channels,
                                    size_t n_channels, const char *plugin, GError **error);
/* The input's channel names as a NULL-terminated array (caller frees). */
char **feat_state_channel_names (const TdDataset *in);

G_END_DECLS
