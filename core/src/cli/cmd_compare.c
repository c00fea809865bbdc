/* cmd_compare.c — `tundish compare RUN_DIR...`: ranks the pipelines of
 * finished runs on one metric (Friedman, Iman-Davenport), tests every pair
 * (Wilcoxon signed-rank, Holm-corrected; Nemenyi on request), prints a
 * table and can write the pairwise tests as CSV and a critical-difference
 * diagram as SVG. Conventions: docs/statistics.md. */
#include <tundish/io.h>
#include <tundish/metrics.h>
#include <tundish/stats.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cd_diagram.h"
#include "commands.h"
#include "util/text.h"
#include "results_csv.h"

static const char compare_description[] =
  "Blocks: with several RUN_DIRs each run is a block and a pipeline's value in\n"
  "it is the mean of the metric over the run's trials (runs as data sets, as\n"
  "in Demšar 2006); with one RUN_DIR each trial (repeat, fold) is a block.\n"
  "--blocks overrides either. A pipeline (pipeline[variant]) is ranked when it\n"
  "has results in every run; blocks missing one of them (a failed trial) are\n"
  "left out, and both are reported.\n"
  "\n"
  "Ranks: 1 is the best; ties share the mean rank. Friedman's chi-square and\n"
  "Iman-Davenport's F test whether any pipeline ranks differently; each pair\n"
  "is tested by Wilcoxon's signed-rank test on the per-block differences\n"
  "(scipy's conventions), Holm-corrected over all pairs. --nemenyi adds\n"
  "Nemenyi's test (critical difference from the studentised range / sqrt 2).\n"
  "The diagram's bars join pipelines no pair test told apart at --alpha:\n"
  "Nemenyi's when --nemenyi is given, Holm-corrected Wilcoxon otherwise.\n"
  "\n"
  "Examples:\n"
  "  tundish compare reports/steel-casting-baseline/20250101T120000Z-1a2b3c4d\n"
  "  tundish compare --metric pr_auc --svg cd.svg reports/*/2025*\n"
  "  tundish compare --nemenyi --alpha 0.1 --csv pairs.csv runs/a runs/b runs/c\n"
  "  tundish compare -m brier --blocks trials run1 run2\n"
  "\n"
  "Exit status: 0 ok; 1 usage or input error (unreadable results.csv, unknown\n"
  "metric, fewer than 2 pipelines or blocks); 2 an output file could not be\n"
  "written.\n";

typedef struct {
  char *name;                   /* "run2 r0 f1" */
  GHashTable *value;            /* label -> double* (owned) */
} Block;

static void
block_clear (gpointer p)
{
  Block *b = p;
  g_free (b->name);
  g_hash_table_unref (b->value);
}

typedef struct {
  GArray *x;                    /* blocks × pipelines, row-major, of double */
  GPtrArray *labels;            /* of char* (owned) */
  GPtrArray *block_names;       /* of char* (owned) */
  size_t k, n;
} Table;

/* Mean per (run, label) or value per (run, repeat, fold, label). */
static GArray *
make_blocks (GPtrArray *runs, GPtrArray *run_names, const char *metric, gboolean by_trial,
             GPtrArray *labels_seen)
{
  GArray *blocks = g_array_new (FALSE, TRUE, sizeof (Block));
  g_array_set_clear_func (blocks, block_clear);
  for (guint r = 0; r < runs->len; r++)
    {
      GArray *rows = runs->pdata[r];
      g_autoptr (GHashTable) sums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           g_free);
      g_autoptr (GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                            NULL);
      for (guint i = 0; i < rows->len; i++)
        {
          const TdResultRecord *rec = &g_array_index (rows, TdResultRecord, i);
          if (strcmp (rec->metric, metric) != 0 || !isfinite (rec->value))
            continue;
          gboolean seen = FALSE;
          for (guint j = 0; j < labels_seen->len && !seen; j++)
            seen = strcmp (labels_seen->pdata[j], rec->label) == 0;
          if (!seen)
            g_ptr_array_add (labels_seen, g_strdup (rec->label));
          g_autofree char *bkey = by_trial ? g_strdup_printf ("%s r%d f%d", (char *) run_names->pdata[r],
                                                              rec->repeat, rec->fold)
                                           : g_strdup (run_names->pdata[r]);
          gpointer at;
          if (!g_hash_table_lookup_extended (index, bkey, NULL, &at))
            {
              Block b = { g_strdup (bkey),
                          g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free) };
              g_array_append_val (blocks, b);
              at = GUINT_TO_POINTER (blocks->len);
              g_hash_table_insert (index, g_strdup (bkey), at);
            }
          Block *b = &g_array_index (blocks, Block, GPOINTER_TO_UINT (at) - 1);
          if (!by_trial)
            {
              /* running (sum, count) per label, turned into means below */
              double *sc = g_hash_table_lookup (sums, rec->label);
              if (!sc)
                {
                  sc = g_new0 (double, 2);
                  g_hash_table_insert (sums, g_strdup (rec->label), sc);
                }
              sc[0] += rec->value;
              sc[1] += 1.0;
              continue;
            }
          double *v = g_new (double, 1);
          *v = rec->value;
          g_hash_table_replace (b->value, g_strdup (rec->label), v);
        }
      if (!by_trial && blocks->len > 0)
        {
          gpointer at = g_hash_table_lookup (index, run_names->pdata[r]);
          if (!at)
            continue;
          Block *b = &g_array_index (blocks, Block, GPOINTER_TO_UINT (at) - 1);
          GHashTableIter it;
          gpointer key, val;
          g_hash_table_iter_init (&it, sums);
          while (g_hash_table_iter_next (&it, &key, &val))
            {
              const double *sc = val;
              double *v = g_new (double, 1);
              *v = sc[0] / sc[1];
              g_hash_table_replace (b->value, g_strdup (key), v);
            }
        }
    }
  return blocks;
}

/* Labels present in every run, then blocks holding all of them. */
static gboolean
make_table (GPtrArray *runs, GPtrArray *run_names, const char *metric, gboolean by_trial,
            Table *t, GError **error)
{
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) blocks = make_blocks (runs, run_names, metric, by_trial, seen);
  /* per run: labels with a value anywhere in it */
  g_autoptr (GArray) per_run = make_blocks (runs, run_names, metric, FALSE, seen);
  t->labels = g_ptr_array_new_with_free_func (g_free);
  t->block_names = g_ptr_array_new_with_free_func (g_free);
  t->x = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint j = 0; j < seen->len; j++)
    {
      gboolean everywhere = per_run->len == runs->len;
      for (guint r = 0; r < per_run->len && everywhere; r++)
        everywhere = g_hash_table_contains (g_array_index (per_run, Block, r).value,
                                            seen->pdata[j]);
      if (everywhere)
        g_ptr_array_add (t->labels, g_strdup (seen->pdata[j]));
      else
        g_printerr ("tundish compare: %s has no %s in some runs; left out\n",
                    (char *) seen->pdata[j], metric);
    }
  t->k = t->labels->len;
  for (guint b = 0; b < blocks->len; b++)
    {
      const Block *bl = &g_array_index (blocks, Block, b);
      gboolean full = TRUE;
      for (size_t j = 0; j < t->k && full; j++)
        full = g_hash_table_contains (bl->value, t->labels->pdata[j]);
      if (!full)
        {
          g_printerr ("tundish compare: block %s lacks a pipeline; left out\n", bl->name);
          continue;
        }
      g_ptr_array_add (t->block_names, g_strdup (bl->name));
      for (size_t j = 0; j < t->k; j++)
        g_array_append_val (t->x, *(double *) g_hash_table_lookup (bl->value,
                                                                   t->labels->pdata[j]));
    }
  t->n = t->block_names->len;
  if (t->k < 2 || t->n < 2)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "metric %s: %zu pipeline(s) over %zu block(s); ranking needs at least 2 of "
                   "each", metric, t->k, t->n);
      return FALSE;
    }
  return TRUE;
}

static void
table_clear (Table *t)
{
  g_clear_pointer (&t->x, g_array_unref);
  g_clear_pointer (&t->labels, g_ptr_array_unref);
  g_clear_pointer (&t->block_names, g_ptr_array_unref);
}

typedef struct {
  size_t a, b;
  TdWilcoxon w;
  double p_holm, p_nemenyi;
} PairTest;

static void
csv_row (GString *s, const char *metric, const char *a, const char *b, const char *test,
         double stat, double p, const char *corr, double padj, double ra, double rb)
{
  td_csv_field (s, metric);
  g_string_append_c (s, ',');
  td_csv_field (s, a);
  g_string_append_c (s, ',');
  td_csv_field (s, b);
  g_string_append_printf (s, ",%s,", test);
  td_csv_double (s, stat);
  g_string_append_c (s, ',');
  td_csv_double (s, p);
  g_string_append_printf (s, ",%s,", corr);
  td_csv_double (s, padj);
  g_string_append_c (s, ',');
  td_csv_double (s, ra);
  g_string_append_c (s, ',');
  td_csv_double (s, rb);
  g_string_append_c (s, '\n');
}

int
td_cmd_compare (int argc, char **argv)
{
  g_autofree char *metric_opt = NULL, *blocks_opt = NULL, *svg = NULL, *csv = NULL;
  gboolean lower = FALSE, higher = FALSE, nemenyi = FALSE;
  double alpha = 0.05;
  GOptionEntry entries[] = {
    { "metric", 'm', 0, G_OPTION_ARG_STRING, &metric_opt,
      "Metric to rank on (default roc_auc, else the first in the first results.csv)", "NAME" },
    { "lower-is-better", 0, 0, G_OPTION_ARG_NONE, &lower,
      "Rank ascending (the default for the metrics tundish/metrics.h says are lower-is-better)", NULL },
    { "higher-is-better", 0, 0, G_OPTION_ARG_NONE, &higher, "Rank descending", NULL },
    { "blocks", 0, 0, G_OPTION_ARG_STRING, &blocks_opt,
      "What a block is: runs or trials (default: runs for several RUN_DIRs, trials for one)",
      "runs|trials" },
    { "alpha", 0, 0, G_OPTION_ARG_DOUBLE, &alpha, "Significance level (default 0.05)", "A" },
    { "nemenyi", 0, 0, G_OPTION_ARG_NONE, &nemenyi, "Add Nemenyi's test and critical difference",
      NULL },
    { "svg", 0, 0, G_OPTION_ARG_FILENAME, &svg, "Write a critical-difference diagram", "FILE" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, "Write the tests as CSV", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GOptionContext) octx = g_option_context_new ("RUN_DIR...");
  g_option_context_set_summary (octx,
                                "Rank the pipelines of finished runs on one metric: Friedman, "
                                "Wilcoxon signed-rank\nwith Holm's correction, optionally "
                                "Nemenyi, and a critical-difference diagram.");
  g_option_context_set_description (octx, compare_description);
  g_option_context_add_main_entries (octx, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (octx, &argc, &argv, &error))
    {
      g_printerr ("tundish compare: %s\nTry 'tundish compare --help'.\n", error->message);
      return TD_EXIT_USAGE;
    }
  if (argc < 2)
    {
      g_printerr ("tundish compare: no run folder given\n"
                  "Usage: tundish compare [OPTIONS] RUN_DIR...\n");
      return TD_EXIT_USAGE;
    }
  if ((lower && higher) || !(alpha > 0.0 && alpha < 1.0)
      || (blocks_opt && strcmp (blocks_opt, "runs") != 0 && strcmp (blocks_opt, "trials") != 0))
    {
      g_printerr ("tundish compare: %s\n",
                  lower && higher ? "--lower-is-better and --higher-is-better exclude each other"
                  : !(alpha > 0.0 && alpha < 1.0) ? "--alpha must be in (0, 1)"
                                                  : "--blocks must be runs or trials");
      return TD_EXIT_USAGE;
    }

  g_autoptr (GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autoptr (GPtrArray) run_names = g_ptr_array_new_with_free_func (g_free);
  for (int i = 1; i < argc; i++)
    {
      GArray *rows = td_results_csv_read (argv[i], &error);
      if (!rows)
        {
          g_printerr ("tundish compare: %s\n", error->message);
          return TD_EXIT_USAGE;
        }
      g_ptr_array_add (runs, rows);
      g_autofree char *trimmed = g_strdup (argv[i]);
      size_t len = strlen (trimmed);
      while (len > 1 && trimmed[len - 1] == '/')
        trimmed[--len] = '\0';
      if (g_str_has_suffix (trimmed, "/results.csv"))
        trimmed[len - strlen ("/results.csv")] = '\0';
      g_ptr_array_add (run_names, g_path_get_basename (trimmed));
    }
  const char *metric = metric_opt;
  if (!metric)
    {
      GArray *first = runs->pdata[0];
      metric = first->len ? g_array_index (first, TdResultRecord, 0).metric : "roc_auc";
      for (guint r = 0; r < runs->len; r++)
        {
          GArray *rows = runs->pdata[r];
          for (guint i = 0; i < rows->len; i++)
            if (strcmp (g_array_index (rows, TdResultRecord, i).metric, "roc_auc") == 0)
              metric = "roc_auc";
        }
    }
  gboolean by_trial = blocks_opt ? strcmp (blocks_opt, "trials") == 0 : runs->len == 1;
  gboolean asc = lower || (!higher && td_metric_lower_is_better (metric));
  if (!lower && !higher && !td_metric_direction_known (metric))
    g_printerr ("tundish compare: %s: no known direction; ranked higher-is-better (say "
                "--lower-is-better otherwise)\n", metric);

  Table t = { 0 };
  if (!make_table (runs, run_names, metric, by_trial, &t, &error))
    {
      g_printerr ("tundish compare: %s\n", error->message);
      table_clear (&t);
      return TD_EXIT_USAGE;
    }
  size_t k = t.k, n = t.n;
  const double *x = (const double *) (void *) t.x->data;
  g_autofree double *oriented = g_new (double, n * k);
  for (size_t i = 0; i < n * k; i++)
    oriented[i] = asc ? x[i] : -x[i];
  g_autofree double *ranks = g_new (double, k);
  TdFriedman fr;
  if (!td_friedman (oriented, n, k, ranks, &fr, &error))
    {
      g_printerr ("tundish compare: %s\n", error->message);
      table_clear (&t);
      return TD_EXIT_USAGE;
    }
  g_autofree double *means = g_new0 (double, k);
  for (size_t b = 0; b < n; b++)
    for (size_t j = 0; j < k; j++)
      means[j] += x[b * k + j] / (double) n;

  size_t n_pairs = k * (k - 1) / 2;
  g_autofree PairTest *pairs = g_new0 (PairTest, n_pairs);
  g_autofree double *d = g_new (double, n);
  g_autofree double *praw = g_new (double, n_pairs);
  g_autofree double *padj = g_new (double, n_pairs);
  for (size_t a = 0, q = 0; a < k; a++)
    for (size_t b = a + 1; b < k; b++, q++)
      {
        for (size_t i = 0; i < n; i++)
          d[i] = x[i * k + a] - x[i * k + b];
        pairs[q].a = a;
        pairs[q].b = b;
        td_wilcoxon (d, n, &pairs[q].w, NULL);   /* finite by construction */
        praw[q] = pairs[q].w.p;
        pairs[q].p_nemenyi = td_nemenyi_p (ranks[a] - ranks[b], (int) k, n);
      }
  td_holm (praw, n_pairs, padj);
  for (size_t q = 0; q < n_pairs; q++)
    pairs[q].p_holm = padj[q];
  double cd = td_nemenyi_cd ((int) k, n, alpha);

  /* the table, best first */
  g_autofree size_t *order = g_new (size_t, k);
  for (size_t j = 0; j < k; j++)
    order[j] = j;
  for (size_t i = 1; i < k; i++)
    for (size_t j = i; j > 0 && ranks[order[j]] < ranks[order[j - 1]]; j--)
      {
        size_t tmp = order[j];
        order[j] = order[j - 1];
        order[j - 1] = tmp;
      }
  /* labels come from CSV files anyone may have written: shown, never obeyed */
  g_autoptr (GPtrArray) shown = g_ptr_array_new_with_free_func (g_free);
  int w = 8;
  for (size_t j = 0; j < k; j++)
    {
      g_ptr_array_add (shown, td_text_escape (t.labels->pdata[j]));
      w = MAX (w, (int) strlen (shown->pdata[j]));
    }
  printf ("%s (%s is better): %zu pipelines over %zu %s\n\n", metric, asc ? "lower" : "higher", k,
          n, by_trial ? "trials" : "runs");
  printf ("%-*s  %9s  %12s\n", w, "pipeline", "mean rank", "mean");
  for (size_t j = 0; j < k; j++)
    printf ("%-*s  %9.3f  %12.6g\n", w, (char *) shown->pdata[order[j]], ranks[order[j]],
            means[order[j]]);
  printf ("\nFriedman chi2 = %.4g (df %.0f), p = %.3g; Iman-Davenport F = %.4g (df %.0f, %.0f), "
          "p = %.3g\n", fr.chi2, fr.df, fr.p, fr.f, fr.df1, fr.df2, fr.p_f);
  printf ("\nWilcoxon signed-rank per pair (%s), Holm-corrected over %zu pairs%s:\n",
          n <= 50 ? "exact when no ties" : "normal approximation", n_pairs,
          nemenyi ? "; Nemenyi p (family-wise)" : "");
  printf ("%-*s  %-*s  %9s  %10s  %10s%s\n", w, "pipeline_a", w, "pipeline_b", "statistic",
          "p", "p_holm", nemenyi ? "  p_nemenyi" : "");
  for (size_t q = 0; q < n_pairs; q++)
    {
      printf ("%-*s  %-*s  %9.4g  %10.3g  %10.3g", w, (char *) shown->pdata[pairs[q].a], w,
              (char *) shown->pdata[pairs[q].b], pairs[q].w.statistic, pairs[q].w.p,
              pairs[q].p_holm);
      if (nemenyi)
        printf ("  %10.3g", pairs[q].p_nemenyi);
      printf ("%s\n", pairs[q].p_holm < alpha ? "  *" : "");
    }
  if (nemenyi)
    printf ("\nNemenyi critical difference at alpha %g: %.4f (q_alpha = %.4f)\n", alpha, cd,
            td_nemenyi_q ((int) k, alpha));
  printf ("\n* Holm-corrected p < %g\n", alpha);

  int rc = TD_EXIT_OK;
  if (csv)
    {
      GString *s = g_string_new ("metric,pipeline_a,pipeline_b,test,statistic,p_value,correction,"
                                 "p_adjusted,mean_rank_a,mean_rank_b\n");
      csv_row (s, metric, "", "", "friedman", fr.chi2, fr.p, "none", fr.p, NAN, NAN);
      csv_row (s, metric, "", "", "iman_davenport", fr.f, fr.p_f, "none", fr.p_f, NAN, NAN);
      for (size_t q = 0; q < n_pairs; q++)
        {
          const char *a = t.labels->pdata[pairs[q].a], *b = t.labels->pdata[pairs[q].b];
          csv_row (s, metric, a, b, "wilcoxon", pairs[q].w.statistic, pairs[q].w.p, "holm",
                   pairs[q].p_holm, ranks[pairs[q].a], ranks[pairs[q].b]);
          if (nemenyi)
            csv_row (s, metric, a, b, "nemenyi", fabs (ranks[pairs[q].a] - ranks[pairs[q].b]),
                     pairs[q].p_nemenyi, "nemenyi", pairs[q].p_nemenyi, ranks[pairs[q].a],
                     ranks[pairs[q].b]);
        }
      if (!td_file_write_atomic (csv, s->str, (gssize) s->len, &error))
        {
          g_printerr ("tundish compare: %s\n", error->message);
          g_clear_error (&error);
          rc = TD_EXIT_RUNTIME;
        }
      g_string_free (s, TRUE);
    }
  if (svg)
    {
      g_autofree gboolean *same = g_new0 (gboolean, k * k);
      for (size_t j = 0; j < k; j++)
        same[j * k + j] = TRUE;
      for (size_t q = 0; q < n_pairs; q++)
        {
          gboolean s = nemenyi ? fabs (ranks[pairs[q].a] - ranks[pairs[q].b]) < cd
                               : pairs[q].p_holm >= alpha;
          same[pairs[q].a * k + pairs[q].b] = same[pairs[q].b * k + pairs[q].a] = s;
        }
      g_autofree char *title = g_strdup_printf ("%s: mean rank over %zu %s (1 = best)", metric, n,
                                                by_trial ? "trials" : "runs");
      g_autofree char *note =
        nemenyi ? g_strdup_printf ("bars: no difference by Nemenyi's test, alpha %g", alpha)
                : g_strdup_printf ("bars: no difference by Wilcoxon signed-rank, Holm-corrected, "
                                   "alpha %g", alpha);
      TdCdDiagram dg = { title, k, (const char *const *) t.labels->pdata, ranks, same,
                         nemenyi ? cd : NAN, note };
      g_autofree char *text = td_cd_diagram_svg (&dg);
      if (!td_file_write_atomic (svg, text, -1, &error))
        {
          g_printerr ("tundish compare: %s\n", error->message);
          rc = TD_EXIT_RUNTIME;
        }
    }
  table_clear (&t);
  if (fflush (stdout) != 0 || ferror (stdout))
    rc = TD_EXIT_RUNTIME;
  return rc;
}
