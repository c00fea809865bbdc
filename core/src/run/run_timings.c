/* run_timings.c — timings.csv: the seconds every trial spent in each stage
 * (read back from its trial.csv) and the run's own stages. Timings differ
 * from run to run, so they live here and in trial.csv only, never in
 * results.csv, summary.csv or the predictions (compared byte for byte).
 * `tundish report` keeps the run's own run-level rows: it rebuilds the
 * outputs of that run, it is not a run itself. */
#include "run/run_output.h"
#include "run/run_timings.h"

#include <string.h>

#include "util/atomic_file.h"
#include <tundish/io.h>

void
td_run_timing_rows (const TdRunMeta *m, GPtrArray *trials, gboolean ok_only, GArray *rows)
{
  for (guint k = 0; k < trials->len; k++)
    {
      const TdTrial *t = trials->pdata[k];
      if (ok_only && !t->ok)
        continue;
      for (int st = 0; st < TD_N_STAGES; st++)
        if ((t->stages_run >> st) & 1)
          {
            TdStageTime row = { t->pipeline->name, t->pipeline->variant, t->repeat, t->fold,
                                td_trial_stage_names[st], t->stage_seconds[st] };
            g_array_append_val (rows, row);
          }
    }
  if (m->data_seconds > 0)
    {
      TdStageTime row = { NULL, NULL, -1, -1, "data", m->data_seconds };
      g_array_append_val (rows, row);
    }
}

gboolean
td_run_write_timings (const TdRunMeta *m, GPtrArray *trials, double report_seconds,
                      GError **error)
{
  g_autoptr (GArray) rows = g_array_new (FALSE, TRUE, sizeof (TdStageTime));
  td_run_timing_rows (m, trials, FALSE, rows);
  if (report_seconds > 0)
    {
      TdStageTime row = { NULL, NULL, -1, -1, "report", report_seconds };
      g_array_append_val (rows, row);
    }
  g_autoptr (GString) s = g_string_new ("pipeline,variant,repeat,fold,stage,seconds\n");
  for (guint k = 0; k < rows->len; k++)
    {
      const TdStageTime *r = &g_array_index (rows, TdStageTime, k);
      if (r->pipeline)
        {
          td_csv_field (s, r->pipeline);
          g_string_append_c (s, ',');
          td_csv_field (s, r->variant);
          g_string_append_printf (s, ",%d,%d,", r->repeat, r->fold);
        }
      else
        g_string_append (s, ",,,,");
      g_string_append (s, r->stage);
      g_string_append_c (s, ',');
      td_csv_seconds (s, r->seconds);
      g_string_append_c (s, '\n');
    }
  g_autofree char *path = g_build_filename (m->run_dir, "timings.csv", NULL);
  return td_file_write_atomic (path, s->str, (gssize) s->len, error);
}

void
td_run_read_timings (const char *run_dir, double *data_seconds, double *report_seconds)
{
  *data_seconds = *report_seconds = 0;
  g_autofree char *path = g_build_filename (run_dir, "timings.csv", NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &text, &len, NULL))
    return;
  g_autoptr (GPtrArray) rows = td_csv_parse (text, len, path, NULL);
  for (guint i = 1; rows && i < rows->len; i++)
    {
      char **f = rows->pdata[i];
      double v;
      if (g_strv_length (f) != 6 || *f[0] || !td_csv_parse_double (f[5], &v))
        continue;
      if (strcmp (f[4], "data") == 0)
        *data_seconds = v;
      else if (strcmp (f[4], "report") == 0)
        *report_seconds = v;
    }
}
