/* compare.c — see compare.h. The statistical tests themselves are being
 * written for issue 6; until then no comparison rows are produced. */
#include "compare.h"

gboolean
td_compare_pipelines (const TdExperiment *exp, const TdRunReport *report, GArray *rows,
                      GStringChunk *strings, GError **error)
{
  (void) exp;
  (void) report;
  (void) rows;
  (void) strings;
  (void) error;
  return TRUE;
}
