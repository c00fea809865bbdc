/* main.c — `tundish` command dispatch and top-level help. */
#include <glib.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <tundish/tundish.h>

#include "commands.h"
#include "util/build_info.h"

static const char usage_text[] =
  "Usage: tundish COMMAND [OPTIONS...]\n"
  "\n"
  "Experiments on industrial process time series: generators, features, models,\n"
  "evaluators and reporters are plugins; an experiment is a YAML file.\n"
  "\n"
  "Commands:\n"
  "  run EXPERIMENT.yaml     run every pipeline on the same splits, write a run folder\n"
  "  validate EXPERIMENT.yaml  load every plugin it names and check every parameter\n"
  "  score RUN_DIR DATA.h5   score new series with a pipeline a run trained\n"
  "  plugins [KIND]          list plugins (KIND: generator, augment, feature, model,\n"
  "                          evaluator, reporter)\n"
  "  inspect PLUGIN          show one plugin's parameters (type, default, range, help)\n"
  "  eval FILE.csv           every binary metric of a label,score CSV\n"
  "  report RUN_DIR          rebuild a finished run's outputs from its trial folders\n"
  "  export RUN_DIR          a run's results, predictions and data as tidy CSV/HDF5 for notebooks\n"
  "  gradcheck GOLDEN.json   check the NN layers against a PyTorch golden file\n"
  "  bench MODEL [k=v ...]   time a model's training epoch and inference on random data\n"
  "  compare RUN_DIR...      rank pipelines across runs: Friedman, Wilcoxon + Holm, CD diagram\n"
  "  drift REFERENCE NEW     does new data still look like the reference? KS, Wasserstein, MMD\n"
  "\n"
  "Run `tundish COMMAND --help` for a command's options and examples.\n"
  "\n"
  "Examples:\n"
  "  tundish run experiments/steel-casting-baseline.yaml -j 2\n"
  "  tundish validate experiments/steel-casting-baseline.yaml\n"
  "  tundish inspect xgboost\n"
  "  tundish eval predictions.csv --threshold 0.3\n"
  "\n"
  "Exit status:\n"
  "  0  ok\n"
  "  1  usage or configuration error\n"
  "  2  runtime error\n"
  "  3  the run finished but some trials failed\n"
  "\n"
  "Environment:\n"
  "  TUNDISH_PLUGIN_PATH     ':'-separated folders searched for plugins first\n";

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  /* Numbers in files are always C-locale. */
  setlocale (LC_NUMERIC, "C");
  /* A reader that stops early (`tundish run ... | head -1`) must not kill a
   * run that has hours of work in it: writes to the closed pipe fail with
   * EPIPE instead, and the commands finish their files (td_cli_flush_stdout). */
  signal (SIGPIPE, SIG_IGN);
  if (argc < 2)
    {
      fputs (usage_text, stderr);
      return TD_EXIT_USAGE;
    }
  const char *cmd = argv[1];
  if (strcmp (cmd, "--help") == 0 || strcmp (cmd, "-h") == 0 || strcmp (cmd, "help") == 0)
    {
      fputs (usage_text, stdout);
      return TD_EXIT_OK;
    }
  if (strcmp (cmd, "--version") == 0)
    {
      printf ("tundish %s (commit %s, plugin ABI %d.%d)\n", TUNDISH_VERSION,
              td_build_commit (), TD_PLUGIN_ABI_MAJOR, TD_PLUGIN_ABI_MINOR);
      return TD_EXIT_OK;
    }
  static const struct { const char *name; int (*fn) (int, char **); } cmds[] = {
    { "run", td_cmd_run },         { "score", td_cmd_score },         { "validate", td_cmd_validate },
    { "plugins", td_cmd_plugins }, { "inspect", td_cmd_inspect },
    { "eval", td_cmd_eval },       { "report", td_cmd_report },
    { "export", td_cmd_export },
    { "gradcheck", td_cmd_gradcheck }, { "bench", td_cmd_bench },
    { "compare", td_cmd_compare }, { "drift", td_cmd_drift },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (cmds); k++)
    if (strcmp (cmd, cmds[k].name) == 0)
      {
        /* so each command's --help reads "Usage: tundish run ..." */
        g_autofree char *prg = g_strdup_printf ("tundish %s", cmd);
        g_set_prgname (prg);
        return cmds[k].fn (argc - 1, argv + 1);
      }
  fprintf (stderr, "tundish: unknown command \"%s\"\n\n%s", cmd, usage_text);
  return TD_EXIT_USAGE;
}
