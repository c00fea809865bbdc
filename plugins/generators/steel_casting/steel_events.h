/* steel_events.h — the process events a cast may carry.
 *
 * An event is a few piecewise-linear offsets added to the unclipped sensor
 * signals. Every amplitude and duration is drawn relative to the mechanism
 * thresholds and the sensor noise, so an injected defect event clears its
 * rule and a near miss stays below it for any valid parameter set (the
 * generator still checks the finished signal and redraws when noise wins).
 */
#pragma once

#include "gen_rng.h"
#include "steel_rules.h"

typedef struct {
  double base, noise, min, max, ar;
} SteelSensor;

/* What the events need to know: the sensors and the rule thresholds. */
typedef struct {
  SteelSensor sensor[STEEL_N_CH];
  SteelRules rules;
} SteelShape;

typedef enum {
  STEEL_EV_NONE,
  /* defect events: each makes exactly one mechanism fire */
  STEEL_EV_LEVEL_EXCURSION,
  STEEL_EV_TEMPERATURE_DROP,
  STEEL_EV_SPEED_SUPERHEAT,
  STEEL_EV_DROP_THEN_LEVEL,
  /* near misses: look like a defect event, fire nothing */
  STEEL_EV_NM_LEVEL_SHORT,          /* far outside the band, too briefly */
  STEEL_EV_NM_LEVEL_INSIDE,         /* long, but inside the band */
  STEEL_EV_NM_TEMPERATURE_SMALL,    /* rise and drop, the drop too small */
  STEEL_EV_NM_SPEED_ONLY,           /* high speed, superheat not low */
  STEEL_EV_NM_SUPERHEAT_ONLY,       /* low superheat, speed not high */
  STEEL_EV_NM_WRONG_ORDER,          /* short excursion, then the drop */
  STEEL_EV_NM_TOO_LATE,             /* the drop, then an excursion too late */
  STEEL_EV_NM_WEAK_DROP,            /* a sub-threshold drop, then an excursion in time */
  STEEL_N_EVENTS
} SteelEventKind;

#define STEEL_N_DEFECT_EVENTS 4
#define STEEL_N_NEAR_MISS_EVENTS 8
#define STEEL_FIRST_NEAR_MISS STEEL_EV_NM_LEVEL_SHORT

#define STEEL_EVENT_MAX_PARTS 6
#define STEEL_EVENT_MAX_KNOTS 6

typedef struct {
  int channel, n_knots;
  double t[STEEL_EVENT_MAX_KNOTS];   /* seconds from the cast start, increasing */
  double v[STEEL_EVENT_MAX_KNOTS];   /* offset added to the channel; 0 at both ends */
} SteelPwl;

typedef struct {
  int n_parts;
  SteelPwl part[STEEL_EVENT_MAX_PARTS];
} SteelEvent;

/* Steps kept free at both ends of a cast (start-up and tail-out). */
#define STEEL_EVENT_MARGIN 60

const char *steel_event_name (SteelEventKind kind);
/* The mechanism bits the finished cast must show for this plan. */
guint steel_event_expected (SteelEventKind kind);
/* The longest span (seconds) any event can take with these thresholds; a cast
 * needs n_steps >= span + 2 * STEEL_EVENT_MARGIN. */
double steel_event_max_span (const SteelShape *shape);
/* Draw one event of this kind and place it at a random start in the cast. */
void steel_event_draw (SteelEventKind kind, const SteelShape *shape, GenRng *rng,
                       size_t n_steps, SteelEvent *ev);
/* delta[t * STEEL_N_CH + c] += the event; widens [*lo, *hi) to the touched steps. */
void steel_event_add (const SteelEvent *ev, double *delta, size_t n_steps,
                      size_t *lo, size_t *hi);
