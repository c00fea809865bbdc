/* tundish/tundish.h — the plugin SDK in one include.
 * Build an out-of-tree plugin with `pkg-config --cflags --libs tundish`;
 * docs/writing-a-plugin.md walks through one. */
#pragma once

#include <gmodule.h>
#include <tundish/params.h>
#include <tundish/dataset.h>
#include <tundish/context.h>
#include <tundish/metrics.h>
#include <tundish/stats.h>
#include <tundish/drift.h>
#include <tundish/io.h>
#include <tundish/plugin.h>
#include <tundish/testing.h>

#define TUNDISH_VERSION "0.1.0"
