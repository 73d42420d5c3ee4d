/* plot_sweep.c — the scripts of the charts of a sweep folder (a KPI against
 * one lever, or over the grid of two) and of a tornado folder. */
#include "output/plot_script.h"

#include "sim/check.h"

#include <math.h>
#include <string.h>

#define SWEEP "'sweep.csv'"
#define TORNADO "'tornado.csv'"

/* The scenario's own values (a dashed line; on a heat map a frame or ring,
 * white outside black), and the two settings of a tornado's parameters
 * (Okabe and Ito's blue and orange, as integers for `lc rgb variable`). */
#define COLOUR_BASE "#000000"
#define COLOUR_FRAME "#FFFFFF"
#define COLOUR_LOW "0x0072B2"
#define COLOUR_HIGH "0xE69F00"

/* The longest key titles. */
#define KEY_MEAN "mean"
#define KEY_CI "95% confidence interval"
#define KEY_RANGE "middle 90% of replications"
#define KEY_BASE "the scenario's value"
#define KEY_BASE_ALL "the scenario's values"
/* Room for the key titles of a tornado's two settings. */
#define KEY_SETTING_SIZE 64
/* Room for a lever's value with its unit (a longer unit is cut short). */
#define PLOT_VALUE_SIZE 128

/* The unit that makes a KPI money, shown in £, £k or £m. */
#define UNIT_MONEY "£"
/* KPIs in other units as large as this are shown in thousands or millions
 * (numbers of five digits and more). */
#define COUNT_SCALE_FROM 1e4

/* Heat maps label their cells with the values up to this many cells a side;
 * labels on the darker part of the palette (below this share of the colour
 * range) are white. */
#define HEAT_LABELS_MAX 12
#define HEAT_DARK 0.5
/* The colour box's label, moved right past its tick labels (characters). */
#define CB_LABEL_OFFSET 2
/* The ring round the scenario's own values when they fall between cells:
 * its radius, a screen fraction. */
#define HEAT_RING 0.015
/* The palette: viridis (dark blue to yellow, readable in grey and by
 * colour-blind readers), as gnuplot colour stops. */
#define HEAT_PALETTE "0 '#440154', 1 '#3B528B', 2 '#21918C', 3 '#5EC962', 4 '#FDE725'"

/* A tornado's bars fill this share of their row; up to this many bars their
 * tick labels give the setting's range on a second line. */
#define BAR_FILL 0.7
#define BAR_TWO_LINES_MAX 12
/* The tick labels' room: parameter paths are wider than average text (about
 * 10.1 pixels a character in the charts' font, measured), plus a gap, in
 * characters; the left margin stays within these bounds (screen fractions). */
#define TICK_CHAR_PX 10.5
/* A parameter's words on a tick label are broken at spaces into lines of
 * at most this many characters: two lines up to TICK_WRAP_MAX bars (rows
 * are then tall enough for three with the range), else one; what does not
 * fit is cut short with an ellipsis. */
#define TICK_LINE_CHARS 44
#define TICK_WRAP_MAX 10
#define TICK_MAX_LINES 2
#define TICK_PAD_CHARS 2
#define TORNADO_LEFT_MAX 0.45
#define TORNADO_RIGHT 0.95
/* Share of the bars' span left free at each end, and room for the label
 * of the swing right of a bar, in characters ("swing +1234"). */
#define TORNADO_MARGIN 0.05
#define SWING_LABEL_CHARS 13

/* A number in a few characters: three or four significant digits, three
 * decimals below 1, one significant digit below 0.01 (about nothing). */
#define SHORT_TEXT \
    "short_text(v) = v == 0 ? \"0\" : abs(v) >= 100 ? sprintf(\"%.0f\", v) : abs(v) >= 10 ? sprintf(\"%.1f\", v) : \\\n" \
    "                abs(v) >= 1 ? sprintf(\"%.2f\", v) : abs(v) >= 0.01 ? sprintf(\"%.3f\", v) : sprintf(\"%.1g\", v)\n"

/* How a KPI axis shows its values. */
struct kpi_axis {
    double divisor;
    const char *scale;              /* divisor as the script writes it; NULL: none */
    char label[PLOT_TEXT_SIZE];     /* "unallocated cases, time average over the horizon (cases)",
                                       "total cost over the horizon (£m)" */
};

/* The KPI in plain words: the registry's description the manifest records,
 * else (an older folder) its name. */
static const char *kpi_words(const char *name, const char *descr)
{
    return descr && *descr ? descr : name;
}

static void kpi_axis(struct kpi_axis *a, const char *name, const char *unit, double min, double max)
{
    double big = fmax(fabs(min), fabs(max));
    bool money = strcmp(unit, UNIT_MONEY) == 0;
    struct plot_scale sc = plot_scale_for(money || big >= COUNT_SCALE_FROM ? big : 0);
    a->divisor = sc.divisor;
    a->scale = sc.divisor != 1 ? sc.literal : NULL;
    const char *words = sc.divisor >= 1e6 ? "millions" : "thousands";
    if (money)
        snprintf(a->label, sizeof a->label, "%s (%s)", name, sc.money);
    else if (a->scale)
        snprintf(a->label, sizeof a->label, "%s (%s%s%s)", name, unit, *unit ? ", " : "", words);
    else if (*unit)
        snprintf(a->label, sizeof a->label, "%s (%s)", name, unit);
    else
        snprintf(a->label, sizeof a->label, "%s", name);
}

/* What follows an amount of money in scale sc: "m", "k" or nothing. */
static const char *money_suffix(struct plot_scale sc)
{
    return sc.divisor >= 1e6 ? "m" : sc.divisor >= 1e3 ? "k" : "";
}

/* "110 FTE" */
static void value_text(const struct plot_lever *l, double v, char *buf, size_t size)
{
    snprintf(buf, size, "%g%s%s", v, *l->unit ? " " : "", l->unit);
}

/* The lever in plain words: the registry's description the manifest
 * records, else (an older folder) its parameter's path. */
static const char *lever_words(const struct plot_lever *l)
{
    return l->descr && *l->descr ? l->descr : l->parameter;
}

/* "funded posts (full-time equivalent) (FTE)" */
static void lever_label(const struct plot_lever *l, char *buf, size_t size)
{
    if (*l->unit)
        snprintf(buf, size, "%s (%s)", lever_words(l), l->unit);
    else
        snprintf(buf, size, "%s", lever_words(l));
}

/* What a title says of the span and of money: ", 5 years from Apr 2024"
 * (nothing when the manifest does not say) and, for a KPI in £, whether it
 * is cash (not discounted) or discounted to present value. */
static const char *span_words(char *buf, size_t size, const char *horizon, const char *unit, bool discounted)
{
    bool money = unit && strcmp(unit, UNIT_MONEY) == 0;
    horizon = horizon ? horizon : "";
    snprintf(buf, size, "%s%s%s", *horizon ? ", " : "", horizon,
             !money ? "" : discounted ? ", discounted to present value" : ", in cash (not discounted)");
    return buf;
}

static const char *scenario_name(const char *scenario, const char *fallback)
{
    return *scenario ? scenario : fallback;
}

/* ", 30 replications per point" ("" when unknown), and " (partial)" for a
 * sweep stopped before its last point, into buf. */
static const char *per_point(char *buf, size_t size, size_t reps, bool partial)
{
    char text[64];
    snprintf(buf, size, "%s%s%s%s", reps ? ", " : "", reps ? plot_reps_text(text, sizeof text, reps) : "",
             reps ? " per point" : "", partial ? " (partial)" : "");
    return buf;
}

/* Statistic stat of KPI k (column "backlog_mean_p05"), scaled, as an
 * expression (in parentheses, so also a `using` entry). */
static const char *kpi_column(char buf[PLOT_EXPR_SIZE], const struct plot_sweep_kpi *k, const char *stat,
                              const char *scale)
{
    snprintf(buf, PLOT_EXPR_SIZE, "(column(\"%s_%s\")%s%s)", k->name, stat, scale ? "/" : "", scale ? scale : "");
    return buf;
}

/* ---- one lever: curves ---- */

static void chart_curve(struct gp *g, const struct plot_sweep_facts *f, const struct plot_sweep_kpi *k,
                        const char *reps)
{
    if (!k->name || !k->mean)
        return;
    struct kpi_axis a;
    kpi_axis(&a, kpi_words(k->name, k->descr), k->unit, k->min, k->max);
    const struct plot_lever *x = &f->lever[0];
    char name[PLOT_NAME_SIZE], label[PLOT_TEXT_SIZE], span[PLOT_TEXT_SIZE / 4];
    snprintf(name, sizeof name, "sweep_%s", k->name);
    gp_chart_begin(g, name, "the mean at each point, over its 95% confidence interval and the middle 90% of replications");
    gp_setting(g, "set title", "%s: %s against %s%s%s", scenario_name(f->scenario, "sweep"),
               kpi_words(k->name, k->descr), lever_words(x), span_words(span, sizeof span, f->horizon, k->unit,
                                                                        k->discounted), reps);
    lever_label(x, label, sizeof label);
    gp_setting(g, "set xlabel", "%s", label);
    gp_setting(g, "set ylabel", "%s", a.label);
    gp_printf(g, GP_INDENT "set yrange [%s:*]\n", k->floor >= 0 ? "0" : "*");
    bool base = x->has_base && x->base >= x->min && x->base <= x->max;
    if (base)
        gp_printf(g, GP_INDENT "set arrow 1 from %.10g, graph 0 to %.10g, graph 1 nohead lw 1.5 dt 2 lc rgb '%s' back\n",
                  x->base, x->base, COLOUR_BASE);
    struct plot_cmd p = { g, 0 };
    char lo[PLOT_EXPR_SIZE], hi[PLOT_EXPR_SIZE], mean[PLOT_EXPR_SIZE];
    if (k->range)
        gp_series(&p, SWEEP " using (column(lever_x)):%s:%s with filledcurves fs transparent solid band90 noborder lc rgb colour title \"%s\"",
                  kpi_column(lo, k, "p05", a.scale), kpi_column(hi, k, "p95", a.scale), KEY_RANGE);
    if (k->ci)
        gp_series(&p, SWEEP " using (column(lever_x)):%s:%s with filledcurves fs transparent solid bandci noborder lc rgb colour title \"%s\"",
                  kpi_column(lo, k, "ci_low", a.scale), kpi_column(hi, k, "ci_high", a.scale), KEY_CI);
    gp_series(&p, SWEEP " using (column(lever_x)):%s with linespoints pt 7 ps 1.2 lw 2 lc rgb colour title \"%s\"",
              kpi_column(mean, k, "mean", a.scale), KEY_MEAN);
    if (base)
        gp_series(&p, "keyentry with lines lw 1.5 dt 2 lc rgb '%s' title \"%s\"", COLOUR_BASE, KEY_BASE);
    gp_plot_done(&p);
    if (base)
        gp_printf(g, GP_INDENT "unset arrow 1\n");
    gp_chart_end(g);
}

/* ---- two levers: heat maps ---- */

/* Whether v is one of lever l's values. */
static bool on_grid(const struct plot_lever *l, double v)
{
    for (size_t i = 0; i < l->values; i++)
        if (l->value[i] == v)
            return true;
    return false;
}

/* Tics at the values of lever l (its cells' centres) when there are few,
 * else wherever gnuplot puts them. */
static void lever_tics(struct gp *g, const char *axis, const struct plot_lever *l)
{
    if (l->values > HEAT_LABELS_MAX) {
        gp_printf(g, GP_INDENT "set %stics autofreq\n", axis);
        return;
    }
    gp_printf(g, GP_INDENT "set %stics (", axis);
    for (size_t i = 0; i < l->values; i++)
        gp_printf(g, "%s\"%.4g\" %.10g", i ? ", " : "", l->value[i], l->value[i]);
    gp_printf(g, ")\n");
}

/* Half a cell of lever l: half the widest step between its values (whole-
 * number levers are rounded, so steps differ by one; cells then overlap a
 * little rather than leave gaps). */
static double half_cell(const struct plot_lever *l)
{
    if (l->gap > 0)
        return l->gap / 2;
    return l->min != 0 ? fabs(l->min) / 2 : 0.5;
}

static void chart_heat(struct gp *g, const struct plot_sweep_facts *f, const struct plot_sweep_kpi *k,
                       const char *reps)
{
    if (!k->name || !k->mean)
        return;
    struct kpi_axis a;
    kpi_axis(&a, kpi_words(k->name, k->descr), k->unit, k->min, k->max);
    const struct plot_lever *x = &f->lever[0], *y = &f->lever[1];
    char name[PLOT_NAME_SIZE], label[PLOT_TEXT_SIZE], span[PLOT_TEXT_SIZE / 4];
    snprintf(name, sizeof name, "sweep_%s", k->name);
    gp_chart_begin(g, name, "the mean at each point of the grid of the two levers");
    char title[PLOT_TEXT_SIZE];
    snprintf(title, sizeof title, "%s: %s (the mean at each point)%s%s", scenario_name(f->scenario, "sweep"),
             kpi_words(k->name, k->descr), span_words(span, sizeof span, f->horizon, k->unit, k->discounted), reps);
    lever_label(x, label, sizeof label);
    gp_setting(g, "set xlabel", "%s", label);
    lever_label(y, label, sizeof label);
    gp_setting(g, "set ylabel", "%s", label);
    gp_setting(g, "set cblabel", "%s", a.label);
    /* clear of the colour box's tick labels, which gnuplot lets it cross */
    gp_printf(g, GP_INDENT "set cblabel offset char %d, 0\n", CB_LABEL_OFFSET);
    char mean[PLOT_EXPR_SIZE];
    kpi_column(mean, k, "mean", a.scale);
    bool labels = x->values <= HEAT_LABELS_MAX && y->values <= HEAT_LABELS_MAX;
    if (labels)   /* stats reads only what lies in the ranges: before they are set */
        gp_printf(g, GP_INDENT "set xrange [*:*]; set yrange [*:*]\n"
                     GP_INDENT "stats " SWEEP " using %s nooutput\n"
                     GP_INDENT "cb_low = STATS_min; cb_high = STATS_max\n", mean);
    double hx = half_cell(x), hy = half_cell(y);
    gp_printf(g,
        GP_INDENT "x_half = %.10g; y_half = %.10g   # half a cell\n"
        GP_INDENT "set xrange [%.10g:%.10g]\n"
        GP_INDENT "set yrange [%.10g:%.10g]\n",
        hx, hy, x->min - hx, x->max + hx, y->min - hy, y->max + hy);
    lever_tics(g, "x", x);
    lever_tics(g, "y", y);
    bool base = x->has_base && y->has_base && x->base >= x->min && x->base <= x->max && y->base >= y->min &&
                y->base <= y->max;
    if (base) {
        /* the scenario's own values: its cell framed when it is a point of
         * the grid, else a ring where they lie (white, and black inside:
         * seen on every colour); said so under the title */
        char xv[PLOT_VALUE_SIZE], yv[PLOT_VALUE_SIZE], note[PLOT_TEXT_SIZE];
        value_text(x, x->base, xv, sizeof xv);
        value_text(y, y->base, yv, sizeof yv);
        bool cell = on_grid(x, x->base) && on_grid(y, y->base);
        if (cell)
            gp_printf(g,
                GP_INDENT "set object 1 rect center %.10g, %.10g size %.10g, %.10g front fs empty border lc rgb '%s' lw 4\n"
                GP_INDENT "set object 2 rect center %.10g, %.10g size %.10g, %.10g front fs empty border lc rgb '%s' lw 1.5\n",
                x->base, y->base, 2 * hx, 2 * hy, COLOUR_FRAME, x->base, y->base, 2 * hx, 2 * hy, COLOUR_BASE);
        else
            gp_printf(g,
                GP_INDENT "set object 1 circle at %.10g, %.10g size screen %g front fs empty border lc rgb '%s' lw 4\n"
                GP_INDENT "set object 2 circle at %.10g, %.10g size screen %g front fs empty border lc rgb '%s' lw 1.5\n",
                x->base, y->base, HEAT_RING, COLOUR_FRAME, x->base, y->base, HEAT_RING, COLOUR_BASE);
        snprintf(note, sizeof note, "%s: the scenario's own values (%s, %s)", cell ? "framed" : "ringed", xv, yv);
        gp_printf(g, GP_INDENT "set title ");
        gp_quoted(g, title);
        gp_printf(g, ".\"\\n\".");
        gp_quoted(g, note);
        gp_printf(g, "\n");
    } else {
        gp_setting(g, "set title", "%s", title);
    }
    struct plot_cmd p = { g, 0 };
    gp_series(&p, SWEEP " using (column(lever_x)):(column(lever_y)):(x_half):(y_half):%s with boxxyerror lc palette fs solid 1 border notitle",
              mean);
    if (labels)
        gp_series(&p, SWEEP " using (column(lever_x)):(column(lever_y)):(short_text(%s)):(cell_ink(%s)) with labels tc rgb variable notitle",
                  mean, mean);
    gp_plot_done(&p);
    if (base)
        gp_printf(g, GP_INDENT "unset object 1; unset object 2\n");
    gp_chart_end(g);
}

char *plot_sweep_script(const struct plot_sweep_facts *f, struct plot_charts *charts)
{
    CHECK(f->n_levers >= 1 && f->n_levers <= PLOT_MAX_LEVERS && f->kpi.name);
    struct gp g;
    gp_begin(&g, charts);
    bool grid = f->n_levers == 2;
    static const char *const keys[] = { KEY_RANGE, KEY_CI, KEY_BASE };
    gp_preamble(&g, "charts of the sweep", *f->scenario ? f->scenario : NULL, "sweep.csv", keys, grid ? 0 : sizeof keys / sizeof *keys);
    gp_printf(&g,
        "\n"
        "# sweep.csv has one row per point: the value of each lever (a column named\n"
        "# by the parameter), then five columns per KPI: NAME_mean, NAME_ci_low and\n"
        "# NAME_ci_high (its 95%% confidence interval), NAME_p05 and NAME_p95 (the\n"
        "# middle 90%% of replications). The levers are read by column number\n"
        "# (gnuplot matches a header to a name only when it has no quote).\n"
        "lever_x = %d   # ", f->lever[0].column);
    gp_quoted(&g, f->lever[0].parameter);
    gp_printf(&g, "\n");
    if (grid) {
        gp_printf(&g, "lever_y = %d   # ", f->lever[1].column);
        gp_quoted(&g, f->lever[1].parameter);
        gp_printf(&g,
            "\n"
            "set palette defined (%s)\n"
            "# Cell labels are white on the darker cells.\n"
            "cell_ink(v) = cb_high > cb_low && (v - cb_low) < %g * (cb_high - cb_low) ? 0xFFFFFF : 0x000000\n",
            HEAT_PALETTE, HEAT_DARK);
    }
    gp_printf(&g, "%s", SHORT_TEXT);
    gp_printf(&g,
        "\n"
        "colour = '%s'\n"
        "bandci = 0.35   # opacity of the band of the 95%% confidence interval\n",
        plot_colour(0));
    gp_loop_begin(&g);
    gp_printf(&g, GP_INDENT "set xrange [*:*] noextend\n");
    if (grid)
        gp_printf(&g, GP_INDENT "unset key\n" GP_INDENT "unset grid\n" GP_INDENT "set tics front\n");
    else
        gp_printf(&g, GP_INDENT "set grid xtics ytics\n"
                      GP_INDENT "set offsets graph 0.02, graph 0.02, 0, 0   # end points clear of the axes\n");
    char reps[128];
    per_point(reps, sizeof reps, f->reps, f->partial);
    if (grid) {
        chart_heat(&g, f, &f->kpi, reps);
        chart_heat(&g, f, &f->cost, reps);
    } else {
        chart_curve(&g, f, &f->kpi, reps);
        chart_curve(&g, f, &f->cost, reps);
    }
    gp_loop_end(&g);
    return gp_end(&g);
}

/* ---- tornado ---- */

/* Bar i's parameter in plain words: the registry's description the
 * manifest records, else (an older folder) the parameter's path. */
static const char *bar_words(const struct plot_tornado_facts *f, size_t i)
{
    return f->descr && f->descr[i] && *f->descr[i] ? f->descr[i] : f->parameter[i];
}

/* A parameter's words as tick label lines. */
struct tick_text {
    char line[TICK_MAX_LINES][PLOT_TEXT_SIZE];
    size_t n;
};

/* The byte offset of character k of UTF-8 text s (its length when shorter). */
static size_t char_offset(const char *s, size_t k)
{
    size_t i = 0, n = 0;
    for (; s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && n++ == k)
            break;
    return i;
}

/* text broken at spaces into at most max lines of TICK_LINE_CHARS
 * characters (a word longer than a line is broken inside it), the last
 * cut short with an ellipsis when the text goes on. */
static void tick_wrap(const char *text, size_t max, struct tick_text *t)
{
    t->n = 0;
    for (const char *p = text; *p && t->n < max;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        char *out = t->line[t->n++];
        if (plot_text_chars(p) <= TICK_LINE_CHARS) {
            snprintf(out, PLOT_TEXT_SIZE, "%s", p);
            break;
        }
        size_t cut = char_offset(p, TICK_LINE_CHARS), sp = cut;
        while (sp > 0 && p[sp] != ' ')
            sp--;
        if (t->n == max) {
            size_t end = sp > 0 ? sp : char_offset(p, TICK_LINE_CHARS - 1);
            while (end > 0 && (p[end - 1] == ' ' || p[end - 1] == ','))
                end--;
            snprintf(out, PLOT_TEXT_SIZE, "%.*s\u2026", (int)end, p);
            break;
        }
        if (sp == 0)
            sp = cut;
        snprintf(out, PLOT_TEXT_SIZE, "%.*s", (int)sp, p);
        p += sp;
    }
}

/* The lines of bar i's words on its tick label. */
static void bar_tick(const struct plot_tornado_facts *f, size_t i, struct tick_text *t)
{
    tick_wrap(bar_words(f, i), f->bars <= TICK_WRAP_MAX ? TICK_MAX_LINES : 1, t);
}

/* The left margin, as a share of the width: room for the longest tick
 * label (the parameter, and under it its range when two_lines). */
static double tornado_left(const struct plot_tornado_facts *f, bool two_lines)
{
    size_t longest = 0;
    for (size_t i = 0; i < f->bars; i++) {
        struct tick_text t;
        bar_tick(f, i, &t);
        size_t n = 0;
        for (size_t l = 0; l < t.n; l++)
            if (plot_text_chars(t.line[l]) > n)
                n = plot_text_chars(t.line[l]);
        if (two_lines && plot_text_chars(f->range[i]) > n)
            n = plot_text_chars(f->range[i]);
        if (n > longest)
            longest = n;
    }
    double left = (double)(longest + TICK_PAD_CHARS) * TICK_CHAR_PX / PLOT_WIDTH;
    return left < PLOT_LEFT ? PLOT_LEFT : left > TORNADO_LEFT_MAX ? TORNADO_LEFT_MAX : left;
}

/* The x range: the bars with a margin, from zero at the least when the
 * KPI cannot be negative, and room for the labels at the right. */
static void tornado_x_range(const struct plot_tornado_facts *f, const struct kpi_axis *a, double left,
                            double *x_low, double *x_high)
{
    double lo = f->min / a->divisor, hi = f->max / a->divisor, span = hi > lo ? hi - lo : fabs(hi) > 0 ? fabs(hi) : 1;
    *x_low = lo - TORNADO_MARGIN * span;
    if (lo >= 0 && *x_low < 0)
        *x_low = 0;
    double label = SWING_LABEL_CHARS * PLOT_CHAR_PX / ((TORNADO_RIGHT - left) * PLOT_WIDTH);
    *x_high = hi + TORNADO_MARGIN * span;
    *x_high += (*x_high - *x_low) * label / (1 - label);
}

/* The script's functions that draw a bar, its swing and its tick label. */
static void tornado_functions(struct gp *gp, const struct plot_tornado_facts *f, const struct kpi_axis *ax,
                              bool two_lines)
{
    /* swings of money in their own scale: £12.5k beside an axis in £m */
    bool money = strcmp(f->unit, UNIT_MONEY) == 0;
    struct plot_scale sw = plot_scale_for(f->max_swing);
    gp_printf(gp,
        "\n"
        "# tornado.csv has one row per parameter, largest swing first (rank 1). A\n"
        "# bar runs from kpi_base, the KPI at the scenario's values, to kpi_low (the\n"
        "# parameter at its low setting, low_value) in one colour and to kpi_high in\n"
        "# the other. The end farther from kpi_base is drawn first, so that when both\n"
        "# lie on one side the nearer shows on top of it. (A function needs an\n"
        "# argument: row, the row's number, is unused.)\n"
        "low_colour = %s; high_colour = %s\n"
        "kpi_scale = %s\n"
        "bar_half = %g   # half a bar's thickness (rows are 1 apart)\n"
        "far_is_low(row) = abs(column(\"kpi_low\") - column(\"kpi_base\")) >= abs(column(\"kpi_high\") - column(\"kpi_base\"))\n"
        "bar_end(low) = low ? column(\"kpi_low\") : column(\"kpi_high\")\n"
        "bar_centre(low) = (column(\"kpi_base\") + bar_end(low)) / 2 / kpi_scale\n"
        "bar_half_width(low) = abs(bar_end(low) - column(\"kpi_base\")) / 2 / kpi_scale\n"
        "bar_colour(low) = low ? low_colour : high_colour\n"
        "# The swing (kpi_high - kpi_low) is written right of its bar%s.\n"
        "swing_scale = %s; swing_prefix = \"%s\"; swing_suffix = \"%s\"\n"
        "bar_right(row) = (column(\"kpi_base\") > column(\"kpi_low\") ? \\\n"
        "                  (column(\"kpi_base\") > column(\"kpi_high\") ? column(\"kpi_base\") : column(\"kpi_high\")) : \\\n"
        "                  (column(\"kpi_low\") > column(\"kpi_high\") ? column(\"kpi_low\") : column(\"kpi_high\"))) / kpi_scale\n"
        "swing_text(row) = \"swing \".(column(\"swing\") > 0 ? \"+\" : column(\"swing\") < 0 ? \"-\" : \"\").swing_prefix. \\\n"
        "                  short_text(abs(column(\"swing\")) / swing_scale).swing_suffix\n"
        "%s",
        COLOUR_LOW, COLOUR_HIGH, ax->scale ? ax->scale : "1", BAR_FILL / 2,
        money ? ", in £, £k or £m as the swings need" : "", money ? sw.literal : ax->scale ? ax->scale : "1",
        money ? "£" : "", money ? money_suffix(sw) : "", SHORT_TEXT);
    /* the parameters in plain words, row by row as tornado.csv has them */
    gp_printf(gp, "# The parameters in plain words, in tornado.csv's order (row 0 first).\n"
                  "array parameter_words[%zu]\n", f->bars);
    for (size_t i = 0; i < f->bars; i++) {
        struct tick_text t;
        bar_tick(f, i, &t);
        gp_printf(gp, "parameter_words[%zu] = ", i + 1);
        for (size_t l = 0; l < t.n; l++) {
            gp_printf(gp, "%s", l ? ".\"\\n\"." : "");
            gp_quoted(gp, t.line[l]);
        }
        gp_printf(gp, "%s\n", t.n ? "" : "''");
    }
    if (two_lines)
        gp_printf(gp, "# Tick labels: the parameter, and under it the range of its two settings.\n"
                      "tick_label(row) = parameter_words[row + 1].\"\\n\".sprintf(\"%%g to %%g\", column(\"low_value\"), column(\"high_value\")).(strlen(strcol(\"unit\")) > 0 ? \" \".strcol(\"unit\") : \"\")\n");
    else
        gp_printf(gp, "tick_label(row) = parameter_words[row + 1]\n");
}

/* The chart itself, inside the loop over terminals. */
static void tornado_chart(struct gp *gp, const struct plot_tornado_facts *f, const struct kpi_axis *ax,
                          const char *low, const char *high, double left, double x_low, double x_high)
{
    char name[PLOT_NAME_SIZE], reps[128], span[PLOT_TEXT_SIZE / 4];
    snprintf(name, sizeof name, "tornado_%s", f->kpi);
    gp_chart_begin(gp, name, "the swing of the KPI as each parameter moves, largest first");
    gp_setting(gp, "set title", "%s: what moves it most: %s%s%s", scenario_name(f->scenario, "tornado"),
               kpi_words(f->kpi, f->kpi_descr), span_words(span, sizeof span, f->horizon, f->unit, f->discounted),
               per_point(reps, sizeof reps, f->reps, false));
    /* the title centred on the picture, not on the bars right of the labels */
    gp_printf(gp, GP_INDENT "set title offset char %.1f, 0\n",
              -((left + TORNADO_RIGHT) / 2 - 0.5) * PLOT_WIDTH / PLOT_CHAR_PX);
    gp_setting(gp, "set xlabel", "%s", ax->label);
    gp_printf(gp,
        GP_INDENT "# stats reads only what lies in the ranges: before they are set\n"
        GP_INDENT "set xrange [*:*]; set yrange [*:*]\n"
        GP_INDENT "stats " TORNADO " using \"kpi_base\" nooutput\n"
        GP_INDENT "kpi_base = STATS_min / kpi_scale\n"
        GP_INDENT "set yrange [%g:%g]\n"
        GP_INDENT "set ytics scale 0\n"
        GP_INDENT "set grid xtics noytics\n"
        GP_INDENT "set xrange [%.6g:%.6g]\n"
        GP_INDENT "set arrow 1 from kpi_base, graph 0 to kpi_base, graph 1 nohead lw 1.5 dt 2 lc rgb '%s' front\n",
        -(double)f->bars - 0.5, -0.5, x_low, x_high, COLOUR_BASE);
    struct plot_cmd p = { gp, 0 };
    gp_series(&p, TORNADO " using (bar_centre(far_is_low($0))):(-column(\"rank\")):(bar_half_width(far_is_low($0))):(bar_half):(bar_colour(far_is_low($0))) with boxxyerror fs solid 1 noborder lc rgb variable notitle");
    gp_series(&p, TORNADO " using (bar_centre(!far_is_low($0))):(-column(\"rank\")):(bar_half_width(!far_is_low($0))):(bar_half):(bar_colour(!far_is_low($0))):ytic(tick_label($0)) with boxxyerror fs solid 1 noborder lc rgb variable notitle");
    gp_series(&p, TORNADO " using (bar_right($0)):(-column(\"rank\")):(swing_text($0)) with labels left offset char 1, 0 notitle");
    gp_series(&p, "keyentry with boxes fs solid 1 noborder lc rgb %s title \"%s\"", COLOUR_LOW, low);
    gp_series(&p, "keyentry with boxes fs solid 1 noborder lc rgb %s title \"%s\"", COLOUR_HIGH, high);
    gp_series(&p, "keyentry with lines lw 1.5 dt 2 lc rgb '%s' title \"%s\"", COLOUR_BASE, KEY_BASE_ALL);
    gp_plot_done(&p);
    gp_printf(gp, GP_INDENT "unset arrow 1\n");
    gp_chart_end(gp);
}

char *plot_tornado_script(const struct plot_tornado_facts *f, struct plot_charts *charts)
{
    CHECK(f->bars > 0 && f->kpi);
    struct gp g;
    gp_begin(&g, charts);
    char low[KEY_SETTING_SIZE], high[KEY_SETTING_SIZE];
    if (isfinite(f->spread)) {
        snprintf(low, sizeof low, "parameter %g%% lower", 100 * f->spread);
        snprintf(high, sizeof high, "parameter %g%% higher", 100 * f->spread);
    } else {
        snprintf(low, sizeof low, "parameter at its low setting");
        snprintf(high, sizeof high, "parameter at its high setting");
    }
    const char *keys[] = { low, high, KEY_BASE_ALL };
    gp_preamble(&g, "the tornado chart", *f->scenario ? f->scenario : NULL, "tornado.csv", keys, sizeof keys / sizeof *keys);
    /* the left margin holds the tick labels */
    bool two_lines = f->bars <= BAR_TWO_LINES_MAX;
    double left = tornado_left(f, two_lines);
    struct kpi_axis a;
    kpi_axis(&a, kpi_words(f->kpi, f->kpi_descr), f->unit, f->min, f->max);
    double x_low, x_high;
    tornado_x_range(f, &a, left, &x_low, &x_high);
    tornado_functions(&g, f, &a, two_lines);
    gp_printf(&g,
        "set lmargin at screen %.3f\n"
        "set rmargin at screen %.2f\n"
        "set key at screen %.3f, screen 0.02 left bottom horizontal Left reverse samplen 3 width 2\n"
        "set bmargin 8\n",
        left, TORNADO_RIGHT, left);
    gp_loop_begin(&g);
    tornado_chart(&g, f, &a, low, high, left, x_low, x_high);
    gp_loop_end(&g);
    return gp_end(&g);
}
