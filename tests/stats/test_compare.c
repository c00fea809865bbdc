/* test_compare.c — td_compare_pipelines (core/src/compare.c) end to end on
 * the synthetic runs of tests/golden/stats/compare.ini: every row (pipelines,
 * metric, test, estimate, statistic, p, Holm-adjusted p) against the values
 * make_golden.py computed with scipy / scikit-learn / statsmodels, for a
 * repeated stratified holdout and a grouped k-fold with per-fold thresholds
 * (pooled out-of-fold predictions, clustered bootstrap). */
#include <tundish/tundish.h>

#include <string.h>

#include "eval/compare.h"
#include "golden_ini.h"

typedef struct {
  TdExperiment exp;
  TdRunReport rep;
  TdDataset *data;
  GArray *preds;                /* of TdTrialPredictions */
  GArray *results;              /* of TdResultRow */
  GPtrArray *keep;              /* everything to free */
} Fixture;

static char *
keep_str (Fixture *f, char *s)
{
  g_ptr_array_add (f->keep, s);
  return s;
}

static gpointer
keep_mem (Fixture *f, gpointer p)
{
  g_ptr_array_add (f->keep, p);
  return p;
}

/* "meh[v=1]" -> name "meh", variant "v=1" */
static void
split_label (Fixture *f, const char *label, char **name, char **variant)
{
  const char *br = strchr (label, '[');
  if (!br)
    {
      *name = keep_str (f, g_strdup (label));
      *variant = keep_str (f, g_strdup (""));
      return;
    }
  *name = keep_str (f, g_strndup (label, (gsize) (br - label)));
  *variant = keep_str (f, g_strndup (br + 1, strlen (br + 1) - 1));
}

static void
fixture_load (Fixture *f, GKeyFile *kf, const char *c)
{
  memset (f, 0, sizeof *f);
  f->keep = g_ptr_array_new_with_free_func (g_free);
  TdExperiment *e = &f->exp;
  e->name = keep_str (f, g_strdup (c));
  e->seed = (guint64) golden_num (kf, c, "seed");
  e->repeats = (int) golden_num (kf, c, "repeats");
  g_autofree char *method = golden_str (kf, c, "method");
  int folds = (int) golden_num (kf, c, "folds");
  e->split.method = strcmp (method, "stratified_holdout") == 0 ? TD_SPLIT_STRATIFIED_HOLDOUT
                    : strcmp (method, "group_kfold") == 0     ? TD_SPLIT_GROUP_KFOLD
                                                              : TD_SPLIT_STRATIFIED_KFOLD;
  e->split.folds = folds;
  e->baseline = keep_str (f, golden_str (kf, c, "baseline"));
  e->pipelines = g_ptr_array_new ();
  g_auto (GStrv) labels = g_key_file_get_string_list (kf, c, "labels", NULL, NULL);
  for (size_t i = 0; labels[i]; i++)
    {
      TdPipeline *p = keep_mem (f, g_new0 (TdPipeline, 1));
      split_label (f, labels[i], &p->name, &p->variant);
      p->label = keep_str (f, g_strdup (labels[i]));
      g_ptr_array_add (e->pipelines, p);
    }
  e->metrics = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) metrics = g_key_file_get_string_list (kf, c, "metrics", NULL, NULL);
  for (size_t i = 0; metrics[i]; i++)
    g_ptr_array_add (e->metrics, g_strdup (metrics[i]));
  e->compare_tests = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) tests = g_key_file_get_string_list (kf, c, "tests", NULL, NULL);
  for (size_t i = 0; tests[i]; i++)
    g_ptr_array_add (e->compare_tests, g_strdup (tests[i]));
  e->evaluators = g_ptr_array_new ();

  size_t n, nid, ng;
  g_autofree double *y = golden_list (kf, c, "y", &n);
  g_autofree double *ids = golden_list (kf, c, "ids", &nid);
  g_autofree double *groups = golden_list (kf, c, "groups", &ng);
  f->data = td_dataset_new (n, 1, 1, TD_TASK_BINARY, 2);
  for (size_t i = 0; i < n; i++)
    {
      f->data->y[i] = y[i];
      f->data->series_id[i] = (gint64) ids[i];
      f->data->group[i] = (gint64) groups[i];
    }

  f->preds = g_array_new (FALSE, TRUE, sizeof (TdTrialPredictions));
  f->results = g_array_new (FALSE, TRUE, sizeof (TdResultRow));
  for (guint li = 0; li < e->pipelines->len; li++)
    for (int r = 0; r < e->repeats; r++)
      for (int fo = 0; fo < folds; fo++)
        {
          g_autofree char *g = g_strdup_printf ("%s.pred.%u.%d.%d", c, li, r, fo);
          const TdPipeline *p = e->pipelines->pdata[li];
          size_t m, my, ms;
          double *pid = keep_mem (f, golden_list (kf, g, "ids", &m));
          gint64 *sid = keep_mem (f, g_new (gint64, m));
          for (size_t i = 0; i < m; i++)
            sid[i] = (gint64) pid[i];
          TdTrialPredictions tp = { p->name, p->variant, r, fo, m, 1, sid,
                                    keep_mem (f, golden_list (kf, g, "y", &my)),
                                    keep_mem (f, golden_list (kf, g, "s", &ms)), 1.0 };
          g_assert_cmpuint (my, ==, m);
          g_assert_cmpuint (ms, ==, m);
          g_array_append_val (f->preds, tp);
          for (guint k = 0; k < e->metrics->len; k++)
            {
              TdResultRow rr = { p->name, p->variant, e->metrics->pdata[k], r, fo,
                                 golden_num (kf, g, e->metrics->pdata[k]) };
              g_array_append_val (f->results, rr);
            }
        }
  f->rep = (TdRunReport) {
    .experiment = e->name, .data = f->data, .baseline = e->baseline,
    .n_train = (size_t) golden_num (kf, c, "n_train"),
    .n_valid = (size_t) golden_num (kf, c, "n_valid"),
    .n_test = (size_t) golden_num (kf, c, "n_test"),
    .predictions = (TdTrialPredictions *) f->preds->data, .n_predictions = f->preds->len,
    .results = (TdResultRow *) f->results->data, .n_results = f->results->len,
  };
}

static void
fixture_clear (Fixture *f)
{
  g_ptr_array_unref (f->exp.pipelines);
  g_ptr_array_unref (f->exp.metrics);
  g_ptr_array_unref (f->exp.compare_tests);
  g_ptr_array_unref (f->exp.evaluators);
  td_dataset_unref (f->data);
  g_array_unref (f->preds);
  g_array_unref (f->results);
  g_ptr_array_unref (f->keep);
}

static void
check_case (gconstpointer data)
{
  const char *c = data;
  g_autoptr (GKeyFile) kf = golden_open ("compare.ini");
  Fixture f;
  fixture_load (&f, kf, c);
  g_autoptr (GArray) rows = g_array_new (FALSE, TRUE, sizeof (TdComparisonRow));
  GStringChunk *strings = g_string_chunk_new (256);
  g_autoptr (GError) error = NULL;
  g_assert_true (td_compare_pipelines (&f.exp, &f.rep, rows, strings, &error));
  g_assert_no_error (error);
  g_autofree char *count_group = g_strdup_printf ("%s.rows", c);
  size_t want = (size_t) golden_num (kf, count_group, "count");
  g_assert_cmpuint (rows->len, ==, want);
  for (guint i = 0; i < rows->len; i++)
    {
      const TdComparisonRow *r = &g_array_index (rows, TdComparisonRow, i);
      g_autofree char *g = g_strdup_printf ("%s.row.%u", c, i);
      g_autofree char *a = golden_str (kf, g, "pipeline_a");
      g_autofree char *b = golden_str (kf, g, "pipeline_b");
      g_autofree char *m = golden_str (kf, g, "metric");
      g_autofree char *t = golden_str (kf, g, "test");
      g_assert_cmpstr (r->pipeline_a, ==, a);
      g_assert_cmpstr (r->pipeline_b, ==, b);
      g_assert_cmpstr (r->metric, ==, m);
      g_assert_cmpstr (r->test, ==, t);
      g_assert_cmpstr (r->correction, ==, "holm");
      g_autofree char *what = g_strdup_printf ("%s %s %s vs %s", t, m, a, b);
      golden_close (what, r->estimate, golden_num (kf, g, "estimate"), 1e-12, 0);
      golden_close (what, r->statistic, golden_num (kf, g, "statistic"), 1e-12, 1e-9);
      golden_close (what, r->p_value, golden_num (kf, g, "p_value"), 1e-15, 1e-9);
      golden_close (what, r->p_adjusted, golden_num (kf, g, "p_adjusted"), 1e-15, 1e-9);
    }
  g_string_chunk_free (strings);
  fixture_clear (&f);
}

/* No baseline: no rows. An unknown test: a warning, no rows for it. The
 * default (no tests listed): all four, in the order delong, bootstrap,
 * mcnemar, ttest. A failed trial: its repeat is left out of that pair. */
static void
test_edges (void)
{
  g_autoptr (GKeyFile) kf = golden_open ("compare.ini");
  Fixture f;
  fixture_load (&f, kf, "holdout");
  g_autoptr (GArray) rows = g_array_new (FALSE, TRUE, sizeof (TdComparisonRow));
  GStringChunk *strings = g_string_chunk_new (256);

  char *baseline = f.exp.baseline;
  f.exp.baseline = NULL;
  g_assert_true (td_compare_pipelines (&f.exp, &f.rep, rows, strings, NULL));
  g_assert_cmpuint (rows->len, ==, 0);
  f.exp.baseline = baseline;

  g_ptr_array_set_size (f.exp.compare_tests, 0);
  g_ptr_array_add (f.exp.compare_tests, g_strdup ("wilcoxon"));
  g_test_expect_message (NULL, G_LOG_LEVEL_WARNING, "*unknown test \"wilcoxon\"*");
  g_assert_true (td_compare_pipelines (&f.exp, &f.rep, rows, strings, NULL));
  g_test_assert_expected_messages ();
  g_assert_cmpuint (rows->len, ==, 0);

  g_ptr_array_set_size (f.exp.compare_tests, 0);
  g_assert_true (td_compare_pipelines (&f.exp, &f.rep, rows, strings, NULL));
  g_assert_cmpuint (rows->len, ==, (guint) golden_num (kf, "holdout.rows", "count"));
  const char *order[] = { "delong", "bootstrap", "mcnemar", "ttest" };
  for (guint i = 0, o = 0; i < rows->len; i++)
    {
      const char *t = g_array_index (rows, TdComparisonRow, i).test;
      while (o < 4 && strcmp (t, order[o]) != 0)
        o++;
      g_assert_cmpuint (o, <, 4);
    }

  /* drop repeat 1 of "good": its single-test-set rows rest on repeat 0 alone
   * (p not combined), and its t-test has one pair left, so no row */
  g_array_set_size (rows, 0);
  g_ptr_array_set_size (f.exp.compare_tests, 0);
  g_ptr_array_add (f.exp.compare_tests, g_strdup ("delong"));
  g_ptr_array_add (f.exp.compare_tests, g_strdup ("ttest"));
  GArray *kept = g_array_new (FALSE, TRUE, sizeof (TdTrialPredictions));
  for (guint k = 0; k < f.preds->len; k++)
    {
      const TdTrialPredictions *p = &g_array_index (f.preds, TdTrialPredictions, k);
      if (!(strcmp (p->pipeline, "good") == 0 && p->repeat == 1))
        g_array_append_val (kept, *p);
    }
  GArray *kept_res = g_array_new (FALSE, TRUE, sizeof (TdResultRow));
  for (guint k = 0; k < f.results->len; k++)
    {
      const TdResultRow *r = &g_array_index (f.results, TdResultRow, k);
      if (!(strcmp (r->pipeline, "good") == 0 && r->repeat == 1))
        g_array_append_val (kept_res, *r);
    }
  f.rep.predictions = (TdTrialPredictions *) kept->data;
  f.rep.n_predictions = kept->len;
  f.rep.results = (TdResultRow *) kept_res->data;
  f.rep.n_results = kept_res->len;
  g_assert_true (td_compare_pipelines (&f.exp, &f.rep, rows, strings, NULL));
  gboolean good_delong = FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      const TdComparisonRow *r = &g_array_index (rows, TdComparisonRow, i);
      if (strcmp (r->pipeline_a, "good") != 0)
        continue;
      g_assert_cmpstr (r->test, ==, "delong");
      good_delong = TRUE;
      TdDelong d;
      /* repeat 0 alone, straight from the predictions */
      const TdTrialPredictions *pg = NULL, *pb = NULL;
      for (guint k = 0; k < kept->len; k++)
        {
          const TdTrialPredictions *p = &g_array_index (kept, TdTrialPredictions, k);
          if (p->repeat == 0 && strcmp (p->pipeline, "good") == 0)
            pg = p;
          if (p->repeat == 0 && strcmp (p->pipeline, "base") == 0)
            pb = p;
        }
      g_assert_nonnull (pg);
      g_assert_nonnull (pb);
      /* same series in the same order in this fixture (one split per repeat) */
      g_assert_cmpmem (pg->series_id, pg->n * sizeof (gint64), pb->series_id,
                       pb->n * sizeof (gint64));
      g_assert_true (td_delong (pg->y, pg->scores, pb->scores, pg->n, &d, NULL));
      g_assert_cmpfloat_with_epsilon (r->estimate, d.auc_a - d.auc_b, 1e-12);
      g_assert_cmpfloat_with_epsilon (r->p_value, d.p, 1e-12);
    }
  g_assert_true (good_delong);
  g_array_unref (kept);
  g_array_unref (kept_res);
  g_string_chunk_free (strings);
  fixture_clear (&f);
}

/* Multiclass data (multiclass.ini's 4-class case, a second scorer made by
 * shifting the scores): DeLong gives no row; McNemar and the bootstrap use
 * the arg-max class, and their estimates are the metric differences on the
 * test set. (The p-values of these paths share the binary code checked
 * above.) */
static void
test_multiclass (void)
{
  g_autoptr (GKeyFile) kf = golden_open ("multiclass.ini");
  size_t n, ns;
  g_autofree double *y = golden_list (kf, "random300k4", "y", &n);
  g_autofree double *sa = golden_list (kf, "random300k4", "s", &ns);
  size_t K = 4;
  g_autofree double *sb = g_new (double, ns);
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < K; k++)   /* favour class (i mod 4): a worse scorer */
      sb[i * K + k] = sa[i * K + k] + (k == i % K ? 0.6 : 0.0);
  TdDataset *data = td_dataset_new (n, 1, 1, TD_TASK_MULTICLASS, K);
  g_autofree gint64 *ids = g_new (gint64, n);
  for (size_t i = 0; i < n; i++)
    {
      data->y[i] = y[i];
      ids[i] = data->series_id[i];
    }
  TdPipeline pa = { .name = (char *) "a", .variant = (char *) "", .label = (char *) "a" };
  TdPipeline pb = { .name = (char *) "b", .variant = (char *) "", .label = (char *) "b" };
  TdExperiment e = { .seed = 3, .repeats = 1, .baseline = (char *) "b" };
  e.split.method = TD_SPLIT_STRATIFIED_HOLDOUT;
  e.pipelines = g_ptr_array_new ();
  g_ptr_array_add (e.pipelines, &pa);
  g_ptr_array_add (e.pipelines, &pb);
  e.metrics = g_ptr_array_new ();
  g_ptr_array_add (e.metrics, (gpointer) "accuracy");
  g_ptr_array_add (e.metrics, (gpointer) "macro_f1");
  g_ptr_array_add (e.metrics, (gpointer) "roc_auc_ovr");
  e.evaluators = g_ptr_array_new ();
  e.compare_tests = g_ptr_array_new ();
  g_ptr_array_add (e.compare_tests, (gpointer) "delong");
  g_ptr_array_add (e.compare_tests, (gpointer) "mcnemar");
  g_ptr_array_add (e.compare_tests, (gpointer) "bootstrap");
  TdTrialPredictions preds[2] = {
    { "a", "", 0, 0, n, K, ids, y, sa, 0 },
    { "b", "", 0, 0, n, K, ids, y, sb, 0 },
  };
  TdRunReport rep = { .data = data, .n_train = 900, .n_test = n, .predictions = preds,
                      .n_predictions = 2 };
  g_autoptr (GArray) rows = g_array_new (FALSE, TRUE, sizeof (TdComparisonRow));
  GStringChunk *strings = g_string_chunk_new (64);
  g_assert_true (td_compare_pipelines (&e, &rep, rows, strings, NULL));
  double ma[TD_N_MULTICLASS_METRICS], mb[TD_N_MULTICLASS_METRICS];
  g_assert_true (td_multiclass_metrics (y, sa, n, K, ma, NULL));
  g_assert_true (td_multiclass_metrics (y, sb, n, K, mb, NULL));
  const char *want[][2] = { { "mcnemar", "accuracy" }, { "bootstrap", "accuracy" },
                            { "bootstrap", "macro_f1" }, { "bootstrap", "roc_auc_ovr" } };
  const int idx[] = { TD_MC_ACCURACY, TD_MC_ACCURACY, TD_MC_MACRO_F1, TD_MC_ROC_AUC_OVR };
  g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < rows->len; i++)
    {
      const TdComparisonRow *r = &g_array_index (rows, TdComparisonRow, i);
      g_assert_cmpstr (r->test, ==, want[i][0]);
      g_assert_cmpstr (r->metric, ==, want[i][1]);
      g_assert_cmpfloat_with_epsilon (r->estimate, ma[idx[i]] - mb[idx[i]], 1e-12);
      g_assert_true (r->p_value >= 0.0 && r->p_value <= 1.0);
    }
  /* a clearly worse scorer: accuracy falls and both tests see it */
  if (g_test_verbose ())
    for (guint i = 0; i < rows->len; i++)
      g_printerr ("%s %s %g p=%g\n", g_array_index (rows, TdComparisonRow, i).test,
                  g_array_index (rows, TdComparisonRow, i).metric,
                  g_array_index (rows, TdComparisonRow, i).estimate,
                  g_array_index (rows, TdComparisonRow, i).p_value);
  g_assert_cmpfloat (ma[TD_MC_ACCURACY] - mb[TD_MC_ACCURACY], >, 0.1);
  g_assert_cmpfloat (g_array_index (rows, TdComparisonRow, 0).p_value, <, 0.01);
  g_assert_cmpfloat (g_array_index (rows, TdComparisonRow, 1).p_value, <, 0.01);
  g_string_chunk_free (strings);
  g_ptr_array_unref (e.pipelines);
  g_ptr_array_unref (e.metrics);
  g_ptr_array_unref (e.evaluators);
  g_ptr_array_unref (e.compare_tests);
  td_dataset_unref (data);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/compare/holdout", "holdout", check_case);
  g_test_add_data_func ("/compare/group-kfold", "groupkfold", check_case);
  g_test_add_func ("/compare/edges", test_edges);
  g_test_add_func ("/compare/multiclass", test_multiclass);
  return g_test_run ();
}
