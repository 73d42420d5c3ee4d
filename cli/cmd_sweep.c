/* cmd_sweep.c — caseload sweep: outcomes as one or two levers move (a grid),
 * or which assumptions matter most (--tornado). Every point runs the same
 * replications with the same seeds, so the curves are paired. */
#include "cli/batch.h"
#include "cli/commands.h"
#include "cli/eval.h"
#include "cli/limits.h"
#include "cli/signals.h"
#include "models/caseload.h"
#include "output/plot.h"
#include "output/runfolder.h"
#include "output/sweepfolder.h"
#include "output/tablefolder.h"
#include "output/tornadofolder.h"
#include "sim/check.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
                                              : options_parse_numbers(eq + 1, v, 3);
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
static int prepare(const struct scenario *sc, uint64_t runs, const char *dir, const struct options *o)
{
    struct result_layout l;
    caseload_layout(sc, &l);
    int rc = limits_check_cost(&sc, &l, 1, runs, o->threads, dir, "sweep");
    result_layout_free(&l);
    if (rc != 0)
        return rc;
    char err[2 * AFILE_PATH_MAX];
    rc = runfolder_prepare(dir, o->force, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "caseload: %s\n", err);
    return rc;
}

/* Open the folder's table and manifest (tablefolder_open); a message when
 * they cannot be. */
static bool open_out(struct tablefolder *t, const char *dir, const char *csv_name)
{
    const char *failed;
    if (!tablefolder_open(t, dir, csv_name, &failed)) {
        fprintf(stderr, "caseload: %s/%s: cannot write (%s)\n", dir, failed, strerror(errno));
        return false;
    }
    return true;
}

/* Room for a KPI's unit and its description. */
#define KPI_UNIT_SIZE 64
#define KPI_DESCR_SIZE 256

/* What the manifest records of the KPI, from the scenario's layout. */
struct kpi_info {
    char unit[KPI_UNIT_SIZE], descr[KPI_DESCR_SIZE];
    bool discounted;
    enum kpi_stat stat;
};

/* Where the run came from, and when: held for run_of's record. */
struct provenance {
    struct manifest_sources src;
    char start[DATE_TEXT_SIZE];
    time_t started;
};

static void provenance_of(struct provenance *pv, const struct scenario *sc, const struct options *o)
{
    pv->src = (struct manifest_sources){ .files = sc->files,
                                         .sha256 = (const char (*)[SHA256_HEX_SIZE])sc->file_sha256,
                                         .n_files = sc->n_files, .sets = o->sets, .n_sets = o->n_sets };
    date_format(sc->start, pv->start);
    pv->started = time(NULL);
}

/* What the manifest records of the run. */
static struct sweepfolder_run run_of(const struct scenario *sc, const struct options *o, const struct provenance *pv,
                                     const struct kpi_info *k, size_t points, bool partial)
{
    return (struct sweepfolder_run){ .version = CASELOAD_VERSION, .scenario = sc->name, .file = sc->file,
                                     .sources = &pv->src, .start = pv->start,
                                     .horizon_years = sc->reg.p[sc->p_horizon_years].value,
                                     .started = pv->started, .kpi_descr = k->descr,
                                     .kpi_discounted = k->discounted, .seed = o->seed, .reps_per_point = o->reps,
                                     .points = points, .partial = partial, .ranks = batch_ranks(),
                                     .threads = o->threads, .argc = o->argc, .argv = o->argv };
}

/* Commit the folder (both files appear together, or neither does); a
 * message when that fails. */
static bool committed(bool ok, const char *dir)
{
    if (!ok)
        fprintf(stderr, "caseload: %s: writing results failed (%s)\n", dir, strerror(errno));
    return ok;
}

/* Whether the scenario reports KPI name (a message when not); its unit,
 * description and whether it is money discounted to present value (for
 * the manifest, which the charts read) and its stat into *k. */
static bool kpi_known(const struct scenario *sc, const char *name, struct kpi_info *ki)
{
    struct result_layout l;
    caseload_layout(sc, &l);
    long k = result_kpi_index(&l, name);
    if (k >= 0) {
        snprintf(ki->unit, sizeof ki->unit, "%s", l.kpi[k].unit);
        snprintf(ki->descr, sizeof ki->descr, "%s", l.kpi[k].descr ? l.kpi[k].descr : "");
        ki->discounted = caseload_kpi_discounted(name);
        ki->stat = l.kpi[k].stat;
    }
    result_layout_free(&l);
    if (k < 0)
        fprintf(stderr, "caseload: --kpi %s: no such KPI (see kpis.csv)\n", name);
    return k >= 0;
}

/* ---- grid ------------------------------------------------------------------ */

/* A grid of one or two levers; point pt (0-based) takes the first lever's
 * value pt % steps[0] and the second's pt / steps[0]. */
struct grid {
    struct lever lv[SWEEP_MAX_LEVERS];
    size_t n_lv, points;
    size_t param[SWEEP_MAX_LEVERS];
    double base[SWEEP_MAX_LEVERS];   /* the scenario's values */
    const char *kpi;
    struct kpi_info kpi_info;
};

/* The lever values of point pt into v. */
static void grid_values(const struct scenario *sc, const struct grid *g, size_t pt, double v[SWEEP_MAX_LEVERS])
{
    v[0] = lever_value(sc, &g->lv[0], pt % g->lv[0].steps);
    v[1] = g->n_lv > 1 ? lever_value(sc, &g->lv[1], pt / g->lv[0].steps) : 0;
}

/* Read the --vary levers and the KPI into g and check that every point is
 * a valid scenario before anything runs. 0, or 2 after a message. */
static int grid_plan(struct scenario *sc, const struct options *o, struct grid *g)
{
    memset(g, 0, sizeof *g);
    g->n_lv = o->n_varies;
    for (size_t i = 0; i < g->n_lv; i++) {
        if (!parse_vary(sc, o->varies[i], &g->lv[i]))
            return EXIT_USAGE;
        for (size_t j = 0; j < i; j++)
            if (g->lv[j].param == g->lv[i].param) {
                fprintf(stderr, "caseload: --vary %s is given twice\n", sc->reg.p[g->lv[i].param].path);
                return EXIT_USAGE;
            }
    }
    g->points = g->lv[0].steps * (g->n_lv > 1 ? g->lv[1].steps : 1);
    for (size_t i = 0; i < g->n_lv; i++) {
        g->param[i] = g->lv[i].param;
        g->base[i] = sc->reg.p[g->param[i]].value;
    }
    for (size_t pt = 0; pt < g->points; pt++) {
        double v[SWEEP_MAX_LEVERS];
        grid_values(sc, g, pt, v);
        if (!set_point(sc, g->param, v, g->n_lv, true)) {
            fprintf(stderr, "caseload: the sweep's point %zu is not a valid scenario\n", pt + 1);
            return EXIT_USAGE;
        }
    }
    g->kpi = o->kpi ? o->kpi : SWEEP_DEFAULT_KPI;
    return kpi_known(sc, g->kpi, &g->kpi_info) ? EXIT_OK : EXIT_USAGE;
}

/* The line a finished point prints. */
static void grid_print(const struct scenario *sc, const struct grid *g, const double *v, const struct summary *sm)
{
    printf("  ");
    for (size_t i = 0; i < g->n_lv; i++) {
        char val[64];
        eval_value_text(sc, g->param[i], v[i], val, sizeof val);
        printf("%s = %-10s ", sc->reg.p[g->param[i]].path, val);
    }
    printf("%s %.4g (95%% CI %.4g to %.4g)\n", g->kpi, sm->mean, sm->ci_low, sm->ci_high);
}

/* Run every point in order into t's table; *finished counts those done,
 * *partial says a signal stopped the sweep. 0, or the status of the
 * evaluation that failed. The scenario's values are restored. */
static int grid_run(struct scenario *sc, const struct options *o, const struct grid *g, struct tablefolder *t,
                    const char *dir, size_t *finished, bool *partial)
{
    struct progress prog;
    uint64_t done = 0;
    progress_start(&prog, sc->name, g->points * o->reps, o->quiet);
    signals_install();
    if (!o->quiet)
        printf("%s: sweep of %zu points x %llu replications (seed %llu) -> %s/\n", sc->name, g->points,
               (unsigned long long)o->reps, (unsigned long long)o->seed, dir);
    int rc = EXIT_OK;
    *finished = 0;
    *partial = false;
    const char *paths[SWEEP_MAX_LEVERS];
    for (size_t i = 0; i < g->n_lv; i++)
        paths[i] = sc->reg.p[g->param[i]].path;
    for (size_t pt = 0; pt < g->points && rc == EXIT_OK; pt++) {
        double v[SWEEP_MAX_LEVERS];
        grid_values(sc, g, pt, v);
        set_point(sc, g->param, v, g->n_lv, false);
        struct eval e;
        int r = eval_run(&e, sc, o, NULL, NULL, &prog, &done);
        if (r != EXIT_OK) {
            *partial = signals_stop != 0;
            rc = *partial ? EXIT_OK : r;
            eval_free(&e);
            break;
        }
        if (pt == 0)
            sweepfolder_header(t, paths, g->n_lv, &e.kpis);
        /* a date as days from the start, as the registry holds it */
        sweepfolder_row(t, pt + 1, v, g->n_lv, e.stats, e.kpis.n_kpis);
        struct summary sm;
        if (eval_kpi(&e, g->kpi, &sm) && !o->quiet) {
            progress_end(&prog);
            grid_print(sc, g, v, &sm);
        }
        (*finished)++;
        eval_free(&e);
    }
    progress_end(&prog);
    for (size_t i = 0; i < g->n_lv; i++)
        scenario_set_value(sc, g->param[i], g->base[i]);
    return rc;
}

/* Write the manifest of the finished points and commit. */
static bool grid_commit(const struct scenario *sc, const struct options *o, const struct grid *g,
                        const struct provenance *pv, struct tablefolder *t, size_t finished, bool partial,
                        const char *dir)
{
    struct sweepfolder_lever lv[SWEEP_MAX_LEVERS];
    char unit[SWEEP_MAX_LEVERS][64];
    for (size_t i = 0; i < g->n_lv; i++) {
        const struct param *p = &sc->reg.p[g->param[i]];
        /* a date's values here are days from the start, as in sweep.csv */
        if (p->kind == PARAM_DATE) {
            char st[DATE_TEXT_SIZE];
            date_format(sc->start, st);
            snprintf(unit[i], sizeof unit[i], "days from %s", st);
        } else {
            snprintf(unit[i], sizeof unit[i], "%s", p->unit);
        }
        lv[i] = (struct sweepfolder_lever){ .parameter = p->path, .descr = p->descr, .unit = unit[i],
                                            .base = g->base[i],
                                            .from = g->lv[i].from, .to = g->lv[i].to, .steps = g->lv[i].steps };
    }
    struct sweepfolder_run r = run_of(sc, o, pv, &g->kpi_info, finished, partial);
    return committed(sweepfolder_commit(t, &r, lv, g->n_lv, g->kpi, g->kpi_info.unit), dir);
}

/* Run the grid of --vary levers into dir. *written says whether results
 * went into it (all points, or a partial set when interrupted). */
static int grid(struct scenario *sc, const struct options *o, const char *dir, bool *written)
{
    struct grid g;
    int rc = grid_plan(sc, o, &g);
    if (rc == EXIT_OK)
        rc = prepare(sc, g.points * o->reps, dir, o);
    if (rc != EXIT_OK)
        return rc;
    struct provenance pv;
    provenance_of(&pv, sc, o);
    struct tablefolder t;
    if (!open_out(&t, dir, SWEEPFOLDER_CSV))
        return EXIT_FAILURE_RUN;
    size_t finished;
    bool partial;
    rc = grid_run(sc, o, &g, &t, dir, &finished, &partial);
    if (rc != EXIT_OK || finished == 0) {
        tablefolder_abort(&t);
        if (rc == EXIT_OK)
            fprintf(stderr, "caseload: stopped before any point finished; nothing written\n");
        return rc == EXIT_OK ? EXIT_FAILURE_RUN : rc;
    }
    if (!grid_commit(sc, o, &g, &pv, &t, finished, partial, dir))
        return EXIT_FAILURE_RUN;
    *written = true;
    if (partial)
        fprintf(stderr, "caseload: interrupted: %zu of %zu points written (marked partial)\n", finished, g.points);
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
static int tornado_point(struct scenario *sc, const struct options *o, size_t p, double v, const char *kpi,
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

/* The bars of the parameters to vary (those the scenario marks uncertain,
 * else default_uncertain), each spread below and above its value inside
 * its allowed range; a note for each one left out. The count into *n;
 * free the array. */
static struct bar *tornado_bars(const struct scenario *sc, double spread, size_t *n)
{
    size_t cap = sc->n_uncertain ? sc->n_uncertain : sizeof default_uncertain / sizeof *default_uncertain;
    struct bar *bar = check_calloc(cap, sizeof *bar);
    *n = 0;
    for (size_t i = 0; i < cap; i++) {
        long p = sc->n_uncertain ? (long)sc->uncertain[i] : params_find(&sc->reg, default_uncertain[i]);
        if (p < 0)
            continue;
        struct bar *b = &bar[*n];
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
        (*n)++;
    }
    return bar;
}

/* Whether a tornado chart can swing KPI kpi (its unit into unit); a
 * message when not. */
static bool tornado_kpi_ok(const struct scenario *sc, const char *kpi, struct kpi_info *ki)
{
    if (!kpi_known(sc, kpi, ki))
        return false;
    if (ki->stat == KPI_STAT_TIME_TO) {
        /* the swing is a difference of means, and a date that may not come
         * within the horizon has none */
        fprintf(stderr, "caseload: --kpi %s: a date that may not come within the horizon has no mean to swing "
                        "(allowed: a KPI with a mean, e.g. backlog_never_clears)\n", kpi);
        return false;
    }
    return true;
}

/* Run the scenario as it stands (the KPI's mean into *base_mean), then
 * each bar low and high, filling its KPI summaries and its swing. 0, or
 * the status of the evaluation that failed. */
static int tornado_run(struct scenario *sc, const struct options *o, struct bar *bar, size_t n, const char *kpi,
                       double *base_mean)
{
    struct progress prog;
    uint64_t done = 0;
    progress_start(&prog, sc->name, (2 * n + 1) * o->reps, o->quiet);
    signals_install();
    double *lo_v = check_calloc(o->reps, sizeof *lo_v), *hi_v = check_calloc(o->reps, sizeof *hi_v);
    double *d = check_calloc(o->reps, sizeof *d);
    struct summary base_sm = { 0 };
    struct eval e;
    int rc = eval_run(&e, sc, o, NULL, NULL, &prog, &done);
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
        stats_summary_of(lo_v, o->reps, &b->k_low);
        stats_summary_of(hi_v, o->reps, &b->k_high);
        for (size_t r = 0; r < o->reps; r++)
            d[r] = hi_v[r] - lo_v[r];
        stats_summary_of(d, o->reps, &b->swing);
    }
    progress_end(&prog);
    free(lo_v);
    free(hi_v);
    free(d);
    *base_mean = base_sm.mean;
    return rc;
}

/* Rank the bars, write their rows (and print them) and commit. */
static bool tornado_write(const struct scenario *sc, const struct options *o, struct bar *bar, size_t n,
                          const char *kpi, const struct kpi_info *ki, const struct provenance *pv, double spread,
                          double base_mean, struct tablefolder *t, const char *dir)
{
    qsort(bar, n, sizeof *bar, cmp_bar);
    struct tornadofolder_bar *rows = check_calloc(n, sizeof *rows);
    tornadofolder_header(t);
    if (!o->quiet)
        printf("%s: tornado of %s, each parameter %.0f%% below and above its value, %llu replications (seed %llu) "
               "-> %s/\n  %s at the scenario's values: %.4g\n", sc->name, kpi, 100 * spread,
               (unsigned long long)o->reps, (unsigned long long)o->seed, dir, kpi, base_mean);
    for (size_t i = 0; i < n; i++) {
        const struct bar *b = &bar[i];
        const struct param *pp = &sc->reg.p[b->param];
        rows[i] = (struct tornadofolder_bar){ .parameter = pp->path, .descr = pp->descr, .unit = pp->unit,
                                              .base = b->base, .low = b->low, .high = b->high,
                                              .kpi_low = b->k_low.mean, .kpi_high = b->k_high.mean,
                                              .swing = b->swing };
        tornadofolder_row(t, i + 1, &rows[i], kpi, base_mean);
        if (!o->quiet)
            printf("  %2zu. %-45s %10.4g .. %-10.4g swing %+.4g (95%% CI %.4g to %.4g)\n", i + 1, pp->path,
                   b->k_low.mean, b->k_high.mean, b->swing.mean, b->swing.ci_low, b->swing.ci_high);
    }
    struct sweepfolder_run r = run_of(sc, o, pv, ki, 2 * n + 1, false);
    bool ok = committed(tornadofolder_commit(t, &r, rows, n, kpi, ki->unit, spread), dir);
    free(rows);
    return ok;
}

/* Open the folder, run the bars and write them; *written as grid's. */
static int tornado_into(struct scenario *sc, const struct options *o, struct bar *bar, size_t n, const char *kpi,
                        const struct kpi_info *ki, double spread, const char *dir, bool *written)
{
    struct provenance pv;
    provenance_of(&pv, sc, o);
    struct tablefolder t;
    if (!open_out(&t, dir, TORNADOFOLDER_CSV))
        return EXIT_FAILURE_RUN;
    double base_mean;
    int rc = tornado_run(sc, o, bar, n, kpi, &base_mean);
    if (rc != EXIT_OK) {
        tablefolder_abort(&t);
        if (signals_stop)
            fprintf(stderr, "caseload: interrupted: a tornado chart needs every bar; nothing written\n");
        return rc;
    }
    if (!tornado_write(sc, o, bar, n, kpi, ki, &pv, spread, base_mean, &t, dir))
        return EXIT_FAILURE_RUN;
    *written = true;
    return EXIT_OK;
}

/* Run the tornado into dir; *written as grid's. */
static int tornado(struct scenario *sc, const struct options *o, const char *dir, bool *written)
{
    double spread = o->spread > 0 ? o->spread : TORNADO_DEFAULT_SPREAD;
    const char *kpi = o->kpi ? o->kpi : SWEEP_DEFAULT_KPI;
    size_t n;
    struct bar *bar = tornado_bars(sc, spread, &n);
    struct kpi_info ki;
    int rc = EXIT_USAGE;
    if (n == 0)
        fprintf(stderr, "caseload: --tornado: no parameter to vary (mark some with uncertain = [ ... ] in the scenario)\n");
    else if (tornado_kpi_ok(sc, kpi, &ki) && (rc = prepare(sc, (2 * n + 1) * o->reps, dir, o)) == EXIT_OK)
        rc = tornado_into(sc, o, bar, n, kpi, &ki, spread, dir, written);
    free(bar);
    return rc;
}

int cmd_sweep(int argc, char **argv)
{
    struct options o;
    struct scenario *sc = NULL;
    int rc = EXIT_USAGE;
    if (!options_parse(&o, argc, argv, 2, "nsjoSqfKVTDpWCZ"))
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
    if (!(sc = cmd_load(o.args[0], &o)))
        goto out;
    char dir[AFILE_PATH_MAX];
    snprintf(dir, sizeof dir, "%s%s%s", o.out_dir ? "" : "results/", o.out_dir ? o.out_dir : sc->name,
             o.out_dir ? "" : (o.tornado ? "-tornado" : "-sweep"));
    bool written = false;
    rc = o.tornado ? tornado(sc, &o, dir, &written) : grid(sc, &o, dir, &written);
    bool partial = written && rc != EXIT_OK;
    if (written && !partial) {
        /* the results are whole: a signal from now on stops at once */
        int sig = signals_at_once();
        if (sig)
            rc = CLI_EXIT_SIGNAL(sig);   /* it came after the last point: no charts */
        else if (o.plot && cmd_plot_folder(dir, o.quiet, false) != EXIT_OK)
            rc = EXIT_FAILURE_RUN;
    }
out:
    scenario_free(sc);
    options_free(&o);
    return rc;
}
