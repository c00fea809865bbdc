/* cmd_eval.c — `tundish eval FILE.csv`: every binary metric of a score
 * column against a label column, and DeLong's test when a second score
 * column is present. The same numbers the evaluators put in results.csv,
 * for predictions made anywhere. */
#include <tundish/metrics.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "eval_csv.h"

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TdEvalData, td_eval_data_clear)

static gboolean
load_csv (const char *path, const TdEvalLimits *limits, TdEvalData *d, GError **error)
{
  gboolean from_stdin = strcmp (path, "-") == 0;
  const char *name = from_stdin ? "<stdin>" : path;
  FILE *f = from_stdin ? stdin : fopen (path, "rb");
  if (!f)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: cannot open: %s",
                   path, g_strerror (e));
      return FALSE;
    }
  g_autofree char *text = NULL;
  gsize len = 0;
  gboolean ok = td_eval_csv_read (f, name, limits, &text, &len, error);
  if (!from_stdin)
    fclose (f);
  return ok && td_eval_csv_parse (text, len, name, d, error);
}

static void
print_value (const char *name, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  /* g_ascii_formatd: a '.' decimal point whatever the locale */
  printf ("%s=%s\n", name, g_ascii_formatd (buf, sizeof buf, "%.17g", v));
}

static const char eval_description[] =
  "Reads a CSV with a header naming the columns 'label' (0 or 1) and 'score'\n"
  "(higher = more likely positive), in any order, and prints every binary metric\n"
  "as name=value lines (see docs/metrics.md for the definitions). With a third\n"
  "column 'score_b' (a second model's scores for the same items) it also prints\n"
  "DeLong's test of roc_auc(score) against roc_auc(score_b): delong_auc_a,\n"
  "delong_auc_b, delong_var_a, delong_var_b, delong_cov, delong_z, delong_p.\n"
  "FILE '-' reads standard input. Input with a NUL byte, a line longer than\n"
  "--max-line or more than --max-input-mb in all is refused as soon as it is seen.\n"
  "Fields may be quoted as RFC 4180 says (\"label\",\"score\"). ROC-AUC and PR-AUC print nan when only one\n"
  "class is present.\n"
  "\n"
  "Examples:\n"
  "  tundish eval predictions.csv\n"
  "  tundish eval --threshold 0.3 predictions.csv\n"
  "  tundish eval paired.csv | grep delong_p\n"
  "  python3 model.py | tundish eval -\n"
  "\n"
  "Exit status: 0 success, 1 usage or input error, 2 runtime error.";

int
td_cmd_eval (int argc, char **argv)
{
  double threshold = 0.5;
  int max_mb = TD_EVAL_MAX_MB, max_line = TD_EVAL_MAX_LINE;
  GOptionEntry entries[] = {
    { "max-input-mb", 0, 0, G_OPTION_ARG_INT, &max_mb,
      "Refuse more than MB megabytes of input (default 1024)", "MB" },
    { "max-line", 0, 0, G_OPTION_ARG_INT, &max_line,
      "Refuse a line longer than BYTES (default 65536)", "BYTES" },
    { "threshold", 't', 0, G_OPTION_ARG_DOUBLE, &threshold,
      "Predict positive when score >= T (default 0.5)", "T" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  /* the usage line reads "tundish eval [OPTION…] FILE.csv" */
  g_set_prgname ("tundish eval");
  g_autoptr (GOptionContext) octx = g_option_context_new ("FILE.csv");
  g_option_context_set_summary (octx, "Binary classification metrics of scored items.");
  g_option_context_set_description (octx, eval_description);
  g_option_context_add_main_entries (octx, entries, NULL);

  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (octx, &argc, &argv, &error))
    {
      g_printerr ("tundish eval: %s\nTry 'tundish eval --help'.\n", error->message);
      return TD_EXIT_USAGE;
    }
  if (argc != 2)
    {
      g_printerr ("tundish eval: %s\nUsage: tundish eval [--threshold T] FILE.csv\n",
                  argc < 2 ? "no input file given" : "exactly one input file expected");
      return TD_EXIT_USAGE;
    }
  if (!isfinite (threshold))
    {
      g_printerr ("tundish eval: --threshold must be a finite number\n");
      return TD_EXIT_USAGE;
    }

  if (max_mb < 1 || max_line < 16)
    {
      g_printerr ("tundish eval: --max-input-mb must be at least 1 and --max-line at least "
                  "16\n");
      return TD_EXIT_USAGE;
    }
  TdEvalLimits limits = { .max_bytes = (gsize) max_mb << 20, .max_line = (gsize) max_line };
  g_auto (TdEvalData) data = { 0 };
  if (!load_csv (argv[1], &limits, &data, &error))
    {
      g_printerr ("tundish eval: %s\n", error->message);
      return TD_EXIT_USAGE;
    }

  const double *y = (const double *) (void *) data.y->data;
  const double *a = (const double *) (void *) data.a->data;
  size_t n = data.y->len;
  double out[TD_N_BINARY_METRICS];
  TdDelong dl = { 0 };
  if (!td_binary_metrics (y, a, n, threshold, out, &error)
      || (data.b != NULL
          && !td_delong (y, a, (const double *) (void *) data.b->data, n, &dl, &error)))
    {
      g_printerr ("tundish eval: %s: %s\n", data.path, error->message);
      return TD_EXIT_RUNTIME;
    }

  for (int m = 0; m < TD_N_BINARY_METRICS; m++)
    print_value (td_binary_metric_names[m], out[m]);
  if (data.b != NULL)
    {
      print_value ("delong_auc_a", dl.auc_a);
      print_value ("delong_auc_b", dl.auc_b);
      print_value ("delong_var_a", dl.var_a);
      print_value ("delong_var_b", dl.var_b);
      print_value ("delong_cov", dl.cov);
      print_value ("delong_z", dl.z);
      print_value ("delong_p", dl.p);
    }
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      g_printerr ("tundish eval: cannot write the results to standard output\n");
      return TD_EXIT_RUNTIME;
    }
  return TD_EXIT_OK;
}
