/* plot_backtest.c — the charts of a backtest folder: for each series, the
 * forecast's fan (median, middle 50% and 90% of replications) with the
 * observed line over it (forecast.csv, written by output/backtest.h). */
#include "output/plot_script.h"

#include "output/csv_in.h"
#include "sim/check.h"

#include <stdlib.h>
#include <string.h>

#define FORECAST "'forecast.csv'"
#define COLOUR_OBSERVED "#000000"
#define KEY_OBSERVED "observed (records)"
#define KEY_BAND "forecast: middle 90%"
#define KEY_BAND_FMT "forecast: middle 90%%"
#define CHART_PREFIX "backtest_"

bool plot_backtest_facts_read(const char *dir, struct plot_backtest_facts *f, char *err, size_t size)
{
    memset(f, 0, sizeof *f);
    char path[4096];
    snprintf(path, sizeof path, "%s/forecast.csv", dir);
    static const char *const need[] = { "series", "date" };
    long col[2];
    struct csv_in c;
    if (!csv_in_open(&c, path, need, col, 2, err, size))
        return false;
    size_t cap = 0;
    int rc;
    while ((rc = csv_in_next(&c)) > 0) {
        const char *s = csv_in_field(&c, col[0]), *d = csv_in_field(&c, col[1]);
        if (!s || !d) {
            snprintf(err, size, "%s:%ld: fewer fields than the header", path, c.line);
            csv_in_free(&c);
            plot_backtest_facts_free(f);
            return false;
        }
        if (!*f->first || strcmp(d, f->first) < 0)
            snprintf(f->first, sizeof f->first, "%.10s", d);
        if (strcmp(d, f->last) > 0)
            snprintf(f->last, sizeof f->last, "%.10s", d);
        if (f->n && strcmp(f->series[f->n - 1], s) == 0)
            continue;
        if (f->n == cap) {
            cap = cap ? 2 * cap : 16;
            f->series = check_realloc(f->series, cap * sizeof *f->series);
        }
        f->series[f->n++] = check_strdup(s);
    }
    csv_in_free(&c);
    if (rc < 0) {
        snprintf(err, size, "%s: unterminated quoted field", path);
        plot_backtest_facts_free(f);
        return false;
    }
    return true;
}

void plot_backtest_facts_free(struct plot_backtest_facts *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->series[i]);
    free(f->series);
    memset(f, 0, sizeof *f);
}

/* The chart's name: backtest_SERIES when the series' name is a safe file
 * name, else backtest_K (K its place, from 1). */
static void chart_name(char buf[PLOT_NAME_SIZE], const char *series, size_t k)
{
    size_t len = strlen(series);
    if (len && strspn(series, GP_NAME_CHARS) == len && len + sizeof CHART_PREFIX <= PLOT_NAME_SIZE)
        snprintf(buf, PLOT_NAME_SIZE, CHART_PREFIX "%s", series);
    else
        snprintf(buf, PLOT_NAME_SIZE, CHART_PREFIX "%zu", k + 1);
}

char *plot_backtest_script(const struct plot_backtest_facts *f, struct plot_charts *charts)
{
    struct gp g;
    gp_begin(&g, charts);
    static const char *const keys[] = { KEY_OBSERVED, KEY_BAND };
    gp_preamble(&g, "charts of the backtest", NULL, "forecast.csv", keys, sizeof keys / sizeof *keys);
    gp_printf(&g,
        "\n"
        "# forecast.csv has one row per series x month. at(s) is the month's last\n"
        "# day on the rows of series s, and NaN (skipped) on every other row.\n"
        "at(s) = strcol(\"series\") eq s ? timecolumn(3, \"%%Y-%%m-%%d\") : NaN\n"
        "colour = '%s'\n",
        plot_colour(0));
    gp_loop_begin(&g);
    gp_printf(&g,
        GP_INDENT "set xdata time\n" GP_INDENT "set timefmt \"%%Y-%%m-%%d\"\n" GP_INDENT "set format x \"%%b\\n%%Y\"\n"
        GP_INDENT "set xtics autofreq\n" GP_INDENT "set xrange [*:*] noextend\n");
    /* a chart per series, as many as a script draws */
    size_t n = f->n < PLOT_MAX_CHARTS ? f->n : PLOT_MAX_CHARTS;
    for (size_t i = 0; i < n; i++) {
        char name[PLOT_NAME_SIZE];
        chart_name(name, f->series[i], i);
        gp_chart_begin(&g, name, "the forecast's fan and what the records show");
        gp_printf(&g, GP_INDENT "set title ");
        gp_quoted(&g, f->series[i]);
        gp_printf(&g, ".': forecast from the fitted scenario against the records'\n");
        gp_printf(&g, GP_INDENT "s = ");
        gp_quoted(&g, f->series[i]);
        gp_printf(&g, "\n");
        struct plot_cmd p = { &g, 0 };
        gp_series(&p, FORECAST " using (at(s)):\"p05\":\"p95\" with filledcurves fs transparent solid band90 "
                      "noborder lc rgb colour title \"" KEY_BAND_FMT "\"");
        gp_series(&p, FORECAST " using (at(s)):\"p25\":\"p75\" with filledcurves fs transparent solid band50 "
                      "noborder lc rgb colour title \"middle 50%%\"");
        gp_series(&p, FORECAST " using (at(s)):\"p50\" with lines lw 2 lc rgb colour title \"median\"");
        gp_series(&p, FORECAST " using (at(s)):\"observed\" with linespoints lw 2 pt 7 ps 0.6 lc rgb '"
                      COLOUR_OBSERVED "' title \"" KEY_OBSERVED "\"");
        gp_plot_done(&p);
        gp_chart_end(&g);
    }
    gp_loop_end(&g);
    return gp_end(&g);
}
