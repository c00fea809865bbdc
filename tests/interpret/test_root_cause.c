/* Root-cause scoring (core/src/run/root_cause.h), in two parts:
 *
 *  - td_root_cause_score on attributions whose answer is known: one that
 *    puts its mass on the cause channel and window scores 1.0 everywhere; one
 *    that always names the same wrong channel scores 0; one that names a
 *    random channel scores at chance (the mean of 4000 series within 0.03 of
 *    the chance the row reports, which is checked against the formula);
 *  - end to end through the real tundish (interp_gen with cause_metadata:
 *    the cause is sensor_1 on steps 10-19): planted reading sensor_1 finds
 *    it (top1 = stage_hit = window_share = 1), planted reading sensor_0
 *    never does (though its window is right), logistic on statistical features maps "sensor_1.mean" back
 *    to sensor_1; the run's files are the same after `tundish report`, and
 *    a generator without cause metadata gets no root_cause files. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "robust_util.h"
#include "run/root_cause.h"

static const char *const names[] = { "a", "b", "c", "d", "e", "f" };
static const char *const stages[] = { "s1", "s1", "s2", "s2", "s3", "s3" };

static void
test_perfect (void)
{
  double mass[6] = { 0.01, 0.02, 5, 0.0, 0.03, 0.01 };
  double steps[100] = { 0 };
  for (int t = 40; t < 50; t++)
    steps[t] = 1;
  TdRootCauseRow r;
  g_assert_true (td_root_cause_score (mass, 6, names, stages, steps, 100, "c", "s2", 40, 49, &r));
  g_assert_cmpfloat (r.top1, ==, 1);
  g_assert_cmpfloat (r.top3, ==, 1);
  g_assert_cmpfloat (r.stage_hit, ==, 1);
  g_assert_cmpfloat (r.window_share, ==, 1);
  g_assert_cmpstr (r.top_channel, ==, "c");
  g_assert_cmpstr (r.top_stage, ==, "s2");
  /* chances: 1/6, 1 − (5·4·3)/(6·5·4) = 0.5, 1/3 stages, window 10 of 100 */
  g_assert_cmpfloat (fabs (r.chance_top1 - 1.0 / 6), <, 1e-12);
  g_assert_cmpfloat (fabs (r.chance_top3 - 0.5), <, 1e-12);
  g_assert_cmpfloat (fabs (r.chance_stage - 1.0 / 3), <, 1e-12);
  g_assert_cmpfloat (fabs (r.chance_window - 0.1), <, 1e-12);
  g_assert_cmpfloat (fabs (r.shares[2] - 5 / 5.07), <, 1e-12);
  td_root_cause_row_clear (&r);

  /* two cause channels: top-1 chance 2/6, top-3 chance 1 − (4·3·2)/(6·5·4) = 0.8 */
  g_assert_true (td_root_cause_score (mass, 6, names, NULL, NULL, 0, "a;c", "s2", 0, 0, &r));
  g_assert_cmpfloat (fabs (r.chance_top1 - 2.0 / 6), <, 1e-12);
  g_assert_cmpfloat (fabs (r.chance_top3 - 0.8), <, 1e-12);
  g_assert_true (isnan (r.stage_hit) && isnan (r.window_share));   /* no map, no steps */
  td_root_cause_row_clear (&r);

  /* nothing to score: zero attribution, or a cause outside the channels */
  double zero[6] = { 0 };
  g_assert_false (td_root_cause_score (zero, 6, names, stages, NULL, 0, "c", "s2", 0, 0, &r));
  g_assert_false (td_root_cause_score (mass, 6, names, stages, NULL, 0, "zz", "s2", 0, 0, &r));
}

/* The mean of top1, top3, stage_hit over n series whose cause is channel
 * cause_of(i) and whose attribution's peak is pick(i). */
static void
mean_scores (int mode, double *top1, double *top3, double *stage, double *c1, double *c3,
             double *cs)
{
  g_autoptr (GRand) rng = g_rand_new_with_seed (7);
  const int n = 4000;
  *top1 = *top3 = *stage = *c1 = *c3 = *cs = 0;
  for (int i = 0; i < n; i++)
    {
      int cause = g_rand_int_range (rng, 0, 6);
      double mass[6];
      for (int c = 0; c < 6; c++)
        mass[c] = g_rand_double (rng);   /* a random ranking ... */
      if (mode == 1)
        mass[(cause + 1) % 6] = 10;      /* ... or always a wrong channel first */
      TdRootCauseRow r;
      g_assert_true (td_root_cause_score (mass, 6, names, stages, NULL, 0, names[cause],
                                          stages[cause], 0, 0, &r));
      *top1 += r.top1 / n, *top3 += r.top3 / n, *stage += r.stage_hit / n;
      *c1 += r.chance_top1 / n, *c3 += r.chance_top3 / n, *cs += r.chance_stage / n;
      td_root_cause_row_clear (&r);
    }
}

static void
test_chance (void)
{
  double t1, t3, st, c1, c3, cs;
  mean_scores (0, &t1, &t3, &st, &c1, &c3, &cs);
  g_test_message ("random attribution: top1 %.3f (chance %.3f), top3 %.3f (%.3f), stage %.3f "
                  "(%.3f)", t1, c1, t3, c3, st, cs);
  g_assert_cmpfloat (fabs (t1 - c1), <, 0.03);
  g_assert_cmpfloat (fabs (t3 - c3), <, 0.03);
  g_assert_cmpfloat (fabs (st - cs), <, 0.03);
  mean_scores (1, &t1, &t3, &st, &c1, &c3, &cs);
  g_assert_cmpfloat (t1, ==, 0);   /* the wrong channel is never the cause */
  g_assert_cmpfloat (t3, >, c3 - 0.2);   /* but the rest of the ranking is random */
}

static const char pipelines[] =
  "  - { name: right, model: { plugin: planted, params: { channel: 1 } } }\n"
  "  - { name: wrong, model: { plugin: planted, params: { channel: 0 } } }\n"
  "  - { name: logit, features: [statistical], model: logistic }\n";

static char *
experiment (const char *dir, const char *gen_params)
{
  g_autofree char *text = g_strdup_printf (
    "experiment: rc\n"
    "seed: 3\n"
    "repeats: 2\n"
    "data: { generator: interp_gen, params: { %s } }\n"
    "split: { method: stratified_holdout, test_size: 0.3, valid_size: 0.2 }\n"
    "pipelines:\n%s"
    "evaluate: [roc_auc]\n"
    "report: [csv, html]\n", gen_params, pipelines);
  return util_write (dir, "exp.yaml", text);
}

static void
run_ok (const char *const *args)
{
  g_auto (RunResult) r;
  util_run (&r, args, NULL);
  if (r.exit_code != 0)
    g_error ("tundish %s failed (%d): %s", args[0], r.exit_code, r.err);
}

/* The summary row of (pipeline, defect_type "all"), field name. */
static double
summary (GPtrArray *rows, const char *pipeline, const char *field)
{
  gint p = util_column (rows, "pipeline"), d = util_column (rows, "defect_type");
  gint f = util_column (rows, field);
  for (guint i = 1; i < rows->len; i++)
    {
      char **row = rows->pdata[i];
      if (strcmp (row[p], pipeline) == 0 && strcmp (row[d], "all") == 0)
        return util_num (row[f]);
    }
  g_error ("no summary row for %s", pipeline);
}

static void
test_end_to_end (void)
{
  g_autofree char *dir = util_mkdir ("rc");
  g_autofree char *exp = experiment (dir, "n_series: 90, amplitude: 3, cause_metadata: true");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  const char *args[] = { "run", exp, "-q", "-o", out, NULL };
  run_ok (args);
  g_autoptr (GPtrArray) rows = util_csv (out, "root_cause_summary.csv");
  /* the defective (class 1) test series of both repeats: the stratified
   * holdout keeps 14 of the 45 per repeat */
  g_assert_cmpfloat (summary (rows, "right", "n"), ==, 2 * 14);
  g_assert_cmpfloat (summary (rows, "right", "top1"), ==, 1);
  g_assert_cmpfloat (summary (rows, "right", "stage_hit"), ==, 1);
  g_assert_cmpfloat (summary (rows, "right", "window_share"), ==, 1);
  g_assert_cmpfloat (summary (rows, "wrong", "top1"), ==, 0);
  g_assert_cmpfloat (summary (rows, "wrong", "stage_hit"), ==, 0);
  /* right time, wrong sensor: the window share alone does not name the cause */
  g_assert_cmpfloat (summary (rows, "wrong", "window_share"), ==, 1);
  g_assert_cmpfloat (fabs (summary (rows, "wrong", "chance_top1") - 1.0 / 3), <, 1e-12);
  g_assert_cmpfloat (fabs (summary (rows, "right", "chance_window") - 10.0 / 40), <, 1e-12);
  /* the feature-matrix model: columns mapped back to their sensor, no window */
  g_assert_cmpfloat (summary (rows, "logit", "top1"), >, 0.9);
  g_assert_true (isnan (summary (rows, "logit", "window_share")));
  g_assert_cmpint (util_csv_rows (out, "root_cause.csv"), ==, 3 * 2 * 14);
  g_assert_cmpint (util_csv_rows (out, "root_cause_shares.csv"), ==, 3 * 2 * 3);

  /* the report's section: scores with chance, shares, one example per type */
  g_autofree char *html = util_read2 (out, "report.html");
  g_assert_nonnull (strstr (html, "<section id=\"root-cause\">"));
  g_assert_nonnull (strstr (html, "chance 0.333"));   /* top-1 of 3 sensors */
  g_assert_nonnull (strstr (html, "<h3>Example defects</h3>"));
  g_assert_nonnull (strstr (html, "<rect fill=\"rgba(180,77,18,0.18)\""));

  /* rebuilt from the trial folders: the same bytes */
  g_autofree char *copy = g_build_filename (dir, "summary_before.csv", NULL);
  g_autofree char *before = util_read2 (out, "root_cause_summary.csv");
  g_autofree char *sum_path = g_build_filename (out, "root_cause_summary.csv", NULL);
  g_assert_cmpint (g_unlink (sum_path), ==, 0);
  const char *rargs[] = { "report", out, "-q", NULL };
  run_ok (rargs);
  g_autofree char *after = util_read2 (out, "root_cause_summary.csv");
  g_assert_cmpstr (before, ==, after);

  /* no cause metadata: nothing scored */
  g_autofree char *dir2 = util_mkdir ("rc-none");
  g_autofree char *exp2 = experiment (dir2, "n_series: 60");
  g_autofree char *out2 = g_build_filename (dir2, "run", NULL);
  const char *args2[] = { "run", exp2, "-q", "-o", out2, NULL };
  run_ok (args2);
  g_assert_cmpint (util_csv_rows (out2, "root_cause_summary.csv"), ==, -1);
  g_autofree char *html2 = util_read2 (out2, "report.html");
  g_assert_null (strstr (html2, "id=\"root-cause\""));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  util_init (argc, argv);
  g_test_add_func ("/root-cause/perfect", test_perfect);
  g_test_add_func ("/root-cause/chance", test_chance);
  g_test_add_func ("/root-cause/end-to-end", test_end_to_end);
  int rc = g_test_run ();
  util_finish ();
  return rc;
}
