/* plot_fit.c — the script of the charts of a fit folder (caseload fit):
 * each stage's Kaplan–Meier estimate against the fitted survival curve, and
 * the monthly referrals against the Poisson regression. */
#include "output/plot.h"
#include "output/plot_script.h"

#include "sim/check.h"

#include <stdio.h>

#define SURVIVAL "'fit_survival.csv'"
#define REFERRALS "'fit_referrals.csv'"
#define KEY_KM "Kaplan-Meier (records)"
#define KEY_FITTED "fitted, by maximum likelihood"

char *plot_fit_script(const struct plot_fit_facts *f, struct plot_charts *charts)
{
    struct gp g;
    gp_begin(&g, charts);
    const char *keys[] = { KEY_KM, KEY_FITTED };
    gp_preamble(&g, "the fit of a scenario to records", NULL, "fit_survival.csv and fit_referrals.csv", keys, 2);
    gp_loop_begin(&g);
    size_t n = f->n_stages < PLOT_FIT_MAX_STAGES ? f->n_stages : PLOT_FIT_MAX_STAGES;
    for (size_t s = 0; s < n; s++) {
        if (!f->fitted[s])
            continue;
        char name[PLOT_NAME_SIZE];
        snprintf(name, sizeof name, "fit_duration_%zu", s + 1);
        gp_chart_begin(&g, name, "share of episodes still open after each number of days");
        gp_setting(&g, "set title", "Stage %s: time in the stage", f->stage[s]);
        gp_printf(&g, GP_INDENT "set xlabel 'days since the episode started'\n"
                      GP_INDENT "set ylabel 'share still open'\n"
                      GP_INDENT "set xrange [0:*]\n" GP_INDENT "set yrange [0:1]\n");
        struct plot_cmd p = { &g, 0 };
        gp_series(&p, SURVIVAL " using (column(\"stage\") == %zu ? column(\"days\") : NaN):\"km\" with steps "
                      "lw 2 lc rgb '%s' title '" KEY_KM "'",
                  s + 1, plot_colour(0));
        gp_series(&p, SURVIVAL " using (column(\"stage\") == %zu ? column(\"days\") : NaN):\"fitted\" with lines "
                      "lw 2 dt 2 lc rgb '%s' title '" KEY_FITTED "'",
                  s + 1, plot_colour(1));
        gp_plot_done(&p);
        gp_chart_end(&g);
    }
    if (f->referrals) {
        gp_chart_begin(&g, "fit_referrals", "referrals a month, observed and fitted");
        gp_printf(&g, GP_INDENT "set title 'Referrals a month (re-referrals left out when linked)'\n"
                      GP_INDENT "set xdata time\n" GP_INDENT "set timefmt \"%%Y-%%m-%%d\"\n"
                      GP_INDENT "set format x \"%%b\\n%%Y\"\n" GP_INDENT "set xlabel ''\n"
                      GP_INDENT "set ylabel 'referrals'\n" GP_INDENT "set xrange [*:*]\n"
                      GP_INDENT "set yrange [0:*]\n");
        struct plot_cmd p = { &g, 0 };
        gp_series(&p, REFERRALS " using \"month\":\"observed\" with points pt 7 lc rgb '%s' title 'records'",
                  plot_colour(0));
        gp_series(&p, REFERRALS " using \"month\":\"fitted\" with lines lw 2 lc rgb '%s' title 'Poisson regression'",
                  plot_colour(1));
        gp_plot_done(&p);
        gp_printf(&g, GP_INDENT "set xdata\n" GP_INDENT "set format x\n");
        gp_chart_end(&g);
    }
    gp_loop_end(&g);
    return gp_end(&g);
}
