/* cmd_export.c — `tundish export RUN_DIR [--to DIR]`: a finished run's data
 * for notebooks, as tidy CSV and HDF5 with a README that shows how to load
 * each file with pandas, h5py and R.
 *
 * The run's own tables are copied as they are (already tidy); predictions
 * are flattened from predictions.h5 to one row per test series and trial;
 * the dataset is reloaded through the experiment file recorded in
 * manifest.yaml (from the generator cache when present, else generated again
 * from the same seed) after checking that the file still resolves to the
 * run's config hash, and written with the split of every repeat and fold. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "util/atomic_file.h"
#include "cli_common.h"
#include "commands.h"
#include "export.h"
#include "run_folder.h"

static int export_run (const char *run_dir, const char *experiment, const TdManifestInfo *m,
                       const char *to, TdExportData which, gboolean signals, gboolean quiet);

static const char export_description[] =
  "Writes a finished run's results, predictions, training curves and dataset\n"
  "as tidy CSV and HDF5 into one folder, with a README.md showing the lines of\n"
  "pandas, h5py and R that load them. The default folder is\n"
  "notebooks-data/<experiment>/<run folder name>/ under the current directory.\n"
  "\n"
  "The dataset is rebuilt through the experiment file named in the run's\n"
  "manifest.yaml (cached data is reused); when that file has changed since the\n"
  "run, everything else is exported and the command fails with exit status 2.\n"
  "\n"
  "Examples:\n"
  "  tundish export reports/steel-casting-baseline/20240501T120000Z-1a2b3c4d\n"
  "  tundish export /tmp/run1 --to /tmp/nb --data test\n"
  "  tundish export /tmp/run1 --data none          # results and predictions only\n"
  "\n"
  "Exit status: 0 ok, 1 usage error or not a run folder, 2 runtime error.";

/* ---------------------------------------------------------------- manifest */

/* The experiment's name, which TdManifestInfo does not carry. */
static char *
manifest_experiment (const char *run_dir)
{
  g_autofree char *path = g_build_filename (run_dir, "manifest.yaml", NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &text, &len, NULL))
    return NULL;
  yaml_parser_t parser;
  yaml_document_t doc;
  if (!yaml_parser_initialize (&parser))
    return NULL;
  yaml_parser_set_input_string (&parser, (const unsigned char *) text, len);
  gboolean ok = yaml_parser_load (&parser, &doc);
  yaml_parser_delete (&parser);
  if (!ok)
    return NULL;
  char *name = NULL;
  yaml_node_t *root = yaml_document_get_root_node (&doc);
  if (root && root->type == YAML_MAPPING_NODE)
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++)
      {
        yaml_node_t *k = yaml_document_get_node (&doc, p->key);
        yaml_node_t *v = yaml_document_get_node (&doc, p->value);
        if (k && v && k->type == YAML_SCALAR_NODE && v->type == YAML_SCALAR_NODE
            && strcmp ((const char *) k->data.scalar.value, "experiment") == 0)
          name = g_strdup ((const char *) v->data.scalar.value);
      }
  yaml_document_delete (&doc);
  return name;
}

/* ------------------------------------------------------------------- files */

/* Files copied as they are when the run has them, with what they hold. */
static const struct {
  const char *name, *what;
} copied[] = {
  { "results.csv", "one row per trial and metric: `experiment,pipeline,variant,repeat,fold,metric,value`" },
  { "summary.csv", "per pipeline variant and metric over trials: `experiment,pipeline,variant,metric,mean,sd,n`" },
  { "comparisons.csv", "tests of each pipeline against the baseline: `experiment,pipeline_a,pipeline_b,metric,test,estimate,statistic,p_value,correction,p_adjusted`" },
  { "training_curves.csv", "losses and validation metrics per iteration: `pipeline,variant,repeat,fold,curve,step,value`" },
  { "feature_importance.csv", "per trial: `experiment,pipeline,variant,repeat,fold,feature,type,value`" },
  { "feature_importance_summary.csv", "over trials: `experiment,pipeline,variant,feature,type,mean,sd,n`" },
  { "failed_trials.csv", "trials that failed, with the error: `experiment,pipeline,variant,repeat,fold,message`" },
  { "saliency.csv", "input-gradient saliency per trial, class, channel and time bin (each trial's map per class sums to 1): `pipeline,variant,repeat,fold,class,channel,time_bin,t_start,t_end,value,n_series`" },
  { "saliency_summary.csv", "saliency over trials: `pipeline,variant,class,channel,time_bin,t_start,t_end,mean,sd,n`" },
  { "attention.csv", "attention received per trial, class and time bin: `pipeline,variant,repeat,fold,class,time_bin,t_start,t_end,value,n_series`" },
  { "attention_summary.csv", "attention over trials: `pipeline,variant,class,time_bin,t_start,t_end,mean,sd,n`" },
  { "confusion.csv", "confusion counts per trial: `pipeline,variant,repeat,fold,true_class,predicted_class,count`" },
  { "timings.csv", "seconds per trial and stage, then the run's data and report stages (empty trial columns): `pipeline,variant,repeat,fold,stage,seconds`" },
  { "predictions.h5", "test-split predictions as the run stored them: `/<pipeline label>/r<R>-f<F>/{series_id,label,score}`" },
  { "manifest.yaml", "how the run was made: seeds, versions, plugins, commit, command, resolved configuration" },
};

static gboolean
copy_file (const char *from, const char *to, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents (from, &data, &len, error))
    return FALSE;
  return td_file_write_atomic (to, data, (gssize) len, error);
}

/* ------------------------------------------------------------------ README */

static void
readme (GString *s, const char *experiment, const TdManifestInfo *m, const char *run_dir,
        GPtrArray *lines, gboolean dataset, const char *data_note)
{
  g_string_append_printf (s, "# %s: exported run\n\n", experiment);
  g_string_append_printf (s, "Exported by `tundish export` from the run folder `%s`\n"
                             "(experiment file `%s`, config hash `%s`). `manifest.yaml` says how\n"
                             "the run was made; rerun the experiment rather than sharing these files.\n\n",
                          run_dir, m->experiment_file ? m->experiment_file : "unknown",
                          m->config_hash ? m->config_hash : "unknown");
  g_string_append (s, "## Load them\n\n```python\nimport pandas as pd, h5py\n"
                      "res = pd.read_csv(\"results.csv\", keep_default_na=False, na_values=[\"nan\"])\n"
                      "pred = pd.read_csv(\"predictions.csv\", keep_default_na=False, na_values=[\"nan\"])\n");
  if (dataset)
    g_string_append (s, "x = h5py.File(\"dataset.h5\", \"r\")[\"x\"][...]   # series × steps × channels, float32\n");
  g_string_append (s, "```\n\n```r\nres <- read.csv(\"results.csv\", na.strings = \"nan\")\n"
                      "pred <- read.csv(\"predictions.csv\", na.strings = \"nan\")\n");
  if (dataset)
    g_string_append (s, "x <- rhdf5::h5read(\"dataset.h5\", \"x\")   # channels × steps × series (R reverses HDF5 dims)\n");
  g_string_append (s, "```\n\n`keep_default_na=False` keeps an empty `variant` as `\"\"` (pipelines without a\n"
                      "sweep) instead of NaN; undefined values are written `nan`.\n\n## Files\n\n"
                      "| file | what |\n|---|---|\n");
  for (guint k = 0; k < lines->len; k++)
    g_string_append_printf (s, "%s\n", (const char *) lines->pdata[k]);
  if (data_note)
    g_string_append_printf (s, "\n%s\n", data_note);
  if (dataset)
    g_string_append (s, "\n`dataset.h5` holds `/x` (series × steps × channels, float32), `/y`,\n"
                        "`/series_id`, `/group`, `/channel_names`, `/lengths` (only for padded data)\n"
                        "and `/meta/<column>` (numbers, or strings: read them with\n"
                        "`f[\"meta/mechanism\"].asstr()[...]` in h5py). Rows of `/x` follow `series.csv`.\n"
                        "Join predictions to the data on `series_id`; `splits.csv` gives every\n"
                        "series' part (`train`, `valid`, `test`) in each repeat and fold.\n");
}

/* ------------------------------------------------------------------ command */

int
td_cmd_export (int argc, char **argv)
{
  g_autofree char *to = NULL, *data_text = NULL;
  gboolean signals = FALSE, quiet = FALSE;
  GOptionEntry entries[] = {
    { "to", 't', 0, G_OPTION_ARG_FILENAME, &to,
      "Destination folder (default notebooks-data/<experiment>/<run folder name>)", "DIR" },
    { "data", 0, 0, G_OPTION_ARG_STRING, &data_text,
      "Which series of the dataset: full (default), test (those in some test split) or none", "WHICH" },
    { "signals-csv", 0, 0, G_OPTION_ARG_NONE, &signals,
      "Also write the signals as signals.csv (series_id, step, one column per channel; large)", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing on success", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GOptionContext) oc = g_option_context_new ("RUN_DIR - export a run for notebooks");
  g_option_context_add_main_entries (oc, entries, NULL);
  g_option_context_set_description (oc, export_description);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (oc, &argc, &argv, &error))
    {
      fprintf (stderr, "tundish export: %s\n(see tundish export --help)\n", error->message);
      return TD_EXIT_USAGE;
    }
  if (argc != 2)
    {
      fprintf (stderr, "tundish export: expected one RUN_DIR, got %d arguments\n"
                       "(see tundish export --help)\n", argc - 1);
      return TD_EXIT_USAGE;
    }
  TdExportData which = TD_EXPORT_DATA_FULL;
  if (data_text && strcmp (data_text, "test") == 0)
    which = TD_EXPORT_DATA_TEST;
  else if (data_text && strcmp (data_text, "none") == 0)
    which = TD_EXPORT_DATA_NONE;
  else if (data_text && strcmp (data_text, "full") != 0)
    {
      fprintf (stderr, "tundish export: --data: expected full, test or none, got \"%s\"\n", data_text);
      return TD_EXIT_USAGE;
    }

  const char *run_dir = argv[1];
  TdManifestInfo m = { 0 };
  g_autofree char *experiment = NULL;
  if (!td_manifest_read (run_dir, &m, &error) || (experiment = manifest_experiment (run_dir)) == NULL)
    {
      fprintf (stderr, "tundish export: %s: not a run folder (%s)\n", run_dir,
               error ? error->message : "manifest.yaml names no experiment");
      td_manifest_info_clear (&m);
      return TD_EXIT_USAGE;
    }
  if (g_strcmp0 (m.status, "finished") != 0)
    fprintf (stderr, "tundish export: warning: the run's status is %s, not finished: "
                     "its outputs may be incomplete\n", m.status ? m.status : "unknown");
  int rc = export_run (run_dir, experiment, &m, to, which, signals, quiet);
  td_manifest_info_clear (&m);
  return rc;
}

static int
export_run (const char *run_dir, const char *experiment, const TdManifestInfo *m, const char *to,
            TdExportData which, gboolean signals, gboolean quiet)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *canon = g_canonicalize_filename (run_dir, NULL);
  g_autofree char *leaf = g_path_get_basename (canon);
  g_autofree char *exp_dir = g_strdup (experiment);
  g_strdelimit (exp_dir, "/\\", '_');
  g_autofree char *dest = to ? g_strdup (to) : g_build_filename ("notebooks-data", exp_dir, leaf, NULL);
  if (g_mkdir_with_parents (dest, 0755) != 0)
    {
      fprintf (stderr, "tundish export: cannot create %s: %s\n", dest, g_strerror (errno));
      return TD_EXIT_RUNTIME;
    }

  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  for (size_t k = 0; k < G_N_ELEMENTS (copied); k++)
    {
      g_autofree char *from = g_build_filename (run_dir, copied[k].name, NULL);
      if (!g_file_test (from, G_FILE_TEST_IS_REGULAR))
        continue;
      g_autofree char *dst = g_build_filename (dest, copied[k].name, NULL);
      if (!copy_file (from, dst, &error))
        {
          fprintf (stderr, "tundish export: %s\n", error->message);
          return TD_EXIT_RUNTIME;
        }
      g_ptr_array_add (lines, g_strdup_printf ("| `%s` | %s |", copied[k].name, copied[k].what));
    }
  g_autofree char *h5 = g_build_filename (run_dir, "predictions.h5", NULL);
  size_t n_pred = 0;
  if (g_file_test (h5, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *csv = g_build_filename (dest, "predictions.csv", NULL);
      if (!td_export_predictions (h5, csv, &n_pred, &error))
        {
          fprintf (stderr, "tundish export: %s\n", error->message);
          return TD_EXIT_RUNTIME;
        }
      g_ptr_array_add (lines, g_strdup ("| `predictions.csv` | one row per test series and trial: "
                                        "`pipeline,variant,repeat,fold,series_id,label,score` "
                                        "(`score_0`, `score_1`, ... for several outputs) |"));
    }

  /* The dataset, through the experiment as it was run. */
  TdExportDataInfo info = { 0 };
  g_autofree char *data_note = NULL;
  int rc = TD_EXIT_OK;
  if (which != TD_EXPORT_DATA_NONE)
    {
      g_autoptr (GError) e = NULL;
      g_autoptr (TdRegistry) reg = td_cli_registry (TRUE);
      TdManifestInfo again = { 0 };
      g_autoptr (TdExperiment) exp = td_cli_load_run (reg, run_dir, NULL, &again, &e);
      td_manifest_info_clear (&again);
      if (exp)
        td_export_dataset (exp, m->data_policy, which, signals, dest, &info, &e);
      if (e)
        {
          fprintf (stderr, "tundish export: the dataset was not exported: %s\n"
                           "(the run's outputs were; --data none skips the dataset)\n", e->message);
          data_note = g_strdup_printf ("The dataset was not exported: %s.", e->message);
          rc = TD_EXIT_RUNTIME;
        }
      else
        {
          g_ptr_array_add (lines, g_strdup ("| `splits.csv` | every series' part in every repeat and fold: "
                                            "`repeat,fold,series_id,part` (part: train, valid, test) |"));
          g_ptr_array_add (lines, g_strdup_printf ("| `series.csv` | one row per exported series (%s): "
                                                   "`series_id,group,label` and the dataset's metadata "
                                                   "columns |", which == TD_EXPORT_DATA_TEST
                                                   ? "those in at least one test split" : "all of them"));
          g_ptr_array_add (lines, g_strdup ("| `dataset.h5` | the same series with their signals (see below) |"));
          if (info.signals_csv)
            g_ptr_array_add (lines, g_strdup ("| `signals.csv` | the signals, one row per series and "
                                              "step: `series_id,step,<channel>...` |"));
        }
    }

  g_autoptr (GString) text = g_string_new (NULL);
  readme (text, experiment, m, canon, lines, info.n_series > 0, data_note);
  g_autofree char *readme_path = g_build_filename (dest, "README.md", NULL);
  if (!td_file_write_atomic (readme_path, text->str, (gssize) text->len, &error))
    {
      fprintf (stderr, "tundish export: %s\n", error->message);
      return TD_EXIT_RUNTIME;
    }
  if (!quiet)
    {
      printf ("exported to %s: %u files, %zu prediction rows", dest, lines->len + 1, n_pred);
      if (info.n_series)
        printf (", %zu series", info.n_series);
      printf ("\n");
    }
  return rc;
}
