/* steel_rules.c — one pass over a cast decides which mechanisms fire. */
#include "steel_rules.h"

#include <math.h>

guint
steel_rules_eval (const SteelRules *r, const float *x, size_t n_steps, int *deque)
{
  guint fired = 0;
  const double window = r->temperature_drop_window;
  /* Monotone deque of indices whose temperatures decrease: its head is the
   * maximum of the trailing window, so the whole scan is O(n_steps). */
  size_t head = 0, tail = 0;
  long last_drop = -1;          /* latest sample meeting the timing rule's drop */
  long run = 0;                 /* current run of samples outside the level band */
  gboolean run_follows_drop = FALSE;
  long both = 0;                /* samples with high speed and low superheat */

  for (size_t t = 0; t < n_steps; t++)
    {
      const float *row = x + t * STEEL_N_CH;
      double temp = row[STEEL_CH_TEMPERATURE];
      while (tail > head && x[(size_t) deque[tail - 1] * STEEL_N_CH + STEEL_CH_TEMPERATURE] <= temp)
        tail--;
      deque[tail++] = (int) t;
      while ((double) t - (double) deque[head] > window)
        head++;
      double drop = (double) x[(size_t) deque[head] * STEEL_N_CH + STEEL_CH_TEMPERATURE] - temp;
      if (drop >= r->temperature_drop)
        fired |= STEEL_M_TEMPERATURE_DROP;
      if (drop >= r->sequence_temperature_drop)
        last_drop = (long) t;

      if (fabs ((double) row[STEEL_CH_LEVEL] - r->level_base) > r->level_band)
        {
          if (run == 0)
            run_follows_drop = last_drop >= 0
                               && (long) t - last_drop <= r->sequence_max_gap_seconds;
          run++;
          if (run >= r->level_min_seconds)
            fired |= STEEL_M_LEVEL_EXCURSION;
          if (run >= r->sequence_level_min_seconds && run_follows_drop)
            fired |= STEEL_M_DROP_THEN_LEVEL;
        }
      else
        run = 0;

      if ((double) row[STEEL_CH_SPEED] > r->speed_high
          && (double) row[STEEL_CH_SUPERHEAT] < r->superheat_low)
        both++;
    }
  if (both >= r->speed_superheat_min_seconds)
    fired |= STEEL_M_SPEED_SUPERHEAT;
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
