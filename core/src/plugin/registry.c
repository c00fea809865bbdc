/* registry.c — find plugin shared objects, check their descriptors, look them up. */
#include "plugin/registry.h"
#include "plugin/plugin_probe.h"
#include "util/text.h"

#include <gmodule.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct TdRegistry {
  GPtrArray *entries;           /* TdPluginEntry* */
  GPtrArray *modules;           /* GModule* kept open while entries point into them */
  GHashTable *loaded;           /* canonical paths already loaded: a folder found twice
                                 * on the search path is not a duplicate */
  GPtrArray *owned;             /* descriptors and specs upgraded from an older layout */
};

/* TdParamSpec as ABI 1.0 to 1.2 laid it out: a plugin built then has an
 * array of these, whose stride is shorter than today's TdParamSpec. */
typedef struct {
  const char *name;
  TdParamType type;
  const char *default_value;
  double min, max;
  const char *const *choices;
  const char *help;
} ParamSpec11;

GQuark
td_registry_error_quark (void)
{
  return g_quark_from_static_string ("td-registry-error-quark");
}

static void
entry_free (gpointer p)
{
  TdPluginEntry *e = p;
  g_free (e->path);
  g_free (e);
}

static void
module_close (gpointer p)
{
  g_module_close (p);
}

TdRegistry *
td_registry_new (void)
{
  TdRegistry *reg = g_new0 (TdRegistry, 1);
  reg->entries = g_ptr_array_new_with_free_func (entry_free);
  reg->modules = g_ptr_array_new_with_free_func (module_close);
  reg->loaded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  reg->owned = g_ptr_array_new_with_free_func (g_free);
  return reg;
}

void
td_registry_free (TdRegistry *reg)
{
  if (!reg)
    return;
  g_ptr_array_unref (reg->entries);
  g_ptr_array_unref (reg->modules);
  g_hash_table_unref (reg->loaded);
  g_ptr_array_unref (reg->owned);
  g_free (reg);
}

/* Parameter names may use capitals where the field does (logistic's C). */
static gboolean
valid_param_name (const char *name)
{
  if (!name || !*name)
    return FALSE;
  for (const char *c = name; *c; c++)
    if (!(g_ascii_isalnum (*c) || *c == '_'))
      return FALSE;
  return TRUE;
}

static gboolean
valid_name (const char *name)
{
  if (!name || !*name)
    return FALSE;
  for (const char *c = name; *c; c++)
    if (!(g_ascii_islower (*c) || g_ascii_isdigit (*c) || *c == '_'))
      return FALSE;
  return TRUE;
}

#define BAD(...) \
  do { \
    g_set_error (error, TD_REGISTRY_ERROR, TD_REGISTRY_ERROR_BAD_DESCRIPTOR, __VA_ARGS__); \
    return FALSE; \
  } while (0)

static gboolean
check_vtable (const TdPluginDescriptor *d, const char *origin, GError **error)
{
  const char *missing = NULL;
  switch (d->kind)
    {
    case TD_KIND_GENERATOR:
      {
        const TdGeneratorVTable *v = d->vtable;
        if (!v->generate) missing = "generate";
      }
      break;
    case TD_KIND_AUGMENT:
      {
        const TdAugmentVTable *v = d->vtable;
        if (!v->apply) missing = "apply";
      }
      break;
    case TD_KIND_FEATURE:
      {
        const TdFeatureVTable *v = d->vtable;
        if (!v->create) missing = "create";
        else if (!v->transform) missing = "transform";
        else if (!v->destroy) missing = "destroy";
        else if (!v->accepts) missing = "accepts (data shapes)";
        else if (!v->save != !v->load) missing = v->save ? "load (save is set)" : "save (load is set)";
      }
      break;
    case TD_KIND_MODEL:
      {
        const TdModelVTable *v = d->vtable;
        if (!v->create) missing = "create";
        else if (!v->fit) missing = "fit";
        else if (!v->predict) missing = "predict";
        else if (!v->save) missing = "save";
        else if (!v->load) missing = "load";
        else if (!v->destroy) missing = "destroy";
        else if (!v->accepts) missing = "accepts (data shapes)";
        else if (!v->tasks) missing = "tasks";
      }
      break;
    case TD_KIND_EVALUATOR:
      {
        const TdEvaluatorVTable *v = d->vtable;
        if (!v->evaluate) missing = "evaluate";
        else if (!v->metrics || !v->metrics[0]) missing = "metrics (names it produces)";
        else if (!v->tasks) missing = "tasks";
      }
      break;
    case TD_KIND_REPORTER:
      {
        const TdReporterVTable *v = d->vtable;
        if (!v->write) missing = "write";
      }
      break;
    case TD_N_KINDS:
      break;
    }
  if (missing)
    BAD ("%s: %s plugin \"%s\": vtable slot %s is missing", origin, td_kind_name (d->kind),
         d->name, missing);
  return TRUE;
}

static gboolean
has_control (const char *text)
{
  return td_text_find_control (text, strlen (text)) >= 0;
}

gboolean
td_descriptor_check (const TdPluginDescriptor *d, const char *origin, GError **error)
{
  guint32 major = d->abi_version >> 16, minor = d->abi_version & 0xffff;
  if (major != TD_PLUGIN_ABI_MAJOR || minor > TD_PLUGIN_ABI_MINOR)
    {
      g_set_error (error, TD_REGISTRY_ERROR, TD_REGISTRY_ERROR_ABI_MISMATCH,
                   "%s: plugin \"%s\" was built for plugin ABI %u.%u, this tundish provides "
                   "%d.%d (majors must match and the plugin's minor must not be newer); "
                   "rebuild the plugin against this SDK",
                   origin, d->name ? d->name : "?", major, minor, TD_PLUGIN_ABI_MAJOR,
                   TD_PLUGIN_ABI_MINOR);
      return FALSE;
    }
  if ((unsigned) d->kind >= TD_N_KINDS)
    BAD ("%s: descriptor has unknown kind %d", origin, (int) d->kind);
  if (!d->name || !*d->name)
    BAD ("%s: %s descriptor has an empty name", origin, td_kind_name (d->kind));
  if (!valid_name (d->name))
    BAD ("%s: plugin name \"%s\" must match [a-z0-9_]+", origin, d->name);
  if (!d->version || !*d->version)
    BAD ("%s: plugin \"%s\" has an empty version", origin, d->name);
  if (!d->summary || !*d->summary)
    BAD ("%s: plugin \"%s\" has an empty summary", origin, d->name);
  if (!d->vtable)
    BAD ("%s: plugin \"%s\" has no vtable", origin, d->name);
  /* its texts are printed by `tundish plugins` and inspect: nothing a terminal obeys */
  if (has_control (d->version) || has_control (d->summary))
    BAD ("%s: plugin \"%s\": its version or summary holds a control character", origin,
         d->name);
  if (d->n_params && !d->params)
    BAD ("%s: plugin \"%s\" declares %zu parameters but params is NULL", origin, d->name,
         d->n_params);
  for (size_t k = 0; k < d->n_params; k++)
    {
      const TdParamSpec *s = &d->params[k];
      if (!valid_param_name (s->name))
        BAD ("%s: plugin \"%s\": parameter %zu has an empty or invalid name (want [A-Za-z0-9_]+)",
             origin, d->name, k);
      if (!s->help || !*s->help)
        BAD ("%s: plugin \"%s\": parameter %s has no help text", origin, d->name, s->name);
      gboolean control = has_control (s->help) || (s->default_value && has_control (s->default_value));
      for (size_t c = 0; s->choices && s->choices[c]; c++)
        control = control || has_control (s->choices[c]);
      if (control)
        BAD ("%s: plugin \"%s\": parameter %s: its help, default or choices hold a control "
             "character", origin, d->name, s->name);
      for (size_t j = 0; j < k; j++)
        if (strcmp (d->params[j].name, s->name) == 0)
          BAD ("%s: plugin \"%s\": parameter %s is declared twice", origin, d->name, s->name);
      gboolean numeric = s->type == TD_PARAM_INT || s->type == TD_PARAM_DOUBLE
                         || s->type == TD_PARAM_INT_LIST || s->type == TD_PARAM_DOUBLE_LIST;
      if (s->flags & ~(guint32) (TD_PARAM_MIN_EXCLUSIVE | TD_PARAM_MAX_EXCLUSIVE))
        BAD ("%s: plugin \"%s\": parameter %s has unknown flags 0x%x", origin, d->name,
             s->name, s->flags);
      if (s->flags && !(numeric && s->min < s->max))
        BAD ("%s: plugin \"%s\": parameter %s has an exclusive bound but no numeric range "
             "(min < max)", origin, d->name, s->name);
      if ((s->type == TD_PARAM_PARAMS) != (s->params_of != NULL))
        BAD ("%s: plugin \"%s\": parameter %s: params_of goes with type %s, and only with it",
             origin, d->name, s->name, td_param_type_name (TD_PARAM_PARAMS));
      if (s->params_of)
        {
          const TdParamSpec *of = NULL;
          for (size_t j = 0; j < d->n_params; j++)
            if (d->params[j].name && strcmp (d->params[j].name, s->params_of) == 0)
              of = &d->params[j];
          if (!of || of->type != TD_PARAM_ENUM)
            BAD ("%s: plugin \"%s\": parameter %s: params_of \"%s\" is not one of its "
                 "choice parameters", origin, d->name, s->name, s->params_of);
        }
      static const char *const reserved[] = { "plugin", "params", "include", NULL };
      if (g_strv_contains (reserved, s->name))
        BAD ("%s: plugin \"%s\": a parameter may not be called \"%s\" (the experiment "
             "file uses that key itself)", origin, d->name, s->name);
    }
  GError *e = NULL;
  TdParams *p = td_params_new_defaults (d->params, d->n_params, &e);
  if (!p)
    {
      g_set_error (error, TD_REGISTRY_ERROR, TD_REGISTRY_ERROR_BAD_DESCRIPTOR,
                   "%s: plugin \"%s\": %s", origin, d->name, e->message);
      g_error_free (e);
      return FALSE;
    }
  td_params_free (p);
  return check_vtable (d, origin, error);
}

/* A descriptor of ABI 1.0-1.2 with parameters, as a copy whose specs have
 * today's layout (the fields added since are 0); others as they are. */
static const TdPluginDescriptor *
upgrade (TdRegistry *reg, const TdPluginDescriptor *d)
{
  guint32 major = d->abi_version >> 16, minor = d->abi_version & 0xffff;
  if (major != 1 || minor >= 3 || d->n_params == 0 || !d->params)
    return d;
  const ParamSpec11 *old = (const ParamSpec11 *) (const void *) d->params;
  TdParamSpec *specs = g_new0 (TdParamSpec, d->n_params);
  for (size_t k = 0; k < d->n_params; k++)
    memcpy (&specs[k], &old[k], sizeof old[k]);
  TdPluginDescriptor *copy = g_memdup2 (d, sizeof *d);
  copy->params = specs;
  g_ptr_array_add (reg->owned, specs);
  g_ptr_array_add (reg->owned, copy);
  return copy;
}

/* Check every descriptor of an entry function, then register them all or none. */
static gboolean
add_descriptors (TdRegistry *reg, TdPluginEntryFunc entry, const char *origin, GError **error)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new ();
  for (size_t i = 0; i < 1024; i++)
    {
      const TdPluginDescriptor *d = entry (i);
      if (!d)
        break;
      d = upgrade (reg, d);
      if (!td_descriptor_check (d, origin, error))
        return FALSE;
      for (guint j = 0; j < found->len; j++)
        {
          const TdPluginDescriptor *o = found->pdata[j];
          if (o->kind == d->kind && strcmp (o->name, d->name) == 0)
            {
              g_set_error (error, TD_REGISTRY_ERROR, TD_REGISTRY_ERROR_DUPLICATE,
                           "%s: %s plugin \"%s\" is described twice in the same file", origin,
                           td_kind_name (d->kind), d->name);
              return FALSE;
            }
        }
      const TdPluginEntry *prev = td_registry_find (reg, d->kind, d->name);
      if (prev)
        {
          g_set_error (error, TD_REGISTRY_ERROR, TD_REGISTRY_ERROR_DUPLICATE,
                       "%s: %s plugin \"%s\" is already provided by %s; remove one of them "
                       "(or take one directory off TUNDISH_PLUGIN_PATH)", origin,
                       td_kind_name (d->kind), d->name, prev->path);
          return FALSE;
        }
      g_ptr_array_add (found, (gpointer) d);
    }
  if (found->len == 0)
    {
      g_set_error (error, TD_REGISTRY_ERROR, TD_REGISTRY_ERROR_BAD_DESCRIPTOR,
                   "%s: " TD_PLUGIN_ENTRY_SYMBOL "(0) returned NULL: the file describes no plugin",
                   origin);
      return FALSE;
    }
  for (guint j = 0; j < found->len; j++)
    {
      TdPluginEntry *e = g_new0 (TdPluginEntry, 1);
      e->desc = found->pdata[j];
      e->path = g_strdup (origin);
      g_ptr_array_add (reg->entries, e);
    }
  return TRUE;
}

gboolean
td_registry_add_entry (TdRegistry *reg, TdPluginEntryFunc entry, const char *origin,
                       GError **error)
{
  return add_descriptors (reg, entry, origin, error);
}

gboolean
td_registry_load_file (TdRegistry *reg, const char *path, GError **error)
{
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, TD_REGISTRY_ERROR, TD_REGISTRY_ERROR_NOT_A_PLUGIN,
                   "%s: no such file", path);
      return FALSE;
    }
  g_autofree char *canonical = realpath (path, NULL);
  if (canonical && g_hash_table_contains (reg->loaded, canonical))
    return TRUE;
  if (!td_plugin_probe (path, error))
    return FALSE;
  /* LOCAL: two plugins may define the same static-looking helper names. */
  GModule *mod = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (!mod)
    {
      g_set_error (error, TD_REGISTRY_ERROR, TD_REGISTRY_ERROR_NOT_A_PLUGIN,
                   "%s: not a loadable shared object: %s", path, g_module_error ());
      return FALSE;
    }
  gpointer sym = NULL;
  if (!g_module_symbol (mod, TD_PLUGIN_ENTRY_SYMBOL, &sym) || !sym)
    {
      g_set_error (error, TD_REGISTRY_ERROR, TD_REGISTRY_ERROR_MISSING_SYMBOL,
                   "%s: not a tundish plugin: it does not export " TD_PLUGIN_ENTRY_SYMBOL
                   " (define it with G_MODULE_EXPORT, see docs/writing-a-plugin.md)", path);
      g_module_close (mod);
      return FALSE;
    }
  if (!add_descriptors (reg, (TdPluginEntryFunc) sym, path, error))
    {
      g_module_close (mod);
      return FALSE;
    }
  g_ptr_array_add (reg->modules, mod);
  if (canonical)
    g_hash_table_add (reg->loaded, g_steal_pointer (&canonical));
  return TRUE;
}

static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
collect_so (const char *dir, GPtrArray *out, int depth)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  if (!d || depth > 8)
    {
      if (d)
        g_dir_close (d);
      return;
    }
  const char *name;
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        {
          /* meson keeps object files in <target>.p/ folders: nothing to load there. */
          if (!g_str_has_suffix (name, ".p"))
            collect_so (p, out, depth + 1);
        }
      else if (g_str_has_suffix (name, ".so"))
        g_ptr_array_add (out, g_steal_pointer (&p));
    }
  g_dir_close (d);
}

/* Anyone who can write into a plugin folder can run code in every tundish
 * started with it on the path: said, not refused (shared scratch machines). */
static void
warn_world_writable (const char *dir, GPtrArray *errors)
{
  struct stat st;
  if (!errors || stat (dir, &st) != 0 || !(st.st_mode & S_IWOTH))
    return;
  g_ptr_array_add (errors, g_error_new (TD_REGISTRY_ERROR, TD_REGISTRY_ERROR_UNSAFE_PATH,
                                        "plugin folder %s is writable by every user (mode "
                                        "%04o): anyone on this machine can put code into "
                                        "tundish there; `chmod o-w %s`", dir,
                                        (unsigned) (st.st_mode & 07777), dir));
}

void
td_registry_scan_dir (TdRegistry *reg, const char *dir, GPtrArray *errors)
{
  warn_world_writable (dir, errors);
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  collect_so (dir, files, 0);
  g_ptr_array_sort (files, cmp_str);    /* deterministic order, deterministic duplicates */
  for (guint k = 0; k < files->len; k++)
    {
      GError *e = NULL;
      if (!td_registry_load_file (reg, files->pdata[k], &e))
        {
          if (errors)
            g_ptr_array_add (errors, e);
          else
            g_error_free (e);
        }
    }
}

/* TRUE when this process's executable lives in the meson build tree. */
static gboolean
running_from_build_tree (void)
{
#ifdef TD_BUILD_ROOT
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  return exe && g_str_has_prefix (exe, TD_BUILD_ROOT "/");
#else
  return FALSE;
#endif
}

void
td_registry_scan_default (TdRegistry *reg, GPtrArray *errors)
{
  const char *env = g_getenv ("TUNDISH_PLUGIN_PATH");
  if (env && *env)
    {
      g_auto (GStrv) dirs = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);
      for (size_t k = 0; dirs[k]; k++)
        {
          if (!*dirs[k])
            continue;
          /* "." or "plugins" would load whatever lies where tundish happens to be started */
          if (!g_path_is_absolute (dirs[k]))
            {
              if (errors)
                g_ptr_array_add (errors, g_error_new (TD_REGISTRY_ERROR,
                                                      TD_REGISTRY_ERROR_UNSAFE_PATH,
                                                      "TUNDISH_PLUGIN_PATH entry \"%s\" is a "
                                                      "relative path; ignored (it would load "
                                                      "plugins from the current folder); give "
                                                      "an absolute path", dirs[k]));
              continue;
            }
          td_registry_scan_dir (reg, dirs[k], errors);
        }
    }
#ifdef TD_PLUGIN_BUILD_DIR
  if (running_from_build_tree ())
    {
      td_registry_scan_dir (reg, TD_PLUGIN_BUILD_DIR, errors);
      return;
    }
#endif
#if defined(TD_PLUGIN_REL_DIR) && defined(TD_BINDIR_REL)
  /* Relocatable installs (meson install --destdir, a copied prefix): plugins
   * relative to <prefix>/bin/tundish. Loading a folder twice is harmless. */
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe && !g_path_is_absolute (TD_PLUGIN_REL_DIR) && !g_path_is_absolute (TD_BINDIR_REL))
    {
      g_autofree char *bindir = g_path_get_dirname (exe);
      if (g_str_has_suffix (bindir, "/" TD_BINDIR_REL))
        {
          g_autofree char *prefix = g_strndup (bindir, strlen (bindir) - strlen ("/" TD_BINDIR_REL));
          g_autofree char *dir = g_build_filename (prefix, TD_PLUGIN_REL_DIR, NULL);
          if (g_file_test (dir, G_FILE_TEST_IS_DIR))
            td_registry_scan_dir (reg, dir, errors);
        }
    }
#endif
#ifdef TD_PLUGIN_INSTALL_DIR
  if (g_file_test (TD_PLUGIN_INSTALL_DIR, G_FILE_TEST_IS_DIR))
    td_registry_scan_dir (reg, TD_PLUGIN_INSTALL_DIR, errors);
#endif
}

const TdPluginEntry *
td_registry_find (TdRegistry *reg, TdKind kind, const char *name)
{
  for (guint k = 0; k < reg->entries->len; k++)
    {
      const TdPluginEntry *e = reg->entries->pdata[k];
      if (e->desc->kind == kind && strcmp (e->desc->name, name) == 0)
        return e;
    }
  return NULL;
}

const TdPluginEntry *
td_registry_require (TdRegistry *reg, TdKind kind, const char *name, GError **error)
{
  const TdPluginEntry *e = td_registry_find (reg, kind, name);
  if (e)
    return e;
  g_autoptr (GPtrArray) all = td_registry_list (reg, kind);
  g_autofree const char **names = g_new0 (const char *, all->len + 1);
  GString *list = g_string_new ("");
  for (guint k = 0; k < all->len; k++)
    {
      names[k] = ((const TdPluginEntry *) all->pdata[k])->desc->name;
      g_string_append_printf (list, "%s%s", k ? ", " : "", names[k]);
    }
  const char *close = td_closest_name (name, names, all->len);
  g_autofree char *hint = close ? g_strdup_printf ("did you mean \"%s\"? ", close) : g_strdup ("");
  g_set_error (error, TD_REGISTRY_ERROR, TD_REGISTRY_ERROR_NOT_FOUND,
               "unknown %s plugin \"%s\"; %savailable: %s", td_kind_name (kind), name, hint,
               list->len ? list->str : "none (is TUNDISH_PLUGIN_PATH set?)");
  g_string_free (list, TRUE);
  return NULL;
}

static int
cmp_entry (gconstpointer a, gconstpointer b)
{
  const TdPluginEntry *x = *(TdPluginEntry *const *) a, *y = *(TdPluginEntry *const *) b;
  if (x->desc->kind != y->desc->kind)
    return (int) x->desc->kind - (int) y->desc->kind;
  return strcmp (x->desc->name, y->desc->name);
}

GPtrArray *
td_registry_list (TdRegistry *reg, TdKind kind)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint k = 0; k < reg->entries->len; k++)
    {
      TdPluginEntry *e = reg->entries->pdata[k];
      if (kind == TD_N_KINDS || e->desc->kind == kind)
        g_ptr_array_add (out, e);
    }
  g_ptr_array_sort (out, cmp_entry);
  return out;
}

const TdPluginEntry *
td_registry_find_metric (TdRegistry *reg, const char *metric)
{
  g_autoptr (GPtrArray) evals = td_registry_list (reg, TD_KIND_EVALUATOR);
  for (guint k = 0; k < evals->len; k++)
    {
      const TdPluginEntry *e = evals->pdata[k];
      const TdEvaluatorVTable *v = e->desc->vtable;
      for (size_t m = 0; v->metrics[m]; m++)
        if (strcmp (v->metrics[m], metric) == 0)
          return e;
    }
  return NULL;
}

/* Edit distance counting a swap of neighbours as one edit (typos like "godo"). */
static size_t
edit_distance (const char *a, const char *b)
{
  size_t n = strlen (a), m = strlen (b), w = m + 1;
  g_autofree size_t *d = g_new (size_t, (n + 1) * w);
  for (size_t i = 0; i <= n; i++)
    d[i * w] = i;
  for (size_t j = 0; j <= m; j++)
    d[j] = j;
  for (size_t i = 1; i <= n; i++)
    for (size_t j = 1; j <= m; j++)
      {
        size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
        size_t v = MIN (MIN (d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1),
                        d[(i - 1) * w + j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
          v = MIN (v, d[(i - 2) * w + j - 2] + 1);
        d[i * w + j] = v;
      }
  return d[n * w + m];
}

const char *
td_closest_name (const char *word, const char *const *candidates, size_t n)
{
  const char *best = NULL;
  size_t best_d = G_MAXSIZE;
  for (size_t k = 0; k < n; k++)
    {
      if (!candidates[k])
        continue;
      size_t d = edit_distance (word, candidates[k]);
      if (d < best_d)
        {
          best_d = d;
          best = candidates[k];
        }
    }
  /* Close means: at most a third of the word wrong (and at least one edit allowed). */
  size_t len = strlen (word);
  if (best && (best_d <= MAX ((size_t) 1, len / 3) || (best_d <= 3 && len >= 6)))
    return best;
  return NULL;
}
