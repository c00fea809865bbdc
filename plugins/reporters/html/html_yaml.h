/* html_yaml.h — read-only access to a YAML text (the resolved configuration,
 * manifest.yaml) through libyaml's document API (plugin-internal). */
#pragma once

#include <glib.h>
#include <yaml.h>

G_BEGIN_DECLS

typedef struct HtmlYaml HtmlYaml;

/* The first document of text, or NULL (with error) when it does not parse. */
HtmlYaml *html_yaml_parse (const char *text, gsize len, GError **error);
void html_yaml_free (HtmlYaml *y);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HtmlYaml, html_yaml_free)

yaml_node_t *html_yaml_root (HtmlYaml *y);
/* The value of key in a mapping node; NULL when absent or not a mapping. */
yaml_node_t *html_yaml_get (HtmlYaml *y, yaml_node_t *map, const char *key);
/* Follows a dotted path of mapping keys ("versions.tundish"). */
yaml_node_t *html_yaml_path (HtmlYaml *y, const char *path);
/* A scalar's text, or NULL when node is not a scalar. */
const char *html_yaml_scalar (yaml_node_t *node);
/* Item i of a sequence node, or NULL. */
yaml_node_t *html_yaml_item (HtmlYaml *y, yaml_node_t *seq, size_t i);
size_t html_yaml_len (yaml_node_t *seq);

/* Flattens node into (path, text) pairs appended to paths and values
 * (owned strings): mapping keys joined with '.', sequence items as [i],
 * except that a sequence of scalars stays one value "[a, b, c]". */
void html_yaml_flatten (HtmlYaml *y, yaml_node_t *node, const char *prefix, GPtrArray *paths,
                        GPtrArray *values);

G_END_DECLS
