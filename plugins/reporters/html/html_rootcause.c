/* html_rootcause.c — the acceptance targets and the root-cause scores of a
 * run. Both are files the runner writes into the run folder before the
 * reporters run (targets.csv: core/src/run/run_targets.h; root_cause_*.csv:
 * run_root_cause.h), read here from report->run_dir, so the reporter ABI
 * does not grow for them. A missing file leaves its section out. See
 * html_sections.h. */
#include "html_doc.h"
#include "html_sections.h"
#include "html_svg.h"
#include "html_util.h"

#include <math.h>
#include <string.h>

#include <tundish/io.h>

/* Every record of run_dir/name, or NULL when it is missing or unreadable. */
static GPtrArray *
read_rows (const TdRunReport *r, const char *name)
{
  if (!r->run_dir)
    return NULL;
  g_autofree char *path = g_build_filename (r->run_dir, name, NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &text, &len, NULL))
    return NULL;
  GPtrArray *rows = td_csv_parse (text, len, path, NULL);
  if (rows && rows->len < 2)
    g_clear_pointer (&rows, g_ptr_array_unref);
  return rows;
}

static gint
col (GPtrArray *rows, const char *name)
{
  char **head = rows->pdata[0];
  for (gint i = 0; head[i]; i++)
    if (strcmp (head[i], name) == 0)
      return i;
  return -1;
}

static double
num (const char *text)
{
  double v = NAN;
  td_csv_parse_double (text, &v);
  return v;
}

static void
label_cell (GString *out, const char *pipeline, const char *variant)
{
  g_autofree char *label = html_label (pipeline, variant);
  g_string_append (out, "<th scope=\"row\">");
  html_escape (out, label);
  g_string_append (out, "</th>");
}

void
html_section_targets (GString *out, const HtmlDoc *doc)
{
  g_autoptr (GPtrArray) rows = read_rows (doc->r, "targets.csv");
  if (!rows || col (rows, "verdict") != 9)
    return;
  g_string_append (out,
    "<section id=\"targets\">\n<h2>Acceptance targets</h2>\n"
    "<p class=\"note\">A target passes only when the whole 95&nbsp;% interval clears it: the "
    "lower bound for \xe2\x89\xa5, the upper for \xe2\x89\xa4. The interval is summary.csv's "
    "bootstrap interval (the t interval over repeats when the bootstrap is off); "
    "<em>undecided</em> where neither exists. <code>tundish run --check-targets PIPELINE"
    "</code> exits 4 on a miss. Source: targets.csv.</p>\n"
    "<div class=\"scroll\"><table><thead><tr><th>Pipeline</th><th>Metric</th>"
    "<th>Target</th><th class=\"num\">Mean</th><th class=\"num\">95&nbsp;% interval</th>"
    "<th>Verdict</th></tr></thead>\n<tbody>\n");
  for (guint i = 1; i < rows->len; i++)
    {
      char **f = rows->pdata[i];
      if (g_strv_length (f) != 10)
        continue;
      g_string_append (out, "<tr>");
      label_cell (out, f[0], f[1]);
      g_string_append (out, "<td>");
      html_escape (out, f[2]);
      g_string_append (out, "</td><td>");
      html_escape (out, f[3]);
      g_string_append (out, "\xc2\xa0");
      html_number (out, num (f[4]));
      g_string_append (out, "</td><td class=\"num\">");
      html_number (out, num (f[5]));
      g_string_append (out, "</td><td class=\"num\">");
      if (strcmp (f[8], "none") != 0)
        {
          g_string_append (out, "[");
          html_number (out, num (f[6]));
          g_string_append (out, ", ");
          html_number (out, num (f[7]));
          g_string_append (out, "] <span class=\"ci\">");
          html_escape (out, f[8]);
          g_string_append (out, "</span>");
        }
      gboolean pass = strcmp (f[9], "pass") == 0;
      g_string_append_printf (out, "</td><td><strong style=\"color:%s\">%s</strong></td></tr>\n",
                              pass ? "#0b6e99" : "#b44d12",
                              pass ? "\xe2\x9c\x93 pass" : strcmp (f[9], "miss") == 0
                                                         ? "\xe2\x9c\x97 miss" : "undecided");
    }
  g_string_append (out, "</tbody></table></div>\n</section>\n");
}

/* "0.84 (chance 0.13)" */
static void
score_cell (GString *out, const char *v, const char *chance)
{
  g_string_append (out, "<td class=\"num\">");
  double x = num (v);
  if (isfinite (x))
    {
      html_number (out, x);
      g_string_append (out, " <span class=\"ci\">chance ");
      html_number (out, num (chance));
      g_string_append (out, "</span>");
    }
  else
    g_string_append (out, "\xe2\x80\x94");
  g_string_append (out, "</td>");
}

static void
scores_table (GString *out, GPtrArray *rows)
{
  const char *names[] = { "top1", "top3", "stage_hit", "window_share" };
  const char *chances[] = { "chance_top1", "chance_top3", "chance_stage", "chance_window" };
  gint c[4], cc[4], p = col (rows, "pipeline"), v = col (rows, "variant");
  gint d = col (rows, "defect_type"), n = col (rows, "n");
  for (int k = 0; k < 4; k++)
    if ((c[k] = col (rows, names[k])) < 0 || (cc[k] = col (rows, chances[k])) < 0)
      return;
  if (p < 0 || v < 0 || d < 0 || n < 0)
    return;
  g_string_append (out,
    "<div class=\"scroll\"><table><thead><tr><th>Pipeline</th><th>Defect type</th>"
    "<th class=\"num\">Defects</th><th class=\"num\">Top-1 channel</th>"
    "<th class=\"num\">Top-3 channels</th><th class=\"num\">Stage</th>"
    "<th class=\"num\">Share in cause window</th></tr></thead>\n<tbody>\n");
  for (guint i = 1; i < rows->len; i++)
    {
      char **f = rows->pdata[i];
      gboolean all = strcmp (f[d], "all") == 0;
      g_string_append (out, all ? "<tr style=\"font-weight:600\">" : "<tr>");
      label_cell (out, f[p], f[v]);
      g_string_append (out, "<td>");
      html_escape (out, f[d]);
      g_string_append (out, "</td><td class=\"num\">");
      html_escape (out, f[n]);
      g_string_append (out, "</td>");
      for (int k = 0; k < 4; k++)
        score_cell (out, f[c[k]], f[cc[k]]);
      g_string_append (out, "</tr>\n");
    }
  g_string_append (out, "</tbody></table></div>\n");
}

/* Mean attribution share per channel (columns) and defect type (rows), one
 * table per pipeline label, each cell shaded by its share. */
static void
shares_tables (GString *out, GPtrArray *rows)
{
  gint p = col (rows, "pipeline"), v = col (rows, "variant"), d = col (rows, "defect_type");
  gint ch = col (rows, "channel"), s = col (rows, "share");
  if (p < 0 || v < 0 || d < 0 || ch < 0 || s < 0)
    return;
  guint i = 1;
  while (i < rows->len)
    {
      char **first = rows->pdata[i];
      /* the channels of this pipeline: the rows of its first defect type */
      guint nch = 0;
      while (i + nch < rows->len
             && strcmp (((char **) rows->pdata[i + nch])[d], first[d]) == 0
             && strcmp (((char **) rows->pdata[i + nch])[p], first[p]) == 0
             && strcmp (((char **) rows->pdata[i + nch])[v], first[v]) == 0)
        nch++;
      if (nch == 0)
        break;
      g_autofree char *label = html_label (first[p], first[v]);
      g_string_append (out, "<figure>\n<div class=\"scroll\"><table class=\"confusion\"><thead>"
                            "<tr><th>defect \xe2\x86\x93 / channel \xe2\x86\x92</th>");
      for (guint c = 0; c < nch; c++)
        {
          g_string_append (out, "<th class=\"num\">");
          html_escape (out, ((char **) rows->pdata[i + c])[ch]);
          g_string_append (out, "</th>");
        }
      g_string_append (out, "</tr></thead>\n<tbody>\n");
      while (i < rows->len && strcmp (((char **) rows->pdata[i])[p], first[p]) == 0
             && strcmp (((char **) rows->pdata[i])[v], first[v]) == 0)
        {
          g_string_append (out, "<tr><th scope=\"row\">");
          html_escape (out, ((char **) rows->pdata[i])[d]);
          g_string_append (out, "</th>");
          for (guint c = 0; c < nch && i < rows->len; c++, i++)
            {
              double share = num (((char **) rows->pdata[i])[s]);
              char alpha[G_ASCII_DTOSTR_BUF_SIZE];
              g_ascii_formatd (alpha, sizeof alpha, "%.2f",
                               0.04 + 0.7 * (isfinite (share) ? share : 0));
              g_string_append_printf (out, "<td class=\"num\" style=\"background:"
                                           "rgba(11,110,153,%s)\">", alpha);
              html_number (out, share);
              g_string_append (out, "</td>");
            }
          g_string_append (out, "</tr>\n");
        }
      g_string_append (out, "</tbody></table></div>\n<figcaption><strong>");
      html_escape (out, label);
      g_string_append (out, "</strong>: mean share of |attribution| per channel, by true "
                            "defect type</figcaption>\n</figure>\n");
    }
}

/* One defective series per defect type (the first scored by the first
 * pipeline): its cause channels over time, z-scored, the true cause window
 * shaded. */
static void
examples (GString *out, const TdRunReport *r, GPtrArray *rows)
{
  const TdDataset *ds = r->data;
  gint id = col (rows, "series_id"), d = col (rows, "defect_type");
  gint cc = col (rows, "cause_channels"), top = col (rows, "top_channel");
  const TdMetaColumn *cs = ds ? td_dataset_find_meta (ds, "cause_start") : NULL;
  const TdMetaColumn *ce = ds ? td_dataset_find_meta (ds, "cause_end") : NULL;
  if (!ds || !ds->series_id || !ds->channel_names || id < 0 || d < 0 || cc < 0 || top < 0
      || !cs || !cs->num || !ce || !ce->num || ds->n_steps < 2)
    return;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *first_pipeline = ((char **) rows->pdata[1])[0];
  gboolean any = FALSE;
  for (guint i = 1; i < rows->len && g_hash_table_size (seen) < 8; i++)
    {
      char **f = rows->pdata[i];
      if (strcmp (f[0], first_pipeline) != 0 || g_hash_table_contains (seen, f[d]))
        continue;
      g_hash_table_add (seen, f[d]);
      gint64 sid = g_ascii_strtoll (f[id], NULL, 10);
      size_t s = 0;
      while (s < ds->n_series && ds->series_id[s] != sid)
        s++;
      if (s == ds->n_series)
        continue;
      if (!any)
        g_string_append (out, "<h3>Example defects</h3>\n<div class=\"grid\">\n");
      any = TRUE;
      size_t T = ds->n_steps, C = ds->n_channels;
      const float *x = td_dataset_series (ds, s);
      g_auto (GStrv) causes = g_strsplit (f[cc], ";", -1);
      SvgPlot p = svg_plot (420, 200, 0, (double) (T - 1), -4, 4);
      g_autofree char *title = g_strdup_printf ("%s, series %s", f[d], f[id]);
      g_string_append (out, "<figure>\n");
      svg_open (out, p.w, p.h, title);
      /* the true cause window */
      double a = cs->num[s], b = ce->num[s];
      g_string_append (out, "<rect fill=\"rgba(180,77,18,0.18)\" x=\"");
      svg_num (out, svg_x (&p, a));
      g_string_append (out, "\" y=\"");
      svg_num (out, p.top);
      g_string_append (out, "\" width=\"");
      svg_num (out, MAX (svg_x (&p, b) - svg_x (&p, a), 1.0));
      g_string_append (out, "\" height=\"");
      svg_num (out, p.bottom - p.top);
      g_string_append (out, "\"/>\n");
      svg_axes (out, &p, 6, 4, "step", "z-score");
      g_autofree double *tx = g_new (double, T);
      g_autofree double *ty = g_new (double, T);
      for (size_t k = 0; causes[k] && k < SVG_N_COLOURS; k++)
        {
          size_t c = 0;
          while (c < C && strcmp (ds->channel_names[c], causes[k]) != 0)
            c++;
          if (c == C)
            continue;
          double m = 0, ss = 0;
          for (size_t t = 0; t < T; t++)
            m += x[t * C + c];
          m /= (double) T;
          for (size_t t = 0; t < T; t++)
            ss += (x[t * C + c] - m) * (x[t * C + c] - m);
          double sd = sqrt (ss / (double) T);
          for (size_t t = 0; t < T; t++)
            {
              tx[t] = (double) t;
              ty[t] = sd > 0 ? CLAMP ((x[t * C + c] - m) / sd, -4, 4) : 0;
            }
          svg_line (out, &p, tx, ty, T, SVG_LINE, svg_colour (k), 1.2, 1, FALSE);
        }
      svg_close (out);
      g_string_append (out, "<figcaption><strong>");
      html_escape (out, f[d]);
      g_string_append (out, "</strong>: ");
      html_escape (out, f[cc]);
      g_string_append (out, " (shaded: the true cause window); ");
      html_escape (out, first_pipeline);
      g_string_append (out, "'s top channel: ");
      html_escape (out, f[top]);
      g_string_append (out, "</figcaption>\n</figure>\n");
    }
  if (any)
    g_string_append (out, "</div>\n");
}

void
html_section_root_cause (GString *out, const HtmlDoc *doc)
{
  g_autoptr (GPtrArray) sum = read_rows (doc->r, "root_cause_summary.csv");
  if (!sum)
    return;
  g_string_append (out,
    "<section id=\"root-cause\">\n<h2>Root cause</h2>\n"
    "<p class=\"note\">Every truly defective test series is explained by its pipeline's "
    "model (saliency, w\xc2\xb7z or TreeSHAP); |attribution| is summed per sensor (feature "
    "columns mapped back to theirs) and per stage, and scored against the recorded cause: "
    "the largest sensor is a cause (top-1), one of the three largest is (top-3), the "
    "largest stage is the cause stage, and the share of attribution inside the true cause "
    "window (sequence models). Chance beside each. The plan's target, the root cause "
    "identified in at least 80&nbsp;% of defects, reads on the top-1 column of the "
    "<strong>all</strong> rows. Sources: root_cause_summary.csv, root_cause_shares.csv, "
    "root_cause.csv.</p>\n");
  scores_table (out, sum);
  g_autoptr (GPtrArray) shares = read_rows (doc->r, "root_cause_shares.csv");
  if (shares)
    {
      g_string_append (out, "<h3>Attribution by channel</h3>\n");
      shares_tables (out, shares);
    }
  g_autoptr (GPtrArray) series = read_rows (doc->r, "root_cause.csv");
  if (series)
    examples (out, doc->r, series);
  g_string_append (out, "</section>\n");
}
