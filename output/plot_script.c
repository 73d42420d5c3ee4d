#include "output/plot_script.h"

#include "sim/check.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *const plot_formats[PLOT_FORMATS] = { "png", "svg" };

/* Colours by scenario, in comparison order (Okabe and Ito's palette, safe
 * for colour-blind readers), and dash types that tell them apart in grey. */
static const char *const scenario_colours[] = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
};
static const int scenario_dashes[] = { 1, 2, 4, 5, 3 };

#define N_COLOURS (sizeof scenario_colours / sizeof *scenario_colours)
#define N_DASHES (sizeof scenario_dashes / sizeof *scenario_dashes)

/* The font and line scale of the pictures. */
#define PLOT_FONT "Sans,13"
#define PLOT_LINE_SCALE "1.5"
/* Plot area between these screen fractions (PLOT_LEFT in the header); the
 * key sits to the right. */
/* The key takes the room its longest title needs, within these bounds: an
 * average character of the font, and the sample and gaps around it, in
 * pixels. */
#define PLOT_RIGHT_MIN 0.62
#define PLOT_RIGHT_MAX 0.80
#define PLOT_KEY_GAP 0.02
#define PLOT_KEY_SAMPLE_CHARS 10
/* Horizons up to this many days label the time axis with days. */
#define PLOT_SHORT_DAYS 184

/* The dumb terminal: characters per axis label and per y-axis margin. */
#define DUMB_YEAR_LABEL 8
#define DUMB_MONTH_LABEL 10
#define DUMB_MARGIN 12
#define DAYS_PER_YEAR 365.25
#define MONTHS_PER_YEAR 12
#define DAYS_PER_MONTH (DAYS_PER_YEAR / MONTHS_PER_YEAR)
#define SECONDS_PER_DAY 86400.0

const char *plot_colour(size_t scenario)
{
    return scenario_colours[scenario % N_COLOURS];
}

int plot_dash(size_t scenario)
{
    return scenario_dashes[scenario % N_DASHES];
}

struct plot_scale plot_scale_for(double max)
{
    static const struct plot_scale scales[] = {
        { 1e6, "£m", " (millions)", "1e6" },
        { 1e3, "£k", " (thousands)", "1e3" },
        { 1, "£", "", "1" },
    };
    size_t n = sizeof scales / sizeof *scales;
    for (size_t i = 0; i + 1 < n; i++)
        if (fabs(max) >= scales[i].divisor)
            return scales[i];
    return scales[n - 1];
}

void plot_dates_widened(const struct plot_run_facts *f, char from[DATE_TEXT_SIZE], char to[DATE_TEXT_SIZE])
{
    double period = f->periods > 1 ? (double)f->days / (double)(f->periods - 1) : DAYS_PER_MONTH;
    long half = lround(period / 2);
    struct date first, last;
    CHECK(date_parse(f->first, &first) && date_parse(f->last, &last));
    date_format(date_from_days(date_to_days(first) - half), from);
    /* no further than the last date that can be written (9999-12-31) */
    long end = date_to_days((struct date){ DATE_MAX_YEAR, 12, 31 });
    date_format(date_from_days(date_to_days(last) + half < end ? date_to_days(last) + half : end), to);
}

const char *plot_reps_text(char *buf, size_t size, size_t reps)
{
    snprintf(buf, size, "%zu replication%s", reps, reps == 1 ? "" : "s");
    return buf;
}

void gp_begin(struct gp *g, struct plot_charts *charts)
{
    memset(g, 0, sizeof *g);
    g->f = open_memstream(&g->text, &g->size);
    CHECK(g->f);
    g->charts = charts;
    if (charts)
        charts->n = 0;
}

char *gp_end(struct gp *g)
{
    CHECK(!ferror(g->f));
    CHECK(fclose(g->f) == 0);
    g->f = NULL;
    return g->text;
}

void gp_printf(struct gp *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(g->f, fmt, ap);
    va_end(ap);
}

void gp_quoted(struct gp *g, const char *text)
{
    fputc('\'', g->f);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '\'')
            fputs("''", g->f);
        else if (*p < ' ' || *p == 0x7F)
            fputc(' ', g->f);
        else
            fputc(*p, g->f);
    }
    fputc('\'', g->f);
}

size_t plot_text_chars(const char *text)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

void gp_preamble(struct gp *g, const char *about, const char *sources, const char *const *keys, size_t n_keys)
{
    size_t longest = 0;
    for (size_t i = 0; i < n_keys; i++)
        if (plot_text_chars(keys[i]) > longest)
            longest = plot_text_chars(keys[i]);
    double key = (double)(longest + PLOT_KEY_SAMPLE_CHARS) * PLOT_CHAR_PX / PLOT_WIDTH;
    double right = 1 - key - PLOT_KEY_GAP;
    right = right < PLOT_RIGHT_MIN ? PLOT_RIGHT_MIN : right > PLOT_RIGHT_MAX ? PLOT_RIGHT_MAX : right;
    gp_printf(g,
        "# plots.gp — %s\n"
        "#\n"
        "# Written by caseload. It reads %s by relative name,\n"
        "# so run it in this folder. Restyle freely, then re-draw every chart with\n"
        "#     gnuplot plots.gp\n"
        "# Each chart is written as NAME.png (%dx%d pixels) and NAME.svg.\n"
        "\n"
        "set encoding utf8\n"
        "set datafile separator comma\n"
        "set datafile columnheaders\n"
        "# Rows of other metrics give NaN below: treat them as missing, so that a\n"
        "# line joins the rows of its own metric.\n"
        "set datafile missing NaN\n"
        "\n"
        "# caseload runs this with -e \"staging='TAG'\": each chart is then drawn under\n"
        "# a hidden temporary name and renamed into place when every chart is done.\n"
        "if (!exists(\"staging\")) staging = \"\"\n"
        "chart(name) = staging eq \"\" ? name : \".\".name.\".\".staging.\".tmp\"\n"
        "\n"
        "png = \"set terminal pngcairo size %d,%d noenhanced font '%s' linewidth %s\"\n"
        "svg = \"set terminal svg size %d,%d dynamic noenhanced font '%s' linewidth %s background '#ffffff'\"\n"
        "\n"
        "set border 3\n"
        "set tics nomirror out\n"
        "set grid ytics lc rgb '#dddddd' lt 1\n"
        "# The plot area is fixed, so that panels line up; the key sits to its right.\n"
        "set key at screen %.2f, graph 1 left top vertical Left reverse samplen 3 spacing 1.3\n"
        "set lmargin at screen %.2f\n"
        "set rmargin at screen %.2f\n"
        "band90 = 0.15   # opacity of the band holding the middle 90%% of replications\n"
        "band50 = 0.30   # and of the middle 50%%\n",
        about, sources, PLOT_WIDTH, PLOT_HEIGHT, PLOT_WIDTH, PLOT_HEIGHT, PLOT_FONT, PLOT_LINE_SCALE,
        PLOT_WIDTH, PLOT_HEIGHT, PLOT_FONT, PLOT_LINE_SCALE, right + PLOT_KEY_GAP, PLOT_LEFT, right);
}

/* The x axis format for the dates covered. */
static const char *time_format(const struct plot_run_facts *f)
{
    return f->days <= PLOT_SHORT_DAYS ? "%d %b\\n%Y" : "%b\\n%Y";
}

void gp_time_axis(struct gp *g, const struct plot_run_facts *f, const char *indent)
{
    gp_printf(g,
        "%sset xdata time\n"
        "%sset timefmt \"%%Y-%%m-%%d\"\n"
        "%sset format x \"%s\"\n"
        "%sset xtics autofreq\n"
        "%sset xrange [*:*] noextend\n",
        indent, indent, indent, time_format(f), indent, indent);
}

void gp_setting(struct gp *g, const char *cmd, const char *fmt, ...)
{
    char text[PLOT_TEXT_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    gp_printf(g, GP_INDENT "%s ", cmd);
    gp_quoted(g, text);
    gp_printf(g, "\n");
}

void gp_series(struct plot_cmd *p, const char *fmt, ...)
{
    gp_printf(p->g, p->n++ ? ", \\\n" GP_INDENT "     " : GP_INDENT "plot ");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(p->g->f, fmt, ap);
    va_end(ap);
}

void gp_plot_done(struct plot_cmd *p)
{
    if (p->n == 0) {
        /* Nothing to draw (every series zero or absent: a service with no
         * staff has no workforce layers): an empty frame saying so. A plot
         * command there must be, or gnuplot would write an empty file. */
        gp_printf(p->g,
                  GP_INDENT "set label %d \"nothing to draw: every value here is zero or missing\" "
                  "at graph 0.5, graph 0.5 center\n"
                  GP_INDENT "unset xtics\n" GP_INDENT "unset ytics\n"
                  GP_INDENT "plot [0:1] [0:1] 2 notitle   # off the frame: no line\n"
                  GP_INDENT "unset label %d\n"
                  GP_INDENT "set xtics nomirror out autofreq\n" GP_INDENT "set ytics nomirror out autofreq\n",
                  GP_NOTE_LABEL, GP_NOTE_LABEL);
        return;
    }
    gp_printf(p->g, "\n");
    p->n = 0;
}

const char *gp_column(char buf[PLOT_EXPR_SIZE], const char *name, const char *scale)
{
    if (scale)
        snprintf(buf, PLOT_EXPR_SIZE, "(column(\"%s\")/%s)", name, scale);
    else
        snprintf(buf, PLOT_EXPR_SIZE, "\"%s\"", name);
    return buf;
}

void gp_loop_begin(struct gp *g)
{
    gp_printf(g, "\ndo for [ext in \"");
    for (size_t i = 0; i < PLOT_FORMATS; i++)
        gp_printf(g, "%s%s", i ? " " : "", plot_formats[i]);
    gp_printf(g, "\"] {\n" GP_INDENT "eval(ext eq \"png\" ? png : svg)\n");
}

void gp_loop_end(struct gp *g)
{
    gp_printf(g, "}\n");
}

void gp_chart_begin(struct gp *g, const char *name, const char *comment)
{
    CHECK(g->charts && g->charts->n < PLOT_MAX_CHARTS && strlen(name) < PLOT_NAME_SIZE);
    strcpy(g->charts->name[g->charts->n++], name);
    gp_printf(g, "\n" GP_INDENT "# ---- %s: %s\n", name, comment);
    gp_printf(g, GP_INDENT "set output chart(\"%s.\".ext)\n", name);
}

void gp_chart_end(struct gp *g)
{
    gp_printf(g, GP_INDENT "unset output\n");
}

/* ---- the text chart ---- */

/* Tics of the dumb terminal's time axis: few enough for their labels to
 * fit in width characters. Years on long horizons, months on short ones;
 * a tic falls on the 2nd of its month so that the drift of a fixed step in
 * seconds never moves it into the month before. */
static void dumb_time_tics(struct gp *g, const struct plot_run_facts *f, int width)
{
    struct date first;
    CHECK(date_parse(f->first, &first));
    int room = width > DUMB_MARGIN ? width - DUMB_MARGIN : 1;
    double years = (double)f->days / DAYS_PER_YEAR;
    if (years >= 2) {
        long most = room / DUMB_YEAR_LABEL;
        long step = (long)ceil(years / (double)(most > 0 ? most : 1));
        if (step < 1)
            step = 1;
        struct date start = { first.year + 1, 1, 2 };
        char text[DATE_TEXT_SIZE];
        date_format(start, text);
        gp_printf(g, "set format x \"%%Y\"\nset xtics \"%s\", %.0f\n", text,
                  (double)step * DAYS_PER_YEAR * SECONDS_PER_DAY);
        return;
    }
    static const int steps[] = { 1, 2, 3, 6, 12 };
    double months = (double)f->days / DAYS_PER_MONTH;
    long most = room / DUMB_MONTH_LABEL;
    int step = steps[sizeof steps / sizeof *steps - 1];
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        if (months / steps[i] <= (double)most) {
            step = steps[i];
            break;
        }
    }
    struct date start = date_add_months((struct date){ first.year, first.month, 2 }, 1);
    char text[DATE_TEXT_SIZE];
    date_format(start, text);
    gp_printf(g, "set format x \"%%b %%y\"\nset xtics \"%s\", %.0f\n", text,
              step * DAYS_PER_MONTH * SECONDS_PER_DAY);
}

char *plot_terminal_script(const struct plot_run_facts *f, int width, int height)
{
    if (!f->s[PLOT_M_UNALLOCATED].bands && !f->s[PLOT_M_UNALLOCATED].mean)
        return NULL;
    struct gp g;
    gp_begin(&g, NULL);
    const char *column = f->s[PLOT_M_UNALLOCATED].bands ? "p50" : "mean";
    char reps[64];
    gp_printf(&g,
        "set encoding utf8\n"
        "set datafile separator comma\n"
        "set datafile columnheaders\n"
        "set datafile missing NaN\n"
        "at(m) = strcol(\"metric\") eq m ? timecolumn(%d, \"%%Y-%%m-%%d\") : NaN\n"
        "set terminal dumb size %d,%d\n"
        "set border 3\n"
        "set tics nomirror scale 0\n"
        "unset key\n"
        "set xdata time\n"
        "set timefmt \"%%Y-%%m-%%d\"\n"
        "set xrange [*:*] noextend\n"
        "set yrange [0:*]\n",
        f->date_column, width, height);
    dumb_time_tics(&g, f, width);
    gp_printf(&g, "set title ");
    char title[512];
    snprintf(title, sizeof title, "%s: unallocated cases, %s of %s", f->scenario,
             strcmp(column, "p50") == 0 ? "median" : "mean", plot_reps_text(reps, sizeof reps, f->reps));
    gp_quoted(&g, title);
    gp_printf(&g, "\nplot 'summary.csv' using (at(\"%s\")):\"%s\" with lines\n",
              plot_metric_name(PLOT_M_UNALLOCATED), column);
    return gp_end(&g);
}
