/* cmd_target.c — caseload target: "what does it take?"
 *
 *   caseload target SCENARIO.cfg --lever PATH --kpi NAME [--at DATE]
 *                   --below VALUE [--probability 0.9] [--range LO:HI] [--step S]
 *
 * Finds the smallest lever value for which the KPI (a metric column read at
 * DATE, or a KPI over the horizon) is below VALUE in at least the given
 * share of replications. Every evaluation runs the same replications with
 * the same seeds, so the estimated share p(x) moves with the lever alone and
 * is monotone up to the granularity of the replications; bisection on it
 * then converges like bisection on a deterministic function (see
 * docs/target.md for the choice). */
#include "cli/batch.h"
#include "cli/commands.h"
#include "cli/eval.h"
#include "cli/limits.h"
#include "cli/signals.h"
#include "models/caseload.h"
#include "output/afile.h"
#include "output/plot.h"
#include "output/runfolder.h"
#include "output/tablefolder.h"
#include "output/targetfolder.h"
#include "sim/check.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TARGET_DEFAULT_PROBABILITY 0.9
/* Without --step, bisection stops when the bracket is this share of the range. */
#define TARGET_RESOLUTION (1.0 / 64.0)
#define TARGET_MAX_EVALS 64

struct point {
    double x;
    double p, p_low, p_high;      /* share meeting the rule, with its 95% interval */
    double kpi_mean;
    double cost, npv;             /* mean cost_total and cost_npv */
    double *cost_reps;            /* cost_total per replication */
};

struct search {
    struct scenario *sc;
    const struct options *o;
    size_t lever;
    const char *kpi;              /* metric (with at) or KPI name */
    const char *at;               /* NULL: KPI over the horizon */
    double below, prob, step;
    struct point pt[TARGET_MAX_EVALS];
    size_t n;
    struct progress prog;
    uint64_t done;
    time_t started;
};

/* Evaluate the rule at lever value x (reusing an earlier evaluation). */
static int evaluate(struct search *s, double x, struct point **out)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->pt[i].x == x) {
            *out = &s->pt[i];
            return EXIT_OK;
        }
    CHECK(s->n < TARGET_MAX_EVALS);
    double keep = s->sc->reg.p[s->lever].value;
    scenario_set_value(s->sc, s->lever, x);
    struct diag d;
    diag_init(&d, CLI_DIAG_LIMIT);
    int rc = EXIT_OK;
    if (!params_allowed(&s->sc->reg, s->lever, x) || !scenario_validate(s->sc, &d)) {
        char range[160];
        params_range_text(&s->sc->reg, s->lever, range, sizeof range);
        fprintf(stderr, "caseload: --lever %s = %.10g is not a valid scenario (allowed: %s)\n",
                s->sc->reg.p[s->lever].path, x, range);
        diag_print(&d, stderr, "caseload");
        rc = EXIT_USAGE;
    }
    diag_free(&d);
    struct eval e;
    memset(&e, 0, sizeof e);
    if (rc == EXIT_OK)
        rc = eval_run(&e, s->sc, s->o, s->at ? s->kpi : NULL, s->at, &s->prog, &s->done);
    scenario_set_value(s->sc, s->lever, keep);
    if (rc != EXIT_OK) {
        eval_free(&e);
        return rc;
    }
    const double *v = s->at ? e.at : eval_kpi_values(&e, s->kpi);
    struct point *pt = &s->pt[s->n++];
    pt->x = x;
    double met = 0, sum = 0;
    size_t counted = 0;
    for (size_t r = 0; r < e.n; r++) {
        if (isnan(v[r]))
            continue;
        counted++;
        sum += v[r];
        met += v[r] < s->below;
    }
    pt->p = counted ? met / (double)counted : 0;
    stats_wilson(met, counted ? (double)counted : 1, &pt->p_low, &pt->p_high);
    pt->kpi_mean = counted ? sum / (double)counted : NAN;
    struct summary c;
    pt->cost = eval_kpi(&e, "cost_total", &c) ? c.mean : NAN;
    pt->npv = eval_kpi(&e, "cost_npv", &c) ? c.mean : NAN;
    pt->cost_reps = check_calloc(e.n ? e.n : 1, sizeof *pt->cost_reps);
    memcpy(pt->cost_reps, eval_kpi_values(&e, "cost_total"), e.n * sizeof *pt->cost_reps);
    eval_free(&e);
    *out = pt;
    return EXIT_OK;
}

static bool meets(const struct search *s, const struct point *p) { return p->p >= s->prob; }

static double snap(const struct search *s, double lo, double x)
{
    return s->step > 0 ? lo + s->step * floor((x - lo) / s->step + 0.5) : x;
}

static bool parse_range(const char *text, double *lo, double *hi)
{
    double v[2];
    if (!options_parse_numbers(text, v, 2) || !(v[0] < v[1]))
        return false;
    *lo = v[0];
    *hi = v[1];
    return true;
}

static int cmp_x(const void *a, const void *b)
{
    const struct point *x = a, *y = b;
    return (x->x > y->x) - (x->x < y->x);
}

/* The evaluation's row of target.csv. */
static struct targetfolder_point row_of(const struct point *p)
{
    return (struct targetfolder_point){ .x = p->x, .p = p->p, .p_low = p->p_low, .p_high = p->p_high,
                                        .kpi_mean = p->kpi_mean, .cost = p->cost, .npv = p->npv };
}

static int write_results(struct search *s, const char *dir, const struct point *ans, double bracket_lo,
                         double bracket_hi, const struct point *now)
{
    struct tablefolder t;
    const char *failed;
    if (!tablefolder_open(&t, dir, TARGETFOLDER_CSV, &failed)) {
        fprintf(stderr, "caseload: %s: cannot write (%s)\n", dir, strerror(errno));
        return EXIT_FAILURE_RUN;
    }
    const char *lever = s->sc->reg.p[s->lever].path;
    targetfolder_header(&t);
    struct point sorted[TARGET_MAX_EVALS];
    memcpy(sorted, s->pt, s->n * sizeof *sorted);
    qsort(sorted, s->n, sizeof *sorted, cmp_x);
    for (size_t i = 0; i < s->n; i++) {
        struct targetfolder_point r = row_of(&sorted[i]);
        targetfolder_row(&t, i + 1, lever, &r);
    }
    struct targetfolder_point answer = ans ? row_of(ans) : (struct targetfolder_point){ 0 }, today = row_of(now);
    const struct scenario *sc = s->sc;
    struct manifest_sources src = { .files = sc->files, .sha256 = (const char (*)[SHA256_HEX_SIZE])sc->file_sha256,
                                    .n_files = sc->n_files, .sets = s->o->sets, .n_sets = s->o->n_sets };
    char start[DATE_TEXT_SIZE];
    date_format(sc->start, start);
    /* the KPI's words and unit (a metric at a date has a unit only) */
    struct result_layout l;
    caseload_layout(sc, &l);
    long k = result_kpi_index(&l, s->kpi), m = k < 0 ? result_metric_index(&l, s->kpi) : -1;
    char kpi_descr[256] = "", kpi_unit[64] = "";
    if (k >= 0) {
        snprintf(kpi_descr, sizeof kpi_descr, "%s", l.kpi[k].descr ? l.kpi[k].descr : "");
        snprintf(kpi_unit, sizeof kpi_unit, "%s", l.kpi[k].unit);
    } else if (m >= 0) {
        snprintf(kpi_unit, sizeof kpi_unit, "%s", l.metric[m].unit);
    }
    result_layout_free(&l);
    struct targetfolder_search q = {
        .version = CASELOAD_VERSION, .scenario = sc->name, .file = sc->file, .lever = lever,
        .sources = &src, .start = start, .horizon_years = sc->reg.p[sc->p_horizon_years].value,
        .lever_descr = sc->reg.p[s->lever].descr, .lever_unit = sc->reg.p[s->lever].unit,
        .kpi_descr = kpi_descr, .kpi_unit = kpi_unit, .started = s->started,
        .kpi = s->kpi, .at = s->at, .below = s->below, .probability = s->prob, .answer = ans ? &answer : NULL,
        .value_low = bracket_lo, .value_high = bracket_hi, .now = &today, .evaluations = s->n,
        .seed = s->o->seed, .reps = s->o->reps, .ranks = batch_ranks(), .threads = s->o->threads,
        .argc = s->o->argc, .argv = s->o->argv,
    };
    if (!targetfolder_commit(&t, &q)) {
        fprintf(stderr, "caseload: %s: writing results failed (%s)\n", dir, strerror(errno));
        return EXIT_FAILURE_RUN;
    }
    return EXIT_OK;
}

/* The evaluations of the search: the scenario's value (*now), both ends
 * (*a at lo, *b at hi), then bisection while the rule fails at one end and
 * holds at the other. *ans: the smallest value found that meets the rule
 * (NULL when none). 0, or the status of the evaluation that failed. */
static int bisect(struct search *s, double lo, double hi, struct point **now, struct point **a, struct point **b,
                  const struct point **ans)
{
    const struct param *lever = &s->sc->reg.p[s->lever];
    double tol = s->step > 0 ? s->step : (hi - lo) * TARGET_RESOLUTION;
    int rc;
    /* the scenario's value and both ends, then one bisection step per halving */
    double halvings = hi - lo > tol && tol > 0 ? ceil(log2((hi - lo) / tol)) : 0;
    size_t evals = 3 + (size_t)fmin(halvings, TARGET_MAX_EVALS - 3);
    progress_start(&s->prog, s->sc->name, s->o->reps * evals, s->o->quiet);
    *ans = NULL;
    if ((rc = evaluate(s, lever->value, now)) != EXIT_OK || (rc = evaluate(s, lo, a)) != EXIT_OK
        || (rc = evaluate(s, hi, b)) != EXIT_OK) {
        progress_end(&s->prog);
        return rc;
    }
    double x_lo = lo, x_hi = hi;
    if (meets(s, *a)) {
        *ans = *a;
        x_hi = lo;
    } else if (meets(s, *b)) {
        /* invariant: the rule fails at x_lo and holds at x_hi */
        while (x_hi - x_lo > tol * (1 + 1e-9) && s->n < TARGET_MAX_EVALS) {
            double mid = snap(s, lo, 0.5 * (x_lo + x_hi));
            if (mid <= x_lo || mid >= x_hi)
                break;
            struct point *m;
            if ((rc = evaluate(s, mid, &m)) != EXIT_OK) {
                progress_end(&s->prog);
                return rc;
            }
            if (meets(s, m))
                x_hi = mid;
            else
                x_lo = mid;
        }
        for (size_t i = 0; i < s->n; i++)
            if (s->pt[i].x == x_hi)
                *ans = &s->pt[i];
    }
    progress_end(&s->prog);
    return EXIT_OK;
}

/* The answer's uncertainty: the largest value whose estimated share is
 * surely below the target (interval entirely under it) into *b_lo, the
 * smallest surely above into *b_hi (infinite when none). */
static void bracket(const struct search *s, double *b_lo, double *b_hi)
{
    *b_lo = -HUGE_VAL;
    *b_hi = HUGE_VAL;
    for (size_t i = 0; i < s->n; i++) {
        if (s->pt[i].p_high < s->prob && s->pt[i].x > *b_lo)
            *b_lo = s->pt[i].x;
        if (s->pt[i].p_low >= s->prob && s->pt[i].x < *b_hi)
            *b_hi = s->pt[i].x;
    }
}

/* The answer for people. */
static void print_answer(const struct search *s, const char *dir, double lo, double hi, const struct point *ans,
                         const struct point *a, const struct point *b, const struct point *now, double b_lo,
                         double b_hi)
{
    const struct param *lever = &s->sc->reg.p[s->lever];
    char what[256];
    if (s->at)
        snprintf(what, sizeof what, "%s on %s", s->kpi, s->at);
    else
        snprintf(what, sizeof what, "%s over the horizon", s->kpi);
    printf("%s: smallest %s (%s) with %s below %.10g in at least %.0f%% of %llu replications\n", s->sc->name,
           lever->path, lever->unit, what, s->below, 100 * s->prob, (unsigned long long)s->o->reps);
    if (!ans) {
        printf("  not reached within %.10g..%.10g: at %.10g the share is %.0f%%; widen --range\n", lo, hi, hi,
               100 * b->p);
        return;
    }
    char v[64];
    eval_value_text(s->sc, s->lever, ans->x, v, sizeof v);
    printf("  answer: %s = %s   (share below: %.0f%%, 95%% CI %.0f%% to %.0f%%)\n", lever->path, v, 100 * ans->p,
           100 * ans->p_low, 100 * ans->p_high);
    if (ans == a)
        printf("  (already met at the bottom of the range %.10g: the smallest value may be lower)\n", lo);
    if (isfinite(b_lo) || isfinite(b_hi))
        printf("  uncertainty: the rule is surely not met at %s%.10g and surely met at %s%.10g\n",
               isfinite(b_lo) ? "" : "<= ", isfinite(b_lo) ? b_lo : lo, isfinite(b_hi) ? "" : ">= ",
               isfinite(b_hi) ? b_hi : hi);
    double extra_sum = 0;
    for (size_t r = 0; r < s->o->reps; r++)
        extra_sum += ans->cost_reps[r] - now->cost_reps[r];
    double extra = extra_sum / (double)s->o->reps;
    printf("  cost over the horizon: £%.2fm (NPV £%.2fm), £%.2fm %s than the scenario as it stands (%.10g)\n",
           ans->cost / 1e6, ans->npv / 1e6, fabs(extra) / 1e6, extra < 0 ? "less" : "more", now->x);
    printf("  %zu evaluations of %llu replications -> %s/%s\n", s->n, (unsigned long long)s->o->reps, dir,
           TARGETFOLDER_CSV);
}

/* Search [lo, hi], write the folder and print the answer. */
static int search(struct search *s, const char *dir, double lo, double hi)
{
    struct point *a, *b, *now;
    const struct point *ans;
    int rc = bisect(s, lo, hi, &now, &a, &b, &ans);
    if (rc != EXIT_OK)
        return rc;
    double b_lo, b_hi;
    bracket(s, &b_lo, &b_hi);
    if ((rc = write_results(s, dir, ans, b_lo, b_hi, now)) != EXIT_OK)
        return rc;
    if (!s->o->quiet)
        print_answer(s, dir, lo, hi, ans, a, b, now, b_lo, b_hi);
    return EXIT_OK;
}

/* The lever named by --lever (a number parameter) into s->lever, and the
 * range to search into *lo, *hi (--range, or from the lowest allowed
 * value to twice today's). 0, or 2 after a message. */
static int lever_range(struct search *s, const struct options *o, double *lo, double *hi)
{
    long lever = params_find(&s->sc->reg, o->lever);
    if (lever < 0) {
        const char *near = params_nearest(&s->sc->reg, o->lever);
        fprintf(stderr, "caseload: --lever %s: unknown parameter%s%s%s\n", o->lever, near ? " (did you mean " : "",
                near ? near : " (caseload params SCENARIO lists them)", near ? "?)" : "");
        return EXIT_USAGE;
    }
    const struct param *lp = &s->sc->reg.p[lever];
    if (lp->kind == PARAM_DATE) {
        /* a start date rarely helps the later it is: the search is for the
         * smallest value, so a date is swept instead */
        fprintf(stderr, "caseload: --lever %s is a date (allowed: a number; compare dates with caseload sweep "
                        "SCENARIO.cfg --vary \"%s=FROM:TO:STEPS\", FROM and TO as YYYY-MM-DD)\n", o->lever,
                o->lever);
        return EXIT_USAGE;
    }
    if (o->range) {
        if (!parse_range(o->range, lo, hi)) {
            fprintf(stderr, "caseload: --range %s: expected LO:HI with numbers LO < HI\n", o->range);
            return EXIT_USAGE;
        }
    } else if (lp->value > 0) {
        /* from the lowest allowed value (or nothing) up to twice today's */
        *lo = lp->lo > -HUGE_VAL ? lp->lo : 0;
        if (lp->flags & PARAM_LO_OPEN)
            *lo += lp->value * TARGET_RESOLUTION;
        *hi = 2 * lp->value;
    } else {
        fprintf(stderr, "caseload: --lever %s is %.10g today: give --range LO:HI to search\n", o->lever, lp->value);
        return EXIT_USAGE;
    }
    s->lever = (size_t)lever;
    return EXIT_OK;
}

/* Whether --kpi names what is read: a KPI over the horizon, or with --at a
 * metric column read on a reported day. 0, or 2 after a message. */
static int check_kpi(const struct search *s, const struct options *o)
{
    struct result_layout l;
    caseload_layout(s->sc, &l);
    bool is_kpi = result_kpi_index(&l, o->kpi) >= 0, is_metric = result_metric_index(&l, o->kpi) >= 0;
    char last[DATE_TEXT_SIZE];
    memcpy(last, l.date[l.n_periods - 1], sizeof last);
    result_layout_free(&l);
    if (!o->at && !is_kpi) {
        fprintf(stderr, "caseload: --kpi %s: %s\n", o->kpi,
                is_metric ? "a metric column needs --at DATE (the day it is read)"
                          : "no such KPI or metric (see kpis.csv, series.csv)");
        return EXIT_USAGE;
    }
    if (o->at && !is_metric) {
        fprintf(stderr, "caseload: --kpi %s: with --at, name a metric column (see series.csv's header, "
                        "e.g. unallocated)%s\n", o->kpi, is_kpi ? "; without --at it is read over the horizon" : "");
        return EXIT_USAGE;
    }
    if (o->at && strcmp(o->at, last) > 0) {
        fprintf(stderr, "caseload: --at %s: after the last reported day (%s)\n", o->at, last);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* Check the limits against the most evaluations a search may take and
 * prepare the results folder dir. 0, 1 or 2 after a message. */
static int prepare(const struct search *s, const struct options *o, const char *dir)
{
    /* a search takes about log2(1 / TARGET_RESOLUTION) evaluations beyond
     * the three fixed ones; the limits are checked against the most it may */
    struct result_layout cl;
    caseload_layout(s->sc, &cl);
    const struct scenario *one = s->sc;
    int rc = limits_check_cost(&one, &cl, 1, TARGET_MAX_EVALS * o->reps, o->threads, dir, "target");
    result_layout_free(&cl);
    if (rc != 0)
        return rc;
    char err[2 * AFILE_PATH_MAX];
    if ((rc = runfolder_prepare(dir, o->force, err, sizeof err)) != 0)
        fprintf(stderr, "caseload: %s\n", err);
    return rc;
}

int cmd_target(int argc, char **argv)
{
    struct options o;
    struct search s;
    memset(&s, 0, sizeof s);
    int rc = EXIT_USAGE;
    if (!options_parse(&o, argc, argv, 2, "nsjoSqfKLABRGEW"))
        goto out;
    if (o.n_args != 1 || !o.lever || !o.kpi || !o.below_given) {
        fprintf(stderr, "caseload: target needs a scenario, --lever PATH, --kpi NAME and --below VALUE "
                        "(caseload target SCENARIO.cfg --lever PATH --kpi NAME [--at DATE] --below VALUE "
                        "[--probability 0.9])\n");
        goto out;
    }
    struct date at;
    if (o.at && !date_parse(o.at, &at)) {
        fprintf(stderr, "caseload: --at %s: not a date (YYYY-MM-DD)\n", o.at);
        goto out;
    }
    if (!(s.sc = cmd_load(o.args[0], &o)))
        goto out;
    s.started = time(NULL);
    double lo, hi;
    if ((rc = lever_range(&s, &o, &lo, &hi)) != EXIT_OK)
        goto out;
    rc = EXIT_USAGE;
    if (o.at && date_diff(s.sc->start, at) < 0) {
        fprintf(stderr, "caseload: --at %s: before the scenario's start\n", o.at);
        goto out;
    }
    s.o = &o;
    s.kpi = o.kpi;
    s.at = o.at;
    s.below = o.below;
    s.prob = o.probability > 0 ? o.probability : TARGET_DEFAULT_PROBABILITY;
    s.step = o.step;
    /* check the KPI and the date before anything is created */
    if ((rc = check_kpi(&s, &o)) != EXIT_OK)
        goto out;
    char dir[AFILE_PATH_MAX];
    snprintf(dir, sizeof dir, "%s%s%s", o.out_dir ? "" : "results/", o.out_dir ? o.out_dir : s.sc->name,
             o.out_dir ? "" : "-target");
    if ((rc = prepare(&s, &o, dir)) != EXIT_OK)
        goto out;
    signals_install();
    rc = search(&s, dir, lo, hi);
out:
    for (size_t i = 0; i < s.n; i++)
        free(s.pt[i].cost_reps);
    scenario_free(s.sc);
    options_free(&o);
    return rc;
}
