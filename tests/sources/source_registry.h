/* source_registry.h — the built source plugins of a folder, for the tests
 * that run them through the registry as tundish does. */
#pragma once

#include "plugin/registry.h"

/* Every plugin in dir (argv[1] of the test), or fails the test when one
 * does not load. */
TdRegistry *source_registry (const char *dir);
