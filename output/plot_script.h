/* plot_script.h — the gnuplot scripts of the charts, written as text.
 *
 * A script reads the folder's CSV files by relative name (so it runs in the
 * folder it describes) and draws each chart as NAME.png and NAME.svg. When
 * the variable `staging` is set (gnuplot -e "staging='TAG'") it writes each
 * chart under the hidden temporary name afile uses, ".NAME.png.TAG.tmp",
 * for the caller to rename into place. Internal to output/plot*.c. */
#ifndef OUTPUT_PLOT_SCRIPT_H
#define OUTPUT_PLOT_SCRIPT_H

#include "output/plot.h"
#include "output/plot_data.h"

#include <stdbool.h>
#include <stdio.h>

/* Most charts one script draws, and the longest chart name. */
#define PLOT_MAX_CHARTS 16
#define PLOT_NAME_SIZE 64

/* The formats every chart is drawn in, as file extensions. */
#define PLOT_FORMATS 2
extern const char *const plot_formats[PLOT_FORMATS];

/* Picture size in pixels (PNG) and SVG units. */
#define PLOT_WIDTH 1200
#define PLOT_HEIGHT 800
/* The left edge of the plot area (a screen fraction), and the width of an
 * average character of the charts' font in pixels. */
#define PLOT_LEFT 0.10
#define PLOT_CHAR_PX 9.5

/* The charts a script draws (names without extension), in order. */
struct plot_charts {
    size_t n;
    char name[PLOT_MAX_CHARTS][PLOT_NAME_SIZE];
};

/* The script of a run folder: backlog, waiting, workforce, caseload and
 * cost, each drawn when its metrics hold data. colour is the scenario's
 * index in the palette (its place in a comparison; 0 alone). Returns the
 * malloc'd text; the charts go to *charts. */
char *plot_run_script(const struct plot_run_facts *f, size_t colour, struct plot_charts *charts);

/* The script of a comparison folder: compare_backlog, compare_cost and
 * cost_effectiveness. */
char *plot_compare_script(const struct plot_compare_facts *f, struct plot_charts *charts);

/* The script of a sweep folder: for one lever, the chosen KPI and
 * cost_total against it (sweep_KPI, sweep_cost_total); for two, each as a
 * heat map over the grid. */
char *plot_sweep_script(const struct plot_sweep_facts *f, struct plot_charts *charts);

/* The script of a tornado folder: tornado_KPI. */
char *plot_tornado_script(const struct plot_tornado_facts *f, struct plot_charts *charts);

/* The script of a backtest folder: backtest_SERIES for each series of
 * forecast.csv (at most PLOT_MAX_CHARTS). */
char *plot_backtest_script(const struct plot_backtest_facts *f, struct plot_charts *charts);

/* The script of a fit folder (caseload fit): fit_duration_K for each stage
 * K (1-based) fitted, and fit_referrals when there are months. */
char *plot_fit_script(const struct plot_fit_facts *f, struct plot_charts *charts);

/* A text chart (gnuplot's dumb terminal) of the backlog median, width x
 * height characters, for standard output. NULL when there is no backlog. */
char *plot_terminal_script(const struct plot_run_facts *f, int width, int height);

/* ---- helpers shared by the generators ---- */

/* A script being written (in memory). */
struct gp {
    FILE *f;
    char *text;
    size_t size;
    struct plot_charts *charts;
};

void gp_begin(struct gp *g, struct plot_charts *charts);
char *gp_end(struct gp *g);                 /* the malloc'd text */

/* printf into the script. */
void gp_printf(struct gp *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The one way text from outside the program (a scenario, a CSV or JSON
 * file, the command line) enters a script: as a gnuplot string expression
 * that is inert wherever it stands — a comment, a title, a label, an array.
 * Any byte string is safe: the text goes in single quotes, in which gnuplot
 * expands nothing (no backslash escapes, no backquote command); the four
 * characters ' " ` @ close the literal and come in octal in double quotes
 * ('it'."\047".'s'), so that the script holds no @ and no backquote at all
 * (gnuplot expands @macros before it parses, with its own idea of where
 * strings are, which quotes in text can mislead; and it misreads a doubled
 * quote next to the opening one); control characters (line breaks
 * included) become spaces and bytes that are not UTF-8 '?'.
 * The terminals are noenhanced, so titles show markup (^ _ @ & { })
 * literally. Such text is never a file name: scripts read and write files
 * by constant names only (gp_script_inert). */
void gp_quoted(struct gp *g, const char *text);

/* Whether a script can only draw: no command runs and no file is read or
 * written but the constant ones. Every logical line is checked as gnuplot
 * reads it: no line break inside a string, no backquote and no @ anywhere
 * (not even in strings or comments), no `!` command, no system, shell, load, call, cd,
 * save, fit, import, evaluate or `set print`/`set table`, eval only of the
 * terminal settings, `set output` only of chart("NAME.".ext) with NAME
 * letters, digits and underscores, and every data source of plot and stats
 * one of the folder's CSV files, summary(i) (whose one definition is
 * constant), an array or keyentry. False with the reason and line in why. */
bool gp_script_inert(const char *text, char *why, size_t size);

/* The settings every script starts with: reading CSV by column name, the
 * staging names, the two terminals, the layout. about says what the charts
 * show (constant text); scenario, when not NULL, the scenario they are of
 * (quoted: any text); sources which files they read; keys[0..n_keys) are
 * the longest titles the keys hold (the plot area leaves room for them). */
void gp_preamble(struct gp *g, const char *about, const char *scenario, const char *sources,
                 const char *const *keys, size_t n_keys);

/* Time on the x axis, labelled for the dates the run covers. */
void gp_time_axis(struct gp *g, const struct plot_run_facts *f, const char *indent);

/* Length in characters of UTF-8 text. */
size_t plot_text_chars(const char *text);

/* Start a chart: register NAME (letters, digits and underscores: it
 * becomes a file name), set its output; end it. */
void gp_chart_begin(struct gp *g, const char *name, const char *comment);
void gp_chart_end(struct gp *g);

/* The characters of a chart's name. */
#define GP_NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

/* Inside the loop over formats, where the charts are drawn. */
#define GP_INDENT "    "
/* Room for a title, and for one `using` expression. */
#define PLOT_TEXT_SIZE 512
#define PLOT_EXPR_SIZE 128

/* `cmd 'text'` on a line of its own, text printf-formatted and quoted. */
void gp_setting(struct gp *g, const char *cmd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* One plot command, written a series at a time. */
struct plot_cmd {
    struct gp *g;
    int n;               /* series so far */
};
void gp_series(struct plot_cmd *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* End the plot command; with no series written, an empty frame with a
 * note (label number GP_NOTE_LABEL) instead. */
void gp_plot_done(struct plot_cmd *p);
#define GP_NOTE_LABEL 99

/* A CSV column for `using`: "name", or (column("name")/scale) when scale
 * is not NULL. Returns buf. */
const char *gp_column(char buf[PLOT_EXPR_SIZE], const char *name, const char *scale);

/* The loop drawing every chart once per format, and its end. */
void gp_loop_begin(struct gp *g);
void gp_loop_end(struct gp *g);

/* A scenario's colour ("#RRGGBB"), dash type and point type, by its
 * index: no two of the first PLOT_DISTINCT scenarios share all three. */
const char *plot_colour(size_t scenario);
int plot_dash(size_t scenario);
int plot_point(size_t scenario);
#define PLOT_DISTINCT 40

/* How to show numbers as large as max: a divisor and the words for it. */
struct plot_scale {
    double divisor;
    const char *money;          /* "£m", "£k", "£" */
    const char *count;          /* " (millions)", " (thousands)", "" */
    const char *literal;        /* the divisor as the script writes it */
};
struct plot_scale plot_scale_for(double max);

/* The mean length of a reporting period in days. */
double plot_period_days(const struct plot_run_facts *f);

/* The span the periods cover: from the start of the first (a period
 * before its end) to a day past the last period end. */
void plot_dates_widened(const struct plot_run_facts *f, char from[DATE_TEXT_SIZE], char to[DATE_TEXT_SIZE]);

/* A parameter as people read it: its description from the registry, with
 * the grade or stage it belongs to when its path names one
 * ("funded posts (full-time equivalent), sw" for
 * workforce.grades.sw.establishment); the path itself when the description
 * is unknown (empty). */
void plot_param_label(const char *path, const char *descr, char *buf, size_t size);

/* The span a run covers in words, "Apr 2024 to Mar 2029 (5 years)", from
 * its first and last period ends. */
void plot_horizon_text(const struct plot_run_facts *f, char *buf, size_t size);

/* "1 replication" / "50 replications" into buf. */
const char *plot_reps_text(char *buf, size_t size, size_t reps);

#endif
