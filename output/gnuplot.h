/* gnuplot.h — running gnuplot as a child process, without a shell.
 *
 * The program is started with fork and execvp (so a name is looked up on
 * PATH), in a given folder, with its arguments passed as they are: paths
 * with spaces or quotes need no escaping. What it writes on standard error
 * is captured for the error message; its standard output is ours. It
 * starts with the default action for every signal. */
#ifndef OUTPUT_GNUPLOT_H
#define OUTPUT_GNUPLOT_H

#include <stddef.h>

/* The environment variable that names the gnuplot program, and the name
 * used when it is unset. */
#define GNUPLOT_ENV "CASELOAD_GNUPLOT"
#define GNUPLOT_DEFAULT "gnuplot"

/* How to install it, for the warning when it is missing. */
#define GNUPLOT_INSTALL_HINT "apt-get install gnuplot-nox"

enum gnuplot_status {
    GNUPLOT_OK,        /* ran and exited with status 0 */
    GNUPLOT_MISSING,   /* the program was not found */
    GNUPLOT_FAILED,    /* could not start it, or it failed: err says why */
};

struct gnuplot_job {
    const char *program;        /* a name looked up on PATH, or a path */
    const char *cwd;            /* folder it runs in */
    const char *const *args;    /* its arguments (after argv[0]), NULL-terminated */
    const char *input;          /* fed to its standard input; NULL: /dev/null */
};

/* The program to run: given when not NULL, else $CASELOAD_GNUPLOT when set
 * and not empty, else "gnuplot". */
const char *gnuplot_program(const char *given);

/* End the child gnuplot_run is waiting for, if any (SIGKILL), and reap
 * it, so that it writes nothing more. Async-signal-safe: for the handler
 * of a signal that stops the program (the handler must be in the thread
 * that runs gnuplot_run, or the others must block the stop signals). */
void gnuplot_end_async(void);

/* Run the job and wait for it. On GNUPLOT_FAILED err holds one line saying
 * why (gnuplot's own last error line when it printed one). */
enum gnuplot_status gnuplot_run(const struct gnuplot_job *job, char *err, size_t size);

#endif
