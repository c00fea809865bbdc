/* steel_events.c — drawing and adding the process events.
 *
 * Durations are in seconds (= steps at 1 Hz). Shapes follow the numpy peer
 * (shared/peers/gen_steel.py) but every amplitude is tied to the thresholds
 * and noise levels in SteelShape, not to the default numbers.
 */
#include "steel_events.h"

#include <math.h>

static const char *const event_names[STEEL_N_EVENTS] = {
  "none",
  "level_excursion", "temperature_drop", "speed_superheat", "drop_then_level",
  "near_miss_level_short", "near_miss_level_inside", "near_miss_temperature_small",
  "near_miss_speed_only", "near_miss_superheat_only", "near_miss_wrong_order",
  "near_miss_too_late", "near_miss_weak_drop",
};

const char *
steel_event_name (SteelEventKind kind)
{
  return (unsigned) kind < STEEL_N_EVENTS ? event_names[kind] : "?";
}

guint
steel_event_expected (SteelEventKind kind)
{
  switch (kind)
    {
    case STEEL_EV_LEVEL_EXCURSION:  return STEEL_M_LEVEL_EXCURSION;
    case STEEL_EV_TEMPERATURE_DROP: return STEEL_M_TEMPERATURE_DROP;
    case STEEL_EV_SPEED_SUPERHEAT:  return STEEL_M_SPEED_SUPERHEAT;
    case STEEL_EV_DROP_THEN_LEVEL:  return STEEL_M_DROP_THEN_LEVEL;
    default:                        return 0;
    }
}

/* Duration ranges (seconds). The span bound below depends on them. */
#define RISE_MAX 150.0
#define PEAK_HOLD_MAX 90.0
#define LOW_HOLD_MAX 180.0
#define RECOVERY_MAX 240.0
#define LEVEL_RAMP 5.0
#define SPEED_RAMP 20.0
#define SPEED_EXTRA_MAX 220.0
#define WRONG_ORDER_LEAD_MAX 240.0
#define TOO_LATE_EXTRA_MAX 300.0

double
steel_event_max_span (const SteelShape *sh)
{
  const SteelRules *r = &sh->rules;
  double w = r->temperature_drop_window, gap = r->sequence_max_gap_seconds;
  double lmin = r->level_min_seconds;
  double before_fall = RISE_MAX + PEAK_HOLD_MAX;
  double after_fall = w + LOW_HOLD_MAX + RECOVERY_MAX - 20;
  double temperature = before_fall + after_fall;
  /* a short excursion ends by fall end + 0.6 gap + (lmin - 10) + 2 ramps */
  double drop_then_level = before_fall + MAX (after_fall, w - 20 + 0.6 * gap + lmin);
  double too_late = before_fall + MAX (after_fall, 2 * w - 20 + gap + TOO_LATE_EXTRA_MAX + lmin);
  double wrong_order = (before_fall - 30) + lmin + WRONG_ORDER_LEAD_MAX + after_fall;
  double spans[] = {
    lmin + 90 + 2 * LEVEL_RAMP,                     /* level excursion */
    2 * lmin + 180 + 2 * LEVEL_RAMP,                /* inside the band */
    temperature, drop_then_level, too_late, wrong_order,
    r->speed_superheat_min_seconds + SPEED_EXTRA_MAX + 2 * SPEED_RAMP,
  };
  double m = 0;
  for (size_t k = 0; k < G_N_ELEMENTS (spans); k++)
    m = MAX (m, spans[k]);
  return m;
}

static SteelPwl *
new_part (SteelEvent *ev, int channel)
{
  SteelPwl *p = &ev->part[ev->n_parts++];
  p->channel = channel;
  p->n_knots = 0;
  return p;
}

static void
knot (SteelPwl *p, double t, double v)
{
  p->t[p->n_knots] = t;
  p->v[p->n_knots] = v;
  p->n_knots++;
}

static void
trapezoid (SteelEvent *ev, int channel, double start, double ramp, double hold, double amp)
{
  SteelPwl *p = new_part (ev, channel);
  knot (p, start, 0);
  knot (p, start + ramp, amp);
  knot (p, start + ramp + hold, amp);
  knot (p, start + 2 * ramp + hold, 0);
}

/* Mold level off by amp (either side) for hold seconds; the operator slows
 * the strand a little meanwhile. Returns the end time. */
static double
level_excursion (SteelEvent *ev, const SteelShape *sh, GenRng *rng, double start,
                 double amp, double hold)
{
  double sign = gen_uniform (rng) < 0.5 ? -1.0 : 1.0;
  trapezoid (ev, STEEL_CH_LEVEL, start, LEVEL_RAMP, hold, sign * amp);
  trapezoid (ev, STEEL_CH_SPEED, start, LEVEL_RAMP, hold,
             -0.6 * sh->sensor[STEEL_CH_SPEED].noise);
  return start + hold + 2 * LEVEL_RAMP;
}

/* Clearly outside the band: 2 to 3.5 noise sd beyond it, so noise rarely
 * breaks the run. */
static double
outside_amp (const SteelShape *sh, GenRng *rng)
{
  return sh->rules.level_band + gen_range (rng, 2.0, 3.5) * sh->sensor[STEEL_CH_LEVEL].noise;
}

/* Long enough for the timing rule, too short for the level rule (the run
 * outside the band lasts about hold + 4 s). */
static double
short_hold (const SteelShape *sh, GenRng *rng)
{
  return gen_range (rng, sh->rules.sequence_level_min_seconds + 2,
                      sh->rules.level_min_seconds - 10);
}

/* Mold temperature rises to a peak, holds, falls by drop within the drop
 * window starting at fall_start, holds low and recovers; cooling water
 * surges around the fall. The peak sits as high as the range allows so
 * that the trough stays above the lower clip. Returns the fall's end. */
static double
temperature_event (SteelEvent *ev, const SteelShape *sh, GenRng *rng, double fall_start,
                   double drop)
{
  const SteelSensor *ts = &sh->sensor[STEEL_CH_TEMPERATURE];
  const SteelSensor *ws = &sh->sensor[STEEL_CH_WATER];
  double lo_peak = MAX (ts->min + ts->noise + drop, ts->base);
  double hi_peak = ts->max - 0.5 * ts->noise;
  if (lo_peak > hi_peak)
    lo_peak = hi_peak;
  double peak = gen_range (rng, lo_peak, hi_peak) - ts->base;
  double rise = gen_range (rng, 60, RISE_MAX);
  double hold = gen_range (rng, 30, PEAK_HOLD_MAX);
  double fall = gen_range (rng, 10, sh->rules.temperature_drop_window - 20);
  double low = gen_range (rng, 60, LOW_HOLD_MAX);
  double recovery = gen_range (rng, 90, RECOVERY_MAX);
  double fall_end = fall_start + fall;

  SteelPwl *p = new_part (ev, STEEL_CH_TEMPERATURE);
  knot (p, fall_start - hold - rise, 0);
  knot (p, fall_start - hold, peak);
  knot (p, fall_start, peak);
  knot (p, fall_end, peak - drop);
  knot (p, fall_end + low, peak - drop);
  knot (p, fall_end + low + recovery, 0);

  double surge = gen_range (rng, 1.3, 2.3) * ws->noise;
  p = new_part (ev, STEEL_CH_WATER);
  knot (p, fall_start - 20, 0);
  knot (p, fall_start, surge);
  knot (p, fall_end + low, surge);
  knot (p, fall_end + low + 60, 0);
  return fall_end;
}

/* The timing rule's drop: past its threshold, well short of the plain drop
 * rule's. */
static double
sequence_drop (const SteelShape *sh, GenRng *rng)
{
  const SteelRules *r = &sh->rules;
  return r->sequence_temperature_drop
         + gen_range (rng, 0.1, 0.3) * (r->temperature_drop - r->sequence_temperature_drop);
}

static void
speed_superheat (SteelEvent *ev, const SteelShape *sh, GenRng *rng, double speed,
                 double superheat)
{
  double hold = sh->rules.speed_superheat_min_seconds + gen_range (rng, 40, SPEED_EXTRA_MAX);
  trapezoid (ev, STEEL_CH_SPEED, 0, SPEED_RAMP, hold, speed - sh->sensor[STEEL_CH_SPEED].base);
  trapezoid (ev, STEEL_CH_SUPERHEAT, 0, SPEED_RAMP, hold,
             superheat - sh->sensor[STEEL_CH_SUPERHEAT].base);
}

static double
high_speed (const SteelShape *sh, GenRng *rng)
{
  return sh->rules.speed_high + gen_range (rng, 1.2, 4.0) * sh->sensor[STEEL_CH_SPEED].noise;
}

static double
low_superheat (const SteelShape *sh, GenRng *rng)
{
  return sh->rules.superheat_low
         - gen_range (rng, 0.8, 1.6) * sh->sensor[STEEL_CH_SUPERHEAT].noise;
}

static void
draw_relative (SteelEventKind kind, const SteelShape *sh, GenRng *rng, SteelEvent *ev)
{
  const SteelRules *r = &sh->rules;
  const SteelSensor *ts = &sh->sensor[STEEL_CH_TEMPERATURE];
  const SteelSensor *ls = &sh->sensor[STEEL_CH_LEVEL];
  double fall_end, end;

  switch (kind)
    {
    case STEEL_EV_NONE:
    case STEEL_N_EVENTS:
      break;
    case STEEL_EV_LEVEL_EXCURSION:
      level_excursion (ev, sh, rng, 0, outside_amp (sh, rng),
                       gen_range (rng, r->level_min_seconds + 5, r->level_min_seconds + 90));
      break;
    case STEEL_EV_TEMPERATURE_DROP:
      temperature_event (ev, sh, rng, 0,
                         r->temperature_drop + gen_range (rng, 1.0, 2.5) * ts->noise);
      break;
    case STEEL_EV_SPEED_SUPERHEAT:
      speed_superheat (ev, sh, rng, high_speed (sh, rng), low_superheat (sh, rng));
      break;
    case STEEL_EV_DROP_THEN_LEVEL:
      fall_end = temperature_event (ev, sh, rng, 0, sequence_drop (sh, rng));
      level_excursion (ev, sh, rng,
                       fall_end + gen_range (rng, 0, 0.6 * r->sequence_max_gap_seconds),
                       outside_amp (sh, rng), short_hold (sh, rng));
      break;
    case STEEL_EV_NM_LEVEL_SHORT:
      level_excursion (ev, sh, rng, 0, outside_amp (sh, rng),
                       gen_range (rng, 2, r->level_min_seconds - 10));
      break;
    case STEEL_EV_NM_LEVEL_INSIDE:
      level_excursion (ev, sh, rng, 0,
                       MAX (0.3 * r->level_band,
                            r->level_band - gen_range (rng, 1.2, 2.0) * ls->noise),
                       gen_range (rng, 2.0 * r->level_min_seconds,
                                    2.0 * r->level_min_seconds + 180));
      break;
    case STEEL_EV_NM_TEMPERATURE_SMALL:
      temperature_event (ev, sh, rng, 0,
                         MAX (0.3 * r->temperature_drop,
                              r->temperature_drop - gen_range (rng, 1.5, 3.0) * ts->noise));
      break;
    case STEEL_EV_NM_SPEED_ONLY:
      speed_superheat (ev, sh, rng, high_speed (sh, rng),
                       r->superheat_low
                       + gen_range (rng, 1.5, 2.3) * sh->sensor[STEEL_CH_SUPERHEAT].noise);
      break;
    case STEEL_EV_NM_SUPERHEAT_ONLY:
      speed_superheat (ev, sh, rng,
                       r->speed_high
                       - gen_range (rng, 2.5, 4.0) * sh->sensor[STEEL_CH_SPEED].noise,
                       low_superheat (sh, rng));
      break;
    case STEEL_EV_NM_WRONG_ORDER:
      end = level_excursion (ev, sh, rng, 0, outside_amp (sh, rng), short_hold (sh, rng));
      temperature_event (ev, sh, rng, end + gen_range (rng, 30, WRONG_ORDER_LEAD_MAX),
                         sequence_drop (sh, rng));
      break;
    case STEEL_EV_NM_TOO_LATE:
      /* the last sample meeting the drop rule is at most a window after the fall */
      fall_end = temperature_event (ev, sh, rng, 0, sequence_drop (sh, rng));
      level_excursion (ev, sh, rng,
                       fall_end + r->temperature_drop_window + r->sequence_max_gap_seconds
                       + gen_range (rng, 30, TOO_LATE_EXTRA_MAX),
                       outside_amp (sh, rng), short_hold (sh, rng));
      break;
    case STEEL_EV_NM_WEAK_DROP:
      fall_end = temperature_event (ev, sh, rng, 0,
                                    MAX (0.3 * r->sequence_temperature_drop,
                                         r->sequence_temperature_drop
                                         - gen_range (rng, 1.5, 2.0) * ts->noise));
      level_excursion (ev, sh, rng,
                       fall_end + gen_range (rng, 0, 0.6 * r->sequence_max_gap_seconds),
                       outside_amp (sh, rng), short_hold (sh, rng));
      break;
    }
}

void
steel_event_draw (SteelEventKind kind, const SteelShape *shape, GenRng *rng,
                  size_t n_steps, SteelEvent *ev)
{
  ev->n_parts = 0;
  draw_relative (kind, shape, rng, ev);
  if (ev->n_parts == 0)
    return;
  double t0 = INFINITY, t1 = -INFINITY;
  for (int k = 0; k < ev->n_parts; k++)
    {
      const SteelPwl *p = &ev->part[k];
      t0 = MIN (t0, p->t[0]);
      t1 = MAX (t1, p->t[p->n_knots - 1]);
    }
  /* validation guarantees room; should it not, start at the margin and let
   * steel_event_add cut the event at the cast's end */
  double room = (double) n_steps - 2.0 * STEEL_EVENT_MARGIN - (t1 - t0);
  double start = STEEL_EVENT_MARGIN + (room > 0 ? gen_range (rng, 0, room) : 0);
  double shift = floor (start) - t0;
  for (int k = 0; k < ev->n_parts; k++)
    for (int j = 0; j < ev->part[k].n_knots; j++)
      ev->part[k].t[j] += shift;
}

void
steel_event_add (const SteelEvent *ev, double *delta, size_t n_steps, size_t *lo, size_t *hi)
{
  for (int k = 0; k < ev->n_parts; k++)
    {
      const SteelPwl *p = &ev->part[k];
      double first = MAX (ceil (p->t[0]), 0.0);
      double last = MIN (floor (p->t[p->n_knots - 1]), (double) n_steps - 1);
      if (last < first)
        continue;
      size_t a = (size_t) first, b = (size_t) last + 1;
      int seg = 0;
      for (size_t t = a; t < b; t++)
        {
          double tt = (double) t;
          while (seg < p->n_knots - 2 && tt > p->t[seg + 1])
            seg++;
          double span = p->t[seg + 1] - p->t[seg];
          double f = span > 0 ? (tt - p->t[seg]) / span : 1.0;
          f = CLAMP (f, 0.0, 1.0);
          delta[t * STEEL_N_CH + (size_t) p->channel] += p->v[seg] + f * (p->v[seg + 1] - p->v[seg]);
        }
      *lo = MIN (*lo, a);
      *hi = MAX (*hi, b);
    }
}
