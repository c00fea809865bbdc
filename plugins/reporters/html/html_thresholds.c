/* html_thresholds.c — "Alarm thresholds": for anomaly detectors evaluated
 * by the anomaly evaluator, each pipeline's operating point at each
 * threshold method calibrated on validation normals (fpr_<method>,
 * recall_<method>, ... in the summary): a table with the test false
 * positive rate against the plan's requirement FPR < 0.05, and a chart of
 * recall against FPR with the 0.05 line. The requirement is fixed here
 * until experiments can state targets (issue 15). See html_sections.h. */
#include "html_doc.h"
#include "html_sections.h"
#include "html_svg.h"
#include "html_util.h"

#include <math.h>

#define FPR_LIMIT 0.05

static const char *const methods[] = { "percentile", "mad", "sigma", "pot" };
static const char *const method_titles[] = {
  "percentile of validation normals", "median + k\xc2\xb7MAD", "mean + k\xc2\xb7sd",
  "peaks over threshold (GPD)",
};

static const TdSummaryRow *
cell (const HtmlDoc *doc, guint row, const char *what, const char *method)
{
  g_autofree char *name = g_strdup_printf ("%s_%s", what, method);
  gint col = html_doc_metric (doc, name);
  return col < 0 ? NULL : html_doc_cell (doc, row, (guint) col);
}

static void
mean_cell (GString *out, const TdSummaryRow *c)
{
  g_string_append (out, "<td class=\"num\">");
  if (c && c->n > 0 && isfinite (c->mean))
    html_number (out, c->mean);
  else
    g_string_append (out, "n/a");
  g_string_append (out, "</td>");
}

static void
chart (GString *out, const HtmlDoc *doc)
{
  double hi = 2 * FPR_LIMIT;
  for (guint row = 0; row < doc->labels->len; row++)
    for (size_t m = 0; m < G_N_ELEMENTS (methods); m++)
      {
        const TdSummaryRow *f = cell (doc, row, "fpr", methods[m]);
        if (f && isfinite (f->mean))
          hi = MAX (hi, f->mean);
      }
  SvgPlot p = svg_plot (640, 360, 0, MIN (1.0, hi * 1.1), 0, 1);
  g_string_append (out, "<figure>\n");
  svg_open (out, p.w, p.h, "recall against false positive rate at each threshold method");
  svg_axes (out, &p, 6, 5, "false positive rate on test", "recall on test");
  double lx[2] = { FPR_LIMIT, FPR_LIMIT }, ly[2] = { 0, 1 };
  svg_line (out, &p, lx, ly, 2, SVG_LINE, "#52606d", 1.5, 1, TRUE);
  for (guint k = 0; k < doc->plotted->len; k++)
    {
      guint row = g_array_index (doc->plotted, guint, k);
      for (size_t m = 0; m < G_N_ELEMENTS (methods); m++)
        {
          const TdSummaryRow *f = cell (doc, row, "fpr", methods[m]);
          const TdSummaryRow *r = cell (doc, row, "recall", methods[m]);
          if (!f || !r || !isfinite (f->mean) || !isfinite (r->mean))
            continue;
          svg_dot (out, &p, f->mean, r->mean, 5, doc->colour[row], 0.9);
          g_string_append (out, "<text x=\"");
          svg_num (out, svg_x (&p, f->mean) + 7);
          g_string_append (out, "\" y=\"");
          svg_num (out, svg_y (&p, r->mean) + 4);
          g_string_append (out, "\" font-size=\"11\">");
          html_escape (out, methods[m]);
          g_string_append (out, "</text>\n");
        }
    }
  svg_close (out);
  g_string_append (out, "<figcaption>Mean over the trials; the dashed line is the plan's "
                        "FPR limit of 0.05. Up and to the left is better.</figcaption>\n");
  html_legend (out, doc);
  g_string_append (out, "</figure>\n");
}

void
html_section_thresholds (GString *out, const HtmlDoc *doc)
{
  gboolean any = FALSE;
  for (size_t m = 0; m < G_N_ELEMENTS (methods) && !any; m++)
    {
      g_autofree char *name = g_strdup_printf ("fpr_%s", methods[m]);
      any = html_doc_metric (doc, name) >= 0;
    }
  if (!any)
    return;
  g_string_append (out, "<section id=\"thresholds\">\n<h2>Alarm thresholds</h2>\n"
                        "<p>Each threshold is calibrated on the validation split's normal "
                        "series only and applied to the test split. The requirement: a false "
                        "positive rate below 0.05 on test. <em>Meets</em> when the mean over "
                        "the trials is below 0.05; <em>95&nbsp;% upper too</em> when the upper end of "
                        "its 95&nbsp;% t interval is too.</p>\n"
                        "<div class=\"scroll\"><table><thead><tr><th>Pipeline</th>"
                        "<th>Threshold method</th><th class=\"num\">Threshold</th>"
                        "<th class=\"num\">FPR</th><th class=\"num\">95&nbsp;% upper</th>"
                        "<th>FPR &lt; 0.05</th><th class=\"num\">Recall</th>"
                        "<th class=\"num\">Precision</th><th class=\"num\">F1</th>"
                        "<th class=\"num\">Trials</th></tr></thead>\n<tbody>\n");
  for (guint row = 0; row < doc->labels->len; row++)
    for (size_t m = 0; m < G_N_ELEMENTS (methods); m++)
      {
        const TdSummaryRow *f = cell (doc, row, "fpr", methods[m]);
        if (!f)
          continue;
        g_string_append (out, "<tr><td>");
        html_escape (out, doc->labels->pdata[row]);
        g_string_append (out, "</td><td>");
        html_escape (out, method_titles[m]);
        g_string_append (out, "</td>");
        mean_cell (out, cell (doc, row, "threshold", methods[m]));
        mean_cell (out, f);
        double half = html_ci95_half (f->sd, f->n);
        g_string_append (out, "<td class=\"num\">");
        if (isfinite (half) && isfinite (f->mean))
          html_number (out, f->mean + half);
        else
          g_string_append (out, "n/a");
        g_string_append (out, "</td><td>");
        if (f->n == 0 || !isfinite (f->mean))
          g_string_append (out, "n/a");
        else if (f->mean >= FPR_LIMIT)
          g_string_append (out, "<strong>misses</strong>");
        else
          g_string_append (out, isfinite (half) && f->mean + half < FPR_LIMIT
                                  ? "meets (95&nbsp;% upper too)" : "meets");
        g_string_append (out, "</td>");
        mean_cell (out, cell (doc, row, "recall", methods[m]));
        mean_cell (out, cell (doc, row, "precision", methods[m]));
        mean_cell (out, cell (doc, row, "f1", methods[m]));
        g_string_append_printf (out, "<td class=\"num\">%zu</td></tr>\n", f->n);
      }
  g_string_append (out, "</tbody></table></div>\n");
  chart (out, doc);
  g_string_append (out, "</section>\n");
}
