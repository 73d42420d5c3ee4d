/* signals.h — Ctrl-C and SIGTERM during a run.
 *
 * The first signal raises cli_stop: no new replication starts, the running
 * ones stop at their next period, and the finished ones are written as a
 * complete result marked partial. A second signal removes every temporary
 * file and exits at once with status 130. */
#ifndef CLI_SIGNALS_H
#define CLI_SIGNALS_H

#include <signal.h>

extern volatile sig_atomic_t cli_stop;

/* Install the handlers for SIGINT and SIGTERM. */
void cli_signals_install(void);

#endif
