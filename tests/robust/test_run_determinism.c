/* Determinism end to end: the same experiment and seed give byte-identical
 * results.csv, summary.csv, comparisons.csv, predictions.h5 and per-trial
 * predictions across reruns, -j 1 / 2 / 4, trials in this process or in
 * worker processes (threads or fork), and the pipelines' order in the YAML.
 * `--verify-determinism` passes on deterministic plugins and catches one
 * that is not. */
#include <string.h>

#include "robust_util.h"

static char *src_dir;

static char *
run (const char *yaml, const char *tag, const char *const *flags)
{
  g_autofree char *exp = g_build_filename (src_dir, "determinism", yaml, NULL);
  char *out = g_build_filename (util_tmp (), "det", tag, NULL);
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  const char *head[] = { "run", exp, "-q", "-o", out };
  for (size_t k = 0; k < G_N_ELEMENTS (head); k++)
    g_ptr_array_add (args, (gpointer) head[k]);
  for (size_t k = 0; flags[k]; k++)
    g_ptr_array_add (args, (gpointer) flags[k]);
  g_ptr_array_add (args, NULL);
  g_auto (RunResult) r;
  util_run (&r, (const char *const *) args->pdata, NULL);
  if (r.exit_code != 0)
    g_error ("run %s (%s) failed: %s", yaml, tag, r.err);
  return out;
}

static void
assert_same (const char *a, const char *b, const char *name)
{
  g_autofree char *pa = g_build_filename (a, name, NULL);
  g_autofree char *pb = g_build_filename (b, name, NULL);
  g_assert_true (g_file_test (pa, G_FILE_TEST_EXISTS));
  if (!util_same_file (pa, pb))
    g_error ("%s differs between %s and %s", name, a, b);
}

static void
assert_same_trials (const char *a, const char *b)
{
  static const char *const pipes[] = { "gbdt", "logistic", "mean", NULL };
  for (size_t p = 0; pipes[p]; p++)
    for (int r = 0; r < 2; r++)
      for (int f = 0; f < 2; f++)
        {
          g_autofree char *leaf = g_strdup_printf ("r%d-f%d", r, f);
          g_autofree char *rel = g_build_filename ("trials", pipes[p], leaf, "predictions.csv",
                                                   NULL);
          assert_same (a, b, rel);
          g_autofree char *relv = g_build_filename ("trials", pipes[p], leaf,
                                                    "valid_predictions.csv", NULL);
          assert_same (a, b, relv);
        }
}

static void
test_matrix (void)
{
  static const char *const j1[] = { "-j", "1", NULL };
  static const char *const j1_fork[] = { "-j", "1", "--isolate", NULL };
  static const char *const j2[] = { "-j", "2", NULL };
  static const char *const j4[] = { "-j", "4", NULL };
  static const char *const j2_threads[] = { "-j", "2", "--no-isolate", NULL };
  static const char *const j2_threads4[] = { "-j", "2", "--no-isolate", "--threads-per-trial",
                                             "1", NULL };
  g_autofree char *base = run ("forward.yaml", "j1", j1);
  struct { const char *yaml, *tag; const char *const *flags; } other[] = {
    { "forward.yaml", "j1-again", j1 },
    { "forward.yaml", "j1-fork", j1_fork },
    { "forward.yaml", "j2", j2 },
    { "forward.yaml", "j4", j4 },
    { "forward.yaml", "j2-threads", j2_threads },
    { "reversed.yaml", "reversed-j2", j2 },
    { "reversed.yaml", "reversed-threads", j2_threads4 },
  };
  g_autofree char *results = util_read2 (base, "results.csv");
  g_assert_nonnull (strstr (results, "gbdt"));
  g_assert_nonnull (strstr (results, "logistic"));
  g_assert_cmpint (util_csv_rows (base, "results.csv"), ==, 3 * 4 * 4);
  for (size_t k = 0; k < G_N_ELEMENTS (other); k++)
    {
      g_autofree char *dir = run (other[k].yaml, other[k].tag, other[k].flags);
      assert_same (base, dir, "results.csv");
      assert_same (base, dir, "summary.csv");
      assert_same (base, dir, "comparisons.csv");
      assert_same (base, dir, "predictions.h5");
      assert_same_trials (base, dir);
    }
  /* and a different seed does change them */
  static const char *const seed[] = { "-j", "2", "--seed", "99", NULL };
  g_autofree char *other_seed = run ("forward.yaml", "seed99", seed);
  g_autofree char *pa = g_build_filename (base, "results.csv", NULL);
  g_autofree char *pb = g_build_filename (other_seed, "results.csv", NULL);
  g_assert_false (util_same_file (pa, pb));
}

static void
test_verify (void)
{
  static const char *const flags[] = { "-j", "2", "--verify-determinism", NULL };
  g_autofree char *exp = g_build_filename (src_dir, "determinism", "forward.yaml", NULL);
  g_autofree char *out = g_build_filename (util_tmp (), "det", "verify", NULL);
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-o", out, flags[0], flags[1], flags[2], NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_assert_nonnull (strstr (r.err, "3 rerun trials gave identical files"));
  g_autofree char *scratch = g_build_filename (out, ".verify", NULL);
  g_assert_false (g_file_test (scratch, G_FILE_TEST_EXISTS));

  /* a model that reads the clock is caught */
  g_autofree char *dir = util_mkdir ("det-flaky");
  const char *pipes =
    "  - { name: steady, model: crashy }\n"
    "  - { name: flaky, model: { plugin: crashy, params: { mode: nondeterministic } } }\n";
  g_autofree char *flaky = util_experiment (dir, "exp.yaml", "", pipes, "");
  g_autofree char *out2 = g_build_filename (dir, "run", NULL);
  for (int isolated = 0; isolated < 2; isolated++)
    {
      g_autofree char *o = g_strdup_printf ("%s-%d", out2, isolated);
      g_auto (RunResult) r2;
      const char *args2[] = { "run", flaky, "-q", "-o", o, "-j", isolated ? "2" : "1",
                              "--verify-determinism", NULL };
      util_run (&r2, args2, NULL);
      g_assert_cmpint (r2.exit_code, ==, 2);
      g_assert_nonnull (strstr (r2.err, "1 of 2 rerun trials gave different files"));
      g_assert_nonnull (strstr (r2.err, "flaky repeat"));
      g_assert_nonnull (strstr (r2.err, "predictions.csv differs from line 2"));
      g_assert_null (strstr (r2.err, "steady repeat"));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  util_init (argc, argv);
  src_dir = g_strdup (g_getenv ("TD_ROBUST_SRC"));
  g_assert_nonnull (src_dir);
  g_test_add_func ("/robust/determinism/matrix", test_matrix);
  g_test_add_func ("/robust/determinism/verify", test_verify);
  int rc = g_test_run ();
  util_finish ();
  g_free (src_dir);
  return rc;
}
