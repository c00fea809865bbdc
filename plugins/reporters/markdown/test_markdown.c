/* Tests of the markdown reporter: the exact results.md of the fixture
 * shared with the latex reporter, without comparisons, and with
 * parameters. */
#include <string.h>

#include "paper_fixture.h"

static const TdReporterVTable *
vtable (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_assert_nonnull (d);
  g_assert_null (td_plugin_descriptor (1));
  g_assert_cmpint (d->kind, ==, TD_KIND_REPORTER);
  g_assert_cmpstr (d->name, ==, "markdown");
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
  "<!-- results.md, written by tundish's markdown reporter 1.0.0 -->\n"
  "\n"
  "**casting\\_line \\#3**: mean \xc2\xb1 sd over 3 trials.\n"
  "\n"
  "| Pipeline | `roc_auc` \xe2\x86\x91 | `brier` \xe2\x86\x93 |\n"
  "|:---|---:|---:|\n"
  "| gbdt | **0.902 \xc2\xb1 0.008** \\*\\* | **0.083 \xc2\xb1 0.007** \\*\\*\\* |\n"
  "| lstm\\[hidden\\_size=32,tag=a\\_b&amp;c\\] | **0.902 \xc2\xb1 0.020** | \xe2\x80\x94 |\n"
  "| logistic (baseline) | 0.881 \xc2\xb1 0.014 | 0.090 \xc2\xb1 0.006 |\n"
  "\n"
  "Mean \xc2\xb1 sd over 3 trials per pipeline; bold: best mean per metric (\xe2\x86\x91 higher, "
  "\xe2\x86\x93 lower is better). Against the baseline logistic: \\* p < 0.05, \\*\\* p < 0.01, "
  "\\*\\*\\* p < 0.001 (`ttest`, `delong`: p adjusted for multiple comparisons with holm; "
  "`bootstrap`: p not adjusted for multiple comparisons).\n";

static void
test_exact (void)
{
  g_autoptr (TdParams) p = defaults ();
  g_autofree char *md = fixture_render (vtable (), p, TRUE, "results.md");
  g_assert_cmpstr (md, ==, expected);
}

static void
test_no_comparisons (void)
{
  g_autoptr (TdParams) p = defaults ();
  g_autofree char *md = fixture_render (vtable (), p, FALSE, "results.md");
  g_assert_null (strstr (md, "\\*"));
  g_assert_nonnull (strstr (md, "| gbdt | **0.902 \xc2\xb1 0.008** | **0.083 \xc2\xb1 0.007** |\n"));
  g_assert_nonnull (strstr (md, "lower is better). No significance tests against the baseline "
                                "were run.\n"));
}

static void
test_params (void)
{
  g_autoptr (TdParams) p = defaults ();
  g_autoptr (GError) error = NULL;
  g_assert_true (td_params_set_text (p, "metrics", "[roc_auc, f1]", &error));
  g_assert_true (td_params_set_text (p, "decimals", "4", &error));
  g_assert_no_error (error);
  g_autofree char *md = fixture_render (vtable (), p, TRUE, "results.md");
  /* at 4 decimals gbdt's 0.9021 beats lstm's 0.9018; f1 was never measured */
  g_assert_nonnull (strstr (md, "| Pipeline | `roc_auc` \xe2\x86\x91 | `f1` \xe2\x86\x91 |\n"));
  g_assert_nonnull (strstr (md, "| gbdt | **0.9021 \xc2\xb1 0.0081** \\*\\* | \xe2\x80\x94 |\n"));
  g_assert_nonnull (strstr (md, "| 0.9018 \xc2\xb1 0.0200 | \xe2\x80\x94 |\n"));
}

static void
test_controls (void)
{
  g_autoptr (TdParams) p = defaults ();
  g_autofree char *md = fixture_render_named (vtable (), p, TRUE, "results.md", FIXTURE_ESCAPES);
  fixture_assert_no_controls (md);
  /* shown as text: \x1b written "\\x1b" so Markdown displays \x1b */
  g_assert_nonnull (strstr (md, "**line\\\\x1b\\]0;t\\\\x07\\\\x1b\\[2J\\\\x7f\\\\x9bx**"));
}

/* Confusion counts: out of the default columns; asked for, ranked as
 * tundish/metrics.h says (tp ↑, fp ↓), gbdt's the bold ones. */
static void
test_counts (void)
{
  g_autoptr (TdParams) p = defaults ();
  g_autoptr (GError) error = NULL;
  g_assert_true (td_params_set_text (p, "metrics", "[tp, fp]", &error));
  g_assert_no_error (error);
  g_autofree char *md = fixture_render (vtable (), p, FALSE, "results.md");
  g_assert_nonnull (strstr (md, "| Pipeline | `tp` \xe2\x86\x91 | `fp` \xe2\x86\x93 |\n"));
  g_assert_nonnull (strstr (md, "| gbdt | **30.000 \xc2\xb1 1.000** | **3.000 \xc2\xb1 1.000** |\n"));
  g_assert_nonnull (strstr (md, "| logistic (baseline) | 28.000 \xc2\xb1 2.000 | 5.000 \xc2\xb1 2.000 |\n"));
  g_autoptr (TdParams) d = defaults ();
  g_autofree char *all = fixture_render (vtable (), d, FALSE, "results.md");
  g_assert_null (strstr (all, "`tp`"));
}

/* The bootstrap intervals of the summary, as summary.csv's boot_low and
 * boot_high at the table's decimals: after mean ± sd (outside the bold), none
 * where the summary has none, and the footnote says what they are. */
static void
test_bootstrap (void)
{
  g_autoptr (TdParams) p = defaults ();
  g_autofree char *md = fixture_render_full (vtable (), p, TRUE, "results.md", NULL, TRUE);
  g_assert_nonnull (strstr (md, "| gbdt | **0.902 \xc2\xb1 0.008** [0.887, 0.916] \\*\\* | "
                                "**0.083 \xc2\xb1 0.007** [0.075, 0.092] \\*\\*\\* |\n"));
  g_assert_nonnull (strstr (md, "| **0.902 \xc2\xb1 0.020** | \xe2\x80\x94 |\n"));
  g_assert_nonnull (strstr (md, "| logistic (baseline) | 0.881 \xc2\xb1 0.014 [0.863, 0.898] | "
                                "0.090 \xc2\xb1 0.006 [0.000, 0.100] |\n"));
  g_assert_nonnull (strstr (md, "lower is better). [low, high]: the 95% percentile bootstrap "
                                "interval of the mean over 2000 resamples of each trial's "
                                "test predictions (stratified by class, clustered by group). "
                                "Against the baseline"));
  /* without intervals the table is as before */
  g_autofree char *plain = fixture_render (vtable (), p, TRUE, "results.md");
  g_assert_null (strstr (plain, "[low, high]"));
  g_assert_null (strstr (plain, "0.887"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/markdown/exact", test_exact);
  g_test_add_func ("/markdown/no-comparisons", test_no_comparisons);
  g_test_add_func ("/markdown/params", test_params);
  g_test_add_func ("/markdown/control-characters", test_controls);
  g_test_add_func ("/markdown/counts", test_counts);
  g_test_add_func ("/markdown/bootstrap", test_bootstrap);
  return g_test_run ();
}
