/* test_plot.c — the charts: the gnuplot script written for small result
 * folders of every kind — runs, comparisons, sweeps and tornado charts (no
 * gnuplot needed), the pictures gnuplot draws from it (PNG and SVG, when
 * gnuplot is installed), folders whose paths hold spaces and quotes, and
 * what happens when gnuplot is missing or fails: a warning or an error, and
 * never a half-written chart. */
#include "output/gnuplot.h"
#include "output/plot.h"
#include "output/plot_script.h"

#include "sim/check.h"
#include "tests/testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#define N_PERIODS 4
#define TEXT_MAX 65536
#define ERR_SIZE 8192
/* A picture smaller than this is surely empty. */
#define MIN_PICTURE_BYTES 2000
#define PNG_SIGNATURE "\x89PNG\r\n\x1a\n"
#define PNG_SIGNATURE_SIZE 8
#define NO_GNUPLOT "caseload-test-no-such-gnuplot"

static const char *const dates[N_PERIODS] = { "2024-04-30", "2024-05-31", "2024-06-30", "2024-07-31" };

/* Every metric the run charts read. */
static const char *const all_metrics[] = {
    "referrals", "unallocated", "waiting_over_threshold", "mean_wait_days", "staff_in_post_fte",
    "staff_sick_fte", "vacancies_uncovered_fte", "agency_fte", "caseload_mean", "caseload_p90", "caseload_cap",
    "cost_staff", "cost_agency", "cost_recruitment", "cost_training", "cost_interventions", "cost_total",
    "cost_cumulative", "establishment_fte",
};
#define N_ALL (sizeof all_metrics / sizeof *all_metrics)

static const char *const run_charts[] = { "backlog", "waiting", "workforce", "caseload", "cost" };
#define N_RUN_CHARTS (sizeof run_charts / sizeof *run_charts)
static const char *const compare_charts[] = { "compare_backlog", "compare_backlog_difference", "compare_years_1",
                                              "cost_effectiveness" };
#define N_COMPARE_CHARTS (sizeof compare_charts / sizeof *compare_charts)
static const char *const sweep_charts[] = { "sweep_backlog_mean", "sweep_cost_total" };
#define N_SWEEP_CHARTS (sizeof sweep_charts / sizeof *sweep_charts)
static const char *const tornado_charts[] = { "tornado_backlog_mean" };

/* The levers of the test sweeps, and the KPIs of sweep.csv with a typical
 * size of each (cost in millions of £, so the charts say £m). */
#define LEVER_X "workforce.grades.sw.establishment"
#define LEVER_Y "workforce.admin_share"
#define LEVER_X_WORDS "funded posts (full-time equivalent)"
#define LEVER_Y_WORDS "share of time on administration"
#define BACKLOG_WORDS "unallocated cases, time average over the horizon"
#define WAIT_WORDS "mean wait to allocation of every allocation"
#define COST_WORDS "total cost over the horizon"
#define SWEEP_X_STEPS 3
#define SWEEP_Y_STEPS 2
static const struct {
    const char *name;
    double size;
} sweep_kpis[] = { { "backlog_mean", 412.385 }, { "mean_wait_days", 21.5 }, { "cost_total", 52.385e6 } };
#define N_SWEEP_KPIS (sizeof sweep_kpis / sizeof *sweep_kpis)

static const char manifest_run[] =
    "{\n  \"program\": \"caseload\",\n  \"scenario\": {\n    \"name\": \"x\",\n"
    "    \"report_every\": \"month\",\n    \"files\": [ { \"path\": \"a\\\"b.cfg\" } ]\n  },\n"
    "  \"seed\": 1, \"partial\": false, \"elapsed_seconds\": 0.25, \"missing\": null\n}\n";

/* summary.csv for the metrics listed, 3 replications. Costs are in
 * thousands of £ (so the charts say £k), cost_interventions is zero (left
 * out of the stack), mean_wait_days has no value in the first period. */
static char *summary_text(const char *scenario_field, const char *const *metrics, size_t n)
{
    char *text = check_malloc(TEXT_MAX);
    size_t w = (size_t)snprintf(text, TEXT_MAX,
                                "scenario,period,date,metric,mean,sd,ci_low,ci_high,p05,p50,p95,p25,p75,n\n");
    for (size_t p = 0; p < N_PERIODS; p++) {
        for (size_t k = 0; k < n; k++) {
            const char *m = metrics[k];
            double scale = strncmp(m, "cost", 4) == 0 ? 1000 : 1;
            double v = ((double)k + 1) * 10 + (double)p * 2.385;
            if (strcmp(m, "cost_interventions") == 0)
                v = 0;
            v *= scale;
            if (strcmp(m, "mean_wait_days") == 0 && p == 0)
                w += (size_t)snprintf(text + w, TEXT_MAX - w, "%s,%zu,%s,%s,NA,NA,NA,NA,NA,NA,NA,NA,NA,3\n",
                                      scenario_field, p + 1, dates[p], m);
            else
                w += (size_t)snprintf(text + w, TEXT_MAX - w,
                                      "%s,%zu,%s,%s,%.6g,1.5,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,3\n",
                                      scenario_field, p + 1, dates[p], m, v, v - 1, v + 1, v * 0.9, v,
                                      v * 1.1, v * 0.95, v * 1.05);
            assert_true(w < TEXT_MAX);
        }
    }
    return text;
}

/* A run folder dir/name with every metric; returns its path. */
static char *make_run(const char *dir, const char *name, const char *scenario_field)
{
    char *run = tu_mkdir(dir, name);
    char *text = summary_text(scenario_field, all_metrics, N_ALL);
    free(tu_write(run, "summary.csv", text));
    free(text);
    free(tu_write(run, "kpis.csv", "scenario,kpi,unit,mean,sd,ci_low,ci_high,p05,p50,p95,n,description\n"
                                   "x,backlog_mean,cases,12.5,1,11,14,11,12,14,3,backlog\n"));
    free(tu_write(run, "manifest.json", manifest_run));
    return run;
}

/* A comparison folder: "base" and "it's new, faster" (a quote, a comma and
 * a space in its name), in scenario-1 and scenario-2. */
static char *make_comparison(const char *dir)
{
    char *cmp = tu_mkdir(dir, "cmp");
    free(make_run(cmp, "scenario-1", "base"));
    free(make_run(cmp, "scenario-2", "\"it's new, faster\""));
    free(tu_write(cmp, "compare.csv",
                  "base,alternative,kpi,unit,base_mean,alternative_mean,difference,difference_sd,ci_low,"
                  "ci_high,excludes_zero,n,extra_cost_total,extra_cost_npv,cost_per_unit\n"
                  "base,\"it's new, faster\",backlog_mean,cases,12.5,10.25,-2.25,0.5,-3,-1.5,true,3,"
                  "123456.5,110000,NA\n"
                  "base,\"it's new, faster\",child_days_unallocated,child-days,9000,6614.5,-2385.5,100,"
                  "-2600,-2171,true,3,123456.5,110000,51.75\n"
                  "base,\"it's new, faster\",cost_total,£,5e6,5123456.5,123456.5,1000,100000,150000,"
                  "true,3,123456.5,110000,NA\n"));
    free(tu_write(cmp, "compare_years.csv",
                  "scenario,year,metric,mean,sd,ci_low,ci_high,p05,p50,p95,n,days\n"
                  "\"it's new, faster\",2024-25,cost_agency,-20000,100,-25000,-15000,-26000,-20000,-14000,3,365\n"
                  "\"it's new, faster\",2024-25,cost_total,60000,100,50000,70000,48000,60000,72000,3,365\n"
                  "\"it's new, faster\",2025-26,cost_agency,-30000,100,-35000,-25000,-36000,-30000,-24000,3,365\n"
                  "\"it's new, faster\",2025-26,cost_total,63456.5,100,53000,73000,50000,63000,75000,3,365\n"
                  "\"it's new, faster\",total,cost_total,123456.5,100,100000,150000,98000,123000,152000,3,730\n"));
    free(tu_write(cmp, "differences.csv",
                  "scenario,period,date,metric,mean,sd,ci_low,ci_high,p05,p50,p95,p25,p75,n\n"
                  "\"it's new, faster\",1,2024-04-30,unallocated,-2,1,-3,-1,-4,-2,0,-3,-1,3\n"
                  "\"it's new, faster\",2,2024-05-31,unallocated,-3,1,-4,-2,-5,-3,-1,-4,-2,3\n"));
    free(tu_write(cmp, "manifest.json",
                  "{ \"program\": \"caseload\", \"kind\": \"comparison\", \"scenarios\": [\n"
                  "  { \"name\": \"base\", \"folder\": \"scenario-1\", \"role\": \"base\" },\n"
                  "  { \"name\": \"it's new, faster\", \"folder\": \"scenario-2\" } ] }\n"));
    return cmp;
}

/* The registry's words for the test KPIs (models/metrics.c), as a sweep's
 * manifest records them. */
static const char *kpi_words(const char *kpi)
{
    return strcmp(kpi, "backlog_mean") == 0 ? BACKLOG_WORDS
           : strcmp(kpi, "mean_wait_days") == 0 ? WAIT_WORDS : COST_WORDS;
}

/* No internal name (a parameter's path or a KPI's name) in what a chart
 * shows: its titles, axis labels and tick labels. */
static void assert_plain_labels(const char *gp)
{
    static const char *const shown[] = { "set title ", "set xlabel ", "set ylabel ", "set cblabel ",
                                         "parameter_words[" };
    static const char *const internal[] = { "workforce.", "demand.", "backlog_mean", "cost_total",
                                            "mean_wait_days", "_share", "_" };
    size_t lines = 0;
    for (const char *l = gp; *l;) {
        const char *end = strchr(l, '\n');
        size_t n = end ? (size_t)(end - l) : strlen(l);
        const char *t = l;
        while (*t == ' ')
            t++;
        for (size_t i = 0; i < sizeof shown / sizeof *shown; i++)
            /* the text's settings (set title offset ...) apart */
            if (strncmp(t, shown[i], strlen(shown[i])) == 0 && strncmp(t + strlen(shown[i]), "offset", 6) != 0) {
                char *line = check_strdup(t);
                line[n - (size_t)(t - l)] = '\0';
                /* the text after the command (parameter_words[N] = ...) */
                const char *text = strchr(line, '\'');
                assert_non_null(text);
                for (size_t k = 0; k < sizeof internal / sizeof *internal; k++)
                    if (strstr(text, internal[k]))
                        fail_msg("internal name \"%s\" on a chart: %s", internal[k], line);
                free(line);
                lines++;
            }
        l += n + (end != NULL);
    }
    assert_true(lines >= 3);
}

/* Write into folder sw the results of a sweep over one lever (x: 90, 95,
 * 100 FTE) or two (and y: 0.6, 0.65), 30 replications per point; the
 * manifest names kpi. */
static void write_sweep(const char *sw, size_t levers, const char *kpi)
{
    char *text = check_malloc(TEXT_MAX);
    size_t w = (size_t)snprintf(text, TEXT_MAX, "point,%s%s", LEVER_X, levers > 1 ? "," LEVER_Y : "");
    for (size_t k = 0; k < N_SWEEP_KPIS; k++)
        w += (size_t)snprintf(text + w, TEXT_MAX - w, ",%s_mean,%s_ci_low,%s_ci_high,%s_p05,%s_p95",
                              sweep_kpis[k].name, sweep_kpis[k].name, sweep_kpis[k].name, sweep_kpis[k].name,
                              sweep_kpis[k].name);
    w += (size_t)snprintf(text + w, TEXT_MAX - w, "\n");
    size_t points = SWEEP_X_STEPS * (levers > 1 ? SWEEP_Y_STEPS : 1);
    for (size_t pt = 0; pt < points; pt++) {
        size_t i = pt % SWEEP_X_STEPS, j = pt / SWEEP_X_STEPS;
        w += (size_t)snprintf(text + w, TEXT_MAX - w, "%zu,%g", pt + 1, 90 + 5 * (double)i);
        if (levers > 1)
            w += (size_t)snprintf(text + w, TEXT_MAX - w, ",%g", 0.6 + 0.05 * (double)j);
        for (size_t k = 0; k < N_SWEEP_KPIS; k++) {
            double v = sweep_kpis[k].size * (1 - 0.2385 * (double)i + 0.1 * (double)j);
            w += (size_t)snprintf(text + w, TEXT_MAX - w, ",%.6g,%.6g,%.6g,%.6g,%.6g", v, v * 0.95, v * 1.05,
                                  v * 0.7, v * 1.4);
        }
        w += (size_t)snprintf(text + w, TEXT_MAX - w, "\n");
        assert_true(w < TEXT_MAX);
    }
    free(tu_write(sw, "sweep.csv", text));
    snprintf(text, TEXT_MAX,
             "{\n  \"program\": \"caseload\",\n  \"kind\": \"sweep\",\n  \"scenario\": \"it's north\",\n"
             "  \"start\": \"2024-04-01\",\n  \"horizon_years\": 5,\n"
             "  \"replications_per_point\": 30,\n  \"points\": %zu,\n  \"partial\": false,\n  \"vary\": [\n"
             "    { \"parameter\": \"" LEVER_X "\", \"description\": \"" LEVER_X_WORDS "\", \"unit\": \"FTE\", "
             "\"base\": 95, \"from\": 90, \"to\": 100, \"steps\": 3 }%s\n"
             "  ],\n  \"kpi\": \"%s\",\n  \"kpi_description\": \"%s\",\n  \"kpi_unit\": \"%s\",\n"
             "  \"kpi_discounted\": false\n}\n",
             points,
             levers > 1 ? ",\n    { \"parameter\": \"" LEVER_Y "\", \"description\": \"" LEVER_Y_WORDS "\", "
                          "\"unit\": \"share\", \"base\": 0.65, \"from\": 0.6, \"to\": 0.65, \"steps\": 2 }" : "",
             kpi, kpi_words(kpi), strcmp(kpi, "cost_total") == 0 ? "£" : strcmp(kpi, "backlog_mean") == 0 ? "cases" : "days");
    free(tu_write(sw, "manifest.json", text));
    free(text);
}

/* A sweep folder dir/name (see write_sweep); returns its path. */
static char *make_sweep(const char *dir, const char *name, size_t levers, const char *kpi)
{
    char *sw = tu_mkdir(dir, name);
    write_sweep(sw, levers, kpi);
    return sw;
}

/* A tornado folder: three parameters, the second moving the KPI the same
 * way at both settings. */
static char *make_tornado(const char *dir, const char *name)
{
    char *t = tu_mkdir(dir, name);
    free(tu_write(t, "tornado.csv",
                  "rank,parameter,unit,base_value,low_value,high_value,kpi,kpi_base,kpi_low,kpi_high,swing,"
                  "swing_ci_low,swing_ci_high\n"
                  "1,demand.referrals_per_year,referrals per year,3120,2496,3744,backlog_mean,176.385,1.08,1408.5,"
                  "1407.42,1353.9,1460.6\n"
                  "2,workforce.recruitment.success,share,0.3,0.24,0.36,backlog_mean,176.385,182.5,180.25,-2.25,"
                  "-4.5,-0.125\n"
                  "3,\"workforce.pressure.sickness_gain\",per unit of overload,1,0.8,1.2,backlog_mean,176.385,"
                  "176.4,178.3,1.9,-1.3,5\n"));
    free(tu_write(t, "manifest.json",
                  "{ \"program\": \"caseload\", \"kind\": \"tornado\", \"scenario\": \"it's north\",\n"
                  "  \"start\": \"2024-04-01\", \"horizon_years\": 5,\n"
                  "  \"replications_per_point\": 20, \"points\": 7, \"partial\": false,\n"
                  "  \"kpi\": \"backlog_mean\", \"kpi_description\": \"" BACKLOG_WORDS "\", \"kpi_unit\": \"cases\",\n"
                  "  \"kpi_discounted\": false, \"spread\": 0.20000000000000001,\n"
                  "  \"descriptions\": [ { \"parameter\": \"demand.referrals_per_year\", "
                  "\"description\": \"referrals received per year\" },\n"
                  "    { \"parameter\": \"workforce.recruitment.success\", \"description\": \"share of campaigns that "
                  "hire: a description long enough to go on a second line and be cut short there, as the tick "
                  "labels allow\" },\n"
                  "    { \"parameter\": \"workforce.pressure.sickness_gain\", "
                  "\"description\": \"sickness multiplier = 1 + gain x max(0, load/cap - 1)\" } ] }\n"));
    return t;
}

static bool exists(const char *dir, const char *name)
{
    char *p = tu_path(dir, name);
    bool ok = tu_exists(p);
    free(p);
    return ok;
}

static void assert_lacks(const char *text, const char *needle)
{
    if (strstr(text, needle))
        fail_msg("did not expect \"%s\" in:\n%s", needle, text);
}

/* No hidden temporary file is left in dir. */
static void assert_no_temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' && n > 4 && strcmp(e->d_name + n - 4, ".tmp") == 0)
            fail_msg("%s/%s left behind", dir, e->d_name);
    }
    closedir(d);
}

/* Whether gnuplot can be run here (the drawing tests skip when not). */
static bool have_gnuplot(void)
{
    static const char *const args[] = { "-e", "exit", NULL };
    struct gnuplot_job job = { gnuplot_program(NULL), "/", args, NULL };
    char err[ERR_SIZE];
    return gnuplot_run(&job, err, sizeof err) == GNUPLOT_OK;
}

static void assert_png(const char *dir, const char *name)
{
    size_t len;
    char *p = tu_path(dir, name);
    char *data = tu_read(p, &len);
    if (len < MIN_PICTURE_BYTES || memcmp(data, PNG_SIGNATURE, PNG_SIGNATURE_SIZE) != 0)
        fail_msg("%s: not a PNG of some size (%zu bytes)", p, len);
    free(data);
    free(p);
}

static void assert_svg(const char *dir, const char *name)
{
    size_t len;
    char *p = tu_path(dir, name);
    char *data = tu_read(p, &len);
    if (len < MIN_PICTURE_BYTES || (strncmp(data, "<?xml", 5) != 0 && !strstr(data, "<svg")))
        fail_msg("%s: not an SVG of some size (%zu bytes)", p, len);
    free(data);
    free(p);
}

static void assert_charts(const char *dir, const char *const *charts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char name[PLOT_NAME_SIZE + 8];
        snprintf(name, sizeof name, "%s.png", charts[i]);
        assert_png(dir, name);
        snprintf(name, sizeof name, "%s.svg", charts[i]);
        assert_svg(dir, name);
    }
    assert_no_temporaries(dir);
}

static const struct plot_opts script_only = { NO_GNUPLOT, true };

/* plot_forget(dir) leaves no picture and no script. */
static void assert_forgotten(const char *dir)
{
    plot_forget(dir);
    DIR *d = opendir(dir);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        bool picture = n > 4 && (strcmp(e->d_name + n - 4, ".png") == 0 || strcmp(e->d_name + n - 4, ".svg") == 0);
        if (picture || strcmp(e->d_name, "plots.gp") == 0)
            fail_msg("%s/%s left behind by plot_forget", dir, e->d_name);
    }
    closedir(d);
}

/* ---- the script, without gnuplot ---- */

static void test_run_script(void **state)
{
    struct tu_dir *f = *state;
    char *run = make_run(f->dir, "run", "\"North, \"\"East\"\"\"");
    char err[ERR_SIZE] = "";
    assert_int_equal(plot_kind_of(run), PLOT_KIND_RUN);
    assert_int_equal(plot_folder(run, &script_only, err, sizeof err), PLOT_OK);
    char *gp = tu_read_in(run, "plots.gp");
    for (size_t i = 0; i < N_RUN_CHARTS; i++) {
        char line[128];
        snprintf(line, sizeof line, "set output chart(\"%s.\".ext)", run_charts[i]);
        tu_assert_contains(gp, line);
    }
    tu_assert_contains(gp, "do for [ext in \"png svg\"]");
    tu_assert_contains(gp, "set terminal pngcairo size 1200,800");
    tu_assert_contains(gp, "set terminal svg size 1200,800");
    /* the CSV by relative name, the series the charts promise */
    tu_assert_contains(gp, "'summary.csv' using (at(\"unallocated\")):\"p05\":\"p95\"");
    tu_assert_contains(gp, "'summary.csv' using (at(\"unallocated\")):\"p25\":\"p75\"");
    tu_assert_contains(gp, "(at(\"unallocated\")):\"p50\" with lines");
    tu_assert_contains(gp, "(at(\"unallocated\")):\"mean\" with lines lw 1.5 dt 2");
    tu_assert_contains(gp, "at(\"waiting_over_threshold\")");
    tu_assert_contains(gp, "at(\"mean_wait_days\")");
    tu_assert_contains(gp, "part(\"staff_in_post_fte\", \"staff_sick_fte\")");
    tu_assert_contains(gp, "part(\"staff_in_post_fte agency_fte vacancies_uncovered_fte\", \"\")");
    tu_assert_contains(gp, "title \"vacant, uncovered\"");
    tu_assert_contains(gp, "at(\"caseload_p90\")");
    tu_assert_contains(gp, "at(\"caseload_cap\")");
    tu_assert_contains(gp, "part(\"cost_staff cost_agency cost_recruitment cost_training\", \"\")/1e3");
    tu_assert_contains(gp, "set ylabel \"cost (£k per month)\"");
    /* every cost chart says the money is not discounted */
    tu_assert_contains(gp, "cost in cash (not discounted)");
    /* the caseload axis starts at zero and leaves room above the highest band */
    tu_assert_contains(gp, "set ylabel \"caseload (caseload points)\"\n    set yrange [0:");
    /* the establishment as a line over the workforce stack */
    tu_assert_contains(gp, "(at(\"establishment_fte\")):\"mean\" with lines");
    tu_assert_contains(gp, "title \"establishment (funded posts)\"");
    /* a period's bar over its middle, so the last one shows whole */
    tu_assert_contains(gp, "using (mid_period($0)):");
    tu_assert_contains(gp, "(at(\"cost_cumulative\")):(column(\"p05\")/1e3)");
    /* the scenario named in titles, quoted for gnuplot */
    tu_assert_contains(gp, "set title 'North, '.\"\\042\".'East'.\"\\042\".': unallocated cases (the backlog)");
    /* and the horizon they cover */
    assert_non_null(strstr(gp, " years), 3 replications'"));
    /* a category that is zero throughout is left out */
    assert_lacks(gp, "title \"interventions\"");
    assert_lacks(gp, "/work/");
    free(gp);
    assert_false(exists(run, "backlog.png"));
    assert_no_temporaries(run);
    free(run);
}

/* A chart whose metrics are missing is left out; the rest are drawn. */
static void test_run_script_missing_metrics(void **state)
{
    struct tu_dir *f = *state;
    char *run = tu_mkdir(f->dir, "partial");
    static const char *const some[] = { "unallocated", "staff_in_post_fte" };
    char *text = summary_text("s", some, 2);
    free(tu_write(run, "summary.csv", text));
    free(text);
    char err[ERR_SIZE] = "";
    assert_int_equal(plot_folder(run, &script_only, err, sizeof err), PLOT_OK);
    char *gp = tu_read_in(run, "plots.gp");
    tu_assert_contains(gp, "chart(\"backlog.\".ext)");
    tu_assert_contains(gp, "chart(\"workforce.\".ext)");
    assert_lacks(gp, "chart(\"waiting.\".ext)");
    assert_lacks(gp, "chart(\"caseload.\".ext)");
    assert_lacks(gp, "chart(\"cost.\".ext)");
    /* no manifest: periods are called periods */
    free(gp);
    free(run);
}

static void test_compare_script(void **state)
{
    struct tu_dir *f = *state;
    char *cmp = make_comparison(f->dir);
    char err[ERR_SIZE] = "";
    assert_int_equal(plot_kind_of(cmp), PLOT_KIND_COMPARISON);
    assert_int_equal(plot_folder(cmp, &script_only, err, sizeof err), PLOT_OK);
    char *gp = tu_read_in(cmp, "plots.gp");
    for (size_t i = 0; i < N_COMPARE_CHARTS; i++) {
        char line[128];
        snprintf(line, sizeof line, "set output chart(\"%s.\".ext)", compare_charts[i]);
        tu_assert_contains(gp, line);
    }
    tu_assert_contains(gp, "array scenario[2] = ['base', 'it'.\"\\047\".'s new, faster']");
    assert_lacks(gp, "array folder");
    tu_assert_contains(gp, "array colour[2] = ['#0072B2', '#D55E00']");
    tu_assert_contains(gp, "summary(i) = sprintf('scenario-%d/summary.csv', i)");
    tu_assert_contains(gp, "stats 'compare.csv' using (strcol(\"kpi\") eq \"child_days_unallocated\"");
    tu_assert_contains(gp, "array alternative[1] = ['it'.\"\\047\".'s new, faster']");
    tu_assert_contains(gp, "set xlabel \"child-days of unallocated waiting avoided (thousands)\"");
    tu_assert_contains(gp, "set ylabel \"extra cost (£k, cash, not discounted)\"");
    tu_assert_contains(gp, "with xyerrorbars");
    /* each scenario in its own colour, dash and marker; no cumulative cost */
    tu_assert_contains(gp, "array point[2] = [7, 9]");
    tu_assert_contains(gp, "dt dash[i] pt point[i]");
    assert_lacks(gp, "cost_cumulative");
    /* the paired differences: the backlog over time with its band, the
     * financial years with their intervals */
    tu_assert_contains(gp, "'differences.csv' using (of(i, \"unallocated\")):\"p05\":\"p95\" with filledcurves");
    tu_assert_contains(gp, "set xtics scale 0 ('2024-25' 2024, '2025-26' 2025)");
    tu_assert_contains(gp, "(-column(\"ci_high\")/cost_unit):(-column(\"ci_low\")/cost_unit):(bar_width) with boxerrorbars");
    tu_assert_contains(gp, "title \"net extra cost (95% CI)\"");
    tu_assert_contains(gp, "in cash (not discounted)");
    /* each scenario's folder gets its own run charts, in its colour */
    char *sub = tu_path(cmp, "scenario-2");
    char *gp2 = tu_read_in(sub, "plots.gp");
    tu_assert_contains(gp2, "colour = '#D55E00'");
    tu_assert_contains(gp2, "set title 'it'.\"\\047\".'s new, faster: unallocated cases (the backlog)");
    free(gp2);
    free(sub);
    free(gp);
    free(cmp);
}

/* Without a list of scenarios in the manifest, compare.csv names them. */
static void test_compare_script_without_list(void **state)
{
    struct tu_dir *f = *state;
    char *cmp = make_comparison(f->dir);
    free(tu_write(cmp, "manifest.json", "{ \"program\": \"caseload\" }\n"));
    char err[ERR_SIZE] = "";
    assert_int_equal(plot_folder(cmp, &script_only, err, sizeof err), PLOT_OK);
    char *gp = tu_read_in(cmp, "plots.gp");
    tu_assert_contains(gp, "array scenario[2] = ['base', 'it'.\"\\047\".'s new, faster']");
    free(gp);
    free(cmp);
}

static void assert_outputs(const char *gp, const char *const *charts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char line[128];
        snprintf(line, sizeof line, "set output chart(\"%s.\".ext)", charts[i]);
        tu_assert_contains(gp, line);
    }
}

/* One lever: the KPI and the cost against it, with their bands. */
static void test_sweep_script(void **state)
{
    struct tu_dir *f = *state;
    char *sw = make_sweep(f->dir, "sweep", 1, "backlog_mean");
    char err[ERR_SIZE] = "";
    assert_int_equal(plot_kind_of(sw), PLOT_KIND_SWEEP);
    assert_int_equal(plot_folder(sw, &script_only, err, sizeof err), PLOT_OK);
    char *gp = tu_read_in(sw, "plots.gp");
    assert_outputs(gp, sweep_charts, N_SWEEP_CHARTS);
    tu_assert_contains(gp, "do for [ext in \"png svg\"]");
    tu_assert_contains(gp, "lever_x = 2   # '" LEVER_X "'");
    /* the series promised: 5-95% band, CI band, mean with markers */
    tu_assert_contains(gp, "'sweep.csv' using (column(lever_x)):(column(\"backlog_mean_p05\")):(column(\"backlog_mean_p95\")) with filledcurves");
    tu_assert_contains(gp, "'sweep.csv' using (column(lever_x)):(column(\"backlog_mean_ci_low\")):(column(\"backlog_mean_ci_high\")) with filledcurves");
    tu_assert_contains(gp, "'sweep.csv' using (column(lever_x)):(column(\"backlog_mean_mean\")) with linespoints");
    tu_assert_contains(gp, "title \"middle 90% of replications\"");
    tu_assert_contains(gp, "title \"95% confidence interval\"");
    /* cost in £m */
    tu_assert_contains(gp, "(column(\"cost_total_mean\")/1e6) with linespoints");
    tu_assert_contains(gp, "set ylabel '" COST_WORDS " (£m)'");
    /* axes in the registry's words with units; titles with the scenario
     * (quoted), the span, cash or discounted for money, and replications */
    tu_assert_contains(gp, "set xlabel '" LEVER_X_WORDS " (FTE)'");
    tu_assert_contains(gp, "set ylabel '" BACKLOG_WORDS " (cases)'");
    tu_assert_contains(gp, "set title 'it'.\"\\047\".'s north: " BACKLOG_WORDS " against " LEVER_X_WORDS "'.\"\\n\"."
                           "'5 years from Apr 2024, 30 replications per point'");
    tu_assert_contains(gp, "5 years from Apr 2024, in cash (not discounted), 30 replications per point'");
    assert_plain_labels(gp);
    /* the scenario's own value */
    tu_assert_contains(gp, "set arrow 1 from 95, graph 0 to 95, graph 1");
    assert_lacks(gp, "mean_wait_days");
    assert_lacks(gp, "/work/");
    free(gp);
    assert_false(exists(sw, "sweep_backlog_mean.png"));
    assert_no_temporaries(sw);

    /* the chosen KPI is the cost: one chart */
    write_sweep(sw, 1, "cost_total");
    assert_int_equal(plot_folder(sw, &script_only, err, sizeof err), PLOT_OK);
    gp = tu_read_in(sw, "plots.gp");
    tu_assert_contains(gp, "set output chart(\"sweep_cost_total.\".ext)");
    assert_lacks(gp, "sweep_backlog_mean");
    char *once = strstr(gp, "set output chart(");
    assert_null(strstr(once + 1, "set output chart("));
    free(gp);
    free(sw);
}

/* Two levers: heat maps over the grid. */
static void test_sweep_grid_script(void **state)
{
    struct tu_dir *f = *state;
    char *sw = make_sweep(f->dir, "grid", 2, "mean_wait_days");
    char err[ERR_SIZE] = "";
    assert_int_equal(plot_folder(sw, &script_only, err, sizeof err), PLOT_OK);
    char *gp = tu_read_in(sw, "plots.gp");
    static const char *const charts[] = { "sweep_mean_wait_days", "sweep_cost_total" };
    assert_outputs(gp, charts, 2);
    tu_assert_contains(gp, "lever_y = 3   # '" LEVER_Y "'");
    tu_assert_contains(gp, "'sweep.csv' using (column(lever_x)):(column(lever_y)):(x_half):(y_half):(column(\"mean_wait_days_mean\")) with boxxyerror lc palette");
    tu_assert_contains(gp, "(column(\"cost_total_mean\")/1e6) with boxxyerror lc palette");
    tu_assert_contains(gp, "with labels tc rgb variable");
    tu_assert_contains(gp, "set cblabel '" WAIT_WORDS " (days)'");
    tu_assert_contains(gp, "set cblabel '" COST_WORDS " (£m)'");
    tu_assert_contains(gp, "set cblabel offset char 2, 0");   /* clear of the colour box's numbers */
    tu_assert_contains(gp, "set xlabel '" LEVER_X_WORDS " (FTE)'");
    tu_assert_contains(gp, "set ylabel '" LEVER_Y_WORDS " (share)'");
    assert_plain_labels(gp);
    tu_assert_contains(gp, "set xtics (\"90\" 90, \"95\" 95, \"100\" 100)");
    tu_assert_contains(gp, "set ytics (\"0.6\" 0.6, \"0.65\" 0.65)");
    tu_assert_contains(gp, "x_half = 2.5; y_half = 0.025");
    /* the scenario's values are a point of the grid: its cell is framed */
    tu_assert_contains(gp, "set object 1 rect center 95, 0.65 size 5, 0.05");
    tu_assert_contains(gp, "'framed: the scenario'.\"\\047\".'s own values (95 FTE, 0.65 share)'");
    assert_lacks(gp, "with linespoints");
    free(gp);
    free(sw);
}

static void test_tornado_script(void **state)
{
    struct tu_dir *f = *state;
    char *t = make_tornado(f->dir, "tornado");
    char err[ERR_SIZE] = "";
    assert_int_equal(plot_kind_of(t), PLOT_KIND_TORNADO);
    assert_int_equal(plot_folder(t, &script_only, err, sizeof err), PLOT_OK);
    char *gp = tu_read_in(t, "plots.gp");
    assert_outputs(gp, tornado_charts, 1);
    /* two segments per bar, by row rank, coloured by setting; the labels */
    tu_assert_contains(gp, "'tornado.csv' using (bar_centre(far_is_low($0))):(-column(\"rank\")):(bar_half_width(far_is_low($0))):(bar_half):(bar_colour(far_is_low($0))) with boxxyerror");
    tu_assert_contains(gp, ":ytic(tick_label($0)) with boxxyerror");
    /* the parameters in plain words (long ones on two lines, then cut
     * short), the range of the settings under them */
    tu_assert_contains(gp, "tick_label(row) = parameter_words[row + 1].\"\\n\"");
    tu_assert_contains(gp, "parameter_words[1] = 'referrals received per year'\n");
    tu_assert_contains(gp, "parameter_words[2] = 'share of campaigns that hire: a description'.\"\\n\"."
                           "'long enough to go on a second line and be\u2026'\n");
    tu_assert_contains(gp, "parameter_words[3] = 'sickness multiplier = 1 + gain x max(0,'.\"\\n\".'load/cap - 1)'\n");
    tu_assert_contains(gp, "(swing_text($0)) with labels");
    tu_assert_contains(gp, "title \"parameter 20% lower\"");
    tu_assert_contains(gp, "title \"parameter 20% higher\"");
    tu_assert_contains(gp, "stats 'tornado.csv' using \"kpi_base\"");
    tu_assert_contains(gp, "set arrow 1 from kpi_base, graph 0 to kpi_base, graph 1");
    tu_assert_contains(gp, "set xlabel '" BACKLOG_WORDS " (cases)'");
    tu_assert_contains(gp, "set title 'it'.\"\\047\".'s north: what moves it most: " BACKLOG_WORDS "'.\"\\n\"."
                           "'5 years from Apr 2024, 20 replications per point'");
    assert_plain_labels(gp);
    /* largest first: rank 1 at the top */
    tu_assert_contains(gp, "set yrange [-3.5:-0.5]");
    free(gp);

    /* a folder from before the manifest held the words: the names */
    free(tu_write(t, "manifest.json", "{ \"program\": \"caseload\", \"kind\": \"tornado\" }\n"));
    assert_int_equal(plot_folder(t, &script_only, err, sizeof err), PLOT_OK);
    gp = tu_read_in(t, "plots.gp");
    tu_assert_contains(gp, "parameter_words[1] = 'demand.referrals_per_year'\n");
    tu_assert_contains(gp, "set xlabel 'backlog_mean'\n");
    free(gp);
    free(t);
}

/* Problems with sweep and tornado folders name the file; a folder holding
 * results of several kinds is the kind its manifest names. */
static void test_sweep_bad_folders(void **state)
{
    struct tu_dir *f = *state;
    char err[ERR_SIZE] = "";
    char *sw = make_sweep(f->dir, "badsweep", 1, "no_such_kpi");
    assert_int_equal(plot_folder(sw, &script_only, err, sizeof err), PLOT_FAILED);
    tu_assert_contains(err, "sweep.csv:1: no column \"no_such_kpi_mean\"");
    write_sweep(sw, 1, "x\\\" y");
    assert_int_equal(plot_folder(sw, &script_only, err, sizeof err), PLOT_FAILED);
    tu_assert_contains(err, "manifest.json: \"kpi\": not a KPI name");
    free(tu_write(sw, "sweep.csv", "point,a,b,c\n1,2,3,4\n"));
    assert_int_equal(plot_folder(sw, &script_only, err, sizeof err), PLOT_FAILED);
    tu_assert_contains(err, "sweep.csv:1: expected point, one or two parameters");
    free(tu_write(sw, "sweep.csv", "point,a,k_mean,k_ci_low,k_ci_high,k_p05,k_p95\n1,x,1,1,1,1,1\n"));
    free(tu_write(sw, "manifest.json", "{ \"kind\": \"sweep\" }"));
    assert_int_equal(plot_folder(sw, &script_only, err, sizeof err), PLOT_FAILED);
    tu_assert_contains(err, "sweep.csv:2: expected a number for a");
    free(tu_write(sw, "sweep.csv", "point,a,k_mean,k_ci_low,k_ci_high,k_p05,k_p95\n"));
    assert_int_equal(plot_folder(sw, &script_only, err, sizeof err), PLOT_FAILED);
    tu_assert_contains(err, "sweep.csv: no rows");
    /* without a manifest's kpi, the first KPI; without units, none */
    free(tu_write(sw, "sweep.csv", "point,a,k_mean,k_ci_low,k_ci_high,k_p05,k_p95\n1,2,3,4,5,6,7\n2,3,4,5,6,7,8\n"));
    assert_int_equal(plot_folder(sw, &script_only, err, sizeof err), PLOT_OK);
    char *gp = tu_read_in(sw, "plots.gp");
    tu_assert_contains(gp, "set output chart(\"sweep_k.\".ext)");
    tu_assert_contains(gp, "set ylabel 'k'");
    assert_lacks(gp, "cost_total");
    free(gp);

    char *t = make_tornado(f->dir, "badtornado");
    free(tu_write(t, "tornado.csv", "rank,parameter,unit\n"));
    assert_int_equal(plot_folder(t, &script_only, err, sizeof err), PLOT_FAILED);
    tu_assert_contains(err, "tornado.csv:1: no column \"low_value\"");
    free(tu_write(t, "tornado.csv",
                  "rank,parameter,unit,low_value,high_value,kpi,kpi_base,kpi_low,kpi_high,swing\n"
                  "1,a,u,1,2,../x,1,2,3,1\n"));
    assert_int_equal(plot_folder(t, &script_only, err, sizeof err), PLOT_FAILED);
    tu_assert_contains(err, "tornado.csv:2: kpi: not a KPI name");

    /* a sweep written over a run: the manifest says which is current */
    char *run = make_run(f->dir, "runthensweep", "x");
    assert_int_equal(plot_kind_of(run), PLOT_KIND_RUN);
    write_sweep(run, 1, "backlog_mean");
    assert_int_equal(plot_kind_of(run), PLOT_KIND_SWEEP);
    free(run);
    free(t);
    free(sw);
}

/* Problems with the folder are reported with the file they concern. */
static void test_bad_folders(void **state)
{
    struct tu_dir *f = *state;
    char err[ERR_SIZE] = "";
    char *empty = tu_mkdir(f->dir, "empty");
    assert_int_equal(plot_kind_of(empty), PLOT_KIND_NONE);
    assert_int_equal(plot_folder(empty, &script_only, err, sizeof err), PLOT_NOT_RESULTS);
    tu_assert_contains(err, empty);

    char *bad = tu_mkdir(f->dir, "bad");
    free(tu_write(bad, "summary.csv", "scenario,period,date,mean\nx,1,2024-01-31,3\n"));
    assert_int_equal(plot_folder(bad, &script_only, err, sizeof err), PLOT_FAILED);
    tu_assert_contains(err, "summary.csv:1: no column \"metric\"");
    free(tu_write(bad, "summary.csv",
                  "scenario,period,date,metric,mean,sd,ci_low,ci_high,p05,p50,p95,p25,p75,n\n"
                  "x,1,31/01/2024,unallocated,1,1,1,1,1,1,1,1,1,1\n"));
    assert_int_equal(plot_folder(bad, &script_only, err, sizeof err), PLOT_FAILED);
    tu_assert_contains(err, "summary.csv:2: expected a date");
    assert_false(exists(bad, "plots.gp"));

    char *run = make_run(f->dir, "badjson", "x");
    free(tu_write(run, "manifest.json", "{ \"scenario\": { \"report_every\": \"month\" }"));
    assert_int_equal(plot_folder(run, &script_only, err, sizeof err), PLOT_FAILED);
    tu_assert_contains(err, "manifest.json: not a JSON object");

    char *cmp = make_comparison(f->dir);
    free(tu_write(cmp, "manifest.json", "{ \"scenarios\": [ { \"name\": \"x\", \"folder\": \"../up\" } ] }"));
    assert_int_equal(plot_folder(cmp, &script_only, err, sizeof err), PLOT_FAILED);
    tu_assert_contains(err, "scenarios[0]: the folder must be scenario-1");
    /* nor a folder named as the scenario (an earlier layout) */
    free(tu_write(cmp, "manifest.json", "{ \"scenarios\": [ { \"name\": \"base\", \"folder\": \"base\" } ] }"));
    assert_int_equal(plot_folder(cmp, &script_only, err, sizeof err), PLOT_FAILED);
    tu_assert_contains(err, "scenarios[0]: the folder must be scenario-1");
    free(cmp);
    free(run);
    free(bad);
    free(empty);
}

/* The text chart's script. */
static void test_terminal_script(void **state)
{
    struct tu_dir *f = *state;
    char *run = make_run(f->dir, "tty", "x");
    struct plot_run_facts facts;
    char err[ERR_SIZE];
    assert_true(plot_run_facts_read(run, &facts, err, sizeof err));
    assert_int_equal(facts.reps, 3);
    assert_int_equal(facts.periods, N_PERIODS);
    assert_string_equal(facts.first, "2024-04-30");
    assert_string_equal(facts.last, "2024-07-31");
    assert_string_equal(facts.period, "month");
    char *gp = plot_terminal_script(&facts, 72, 16);
    tu_assert_contains(gp, "set terminal dumb size 72,16");
    tu_assert_contains(gp, "plot 'summary.csv' using (at(\"unallocated\")):\"p50\" with lines");
    tu_assert_contains(gp, "set format x \"%b %y\"");
    free(gp);
    plot_run_facts_free(&facts);
    free(run);
}

/* ---- drawing, when gnuplot is installed ---- */

static void test_draw_run(void **state)
{
    if (!have_gnuplot())
        skip();
    struct tu_dir *f = *state;
    /* a space and quotes in the path, a comma and quotes in the name */
    char *run = make_run(f->dir, "my \"run\" it's", "\"North, \"\"East\"\"\"");
    char err[ERR_SIZE] = "";
    if (plot_folder(run, NULL, err, sizeof err) != PLOT_OK)
        fail_msg("%s", err);
    assert_charts(run, run_charts, N_RUN_CHARTS);

    /* cd DIR && gnuplot plots.gp draws them again */
    char *png = tu_path(run, "backlog.png");
    assert_int_equal(unlink(png), 0);
    static const char *const args[] = { "plots.gp", NULL };
    struct gnuplot_job job = { gnuplot_program(NULL), run, args, NULL };
    if (gnuplot_run(&job, err, sizeof err) != GNUPLOT_OK)
        fail_msg("%s", err);
    assert_png(run, "backlog.png");
    free(png);
    free(run);
}

static void test_draw_comparison(void **state)
{
    if (!have_gnuplot())
        skip();
    struct tu_dir *f = *state;
    char *cmp = make_comparison(f->dir);
    char err[ERR_SIZE] = "";
    if (plot_folder(cmp, NULL, err, sizeof err) != PLOT_OK)
        fail_msg("%s", err);
    assert_charts(cmp, compare_charts, N_COMPARE_CHARTS);
    char *sub = tu_path(cmp, "scenario-2");
    assert_charts(sub, run_charts, N_RUN_CHARTS);

    /* plot_forget knows every chart a script draws: nothing is left */
    assert_forgotten(cmp);
    assert_forgotten(sub);
    free(sub);
    free(cmp);
}

static void test_draw_sweeps(void **state)
{
    if (!have_gnuplot())
        skip();
    struct tu_dir *f = *state;
    char err[ERR_SIZE] = "";
    char *sw = make_sweep(f->dir, "my 'sweep'", 1, "backlog_mean");
    if (plot_folder(sw, NULL, err, sizeof err) != PLOT_OK)
        fail_msg("%s", err);
    assert_charts(sw, sweep_charts, N_SWEEP_CHARTS);
    char *grid = make_sweep(f->dir, "grid", 2, "backlog_mean");
    if (plot_folder(grid, NULL, err, sizeof err) != PLOT_OK)
        fail_msg("%s", err);
    assert_charts(grid, sweep_charts, N_SWEEP_CHARTS);
    char *t = make_tornado(f->dir, "tornado \"t\"");
    if (plot_folder(t, NULL, err, sizeof err) != PLOT_OK)
        fail_msg("%s", err);
    assert_charts(t, tornado_charts, 1);

    /* the charts of another KPI go once the new ones are drawn: the
     * manifest lists the charts drawn before (its "charts" member kept) */
    char *man = tu_read_in(sw, "manifest.json");
    const char *from = "\"kpi\": \"backlog_mean\"";
    char *at = strstr(man, from);
    assert_non_null(at);
    char *edited = check_malloc(strlen(man) + 64);
    sprintf(edited, "%.*s\"kpi\": \"mean_wait_days\"%s", (int)(at - man), man, at + strlen(from));
    assert_non_null(strstr(edited, "\"charts\": ["));
    free(tu_write(sw, "manifest.json", edited));
    free(edited);
    free(man);
    if (plot_folder(sw, NULL, err, sizeof err) != PLOT_OK)
        fail_msg("%s", err);
    static const char *const wait[] = { "sweep_mean_wait_days", "sweep_cost_total" };
    assert_charts(sw, wait, 2);
    assert_false(exists(sw, "sweep_backlog_mean.png"));
    assert_false(exists(sw, "sweep_backlog_mean.svg"));

    assert_forgotten(sw);
    assert_forgotten(grid);
    assert_forgotten(t);
    free(t);
    free(grid);
    free(sw);
}

/* The text chart goes to standard output. */
static void test_draw_terminal(void **state)
{
    if (!have_gnuplot())
        skip();
    struct tu_dir *f = *state;
    char *run = make_run(f->dir, "text", "x");
    char *out = tu_path(f->dir, "out.txt");
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    char err[ERR_SIZE] = "";
    enum plot_status st = plot_terminal(run, NULL, 60, 15, err, sizeof err);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    if (st != PLOT_OK)
        fail_msg("%s", err);
    char *text = tu_read(out, NULL);
    tu_assert_contains(text, "x: unallocated cases, median of 3 replications");
    tu_assert_contains(text, "*");
    free(text);
    free(out);
    free(run);
}

/* ---- gnuplot missing or failing ---- */

static void test_missing_gnuplot(void **state)
{
    struct tu_dir *f = *state;
    char *run = make_run(f->dir, "nognuplot", "x");
    char err[ERR_SIZE] = "";
    struct plot_opts o = { NO_GNUPLOT, false };
    assert_int_equal(plot_folder(run, &o, err, sizeof err), PLOT_NO_GNUPLOT);
    tu_assert_contains(err, NO_GNUPLOT " not found");
    tu_assert_contains(err, "apt-get install gnuplot-nox");
    assert_true(exists(run, "plots.gp"));
    assert_false(exists(run, "backlog.png"));
    assert_no_temporaries(run);

    /* the same through the environment */
    assert_int_equal(setenv(GNUPLOT_ENV, "/nonexistent/gnuplot", 1), 0);
    assert_int_equal(plot_folder(run, NULL, err, sizeof err), PLOT_NO_GNUPLOT);
    assert_int_equal(plot_terminal(run, NULL, 60, 15, err, sizeof err), PLOT_NO_GNUPLOT);
    unsetenv(GNUPLOT_ENV);

    /* a comparison says it once, for the whole folder */
    char *cmp = make_comparison(f->dir);
    assert_int_equal(plot_folder(cmp, &o, err, sizeof err), PLOT_NO_GNUPLOT);
    tu_assert_contains(err, "caseload plot ");
    tu_assert_contains(err, cmp);
    char *sub = tu_path(cmp, "scenario-2");
    assert_true(exists(sub, "plots.gp"));
    assert_no_temporaries(sub);
    free(sub);
    free(cmp);
    free(run);
}

/* gnuplot fails, or draws nothing: the charts drawn before stay as they
 * were and no temporary file is left. */
static void test_gnuplot_fails(void **state)
{
    struct tu_dir *f = *state;
    char *run = make_run(f->dir, "fails", "x");
    free(tu_write(run, "backlog.png", "earlier picture"));
    char err[ERR_SIZE] = "";
    struct plot_opts o = { "false", false };
    assert_int_equal(plot_folder(run, &o, err, sizeof err), PLOT_FAILED);
    tu_assert_contains(err, "plots.gp: false failed (exit status 1)");
    o.gnuplot = "true";
    assert_int_equal(plot_folder(run, &o, err, sizeof err), PLOT_FAILED);
    tu_assert_contains(err, "backlog.png: gnuplot drew nothing");
    char *old = tu_read_in(run, "backlog.png");
    assert_string_equal(old, "earlier picture");
    free(old);
    assert_false(exists(run, "backlog.svg"));
    assert_no_temporaries(run);
    free(run);
}

/* gnuplot's own error message comes through. */
static void test_gnuplot_error_message(void **state)
{
    if (!have_gnuplot())
        skip();
    struct tu_dir *f = *state;
    char *dir = tu_mkdir(f->dir, "gperr");
    static const char *const args[] = { NULL };
    struct gnuplot_job job = { gnuplot_program(NULL), dir, args, "print 1\nthis is not a command\n" };
    char err[ERR_SIZE] = "";
    assert_int_equal(gnuplot_run(&job, err, sizeof err), GNUPLOT_FAILED);
    tu_assert_contains(err, "invalid command");
    job.cwd = "/nonexistent/folder";
    assert_int_equal(gnuplot_run(&job, err, sizeof err), GNUPLOT_FAILED);
    tu_assert_contains(err, "/nonexistent/folder: cannot enter the folder");
    free(dir);
}

/* ---- the command line ---- */

static int caseload(char **out, char **err, const char *const *args)
{
    char *argv[32];
    int n = 0;
    argv[n++] = (char *)tu_caseload();
    for (; *args && n < 31; args++)
        argv[n++] = (char *)*args;
    argv[n] = NULL;
    return tu_run(argv, out, err);
}

/* run --plot without gnuplot: the results, a warning, status 0; plot
 * without gnuplot: status 1. PATH holds an empty folder. */
static void test_cli_without_gnuplot(void **state)
{
    struct tu_dir *f = *state;
    char *out_dir = tu_path(f->dir, "cli run");
    char *empty = tu_mkdir(f->dir, "empty-path");
    const char *path = getenv("PATH");
    char *saved = path ? check_strdup(path) : NULL;
    setenv("PATH", empty, 1);
    unsetenv(GNUPLOT_ENV);
    const char *run[] = { "run", "scenarios/baseline.cfg", "-n", "2", "-q", "--plot", "-o", out_dir, NULL };
    char *out, *err;
    int rc = caseload(&out, &err, run);
    assert_int_equal(rc, 0);
    tu_assert_contains(err, "caseload: warning: gnuplot not found");
    tu_assert_contains(err, "apt-get install gnuplot-nox");
    assert_true(exists(out_dir, "summary.csv"));
    assert_true(exists(out_dir, "plots.gp"));
    assert_false(exists(out_dir, "backlog.png"));
    free(out);
    free(err);
    const char *plot[] = { "plot", out_dir, NULL };
    assert_int_equal(caseload(&out, &err, plot), 1);
    tu_assert_contains(err, "gnuplot not found");
    free(out);
    free(err);
    /* sweep --plot likewise */
    char *sweep_dir = tu_path(f->dir, "cli sweep");
    const char *sweep[] = { "sweep", "scenarios/baseline.cfg", "--vary", LEVER_X "=100:120:2", "-n", "2", "-q",
                            "--plot", "-o", sweep_dir, NULL };
    assert_int_equal(caseload(&out, &err, sweep), 0);
    tu_assert_contains(err, "caseload: warning: gnuplot not found");
    assert_true(exists(sweep_dir, "sweep.csv"));
    assert_true(exists(sweep_dir, "plots.gp"));
    assert_false(exists(sweep_dir, "sweep_backlog_mean.png"));
    free(out);
    free(err);
    free(sweep_dir);
    if (saved)
        setenv("PATH", saved, 1);
    free(saved);
    free(empty);
    free(out_dir);
}

static void test_cli_plot(void **state)
{
    if (!have_gnuplot())
        skip();
    struct tu_dir *f = *state;
    char *out_dir = tu_path(f->dir, "a 'quoted' \"run\"");
    const char *run[] = { "run", "scenarios/baseline.cfg", "-n", "2", "-q", "--plot", "-o", out_dir, NULL };
    char *out, *err;
    assert_int_equal(caseload(&out, &err, run), 0);
    assert_string_equal(err, "");
    assert_string_equal(out, "");   /* quiet; and standard output is not a terminal */
    free(out);
    free(err);
    assert_charts(out_dir, run_charts, N_RUN_CHARTS);

    const char *plot[] = { "plot", out_dir, NULL };
    assert_int_equal(caseload(&out, &err, plot), 0);
    tu_assert_contains(out, "charts: ");
    free(out);
    free(err);
    /* new results without --plot take the old pictures away */
    const char *again[] = { "run", "scenarios/baseline.cfg", "-n", "2", "-q", "--force", "-o", out_dir, NULL };
    assert_int_equal(caseload(&out, &err, again), 0);
    free(out);
    free(err);
    char *png = tu_path(out_dir, "backlog.png");
    assert_int_equal(access(png, F_OK), -1);
    free(png);

    const char *none[] = { "plot", f->dir, NULL };
    assert_int_equal(caseload(&out, &err, none), 2);
    tu_assert_contains(err, "holds no results");
    free(out);
    free(err);
    free(out_dir);
}

/* sweep --plot draws the charts of a sweep and of a tornado; caseload plot
 * draws them again; new results without --plot take them away. */
static void test_cli_sweep_plot(void **state)
{
    if (!have_gnuplot())
        skip();
    struct tu_dir *f = *state;
    char *dir = tu_path(f->dir, "a 'swept' folder");
    const char *sweep[] = { "sweep", "scenarios/baseline.cfg", "--vary", LEVER_X "=100:120:3", "-n", "2", "-q",
                            "--plot", "-o", dir, NULL };
    char *out, *err;
    assert_int_equal(caseload(&out, &err, sweep), 0);
    assert_string_equal(err, "");
    free(out);
    free(err);
    assert_charts(dir, sweep_charts, N_SWEEP_CHARTS);
    char *manifest = tu_read_in(dir, "manifest.json");
    tu_assert_contains(manifest, "\"kpi_unit\": \"cases\"");
    tu_assert_contains(manifest, "\"base\": 110");
    free(manifest);

    const char *plot[] = { "plot", dir, NULL };
    assert_int_equal(caseload(&out, &err, plot), 0);
    tu_assert_contains(out, "charts: ");
    free(out);
    free(err);

    const char *again[] = { "sweep", "scenarios/baseline.cfg", "--vary", LEVER_X "=100:120:3", "-n", "2", "-q",
                            "--force", "-o", dir, NULL };
    assert_int_equal(caseload(&out, &err, again), 0);
    free(out);
    free(err);
    assert_false(exists(dir, "sweep_backlog_mean.png"));
    assert_false(exists(dir, "plots.gp"));

    char *tdir = tu_path(f->dir, "tornado");
    const char *tornado[] = { "sweep", "scenarios/baseline.cfg", "--tornado", "-n", "2", "-q", "--plot", "-o", tdir,
                              NULL };
    assert_int_equal(caseload(&out, &err, tornado), 0);
    assert_string_equal(err, "");
    free(out);
    free(err);
    assert_charts(tdir, tornado_charts, 1);
    manifest = tu_read_in(tdir, "manifest.json");
    tu_assert_contains(manifest, "\"kpi_unit\": \"cases\"");
    free(manifest);
    free(tdir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_run_script, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_run_script_missing_metrics, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_compare_script, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_compare_script_without_list, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_sweep_script, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_sweep_grid_script, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_tornado_script, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_sweep_bad_folders, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_bad_folders, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_terminal_script, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_draw_run, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_draw_comparison, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_draw_sweeps, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_draw_terminal, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_missing_gnuplot, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_gnuplot_fails, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_gnuplot_error_message, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_cli_without_gnuplot, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_cli_plot, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_cli_sweep_plot, tu_dir_setup, tu_dir_teardown),
    };
    return cmocka_run_group_tests_name("plot", tests, NULL, NULL);
}
