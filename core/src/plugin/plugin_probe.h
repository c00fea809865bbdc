/* plugin_probe.h — load a plugin file once in a throw-away child process
 * before tundish loads it for real (core-internal). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Seconds a plugin file may take to load in the probe. */
#define TD_PLUGIN_PROBE_SECONDS 20

/* Fork; in the child, open path (running its constructors), read every
 * descriptor, and report back. FALSE (TD_REGISTRY_ERROR_NOT_A_PLUGIN, the
 * message naming the file and what happened: a signal, an exit status, a
 * hang) when the child did not get that far; the caller then never opens
 * the file itself. TRUE also when fork fails: the probe is a guard, not a
 * requirement. */
gboolean td_plugin_probe (const char *path, GError **error);

G_END_DECLS
