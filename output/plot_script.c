#include "output/plot_script.h"

#include "output/compare.h"
#include "sim/check.h"
#include "sim/diag.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *const plot_formats[PLOT_FORMATS] = { "png", "svg" };

/* Colours by scenario, in comparison order (Okabe and Ito's palette, safe
 * for colour-blind readers; its yellow, too light on white, left out), and
 * dash types and point types that tell them apart in grey. The three
 * cycles have coprime lengths (8, 5 and, for the point types, the dash's
 * cycle shifted every 40th), so no two of the first PLOT_DISTINCT
 * scenarios share colour, dash and point. */
static const char *const scenario_colours[] = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#7F7F7F",
};
static const int scenario_dashes[] = { 1, 2, 4, 5, 3 };
/* gnuplot's point types: filled circle, triangle, square, diamond, open circle,
 * open triangle, open square */
static const int scenario_points[] = { 7, 9, 5, 13, 6, 8, 4 };

#define N_COLOURS (sizeof scenario_colours / sizeof *scenario_colours)
#define N_DASHES (sizeof scenario_dashes / sizeof *scenario_dashes)
#define N_POINTS (sizeof scenario_points / sizeof *scenario_points)

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
/* Texts longer than this many characters are set on two lines. */
#define PLOT_LINE_CHARS 80
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

int plot_point(size_t scenario)
{
    return scenario_points[scenario % N_POINTS];
}

void plot_param_label(const char *path, const char *descr, char *buf, size_t size)
{
    if (!descr || !*descr) {
        snprintf(buf, size, "%s", path);
        return;
    }
    /* SECTION.grades.NAME.x or SECTION.stages.NAME.x...: NAME */
    static const char *const lists[] = { ".grades.", ".stages." };
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
        const char *at = strstr(path, lists[i]);
        if (!at)
            continue;
        const char *name = at + strlen(lists[i]), *end = strchr(name, '.');
        int n = (int)(end ? end - name : 0);
        char own[PLOT_TEXT_SIZE];
        snprintf(own, sizeof own, "%s %.*s", i == 0 ? "grade" : "stage", n, name);
        if (end && end > name && !strstr(descr, own)) {
            snprintf(buf, size, "%s, %s %.*s", descr, i == 0 ? "grade" : "stage", (int)(end - name), name);
            return;
        }
    }
    snprintf(buf, size, "%s", descr);
}

void plot_horizon_text(const struct plot_run_facts *f, char *buf, size_t size)
{
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    struct date first, last;
    if (!date_parse(f->first, &first) || !date_parse(f->last, &last) || first.month < 1 || first.month > 12 ||
        last.month < 1 || last.month > 12) {
        snprintf(buf, size, "the horizon");
        return;
    }
    /* the first period ends a period after the start */
    double period = plot_period_days(f);
    double years = ((double)f->days + period) / DAYS_PER_YEAR;
    snprintf(buf, size, "%s %d to %s %d (%.2g year%s)", months[first.month - 1], first.year, months[last.month - 1],
             last.year, years, fabs(years - 1) < 0.05 ? "" : "s");
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

double plot_period_days(const struct plot_run_facts *f)
{
    return f->periods > 1 ? (double)f->days / (double)(f->periods - 1) : DAYS_PER_MONTH;
}

void plot_dates_widened(const struct plot_run_facts *f, char from[DATE_TEXT_SIZE], char to[DATE_TEXT_SIZE])
{
    long period = lround(plot_period_days(f));
    struct date first, last;
    CHECK(date_parse(f->first, &first) && date_parse(f->last, &last));
    date_format(date_from_days(date_to_days(first) - period), from);
    /* a day past the last period end, no further than the last date that
     * can be written (9999-12-31) */
    long end = date_to_days((struct date){ DATE_MAX_YEAR, 12, 31 });
    date_format(date_from_days(date_to_days(last) + 1 < end ? date_to_days(last) + 1 : end), to);
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
    for (const unsigned char *p = (const unsigned char *)text; *p;) {
        size_t n = diag_utf8_length(p);
        if (*p == '\'' || *p == '"' || *p == '`' || *p == '@')
            fprintf(g->f, "'.\"\\%03o\".'", *p);   /* close, the character in octal, reopen */
        else if (n == 0)
            fputc('?', g->f);
        else if (*p < ' ' || *p == 0x7F)
            fputc(' ', g->f);
        else
            fwrite(p, 1, n, g->f);
        p += n ? n : 1;
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

void gp_preamble(struct gp *g, const char *about, const char *scenario, const char *sources,
                 const char *const *keys, size_t n_keys)
{
    size_t longest = 0;
    for (size_t i = 0; i < n_keys; i++)
        if (plot_text_chars(keys[i]) > longest)
            longest = plot_text_chars(keys[i]);
    double key = (double)(longest + PLOT_KEY_SAMPLE_CHARS) * PLOT_CHAR_PX / PLOT_WIDTH;
    double right = 1 - key - PLOT_KEY_GAP;
    right = right < PLOT_RIGHT_MIN ? PLOT_RIGHT_MIN : right > PLOT_RIGHT_MAX ? PLOT_RIGHT_MAX : right;
    gp_printf(g, "# plots.gp — %s", about);
    if (scenario) {
        gp_printf(g, " of scenario ");
        gp_quoted(g, scenario);
    }
    gp_printf(g, " in this folder\n"
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
        sources, PLOT_WIDTH, PLOT_HEIGHT, PLOT_WIDTH, PLOT_HEIGHT, PLOT_FONT, PLOT_LINE_SCALE,
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
    /* A long text on two lines, broken after the ", " nearest its middle
     * (gnuplot does not wrap, and a long title runs off the picture). */
    size_t len = strlen(text), best = 0;
    if (plot_text_chars(text) > PLOT_LINE_CHARS)
        for (const char *c = strstr(text, ", "); c; c = strstr(c + 1, ", ")) {
            size_t at = (size_t)(c - text);
            if (best == 0 || (at > len / 2 ? at - len / 2 : len / 2 - at) < (best > len / 2 ? best - len / 2 : len / 2 - best))
                best = at;
        }
    if (best > 0) {
        text[best] = '\0';
        gp_quoted(g, text);
        gp_printf(g, ".\"\\n\".");
        gp_quoted(g, text + best + 2);
    } else {
        gp_quoted(g, text);
    }
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
    CHECK(g->charts && g->charts->n < PLOT_MAX_CHARTS && strlen(name) < PLOT_NAME_SIZE && *name &&
          strspn(name, GP_NAME_CHARS) == strlen(name));
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
        "set terminal dumb size %d,%d noenhanced\n"
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

/* ---- the check that a script can only draw (gp_script_inert) ---- */

/* The data files a script may read, the one definition of summary(i), and
 * the one line that evaluates a string (the terminal of each format). */
static const char *const data_files[] = { "'summary.csv'", "'compare.csv'", "'sweep.csv'", "'tornado.csv'",
                                          "'fit_survival.csv'", "'fit_referrals.csv'",
                                          "'" PLOT_COMPARE_YEARS_CSV "'", "'" PLOT_DIFFERENCES_CSV "'", "'forecast.csv'" };
#define SUMMARY_DEFINITION "summary(i) = sprintf('" COMPARE_FOLDER_PREFIX "%d/summary.csv', i)"
#define EVAL_LINE "eval(ext eq \"png\" ? png : svg)"
/* Data sources that are no file: arrays and key entries. */
static const char *const data_words[] = { "keyentry", "days" };
/* What set and unset may change (full words: gnuplot's abbreviations are
 * not used), and the words that end a coordinate rather than a series. */
static const char *const set_options[] = {
    "encoding", "datafile", "border", "tics", "grid", "key", "lmargin", "rmargin", "bmargin", "tmargin",
    "title", "xlabel", "ylabel", "cblabel", "xrange", "yrange", "cbrange", "xdata", "timefmt", "format",
    "xtics", "ytics", "multiplot", "boxwidth", "arrow", "label", "object", "palette", "offsets",
    "xzeroaxis", "yzeroaxis", "output", "terminal", "style", "colorbox",
};
static const char *const coordinate_words[] = { "char", "graph", "screen", "first", "second" };

enum tok_kind { TOK_END, TOK_WORD, TOK_NUMBER, TOK_STRING, TOK_PUNCT };

/* One logical line being read as gnuplot's scanner reads it. */
struct lexer {
    const char *line;       /* NUL-terminated */
    size_t pos;
    enum tok_kind kind;
    size_t start, len;      /* the current token */
    const char *bad;        /* why not inert, once known */
};

static bool word_in(const char *w, size_t n, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(list[i]) == n && strncmp(list[i], w, n) == 0)
            return true;
    return false;
}
#define WORD_IN(lx, list) word_in((lx)->line + (lx)->start, (lx)->len, list, sizeof list / sizeof *list)

static bool is_word(const struct lexer *lx, const char *w)
{
    return lx->kind == TOK_WORD && strlen(w) == lx->len && strncmp(lx->line + lx->start, w, lx->len) == 0;
}

static bool is_punct(const struct lexer *lx, char c)
{
    return lx->kind == TOK_PUNCT && lx->line[lx->start] == c;
}

/* The next token; a comment ends the line. */
static void lex(struct lexer *lx)
{
    const char *s = lx->line;
    while (s[lx->pos] == ' ' || s[lx->pos] == '\t')
        lx->pos++;
    lx->start = lx->pos;
    unsigned char c = (unsigned char)s[lx->pos];
    if (c == '\0' || c == '#') {
        lx->kind = TOK_END;
        lx->len = 0;
        return;
    }
    if (c == '\'' || c == '"') {
        size_t p = lx->pos + 1;
        for (; s[p] && s[p] != (char)c; p++) {
            if (c == '"' && s[p] == '`')
                lx->bad = "a backquote (a shell command) inside a double-quoted string";
            if (c == '"' && s[p] == '\\' && s[p + 1])
                p++;
        }
        if (!s[p])
            lx->bad = "a string open at the end of the line";
        lx->kind = TOK_STRING;
        lx->pos = s[p] ? p + 1 : p;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
        while (s[lx->pos] && strchr(GP_NAME_CHARS, s[lx->pos]))
            lx->pos++;
        lx->kind = TOK_WORD;
    } else if ((c >= '0' && c <= '9') || (c == '.' && s[lx->pos + 1] >= '0' && s[lx->pos + 1] <= '9')) {
        while ((s[lx->pos] >= '0' && s[lx->pos] <= '9') || s[lx->pos] == '.' ||
               ((s[lx->pos] == 'e' || s[lx->pos] == 'E' || s[lx->pos] == 'x' || s[lx->pos] == 'X') && lx->pos > lx->start) ||
               (s[lx->pos] >= 'a' && s[lx->pos] <= 'f' && lx->pos > lx->start + 1 && (s[lx->start + 1] | 0x20) == 'x') ||
               (s[lx->pos] >= 'A' && s[lx->pos] <= 'F' && lx->pos > lx->start + 1 && (s[lx->start + 1] | 0x20) == 'x') ||
               ((s[lx->pos] == '-' || s[lx->pos] == '+') && (s[lx->pos - 1] | 0x20) == 'e'))
            lx->pos++;
        lx->kind = TOK_NUMBER;
    } else if (c < ' ' || c >= 0x7F) {
        lx->bad = "a character that is no part of gnuplot's syntax outside strings";
        lx->kind = TOK_PUNCT;
        lx->pos++;
    } else {
        lx->kind = TOK_PUNCT;
        lx->pos++;
    }
    lx->len = lx->pos - lx->start;
    /* a function that runs a command, anywhere in an expression */
    if (lx->kind == TOK_WORD && is_word(lx, "system"))
        lx->bad = "system (a shell command)";
}

/* Whether the current token ends a command (at depth 0). */
static bool command_end(const struct lexer *lx)
{
    return lx->kind == TOK_END || is_punct(lx, ';') || is_punct(lx, '}') || is_punct(lx, '{');
}

/* Skip to the end of the command, over brackets of any depth. With series
 * (a plot command), stop after a comma outside brackets that starts the
 * next series (not a number or coordinate: "offset char 1, 0") and return
 * true, the series' first token current. */
static bool skip_command(struct lexer *lx, bool series)
{
    int depth = 0;
    for (;;) {
        if (lx->bad)
            return false;
        if (depth == 0 && command_end(lx))
            return false;
        if (is_punct(lx, '(') || is_punct(lx, '['))
            depth++;
        else if (is_punct(lx, ')') || is_punct(lx, ']'))
            depth--;
        bool comma = depth == 0 && is_punct(lx, ',');
        lex(lx);
        if (comma && series && lx->kind != TOK_NUMBER && !is_punct(lx, '-') && !WORD_IN(lx, coordinate_words))
            return true;   /* the next series */
        if (lx->kind == TOK_END && depth == 0)
            return false;
    }
}

/* Skip a bracketed group starting at the current token ( or [. */
static void skip_group(struct lexer *lx)
{
    int depth = 0;
    do {
        if (is_punct(lx, '(') || is_punct(lx, '['))
            depth++;
        else if (is_punct(lx, ')') || is_punct(lx, ']'))
            depth--;
        lex(lx);
    } while (depth > 0 && lx->kind != TOK_END && !lx->bad);
}

/* The data sources of plot (series: several) or stats. */
static void check_sources(struct lexer *lx, bool series)
{
    do {
        while (is_word(lx, "for")) {
            lex(lx);
            if (!is_punct(lx, '[')) {
                lx->bad = "for without [ ]";
                return;
            }
            skip_group(lx);
        }
        /* ranges before the sources: [lo:hi] of constants (the lexer has
         * already refused system and every backquote) */
        while (is_punct(lx, '['))
            skip_group(lx);
        if (lx->kind == TOK_NUMBER) {
            lex(lx);   /* a constant function: an empty frame's placeholder */
        } else if (lx->kind == TOK_STRING) {
            if (!WORD_IN(lx, data_files)) {
                lx->bad = "a data file that is not one of the folder's CSV files";
                return;
            }
            lex(lx);
        } else if (is_word(lx, "summary")) {
            lex(lx);
            if (!is_punct(lx, '(')) {
                lx->bad = "summary without its argument";
                return;
            }
            skip_group(lx);
        } else if (lx->kind == TOK_WORD && WORD_IN(lx, data_words)) {
            lex(lx);
        } else {
            lx->bad = "a data source that is not constant";
            return;
        }
    } while (skip_command(lx, series));
}

/* What a check of part of a command leaves: refused (lx->bad says why),
 * done (the command is consumed; refused if lx->bad), or the rest of the
 * command to skip as a plain one. */
enum cmd_check { CMD_REFUSED, CMD_DONE, CMD_REST };

/* set output chart("NAME.".ext), from "output"; lx->bad when it is not. */
static void check_output(struct lexer *lx)
{
    lex(lx);
    bool ok = is_word(lx, "chart");
    lex(lx);
    ok = ok && is_punct(lx, '(');
    lex(lx);
    const char *name = lx->line + lx->start;
    /* (a string token has at least its opening quote before the
     * line's end; any other token may be the end itself) */
    size_t n = lx->kind == TOK_STRING ? strspn(name + 1, GP_NAME_CHARS) : 0;
    ok = ok && lx->kind == TOK_STRING && name[0] == '"' && n > 0 && lx->len == n + 3 &&
         name[n + 1] == '.' && name[n + 2] == '"';
    lex(lx);
    ok = ok && is_punct(lx, '.');
    lex(lx);
    ok = ok && is_word(lx, "ext");
    lex(lx);
    ok = ok && is_punct(lx, ')');
    lex(lx);
    if (!ok || !command_end(lx))
        lx->bad = "an output file that is not chart(\"NAME.\".ext)";
}

/* set or unset, from its first word: only the options a script changes,
 * the output only as chart(...), the terminal only dumb. */
static enum cmd_check check_set(struct lexer *lx)
{
    bool set = is_word(lx, "set");
    lex(lx);
    if (lx->kind != TOK_WORD || !WORD_IN(lx, set_options)) {
        lx->bad = "set or unset of something a script does not change";
        return CMD_REFUSED;
    }
    if (set && is_word(lx, "output")) {
        check_output(lx);
        return CMD_DONE;
    }
    if (set && is_word(lx, "terminal")) {
        lex(lx);
        if (!is_word(lx, "dumb"))
            lx->bad = "a terminal other than dumb outside the format strings";
    }
    return CMD_REST;
}

/* eval: only the constant line that applies the terminal settings. */
static enum cmd_check check_eval(struct lexer *lx)
{
    size_t from = lx->start;
    while (from > 0 && (lx->line[from - 1] == ' ' || lx->line[from - 1] == '\t'))
        from--;
    if (from != 0 || strncmp(lx->line + lx->start, EVAL_LINE, strlen(EVAL_LINE)) != 0 ||
        lx->line[lx->start + strlen(EVAL_LINE)] != '\0') {
        lx->bad = "eval of something other than the terminal settings";
        return CMD_REFUSED;
    }
    lx->pos = lx->start + strlen(EVAL_LINE);
    lex(lx);
    return CMD_DONE;
}

/* if (CONDITION) COMMAND or {, do for [RANGE] {: the head only. */
static enum cmd_check check_if_do(struct lexer *lx)
{
    bool cond = is_word(lx, "if");
    lex(lx);
    if (!cond) {
        if (!is_word(lx, "for")) {
            lx->bad = "do without for";
            return CMD_REFUSED;
        }
        lex(lx);
    }
    if (!is_punct(lx, cond ? '(' : '[')) {
        lx->bad = "if or do without its condition or range";
        return CMD_REFUSED;
    }
    skip_group(lx);
    if (!cond && !is_punct(lx, '{'))
        lx->bad = "do for without a block";
    return CMD_DONE;
}

/* A command that starts with a word, from it. */
static enum cmd_check check_word_command(struct lexer *lx)
{
    if (is_word(lx, "set") || is_word(lx, "unset"))
        return check_set(lx);
    if (is_word(lx, "plot") || is_word(lx, "stats")) {
        bool series = is_word(lx, "plot");
        lex(lx);
        check_sources(lx, series);
        return CMD_DONE;
    }
    if (is_word(lx, "eval"))
        return check_eval(lx);
    if (is_word(lx, "summary") && lx->line[lx->pos] == '(') {
        if (strcmp(lx->line, SUMMARY_DEFINITION) != 0) {
            lx->bad = "a definition of summary(i) other than the constant one";
            return CMD_REFUSED;
        }
        lx->pos = strlen(lx->line);
        lex(lx);
        return CMD_DONE;
    }
    if (is_word(lx, "if") || is_word(lx, "do"))
        return check_if_do(lx);
    if (!is_word(lx, "array")) {
        /* an assignment: NAME = ..., NAME(args) = ..., NAME[i] = ... */
        lex(lx);
        if (is_punct(lx, '(') || is_punct(lx, '['))
            skip_group(lx);
        if (!is_punct(lx, '=')) {
            lx->bad = "a command a script does not use";
            return CMD_REFUSED;
        }
    }
    return CMD_REST;
}

/* One command, from its first token; false when the line ends. */
static bool check_command(struct lexer *lx)
{
    if (lx->kind == TOK_END)
        return false;
    if (is_punct(lx, ';') || is_punct(lx, '{') || is_punct(lx, '}')) {
        lex(lx);
        if (is_word(lx, "else"))
            lex(lx);
        return true;
    }
    if (is_punct(lx, '!')) {
        lx->bad = "a ! command (a shell command)";
        return false;
    }
    if (lx->kind != TOK_WORD) {
        lx->bad = "a command that does not start with a word";
        return false;
    }
    switch (check_word_command(lx)) {
    case CMD_REFUSED: return false;
    case CMD_DONE: return !lx->bad;
    case CMD_REST: break;
    }
    lex(lx);
    skip_command(lx, false);
    return !lx->bad;
}

bool gp_script_inert(const char *text, char *why, size_t size)
{
    size_t cap = strlen(text) + 1;
    char *line = check_malloc(cap);
    long number = 1;
    const char *bad = NULL;
    long bad_line = 0;
    for (const char *p = text; *p && !bad;) {
        /* a logical line: physical lines joined where one ends in \ */
        size_t n = 0;
        long first = number;
        bool in_comment = false;
        for (;;) {
            const char *end = strchr(p, '\n');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            for (size_t i = 0; i < len && !bad; i++) {
                if ((unsigned char)p[i] < ' ' && p[i] != '\t')
                    bad = "a control character";
                /* anywhere, even in a string or a comment: gnuplot expands
                 * macros before it knows where strings are */
                else if (p[i] == '@')
                    bad = "an @ (a macro)";
                else if (p[i] == '`')
                    bad = "a backquote (a shell command)";
            }
            /* a comment (from a # outside strings) continued by \ swallows the next line */
            char quote = 0;
            for (size_t i = 0; i < len && !in_comment; i++) {
                if (quote) {
                    if (quote == '"' && p[i] == '\\')
                        i++;
                    else if (p[i] == quote)
                        quote = 0;
                } else if (p[i] == '\'' || p[i] == '"') {
                    quote = p[i];
                } else if (p[i] == '#') {
                    in_comment = true;
                }
            }
            bool more = len > 0 && p[len - 1] == '\\' && end;
            if (more && in_comment && !bad)
                bad = "a comment continued onto the next line";
            memcpy(line + n, p, more ? len - 1 : len);
            n += more ? len - 1 : len;
            p += len + (end ? 1 : 0);
            number++;
            if (!more || bad)
                break;
        }
        line[n] = '\0';
        if (bad) {
            bad_line = first;
            break;
        }
        struct lexer lx = { line, 0, TOK_END, 0, 0, NULL };
        lex(&lx);
        while (!lx.bad && check_command(&lx))
            ;
        if (lx.bad) {
            bad = lx.bad;
            bad_line = first;
        }
    }
    free(line);
    if (bad)
        snprintf(why, size, "line %ld: %s", bad_line, bad);
    return !bad;
}
