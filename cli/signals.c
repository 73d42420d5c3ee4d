#include "cli/signals.h"

#include "output/afile.h"

#include <string.h>
#include <unistd.h>

#define EXIT_INTERRUPTED 130

volatile sig_atomic_t cli_stop = 0;

static void on_signal(int sig)
{
    (void)sig;
    if (cli_stop) {
        static const char msg[] = "\ncaseload: stopped at once; no result written\n";
        afile_unlink_all();
        ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
        _exit(EXIT_INTERRUPTED);
    }
    cli_stop = 1;
    static const char msg[] = "\ncaseload: stopping after the replications in progress "
                              "(press Ctrl-C again to stop at once)\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
}

void cli_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}
