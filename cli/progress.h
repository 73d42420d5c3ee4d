/* progress.h — replications done, rate and time left, on standard error
 * when it is a terminal (and not -q). */
#ifndef CLI_PROGRESS_H
#define CLI_PROGRESS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct progress {
    bool on;
    uint64_t total;
    struct timespec t0, last;
    const char *label;
};

/* Start counting towards total (an estimate may fall short: the count then
 * shows done as the total). Draws nothing when quiet or standard error is
 * no terminal. */
void progress_start(struct progress *p, const char *label, uint64_t total, bool quiet);
/* done replications so far; redraws at most every 0.2 s. */
void progress_update(struct progress *p, uint64_t done);
/* Whether fd (standard output or error) reaches a terminal. In
 * caseload-mpi under mpirun, rank 0's output goes through mpirun (stdout a
 * pseudo-terminal, stderr a pipe, whatever mpirun's own are), so mpirun's
 * own is asked (cli/mpi/cluster.h). */
bool progress_terminal(int fd);

/* Clear the line (if drawn) and stop drawing. */
void progress_end(struct progress *p);

/* The length of the progress line on the terminal (bytes, its leading
 * "\r" included), 0 when none is drawn. */
extern volatile sig_atomic_t progress_drawn;

/* Blank the progress line if one is drawn. Async-signal-safe: the signal
 * handler calls it before its own message. */
void progress_erase_async(void);

#endif
