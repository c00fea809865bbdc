/* commands.h — one function per `tundish` subcommand (core/src/cli/cmd_*.c).
 * argv[0] is the subcommand name. Each returns the process exit code:
 * TD_EXIT_OK, TD_EXIT_USAGE (usage or config error), TD_EXIT_RUNTIME,
 * TD_EXIT_TRIALS_FAILED. Each handles --help itself (with examples). */
#pragma once

enum {
  TD_EXIT_OK = 0,
  TD_EXIT_USAGE = 1,
  TD_EXIT_RUNTIME = 2,
  TD_EXIT_TRIALS_FAILED = 3,
};

int td_cmd_run (int argc, char **argv);
int td_cmd_score (int argc, char **argv);
int td_cmd_validate (int argc, char **argv);
int td_cmd_plugins (int argc, char **argv);
int td_cmd_inspect (int argc, char **argv);
int td_cmd_eval (int argc, char **argv);
int td_cmd_report (int argc, char **argv);
int td_cmd_export (int argc, char **argv);
int td_cmd_gradcheck (int argc, char **argv);
int td_cmd_bench (int argc, char **argv);
int td_cmd_compare (int argc, char **argv);
int td_cmd_drift (int argc, char **argv);
