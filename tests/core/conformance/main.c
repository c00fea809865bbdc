/* tundish-plugin-check DIR... — the conformance suite every plugin passes.
 *
 * Every plugin found under the folders (recursively) gets the checks of
 * conformance.h for its kind, with nothing written for it: the checks build
 * their parameters from the descriptor (defaults, then example_params) and
 * their data with td_testing_dataset. Each check runs in a child process
 * (g_test_trap_subprocess), so a plugin that crashes, aborts or hangs fails
 * that check and the others still run. Installed, so out-of-tree authors run
 * it on their own folder; meson test runs it on every shipped plugin.
 *
 * Output is GLib's TAP: one line per /conformance/<kind>/<plugin>/<check>,
 * and a FAIL line on stderr saying what was seen. -p PATH runs one check,
 * -l lists them. Exit status 0 only when every plugin loaded and passed. */
#include <string.h>

#include "conformance.h"

/* The children are started without our arguments: they find the folders here,
 * and the one file whose check they run (loading only it keeps a child cheap). */
#define DIRS_ENV "TD_PLUGIN_CHECK_DIRS"
#define FILE_ENV "TD_PLUGIN_CHECK_FILE"
#define CHECK_TIMEOUT_US (120 * G_USEC_PER_SEC)

/* Set when a child ran its check: a child that found nothing to run fails. */
static gboolean ran_check;

typedef struct {
  const TdPluginEntry *entry;
  const ConfCheck *check;
} Case;

static const ConfCheck *
kind_checks (TdKind kind)
{
  switch (kind)
    {
    case TD_KIND_GENERATOR: return conf_generator_checks;
    case TD_KIND_AUGMENT: return conf_augment_checks;
    case TD_KIND_FEATURE: return conf_feature_checks;
    case TD_KIND_MODEL: return conf_model_checks;
    case TD_KIND_EVALUATOR: return conf_evaluator_checks;
    case TD_KIND_REPORTER: return conf_reporter_checks;
    case TD_N_KINDS: break;
    }
  return NULL;
}

static void
run_case (gconstpointer data)
{
  const Case *c = data;
  if (g_test_subprocess ())
    {
      conf_set_check (c->check->name);
      c->check->func (c->entry);
      ran_check = TRUE;
      return;
    }
  /* a data source without its files: skipped here, where the skip shows */
  if (!conf_can_run (c->entry))
    return;
  g_setenv (FILE_ENV, c->entry->path, TRUE);
  g_test_trap_subprocess (NULL, CHECK_TIMEOUT_US, G_TEST_SUBPROCESS_INHERIT_STDERR);
  if (!g_test_trap_has_passed ())
    g_printerr ("  %s %s: %s: the check failed or its process died (above); from %s\n",
                td_kind_name (c->entry->desc->kind), c->entry->desc->name, c->check->name,
                c->entry->path);
  g_test_trap_assert_passed ();
}

/* A file that does not load is a failure of its own, listed by test path. */
static void
report_load_errors (gconstpointer data)
{
  const GPtrArray *errors = data;
  for (guint k = 0; k < errors->len; k++)
    g_printerr ("plugin load failure: %s\n", ((GError *) errors->pdata[k])->message);
  if (errors->len)
    g_test_fail ();
}

static void
add_cases (const TdPluginEntry *en, const ConfCheck *checks, GPtrArray *keep)
{
  for (const ConfCheck *ck = checks; ck && ck->name; ck++)
    {
      Case *c = g_new (Case, 1);
      *c = (Case) { en, ck };
      g_ptr_array_add (keep, c);
      g_autofree char *path = g_strdup_printf ("/conformance/%s/%s/%s",
                                               td_kind_name (en->desc->kind), en->desc->name,
                                               ck->name);
      g_test_add_data_func (path, c, run_case);
    }
}

int
main (int argc, char **argv)
{
  /* The children are started from argv[0]: found on PATH, it must become a path. */
  g_autofree char *self = g_find_program_in_path (argv[0]);
  if (self)
    argv[0] = self;
  g_test_init (&argc, &argv, NULL);
  g_auto (GStrv) dirs = NULL;
  if (g_test_subprocess ())
    dirs = g_strsplit (g_getenv (DIRS_ENV) ? g_getenv (DIRS_ENV) : "", "\n", -1);
  else
    {
      dirs = g_new0 (char *, (size_t) argc);
      for (int k = 1; k < argc; k++)
        dirs[k - 1] = g_strdup (argv[k]);
      g_autofree char *joined = g_strjoinv ("\n", dirs);
      g_setenv (DIRS_ENV, joined, TRUE);
      /* A failed check marks its test failed and the run goes on. */
      g_test_set_nonfatal_assertions ();
    }
  if (!dirs[0] || !*dirs[0])
    {
      g_printerr ("usage: tundish-plugin-check DIR... (the folders holding the plugins' .so "
                  "files)\n");
      return 2;
    }

  g_autoptr (TdRegistry) reg = td_registry_new ();
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  const char *one = g_test_subprocess () ? g_getenv (FILE_ENV) : NULL;
  if (one)
    {
      GError *e = NULL;
      if (!td_registry_load_file (reg, one, &e))
        g_ptr_array_add (errors, e);
    }
  else
    for (size_t k = 0; dirs[k]; k++)
      if (*dirs[k])
        td_registry_scan_dir (reg, dirs[k], errors);
  g_autoptr (GPtrArray) entries = td_registry_list (reg, TD_N_KINDS);
  if (entries->len == 0)
    {
      g_printerr ("tundish-plugin-check: no plugins found under the given folders\n");
      return 1;
    }
  g_autoptr (GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
  g_test_add_data_func ("/conformance/load", errors, report_load_errors);
  for (guint k = 0; k < entries->len; k++)
    {
      const TdPluginEntry *en = entries->pdata[k];
      add_cases (en, conf_plugin_checks, keep);
      add_cases (en, kind_checks (en->desc->kind), keep);
    }
  int rc = g_test_run ();
  if (g_test_subprocess () && !ran_check && rc == 0)
    {
      g_printerr ("tundish-plugin-check: the child found no check to run in %s\n", one);
      return 1;
    }
  return rc;
}
