/* test_window_run.c — data.window and the predefined and time_holdout
 * splits through the real `tundish`, on the recordings test generator:
 * run, then `tundish export` (which rebuilds the windows and splits as the
 * run made them) to check what every trial saw.
 *
 * argv: tundish, this folder's build folder (the recordings plugin). */
#include <math.h>
#include <string.h>

#include "../robust/robust_util.h"

static const char predefined_yaml[] =
  "experiment: window-run\n"
  "seed: 5\n"
  "repeats: 2\n"
  "data:\n"
  "  generator: recordings\n"
  "  window: {length: 10, stride: 2, label: last, test_windows: last}\n"
  "split: {method: predefined, valid_size: 0.2, grouped: true}\n"
  "pipelines:\n"
  "  - {name: logistic, features: [statistical], model: logistic}\n"
  "evaluate: [roc_auc]\n"
  "report: [csv]\n";

static const char time_yaml[] =
  "experiment: window-time\n"
  "seed: 5\n"
  "data:\n"
  "  generator: recordings\n"
  "  window: {length: 6, stride: 2, label: series}\n"
  "split: {method: time_holdout, test_size: 0.25, valid_size: 0.2, gap: 2}\n"
  "pipelines:\n"
  "  - {name: logistic, features: [statistical], model: logistic}\n"
  "evaluate: [roc_auc]\n"
  "report: [csv]\n";

/* As recordings.c makes them. */
static size_t rec_length (size_t r) { return 40 + (7 * r) % 21; }

typedef struct {
  GPtrArray *series, *splits;   /* rows of series.csv and splits.csv */
  gint id, group, label, part, rec, start;
  gint s_repeat, s_id, s_part;
} Export;

static void
export_clear (Export *e)
{
  g_clear_pointer (&e->series, g_ptr_array_unref);
  g_clear_pointer (&e->splits, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Export, export_clear)

static const char *
field (GPtrArray *rows, guint row, gint col)
{
  char **r = rows->pdata[row];
  return r[col];
}

/* Run an experiment and export it; the windows (series.csv) and splits. */
static void
run_and_export (const char *name, const char *yaml, Export *e)
{
  g_autofree char *dir = util_mkdir (name);
  g_autofree char *exp = util_write (dir, "exp.yaml", yaml);
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_autofree char *nb = g_build_filename (dir, "nb", NULL);
  g_auto (RunResult) r = { 0 };
  util_run (&r, (const char *const[]) { "run", exp, "-o", out, "-j", "1", NULL }, NULL);
  if (r.exit_code != 0)
    g_error ("tundish run failed (%d): %s", r.exit_code, r.err);
  g_assert_cmpint (util_csv_rows (out, "results.csv"), >, 0);
  g_autofree char *manifest = util_read2 (out, "manifest.yaml");
  g_assert_nonnull (strstr (manifest, ", window: {length: "));
  g_auto (RunResult) x = { 0 };
  util_run (&x, (const char *const[]) { "export", out, "--to", nb, "--quiet", NULL }, NULL);
  if (x.exit_code != 0)
    g_error ("tundish export failed (%d): %s", x.exit_code, x.err);
  e->series = util_csv (nb, "series.csv");
  e->splits = util_csv (nb, "splits.csv");
  e->id = util_column (e->series, "series_id");
  e->group = util_column (e->series, "group");
  e->label = util_column (e->series, "label");
  e->rec = util_column (e->series, "recording");
  e->start = util_column (e->series, "window_start");
  e->s_repeat = util_column (e->splits, "repeat");
  e->s_id = util_column (e->splits, "series_id");
  e->s_part = util_column (e->splits, "part");
}

/* Row of series.csv of a window id (ids are 0..n-1 in order). */
static guint
row_of (const Export *e, const char *id)
{
  guint row = (guint) util_num (id) + 1;
  g_assert_cmpstr (field (e->series, row, e->id), ==, id);
  return row;
}

static void
test_predefined_last_window (void)
{
  g_auto (Export) e = { 0 };
  run_and_export ("predefined", predefined_yaml, &e);
  e.part = util_column (e.series, "partition");
  /* 18 training recordings windowed every 2 steps, 6 test recordings one
   * window each (the one ending at their last step) */
  size_t want = 0;
  for (size_t r = 0; r < 24; r++)
    want += r % 4 == 3 ? 1 : (rec_length (r) - 10) / 2 + 1;
  g_assert_cmpuint (e.series->len - 1, ==, want);

  for (int repeat = 0; repeat < 2; repeat++)
    {
      g_autoptr (GHashTable) side = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      size_t n_test = 0, n_valid = 0, n_pos = 0;
      for (guint k = 1; k < e.splits->len; k++)
        {
          if ((int) util_num (field (e.splits, k, e.s_repeat)) != repeat)
            continue;
          guint row = row_of (&e, field (e.splits, k, e.s_id));
          const char *part = field (e.splits, k, e.s_part);
          size_t rec = (size_t) util_num (field (e.series, row, e.rec));
          if (strcmp (part, "test") == 0)
            {
              n_test++;
              n_pos += util_num (field (e.series, row, e.label)) == 1;
              g_assert_cmpfloat (util_num (field (e.series, row, e.part)), ==, 1);
              g_assert_cmpfloat (util_num (field (e.series, row, e.start)), ==,
                                 (double) (rec_length (rec) - 10));
            }
          else
            g_assert_cmpfloat (util_num (field (e.series, row, e.part)), ==, 0);
          n_valid += strcmp (part, "valid") == 0;
          /* grouped: every window of a recording on one side */
          const char *group = field (e.series, row, e.group);
          const char *prev = g_hash_table_lookup (side, group);
          if (prev)
            g_assert_cmpstr (prev, ==, part);
          else
            g_hash_table_insert (side, g_strdup (group), (gpointer) part);
        }
      g_assert_cmpuint (n_test, ==, 6);
      g_assert_cmpuint (n_pos, ==, 2);   /* recordings 3 and 15 end faulty */
      g_assert_cmpuint (n_valid, >, 0);
    }
}

static void
test_time_holdout (void)
{
  g_auto (Export) e = { 0 };
  run_and_export ("time", time_yaml, &e);
  /* per recording: [first start, last end] of each part, then the order */
  double lo[24][3], hi[24][3];
  for (size_t r = 0; r < 24; r++)
    for (int p = 0; p < 3; p++)
      lo[r][p] = INFINITY, hi[r][p] = -INFINITY;
  static const char *const parts[] = { "train", "valid", "test" };
  size_t used = 0;
  for (guint k = 1; k < e.splits->len; k++)
    {
      guint row = row_of (&e, field (e.splits, k, e.s_id));
      size_t rec = (size_t) util_num (field (e.series, row, e.rec));
      double start = util_num (field (e.series, row, e.start));
      int p = 0;
      while (strcmp (parts[p], field (e.splits, k, e.s_part)) != 0)
        p++;
      lo[rec][p] = MIN (lo[rec][p], start);
      hi[rec][p] = MAX (hi[rec][p], start + 6);
      used++;
    }
  for (size_t r = 0; r < 24; r++)
    {
      g_assert_cmpfloat (hi[r][0] + 2, <=, lo[r][1]);   /* train, gap, valid */
      g_assert_cmpfloat (hi[r][1] + 2, <=, lo[r][2]);   /* valid, gap, test */
      g_assert_cmpfloat (hi[r][2], ==, (double) rec_length (r));   /* test is the end */
    }
  /* the windows within the gaps are in no part */
  g_assert_cmpuint (used, <, e.series->len - 1);
}

/* What only the data tells, reported at the config's position by validate
 * (a source is run there) and by run. */
static void
test_data_errors (void)
{
  g_autofree char *dir = util_mkdir ("errors");
  g_autofree char *exp = util_write (dir, "exp.yaml",
    "experiment: window-errors\n"
    "data: {source: recordings, params: {partition: false}}\n"
    "split: {method: predefined}\n"
    "pipelines:\n"
    "  - {name: logistic, features: [statistical], model: logistic}\n");
  g_autofree char *where = g_strdup_printf ("%s:3:17: split.method: predefined needs the "
                                            "train/test partition", exp);
  const char *cmds[] = { "validate", "run" };
  for (size_t k = 0; k < G_N_ELEMENTS (cmds); k++)
    {
      g_autofree char *out = g_build_filename (dir, "run", NULL);
      g_auto (RunResult) r = { 0 };
      if (k == 0)
        util_run (&r, (const char *const[]) { cmds[k], exp, NULL }, NULL);
      else
        util_run (&r, (const char *const[]) { cmds[k], exp, "-o", out, NULL }, NULL);
      g_assert_cmpint (r.exit_code, !=, 0);
      if (!strstr (r.err, where))
        g_error ("%s: wanted \"%s\" in: %s", cmds[k], where, r.err);
    }

  g_autofree char *exp2 = util_write (dir, "exp2.yaml",
    "experiment: window-errors\n"
    "data:\n"
    "  source: recordings\n"
    "  params: {per_step: false}\n"
    "  window: {length: 10, label: any}\n"
    "pipelines:\n"
    "  - {name: logistic, features: [statistical], model: logistic}\n");
  g_autofree char *where2 = g_strdup_printf ("%s:5:31: data.window.label: any labels each "
                                             "window from per-step labels", exp2);
  g_auto (RunResult) v = { 0 };
  util_run (&v, (const char *const[]) { "validate", exp2, NULL }, NULL);
  g_assert_cmpint (v.exit_code, ==, 1);
  if (!strstr (v.err, where2))
    g_error ("wanted \"%s\" in: %s", where2, v.err);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  util_init (argc, argv);
  g_test_add_func ("/window-run/predefined-last-window", test_predefined_last_window);
  g_test_add_func ("/window-run/time-holdout", test_time_holdout);
  g_test_add_func ("/window-run/data-errors", test_data_errors);
  int rc = g_test_run ();
  util_finish ();
  return rc;
}
