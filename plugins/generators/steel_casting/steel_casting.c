/* steel_casting.c — synthetic continuous-casting data with known causes.
 *
 * Each cast is 1 Hz data of five sensors: AR(1) noise around a per-cast
 * level, rare spikes, at most one planned process event, clipping to the
 * sensor ranges. The label comes from the mechanisms in steel_rules.c applied
 * to the stored signal, plus symmetric label noise. Which casts carry a
 * defect event is planned up front from the seed, and a cast whose finished
 * signal disagrees with its plan is redrawn, so the realised defect rate
 * matches defect_probability closely. docs/generators/steel_casting.md is
 * the full description.
 */
#include <tundish/tundish.h>

#include <math.h>
#include <string.h>

#include "steel_events.h"
#include "gen_rng.h"
#include "steel_grade.h"
#include "steel_recalib.h"
#include "steel_rules.h"

#define GEN_NAME "steel_casting"

static const char *const channel_names[STEEL_N_CH + 1] = {
  "casting_speed", "mold_temperature", "mold_level", "cooling_water_flow", "superheat", NULL,
};
static const char *const target_choices[] = { "binary", "grade", NULL };
static const char *const grade_names[STEEL_N_GRADES] = { "good", "minor", "major", "reject" };

#define SENSOR_PARAMS(name, unit, base, noise, lo, hi, ar)                                   \
  { name "_base", TD_PARAM_DOUBLE, #base, 0, 0, NULL, name ": nominal level (" unit ")" },   \
  { name "_noise", TD_PARAM_DOUBLE, #noise, 0, 1e9, NULL,                                    \
    name ": stationary sd of the AR(1) process (" unit ")", TD_PARAM_MIN_EXCLUSIVE },         \
  { name "_min", TD_PARAM_DOUBLE, #lo, 0, 0, NULL, name ": lower end of the sensor range, values are clipped (" unit ")" }, \
  { name "_max", TD_PARAM_DOUBLE, #hi, 0, 0, NULL, name ": upper end of the sensor range, values are clipped (" unit ")" }, \
  { name "_ar", TD_PARAM_DOUBLE, #ar, 0, 0.9999, NULL,                                       \
    name ": AR(1) coefficient per second (0 = white noise)" }

static const TdParamSpec steel_params[] = {
  { "num_casts", TD_PARAM_INT, "1200", 1, 10000000, NULL, "number of casts (series)" },
  { "cast_duration_minutes", TD_PARAM_INT, "120", 20, 1440, NULL,
    "length of every cast in minutes, sampled at 1 Hz" },
  { "defect_probability", TD_PARAM_DOUBLE, "0.15", 0, 1, NULL,
    "target fraction of casts labelled defective (label noise included)" },
  { "label_noise", TD_PARAM_DOUBLE, "0.02", 0, 0.49, NULL,
    "probability that a cast's label is flipped (grade: a defective cast labelled good, a "
    "good one minor)" },
  { "target", TD_PARAM_ENUM, "binary", 0, 0, target_choices,
    "binary: good / defect; grade: good, minor, major, reject by the severity of the "
    "mechanisms that fired (ordinal multiclass)" },
  { "grade_major_factors", TD_PARAM_DOUBLE_LIST, "[2.5, 1.42, 6, 2]", 1, 1000, NULL,
    "grade: a mechanism's measured quantity this many times its rule threshold makes a major "
    "defect; one factor per mechanism (level_excursion, temperature_drop, speed_superheat, "
    "drop_then_level), each above 1", TD_PARAM_MIN_EXCLUSIVE },
  { "grade_reject_factors", TD_PARAM_DOUBLE_LIST, "[3.3, 1.58, 10, 2.4]", 1, 1e6, NULL,
    "grade: ... and this many times makes a reject; each above its major factor",
    TD_PARAM_MIN_EXCLUSIVE },
  { "near_miss_probability", TD_PARAM_DOUBLE, "0.2", 0, 1, NULL,
    "fraction of casts carrying a near-miss event (a good cast)" },
  { "offset_scale", TD_PARAM_DOUBLE, "0.2", 0, 10, NULL,
    "sd of the per-cast level offset, in units of each sensor's noise" },
  { "spike_rate_per_hour", TD_PARAM_DOUBLE, "2", 0, 3600, NULL,
    "spikes per sensor per hour (1-3 s, 2-3 noise sd, either sign)" },
  SENSOR_PARAMS ("casting_speed", "m/min", 1.2, 0.05, 0.8, 1.8, 0.98),
  SENSOR_PARAMS ("mold_temperature", "C", 1520, 10, 1480, 1580, 0.995),
  SENSOR_PARAMS ("mold_level", "mm", 150, 5, 120, 180, 0.9),
  SENSOR_PARAMS ("cooling_water_flow", "L/min", 200, 15, 150, 250, 0.97),
  SENSOR_PARAMS ("superheat", "C", 25, 3, 15, 40, 0.995),
  { "level_band", TD_PARAM_DOUBLE, "15", 0, 1e9, NULL,
    "mold level is outside the band when |level - mold_level_base| > level_band (mm); "
    "the band must end inside mold_level_min and _max", TD_PARAM_MIN_EXCLUSIVE },
  { "level_min_seconds", TD_PARAM_INT, "30", 16, 3600, NULL,
    "level_excursion: consecutive seconds outside the band (at least "
    "sequence_level_min_seconds + 15)" },
  { "temperature_drop", TD_PARAM_DOUBLE, "50", 0, 1e9, NULL,
    "temperature_drop: fall below the trailing-window maximum (C); with 4 noise sd it must "
    "fit between mold_temperature_min and _max", TD_PARAM_MIN_EXCLUSIVE },
  { "temperature_drop_window", TD_PARAM_INT, "60", 30, 600, NULL,
    "trailing window of both drop rules (seconds)" },
  { "speed_high", TD_PARAM_DOUBLE, "1.5", 0, 0, NULL,
    "speed_superheat: casting speed above this (m/min)" },
  { "superheat_low", TD_PARAM_DOUBLE, "18", 0, 0, NULL,
    "speed_superheat: superheat below this (C)" },
  { "speed_superheat_min_seconds", TD_PARAM_INT, "20", 1, 3600, NULL,
    "speed_superheat: total seconds with both" },
  { "sequence_temperature_drop", TD_PARAM_DOUBLE, "30", 0, 1e9, NULL,
    "drop_then_level: the (smaller) temperature drop that starts the clock (C), at least "
    "1.5 mold_temperature_noise below temperature_drop", TD_PARAM_MIN_EXCLUSIVE },
  { "sequence_level_min_seconds", TD_PARAM_INT, "10", 1, 3585, NULL,
    "drop_then_level: consecutive seconds outside the level band (at most "
    "level_min_seconds - 15)" },
  { "sequence_max_gap_seconds", TD_PARAM_INT, "120", 1, 3600, NULL,
    "drop_then_level: the excursion must start at most this long after a drop sample" },
  /* The defaults weight the timing mechanism and its look-alikes (wrong order,
   * too late, weak drop) up, so that summary features leave room below the
   * Bayes ceiling for models that see order and spacing (docs/results-gbdt.md). */
  { "defect_event_weights", TD_PARAM_DOUBLE_LIST, "[1, 1, 1, 3]", 0, 1e6, NULL,
    "relative frequency of the defect events level_excursion, temperature_drop, "
    "speed_superheat, drop_then_level" },
  { "near_miss_weights", TD_PARAM_DOUBLE_LIST, "[1, 1, 1, 1, 1, 3, 3, 2]", 0, 1e6, NULL,
    "relative frequency of the near misses level_short, level_inside, temperature_small, "
    "speed_only, superheat_only, wrong_order, too_late, weak_drop" },
  { "recalibration_fraction", TD_PARAM_DOUBLE, "0", 0, 1, NULL,
    "fraction of casts, the last by series id, whose recalibration_channel reads shifted "
    "(data drift; 0 = none; hidden metadata column `recalibrated` marks them)" },
  { "recalibration_channel", TD_PARAM_ENUM, "mold_level", 0, 0, channel_names,
    "the sensor that was recalibrated" },
  { "recalibration_offset", TD_PARAM_DOUBLE, "0", 0, 0, NULL,
    "added to the recalibrated sensor's readings (its unit)" },
  { "recalibration_gain", TD_PARAM_DOUBLE, "1", 0, 100, NULL,
    "gain about the sensor's nominal level: base + gain (v - base) (1 = none; 2 doubles "
    "its spread)" },
};

typedef struct {
  size_t n_casts, n_steps;
  SteelShape shape;
  double defect_probability, label_noise, near_miss_probability;
  double offset_scale, spike_rate_per_hour;
  /* relative frequencies; n_* is how many the experiment gave (checked) */
  double defect_w[STEEL_N_DEFECT_EVENTS], near_miss_w[STEEL_N_NEAR_MISS_EVENTS];
  size_t n_defect_w, n_near_miss_w;
  gboolean grade;               /* target: grade */
  SteelGrading grading;
  size_t n_major, n_reject;     /* how many factors the experiment gave (checked) */
} SteelConfig;

static gboolean
param_error (GError **error, const char *param, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
param_error (GError **error, const char *param, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
               GEN_NAME ": parameter '%s': %s", param, msg);
  return FALSE;
}

/* Fraction of casts in which a mechanism must fire so that, after flipping
 * each label with probability e, the defect rate is p: q(1-e) + (1-q)e = p. */
static double
mechanism_fraction (double p, double e)
{
  return (p - e) / (1.0 - 2.0 * e);
}

static void
read_config (const TdParams *params, SteelConfig *cfg)
{
  cfg->n_casts = (size_t) td_params_get_int (params, "num_casts");
  cfg->n_steps = (size_t) td_params_get_int (params, "cast_duration_minutes") * 60;
  cfg->defect_probability = td_params_get_double (params, "defect_probability");
  cfg->label_noise = td_params_get_double (params, "label_noise");
  cfg->near_miss_probability = td_params_get_double (params, "near_miss_probability");
  cfg->offset_scale = td_params_get_double (params, "offset_scale");
  cfg->spike_rate_per_hour = td_params_get_double (params, "spike_rate_per_hour");
  for (int c = 0; c < STEEL_N_CH; c++)
    {
      SteelSensor *s = &cfg->shape.sensor[c];
      char key[64];
#define GET(field, suffix)                                                     \
      g_snprintf (key, sizeof key, "%s_" suffix, channel_names[c]);            \
      s->field = td_params_get_double (params, key)
      GET (base, "base");
      GET (noise, "noise");
      GET (min, "min");
      GET (max, "max");
      GET (ar, "ar");
#undef GET
    }
  SteelRules *r = &cfg->shape.rules;
  r->level_base = cfg->shape.sensor[STEEL_CH_LEVEL].base;
  r->level_band = td_params_get_double (params, "level_band");
  r->level_min_seconds = (int) td_params_get_int (params, "level_min_seconds");
  r->temperature_drop = td_params_get_double (params, "temperature_drop");
  r->temperature_drop_window = (int) td_params_get_int (params, "temperature_drop_window");
  r->speed_high = td_params_get_double (params, "speed_high");
  r->superheat_low = td_params_get_double (params, "superheat_low");
  r->speed_superheat_min_seconds = (int) td_params_get_int (params, "speed_superheat_min_seconds");
  r->sequence_temperature_drop = td_params_get_double (params, "sequence_temperature_drop");
  r->sequence_level_min_seconds = (int) td_params_get_int (params, "sequence_level_min_seconds");
  r->sequence_max_gap_seconds = (int) td_params_get_int (params, "sequence_max_gap_seconds");

  const double *w = td_params_get_double_list (params, "defect_event_weights", &cfg->n_defect_w);
  for (size_t k = 0; k < STEEL_N_DEFECT_EVENTS; k++)
    cfg->defect_w[k] = k < cfg->n_defect_w ? w[k] : 0;
  w = td_params_get_double_list (params, "near_miss_weights", &cfg->n_near_miss_w);
  for (size_t k = 0; k < STEEL_N_NEAR_MISS_EVENTS; k++)
    cfg->near_miss_w[k] = k < cfg->n_near_miss_w ? w[k] : 0;

  cfg->grade = g_str_equal (td_params_get_string (params, "target"), "grade");
  const double *major = td_params_get_double_list (params, "grade_major_factors", &cfg->n_major);
  const double *reject = td_params_get_double_list (params, "grade_reject_factors",
                                                    &cfg->n_reject);
  for (size_t k = 0; k < STEEL_N_MECHANISMS; k++)
    {
      cfg->grading.major[k] = k < cfg->n_major ? major[k] : 2;
      cfg->grading.reject[k] = k < cfg->n_reject ? reject[k] : 3;
    }
}

/* A weight list of exactly n values, at least one positive. */
static gboolean
check_weights (const double *w, size_t given, size_t n, const char *param, GError **error)
{
  if (given != n)
    return param_error (error, param, "has %zu values; expected %zu (one per event kind)",
                        given, n);
  double sum = 0;
  for (size_t k = 0; k < n; k++)
    sum += w[k];
  if (!(sum > 0))
    return param_error (error, param, "all weights are 0; at least one must be positive");
  return TRUE;
}

/* The checks the per-parameter ranges cannot express: how parameters
 * interact. Each names the parameter to change. */
static gboolean
validate_config (const SteelConfig *cfg, GError **error)
{
  char key[64];
  for (int c = 0; c < STEEL_N_CH; c++)
    {
      const SteelSensor *s = &cfg->shape.sensor[c];
      const char *n = channel_names[c];
      if (!(s->min < s->base))
        return param_error (error, (g_snprintf (key, sizeof key, "%s_min", n), key),
                            "%s_min (%g) must be below %s_base (%g)", n, s->min, n, s->base);
      if (!(s->base < s->max))
        return param_error (error, (g_snprintf (key, sizeof key, "%s_max", n), key),
                            "%s_max (%g) must be above %s_base (%g)", n, s->max, n, s->base);
      if (!(s->noise > 0))
        return param_error (error, (g_snprintf (key, sizeof key, "%s_noise", n), key),
                            "must be positive");
    }
  const SteelSensor *sp = &cfg->shape.sensor[STEEL_CH_SPEED];
  const SteelSensor *ts = &cfg->shape.sensor[STEEL_CH_TEMPERATURE];
  const SteelSensor *ls = &cfg->shape.sensor[STEEL_CH_LEVEL];
  const SteelSensor *sh = &cfg->shape.sensor[STEEL_CH_SUPERHEAT];
  const SteelRules *r = &cfg->shape.rules;

  if (!(r->level_band > 0 && r->level_band < MIN (ls->max - ls->base, ls->base - ls->min)))
    return param_error (error, "level_band",
                        "%g must be positive and below the distance from mold_level_base "
                        "to both ends of the range (%g), or the level could never leave the band",
                        r->level_band, MIN (ls->max - ls->base, ls->base - ls->min));
  if (r->level_min_seconds < r->sequence_level_min_seconds + 15)
    return param_error (error, "sequence_level_min_seconds",
                        "%d must be at least 15 s shorter than level_min_seconds (%d), so an "
                        "excursion can satisfy the timing rule without the level rule",
                        r->sequence_level_min_seconds, r->level_min_seconds);
  if (!(ts->max - ts->min >= r->temperature_drop + 4 * ts->noise))
    return param_error (error, "temperature_drop",
                        "%g does not fit the mold_temperature range: max - min (%g) must be at "
                        "least temperature_drop + 4 * mold_temperature_noise (%g)",
                        r->temperature_drop, ts->max - ts->min,
                        r->temperature_drop + 4 * ts->noise);
  if (!(r->sequence_temperature_drop > 0
        && r->temperature_drop - r->sequence_temperature_drop >= 1.5 * ts->noise))
    return param_error (error, "sequence_temperature_drop",
                        "%g must be positive and at least 1.5 * mold_temperature_noise (%g) "
                        "below temperature_drop (%g)",
                        r->sequence_temperature_drop, 1.5 * ts->noise, r->temperature_drop);
  if (!(r->speed_high > sp->base && r->speed_high < sp->max))
    return param_error (error, "speed_high",
                        "%g must lie between casting_speed_base (%g) and casting_speed_max (%g)",
                        r->speed_high, sp->base, sp->max);
  if (!(r->superheat_low > sh->min && r->superheat_low < sh->base))
    return param_error (error, "superheat_low",
                        "%g must lie between superheat_min (%g) and superheat_base (%g)",
                        r->superheat_low, sh->min, sh->base);
  double p = cfg->defect_probability, e = cfg->label_noise;
  if (!(e <= p && p <= 1 - e))
    return param_error (error, "label_noise",
                        "%g must not exceed defect_probability (%g) nor 1 - defect_probability: "
                        "flipping alone would push the defect rate past the target", e, p);
  if (mechanism_fraction (p, e) + cfg->near_miss_probability > 1 + 1e-12)
    return param_error (error, "near_miss_probability",
                        "%g plus the fraction of casts with a defect mechanism (%g) exceeds 1",
                        cfg->near_miss_probability, mechanism_fraction (p, e));
  if (!check_weights (cfg->defect_w, cfg->n_defect_w, STEEL_N_DEFECT_EVENTS,
                      "defect_event_weights", error)
      || !check_weights (cfg->near_miss_w, cfg->n_near_miss_w, STEEL_N_NEAR_MISS_EVENTS,
                         "near_miss_weights", error))
    return FALSE;
  if (cfg->n_major != STEEL_N_MECHANISMS)
    return param_error (error, "grade_major_factors", "has %zu values; expected %d (one per "
                        "mechanism)", cfg->n_major, STEEL_N_MECHANISMS);
  if (cfg->n_reject != STEEL_N_MECHANISMS)
    return param_error (error, "grade_reject_factors", "has %zu values; expected %d (one per "
                        "mechanism)", cfg->n_reject, STEEL_N_MECHANISMS);
  for (int k = 0; k < STEEL_N_MECHANISMS; k++)
    if (!(cfg->grading.reject[k] > cfg->grading.major[k]))
      return param_error (error, "grade_reject_factors",
                          "value %d (%s, %g) must be above grade_major_factors' (%g)", k + 1,
                          steel_mechanism_name (1u << k), cfg->grading.reject[k],
                          cfg->grading.major[k]);
  double span = steel_event_max_span (&cfg->shape);
  if ((double) cfg->n_steps < span + 2 * STEEL_EVENT_MARGIN)
    return param_error (error, "cast_duration_minutes",
                        "%zu min is too short for the events these thresholds need "
                        "(%.0f s plus %d s margins)", cfg->n_steps / 60, span,
                        2 * STEEL_EVENT_MARGIN);
  return TRUE;
}

/* ----------------------------------------------------------------- work */

#define MAX_BASE_DRAWS 6
#define MAX_EVENT_DRAWS 3

typedef struct {
  const SteelConfig *cfg;
  const GenZiggurat *zig;
  guint64 seed;
  const guint8 *plan;           /* SteelEventKind per cast */
  float lo[STEEL_N_CH], hi[STEEL_N_CH];   /* clip bounds, exactly representable */
  TdDataset *ds;
  const char **mechanism;       /* static strings per cast */
  double *true_p;
  double *severity;             /* per cast (steel_grade.h) */
  int *grade;                   /* per cast, before label noise */
  gint next_cast;               /* atomic */
  gint mismatches;              /* atomic: casts whose signal never matched the plan */
  gint cancelled;               /* atomic */
} Job;

typedef struct {
  double *base, *delta;
  int *scratch;
} Scratch;

/* The AR(1) processes, offsets and spikes of one cast, unclipped. */
static void
draw_base (const Job *job, GenRng *rng, double *base)
{
  const SteelConfig *cfg = job->cfg;
  const size_t n = cfg->n_steps;
  double mu[STEEL_N_CH], e[STEEL_N_CH], phi[STEEL_N_CH], innov[STEEL_N_CH];
  for (int c = 0; c < STEEL_N_CH; c++)
    {
      const SteelSensor *s = &cfg->shape.sensor[c];
      mu[c] = s->base + cfg->offset_scale * s->noise * gen_normal (rng, job->zig);
      e[c] = s->noise * gen_normal (rng, job->zig);   /* stationary start */
      phi[c] = s->ar;
      innov[c] = sqrt (1.0 - s->ar * s->ar) * s->noise;
    }
  for (size_t t = 0; t < n; t++)
    {
      double *row = base + t * STEEL_N_CH;
      for (int c = 0; c < STEEL_N_CH; c++)
        {
          e[c] = phi[c] * e[c] + innov[c] * gen_normal (rng, job->zig);
          row[c] = mu[c] + e[c];
        }
    }
  double rate = cfg->spike_rate_per_hour / 3600.0;
  if (rate <= 0)
    return;
  for (int c = 0; c < STEEL_N_CH; c++)
    {
      double noise = cfg->shape.sensor[c].noise;
      /* Poisson arrivals: exponential gaps */
      double t = floor (-log (gen_uniform_pos (rng)) / rate);
      while (t < (double) n)
        {
          size_t t0 = (size_t) t, len = 1 + (size_t) gen_below (rng, 3);
          double amp = gen_range (rng, 2.0, 3.0) * noise
                       * (gen_uniform (rng) < 0.5 ? -1.0 : 1.0);
          for (size_t k = t0; k < t0 + len && k < n; k++)
            base[k * STEEL_N_CH + (size_t) c] += amp;
          t += (double) len + floor (-log (gen_uniform_pos (rng)) / rate);
        }
    }
}

/* out = clip(base + delta) as float; delta NULL means no event. */
static void
render (const Job *job, const double *base, const double *delta, float *out)
{
  const size_t n = job->cfg->n_steps;
  for (size_t t = 0; t < n; t++)
    for (int c = 0; c < STEEL_N_CH; c++)
      {
        size_t i = t * STEEL_N_CH + (size_t) c;
        float v = (float) (delta ? base[i] + delta[i] : base[i]);
        out[i] = v < job->lo[c] ? job->lo[c] : v > job->hi[c] ? job->hi[c] : v;
      }
}

static void
make_cast (Job *job, Scratch *sc, size_t cast)
{
  const SteelConfig *cfg = job->cfg;
  const size_t n = cfg->n_steps;
  SteelEventKind kind = (SteelEventKind) job->plan[cast];
  guint expected = steel_event_expected (kind);
  float *out = td_dataset_series (job->ds, cast);
  GenRng rng;
  gen_rng_init (&rng, job->seed, cast);
  /* drawn first, so redraws below never change which labels flip */
  gboolean flip = gen_uniform (&rng) < cfg->label_noise;

  guint fired = 0;
  SteelMeasures measures = { 0 };
  gboolean ok = FALSE;
  for (int b = 0; b < MAX_BASE_DRAWS && !ok; b++)
    {
      draw_base (job, &rng, sc->base);
      int tries = kind == STEEL_EV_NONE ? 1 : MAX_EVENT_DRAWS;
      for (int k = 0; k < tries && !ok; k++)
        {
          size_t lo = n, hi = 0;
          if (kind != STEEL_EV_NONE)
            {
              SteelEvent ev;
              steel_event_draw (kind, &cfg->shape, &rng, n, &ev);
              steel_event_add (&ev, sc->delta, n, &lo, &hi);
            }
          render (job, sc->base, kind == STEEL_EV_NONE ? NULL : sc->delta, out);
          fired = steel_rules_eval (&cfg->shape.rules, out, n, sc->scratch, &measures);
          ok = fired == expected;
          if (hi > lo)
            memset (sc->delta + lo * STEEL_N_CH, 0, (hi - lo) * STEEL_N_CH * sizeof (double));
        }
    }
  if (!ok)
    g_atomic_int_inc (&job->mismatches);

  /* the label follows the signal; only the noise flip can contradict it */
  gboolean defect = fired != 0;
  job->ds->y[cast] = (defect != flip) ? 1.0 : 0.0;
  job->severity[cast] = steel_severity (&cfg->shape.rules, &cfg->grading, fired, &measures);
  job->grade[cast] = steel_grade_of (job->severity[cast]);
  /* A flip is the same event as in the binary target (same casts): a
   * defective cast is called good, a good one the lowest defect grade. So
   * grade > 0 exactly where the binary label says defect. */
  if (cfg->grade)
    job->ds->y[cast] = flip ? (defect ? STEEL_GRADE_GOOD : STEEL_GRADE_MINOR)
                            : (double) job->grade[cast];
  job->mechanism[cast] = flip ? "label_noise" : steel_mechanism_name (steel_rules_first (fired));
  job->true_p[cast] = defect ? 1.0 - cfg->label_noise : cfg->label_noise;
}

static void
run_worker (Job *job, TdContext *ctx)
{
  const size_t n = job->cfg->n_steps;
  Scratch sc = {
    .base = g_new (double, n * STEEL_N_CH),
    .delta = g_new0 (double, n * STEEL_N_CH),
    .scratch = g_new (int, n),
  };
  for (;;)
    {
      if (g_atomic_int_get (&job->cancelled))
        break;
      /* only the calling thread touches the context */
      if (ctx && td_context_cancelled (ctx))
        {
          g_atomic_int_set (&job->cancelled, 1);
          break;
        }
      gint cast = g_atomic_int_add (&job->next_cast, 1);
      if ((size_t) cast >= job->cfg->n_casts)
        break;
      make_cast (job, &sc, (size_t) cast);
      if (ctx)
        td_context_progress (ctx, (double) MIN ((size_t) cast + 1, job->cfg->n_casts)
                                  / (double) job->cfg->n_casts);
    }
  g_free (sc.base);
  g_free (sc.delta);
  g_free (sc.scratch);
}

static gpointer
worker_thread (gpointer data)
{
  run_worker (data, NULL);
  return NULL;
}

/* The k-th kind of a weighted rotation (smooth weighted round robin): each
 * turn every kind gains its weight and the richest kind (the first on ties)
 * is chosen and pays the total. Any prefix of the sequence holds each kind in
 * proportion to its weight up to less than one cast, and equal weights give
 * the kinds plainly in turn (0, 1, 2, ..., n-1, 0, ...). */
G_STATIC_ASSERT (STEEL_N_NEAR_MISS_EVENTS >= STEEL_N_DEFECT_EVENTS);   /* credit[] below */

static void
weighted_turns (const double *w, size_t n_kinds, size_t n, guint8 first, guint8 *out)
{
  double credit[STEEL_N_NEAR_MISS_EVENTS] = { 0 }, total = 0;
  for (size_t j = 0; j < n_kinds; j++)
    total += w[j];
  for (size_t k = 0; k < n; k++)
    {
      size_t best = 0;
      for (size_t j = 0; j < n_kinds; j++)
        {
          credit[j] += w[j];
          if (credit[j] > credit[best])
            best = j;
        }
      credit[best] -= total;
      out[k] = (guint8) (first + best);
    }
}

/* Which casts carry which event, from the seed alone: a shuffled order
 * whose first n_def casts get defect events and the next n_nm near misses,
 * each kind in turn as often as its weight says (weighted_turns). */
static guint8 *
make_plan (const SteelConfig *cfg, guint64 seed)
{
  size_t n = cfg->n_casts;
  size_t n_def = (size_t) llround (mechanism_fraction (cfg->defect_probability,
                                                       cfg->label_noise) * (double) n);
  size_t n_nm = (size_t) llround (cfg->near_miss_probability * (double) n);
  n_def = MIN (n_def, n);
  n_nm = MIN (n_nm, n - n_def);
  g_autofree guint32 *order = g_new (guint32, n);
  for (size_t i = 0; i < n; i++)
    order[i] = (guint32) i;
  GenRng rng;
  gen_rng_init (&rng, seed, UINT64_MAX);   /* no cast has this index */
  for (size_t i = n - 1; i > 0; i--)
    {
      size_t j = (size_t) gen_below (&rng, i + 1);
      guint32 tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
  g_autofree guint8 *kinds = g_new (guint8, MAX (n_def + n_nm, (size_t) 1));
  weighted_turns (cfg->defect_w, STEEL_N_DEFECT_EVENTS, n_def, STEEL_EV_LEVEL_EXCURSION, kinds);
  weighted_turns (cfg->near_miss_w, STEEL_N_NEAR_MISS_EVENTS, n_nm, STEEL_FIRST_NEAR_MISS,
                  kinds + n_def);
  guint8 *plan = g_new0 (guint8, n);
  for (size_t k = 0; k < n_def + n_nm; k++)
    plan[order[k]] = kinds[k];
  return plan;
}

/* The smallest float >= v and the largest float <= v, so clipped values
 * compare inside [min, max] exactly. */
static float
float_at_least (double v)
{
  float f = (float) v;
  return (double) f < v ? nextafterf (f, INFINITY) : f;
}

static float
float_at_most (double v)
{
  float f = (float) v;
  return (double) f > v ? nextafterf (f, -INFINITY) : f;
}

/* For root-cause scoring (docs/generators/steel_casting.md): the sensors
 * each mechanism's rule reads, hidden like the mechanism. The caster has
 * one stage and its rules fix no single window, so there is no stage map
 * and cause_start / cause_end are -1 (no window share). A flipped label
 * (mechanism label_noise) has no cause. */
static const char *
mechanism_cause (const char *mechanism)
{
  static const struct { const char *mechanism, *cause; } causes[] = {
    { "level_excursion", "mold_level" },
    { "temperature_drop", "mold_temperature" },
    { "speed_superheat", "casting_speed;superheat" },
    { "drop_then_level", "mold_temperature;mold_level" },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (causes); k++)
    if (strcmp (mechanism, causes[k].mechanism) == 0)
      return causes[k].cause;
  return "";
}

static void
add_cause_metadata (TdDataset *ds, const char *const *mechanism)
{
  size_t n = ds->n_series;
  g_autofree const char **cause = g_new (const char *, MAX (n, (size_t) 1));
  g_autofree const char **type = g_new (const char *, MAX (n, (size_t) 1));
  g_autofree double *none = g_new (double, MAX (n, (size_t) 1));
  for (size_t i = 0; i < n; i++)
    {
      cause[i] = mechanism_cause (mechanism[i] ? mechanism[i] : "");
      type[i] = *cause[i] ? mechanism[i] : "none";
      none[i] = -1;
    }
  td_dataset_add_meta_str (ds, "cause_channels", cause)->role = TD_META_TARGET;
  td_dataset_add_meta_str (ds, "defect_type", type)->role = TD_META_TARGET;
  td_dataset_add_meta_num (ds, "cause_start", none)->role = TD_META_TARGET;
  td_dataset_add_meta_num (ds, "cause_end", none)->role = TD_META_TARGET;
}

/* The grade target's hidden columns: P(label = class | signal) per class,
 * for the oracle (the rules are deterministic, only the flip is not: the
 * rule's grade keeps 1 - noise, the grade a flip gives takes noise), and the
 * severity the grade came from. */
static void
add_grade_metadata (TdDataset *ds, double noise, const int *grade, const double *severity)
{
  size_t n = ds->n_series;
  g_autofree double *p = g_new (double, MAX (n, (size_t) 1));
  for (int c = 0; c < STEEL_N_GRADES; c++)
    {
      for (size_t i = 0; i < n; i++)
        {
          int flipped = grade[i] > STEEL_GRADE_GOOD ? STEEL_GRADE_GOOD : STEEL_GRADE_MINOR;
          p[i] = c == grade[i] ? 1.0 - noise : c == flipped ? noise : 0.0;
        }
      g_autofree char *name = g_strdup_printf ("true_probability.%s", grade_names[c]);
      td_dataset_add_meta_num (ds, name, p)->role = TD_META_TARGET;
    }
  td_dataset_add_meta_num (ds, "severity", severity)->role = TD_META_TARGET;
}

static TdDataset *
steel_generate (const TdParams *params, TdContext *ctx, GError **error)
{
  SteelConfig cfg;
  read_config (params, &cfg);
  if (!validate_config (&cfg, error))
    return NULL;

  guint64 seed = td_context_seed (ctx);
  GenZiggurat zig;
  gen_ziggurat_init (&zig);
  g_autofree guint8 *plan = make_plan (&cfg, seed);
  size_t n_classes = cfg.grade ? STEEL_N_GRADES : 2;
  g_autoptr (TdDataset) ds = td_dataset_new (cfg.n_casts, cfg.n_steps, STEEL_N_CH,
                                             cfg.grade ? TD_TASK_MULTICLASS : TD_TASK_BINARY,
                                             n_classes);
  for (int c = 0; c < STEEL_N_CH; c++)
    td_dataset_set_channel_name (ds, (size_t) c, channel_names[c]);
  ds->class_names = g_new0 (char *, n_classes + 1);
  for (size_t c = 0; c < n_classes; c++)
    ds->class_names[c] = g_strdup (cfg.grade ? grade_names[c] : c ? "defect" : "good");

  g_autofree const char **mechanism = g_new0 (const char *, cfg.n_casts);
  g_autofree double *true_p = g_new0 (double, cfg.n_casts);
  g_autofree double *severity = g_new0 (double, cfg.n_casts);
  g_autofree int *grade = g_new0 (int, cfg.n_casts);
  Job job = {
    .cfg = &cfg, .zig = &zig, .seed = seed, .plan = plan, .ds = ds,
    .mechanism = mechanism, .true_p = true_p, .severity = severity, .grade = grade,
  };
  for (int c = 0; c < STEEL_N_CH; c++)
    {
      job.lo[c] = float_at_least (cfg.shape.sensor[c].min);
      job.hi[c] = float_at_most (cfg.shape.sensor[c].max);
    }

  /* Casts are handed out one at a time; each depends only on (seed, cast),
   * so the thread count changes the speed, never the data. */
  size_t n_threads = (size_t) MAX (td_context_threads (ctx), 1);
  n_threads = MIN (n_threads, cfg.n_casts);
  g_autoptr (GPtrArray) threads = g_ptr_array_new ();
  for (size_t k = 1; k < n_threads; k++)
    {
      g_autofree char *name = g_strdup_printf (GEN_NAME "-%zu", k);
      GThread *th = g_thread_try_new (name, worker_thread, &job, NULL);
      if (th)   /* fewer threads is slower, never different */
        g_ptr_array_add (threads, th);
    }
  run_worker (&job, ctx);
  for (guint k = 0; k < threads->len; k++)
    g_thread_join (threads->pdata[k]);

  if (job.cancelled)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_CANCELLED, GEN_NAME ": cancelled");
      return NULL;
    }
  if (job.mismatches > 0)
    td_context_log (ctx, G_LOG_LEVEL_INFO,
                    GEN_NAME ": %d of %zu casts kept a signal that differs from their plan "
                    "(labels still follow the signal)", job.mismatches, cfg.n_casts);

  /* All three follow from the outcome (the mechanism that fired, P(defect |
   * signal), the planned defect event or near miss), so models never see
   * them (TD_META_TARGET); the oracle evaluator and the report do. A column
   * a model may read (a steel grade, a strand) would be TD_META_INPUT. */
  td_dataset_add_meta_str (ds, "mechanism", mechanism)->role = TD_META_TARGET;
  if (cfg.grade)
    add_grade_metadata (ds, cfg.label_noise, grade, severity);
  else
    td_dataset_add_meta_num (ds, "true_defect_probability", true_p)->role = TD_META_TARGET;
  g_autofree const char **events = g_new0 (const char *, cfg.n_casts);
  for (size_t i = 0; i < cfg.n_casts; i++)
    events[i] = steel_event_name ((SteelEventKind) plan[i]);
  td_dataset_add_meta_str (ds, "event", events)->role = TD_META_TARGET;
  add_cause_metadata (ds, mechanism);

  /* After the labels: a recalibration changes what the sensor reports, not
   * the process. Which casts were shifted is hidden (a model must find the
   * drift, not read it); drift reports and grouped splits read the column. */
  double fraction = td_params_get_double (params, "recalibration_fraction");
  double offset = td_params_get_double (params, "recalibration_offset");
  double gain = td_params_get_double (params, "recalibration_gain");
  if (fraction > 0)
    {
      /* The column is there whenever a fraction is given, even with no
       * offset and gain 1: the same casts then form a control without drift. */
      const char *name = td_params_get_string (params, "recalibration_channel");
      size_t ch = 0;
      while (ch < STEEL_N_CH && strcmp (channel_names[ch], name) != 0)
        ch++;
      g_autofree double *flags = g_new (double, cfg.n_casts);
      gboolean moves = offset != 0 || gain != 1;
      size_t n = steel_recalibrate (ds, ch, cfg.shape.sensor[ch].base, fraction,
                                    moves ? offset : 0.0, moves ? gain : 1.0, moves, flags);
      td_dataset_add_meta_num (ds, "recalibrated", flags)->role = TD_META_TARGET;
      if (moves)
        td_context_log (ctx, G_LOG_LEVEL_INFO, GEN_NAME ": %zu casts read %s recalibrated", n,
                        name);
    }
  return g_steal_pointer (&ds);
}

/* The rules across parameters, for `tundish validate` (TD_EXT_CHECK_PARAMS). */
static gboolean
steel_check_params (const TdParams *params, GError **error)
{
  SteelConfig cfg;
  read_config (params, &cfg);
  return validate_config (&cfg, error);
}

/* What generate makes, for the loader's data.window and split checks
 * (TD_EXT_DATA_LAYOUT): casts of cast_duration_minutes at 1 Hz, each its own
 * group, no partition, one label per cast. */
static void
steel_layout (const TdParams *params, TdDataLayout *out)
{
  SteelConfig cfg;
  read_config (params, &cfg);
  *out = (TdDataLayout) { .max_steps = cfg.n_steps };
}

/* The task `target` gives (TD_EXT_DATA_TASK), for validate: binary, or
 * multiclass for the grade. */
static TdTask
steel_task (const TdParams *params)
{
  return g_str_equal (td_params_get_string (params, "target"), "grade") ? TD_TASK_MULTICLASS
                                                                         : TD_TASK_BINARY;
}

/* Every sensor is sampled at 1 Hz: reports give times in minutes. */
static const void *
steel_extension (const char *id)
{
  static const TdSamplePeriodExt period = { .seconds = 1.0 };
  static const TdCheckParamsExt check = { .check = steel_check_params };
  static const TdDataLayoutExt layout = { .layout = steel_layout };
  static const TdDataTaskExt task = { .task = steel_task };
  if (g_strcmp0 (id, TD_EXT_SAMPLE_PERIOD) == 0)
    return &period;
  if (g_strcmp0 (id, TD_EXT_DATA_LAYOUT) == 0)
    return &layout;
  if (g_strcmp0 (id, TD_EXT_DATA_TASK) == 0)
    return &task;
  return g_strcmp0 (id, TD_EXT_CHECK_PARAMS) == 0 ? &check : NULL;
}

static const TdGeneratorVTable steel_vtable = {
  .generate = steel_generate,
  .extension = steel_extension,
};

/* Small and quick, for tundish-plugin-check and tests. */
static const char *const steel_examples[] = { "num_casts=40", "cast_duration_minutes=20", NULL };

static const TdPluginDescriptor steel_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_GENERATOR,
  .name = GEN_NAME,
  .version = "1.2.0",   /* 1.1: cause metadata, recalibration; 1.2: target grade */
  .summary = "continuous steel caster, 5 sensors at 1 Hz, defects from timed process events",
  .params = steel_params,
  .n_params = G_N_ELEMENTS (steel_params),
  .vtable = &steel_vtable,
  .example_params = steel_examples,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &steel_descriptor : NULL;
}
