/* html_provenance.c — timings per pipeline and the provenance of the run:
 * seeds, versions, plugins, commit and command, read from the run folder's
 * manifest.yaml (the runner writes it before any reporter runs), and the
 * resolved configuration. See html_sections.h. */
#include "html_doc.h"
#include "html_sections.h"
#include "html_util.h"
#include "html_yaml.h"

#include <math.h>
#include <string.h>

/* ------------------------------------------------------------------ timing */

static void
seconds (GString *out, double s)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  const char *fmt = s < 10 ? "%.2f" : s < 1000 ? "%.1f" : "%.0f";
  g_string_append (out, g_ascii_formatd (buf, sizeof buf, fmt, s));
  g_string_append (out, "\xc2\xa0s");
}

void
html_section_timing (GString *out, const HtmlDoc *doc)
{
  const TdRunReport *r = doc->r;
  if (r->n_predictions == 0)
    return;
  guint n_rows = doc->labels->len;
  g_autofree double *sum = g_new0 (double, MAX (n_rows, 1u));
  g_autofree double *sum2 = g_new0 (double, MAX (n_rows, 1u));
  g_autofree double *lo = g_new (double, MAX (n_rows, 1u));
  g_autofree double *hi = g_new (double, MAX (n_rows, 1u));
  g_autofree size_t *n = g_new0 (size_t, MAX (n_rows, 1u));
  double longest = 0;
  for (guint i = 0; i < n_rows; i++)
    {
      lo[i] = INFINITY;
      hi[i] = -INFINITY;
    }
  for (size_t k = 0; k < r->n_predictions; k++)
    {
      const TdTrialPredictions *t = &r->predictions[k];
      gint row = html_doc_row_of (doc, t->pipeline, t->variant);
      if (row < 0 || !isfinite (t->seconds))
        continue;
      sum[row] += t->seconds;
      sum2[row] += t->seconds * t->seconds;
      lo[row] = MIN (lo[row], t->seconds);
      hi[row] = MAX (hi[row], t->seconds);
      n[row]++;
    }
  for (guint i = 0; i < n_rows; i++)
    if (n[i])
      longest = MAX (longest, sum[i] / (double) n[i]);

  g_string_append (out, "<section id=\"timing\">\n<h2>Timings</h2>\n<p class=\"note\">Wall time of "
                        "each successful trial (data subset, features, fit, predict, save and "
                        "evaluation), summed per pipeline; the runner does not time the stages "
                        "separately.</p>\n<div class=\"scroll\"><table class=\"timing\"><thead><tr>"
                        "<th>Pipeline</th><th class=\"num\">Trials</th><th class=\"num\">Mean</th>"
                        "<th class=\"num\">sd</th><th class=\"num\">Min</th><th class=\"num\">Max</th>"
                        "<th class=\"num\">Total</th><th>Mean per trial</th></tr></thead>\n<tbody>\n");
  for (guint i = 0; i < n_rows; i++)
    {
      if (n[i] == 0)
        continue;
      double mean = sum[i] / (double) n[i];
      double var = n[i] > 1 ? fmax (0, (sum2[i] - (double) n[i] * mean * mean) / (double) (n[i] - 1)) : 0;
      g_string_append (out, "<tr><th scope=\"row\">");
      html_escape (out, doc->labels->pdata[i]);
      g_string_append (out, "</th><td class=\"num\">");
      html_count (out, n[i]);
      g_string_append (out, "</td><td class=\"num\">");
      seconds (out, mean);
      g_string_append (out, "</td><td class=\"num\">");
      seconds (out, sqrt (var));
      g_string_append (out, "</td><td class=\"num\">");
      seconds (out, lo[i]);
      g_string_append (out, "</td><td class=\"num\">");
      seconds (out, hi[i]);
      g_string_append (out, "</td><td class=\"num\">");
      seconds (out, sum[i]);
      /* A bar as wide as the mean relative to the slowest pipeline. */
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      double pct = longest > 0 ? 100.0 * mean / longest : 0;
      g_string_append_printf (out, "</td><td class=\"bar\"><svg viewBox=\"0 0 100 10\" width=\"160\" "
                                   "height=\"10\" preserveAspectRatio=\"none\" aria-hidden=\"true\">"
                                   "<rect width=\"%s\" height=\"10\" fill=\"#0b6e99\"/></svg></td></tr>\n",
                              g_ascii_formatd (buf, sizeof buf, "%.1f", pct));
    }
  g_string_append (out, "</tbody></table></div>\n</section>\n");
}

/* -------------------------------------------------------------- provenance */

static void
fact_node (GString *out, const char *term, HtmlYaml *y, const char *path, gboolean code)
{
  const char *v = y ? html_yaml_scalar (html_yaml_path (y, path)) : NULL;
  html_fact (out, term, v, code);
}

static void
versions (GString *out, HtmlYaml *y)
{
  yaml_node_t *v = html_yaml_path (y, "versions");
  if (v == NULL || v->type != YAML_MAPPING_NODE)
    return;
  g_string_append (out, "<dt>Versions</dt><dd class=\"chips\">");
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  html_yaml_flatten (y, v, "", paths, values);
  for (guint k = 0; k < paths->len; k++)
    {
      g_string_append (out, "<code>");
      html_escape (out, paths->pdata[k]);
      g_string_append (out, " ");
      html_escape (out, values->pdata[k]);
      g_string_append (out, "</code>");
    }
  g_string_append (out, "</dd>\n");
}

static void
seeds (GString *out, HtmlYaml *y)
{
  const char *master = html_yaml_scalar (html_yaml_path (y, "seeds.master"));
  const char *data = html_yaml_scalar (html_yaml_path (y, "seeds.data"));
  yaml_node_t *splits = html_yaml_path (y, "seeds.splits");
  if (master == NULL)
    return;
  g_string_append (out, "<dt>Seeds</dt><dd>master <code>");
  html_escape (out, master);
  g_string_append (out, "</code>");
  if (data)
    {
      g_string_append (out, " \xc2\xb7 data <code>");
      html_escape (out, data);
      g_string_append (out, "</code>");
    }
  size_t n = html_yaml_len (splits);
  if (n)
    {
      g_string_append (out, " \xc2\xb7 splits");
      for (size_t i = 0; i < n; i++)
        {
          yaml_node_t *it = html_yaml_item (y, splits, i);
          g_string_append (out, i ? ", " : " ");
          g_string_append (out, "r");
          html_escape (out, html_yaml_scalar (html_yaml_get (y, it, "repeat")));
          g_string_append (out, " <code>");
          html_escape (out, html_yaml_scalar (html_yaml_get (y, it, "seed")));
          g_string_append (out, "</code>");
        }
    }
  g_string_append (out, " <span class=\"na\">(model and feature seeds per trial: "
                        "manifest.yaml)</span></dd>\n");
}

static void
plugins (GString *out, HtmlYaml *y)
{
  yaml_node_t *list = html_yaml_path (y, "plugins");
  size_t n = html_yaml_len (list);
  if (n == 0)
    return;
  g_string_append (out, "<h3>Plugins</h3>\n<div class=\"scroll\"><table class=\"plugins\"><thead><tr>"
                        "<th>Kind</th><th>Name</th><th>Version</th><th>File</th></tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < n; i++)
    {
      yaml_node_t *p = html_yaml_item (y, list, i);
      static const char *const keys[] = { "kind", "name", "version", "file" };
      g_string_append (out, "<tr>");
      for (size_t k = 0; k < G_N_ELEMENTS (keys); k++)
        {
          g_string_append (out, k == 3 ? "<td class=\"path\"><code>" : "<td>");
          html_escape (out, html_yaml_scalar (html_yaml_get (y, p, keys[k])));
          g_string_append (out, k == 3 ? "</code></td>" : "</td>");
        }
      g_string_append (out, "</tr>\n");
    }
  g_string_append (out, "</tbody></table></div>\n");
}

void
html_section_provenance (GString *out, const HtmlDoc *doc)
{
  const TdRunReport *r = doc->r;
  g_autoptr (HtmlYaml) y = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;
  if (r->run_dir)
    {
      g_autofree char *path = g_build_filename (r->run_dir, "manifest.yaml", NULL);
      if (g_file_get_contents (path, &text, &len, NULL))
        y = html_yaml_parse (text, len, NULL);
    }
  g_string_append (out, "<section id=\"provenance\">\n<h2>Provenance</h2>\n");
  if (y == NULL)
    g_string_append (out, "<p class=\"note\">No readable manifest.yaml in the run folder: only "
                          "what the report itself carries is shown.</p>\n");
  g_string_append (out, "<dl class=\"facts\">\n");
  if (y)
    {
      fact_node (out, "Experiment file", y, "experiment_file", TRUE);
      fact_node (out, "Command", y, "command", TRUE);
      fact_node (out, "Git commit", y, "git_commit", TRUE);
      fact_node (out, "Host", y, "host", FALSE);
      seeds (out, y);
      versions (out, y);
    }
  else
    html_fact (out, "tundish version", r->tundish_version, FALSE);
  html_fact (out, "Config hash", r->config_hash, TRUE);
  g_string_append (out, "</dl>\n");
  if (y)
    plugins (out, y);
  html_config_details (out, r);
  g_string_append (out, "</section>\n");
}
