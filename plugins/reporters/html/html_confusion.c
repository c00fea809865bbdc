/* html_confusion.c — each pipeline's confusion matrix, summed over its
 * trials (report->confusion, confusion.csv): true class in rows, predicted
 * class in columns, each cell shaded by its share of the row (the recall of
 * the class on the diagonal). See html_sections.h. */
#include "html_doc.h"
#include "html_sections.h"
#include "html_util.h"

#include <math.h>
#include <string.h>

/* A sweep with more pipelines than this gets a note instead of a wall of
 * tables; confusion.csv has them all. */
#define MAX_TABLES 30
#define MAX_CLASSES 12

static void
matrix (GString *out, const HtmlDoc *doc, guint row, const TdConfusionRow *const *cells,
        guint n)
{
  int k = 0;
  for (guint i = 0; i < n; i++)
    k = MAX (k, MAX (cells[i]->true_index, cells[i]->predicted_index) + 1);
  if (k < 2 || k > MAX_CLASSES)
    return;
  g_autofree double *cm = g_new0 (double, (gsize) k * k);
  g_autofree const char **names = g_new0 (const char *, k);
  size_t trials = 0;
  double total = 0;
  for (guint i = 0; i < n; i++)
    {
      const TdConfusionRow *c = cells[i];
      if (c->true_index < 0 || c->predicted_index < 0)
        continue;
      cm[c->true_index * k + c->predicted_index] = c->count;
      names[c->true_index] = c->true_class;
      names[c->predicted_index] = c->predicted_class;
      trials = MAX (trials, c->n);
      total += c->count;
    }
  g_string_append (out, "<figure>\n<div class=\"scroll\"><table class=\"confusion\"><thead><tr>"
                        "<th>true \xe2\x86\x93 / predicted \xe2\x86\x92</th>");
  for (int b = 0; b < k; b++)
    {
      g_string_append (out, "<th class=\"num\">");
      html_escape (out, names[b] ? names[b] : "?");
      g_string_append (out, "</th>");
    }
  g_string_append (out, "<th class=\"num\">Total</th></tr></thead>\n<tbody>\n");
  for (int a = 0; a < k; a++)
    {
      double rsum = 0;
      for (int b = 0; b < k; b++)
        rsum += cm[a * k + b];
      g_string_append (out, "<tr><th scope=\"row\">");
      html_escape (out, names[a] ? names[a] : "?");
      g_string_append (out, "</th>");
      for (int b = 0; b < k; b++)
        {
          double v = cm[a * k + b], share = rsum > 0 ? v / rsum : 0;
          char alpha[G_ASCII_DTOSTR_BUF_SIZE];
          g_ascii_formatd (alpha, sizeof alpha, "%.2f", 0.08 + 0.6 * share);
          /* the diagonal in the accent colour, errors in the warning one */
          g_string_append_printf (out, "<td class=\"num\" style=\"background:rgba(%s,%s)\">",
                                  a == b ? "11,110,153" : "180,77,18", alpha);
          html_count (out, (guint64) llround (v));
          char pct[G_ASCII_DTOSTR_BUF_SIZE];
          g_string_append_printf (out, "<span class=\"ci\">%s\xc2\xa0%%</span></td>",
                                  g_ascii_formatd (pct, sizeof pct, "%.1f", 100 * share));
        }
      g_string_append (out, "<td class=\"num\">");
      html_count (out, (guint64) llround (rsum));
      g_string_append (out, "</td></tr>\n");
    }
  g_string_append (out, "</tbody></table></div>\n<figcaption><strong>");
  html_escape (out, doc->labels->pdata[row]);
  g_string_append (out, "</strong>: ");
  html_count (out, (guint64) llround (total));
  g_string_append (out, " test predictions over ");
  html_count (out, trials);
  g_string_append (out, trials == 1 ? " trial" : " trials");
  g_string_append (out, "; percentages of each true class.</figcaption>\n</figure>\n");
}

void
html_section_confusion (GString *out, const HtmlDoc *doc)
{
  const TdRunReport *r = doc->r;
  if (r->n_confusion == 0)
    return;
  g_autoptr (GString) body = g_string_new (NULL);
  guint shown = 0, with = 0;
  for (guint row = 0; row < doc->labels->len; row++)
    {
      g_autoptr (GPtrArray) cells = g_ptr_array_new ();
      for (size_t i = 0; i < r->n_confusion; i++)
        if (html_doc_row_of (doc, r->confusion[i].pipeline, r->confusion[i].variant) == (gint) row)
          g_ptr_array_add (cells, (gpointer) &r->confusion[i]);
      if (cells->len == 0)
        continue;
      with++;
      if (shown >= MAX_TABLES)
        continue;
      gsize before = body->len;
      matrix (body, doc, row, (const TdConfusionRow *const *) cells->pdata, cells->len);
      shown += body->len > before;
    }
  if (body->len == 0)
    return;
  gboolean binary = r->data && r->data->task == TD_TASK_BINARY;
  g_string_append (out, "<section id=\"confusion\">\n<h2>Confusion matrices</h2>\n<p class=\"note\">"
                        "Test predictions summed over each pipeline's trials "
                        "(<code>confusion.csv</code> has every trial); rows are the true class, "
                        "columns the predicted one.");
  g_string_append (out, binary ? " A series is predicted positive at the threshold the binary "
                                 "evaluator used (its <code>tp</code>, <code>fp</code>, "
                                 "<code>tn</code> and <code>fn</code>)."
                               : " The predicted class is the highest-scoring one.");
  if (with > shown)
    g_string_append_printf (out, " The first %u of %u pipelines are shown.", shown, with);
  g_string_append (out, "</p>\n<div class=\"maps\">\n");
  g_string_append_len (out, body->str, (gssize) body->len);
  g_string_append (out, "</div>\n</section>\n");
}
