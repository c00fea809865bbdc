/* The progress display's arithmetic and its JSON lines: the ETA weighs the
 * trials left by the measured time of finished trials of the same pipeline
 * (run/progress.c), and every string a JSON event carries is escaped
 * (util/json_line.c). The output around them is tested end to end in
 * tests/robust/test_run_ux.c. */
#include <math.h>
#include <string.h>

#include "run/progress.h"
#include "util/json_line.h"

static TdPipeline pa = { .name = "a", .variant = "", .label = "a" };
static TdPipeline pb = { .name = "b", .variant = "", .label = "b" };
static TdPipeline pc = { .name = "c", .variant = "", .label = "c" };

static void
set (TdTrial *t, TdPipeline *p, gboolean done, double seconds)
{
  *t = (TdTrial) { .pipeline = p, .done = done, .ok = done, .seconds = seconds };
}

static double
eta (TdTrial *trials, size_t n, int jobs)
{
  TdProgress p = { .trials = trials, .n_trials = n, .jobs = jobs };
  td_progress_init (&p);
  double e = td_progress_eta (&p);
  td_progress_clear (&p);
  return e;
}

static void
test_eta_weighs_by_pipeline (void)
{
  TdTrial t[10];
  /* finished: a took 10 s twice, b 1 s once (mean over all: 7 s) */
  set (&t[0], &pa, TRUE, 10);
  set (&t[1], &pa, TRUE, 10);
  set (&t[2], &pb, TRUE, 1);
  /* left: two of a, four of b */
  set (&t[3], &pa, FALSE, 0);
  set (&t[4], &pa, FALSE, 0);
  for (int k = 5; k < 9; k++)
    set (&t[k], &pb, FALSE, 0);
  g_assert_cmpfloat (eta (t, 9, 1), ==, 2 * 10 + 4 * 1);
  /* by count it would be 6 × 7 = 42: the rule is not that */
  g_assert_cmpfloat (eta (t, 9, 1), !=, 6 * 7);
  /* a pipeline with no finished trial yet: the mean over all, 7 s */
  set (&t[9], &pc, FALSE, 0);
  g_assert_cmpfloat (eta (t, 10, 1), ==, 24 + 7);
  /* two at a time: half the work, but never less than the longest trial left */
  g_assert_cmpfloat (eta (t, 10, 2), ==, 31.0 / 2);
  g_assert_cmpfloat (eta (t, 10, 8), ==, 10);
  /* a running trial halfway through counts half */
  g_atomic_int_set (&t[3].progress_permille, 500);
  g_assert_cmpfloat (eta (t, 10, 1), ==, 31 - 5);
  /* failed trials do not count as a measure of time */
  t[2].ok = FALSE;
  g_assert_cmpfloat (eta (t, 10, 1), ==, 5 + 10 + 4 * 10 + 10);
  /* nothing finished: unknown */
  for (int k = 0; k < 3; k++)
    t[k].done = FALSE;
  g_assert_cmpfloat (eta (t, 10, 1), <, 0);
  /* everything finished: nothing left */
  for (int k = 0; k < 10; k++)
    set (&t[k], &pa, TRUE, 1);
  g_assert_cmpfloat (eta (t, 10, 1), ==, 0);
}

static void
test_json_escaping (void)
{
  g_autoptr (GString) s = g_string_new ("");
  td_json_quote (s, "a\"b\\c\nd\te\r\x01 <é> \xff!");
  /* control characters escaped, invalid UTF-8 replaced by U+FFFD, the rest as is */
  g_assert_cmpstr (s->str, ==, "\"a\\\"b\\\\c\\nd\\te\\r\\u0001 <é> \xef\xbf\xbd!\"");
  g_string_truncate (s, 0);
  td_json_quote (s, NULL);
  g_assert_cmpstr (s->str, ==, "\"\"");

  TdJson j;
  td_json_begin (&j, "trial_finished");
  td_json_double (&j, "x", 0.1);
  td_json_double (&j, "nan", NAN);
  td_json_double (&j, "inf", INFINITY);
  td_json_int (&j, "n", -3);
  td_json_str (&j, "none", NULL);
  td_json_object_begin (&j, "metrics");
  td_json_double (&j, "roc_auc", 0.5);
  td_json_double (&j, "f1", 1);
  td_json_object_end (&j);
  g_autofree char *line = td_json_finish (&j);
  const char *rest = strstr (line, "\",\"x\"");
  g_assert_true (g_str_has_prefix (line, "{\"event\":\"trial_finished\",\"time\":\""));
  g_assert_nonnull (rest);
  /* "time":"YYYY-MM-DDTHH:MM:SS.mmmZ" */
  g_assert_cmpint (rest - strstr (line, "\"time\":\"") - 8, ==, 24);
  g_assert_cmpint (rest[-1], ==, 'Z');
  g_assert_cmpstr (rest, ==, "\",\"x\":0.10000000000000001,\"nan\":null,\"inf\":null,\"n\":-3,"
                             "\"none\":null,\"metrics\":{\"roc_auc\":0.5,\"f1\":1}}\n");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/progress/eta", test_eta_weighs_by_pipeline);
  g_test_add_func ("/progress/json", test_json_escaping);
  return g_test_run ();
}
