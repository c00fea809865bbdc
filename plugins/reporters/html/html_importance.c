/* html_importance.c — the top features of each charted pipeline whose
 * model reported feature importance (mean over trials as a bar, ± 1 sd as a
 * whisker). See html_sections.h. */
#include "html_doc.h"
#include "html_sections.h"
#include "html_svg.h"
#include "html_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TOP_K 10
#define NAME_CHARS 26
enum { W = 380, ROW_H = 20, LABEL_W = 170, TOP = 6, AXIS_H = 40 };

/* The importance type shown: "gain" when the model reports it (the usual
 * choice for trees), else the first type reported. */
static const char *
chosen_type (const HtmlDoc *doc, const gint *row_of, guint row, GPtrArray *types)
{
  const TdRunReport *r = doc->r;
  const char *first = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (size_t i = 0; i < r->n_importance; i++)
    {
      const TdImportanceRow *im = &r->importance[i];
      if (im->type == NULL || row_of[i] != (gint) row)
        continue;
      if (!g_hash_table_contains (seen, im->type))
        {
          g_hash_table_add (seen, (gpointer) im->type);
          g_ptr_array_add (types, (gpointer) im->type);
        }
      if (first == NULL)
        first = im->type;
    }
  return g_hash_table_contains (seen, "gain") ? "gain" : first;
}

static int
by_importance (const void *a, const void *b)
{
  const TdImportanceRow *x = *(const TdImportanceRow *const *) a;
  const TdImportanceRow *y = *(const TdImportanceRow *const *) b;
  double u = fabs (x->mean), v = fabs (y->mean);
  if (u != v)
    return u > v ? -1 : 1;
  return g_strcmp0 (x->feature, y->feature);
}

static void
bar_label (GString *out, const char *name, double y)
{
  g_string_append (out, "<text x=\""); svg_num (out, LABEL_W - 6);
  g_string_append (out, "\" y=\""); svg_num (out, y + 4);
  g_string_append (out, "\" font-size=\"11\" text-anchor=\"end\">");
  g_autofree char *valid = g_utf8_make_valid (name ? name : "", -1);
  if (g_utf8_strlen (valid, -1) > NAME_CHARS)
    {
      g_autofree char *cut = g_utf8_substring (valid, 0, NAME_CHARS - 1);
      html_escape (out, cut);
      g_string_append (out, "\xe2\x80\xa6");
    }
  else
    html_escape (out, valid);
  g_string_append (out, "</text>\n");
}

static void
chart (GString *out, const HtmlDoc *doc, const gint *row_of, guint row)
{
  const TdRunReport *r = doc->r;
  g_autoptr (GPtrArray) types = g_ptr_array_new ();
  const char *type = chosen_type (doc, row_of, row, types);
  if (type == NULL)
    return;
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  for (size_t i = 0; i < r->n_importance; i++)
    {
      const TdImportanceRow *im = &r->importance[i];
      if (row_of[i] == (gint) row && g_strcmp0 (im->type, type) == 0 && isfinite (im->mean))
        g_ptr_array_add (rows, (gpointer) im);
    }
  if (rows->len == 0)
    return;
  qsort (rows->pdata, rows->len, sizeof (gpointer), by_importance);
  guint n = MIN (rows->len, (guint) TOP_K);

  double lo = 0, hi = 0;
  for (guint i = 0; i < n; i++)
    {
      const TdImportanceRow *im = rows->pdata[i];
      double sd = isfinite (im->sd) ? im->sd : 0;
      lo = MIN (lo, im->mean - sd);
      hi = MAX (hi, im->mean + sd);
    }
  if (hi == lo)
    hi = lo + 1;
  int h = TOP + (int) n * ROW_H + AXIS_H;
  SvgPlot p = svg_plot (W, h, lo, hi, 0, 0);
  p.left = LABEL_W;
  p.top = TOP;
  p.bottom = TOP + n * ROW_H;

  const char *label = doc->labels->pdata[row];
  g_autofree char *aria = g_strdup_printf ("feature importance (%s) of %s", type, label);
  g_string_append (out, "<figure class=\"chart\">\n");
  svg_open (out, W, h, aria);
  svg_axes (out, &p, 4, 0, type, NULL);
  const char *colour = doc->colour[row];
  for (guint i = 0; i < n; i++)
    {
      const TdImportanceRow *im = rows->pdata[i];
      double yc = TOP + (i + 0.5) * ROW_H;
      bar_label (out, im->feature, yc);
      double xa = svg_x (&p, MIN (0.0, im->mean)), xb = svg_x (&p, MAX (0.0, im->mean));
      g_string_append (out, "<rect x=\""); svg_num (out, xa);
      g_string_append (out, "\" y=\""); svg_num (out, yc - 6);
      g_string_append (out, "\" width=\""); svg_num (out, MAX (xb - xa, 0.5));
      g_string_append_printf (out, "\" height=\"12\" fill=\"%s\" fill-opacity=\"0.8\"/>\n", colour);
      if (isfinite (im->sd) && im->sd > 0)
        {
          g_string_append (out, "<path d=\"M"); svg_num (out, svg_x (&p, im->mean - im->sd));
          g_string_append (out, " "); svg_num (out, yc);
          g_string_append (out, "H"); svg_num (out, svg_x (&p, im->mean + im->sd));
          g_string_append (out, "\" stroke=\"#1f2933\" stroke-width=\"1\"/>\n");
        }
    }
  svg_close (out);
  g_string_append (out, "<figcaption><strong>");
  html_escape (out, label);
  g_string_append (out, "</strong>: top ");
  html_count (out, n);
  g_string_append (out, " of ");
  html_count (out, rows->len);
  g_string_append (out, " features by <code>");
  html_escape (out, type);
  g_string_append (out, "</code>, mean over trials \xc2\xb1 1 sd");
  if (types->len > 1)
    {
      g_string_append (out, " (also reported: ");
      gboolean first = TRUE;
      for (guint i = 0; i < types->len; i++)
        if (strcmp (types->pdata[i], type) != 0)
          {
            g_string_append (out, first ? "" : ", ");
            html_escape (out, types->pdata[i]);
            first = FALSE;
          }
      g_string_append (out, "; all in feature_importance_summary.csv)");
    }
  g_string_append (out, ".</figcaption>\n</figure>\n");
}

void
html_section_importance (GString *out, const HtmlDoc *doc)
{
  if (doc->r->n_importance == 0)
    return;
  const TdRunReport *r = doc->r;
  g_autofree gint *row_of = g_new (gint, r->n_importance);
  for (size_t i = 0; i < r->n_importance; i++)
    row_of[i] = (i > 0 && g_strcmp0 (r->importance[i].pipeline, r->importance[i - 1].pipeline) == 0
                 && g_strcmp0 (r->importance[i].variant, r->importance[i - 1].variant) == 0)
                  ? row_of[i - 1]
                  : html_doc_row_of (doc, r->importance[i].pipeline, r->importance[i].variant);
  g_autoptr (GString) charts = g_string_new (NULL);
  for (guint k = 0; k < doc->plotted->len; k++)
    chart (charts, doc, row_of, g_array_index (doc->plotted, guint, k));
  if (charts->len == 0)
    return;
  g_string_append (out, "<section id=\"importance\">\n<h2>Feature importance</h2>\n"
                        "<div class=\"grid\">\n");
  g_string_append_len (out, charts->str, (gssize) charts->len);
  g_string_append (out, "</div>\n</section>\n");
}
