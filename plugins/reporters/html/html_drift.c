/* html_drift.c — "Data drift": drift.csv of the run (written before the
 * reporters when the experiment has drift:, core/src/run/run_drift.c), one
 * table row per split and channel summary, rows whose Holm-adjusted p is
 * below 0.05 marked. Nothing when the run has no drift.csv. See
 * html_sections.h. */
#include "html_sections.h"
#include "html_util.h"

#include <tundish/io.h>

#include <math.h>
#include <string.h>

#define DRIFT_ALPHA 0.05

static const char *const columns[] = { "repeat", "fold", "channel", "summary", "n_ref", "n_new",
                                       "ks", "p_ks_holm", "wasserstein", "mmd2", "p_mmd_holm" };
enum { C_REPEAT, C_FOLD, C_CHANNEL, C_SUMMARY, C_NREF, C_NNEW, C_KS, C_PKS, C_W, C_MMD, C_PMMD,
       N_COLS };

static double
num (char **rec, const int *at, int c)
{
  double v = NAN;
  return at[c] >= 0 && td_csv_parse_double (rec[at[c]], &v) ? v : NAN;
}

void
html_section_drift (GString *out, const HtmlDoc *doc)
{
  if (!doc->r->run_dir)
    return;
  g_autofree char *path = g_build_filename (doc->r->run_dir, "drift.csv", NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &text, &len, NULL))
    return;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) recs = td_csv_parse (text, len, "drift.csv", &error);
  if (!recs || recs->len < 2)
    return;
  int at[N_COLS];
  char **head = recs->pdata[0];
  for (int c = 0; c < N_COLS; c++)
    {
      at[c] = -1;
      for (int k = 0; head[k]; k++)
        if (strcmp (head[k], columns[c]) == 0)
          at[c] = k;
    }
  if (at[C_CHANNEL] < 0 || at[C_SUMMARY] < 0)
    return;
  guint width = g_strv_length (head), n_flagged = 0;
  g_autoptr (GString) rows = g_string_new (NULL);
  for (guint i = 1; i < recs->len; i++)
    {
      char **rec = recs->pdata[i];
      if (g_strv_length (rec) != width)
        continue;
      double pks = num (rec, at, C_PKS), pmmd = num (rec, at, C_PMMD);
      gboolean flag = pks < DRIFT_ALPHA || pmmd < DRIFT_ALPHA;
      n_flagged += flag;
      g_string_append_printf (rows, "<tr%s><td class=\"num\">%s</td><td class=\"num\">%s</td><td>",
                              flag ? " class=\"flag\"" : "", at[C_REPEAT] >= 0 ? rec[at[C_REPEAT]] : "",
                              at[C_FOLD] >= 0 ? rec[at[C_FOLD]] : "");
      html_escape (rows, rec[at[C_CHANNEL]]);
      g_string_append (rows, "</td><td>");
      html_escape (rows, rec[at[C_SUMMARY]]);
      g_string_append (rows, "</td>");
      const int cols[] = { C_NREF, C_NNEW, C_KS, C_PKS, C_W, C_MMD, C_PMMD };
      for (size_t k = 0; k < G_N_ELEMENTS (cols); k++)
        {
          double v = num (rec, at, cols[k]);
          g_string_append (rows, "<td class=\"num\">");
          if (cols[k] == C_PKS || cols[k] == C_PMMD)
            html_pvalue (rows, v);
          else if (isnan (v))
            g_string_append (rows, "n/a");
          else
            html_number (rows, v);
          g_string_append (rows, "</td>");
        }
      g_string_append_printf (rows, "<td>%s</td></tr>\n", flag ? "drift" : "");
    }
  g_string_append (out, "<section id=\"drift\">\n<h2>Data drift</h2>\n<p class=\"note\">"
                        "Does the test split look like the training split? Per split and "
                        "channel, each series' mean and standard deviation of the channel "
                        "(a feature's value for feature matrices), training series against "
                        "test series: Kolmogorov&ndash;Smirnov, Wasserstein-1 and MMD&sup2; "
                        "(RBF kernel, median-heuristic bandwidth, permutation p). p-values "
                        "are Holm-adjusted over the rows of a split; a row is marked when "
                        "either is below 0.05 (docs/statistics.md, &ldquo;Drift&rdquo;). ");
  html_escapef (out, "%u of %u rows marked.", n_flagged, recs->len - 1);
  g_string_append (out, "</p>\n<div class=\"scroll\"><table><thead><tr><th class=\"num\">"
                        "Repeat</th><th class=\"num\">Fold</th><th>Channel</th><th>Summary</th>"
                        "<th class=\"num\">n train</th><th class=\"num\">n test</th>"
                        "<th class=\"num\">KS D</th><th class=\"num\">KS p (Holm)</th>"
                        "<th class=\"num\">Wasserstein</th><th class=\"num\">MMD&sup2;</th>"
                        "<th class=\"num\">MMD p (Holm)</th><th></th></tr></thead><tbody>\n");
  g_string_append (out, rows->str);
  g_string_append (out, "</tbody></table></div>\n</section>\n");
}
