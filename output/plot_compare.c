/* plot_compare.c — the script of the charts of a comparison folder. */
#include "output/plot_script.h"

#include "output/compare.h"
#include "sim/check.h"

#include <math.h>
#include <string.h>

#define COLOUR_SHADE "#999999"
#define COLOUR_AXIS "#888888"
/* Share of each axis's span left free around the plane's points. */
#define PLANE_MARGIN "0.1"
/* With more alternatives than this, points are labelled by number (the key
 * gives the names). */
#define PLANE_NAMED_MAX 4
#define KEY_SHADE "shaded: middle 90%"
#define KEY_SPEND "extra spending (net + saving)"
/* A marker on every this many points of a line (monthly: one a quarter). */
#define MARKER_EVERY 3
/* The bars of the financial years: extra spending, agency saving, net. */
#define COLOUR_SPEND "#D55E00"
#define COLOUR_SAVING "#009E73"
#define COLOUR_NET "#0072B2"
#define COLOUR_WHISKER "#000000"
#define DIFFERENCES "'" PLOT_DIFFERENCES_CSV "'"
#define YEARS "'" PLOT_COMPARE_YEARS_CSV "'"
/* Charts of a comparison besides the one per alternative's years. */
#define COMPARE_OTHER_CHARTS 3
/* Room around the largest difference on a y axis fixed from the data. */
#define HEAD_ROOM 1.08

/* A gnuplot array of strings. */
static void string_array(struct gp *g, const char *name, const char *const *items, size_t n)
{
    gp_printf(g, "array %s[%zu] = [", name, n);
    for (size_t i = 0; i < n; i++) {
        if (i)
            gp_printf(g, ", ");
        gp_quoted(g, items[i]);
    }
    gp_printf(g, "]\n");
}

/* The texts of a comparison's arrays. */
struct texts {
    const char **scenario, **colour;             /* per scenario */
    char **key, **label;                         /* per alternative: key title, point label */
    const char **alt_colour;
    const char **alt_name;
};

static void texts_make(struct texts *t, const struct plot_compare_facts *f)
{
    size_t ns = f->n_scenarios, na = f->n_alternatives ? f->n_alternatives : 1;
    t->scenario = check_calloc(ns, sizeof *t->scenario);
    t->colour = check_calloc(ns, sizeof *t->colour);
    for (size_t i = 0; i < ns; i++) {
        t->scenario[i] = f->scenario[i].name;
        t->colour[i] = plot_colour(i);
    }
    t->key = check_calloc(na, sizeof *t->key);
    t->label = check_calloc(na, sizeof *t->label);
    t->alt_colour = check_calloc(na, sizeof *t->alt_colour);
    t->alt_name = check_calloc(na, sizeof *t->alt_name);
    bool numbered = f->n_alternatives > PLANE_NAMED_MAX;
    for (size_t i = 0; i < f->n_alternatives; i++) {
        char buf[PLOT_TEXT_SIZE];
        if (numbered)
            snprintf(buf, sizeof buf, "%zu: %s", i + 1, f->alt[i].name);
        else
            snprintf(buf, sizeof buf, "%s", f->alt[i].name);
        t->key[i] = check_strdup(buf);
        snprintf(buf, sizeof buf, "%zu", i + 1);
        t->label[i] = check_strdup(numbered ? buf : f->alt[i].name);
        t->alt_colour[i] = plot_colour(f->alt[i].scenario);
        t->alt_name[i] = f->alt[i].name;
    }
}

static void texts_free(struct texts *t, const struct plot_compare_facts *f)
{
    for (size_t i = 0; i < f->n_alternatives; i++) {
        free(t->key[i]);
        free(t->label[i]);
    }
    free(t->key);
    free(t->label);
    free(t->alt_colour);
    free(t->alt_name);
    free(t->scenario);
    free(t->colour);
}

/* Every scenario has the metric (in some form). */
static bool all_have(const struct plot_compare_facts *f, enum plot_metric m, bool bands)
{
    for (size_t i = 0; i < f->n_scenarios; i++) {
        const struct plot_series *s = &f->scenario[i].run.s[m];
        if (!(bands ? s->bands : s->mean))
            return false;
    }
    return true;
}

/* The fewest replications of any scenario (they are paired: all the same). */
static size_t fewest_reps(const struct plot_compare_facts *f)
{
    size_t n = f->scenario[0].run.reps;
    for (size_t i = 1; i < f->n_scenarios; i++)
        if (f->scenario[i].run.reps < n)
            n = f->scenario[i].run.reps;
    return n;
}

/* The plane needs both KPIs of every alternative. */
static bool plane_ok(const struct plot_compare_facts *f)
{
    if (f->n_alternatives == 0)
        return false;
    for (size_t i = 0; i < f->n_alternatives; i++)
        if (!isfinite(f->alt[i].days) || !isfinite(f->alt[i].cost))
            return false;
    return true;
}

static void plane_data(struct gp *g, const struct plot_compare_facts *f, const struct texts *t,
                       struct plot_scale days, struct plot_scale cost)
{
    gp_printf(g,
        "\n"
        "# The cost-effectiveness plane. compare.csv has one row per alternative x\n"
        "# KPI; its rows of child_days_unallocated and of cost_total give, for each\n"
        "# alternative in file order, the child-days of unallocated waiting avoided\n"
        "# (minus the difference: fewer days is better) and the extra cost, each with\n"
        "# its 95%% confidence interval.\n"
        "\n");
    string_array(g, "point_label", (const char *const *)t->label, f->n_alternatives);
    gp_printf(g,
        "days_unit = %s   # child-days%s\n"
        "cost_unit = %s   # %s\n"
        "array days[alternatives]; array days_low[alternatives]; array days_high[alternatives]\n"
        "array cost[alternatives]; array cost_low[alternatives]; array cost_high[alternatives]\n"
        "nd = 0; nc = 0\n"
        "stats 'compare.csv' using (strcol(\"kpi\") eq \"child_days_unallocated\" ? \\\n"
        "        (nd = nd + 1, days[nd] = -column(\"difference\")/days_unit, \\\n"
        "         days_low[nd] = -column(\"ci_high\")/days_unit, days_high[nd] = -column(\"ci_low\")/days_unit, 0) : \\\n"
        "    strcol(\"kpi\") eq \"cost_total\" ? \\\n"
        "        (nc = nc + 1, cost[nc] = column(\"difference\")/cost_unit, \\\n"
        "         cost_low[nc] = column(\"ci_low\")/cost_unit, cost_high[nc] = column(\"ci_high\")/cost_unit, 0) : 0) \\\n"
        "    nooutput\n"
        "# Without an interval (a single replication) the whiskers shrink to the point.\n"
        "known(x) = x == x\n"
        "do for [i=1:alternatives] {\n"
        "    if (!known(days_low[i]) || !known(days_high[i])) { days_low[i] = days[i]; days_high[i] = days[i] }\n"
        "    if (!known(cost_low[i]) || !known(cost_high[i])) { cost_low[i] = cost[i]; cost_high[i] = cost[i] }\n"
        "}\n"
        "# Both axes take in zero (the base itself), with a margin.\n"
        "lower(a, b) = b < a ? b : a\n"
        "upper(a, b) = b > a ? b : a\n"
        "x_low = 0; x_high = 0; y_low = 0; y_high = 0\n"
        "do for [i=1:alternatives] {\n"
        "    x_low = lower(x_low, days_low[i]); x_high = upper(x_high, days_high[i])\n"
        "    y_low = lower(y_low, cost_low[i]); y_high = upper(y_high, cost_high[i])\n"
        "}\n"
        "x_span = x_high > x_low ? x_high - x_low : 1\n"
        "y_span = y_high > y_low ? y_high - y_low : 1\n"
        "x_pad = x_span * %s; y_pad = y_span * %s\n",
        days.literal, days.count, cost.literal, cost.money, PLANE_MARGIN, PLANE_MARGIN);
}

static void chart_backlog(struct gp *g, const struct plot_compare_facts *f, const char *reps)
{
    if (!all_have(f, PLOT_M_UNALLOCATED, false))
        return;
    /* Means, not medians: a backlog that is usually zero has a median of
     * zero in every scenario. The uncertainty of the differences is the
     * next chart's. Each scenario has its own colour, dash and marker. */
    gp_chart_begin(g, "compare_backlog", "each scenario's mean backlog, with its own colour, dash and marker");
    gp_setting(g, "set title", "unallocated cases (the backlog) by scenario, mean, %s", reps);
    gp_printf(g, GP_INDENT "set ylabel \"unallocated cases (cases)\"\n" GP_INDENT "set yrange [0:*]\n");
    struct plot_cmd p = { g, 0 };
    gp_series(&p, "for [i=1:|scenario|] summary(i) using (at(\"%s\")):\"mean\" with linespoints lw 2 dt dash[i] pt point[i] pi %d ps 1.3 lc rgb colour[i] title scenario[i]",
              plot_metric_name(PLOT_M_UNALLOCATED), MARKER_EVERY);
    gp_plot_done(&p);
    gp_chart_end(g);
}

/* The paired difference of the backlog (alternative - base) per period,
 * from differences.csv: each alternative's mean over the band of the
 * middle 90% of its replications' differences. */
static void chart_backlog_difference(struct gp *g, const struct plot_compare_facts *f, const char *reps)
{
    if (!f->backlog_diff || f->n_alternatives == 0)
        return;
    gp_chart_begin(g, "compare_backlog_difference",
                   "the paired difference of the backlog against the base, mean over the middle 90%");
    gp_setting(g, "set title", "change in unallocated cases against %s, alternative minus base (paired), %s",
               f->scenario[0].name, reps);
    /* the run's dates, whatever the file holds */
    gp_printf(g, GP_INDENT "set xrange [\"%s\":\"%s\"]\n", f->scenario[0].run.first, f->scenario[0].run.last);
    double span = f->backlog_diff_max - f->backlog_diff_min, pad = span > 0 ? span * (HEAD_ROOM - 1) : 1;
    gp_printf(g, GP_INDENT "set ylabel \"difference in unallocated cases (cases)\"\n"
                 GP_INDENT "set yrange [%.6g:%.6g]\n"
                 GP_INDENT "set xzeroaxis lt 1 lw 1.5 lc rgb '%s'\n",
              f->backlog_diff_min - pad, f->backlog_diff_max + pad, COLOUR_AXIS);
    struct plot_cmd p = { g, 0 };
    const char *m = plot_metric_name(PLOT_M_UNALLOCATED);
    gp_series(&p, "0 with lines lw 1.5 lc rgb '%s' notitle", COLOUR_AXIS);
    if (f->backlog_diff_band)
        gp_series(&p, "for [i=1:alternatives] " DIFFERENCES " using (of(i, \"%s\")):\"p05\":\"p95\" with filledcurves fs transparent solid band90 noborder lc rgb alternative_colour[i] notitle", m);
    gp_series(&p, "for [i=1:alternatives] " DIFFERENCES " using (of(i, \"%s\")):\"mean\" with linespoints lw 2 dt alternative_dash[i] pt alternative_point[i] pi %d ps 1.3 lc rgb alternative_colour[i] title alternative[i]",
              m, MARKER_EVERY);
    if (f->backlog_diff_band)
        gp_series(&p, "keyentry with filledcurves fs transparent solid band90 noborder lc rgb '%s' title \"%s\"", COLOUR_SHADE, KEY_SHADE);
    gp_plot_done(&p);
    gp_printf(g, GP_INDENT "unset xzeroaxis\n" GP_INDENT "set xrange [*:*] noextend\n");
    gp_chart_end(g);
}

/* One alternative's paired differences per financial year, from
 * compare_years.csv: the net extra cost (cost_total) and the agency saving
 * (minus cost_agency), each with its 95% confidence interval, and the
 * extra spending before the saving (their sum: its interval is not in the
 * file, so it has none). */
static void chart_years(struct gp *g, const struct plot_compare_facts *f, size_t i, struct plot_scale sc)
{
    char name[PLOT_NAME_SIZE];
    snprintf(name, sizeof name, "compare_years_%zu", i + 1);
    gp_chart_begin(g, name, "paired differences per financial year: extra spending, agency saving, net, with 95% CIs");
    gp_setting(g, "set title", "%s minus %s per financial year, in cash (not discounted), mean of %zu paired replications",
               f->alt[i].name, f->scenario[0].name, fewest_reps(f));
    gp_printf(g,
        GP_INDENT "k = %zu   # the alternative\n"
        GP_INDENT "unset xdata\n"
        GP_INDENT "do for [y=1:years] { year_total[y] = NaN }\n"
        GP_INDENT "stats " YEARS " using (is_year(k, \"cost_total\") ? (year_total[fy(0) - first_year + 1] = column(\"mean\"), 0) : 0) nooutput\n"
        GP_INDENT "set format x \"%%g\"\n"
        GP_INDENT "set xrange [first_year - 0.6 : first_year + years - 0.4]\n"
        GP_INDENT "set yrange [*:*]\n"
        GP_INDENT "set xzeroaxis lt 1 lw 1.5 lc rgb '%s'\n"
        GP_INDENT "set boxwidth 0.26 absolute; bar_width = 0.26\n"
        GP_INDENT "set ylabel \"difference (%s per financial year)\"\n",
        i + 1, COLOUR_AXIS, sc.money);
    gp_printf(g, GP_INDENT "set xtics scale 0 (");
    for (size_t y = 0; y < f->years; y++) {
        gp_printf(g, "%s", y ? ", " : "");
        gp_quoted(g, f->year_label[y]);
        gp_printf(g, " %d", f->first_year + (int)y);
    }
    gp_printf(g, ")\n");
    struct plot_cmd p = { g, 0 };
    /* the zero line: also a series that is never empty (gnuplot refuses
     * a plot whose every series is) */
    gp_series(&p, "0 with lines lw 1.5 lc rgb '%s' notitle", COLOUR_AXIS);
    gp_series(&p, YEARS " using (is_year(k, \"cost_agency\") ? fy(0) - 0.28 : NaN):(is_year(k, \"cost_agency\") ? (year_total[fy(0) - first_year + 1] - column(\"mean\"))/cost_unit : NaN) with boxes fs pattern 4 border lc rgb '%s' lc rgb '%s' title \"%s\"",
              COLOUR_SPEND, COLOUR_SPEND, KEY_SPEND);
    gp_series(&p, YEARS " using (is_year(k, \"cost_agency\") ? fy(0) : NaN):(-column(\"mean\")/cost_unit):(-column(\"ci_high\")/cost_unit):(-column(\"ci_low\")/cost_unit):(bar_width) with boxerrorbars fs solid 0.5 border lc rgb '%s' lc rgb '%s' title \"agency saving (95%% CI)\"",
              COLOUR_SAVING, COLOUR_SAVING);
    gp_series(&p, YEARS " using (is_year(k, \"cost_total\") ? fy(0) + 0.28 : NaN):(column(\"mean\")/cost_unit):(column(\"ci_low\")/cost_unit):(column(\"ci_high\")/cost_unit):(bar_width) with boxerrorbars fs solid 0.8 border lc rgb '%s' lc rgb '%s' title \"net extra cost (95%% CI)\"",
              COLOUR_NET, COLOUR_NET);
    /* the intervals again over the bars, so that their lower halves show */
    gp_series(&p, YEARS " using (is_year(k, \"cost_agency\") ? fy(0) : NaN):(-column(\"mean\")/cost_unit):(-column(\"ci_high\")/cost_unit):(-column(\"ci_low\")/cost_unit) with yerrorbars pt 0 lw 1.5 lc rgb '%s' notitle",
              COLOUR_WHISKER);
    gp_series(&p, YEARS " using (is_year(k, \"cost_total\") ? fy(0) + 0.28 : NaN):(column(\"mean\")/cost_unit):(column(\"ci_low\")/cost_unit):(column(\"ci_high\")/cost_unit) with yerrorbars pt 0 lw 1.5 lc rgb '%s' notitle",
              COLOUR_WHISKER);
    gp_plot_done(&p);
    gp_printf(g,
        GP_INDENT "unset xzeroaxis\n"
        GP_INDENT "set xtics autofreq scale 1\n"
        GP_INDENT "set boxwidth\n");
    gp_time_axis(g, &f->scenario[0].run, GP_INDENT);
    gp_chart_end(g);
}

static void chart_plane(struct gp *g, const struct plot_compare_facts *f, struct plot_scale days,
                        struct plot_scale cost)
{
    gp_chart_begin(g, "cost_effectiveness", "extra cost against child-days of waiting avoided, per alternative");
    gp_printf(g,
        GP_INDENT "unset xdata\n"
        GP_INDENT "set format x \"%%g\"\n"
        GP_INDENT "set xtics autofreq\n"
        GP_INDENT "set xrange [x_low - x_pad : x_high + x_pad]\n"
        GP_INDENT "set yrange [y_low - y_pad : y_high + y_pad]\n"
        GP_INDENT "set grid xtics ytics\n"
        GP_INDENT "set xzeroaxis lt 1 lc rgb '%s'\n"
        GP_INDENT "set yzeroaxis lt 1 lc rgb '%s'\n",
        COLOUR_AXIS, COLOUR_AXIS);
    char horizon[PLOT_TEXT_SIZE / 4];
    plot_horizon_text(&f->scenario[0].run, horizon, sizeof horizon);
    gp_setting(g, "set title", "cost-effectiveness against %s, %s: mean differences with 95%% confidence intervals",
               f->scenario[0].name, horizon);
    gp_printf(g, GP_INDENT "set xlabel \"child-days of unallocated waiting avoided%s\"\n", days.count);
    gp_printf(g, GP_INDENT "set ylabel \"extra cost (%s, cash, not discounted)\"\n", cost.money);
    gp_printf(g, GP_INDENT "# The points come from the arrays, which have no header line.\n"
                 GP_INDENT "set datafile nocolumnheaders\n");
    gp_printf(g,
        GP_INDENT "# Each point's label on the side away from the nearer edge.\n"
        GP_INDENT "do for [i=1:alternatives] {\n"
        GP_INDENT "    if (days[i] > (x_low + x_high) / 2) {\n"
        GP_INDENT "        set label i point_label[i] at days[i], cost[i] right offset char -1, char 1 tc rgb alternative_colour[i]\n"
        GP_INDENT "    } else {\n"
        GP_INDENT "        set label i point_label[i] at days[i], cost[i] left offset char 1, char 1 tc rgb alternative_colour[i]\n"
        GP_INDENT "    }\n"
        GP_INDENT "}\n");
    struct plot_cmd p = { g, 0 };
    gp_series(&p, "for [i=1:alternatives] days every ::(i-1)::(i-1) using (days[i]):(cost[i]):(days_low[i]):(days_high[i]):(cost_low[i]):(cost_high[i]) with xyerrorbars pt 7 ps 1.5 lw 2 lc rgb alternative_colour[i] title alternative[i]");
    gp_plot_done(&p);
    gp_printf(g,
        GP_INDENT "unset label\n"
        GP_INDENT "set datafile columnheaders\n"
        GP_INDENT "unset xlabel\n"
        GP_INDENT "unset xzeroaxis\n"
        GP_INDENT "unset yzeroaxis\n"
        GP_INDENT "set grid noxtics ytics\n");
    gp_chart_end(g);
}

/* The script's preamble, its key listing the scenarios, the alternatives
 * and the shaded band. */
static void compare_preamble(struct gp *g, const struct plot_compare_facts *f, const struct texts *t)
{
    size_t n_keys = f->n_scenarios + f->n_alternatives + 1;
    const char **keys = check_calloc(n_keys, sizeof *keys);
    for (size_t i = 0; i < f->n_scenarios; i++)
        keys[i] = t->scenario[i];
    for (size_t i = 0; i < f->n_alternatives; i++)
        keys[f->n_scenarios + i] = t->key[i];
    keys[n_keys - 1] = KEY_SHADE;
    gp_preamble(g, "charts comparing the scenarios", NULL,
                "compare.csv and each scenario's summary.csv", keys, n_keys);
    free(keys);
}

/* The scenarios' arrays: names, colours, dash and point types. */
static void scenario_arrays(struct gp *g, const struct plot_compare_facts *f, const struct texts *t)
{
    gp_printf(g, "\n# The scenarios, base first: names, colours and dash types. Scenario i's\n"
                 "# results are in the folder " COMPARE_FOLDER_PREFIX "i.\n");
    string_array(g, "scenario", t->scenario, f->n_scenarios);
    string_array(g, "colour", t->colour, f->n_scenarios);
    gp_printf(g, "array dash[%zu] = [", f->n_scenarios);
    for (size_t i = 0; i < f->n_scenarios; i++)
        gp_printf(g, "%s%d", i ? ", " : "", plot_dash(i));
    gp_printf(g, "]\narray point[%zu] = [", f->n_scenarios);
    for (size_t i = 0; i < f->n_scenarios; i++)
        gp_printf(g, "%s%d", i ? ", " : "", plot_point(i));
    gp_printf(g, "]\n");
}

/* The alternatives' arrays and of(i, m), when there are alternatives. */
static void alternative_arrays(struct gp *g, const struct plot_compare_facts *f, const struct texts *t)
{
    if (f->n_alternatives == 0)
        return;
    gp_printf(g, "\n# The alternatives, in compare.csv's order: names as the key shows them and\n"
                 "# as the files hold them, colours, dash and point types (their scenario's).\n"
                 "alternatives = %zu\n", f->n_alternatives);
    string_array(g, "alternative", (const char *const *)t->key, f->n_alternatives);
    string_array(g, "alternative_name", t->alt_name, f->n_alternatives);
    string_array(g, "alternative_colour", t->alt_colour, f->n_alternatives);
    gp_printf(g, "array alternative_dash[%zu] = [", f->n_alternatives);
    for (size_t i = 0; i < f->n_alternatives; i++)
        gp_printf(g, "%s%d", i ? ", " : "", plot_dash(f->alt[i].scenario));
    gp_printf(g, "]\narray alternative_point[%zu] = [", f->n_alternatives);
    for (size_t i = 0; i < f->n_alternatives; i++)
        gp_printf(g, "%s%d", i ? ", " : "", plot_point(f->alt[i].scenario));
    gp_printf(g, "]\n"
        "# of(i, m): the period's last day on the rows of differences.csv of\n"
        "# alternative i and metric m, NaN on every other row.\n"
        "of(i, m) = strcol(\"scenario\") eq alternative_name[i] && strcol(\"metric\") eq m ? \\\n"
        "           timecolumn(date_column, \"%%Y-%%m-%%d\") : NaN\n");
}

/* summary(i), date_column and at(m), for reading the summary.csv files. */
static void summary_functions(struct gp *g, const struct plot_compare_facts *f)
{
    gp_printf(g, "\n"
        "summary(i) = sprintf('" COMPARE_FOLDER_PREFIX "%%d/summary.csv', i)\n"
        "\n"
        "# Each summary.csv has one row per period x metric. at(m) is the period's\n"
        "# last day on the rows of metric m, and NaN (skipped) on every other row.\n"
        "date_column = %d\n"
        "at(m) = strcol(\"metric\") eq m ? timecolumn(date_column, \"%%Y-%%m-%%d\") : NaN\n",
        f->scenario[0].run.date_column);
}

/* Whether the cost-effectiveness plane is drawn; if so its data, with
 * *days and *cost the scales that fit every alternative and its interval. */
static bool plane_scaled(struct gp *g, const struct plot_compare_facts *f, const struct texts *t,
                         struct plot_scale *days, struct plot_scale *cost)
{
    bool plane = plane_ok(f);
    if (plane) {
        double dmax = 0, cmax = 0;
        for (size_t i = 0; i < f->n_alternatives; i++) {
            const struct plot_alternative *a = &f->alt[i];
            dmax = fmax(dmax, fmax(fabs(a->days), fmax(fabs(a->days_low), fabs(a->days_high))));
            cmax = fmax(cmax, fmax(fabs(a->cost), fmax(fabs(a->cost_low), fabs(a->cost_high))));
        }
        *days = plot_scale_for(dmax);
        *cost = plot_scale_for(cmax);
        plane_data(g, f, t, *days, *cost);
    }
    return plane;
}

/* The variables and functions for reading compare_years.csv, scaled by ysc. */
static void years_functions(struct gp *g, const struct plot_compare_facts *f, struct plot_scale ysc)
{
    gp_printf(g,
        "\n"
        "# compare_years.csv has one row per alternative x financial year x metric\n"
        "# (and a row per metric of the years' total): the paired differences\n"
        "# alternative - base. is_year(k, m) holds on the rows of alternative k's\n"
        "# metric m in a year; fy(row) is the year's first calendar year (\"2024-25\":\n"
        "# 2024; row, the row's number, is unused).\n"
        "years = %zu\n"
        "first_year = %d\n"
        "cost_unit = %s   # %s\n"
        "array year_total[years]\n"
        "fy(row) = int(real(substr(strcol(\"year\"), 1, 4)))\n"
        "is_year(k, m) = strcol(\"scenario\") eq alternative_name[k] && strcol(\"metric\") eq m && \\\n"
        "                strcol(\"year\") ne \"total\"\n",
        f->years, f->first_year, ysc.literal, ysc.money);
}

char *plot_compare_script(const struct plot_compare_facts *f, struct plot_charts *charts)
{
    CHECK(f->n_scenarios > 0);
    struct gp g;
    gp_begin(&g, charts);
    struct texts t;
    texts_make(&t, f);
    compare_preamble(&g, f, &t);
    scenario_arrays(&g, f, &t);
    alternative_arrays(&g, f, &t);
    summary_functions(&g, f);

    struct plot_scale days = { 1, "£", "", "1" }, cost = days;
    bool plane = plane_scaled(&g, f, &t, &days, &cost);

    bool years = f->years > 0 && f->n_alternatives > 0;
    struct plot_scale ysc = plot_scale_for(f->years_max);
    if (years)
        years_functions(&g, f, ysc);

    gp_loop_begin(&g);
    gp_time_axis(&g, &f->scenario[0].run, GP_INDENT);
    char reps[PLOT_TEXT_SIZE / 2], n[64], horizon[PLOT_TEXT_SIZE / 4];
    plot_horizon_text(&f->scenario[0].run, horizon, sizeof horizon);
    snprintf(reps, sizeof reps, "%s, %s", horizon, plot_reps_text(n, sizeof n, fewest_reps(f)));
    chart_backlog(&g, f, reps);
    chart_backlog_difference(&g, f, reps);
    for (size_t i = 0; years && i < f->n_alternatives && i + COMPARE_OTHER_CHARTS < PLOT_MAX_CHARTS; i++)
        chart_years(&g, f, i, ysc);
    if (plane)
        chart_plane(&g, f, days, cost);
    gp_loop_end(&g);
    texts_free(&t, f);
    return gp_end(&g);
}
