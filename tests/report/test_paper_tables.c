/* results.md and results.tex of a real run against its summary.csv: every
 * cell of the paper tables shows the summary's mean ± sd and its bootstrap
 * interval [boot_low, boot_high] at the tables' 3 decimals, the numbers the
 * html report shows. */
#include <math.h>
#include <tundish/io.h>

#include "run_tiny.h"

static char *run_dir;

static char *
read_file (const char *name)
{
  g_autofree char *path = g_build_filename (run_dir, name, NULL);
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* The line of the table whose first cell is pipeline. */
static char *
row_of (const char *text, const char *prefix)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (size_t k = 0; lines[k]; k++)
    if (g_str_has_prefix (lines[k], prefix))
      return g_strdup (lines[k]);
  g_error ("no line starting \"%s\" in\n%s", prefix, text);
}

static void
test_intervals_match_summary (void)
{
  g_autofree char *csv = read_file ("summary.csv");
  g_autofree char *md = read_file ("results.md");
  g_autofree char *tex = read_file ("results.tex");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = td_csv_parse (csv, strlen (csv), "summary.csv", &error);
  g_assert_no_error (error);
  /* experiment,pipeline,variant,metric,mean,sd,n,t_low,t_high,boot_low,boot_high */
  g_autofree char *header = g_strjoinv (",", rows->pdata[0]);
  g_assert_cmpstr (header, ==,
                   "experiment,pipeline,variant,metric,mean,sd,n,t_low,t_high,boot_low,boot_high");
  size_t checked = 0;
  for (guint r = 1; r < rows->len; r++)
    {
      char **f = rows->pdata[r];
      const char *p = f[1], *m = f[3];
      if (!g_strv_contains ((const char *const[]) { "roc_auc", "pr_auc", "f1", "brier", NULL }, m))
        continue;
      double v[4];
      const int cols[4] = { 4, 5, 9, 10 };
      for (int k = 0; k < 4; k++)
        g_assert_true (td_csv_parse_double (f[cols[k]], &v[k]));
      g_assert_true (isfinite (v[2]) && isfinite (v[3]) && v[2] < v[3]);
      g_autofree char *md_cell = g_strdup_printf ("%.3f \xc2\xb1 %.3f [%.3f, %.3f]", v[0], v[1],
                                                  v[2], v[3]);
      g_autofree char *tex_cell = g_strdup_printf ("%.3f $\\pm$ %.3f", v[0], v[1]);
      g_autofree char *tex_ci = g_strdup_printf (" [%.3f, %.3f]", v[2], v[3]);
      g_autofree char *md_prefix = g_strdup_printf ("| %s ", p);
      g_autofree char *tex_prefix = g_strdup_printf ("    %s ", p);
      g_autofree char *md_row = row_of (md, md_prefix);
      g_autofree char *tex_row = row_of (tex, tex_prefix);
      /* the best mean is bold: "**mean ± sd** [lo, hi]" */
      g_autofree char *md_bold = g_strdup_printf ("%.3f \xc2\xb1 %.3f** [%.3f, %.3f]", v[0], v[1],
                                                  v[2], v[3]);
      if (!strstr (md_row, md_cell) && !strstr (md_row, md_bold))
        g_error ("results.md: %s %s: expected \"%s\" in\n%s", p, m, md_cell, md_row);
      const char *at = strstr (tex_row, tex_cell);
      g_assert_nonnull (at);
      at += strlen (tex_cell);
      if (*at == '}')   /* \textbf{...} */
        at++;
      g_assert_true (g_str_has_prefix (at, tex_ci));
      checked++;
    }
  g_assert_cmpuint (checked, ==, 8);   /* 2 pipelines × 4 metrics */
  g_assert_nonnull (strstr (md, "[low, high]: the 95% percentile bootstrap interval of the mean "
                                "over 1000 resamples"));
  g_assert_nonnull (strstr (tex, "[low, high]: the 95\\% percentile bootstrap interval"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 3)
    g_error ("usage: test_paper_tables TUNDISH SOURCE_ROOT");
  tundish = argv[1];
  src_root = argv[2];
  tmp_init ("tundish-paper-XXXXXX");
  run_dir = run_tiny ("run");
  g_test_add_func ("/report/paper-tables/bootstrap-intervals", test_intervals_match_summary);
  int rc = g_test_run ();
  g_free (run_dir);
  tmp_remove ();
  return rc;
}
