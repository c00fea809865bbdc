/* cmd_eval.c — `tundish eval FILE.csv`: every binary metric of a score
 * column against a label column, and DeLong's test when a second score
 * column is present. The same numbers the evaluators put in results.csv,
 * for predictions made anywhere. */
#include <tundish/metrics.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"

typedef struct {
  char *path;            /* as given, for messages */
  GArray *y, *a, *b;     /* of double; b is NULL without a score_b column */
} EvalData;

static void
eval_data_clear (EvalData *d)
{
  g_free (d->path);
  g_clear_pointer (&d->y, g_array_unref);
  g_clear_pointer (&d->a, g_array_unref);
  g_clear_pointer (&d->b, g_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EvalData, eval_data_clear)

/* Next line of buf starting at *pos, NUL-terminated in place, without its
 * line ending (LF or CRLF) or surrounding blanks; NULL at the end. */
static char *
next_line (char *buf, gsize len, gsize *pos)
{
  if (*pos >= len)
    return NULL;
  char *line = buf + *pos;
  char *nl = memchr (line, '\n', len - *pos);
  if (nl != NULL)
    {
      *nl = '\0';
      *pos = (gsize) (nl - buf) + 1;
    }
  else
    {
      *pos = len;
    }
  return g_strstrip (line);
}

/* Splits a line at commas into at most max fields, stripping each; returns
 * the number of fields found (max + 1 means "more than max"). */
static guint
split_fields (char *line, char **fields, guint max)
{
  guint n = 0;
  for (char *f = line;; n++)
    {
      char *comma = strchr (f, ',');
      if (n == max)
        return max + 1;
      if (comma != NULL)
        *comma = '\0';
      fields[n] = g_strstrip (f);
      if (comma == NULL)
        return n + 1;
      f = comma + 1;
    }
}

enum { COL_LABEL, COL_SCORE, COL_SCORE_B, N_KNOWN };
#define MAX_COLUMNS 256

static gboolean
parse_header (char *line, const char *path, guint lineno, int col[N_KNOWN],
              guint *n_cols, GError **error)
{
  static const char *const known[N_KNOWN] = { "label", "score", "score_b" };
  char *fields[MAX_COLUMNS];
  guint n = split_fields (line, fields, MAX_COLUMNS);
  if (n > MAX_COLUMNS)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s:%u: more than %d columns", path, lineno, MAX_COLUMNS);
      return FALSE;
    }
  for (int k = 0; k < N_KNOWN; k++)
    col[k] = -1;
  for (guint f = 0; f < n; f++)
    for (int k = 0; k < N_KNOWN; k++)
      if (g_ascii_strcasecmp (fields[f], known[k]) == 0)
        {
          if (col[k] >= 0)
            {
              g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                           "%s:%u: column '%s' appears twice", path, lineno, known[k]);
              return FALSE;
            }
          col[k] = (int) f;
        }
  for (int k = 0; k < COL_SCORE_B; k++)
    if (col[k] < 0)
      {
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                     "%s:%u: no '%s' column in the header (expected 'label,score' "
                     "and optionally 'score_b')", path, lineno, known[k]);
        return FALSE;
      }
  *n_cols = n;
  return TRUE;
}

static gboolean
parse_number (const char *text, double *out)
{
  char *end = NULL;
  if (*text == '\0')
    return FALSE;
  *out = g_ascii_strtod (text, &end);
  return *end == '\0';
}

static gboolean
parse_row (char *line, guint lineno, const int col[N_KNOWN], guint n_cols,
           EvalData *d, GError **error)
{
  static const char *const what[N_KNOWN] = { "label", "score", "score_b" };
  char *fields[MAX_COLUMNS];
  guint n = split_fields (line, fields, n_cols);
  if (n != n_cols)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s:%u: %s fields, the header has %u", d->path, lineno,
                   n > n_cols ? "more" : "fewer", n_cols);
      return FALSE;
    }
  double v[N_KNOWN] = { 0 };
  for (int k = 0; k < N_KNOWN; k++)
    {
      if (col[k] < 0)
        continue;
      const char *text = fields[col[k]];
      if (!parse_number (text, &v[k]))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s:%u: %s '%s' is not a number", d->path, lineno, what[k], text);
          return FALSE;
        }
      if (k == COL_LABEL && v[k] != 0.0 && v[k] != 1.0)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s:%u: label '%s' is not 0 or 1", d->path, lineno, text);
          return FALSE;
        }
      if (k != COL_LABEL && !isfinite (v[k]))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s:%u: %s '%s' is not finite", d->path, lineno, what[k], text);
          return FALSE;
        }
    }
  g_array_append_val (d->y, v[COL_LABEL]);
  g_array_append_val (d->a, v[COL_SCORE]);
  if (d->b != NULL)
    g_array_append_val (d->b, v[COL_SCORE_B]);
  return TRUE;
}

static gboolean
read_contents (const char *path, char **text, gsize *len, GError **error)
{
  if (strcmp (path, "-") != 0)
    return g_file_get_contents (path, text, len, error);
  GString *s = g_string_new (NULL);
  char chunk[65536];
  size_t got;
  while ((got = fread (chunk, 1, sizeof chunk, stdin)) > 0)
    g_string_append_len (s, chunk, (gssize) got);
  if (ferror (stdin))
    {
      g_string_free (s, TRUE);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot read standard input");
      return FALSE;
    }
  *len = s->len;
  *text = g_string_free (s, FALSE);
  return TRUE;
}

static gboolean
load_csv (const char *path, EvalData *d, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!read_contents (path, &text, &len, error))
    return FALSE;
  d->path = g_strdup (strcmp (path, "-") == 0 ? "<stdin>" : path);
  if (memchr (text, '\0', len) != NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: contains NUL bytes; expected a text CSV", d->path);
      return FALSE;
    }
  gsize pos = 0;
  if (len >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)   /* spreadsheet BOM */
    pos = 3;

  guint lineno = 0;
  char *line;
  int col[N_KNOWN];
  guint n_cols = 0;
  /* blank lines before the header are tolerated */
  do
    {
      line = next_line (text, len, &pos);
      lineno++;
    }
  while (line != NULL && *line == '\0');
  if (line == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: empty file; expected a header 'label,score'", d->path);
      return FALSE;
    }
  if (!parse_header (line, d->path, lineno, col, &n_cols, error))
    return FALSE;
  d->y = g_array_new (FALSE, FALSE, sizeof (double));
  d->a = g_array_new (FALSE, FALSE, sizeof (double));
  d->b = col[COL_SCORE_B] >= 0 ? g_array_new (FALSE, FALSE, sizeof (double)) : NULL;
  while ((line = next_line (text, len, &pos)) != NULL)
    {
      lineno++;
      if (*line == '\0')
        continue;
      if (!parse_row (line, lineno, col, n_cols, d, error))
        return FALSE;
    }
  if (d->y->len == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: no data rows after the header", d->path);
      return FALSE;
    }
  return TRUE;
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
  "FILE '-' reads standard input. ROC-AUC and PR-AUC print nan when only one\n"
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
  GOptionEntry entries[] = {
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

  g_auto (EvalData) data = { 0 };
  if (!load_csv (argv[1], &data, &error))
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
