/* markdown — results.md: the run's pipeline × metric table as a GitHub
 * Markdown pipe table for a review, an issue or a notebook (mean ± sd, the
 * bootstrap interval when the run computed one, best per metric in bold,
 * significance marks against the baseline with the test
 * and the correction for multiple comparisons stated under the table). The
 * table model is shared with the latex reporter (../common/paper_table.h).
 *
 * The bytes depend on the report alone, so the same run gives the same file.
 */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "paper_table.h"

#define MARKDOWN_REPORTER_VERSION "1.0.0"

/* Bytes of a control character at p (C0 other than line breaks and tab,
 * DEL, a C1 in UTF-8), or 0. A terminal showing the file (cat results.md)
 * would obey it, so it is written as visible text instead. */
static int
control_len (const unsigned char *p)
{
  if ((*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t') || *p == 0x7f)
    return 1;
  return *p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f ? 2 : 0;
}

/* Inline text: characters Markdown would read as markup get a backslash,
 * HTML-significant ones become entities, line breaks become spaces,
 * control characters become "\\xNN" (shown as \xNN). */
static void
md (GString *out, const char *s)
{
  g_autofree char *valid = g_utf8_make_valid (s ? s : "", -1);
  for (const char *p = valid; *p; p++)
    if (control_len ((const unsigned char *) p))
      {
        int n = control_len ((const unsigned char *) p);
        g_string_append_printf (out, "\\\\x%02x", (unsigned char) p[n - 1]);
        p += n - 1;
      }
    else
    switch (*p)
      {
      case '\\': case '`': case '*': case '_': case '[': case ']': case '|': case '#':
      case '~':
        g_string_append_c (out, '\\');
        g_string_append_c (out, *p);
        break;
      case '<': g_string_append (out, "&lt;"); break;
      case '>': g_string_append (out, "&gt;"); break;
      case '&': g_string_append (out, "&amp;"); break;
      case '\n': case '\r': case '\t': g_string_append_c (out, ' '); break;
      default: g_string_append_c (out, *p);
      }
}

/* A name in a code span (metric and test names keep their underscores);
 * a backtick inside (never in practice) falls back to escaped text. */
static void
code (GString *out, const char *s)
{
  gboolean plain = s != NULL && strpbrk (s, "`\r\n|") == NULL;
  for (const char *p = s; plain && *p; p++)
    plain = !control_len ((const unsigned char *) p);
  if (!plain)
    {
      md (out, s);
      return;
    }
  g_string_append_c (out, '`');
  g_string_append (out, s);
  g_string_append_c (out, '`');
}

static void
number (GString *out, const PaperTable *t, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (out, isnan (v) ? "n/a" : paper_format (t, v, buf, sizeof buf));
}

static void
cell (GString *out, const PaperTable *t, const PaperCell *c)
{
  if (c->summary == NULL || isnan (c->summary->mean))
    {
      g_string_append (out, "\xe2\x80\x94");
      return;
    }
  if (c->best)
    g_string_append (out, "**");
  number (out, t, c->summary->mean);
  if (isfinite (c->summary->sd))
    {
      g_string_append (out, " \xc2\xb1 ");
      number (out, t, c->summary->sd);
    }
  if (c->best)
    g_string_append (out, "**");
  paper_interval (out, t, c, number);
  if (c->stars > 0)
    {
      g_string_append_c (out, ' ');
      for (int k = 0; k < c->stars; k++)
        g_string_append (out, "\\*");
    }
}

static const PaperSyntax markdown_syntax = {
  .opening = "\n", .pm = "\xc2\xb1", .range_dash = "\xe2\x80\x93",
  .up = "\xe2\x86\x91", .down = "\xe2\x86\x93", .percent = "%",
  .stars = "\\* p < 0.05, \\*\\* p < 0.01, \\*\\*\\* p < 0.001",
  .p = "p", .name = md, .test = code,
};

static char *
render (const TdParams *params, const TdRunReport *r)
{
  size_t n_metrics = 0;
  const char *const *metrics = params ? td_params_get_string_list (params, "metrics", &n_metrics) : NULL;
  int decimals = params ? (int) td_params_get_int (params, "decimals") : 3;
  const char *test = params ? td_params_get_string (params, "test") : NULL;
  const char *experiment = r->experiment && *r->experiment ? r->experiment : "tundish run";

  PaperTable t;
  paper_table_build (&t, r, metrics, n_metrics, decimals, test);
  GString *out = g_string_new ("<!-- results.md, written by tundish's markdown reporter "
                               MARKDOWN_REPORTER_VERSION " -->\n\n**");
  md (out, experiment);
  g_string_append (out, "**: mean \xc2\xb1 sd over ");
  paper_trials_phrase (out, &t, &markdown_syntax);
  g_string_append (out, ".\n\n| Pipeline |");
  for (guint c = 0; c < t.metrics->len; c++)
    {
      const char *m = t.metrics->pdata[c];
      g_string_append_c (out, ' ');
      code (out, m);
      switch (td_metric_direction (m))
        {
        case TD_METRIC_HIGHER_BETTER: g_string_append (out, " \xe2\x86\x91"); break;
        case TD_METRIC_LOWER_BETTER: g_string_append (out, " \xe2\x86\x93"); break;
        case TD_METRIC_UNRANKED: break;
        }
      g_string_append (out, " |");
    }
  g_string_append (out, "\n|:---|");
  for (guint c = 0; c < t.metrics->len; c++)
    g_string_append (out, "---:|");
  g_string_append (out, "\n");
  for (guint row = 0; row < t.labels->len; row++)
    {
      g_string_append (out, "| ");
      md (out, t.labels->pdata[row]);
      if (t.baseline[row])
        g_string_append (out, " (baseline)");
      g_string_append (out, " |");
      for (guint c = 0; c < t.metrics->len; c++)
        {
          g_string_append_c (out, ' ');
          cell (out, &t, &t.cells[row * t.metrics->len + c]);
          g_string_append (out, " |");
        }
      g_string_append (out, "\n");
    }
  paper_footnote (out, &t, r, &markdown_syntax);
  paper_table_clear (&t);
  return g_string_free (out, FALSE);
}

static gboolean
markdown_write (const TdParams *params, const TdRunReport *report, GError **error)
{
  if (report->run_dir == NULL)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                           "markdown: the report has no run folder");
      return FALSE;
    }
  g_autofree char *text = render (params, report);
  g_autofree char *path = g_build_filename (report->run_dir, "results.md", NULL);
  g_autoptr (GError) local = NULL;
  if (!td_file_write_atomic (path, text, -1, &local))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "markdown: %s", local->message);
      return FALSE;
    }
  return TRUE;
}

static const TdParamSpec markdown_params[] = {
  { .name = "metrics", .type = TD_PARAM_STRING_LIST, .default_value = "[]",
    .help = "metric columns in this order; empty: every ranked metric of the experiment" },
  { .name = "decimals", .type = TD_PARAM_INT, .default_value = "3", .min = 0, .max = 8,
    .help = "decimals of means and sds (the best mean is chosen on the rounded values)" },
  { .name = "test", .type = TD_PARAM_STRING, .default_value = "\"\"",
    .help = "comparison behind the significance marks; empty: ttest where it ran, else the "
            "first test listed for the metric" },
};

static const TdReporterVTable markdown_vtable = {
  .write = markdown_write,
};

static const TdPluginDescriptor markdown_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_REPORTER,
  .name = "markdown",
  .version = MARKDOWN_REPORTER_VERSION,
  .summary = "results.md: pipe table, mean ± sd, best in bold, significance marks",
  .params = markdown_params,
  .n_params = G_N_ELEMENTS (markdown_params),
  .vtable = &markdown_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &markdown_descriptor : NULL;
}
