/* tundish/params.h — typed plugin parameters.
 *
 * A plugin declares its parameters as a static array of TdParamSpec. The core
 * parses the experiment's YAML, validates every value against the spec (type,
 * range, choices) and hands the plugin a TdParams holding exactly one value per
 * declared parameter (the default where the experiment is silent). Plugins
 * therefore read parameters with the infallible getters below and never parse
 * text themselves.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  TD_PARAM_INT,          /* 64-bit integer */
  TD_PARAM_DOUBLE,
  TD_PARAM_BOOL,         /* YAML true/false */
  TD_PARAM_STRING,
  TD_PARAM_ENUM,         /* one of spec->choices, read with td_params_get_string() */
  TD_PARAM_INT_LIST,     /* YAML sequence of integers */
  TD_PARAM_DOUBLE_LIST,
  TD_PARAM_STRING_LIST,
  /* ABI 1.3: another plugin's parameters, a YAML mapping ({stats: [mean, max]}),
   * validated by the core against that plugin's specs (see params_of below)
   * and read with td_params_get_params(). */
  TD_PARAM_PARAMS,
  /* ABI 1.4. A file or folder a data source reads, written relative to the
   * experiment file. The core resolves it to an absolute path before the
   * plugin sees it (read it with td_params_get_string), checks that it
   * exists, and puts the SHA-256 of its content into manifest.yaml and the
   * data cache key (a folder: every regular file directly in it). An empty
   * value (a default of "") means no file. */
  TD_PARAM_PATH,
  TD_PARAM_PATH_LIST,    /* the same for a list (td_params_get_string_list) */
} TdParamType;

/* TdParamSpec.flags (ABI 1.3): the bound itself is outside the range, so
 * (0, 1] is { .min = 0, .max = 1, .flags = TD_PARAM_MIN_EXCLUSIVE }. */
#define TD_PARAM_MIN_EXCLUSIVE (1u << 0)
#define TD_PARAM_MAX_EXCLUSIVE (1u << 1)

/* One parameter. Range: [min, max] is enforced for INT, DOUBLE and their lists
 * only when min < max; leave both 0 for "unbounded". The range must be what
 * create and fit accept: `tundish inspect` shows it and the config enforces
 * it, so a value inside it must never fail a trial. default_value is YAML
 * text ("0.1", "[1, 2]", "hist"); NULL means the parameter is required.
 *
 * The fields after help came with ABI 1.3 (a plugin built against 1.0-1.2
 * has specs without them; the core reads those with the old layout and takes
 * the new fields as 0). Positional initialisers of the first seven fields
 * leave them 0. */
typedef struct {
  const char *name;
  TdParamType type;
  const char *default_value;
  double min, max;
  const char *const *choices;   /* ENUM (and optionally STRING_LIST): NULL-terminated */
  const char *help;             /* one line, shown by `tundish inspect` */
  guint32 flags;                /* TD_PARAM_MIN_EXCLUSIVE, TD_PARAM_MAX_EXCLUSIVE */
  /* TD_PARAM_PARAMS: the name of this plugin's ENUM parameter that names the
   * plugin, of this plugin's own kind, whose parameters the mapping holds
   * (window's inner_params follow its inner). */
  const char *params_of;
} TdParamSpec;

typedef struct TdParams TdParams;

/* Build a TdParams holding every spec's default. Fails when a default does not
 * parse or violates its own spec (a plugin bug the registry reports at load). */
TdParams *td_params_new_defaults (const TdParamSpec *specs, size_t n_specs,
                                  GError **error);
/* Set one parameter from YAML scalar text ("3", "true", "hist") or, for list
 * types, a flow sequence ("[1, 2, 3]"). Validated against the spec. */
gboolean  td_params_set_text (TdParams *params, const char *name,
                              const char *text, GError **error);
/* TRUE once every required parameter has a value. */
gboolean  td_params_check_complete (const TdParams *params, GError **error);
TdParams *td_params_copy (const TdParams *params);
void      td_params_free (TdParams *params);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdParams, td_params_free)

/* Getters. The name must be one the plugin declared; asking for an undeclared
 * name or the wrong type is a programming error (g_critical, returns 0/NULL). */
gint64       td_params_get_int    (const TdParams *params, const char *name);
double       td_params_get_double (const TdParams *params, const char *name);
gboolean     td_params_get_bool   (const TdParams *params, const char *name);
const char  *td_params_get_string (const TdParams *params, const char *name);
const gint64 *td_params_get_int_list    (const TdParams *params, const char *name, size_t *n);
const double *td_params_get_double_list (const TdParams *params, const char *name, size_t *n);
const char *const *td_params_get_string_list (const TdParams *params, const char *name, size_t *n);

/* Canonical YAML text of one value ("0.10000000000000001" style doubles are
 * printed with %.17g) and of all values as a flow mapping, sorted by name.
 * Used for manifests, cache keys and variant names. Caller frees. */
char *td_params_value_text (const TdParams *params, const char *name);
char *td_params_to_text (const TdParams *params);

/* TD_PARAM_PARAMS: the other plugin's parameters, given its specs: its
 * defaults with the mapping's values applied and validated. The config has
 * already checked the mapping against the same specs, so this fails only for
 * parameters built by hand (tests). Caller frees. */
TdParams *td_params_get_params (const TdParams *params, const char *name,
                                const TdParamSpec *specs, size_t n_specs, GError **error);

const TdParamSpec *td_params_specs (const TdParams *params, size_t *n_specs);
/* TRUE when params' specs declare name: for code shared by plugins whose
 * descriptors declare different parameters (a getter asked for a name the
 * specs lack is a programming error). */
gboolean td_params_has (const TdParams *params, const char *name);
/* " in [0, 1]", " in (0, 1]", "" when unbounded: the range as messages and
 * `tundish inspect` show it. Caller frees. */
char *td_param_range_text (const TdParamSpec *spec);
const char *td_param_type_name (TdParamType type);

G_END_DECLS
