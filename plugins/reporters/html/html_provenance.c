/* html_provenance.c — the provenance of the run: seeds, versions,
 * plugins, commit and command, read from the run folder's
 * manifest.yaml (the runner writes it before any reporter runs), and the
 * resolved configuration. See html_sections.h. */
#include "html_doc.h"
#include "html_sections.h"
#include "html_util.h"
#include "html_yaml.h"

#include <math.h>
#include <string.h>

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
      fact_node (out, "Git commit", y, "git_commit", TRUE);     /* the experiment file's */
      fact_node (out, "tundish commit", y, "tundish_commit", TRUE);
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
