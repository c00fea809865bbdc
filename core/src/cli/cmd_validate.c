/* cmd_validate.c — `tundish validate`: everything `run` checks, nothing run. */
#include <stdio.h>
#include <string.h>

#include "data/layout.h"
#include "data/split.h"
#include "data/window.h"
#include "run/trial.h"
#include "cli_common.h"
#include "commands.h"
#include "run_folder.h"

/* What only the data can tell about data.window and split: (a label rule
 * without per-step labels, predefined without a partition): cut the windows
 * and make the first repeats' splits, as a run would. */
static gboolean
check_windows_and_split (const TdExperiment *exp, TdDataset **ds, GError **error)
{
  TdDataLayout layout;
  td_data_layout_of (*ds, &layout);
  if (!td_data_layout_check (&layout, (*ds)->task, &exp->window, &exp->split, error))
    return FALSE;
  if (exp->window.enabled)
    {
      TdDataset *win = td_window_apply (*ds, &exp->window, error);
      if (!win)
        return FALSE;
      td_dataset_unref (*ds);
      *ds = win;
      printf ("data.window: %zu windows of %zu steps\n", win->n_series, win->n_steps);
    }
  for (int r = 0; r < MIN (exp->repeats, 2); r++)
    {
      guint64 seed = td_seed_derive (exp->seed, r, 0, "split", "");
      g_autoptr (GPtrArray) splits = td_split_make (*ds, &exp->split, r, seed, error);
      if (!splits)
        return FALSE;
    }
  return TRUE;
}

int
td_cmd_validate (int argc, char **argv)
{
  g_auto (GStrv) sets = NULL;
  g_auto (GStrv) plugin_dirs = NULL;
  GOptionEntry entries[] = {
    { "allow-plugin-path", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &plugin_dirs, "Also load plugins from DIR (after the search path; repeatable)", "DIR" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a value: key.path=value (repeatable)", "KEY=VALUE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GOptionContext) oc = g_option_context_new ("EXPERIMENT.yaml - check an experiment without running it");
  g_option_context_add_main_entries (oc, entries, NULL);
  g_option_context_set_description (oc,
    "Loads every plugin the experiment names and checks every key and parameter\n"
    "(type, range, choices), the sweeps, includes and the pipelines' data shapes,\n"
    "and creates every feature and model once, as run does before any trial.\n"
    "A data source (data: {source: ...}) is run too, so a malformed data file is\n"
    "reported with its file:line:column, and its windows (data.window) and splits\n"
    "are made, so what only the data can tell (a partition for split: predefined,\n"
    "per-step labels for a window label rule, groups for a grouped split, series at\n"
    "least as long as the window) shows too. A generator is not run: the same is\n"
    "checked against what it declares it will make (the shipped ones do).\n"
    "Prints the data's shape and the pipelines and variants it would run.\n\n"
    "Examples:\n"
    "  tundish validate experiments/steel-casting-baseline.yaml\n"
    "  tundish validate exp.yaml --set pipelines.gbdt.model.params.max_depth=[4,6]\n"
    "  tundish validate exp.yaml --set data.window.length=90   # longer than the series?\n\n"
    "Exit status: 0 valid, 1 invalid (the message names file:line:column and the key).");
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (oc, &argc, &argv, &error))
    {
      fprintf (stderr, "tundish validate: %s\n", error->message);
      return TD_EXIT_USAGE;
    }
  if (argc != 2)
    {
      fprintf (stderr, "tundish validate: expected one EXPERIMENT.yaml (see --help)\n");
      return TD_EXIT_USAGE;
    }
  g_autoptr (TdRegistry) reg = td_cli_registry (FALSE);
  if (!td_cli_allow_plugin_dirs (reg, plugin_dirs, "tundish validate"))
    return TD_EXIT_USAGE;
  g_autoptr (TdExperiment) exp = td_experiment_load (argv[1], reg, (const char *const *) sets, &error);
  if (!exp)
    {
      fprintf (stderr, "tundish validate: %s\n", error->message);
      return TD_EXIT_USAGE;
    }
  /* A source reads files: run it, so broken data shows here with its
   * file:line:column, and its task is known. Generators (simulations) may
   * take minutes: not run. */
  TdTask data_task = 0;
  if (strcmp (exp->data_key, "source") == 0)
    {
      const TdGeneratorVTable *v = exp->data->entry->desc->vtable;
      const char *name = exp->data->entry->desc->name;
      g_autoptr (TdContext) ctx = td_context_new (td_seed_derive (exp->seed, 0, 0, "data", name));
      g_autoptr (TdDataset) ds = v->generate (exp->data_params, ctx, &error);
      if (!ds)
        {
          fprintf (stderr, "tundish validate: %s: data (source %s): %s\n", argv[1], name,
                   error ? error->message : "no dataset came back");
          return TD_EXIT_USAGE;
        }
      printf ("data (source %s): %zu series × %zu steps × %zu channels, %s", name, ds->n_series,
              ds->n_steps, ds->n_channels, td_task_name (ds->task));
      if (ds->n_classes > 2 || ds->class_names)
        printf (" (%zu classes)", ds->n_classes);
      printf ("\n");
      if (!check_windows_and_split (exp, &ds, &error))
        {
          fprintf (stderr, "tundish validate: %s\n", error->message);
          return TD_EXIT_USAGE;
        }
      data_task = ds->task;
    }
  /* The experiment's task: (anomaly), else the task a source's data turned
   * out to have, else the one the generator declares (TD_EXT_DATA_TASK); a
   * generator that declares none is taken as binary, what the caster makes. */
  guint32 declared = data_task ? (guint32) data_task : td_config_data_task (exp->data);
  TdTask task = exp->task ? exp->task : declared ? (TdTask) declared : TD_TASK_BINARY;
  for (guint p = 0; p < exp->pipelines->len; p++)
    if (!td_pipeline_check (exp->pipelines->pdata[p], task, &error))
      {
        fprintf (stderr, "tundish validate: %s: %s\n", argv[1], error->message);
        return TD_EXIT_USAGE;
      }
  size_t folds = exp->split.method == TD_SPLIT_STRATIFIED_KFOLD
                 || exp->split.method == TD_SPLIT_GROUP_KFOLD ? (size_t) exp->split.folds : 1;
  printf ("%s: valid (config hash %s)\n", argv[1], exp->hash);
  printf ("experiment %s: %u pipeline variant(s) × %d repeat(s) × %zu fold(s) = %zu trials\n",
          exp->name, exp->pipelines->len, exp->repeats, folds,
          (size_t) exp->pipelines->len * (size_t) exp->repeats * folds);
  for (guint p = 0; p < exp->pipelines->len; p++)
    {
      const TdPipeline *pl = exp->pipelines->pdata[p];
      printf ("  %s:", pl->label);
      for (guint k = 0; k < pl->features->len; k++)
        printf (" %s →", ((const TdStage *) pl->features->pdata[k])->entry->desc->name);
      printf (" %s\n", pl->model->entry->desc->name);
    }
  return TD_EXIT_OK;
}
