/* gen_rng.h — fast random streams for the generators (steel_casting, glass_line).
 *
 * 43 M normal draws per default dataset rule out gsl_rng mt19937 with
 * Box–Muller, so each cast gets a xoshiro256** stream (Blackman & Vigna)
 * seeded through SplitMix64 from (master seed, cast index), and normals come
 * from a 256-layer ziggurat (Marsaglia & Tsang 2000; table set-up as in
 * Doornik 2005). Everything is static inline: the plugin exports nothing else.
 */
#pragma once

#include <glib.h>
#include <math.h>
#include <stdint.h>

typedef struct {
  uint64_t s[4];
} GenRng;

/* SplitMix64's output function: a bijective 64-bit mixer. */
static inline uint64_t
gen_mix64 (uint64_t z)
{
  z = (z ^ (z >> 30)) * UINT64_C (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* The stream for one (seed, index) pair. Streams are keyed by hashing the
 * pair, never by position in a shared sequence, so cast i's data is the same
 * whichever thread makes it and however many casts there are. */
static inline void
gen_rng_init (GenRng *rng, uint64_t seed, uint64_t index)
{
  uint64_t x = gen_mix64 (seed ^ gen_mix64 (index + UINT64_C (0x632be59bd9b4e019)));
  for (int k = 0; k < 4; k++)
    {
      x += UINT64_C (0x9e3779b97f4a7c15);
      rng->s[k] = gen_mix64 (x);
    }
}

static inline uint64_t
gen_rotl (uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static inline uint64_t
gen_next (GenRng *rng)
{
  uint64_t *s = rng->s;
  const uint64_t result = gen_rotl (s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = gen_rotl (s[3], 45);
  return result;
}

/* Uniform in [0, 1). */
static inline double
gen_uniform (GenRng *rng)
{
  return (double) (gen_next (rng) >> 11) * 0x1.0p-53;
}

/* Uniform in (0, 1]: safe under log(). */
static inline double
gen_uniform_pos (GenRng *rng)
{
  return (double) ((gen_next (rng) >> 11) + 1) * 0x1.0p-53;
}

static inline double
gen_range (GenRng *rng, double lo, double hi)
{
  return lo + (hi - lo) * gen_uniform (rng);
}

/* Uniform integer in [0, n), 1 <= n <= 2^32 (Lemire's multiply-shift; the
 * bias for n far below 2^32 is negligible and, more to the point,
 * deterministic). */
static inline uint64_t
gen_below (GenRng *rng, uint64_t n)
{
  return ((gen_next (rng) >> 32) * n) >> 32;
}

#define GEN_ZIG_LAYERS 256
#define GEN_ZIG_R 3.6541528853610088
#define GEN_ZIG_V 0.00492867323399

/* Layer i >= 1 is the rectangle [0, x[i]] x [f[i], f[i+1]] under the
 * density f(x) = exp(-x^2/2), with x decreasing to x[256] = 0; layer 0 is
 * the base strip of width x[0] = V / f(R) plus the tail beyond R. Computed
 * once per generate() call and shared read-only by the worker threads. */
typedef struct {
  double x[GEN_ZIG_LAYERS + 1];
  double f[GEN_ZIG_LAYERS + 1];
  double ratio[GEN_ZIG_LAYERS];
} GenZiggurat;

static inline void
gen_ziggurat_init (GenZiggurat *z)
{
  double f = exp (-0.5 * GEN_ZIG_R * GEN_ZIG_R);
  z->x[0] = GEN_ZIG_V / f;
  z->x[1] = GEN_ZIG_R;
  z->x[GEN_ZIG_LAYERS] = 0;
  for (int i = 2; i < GEN_ZIG_LAYERS; i++)
    {
      z->x[i] = sqrt (-2 * log (GEN_ZIG_V / z->x[i - 1] + f));
      f = exp (-0.5 * z->x[i] * z->x[i]);
    }
  for (int i = 0; i <= GEN_ZIG_LAYERS; i++)
    z->f[i] = exp (-0.5 * z->x[i] * z->x[i]);
  for (int i = 0; i < GEN_ZIG_LAYERS; i++)
    z->ratio[i] = z->x[i + 1] / z->x[i];
}

static inline double
gen_normal_tail (GenRng *rng, int negative)
{
  double x, y;
  do
    {
      x = log (gen_uniform_pos (rng)) / GEN_ZIG_R;
      y = log (gen_uniform_pos (rng));
    }
  while (-2 * y < x * x);
  return negative ? x - GEN_ZIG_R : GEN_ZIG_R - x;
}

/* One 64-bit draw serves both the layer (low 8 bits) and the position in it
 * (top 53 bits). */
static inline unsigned
gen_zig_split (uint64_t bits, double *u)
{
  *u = 2.0 * ((double) (bits >> 11) * 0x1.0p-53) - 1.0;
  return (unsigned) (bits & (GEN_ZIG_LAYERS - 1));
}

/* The 0.7 % of draws that miss the inner rectangles: the tail or a wedge.
 * Kept out of line so the common path inlines into the AR loop. */
G_GNUC_NO_INLINE G_GNUC_UNUSED static double
gen_normal_slow (GenRng *rng, const GenZiggurat *z, unsigned i, double u)
{
  for (;;)
    {
      if (i == 0)
        return gen_normal_tail (rng, u < 0);
      double x = u * z->x[i];
      if (z->f[i] + gen_uniform (rng) * (z->f[i + 1] - z->f[i]) < exp (-0.5 * x * x))
        return x;
      i = gen_zig_split (gen_next (rng), &u);
      if (fabs (u) < z->ratio[i])
        return u * z->x[i];
    }
}

/* Standard normal (Marsaglia & Tsang's ziggurat). */
static inline double
gen_normal (GenRng *rng, const GenZiggurat *z)
{
  double u;
  unsigned i = gen_zig_split (gen_next (rng), &u);
  if (G_LIKELY (fabs (u) < z->ratio[i]))
    return u * z->x[i];
  return gen_normal_slow (rng, z, i, u);
}
