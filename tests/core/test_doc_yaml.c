/* Every ```yaml block of README.md and docs/ validates with the built tundish,
 * so the documentation cannot drift from what the loader accepts.
 *
 * The line before a block may mark it (an HTML comment, invisible on the page):
 *
 *   (none)                            a whole experiment, validated as it is
 *   <!-- yaml: fragment -->           top-level keys, laid over BASE below
 *                                     (the fragment's keys replace BASE's)
 *   <!-- yaml: fragment pipeline -->  keys of one pipeline, laid over BASE's
 *                                     first pipeline
 *   <!-- yaml: skip REASON -->        not checked; REASON is required
 *
 * A block is validated from a scratch copy of the tree's layout (the block's
 * folder, with every other top-level entry linked), so includes such as
 * ../configs/steel-casting-data.yaml resolve as they do for a reader.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

static const char *tundish, *src_root;

/* What a fragment is laid over: one top-level key per line, so a key the
 * fragment sets is dropped by its line. */
static const char *const BASE[] = {
  "experiment: doc-fragment",
  "data: {generator: steel_casting, params: {num_casts: 200, cast_duration_minutes: 20}}",
  /* models that take every supervised task, so a data fragment of any task fits */
  "pipelines: [{name: ridge, features: [statistical], model: ridge}, "
  "{name: xgboost, features: [statistical], model: xgboost}]",
  NULL,
};

typedef struct {
  char *md;          /* relative to src_root */
  int line;          /* of the opening fence */
  char *mark;        /* NULL, "fragment", "fragment pipeline" or "skip ..." */
  char *text;
} Block;

static void
block_free (gpointer p)
{
  Block *b = p;
  g_free (b->md);
  g_free (b->mark);
  g_free (b->text);
  g_free (b);
}

static gboolean
is_blank (const char *line)
{
  while (g_ascii_isspace (*line))
    line++;
  return *line == '\0';
}

static void
scan_md (const char *rel, GPtrArray *out)
{
  g_autofree char *path = g_build_filename (src_root, rel, NULL);
  g_autofree char *contents = NULL;
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (contents, "\n", -1);
  for (int i = 0; lines[i]; i++)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (lines[i]));
      if (strcmp (trimmed, "```yaml") != 0)
        continue;
      Block *b = g_new0 (Block, 1);
      b->md = g_strdup (rel);
      b->line = i + 1;
      int m = i - 1;
      while (m >= 0 && is_blank (lines[m]))
        m--;
      if (m >= 0 && g_str_has_prefix (lines[m], "<!-- yaml: ")
          && g_str_has_suffix (lines[m], " -->"))
        {
          const char *s = lines[m] + strlen ("<!-- yaml: ");
          b->mark = g_strndup (s, strlen (s) - strlen (" -->"));
        }
      GString *text = g_string_new (NULL);
      int j = i + 1;
      for (; lines[j]; j++)
        {
          g_autofree char *t = g_strstrip (g_strdup (lines[j]));
          if (g_str_has_prefix (t, "```"))
            break;
          g_string_append_printf (text, "%s\n", lines[j]);
        }
      if (!lines[j])
        g_error ("%s:%d: a ```yaml block that never closes", rel, b->line);
      b->text = g_string_free (text, FALSE);
      g_ptr_array_add (out, b);
      i = j;
    }
}

/* Top-level key of a line ("data" of "data: {...}"), or NULL. */
static char *
top_key (const char *line)
{
  if (!g_ascii_isalpha (line[0]))
    return NULL;
  const char *colon = strchr (line, ':');
  return colon ? g_strndup (line, (gsize) (colon - line)) : NULL;
}

static char *
over_base (const char *fragment)
{
  g_auto (GStrv) flines = g_strsplit (fragment, "\n", -1);
  g_autoptr (GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int k = 0; flines[k]; k++)
    {
      char *key = top_key (flines[k]);
      if (key)
        g_hash_table_add (keys, key);
    }
  GString *out = g_string_new (NULL);
  for (int k = 0; BASE[k]; k++)
    {
      g_autofree char *key = top_key (BASE[k]);
      if (!g_hash_table_contains (keys, key))
        g_string_append_printf (out, "%s\n", BASE[k]);
    }
  g_string_append (out, fragment);
  return g_string_free (out, FALSE);
}

/* The pipeline's keys replace those of a logistic pipeline. */
static char *
in_pipeline (const char *fragment)
{
  static const char *const defaults[] = { "name: doc", "features: [statistical]",
                                          "model: logistic", NULL };
  g_auto (GStrv) flines = g_strsplit (fragment, "\n", -1);
  GString *out = g_string_new (NULL);
  for (int k = 0; BASE[k]; k++)
    if (!g_str_has_prefix (BASE[k], "pipelines:"))
      g_string_append_printf (out, "%s\n", BASE[k]);
  g_string_append (out, "pipelines:\n");
  gboolean first = TRUE;
  for (int k = 0; defaults[k]; k++)
    {
      g_autofree char *key = top_key (defaults[k]);
      gboolean given = FALSE;
      for (int j = 0; flines[j]; j++)
        {
          g_autofree char *fk = top_key (flines[j]);
          given |= fk && strcmp (fk, key) == 0;
        }
      if (!given)
        {
          g_string_append_printf (out, "  %s %s\n", first ? "-" : " ", defaults[k]);
          first = FALSE;
        }
    }
  for (int j = 0; flines[j]; j++)
    if (*flines[j])
      {
        g_string_append_printf (out, "  %s %s\n", first ? "-" : " ", flines[j]);
        first = FALSE;
      }
  return g_string_free (out, FALSE);
}

/* The first component of a relative folder ("docs" of "docs/generators"). */
static char *
top_dir (const char *md_dir)
{
  const char *slash = strchr (md_dir, '/');
  return slash ? g_strndup (md_dir, (gsize) (slash - md_dir)) : g_strdup (md_dir);
}

/* A scratch tree: dir/<the block's folder>/ for the block, every other
 * top-level entry of the source linked beside it, and the entries of the
 * block's own folder linked into it (docs/examples/ for a block in docs/). */
static char *
scratch_tree (const char *md_dir)
{
  g_autoptr (GError) e = NULL;
  char *dir = g_dir_make_tmp ("td-doc-yaml-XXXXXX", &e);
  g_assert_no_error (e);
  g_autofree char *top = top_dir (md_dir);
  g_autoptr (GDir) d = g_dir_open (src_root, 0, NULL);
  g_assert_nonnull (d);
  const char *name;
  while ((name = g_dir_read_name (d)))
    {
      if (strcmp (name, top) == 0)
        continue;
      g_autofree char *target = g_build_filename (src_root, name, NULL);
      g_autofree char *link = g_build_filename (dir, name, NULL);
      g_assert_cmpint (symlink (target, link), ==, 0);
    }
  g_autofree char *sub = g_build_filename (dir, md_dir, NULL);
  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  g_autofree char *own = g_build_filename (src_root, md_dir, NULL);
  g_autoptr (GDir) od = strcmp (md_dir, ".") != 0 ? g_dir_open (own, 0, NULL) : NULL;
  while (od && (name = g_dir_read_name (od)))
    {
      g_autofree char *target = g_build_filename (own, name, NULL);
      g_autofree char *link = g_build_filename (sub, name, NULL);
      g_assert_cmpint (symlink (target, link), ==, 0);
    }
  return dir;
}

static void
remove_tree (const char *dir, const char *md_dir, const char *file)
{
  g_autofree char *top = top_dir (md_dir);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    if (strcmp (name, top) != 0)
      {
        g_autofree char *p = g_build_filename (dir, name, NULL);
        g_unlink (p);
      }
  g_unlink (file);
  g_autofree char *block_dir = g_build_filename (dir, md_dir, NULL);
  g_autoptr (GDir) bd = strcmp (md_dir, ".") != 0 ? g_dir_open (block_dir, 0, NULL) : NULL;
  while (bd && (name = g_dir_read_name (bd)))
    {
      g_autofree char *p = g_build_filename (block_dir, name, NULL);
      g_unlink (p);
    }
  for (g_autofree char *sub = g_strdup (md_dir); strcmp (sub, ".") != 0;)
    {
      g_autofree char *full = g_build_filename (dir, sub, NULL);
      g_rmdir (full);
      char *up = g_path_get_dirname (sub);
      g_free (sub);
      sub = up;
    }
  g_rmdir (dir);
}

/* NULL when the block validates (or is skipped: *skip says why), else what
 * tundish said. */
static char *
check_block (const Block *b, char **skip)
{
  g_autofree char *text = NULL;
  *skip = NULL;
  if (!b->mark)
    text = g_strdup (b->text);
  else if (strcmp (b->mark, "fragment") == 0)
    text = over_base (b->text);
  else if (strcmp (b->mark, "fragment pipeline") == 0)
    text = in_pipeline (b->text);
  else if (g_str_has_prefix (b->mark, "skip "))
    {
      *skip = g_strstrip (g_strdup (b->mark + strlen ("skip ")));
      if (!**skip)
        g_error ("%s:%d: <!-- yaml: skip --> needs a reason", b->md, b->line);
      return NULL;
    }
  else
    g_error ("%s:%d: unknown mark \"<!-- yaml: %s -->\"; expected fragment, fragment "
             "pipeline or skip REASON", b->md, b->line, b->mark);

  g_autofree char *md_dir = g_path_get_dirname (b->md);
  g_autofree char *dir = scratch_tree (md_dir);
  g_autofree char *base = g_path_get_basename (b->md);
  g_autofree char *name = g_strdup_printf ("%s-line%d.yaml", base, b->line);
  g_autofree char *file = g_build_filename (dir, md_dir, name, NULL);
  g_assert_true (g_file_set_contents (file, text, -1, NULL));
  const char *argv[] = { tundish, "validate", file, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &err, &status, NULL));
  gboolean ok = g_spawn_check_wait_status (status, NULL);
  remove_tree (dir, md_dir, file);
  if (ok && strstr (out, ": valid"))
    return NULL;
  return g_strdup_printf ("%s\n--- as validated:\n%s", err, text);
}

static void
validate_block (gconstpointer data)
{
  const Block *b = data;
  g_autofree char *skip = NULL;
  g_autofree char *err = check_block (b, &skip);
  if (skip)
    g_test_skip (skip);
  else if (err)
    {
      /* Not g_error: every broken block is listed in one run. */
      g_test_message ("%s:%d: the yaml block does not validate%s:\n%s", b->md, b->line,
                      b->mark ? " (as a fragment)" : "", err);
      g_test_fail ();
    }
}

/* The check must catch a wrong block: a documented key misspelt fails. */
static void
test_not_vacuous (void)
{
  Block b = { .md = (char *) "README.md", .line = 0, .mark = (char *) "fragment",
              .text = (char *) "split: { method: stratified_holdout, tset_size: 0.2 }\n" };
  g_autofree char *skip = NULL;
  g_autofree char *err = check_block (&b, &skip);
  g_assert_nonnull (err);
  g_assert_nonnull (strstr (err, "did you mean \"test_size\""));
  b.text = (char *) "split: { method: stratified_holdout, test_size: 0.2 }\n";
  g_free (err);
  err = check_block (&b, &skip);
  g_assert_null (err);
}

static void
add_docs (const char *rel_dir, GPtrArray *files)
{
  g_autofree char *dir = g_build_filename (src_root, rel_dir, NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  const char *name;
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *rel = g_build_filename (rel_dir, name, NULL);
      g_autofree char *full = g_build_filename (src_root, rel, NULL);
      if (g_file_test (full, G_FILE_TEST_IS_DIR))
        add_docs (rel, files);
      else if (g_str_has_suffix (name, ".md"))
        g_ptr_array_add (files, g_steal_pointer (&rel));
    }
}

static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 3)
    g_error ("usage: test_doc_yaml TUNDISH SOURCE_ROOT");
  tundish = argv[1];
  src_root = argv[2];
  g_autoptr (GPtrArray) mds = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (mds, g_strdup ("README.md"));
  add_docs ("docs", mds);
  g_ptr_array_sort (mds, cmp_str);
  g_autoptr (GPtrArray) blocks = g_ptr_array_new_with_free_func (block_free);
  for (guint k = 0; k < mds->len; k++)
    scan_md (mds->pdata[k], blocks);
  g_assert_cmpuint (blocks->len, >, 10);
  g_test_add_func ("/doc-yaml/not-vacuous", test_not_vacuous);
  for (guint k = 0; k < blocks->len; k++)
    {
      const Block *b = blocks->pdata[k];
      g_autofree char *test = g_strdup_printf ("/doc-yaml/%s:%d", b->md, b->line);
      g_test_add_data_func (test, b, validate_block);
    }
  return g_test_run ();
}
