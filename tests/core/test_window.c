/* data.window: end-aligned windows, every label rule on a hand-made
 * dataset, groups and metadata kept, short recordings padded or dropped,
 * the last-window protocol, and the errors that name the config position. */
#include <math.h>
#include <string.h>

#include "data/window.h"

#define WHERE "exp.yaml:4:30"

/* Two recordings of 10 and 7 steps (one channel, x = 100 * rec + step),
 * groups 5 and 9, a per-step fault flag, recording 1 in the test partition. */
static const double flags[2][10] = {
  { 0, 0, 0, 0, 1, 1, 0, 0, 0, 1 },
  { 0, 0, 0, 0, 0, 0, 1, NAN, NAN, NAN },
};

static TdDataset *
make_recordings (gboolean per_step)
{
  TdDataset *ds = td_dataset_new (2, 10, 1, TD_TASK_BINARY, 2);
  ds->lengths = g_new (guint32, 2);
  ds->lengths[0] = 10;
  ds->lengths[1] = 7;
  for (size_t s = 0; s < 2; s++)
    for (size_t t = 0; t < ds->lengths[s]; t++)
      td_dataset_series (ds, s)[t] = (float) (100 * s + t);
  ds->series_id[0] = 40;
  ds->series_id[1] = 41;
  ds->group[0] = 5;
  ds->group[1] = 9;
  ds->y[0] = 1;
  ds->y[1] = 0;
  if (per_step)
    {
      double *y = td_dataset_alloc_y_step (ds);
      memcpy (y, flags, sizeof flags);
    }
  const double part[2] = { 0, 1 };
  td_dataset_add_meta_num (ds, TD_META_PARTITION, part);
  const char *lot[2] = { "lot-a", "lot-b" };
  td_dataset_add_meta_str (ds, "lot", lot);
  td_dataset_set_meta_role (ds, "lot", TD_META_INPUT);
  return ds;
}

static TdWindowSpec
spec_of (int length, int stride, TdWindowLabel label)
{
  return (TdWindowSpec) { .enabled = TRUE, .length = length, .stride = stride, .label = label,
                          .where_label = (char *) WHERE, .where_test = (char *) WHERE };
}

static void
assert_labels (const TdDataset *w, const double *want, size_t n)
{
  g_assert_cmpuint (w->n_series, ==, n);
  for (size_t k = 0; k < n; k++)
    g_assert_cmpfloat (w->y[k], ==, want[k]);
}

static void
test_windows_and_metadata (void)
{
  g_autoptr (TdDataset) ds = make_recordings (TRUE);
  TdWindowSpec spec = spec_of (4, 2, TD_WINDOW_LABEL_LAST);
  g_autoptr (TdDataset) w = td_window_apply (ds, &spec, NULL);
  g_assert_nonnull (w);
  /* aligned to the end: recording 0 (10 steps) starts 0, 2, 4, 6; recording 1
   * (7 steps) starts 1, 3 — its last window ends at its last step */
  const double starts[] = { 0, 2, 4, 6, 1, 3 };
  const double recs[] = { 40, 40, 40, 40, 41, 41 };
  g_assert_cmpuint (w->n_series, ==, 6);
  g_assert_cmpuint (w->n_steps, ==, 4);
  g_assert_null (w->lengths);                  /* no window is short */
  g_assert_null (w->y_step);
  const TdMetaColumn *st = td_dataset_find_meta (w, TD_META_WINDOW_START);
  const TdMetaColumn *rc = td_dataset_find_meta (w, TD_META_RECORDING);
  g_assert_cmpint (st->role, ==, TD_META_INPUT);
  g_assert_cmpint (rc->role, ==, TD_META_INPUT);
  for (size_t k = 0; k < 6; k++)
    {
      g_assert_cmpfloat (st->num[k], ==, starts[k]);
      g_assert_cmpfloat (rc->num[k], ==, recs[k]);
      g_assert_cmpint (w->group[k], ==, k < 4 ? 5 : 9);   /* the recording's group */
      g_assert_cmpint (w->series_id[k], ==, (gint64) k);
      size_t r = k < 4 ? 0 : 1;
      for (size_t t = 0; t < 4; t++)
        g_assert_cmpfloat (td_dataset_series (w, k)[t], ==, (float) (100 * r + starts[k] + t));
    }
  /* the recording's metadata travels with each window, roles kept */
  const TdMetaColumn *lot = td_dataset_find_meta (w, "lot");
  g_assert_cmpstr (lot->str[3], ==, "lot-a");
  g_assert_cmpstr (lot->str[4], ==, "lot-b");
  g_assert_cmpint (lot->role, ==, TD_META_INPUT);
  g_assert_cmpint (td_dataset_find_meta (w, TD_META_PARTITION)->role, ==, TD_META_TARGET);
  g_assert_cmpfloat (td_dataset_find_meta (w, TD_META_PARTITION)->num[5], ==, 1);
  const double last[] = { 0, 1, 0, 1, 0, 1 };
  assert_labels (w, last, 6);
}

static void
test_label_rules (void)
{
  g_autoptr (TdDataset) ds = make_recordings (TRUE);
  /* windows: rec 0 [0,4) [2,6) [4,8) [6,10); rec 1 [1,5) [3,7) */
  const double any[] = { 0, 1, 1, 1, 0, 1 };
  /* ties (two of each) go to the positive class */
  const double majority[] = { 0, 1, 1, 0, 0, 0 };
  /* steps [end, end + 2): none past a recording's end */
  const double ahead[] = { 1, 0, 1, 0, 1, 0 };
  const double series[] = { 1, 1, 1, 1, 0, 0 };
  struct { TdWindowLabel rule; const double *want; } cases[] = {
    { TD_WINDOW_LABEL_ANY, any }, { TD_WINDOW_LABEL_MAJORITY, majority },
    { TD_WINDOW_LABEL_AHEAD, ahead }, { TD_WINDOW_LABEL_SERIES, series },
  };
  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      TdWindowSpec spec = spec_of (4, 2, cases[c].rule);
      spec.horizon = 2;
      g_autoptr (TdDataset) w = td_window_apply (ds, &spec, NULL);
      assert_labels (w, cases[c].want, 6);
    }
  /* label: series needs no per-step labels */
  g_autoptr (TdDataset) plain = make_recordings (FALSE);
  TdWindowSpec spec = spec_of (4, 2, TD_WINDOW_LABEL_SERIES);
  g_autoptr (TdDataset) w = td_window_apply (plain, &spec, NULL);
  assert_labels (w, series, 6);
}

static void
test_regression_and_multiclass (void)
{
  /* RUL per step: the window's target is its last step's value */
  g_autoptr (TdDataset) ds = td_dataset_new (1, 6, 2, TD_TASK_REGRESSION, 0);
  double *y = td_dataset_alloc_y_step (ds);
  for (size_t t = 0; t < 6; t++)
    y[t] = 125.0 - 10.0 * (double) t;
  TdWindowSpec spec = spec_of (3, 1, TD_WINDOW_LABEL_LAST);
  g_autoptr (TdDataset) w = td_window_apply (ds, &spec, NULL);
  const double rul[] = { 105, 95, 85, 75 };
  assert_labels (w, rul, 4);
  g_assert_cmpint (w->task, ==, TD_TASK_REGRESSION);
  g_assert_cmpuint (w->n_channels, ==, 2);

  g_autoptr (TdDataset) mc = td_dataset_new (1, 6, 1, TD_TASK_MULTICLASS, 3);
  const char *names[] = { "ok", "crack", "slag", NULL };
  mc->class_names = g_strdupv ((char **) names);
  double *z = td_dataset_alloc_y_step (mc);
  const double steps[] = { 2, 2, 1, 0, 1, 1 };
  memcpy (z, steps, sizeof steps);
  TdWindowSpec maj = spec_of (3, 3, TD_WINDOW_LABEL_MAJORITY);
  g_autoptr (TdDataset) wm = td_window_apply (mc, &maj, NULL);
  const double want[] = { 2, 1 };
  assert_labels (wm, want, 2);
  g_assert_cmpstr (wm->class_names[1], ==, "crack");
}

static void
test_short_and_last_window (void)
{
  g_autoptr (TdDataset) ds = make_recordings (TRUE);
  /* length 8: recording 1 (7 steps) is short: one padded window, or none */
  TdWindowSpec pad = spec_of (8, 2, TD_WINDOW_LABEL_LAST);
  g_autoptr (TdDataset) w = td_window_apply (ds, &pad, NULL);
  g_assert_cmpuint (w->n_series, ==, 3);       /* rec 0: starts 0, 2; rec 1: padded */
  g_assert_nonnull (w->lengths);
  g_assert_cmpuint (w->lengths[0], ==, 8);
  g_assert_cmpuint (w->lengths[2], ==, 7);
  g_assert_cmpfloat (td_dataset_series (w, 2)[6], ==, 106);
  g_assert_cmpfloat (td_dataset_series (w, 2)[7], ==, 0);   /* padding */
  g_assert_cmpfloat (w->y[2], ==, 1);          /* its last valid step */
  TdWindowSpec drop = pad;
  drop.drop_short = TRUE;
  g_autoptr (TdDataset) d = td_window_apply (ds, &drop, NULL);
  g_assert_cmpuint (d->n_series, ==, 2);
  g_assert_null (d->lengths);
  g_assert_cmpfloat (td_dataset_find_meta (d, TD_META_RECORDING)->num[1], ==, 40);

  /* test_windows: last — the test recording (1) keeps only the window ending
   * at its last step; the training recording keeps all of them */
  TdWindowSpec last = spec_of (3, 1, TD_WINDOW_LABEL_LAST);
  last.last_test_only = TRUE;
  g_autoptr (TdDataset) l = td_window_apply (ds, &last, NULL);
  g_assert_cmpuint (l->n_series, ==, 8 + 1);
  g_assert_cmpfloat (td_dataset_find_meta (l, TD_META_WINDOW_START)->num[8], ==, 4);
  g_assert_cmpfloat (td_dataset_find_meta (l, TD_META_RECORDING)->num[8], ==, 41);
  g_assert_cmpfloat (l->y[8], ==, 1);
}

static void
assert_error (TdDataset *ds, const TdWindowSpec *spec, const char *text)
{
  g_autoptr (GError) e = NULL;
  g_assert_null (td_window_apply (ds, spec, &e));
  g_assert_nonnull (e);
  if (!g_str_has_prefix (e->message, WHERE ": data.window") || !strstr (e->message, text))
    g_error ("unexpected message: %s (wanted \"%s\")", e->message, text);
}

static void
test_errors (void)
{
  g_autoptr (TdDataset) plain = make_recordings (FALSE);
  TdWindowSpec last = spec_of (4, 2, TD_WINDOW_LABEL_LAST);
  assert_error (plain, &last, "label: last labels each window from per-step labels");

  g_autoptr (TdDataset) reg = td_dataset_new (1, 6, 1, TD_TASK_REGRESSION, 0);
  td_dataset_alloc_y_step (reg);
  TdWindowSpec any = spec_of (3, 1, TD_WINDOW_LABEL_ANY);
  assert_error (reg, &any, "task is regression; expected binary or anomaly data");
  TdWindowSpec maj = spec_of (3, 1, TD_WINDOW_LABEL_MAJORITY);
  assert_error (reg, &maj, "majority counts classes");

  g_autoptr (TdDataset) ds = make_recordings (TRUE);
  TdWindowSpec test_last = spec_of (3, 1, TD_WINDOW_LABEL_LAST);
  test_last.last_test_only = TRUE;
  g_ptr_array_remove_index (ds->meta, 0);       /* the partition column */
  assert_error (ds, &test_last, "test_windows: last needs the train/test partition the data "
                                "defines, the numeric metadata column \"partition\" (0 train, "
                                "1 test), and this data has none; expected a source that "
                                "records it");
  TdWindowSpec too_long = spec_of (11, 1, TD_WINDOW_LABEL_LAST);
  too_long.drop_short = TRUE;
  assert_error (ds, &too_long, "no window: every recording is shorter than length 11 (the "
                               "longest has 10 steps)");
  /* a step the rule reads has no label */
  ds->y_step[3] = NAN;
  assert_error (ds, &last, "recording 0 (series_id 40) has no usable label at step 3");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/window/windows-and-metadata", test_windows_and_metadata);
  g_test_add_func ("/window/label-rules", test_label_rules);
  g_test_add_func ("/window/regression-and-multiclass", test_regression_and_multiclass);
  g_test_add_func ("/window/short-and-last-window", test_short_and_last_window);
  g_test_add_func ("/window/errors", test_errors);
  return g_test_run ();
}
