/* run_targets.c — targets.csv (run_targets.h). */
#include "run/run_targets.h"

#include <math.h>
#include <string.h>

#include <tundish/io.h>
#include <tundish/report.h>

#include "util/atomic_file.h"

static const TdPipeline *
find_pipeline (const TdExperiment *exp, const char *name, const char *variant)
{
  for (guint k = 0; k < exp->pipelines->len; k++)
    {
      const TdPipeline *p = exp->pipelines->pdata[k];
      if (strcmp (p->name, name) == 0 && strcmp (p->variant, variant) == 0)
        return p;
    }
  return NULL;
}

static gboolean
clears (TdTargetOp op, double bound, double target)
{
  switch (op)
    {
    case TD_TARGET_GE: return bound >= target;
    case TD_TARGET_GT: return bound > target;
    case TD_TARGET_LE: return bound <= target;
    case TD_TARGET_LT: return bound < target;
    }
  return FALSE;
}

gboolean
td_run_write_targets (const TdRunMeta *m, const GArray *summary, const GArray *summary_ci,
                      GError **error)
{
  g_autoptr (GString) s = g_string_new (
    "pipeline,variant,metric,op,target,mean,low,high,interval,verdict\n");
  gboolean any = FALSE;
  for (guint i = 0; i < summary->len; i++)
    {
      const TdSummaryRow *r = &g_array_index (summary, TdSummaryRow, i);
      const TdSummaryInterval *ci = &g_array_index (summary_ci, TdSummaryInterval, i);
      const TdPipeline *p = find_pipeline (m->exp, r->pipeline, r->variant);
      for (guint j = 0; p && p->targets && j < p->targets->len; j++)
        {
          const TdTarget *t = p->targets->pdata[j];
          if (strcmp (t->metric, r->metric) != 0)
            continue;
          any = TRUE;
          gboolean boot = isfinite (ci->boot_low) && isfinite (ci->boot_high);
          gboolean tint = isfinite (ci->t_low) && isfinite (ci->t_high);
          double lo = boot ? ci->boot_low : tint ? ci->t_low : NAN;
          double hi = boot ? ci->boot_high : tint ? ci->t_high : NAN;
          gboolean upper = t->op == TD_TARGET_GE || t->op == TD_TARGET_GT;
          const char *verdict = !(boot || tint) ? "undecided"
                                : clears (t->op, upper ? lo : hi, t->value) ? "pass" : "miss";
          td_csv_field (s, r->pipeline);
          g_string_append_c (s, ',');
          td_csv_field (s, r->variant);
          g_string_append_c (s, ',');
          td_csv_field (s, r->metric);
          g_string_append_printf (s, ",%s,", td_target_op_name (t->op));
          const double v[] = { t->value, r->mean, lo, hi };
          for (size_t k = 0; k < G_N_ELEMENTS (v); k++)
            {
              td_csv_double (s, v[k]);
              g_string_append_c (s, ',');
            }
          g_string_append_printf (s, "%s,%s\n", boot ? "bootstrap" : tint ? "t" : "none",
                                  verdict);
        }
    }
  if (!any)
    return TRUE;
  g_autofree char *path = g_build_filename (m->run_dir, "targets.csv", NULL);
  return td_file_write_atomic (path, s->str, (gssize) s->len, error);
}
