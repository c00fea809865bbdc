/* The intervals of summary.csv (core/src/run/run_summary.c) against
 * tests/golden/stats/summary.ini (make_summary_golden.py: the same resamples
 * drawn in Python, the metrics by scikit-learn, numpy's percentile): the
 * percentile bootstrap stratified by class, and clustered by group for a
 * grouped split; the t interval beside it. The real binary evaluator
 * computes the resampled metrics, as in a run. */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <tundish/tundish.h>

#include "golden_ini.h"
#include "plugin/registry.h"
#include "run/run_summary.h"

static const char *plugin_dir;

typedef struct {
  TdSplit split[2];
  TdTrial trial[2];
  size_t *test[2];
  double *score[2], *y[2], metrics[2][2];
  gint64 *ids[2];
} Fixture;

static void
fixture_clear (Fixture *f)
{
  for (int r = 0; r < 2; r++)
    {
      g_free (f->test[r]);
      g_free (f->score[r]);
      g_free (f->y[r]);
      g_free (f->ids[r]);
    }
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fixture, fixture_clear)

static TdExperiment *
load_experiment (TdRegistry *reg, const char *method)
{
  g_autofree char *dir = g_dir_make_tmp ("td-summary-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "exp.yaml", NULL);
  /* steel_casting's casts are each a group of their own, which the loader
   * refuses for a group split: group them by a metadata column (the summary
   * reads its groups from the golden file) */
  gboolean grouped = g_str_has_prefix (method, "group");
  g_autofree char *text = g_strdup_printf (
    "experiment: golden-summary\nseed: 7\nrepeats: 2\n"
    "data: { generator: steel_casting%s }\nsplit: { method: %s%s }\n"
    "pipelines:\n  - { name: a, features: [statistical], model: logistic }\n"
    "evaluate: [roc_auc, brier]\nsummary: { bootstrap_samples: 200 }\nreport: [csv]\n",
    grouped ? ", params: { recalibration_fraction: 0.3 }" : "", method,
    grouped ? ", group_by: recalibrated" : "");
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_autoptr (GError) error = NULL;
  TdExperiment *exp = td_experiment_load (path, reg, NULL, &error);
  g_assert_no_error (error);
  g_unlink (path);
  g_rmdir (dir);
  return exp;
}

/* Runs td_run_summary on the golden case; rows[0..1] roc_auc, brier. */
static void
summarise (GKeyFile *kf, const char *name, const TdExperiment *exp, TdSummaryRow *rows,
           TdSummaryInterval *ci)
{
  size_t n = 0;
  g_autofree double *y = golden_list (kf, name, "y", &n);
  g_autofree double *group = golden_list (kf, name, "group", &n);
  g_autoptr (TdDataset) ds = td_dataset_new (n, 1, 1, TD_TASK_BINARY, 2);
  for (size_t i = 0; i < n; i++)
    {
      ds->y[i] = y[i];
      ds->group[i] = (gint64) group[i];
    }
  if (exp->split.group_by)   /* the grouped experiment groups by this column */
    td_dataset_add_meta_num (ds, exp->split.group_by, group);
  g_auto (Fixture) f = { 0 };
  g_autoptr (GPtrArray) trials = g_ptr_array_new ();
  for (int r = 0; r < 2; r++)
    {
      g_autofree char *g = g_strdup_printf ("%s.r%d", name, r);
      size_t nt = 0, ns = 0;
      g_autofree double *test = golden_list (kf, g, "test", &nt);
      f.score[r] = golden_list (kf, g, "score", &ns);
      g_assert_cmpuint (nt, ==, ns);
      f.test[r] = g_new (size_t, nt);
      f.y[r] = g_new (double, nt);
      f.ids[r] = g_new (gint64, nt);
      for (size_t i = 0; i < nt; i++)
        {
          f.test[r][i] = (size_t) test[i];
          f.y[r][i] = y[f.test[r][i]];
          f.ids[r][i] = ds->series_id[f.test[r][i]];
        }
      static const char *const metric[] = { "roc_auc", "brier" };
      for (int m = 0; m < 2; m++)
        {
          g_autofree char *mg = g_strdup_printf ("%s.%s", name, metric[m]);
          size_t nf = 0;
          g_autofree double *full = golden_list (kf, mg, "full", &nf);
          f.metrics[r][m] = full[r];
        }
      f.split[r] = (TdSplit) { .test = f.test[r], .n_test = nt };
      f.trial[r] = (TdTrial) { .pipeline = exp->pipelines->pdata[0], .repeat = r, .fold = 0,
                               .split = &f.split[r], .done = TRUE, .ok = TRUE,
                               .metrics = f.metrics[r], .n_test = nt, .n_outputs = 1,
                               .test_ids = f.ids[r], .test_y = f.y[r],
                               .test_scores = f.score[r] };
      g_ptr_array_add (trials, &f.trial[r]);
    }
  TdRunMeta meta = { .exp = exp, .data = ds };
  g_autoptr (GArray) out = g_array_new (FALSE, TRUE, sizeof (TdSummaryRow));
  g_autoptr (GArray) outci = g_array_new (FALSE, TRUE, sizeof (TdSummaryInterval));
  g_autoptr (GError) error = NULL;
  g_assert_true (td_run_summary (&meta, trials, out, outci, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (out->len, ==, 2);
  g_assert_cmpuint (outci->len, ==, 2);
  memcpy (rows, out->data, 2 * sizeof *rows);
  memcpy (ci, outci->data, 2 * sizeof *ci);
}

static void
check_case (gconstpointer data)
{
  const char *name = data;
  g_autoptr (GKeyFile) kf = golden_open ("summary.ini");
  g_autoptr (TdRegistry) reg = td_registry_new ();
  td_registry_scan_dir (reg, plugin_dir, NULL);
  gboolean grouped = golden_num (kf, name, "grouped") != 0;
  g_autoptr (TdExperiment) exp = load_experiment (reg, grouped ? "group_holdout"
                                                               : "stratified_holdout");
  g_assert_cmpint (exp->summary_bootstrap, ==, (int) golden_num (kf, name, "b"));
  TdSummaryRow rows[2];
  TdSummaryInterval ci[2];
  summarise (kf, name, exp, rows, ci);
  static const char *const metric[] = { "roc_auc", "brier" };
  for (int m = 0; m < 2; m++)
    {
      g_autofree char *g = g_strdup_printf ("%s.%s", name, metric[m]);
      g_assert_cmpstr (rows[m].metric, ==, metric[m]);
      g_assert_cmpuint (rows[m].n, ==, 2);
      golden_close ("mean", rows[m].mean, golden_num (kf, g, "mean"), 1e-15, 0);
      /* t_{0.975, 1} = 12.7: the quantile's own precision shows (1e-11 relative) */
      golden_close ("t_low", ci[m].t_low, golden_num (kf, g, "t_low"), 1e-12, 1e-10);
      golden_close ("t_high", ci[m].t_high, golden_num (kf, g, "t_high"), 1e-12, 1e-10);
      golden_close ("boot_low", ci[m].boot_low, golden_num (kf, g, "boot_low"), 1e-12, 0);
      golden_close ("boot_high", ci[m].boot_high, golden_num (kf, g, "boot_high"), 1e-12, 0);
      g_assert_cmpuint (ci[m].boot_samples, ==, 200);
      g_assert_cmpfloat (ci[m].level, ==, 0.95);
    }

  /* Not vacuous: another master seed draws other resamples, and the same
   * data split the other way (clustered or not) resamples other units. */
  exp->seed = 8;
  TdSummaryRow rows2[2];
  TdSummaryInterval ci2[2];
  summarise (kf, name, exp, rows2, ci2);
  g_assert_cmpfloat (rows2[0].mean, ==, rows[0].mean);
  g_assert_true (ci2[0].boot_low != ci[0].boot_low || ci2[0].boot_high != ci[0].boot_high);
  exp->seed = 7;
  g_autoptr (TdExperiment) other = load_experiment (reg, grouped ? "stratified_holdout"
                                                                 : "group_holdout");
  summarise (kf, name, other, rows2, ci2);
  g_assert_true (ci2[1].boot_low != ci[1].boot_low || ci2[1].boot_high != ci[1].boot_high);
}

/* bootstrap_samples: 0 leaves the bootstrap out, the t interval stays. */
static void
test_off (void)
{
  g_autoptr (GKeyFile) kf = golden_open ("summary.ini");
  g_autoptr (TdRegistry) reg = td_registry_new ();
  td_registry_scan_dir (reg, plugin_dir, NULL);
  g_autoptr (TdExperiment) exp = load_experiment (reg, "stratified_holdout");
  exp->summary_bootstrap = 0;
  TdSummaryRow rows[2];
  TdSummaryInterval ci[2];
  summarise (kf, "plain", exp, rows, ci);
  g_assert_cmpuint (ci[0].boot_samples, ==, 0);
  g_assert_true (isnan (ci[0].boot_low) && isnan (ci[0].boot_high));
  golden_close ("t_low", ci[0].t_low, golden_num (kf, "plain.roc_auc", "t_low"), 1e-12, 1e-10);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  plugin_dir = argv[1];
  g_test_add_data_func ("/summary/bootstrap/stratified", "plain", check_case);
  g_test_add_data_func ("/summary/bootstrap/grouped", "grouped", check_case);
  g_test_add_func ("/summary/bootstrap/off", test_off);
  return g_test_run ();
}
