#include "cli/signals.h"

#include "cli/progress.h"
#include "output/afile.h"
#include "output/gnuplot.h"

#include <string.h>
#include <unistd.h>

volatile sig_atomic_t signals_stop = 0;

/* Set once the results are written: the next signal stops at once. */
static volatile sig_atomic_t at_once = 0;

static void on_signal(int sig)
{
    progress_erase_async();
    if (signals_stop || at_once) {
        static const char msg[] = "caseload: stopped at once; unfinished result files removed\n";
        gnuplot_end_async();   /* before the temporaries go: it would write them again */
        afile_unlink_all();
        ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
        _exit(CLI_EXIT_SIGNAL(sig));
    }
    signals_stop = sig;
    static const char msg[] = "caseload: stopping: writing the replications finished so far "
                              "(press Ctrl-C again to stop at once)\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
}

static void install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART; /* no EINTR from writes to a slow pipe */
    sigemptyset(&sa.sa_mask);
    /* one handler at a time: a second signal waits for the first's end */
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGHUP);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

void signals_install(void)
{
    install();
}

int signals_at_once(void)
{
    at_once = 1;
    install();
    return signals_stop;
}

void signals_ignore_pipe(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);
}
