/* cmd_sweep.c — caseload sweep: outcomes as one or two levers move (a grid),
 * or which assumptions matter most (--tornado). Every point runs the same
 * replications with the same seeds, so the curves are paired. */
#include "cli/batch.h"
#include "cli/commands.h"
#include "cli/evaluate.h"
#include "cli/limits.h"
#include "cli/signals.h"
#include "models/metrics.h"
#include "output/afile.h"
#include "output/csv.h"
#include "output/json.h"
#include "output/plot.h"
#include "output/runfolder.h"
#include "sim/check.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SWEEP_MAX_LEVERS 2
#define SWEEP_MAX_STEPS 1000
#define TORNADO_DEFAULT_SPREAD 0.2
#define SWEEP_DEFAULT_KPI "backlog_mean"

/* Parameters a tornado chart varies when the scenario marks none. */
static const char *const default_uncertain[] = {
    "demand.referrals_per_year",
    "demand.screen_out",
    "workforce.admin_share",
    "workforce.sickness.episodes_per_fte_year",
    "workforce.pressure.sickness_gain",
    "workforce.pressure.turnover_gain",
    "workforce.recruitment.success",
    "workforce.recruitment.time_to_hire.mean",
};

struct lever {
    size_t param;
    double from, to;
    size_t steps;
};

/* "FROM:TO:STEPS" for a date parameter i: two dates YYYY-MM-DD (as days
 * from the start) and a number. */
static bool parse_dates(const struct scenario *sc, size_t i, const char *text, double v[3])
{
    const char *c1 = strchr(text, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2 || c1 - text >= DATE_TEXT_SIZE || c2 - c1 - 1 >= DATE_TEXT_SIZE)
        return false;
    char from[DATE_TEXT_SIZE] = "", to[DATE_TEXT_SIZE] = "";
    memcpy(from, text, (size_t)(c1 - text));
    memcpy(to, c1 + 1, (size_t)(c2 - c1 - 1));
    return params_parse_value(&sc->reg, i, from, &v[0]) && params_parse_value(&sc->reg, i, to, &v[1])
           && params_parse_real(c2 + 1, &v[2]);
}

static bool parse_vary(const struct scenario *sc, const char *text, struct lever *lv)
{
    const char *eq = strchr(text, '=');
    char path[512];
    if (!eq || (size_t)(eq - text) >= sizeof path) {
        fprintf(stderr, "caseload: --vary %s: expected PATH=FROM:TO:STEPS, e.g. "
                        "workforce.grades.sw.establishment=80:140:7\n", text);
        return false;
    }
    memcpy(path, text, (size_t)(eq - text));
    path[eq - text] = '\0';
    long k = params_find(&sc->reg, path);
    if (k < 0) {
        const char *near = params_nearest(&sc->reg, path);
        fprintf(stderr, "caseload: --vary %s: unknown parameter%s%s%s\n", path, near ? " (did you mean " : "",
                near ? near : " (caseload params SCENARIO lists them)", near ? "?)" : "");
        return false;
    }
    double v[3];
    bool ok = sc->reg.p[k].kind == PARAM_DATE ? parse_dates(sc, (size_t)k, eq + 1, v)
                                              : cli_parse_numbers(eq + 1, v, 3);
    ok = ok && v[2] == floor(v[2]) && v[2] >= 2 && v[2] <= SWEEP_MAX_STEPS;
    lv->from = ok ? v[0] : 0;
    lv->to = ok ? v[1] : 0;
    lv->steps = ok ? (size_t)v[2] : 0;
    if (!ok) {
        fprintf(stderr, "caseload: --vary %s: expected PATH=FROM:TO:STEPS with %s FROM and TO and a "
                        "whole number of steps from 2 to %d\n", text,
                sc->reg.p[k].kind == PARAM_DATE ? "dates (YYYY-MM-DD)" : "numbers", SWEEP_MAX_STEPS);
        return false;
    }
    lv->param = (size_t)k;
    return true;
}

/* Value of point i of a lever (whole numbers for whole-number parameters). */
static double lever_value(const struct scenario *sc, const struct lever *lv, size_t i)
{
    double v = lv->from + (lv->to - lv->from) * (double)i / (double)(lv->steps - 1);
    if (sc->reg.p[lv->param].kind != PARAM_REAL)
        v = round(v);
    return v;
}

/* Set the parameters and check the scenario; messages name the point. */
static bool set_point(struct scenario *sc, const size_t *param, const double *v, size_t n, bool report)
{
    for (size_t i = 0; i < n; i++)
        scenario_set_value(sc, param[i], v[i]);
    struct diag d;
    diag_init(&d, CLI_DIAG_LIMIT);
    bool ok = true;
    for (size_t i = 0; i < n; i++)
        if (!params_allowed(&sc->reg, param[i], v[i])) {
            char range[160];
            params_range_text(&sc->reg, param[i], range, sizeof range);
            diag_error(&d, NULL, 0, sc->reg.p[param[i]].path, "%.10g is out of range (allowed: %s)", v[i], range);
            ok = false;
        }
    if (ok)
        ok = scenario_validate(sc, &d);
    if (!ok && report)
        diag_print(&d, stderr, "caseload");
    diag_free(&d);
    return ok;
}

/* Check that runs replications of sc (at its current values) fit the
 * limits of time, memory and disk, then create the results folder (refusing
 * one with results unless --force). */
static int prepare(const struct scenario *sc, uint64_t runs, const char *dir, const struct cli_opts *o)
{
    struct result_layout l;
    metrics_layout(sc, &l);
    int rc = cli_check_cost(&sc, &l, 1, runs, o->threads, dir, "sweep");
    result_layout_free(&l);
    if (rc != 0)
        return rc;
    char err[2 * AFILE_PATH_MAX];
    rc = runfolder_prepare(dir, o->force, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "caseload: %s\n", err);
    return rc;
}

static bool open_out(const char *dir, const char *name, struct afile *a)
{
    char path[AFILE_PATH_MAX];
    if (!runfolder_path(path, sizeof path, dir, name) || !afile_open(a, path)) {
        fprintf(stderr, "caseload: %s/%s: cannot write (%s)\n", dir, name, strerror(errno));
        return false;
    }
    return true;
}

static void manifest(struct json *j, const struct scenario *sc, const struct cli_opts *o, const char *kind,
                     size_t points, bool partial)
{
    json_string(j, "program", "caseload");
    json_string(j, "version", CASELOAD_VERSION);
    json_string(j, "kind", kind);
    json_string(j, "scenario", sc->name);
    json_string(j, "file", sc->file);
    json_uint(j, "seed", o->seed);
    json_uint(j, "replications_per_point", o->reps);
    json_uint(j, "points", points);
    json_bool(j, "partial", partial);
    batch_json_ranks(j, o->threads);
    json_array(j, "command_line");
    for (int i = 0; i < o->argc; i++)
        json_string(j, NULL, o->argv[i]);
    json_close(j);
}

/* The results file and the manifest appear together, or neither does. */
static bool commit_all(struct afile *a, struct afile *b, const char *dir)
{
    struct afile *const set[] = { a, b };
    if (!runfolder_commit(set, 2, NULL, dir)) {
        fprintf(stderr, "caseload: %s: writing results failed (%s)\n", dir, strerror(errno));
        return false;
    }
    return true;
}

/* Room for a KPI's unit. */
#define KPI_UNIT_SIZE 64

/* Whether the scenario reports KPI name (a message when not); its unit
 * (for the manifest, which the charts read) into unit; its stat into
 * *stat. */
static bool kpi_known(const struct scenario *sc, const char *name, char unit[KPI_UNIT_SIZE], enum kpi_stat *stat)
{
    struct result_layout l;
    metrics_layout(sc, &l);
    long k = result_kpi_index(&l, name);
    if (k >= 0) {
        snprintf(unit, KPI_UNIT_SIZE, "%s", l.kpi[k].unit);
        *stat = l.kpi[k].stat;
    }
    result_layout_free(&l);
    if (k < 0)
        fprintf(stderr, "caseload: --kpi %s: no such KPI (see kpis.csv)\n", name);
    return k >= 0;
}

/* ---- grid ------------------------------------------------------------------ */

/* Run the grid of --vary levers into dir. *written says whether results
 * went into it (all points, or a partial set when interrupted). */
static int grid(struct scenario *sc, const struct cli_opts *o, const char *dir, bool *written)
{
    struct lever lv[SWEEP_MAX_LEVERS] = { { 0 } };
    size_t n_lv = o->n_varies;
    for (size_t i = 0; i < n_lv; i++) {
        if (!parse_vary(sc, o->varies[i], &lv[i]))
            return EXIT_USAGE;
        for (size_t j = 0; j < i; j++)
            if (lv[j].param == lv[i].param) {
                fprintf(stderr, "caseload: --vary %s is given twice\n", sc->reg.p[lv[i].param].path);
                return EXIT_USAGE;
            }
    }
    size_t points = lv[0].steps * (n_lv > 1 ? lv[1].steps : 1);
    size_t param[SWEEP_MAX_LEVERS];
    double base[SWEEP_MAX_LEVERS];
    for (size_t i = 0; i < n_lv; i++) {
        param[i] = lv[i].param;
        base[i] = sc->reg.p[param[i]].value;
    }
    /* every point must be a valid scenario before anything runs */
    for (size_t pt = 0; pt < points; pt++) {
        double v[SWEEP_MAX_LEVERS] = { lever_value(sc, &lv[0], pt % lv[0].steps),
                                       n_lv > 1 ? lever_value(sc, &lv[1], pt / lv[0].steps) : 0 };
        if (!set_point(sc, param, v, n_lv, true)) {
            fprintf(stderr, "caseload: the sweep's point %zu is not a valid scenario\n", pt + 1);
            return EXIT_USAGE;
        }
    }
    const char *kpi = o->kpi ? o->kpi : SWEEP_DEFAULT_KPI;
    char kpi_unit[KPI_UNIT_SIZE];
    enum kpi_stat stat;
    if (!kpi_known(sc, kpi, kpi_unit, &stat))
        return EXIT_USAGE;
    int rc = prepare(sc, points * o->reps, dir, o);
    if (rc != EXIT_OK)
        return rc;

    struct afile csv, man;
    if (!open_out(dir, "sweep.csv", &csv))
        return EXIT_FAILURE_RUN;
    if (!open_out(dir, "manifest.json", &man)) {
        afile_abort(&csv);
        return EXIT_FAILURE_RUN;
    }
    struct progress prog;
    uint64_t done = 0;
    progress_start(&prog, sc->name, points * o->reps, o->quiet);
    cli_signals_install();
    bool header = true, partial = false;
    size_t finished = 0;
    if (!o->quiet)
        printf("%s: sweep of %zu points x %llu replications (seed %llu) -> %s/\n", sc->name, points,
               (unsigned long long)o->reps, (unsigned long long)o->seed, dir);
    for (size_t pt = 0; pt < points && rc == EXIT_OK; pt++) {
        double v[SWEEP_MAX_LEVERS] = { lever_value(sc, &lv[0], pt % lv[0].steps),
                                       n_lv > 1 ? lever_value(sc, &lv[1], pt / lv[0].steps) : 0 };
        set_point(sc, param, v, n_lv, false);
        struct eval e;
        int r = eval_run(&e, sc, o, NULL, NULL, &prog, &done);
        if (r != EXIT_OK) {
            partial = cli_stop != 0;
            rc = partial ? EXIT_OK : r;
            eval_free(&e);
            break;
        }
        if (header) {
            afile_puts(&csv, "point");
            for (size_t i = 0; i < n_lv; i++) {
                afile_puts(&csv, ",");
                csv_field(&csv, sc->reg.p[param[i]].path);
            }
            static const char *const suffix[] = { "mean", "ci_low", "ci_high", "p05", "p95" };
            for (size_t k = 0; k < e.kpis.n_kpis; k++)
                for (size_t s = 0; s < 5; s++)
                    afile_printf(&csv, ",%s_%s", e.kpis.kpi[k].name, suffix[s]);
            afile_puts(&csv, "\n");
            header = false;
        }
        afile_printf(&csv, "%zu", pt + 1);
        for (size_t i = 0; i < n_lv; i++)
            csv_next_number(&csv, v[i]);   /* a date as days from the start, as the registry holds it */
        for (size_t k = 0; k < e.kpis.n_kpis; k++) {
            struct summary sm;
            stats_kpi(e.stats, k, &sm);
            csv_next_number(&csv, sm.mean);
            csv_next_number(&csv, sm.ci_low);
            csv_next_number(&csv, sm.ci_high);
            csv_next_number(&csv, sm.p05);
            csv_next_number(&csv, sm.p95);
        }
        afile_puts(&csv, "\n");
        struct summary sm;
        if (eval_kpi(&e, kpi, &sm) && !o->quiet) {
            progress_end(&prog);
            printf("  ");
            for (size_t i = 0; i < n_lv; i++) {
                char val[64];
                eval_value_text(sc, param[i], v[i], val, sizeof val);
                printf("%s = %-10s ", sc->reg.p[param[i]].path, val);
            }
            printf("%s %.4g (95%% CI %.4g to %.4g)\n", kpi, sm.mean, sm.ci_low, sm.ci_high);
        }
        finished++;
        eval_free(&e);
    }
    progress_end(&prog);
    for (size_t i = 0; i < n_lv; i++)
        scenario_set_value(sc, param[i], base[i]);
    if (rc != EXIT_OK || finished == 0) {
        afile_abort(&csv);
        afile_abort(&man);
        if (rc == EXIT_OK)
            fprintf(stderr, "caseload: stopped before any point finished; nothing written\n");
        return rc == EXIT_OK ? EXIT_FAILURE_RUN : rc;
    }
    struct json j;
    json_begin(&j, &man);
    manifest(&j, sc, o, "sweep", finished, partial);
    json_array(&j, "vary");
    for (size_t i = 0; i < n_lv; i++) {
        json_object(&j, NULL);
        json_string(&j, "parameter", sc->reg.p[param[i]].path);
        char unit[64];   /* a date's values here are days from the start, as in sweep.csv */
        if (sc->reg.p[param[i]].kind == PARAM_DATE) {
            char st[DATE_TEXT_SIZE];
            date_format(sc->start, st);
            snprintf(unit, sizeof unit, "days from %s", st);
        } else {
            snprintf(unit, sizeof unit, "%s", sc->reg.p[param[i]].unit);
        }
        json_string(&j, "unit", unit);
        json_number(&j, "base", base[i]);
        json_number(&j, "from", lv[i].from);
        json_number(&j, "to", lv[i].to);
        json_uint(&j, "steps", lv[i].steps);
        json_close(&j);
    }
    json_close(&j);
    json_string(&j, "kpi", kpi);
    json_string(&j, "kpi_unit", kpi_unit);
    struct afile *const set[] = { &csv, &man };
    runfolder_json_written(&j, set, 2, NULL);
    json_end(&j);
    if (!commit_all(&csv, &man, dir))
        return EXIT_FAILURE_RUN;
    *written = true;
    if (partial)
        fprintf(stderr, "caseload: interrupted: %zu of %zu points written (marked partial)\n", finished, points);
    return partial ? EXIT_FAILURE_RUN : EXIT_OK;
}

/* ---- tornado ----------------------------------------------------------------- */

struct bar {
    size_t param;
    double base, low, high;
    struct summary k_low, k_high, swing;
};

static int cmp_bar(const void *a, const void *b)
{
    const struct bar *x = a, *y = b;
    double sx = fabs(x->swing.mean), sy = fabs(y->swing.mean);
    if (sx != sy)
        return sx > sy ? -1 : 1;
    return x->param < y->param ? -1 : x->param > y->param;
}

/* Run sc with parameter p at value v; the KPI values per replication go to
 * out (o->reps of them). */
static int tornado_point(struct scenario *sc, const struct cli_opts *o, size_t p, double v, const char *kpi,
                         double *out, struct progress *prog, uint64_t *done)
{
    double keep = sc->reg.p[p].value;
    int rc = EXIT_USAGE;
    if (set_point(sc, &p, &v, 1, true)) {
        struct eval e;
        rc = eval_run(&e, sc, o, NULL, NULL, prog, done);
        if (rc == EXIT_OK) {
            const double *x = eval_kpi_values(&e, kpi);
            memcpy(out, x, o->reps * sizeof *out);
        }
        eval_free(&e);
    }
    scenario_set_value(sc, p, keep);
    return rc;
}

/* Run the tornado into dir; *written as grid's. */
static int tornado(struct scenario *sc, const struct cli_opts *o, const char *dir, bool *written)
{
    double spread = o->spread > 0 ? o->spread : TORNADO_DEFAULT_SPREAD;
    const char *kpi = o->kpi ? o->kpi : SWEEP_DEFAULT_KPI;
    size_t n = 0, cap = sc->n_uncertain ? sc->n_uncertain : sizeof default_uncertain / sizeof *default_uncertain;
    struct bar *bar = check_calloc(cap, sizeof *bar);
    for (size_t i = 0; i < cap; i++) {
        long p = sc->n_uncertain ? (long)sc->uncertain[i] : params_find(&sc->reg, default_uncertain[i]);
        if (p < 0)
            continue;
        struct bar *b = &bar[n];
        b->param = (size_t)p;
        b->base = sc->reg.p[p].value;
        if (sc->reg.p[p].kind == PARAM_DATE) {
            fprintf(stderr, "caseload: note: %s is a date; a relative spread does not move it (left out; sweep it "
                            "with --vary PATH=FROM:TO:STEPS)\n", sc->reg.p[p].path);
            continue;
        }
        if (b->base == 0) {
            fprintf(stderr, "caseload: note: %s is 0; a relative spread does not move it (left out)\n",
                    sc->reg.p[p].path);
            continue;
        }
        b->low = b->base * (1 - spread);
        b->high = b->base * (1 + spread);
        const struct param *pp = &sc->reg.p[p];
        if (pp->kind != PARAM_REAL) {
            b->low = round(b->low);
            b->high = round(b->high);
        }
        /* keep inside the allowed range */
        if (!params_allowed(&sc->reg, (size_t)p, b->low))
            b->low = pp->lo > -HUGE_VAL ? (pp->flags & PARAM_LO_OPEN ? b->base - 0.5 * (b->base - pp->lo) : pp->lo) : b->low;
        if (!params_allowed(&sc->reg, (size_t)p, b->high))
            b->high = pp->hi < HUGE_VAL ? (pp->flags & PARAM_HI_OPEN ? b->base + 0.5 * (pp->hi - b->base) : pp->hi) : b->high;
        n++;
    }
    if (n == 0) {
        fprintf(stderr, "caseload: --tornado: no parameter to vary (mark some with uncertain = [ ... ] in the scenario)\n");
        free(bar);
        return EXIT_USAGE;
    }
    char kpi_unit[KPI_UNIT_SIZE];
    enum kpi_stat stat = KPI_STAT_MEAN;
    if (!kpi_known(sc, kpi, kpi_unit, &stat)) {
        free(bar);
        return EXIT_USAGE;
    }
    if (stat == KPI_STAT_TIME_TO) {
        /* the swing is a difference of means, and a date that may not come
         * within the horizon has none */
        fprintf(stderr, "caseload: --kpi %s: a date that may not come within the horizon has no mean to swing "
                        "(allowed: a KPI with a mean, e.g. backlog_never_clears)\n", kpi);
        free(bar);
        return EXIT_USAGE;
    }
    int rc = prepare(sc, (2 * n + 1) * o->reps, dir, o);
    if (rc != EXIT_OK) {
        free(bar);
        return rc;
    }

    struct afile csv, man;
    if (!open_out(dir, "tornado.csv", &csv)) {
        free(bar);
        return EXIT_FAILURE_RUN;
    }
    if (!open_out(dir, "manifest.json", &man)) {
        afile_abort(&csv);
        free(bar);
        return EXIT_FAILURE_RUN;
    }
    struct progress prog;
    uint64_t done = 0;
    progress_start(&prog, sc->name, (2 * n + 1) * o->reps, o->quiet);
    cli_signals_install();
    double *base_v = check_calloc(o->reps, sizeof *base_v);
    double *lo_v = check_calloc(o->reps, sizeof *lo_v), *hi_v = check_calloc(o->reps, sizeof *hi_v);
    double *d = check_calloc(o->reps, sizeof *d);
    struct summary base_sm = { 0 };
    struct eval e;
    rc = eval_run(&e, sc, o, NULL, NULL, &prog, &done);
    if (rc == EXIT_OK)
        eval_kpi(&e, kpi, &base_sm);
    eval_free(&e);
    for (size_t i = 0; i < n && rc == EXIT_OK; i++) {
        struct bar *b = &bar[i];
        rc = tornado_point(sc, o, b->param, b->low, kpi, lo_v, &prog, &done);
        if (rc == EXIT_OK)
            rc = tornado_point(sc, o, b->param, b->high, kpi, hi_v, &prog, &done);
        if (rc != EXIT_OK)
            break;
        summary_of(lo_v, o->reps, &b->k_low);
        summary_of(hi_v, o->reps, &b->k_high);
        for (size_t r = 0; r < o->reps; r++)
            d[r] = hi_v[r] - lo_v[r];
        summary_of(d, o->reps, &b->swing);
    }
    progress_end(&prog);
    free(base_v);
    free(lo_v);
    free(hi_v);
    free(d);
    if (rc != EXIT_OK) {
        afile_abort(&csv);
        afile_abort(&man);
        free(bar);
        if (cli_stop)
            fprintf(stderr, "caseload: interrupted: a tornado chart needs every bar; nothing written\n");
        return rc;
    }
    qsort(bar, n, sizeof *bar, cmp_bar);
    afile_puts(&csv, "rank,parameter,unit,base_value,low_value,high_value,kpi,kpi_base,kpi_low,kpi_high,"
                     "swing,swing_ci_low,swing_ci_high\n");
    if (!o->quiet)
        printf("%s: tornado of %s, each parameter %.0f%% below and above its value, %llu replications (seed %llu) "
               "-> %s/\n  %s at the scenario's values: %.4g\n", sc->name, kpi, 100 * spread,
               (unsigned long long)o->reps, (unsigned long long)o->seed, dir, kpi, base_sm.mean);
    for (size_t i = 0; i < n; i++) {
        const struct bar *b = &bar[i];
        const struct param *pp = &sc->reg.p[b->param];
        afile_printf(&csv, "%zu,", i + 1);
        csv_field(&csv, pp->path);
        afile_puts(&csv, ",");
        csv_field(&csv, pp->unit);
        csv_next_number(&csv, b->base);
        csv_next_number(&csv, b->low);
        csv_next_number(&csv, b->high);
        afile_puts(&csv, ",");
        csv_field(&csv, kpi);
        csv_next_number(&csv, base_sm.mean);
        csv_next_number(&csv, b->k_low.mean);
        csv_next_number(&csv, b->k_high.mean);
        csv_next_number(&csv, b->swing.mean);
        csv_next_number(&csv, b->swing.ci_low);
        csv_next_number(&csv, b->swing.ci_high);
        afile_puts(&csv, "\n");
        if (!o->quiet)
            printf("  %2zu. %-45s %10.4g .. %-10.4g swing %+.4g (95%% CI %.4g to %.4g)\n", i + 1, pp->path,
                   b->k_low.mean, b->k_high.mean, b->swing.mean, b->swing.ci_low, b->swing.ci_high);
    }
    struct json j;
    json_begin(&j, &man);
    manifest(&j, sc, o, "tornado", 2 * n + 1, false);
    json_string(&j, "kpi", kpi);
    json_string(&j, "kpi_unit", kpi_unit);
    json_number(&j, "spread", spread);
    struct afile *const set[] = { &csv, &man };
    runfolder_json_written(&j, set, 2, NULL);
    json_end(&j);
    free(bar);
    if (!commit_all(&csv, &man, dir))
        return EXIT_FAILURE_RUN;
    *written = true;
    return EXIT_OK;
}

int cmd_sweep(int argc, char **argv)
{
    struct cli_opts o;
    struct scenario *sc = NULL;
    int rc = EXIT_USAGE;
    if (!cli_parse(&o, argc, argv, 2, "nsjoSqfKVTDpWCZ"))
        goto out;
    if (o.n_args != 1) {
        fprintf(stderr, "caseload: sweep needs one scenario file "
                        "(caseload sweep SCENARIO.cfg --vary PATH=FROM:TO:STEPS | --tornado)\n");
        goto out;
    }
    if (o.tornado == (o.n_varies > 0)) {
        fprintf(stderr, "caseload: sweep needs either --vary PATH=FROM:TO:STEPS (one or two) or --tornado\n");
        goto out;
    }
    if (o.n_varies > SWEEP_MAX_LEVERS) {
        fprintf(stderr, "caseload: sweep varies at most %d parameters at once (a line or a grid)\n", SWEEP_MAX_LEVERS);
        goto out;
    }
    if (o.spread > 0 && !o.tornado) {
        fprintf(stderr, "caseload: --spread only applies with --tornado\n");
        goto out;
    }
    if (!o.reps_given)
        o.reps = CLI_DEFAULT_REPS;
    if (!(sc = cli_load(o.args[0], &o)))
        goto out;
    char dir[AFILE_PATH_MAX];
    snprintf(dir, sizeof dir, "%s%s%s", o.out_dir ? "" : "results/", o.out_dir ? o.out_dir : sc->name,
             o.out_dir ? "" : (o.tornado ? "-tornado" : "-sweep"));
    bool written = false;
    rc = o.tornado ? tornado(sc, &o, dir, &written) : grid(sc, &o, dir, &written);
    bool partial = written && rc != EXIT_OK;
    if (written && !partial) {
        /* the results are whole: a signal from now on stops at once */
        int sig = cli_signals_at_once();
        if (sig)
            rc = CLI_EXIT_SIGNAL(sig);   /* it came after the last point: no charts */
        else if (o.plot && cli_plot(dir, o.quiet, false) != EXIT_OK)
            rc = EXIT_FAILURE_RUN;
    }
out:
    scenario_free(sc);
    cli_opts_free(&o);
    return rc;
}
