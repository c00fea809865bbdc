/* steel_grade.c — severity and grade of a cast from its measured rules. */
#include "steel_grade.h"

#include <math.h>

/* 1 at r = 1, 2 at r = major, 3 at r = reject, and on with the last slope. */
static double
mechanism_severity (double r, double major, double reject)
{
  if (r < major)
    return 1.0 + (r - 1.0) / (major - 1.0);
  return 2.0 + (r - major) / (reject - major);
}

double
steel_severity (const SteelRules *rules, const SteelGrading *g, guint fired,
                const SteelMeasures *m)
{
  if (!fired)
    return 0.0;
  const double ratio[STEEL_N_MECHANISMS] = {
    m->level_run / rules->level_min_seconds,
    m->drop / rules->temperature_drop,
    m->both / rules->speed_superheat_min_seconds,
    m->sequence_run / rules->sequence_level_min_seconds,
  };
  double severity = 0;
  int n_fired = 0;
  for (int k = 0; k < STEEL_N_MECHANISMS; k++)
    if (fired & (1u << k))
      {
        n_fired++;
        severity = MAX (severity, mechanism_severity (ratio[k], g->major[k], g->reject[k]));
      }
  /* the rules fire at ratio 1; guard the boundary against rounding */
  severity = MAX (severity, 1.0);
  return n_fired >= 2 ? MAX (severity, 2.0) : severity;
}

int
steel_grade_of (double severity)
{
  if (!(severity >= 1.0))
    return STEEL_GRADE_GOOD;
  return severity >= 3.0 ? STEEL_GRADE_REJECT : (int) floor (severity);
}
