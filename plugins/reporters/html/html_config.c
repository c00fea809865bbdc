/* html_config.c — the pipelines' parameters that differ between them (read
 * from the resolved configuration with libyaml) and the configuration
 * itself, collapsed. See html_sections.h. */
#include "html_doc.h"
#include "html_sections.h"
#include "html_util.h"
#include "html_yaml.h"

#include <string.h>

/* Pipelines with more columns than this are shown one per row instead. */
#define MAX_PIPELINE_COLUMNS 6

typedef struct {
  GPtrArray *labels;        /* char*, owned */
  GPtrArray *params;        /* char* paths in first-seen order, owned */
  GHashTable **values;      /* [pipeline]: path -> text (owned by the table) */
} Settings;

static void
settings_clear (Settings *s)
{
  if (s->values)
    for (guint i = 0; i < s->labels->len; i++)
      g_hash_table_unref (s->values[i]);
  g_clear_pointer (&s->values, g_free);
  g_clear_pointer (&s->labels, g_ptr_array_unref);
  g_clear_pointer (&s->params, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Settings, settings_clear)

/* Each pipeline of config_yaml flattened to path -> value, without the
 * keys that only name it. FALSE when there is no usable pipelines list. */
static gboolean
settings_read (const char *config_yaml, Settings *s)
{
  g_autoptr (HtmlYaml) y = html_yaml_parse (config_yaml, strlen (config_yaml), NULL);
  if (y == NULL)
    return FALSE;
  yaml_node_t *list = html_yaml_get (y, html_yaml_root (y), "pipelines");
  size_t n = html_yaml_len (list);
  if (n == 0)
    return FALSE;
  s->labels = g_ptr_array_new_with_free_func (g_free);
  s->params = g_ptr_array_new_with_free_func (g_free);
  s->values = g_new0 (GHashTable *, n);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (size_t i = 0; i < n; i++)
    {
      yaml_node_t *pl = html_yaml_item (y, list, i);
      const char *label = html_yaml_scalar (html_yaml_get (y, pl, "label"));
      if (label == NULL)
        label = html_yaml_scalar (html_yaml_get (y, pl, "name"));
      g_ptr_array_add (s->labels, g_strdup (label ? label : "?"));
      s->values[i] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_autoptr (GPtrArray) paths = g_ptr_array_new ();
      g_autoptr (GPtrArray) values = g_ptr_array_new ();
      html_yaml_flatten (y, pl, "", paths, values);
      for (guint k = 0; k < paths->len; k++)
        {
          char *path = paths->pdata[k];
          if (strcmp (path, "name") == 0 || strcmp (path, "variant") == 0
              || strcmp (path, "label") == 0)
            {
              g_free (path);
              g_free (values->pdata[k]);
              continue;
            }
          if (!g_hash_table_contains (seen, path))
            {
              char *kept = g_strdup (path);
              g_ptr_array_add (s->params, kept);
              g_hash_table_add (seen, kept);
            }
          g_hash_table_replace (s->values[i], path, values->pdata[k]);
        }
    }
  return TRUE;
}

static gboolean
differs (const Settings *s, const char *path)
{
  const char *first = g_hash_table_lookup (s->values[0], path);
  for (guint i = 1; i < s->labels->len; i++)
    if (g_strcmp0 (first, g_hash_table_lookup (s->values[i], path)) != 0)
      return TRUE;
  return FALSE;
}

static void
value_cell (GString *out, const Settings *s, guint pipeline, const char *path)
{
  const char *v = g_hash_table_lookup (s->values[pipeline], path);
  if (v == NULL)
    g_string_append (out, "<td class=\"na\">\xe2\x80\x94</td>");
  else
    {
      g_string_append (out, "<td><code>");
      html_escape (out, v);
      g_string_append (out, "</code></td>");
    }
}

static void
param_head (GString *out, const char *path)
{
  g_string_append (out, "<th scope=\"row\"><code>");
  html_escape (out, path);
  g_string_append (out, "</code></th>");
}

static void
diff_table (GString *out, const Settings *s, GPtrArray *shown)
{
  g_string_append (out, "<div class=\"scroll\"><table class=\"config\">");
  if (s->labels->len <= MAX_PIPELINE_COLUMNS)
    {
      g_string_append (out, "<thead><tr><th>Parameter</th>");
      for (guint i = 0; i < s->labels->len; i++)
        {
          g_string_append (out, "<th>");
          html_escape (out, s->labels->pdata[i]);
          g_string_append (out, "</th>");
        }
      g_string_append (out, "</tr></thead>\n<tbody>\n");
      for (guint k = 0; k < shown->len; k++)
        {
          g_string_append (out, "<tr>");
          param_head (out, shown->pdata[k]);
          for (guint i = 0; i < s->labels->len; i++)
            value_cell (out, s, i, shown->pdata[k]);
          g_string_append (out, "</tr>\n");
        }
    }
  else
    {
      g_string_append (out, "<thead><tr><th>Pipeline</th>");
      for (guint k = 0; k < shown->len; k++)
        {
          g_string_append (out, "<th><code>");
          html_escape (out, shown->pdata[k]);
          g_string_append (out, "</code></th>");
        }
      g_string_append (out, "</tr></thead>\n<tbody>\n");
      for (guint i = 0; i < s->labels->len; i++)
        {
          g_string_append (out, "<tr><th scope=\"row\">");
          html_escape (out, s->labels->pdata[i]);
          g_string_append (out, "</th>");
          for (guint k = 0; k < shown->len; k++)
            value_cell (out, s, i, shown->pdata[k]);
          g_string_append (out, "</tr>\n");
        }
    }
  g_string_append (out, "</tbody></table></div>\n");
}

void
html_section_pipelines (GString *out, const HtmlDoc *doc)
{
  const TdRunReport *r = doc->r;
  if (r->config_yaml == NULL)
    return;
  g_auto (Settings) s = { 0 };
  if (!settings_read (r->config_yaml, &s))
    return;
  g_autoptr (GPtrArray) shown = g_ptr_array_new ();
  gboolean single = s.labels->len == 1;
  for (guint k = 0; k < s.params->len; k++)
    if (single || differs (&s, s.params->pdata[k]))
      g_ptr_array_add (shown, s.params->pdata[k]);

  g_string_append (out, "<section id=\"pipelines\">\n<h2>Pipeline configuration</h2>\n"
                        "<p class=\"note\">");
  if (single)
    g_string_append (out, "The only pipeline's parameters (defaults filled in).");
  else
    {
      g_string_append (out, "Only the parameters that differ between pipelines (defaults filled "
                            "in; \xe2\x80\x94: the pipeline has no such parameter). ");
      html_count (out, s.params->len - shown->len);
      g_string_append (out, " parameters are the same for every pipeline; the full configuration "
                            "is under <a href=\"#provenance\">Provenance</a>.");
    }
  g_string_append (out, "</p>\n");
  if (shown->len == 0)
    g_string_append (out, "<p class=\"note\">The pipelines have identical parameters.</p>\n");
  else
    diff_table (out, &s, shown);
  g_string_append (out, "</section>\n");
}

void
html_config_details (GString *out, const TdRunReport *r)
{
  if (r->config_yaml == NULL)
    {
      g_string_append (out, "<p class=\"note\">The resolved configuration was not recorded.</p>\n");
      return;
    }
  g_string_append (out, "<details>\n<summary>Resolved configuration");
  if (r->config_hash)
    {
      g_string_append (out, " <span class=\"variant\">(hash ");
      html_escape (out, r->config_hash);
      g_string_append (out, ")</span>");
    }
  g_string_append (out, "</summary>\n<pre>");
  html_escape (out, r->config_yaml);
  g_string_append (out, "</pre>\n</details>\n");
}
