/* glass_process.h — one lot of a float-glass line: the sensors of three
 * stages at their own rates on a common 1 Hz grid, the material flow between
 * the stages, at most one planned disturbance, and the defect rules that
 * label the lot from its stored signal (docs/generators/glass_line.md has
 * the equations). Plugin-private. */
#pragma once

#include <glib.h>

#include "gen_rng.h"

G_BEGIN_DECLS

typedef enum {
  GL_CROWN_T, GL_BOTTOM_T, GL_PRESSURE, GL_FUEL, GL_CULLET,      /* furnace */
  GL_TIN_T, GL_SPEED, GL_THICKNESS,                              /* forming */
  GL_LEHR1_T, GL_LEHR2_T, GL_COOLING,                            /* annealing */
  GL_N_CH
} GlassChannel;

typedef enum { GL_FURNACE, GL_FORMING, GL_ANNEALING, GL_N_STAGES } GlassStage;

/* Defect classes, in class-index order; GL_GOOD is class 0. */
typedef enum {
  GL_GOOD, GL_BUBBLES, GL_STONES, GL_CORDS, GL_CRACKS, GL_THICKNESS_DEV, GL_N_DEFECTS
} GlassDefect;

/* What a lot was planned to carry. */
typedef enum {
  GL_EV_NONE,
  GL_EV_CROWN_DROP,         /* bubbles */
  GL_EV_CULLET_RISE,        /* stones */
  GL_EV_BOTTOM_DROP,        /* cords */
  GL_EV_LEHR_DROP,          /* stress cracks */
  GL_EV_SPEED_STEP,         /* thickness */
  GL_EV_TIN_RISE,           /* thickness */
  GL_N_EVENTS
} GlassEventKind;

typedef enum { GL_DEFECT, GL_NEAR_MISS, GL_LATE } GlassEventStrength;

typedef struct {
  const char *name;
  GlassStage stage;
  int period_s;             /* native sampling period */
  double base, noise, ar;   /* level, stationary sd, AR(1) per native sample */
  double lo, hi;            /* sensor range (clipped) */
} GlassSensor;

extern const GlassSensor glass_sensors[GL_N_CH];
extern const char *const glass_stage_names[GL_N_STAGES];
extern const char *const glass_defect_names[GL_N_DEFECTS];
extern const char *const glass_event_names[GL_N_EVENTS];

typedef struct {
  size_t n_steps;                    /* 1 Hz */
  int delay_forming, delay_lehr, delay_inspection;   /* seconds of material flow */
  gboolean interpolate;              /* slow sensors: linear instead of hold */
  double rule_crown_drop, rule_cullet_rise, rule_cord_gap, rule_cooling_rise,
         rule_thickness_dev;         /* thresholds, see glass_line.md */
  int rule_crown_s, rule_cullet_s, rule_cord_s, rule_cooling_s, rule_thickness_s;
} GlassConfig;

typedef struct {
  GlassEventKind kind;
  GlassEventStrength strength;
  int start, end;                    /* steps of the disturbance, [start, end) */
  double magnitude;
} GlassEvent;

/* The rules' verdict on a stored lot. */
typedef struct {
  GlassDefect defect;
  double severity;                   /* peak excess over the threshold, as a ratio >= 1 */
  int window_start, window_end;      /* steps where the firing rule held */
} GlassVerdict;

/* The last step (exclusive) whose glass reaches inspection within the lot,
 * for a sensor of stage st. */
int glass_reach (const GlassConfig *cfg, GlassStage st);

/* Plan one lot's event: defect (kind by weights) with probability p_defect,
 * otherwise a near miss or a late full event with their probabilities. */
void glass_plan (const GlassConfig *cfg, GenRng *rng, double p_defect, const double *weights,
                 double p_near_miss, double p_late, GlassEvent *ev);

/* Simulate the lot into x[n_steps][GL_N_CH]. */
void glass_simulate (const GlassConfig *cfg, const GlassEvent *ev, GenRng *rng,
                     const GenZiggurat *zig, float *x);

/* Apply the defect rules to x (only glass that reaches inspection counts). */
void glass_judge (const GlassConfig *cfg, const float *x, GlassVerdict *v);

/* The disturbed (cause) and the first affected (symptom) channels of an
 * event kind, as ";"-separated names; the stage of its cause. */
const char *glass_cause_channels (GlassEventKind kind);
const char *glass_symptom_channels (GlassEventKind kind);
GlassStage glass_event_stage (GlassEventKind kind);
GlassDefect glass_event_defect (GlassEventKind kind);

G_END_DECLS
