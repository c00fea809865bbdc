/* Plugin loading: every failure is refused with a message naming the file
 * and what is wrong; nothing from a refused file is registered. */
#include <glib/gstdio.h>
#include <string.h>

#include "plugin/registry.h"

static const char *module_dir;

static char *
module (const char *variant)
{
  g_autofree char *file = g_strdup_printf ("bad_%s.so", variant);
  return g_build_filename (module_dir, file, NULL);
}

static void
expect_failure (const char *variant, int code, const char *needle)
{
  g_autoptr (TdRegistry) reg = td_registry_new ();
  g_autofree char *path = module (variant);
  g_autoptr (GError) e = NULL;
  g_assert_false (td_registry_load_file (reg, path, &e));
  g_assert_error (e, TD_REGISTRY_ERROR, code);
  if (!strstr (e->message, path) || !strstr (e->message, needle))
    g_error ("message for %s lacks the file or \"%s\": %s", variant, needle, e->message);
  g_autoptr (GPtrArray) all = td_registry_list (reg, TD_N_KINDS);
  g_assert_cmpuint (all->len, ==, 0);
}

static void
test_good (void)
{
  g_autoptr (TdRegistry) reg = td_registry_new ();
  g_autofree char *path = module ("good");
  g_autoptr (GError) e = NULL;
  g_assert_true (td_registry_load_file (reg, path, &e));
  g_assert_no_error (e);
  const TdPluginEntry *en = td_registry_find (reg, TD_KIND_GENERATOR, "good");
  g_assert_nonnull (en);
  g_assert_cmpstr (en->path, ==, path);
  g_assert_null (td_registry_find (reg, TD_KIND_MODEL, "good"));
}

static void
test_abi_major (void)
{
  expect_failure ("abi_major", TD_REGISTRY_ERROR_ABI_MISMATCH, "ABI 99.0");
}

static void
test_abi_minor_newer (void)
{
  expect_failure ("abi_minor", TD_REGISTRY_ERROR_ABI_MISMATCH, "rebuild the plugin");
}

static void
test_missing_symbol (void)
{
  expect_failure ("no_entry", TD_REGISTRY_ERROR_MISSING_SYMBOL, "td_plugin_descriptor");
}

static void
test_empty_fields (void)
{
  expect_failure ("empty_summary", TD_REGISTRY_ERROR_BAD_DESCRIPTOR, "empty summary");
  expect_failure ("no_vtable", TD_REGISTRY_ERROR_BAD_DESCRIPTOR, "no vtable");
  expect_failure ("bad_default", TD_REGISTRY_ERROR_BAD_DESCRIPTOR, "default of n");
  expect_failure ("empty_list", TD_REGISTRY_ERROR_BAD_DESCRIPTOR, "describes no plugin");
  expect_failure ("bad_name", TD_REGISTRY_ERROR_BAD_DESCRIPTOR, "[a-z0-9_]+");
}

static void
test_not_a_shared_object (void)
{
  g_autoptr (GError) e = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tundish-reg-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "fake.so", NULL);
  g_assert_true (g_file_set_contents (path, "this is not an ELF file\n", -1, NULL));
  g_autoptr (TdRegistry) reg = td_registry_new ();
  g_assert_false (td_registry_load_file (reg, path, &e));
  g_assert_error (e, TD_REGISTRY_ERROR, TD_REGISTRY_ERROR_NOT_A_PLUGIN);
  g_assert_nonnull (strstr (e->message, path));
  g_assert_nonnull (strstr (e->message, "not a loadable shared object"));
  g_clear_error (&e);
  g_autofree char *missing = g_build_filename (dir, "missing.so", NULL);
  g_assert_false (td_registry_load_file (reg, missing, &e));
  g_assert_nonnull (strstr (e->message, "no such file"));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_duplicate (void)
{
  g_autoptr (TdRegistry) reg = td_registry_new ();
  g_autofree char *a = module ("good");
  g_autofree char *b = module ("dup_twin");
  g_autoptr (GError) e = NULL;
  g_assert_true (td_registry_load_file (reg, a, NULL));
  g_assert_false (td_registry_load_file (reg, b, &e));
  g_assert_error (e, TD_REGISTRY_ERROR, TD_REGISTRY_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (e->message, a));
  g_assert_nonnull (strstr (e->message, b));
}

static void
test_scan_collects_errors (void)
{
  /* Scanning the folder of test modules: the good one loads, every broken one
   * is reported, none stops the scan. */
  g_autoptr (TdRegistry) reg = td_registry_new ();
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  td_registry_scan_dir (reg, module_dir, errors);
  g_assert_nonnull (td_registry_find (reg, TD_KIND_GENERATOR, "good"));
  g_assert_cmpuint (errors->len, >=, 8);
}

static void
test_require_suggests (void)
{
  g_autoptr (TdRegistry) reg = td_registry_new ();
  g_autofree char *a = module ("good");
  g_assert_true (td_registry_load_file (reg, a, NULL));
  g_autoptr (GError) e = NULL;
  g_assert_null (td_registry_require (reg, TD_KIND_GENERATOR, "godo", &e));
  g_assert_nonnull (strstr (e->message, "did you mean \"good\""));
  const char *cands[] = { "max_depth", "learning_rate", "n_estimators" };
  g_assert_cmpstr (td_closest_name ("max_dept", cands, 3), ==, "max_depth");
  g_assert_cmpstr (td_closest_name ("learnig_rate", cands, 3), ==, "learning_rate");
  g_assert_null (td_closest_name ("zzz", cands, 3));
}

/* A plugin built against ABI 1.1 or 1.2 has specs of the old layout (no
 * flags, no params_of): the registry reads them with that stride, so every
 * parameter after the first keeps its name, range and default. */
typedef struct {
  const char *name;
  TdParamType type;
  const char *default_value;
  double min, max;
  const char *const *choices;
  const char *help;
} Spec11;

static const Spec11 old_specs[] = {
  { "count", TD_PARAM_INT, "3", 1, 10, NULL, "a count" },
  { "rate", TD_PARAM_DOUBLE, "0.5", 0, 1, NULL, "a rate" },
  { "label", TD_PARAM_STRING, "x", 0, 0, NULL, "a label" },
};

static TdDataset *
old_generate (const TdParams *p, TdContext *c, GError **e)
{
  (void) p; (void) c;
  g_set_error_literal (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED, "not called");
  return NULL;
}

static const TdGeneratorVTable old_vt = { .generate = old_generate };
static const TdPluginDescriptor old_desc = {
  .abi_version = (1u << 16) | 2u, .kind = TD_KIND_GENERATOR, .name = "old_layout",
  .version = "1.0", .summary = "built against ABI 1.2",
  .params = (const TdParamSpec *) (const void *) old_specs, .n_params = 3, .vtable = &old_vt,
};

static const TdPluginDescriptor *
old_entry (size_t index)
{
  return index == 0 ? &old_desc : NULL;
}

static void
test_abi_1_1_specs (void)
{
  g_assert_cmpuint (sizeof (Spec11), <, sizeof (TdParamSpec));   /* the case is real */
  g_autoptr (TdRegistry) reg = td_registry_new ();
  g_autoptr (GError) e = NULL;
  g_assert_true (td_registry_add_entry (reg, old_entry, "old.so", &e));
  g_assert_no_error (e);
  const TdPluginEntry *en = td_registry_find (reg, TD_KIND_GENERATOR, "old_layout");
  g_assert_nonnull (en);
  const TdParamSpec *s = en->desc->params;
  g_assert_cmpstr (s[1].name, ==, "rate");
  g_assert_cmpfloat (s[1].max, ==, 1.0);
  g_assert_cmpstr (s[2].name, ==, "label");
  g_assert_cmpstr (s[2].default_value, ==, "x");
  g_assert_cmpuint (s[2].flags, ==, 0);
  g_assert_null (s[2].params_of);
  g_autoptr (TdParams) p = td_params_new_defaults (s, en->desc->n_params, &e);
  g_assert_no_error (e);
  g_assert_cmpfloat (td_params_get_double (p, "rate"), ==, 0.5);
}

/* Exclusive bounds: the bound itself is refused, and messages show it. */
static void
test_exclusive_bounds (void)
{
  static const TdParamSpec specs[] = {
    { .name = "share", .type = TD_PARAM_DOUBLE, .default_value = "1", .min = 0, .max = 1,
      .help = "h", .flags = TD_PARAM_MIN_EXCLUSIVE },
    { .name = "k", .type = TD_PARAM_INT, .default_value = "1", .min = 0, .max = 5,
      .help = "h", .flags = TD_PARAM_MIN_EXCLUSIVE | TD_PARAM_MAX_EXCLUSIVE },
  };
  g_autoptr (GError) e = NULL;
  g_autoptr (TdParams) p = td_params_new_defaults (specs, 2, &e);
  g_assert_no_error (e);
  g_assert_false (td_params_set_text (p, "share", "0", &e));
  g_assert_nonnull (strstr (e->message, "in (0, 1]"));
  g_clear_error (&e);
  g_assert_true (td_params_set_text (p, "share", "1e-300", &e));
  g_assert_true (td_params_set_text (p, "share", "1", &e));
  g_assert_false (td_params_set_text (p, "k", "5", &e));
  g_assert_nonnull (strstr (e->message, "in (0, 5)"));
  g_clear_error (&e);
  g_assert_true (td_params_set_text (p, "k", "4", &e));
  g_assert_no_error (e);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    g_error ("usage: test_registry MODULE_DIR");
  module_dir = argv[1];
  g_test_add_func ("/registry/good", test_good);
  g_test_add_func ("/registry/abi-major", test_abi_major);
  g_test_add_func ("/registry/abi-minor-newer", test_abi_minor_newer);
  g_test_add_func ("/registry/missing-symbol", test_missing_symbol);
  g_test_add_func ("/registry/empty-fields", test_empty_fields);
  g_test_add_func ("/registry/not-shared-object", test_not_a_shared_object);
  g_test_add_func ("/registry/duplicate", test_duplicate);
  g_test_add_func ("/registry/scan", test_scan_collects_errors);
  g_test_add_func ("/registry/require-suggests", test_require_suggests);
  g_test_add_func ("/registry/abi-1.2-specs", test_abi_1_1_specs);
  g_test_add_func ("/registry/exclusive-bounds", test_exclusive_bounds);
  return g_test_run ();
}
