/* Acceptance targets end to end (core/src/run/run_targets.h, `tundish run
 * --check-targets`), through the real tundish on interp_gen, whose class
 * shows in sensor_1 on steps 10-19 with amplitude 4: planted reading there
 * classifies (almost) perfectly, planted reading sensor_0 guesses.
 *
 *  - targets.csv: one row per pipeline and target, the pipeline's own
 *    target replacing the experiment's, pass only when the interval's lower
 *    bound clears a ">=" target (checked against the row's own numbers);
 *  - --check-targets: exit 0 for the pipeline that meets every target, 4 and
 *    each miss on stderr for the one that does not, 1 before running for a
 *    pipeline that does not exist or has no targets;
 *  - the same targets.csv after `tundish report`. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "robust_util.h"

/* with_targets FALSE: the same without any targets: */
static char *
experiment (const char *dir, const char *name, gboolean with_targets)
{
  g_autofree char *text = g_strdup_printf (
    "experiment: targets\n"
    "seed: 11\n"
    "repeats: 2\n"
    "data: { generator: interp_gen, params: { n_series: 120, amplitude: 4 } }\n"
    "split: { method: stratified_holdout, test_size: 0.3, valid_size: 0.2 }\n"
    "%s"
    "pipelines:\n"
    "  - { name: right, model: { plugin: planted, params: { channel: 1 } } }\n"
    "  - { name: wrong, model: { plugin: planted, params: { channel: 0 } }%s }\n"
    "  - { name: none, model: { plugin: planted, params: { channel: 0 } }%s }\n"
    "evaluate: [accuracy, recall, roc_auc]\n"
    "report: [csv, html]\n",
    with_targets ? "targets: { accuracy: \">= 0.85\", recall: \">= 0.90\" }\n" : "",
    with_targets ? ",\n      targets: { recall: \"> 0.0\" }" : "",
    with_targets ? ", targets: {}" : "");
  return util_write (dir, name, text);
}

static int
run (const char *const *args, char **err)
{
  g_auto (RunResult) r;
  util_run (&r, args, NULL);
  if (err)
    *err = g_strdup (r.err);
  return r.exit_code;
}

static void
test_targets (void)
{
  g_autofree char *dir = util_mkdir ("targets");
  g_autofree char *exp = experiment (dir, "exp.yaml", TRUE);
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_autofree char *err = NULL;
  const char *args[] = { "run", exp, "-q", "-o", out, "--check-targets", "right", NULL };
  int rc = run (args, &err);
  if (rc != 0)
    g_error ("expected right to meet its targets: %d %s", rc, err);

  g_autoptr (GPtrArray) rows = util_csv (out, "targets.csv");
  /* 2 each: an empty targets: {} keeps the experiment's */
  g_assert_cmpuint (rows->len, ==, 1 + 3 * 2);
  gint p = util_column (rows, "pipeline"), m = util_column (rows, "metric");
  gint t = util_column (rows, "target"), lo = util_column (rows, "low");
  gint v = util_column (rows, "verdict"), op = util_column (rows, "op");
  gint iv = util_column (rows, "interval");
  gboolean saw_miss = FALSE, saw_pass = FALSE;
  for (guint i = 1; i < rows->len; i++)
    {
      char **f = rows->pdata[i];
      g_assert_cmpstr (f[iv], ==, "bootstrap");
      gboolean pass = util_num (f[lo]) >= util_num (f[t]);
      if (strcmp (f[op], ">") == 0)
        pass = util_num (f[lo]) > util_num (f[t]);
      g_assert_cmpstr (f[v], ==, pass ? "pass" : "miss");
      saw_miss |= !pass, saw_pass |= pass;
      if (strcmp (f[p], "wrong") == 0 && strcmp (f[m], "recall") == 0)
        {
          g_assert_cmpstr (f[op], ==, ">");   /* the pipeline's own target */
          g_assert_cmpfloat (util_num (f[t]), ==, 0);
        }
      if (strcmp (f[p], "right") == 0)
        g_assert_cmpstr (f[v], ==, "pass");
      if (strcmp (f[p], "wrong") == 0 && strcmp (f[m], "accuracy") == 0)
        g_assert_cmpstr (f[v], ==, "miss");
    }
  g_assert_true (saw_miss && saw_pass);   /* both verdicts occur: not vacuous */

  g_autofree char *html = util_read2 (out, "report.html");
  g_assert_nonnull (strstr (html, "<section id=\"targets\">"));
  g_assert_nonnull (strstr (html, "\xe2\x9c\x93 pass"));
  g_assert_nonnull (strstr (html, "\xe2\x9c\x97 miss"));

  /* the same run rebuilt */
  g_autofree char *before = util_read2 (out, "targets.csv");
  const char *rargs[] = { "report", out, "-q", NULL };
  g_assert_cmpint (run (rargs, NULL), ==, 0);
  g_autofree char *after = util_read2 (out, "targets.csv");
  g_assert_cmpstr (before, ==, after);

  g_autofree char *out2 = g_build_filename (dir, "run2", NULL);
  g_autofree char *err2 = NULL;
  const char *args2[] = { "run", exp, "-q", "-o", out2, "--check-targets", "wrong", NULL };
  g_assert_cmpint (run (args2, &err2), ==, 4);
  g_assert_nonnull (strstr (err2, "--check-targets wrong: accuracy >= 0.85: miss (mean"));
  g_assert_null (strstr (err2, "recall"));   /* recall > 0 passed */

  g_autofree char *err3 = NULL;
  const char *args3[] = { "run", exp, "-q", "-o", out2, "--check-targets", "nope", NULL };
  g_assert_cmpint (run (args3, &err3), ==, 1);
  g_assert_nonnull (strstr (err3, "no such pipeline"));

  g_autofree char *exp4 = experiment (dir, "bare.yaml", FALSE);
  g_autofree char *err4 = NULL;
  const char *args4[] = { "run", exp4, "-q", "-o", out2, "--check-targets", "right", NULL };
  g_assert_cmpint (run (args4, &err4), ==, 1);
  g_assert_nonnull (strstr (err4, "the pipeline has no targets"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  util_init (argc, argv);
  g_test_add_func ("/targets/end-to-end", test_targets);
  int rc = g_test_run ();
  util_finish ();
  return rc;
}
