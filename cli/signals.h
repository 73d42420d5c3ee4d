/* signals.h — Ctrl-C, SIGTERM, SIGHUP and a closed pipe.
 *
 * While replications run (signals_install), the first stop signal
 * raises signals_stop (to its number): no new replication starts, the running
 * ones stop within a simulated day (well under a second) and are dropped,
 * and the finished ones are written as a complete result marked partial
 * (exit status 1). A second one stops at once.
 *
 * Once the results are written (signals_at_once: drawing charts, or
 * caseload plot), there is nothing left to save and the first signal stops
 * at once.
 *
 * Stopping at once ends (SIGKILL) and reaps the gnuplot child if one runs,
 * removes every temporary file and exits with status 128 + the signal's
 * number (130 SIGINT, 143 SIGTERM, 129 SIGHUP); files already renamed into
 * place are whole (the renames of a result set are never cut in half: see
 * afile_commit_all). The handler runs in the main thread: the runner's
 * workers block these signals.
 *
 * SIGPIPE is ignored for the whole run (signals_ignore_pipe): a reader
 * of standard output that goes away (`| head`) makes writes to it fail,
 * not the program die; the result files are finished all the same. */
#ifndef CLI_SIGNALS_H
#define CLI_SIGNALS_H

#include <signal.h>

/* The exit status of a program stopped at once by signal sig. */
#define CLI_EXIT_SIGNAL(sig) (128 + (sig))

/* 0, or the number of the first stop signal received. */
extern volatile sig_atomic_t signals_stop;

/* Handle SIGINT, SIGTERM and SIGHUP while replications run. */
void signals_install(void);

/* From now on a stop signal stops at once (handlers installed if they
 * were not). Returns the signal already received (signals_stop), 0 if none:
 * the caller then stops with CLI_EXIT_SIGNAL of it. */
int signals_at_once(void);

/* Ignore SIGPIPE (see above); called once, first thing in main. */
void signals_ignore_pipe(void);

#endif
