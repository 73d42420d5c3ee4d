/* plot_run.c — the script of the charts of one run folder. */
#include "output/plot_script.h"

#include "sim/check.h"

#include <string.h>

/* Colours that are not a scenario's: the mean line, a second measure, the
 * caseload cap, and the categories of the stacked charts. The same category
 * keeps its colour in both (agency orange, permanent staff green). */
#define COLOUR_MEAN "#000000"
#define COLOUR_SECOND "#666666"
#define COLOUR_CAP "#000000"
#define COLOUR_SHADE "#999999"
#define COLOUR_AT_WORK "#009E73"
#define COLOUR_SICK "#CC79A7"
#define COLOUR_AGENCY "#E69F00"
#define COLOUR_VACANT "#8C8C8C"
#define COLOUR_STAFF "#009E73"
#define COLOUR_RECRUITMENT "#56B4E9"
#define COLOUR_TRAINING "#D55E00"
#define COLOUR_INTERVENTIONS "#CC79A7"
#define COLOUR_ESTABLISHMENT "#000000"
/* Head room above the highest value of a chart whose y axis is fixed:
 * the top of a band is never clipped. */
#define HEAD_ROOM 1.08
/* Fill patterns that tell the stacked layers apart in grey (gnuplot's
 * pattern numbers; 0 is solid below). */

#define SUMMARY "'summary.csv'"
/* The longest key titles. */
#define KEY_P90 "90th percentile"
#define KEY_SHADE "shaded: middle 90%"
#define KEY_CAP "cap (mean effective)"
#define KEY_ESTABLISHMENT "establishment (funded posts)"
#define LIST_SIZE 256
#define SECONDS_PER_DAY 86400.0

/* The median of metric m with the bands holding the middle 90% and 50% of
 * replications, and the mean dashed (what the data has of them). */
static void median_and_bands(struct plot_cmd *p, enum plot_metric m, const struct plot_series *s)
{
    const char *name = plot_metric_name(m);
    if (s->bands) {
        gp_series(p, SUMMARY " using (at(\"%s\")):\"p05\":\"p95\" with filledcurves fs transparent solid band90 noborder lc rgb colour title \"middle 90%%\"", name);
        gp_series(p, SUMMARY " using (at(\"%s\")):\"p25\":\"p75\" with filledcurves fs transparent solid band50 noborder lc rgb colour title \"middle 50%%\"", name);
        gp_series(p, SUMMARY " using (at(\"%s\")):\"p50\" with lines lw 2 lc rgb colour title \"median\"", name);
    }
    if (s->mean)
        gp_series(p, SUMMARY " using (at(\"%s\")):\"mean\" with lines lw 1.5 dt 2 lc rgb '%s' title \"mean\"", name,
                  COLOUR_MEAN);
}

/* The mean of metric m as a line, over the band of the middle 90% of
 * replications (untitled: a key entry explains the shading). */
static void mean_over_band(struct plot_cmd *p, enum plot_metric m, const struct plot_series *s, const char *scale,
                           const char *colour, const char *title)
{
    const char *name = plot_metric_name(m);
    char lo[PLOT_EXPR_SIZE], hi[PLOT_EXPR_SIZE], mean[PLOT_EXPR_SIZE];
    if (s->bands)
        gp_series(p, SUMMARY " using (at(\"%s\")):%s:%s with filledcurves fs transparent solid band90 noborder lc rgb %s notitle",
                  name, gp_column(lo, "p05", scale), gp_column(hi, "p95", scale), colour);
    if (s->mean)
        gp_series(p, SUMMARY " using (at(\"%s\")):%s with lines lw 2 lc rgb %s title \"%s\"", name,
                  gp_column(mean, "mean", scale), colour, title);
}

static void shade_key(struct plot_cmd *p)
{
    gp_series(p, "keyentry with filledcurves fs transparent solid band90 noborder lc rgb '%s' title \"%s\"",
              COLOUR_SHADE, KEY_SHADE);
}

static bool has(const struct plot_run_facts *f, enum plot_metric m)
{
    return f->s[m].mean || f->s[m].bands;
}

/* ---- stacked charts ---- */

/* A layer adds its metric and takes away another (PLOT_M_COUNT: none). */
struct layer {
    const char *title, *colour;
    enum plot_metric add, sub;
    int pattern;          /* 0: solid; else a gnuplot fill pattern over the colour */
};

/* Paint the layers from the top down, each filled from zero to the sum of
 * itself and those below it: a stack. A layer whose metric holds no data or
 * only zeros is left out. boxes: bars (flows) rather than areas (stocks). */
static void stack(struct plot_cmd *p, const struct plot_run_facts *f, const struct layer *layers, size_t n,
                  const char *scale, bool boxes)
{
    int coef[PLOT_M_COUNT][PLOT_M_COUNT];   /* per layer: the metrics summed to its top */
    int sum[PLOT_M_COUNT] = { 0 };
    bool shown[PLOT_M_COUNT] = { false };
    CHECK(n <= PLOT_M_COUNT);
    for (size_t k = 0; k < n; k++) {
        const struct layer *l = &layers[k];
        shown[k] = f->s[l->add].mean && f->s[l->add].max_mean > 0;
        if (f->s[l->add].mean)
            sum[l->add]++;
        if (l->sub < PLOT_M_COUNT && f->s[l->sub].mean)
            sum[l->sub]--;
        memcpy(coef[k], sum, sizeof sum);
    }
    for (size_t k = n; k-- > 0;) {
        if (!shown[k])
            continue;
        char plus[LIST_SIZE] = "", minus[LIST_SIZE] = "";
        for (int m = 0; m < PLOT_M_COUNT; m++) {
            char *list = coef[k][m] > 0 ? plus : coef[k][m] < 0 ? minus : NULL;
            if (!list)
                continue;
            CHECK(coef[k][m] == 1 || coef[k][m] == -1);
            size_t len = strlen(list);
            snprintf(list + len, LIST_SIZE - len, "%s%s", len ? " " : "", plot_metric_name((enum plot_metric)m));
        }
        char y[LIST_SIZE * 2 + PLOT_EXPR_SIZE];
        if (scale)
            snprintf(y, sizeof y, "(part(\"%s\", \"%s\")/%s)", plus, minus, scale);
        else
            snprintf(y, sizeof y, "(part(\"%s\", \"%s\"))", plus, minus);
        char fill[32];
        if (layers[k].pattern)
            snprintf(fill, sizeof fill, "pattern %d", layers[k].pattern);
        else
            snprintf(fill, sizeof fill, "solid 1");
        gp_series(p, SUMMARY " using %s:%s smooth frequency with %s fs %s noborder lc rgb '%s' title \"%s\"",
                  boxes ? "(mid_period($0))" : "date_column", y, boxes ? "boxes" : "filledcurves y=0", fill,
                  layers[k].colour, layers[k].title);
    }
}

static bool any_layer(const struct plot_run_facts *f, const struct layer *layers, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (f->s[layers[k].add].mean && f->s[layers[k].add].max_mean > 0)
            return true;
    return false;
}

/* ---- the charts ---- */

static void chart_backlog(struct gp *g, const struct plot_run_facts *f, const char *reps)
{
    if (!has(f, PLOT_M_UNALLOCATED))
        return;
    gp_chart_begin(g, "backlog", "unallocated cases: median, middle 50% and 90% of replications, mean dashed");
    gp_setting(g, "set title", "%s: unallocated cases (the backlog), %s", f->scenario, reps);
    gp_printf(g, GP_INDENT "set ylabel \"unallocated cases (cases)\"\n" GP_INDENT "set yrange [0:*]\n");
    struct plot_cmd p = { g, 0 };
    median_and_bands(&p, PLOT_M_UNALLOCATED, &f->s[PLOT_M_UNALLOCATED]);
    gp_plot_done(&p);
    gp_chart_end(g);
}

static void chart_waiting(struct gp *g, const struct plot_run_facts *f, const char *reps)
{
    bool over = has(f, PLOT_M_WAITING_OVER), wait = has(f, PLOT_M_MEAN_WAIT);
    if (!over && !wait)
        return;
    gp_chart_begin(g, "waiting", "cases waiting beyond the threshold, and the mean wait to allocation");
    bool panels = over && wait;
    if (panels)
        gp_setting(g, "set multiplot layout 2,1 title", "%s: waiting for a worker, %s", f->scenario, reps);
    struct plot_cmd p = { g, 0 };
    gp_printf(g, GP_INDENT "set yrange [0:*]\n");
    if (over) {
        if (panels)
            gp_printf(g, GP_INDENT "set title \"cases waiting longer than the threshold\"\n");
        else
            gp_setting(g, "set title", "%s: cases waiting longer than the threshold, %s", f->scenario, reps);
        gp_printf(g, GP_INDENT "set ylabel \"cases waiting (cases)\"\n");
        median_and_bands(&p, PLOT_M_WAITING_OVER, &f->s[PLOT_M_WAITING_OVER]);
        gp_plot_done(&p);
    }
    if (wait) {
        if (panels)
            gp_printf(g, GP_INDENT "set title \"mean wait to allocation of the cases allocated in the %s\"\n", f->period);
        else
            gp_setting(g, "set title", "%s: mean wait to allocation, %s", f->scenario, reps);
        gp_printf(g, GP_INDENT "set ylabel \"mean wait (days)\"\n");
        median_and_bands(&p, PLOT_M_MEAN_WAIT, &f->s[PLOT_M_MEAN_WAIT]);
        gp_plot_done(&p);
    }
    if (panels)
        gp_printf(g, GP_INDENT "unset multiplot\n");
    gp_chart_end(g);
}

static const struct layer workforce_layers[] = {
    { "in post, at work", COLOUR_AT_WORK, PLOT_M_IN_POST, PLOT_M_SICK, 0 },
    { "in post, off sick", COLOUR_SICK, PLOT_M_SICK, PLOT_M_COUNT, 5 },
    { "agency", COLOUR_AGENCY, PLOT_M_AGENCY, PLOT_M_COUNT, 0 },
    { "vacant, uncovered", COLOUR_VACANT, PLOT_M_VACANCIES, PLOT_M_COUNT, 4 },
};
#define N_WORKFORCE (sizeof workforce_layers / sizeof *workforce_layers)

static void chart_workforce(struct gp *g, const struct plot_run_facts *f, const char *reps)
{
    if (!f->s[PLOT_M_IN_POST].mean)
        return;
    gp_chart_begin(g, "workforce", "stacked means: in post at work, off sick, agency, vacant without cover; "
                                   "the establishment as a line");
    gp_setting(g, "set title", "%s: workforce (full-time equivalent), mean, %s", f->scenario, reps);
    gp_printf(g, GP_INDENT "set ylabel \"staff (FTE)\"\n" GP_INDENT "set yrange [0:*]\n");
    struct plot_cmd p = { g, 0 };
    stack(&p, f, workforce_layers, N_WORKFORCE, NULL, false);
    /* The stack is the establishment plus staff above it (a cut
     * establishment) plus agency cover of long sickness: the line shows
     * where the funded posts end. */
    if (f->s[PLOT_M_ESTABLISHMENT].mean && f->s[PLOT_M_ESTABLISHMENT].max_mean > 0)
        gp_series(&p, SUMMARY " using (at(\"%s\")):\"mean\" with lines lw 2.5 dt 1 lc rgb '%s' title \"%s\"",
                  plot_metric_name(PLOT_M_ESTABLISHMENT), COLOUR_ESTABLISHMENT, KEY_ESTABLISHMENT);
    gp_plot_done(&p);
    gp_chart_end(g);
}

static void chart_caseload(struct gp *g, const struct plot_run_facts *f, const char *reps)
{
    if (!has(f, PLOT_M_CASELOAD_MEAN))
        return;
    gp_chart_begin(g, "caseload", "mean and 90th percentile caseload against the cap");
    gp_setting(g, "set title", "%s: caseloads of case-holders at work, %s", f->scenario, reps);
    /* from zero (a truncated axis makes small changes look large), with
     * room above the highest band so that none is clipped */
    double top = 0;
    static const enum plot_metric shown[] = { PLOT_M_CASELOAD_MEAN, PLOT_M_CASELOAD_P90, PLOT_M_CASELOAD_CAP };
    for (size_t i = 0; i < sizeof shown / sizeof *shown; i++)
        top = top > f->s[shown[i]].max ? top : f->s[shown[i]].max;
    if (top > 0)
        gp_printf(g, GP_INDENT "set ylabel \"caseload (caseload points)\"\n" GP_INDENT "set yrange [0:%.6g]\n",
                  top * HEAD_ROOM);
    else
        gp_printf(g, GP_INDENT "set ylabel \"caseload (caseload points)\"\n" GP_INDENT "set yrange [0:*]\n");
    struct plot_cmd p = { g, 0 };
    mean_over_band(&p, PLOT_M_CASELOAD_MEAN, &f->s[PLOT_M_CASELOAD_MEAN], NULL, "colour", "mean caseload");
    if (has(f, PLOT_M_CASELOAD_P90))
        mean_over_band(&p, PLOT_M_CASELOAD_P90, &f->s[PLOT_M_CASELOAD_P90], NULL, "'" COLOUR_SECOND "'",
                       KEY_P90);
    if (f->s[PLOT_M_CASELOAD_CAP].mean)
        gp_series(&p, SUMMARY " using (at(\"%s\")):\"mean\" with lines lw 2 dt 2 lc rgb '%s' title \"%s\"",
                  plot_metric_name(PLOT_M_CASELOAD_CAP), COLOUR_CAP, KEY_CAP);
    if (f->s[PLOT_M_CASELOAD_MEAN].bands)
        shade_key(&p);
    gp_plot_done(&p);
    gp_chart_end(g);
}

static const struct layer cost_layers[] = {
    { "staff", COLOUR_STAFF, PLOT_M_COST_STAFF, PLOT_M_COUNT, 0 },
    { "agency", COLOUR_AGENCY, PLOT_M_COST_AGENCY, PLOT_M_COUNT, 0 },
    { "recruitment", COLOUR_RECRUITMENT, PLOT_M_COST_RECRUITMENT, PLOT_M_COUNT, 4 },
    { "training", COLOUR_TRAINING, PLOT_M_COST_TRAINING, PLOT_M_COUNT, 5 },
    { "interventions", COLOUR_INTERVENTIONS, PLOT_M_COST_INTERVENTIONS, PLOT_M_COUNT, 6 },
};
#define N_COST (sizeof cost_layers / sizeof *cost_layers)

/* The largest cost in a period: the total when reported, else the sum of
 * the categories' largest means. */
static double cost_period_max(const struct plot_run_facts *f)
{
    if (f->s[PLOT_M_COST_TOTAL].mean)
        return f->s[PLOT_M_COST_TOTAL].max_mean;
    double sum = 0;
    for (size_t k = 0; k < N_COST; k++)
        sum += f->s[cost_layers[k].add].max_mean;
    return sum;
}

static void chart_cost(struct gp *g, const struct plot_run_facts *f, const char *reps)
{
    bool per_period = any_layer(f, cost_layers, N_COST), cumulative = has(f, PLOT_M_COST_CUMULATIVE);
    if (!per_period && !cumulative)
        return;
    gp_chart_begin(g, "cost", "cost per period stacked by category (means), and the cumulative cost");
    bool panels = per_period && cumulative;
    if (panels)
        gp_setting(g, "set multiplot layout 2,1 title", "%s: cost in cash (not discounted), %s", f->scenario, reps);
    gp_printf(g, GP_INDENT "set yrange [0:*]\n");
    if (per_period) {
        /* both panels on one time range, from the start of the first
         * period: each bar stands over the middle of its period, whole */
        char from[DATE_TEXT_SIZE], to[DATE_TEXT_SIZE];
        plot_dates_widened(f, from, to);
        gp_printf(g, GP_INDENT "set xrange [\"%s\":\"%s\"]   # the first %s's start to the last's end\n", from, to,
                  f->period);
    }
    struct plot_cmd p = { g, 0 };
    if (per_period) {
        struct plot_scale sc = plot_scale_for(cost_period_max(f));
        if (panels)
            gp_printf(g, GP_INDENT "set title \"cost per %s by category (means)\"\n", f->period);
        else
            gp_setting(g, "set title", "%s: cost per %s by category in cash (not discounted), mean, %s", f->scenario,
                       f->period, reps);
        gp_printf(g, GP_INDENT "set ylabel \"cost (%s per %s)\"\n", sc.money, f->period);
        gp_printf(g, GP_INDENT "set boxwidth 0.8 relative\n");
        stack(&p, f, cost_layers, N_COST, sc.literal, true);
        gp_plot_done(&p);
    }
    if (cumulative) {
        struct plot_scale sc = plot_scale_for(f->s[PLOT_M_COST_CUMULATIVE].max);
        if (panels)
            gp_printf(g, GP_INDENT "set title \"cumulative cost since the start\"\n");
        else
            gp_setting(g, "set title", "%s: cumulative cost in cash (not discounted), %s", f->scenario, reps);
        gp_printf(g, GP_INDENT "set ylabel \"cumulative cost (%s)\"\n", sc.money);
        mean_over_band(&p, PLOT_M_COST_CUMULATIVE, &f->s[PLOT_M_COST_CUMULATIVE], sc.literal, "colour", "mean");
        if (f->s[PLOT_M_COST_CUMULATIVE].bands)
            shade_key(&p);
        gp_plot_done(&p);
    }
    if (panels)
        gp_printf(g, GP_INDENT "unset multiplot\n");
    if (per_period)
        gp_printf(g, GP_INDENT "set xrange [*:*] noextend\n");
    gp_chart_end(g);
}

char *plot_run_script(const struct plot_run_facts *f, size_t colour, struct plot_charts *charts)
{
    struct gp g;
    gp_begin(&g, charts);
    static const char *const keys[] = { KEY_P90, KEY_SHADE, KEY_CAP, KEY_ESTABLISHMENT };
    gp_preamble(&g, "charts of the run", f->scenario, "summary.csv", keys, sizeof keys / sizeof *keys);
    gp_printf(&g,
        "\n"
        "# summary.csv has one row per period x metric. at(m) is the period's last\n"
        "# day on the rows of metric m, and NaN (skipped) on every other row.\n"
        "date_column = %d\n"
        "at(m) = strcol(\"metric\") eq m ? timecolumn(date_column, \"%%Y-%%m-%%d\") : NaN\n"
        "# Stacks: part(plus, minus) is a row's mean when its metric is in the list\n"
        "# plus (names separated by spaces), minus it when in minus, NaN otherwise;\n"
        "# \"smooth frequency\" adds up the rows of one date: the top of a layer.\n"
        "listed(list, m) = strstrt(\" \".list.\" \", \" \".m.\" \") > 0\n"
        "# A bar of a period stands over its middle: half a period (%.6g days)\n"
        "# before its last day (row, the row number, is unused).\n"
        "mid_period(row) = timecolumn(date_column, \"%%Y-%%m-%%d\") - %.6g\n"
        "part(plus, minus) = listed(plus, strcol(\"metric\")) ? column(\"mean\") : \\\n"
        "                    listed(minus, strcol(\"metric\")) ? -column(\"mean\") : NaN\n"
        "\n"
        "\n"
        "colour = '%s'   # the scenario's colour, as in comparisons\n",
        f->date_column, plot_period_days(f) / 2, plot_period_days(f) / 2 * SECONDS_PER_DAY, plot_colour(colour));
    gp_loop_begin(&g);
    gp_time_axis(&g, f, GP_INDENT);
    char reps[PLOT_TEXT_SIZE / 2], n[64], horizon[PLOT_TEXT_SIZE / 4];
    plot_horizon_text(f, horizon, sizeof horizon);
    snprintf(reps, sizeof reps, "%s, %s", horizon, plot_reps_text(n, sizeof n, f->reps));
    chart_backlog(&g, f, reps);
    chart_waiting(&g, f, reps);
    chart_workforce(&g, f, reps);
    chart_caseload(&g, f, reps);
    chart_cost(&g, f, reps);
    gp_loop_end(&g);
    return gp_end(&g);
}
