/* plot.h — charts of result folders, drawn by gnuplot.
 *
 * plot_folder writes DIR/plots.gp, a gnuplot script that reads the folder's
 * CSV files by relative name (`cd DIR && gnuplot plots.gp` re-draws
 * everything), then runs gnuplot on it, without a shell, in DIR. Every chart
 * is drawn as NAME.png and NAME.svg:
 *
 *   run folder (summary.csv)   backlog, waiting, workforce, caseload, cost
 *   comparison (compare.csv,   compare_backlog, compare_cost,
 *   one run folder per         cost_effectiveness; and each scenario's
 *   scenario)                  folder gets its own run charts
 *   sweep (sweep.csv)          sweep_KPI and sweep_cost_total: curves
 *                              against one lever, heat maps over two
 *   tornado (tornado.csv)      tornado_KPI
 *   backtest (backtest.csv,    backtest_SERIES: each series' forecast fan
 *   forecast.csv)              with the observed line over it
 *
 * KPI is the one the sweep's manifest names. A folder holding the files of
 * several kinds is taken as the kind its manifest names, else in the order
 * above. A chart whose metrics the results lack is left out. The folder's
 * manifest lists plots.gp and the pictures drawn (runfolder_note_charts);
 * pictures listed before and not drawn again are removed. Charts are drawn under
 * hidden temporary names and renamed into place only when gnuplot has drawn
 * them all, so a failure leaves the earlier pictures (if any) as they were
 * and no partial file behind. */
#ifndef OUTPUT_PLOT_H
#define OUTPUT_PLOT_H

#include <stdbool.h>
#include <stddef.h>

/* The script every folder's charts are drawn by. */
#define PLOT_SCRIPT "plots.gp"

enum plot_status {
    PLOT_OK,            /* every chart drawn */
    PLOT_NO_GNUPLOT,    /* scripts written, nothing drawn: gnuplot not found */
    PLOT_FAILED,        /* a file could not be read or written, or gnuplot failed */
    PLOT_NOT_RESULTS,   /* the folder holds no results of a kind above */
    PLOT_NOTHING_DRAWN, /* script written, but the results hold nothing to chart */
};

enum plot_kind {
    PLOT_KIND_NONE,
    PLOT_KIND_RUN,          /* summary.csv */
    PLOT_KIND_COMPARISON,   /* compare.csv */
    PLOT_KIND_SWEEP,        /* sweep.csv */
    PLOT_KIND_TORNADO,      /* tornado.csv */
    PLOT_KIND_BACKTEST,     /* backtest.csv, forecast.csv */
};

struct plot_opts {
    const char *gnuplot;    /* program; NULL: $CASELOAD_GNUPLOT, else "gnuplot" */
    bool script_only;       /* write plots.gp, draw nothing */
};

/* What dir holds. */
enum plot_kind plot_kind_of(const char *dir);

/* Write the charts of dir (see above). o may be NULL (defaults). On
 * anything but PLOT_OK err holds one line: for PLOT_NO_GNUPLOT what to
 * install, for PLOT_FAILED the problem with the path it concerns. */
enum plot_status plot_folder(const char *dir, const struct plot_opts *o, char *err, size_t size);

/* The charts of a fit folder (caseload fit): dir holds fit_survival.csv
 * (stage,days,km,fitted: stage the 1-based index) and fit_referrals.csv
 * (month,observed,fitted). Stages beyond PLOT_FIT_MAX_STAGES are not
 * drawn. Statuses as plot_folder's. */
#define PLOT_FIT_MAX_STAGES 15
struct plot_fit_facts {
    size_t n_stages;
    const char *const *stage;   /* names, for the titles (any text: quoted) */
    const bool *fitted;         /* [n_stages]: a duration was fitted */
    bool referrals;             /* fit_referrals.csv holds months */
};
enum plot_status plot_fit(const char *dir, const struct plot_fit_facts *f, const struct plot_opts *o, char *err,
                          size_t size);

/* Remove dir's charts and plots.gp by name (every name a script of this
 * module draws, sweep_* and tornado_* pictures included), whether or not
 * dir's manifest lists them. The commands do not call it: a result forced
 * into a folder removes the charts its manifest lists (runfolder_commit). */
void plot_forget(const char *dir);

/* Draw the backlog median of the run in dir as text, width x height
 * characters, on standard output (gnuplot's dumb terminal). Statuses as
 * plot_folder's. */
enum plot_status plot_terminal(const char *dir, const struct plot_opts *o, int width, int height,
                               char *err, size_t size);

#endif
