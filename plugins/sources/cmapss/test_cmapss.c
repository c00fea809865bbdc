/* test_cmapss.c — the cmapss source on a two-engine miniature of the NASA
 * files: per-cycle RUL (capped) and the fails-within-w flag, test engines'
 * RUL from the RUL file, partitions, channel selection, malformed rows, and
 * the anomaly target's healthy and abnormal series.
 * The real FD001 is read in tests/sources (experiments/data/cmapss). */
#include <math.h>
#include <string.h>

#include "source_test_util.h"

/* unit cycle setting1..3 s1..s21, with two trailing spaces like NASA's. */
static char *
rows (int unit, int cycles, double base)
{
  GString *s = g_string_new ("");
  for (int c = 1; c <= cycles; c++)
    {
      g_string_append_printf (s, "%d %d 0.1 0.2 100.0", unit, c);
      for (int k = 1; k <= 21; k++)
        g_string_append_printf (s, " %.2f", base + k + 0.01 * c);
      g_string_append (s, "  \n");
    }
  return g_string_free (s, FALSE);
}

static char *
mini (void)
{
  g_autofree char *t1 = rows (1, 5, 0), *t2 = rows (2, 3, 100);
  g_autofree char *train = g_strconcat (t1, t2, NULL);
  g_free (test_write ("mini/train_FD009.txt", train));
  g_autofree char *e1 = rows (1, 2, 50);
  g_free (test_write ("mini/test_FD009.txt.gz", e1));
  g_free (test_write ("mini/RUL_FD009.txt", "40 \n"));
  return g_build_filename (test_dir (), "mini", NULL);
}

static void
test_rul (void)
{
  g_autofree char *dir = mini ();
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) ds = test_load (&e, "path", dir, "subset", "FD009", "rul_cap", "3", NULL);
  g_assert_no_error (e);
  g_assert_cmpuint (ds->n_series, ==, 3);
  g_assert_cmpuint (ds->n_steps, ==, 5);
  g_assert_cmpuint (ds->n_channels, ==, 24);
  g_assert_cmpint (ds->task, ==, TD_TASK_REGRESSION);
  g_assert_cmpstr (ds->channel_names[4], ==, "s2");
  g_assert_cmpuint (ds->lengths[1], ==, 3);
  /* Engine 1 of train, 5 cycles: RUL 4 3 2 1 0, capped at 3. */
  const double want[] = { 3, 3, 2, 1, 0 };
  for (int t = 0; t < 5; t++)
    g_assert_cmpfloat (ds->y_step[t], ==, want[t]);
  g_assert_cmpfloat (ds->y[0], ==, 0);
  g_assert_cmpfloat (ds->y[1], ==, 0);
  /* The test engine ends 40 cycles before failure: capped 3 at both cycles. */
  g_assert_cmpfloat (ds->y[2], ==, 3);
  const TdMetaColumn *part = td_dataset_find_meta (ds, "partition");
  const TdMetaColumn *rul_end = td_dataset_find_meta (ds, "rul_end");
  const TdMetaColumn *unit = td_dataset_find_meta (ds, "unit");
  g_assert_nonnull (part);
  g_assert_cmpfloat (part->num[1], ==, 0);
  g_assert_cmpfloat (part->num[2], ==, 1);
  g_assert_cmpfloat (rul_end->num[2], ==, 40);
  g_assert_cmpfloat (unit->num[2], ==, 1);
  /* Train engine 1 and test engine 1 are different engines: different groups. */
  g_assert_cmpint (ds->group[0], !=, ds->group[2]);
  g_assert_cmpfloat (td_dataset_series (ds, 1)[0 * 24 + 4], ==, 102.01f);

  g_autoptr (TdDataset) uncapped = test_load (&e, "path", dir, "subset", "FD009", NULL);
  g_assert_cmpfloat (uncapped->y_step[0], ==, 4);
  g_assert_cmpfloat (uncapped->y[2], ==, 40);
}

static void
test_binary_channels (void)
{
  g_autofree char *dir = mini ();
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) ds = test_load (&e, "path", dir, "subset", "FD009", "target", "binary",
                                        "horizon", "2", "channels", "[s21, s2]", "parts", "train",
                                        NULL);
  g_assert_no_error (e);
  g_assert_cmpint (ds->task, ==, TD_TASK_BINARY);
  g_assert_cmpuint (ds->n_series, ==, 2);
  g_assert_cmpuint (ds->n_channels, ==, 2);
  g_assert_cmpstr (ds->channel_names[0], ==, "s21");
  g_assert_cmpfloat (ds->x[0], ==, 21.01f);
  g_assert_cmpfloat (ds->x[1], ==, 2.01f);
  const double want[] = { 0, 0, 1, 1, 1 };   /* RUL 4 3 2 1 0, fails within 2 */
  for (int t = 0; t < 5; t++)
    g_assert_cmpfloat (ds->y_step[t], ==, want[t]);
  g_assert_cmpfloat (ds->y[0], ==, 1);
}

/* Engine 1 (5 cycles) and engine 2 (3 cycles) with 2 healthy and 1 abnormal
 * cycle: engine 1's cycles 1-2 and 5 (cycles 3-4 left out), engine 2's 1-2
 * and 3; the values' 0.01 * cycle says which cycle was kept. */
static void
test_anomaly (void)
{
  g_autofree char *dir = mini ();
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) ds = test_load (&e, "path", dir, "subset", "FD009", "target", "anomaly",
                                        "healthy_cycles", "2", "abnormal_cycles", "1",
                                        "parts", "train", "channels", "[s1]", NULL);
  g_assert_no_error (e);
  g_assert_cmpint (ds->task, ==, TD_TASK_BINARY);
  g_assert_cmpstr (ds->class_names[0], ==, "healthy");
  g_assert_cmpstr (ds->class_names[1], ==, "abnormal");
  g_assert_cmpuint (ds->n_series, ==, 4);
  g_assert_cmpuint (ds->n_steps, ==, 2);
  g_assert_cmpstr (ds->channel_names[0], ==, "s1");
  const double y[] = { 0, 1, 0, 1 };
  const guint32 len[] = { 2, 1, 2, 1 };
  const float first[] = { 1.01f, 1.05f, 101.01f, 101.03f };
  const double first_cycle[] = { 1, 5, 1, 3 };
  const TdMetaColumn *fc = td_dataset_find_meta (ds, "first_cycle");
  const TdMetaColumn *unit = td_dataset_find_meta (ds, "unit");
  g_assert_nonnull (fc);
  g_assert_cmpint (fc->role, ==, TD_META_TARGET);
  g_assert_cmpint (unit->role, ==, TD_META_INPUT);
  g_assert_null (td_dataset_find_meta (ds, "partition"));
  for (size_t s = 0; s < 4; s++)
    {
      g_assert_cmpfloat (ds->y[s], ==, y[s]);
      g_assert_cmpuint (ds->lengths[s], ==, len[s]);
      g_assert_cmpfloat (td_dataset_series (ds, s)[0], ==, first[s]);
      g_assert_cmpfloat (ds->y_step[s * 2], ==, y[s]);
      g_assert_cmpfloat (fc->num[s], ==, first_cycle[s]);
      g_assert_cmpfloat (unit->num[s], ==, s < 2 ? 1 : 2);
    }
  g_assert_cmpfloat (td_dataset_series (ds, 0)[1], ==, 1.02f);
  g_assert_true (isnan (ds->y_step[1 * 2 + 1]));       /* padding of a 1-cycle series */
  /* An engine's two series share its group; the two engines do not. */
  g_assert_cmpint (ds->group[0], ==, ds->group[1]);
  g_assert_cmpint (ds->group[2], ==, ds->group[3]);
  g_assert_cmpint (ds->group[0], !=, ds->group[2]);

  /* Engine 2 has 3 cycles: 2 + 2 would make cycle 2 or 3 both. */
  g_autoptr (TdDataset) overlap = test_load (&e, "path", dir, "subset", "FD009", "target",
                                             "anomaly", "healthy_cycles", "2",
                                             "abnormal_cycles", "2", "parts", "train", NULL);
  g_assert_null (overlap);
  g_assert_nonnull (strstr (e->message, "parameters healthy_cycles (2) and abnormal_cycles (2): "
                                        "unit 2 of "));
  g_assert_nonnull (strstr (e->message, "train_FD009.txt has 3 cycles; expected at least their "
                                        "sum (4)"));
  g_clear_error (&e);
  /* The test engines stop before failure: they have no last cycles before it. */
  g_autoptr (TdDataset) both = test_load (&e, "path", dir, "subset", "FD009", "target",
                                          "anomaly", "healthy_cycles", "1",
                                          "abnormal_cycles", "1", NULL);
  g_assert_null (both);
  g_assert_nonnull (strstr (e->message, "parameter parts: both with target anomaly"));
  g_assert_nonnull (strstr (e->message, "expected parts: train"));
}

static void
test_malformed (void)
{
  g_autofree char *dir = mini ();
  g_autofree char *r = rows (1, 3, 0);
  /* Cycle 3 becomes 4: a missing cycle on line 3, column 3. */
  char *third = strstr (strstr (strchr (r, '\n') + 1, "\n") + 1, " 3 ");
  third[1] = '4';
  g_free (test_write ("mini/train_FD009.txt", r));
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) ds = test_load (&e, "path", dir, "subset", "FD009", NULL);
  g_assert_null (ds);
  g_assert_nonnull (strstr (e->message, "train_FD009.txt:3:3: cycle 4 of unit 1 after cycle 2; "
                                        "expected 3"));
  g_clear_error (&e);
  g_autofree char *ok = rows (1, 3, 0);
  g_free (test_write ("mini/train_FD009.txt", ok));
  g_free (test_write ("mini/RUL_FD009.txt", "40\n12\n"));
  ds = test_load (&e, "path", dir, "subset", "FD009", NULL);
  g_assert_null (ds);
  g_assert_nonnull (strstr (e->message, "RUL_FD009.txt:2:1: more RUL lines than the 1 test "
                                        "engines"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cmapss/rul", test_rul);
  g_test_add_func ("/cmapss/binary-channels", test_binary_channels);
  g_test_add_func ("/cmapss/anomaly", test_anomaly);
  g_test_add_func ("/cmapss/malformed", test_malformed);
  int rc = g_test_run ();
  test_dir_remove ();
  return rc;
}
