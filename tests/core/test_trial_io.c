/* A trial's folder round-trips: what td_run_write_trial writes,
 * td_trial_load reads back exactly (the basis of resume and of rebuilding
 * a run's outputs without refitting). */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "run/run_output.h"
#include "run/trial_io.h"

static void
rm_rf (const char *dir)
{
  const char *argv[] = { "rm", "-rf", dir, NULL };
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

static void
test_round_trip (void)
{
  TdPipeline pipe = { .name = "gbdt", .variant = "max_depth=4", .label = "gbdt[max_depth=4]" };
  TdExperiment exp = { 0 };
  exp.metrics = g_ptr_array_new ();
  g_ptr_array_add (exp.metrics, "roc_auc");
  g_ptr_array_add (exp.metrics, "brier");
  TdTrial t = { .pipeline = &pipe, .repeat = 2, .fold = 1, .ok = TRUE, .n_test = 3, .n_outputs = 1 };
  double metrics[] = { 0.1 + 0.2, NAN };
  gint64 ids[] = { 7, 11, 1200 };
  double y[] = { 0, 1, 0.5 }, sc[] = { 1.0 / 3.0, 0.999999999999, 1e-300 };
  t.metrics = metrics;
  t.test_ids = ids;
  t.test_y = y;
  t.test_scores = sc;
  t.curves = g_array_new (FALSE, FALSE, sizeof (TdCurvePoint));
  TdCurvePoint pt = { (char *) "valid_logloss", 3, 0.25 };
  g_array_append_val (t.curves, pt);
  t.importance = g_array_new (FALSE, TRUE, sizeof (TdImportance));
  TdImportance im = { (char *) "mold_level.max, \"odd\" name", "gain", 12.5 };
  g_array_append_val (t.importance, im);

  g_autofree char *dir = g_dir_make_tmp ("tundish-trial-XXXXXX", NULL);
  g_autoptr (GError) e = NULL;
  g_autofree char *tdir = td_trial_dir (dir, &t);
  g_mkdir_with_parents (tdir, 0755);
  g_assert_true (td_run_write_trial (dir, &exp, &t, &e));
  g_assert_no_error (e);

  TdTrial back = { .pipeline = &pipe, .repeat = 2, .fold = 1 };
  g_assert_true (td_trial_load (dir, &exp, &back, &e));
  g_assert_no_error (e);
  g_assert_true (back.ok);
  g_assert_cmpfloat (back.metrics[0], ==, metrics[0]);
  g_assert_true (isnan (back.metrics[1]));
  g_assert_cmpuint (back.n_test, ==, 3);
  g_assert_cmpmem (back.test_ids, sizeof ids, ids, sizeof ids);
  g_assert_cmpmem (back.test_y, sizeof y, y, sizeof y);
  g_assert_cmpmem (back.test_scores, sizeof sc, sc, sizeof sc);
  g_assert_cmpuint (back.curves->len, ==, 1);
  g_assert_cmpstr (g_array_index (back.curves, TdCurvePoint, 0).name, ==, "valid_logloss");
  g_assert_cmpuint (back.importance->len, ==, 1);
  g_assert_cmpstr (g_array_index (back.importance, TdImportance, 0).feature, ==, im.feature);
  td_trial_clear (&back);

  /* A failed trial reads back as failed, with its message. */
  TdTrial f = { .pipeline = &pipe, .repeat = 0, .fold = 0, .ok = FALSE,
                .error = (char *) "model: exploded, badly\nline two" };
  g_autofree char *fdir = td_trial_dir (dir, &f);
  g_mkdir_with_parents (fdir, 0755);
  g_assert_true (td_run_write_trial (dir, &exp, &f, NULL));
  TdTrial fb = { .pipeline = &pipe, .repeat = 0, .fold = 0 };
  g_assert_true (td_trial_load (dir, &exp, &fb, NULL));
  g_assert_false (fb.ok);
  g_assert_cmpstr (fb.error, ==, "model: exploded, badly line two");
  td_trial_clear (&fb);

  /* An unfinished trial (no metrics.csv) does not load. */
  TdTrial u = { .pipeline = &pipe, .repeat = 5, .fold = 0 };
  g_assert_false (td_trial_load (dir, &exp, &u, NULL));
  td_trial_clear (&u);

  g_array_unref (t.curves);
  g_array_unref (t.importance);
  g_ptr_array_unref (exp.metrics);
  rm_rf (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/trial-io/round-trip", test_round_trip);
  return g_test_run ();
}
