/* test_eval_cli.c — the built `tundish eval` on every golden case, on the
 * CSV shapes it must tolerate, and on the ones it must refuse.
 *
 * usage: test_eval_cli TUNDISH_EXE GOLDEN_DIR   (meson passes both) */
#include <tundish/metrics.h>

#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "golden.h"

static const char *tundish_exe;
static char *tmp_dir;

static const char *const delong_names[] = {
  "delong_auc_a", "delong_auc_b", "delong_var_a", "delong_var_b",
  "delong_cov", "delong_z", "delong_p",
};

typedef struct {
  int status;      /* exit code, or -1 when it did not exit normally */
  char *out, *err;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs `tundish eval ARGS...` (NULL-terminated). */
static Run
run_eval (const char *first, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) tundish_exe);
  g_ptr_array_add (argv, (gpointer) "eval");
  va_list ap;
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  Run r = { 0 };
  int wait_status = 0;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &r.out, &r.err, &wait_status, &error);
  g_assert_no_error (error);
  r.status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  return r;
}

/* name=value lines of an eval run, in order. */
static GPtrArray *
parse_output (const char *out)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) parts = g_strsplit (out, "\n", -1);
  for (guint k = 0; parts[k] != NULL; k++)
    if (parts[k][0] != '\0')
      g_ptr_array_add (lines, g_strdup (parts[k]));
  return lines;
}

static double
line_value (const char *line, const char *name)
{
  size_t len = strlen (name);
  if (strncmp (line, name, len) != 0 || line[len] != '=')
    g_error ("expected a line '%s=...', got '%s'", name, line);
  char *end = NULL;
  double v = g_ascii_strtod (line + len + 1, &end);
  g_assert_true (*end == '\0');
  return v;
}

static void
test_golden_case (gconstpointer data)
{
  const GoldenCase *c = data;
  g_auto (Run) r = run_eval (c->csv_path, NULL);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (r.status, ==, 0);
  g_autoptr (GPtrArray) lines = parse_output (r.out);
  guint n_expected = TD_N_BINARY_METRICS + (c->b != NULL ? G_N_ELEMENTS (delong_names) : 0);
  g_assert_cmpuint (lines->len, ==, n_expected);
  g_assert_cmpuint (lines->len, ==, c->expected->len);
  for (guint k = 0; k < lines->len; k++)
    {
      const char *name = k < TD_N_BINARY_METRICS ? td_binary_metric_names[k]
                                                 : delong_names[k - TD_N_BINARY_METRICS];
      double got = line_value (lines->pdata[k], name), want = 0;
      if (!golden_expected (c, name, &want))
        g_error ("%s: %s is not in the expected file", c->name, name);
      if (!golden_close (name, want, got))
        g_error ("%s: tundish eval printed %s=%.17g, expected %.17g", c->name, name, got, want);
    }
}

static char *
write_tmp (const char *name, const char *content)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_file_set_contents (path, content, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* The values printed for content must equal the library's, to the bit
 * (%.17g round-trips a double). */
static void
check_values (const char *content, double threshold, const double *y, const double *s,
              size_t n)
{
  g_autofree char *path = write_tmp ("values.csv", content);
  char thr[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_dtostr (thr, sizeof thr, threshold);
  g_auto (Run) r = run_eval ("--threshold", thr, path, NULL);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (r.status, ==, 0);
  double want[TD_N_BINARY_METRICS];
  g_assert_true (td_binary_metrics (y, s, n, threshold, want, NULL));
  g_autoptr (GPtrArray) lines = parse_output (r.out);
  g_assert_cmpuint (lines->len, ==, TD_N_BINARY_METRICS);
  for (int m = 0; m < TD_N_BINARY_METRICS; m++)
    {
      double got = line_value (lines->pdata[m], td_binary_metric_names[m]);
      if (isnan (want[m]))
        g_assert_true (isnan (got));
      else
        g_assert_cmpfloat (got, ==, want[m]);
    }
}

static void
test_tolerant (void)
{
  const double y[] = { 1, 0, 1, 0 }, s[] = { 0.9, 0.25, 0.5, 0.75 };
  /* columns in another order, an extra column, blanks, CRLF, a BOM, blank lines */
  check_values ("\xEF\xBB\xBF id , score ,LABEL\r\n"
                "a, 0.9 ,1\r\n"
                "b,0.25,0\r\n"
                "\r\n"
                "c,  5e-1,1\r\n"
                "d,0.75,  0\r\n\r\n",
                0.5, y, s, 4);
  check_values ("label,score\n1,0.9\n0,0.25\n1,0.5\n0,0.75", 0.3, y, s, 4);
  check_values ("\n\nlabel,score\n1,0.9\n0,0.25\n1,0.5\n0,0.75\n", 0.8, y, s, 4);
  /* RFC 4180: quoted header and fields, a quoted id holding a comma, a quote and a line break */
  check_values ("\"id\",\"label\",\"score\"\n\"a,\"\"1\"\"\nx\",\"1\",\"0.9\"\nb,0,0.25\n"
                "c,1,\"0.5\"\nd,0,0.75\n", 0.5, y, s, 4);
}

static void
test_threshold_and_one_class (void)
{
  g_autofree char *path = write_tmp ("one_class.csv", "label,score\n1,0.2\n1,0.7\n");
  g_auto (Run) r = run_eval (path, "-t", "0.1", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "roc_auc=nan\n"));
  g_assert_nonnull (strstr (r.out, "pr_auc=nan\n"));
  g_assert_nonnull (strstr (r.out, "recall=1\n"));
  g_assert_nonnull (strstr (r.out, "tp=2\n"));
}

static void
test_paired_one_class (void)
{
  g_autofree char *path = write_tmp ("paired.csv", "score_b,label,score\n0.3,0,0.2\n0.1,0,0.7\n");
  g_auto (Run) r = run_eval (path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "delong_auc_a=nan\n"));
  g_assert_nonnull (strstr (r.out, "delong_p=nan\n"));
}

typedef struct {
  const char *content, *message;   /* message: expected fragment after "FILE" */
} BadCase;

static void
test_bad_input (void)
{
  static const BadCase cases[] = {
    { "", ": empty file" },
    { "\n  \r\n", ": empty file" },
    { "label,score\n", ": no data rows" },
    { "label,score\n\n\n", ": no data rows" },
    { "label,probability\n1,0.5\n", ":1: no 'score' column" },
    { "y,score\n1,0.5\n", ":1: no 'label' column" },
    { "label,score,label\n1,0.5,1\n", ":1: column 'label' appears twice" },
    { "label,score\n1,0.5\n2,0.5\n", ":3: label '2' is not 0 or 1" },
    { "label,score\n1,0.5\n0.5,0.5\n", ":3: label '0.5' is not 0 or 1" },
    { "label,score\n1,0.5\nyes,0.5\n", ":3: label 'yes' is not a number" },
    { "label,score\n\n1,0.5\n0,abc\n", ":4: score 'abc' is not a number" },
    { "label,score\n1,0.5\n0,\n", ":3: score '' is not a number" },
    { "label,score\n1,nan\n", ":2: score 'nan' is not finite" },
    { "label,score\n1,0.5\n0,-inf\n", ":3: score '-inf' is not finite" },
    { "label,score\n1,1e999\n", ":2: score '1e999' is not finite" },
    { "label,score,score_b\n1,0.5,0.2\n0,0.1,NaN\n", ":3: score_b 'NaN' is not finite" },
    { "label,score\n1,0.5,0.3\n", ":2: more fields" },
    { "label,score,score_b\n1,0.5\n", ":2: fewer fields" },
    { "label,score\n1 0.5\n", ":2: fewer fields" },
    { "label,score\n1,\"0.5\n0,0.1\n", ":2: quoted field never closed" },
    { "label,score\n1,\"0.5\"x\n", ":2: text after a closing quote" },
    { "label,score\n\"a\nb\",0.5,1\n0,0.1\n", ":2: more fields" },
    { "id,label,score\n\"a\nb\",1,0.5\nc,0,x\n", ":4: score 'x' is not a number" },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autofree char *name = g_strdup_printf ("bad%zu.csv", k);
      g_autofree char *path = write_tmp (name, cases[k].content);
      g_auto (Run) r = run_eval (path, NULL);
      g_autofree char *want = g_strconcat (path, cases[k].message, NULL);
      if (strstr (r.err, want) == NULL)
        g_error ("case %zu: stderr '%s' lacks '%s'", k, r.err, want);
      g_assert_cmpint (r.status, ==, 1);
      g_assert_cmpstr (r.out, ==, "");
    }
}

static void
test_usage (void)
{
  g_auto (Run) none = run_eval (NULL);
  g_assert_cmpint (none.status, ==, 1);
  g_assert_nonnull (strstr (none.err, "no input file"));

  g_auto (Run) two = run_eval ("a.csv", "b.csv", NULL);
  g_assert_cmpint (two.status, ==, 1);

  g_auto (Run) bogus = run_eval ("--bogus", "a.csv", NULL);
  g_assert_cmpint (bogus.status, ==, 1);

  g_auto (Run) thr = run_eval ("--threshold", "half", "a.csv", NULL);
  g_assert_cmpint (thr.status, ==, 1);

  g_autofree char *missing = g_build_filename (tmp_dir, "does-not-exist.csv", NULL);
  g_auto (Run) nofile = run_eval (missing, NULL);
  g_assert_cmpint (nofile.status, ==, 1);
  g_assert_nonnull (strstr (nofile.err, "does-not-exist.csv"));

  g_auto (Run) help = run_eval ("--help", NULL);
  g_assert_cmpint (help.status, ==, 0);
  g_assert_nonnull (strstr (help.out, "--threshold"));
  g_assert_nonnull (strstr (help.out, "Examples:"));
  g_assert_nonnull (strstr (help.out, "tundish eval predictions.csv"));
}

static gboolean
remove_tree (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    return FALSE;
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_remove (p);
    }
  return g_rmdir (dir) == 0;
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc != 3)
    {
      g_printerr ("usage: %s TUNDISH_EXE GOLDEN_DIR\n", argv[0]);
      return 1;
    }
  tundish_exe = argv[1];
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) cases = golden_load_dir (argv[2], &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, >=, 9);
  tmp_dir = g_dir_make_tmp ("tundish-eval-XXXXXX", &error);
  g_assert_no_error (error);

  for (guint k = 0; k < cases->len; k++)
    {
      const GoldenCase *c = g_ptr_array_index (cases, k);
      g_autofree char *path = g_strdup_printf ("/eval/golden/%s", c->name);
      g_test_add_data_func (path, c, test_golden_case);
    }
  g_test_add_func ("/eval/tolerant", test_tolerant);
  g_test_add_func ("/eval/threshold-one-class", test_threshold_and_one_class);
  g_test_add_func ("/eval/paired-one-class", test_paired_one_class);
  g_test_add_func ("/eval/bad-input", test_bad_input);
  g_test_add_func ("/eval/usage", test_usage);
  int rc = g_test_run ();
  remove_tree (tmp_dir);
  g_free (tmp_dir);
  return rc;
}
