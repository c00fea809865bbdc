/* test_compare_cli.c — `tundish compare` on the fixture runs of
 * tests/golden/stats/compare_runs: the Friedman, Iman-Davenport, Wilcoxon,
 * Holm and Nemenyi values it writes with --csv against compare_cli.ini
 * (scipy / statsmodels), the mean ranks, a well-formed SVG diagram with
 * every (escaped) name, per-trial blocks within one run, and usage errors.
 *
 * argv[1] is the tundish executable. */
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli_run.h"
#include "golden_ini.h"

static const char *tundish;

static int
run (const char *const *args, char **out, char **err)
{
  return cli_run (tundish, "compare", args, out, err);
}

static GPtrArray *
run_dirs (void)
{
  GPtrArray *dirs = g_ptr_array_new_with_free_func (g_free);
  for (int r = 0; r < 12; r++)
    {
      g_autofree char *name = g_strdup_printf ("run%02d", r);
      g_ptr_array_add (dirs, g_build_filename (TD_GOLDEN_STATS_DIR, "compare_runs", name, NULL));
    }
  return dirs;
}

/* The CSV fields of one line (RFC 4180, as the command writes them). */
static GPtrArray *
csv_fields (const char *line)
{
  GPtrArray *f = g_ptr_array_new_with_free_func (g_free);
  GString *cur = g_string_new (NULL);
  gboolean quoted = FALSE;
  for (const char *p = line;; p++)
    {
      if (quoted && *p == '"' && p[1] == '"')
        {
          g_string_append_c (cur, '"');
          p++;
        }
      else if (*p == '"')
        quoted = !quoted;
      else if ((*p == ',' && !quoted) || *p == '\0')
        {
          g_ptr_array_add (f, g_string_free (cur, FALSE));
          if (*p == '\0')
            break;
          cur = g_string_new (NULL);
        }
      else
        g_string_append_c (cur, *p);
    }
  return f;
}

static void
test_runs (void)
{
  g_autoptr (GKeyFile) kf = golden_open ("compare_cli.ini");
  g_autofree char *dir = g_dir_make_tmp ("tundish-compare-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename (dir, "pairs.csv", NULL);
  g_autofree char *svg = g_build_filename (dir, "cd.svg", NULL);
  g_autoptr (GPtrArray) dirs = run_dirs ();
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  const char *opts[] = { "--metric", "roc_auc", "--nemenyi", "--csv", csv, "--svg", svg };
  for (size_t i = 0; i < G_N_ELEMENTS (opts); i++)
    g_ptr_array_add (args, (gpointer) opts[i]);
  for (guint i = 0; i < dirs->len; i++)
    g_ptr_array_add (args, dirs->pdata[i]);
  g_ptr_array_add (args, NULL);
  g_autofree char *out = NULL, *err = NULL;
  int rc = run ((const char *const *) args->pdata, &out, &err);
  if (rc != 0)
    g_printerr ("%s%s", out, err);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (out, "over 12 runs"));
  g_assert_nonnull (strstr (out, "Holm"));

  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "metric,pipeline_a,pipeline_b,test,statistic,p_value,"
                                 "correction,p_adjusted,mean_rank_a,mean_rank_b");
  g_auto (GStrv) names = g_key_file_get_string_list (kf, "summary", "pipelines", NULL, NULL);
  size_t nr;
  g_autofree double *ranks = golden_list (kf, "summary", "mean_ranks", &nr);
  size_t seen_pairs = 0;
  gboolean seen_friedman = FALSE, seen_id = FALSE;
  for (size_t l = 1; lines[l] && *lines[l]; l++)
    {
      g_autoptr (GPtrArray) f = csv_fields (lines[l]);
      g_assert_cmpuint (f->len, ==, 10);
      const char *test = f->pdata[3];
      double stat = g_ascii_strtod (f->pdata[4], NULL), p = g_ascii_strtod (f->pdata[5], NULL);
      double padj = g_ascii_strtod (f->pdata[7], NULL);
      if (strcmp (test, "friedman") == 0)
        {
          golden_close ("chi2", stat, golden_num (kf, "summary", "chi2"), 1e-12, 1e-12);
          golden_close ("p", p, golden_num (kf, "summary", "p"), 1e-15, 1e-9);
          seen_friedman = TRUE;
          continue;
        }
      if (strcmp (test, "iman_davenport") == 0)
        {
          golden_close ("F", stat, golden_num (kf, "summary", "f"), 1e-12, 1e-12);
          golden_close ("p_F", p, golden_num (kf, "summary", "p_f"), 1e-15, 1e-9);
          seen_id = TRUE;
          continue;
        }
      int a = -1, b = -1;
      for (int j = 0; names[j]; j++)
        {
          if (strcmp (names[j], f->pdata[1]) == 0)
            a = j;
          if (strcmp (names[j], f->pdata[2]) == 0)
            b = j;
        }
      g_assert_cmpint (a, >=, 0);
      g_assert_cmpint (b, >, a);
      golden_close ("rank a", g_ascii_strtod (f->pdata[8], NULL), ranks[a], 1e-12, 0);
      golden_close ("rank b", g_ascii_strtod (f->pdata[9], NULL), ranks[b], 1e-12, 0);
      g_autofree char *g = g_strdup_printf ("pair.%d.%d", a, b);
      if (strcmp (test, "wilcoxon") == 0)
        {
          g_assert_cmpstr (f->pdata[6], ==, "holm");
          golden_close (g, stat, golden_num (kf, g, "statistic"), 1e-12, 0);
          golden_close (g, p, golden_num (kf, g, "p"), 1e-15, 1e-9);
          golden_close (g, padj, golden_num (kf, g, "p_holm"), 1e-15, 1e-9);
          seen_pairs++;
        }
      else
        {
          g_assert_cmpstr (test, ==, "nemenyi");
          golden_close (g, p, golden_num (kf, g, "p_nemenyi"), 1e-15, 1e-9);
        }
    }
  g_assert_true (seen_friedman && seen_id);
  g_assert_cmpuint (seen_pairs, ==, 6);

  /* the printed CD */
  g_autofree char *cd = g_strdup_printf ("%.4f", golden_num (kf, "summary", "cd"));
  g_assert_nonnull (strstr (out, cd));

  /* the diagram: well-formed XML naming every pipeline, escaped */
  g_autofree char *svg_text = NULL;
  g_assert_true (g_file_get_contents (svg, &svg_text, NULL, NULL));
  GMarkupParser none = { 0 };
  g_autoptr (GMarkupParseContext) ctx = g_markup_parse_context_new (&none, 0, NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (g_markup_parse_context_parse (ctx, svg_text, -1, &error)
                 && g_markup_parse_context_end_parse (ctx, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (svg_text, "<?xml"));
  g_assert_nonnull (strstr (svg_text, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
  for (int j = 0; names[j]; j++)
    g_assert_nonnull (strstr (svg_text, names[j]));
  g_assert_nonnull (strstr (svg_text, "CD = "));

  g_remove (csv);
  g_remove (svg);
  g_rmdir (dir);
}

/* One run: its trials are the blocks. A name needing CSV quotes survives. */
static void
test_trials (void)
{
  g_autofree char *one = g_build_filename (TD_GOLDEN_STATS_DIR, "compare_runs", "run00", NULL);
  const char *args[] = { "--metric", "brier", one, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_assert_cmpint (run (args, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "brier (lower is better): 4 pipelines over 3 trials"));
  g_assert_nonnull (strstr (out, "rocket[k=1000, fast]"));
}

static void
test_errors (void)
{
  g_autofree char *one = g_build_filename (TD_GOLDEN_STATS_DIR, "compare_runs", "run00", NULL);
  g_autofree char *out = NULL, *err = NULL;
  const char *unknown[] = { "--metric", "nope", one, NULL };
  g_assert_cmpint (run (unknown, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "nope"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  const char *missing[] = { "/nonexistent/run", NULL };
  g_assert_cmpint (run (missing, &out, &err), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  const char *bad_alpha[] = { "--alpha", "2", one, NULL };
  g_assert_cmpint (run (bad_alpha, &out, &err), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  const char *help[] = { "--help", NULL };
  g_assert_cmpint (run (help, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "Examples:"));
}

/* The mean rank printed on the line of pipeline name (NaN when absent). */
static double
mean_rank (const char *out, const char *name)
{
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  for (char **l = lines; *l; l++)
    {
      char who[64];
      double rank;
      if (sscanf (*l, "%63s %lf", who, &rank) == 2 && strcmp (who, name) == 0)
        return rank;
    }
  return NAN;
}

/* A lower-is-better count: fewer false positives rank first. Before the
 * one direction table (tundish/metrics.h), compare ranked fp descending,
 * so the pipeline with the most false alarms came out best. A metric no
 * table knows is ranked higher-is-better, with a note on stderr. */
static void
test_direction (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tundish-compare-dir-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "results.csv", NULL);
  /* few_fp has the fewest false positives in every trial, many_fp the most */
  GString *csv = g_string_new ("experiment,pipeline,variant,repeat,fold,metric,value\n");
  const char *pipes[] = { "many_fp", "mid_fp", "few_fp" };
  for (int r = 0; r < 4; r++)
    for (int j = 0; j < 3; j++)
      {
        g_string_append_printf (csv, "e,%s,,%d,0,fp,%d\n", pipes[j], r, 30 - 10 * j + r);
        g_string_append_printf (csv, "e,%s,,%d,0,wobble,%d\n", pipes[j], r, 30 - 10 * j + r);
      }
  g_assert_true (g_file_set_contents (path, csv->str, (gssize) csv->len, NULL));
  g_string_free (csv, TRUE);

  const char *args[] = { "--metric", "fp", dir, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_assert_cmpint (run (args, &out, &err), ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "fp (lower is better): 3 pipelines over 4 trials"));
  const char *few = strstr (out, "few_fp"), *mid = strstr (out, "mid_fp"),
             *many = strstr (out, "many_fp");
  g_assert_true (few && mid && many && few < mid && mid < many);   /* listed best first */
  g_assert_cmpfloat (mean_rank (out, "few_fp"), ==, 1.0);
  g_assert_cmpfloat (mean_rank (out, "many_fp"), ==, 3.0);
  g_assert_null (strstr (err, "no known direction"));

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  const char *unknown[] = { "--metric", "wobble", dir, NULL };
  g_assert_cmpint (run (unknown, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "wobble (higher is better)"));
  g_assert_nonnull (strstr (err, "wobble: no known direction; ranked higher-is-better"));
  g_assert_cmpfloat (mean_rank (out, "many_fp"), ==, 1.0);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  tundish = argv[1];
  g_test_add_func ("/compare-cli/runs", test_runs);
  g_test_add_func ("/compare-cli/trials", test_trials);
  g_test_add_func ("/compare-cli/errors", test_errors);
  g_test_add_func ("/compare-cli/direction", test_direction);
  return g_test_run ();
}
