/* config_node.c — the positioned YAML tree: building it from libyaml,
 * editing it, and the one error format every config message uses. */
#include "config/config_node.h"

#include <string.h>
#include <yaml.h>

/* Aliases are copied into the tree, so a handful of anchors could otherwise
 * expand into millions of nodes ("billion laughs"); no experiment comes near. */
#define MAX_DEPTH 64
#define MAX_NODES 200000

G_DEFINE_QUARK (td-config-error-quark, td_config_error)

/* Values quoted in messages are cut to short excerpts where they are
 * quoted (td_node_describe, names); this is the backstop for every other
 * message that quotes a value whole: its head and tail are kept (the tail
 * says what was expected), its middle is left out. */
#define MAX_MESSAGE 1024

static char *
shorten (char *msg)
{
  gsize len = strlen (msg);
  if (len <= MAX_MESSAGE)
    return msg;
  const char *head_end = g_utf8_find_prev_char (msg, msg + 600);
  const char *tail = g_utf8_find_next_char (msg + len - 300, NULL);
  if (!head_end || !tail)
    return msg;
  char *out = g_strdup_printf ("%.*s… [%" G_GSIZE_FORMAT " bytes left out] …%s",
                               (int) (head_end - msg), msg, (gsize) (tail - head_end), tail);
  g_free (msg);
  return out;
}

gboolean
td_config_fail (GError **error, TdConfigError code, const TdNode *at,
                const char *path, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = shorten (g_strdup_vprintf (fmt, ap));
  va_end (ap);
  if (path && *path)
    g_set_error (error, TD_CONFIG_ERROR, (gint) code, "%s:%d:%d: %s: %s",
                 at->file, at->line, at->col, path, msg);
  else
    g_set_error (error, TD_CONFIG_ERROR, (gint) code, "%s:%d:%d: %s",
                 at->file, at->line, at->col, msg);
  return FALSE;
}

char *
td_node_where (const TdNode *node)
{
  return g_strdup_printf ("%s:%d:%d", node->file, node->line, node->col);
}

char *
td_path_key (const char *path, const char *key)
{
  if (!path || !*path)
    return g_strdup (key);
  return g_strconcat (path, ".", key, NULL);
}

char *
td_path_index (const char *path, guint i)
{
  return g_strdup_printf ("%s[%u]", path ? path : "", i);
}

static TdNode *
node_new (TdNodeType type, const TdNode *where)
{
  TdNode *n = g_new0 (TdNode, 1);
  n->type = type;
  if (type != TD_NODE_SCALAR)
    n->items = g_ptr_array_new_with_free_func ((GDestroyNotify) td_node_free);
  if (type == TD_NODE_MAP)
    n->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) td_node_free);
  if (where)
    {
      n->file = where->file;
      n->line = where->line;
      n->col = where->col;
    }
  return n;
}

TdNode *
td_node_new_scalar (const char *value, const TdNode *where)
{
  TdNode *n = node_new (TD_NODE_SCALAR, where);
  n->value = g_strdup (value);
  n->plain = TRUE;
  return n;
}

TdNode *
td_node_new_map (const TdNode *where)
{
  return node_new (TD_NODE_MAP, where);
}

TdNode *
td_node_copy (const TdNode *node)
{
  TdNode *n = node_new (node->type, node);
  n->value = g_strdup (node->value);
  n->plain = node->plain;
  if (node->items)
    for (guint k = 0; k < node->items->len; k++)
      g_ptr_array_add (n->items, td_node_copy (node->items->pdata[k]));
  if (node->keys)
    for (guint k = 0; k < node->keys->len; k++)
      g_ptr_array_add (n->keys, td_node_copy (node->keys->pdata[k]));
  return n;
}

void
td_node_free (TdNode *node)
{
  if (!node)
    return;
  g_free (node->value);
  if (node->items)
    g_ptr_array_unref (node->items);
  if (node->keys)
    g_ptr_array_unref (node->keys);
  g_free (node);
}

gboolean
td_node_is_null (const TdNode *node)
{
  if (!node || node->type != TD_NODE_SCALAR || !node->plain)
    return FALSE;
  const char *v = node->value;
  return *v == '\0' || strcmp (v, "~") == 0 || strcmp (v, "null") == 0
         || strcmp (v, "Null") == 0 || strcmp (v, "NULL") == 0;
}

char *
td_node_describe (const TdNode *node)
{
  if (!node || td_node_is_null (node))
    return g_strdup ("nothing");
  switch (node->type)
    {
    case TD_NODE_SEQ: return g_strdup ("a list");
    case TD_NODE_MAP: return g_strdup ("a mapping");
    case TD_NODE_SCALAR: break;
    }
  g_autofree char *shown = td_excerpt (node->value, -1);
  return g_strdup_printf ("\"%s\"", shown);
}

TdNode *
td_node_map_get (const TdNode *map, const char *key, guint *index)
{
  if (!map || map->type != TD_NODE_MAP)
    return NULL;
  for (guint k = 0; k < map->keys->len; k++)
    {
      const TdNode *kn = map->keys->pdata[k];
      if (strcmp (kn->value, key) == 0)
        {
          if (index)
            *index = k;
          return map->items->pdata[k];
        }
    }
  return NULL;
}

void
td_node_map_set (TdNode *map, const char *key, TdNode *value, const TdNode *key_where)
{
  guint k;
  if (td_node_map_get (map, key, &k))
    {
      td_node_free (map->items->pdata[k]);
      map->items->pdata[k] = value;
      return;
    }
  g_ptr_array_add (map->keys, td_node_new_scalar (key, key_where ? key_where : value));
  g_ptr_array_add (map->items, value);
}

TdNode *
td_node_map_take (TdNode *map, const char *key)
{
  guint k;
  if (!td_node_map_get (map, key, &k))
    return NULL;
  TdNode *v = g_ptr_array_steal_index (map->items, k);
  g_ptr_array_remove_index (map->keys, k);
  return v;
}

/* ------------------------------------------------------------ from libyaml */

typedef struct {
  yaml_document_t *doc;
  const char *file;         /* interned */
  int line_base, col_base;
  gboolean one_line;        /* a --set value: every mark stays on its line */
  gboolean any_text;        /* tundish's own output read back: control characters are data */
  int end_col;              /* one_line: the column just past the text */
  guint n_nodes;
} Builder;

static void
place (const Builder *b, TdNode *n, yaml_mark_t mark)
{
  n->file = b->file;
  n->line = (int) mark.line + b->line_base;
  n->col = (int) mark.column + 1 + (mark.line == 0 ? b->col_base - 1 : 0);
  if (b->one_line && mark.line > 0)
    {
      /* libyaml puts the end of the input on a line of its own. */
      n->line = b->line_base;
      n->col = b->end_col;
    }
}

/* A NUL would cut the string short without a word ("host\0ile" read as
 * "host"), and a control character (an escape sequence in a title) would
 * reach terminals and every file that quotes the value, so both are refused
 * where they were written. Tab and line feed are text. */
static gboolean
check_text (const TdNode *at, const char *path, const yaml_node_t *yn, GError **error)
{
  const char *text = (const char *) yn->data.scalar.value;
  gssize bad = td_text_find_control (text, yn->data.scalar.length);
  if (bad < 0)
    return TRUE;
  guint code = (guchar) text[bad];
  if (code == 0xc2)
    code = (guchar) text[bad + 1];
  glong chars = g_utf8_strlen (text, bad) + 1;   /* text before bad is valid UTF-8 */
  g_autofree char *shown = td_excerpt (text, yn->data.scalar.length);
  return td_config_fail (error, TD_CONFIG_ERROR_VALUE, at, path,
                         "character %ld of \"%s\" is %s (U+%04X); expected text without "
                         "control characters other than tab and line feed", chars, shown,
                         code == 0 ? "a NUL" : "a control character", code);
}

static TdNode *
build (Builder *b, yaml_node_t *yn, const char *path, int depth, GError **error)
{
  TdNode tmp = { 0 };
  place (b, &tmp, yn->start_mark);
  if (depth > MAX_DEPTH)
    {
      td_config_fail (error, TD_CONFIG_ERROR_SYNTAX, &tmp, NULL,
                      "nested too deeply (or a recursive alias); expected at most %d levels",
                      MAX_DEPTH);
      return NULL;
    }
  if (++b->n_nodes > MAX_NODES)
    {
      td_config_fail (error, TD_CONFIG_ERROR_SYNTAX, &tmp, path,
                      "too many nodes after expanding aliases; expected at most %d", MAX_NODES);
      return NULL;
    }

  g_autoptr (TdNode) n = NULL;
  switch (yn->type)
    {
    case YAML_SCALAR_NODE:
      if (!b->any_text && !check_text (&tmp, path, yn, error))
        return NULL;
      n = node_new (TD_NODE_SCALAR, &tmp);
      n->value = g_strndup ((const char *) yn->data.scalar.value, yn->data.scalar.length);
      n->plain = yn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
      break;
    case YAML_SEQUENCE_NODE:
      n = node_new (TD_NODE_SEQ, &tmp);
      for (yaml_node_item_t *it = yn->data.sequence.items.start;
           it < yn->data.sequence.items.top; it++)
        {
          g_autofree char *p = td_path_index (path, n->items->len);
          TdNode *c = build (b, yaml_document_get_node (b->doc, *it), p, depth + 1, error);
          if (!c)
            return NULL;
          g_ptr_array_add (n->items, c);
        }
      break;
    case YAML_MAPPING_NODE:
      n = node_new (TD_NODE_MAP, &tmp);
      for (yaml_node_pair_t *pr = yn->data.mapping.pairs.start;
           pr < yn->data.mapping.pairs.top; pr++)
        {
          yaml_node_t *kn = yaml_document_get_node (b->doc, pr->key);
          TdNode kt = { 0 };
          place (b, &kt, kn->start_mark);
          if (kn->type != YAML_SCALAR_NODE)
            {
              td_config_fail (error, TD_CONFIG_ERROR_TYPE, &kt, path,
                              "a key is a list or mapping; expected a plain name");
              return NULL;
            }
          if (!b->any_text && !check_text (&kt, path, kn, error))
            return NULL;
          g_autofree char *key = g_strndup ((const char *) kn->data.scalar.value,
                                            kn->data.scalar.length);
          g_autofree char *p = td_path_key (path, key);
          if (td_node_map_get (n, key, NULL))
            {
              td_config_fail (error, TD_CONFIG_ERROR_SYNTAX, &kt, p,
                              "duplicate key \"%s\"; expected each key once per mapping", key);
              return NULL;
            }
          TdNode *v = build (b, yaml_document_get_node (b->doc, pr->value), p, depth + 1, error);
          if (!v)
            return NULL;
          TdNode *k = node_new (TD_NODE_SCALAR, &kt);
          k->value = g_steal_pointer (&key);
          k->plain = TRUE;
          g_ptr_array_add (n->keys, k);
          g_ptr_array_add (n->items, v);
        }
      break;
    case YAML_NO_NODE:
    default:
      n = td_node_new_scalar ("", &tmp);
      break;
    }
  return g_steal_pointer (&n);
}

static gboolean
syntax_error (GError **error, const yaml_parser_t *parser, const Builder *b)
{
  TdNode at = { 0 };
  place (b, &at, parser->problem_mark);
  const char *problem = parser->problem ? parser->problem : "cannot parse";
  if (parser->error == YAML_READER_ERROR)
    return td_config_fail (error, TD_CONFIG_ERROR_SYNTAX, &at, NULL,
                           "YAML syntax error: %s; expected UTF-8 text", problem);
  if (parser->context)
    {
      TdNode ctx = { 0 };
      place (b, &ctx, parser->context_mark);
      return td_config_fail (error, TD_CONFIG_ERROR_SYNTAX, &at, NULL,
                             "YAML syntax error: %s (%s at %d:%d)", problem,
                             parser->context, ctx.line, ctx.col);
    }
  return td_config_fail (error, TD_CONFIG_ERROR_SYNTAX, &at, NULL,
                         "YAML syntax error: %s", problem);
}

static TdNode *parse (const char *text, gsize len, const char *file, int line_base,
                      int col_base, gboolean any_text, GError **error);

TdNode *
td_node_parse (const char *text, gsize len, const char *file,
               int line_base, int col_base, GError **error)
{
  return parse (text, len, file, line_base, col_base, FALSE, error);
}

TdNode *
td_node_parse_written (const char *text, gsize len, const char *file, GError **error)
{
  return parse (text, len, file, 1, 1, TRUE, error);
}

static TdNode *
parse (const char *text, gsize len, const char *file, int line_base, int col_base,
       gboolean any_text, GError **error)
{
  Builder b = { .file = g_intern_string (file), .line_base = line_base, .col_base = col_base,
                .one_line = memchr (text, '\n', len) == NULL,
                .end_col = col_base + (int) g_utf8_strlen (text, (gssize) len),
                .any_text = any_text };
  int deep_line, deep_col;
  if (!td_yaml_check_flow_depth (text, len, MAX_DEPTH, &deep_line, &deep_col))
    {
      TdNode at = { 0 };
      yaml_mark_t mark = { .line = (size_t) deep_line - 1, .column = (size_t) deep_col - 1 };
      place (&b, &at, mark);
      td_config_fail (error, TD_CONFIG_ERROR_SYNTAX, &at, NULL,
                      "nested too deeply: more than %d levels of [ and {; expected at most %d "
                      "levels", MAX_DEPTH, MAX_DEPTH);
      return NULL;
    }
  yaml_parser_t parser;
  yaml_document_t doc;
  if (!yaml_parser_initialize (&parser))
    {
      g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_IO, "%s: out of memory", file);
      return NULL;
    }
  yaml_parser_set_input_string (&parser, (const unsigned char *) text, len);
  TdNode *root = NULL;
  if (!yaml_parser_load (&parser, &doc))
    {
      syntax_error (error, &parser, &b);
      yaml_parser_delete (&parser);
      return NULL;
    }
  yaml_node_t *yroot = yaml_document_get_root_node (&doc);
  if (yroot)
    {
      b.doc = &doc;
      root = build (&b, yroot, "", 0, error);
      yaml_document_delete (&doc);
      if (root)
        {
          /* A second document would silently be ignored otherwise. */
          yaml_document_t next;
          if (!yaml_parser_load (&parser, &next))
            {
              syntax_error (error, &parser, &b);
              g_clear_pointer (&root, td_node_free);
            }
          else
            {
              yaml_node_t *r2 = yaml_document_get_root_node (&next);
              if (r2)
                {
                  TdNode at = { 0 };
                  place (&b, &at, r2->start_mark);
                  td_config_fail (error, TD_CONFIG_ERROR_SYNTAX, &at, NULL,
                                  "a second YAML document; expected one document per file");
                  g_clear_pointer (&root, td_node_free);
                }
              yaml_document_delete (&next);
            }
        }
    }
  else
    {
      yaml_document_delete (&doc);
      TdNode at = { .file = b.file, .line = line_base, .col = col_base };
      td_config_fail (error, TD_CONFIG_ERROR_SYNTAX, &at, NULL,
                      "empty document; expected a mapping of keys");
    }
  yaml_parser_delete (&parser);
  return root;
}
