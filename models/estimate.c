/* estimate.c — the cost of one replication, from parameter values alone. */
#include "models/estimate.h"

#include "models/model.h"
#include "sim/check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Bytes per pending event in the calendar (node, heap slot, handle map). */
#define EST_EVENT_BYTES 48.0
/* Pools grow by doubling: at worst twice what is in use. */
#define EST_POOL_SLACK 2.0
/* Events one worker record may have pending (leave, sickness, reallocation,
 * progression). */
#define EST_EVENTS_PER_WORKER 4.0
/* Stage visits are solved exactly up to this many stages, iterated beyond. */
#define EST_EXACT_STAGES 256
#define EST_ITERATIONS 2000
/* Re-referral probabilities are capped here (1 would mean endless cases). */
#define EST_MAX_REREFERRAL 0.99
/* Days in a reporting quarter and month, about (365.25 / 4 and / 12,
 * rounded down: the estimate is meant to be right within a small factor). */
#define EST_QUARTER_DAYS 91.3
#define EST_MONTH_DAYS 30.4
/* A finite stand-in for "more than anything": a figure that overflows is
 * clamped here, so the front end's comparisons with its limits stay
 * ordered (an infinity or NaN would not refuse a run). */
#define EST_HUGE 1e300
/* The largest exponent given to exp(): a double overflows above about
 * 709.78, and e^700 (1e304) is already beyond any limit. */
#define EST_MAX_EXP 700
/* Events per sickness episode (its start and end) and per leaver (the
 * leave; the post's campaign start, end and a retry; agency cover starting
 * and released), about. */
#define EST_EVENTS_PER_SICKNESS 2
#define EST_EVENTS_PER_LEAVER 6
/* Events per intervention: its start and its end. */
#define EST_EVENTS_PER_INTERVENTION 2.0
/* A pivot smaller than this means the pathway's visit equations are
 * singular: the estimate falls back to iteration. */
#define EST_PIVOT_MIN 1e-12
/* The fixed part of a model's memory, about: the calendar's first block,
 * the result layout, the allocator's overhead. */
#define EST_FIXED_BYTES 1e6

/* The largest value parameter i takes: its value, or the fold of the
 * interventions in force (scenario_value_at) at any start or end of one
 * that changes it. */
static double peak(const struct scenario *sc, size_t i)
{
    double best = sc->reg.p[i].value;
    for (size_t k = 0; k < sc->n_iv; k++) {
        if (sc->iv[k].param != i)
            continue;
        best = fmax(best, scenario_value_at(sc, i, sc->iv[k].from_day));
        if (isfinite(sc->iv[k].until_day))
            best = fmax(best, scenario_value_at(sc, i, sc->iv[k].until_day));
    }
    return isfinite(best) ? best : EST_HUGE;
}

static double dist_mean(const struct scenario *sc, const struct dist_spec *ds)
{
    double p1 = ds->p1 != SIZE_MAX ? sc->reg.p[ds->p1].value : 0;
    double p2 = ds->p2 != SIZE_MAX ? sc->reg.p[ds->p2].value : 0;
    switch (ds->kind) {
    case DIST_UNIFORM: return 0.5 * (p1 + p2);
    case DIST_EMPIRICAL: {
        double sum = 0;
        for (size_t i = 0; i < ds->n_values; i++)
            sum += ds->values[i];
        return ds->n_values ? sum / (double)ds->n_values : 0;
    }
    default: return p1;
    }
}

/* Expected visits to each stage of one case entering at the entry stage:
 * v = e + P'v, solved by elimination (small pathways) or iteration. */
static void stage_visits(const struct scenario *sc, double *v)
{
    size_t n = sc->n_stages;
    if (n == 0)
        return;
    double *prob = check_calloc(n, sizeof *prob); /* normalising sums */
    for (size_t s = 0; s < n; s++)
        for (size_t k = 0; k < sc->stage[s].n_next; k++)
            prob[s] += sc->reg.p[sc->stage[s].next[k].p].value;
    if (n <= EST_EXACT_STAGES) {
        /* (I - P') v = e */
        double *a = check_calloc(n * (n + 1), sizeof *a);
        for (size_t s = 0; s < n; s++) {
            a[s * (n + 1) + s] = 1;
            a[s * (n + 1) + n] = (int)s == sc->entry ? 1 : 0;
        }
        for (size_t s = 0; s < n; s++)
            for (size_t k = 0; k < sc->stage[s].n_next; k++) {
                const struct transition *t = &sc->stage[s].next[k];
                if (t->to != STAGE_CLOSE && prob[s] > 0)
                    a[(size_t)t->to * (n + 1) + s] -= sc->reg.p[t->p].value / prob[s];
            }
        bool ok = true;
        for (size_t c = 0; c < n && ok; c++) {
            size_t piv = c;
            for (size_t r = c + 1; r < n; r++)
                if (fabs(a[r * (n + 1) + c]) > fabs(a[piv * (n + 1) + c]))
                    piv = r;
            if (fabs(a[piv * (n + 1) + c]) < EST_PIVOT_MIN) {
                ok = false;
                break;
            }
            if (piv != c)
                for (size_t j = 0; j <= n; j++) {
                    double t = a[c * (n + 1) + j];
                    a[c * (n + 1) + j] = a[piv * (n + 1) + j];
                    a[piv * (n + 1) + j] = t;
                }
            for (size_t r = 0; r < n; r++) {
                if (r == c || a[r * (n + 1) + c] == 0)
                    continue;
                double f = a[r * (n + 1) + c] / a[c * (n + 1) + c];
                for (size_t j = c; j <= n; j++)
                    a[r * (n + 1) + j] -= f * a[c * (n + 1) + j];
            }
        }
        for (size_t s = 0; s < n; s++) {
            double x = ok ? a[s * (n + 1) + n] / a[s * (n + 1) + s] : NAN;
            v[s] = isfinite(x) && x >= 0 ? x : NAN;
        }
        free(a);
        bool all = true;
        for (size_t s = 0; s < n; s++)
            all &= !isnan(v[s]);
        if (all) {
            free(prob);
            return;
        }
    }
    /* Iterate v <- e + P'v (converges: every stage reaches close). */
    double *nv = check_calloc(n, sizeof *nv);
    memset(v, 0, n * sizeof *v);
    for (int it = 0; it < EST_ITERATIONS; it++) {
        for (size_t s = 0; s < n; s++)
            nv[s] = (int)s == sc->entry ? 1 : 0;
        for (size_t s = 0; s < n; s++)
            for (size_t k = 0; k < sc->stage[s].n_next; k++) {
                const struct transition *t = &sc->stage[s].next[k];
                if (t->to != STAGE_CLOSE && prob[s] > 0)
                    nv[t->to] += v[s] * sc->reg.p[t->p].value / prob[s];
            }
        memcpy(v, nv, n * sizeof *v);
    }
    free(nv);
    free(prob);
}

void estimate_scenario(const struct scenario *sc, struct estimate *e)
{
    memset(e, 0, sizeof *e);
    const struct params *r = &sc->reg;
    double days = scenario_horizon_days(sc, NULL);
    double years = days / SCENARIO_DAYS_PER_YEAR;
    double period_days = sc->report_every == PERIOD_WEEK ? 7 : sc->report_every == PERIOD_QUARTER ? EST_QUARTER_DAYS : EST_MONTH_DAYS;
    e->periods = ceil(days / period_days);

    /* Referrals: the peak rate (trend, shocks), and the total over the
     * horizon (the compound trend integrated). */
    double base = peak(sc, sc->p_referrals);
    for (size_t i = 0; i < sc->n_shocks; i++)
        base = fmin(base * fmax(1.0, peak(sc, sc->shock[i].p_multiplier)), EST_HUGE);
    double trend = r->p[sc->p_trend].value, rate = base, total_years = years;
    if (trend != 0 && trend > -1) {
        double g = log1p(trend);
        rate *= exp(fmin(fmax(years * g, 0), EST_MAX_EXP));
        total_years = expm1(fmin(years * g, EST_MAX_EXP)) / g;
    }
    double smax = 0, ssum = 0;
    for (int k = 0; k < SCENARIO_MONTHS; k++) {
        smax = fmax(smax, r->p[sc->p_season[k]].value);
        ssum += r->p[sc->p_season[k]].value;
    }
    /* candidates are drawn at the peak rate all along, then thinned */
    double candidates = rate * years * (ssum > 0 ? smax * SCENARIO_MONTHS / ssum : 1);
    e->referrals = fmin(base * total_years, EST_HUGE);
    double screened_in = 1 - fmin(1, fmax(0, r->p[sc->p_screen_out].value));
    double reref = fmin(EST_MAX_REREFERRAL, fmax(0, r->p[sc->p_reref_p].value));
    double cases_total = e->referrals * screened_in / (1 - reref);

    /* The pathway: visits, time and workload per case (Little's law). */
    double *v = check_calloc(sc->n_stages ? sc->n_stages : 1, sizeof *v);
    stage_visits(sc, v);
    double visits = 0, time = 0, work = 0, initial = 0;
    for (size_t s = 0; s < sc->n_stages; s++) {
        double mean = dist_mean(sc, &sc->stage[s].duration);
        visits += v[s];
        time += v[s] * mean;
        work += v[s] * mean * r->p[sc->stage[s].p_weight].value;
        initial += r->p[sc->stage[s].p_initial].value;
    }
    free(v);
    double case_rate = rate * screened_in / (1 - reref) / SCENARIO_DAYS_PER_YEAR; /* per day */

    /* Workers, and the caseload points they can hold. */
    double workers = 0, holding_fte = 0, capacity = 0;
    double direct = (1 - r->p[sc->p_admin_share].value) / (1 - r->p[sc->p_admin_ref].value);
    if (!isfinite(direct) || direct < 0)
        direct = 1;
    for (size_t g = 0; g < sc->n_grades; g++) {
        const struct grade_spec *gs = &sc->grade[g];
        if (gs->agency)
            continue;
        double est = peak(sc, gs->p_establishment), in_post = r->p[gs->p_in_post].value;
        double fte = fmax(est, in_post);
        workers += ceil(fte) + 1;
        if (gs->holds_cases) {
            holding_fte += est;
            capacity += est * peak(sc, gs->p_cap) * direct;
        }
    }
    if (sc->agency_grade >= 0 && sc->has_agency_cover) {
        double agency = holding_fte * r->p[sc->p_agency_max_share].value;
        workers += ceil(agency);
        capacity += agency * r->p[sc->grade[sc->agency_grade].p_cap].value * direct;
    }
    workers += r->p[sc->p_cohort_size].value * ceil(years);
    e->workers_peak = workers;

    /* Open cases: the starting ones, those in the pathway at steady state,
     * and a backlog that grows when demand outruns capacity. */
    double load = case_rate * work;   /* caseload points demanded, at the peak */
    double open = case_rate * time;
    if (load > capacity && load > 0)
        open += cases_total * (1 - capacity / load);
    e->cases_peak = initial + fmin(open, cases_total);
    if (!isfinite(e->cases_peak))
        e->cases_peak = EST_HUGE;

    double sick = r->p[sc->p_sick_rate].value, turnover = 0;
    for (size_t g = 0; g < sc->n_grades; g++)
        turnover = fmax(turnover, r->p[sc->grade[g].p_turnover].value);
    e->events_per_rep = candidates                               /* arrivals, thinned */
                        + cases_total * reref                     /* re-referrals */
                        + (cases_total + initial) * visits        /* ends of stages */
                        + workers * years * (1 + EST_EVENTS_PER_SICKNESS * sick + EST_EVENTS_PER_LEAVER * turnover)
                        + e->periods + EST_EVENTS_PER_INTERVENTION * (double)sc->n_iv;
    if (!isfinite(e->events_per_rep))
        e->events_per_rep = EST_HUGE;

    double per_case = (double)sizeof(struct case_rec) + EST_EVENT_BYTES + 2 * sizeof(uint32_t);
    double per_worker = (double)(sizeof(struct worker) + sizeof(struct post)) + EST_EVENTS_PER_WORKER * EST_EVENT_BYTES
                        + 4 * sizeof(double) + sizeof(double);
    e->bytes_per_model = EST_POOL_SLACK * (e->cases_peak * per_case + e->workers_peak * per_worker)
                         + days + e->periods * 2 * sizeof(double)
                         + (double)sc->n_stages * 128 + (double)sc->reg.n * sizeof(double) + EST_FIXED_BYTES;
}
