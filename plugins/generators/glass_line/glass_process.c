/* glass_process.c — see glass_process.h and docs/generators/glass_line.md. */
#include "glass_process.h"

#include <math.h>
#include <string.h>

const GlassSensor glass_sensors[GL_N_CH] = {
  /* name                    stage        period base   noise  ar    lo     hi */
  { "crown_temperature",      GL_FURNACE,   10, 1550, 2.0,   0.9,  1400, 1650 },
  { "bottom_temperature",     GL_FURNACE,   10, 1450, 2.0,   0.9,  1300, 1550 },
  { "furnace_pressure",       GL_FURNACE,   10, 15,   0.5,   0.7,  0,    40 },
  { "fuel_flow",              GL_FURNACE,   10, 1200, 8.0,   0.8,  800,  1600 },
  { "batch_cullet_ratio",     GL_FURNACE,   10, 0.70, 0.008, 0.9,  0.4,  1.0 },
  { "tin_bath_temperature",   GL_FORMING,   1,  1050, 1.0,   0.99, 950,  1150 },
  { "ribbon_speed",           GL_FORMING,   1,  12.0, 0.03,  0.99, 8,    16 },
  { "thickness",              GL_FORMING,   1,  4.0,  0.008, 0.5,  3.0,  5.0 },
  { "lehr_zone1_temperature", GL_ANNEALING, 5,  550,  1.0,   0.95, 450,  650 },
  { "lehr_zone2_temperature", GL_ANNEALING, 5,  450,  1.0,   0.95, 350,  550 },
  { "cooling_rate",           GL_ANNEALING, 5,  6.0,  0.15,  0.8,  0,    20 },
};

const char *const glass_stage_names[GL_N_STAGES] = { "furnace", "forming", "annealing" };

const char *const glass_defect_names[GL_N_DEFECTS] = {
  "good", "bubbles", "stones", "cords", "stress_cracks", "thickness_deviation",
};

const char *const glass_event_names[GL_N_EVENTS] = {
  "none", "crown_drop", "cullet_rise", "bottom_drop", "lehr_drop", "speed_step", "tin_rise",
};

/* Per event kind: the disturbed channel, the defect it makes, magnitudes of a
 * defect and of a near miss, and the duration range (seconds). */
typedef struct {
  GlassChannel channel;
  GlassDefect defect;
  double defect_lo, defect_hi, near_lo, near_hi;
  int dur_lo, dur_hi;
  const char *cause, *symptom;
} EventSpec;

static const EventSpec event_specs[GL_N_EVENTS] = {
  [GL_EV_NONE] = { GL_CROWN_T, GL_GOOD, 0, 0, 0, 0, 0, 0, "", "" },
  [GL_EV_CROWN_DROP] = { GL_CROWN_T, GL_BUBBLES, 25, 40, 8, 13, 600, 1200,
                         "crown_temperature", "crown_temperature;fuel_flow;thickness" },
  [GL_EV_CULLET_RISE] = { GL_CULLET, GL_STONES, 0.10, 0.16, 0.03, 0.045, 300, 720,
                          "batch_cullet_ratio", "batch_cullet_ratio" },
  [GL_EV_BOTTOM_DROP] = { GL_BOTTOM_T, GL_CORDS, 35, 50, 10, 16, 600, 1200,
                          "bottom_temperature;crown_temperature", "bottom_temperature" },
  [GL_EV_LEHR_DROP] = { GL_LEHR2_T, GL_CRACKS, 45, 65, 12, 20, 180, 360,
                        "cooling_rate;lehr_zone2_temperature", "cooling_rate" },
  [GL_EV_SPEED_STEP] = { GL_SPEED, GL_THICKNESS_DEV, 0.6, 0.9, 0.12, 0.2, 300, 600,
                         "ribbon_speed", "thickness" },
  [GL_EV_TIN_RISE] = { GL_TIN_T, GL_THICKNESS_DEV, 40, 60, 10, 15, 300, 600,
                       "tin_bath_temperature", "thickness;lehr_zone1_temperature" },
};

const char *
glass_cause_channels (GlassEventKind kind)
{
  return event_specs[kind].cause;
}

const char *
glass_symptom_channels (GlassEventKind kind)
{
  return event_specs[kind].symptom;
}

GlassStage
glass_event_stage (GlassEventKind kind)
{
  return glass_sensors[event_specs[kind].channel].stage;
}

GlassDefect
glass_event_defect (GlassEventKind kind)
{
  return event_specs[kind].defect;
}

int
glass_reach (const GlassConfig *cfg, GlassStage st)
{
  int t = (int) cfg->n_steps - cfg->delay_inspection;
  if (st != GL_ANNEALING)
    t -= cfg->delay_lehr;
  if (st == GL_FURNACE)
    t -= cfg->delay_forming;
  return t;
}

/* ------------------------------------------------------------------ plan */

static int
range_int (GenRng *rng, int lo, int hi)
{
  return hi <= lo ? lo : lo + (int) gen_below (rng, (uint64_t) (hi - lo + 1));
}

void
glass_plan (const GlassConfig *cfg, GenRng *rng, double p_defect, const double *weights,
            double p_near_miss, double p_late, GlassEvent *ev)
{
  memset (ev, 0, sizeof *ev);
  ev->kind = GL_EV_NONE;
  double u = gen_uniform (rng);
  if (u < p_defect)
    {
      /* the defect class by weight, then its event (thickness: speed or tin) */
      double total = 0;
      for (int d = 1; d < GL_N_DEFECTS; d++)
        total += weights[d - 1];
      double r = gen_uniform (rng) * total;
      int d = 1;
      for (; d < GL_N_DEFECTS - 1 && r >= weights[d - 1]; d++)
        r -= weights[d - 1];
      ev->kind = d == GL_THICKNESS_DEV ? (gen_uniform (rng) < 0.5 ? GL_EV_SPEED_STEP
                                                                   : GL_EV_TIN_RISE)
                                       : (GlassEventKind) d;
      ev->strength = GL_DEFECT;
    }
  else
    {
      double v = gen_uniform (rng) * (1 - p_defect);
      if (v >= p_near_miss + p_late)
        return;
      ev->kind = (GlassEventKind) (1 + gen_below (rng, GL_N_EVENTS - 1));
      ev->strength = v < p_near_miss ? GL_NEAR_MISS : GL_LATE;
    }
  const EventSpec *sp = &event_specs[ev->kind];
  int dur = range_int (rng, sp->dur_lo, sp->dur_hi);
  int T = (int) cfg->n_steps, reach = glass_reach (cfg, glass_event_stage (ev->kind));
  int lo = 60, hi;
  switch (ev->strength)
    {
    case GL_DEFECT:
      hi = reach - dur - 60;
      break;
    case GL_LATE:
      /* the whole disturbance after the last glass this lot inspects */
      lo = reach;
      dur = MIN (dur, T - reach - 1);
      hi = T - dur;
      break;
    default:
      hi = T - dur - 60;
      break;
    }
  ev->start = range_int (rng, lo, MAX (lo, hi));
  ev->end = MIN (ev->start + dur, T);
  gboolean strong = ev->strength != GL_NEAR_MISS;
  double m = strong ? sp->defect_lo + (sp->defect_hi - sp->defect_lo) * gen_uniform (rng)
                    : sp->near_lo + (sp->near_hi - sp->near_lo) * gen_uniform (rng);
  if (ev->kind == GL_EV_SPEED_STEP && gen_uniform (rng) < 0.5)
    m = -m;
  ev->magnitude = m;
}

/* -------------------------------------------------------------- simulate */

/* The event's trapezoid at time t (s): 60 s ramps inside [start, end). */
static double
profile (const GlassEvent *ev, double t)
{
  if (ev->kind == GL_EV_NONE || t < ev->start || t >= ev->end)
    return 0;
  double up = (t - ev->start) / 60.0, down = (ev->end - t) / 60.0;
  return ev->magnitude * MIN (1.0, MIN (up, down));
}

/* AR(1) noise about 0 at a channel's native rate, n samples. */
static void
ar_noise (const GlassSensor *s, GenRng *rng, const GenZiggurat *zig, double *v, size_t n)
{
  double innov = s->noise * sqrt (1 - s->ar * s->ar), z = s->noise * gen_normal (rng, zig);
  for (size_t k = 0; k < n; k++)
    {
      if (k > 0)
        z = s->ar * z + innov * gen_normal (rng, zig);
      v[k] = z;
    }
}

/* A native series (sample k at time k·P) onto the 1 Hz grid of channel c. */
static void
to_grid (const GlassConfig *cfg, const double *v, int period, float *x, int c)
{
  for (size_t t = 0; t < cfg->n_steps; t++)
    {
      size_t k = t / (size_t) period;
      double val = v[k];
      if (cfg->interpolate && period > 1)
        {
          double f = (double) (t % (size_t) period) / period;
          val = v[k] + (v[k + 1] - v[k]) * f;
        }
      x[t * GL_N_CH + c] = (float) val;
    }
}

void
glass_simulate (const GlassConfig *cfg, const GlassEvent *ev, GenRng *rng,
                const GenZiggurat *zig, float *x)
{
  size_t T = cfg->n_steps;
  g_autofree double *v = g_new (double, T + 2);
  g_autofree double *crown = g_new (double, T / 10 + 2);
  g_autofree double *l1 = g_new (double, T / 5 + 2), *l2 = g_new (double, T / 5 + 2);
  for (int c = 0; c < GL_N_CH; c++)
    {
      const GlassSensor *s = &glass_sensors[c];
      size_t n = T / (size_t) s->period_s + 2;
      ar_noise (s, rng, zig, v, n);
      for (size_t k = 0; k < n; k++)
        {
          double t = (double) k * s->period_s;
          v[k] += s->base;
          if (ev->kind != GL_EV_NONE && event_specs[ev->kind].channel == (GlassChannel) c)
            v[k] += (c == GL_CROWN_T || c == GL_BOTTOM_T || c == GL_LEHR2_T ? -1 : 1)
                    * profile (ev, t);   /* drops go down; rises and steps keep their sign */
        }
      switch (c)
        {
        case GL_CROWN_T:
          memcpy (crown, v, n * sizeof *v);
          break;
        case GL_FUEL:   /* the furnace controller answers a cold crown with fuel */
          for (size_t k = 0; k < n; k++)
            v[k] -= 4.0 * (crown[k] - glass_sensors[GL_CROWN_T].base);
          break;
        case GL_THICKNESS:
          /* 1 Hz: thinner with speed and a hotter bath, thicker with glass
           * that left a cold furnace delay_forming seconds ago */
          for (size_t t = 0; t < T; t++)
            {
              double speed = x[t * GL_N_CH + GL_SPEED], tin = x[t * GL_N_CH + GL_TIN_T];
              long tf = (long) t - cfg->delay_forming;
              double cr = tf >= 0 ? crown[tf / 10] : glass_sensors[GL_CROWN_T].base;
              v[t] += 4.0 * (12.0 / speed) - s->base - 0.004 * (tin - 1050)
                      - 0.002 * (cr - glass_sensors[GL_CROWN_T].base);
            }
          break;
        case GL_LEHR1_T:   /* the glass arrives delay_lehr seconds after the bath */
          for (size_t k = 0; k < n; k++)
            {
              long tf = (long) k * 5 - cfg->delay_lehr;
              double tin = tf >= 0 && (size_t) tf < T ? x[tf * GL_N_CH + GL_TIN_T] : 1050.0;
              v[k] += 0.3 * (tin - 1050);
            }
          memcpy (l1, v, n * sizeof *v);
          break;
        case GL_LEHR2_T:
          memcpy (l2, v, n * sizeof *v);
          break;
        case GL_COOLING:
          for (size_t k = 0; k < n; k++)
            v[k] += 0.06 * (l1[k] - l2[k]) - s->base;
          break;
        default:
          break;
        }
      for (size_t k = 0; k < n; k++)
        v[k] = CLAMP (v[k], s->lo, s->hi);
      to_grid (cfg, v, s->period_s, x, c);
    }
}

/* ----------------------------------------------------------------- rules */

/* The first run of >= min_s consecutive steps t < reach with value(t) >
 * threshold; its extent and the peak of value / threshold over it. */
typedef double (*Excess) (const float *row);

static gboolean
first_run (const GlassConfig *cfg, const float *x, int reach, Excess f, double threshold,
           int min_s, GlassVerdict *v)
{
  int run = 0;
  reach = MIN (reach, (int) cfg->n_steps);
  for (int t = 0; t < reach; t++)
    {
      run = f (x + (size_t) t * GL_N_CH) > threshold ? run + 1 : 0;
      if (run >= min_s)
        {
          int start = t - run + 1, end = t + 1;
          while (end < reach && f (x + (size_t) end * GL_N_CH) > threshold)
            end++;
          double peak = 0;
          for (int k = start; k < end; k++)
            peak = MAX (peak, f (x + (size_t) k * GL_N_CH));
          v->window_start = start;
          v->window_end = end;
          v->severity = peak / threshold;
          return TRUE;
        }
    }
  return FALSE;
}

static double
crown_drop (const float *r)
{
  return glass_sensors[GL_CROWN_T].base - r[GL_CROWN_T];
}

static double
cullet_rise (const float *r)
{
  return r[GL_CULLET] - glass_sensors[GL_CULLET].base;
}

static double
cord_gap (const float *r)
{
  return (r[GL_CROWN_T] - r[GL_BOTTOM_T])
         - (glass_sensors[GL_CROWN_T].base - glass_sensors[GL_BOTTOM_T].base);
}

static double
cooling_rise (const float *r)
{
  return r[GL_COOLING] - glass_sensors[GL_COOLING].base;
}

static double
thickness_dev (const float *r)
{
  return fabs (r[GL_THICKNESS] - glass_sensors[GL_THICKNESS].base);
}

void
glass_judge (const GlassConfig *cfg, const float *x, GlassVerdict *v)
{
  memset (v, 0, sizeof *v);
  v->defect = GL_GOOD;
  v->window_start = v->window_end = -1;
  int rf = glass_reach (cfg, GL_FURNACE), rm = glass_reach (cfg, GL_FORMING),
      ra = glass_reach (cfg, GL_ANNEALING);
  if (first_run (cfg, x, rf, crown_drop, cfg->rule_crown_drop, cfg->rule_crown_s, v))
    v->defect = GL_BUBBLES;
  else if (first_run (cfg, x, rf, cullet_rise, cfg->rule_cullet_rise, cfg->rule_cullet_s, v))
    v->defect = GL_STONES;
  else if (first_run (cfg, x, rf, cord_gap, cfg->rule_cord_gap, cfg->rule_cord_s, v))
    v->defect = GL_CORDS;
  else if (first_run (cfg, x, ra, cooling_rise, cfg->rule_cooling_rise, cfg->rule_cooling_s, v))
    v->defect = GL_CRACKS;
  else if (first_run (cfg, x, rm, thickness_dev, cfg->rule_thickness_dev, cfg->rule_thickness_s,
                      v))
    v->defect = GL_THICKNESS_DEV;
}
