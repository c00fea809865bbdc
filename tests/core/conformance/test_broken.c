/* test_broken.c — tundish-plugin-check is not vacuous: on the deliberately
 * broken plugins of broken/ it fails exactly the check each one breaks, says
 * why, passes every other check of theirs, and survives a plugin that
 * crashes. Arguments: the checker, the folder of broken plugins. */
#include <string.h>

#include <glib.h>

static const char *checker, *folder;
static char *out_text, *err_text;
static int status;

/* Each broken plugin's failing check and a phrase its FAIL line must hold. */
static const struct {
  const char *path, *phrase;
} expected[] = {
  { "/conformance/model/forgetful/save-load", "predictions after save -> load differ" },
  { "/conformance/model/lax/tasks", "is not declared in tasks, yet fit and predict accepted it" },
  { "/conformance/generator/threadsy/threads", "1 and 3 threads gave different data: x[series 0, step 0, channel 0]" },
  { "/conformance/feature/peeking/train-only", "depends on the other series of the batch" },
  { "/conformance/evaluator/crashy/undefined", "evaluator crashy: undefined: the check failed or its process died" },
};

static void
run_checker (void)
{
  const char *argv[] = { checker, folder, NULL };
  g_autoptr (GError) e = NULL;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out_text, &err_text,
                &status, &e);
  g_assert_no_error (e);
}

/* "ok" or "not ok" for a test path in the TAP output, NULL when absent. */
static const char *
verdict (const char *path)
{
  g_auto (GStrv) lines = g_strsplit (out_text, "\n", -1);
  for (size_t k = 0; lines[k]; k++)
    {
      const char *line = lines[k];
      gboolean bad = g_str_has_prefix (line, "not ok ");
      if (!bad && !g_str_has_prefix (line, "ok "))
        continue;
      const char *p = strchr (line + (bad ? 7 : 3), ' ');
      if (p && g_str_has_prefix (p + 1, path)
          && (p[1 + strlen (path)] == '\0' || p[1 + strlen (path)] == ' '))
        return bad ? "not ok" : "ok";
    }
  return NULL;
}

static void
test_fails_the_right_checks (void)
{
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), !=, 0);
  for (size_t k = 0; k < G_N_ELEMENTS (expected); k++)
    {
      g_assert_cmpstr (verdict (expected[k].path), ==, "not ok");
      if (!strstr (err_text, expected[k].phrase))
        g_error ("no \"%s\" in the checker's stderr:\n%s", expected[k].phrase, err_text);
    }
}

static void
test_passes_the_rest (void)
{
  g_auto (GStrv) lines = g_strsplit (out_text, "\n", -1);
  size_t n_ok = 0, n_bad = 0;
  for (size_t k = 0; lines[k]; k++)
    {
      gboolean bad = g_str_has_prefix (lines[k], "not ok ");
      n_ok += g_str_has_prefix (lines[k], "ok ");
      n_bad += bad;
      if (!bad)
        continue;
      gboolean wanted = FALSE;
      for (size_t j = 0; j < G_N_ELEMENTS (expected); j++)
        wanted |= strstr (lines[k], expected[j].path) != NULL;
      if (!wanted)
        g_error ("an unexpected failure: %s\n%s", lines[k], err_text);
    }
  g_assert_cmpuint (n_bad, ==, G_N_ELEMENTS (expected));
  /* Every planned check reported: the crash ended one child, not the suite. */
  const char *plan = strstr (out_text, "1..");
  g_assert_nonnull (plan);
  g_assert_cmpuint (g_ascii_strtoull (plan + 3, NULL, 10), ==, n_ok + n_bad);
  /* The checks that must pass did run: the crash did not end the suite
   * (crashy's metrics check and the plugins after it). */
  g_assert_cmpstr (verdict ("/conformance/evaluator/crashy/metrics"), ==, "ok");
  g_assert_cmpstr (verdict ("/conformance/model/forgetful/seed"), ==, "ok");
  g_assert_cmpstr (verdict ("/conformance/model/lax/save-load"), ==, "ok");
  g_assert_cmpstr (verdict ("/conformance/generator/threadsy/seed"), ==, "ok");
  g_assert_cmpstr (verdict ("/conformance/feature/peeking/transform"), ==, "ok");
  g_assert_cmpuint (n_ok, >=, 20);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 3);
  checker = argv[1];
  folder = argv[2];
  run_checker ();
  g_test_add_func ("/conformance-broken/fails-the-right-checks", test_fails_the_right_checks);
  g_test_add_func ("/conformance-broken/passes-the-rest", test_passes_the_rest);
  int rc = g_test_run ();
  g_free (out_text);
  g_free (err_text);
  return rc;
}
