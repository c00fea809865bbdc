/* test_oracle.c — the `oracle` evaluator: hand-computed metrics of a true
 * probability column, independence from the model's scores, the `column`
 * parameter, NaN plus one log line without the column, and bad columns. */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

/* oracle_roc_auc .. oracle_log_loss, then the five multiclass metrics */
#define N_METRICS 9

static const TdEvaluatorVTable *
vt (void)
{
  return td_plugin_descriptor (0)->vtable;
}

static TdParams *
params (const char *column)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_autoptr (GError) e = NULL;
  TdParams *p = td_params_new_defaults (d->params, d->n_params, &e);
  g_assert_no_error (e);
  if (column)
    g_assert_true (td_params_set_text (p, "column", column, &e));
  g_assert_no_error (e);
  return p;
}

static const double ys[6] = { 0, 0, 1, 1, 0, 1 };
static const double truth[6] = { 0.1, 0.4, 0.35, 0.8, 0.2, 0.9 };
static const double model[6] = { 0.9, 0.8, 0.1, 0.2, 0.7, 0.3 };   /* deliberately wrong */

static TdDataset *
data_with (const char *column, const double *p)
{
  TdDataset *ds = td_dataset_new (6, 1, 1, TD_TASK_BINARY, 2);
  memcpy (ds->y, ys, sizeof ys);
  if (column)
    td_dataset_add_meta_num (ds, column, p);
  return ds;
}

static TdEvalInput
input_for (const TdDataset *ds, const double *scores)
{
  return (TdEvalInput) { .task = TD_TASK_BINARY, .n = ds->n_series, .n_outputs = 1,
                         .n_classes = 2, .y = ds->y, .scores = scores, .data = ds };
}

static void
test_descriptor (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_assert_nonnull (d);
  g_assert_null (td_plugin_descriptor (1));
  g_assert_cmpstr (d->name, ==, "oracle");
  g_assert_cmpint (d->kind, ==, TD_KIND_EVALUATOR);
  g_assert_cmpuint (vt ()->tasks, ==, TD_TASK_BINARY | TD_TASK_MULTICLASS);
  const char *want[N_METRICS] = { "oracle_roc_auc", "oracle_pr_auc", "oracle_brier",
                                  "oracle_log_loss", "oracle_accuracy", "oracle_macro_f1",
                                  "oracle_roc_auc_ovr", "oracle_qwk", "oracle_mae_class" };
  for (size_t k = 0; k < N_METRICS; k++)
    g_assert_cmpstr (vt ()->metrics[k], ==, want[k]);
  g_assert_null (vt ()->metrics[N_METRICS]);
}

static void
test_known_answers (void)
{
  g_autoptr (TdParams) p = params (NULL);
  g_autoptr (TdDataset) ds = data_with ("true_defect_probability", truth);
  TdEvalInput in = input_for (ds, model);
  double v[N_METRICS];
  g_autoptr (GError) e = NULL;
  g_assert_true (vt ()->evaluate (p, &in, v, &e));
  g_assert_no_error (e);
  /* ROC-AUC: 8 of the 9 (positive, negative) pairs ordered right (0.35 < 0.4) */
  g_assert_cmpfloat_with_epsilon (v[0], 8.0 / 9.0, 1e-15);
  /* average precision: positives at ranks 1, 2, 4 → (1 + 1 + 3/4) / 3 */
  g_assert_cmpfloat_with_epsilon (v[1], 2.75 / 3.0, 1e-15);
  /* Brier: (0.01 + 0.16 + 0.4225 + 0.04 + 0.04 + 0.01) / 6 */
  g_assert_cmpfloat_with_epsilon (v[2], 0.6825 / 6.0, 1e-15);
  double ll = -(log (0.9) + log (0.6) + log (0.35) + log (0.8) + log (0.8) + log (0.9)) / 6;
  g_assert_cmpfloat_with_epsilon (v[3], ll, 1e-14);
  /* the multiclass ceiling does not apply to binary data */
  for (int k = 4; k < N_METRICS; k++)
    g_assert_true (isnan (v[k]));

  /* the model's scores play no part */
  double w[N_METRICS];
  TdEvalInput in2 = input_for (ds, truth);
  g_assert_true (vt ()->evaluate (p, &in2, w, &e));
  g_assert_cmpmem (v, sizeof v, w, sizeof w);
}

static void
test_column_parameter (void)
{
  const double perfect[6] = { 0, 0, 1, 1, 0, 1 };
  g_autoptr (TdDataset) ds = data_with ("p_true", perfect);
  g_autoptr (TdParams) p = params ("p_true");
  TdEvalInput in = input_for (ds, model);
  double v[N_METRICS];
  g_assert_true (vt ()->evaluate (p, &in, v, NULL));
  g_assert_cmpfloat (v[0], ==, 1.0);
  g_assert_cmpfloat (v[1], ==, 1.0);
  g_assert_cmpfloat (v[2], ==, 0.0);
}

static void
test_absent_column (void)
{
  g_autoptr (TdParams) p = params (NULL);
  g_autoptr (TdDataset) ds = data_with (NULL, NULL);
  TdEvalInput in = input_for (ds, model);
  double v[N_METRICS] = { 0 };
  g_autoptr (GError) e = NULL;
  g_test_expect_message ("tundish-oracle", G_LOG_LEVEL_MESSAGE,
                         "*no metadata column \"true_defect_probability\"*");
  g_assert_true (vt ()->evaluate (p, &in, v, &e));
  g_test_assert_expected_messages ();
  g_assert_no_error (e);
  for (int k = 0; k < N_METRICS; k++)
    g_assert_true (isnan (v[k]));
  /* logged once: a second call (and one without any data) stays quiet */
  in.data = NULL;
  v[0] = 0;
  g_assert_true (vt ()->evaluate (p, &in, v, &e));
  g_assert_true (isnan (v[0]));
}

static void
test_bad_columns (void)
{
  g_autoptr (TdParams) p = params (NULL);
  g_autoptr (GError) e = NULL;
  double v[N_METRICS];

  g_autoptr (TdDataset) text = data_with (NULL, NULL);
  const char *words[6] = { "a", "b", "c", "d", "e", "f" };
  td_dataset_add_meta_str (text, "true_defect_probability", words);
  TdEvalInput in = input_for (text, model);
  g_assert_false (vt ()->evaluate (p, &in, v, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_clear_error (&e);

  const double bad[6] = { 0.1, 0.4, NAN, 0.8, 0.2, 0.9 };
  g_autoptr (TdDataset) nan = data_with ("true_defect_probability", bad);
  nan->series_id[2] = 77;
  in = input_for (nan, model);
  g_assert_false (vt ()->evaluate (p, &in, v, &e));
  g_assert_nonnull (strstr (e->message, "series 77"));
  g_clear_error (&e);

  const double big[6] = { 0.1, 0.4, 1.5, 0.8, 0.2, 0.9 };
  g_autoptr (TdDataset) out = data_with ("true_defect_probability", big);
  in = input_for (out, model);
  g_assert_false (vt ()->evaluate (p, &in, v, &e));
  g_assert_nonnull (e);
  g_clear_error (&e);

  g_autoptr (TdDataset) ok = data_with ("true_defect_probability", truth);
  in = input_for (ok, model);
  in.n = 5;
  g_assert_false (vt ()->evaluate (p, &in, v, &e));
  g_assert_nonnull (strstr (e->message, "5 labels for 6 series"));
}

/* Graded data: one probability column per class; the ceiling is the
 * metrics of the most probable class, whatever the model scored. */
static void
test_multiclass (void)
{
  const double y[6] = { 0, 1, 2, 3, 0, 1 };
  /* most probable: 0, 1, 2, 2, 0, 0 */
  const double p[4][6] = {
    { 0.7, 0.1, 0.1, 0.0, 0.9, 0.5 },
    { 0.1, 0.8, 0.1, 0.1, 0.1, 0.3 },
    { 0.1, 0.1, 0.6, 0.5, 0.0, 0.2 },
    { 0.1, 0.0, 0.2, 0.4, 0.0, 0.0 },
  };
  const char *names[] = { "good", "minor", "major", "reject" };
  g_autoptr (TdDataset) ds = td_dataset_new (6, 1, 1, TD_TASK_MULTICLASS, 4);
  memcpy (ds->y, y, sizeof y);
  ds->class_names = g_new0 (char *, 5);
  for (size_t c = 0; c < 4; c++)
    {
      ds->class_names[c] = g_strdup (names[c]);
      g_autofree char *col = g_strdup_printf ("true_probability.%s", names[c]);
      td_dataset_add_meta_num (ds, col, p[c]);
    }
  double model[24] = { 0 };
  for (size_t i = 0; i < 6; i++)
    model[i * 4 + 3] = 1;   /* always "reject": ignored */
  TdEvalInput in = { .task = TD_TASK_MULTICLASS, .n = 6, .n_outputs = 4, .n_classes = 4,
                     .y = ds->y, .scores = model, .data = ds };
  g_autoptr (TdParams) prm = params (NULL);
  double v[N_METRICS];
  g_autoptr (GError) e = NULL;
  g_assert_true (vt ()->evaluate (prm, &in, v, &e));
  g_assert_no_error (e);
  for (int k = 0; k < 4; k++)
    g_assert_true (isnan (v[k]));
  g_assert_cmpfloat_with_epsilon (v[4], 4.0 / 6.0, 1e-15);               /* accuracy */
  /* F1 per class: good 2·2/(2+3), minor 2·1/(2+1), major 2·1/(1+2), reject 0 */
  g_assert_cmpfloat_with_epsilon (v[5], (0.8 + 2.0 / 3 + 2.0 / 3) / 4, 1e-15);
  g_assert_cmpfloat_with_epsilon (v[8], 2.0 / 6.0, 1e-15);               /* mae_class */
  /* kappa by hand: O off-diagonal (3,2) and (1,0), Σ w·O = 1 + 1 = 2;
   * rows 2 2 1 1, columns 3 1 2 0: Σ w·E = Σ_ij (i-j)² r_i c_j / 6
   * = (18 + 10 + 13 + 33) / 6 */
  g_assert_cmpfloat_with_epsilon (v[7], 1.0 - 2.0 / (74.0 / 6.0), 1e-14);
  g_assert_true (v[6] > 0.5 && v[6] <= 1.0);                             /* roc_auc_ovr */

  /* a class without its column: NaN, no error */
  g_free (ds->class_names[3]);
  ds->class_names[3] = g_strdup ("scrap");
  g_assert_true (vt ()->evaluate (prm, &in, v, &e));
  g_assert_no_error (e);
  for (int k = 0; k < N_METRICS; k++)
    g_assert_true (isnan (v[k]));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/oracle/descriptor", test_descriptor);
  g_test_add_func ("/oracle/known-answers", test_known_answers);
  g_test_add_func ("/oracle/column-parameter", test_column_parameter);
  g_test_add_func ("/oracle/absent-column", test_absent_column);
  g_test_add_func ("/oracle/bad-columns", test_bad_columns);
  g_test_add_func ("/oracle/multiclass", test_multiclass);
  return g_test_run ();
}
