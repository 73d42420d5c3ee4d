/* commands.h — the subcommands of caseload. Each takes the whole command
 * line (argv[1] is the command's name) and returns the exit status:
 * 0 success, 1 failure while running, 2 bad usage or bad scenario (or a
 * results folder in use or not empty); a signal may end the program with
 * 128 + its number (cli/signals.h). */
#ifndef CLI_COMMANDS_H
#define CLI_COMMANDS_H

#include "cli/options.h"
#include "models/caseload.h"

#define EXIT_OK 0
#define EXIT_FAILURE_RUN 1
#define EXIT_USAGE 2

#define CASELOAD_VERSION "1.0.0"

/* Most problems a scenario file is reported with before giving up. */
#define CLI_DIAG_LIMIT 20

int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_target(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_params(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_backtest(int argc, char **argv);

/* Draw the charts of a result folder (caseload plot DIR; run and compare
 * with --plot). Prints what it did unless quiet, and any problem. Without
 * gnuplot: a warning and 0, or an error and 1 when need_gnuplot. */
int cmd_plot_folder(const char *dir, bool quiet, bool need_gnuplot);

/* The backlog median of the run in dir as a text chart on standard
 * output, when that is a terminal and gnuplot is installed. */
void cmd_plot_terminal(const char *dir);

/* Load a scenario with the --set overrides of o, printing every problem,
 * then every warning about unusual values (scenario_warnings). NULL on
 * failure, or on a warning under --strict (exit status 2). */
struct scenario *cmd_load(const char *path, const struct options *o);

/* The drift check's quick run is skipped (with a notice saying so) when the
 * estimate says it would take longer than this, at the conservative event
 * rate of cli/limits.h: a check must stay quick, even of a scenario that
 * run would refuse. */
#define CLI_DRIFT_MAX_SECONDS 30.0

/* Give notice on standard output of each key stock that the scenario's
 * own dynamics move by more than its drift_notice in the first year with
 * no intervention (models/drift.h), from a quick run seeded by seed. A
 * notice is no error: standard error stays clean for a valid scenario. */
void cmd_drift_notice(const struct scenario *sc, uint64_t seed);

#endif
