/* latex — results.tex: the run's pipeline × metric table as a booktabs
 * LaTeX table for a paper (mean ± sd, the bootstrap interval when the run
 * computed one, best per metric in bold, significance
 * marks against the baseline with the test and the correction for multiple
 * comparisons stated under the table). See ../common/paper_table.h for the rules.
 *
 * \input{results.tex} in a document that loads booktabs. The bytes depend on
 * the report alone, so the same run gives the same file.
 */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "paper_table.h"

#define LATEX_REPORTER_VERSION "1.0.0"

/* Text-mode escaping of everything LaTeX treats specially. */
/* Bytes of a control character at p (C0 other than line breaks and tab,
 * DEL, a C1 in UTF-8), or 0: written as visible text, never raw. */
static int
control_len (const unsigned char *p)
{
  if ((*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t') || *p == 0x7f)
    return 1;
  return *p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f ? 2 : 0;
}

static void
tex (GString *out, const char *s)
{
  g_autofree char *valid = g_utf8_make_valid (s ? s : "", -1);
  for (const char *p = valid; *p; p++)
    if (control_len ((const unsigned char *) p))
      {
        int n = control_len ((const unsigned char *) p);
        g_string_append_printf (out, "\\textbackslash{}x%02x", (unsigned char) p[n - 1]);
        p += n - 1;
      }
    else
    switch (*p)
      {
      case '\\': g_string_append (out, "\\textbackslash{}"); break;
      case '&': case '%': case '$': case '#': case '_': case '{': case '}':
        g_string_append_c (out, '\\');
        g_string_append_c (out, *p);
        break;
      case '~': g_string_append (out, "\\textasciitilde{}"); break;
      case '^': g_string_append (out, "\\textasciicircum{}"); break;
      case '<': g_string_append (out, "\\textless{}"); break;
      case '>': g_string_append (out, "\\textgreater{}"); break;
      case '\n': case '\r': case '\t': g_string_append_c (out, ' '); break;
      default: g_string_append_c (out, *p);
      }
}

/* A number in text mode; the minus sign in math mode so it is not a hyphen. */
static void
number (GString *out, const PaperTable *t, double v)
{
  if (isnan (v))
    {
      g_string_append (out, "n/a");
      return;
    }
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  const char *s = paper_format (t, v, buf, sizeof buf);
  if (s[0] == '-')
    {
      g_string_append (out, "$-$");
      s++;
    }
  g_string_append (out, s);
}

static void
cell (GString *out, const PaperTable *t, const PaperCell *c)
{
  if (c->summary == NULL || isnan (c->summary->mean))
    {
      g_string_append (out, "--");
      return;
    }
  if (c->best)
    g_string_append (out, "\\textbf{");
  number (out, t, c->summary->mean);
  if (isfinite (c->summary->sd))
    {
      g_string_append (out, " $\\pm$ ");
      number (out, t, c->summary->sd);
    }
  if (c->best)
    g_string_append (out, "}");
  paper_interval (out, t, c, number);
  if (c->stars > 0)
    g_string_append_printf (out, "$^{%.*s}$", c->stars, "***");
}

static void
header_cell (GString *out, const char *metric)
{
  tex (out, metric);
  switch (td_metric_direction (metric))
    {
    case TD_METRIC_HIGHER_BETTER: g_string_append (out, " $\\uparrow$"); break;
    case TD_METRIC_LOWER_BETTER: g_string_append (out, " $\\downarrow$"); break;
    case TD_METRIC_UNRANKED: break;
    }
}

static const PaperSyntax latex_syntax = {
  .opening = "  \\par\\smallskip\\footnotesize ",
  .pm = "$\\pm$", .range_dash = "--", .up = "$\\uparrow$", .down = "$\\downarrow$",
  .percent = "\\%",
  .stars = "$^{*}$~$p < 0.05$, $^{**}$~$p < 0.01$, $^{***}$~$p < 0.001$",
  .p = "$p$", .name = tex, .test = tex,
};

static char *
render (const TdParams *params, const TdRunReport *r)
{
  size_t n_metrics = 0;
  const char *const *metrics = params ? td_params_get_string_list (params, "metrics", &n_metrics) : NULL;
  int decimals = params ? (int) td_params_get_int (params, "decimals") : 3;
  const char *test = params ? td_params_get_string (params, "test") : NULL;
  const char *caption = params ? td_params_get_string (params, "caption") : NULL;
  const char *label = params ? td_params_get_string (params, "label") : NULL;
  const char *experiment = r->experiment && *r->experiment ? r->experiment : "tundish run";

  PaperTable t;
  paper_table_build (&t, r, metrics, n_metrics, decimals, test);
  GString *out = g_string_new ("% results.tex, written by tundish's latex reporter "
                               LATEX_REPORTER_VERSION " for the experiment ");
  /* a TeX comment: no TeX escapes, but line breaks and control characters
   * never raw */
  g_autofree char *exp_line = g_utf8_make_valid (experiment, -1);
  g_strdelimit (exp_line, "\r\n", ' ');
  for (const char *p = exp_line; *p; p++)
    {
      int n = control_len ((const unsigned char *) p);
      if (n)
        {
          g_string_append_printf (out, "\\x%02x", (unsigned char) p[n - 1]);
          p += n - 1;
        }
      else
        g_string_append_c (out, *p);
    }
  g_string_append (out, ".\n% Needs \\usepackage{booktabs}.\n\\begin{table}[htbp]\n  \\centering\n"
                        "  \\caption{");
  if (caption && *caption)
    tex (out, caption);
  else
    {
      tex (out, experiment);
      g_string_append (out, ": mean $\\pm$ sd over ");
      paper_trials_phrase (out, &t, &latex_syntax);
      g_string_append (out, ".");
    }
  g_string_append (out, "}\n  \\label{");
  /* A label is a key, not text: keep it to characters every class accepts. */
  g_autofree char *key = label && *label ? g_strdup (label) : g_strdup_printf ("tab:%s", experiment);
  g_strcanon (key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-._/", '-');
  g_string_append (out, key);
  g_string_append (out, "}\n  \\begin{tabular}{l");
  for (guint c = 0; c < t.metrics->len; c++)
    g_string_append_c (out, 'c');
  g_string_append (out, "}\n    \\toprule\n    Pipeline");
  for (guint c = 0; c < t.metrics->len; c++)
    {
      g_string_append (out, " & ");
      header_cell (out, t.metrics->pdata[c]);
    }
  g_string_append (out, " \\\\\n    \\midrule\n");
  for (guint row = 0; row < t.labels->len; row++)
    {
      g_string_append (out, "    ");
      /* "[" right after \\ would be read as its optional argument */
      if (((const char *) t.labels->pdata[row])[0] == '[')
        g_string_append (out, "{}");
      tex (out, t.labels->pdata[row]);
      if (t.baseline[row])
        g_string_append (out, " (baseline)");
      for (guint c = 0; c < t.metrics->len; c++)
        {
          g_string_append (out, " & ");
          cell (out, &t, &t.cells[row * t.metrics->len + c]);
        }
      g_string_append (out, " \\\\\n");
    }
  g_string_append (out, "    \\bottomrule\n  \\end{tabular}\n");
  paper_footnote (out, &t, r, &latex_syntax);
  g_string_append (out, "\\end{table}\n");
  paper_table_clear (&t);
  return g_string_free (out, FALSE);
}

static gboolean
latex_write (const TdParams *params, const TdRunReport *report, GError **error)
{
  if (report->run_dir == NULL)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                           "latex: the report has no run folder");
      return FALSE;
    }
  g_autofree char *text = render (params, report);
  g_autofree char *path = g_build_filename (report->run_dir, "results.tex", NULL);
  g_autoptr (GError) local = NULL;
  if (!td_file_write_atomic (path, text, -1, &local))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "latex: %s", local->message);
      return FALSE;
    }
  return TRUE;
}

static const TdParamSpec latex_params[] = {
  { .name = "metrics", .type = TD_PARAM_STRING_LIST, .default_value = "[]",
    .help = "metric columns in this order; empty: every ranked metric of the experiment" },
  { .name = "decimals", .type = TD_PARAM_INT, .default_value = "3", .min = 0, .max = 8,
    .help = "decimals of means and sds (the best mean is chosen on the rounded values)" },
  { .name = "test", .type = TD_PARAM_STRING, .default_value = "\"\"",
    .help = "comparison behind the significance marks; empty: ttest where it ran, else the "
            "first test listed for the metric" },
  { .name = "caption", .type = TD_PARAM_STRING, .default_value = "\"\"",
    .help = "\\caption text (escaped); empty: the experiment name and the number of trials" },
  { .name = "label", .type = TD_PARAM_STRING, .default_value = "\"\"",
    .help = "\\label key (characters other than letters, digits and :-._/ become -); "
            "empty: tab:<experiment>" },
};

static const TdReporterVTable latex_vtable = {
  .write = latex_write,
};

static const TdPluginDescriptor latex_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_REPORTER,
  .name = "latex",
  .version = LATEX_REPORTER_VERSION,
  .summary = "results.tex: booktabs table, mean ± sd, best in bold, significance marks",
  .params = latex_params,
  .n_params = G_N_ELEMENTS (latex_params),
  .vtable = &latex_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &latex_descriptor : NULL;
}
