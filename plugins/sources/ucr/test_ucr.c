/* test_ucr.c — the ucr source on small archive folders written here: the
 * 2018 .tsv format and the .ts format, univariate and multivariate, class
 * names, partitions, positive_class; header checks naming the header line.
 * The real Trace folder is read in tests/sources (experiments/data/). */
#include <math.h>
#include <string.h>

#include "source_test_util.h"

static char *
folder (const char *name)
{
  return g_build_filename (test_dir (), name, NULL);
}

static void
test_tsv (void)
{
  g_free (test_write ("Toy/Toy_TRAIN.tsv", "1\t0.5\t0.25\t1\n2\t3\t4\t5\n1\t6\t7\t8\n"));
  g_free (test_write ("Toy/Toy_TEST.tsv", "2\t9\t10\t11\n3\t12\t13\t14\n"));
  g_autofree char *dir = folder ("Toy");
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) ds = test_load (&e, "path", dir, NULL);
  g_assert_no_error (e);
  g_assert_cmpuint (ds->n_series, ==, 5);
  g_assert_cmpuint (ds->n_steps, ==, 3);
  g_assert_cmpuint (ds->n_channels, ==, 1);
  g_assert_cmpint (ds->task, ==, TD_TASK_MULTICLASS);
  g_assert_cmpuint (ds->n_classes, ==, 3);
  g_assert_cmpstr (ds->class_names[2], ==, "3");
  const double want_y[] = { 0, 1, 0, 1, 2 }, want_part[] = { 0, 0, 0, 1, 1 };
  const TdMetaColumn *part = td_dataset_find_meta (ds, "partition");
  g_assert_nonnull (part);
  for (size_t s = 0; s < 5; s++)
    {
      g_assert_cmpfloat (ds->y[s], ==, want_y[s]);
      g_assert_cmpfloat (part->num[s], ==, want_part[s]);
    }
  g_assert_cmpfloat (ds->x[1], ==, 0.25f);
  g_assert_cmpfloat (td_dataset_series (ds, 4)[2], ==, 14.0f);

  g_autoptr (TdDataset) train = test_load (&e, "path", dir, "parts", "train", NULL);
  g_assert_no_error (e);
  g_assert_cmpuint (train->n_series, ==, 3);
  g_assert_cmpuint (train->n_classes, ==, 2);   /* classes met in TRAIN only */

  g_autoptr (TdDataset) bin = test_load (&e, "path", dir, "positive_class", "\"2\"", NULL);
  g_assert_no_error (e);
  g_assert_cmpint (bin->task, ==, TD_TASK_BINARY);
  g_assert_cmpstr (bin->class_names[1], ==, "2");
  const double want_bin[] = { 0, 1, 0, 1, 0 };
  for (size_t s = 0; s < 5; s++)
    g_assert_cmpfloat (bin->y[s], ==, want_bin[s]);
  g_autoptr (TdDataset) none = test_load (&e, "path", dir, "positive_class", "\"7\"", NULL);
  g_assert_null (none);
  g_assert_nonnull (strstr (e->message, "\"7\" is not a class of this dataset (1, 2, 3)"));
}

static const char ts_train[] =
  "# a comment\n"
  "@problemName Mv\n"
  "@timeStamps false\n"
  "@missing true\n"
  "@univariate false\n"
  "@dimensions 2\n"
  "@equalLength false\n"
  "@classLabel true up down\n"
  "@data\n"
  "1,2,3:4,5,6:down\n"
  "7,?:8,9:up\n";

static void
test_ts_multivariate (void)
{
  g_free (test_write ("Mv/Mv_TRAIN.ts", ts_train));
  g_free (test_write ("Mv/Mv_TEST.ts",
                      "@problemName Mv\n@dimensions 2\n@classLabel true up down\n@data\n"
                      "0.5,0.25:1,2:up\n"));
  g_autofree char *dir = folder ("Mv");
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) ds = test_load (&e, "path", dir, NULL);
  g_assert_no_error (e);
  g_assert_cmpuint (ds->n_series, ==, 3);
  g_assert_cmpuint (ds->n_channels, ==, 2);
  g_assert_cmpuint (ds->n_steps, ==, 3);
  g_assert_nonnull (ds->lengths);
  g_assert_cmpuint (ds->lengths[1], ==, 2);
  /* Class names in the header's order. */
  g_assert_cmpstr (ds->class_names[0], ==, "up");
  g_assert_cmpstr (ds->class_names[1], ==, "down");
  g_assert_cmpfloat (ds->y[0], ==, 1);
  g_assert_cmpfloat (ds->y[1], ==, 0);
  g_assert_cmpint (ds->task, ==, TD_TASK_MULTICLASS);
  /* x[step][channel]: series 0 is (1,4) (2,5) (3,6). */
  g_assert_cmpfloat (td_dataset_series (ds, 0)[1 * 2 + 1], ==, 5.0f);
  g_assert_true (isnan (td_dataset_series (ds, 1)[1 * 2 + 0]));
  g_assert_cmpfloat (td_dataset_series (ds, 2)[0], ==, 0.5f);
}

/* A header the data contradicts: the message names the data line, the
 * column and the header line. */
static void
test_ts_header_checked (void)
{
  g_free (test_write ("Bad/Bad_TRAIN.ts",
                      "@problemName Bad\n@univariate true\n@equalLength true\n"
                      "@seriesLength 3\n@classLabel true 1 2\n@data\n1,2,3:1\n4,5:2\n"));
  g_free (test_write ("Bad/Bad_TEST.ts",
                      "@problemName Bad\n@univariate true\n@classLabel true 1 2\n@data\n1,2,3:1\n"));
  g_autofree char *dir = folder ("Bad");
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) ds = test_load (&e, "path", dir, NULL);
  g_assert_null (ds);
  g_assert_nonnull (strstr (e->message, "Bad_TRAIN.ts:8:1: a series of 2 values; the header says "
                                        "@seriesLength 3 (line 4)"));
  g_clear_error (&e);
  g_free (test_write ("Bad/Bad_TRAIN.ts",
                      "@problemName Bad\n@univariate true\n@classLabel true 1 2\n@data\n"
                      "1,2,3:1\n4,5,6:3\n"));
  ds = test_load (&e, "path", dir, NULL);
  g_assert_null (ds);
  g_assert_nonnull (strstr (e->message, "Bad_TRAIN.ts:6:7: class \"3\" is not among the header's "
                                        "classes (line 3"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ucr/tsv", test_tsv);
  g_test_add_func ("/ucr/ts-multivariate", test_ts_multivariate);
  g_test_add_func ("/ucr/ts-header-checked", test_ts_header_checked);
  int rc = g_test_run ();
  test_dir_remove ();
  return rc;
}
