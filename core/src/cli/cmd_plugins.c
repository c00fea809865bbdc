/* cmd_plugins.c — `tundish plugins` and `tundish inspect`, driven only by the
 * descriptors (no per-plugin code here). */
#include <stdio.h>
#include <string.h>

#include "cli_common.h"
#include "commands.h"
#include "run_folder.h"

static gboolean
parse_kind (const char *text, TdKind *out)
{
  for (int k = 0; k < TD_N_KINDS; k++)
    {
      const char *name = td_kind_name ((TdKind) k);
      size_t n = strlen (name);
      /* accept "model" and "models" */
      if (strcmp (text, name) == 0 || (strncmp (text, name, n) == 0 && strcmp (text + n, "s") == 0))
        {
          *out = (TdKind) k;
          return TRUE;
        }
    }
  return FALSE;
}

int
td_cmd_plugins (int argc, char **argv)
{
  gboolean verbose = FALSE;
  g_auto (GStrv) plugin_dirs = NULL;
  GOptionEntry entries[] = {
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Also show each plugin's file and parameters", NULL },
    { "allow-plugin-path", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &plugin_dirs, "Also load plugins from DIR (after the search path; repeatable)", "DIR" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GOptionContext) oc = g_option_context_new ("[KIND] - list plugins");
  g_option_context_add_main_entries (oc, entries, NULL);
  g_option_context_set_description (oc,
    "KIND: generator, augment, feature, model, evaluator, reporter.\n"
    "Plugins are searched in TUNDISH_PLUGIN_PATH, then the build tree (when tundish\n"
    "runs from it) or the install prefix.\n\n"
    "Examples:\n  tundish plugins\n  tundish plugins model\n  tundish plugins -v feature\n\n"
    "Exit status: 0 ok, 1 usage error (an unknown KIND, a missing --allow-plugin-path folder).");
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (oc, &argc, &argv, &error) || argc > 2)
    {
      fprintf (stderr, "tundish plugins: %s (see --help)\n", error ? error->message : "too many arguments");
      return TD_EXIT_USAGE;
    }
  TdKind kind = TD_N_KINDS;
  if (argc == 2 && !parse_kind (argv[1], &kind))
    {
      fprintf (stderr, "tundish plugins: unknown kind \"%s\"; expected generator, augment, "
                       "feature, model, evaluator or reporter\n", argv[1]);
      return TD_EXIT_USAGE;
    }
  g_autoptr (TdRegistry) reg = td_cli_registry (FALSE);
  if (!td_cli_allow_plugin_dirs (reg, plugin_dirs, "tundish plugins"))
    return TD_EXIT_USAGE;
  g_autoptr (GPtrArray) list = td_registry_list (reg, kind);
  int last = -1;
  for (guint k = 0; k < list->len; k++)
    {
      const TdPluginEntry *e = list->pdata[k];
      const TdPluginDescriptor *d = e->desc;
      if ((int) d->kind != last)
        {
          printf ("%s%s:\n", last < 0 ? "" : "\n", td_kind_name (d->kind));
          last = (int) d->kind;
        }
      printf ("  %-18s %-8s %s\n", d->name, d->version, d->summary);
      if (verbose)
        {
          printf ("      file: %s\n", e->path);
          for (size_t p = 0; p < d->n_params; p++)
            printf ("      %s (%s)\n", d->params[p].name, td_param_type_name (d->params[p].type));
        }
    }
  if (list->len == 0)
    printf ("no plugins found (is TUNDISH_PLUGIN_PATH set?)\n");
  return TD_EXIT_OK;
}

static void
print_param (const TdParamSpec *s, TdKind kind)
{
  printf ("  %s\n", s->name);
  printf ("      type:    %s\n", td_param_type_name (s->type));
  printf ("      default: %s\n", s->default_value ? s->default_value : "(required)");
  if (s->min < s->max)
    {
      g_autofree char *range = td_param_range_text (s);
      printf ("      range:  %s\n", range + strlen (" in"));
    }
  if (s->params_of)
    printf ("      of:      the %s plugin its %s names (a mapping of that plugin's "
            "parameters)\n", td_kind_name (kind), s->params_of);
  if (s->choices)
    {
      printf ("      choices:");
      for (size_t c = 0; s->choices[c]; c++)
        printf ("%s %s", c ? "," : "", s->choices[c]);
      printf ("\n");
    }
  printf ("      %s\n", s->help);
}

static void
print_capabilities (const TdPluginDescriptor *d)
{
  if (d->kind == TD_KIND_MODEL)
    {
      const TdModelVTable *v = d->vtable;
      printf ("accepts: %s%s%s\n", (v->accepts & TD_DATA_MATRIX) ? "feature matrix" : "",
              (v->accepts & TD_DATA_MATRIX) && (v->accepts & TD_DATA_SEQUENCE) ? ", " : "",
              (v->accepts & TD_DATA_SEQUENCE) ? "sequences" : "");
      printf ("tasks:  %s%s%s%s\n", (v->tasks & TD_TASK_BINARY) ? " binary" : "",
              (v->tasks & TD_TASK_MULTICLASS) ? " multiclass" : "",
              (v->tasks & TD_TASK_ANOMALY) ? " anomaly" : "",
              (v->tasks & TD_TASK_REGRESSION) ? " regression" : "");
      printf ("trains on: %s\n", v->train_on == TD_TRAIN_ON_NORMAL ? "normal series only" : "all training series");
      printf ("optional: explain %s\n", v->explain ? "yes" : "no");
    }
  else if (d->kind == TD_KIND_FEATURE)
    {
      const TdFeatureVTable *v = d->vtable;
      printf ("role: %s\n", v->role == TD_FEATURE_EXTRACT
                              ? "extract (columns concatenated with neighbouring extractors)"
                              : "transform (chained)");
      printf ("saves fitted state: %s\n", v->save ? "yes" : "no");
    }
  else if (d->kind == TD_KIND_EVALUATOR)
    {
      const TdEvaluatorVTable *v = d->vtable;
      printf ("metrics:");
      for (size_t m = 0; v->metrics[m]; m++)
        printf (" %s", v->metrics[m]);
      printf ("\n");
    }
}

int
td_cmd_inspect (int argc, char **argv)
{
  g_autofree char *kind_text = NULL;
  g_auto (GStrv) plugin_dirs = NULL;
  GOptionEntry entries[] = {
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &kind_text, "Which kind, when two kinds share the name", "KIND" },
    { "allow-plugin-path", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &plugin_dirs, "Also load plugins from DIR (after the search path; repeatable)", "DIR" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GOptionContext) oc = g_option_context_new ("PLUGIN - show a plugin's parameters");
  g_option_context_add_main_entries (oc, entries, NULL);
  g_option_context_set_description (oc,
    "Shows the plugin's kind, version, file, capabilities and every parameter with\n"
    "its type, default, range or choices and help.\n\n"
    "Examples:\n  tundish inspect xgboost\n  tundish inspect steel_casting\n"
    "  tundish inspect --kind evaluator binary\n"
    "  tundish inspect my_model --allow-plugin-path ~/my-plugins\n\n"
    "Exit status: 0 ok, 1 usage error or no such plugin (with the closest name).");
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (oc, &argc, &argv, &error) || argc != 2)
    {
      fprintf (stderr, "tundish inspect: %s (see --help)\n", error ? error->message : "expected one PLUGIN name");
      return TD_EXIT_USAGE;
    }
  TdKind only = TD_N_KINDS;
  if (kind_text && !parse_kind (kind_text, &only))
    {
      fprintf (stderr, "tundish inspect: unknown kind \"%s\"\n", kind_text);
      return TD_EXIT_USAGE;
    }
  g_autoptr (TdRegistry) reg = td_cli_registry (FALSE);
  if (!td_cli_allow_plugin_dirs (reg, plugin_dirs, "tundish inspect"))
    return TD_EXIT_USAGE;
  g_autoptr (GPtrArray) all = td_registry_list (reg, only);
  int shown = 0;
  for (guint k = 0; k < all->len; k++)
    {
      const TdPluginEntry *e = all->pdata[k];
      const TdPluginDescriptor *d = e->desc;
      if (strcmp (d->name, argv[1]) != 0)
        continue;
      if (shown++)
        printf ("\n");
      printf ("%s %s %s — %s\n", td_kind_name (d->kind), d->name, d->version, d->summary);
      printf ("file: %s\n", e->path);
      printf ("abi: %u.%u\n", d->abi_version >> 16, d->abi_version & 0xffff);
      print_capabilities (d);
      printf ("parameters:%s\n", d->n_params ? "" : " none");
      for (size_t p = 0; p < d->n_params; p++)
        print_param (&d->params[p], d->kind);
    }
  if (!shown)
    {
      g_autofree const char **names = g_new0 (const char *, all->len + 1);
      for (guint k = 0; k < all->len; k++)
        names[k] = ((const TdPluginEntry *) all->pdata[k])->desc->name;
      const char *close = td_closest_name (argv[1], names, all->len);
      fprintf (stderr, "tundish inspect: no plugin named \"%s\"%s%s%s (tundish plugins lists them)\n",
               argv[1], close ? "; did you mean \"" : "", close ? close : "", close ? "\"?" : "");
      return TD_EXIT_USAGE;
    }
  return TD_EXIT_OK;
}
