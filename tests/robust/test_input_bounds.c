/* Bad input, handled well (issue 17, items 2, 8–14 and the advice of 16):
 * every refusal says what and where, quotes at most a short excerpt, and
 * comes early, before the input costs seconds or gigabytes.
 *
 *   names        an experiment or pipeline named . or .. (the run folder
 *                would land outside reports/)
 *   foreign-out  -o into a folder that holds someone's files but no run
 *   nul, control a NUL or a control character in a YAML string: refused
 *                with line, column and character, at validate time
 *   manifest-controls  a run folder named with C1, ESC and DEL still gives a
 *                manifest.yaml that reads back (resume, report)
 *   depth        [[[[… 100,000 deep refused by the pre-scan in well under a
 *                second, with the line and column of the 65th bracket
 *   design       a design above the trial cap, refused at the sweep that
 *                multiplied it; TUNDISH_MAX_TRIALS raises the cap
 *   excerpt      a 3 MB file, /etc/passwd as an include, a 10 MB CSV field:
 *                messages stay short
 *   eval-bounds  /dev/zero, an endless pipe, a long line: refused early;
 *                a quoted header "label","score" is read
 *   advice       a run that fails before any trial does not advise --resume
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "robust_util.h"
#include "run/run_manifest.h"

static void
expect_refused (const RunResult *r, const char *text)
{
  g_assert_cmpint (r->exit_code, ==, 1);
  if (!strstr (r->err, text))
    g_error ("expected \"%s\" in:\n%s", text, r->err);
}

static char *
validate (const char *dir, const char *name, const char *yaml, RunResult *r,
          const char *const *env)
{
  char *exp = util_write (dir, name, yaml);
  const char *args[] = { "validate", exp, NULL };
  util_run (r, args, env);
  return exp;
}

static void
test_names (void)
{
  g_autofree char *dir = util_mkdir ("names");
  for (int k = 0; k < 2; k++)
    {
      const char *name = k ? ".." : ".";
      g_autofree char *yaml = g_strdup_printf ("experiment: \"%s\"\n"
                                               "data: { generator: robust_gen }\n"
                                               "pipelines: [{ name: p, model: crashy }]\n", name);
      g_autofree char *exp = util_write (dir, "e.yaml", yaml);
      g_autofree char *cwd = g_build_filename (dir, k ? "cwd1" : "cwd0", NULL);
      g_assert_cmpint (g_mkdir (cwd, 0755), ==, 0);
      g_auto (RunResult) r;
      const char *args[] = { "run", exp, "-q", NULL };
      util_run_in (&r, cwd, args, NULL);
      expect_refused (&r, "e.yaml:1:13: experiment: ");
      expect_refused (&r, "names the current or the parent folder");
      /* nothing was written: not in cwd, not beside it */
      g_autoptr (GDir) d = g_dir_open (cwd, 0, NULL);
      g_assert_null (g_dir_read_name (d));
    }
  g_auto (RunResult) r;
  g_autofree char *e = validate (dir, "p.yaml", "experiment: ok\n"
                                 "data: { generator: robust_gen }\n"
                                 "pipelines: [{ name: \"..\", model: crashy }]\n", &r, NULL);
  expect_refused (&r, "p.yaml:3:21: pipelines[0].name: \"..\" names the current or the parent");
  /* a dotted name that is a folder of its own stays valid */
  g_auto (RunResult) ok;
  g_autofree char *e2 = validate (dir, "ok.yaml", "experiment: v1.2\n"
                                  "data: { generator: robust_gen }\n"
                                  "pipelines: [{ name: ...a, model: crashy }]\n", &ok, NULL);
  g_assert_cmpint (ok.exit_code, ==, 0);
}

static void
test_foreign_out (void)
{
  g_autofree char *dir = util_mkdir ("foreign");
  g_autofree char *exp = util_experiment (dir, "e.yaml", "",
                                          "  - { name: p, model: crashy }\n", "");
  g_autofree char *out = util_mkdir ("foreign/mine");
  g_autofree char *mine = util_write (out, "results.csv", "my own numbers\n");
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-q", "-j", "1", "-o", out, NULL };
  util_run (&r, args, NULL);
  expect_refused (&r, "the folder is not empty (it holds results.csv) and is not a tundish run");
  expect_refused (&r, "--force");
  g_autofree char *still = util_read (mine);
  g_assert_cmpstr (still, ==, "my own numbers\n");
  /* --force writes into it */
  g_auto (RunResult) f;
  const char *fargs[] = { "run", exp, "-q", "-j", "1", "-o", out, "--force", NULL };
  util_run (&f, fargs, NULL);
  g_assert_cmpint (f.exit_code, ==, 0);
  g_autofree char *now = util_read (mine);
  g_assert_true (g_str_has_prefix (now, "experiment,pipeline,"));
  /* an empty folder needs nothing */
  g_autofree char *empty = util_mkdir ("foreign/empty");
  g_auto (RunResult) e;
  const char *eargs[] = { "run", exp, "-q", "-j", "1", "-o", empty, NULL };
  util_run (&e, eargs, NULL);
  g_assert_cmpint (e.exit_code, ==, 0);
}

static void
test_nul_and_control (void)
{
  g_autofree char *dir = util_mkdir ("control");
  /* "host\0ile" was read as "host" */
  g_auto (RunResult) r;
  g_autofree char *e1 = validate (dir, "nul.yaml", "experiment: \"host\\0ile\"\n"
                                  "data: { generator: robust_gen }\n"
                                  "pipelines: [{ name: p, model: crashy }]\n", &r, NULL);
  expect_refused (&r, "nul.yaml:1:13: experiment: character 5 of \"host\\x00ile\" is a NUL");
  /* an escape sequence in a parameter (it was written into manifest.yaml,
   * and then the run could not be resumed, reported or exported) */
  const char *seqs[] = { "\\e[31m", "\\x07", "\\x7f", "\\u0085", "\\r", NULL };
  for (size_t k = 0; seqs[k]; k++)
    {
      g_autofree char *yaml = g_strdup_printf ("experiment: c\n"
                                               "data: { generator: robust_gen }\n"
                                               "pipelines:\n"
                                               "  - name: p\n"
                                               "    model: { plugin: crashy, params: "
                                               "{ tag: \"red%sred\" } }\n", seqs[k]);
      g_auto (RunResult) c;
      g_autofree char *e2 = validate (dir, "c.yaml", yaml, &c, NULL);
      expect_refused (&c, "c.yaml:5:45: pipelines[0].model.params.tag: character 4 of \"red\\");
      expect_refused (&c, "is a control character");
    }
  /* through --set as well, placed inside the argument */
  g_autofree char *exp = util_experiment (dir, "s.yaml", "", "  - { name: p, model: crashy }\n",
                                          "");
  g_auto (RunResult) s;
  const char *args[] = { "validate", exp, "--set", "pipelines[0].model.params.tag=\"a\\tb\\ec\"",
                         NULL };
  util_run (&s, args, NULL);
  expect_refused (&s, "character 4 of \"a\tb\\x1bc\" is a control character (U+001B)");
  /* tab and line feed are text */
  g_auto (RunResult) ok;
  const char *okargs[] = { "validate", exp, "--set", "pipelines[0].model.params.tag=\"a\\tb\\nc\"",
                           NULL };
  util_run (&ok, okargs, NULL);
  g_assert_cmpint (ok.exit_code, ==, 0);
}

/* Text tundish did not get from the experiment file (a run folder's name,
 * the command line) still reaches manifest.yaml as YAML that reads back:
 * C0, DEL and C1 controls escaped. */
static void
test_manifest_controls (void)
{
  g_autofree char *dir = util_mkdir ("manifest-controls");
  g_autofree char *exp = util_experiment (dir, "e.yaml", "", "  - { name: p, model: crashy }\n",
                                          "");
  g_autofree char *out = g_build_filename (dir, "run\xc2\x85\x1b\x7fx", NULL);
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-q", "-j", "1", "-o", out, NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, 0);
  g_autofree char *m = util_read2 (out, "manifest.yaml");
  g_assert_nonnull (strstr (m, "run\\u0085\\x1b\\x7fx"));
  TdManifestInfo info;
  g_autoptr (GError) e = NULL;
  g_assert_true (td_manifest_read (out, &info, &e));
  g_assert_no_error (e);
  g_assert_cmpstr (info.status, ==, "finished");
  td_manifest_info_clear (&info);
  g_auto (RunResult) rep;
  const char *rargs[] = { "report", out, NULL };
  util_run (&rep, rargs, NULL);
  g_assert_cmpint (rep.exit_code, ==, 0);
}

static void
test_depth (void)
{
  g_autofree char *dir = util_mkdir ("depth");
  const int depth = 100000;
  GString *y = g_string_new ("experiment: deep\nseed: ");
  for (int k = 0; k < depth; k++)
    g_string_append_c (y, '[');
  for (int k = 0; k < depth; k++)
    g_string_append_c (y, ']');
  g_string_append_c (y, '\n');
  g_autofree char *text = g_string_free (y, FALSE);
  gint64 t0 = g_get_monotonic_time ();
  g_auto (RunResult) r;
  g_autofree char *e = validate (dir, "deep.yaml", text, &r, NULL);
  double seconds = (double) (g_get_monotonic_time () - t0) / 1e6;
  /* the 65th bracket: "seed: " is 6 columns */
  expect_refused (&r, "deep.yaml:2:71: nested too deeply: more than 64 levels of [ and {");
  /* libyaml alone took 42 s at this depth */
  g_assert_cmpfloat (seconds, <, 5.0);
  /* brackets that are text (quoted, commented, in a block scalar) do not count */
  GString *q = g_string_new ("experiment: q\ndata: { generator: robust_gen }\n"
                             "pipelines: [{ name: p, model: { plugin: crashy, params: "
                             "{ tag: \"");
  for (int k = 0; k < 100; k++)
    g_string_append (q, "[{");
  g_string_append (q, "\" } } }]\n# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n");
  g_autofree char *qt = g_string_free (q, FALSE);
  g_auto (RunResult) ok;
  g_autofree char *e2 = validate (dir, "quoted.yaml", qt, &ok, NULL);
  g_assert_cmpint (ok.exit_code, ==, 0);
  GString *b = g_string_new ("experiment: b\ndata: { generator: robust_gen }\npipelines:\n"
                             "  - name: p\n    model:\n      plugin: crashy\n      params:\n"
                             "        tag: |\n          ");
  for (int k = 0; k < 100; k++)
    g_string_append (b, "[{");
  g_string_append (b, "\n          more [[[[\n        when: all\n");
  g_autofree char *bt = g_string_free (b, FALSE);
  g_auto (RunResult) okb;
  g_autofree char *e3 = validate (dir, "block.yaml", bt, &okb, NULL);
  g_assert_cmpint (okb.exit_code, ==, 0);
}

/* n pipelines, each sweeping tag over m values */
static char *
design (int n, int m)
{
  GString *s = g_string_new ("experiment: big\nrepeats: 2\n"
                             "data: { generator: robust_gen }\n"
                             "split: { method: stratified_kfold, folds: 5 }\npipelines:\n");
  for (int p = 0; p < n; p++)
    {
      g_string_append_printf (s, "  - { name: p%d, model: { plugin: crashy, params: { tag: [", p);
      for (int v = 0; v < m; v++)
        g_string_append_printf (s, "%sv%d", v ? "," : "", v);
      g_string_append (s, "] } } }\n");
    }
  return g_string_free (s, FALSE);
}

static void
test_design (void)
{
  g_autofree char *dir = util_mkdir ("design");
  /* 30 pipelines x 1000 variants x 2 repeats x 5 folds = 300,000 trials:
   * the 11th pipeline takes it over 100,000 */
  g_autofree char *big = design (30, 1000);
  g_auto (RunResult) r;
  g_autofree char *e = validate (dir, "big.yaml", big, &r, NULL);
  expect_refused (&r, "big.yaml:16:58: pipelines[10].model.params.tag: this sweep of 1000 "
                      "values brings the design to at least 110000 trials (10000 variants "
                      "before this pipeline + 1000, x 2 repeats x 5 folds); expected at most "
                      "100000 trials (the default; set TUNDISH_MAX_TRIALS");
  /* the cap is the user's to move */
  g_autofree char *small = design (3, 4);   /* 120 trials */
  g_auto (RunResult) lo;
  const char *env_lo[] = { "TUNDISH_MAX_TRIALS=100", NULL };
  g_autofree char *e2 = validate (dir, "small.yaml", small, &lo, env_lo);
  expect_refused (&lo, "small.yaml:8:57: pipelines[2].model.params.tag: this sweep of 4 values "
                       "brings the design to at least 120 trials");
  expect_refused (&lo, "at most 100 trials (set by TUNDISH_MAX_TRIALS)");
  g_auto (RunResult) hi;
  const char *env_hi[] = { "TUNDISH_MAX_TRIALS=120", NULL };
  g_autofree char *e3 = validate (dir, "small.yaml", small, &hi, env_hi);
  g_assert_cmpint (hi.exit_code, ==, 0);
  g_auto (RunResult) bad;
  const char *env_bad[] = { "TUNDISH_MAX_TRIALS=lots", NULL };
  g_autofree char *e4 = validate (dir, "small.yaml", small, &bad, env_bad);
  expect_refused (&bad, "TUNDISH_MAX_TRIALS=lots: expected a positive integer");
}

static void
test_excerpt (void)
{
  g_autofree char *dir = util_mkdir ("excerpt");
  GString *big = g_string_new ("");
  for (int k = 0; k < 3000000; k++)
    g_string_append_c (big, 'x');
  g_autofree char *text = g_string_free (big, FALSE);
  g_auto (RunResult) r;
  g_autofree char *e = validate (dir, "big.txt", text, &r, NULL);
  expect_refused (&r, "big.txt:1:1: the file holds \"xxxxxxxx");
  expect_refused (&r, "… (3000000 bytes)\"; expected a mapping of keys");
  g_assert_cmpuint (strlen (r.err), <, 300);
  /* an include that is not YAML of ours: quoted in part, not printed */
  g_autofree char *secret = g_build_filename (dir, "secret.txt", NULL);
  GString *s = g_string_new ("");
  for (int k = 0; k < 40; k++)
    g_string_append_printf (s, "user%d:x:%d:%d::/home/user%d:/bin/sh\n", k, k, k, k);
  g_assert_true (g_file_set_contents (secret, s->str, -1, NULL));
  g_string_free (s, TRUE);
  g_autofree char *inc = g_strdup_printf ("include: %s\nexperiment: x\n", secret);
  g_auto (RunResult) ri;
  g_autofree char *e2 = validate (dir, "inc.yaml", inc, &ri, NULL);
  g_assert_cmpint (ri.exit_code, ==, 1);
  g_assert_null (strstr (ri.err, "user39"));
  g_assert_cmpuint (strlen (ri.err), <, strlen (secret) + 300);
  /* a long value in a message about it */
  GString *v = g_string_new ("experiment: x\ndata: { generator: robust_gen }\n"
                             "pipelines: [{ name: \"");
  for (int k = 0; k < 100000; k++)
    g_string_append_c (v, '<');
  g_string_append (v, "\", model: crashy }]\n");
  g_autofree char *vt = g_string_free (v, FALSE);
  g_auto (RunResult) rv;
  g_autofree char *e3 = validate (dir, "v.yaml", vt, &rv, NULL);
  expect_refused (&rv, "… (100000 bytes)\" has characters outside [A-Za-z0-9_.-]");
  g_assert_cmpuint (strlen (rv.err), <, 400);
  /* any other message that quotes a value whole keeps its head and tail */
  GString *b = g_string_new ("experiment: x\ndata: { generator: robust_gen }\n"
                             "pipelines: [{ name: p, model: crashy }]\ncompare: { baseline: ");
  for (int k = 0; k < 200000; k++)
    g_string_append_c (b, 'q');
  g_string_append (b, " }\n");
  g_autofree char *bt = g_string_free (b, FALSE);
  g_auto (RunResult) rb;
  g_autofree char *e4 = validate (dir, "b.yaml", bt, &rb, NULL);
  expect_refused (&rb, "b.yaml:4:22: compare.baseline: \"qqqq");
  expect_refused (&rb, " bytes left out] …");
  expect_refused (&rb, "qqqq\" is not a pipeline; expected one of: p\n");
  g_assert_cmpuint (strlen (rb.err), <, 1200);
  /* `tundish eval` on a 10 MB field (allowed through by --max-line) */
  GString *c = g_string_new ("label,score\n1,");
  for (int k = 0; k < 10000000; k++)
    g_string_append_c (c, '9');
  g_string_append (c, "x\n");
  g_autofree char *csv = g_build_filename (dir, "big.csv", NULL);
  g_assert_true (g_file_set_contents (csv, c->str, (gssize) c->len, NULL));
  g_string_free (c, TRUE);
  g_auto (RunResult) re;
  const char *eargs[] = { "eval", "--max-line", "20000000", csv, NULL };
  util_run (&re, eargs, NULL);
  expect_refused (&re, "big.csv:2: score '999999");
  expect_refused (&re, "… (10000001 bytes)' is not a number");
  g_assert_cmpuint (strlen (re.err), <, strlen (csv) + 200);
}

static void
test_eval_bounds (void)
{
  g_autofree char *dir = util_mkdir ("eval");
  gint64 t0 = g_get_monotonic_time ();
  g_auto (RunResult) z;
  const char *zargs[] = { "eval", "/dev/zero", NULL };
  util_run (&z, zargs, NULL);
  expect_refused (&z, "/dev/zero:1: a NUL byte at byte 0; expected a text CSV");
  g_assert_cmpfloat ((double) (g_get_monotonic_time () - t0) / 1e6, <, 5.0);
  /* an endless pipe: `yes 1,0.5 | tundish eval --max-input-mb 1 -` */
  g_autofree char *cmd = g_strdup_printf ("yes 1,0.5 | %s eval --max-input-mb 1 -",
                                          util_tundish ());
  const char *sh[] = { "sh", "-c", cmd, NULL };
  g_autofree char *err = NULL;
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) sh, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               &err, &status, NULL));
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 1);
  g_assert_nonnull (strstr (err, "<stdin>: more than 1 MB of input; expected a smaller CSV "
                                 "(--max-input-mb raises the limit)"));
  /* a line with no end */
  GString *l = g_string_new ("label,score\n");
  for (int k = 0; k < 70000; k++)
    g_string_append_c (l, '1');
  g_autofree char *long_csv = g_build_filename (dir, "long.csv", NULL);
  g_assert_true (g_file_set_contents (long_csv, l->str, (gssize) l->len, NULL));
  g_string_free (l, TRUE);
  g_auto (RunResult) rl;
  const char *largs[] = { "eval", long_csv, NULL };
  util_run (&rl, largs, NULL);
  expect_refused (&rl, "long.csv:2: the line is longer than 65536 bytes");
  /* what tundish's CSV writer writes, eval reads: quoted fields */
  g_autofree char *q = util_write (dir, "q.csv", "\"label\",\"score\",\"note\"\n"
                                   "\"1\",\"0.9\",\"a, \"\"b\"\"\"\n0,0.2,c\n1,0.7,d\n0,0.4,e\n");
  g_auto (RunResult) rq;
  const char *qargs[] = { "eval", q, NULL };
  util_run (&rq, qargs, NULL);
  g_assert_cmpint (rq.exit_code, ==, 0);
  g_assert_nonnull (strstr (rq.out, "n=4\n"));
  g_assert_nonnull (strstr (rq.out, "roc_auc=1\n"));
}

static void
test_advice (void)
{
  g_autofree char *dir = util_mkdir ("advice");
  g_autofree char *exp = util_experiment (dir, "e.yaml", "inject: nan_target",
                                          "  - { name: p, model: crashy }\n", "");
  g_autofree char *out = g_build_filename (dir, "run", NULL);
  g_auto (RunResult) r;
  const char *args[] = { "run", exp, "-q", "-j", "1", "-o", out, NULL };
  util_run (&r, args, NULL);
  g_assert_cmpint (r.exit_code, ==, 2);
  g_assert_null (strstr (r.err, "--resume"));
  g_assert_nonnull (strstr (r.err, "no trial ran, so there is nothing to resume; fix the "
                                   "problem and start a new run"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  util_init (argc, argv);
  g_test_add_func ("/robust/input/names", test_names);
  g_test_add_func ("/robust/input/foreign-out", test_foreign_out);
  g_test_add_func ("/robust/input/nul-and-control", test_nul_and_control);
  g_test_add_func ("/robust/input/manifest-controls", test_manifest_controls);
  g_test_add_func ("/robust/input/depth", test_depth);
  g_test_add_func ("/robust/input/design", test_design);
  g_test_add_func ("/robust/input/excerpt", test_excerpt);
  g_test_add_func ("/robust/input/eval-bounds", test_eval_bounds);
  g_test_add_func ("/robust/input/advice", test_advice);
  int rc = g_test_run ();
  util_finish ();
  return rc;
}
