/* The leakage canary (issue 12): no plugin sees a label it must not see.
 *
 * A real run of steel_casting data with the plugins of leak/peek.c, which
 * try their hardest: a model that scores each series by input->y, models
 * that score by a feature column into which peek_feature copied y, the true
 * defect probability, the mechanism and the event, and xgboost on all of
 * those columns. Whatever the core hands transform, predict, explain and the
 * attention map must hold no label, so every one of them scores at chance
 * (ROC-AUC of all test predictions of a pipeline, pooled over the repeats,
 * within 0.5 ± 0.1: about 4 standard errors at 180 positives among 600).
 *
 * Not vacuous: the same plugins measure, in fit, what the labels they are
 * allowed there would give them (ROC-AUC 1 for y, high for the metadata);
 * the oracle evaluator still reads the true probability; and in their own
 * words (curves.csv) fit saw every training and validation label while
 * transform, predict, explain and attention saw none. With the core's
 * hiding removed (td_labels_take in trial.c) the "label" pipeline scores
 * ROC-AUC 1 and this test fails.
 *
 * `tundish score` hides labels too: scoring the exported data, with its
 * labels or with /y removed from the file, gives the trial's own scores. */
#include <hdf5.h>
#include <math.h>
#include <string.h>

#include <tundish/metrics.h>

#include "robust_util.h"

static const char experiment_text[] =
  "experiment: leak-canary\n"
  "seed: 3\n"
  "repeats: 2\n"
  "data:\n"
  "  generator: steel_casting\n"
  "  params: { num_casts: 600, cast_duration_minutes: 20, defect_probability: 0.3 }\n"
  "split: { method: stratified_holdout, test_size: 0.5, valid_size: 0.1 }\n"
  "interpret: { max_series: 10, time_bins: 4 }\n"
  "pipelines:\n"
  "  - { name: label, model: { plugin: peek_model, params: { read: label } } }\n"
  "  - { name: y, features: [peek_feature],\n"
  "      model: { plugin: peek_model, params: { read: column, column: 0 } } }\n"
  "  - { name: true_p, features: [peek_feature],\n"
  "      model: { plugin: peek_model, params: { read: column, column: 1 } } }\n"
  "  - { name: mechanism, features: [peek_feature],\n"
  "      model: { plugin: peek_model, params: { read: column, column: 2 } } }\n"
  "  - { name: event, features: [peek_feature],\n"
  "      model: { plugin: peek_model, params: { read: column, column: 3 } } }\n"
  "  - { name: gbdt, features: [peek_feature],\n"
  "      model: { plugin: xgboost, params: { n_estimators: 20, max_depth: 3 } } }\n"
  "evaluate: [roc_auc, oracle_roc_auc]\n"
  "report: [csv]\n";

static const char *const pipelines[] = { "label", "y", "true_p", "mechanism", "event", "gbdt" };
#define N_REPEATS 2

static char *run_dir;

static char *
trial_dir (const char *pipeline, int repeat)
{
  g_autofree char *leaf = g_strdup_printf ("r%d-f0", repeat);
  return g_build_filename (run_dir, "trials", pipeline, leaf, NULL);
}

static void
run_once (void)
{
  g_autofree char *dir = util_mkdir ("leak");
  g_autofree char *exp = util_write (dir, "leak.yaml", experiment_text);
  run_dir = g_build_filename (dir, "run", NULL);
  g_auto (RunResult) r = { 0 };
  util_run (&r, (const char *const[]) { "run", exp, "-q", "-o", run_dir, NULL },
            NULL);
  if (r.exit_code != 0)
    g_error ("tundish run exited %d:\n%s", r.exit_code, r.err);
}

/* Every test prediction of a pipeline, pooled over the repeats. */
static double
pooled_auc (const char *pipeline, size_t *n_pos, size_t *n)
{
  g_autoptr (GArray) y = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) s = g_array_new (FALSE, FALSE, sizeof (double));
  for (int r = 0; r < N_REPEATS; r++)
    {
      g_autofree char *dir = trial_dir (pipeline, r);
      g_autoptr (GPtrArray) rows = util_csv (dir, "predictions.csv");
      gint cy = util_column (rows, "label"), cs = util_column (rows, "score");
      for (guint i = 1; i < rows->len; i++)
        {
          char **f = rows->pdata[i];
          double label = util_num (f[cy]), score = util_num (f[cs]);
          g_array_append_val (y, label);
          g_array_append_val (s, score);
        }
    }
  *n = y->len;
  *n_pos = 0;
  for (guint i = 0; i < y->len; i++)
    *n_pos += g_array_index (y, double, i) == 1.0;
  return td_roc_auc ((const double *) (const void *) y->data,
                     (const double *) (const void *) s->data, y->len);
}

static void
test_at_chance (void)
{
  for (size_t p = 0; p < G_N_ELEMENTS (pipelines); p++)
    {
      size_t n_pos = 0, n = 0;
      double auc = pooled_auc (pipelines[p], &n_pos, &n);
      g_test_message ("%s: pooled test ROC-AUC %.4f over %zu series (%zu positive)",
                      pipelines[p], auc, n, n_pos);
      g_assert_cmpuint (n, >=, N_REPEATS * 300);
      g_assert_cmpuint (n_pos, >, 150);       /* enough of each class for the band */
      g_assert_cmpuint (n - n_pos, >, 150);
      g_assert_cmpfloat (fabs (auc - 0.5), <, 0.1);
    }
}

/* curve name -> value, for one trial (steps as "<name>@<step>"). */
static GHashTable *
curves (const char *pipeline, int repeat)
{
  g_autofree char *dir = trial_dir (pipeline, repeat);
  g_autoptr (GPtrArray) rows = util_csv (dir, "curves.csv");
  GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 1; i < rows->len; i++)
    {
      char **f = rows->pdata[i];
      double *v = g_new (double, 1);
      *v = util_num (f[2]);
      g_hash_table_insert (h, g_strdup_printf ("%s@%s", f[0], f[1]), v);
    }
  return h;
}

static double
curve (GHashTable *h, const char *name, int step)
{
  g_autofree char *key = g_strdup_printf ("%s@%d", name, step);
  const double *v = g_hash_table_lookup (h, key);
  if (!v)
    g_error ("no curve %s", key);
  return *v;
}

#define N_CASTS 600
/* steel_casting: mechanism, true_defect_probability, event, and the root-cause
 * columns cause_channels, defect_type, cause_start, cause_end */
#define N_TARGET_META 7

/* Series of the trial's validation split, and of its training split. */
static void
split_sizes (const char *pipeline, int repeat, double *n_valid, double *n_train)
{
  g_autofree char *dir = trial_dir (pipeline, repeat);
  int n_test = util_csv_rows (dir, "predictions.csv");
  int valid = util_csv_rows (dir, "valid_predictions.csv");
  g_assert_cmpint (n_test, >, 0);
  g_assert_cmpint (valid, >, 0);
  *n_valid = valid;
  *n_train = N_CASTS - n_test - valid;
}

static void
check_model_calls (GHashTable *h, double n_valid, double n_train)
{
  /* fit: every training and validation label, and the target metadata */
  g_assert_cmpfloat (curve (h, "peek_model.fit.labels", 0), ==, n_train);
  g_assert_cmpfloat (curve (h, "peek_model.fit.hidden_meta", 0), ==, N_TARGET_META);
  g_assert_cmpfloat (curve (h, "peek_model.fit_valid.labels", 0), ==, n_valid);
  g_assert_cmpfloat (curve (h, "peek_model.fit_valid.hidden_meta", 0), ==, N_TARGET_META);
  /* predict, test (0) and validation (1): nothing */
  for (int step = 0; step < 2; step++)
    {
      g_assert_cmpfloat (curve (h, "peek_model.predict.labels", step), ==, 0);
      g_assert_cmpfloat (curve (h, "peek_model.predict.hidden_meta", step), ==, 0);
    }
}

static void
test_what_each_call_saw (void)
{
  for (int r = 0; r < N_REPEATS; r++)
    {
      double n_valid = 0, n_train = 0;
      split_sizes ("label", r, &n_valid, &n_train);
      g_autoptr (GHashTable) label = curves ("label", r);
      check_model_calls (label, n_valid, n_train);
      /* reading labels where it may, the model finds them: */
      g_assert_cmpfloat (curve (label, "peek_model.fit_auc", 0), ==, 1.0);
      g_assert_cmpfloat (curve (label, "peek_model.explain.labels", 0), ==, 0);
      g_assert_cmpfloat (curve (label, "peek_model.explain.hidden_meta", 0), ==, 0);
      g_assert_cmpfloat (curve (label, "peek_model.attention.labels", 0), ==, 0);
      g_assert_cmpfloat (curve (label, "peek_model.attention.hidden_meta", 0), ==, 0);

      for (size_t p = 1; p < G_N_ELEMENTS (pipelines); p++)
        {
          g_autoptr (GHashTable) h = curves (pipelines[p], r);
          if (strcmp (pipelines[p], "gbdt") != 0)
            check_model_calls (h, n_valid, n_train);
          g_assert_cmpfloat (curve (h, "peek_feature.fit.labels", 0), ==, n_train);
          g_assert_cmpfloat (curve (h, "peek_feature.fit.hidden_meta", 0), ==, N_TARGET_META);
          /* what the copied columns would give away, measured on train: */
          double auc_y = curve (h, "peek_feature.fit_auc.y", 0);
          double auc_p = curve (h, "peek_feature.fit_auc.true_defect_probability", 0);
          double auc_m = curve (h, "peek_feature.fit_auc.mechanism", 0);
          double auc_e = curve (h, "peek_feature.fit_auc.event", 0);
          if (p == 1)
            g_test_message ("repeat %d: train ROC-AUC of the copied columns: y %.4f, "
                            "true_defect_probability %.4f, mechanism %.4f, event %.4f",
                            r, auc_y, auc_p, auc_m, auc_e);
          g_assert_cmpfloat (auc_y, ==, 1.0);
          g_assert_cmpfloat (auc_p, >, 0.9);
          g_assert_cmpfloat (auc_m, >, 0.9);
          g_assert_cmpfloat (auc_e, >, 0.75);
          /* transform of train (0), valid (1) and test (2): nothing */
          for (int step = 0; step < 3; step++)
            {
              g_assert_cmpfloat (curve (h, "peek_feature.transform.labels", step), ==, 0);
              g_assert_cmpfloat (curve (h, "peek_feature.transform.hidden_meta", step), ==, 0);
            }
        }
    }
}

/* The evaluators still get the truth: the oracle reads the true probability. */
static void
test_evaluators_see_everything (void)
{
  for (size_t p = 0; p < G_N_ELEMENTS (pipelines); p++)
    for (int r = 0; r < N_REPEATS; r++)
      {
        g_autofree char *dir = trial_dir (pipelines[p], r);
        g_autoptr (GPtrArray) rows = util_csv (dir, "metrics.csv");
        gboolean found = FALSE;
        for (guint i = 1; i < rows->len; i++)
          {
            char **f = rows->pdata[i];
            if (strcmp (f[0], "oracle_roc_auc") != 0)
              continue;
            found = TRUE;
            g_assert_cmpfloat (util_num (f[1]), >, 0.9);
          }
        g_assert_true (found);
      }
}

/* series_id -> score, as text (byte-for-byte comparison). */
static GHashTable *
scores_by_id (GPtrArray *rows)
{
  GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gint cs = util_column (rows, "score");
  for (guint i = 1; i < rows->len; i++)
    {
      char **f = rows->pdata[i];
      g_hash_table_insert (h, g_strdup (f[0]), g_strdup (f[cs]));
    }
  return h;
}

static void
check_scores (const char *data)
{
  g_autofree char *out_dir = util_mkdir ("leak-score");
  g_autofree char *out = g_build_filename (out_dir, "scores.csv", NULL);
  g_auto (RunResult) r = { 0 };
  util_run (&r, (const char *const[]) { "score", run_dir, data,
                                        "--pipeline", "label", "-o", out, NULL }, NULL);
  if (r.exit_code != 0)
    g_error ("tundish score exited %d:\n%s", r.exit_code, r.err);
  g_autoptr (GPtrArray) srows = util_csv (out_dir, "scores.csv");
  g_autoptr (GHashTable) scored = scores_by_id (srows);
  g_assert_cmpuint (g_hash_table_size (scored), ==, 600);
  g_autofree char *dir = trial_dir ("label", 0);
  g_autoptr (GPtrArray) prows = util_csv (dir, "predictions.csv");
  g_autoptr (GHashTable) trial = scores_by_id (prows);
  g_assert_cmpuint (g_hash_table_size (trial), >=, 300);
  GHashTableIter it;
  gpointer id, score;
  g_hash_table_iter_init (&it, trial);
  while (g_hash_table_iter_next (&it, &id, &score))
    g_assert_cmpstr (g_hash_table_lookup (scored, id), ==, score);
}

static void
test_score_hides_labels (void)
{
  g_autofree char *nb = g_build_filename (util_tmp (), "leak-export", NULL);
  g_auto (RunResult) r = { 0 };
  util_run (&r, (const char *const[]) { "export", run_dir, "--to", nb, "-q",
                                        NULL }, NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_autofree char *data = g_build_filename (nb, "dataset.h5", NULL);
  check_scores (data);

  /* The same file without /y: data to score need not carry labels. */
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (data, &bytes, &len, NULL));
  g_autofree char *unlabelled = g_build_filename (nb, "unlabelled.h5", NULL);
  g_assert_true (g_file_set_contents (unlabelled, bytes, (gssize) len, NULL));
  hid_t f = H5Fopen (unlabelled, H5F_ACC_RDWR, H5P_DEFAULT);
  g_assert_cmpint (f, >=, 0);
  g_assert_cmpint (H5Ldelete (f, "y", H5P_DEFAULT), >=, 0);
  g_assert_cmpint (H5Fclose (f), >=, 0);
  check_scores (unlabelled);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  util_init (argc, argv);
  run_once ();
  g_test_add_func ("/leakage/at-chance", test_at_chance);
  g_test_add_func ("/leakage/what-each-call-saw", test_what_each_call_saw);
  g_test_add_func ("/leakage/evaluators-see-everything", test_evaluators_see_everything);
  g_test_add_func ("/leakage/score-hides-labels", test_score_hides_labels);
  int rc = g_test_run ();
  g_free (run_dir);
  util_finish ();
  return rc;
}
