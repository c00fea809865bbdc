/* steel_rules.h — the defect mechanisms, evaluated on a finished cast.
 *
 * A cast's label is decided here and only here, from the float32 values
 * exactly as they are stored in the dataset (after clipping), never from what
 * the generator meant to inject. docs/generators/steel_casting.md states each
 * rule; the test re-implements them independently.
 */
#pragma once

#include <glib.h>
#include <stddef.h>

/* Channel order of the dataset. */
enum {
  STEEL_CH_SPEED,
  STEEL_CH_TEMPERATURE,
  STEEL_CH_LEVEL,
  STEEL_CH_WATER,
  STEEL_CH_SUPERHEAT,
  STEEL_N_CH
};

/* Mechanism bits, in reporting priority order (lowest bit first). */
enum {
  STEEL_M_LEVEL_EXCURSION  = 1u << 0,
  STEEL_M_TEMPERATURE_DROP = 1u << 1,
  STEEL_M_SPEED_SUPERHEAT  = 1u << 2,
  STEEL_M_DROP_THEN_LEVEL  = 1u << 3,
  STEEL_N_MECHANISMS = 4
};

typedef struct {
  double level_base, level_band;   /* outside the band: |level - base| > band */
  int    level_min_seconds;        /* consecutive seconds outside for a level excursion */
  double temperature_drop;         /* max(T[t-w..t]) - T[t] >= this */
  int    temperature_drop_window;  /* w */
  double speed_high, superheat_low;
  int    speed_superheat_min_seconds;  /* total seconds with both */
  double sequence_temperature_drop;    /* the timing rule's (smaller) drop */
  int    sequence_level_min_seconds;   /* its (shorter) excursion */
  int    sequence_max_gap_seconds;     /* excursion start - last drop sample */
} SteelRules;

/* What each rule compares with its threshold, measured on the same pass:
 * the grade target's severity (steel_grade.h) starts from these. A
 * mechanism fires exactly when its quantity reaches its threshold. */
typedef struct {
  double level_run;      /* longest run outside the level band (s) */
  double drop;           /* largest fall below the trailing-window maximum (C);
                          * exact from min(sequence_temperature_drop,
                          * temperature_drop) up, a lower bound below */
  double both;           /* seconds with high speed and low superheat */
  double sequence_run;   /* longest run outside the band that starts at most
                          * sequence_max_gap_seconds after a sequence-drop
                          * sample (s); 0 when none does */
} SteelMeasures;

/* Bit set of the mechanisms that fire on x (n_steps × STEEL_N_CH floats).
 * scratch holds n_steps ints. measures may be NULL. */
guint steel_rules_eval (const SteelRules *rules, const float *x, size_t n_steps,
                        int *scratch, SteelMeasures *measures);

/* "level_excursion", ... for one bit; "none" for 0. The first (priority)
 * mechanism of a set with steel_rules_first(). */
const char *steel_mechanism_name (guint bit);
guint steel_rules_first (guint fired);
