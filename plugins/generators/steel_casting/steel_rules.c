/* steel_rules.c — one pass over a cast decides which mechanisms fire. */
#include "steel_rules.h"

#include <math.h>

/* Samples t with max(T[t-w..t]) - T[t] >= seq_drop, into drops (increasing),
 * returns how many; *big_seen when some drop reaches big_drop. The signal is cut into blocks of w + 1 samples, so a
 * window ending in block b lies within blocks b-1 and b, and
 * max(block b-1, block b) - min(block b) bounds every drop in block b: only
 * blocks where that bound reaches the threshold (a few per cast) are scanned
 * exactly. */
static size_t
find_drops (const float *x, size_t n, size_t w, double seq_drop, double big_drop,
            gboolean *big_seen, double *largest, int *drops)
{
  const double threshold = MIN (seq_drop, big_drop);
  size_t n_drops = 0;
  double prev_max = -INFINITY;
  for (size_t b0 = 0; b0 < n; b0 += w + 1)
    {
      size_t b1 = MIN (b0 + w + 1, n);
      float hi = x[b0 * STEEL_N_CH + STEEL_CH_TEMPERATURE], lo = hi;
      for (size_t t = b0 + 1; t < b1; t++)
        {
          float v = x[t * STEEL_N_CH + STEEL_CH_TEMPERATURE];
          hi = v > hi ? v : hi;
          lo = v < lo ? v : lo;
        }
      double bound = MAX (prev_max, (double) hi) - (double) lo;
      prev_max = hi;
      if (bound < threshold)
        continue;
      for (size_t t = b0; t < b1; t++)
        {
          float m = x[t * STEEL_N_CH + STEEL_CH_TEMPERATURE];
          for (size_t k = t > w ? t - w : 0; k < t; k++)
            {
              float v = x[k * STEEL_N_CH + STEEL_CH_TEMPERATURE];
              m = v > m ? v : m;
            }
          double drop = (double) m - (double) x[t * STEEL_N_CH + STEEL_CH_TEMPERATURE];
          *largest = MAX (*largest, drop);
          if (drop >= seq_drop)
            drops[n_drops++] = (int) t;
          if (drop >= big_drop)
            *big_seen = TRUE;
        }
    }
  return n_drops;
}

guint
steel_rules_eval (const SteelRules *r, const float *x, size_t n_steps, int *drops,
                  SteelMeasures *measures)
{
  guint fired = 0;
  gboolean big = FALSE;
  double largest_drop = 0;
  size_t n_drops = find_drops (x, n_steps, (size_t) r->temperature_drop_window,
                               r->sequence_temperature_drop, r->temperature_drop, &big,
                               &largest_drop, drops);
  if (big)
    fired |= STEEL_M_TEMPERATURE_DROP;

  size_t next_drop = 0;         /* first entry of drops after the current sample */
  long last_drop = -1;          /* latest sample meeting the timing rule's drop */
  long run = 0;                 /* current run of samples outside the level band */
  gboolean run_follows_drop = FALSE;
  long both = 0;                /* samples with high speed and low superheat */
  long longest_run = 0, longest_sequence_run = 0;
  for (size_t t = 0; t < n_steps; t++)
    {
      const float *row = x + t * STEEL_N_CH;
      if (fabs ((double) row[STEEL_CH_LEVEL] - r->level_base) > r->level_band)
        {
          if (run == 0)
            {
              while (next_drop < n_drops && (size_t) drops[next_drop] <= t)
                last_drop = drops[next_drop++];
              run_follows_drop = last_drop >= 0
                                 && (long) t - last_drop <= r->sequence_max_gap_seconds;
            }
          run++;
          longest_run = MAX (longest_run, run);
          if (run_follows_drop)
            longest_sequence_run = MAX (longest_sequence_run, run);
          if (run >= r->level_min_seconds)
            fired |= STEEL_M_LEVEL_EXCURSION;
          if (run >= r->sequence_level_min_seconds && run_follows_drop)
            fired |= STEEL_M_DROP_THEN_LEVEL;
        }
      else
        run = 0;
      both += (double) row[STEEL_CH_SPEED] > r->speed_high
              && (double) row[STEEL_CH_SUPERHEAT] < r->superheat_low;
    }
  if (both >= r->speed_superheat_min_seconds)
    fired |= STEEL_M_SPEED_SUPERHEAT;
  if (measures)
    *measures = (SteelMeasures) {
      .level_run = (double) longest_run, .drop = largest_drop, .both = (double) both,
      .sequence_run = (double) longest_sequence_run,
    };
  return fired;
}

guint
steel_rules_first (guint fired)
{
  return fired & (~fired + 1u);
}

const char *
steel_mechanism_name (guint bit)
{
  switch (bit)
    {
    case STEEL_M_LEVEL_EXCURSION:  return "level_excursion";
    case STEEL_M_TEMPERATURE_DROP: return "temperature_drop";
    case STEEL_M_SPEED_SUPERHEAT:  return "speed_superheat";
    case STEEL_M_DROP_THEN_LEVEL:  return "drop_then_level";
    default:                       return "none";
    }
}
