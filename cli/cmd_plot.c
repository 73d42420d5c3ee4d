/* cmd_plot.c — caseload plot DIR: the charts of a run, comparison, sweep
 * or tornado folder; and the charts and text chart that run, compare and
 * sweep draw. */
#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/signals.h"
#include "output/afile.h"
#include "output/dirlock.h"
#include "output/plot.h"

#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* The text chart after a run: as wide as the terminal within these
 * bounds, this many lines high. */
#define TTY_CHART_MIN_WIDTH 40
#define TTY_CHART_MAX_WIDTH 100
#define TTY_CHART_DEFAULT_WIDTH 80
#define TTY_CHART_HEIGHT 18

#define PLOT_MESSAGE_SIZE (2 * AFILE_PATH_MAX + 256)

int cmd_plot_folder(const char *dir, bool quiet, bool need_gnuplot)
{
    char err[PLOT_MESSAGE_SIZE];
    /* one writer per folder: run, compare and sweep hold it already */
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
        enum dirlock_status ls = dirlock_take(dir, err, sizeof err);
        if (ls != DIRLOCK_OK) {
            fprintf(stderr, "caseload: %s\n", err);
            return ls == DIRLOCK_BUSY ? EXIT_USAGE : EXIT_FAILURE_RUN;
        }
    }
    switch (plot_folder(dir, NULL, err, sizeof err)) {
    case PLOT_OK:
        if (!quiet)
            printf("charts: %s/*.png and *.svg, drawn by %s/plots.gp\n", dir, dir);
        return EXIT_OK;
    case PLOT_NO_GNUPLOT:
        if (need_gnuplot) {
            fprintf(stderr, "caseload: %s\n", err);
            return EXIT_FAILURE_RUN;
        }
        fprintf(stderr, "caseload: warning: %s\n", err);
        return EXIT_OK;
    case PLOT_NOTHING_DRAWN:
        fprintf(stderr, "caseload: warning: %s\n", err);
        return EXIT_OK;
    case PLOT_NOT_RESULTS:
        fprintf(stderr, "caseload: %s; give a folder written by caseload run, compare or sweep\n", err);
        return EXIT_USAGE;
    case PLOT_FAILED:
        break;
    }
    fprintf(stderr, "caseload: %s\n", err);
    return EXIT_FAILURE_RUN;
}

void cmd_plot_terminal(const char *dir)
{
    if (!progress_terminal(STDOUT_FILENO))
        return;
    int width = TTY_CHART_DEFAULT_WIDTH;
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        width = ws.ws_col;
    if (width > TTY_CHART_MAX_WIDTH)
        width = TTY_CHART_MAX_WIDTH;
    if (width < TTY_CHART_MIN_WIDTH)
        width = TTY_CHART_MIN_WIDTH;
    char err[PLOT_MESSAGE_SIZE];
    /* without gnuplot there is simply no text chart; --plot says why */
    if (plot_terminal(dir, NULL, width, TTY_CHART_HEIGHT, err, sizeof err) == PLOT_FAILED)
        fprintf(stderr, "caseload: warning: %s\n", err);
}

int cmd_plot(int argc, char **argv)
{
    struct options o;
    int rc = EXIT_USAGE;
    if (!options_parse(&o, argc, argv, 2, "q"))
        goto out;
    if (o.n_args != 1) {
        fprintf(stderr, "caseload: plot needs one results folder (caseload plot DIR)\n");
        goto out;
    }
    signals_at_once();   /* nothing to save: a signal stops at once */
    rc = cmd_plot_folder(o.args[0], o.quiet, true);
out:
    options_free(&o);
    return rc;
}
