/* seed.c — derived seeds. Every random consumer hashes its own coordinates
 * (master, repeat, fold, stage, pipeline) rather than drawing from a shared
 * generator, so a result never depends on thread count, trial order or which
 * other pipelines are in the file. Changing this function changes every
 * published result: it is frozen. */
#include <tundish/context.h>

static guint64
splitmix64 (guint64 x)
{
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

static guint64
fnv1a64 (const char *s)
{
  guint64 h = 0xcbf29ce484222325ull;
  for (; s && *s; s++)
    {
      h ^= (guint8) *s;
      h *= 0x100000001b3ull;
    }
  return h;
}

guint64
td_seed_derive (guint64 master, int repeat, int fold, const char *stage, const char *pipeline)
{
  guint64 h = splitmix64 (master);
  h = splitmix64 (h ^ (guint64) (gint64) repeat);
  h = splitmix64 (h ^ ((guint64) (gint64) fold << 1));
  h = splitmix64 (h ^ fnv1a64 (stage));
  h = splitmix64 (h ^ fnv1a64 (pipeline));
  return h;
}
