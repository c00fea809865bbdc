/* report.html of a real run, opened in headless Chromium (Debian's chromium
 * package): the page loads without a console message or a failed request,
 * the rendered DOM holds the results table, an ROC curve and the per-stage
 * timings, and a
 * screenshot of it is a real image. Any network access is made to fail, so
 * an external asset would show up as an error. Skipped (exit 77) when no
 * Chromium is installed.
 *
 * TD_CHROMIUM names the browser to use; TD_REPORT_SCREENSHOT=FILE keeps the
 * screenshot (docs/report-example.png is made this way). */
#include "run_tiny.h"

static char *chromium;
static char *report_dir;

static char *
find_chromium (void)
{
  const char *env = g_getenv ("TD_CHROMIUM");
  if (env && *env)
    return g_find_program_in_path (env);
  static const char *const names[] = { "chromium", "chromium-browser", "google-chrome", NULL };
  for (size_t i = 0; names[i]; i++)
    {
      char *p = g_find_program_in_path (names[i]);
      if (p)
        return p;
    }
  return NULL;
}

/* chromium with the flags of a sandboxed CI: no sandbox (root in a
 * container), no GPU, no background traffic, a throw-away profile, and every
 * host name unresolvable. Bounded by timeout(1) when present: a hung browser
 * must fail the test, not stall the suite. */
static int
browse (const char *const *extra, char **out, char **err)
{
  g_autofree char *profile = g_build_filename (tmp_root, "profile", NULL);
  g_autofree char *user_dir = g_strdup_printf ("--user-data-dir=%s", profile);
  g_autofree char *timeout = g_find_program_in_path ("timeout");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  if (timeout)
    {
      g_ptr_array_add (argv, timeout);
      g_ptr_array_add (argv, "90");
    }
  const char *base[] = { chromium, "--headless", "--no-sandbox", "--disable-gpu",
                         "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--no-first-run", "--hide-scrollbars",
                         "--host-resolver-rules=MAP * ~NOTFOUND", user_dir, NULL };
  for (size_t i = 0; base[i]; i++)
    g_ptr_array_add (argv, (gpointer) base[i]);
  for (size_t i = 0; extra[i]; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);
  return run_capture ((const char *const *) argv->pdata, NULL, out, err);
}

static char *
report_url (void)
{
  g_autofree char *path = g_build_filename (report_dir, "report.html", NULL);
  return g_filename_to_uri (path, NULL, NULL);
}

/* Lines of Chromium's log that say the page did something wrong. The log
 * also carries the browser's own complaints (no D-Bus in a container),
 * which are not the page's. */
static void
assert_clean_log (const char *log)
{
  g_auto (GStrv) lines = g_strsplit (log ? log : "", "\n", -1);
  for (size_t i = 0; lines[i]; i++)
    {
      const char *l = lines[i];
      if (strstr (l, "CONSOLE") || strstr (l, "Uncaught") || strstr (l, "net::ERR_")
          || strstr (l, "Failed to load resource") || strstr (l, "Refused to"))
        g_error ("the page logged: %s", l);
    }
}

static void
test_dom (void)
{
  g_autofree char *url = report_url ();
  const char *extra[] = { "--enable-logging=stderr", "--v=0", "--dump-dom", url, NULL };
  g_autofree char *dom = NULL, *log = NULL;
  int rc = browse (extra, &dom, &log);
  if (rc != 0)
    g_error ("chromium --dump-dom failed (%d): %s", rc, log);
  assert_clean_log (log);

  /* The DOM as rendered: the results table with both pipelines. */
  const char *table = strstr (dom, "<table class=\"results\">");
  g_assert_nonnull (table);
  const char *end = strstr (table, "</table>");
  g_assert_nonnull (end);
  g_autofree char *results = g_strndup (table, (gsize) (end - table));
  g_assert_nonnull (strstr (results, "<span class=\"pipeline\">gbdt</span>"));
  g_assert_nonnull (strstr (results, "<span class=\"pipeline\">logistic</span>"));
  g_assert_nonnull (strstr (results, "<span class=\"ci\">["));

  /* An ROC figure holding a drawn curve besides the chance line. */
  const char *roc = strstr (dom, "<figure class=\"chart\" id=\"roc\">");
  g_assert_nonnull (roc);
  const char *roc_end = strstr (roc, "</figure>");
  g_autofree char *fig = g_strndup (roc, (gsize) (roc_end - roc));
  g_assert_nonnull (strstr (fig, "<svg"));
  size_t curves = 0;
  for (const char *p = strstr (fig, "<path d=\"M"); p; p = strstr (p + 1, "<path d=\"M"))
    {
      const char *close = strchr (p, '>');
      g_autofree char *tag = g_strndup (p, (gsize) (close - p));
      if (strstr (tag, "class=\"chance\"") == NULL && strstr (tag, "stroke-width=\"2.0\""))
        curves++;
    }
  g_assert_cmpuint (curves, ==, 2);   /* one pooled curve per pipeline */

  /* The other sections a reviewer looks for. */
  static const char *const ids[] = { "glance", "data", "significance", "pr", "calibration",
                                     "training", "importance", "pipelines", "timing",
                                     "provenance", NULL };
  for (size_t i = 0; ids[i]; i++)
    {
      g_autofree char *id = g_strdup_printf ("id=\"%s\"", ids[i]);
      if (strstr (dom, id) == NULL)
        g_error ("the rendered page has no element %s", id);
    }
  /* Timings per stage: the table and the stacked bars. */
  g_assert_nonnull (strstr (dom, "<table class=\"stages\">"));
  g_assert_nonnull (strstr (dom, "aria-label=\"mean seconds per trial by stage, per pipeline\""));
}

static guint32
be32 (const guchar *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static void
test_screenshot (void)
{
  g_autofree char *url = report_url ();
  g_autofree char *png = g_build_filename (tmp_root, "report.png", NULL);
  g_autofree char *shot = g_strdup_printf ("--screenshot=%s", png);
  const char *extra[] = { "--window-size=1280,2400", shot, url, NULL };
  g_autofree char *out = NULL, *log = NULL;
  int rc = browse (extra, &out, &log);
  if (rc != 0)
    g_error ("chromium --screenshot failed (%d): %s", rc, log);
  g_autofree guchar *data = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (png, (char **) &data, &len, NULL));
  /* a PNG of the window's size */
  g_assert_cmpuint (len, >, 33);
  g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
  g_assert_cmpmem (data + 12, 4, "IHDR", 4);
  g_assert_cmpuint (be32 (data + 16), ==, 1280);
  g_assert_cmpuint (be32 (data + 20), ==, 2400);
  /* a blank page of that size compresses to about 10 kB; charts, tables
   * and text do not */
  g_assert_cmpuint (len, >, 60000);
  const char *keep = g_getenv ("TD_REPORT_SCREENSHOT");
  if (keep && *keep)
    g_assert_true (g_file_set_contents (keep, (const char *) data, (gssize) len, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 3)
    g_error ("usage: test_report_browser TUNDISH SOURCE_ROOT");
  tundish = argv[1];
  src_root = argv[2];
  chromium = find_chromium ();
  if (chromium == NULL)
    {
      g_print ("SKIP: no chromium (apt-get install chromium, or set TD_CHROMIUM)\n");
      return EXIT_SKIP;
    }
  tmp_init ("tundish-browser-XXXXXX");
  report_dir = run_tiny ("run");
  g_test_add_func ("/report/browser/dom", test_dom);
  g_test_add_func ("/report/browser/screenshot", test_screenshot);
  int rc = g_test_run ();
  g_free (report_dir);
  g_free (chromium);
  tmp_remove ();
  return rc;
}
