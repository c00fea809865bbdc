/* config_node.h — the experiment YAML as a plain tree that remembers where
 * every node came from (core-internal, used by config*.c only).
 *
 * libyaml's document model cannot hold nodes from several files, and
 * includes and --set overrides both need to graft nodes from elsewhere, so
 * the loader copies each document into this tree. Every node keeps the file
 * it was read from and its 1-based line and column, so an error found after
 * merging still points at the line the user wrote.
 */
#pragma once

#include <glib.h>

#include "config/config.h"
#include "util/text.h"

G_BEGIN_DECLS

typedef enum {
  TD_NODE_SCALAR,
  TD_NODE_SEQ,
  TD_NODE_MAP,
} TdNodeType;

typedef struct TdNode TdNode;
struct TdNode {
  TdNodeType type;
  char *value;          /* SCALAR: the text, quotes removed */
  gboolean plain;       /* SCALAR: written without quotes (so ~ and "" may mean null) */
  GPtrArray *keys;      /* MAP: TdNode* scalars, parallel to items */
  GPtrArray *items;     /* SEQ: elements; MAP: values */
  const char *file;     /* interned; "--set" for override values */
  int line, col;        /* 1-based */
};

TdNode *td_node_new_scalar (const char *value, const TdNode *where);
TdNode *td_node_new_map (const TdNode *where);
TdNode *td_node_copy (const TdNode *node);
void td_node_free (TdNode *node);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdNode, td_node_free)

/* A plain empty, "~" or "null" scalar: YAML's null. */
gboolean td_node_is_null (const TdNode *node);
/* "a list", "a mapping", "nothing" or the scalar in quotes (a short excerpt
 * of a long one: td_excerpt), for messages. */
char *td_node_describe (const TdNode *node);

/* The value of key in a mapping, or NULL; index gets its position when found. */
TdNode *td_node_map_get (const TdNode *map, const char *key, guint *index);
/* Replace (or append) key's value; takes ownership of value. */
void td_node_map_set (TdNode *map, const char *key, TdNode *value, const TdNode *key_where);
/* Remove key; returns its value (caller owns) or NULL. */
TdNode *td_node_map_take (TdNode *map, const char *key);

/* Parse one YAML document of configuration (NUL and control characters in
 * its strings are refused with their place). file names it in messages; line/col of every
 * node are shifted by line_base - 1 and (on the first line) col_base - 1,
 * which lets an override's value report its place inside the --set
 * argument. An empty document is an error. */
TdNode *td_node_parse (const char *text, gsize len, const char *file,
                       int line_base, int col_base, GError **error);
/* The same for YAML tundish wrote itself and reads back (manifest.yaml):
 * its strings are data (a plugin's message, a folder name), escaped by the
 * writer, so control characters in them are not refused. */
TdNode *td_node_parse_written (const char *text, gsize len, const char *file, GError **error);

/* FALSE when flow collections ([ and {) in text nest deeper than
 * max_depth; line and col get the bracket that went too deep. Linear in
 * len (config_depth.c: why libyaml needs it). */
gboolean td_yaml_check_flow_depth (const char *text, gsize len, int max_depth, int *line,
                                   int *col);

/* Read a file, follow every `include:` key (in any mapping, recursively),
 * and return the merged tree. */
TdNode *td_node_load_file (const char *path, GError **error);

/* Apply NULL-terminated "key.path=value" overrides to root. */
gboolean td_node_apply_overrides (TdNode *root, const char *const *overrides, GError **error);

/* Set *error to "FILE:LINE:COL: PATH: message" at node (PATH omitted when
 * NULL or empty). Always returns FALSE. */
gboolean td_config_fail (GError **error, TdConfigError code, const TdNode *at,
                         const char *path, const char *fmt, ...) G_GNUC_PRINTF (5, 6);

/* "FILE:LINE:COL" of node, for messages made after loading. */
char *td_node_where (const TdNode *node);

/* path + "." + key, or key alone at the root. */
char *td_path_key (const char *path, const char *key);
/* path + "[i]". */
char *td_path_index (const char *path, guint i);

G_END_DECLS
