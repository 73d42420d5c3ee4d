/* cmd_info.c — caseload check and caseload params. */
#include "cli/commands.h"

#include "cli/limits.h"
#include "fit/fitmap.h"
#include "models/caseload.h"
#include "output/runfolder.h"
#include "sim/check.h"
#include "sim/diag.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

struct scenario *cmd_load(const char *path, const struct options *o)
{
    struct diag d;
    diag_init(&d, CLI_DIAG_LIMIT);
    struct scenario *sc = scenario_load(path, o->sets, o->n_sets, &d);
    for (size_t i = 0; sc && i < o->n_risks; i++) {
        char metric[256];
        double above;
        CHECK(options_parse_risk(o->risks[i], metric, sizeof metric, &above));   /* checked by options_parse */
        if (!scenario_add_risk(sc, metric, above, "--risk", 0, NULL, &d)) {
            scenario_free(sc);
            sc = NULL;
        }
    }
    if (sc && runfolder_name_taken(sc->name)) {
        /* before any run: a comparison would make a folder of this name
         * beside its own result files, and fail only at the end */
        diag_error(&d, sc->at_name.file, sc->at_name.line, "name",
                   "\"%s\" is the name of a file that results are written to (allowed: " SCENARIO_NAME_RULE
                   "; not a result file's name such as compare.csv or manifest.json, nor NAME.png or NAME.svg)",
                   sc->name);
        scenario_free(sc);
        sc = NULL;
    }
    if (!sc) {
        diag_print(&d, stderr, "caseload");
        diag_free(&d);
        return NULL;
    }
    diag_free(&d);
    /* Allowed but unusual values: said, and the work goes on (or stops
     * under --strict). */
    diag_init(&d, CLI_DIAG_LIMIT);
    size_t n = scenario_warnings(sc, &d);
    diag_print(&d, stderr, "caseload");
    diag_free(&d);
    if (n > 0 && o->strict) {
        fprintf(stderr, "caseload: %s: --strict: %zu warning%s, so nothing was run (allowed: values in their usual "
                "range, or no --strict)\n", path, n, n == 1 ? "" : "s");
        scenario_free(sc);
        return NULL;
    }
    if (o->draws_from) {
        /* run --parameter-uncertainty: the fit's draws of its parameters */
        struct pdraw pd;
        diag_init(&d, CLI_DIAG_LIMIT);
        bool ok = fit_draws_read(o->draws_from, sc, &pd, &d);
        diag_print(&d, stderr, "caseload");
        diag_free(&d);
        if (!ok) {
            scenario_free(sc);
            return NULL;
        }
        scenario_set_draws(sc, &pd, o->draws_from);
    }
    return sc;
}

void cmd_drift_notice(const struct scenario *sc, uint64_t seed)
{
    struct estimate e;
    estimate_scenario(sc, &e);
    double horizon = scenario_horizon_days(sc, NULL);
    double share = horizon > DRIFT_SPAN_DAYS ? DRIFT_SPAN_DAYS / horizon : 1.0;
    double seconds = e.events_per_rep * share * DRIFT_REPS / CLI_EVENTS_PER_SECOND;
    if (!(seconds <= CLI_DRIFT_MAX_SECONDS)) {
        printf("notice: %s: drift not measured: its quick run (%d replications of the first year) would take "
               "about %.3g s (allowed: %g s)\n", sc->file, DRIFT_REPS, seconds, CLI_DRIFT_MAX_SECONDS);
        return;
    }
    struct drift d;
    drift_measure(sc, seed, DRIFT_REPS, &d);
    double limit = sc->reg.p[sc->p_drift_notice].value;
    for (int k = 0; k < DRIFT_STOCKS; k++) {
        if (!drift_notable(sc, &d, (enum drift_stock)k))
            continue;
        printf("notice: %s: with no intervention, the scenario's own dynamics move %s from %.4g "
               "at day 0 to %.4g after %.0f days (mean of %zu replications), %.1f%% of %s (%.4g), more than "
               "drift_notice = %.4g%%: the starting state is not one the scenario's rates hold, and early "
               "results show the model settling, not a change in the service (docs/model.md, \"Drift "
               "notice\")\n",
               sc->file, drift_stock_name((enum drift_stock)k), d.day0[k], d.end[k], d.days, d.reps,
               100 * d.share[k], drift_scale_name((enum drift_stock)k), d.scale[k], 100 * limit);
    }
}

static struct scenario *load_one(int argc, char **argv, struct options *o, const char *cmd)
{
    if (!options_parse(o, argc, argv, 2, "SWCZ"))
        return NULL;
    if (o->n_args != 1) {
        fprintf(stderr, "caseload: %s needs one scenario file (caseload %s SCENARIO.cfg)\n", cmd, cmd);
        return NULL;
    }
    return cmd_load(o->args[0], o);
}

/* Print one parameter's path, value and unit (and description if asked). */
static void print_param(const struct scenario *sc, size_t i, int path_width, bool descr)
{
    const struct param *p = &sc->reg.p[i];
    char value[64];
    params_format_value(&sc->reg, i, p->value, value, sizeof value);
    if (descr)
        printf("%-*s  %14s  %-26s  %s\n", path_width, p->path, value, p->unit, p->descr);
    else
        printf("%-*s  %14s  %s\n", path_width, p->path, value, p->unit);
}

static int width_of(const struct scenario *sc)
{
    size_t w = 4;
    for (size_t i = 0; i < sc->reg.n; i++)
        if (strlen(sc->reg.p[i].path) > w)
            w = strlen(sc->reg.p[i].path);
    return (int)w;
}

int cmd_check(int argc, char **argv)
{
    struct options o;
    struct scenario *sc = load_one(argc, argv, &o, "check");
    if (!sc) {
        options_free(&o);
        return EXIT_USAGE;
    }
    char start[DATE_TEXT_SIZE];
    date_format(sc->start, start);
    printf("%s: scenario \"%s\" is valid: %zu stage%s, %zu grade%s, %zu intervention%s, %zu parameters\n",
           sc->file, sc->name, sc->n_stages, sc->n_stages == 1 ? "" : "s", sc->n_grades, sc->n_grades == 1 ? "" : "s",
           sc->n_iv, sc->n_iv == 1 ? "" : "s", sc->reg.n);
    printf("starts %s, %.10g years, reported every %s\n\n", start, sc->reg.p[sc->p_horizon_years].value,
           scenario_period_name(sc->report_every));
    int w = width_of(sc);
    for (size_t i = 0; i < sc->reg.n; i++)
        print_param(sc, i, w, false);
    cmd_drift_notice(sc, CLI_DEFAULT_SEED);
    scenario_free(sc);
    options_free(&o);
    return EXIT_OK;
}

int cmd_params(int argc, char **argv)
{
    struct options o;
    struct scenario *sc = load_one(argc, argv, &o, "params");
    if (!sc) {
        options_free(&o);
        return EXIT_USAGE;
    }
    int w = width_of(sc);
    printf("%-*s  %14s  %-26s  %s\n", w, "path", "value", "unit", "description");
    for (size_t i = 0; i < sc->reg.n; i++)
        print_param(sc, i, w, true);
    scenario_free(sc);
    options_free(&o);
    return EXIT_OK;
}
