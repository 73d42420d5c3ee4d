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
        "alternatives = %zu\n",
        f->n_alternatives);
    string_array(g, "alternative", (const char *const *)t->key, f->n_alternatives);
    string_array(g, "point_label", (const char *const *)t->label, f->n_alternatives);
    string_array(g, "alternative_colour", t->alt_colour, f->n_alternatives);
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
    bool bands = all_have(f, PLOT_M_UNALLOCATED, true);
    if (!bands && !all_have(f, PLOT_M_UNALLOCATED, false))
        return;
    gp_chart_begin(g, "compare_backlog", "each scenario's backlog: median and middle 90% of replications");
    gp_setting(g, "set title", "unallocated cases (the backlog) by scenario, %s of %s", bands ? "median" : "mean", reps);
    gp_printf(g, GP_INDENT "set ylabel \"cases\"\n" GP_INDENT "set yrange [0:*]\n");
    struct plot_cmd p = { g, 0 };
    const char *m = plot_metric_name(PLOT_M_UNALLOCATED);
    if (bands)
        gp_series(&p, "for [i=1:|scenario|] summary(i) using (at(\"%s\")):\"p05\":\"p95\" with filledcurves fs transparent solid band90 noborder lc rgb colour[i] notitle", m);
    gp_series(&p, "for [i=1:|scenario|] summary(i) using (at(\"%s\")):\"%s\" with lines lw 2 dt dash[i] lc rgb colour[i] title scenario[i]",
              m, bands ? "p50" : "mean");
    if (bands)
        gp_series(&p, "keyentry with filledcurves fs transparent solid band90 noborder lc rgb '%s' title \"%s\"", COLOUR_SHADE, KEY_SHADE);
    gp_plot_done(&p);
    gp_chart_end(g);
}

static void chart_cost(struct gp *g, const struct plot_compare_facts *f, const char *reps)
{
    if (!all_have(f, PLOT_M_COST_CUMULATIVE, false))
        return;
    bool bands = all_have(f, PLOT_M_COST_CUMULATIVE, true);
    double max = 0;
    for (size_t i = 0; i < f->n_scenarios; i++)
        max = fmax(max, f->scenario[i].run.s[PLOT_M_COST_CUMULATIVE].max);
    struct plot_scale sc = plot_scale_for(max);
    gp_chart_begin(g, "compare_cost", "each scenario's cumulative cost: mean and middle 90% of replications");
    gp_setting(g, "set title", "cumulative cost by scenario, mean of %s", reps);
    gp_printf(g, GP_INDENT "set ylabel \"%s\"\n" GP_INDENT "set yrange [0:*]\n", sc.money);
    struct plot_cmd p = { g, 0 };
    const char *m = plot_metric_name(PLOT_M_COST_CUMULATIVE);
    char lo[PLOT_EXPR_SIZE], hi[PLOT_EXPR_SIZE], mean[PLOT_EXPR_SIZE];
    if (bands)
        gp_series(&p, "for [i=1:|scenario|] summary(i) using (at(\"%s\")):%s:%s with filledcurves fs transparent solid band90 noborder lc rgb colour[i] notitle",
                  m, gp_column(lo, "p05", sc.literal), gp_column(hi, "p95", sc.literal));
    gp_series(&p, "for [i=1:|scenario|] summary(i) using (at(\"%s\")):%s with lines lw 2 dt dash[i] lc rgb colour[i] title scenario[i]",
              m, gp_column(mean, "mean", sc.literal));
    if (bands)
        gp_series(&p, "keyentry with filledcurves fs transparent solid band90 noborder lc rgb '%s' title \"%s\"", COLOUR_SHADE, KEY_SHADE);
    gp_plot_done(&p);
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
    gp_setting(g, "set title", "cost-effectiveness against %s: mean differences with 95%% confidence intervals",
               f->scenario[0].name);
    gp_printf(g, GP_INDENT "set xlabel \"child-days of unallocated waiting avoided%s\"\n", days.count);
    gp_printf(g, GP_INDENT "set ylabel \"extra cost (%s)\"\n", cost.money);
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

char *plot_compare_script(const struct plot_compare_facts *f, struct plot_charts *charts)
{
    CHECK(f->n_scenarios > 0);
    struct gp g;
    gp_begin(&g, charts);
    struct texts t;
    texts_make(&t, f);
    size_t n_keys = f->n_scenarios + f->n_alternatives + 1;
    const char **keys = check_calloc(n_keys, sizeof *keys);
    for (size_t i = 0; i < f->n_scenarios; i++)
        keys[i] = t.scenario[i];
    for (size_t i = 0; i < f->n_alternatives; i++)
        keys[f->n_scenarios + i] = t.key[i];
    keys[n_keys - 1] = KEY_SHADE;
    gp_preamble(&g, "charts comparing the scenarios", NULL,
                "compare.csv and each scenario's summary.csv", keys, n_keys);
    free(keys);
    gp_printf(&g, "\n# The scenarios, base first: names, colours and dash types. Scenario i's\n"
                  "# results are in the folder " COMPARE_FOLDER_PREFIX "i.\n");
    string_array(&g, "scenario", t.scenario, f->n_scenarios);
    string_array(&g, "colour", t.colour, f->n_scenarios);
    gp_printf(&g, "array dash[%zu] = [", f->n_scenarios);
    for (size_t i = 0; i < f->n_scenarios; i++)
        gp_printf(&g, "%s%d", i ? ", " : "", plot_dash(i));
    gp_printf(&g, "]\n"
        "summary(i) = sprintf('" COMPARE_FOLDER_PREFIX "%%d/summary.csv', i)\n"
        "\n"
        "# Each summary.csv has one row per period x metric. at(m) is the period's\n"
        "# last day on the rows of metric m, and NaN (skipped) on every other row.\n"
        "date_column = %d\n"
        "at(m) = strcol(\"metric\") eq m ? timecolumn(date_column, \"%%Y-%%m-%%d\") : NaN\n",
        f->scenario[0].run.date_column);

    bool plane = plane_ok(f);
    struct plot_scale days = { 1, "£", "", "1" }, cost = days;
    if (plane) {
        double dmax = 0, cmax = 0;
        for (size_t i = 0; i < f->n_alternatives; i++) {
            const struct plot_alternative *a = &f->alt[i];
            dmax = fmax(dmax, fmax(fabs(a->days), fmax(fabs(a->days_low), fabs(a->days_high))));
            cmax = fmax(cmax, fmax(fabs(a->cost), fmax(fabs(a->cost_low), fabs(a->cost_high))));
        }
        days = plot_scale_for(dmax);
        cost = plot_scale_for(cmax);
        plane_data(&g, f, &t, days, cost);
    }

    gp_loop_begin(&g);
    gp_time_axis(&g, &f->scenario[0].run, GP_INDENT);
    char reps[64];
    plot_reps_text(reps, sizeof reps, fewest_reps(f));
    chart_backlog(&g, f, reps);
    chart_cost(&g, f, reps);
    if (plane)
        chart_plane(&g, f, days, cost);
    gp_loop_end(&g);
    texts_free(&t, f);
    return gp_end(&g);
}
