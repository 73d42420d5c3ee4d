#include "cli/signals.h"

#include "cli/progress.h"
#include "output/afile.h"

#include <string.h>
#include <unistd.h>

#define EXIT_INTERRUPTED 130

volatile sig_atomic_t cli_stop = 0;

static void on_signal(int sig)
{
    (void)sig;
    progress_erase_async();
    if (cli_stop) {
        static const char msg[] = "caseload: stopped at once; unfinished result files removed\n";
        afile_unlink_all();
        ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
        _exit(EXIT_INTERRUPTED);
    }
    cli_stop = 1;
    static const char msg[] = "caseload: stopping: writing the replications finished so far "
                              "(press Ctrl-C again to stop at once)\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
}

void cli_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART; /* no EINTR from writes to a slow pipe */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}
