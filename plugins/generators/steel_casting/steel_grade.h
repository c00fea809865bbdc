/* steel_grade.h — graded quality (good < minor < major < reject) from the
 * severity of the mechanisms that fired on a cast.
 *
 * Each mechanism's measured quantity q (steel_rules.h) is read as a ratio
 * r = q / threshold of its rule; 1 is where the mechanism starts to fire.
 * Per mechanism two factors, major and reject (1 < major < reject), place
 * the grade boundaries on that ratio. The severity is piecewise linear in r
 * and continuous, 1 at the rule's threshold, 2 at the major factor, 3 at the
 * reject factor; two mechanisms together make at least a major defect.
 * docs/generators/steel_casting.md has the equations and the defaults.
 */
#pragma once

#include "steel_rules.h"

enum { STEEL_GRADE_GOOD, STEEL_GRADE_MINOR, STEEL_GRADE_MAJOR, STEEL_GRADE_REJECT,
       STEEL_N_GRADES };

typedef struct {
  /* per mechanism, in bit order: level_excursion, temperature_drop,
   * speed_superheat, drop_then_level */
  double major[STEEL_N_MECHANISMS], reject[STEEL_N_MECHANISMS];
} SteelGrading;

/* The severity of a cast: 0 when nothing fired, else >= 1 (see above). */
double steel_severity (const SteelRules *rules, const SteelGrading *grading, guint fired,
                       const SteelMeasures *m);
/* The grade of a severity: 0 below 1, then floor(severity), at most 3. */
int steel_grade_of (double severity);
