/* What a run says about itself beyond its metrics, end to end through the
 * real tundish (tests/interpret/plugins: interp_gen puts the class signal
 * into sensor_1 on steps 10-19 of 40; planted scores exactly that window):
 *
 *  - timings: every stage of every trial in trial.csv and timings.csv,
 *    positive, plus the run's data and report stages, and never a word of
 *    them in results.csv, summary.csv or the predictions;
 *  - saliency.csv / attention.csv: one map per trial and class summing to
 *    1, concentrated on the planted channel and window, summaries over
 *    trials, nothing for a model on a feature matrix, capped by
 *    interpret.max_series, binned by interpret.time_bins;
 *  - confusion.csv: counts that sum to each trial's test size, binary (at
 *    the evaluator's threshold) and multiclass;
 *  - report.html: the "What drives the score", confusion and per-stage
 *    timing sections, times in minutes when the generator has a sample
 *    period and in steps when it has none;
 *  - the same bytes for -j 1 in-process and -j 2 in worker processes, after
 *    a kill and --resume, and from `tundish report`; `tundish export`;
 *  - a real lstm's saliency favouring the planted channel and window, and
 *    attention_lstm's attention profiles;
 *  - the report in headless Chromium (skipped without one). */
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#include "robust_util.h"

static const char binary_pipelines[] =
  "  - { name: planted, model: { plugin: planted } }\n"
  "  - { name: logit, features: [statistical], model: logistic }\n";

/* interp_gen (40 steps, 3 channels), stratified 3-fold, 8 time bins. */
static char *
experiment (const char *dir, const char *name, const char *generator, const char *gen_params,
            const char *pipelines, const char *metrics, int repeats)
{
  g_autofree char *text = g_strdup_printf (
    "experiment: interp\n"
    "seed: 5\n"
    "repeats: %d\n"
    "data: { generator: %s, params: { %s } }\n"
    "split: { method: stratified_kfold, folds: 3, valid_size: 0.2 }\n"
    "interpret: { time_bins: 8 }\n"
    "pipelines:\n%s"
    "evaluate: %s\n"
    "report: [csv, html]\n",
    repeats, generator, gen_params, pipelines, metrics);
  return util_write (dir, name, text);
}

static void
assert_same (const char *a_dir, const char *b_dir, const char *name)
{
  g_autofree char *a = g_build_filename (a_dir, name, NULL);
  g_autofree char *b = g_build_filename (b_dir, name, NULL);
  g_assert_true (g_file_test (a, G_FILE_TEST_EXISTS));
  if (!util_same_file (a, b))
    g_error ("%s differs between %s and %s", name, a_dir, b_dir);
}

static void
run_ok (const char *exp, const char *out, const char *const *flags, const char *const *env)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  const char *head[] = { "run", exp, "-q", "-o", out };
  for (size_t k = 0; k < G_N_ELEMENTS (head); k++)
    g_ptr_array_add (args, (gpointer) head[k]);
  for (size_t k = 0; flags && flags[k]; k++)
    g_ptr_array_add (args, (gpointer) flags[k]);
  g_ptr_array_add (args, NULL);
  g_auto (RunResult) r;
  util_run (&r, (const char *const *) args->pdata, env);
  if (r.exit_code != 0)
    g_error ("tundish run failed (%d): %s", r.exit_code, r.err);
}

/* The binary run every test shares: -j 2 in worker processes. */
static char *bin_dir, *bin_exp;

static void
binary_run (void)
{
  if (bin_dir)
    return;
  g_autofree char *dir = util_mkdir ("binary");
  bin_exp = experiment (dir, "exp.yaml", "interp_gen", "n_series: 60", binary_pipelines,
                        "[roc_auc, f1, tp, fp, tn, fn]", 2);
  bin_dir = g_build_filename (dir, "run", NULL);
  const char *flags[] = { "-j", "2", NULL };
  run_ok (bin_exp, bin_dir, flags, NULL);
}

/* ------------------------------------------------------------------ timings */

static void
test_timings (void)
{
  binary_run ();
  g_autoptr (GPtrArray) rows = util_csv (bin_dir, "timings.csv");
  gint cp = util_column (rows, "pipeline"), cr = util_column (rows, "repeat"),
       cf = util_column (rows, "fold");
  gint cs = util_column (rows, "stage"), cv = util_column (rows, "seconds");
  static const char *const always[] = { "split", "model_fit", "model_predict", "save",
                                        "evaluate", "write", NULL };
  static const char *const logit_only[] = { "feature_fit", "feature_transform_train",
                                            "feature_transform_valid", "feature_transform_test",
                                            NULL };
  const char *pipes[] = { "planted", "logit" };
  for (int p = 0; p < 2; p++)
    for (int r = 0; r < 2; r++)
      for (int f = 0; f < 3; f++)
        {
          g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
          g_autofree char *rs = g_strdup_printf ("%d", r), *fs = g_strdup_printf ("%d", f);
          for (guint i = 1; i < rows->len; i++)
            {
              char **row = rows->pdata[i];
              if (strcmp (row[cp], pipes[p]) || strcmp (row[cr], rs) || strcmp (row[cf], fs))
                continue;
              g_assert_cmpfloat (util_num (row[cv]), >, 0);
              g_assert_cmpfloat (util_num (row[cv]), <, 60);
              g_assert_false (g_hash_table_contains (seen, row[cs]));
              g_hash_table_add (seen, row[cs]);
            }
          for (size_t k = 0; always[k]; k++)
            g_assert_true (g_hash_table_contains (seen, always[k]));
          for (size_t k = 0; logit_only[k]; k++)
            g_assert_true (g_hash_table_contains (seen, logit_only[k]) == (p == 1));
          g_assert_true (g_hash_table_contains (seen, "interpret") == (p == 0));
          g_assert_false (g_hash_table_contains (seen, "augment"));   /* none configured */
        }
  /* the run's own stages: empty trial columns */
  gboolean data = FALSE, report = FALSE;
  for (guint i = 1; i < rows->len; i++)
    {
      char **row = rows->pdata[i];
      if (*row[cp])
        continue;
      g_assert_cmpstr (row[cr], ==, "");
      data = data || strcmp (row[cs], "data") == 0;
      report = report || strcmp (row[cs], "report") == 0;
      g_assert_cmpfloat (util_num (row[cv]), >, 0);
    }
  g_assert_true (data && report);

  /* in each trial's trial.csv, as keys read back on resume */
  g_autofree char *info = util_read2 (bin_dir, "trials/planted/r1-f2/trial.csv");
  g_assert_nonnull (strstr (info, "\nseconds.model_fit,"));
  g_assert_nonnull (strstr (info, "\nseconds.interpret,"));
  g_assert_nonnull (strstr (info, "\nseconds.write,"));

  /* never among the results */
  static const char *const outputs[] = { "results.csv", "summary.csv",
                                         "trials/planted/r0-f0/predictions.csv",
                                         "trials/planted/r0-f0/metrics.csv", NULL };
  for (size_t k = 0; outputs[k]; k++)
    {
      g_autofree char *text = util_read2 (bin_dir, outputs[k]);
      g_assert_nonnull (text);
      g_assert_null (strstr (text, "seconds"));
      g_assert_null (strstr (text, "model_fit"));
      g_assert_null (strstr (text, "interpret"));
    }
}

/* ----------------------------------------------------------------- saliency */

static void
test_saliency (void)
{
  binary_run ();
  g_autoptr (GPtrArray) rows = util_csv (bin_dir, "saliency.csv");
  g_assert_cmpstr (((char **) rows->pdata[0])[0], ==, "pipeline");
  gint cp = util_column (rows, "pipeline"), cr = util_column (rows, "repeat"),
       cf = util_column (rows, "fold");
  gint cc = util_column (rows, "class"), ch = util_column (rows, "channel"),
       cb = util_column (rows, "time_bin");
  gint ct0 = util_column (rows, "t_start"), ct1 = util_column (rows, "t_end");
  gint cv = util_column (rows, "value"), cn = util_column (rows, "n_series");
  /* 6 planted trials × 2 classes × 3 channels × 8 bins, none for logit */
  g_assert_cmpuint (rows->len - 1, ==, 6 * 2 * 3 * 8);
  g_autoptr (GHashTable) total = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) planted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 1; i < rows->len; i++)
    {
      char **row = rows->pdata[i];
      g_assert_cmpstr (row[cp], ==, "planted");
      g_assert_true (strcmp (row[cc], "good") == 0 || strcmp (row[cc], "defect") == 0);
      double v = util_num (row[cv]);
      int bin = (int) util_num (row[cb]);
      g_assert_cmpfloat (v, >=, 0);
      /* 40 steps in 8 bins: bin b spans steps [5b, 5b + 5) */
      g_assert_cmpfloat (util_num (row[ct0]), ==, 5.0 * bin);
      g_assert_cmpfloat (util_num (row[ct1]), ==, 5.0 * bin + 5);
      /* a 3-fold test split of 60 series: 10 per class */
      g_assert_cmpfloat (util_num (row[cn]), ==, 10);
      g_autofree char *key = g_strdup_printf ("%s/%s/%s", row[cr], row[cf], row[cc]);
      double *t = g_hash_table_lookup (total, key), *pl = g_hash_table_lookup (planted, key);
      if (!t)
        {
          g_hash_table_insert (total, g_strdup (key), t = g_new0 (double, 1));
          g_hash_table_insert (planted, g_strdup (key), pl = g_new0 (double, 1));
        }
      *t += v;
      /* the window, steps 10-19, is bins 2 and 3 */
      if (strcmp (row[ch], "sensor_1") == 0 && (bin == 2 || bin == 3))
        *pl += v;
      else
        g_assert_cmpfloat (v, ==, 0);
    }
  g_assert_cmpuint (g_hash_table_size (total), ==, 6 * 2);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, total);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      g_assert_cmpfloat_with_epsilon (*(double *) v, 1.0, 1e-12);
      g_assert_cmpfloat_with_epsilon (*(double *) g_hash_table_lookup (planted, k), 1.0, 1e-12);
    }

  /* the summary: mean over the 6 trials, sd 0 where every trial agrees */
  g_autoptr (GPtrArray) sum = util_csv (bin_dir, "saliency_summary.csv");
  g_assert_cmpuint (sum->len - 1, ==, 2 * 3 * 8);
  gint sm = util_column (sum, "mean"), sn = util_column (sum, "n"),
       sc = util_column (sum, "channel");
  gint sb = util_column (sum, "time_bin");
  for (guint i = 1; i < sum->len; i++)
    {
      char **row = sum->pdata[i];
      g_assert_cmpstr (row[sn], ==, "6");
      int bin = (int) util_num (row[sb]);
      gboolean in = strcmp (row[sc], "sensor_1") == 0 && (bin == 2 || bin == 3);
      g_assert_cmpfloat_with_epsilon (util_num (row[sm]), in ? 0.5 : 0.0, 1e-12);
    }
  /* the trial's own copy */
  g_autofree char *own = util_read2 (bin_dir, "trials/planted/r0-f1/saliency.csv");
  g_assert_nonnull (own);
  g_assert_true (g_str_has_prefix (own, "class_index,class,channel,time_bin,"));
  g_autofree char *none = util_read2 (bin_dir, "trials/logit/r0-f1/saliency.csv");
  g_assert_null (none);
}

static void
test_attention (void)
{
  binary_run ();
  g_autoptr (GPtrArray) rows = util_csv (bin_dir, "attention.csv");
  gint cb = util_column (rows, "time_bin"), cv = util_column (rows, "value");
  g_assert_cmpint (util_column (rows, "class"), ==, 4);
  g_assert_cmpuint (rows->len - 1, ==, 6 * 2 * 8);
  for (guint i = 1; i < rows->len; i++)
    {
      char **row = rows->pdata[i];
      int bin = (int) util_num (row[cb]);
      /* the window's 10 steps share every query's weight: half in each bin */
      g_assert_cmpfloat_with_epsilon (util_num (row[cv]), bin == 2 || bin == 3 ? 0.5 : 0.0, 1e-7);
    }
  g_assert_cmpint (util_csv_rows (bin_dir, "attention_summary.csv"), ==, 2 * 8);
}

/* ---------------------------------------------------------------- confusion */

/* confusion.csv against each trial's predictions.csv: k × k cells per trial
 * (true-major, in class order, the same names on both axes), counts that
 * sum to its test size and (multiclass) match the arg-max. */
static void
check_confusion (const char *dir, const char *pipeline, int k, gboolean argmax)
{
  g_autoptr (GPtrArray) rows = util_csv (dir, "confusion.csv");
  gint cp = util_column (rows, "pipeline"), cr = util_column (rows, "repeat"),
       cf = util_column (rows, "fold");
  gint ct = util_column (rows, "true_class"), cq = util_column (rows, "predicted_class");
  gint cn = util_column (rows, "count");
  for (int r = 0; r < 2; r++)
    for (int f = 0; f < 3; f++)
      {
        g_autofree char *rel = g_strdup_printf ("trials/%s/r%d-f%d", pipeline, r, f);
        g_autofree char *tdir = g_build_filename (dir, rel, NULL);
        g_autoptr (GPtrArray) pred = util_csv (tdir, "predictions.csv");
        guint n_test = pred->len - 1;
        g_autofree double *want = g_new0 (double, k * k);
        for (guint i = 1; argmax && i < pred->len; i++)
          {
            char **p = pred->pdata[i];
            int y = (int) util_num (p[1]), best = 0;
            for (int c = 1; c < k; c++)
              if (util_num (p[2 + c]) > util_num (p[2 + best]))
                best = c;
            want[y * k + best]++;
          }
        g_autoptr (GPtrArray) cells = g_ptr_array_new ();
        for (guint i = 1; i < rows->len; i++)
          {
            char **row = rows->pdata[i];
            if (strcmp (row[cp], pipeline) == 0 && (int) util_num (row[cr]) == r
                && (int) util_num (row[cf]) == f)
              g_ptr_array_add (cells, row);
          }
        g_assert_cmpuint (cells->len, ==, (guint) (k * k));
        double sum = 0;
        for (int a = 0; a < k; a++)
          for (int b = 0; b < k; b++)
            {
              char **row = cells->pdata[a * k + b];
              g_assert_cmpstr (row[ct], ==, ((char **) cells->pdata[a * k])[ct]);
              g_assert_cmpstr (row[cq], ==, ((char **) cells->pdata[b])[cq]);
              g_assert_cmpstr (((char **) cells->pdata[a * k])[ct], ==,
                               ((char **) cells->pdata[a])[cq]);
              double v = util_num (row[cn]);
              if (argmax)
                g_assert_cmpfloat (v, ==, want[a * k + b]);
              sum += v;
            }
        g_assert_cmpfloat (sum, ==, (double) n_test);
      }
}

static void
test_confusion_binary (void)
{
  binary_run ();
  check_confusion (bin_dir, "planted", 2, FALSE);
  check_confusion (bin_dir, "logit", 2, FALSE);
  /* binary counts are the evaluator's tp/fp/tn/fn */
  g_autoptr (GPtrArray) rows = util_csv (bin_dir, "confusion.csv");
  char **tn = rows->pdata[1], **tp = rows->pdata[4];
  g_assert_cmpstr (tn[4], ==, "good");
  g_assert_cmpstr (tn[5], ==, "good");
  g_assert_cmpstr (tp[4], ==, "defect");
  g_assert_cmpstr (tp[5], ==, "defect");
  g_autofree char *metrics = util_read2 (bin_dir, "trials/logit/r0-f0/metrics.csv");
  g_autofree char *want_tn = g_strdup_printf ("\ntn,%s\n", tn[6]);
  g_autofree char *want_tp = g_strdup_printf ("\ntp,%s\n", tp[6]);
  g_assert_nonnull (strstr (metrics, want_tn));
  g_assert_nonnull (strstr (metrics, want_tp));
}

static void
test_multiclass (void)
{
  g_autofree char *dir = util_mkdir ("multiclass");
  g_autofree char *exp = experiment (dir, "exp.yaml", "interp_gen", "n_series: 90, n_classes: 3",
                                     "  - { name: planted, model: { plugin: planted } }\n",
                                     "[accuracy, macro_f1]", 2);
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  run_ok (exp, out, NULL, NULL);
  check_confusion (out, "planted", 3, TRUE);
  g_autoptr (GPtrArray) rows = util_csv (out, "confusion.csv");
  g_assert_cmpuint (rows->len - 1, ==, 6 * 9);
  g_assert_cmpstr (((char **) rows->pdata[9])[4], ==, "major");
  /* saliency per class of the three */
  g_autoptr (GPtrArray) sal = util_csv (out, "saliency_summary.csv");
  g_assert_cmpuint (sal->len - 1, ==, 3 * 3 * 8);
  g_autofree char *html = util_read2 (out, "report.html");
  g_assert_nonnull (strstr (html, "<section id=\"confusion\">"));
  g_assert_nonnull (strstr (html, "The predicted class is the highest-scoring one."));
  const char *table = strstr (html, "table class=\"confusion\"");
  g_assert_nonnull (table);
  g_assert_nonnull (strstr (table, "<th class=\"num\">minor</th>"));
  g_assert_nonnull (strstr (table, "<th scope=\"row\">major</th>"));
}

/* ------------------------------------------------------------------- report */

static void
test_report_html (void)
{
  binary_run ();
  g_autofree char *html = util_read2 (bin_dir, "report.html");
  g_assert_nonnull (html);
  static const char *const want[] = {
    "<section id=\"drivers\">", "<h2>What drives the score</h2>",
    "aria-label=\"saliency of defect series, planted: channel by time\"",
    "aria-label=\"saliency of good series, planted: channel by time\"",
    "aria-label=\"saliency share per channel, planted\"",
    "aria-label=\"attention per time bin, planted\"",
    "table class=\"windows\"", "time (min)",
    /* 30 s per step: bins 2 and 3 are minutes 5-7.5 and 7.5-10 */
    "5\xe2\x80\x93" "7.5\xc2\xa0min", "7.5\xe2\x80\x93" "10\xc2\xa0min",
    "<section id=\"confusion\">", "<h2>Confusion matrices</h2>", "table class=\"confusion\"",
    "<section id=\"timing\">", "table class=\"stages\"", ">model_fit<", ">interpret<",
    "mean seconds per trial by stage, per pipeline", "Generating or loading the data took",
    "<a href=\"#drivers\">", "<a href=\"#confusion\">",
    NULL,
  };
  for (size_t k = 0; want[k]; k++)
    if (!strstr (html, want[k]))
      g_error ("report.html lacks %s", want[k]);
  /* the logistic model reads a feature matrix: no map for it */
  g_assert_null (strstr (html, "saliency of defect series, logit"));
}

/* Without a sample period, times are steps; max_series caps the series;
 * a pipeline's own interpret: wins; max_series 0 turns the maps off. */
static void
test_options (void)
{
  g_autofree char *dir = util_mkdir ("options");
  g_autofree char *exp = experiment (
    dir, "exp.yaml", "interp_gen_steps", "n_series: 60",
    "  - { name: few, model: { plugin: planted }, interpret: { max_series: 5, time_bins: 4 } }\n"
    "  - { name: off, model: { plugin: planted }, interpret: { max_series: 0 } }\n"
    "  - { name: unsupported, model: { plugin: planted, unsupported: true } }\n",
    "[roc_auc]", 2);
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  run_ok (exp, out, NULL, NULL);
  g_autoptr (GPtrArray) rows = util_csv (out, "saliency.csv");
  gint cp = util_column (rows, "pipeline"), cb = util_column (rows, "time_bin"),
       cn = util_column (rows, "n_series");
  gint cc = util_column (rows, "class"), cr = util_column (rows, "repeat"),
       cf = util_column (rows, "fold");
  g_autoptr (GHashTable) n_per_trial = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 1; i < rows->len; i++)
    {
      char **row = rows->pdata[i];
      g_assert_cmpstr (row[cp], ==, "few");
      g_assert_cmpfloat (util_num (row[cb]), <, 4);
      g_autofree char *key = g_strdup_printf ("%s/%s/%s", row[cr], row[cf], row[cc]);
      g_hash_table_insert (n_per_trial, g_steal_pointer (&key),
                           GINT_TO_POINTER ((int) util_num (row[cn])));
    }
  g_assert_cmpuint (rows->len - 1, ==, 6 * 2 * 3 * 4);
  /* 5 series in turns: 3 good and 2 defect */
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, n_per_trial);
  while (g_hash_table_iter_next (&it, &k, &v))
    g_assert_cmpint (GPOINTER_TO_INT (v), ==, g_str_has_suffix (k, "good") ? 3 : 2);
  /* "off" and "unsupported" explained nothing: no interpret stage either */
  g_autoptr (GPtrArray) t = util_csv (out, "timings.csv");
  gint tp = util_column (t, "pipeline"), ts = util_column (t, "stage");
  guint interpret = 0;
  for (guint i = 1; i < t->len; i++)
    if (strcmp (((char **) t->pdata[i])[ts], "interpret") == 0)
      {
        g_assert_cmpstr (((char **) t->pdata[i])[tp], ==, "few");
        interpret++;
      }
  g_assert_cmpuint (interpret, ==, 6);
  g_autofree char *html = util_read2 (out, "report.html");
  g_assert_nonnull (strstr (html, "time (step)"));
  g_assert_nonnull (strstr (html, "steps 10\xe2\x80\x93" "20<"));
  g_assert_nonnull (strstr (html, "Times are steps of the data"));
  /* the resolved configuration records the non-default settings */
  g_autofree char *manifest = util_read2 (out, "manifest.yaml");
  g_assert_nonnull (strstr (manifest, "interpret: {max_series: 5, time_bins: 4}"));
  g_assert_nonnull (strstr (manifest, "interpret: {max_series: 0, time_bins: 8}"));
}

/* Real models: the lstm plugin's explain (gradient × input), on data whose
 * class shows in sensor_1 on steps 10-19 only. A fitted model's saliency
 * for defect series must favour that channel and that window well above
 * their uniform shares (1/3 and 2/8; measured 0.79 and 0.58), and be the
 * same bytes in-process and in worker processes. attention_lstm's attention
 * maps: one profile per trial and class summing to 1, the same bytes too. */
static void
test_real_models (void)
{
  g_autofree char *dir = util_mkdir ("lstm");
  g_autofree char *exp = experiment (
    dir, "exp.yaml", "interp_gen", "n_series: 120",
    "  - name: lstm\n"
    "    model: { plugin: lstm, hidden_size: 16, num_layers: 1, head_hidden: 16, epochs: 25,\n"
    "             learning_rate: 0.01, patience: 0, dropout: 0 }\n"
    "  - name: att\n"
    "    model: { plugin: attention_lstm, hidden_size: 16, num_layers: 1, head_hidden: 16,\n"
    "             num_heads: 2, epochs: 10, learning_rate: 0.01, patience: 0, dropout: 0 }\n",
    "[roc_auc]", 1);
  g_autofree char *a = g_build_filename (dir, "j2", NULL);
  g_autofree char *b = g_build_filename (dir, "j1", NULL);
  const char *j2[] = { "-j", "2", NULL };
  const char *j1[] = { "-j", "1", "--no-isolate", NULL };
  run_ok (exp, a, j2, NULL);
  run_ok (exp, b, j1, NULL);
  assert_same (a, b, "saliency.csv");
  assert_same (a, b, "saliency_summary.csv");
  assert_same (a, b, "attention.csv");
  g_autoptr (GPtrArray) att = util_csv (a, "attention.csv");
  gint ap = util_column (att, "pipeline"), ac = util_column (att, "class"),
       av = util_column (att, "value");
  gint ar = util_column (att, "fold");
  g_assert_cmpuint (att->len - 1, ==, 3 * 2 * 8);    /* 3 folds, 2 classes, 8 bins */
  for (guint i = 1; i < att->len; i += 8)
    {
      double profile = 0;
      for (guint j = i; j < i + 8; j++)
        {
          char **row = att->pdata[j];
          g_assert_cmpstr (row[ap], ==, "att");
          g_assert_cmpstr (row[ac], ==, ((char **) att->pdata[i])[ac]);
          g_assert_cmpstr (row[ar], ==, ((char **) att->pdata[i])[ar]);
          profile += util_num (row[av]);
        }
      g_assert_cmpfloat_with_epsilon (profile, 1.0, 1e-9);
    }
  g_autoptr (GPtrArray) sum = util_csv (a, "saliency_summary.csv");
  gint cc = util_column (sum, "class"), ch = util_column (sum, "channel"),
       cb = util_column (sum, "time_bin");
  gint cm = util_column (sum, "mean");
  double total = 0, channel = 0, window = 0;
  for (guint i = 1; i < sum->len; i++)
    {
      char **row = sum->pdata[i];
      if (strcmp (row[cc], "defect") != 0 ||
          strcmp (row[util_column (sum, "pipeline")], "lstm") != 0)
        continue;
      double v = util_num (row[cm]);
      int bin = (int) util_num (row[cb]);
      total += v;
      channel += strcmp (row[ch], "sensor_1") == 0 ? v : 0;
      window += bin == 2 || bin == 3 ? v : 0;
    }
  g_assert_cmpfloat_with_epsilon (total, 1.0, 1e-9);
  if (g_test_verbose ())
    g_printerr ("lstm defect saliency: sensor_1 %.3f, steps 10-19 %.3f\n", channel, window);
  g_assert_cmpfloat (channel, >, 0.5);
  g_assert_cmpfloat (window, >, 0.4);
}

/* The real report in headless Chromium, when one is installed: the new
 * sections render without a console message. */
static void
test_browser (void)
{
  binary_run ();
  g_autofree char *chromium = g_find_program_in_path ("chromium");
  if (!chromium)
    {
      g_test_skip ("no chromium");
      return;
    }
  g_autofree char *profile = g_build_filename (util_tmp (), "chromium-profile", NULL);
  g_autofree char *user_dir = g_strdup_printf ("--user-data-dir=%s", profile);
  g_autofree char *path = g_build_filename (bin_dir, "report.html", NULL);
  g_autofree char *url = g_filename_to_uri (path, NULL, NULL);
  g_autofree char *timeout = g_find_program_in_path ("timeout");
  const char *argv[] = { timeout ? timeout : chromium, timeout ? "90" : "--headless",
                         chromium, "--headless", "--no-sandbox", "--disable-gpu",
                         "--disable-background-networking", "--no-first-run",
                         "--host-resolver-rules=MAP * ~NOTFOUND", user_dir,
                         "--enable-logging=stderr", "--v=0", "--dump-dom", url, NULL };
  const char *const *args = timeout ? argv : argv + 2;
  g_autofree char *dom = NULL, *log = NULL;
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) args, NULL, G_SPAWN_DEFAULT, NULL, NULL, &dom,
                               &log, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_null (strstr (log, "CONSOLE"));
  g_assert_null (strstr (log, "Uncaught"));
  static const char *const ids[] = { "drivers", "confusion", "timing", NULL };
  for (size_t k = 0; ids[k]; k++)
    {
      g_autofree char *id = g_strdup_printf ("<section id=\"%s\">", ids[k]);
      if (!strstr (dom, id))
        g_error ("the rendered page has no %s", id);
    }
  g_assert_nonnull (strstr (dom, "<figure class=\"heat\">"));
}

/* ------------------------------------------------------ determinism, resume */

static const char *const deterministic[] = {
  "saliency.csv", "saliency_summary.csv", "attention.csv", "attention_summary.csv",
  "confusion.csv", "results.csv", "summary.csv", NULL,
};

static void
test_determinism (void)
{
  binary_run ();
  g_autofree char *out = g_build_filename (util_tmp (), "binary", "j1", NULL);
  const char *flags[] = { "-j", "1", "--no-isolate", "--verify-determinism", NULL };
  run_ok (bin_exp, out, flags, NULL);
  for (size_t k = 0; deterministic[k]; k++)
    assert_same (bin_dir, out, deterministic[k]);
}

static void
test_resume (void)
{
  binary_run ();
  const char *points[] = { "trial:4", "trial-write:7" };
  for (size_t p = 0; p < G_N_ELEMENTS (points); p++)
    {
      g_autofree char *leaf = g_strdup_printf ("resume%zu", p);
      g_autofree char *out = g_build_filename (util_tmp (), "binary", leaf, NULL);
      g_autofree char *kill = g_strdup_printf ("TUNDISH_TEST_KILL_AT=%s", points[p]);
      const char *env[] = { kill, NULL };
      const char *args[] = { "run", bin_exp, "-q", "-o", out, "-j", "1", "--no-isolate", NULL };
      g_auto (RunResult) r;
      util_run (&r, args, env);
      g_assert_cmpint (r.signal, ==, SIGKILL);
      g_autofree char *before = util_read2 (out, "trials/planted/r0-f0/trial.csv");
      g_assert_nonnull (before);   /* finished before the kill: kept, not rerun */
      g_auto (RunResult) r2;
      const char *args2[] = { "run", "--resume", out, "-q", "-j", "2", NULL };
      util_run (&r2, args2, NULL);
      g_assert_cmpint (r2.exit_code, ==, 0);
      for (size_t k = 0; deterministic[k]; k++)
        assert_same (bin_dir, out, deterministic[k]);
      /* the trial that finished before the kill kept its own timings */
      g_autofree char *after = util_read2 (out, "trials/planted/r0-f0/trial.csv");
      g_assert_cmpstr (before, ==, after);
      g_autoptr (GPtrArray) t = util_csv (out, "timings.csv");
      gint cs = util_column (t, "stage");
      guint interpret = 0;
      for (guint i = 1; i < t->len; i++)
        interpret += strcmp (((char **) t->pdata[i])[cs], "interpret") == 0;
      g_assert_cmpuint (interpret, ==, 6);
    }
}

/* `tundish report` rebuilds every new output, byte for byte, from the
 * trial folders; export copies them. */
static void
test_rebuild_and_export (void)
{
  binary_run ();
  static const char *const files[] = { "saliency.csv", "saliency_summary.csv", "attention.csv",
                                       "attention_summary.csv", "confusion.csv", "timings.csv",
                                       "report.html", NULL };
  g_autofree char *saved = g_build_filename (util_tmp (), "binary", "saved", NULL);
  g_assert_cmpint (g_mkdir_with_parents (saved, 0755), ==, 0);
  for (size_t k = 0; files[k]; k++)
    {
      g_autofree char *from = g_build_filename (bin_dir, files[k], NULL);
      g_autofree char *to = g_build_filename (saved, files[k], NULL);
      g_autofree char *text = NULL;
      gsize len = 0;
      g_assert_true (g_file_get_contents (from, &text, &len, NULL));
      g_assert_true (g_file_set_contents (to, text, (gssize) len, NULL));
      /* timings.csv stays: its run-level rows (data, report) are the run's
       * own, which a rebuild reads back rather than measures */
      if (strcmp (files[k], "timings.csv") != 0)
        g_assert_cmpint (g_unlink (from), ==, 0);
    }
  g_auto (RunResult) r;
  const char *args[] = { "report", bin_dir, "-q", NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  for (size_t k = 0; files[k]; k++)
    assert_same (saved, bin_dir, files[k]);

  g_autofree char *to = g_build_filename (util_tmp (), "binary", "export", NULL);
  g_auto (RunResult) e;
  const char *eargs[] = { "export", bin_dir, "--to", to, "--data", "none", "-q", NULL };
  util_run (&e, eargs, NULL);
  g_assert_cmpint (e.exit_code, ==, 0);
  for (size_t k = 0; files[k] && strcmp (files[k], "report.html"); k++)
    assert_same (bin_dir, to, files[k]);
  g_autofree char *readme = util_read2 (to, "README.md");
  g_assert_nonnull (strstr (readme, "`saliency.csv`"));
  g_assert_nonnull (strstr (readme, "`timings.csv`"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  util_init (argc, argv);
  g_test_add_func ("/interpret/timings", test_timings);
  g_test_add_func ("/interpret/saliency", test_saliency);
  g_test_add_func ("/interpret/attention", test_attention);
  g_test_add_func ("/interpret/confusion-binary", test_confusion_binary);
  g_test_add_func ("/interpret/multiclass", test_multiclass);
  g_test_add_func ("/interpret/report-html", test_report_html);
  g_test_add_func ("/interpret/options", test_options);
  g_test_add_func ("/interpret/determinism", test_determinism);
  g_test_add_func ("/interpret/resume", test_resume);
  g_test_add_func ("/interpret/rebuild-and-export", test_rebuild_and_export);
  g_test_add_func ("/interpret/real-models", test_real_models);
  g_test_add_func ("/interpret/browser", test_browser);
  int rc = g_test_run ();
  util_finish ();
  g_free (bin_dir);
  g_free (bin_exp);
  return rc;
}
