/* html_yaml.c — see html_yaml.h. */
#include "html_yaml.h"

#include <string.h>
#include <tundish/plugin.h>

struct HtmlYaml {
  yaml_document_t doc;
};

HtmlYaml *
html_yaml_parse (const char *text, gsize len, GError **error)
{
  yaml_parser_t parser;
  if (!yaml_parser_initialize (&parser))
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED, "libyaml: out of memory");
      return NULL;
    }
  yaml_parser_set_input_string (&parser, (const unsigned char *) text, len);
  HtmlYaml *y = g_new0 (HtmlYaml, 1);
  if (!yaml_parser_load (&parser, &y->doc))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, "YAML line %zu: %s",
                   parser.problem_mark.line + 1, parser.problem ? parser.problem : "parse error");
      yaml_parser_delete (&parser);
      g_free (y);
      return NULL;
    }
  yaml_parser_delete (&parser);
  if (yaml_document_get_root_node (&y->doc) == NULL)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, "empty YAML");
      html_yaml_free (y);
      return NULL;
    }
  return y;
}

void
html_yaml_free (HtmlYaml *y)
{
  if (y == NULL)
    return;
  yaml_document_delete (&y->doc);
  g_free (y);
}

yaml_node_t *
html_yaml_root (HtmlYaml *y)
{
  return yaml_document_get_root_node (&y->doc);
}

yaml_node_t *
html_yaml_get (HtmlYaml *y, yaml_node_t *map, const char *key)
{
  if (map == NULL || map->type != YAML_MAPPING_NODE)
    return NULL;
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++)
    {
      const char *k = html_yaml_scalar (yaml_document_get_node (&y->doc, p->key));
      if (k && strcmp (k, key) == 0)
        return yaml_document_get_node (&y->doc, p->value);
    }
  return NULL;
}

yaml_node_t *
html_yaml_path (HtmlYaml *y, const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, ".", -1);
  yaml_node_t *n = html_yaml_root (y);
  for (size_t i = 0; n && parts[i]; i++)
    n = html_yaml_get (y, n, parts[i]);
  return n;
}

const char *
html_yaml_scalar (yaml_node_t *node)
{
  if (node == NULL || node->type != YAML_SCALAR_NODE)
    return NULL;
  return (const char *) node->data.scalar.value;
}

size_t
html_yaml_len (yaml_node_t *seq)
{
  if (seq == NULL || seq->type != YAML_SEQUENCE_NODE)
    return 0;
  return (size_t) (seq->data.sequence.items.top - seq->data.sequence.items.start);
}

yaml_node_t *
html_yaml_item (HtmlYaml *y, yaml_node_t *seq, size_t i)
{
  if (i >= html_yaml_len (seq))
    return NULL;
  return yaml_document_get_node (&y->doc, seq->data.sequence.items.start[i]);
}

static gboolean
all_scalars (HtmlYaml *y, yaml_node_t *seq)
{
  for (size_t i = 0; i < html_yaml_len (seq); i++)
    if (html_yaml_item (y, seq, i)->type != YAML_SCALAR_NODE)
      return FALSE;
  return TRUE;
}

void
html_yaml_flatten (HtmlYaml *y, yaml_node_t *node, const char *prefix, GPtrArray *paths,
                   GPtrArray *values)
{
  if (node == NULL)
    return;
  switch (node->type)
    {
    case YAML_SCALAR_NODE:
      g_ptr_array_add (paths, g_strdup (prefix));
      g_ptr_array_add (values, g_strdup (html_yaml_scalar (node)));
      return;
    case YAML_SEQUENCE_NODE:
      if (all_scalars (y, node))
        {
          GString *v = g_string_new ("[");
          for (size_t i = 0; i < html_yaml_len (node); i++)
            {
              g_string_append (v, i ? ", " : "");
              g_string_append (v, html_yaml_scalar (html_yaml_item (y, node, i)));
            }
          g_string_append_c (v, ']');
          g_ptr_array_add (paths, g_strdup (prefix));
          g_ptr_array_add (values, g_string_free (v, FALSE));
          return;
        }
      for (size_t i = 0; i < html_yaml_len (node); i++)
        {
          g_autofree char *sub = g_strdup_printf ("%s[%zu]", prefix, i);
          html_yaml_flatten (y, html_yaml_item (y, node, i), sub, paths, values);
        }
      return;
    case YAML_MAPPING_NODE:
      for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++)
        {
          const char *k = html_yaml_scalar (yaml_document_get_node (&y->doc, p->key));
          g_autofree char *sub = *prefix ? g_strdup_printf ("%s.%s", prefix, k ? k : "?")
                                         : g_strdup (k ? k : "?");
          html_yaml_flatten (y, yaml_document_get_node (&y->doc, p->value), sub, paths, values);
        }
      return;
    case YAML_NO_NODE:
      return;
    }
}
