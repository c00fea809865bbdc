/* test_dataset_helpers.c — dataset.h's shared helpers (series length,
 * channel-name fallback, task names, length and sequence checks) through
 * the SDK header only, as plugins call them. */
#include <tundish/tundish.h>

#include <string.h>

static void
test_length (void)
{
  g_autoptr (TdDataset) ds = td_dataset_new (3, 10, 2, TD_TASK_BINARY, 2);
  for (size_t s = 0; s < 3; s++)
    g_assert_cmpuint (td_dataset_length (ds, s), ==, 10);
  ds->lengths = g_new (guint32, 3);
  ds->lengths[0] = 4;
  ds->lengths[1] = 10;
  ds->lengths[2] = 99;    /* invalid data never reads past the steps */
  g_assert_cmpuint (td_dataset_length (ds, 0), ==, 4);
  g_assert_cmpuint (td_dataset_length (ds, 1), ==, 10);
  g_assert_cmpuint (td_dataset_length (ds, 2), ==, 10);
}

static void
test_channel_name (void)
{
  g_autoptr (TdDataset) ds = td_dataset_new (1, 5, 12, TD_TASK_BINARY, 2);
  td_dataset_set_channel_name (ds, 3, "mold_level");
  char buf[TD_CHANNEL_NAME_BUF];
  g_assert_cmpstr (td_dataset_channel_name (ds, 3, buf), ==, "mold_level");
  g_clear_pointer (&ds->channel_names[11], g_free);   /* one name missing */
  ds->channel_names[11] = NULL;
  g_assert_cmpstr (td_dataset_channel_name (ds, 11, buf), ==, "c11");
  g_strfreev (ds->channel_names);                     /* no names at all */
  ds->channel_names = NULL;
  g_assert_cmpstr (td_dataset_channel_name (ds, 3, buf), ==, "c3");
  g_assert_cmpstr (td_dataset_channel_name (ds, G_MAXSIZE, buf), ==, "c18446744073709551615");
}

static void
test_task_name (void)
{
  g_assert_cmpstr (td_task_name (TD_TASK_BINARY), ==, "binary");
  g_assert_cmpstr (td_task_name (TD_TASK_MULTICLASS), ==, "multiclass");
  g_assert_cmpstr (td_task_name (TD_TASK_ANOMALY), ==, "anomaly");
  g_assert_cmpstr (td_task_name (TD_TASK_REGRESSION), ==, "regression");
  g_assert_cmpstr (td_task_name ((TdTask) 0), ==, "unknown");
}

static void
expect_error (gboolean ok, GError **e, const char *fragment)
{
  g_assert_false (ok);
  g_assert_error (*e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  if (!strstr ((*e)->message, fragment))
    g_error ("'%s' lacks '%s'", (*e)->message, fragment);
}

static void
test_checks (void)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) seq = td_dataset_new (3, 8, 2, TD_TASK_BINARY, 2);
  g_assert_true (td_dataset_check_lengths (seq, "me", &e));
  g_assert_true (td_dataset_check_sequences (seq, "me", "training", &e));
  g_assert_no_error (e);

  seq->lengths = g_new (guint32, 3);
  seq->lengths[0] = 8;
  seq->lengths[1] = 0;
  seq->lengths[2] = 3;
  seq->series_id[1] = 41;
  g_assert_true (td_dataset_check_lengths (seq, "me", &e));      /* 0 is a valid length */
  expect_error (td_dataset_check_sequences (seq, "me", "training", &e), &e,
                "me: series 41 of the training data has length 0; lengths must be in 1..8");
  g_clear_error (&e);
  seq->lengths[1] = 9;
  expect_error (td_dataset_check_lengths (seq, "zscore", &e), &e,
                "zscore: series 41 has length 9 > n_steps 8");
  g_clear_error (&e);

  g_autoptr (TdDataset) matrix = td_dataset_new (4, 1, 5, TD_TASK_BINARY, 2);
  expect_error (td_dataset_check_sequences (matrix, "lstm", "input", &e), &e,
                "lstm: the input data has one step per series (a feature matrix?)");
  g_clear_error (&e);
  g_autoptr (TdDataset) empty = td_dataset_new (0, 8, 2, TD_TASK_BINARY, 2);
  expect_error (td_dataset_check_sequences (empty, "lstm", "validation", &e), &e,
                "lstm: the validation data is empty");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dataset-helpers/length", test_length);
  g_test_add_func ("/dataset-helpers/channel-name", test_channel_name);
  g_test_add_func ("/dataset-helpers/task-name", test_task_name);
  g_test_add_func ("/dataset-helpers/checks", test_checks);
  return g_test_run ();
}
