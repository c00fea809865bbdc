/* registry.h — finding, loading and checking plugins (core-internal). */
#pragma once

#include <tundish/plugin.h>

G_BEGIN_DECLS

#define TD_REGISTRY_ERROR (td_registry_error_quark ())
GQuark td_registry_error_quark (void);
typedef enum {
  TD_REGISTRY_ERROR_NOT_A_PLUGIN,     /* not a shared object / cannot be opened */
  TD_REGISTRY_ERROR_MISSING_SYMBOL,   /* no td_plugin_descriptor */
  TD_REGISTRY_ERROR_ABI_MISMATCH,
  TD_REGISTRY_ERROR_DUPLICATE,        /* same kind and name twice */
  TD_REGISTRY_ERROR_BAD_DESCRIPTOR,   /* missing/empty fields, bad param specs */
  TD_REGISTRY_ERROR_NOT_FOUND,
  TD_REGISTRY_ERROR_UNSAFE_PATH,      /* a warning about the search path itself: a
                                       * relative entry (ignored), a world-writable folder */
} TdRegistryError;

typedef struct {
  const TdPluginDescriptor *desc;
  char *path;                          /* the shared object it came from */
} TdPluginEntry;

typedef struct TdRegistry TdRegistry;

/* "binary, multiclass": the names of the TdTask bits set in tasks, for
 * messages (the YAML's names); "none" when no bit is set. */
char *td_task_set_text (guint32 tasks);

TdRegistry *td_registry_new (void);
void        td_registry_free (TdRegistry *reg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdRegistry, td_registry_free)

/* Load one shared object and register all its descriptors. On failure nothing
 * from that file is registered and the message names the file. */
gboolean td_registry_load_file (TdRegistry *reg, const char *path, GError **error);
/* Register descriptors handed out by an entry function already in memory
 * (tests, statically linked plugins). origin names them in messages. */
gboolean td_registry_add_entry (TdRegistry *reg, TdPluginEntryFunc entry,
                                const char *origin, GError **error);
/* Load every *.so under dir (recursively). Failures are appended to errors
 * (GError*, may be NULL) and do not stop the scan. */
void td_registry_scan_dir (TdRegistry *reg, const char *dir, GPtrArray *errors);
/* The default search: TUNDISH_PLUGIN_PATH (':'-separated), then the build
 * tree when running from it, then the install prefix. */
void td_registry_scan_default (TdRegistry *reg, GPtrArray *errors);

const TdPluginEntry *td_registry_find (TdRegistry *reg, TdKind kind, const char *name);
/* Lookup with an error that lists what exists and suggests the closest name. */
const TdPluginEntry *td_registry_require (TdRegistry *reg, TdKind kind, const char *name,
                                          GError **error);
/* Entries of one kind (or all when kind == TD_N_KINDS), sorted by kind, name.
 * Container only: entries belong to the registry. */
GPtrArray *td_registry_list (TdRegistry *reg, TdKind kind);
/* The evaluator that produces a metric name, or NULL. */
const TdPluginEntry *td_registry_find_metric (TdRegistry *reg, const char *metric);

/* Check a descriptor's fields and parameter specs (defaults parse, ranges,
 * choices). Used at load and by the conformance test. */
gboolean td_descriptor_check (const TdPluginDescriptor *desc, const char *origin,
                              GError **error);

/* Levenshtein-closest of candidates to word, or NULL when none is close. */
const char *td_closest_name (const char *word, const char *const *candidates, size_t n);

G_END_DECLS
