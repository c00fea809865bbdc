/* check_targets.c — `tundish run --check-targets` (check_targets.h). */
#include "check_targets.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <tundish/io.h>

static gboolean
matches (const char *pipeline, const char *name, const char *variant)
{
  if (strcmp (pipeline, name) == 0)
    return TRUE;
  g_autofree char *label = g_strdup_printf ("%s[%s]", name, variant);
  return *variant && strcmp (pipeline, label) == 0;
}

gboolean
td_cli_targets_known (const TdExperiment *exp, const char *pipeline)
{
  gboolean found = FALSE;
  for (guint k = 0; k < exp->pipelines->len; k++)
    {
      const TdPipeline *p = exp->pipelines->pdata[k];
      if (!matches (pipeline, p->name, p->variant))
        continue;
      found = TRUE;
      if (!p->targets)
        {
          fprintf (stderr, "tundish run: --check-targets %s: the pipeline has no targets; "
                           "expected targets: { metric: \">= value\" } at the top of the "
                           "experiment or in the pipeline\n", pipeline);
          return FALSE;
        }
    }
  if (!found)
    fprintf (stderr, "tundish run: --check-targets %s: no such pipeline in %s\n", pipeline,
             exp->path);
  return found;
}

gboolean
td_cli_targets_met (const char *run_dir, const char *pipeline)
{
  g_autofree char *path = g_build_filename (run_dir, "targets.csv", NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  if (!g_file_get_contents (path, &text, &len, &error)
      || !(rows = td_csv_parse (text, len, path, &error)))
    {
      fprintf (stderr, "tundish run: --check-targets: %s\n", error->message);
      return FALSE;
    }
  gboolean all = TRUE;
  size_t n = 0;
  for (guint i = 1; i < rows->len; i++)
    {
      char **f = rows->pdata[i];
      if (g_strv_length (f) != 10 || !matches (pipeline, f[0], f[1]))
        continue;
      n++;
      if (strcmp (f[9], "pass") == 0)
        continue;
      all = FALSE;
      double v[4] = { NAN, NAN, NAN, NAN };   /* target, mean, low, high */
      for (int k = 0; k < 4; k++)
        td_csv_parse_double (f[4 + k], &v[k]);
      fprintf (stderr, "tundish run: --check-targets %s%s%s%s: %s %s %.4g: %s (mean %.4g, "
                       "%s interval [%.4g, %.4g])\n", f[0], *f[1] ? "[" : "", f[1],
               *f[1] ? "]" : "", f[2], f[3], v[0], f[9], v[1], f[8], v[2], v[3]);
    }
  if (n == 0)
    {
      fprintf (stderr, "tundish run: --check-targets %s: no verdict in %s (no trial "
                       "finished?)\n", pipeline, path);
      return FALSE;
    }
  return all;
}
