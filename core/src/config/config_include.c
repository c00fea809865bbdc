/* config_include.c — reading an experiment file and following `include:`.
 *
 * `include:` may stand in any mapping (the top level, a model, ...). Its files
 * are read relative to the file that names them, merged in order (a later
 * include wins over an earlier one), and the mapping holding the include wins
 * over all of them: mappings merge key by key, recursively; anything else
 * (scalars, lists) is replaced whole. Includes nest; a cycle is an error.
 */
#include "config/config_node.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

/* An experiment or fragment larger than this is refused, not read. */
#define TD_CONFIG_MAX_BYTES (4 * 1024 * 1024)

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INCLUDE_DEPTH 32

typedef struct {
  GPtrArray *canonical;    /* char*: files being read, outermost first */
  GPtrArray *shown;        /* char*: the same, as shown in messages */
} Loader;

static TdNode *resolve (Loader *ld, TdNode *node, const char *path, GError **error);

/* over wins; both are consumed. */
static TdNode *
merge (TdNode *base, TdNode *over)
{
  if (base->type != TD_NODE_MAP || over->type != TD_NODE_MAP)
    {
      td_node_free (base);
      return over;
    }
  for (guint k = 0; k < over->keys->len; k++)
    {
      TdNode *key = over->keys->pdata[k];
      TdNode *val = over->items->pdata[k];
      over->items->pdata[k] = NULL;
      guint at;
      if (td_node_map_get (base, key->value, &at))
        {
          base->items->pdata[at] = merge (base->items->pdata[at], val);
          /* Point the key at the file that decided the value. */
          td_node_free (base->keys->pdata[at]);
          base->keys->pdata[at] = td_node_copy (key);
        }
      else
        {
          g_ptr_array_add (base->keys, td_node_copy (key));
          g_ptr_array_add (base->items, val);
        }
    }
  /* The mapping itself is reported where the including file wrote it. */
  base->file = over->file;
  base->line = over->line;
  base->col = over->col;
  td_node_free (over);
  return base;
}

static char *
canonical_path (const char *path)
{
  char buf[PATH_MAX];
  if (realpath (path, buf))
    return g_strdup (buf);
  return g_canonicalize_filename (path, NULL);
}

static char *
relative_to (const char *including_file, const char *name)
{
  if (g_path_is_absolute (name))
    return g_strdup (name);
  g_autofree char *dir = g_path_get_dirname (including_file);
  if (strcmp (dir, ".") == 0)
    return g_strdup (name);
  return g_build_filename (dir, name, NULL);
}

/* from: the include item naming this file (NULL for the experiment itself). */
static TdNode *
load (Loader *ld, const char *shown, const TdNode *from, const char *from_path,
      const char *mount, GError **error)
{
  g_autofree char *canon = canonical_path (shown);
  for (guint k = 0; k < ld->canonical->len; k++)
    if (strcmp (ld->canonical->pdata[k], canon) == 0)
      {
        g_autoptr (GString) chain = g_string_new ("");
        for (guint j = k; j < ld->shown->len; j++)
          g_string_append_printf (chain, "%s -> ", (const char *) ld->shown->pdata[j]);
        g_string_append (chain, shown);
        td_config_fail (error, TD_CONFIG_ERROR_VALUE, from, from_path,
                        "include cycle %s; expected includes that do not lead back to "
                        "an including file", chain->str);
        return NULL;
      }
  if (ld->canonical->len >= MAX_INCLUDE_DEPTH)
    {
      td_config_fail (error, TD_CONFIG_ERROR_VALUE, from, from_path,
                      "includes nested too deeply; expected at most %d levels",
                      MAX_INCLUDE_DEPTH);
      return NULL;
    }

  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr (GError) io = NULL;
  /* Only regular files of a sane size: `include: /dev/zero` would otherwise
   * read until memory runs out. */
  GStatBuf st;
  if (g_stat (shown, &st) == 0 && (!S_ISREG (st.st_mode) || st.st_size > TD_CONFIG_MAX_BYTES))
    g_set_error (&io, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                 S_ISREG (st.st_mode) ? "larger than 4 MiB" : "not a regular file");
  if (io || !g_file_get_contents (shown, &text, &len, &io))
    {
      const char *why = io->domain == G_FILE_ERROR && io->code == G_FILE_ERROR_NOENT
                        ? "no such file" : io->message;
      if (from)
        {
          g_autofree char *dir = g_path_get_dirname (from->file);
          td_config_fail (error, TD_CONFIG_ERROR_IO, from, from_path,
                          "cannot read \"%s\" (%s); expected a file, relative to %s",
                          shown, why, dir);
        }
      else
        g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_IO, "%s: cannot read (%s)",
                     shown, why);
      return NULL;
    }

  TdNode *root = td_node_parse (text, len, shown, 1, 1, error);
  if (!root)
    return NULL;
  if (root->type != TD_NODE_MAP)
    {
      g_autofree char *what = td_node_describe (root);
      td_config_fail (error, TD_CONFIG_ERROR_TYPE, root, NULL,
                      "the file holds %s; expected a mapping of keys", what);
      td_node_free (root);
      return NULL;
    }
  g_ptr_array_add (ld->canonical, g_steal_pointer (&canon));
  g_ptr_array_add (ld->shown, g_strdup (shown));
  root = resolve (ld, root, mount, error);
  g_ptr_array_set_size (ld->canonical, ld->canonical->len - 1);
  g_ptr_array_set_size (ld->shown, ld->shown->len - 1);
  return root;
}

/* mount: the key path of the mapping the included keys land in. */
static gboolean
include_one (Loader *ld, TdNode **base, const TdNode *item, const char *path,
             const char *mount, GError **error)
{
  if (item->type != TD_NODE_SCALAR || td_node_is_null (item) || !*item->value)
    {
      g_autofree char *what = td_node_describe (item);
      return td_config_fail (error, TD_CONFIG_ERROR_TYPE, item, path,
                             "got %s; expected a file name", what);
    }
  g_autofree char *shown = relative_to (item->file, item->value);
  TdNode *inc = load (ld, shown, item, path, mount, error);
  if (!inc)
    return FALSE;
  *base = *base ? merge (*base, inc) : inc;
  return TRUE;
}

/* Consumes node, returns it (or its merge with its includes), NULL on error. */
static TdNode *
resolve (Loader *ld, TdNode *node, const char *path, GError **error)
{
  if (node->type == TD_NODE_SCALAR)
    return node;
  g_autoptr (TdNode) owned = node;
  for (guint k = 0; k < node->items->len; k++)
    {
      g_autofree char *p = node->type == TD_NODE_SEQ
        ? td_path_index (path, k)
        : td_path_key (path, ((TdNode *) node->keys->pdata[k])->value);
      if (node->type == TD_NODE_MAP && strcmp (((TdNode *) node->keys->pdata[k])->value, "include") == 0)
        continue;
      TdNode *r = resolve (ld, node->items->pdata[k], p, error);
      node->items->pdata[k] = r;
      if (!r)
        return NULL;
    }
  if (node->type != TD_NODE_MAP)
    return g_steal_pointer (&owned);

  g_autoptr (TdNode) inc = td_node_map_take (node, "include");
  if (!inc)
    return g_steal_pointer (&owned);
  g_autofree char *ipath = td_path_key (path, "include");
  g_autoptr (TdNode) base = NULL;
  if (inc->type == TD_NODE_SEQ)
    {
      for (guint k = 0; k < inc->items->len; k++)
        {
          g_autofree char *p = td_path_index (ipath, k);
          if (!include_one (ld, &base, inc->items->pdata[k], p, path, error))
            return NULL;
        }
    }
  else if (!td_node_is_null (inc))
    {
      if (!include_one (ld, &base, inc, ipath, path, error))
        return NULL;
    }
  if (!base)
    return g_steal_pointer (&owned);
  return merge (g_steal_pointer (&base), g_steal_pointer (&owned));
}

TdNode *
td_node_load_file (const char *path, GError **error)
{
  Loader ld = {
    .canonical = g_ptr_array_new_with_free_func (g_free),
    .shown = g_ptr_array_new_with_free_func (g_free),
  };
  TdNode *root = load (&ld, path, NULL, NULL, "", error);
  g_ptr_array_unref (ld.canonical);
  g_ptr_array_unref (ld.shown);
  return root;
}
