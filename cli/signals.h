/* signals.h — Ctrl-C, SIGTERM and SIGHUP during a run.
 *
 * The first signal raises cli_stop: no new replication starts, the running
 * ones stop within a simulated day (well under a second) and are dropped,
 * and the finished ones are written as a complete result marked partial
 * (exit status 1). A second signal removes every temporary file and exits
 * at once with status 130; files already renamed into place are whole (the
 * renames of a result set are never cut in half: see afile_commit_all).
 * The handler runs in the main thread: the runner's workers block these
 * signals. */
#ifndef CLI_SIGNALS_H
#define CLI_SIGNALS_H

#include <signal.h>

extern volatile sig_atomic_t cli_stop;

/* Install the handlers for SIGINT, SIGTERM and SIGHUP. */
void cli_signals_install(void);

#endif
