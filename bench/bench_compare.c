/* bench_compare.c — time td_compare_pipelines (core/src/compare.c) on
 * synthetic predictions: two pipelines against a baseline, one holdout
 * repeat of N test series, every test (the bootstrap's 2000 resamples
 * dominate), and the studentised range quantile behind Nemenyi.
 *
 *   bench_compare [N ...]        (default 240 2000 20000)
 *
 * Prints one line per N: seconds for all comparison rows. */
#include <tundish/tundish.h>
#include <tundish/stats.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/compare.h"

static double
now (void)
{
  return (double) g_get_monotonic_time () / 1e6;
}

static void
bench_n (size_t n)
{
  guint64 st = 12345;
  TdDataset *data = td_dataset_new (n, 1, 1, TD_TASK_BINARY, 2);
  const char *labels[] = { "base", "a", "b" };
  double *scores[3];
  gint64 *ids = g_new (gint64, n);
  for (size_t i = 0; i < n; i++)
    {
      data->y[i] = td_splitmix64_uniform (&st) < 0.15 ? 1.0 : 0.0;
      ids[i] = (gint64) i;
    }
  for (int p = 0; p < 3; p++)
    {
      scores[p] = g_new (double, n);
      for (size_t i = 0; i < n; i++)
        {
          double z = (td_splitmix64_uniform (&st) - 0.5) * 4.0 + (1.0 + p) * data->y[i];
          scores[p][i] = 1.0 / (1.0 + exp (-z));
        }
    }
  TdExperiment exp = { 0 };
  exp.seed = 42;
  exp.repeats = 1;
  exp.split.method = TD_SPLIT_STRATIFIED_HOLDOUT;
  exp.baseline = (char *) "base";
  exp.pipelines = g_ptr_array_new_with_free_func (g_free);
  for (int p = 0; p < 3; p++)
    {
      TdPipeline *pl = g_new0 (TdPipeline, 1);
      pl->name = pl->label = (char *) labels[p];
      pl->variant = (char *) "";
      g_ptr_array_add (exp.pipelines, pl);
    }
  exp.metrics = g_ptr_array_new ();
  const char *metrics[] = { "roc_auc", "pr_auc", "f1", "accuracy", "brier", "log_loss" };
  for (size_t m = 0; m < G_N_ELEMENTS (metrics); m++)
    g_ptr_array_add (exp.metrics, (gpointer) metrics[m]);
  exp.evaluators = g_ptr_array_new ();
  exp.compare_tests = g_ptr_array_new ();
  TdTrialPredictions preds[3];
  for (int p = 0; p < 3; p++)
    preds[p] = (TdTrialPredictions) { labels[p], "", 0, 0, n, 1, ids, data->y, scores[p], 0 };
  TdRunReport rep = { .data = data, .n_train = 4 * n, .n_test = n, .predictions = preds,
                      .n_predictions = 3 };
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (TdComparisonRow));
  GStringChunk *strings = g_string_chunk_new (256);
  double t0 = now ();
  if (!td_compare_pipelines (&exp, &rep, rows, strings, NULL))
    g_error ("compare failed");
  double t1 = now ();
  printf ("n=%zu  rows=%u  seconds=%.3f\n", n, rows->len, t1 - t0);
  g_string_chunk_free (strings);
  g_array_unref (rows);
  g_ptr_array_unref (exp.pipelines);
  g_ptr_array_unref (exp.metrics);
  g_ptr_array_unref (exp.evaluators);
  g_ptr_array_unref (exp.compare_tests);
  for (int p = 0; p < 3; p++)
    g_free (scores[p]);
  g_free (ids);
  td_dataset_unref (data);
}

int
main (int argc, char **argv)
{
  if (argc > 1)
    for (int i = 1; i < argc; i++)
      bench_n ((size_t) g_ascii_strtoull (argv[i], NULL, 10));
  else
    {
      bench_n (240);
      bench_n (2000);
      bench_n (20000);
    }
  double t0 = now ();
  double q = td_qtukey_inf (0.95, 10);
  printf ("qtukey_inf(0.95, 10) = %.12f  seconds=%.4f\n", q, now () - t0);
  return 0;
}
