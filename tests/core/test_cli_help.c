/* `tundish COMMAND --help` for every command `tundish --help` lists: exit 0,
 * a usage line naming the command, an Examples: block of at least two
 * lines that each run that command, and the exit statuses. The command list
 * is read from the top-level help, so a new command is covered (and a listed
 * command that does not answer --help fails). */
#include <string.h>

#include <glib.h>

static const char *tundish;

static int
run (const char *const *argv, char **out)
{
  g_autofree char *err = NULL;
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out,
                               &err, &status, NULL));
  return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}

/* The command names of the "Commands:" block: "  NAME ARGS   what". */
static GPtrArray *
listed_commands (void)
{
  g_autofree char *out = NULL;
  g_assert_cmpint (run ((const char *const[]) { tundish, "--help", NULL }, &out), ==, 0);
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  GPtrArray *cmds = g_ptr_array_new_with_free_func (g_free);
  gboolean in = FALSE;
  for (size_t k = 0; lines[k]; k++)
    {
      if (strcmp (lines[k], "Commands:") == 0)
        in = TRUE;
      else if (in && !*lines[k])
        break;
      /* a command line starts with two spaces and a letter; its
       * continuation lines are indented further */
      else if (in && g_str_has_prefix (lines[k], "  ") && g_ascii_isalpha (lines[k][2]))
        g_ptr_array_add (cmds, g_strndup (lines[k] + 2, strcspn (lines[k] + 2, " ")));
    }
  return cmds;
}

static void
test_every_command (void)
{
  g_autoptr (GPtrArray) cmds = listed_commands ();
  /* the commands of main.c's table, as this test was written: the list was read */
  g_assert_cmpuint (cmds->len, >=, 12);
  for (guint c = 0; c < cmds->len; c++)
    {
      const char *cmd = cmds->pdata[c];
      g_autofree char *out = NULL;
      int rc = run ((const char *const[]) { tundish, cmd, "--help", NULL }, &out);
      if (rc != 0)
        g_error ("tundish %s --help failed", cmd);
      g_autofree char *usage = g_strdup_printf ("tundish %s ", cmd);
      g_assert_true (g_str_has_prefix (out, "Usage:"));
      g_auto (GStrv) top = g_strsplit (out, "\n", 3);
      g_autofree char *head = g_strjoin ("\n", top[0], top[1] ? top[1] : "", NULL);
      if (!strstr (head, usage))
        g_error ("tundish %s --help: the usage does not name the command:\n%s", cmd, head);

      const char *ex = strstr (out, "\nExamples:\n");
      if (!ex)
        g_error ("tundish %s --help has no Examples: block:\n%s", cmd, out);
      g_auto (GStrv) lines = g_strsplit (ex + strlen ("\nExamples:\n"), "\n", -1);
      g_autofree char *runs = g_strdup_printf ("tundish %s", cmd);
      guint n = 0;
      for (; lines[n] && *lines[n]; n++)
        {
          const char *at = strstr (lines[n], runs);
          char after = at ? at[strlen (runs)] : 'x';
          if (!g_str_has_prefix (lines[n], "  ") || (after != ' ' && after != '\0'))
            g_error ("tundish %s --help: example \"%s\" does not run tundish %s", cmd,
                     lines[n], cmd);
        }
      if (n < 2)
        g_error ("tundish %s --help: %u example(s); expected at least 2", cmd, n);
      if (!strstr (out, "\nExit status"))
        g_error ("tundish %s --help does not state its exit statuses:\n%s", cmd, out);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    g_error ("usage: test_cli_help TUNDISH");
  tundish = argv[1];
  g_test_add_func ("/cli/help/every-command", test_every_command);
  return g_test_run ();
}
