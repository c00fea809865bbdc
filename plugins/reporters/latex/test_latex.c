/* Tests of the latex reporter: the exact results.tex of a fixture (ties on
 * the rounded value, a missing cell, marks from the first test per metric,
 * two corrections stated), without comparisons, and with parameters. */
#include <string.h>

#include "paper_fixture.h"
#include "paper_table.h"

static const TdReporterVTable *
vtable (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_assert_nonnull (d);
  g_assert_null (td_plugin_descriptor (1));
  g_assert_cmpint (d->kind, ==, TD_KIND_REPORTER);
  g_assert_cmpstr (d->name, ==, "latex");
  return d->vtable;
}

static TdParams *
defaults (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_autoptr (GError) error = NULL;
  TdParams *p = td_params_new_defaults (d->params, d->n_params, &error);
  g_assert_no_error (error);
  return p;
}

static const char expected[] =
  "% results.tex, written by tundish's latex reporter 1.0.0 for the experiment casting_line #3.\n"
  "% Needs \\usepackage{booktabs}.\n"
  "\\begin{table}[htbp]\n"
  "  \\centering\n"
  "  \\caption{casting\\_line \\#3: mean $\\pm$ sd over 3 trials.}\n"
  "  \\label{tab:casting_line--3}\n"
  "  \\begin{tabular}{lcc}\n"
  "    \\toprule\n"
  "    Pipeline & roc\\_auc $\\uparrow$ & brier $\\downarrow$ \\\\\n"
  "    \\midrule\n"
  "    gbdt & \\textbf{0.902 $\\pm$ 0.008}$^{**}$ & \\textbf{0.083 $\\pm$ 0.007}$^{***}$ \\\\\n"
  "    lstm[hidden\\_size=32,tag=a\\_b\\&c] & \\textbf{0.902 $\\pm$ 0.020} & -- \\\\\n"
  "    logistic (baseline) & 0.881 $\\pm$ 0.014 & 0.090 $\\pm$ 0.006 \\\\\n"
  "    \\bottomrule\n"
  "  \\end{tabular}\n"
  "  \\par\\smallskip\\footnotesize Mean $\\pm$ sd over 3 trials per pipeline; bold: best mean per "
  "metric ($\\uparrow$ higher, $\\downarrow$ lower is better). Against the baseline logistic: "
  "$^{*}$~$p < 0.05$, $^{**}$~$p < 0.01$, $^{***}$~$p < 0.001$ (ttest, delong: $p$ adjusted for "
  "multiple comparisons with holm; bootstrap: $p$ not adjusted for multiple comparisons).\n"
  "\\end{table}\n";

static void
test_exact (void)
{
  g_autoptr (TdParams) p = defaults ();
  g_autofree char *tex = fixture_render (vtable (), p, TRUE, "results.tex");
  g_assert_cmpstr (tex, ==, expected);
}

static void
test_no_comparisons (void)
{
  g_autoptr (TdParams) p = defaults ();
  g_autofree char *tex = fixture_render (vtable (), p, FALSE, "results.tex");
  g_assert_null (strstr (tex, "$^{"));
  g_assert_nonnull (strstr (tex, "    gbdt & \\textbf{0.902 $\\pm$ 0.008} & \\textbf{0.083 $\\pm$ 0.007} \\\\\n"));
  g_assert_nonnull (strstr (tex, "lower is better). No significance tests against the baseline "
                                 "were run.\n\\end{table}\n"));
}

static void
test_params (void)
{
  g_autoptr (TdParams) p = defaults ();
  g_autoptr (GError) error = NULL;
  g_assert_true (td_params_set_text (p, "metrics", "[brier, n]", &error));
  g_assert_true (td_params_set_text (p, "decimals", "2", &error));
  g_assert_true (td_params_set_text (p, "caption", "Defects & 50% recall", &error));
  g_assert_true (td_params_set_text (p, "label", "tab:main results", &error));
  g_assert_no_error (error);
  g_autofree char *tex = fixture_render (vtable (), p, TRUE, "results.tex");
  g_assert_nonnull (strstr (tex, "  \\caption{Defects \\& 50\\% recall}\n  \\label{tab:main-results}\n"
                                 "  \\begin{tabular}{lcc}\n"));
  /* n is unranked: shown when asked for, never bold */
  g_assert_nonnull (strstr (tex, "    Pipeline & brier $\\downarrow$ & n \\\\\n"));
  g_assert_nonnull (strstr (tex, "    gbdt & \\textbf{0.08 $\\pm$ 0.01}$^{***}$ & 240.00 $\\pm$ 0.00 \\\\\n"));
  g_assert_nonnull (strstr (tex, "    logistic (baseline) & 0.09 $\\pm$ 0.01 & 240.00 $\\pm$ 0.00 \\\\\n"));
  /* only the test behind a shown mark is named */
  g_assert_null (strstr (tex, "ttest"));
  g_assert_nonnull (strstr (tex, "(bootstrap: $p$ not adjusted for multiple comparisons)."));
}

/* Confusion counts are left out of the default columns; asked for, they
 * are ranked as tundish/metrics.h says (more true positives, fewer false
 * ones), as in the html report, so gbdt's tp and fp are the bold ones. */
static void
test_counts (void)
{
  g_assert_cmpint (td_metric_direction ("tp"), ==, TD_METRIC_HIGHER_BETTER);
  g_assert_cmpint (td_metric_direction ("fp"), ==, TD_METRIC_LOWER_BETTER);
  g_autoptr (TdParams) p = defaults ();
  g_autoptr (GError) error = NULL;
  g_assert_true (td_params_set_text (p, "metrics", "[tp, fp, brier]", &error));
  g_assert_no_error (error);
  g_autofree char *tex = fixture_render (vtable (), p, FALSE, "results.tex");
  g_assert_nonnull (strstr (tex, "    Pipeline & tp $\\uparrow$ & fp $\\downarrow$ & "
                                 "brier $\\downarrow$ \\\\\n"));
  g_assert_nonnull (strstr (tex, "    gbdt & \\textbf{30.000 $\\pm$ 1.000} & "
                                 "\\textbf{3.000 $\\pm$ 1.000} & "
                                 "\\textbf{0.083 $\\pm$ 0.007} \\\\\n"));
  g_assert_nonnull (strstr (tex, "    logistic (baseline) & 28.000 $\\pm$ 2.000 & "
                                 "5.000 $\\pm$ 2.000 & 0.090 $\\pm$ 0.006 \\\\\n"));
  /* the default columns leave the counts out */
  g_autoptr (TdParams) d = defaults ();
  g_autofree char *all = fixture_render (vtable (), d, FALSE, "results.tex");
  g_assert_null (strstr (all, " & tp"));
  g_assert_null (strstr (all, " & fp"));
}

static void
test_named_test (void)
{
  /* test: delong takes gbdt's first roc_auc row (adjusted p 0.0002: ***)
   * instead of the ttest; brier has no delong row, so no mark */
  g_autoptr (TdParams) p = defaults ();
  g_autoptr (GError) error = NULL;
  g_assert_true (td_params_set_text (p, "test", "delong", &error));
  g_assert_no_error (error);
  g_autofree char *tex = fixture_render (vtable (), p, TRUE, "results.tex");
  g_assert_nonnull (strstr (tex, "    gbdt & \\textbf{0.902 $\\pm$ 0.008}$^{***}$ & \\textbf{0.083 $\\pm$ 0.007} \\\\\n"));
  g_assert_nonnull (strstr (tex, "(delong: $p$ adjusted for multiple comparisons with holm).\n"));
}

static void
test_no_run_dir (void)
{
  TdRunReport r = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_false (vtable ()->write (NULL, &r, &error));
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
}

static void
test_controls (void)
{
  g_autoptr (TdParams) p = defaults ();
  g_autofree char *tex = fixture_render_named (vtable (), p, TRUE, "results.tex",
                                               FIXTURE_ESCAPES);
  fixture_assert_no_controls (tex);
  g_assert_nonnull (strstr (tex, "line\\textbackslash{}x1b]0;t\\textbackslash{}x07"
                                 "\\textbackslash{}x1b[2J\\textbackslash{}x7f"
                                 "\\textbackslash{}x9bx"));
}

/* The bootstrap intervals of the summary, as summary.csv's boot_low and
 * boot_high at the table's decimals, after mean ± sd and before the marks;
 * none where the summary has none; a rounded -0.00004 is 0.000. */
static void
test_bootstrap (void)
{
  g_autoptr (TdParams) p = defaults ();
  g_autofree char *tex = fixture_render_full (vtable (), p, TRUE, "results.tex", NULL, TRUE);
  g_assert_nonnull (strstr (tex, "    gbdt & \\textbf{0.902 $\\pm$ 0.008} [0.887, 0.916]$^{**}$ & "
                                 "\\textbf{0.083 $\\pm$ 0.007} [0.075, 0.092]$^{***}$ \\\\\n"));
  g_assert_nonnull (strstr (tex, "a\\_b\\&c] & \\textbf{0.902 $\\pm$ 0.020} & -- \\\\\n"));
  g_assert_nonnull (strstr (tex, "    logistic (baseline) & 0.881 $\\pm$ 0.014 [0.863, 0.898] & "
                                 "0.090 $\\pm$ 0.006 [0.000, 0.100] \\\\\n"));
  g_assert_nonnull (strstr (tex, "lower is better). [low, high]: the 95\\% percentile bootstrap "
                                 "interval of the mean over 2000 resamples of each trial's test "
                                 "predictions (stratified by class, clustered by group). Against"));
  g_autofree char *plain = fixture_render (vtable (), p, TRUE, "results.tex");
  g_assert_null (strstr (plain, "[low, high]"));
  g_assert_cmpstr (plain, ==, expected);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/latex/exact", test_exact);
  g_test_add_func ("/latex/no-comparisons", test_no_comparisons);
  g_test_add_func ("/latex/counts", test_counts);
  g_test_add_func ("/latex/params", test_params);
  g_test_add_func ("/latex/named-test", test_named_test);
  g_test_add_func ("/latex/no-run-dir", test_no_run_dir);
  g_test_add_func ("/latex/control-characters", test_controls);
  g_test_add_func ("/latex/bootstrap", test_bootstrap);
  return g_test_run ();
}
