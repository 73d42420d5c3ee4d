#include "models/market.h"

#include "sim/check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The regional labour market, at the level of the individual post.
 *
 * The pool. U people (whole numbers): qualified social workers in the
 * region open to offers. It changes by single transitions of an
 * exponential race: arrivals from outside at `inflow` a year (returners,
 * movers into the region, the other councils' leavers who stay in the
 * profession), exits to outside at `exit` a year per person (leaving the
 * profession, or the region), the other councils' hires h_r x V_r (below);
 * and by the council's own hires and leavers, in the events that make them.
 * Once a year the local programmes' newly qualified output N arrives at the
 * cohort: the council takes its share (market_cohort_places), the rest
 * join the pool.
 *
 * Matching. Hires in the region per unit time follow the Cobb-Douglas
 * matching function M = A U^a V^(1-a), V = the council's vacant FTE + the
 * region's other vacancies V_r (a parameter, not simulated councils): the
 * labour-economics standard, with constant returns and a between 0.5 and
 * 0.7 in most estimates (Petrongolo & Pissarides 2001, "Looking into the
 * black box: a survey of the matching function", J. Econ. Lit. 39(2)).
 * Each vacancy is filled at the rate per vacancy h = M / V = A (U/V)^a, the
 * council's times P = (1 + supplement)^e_hire x intensity (its
 * campaigns' reach against the region's: 1 as the region). A campaign
 * that runs from t0 to t1 hires with probability 1 - exp(-integral of
 * h P over [t0, t1]) (the chance its post's hazard fired meanwhile), and
 * then only if the pool has someone, who leaves it. The same supplement
 * divides permanent staff's leaving hazard by (1 + supplement)^e_leave and
 * is paid on top of salaries (costs.c prices it, and the day rate below).
 * With a = 0 and an unlimited pool, h = A is a constant and a campaign of
 * length T succeeds with 1 - exp(-A T): the market-off model's fixed
 * probability, exactly, for a fixed T.
 *
 * Agency supply S (FTE in the region) against demand D = the region's
 * other agency demand (a parameter) + the council's agency FTE. A request
 * for cover f is met while D + f <= S, else with probability S / (D + f)
 * (the agencies ration the region's requests at random); not met, it is
 * counted and asked again after the cover delay. The day rate is the
 * grade's day rate x max(1, D/S)^e_rate.
 *
 * Invariants (invariants.c walks them): the pool is a whole number >= 0;
 * the council's permanent staff (heads), the pool and the outside exchange
 * people only through the ledger, so council = council0 + in - out and
 * pool = pool0 + in - out at every instant: people are conserved.
 *
 * Cost: O(1) per transition and per hire or leaver; the council's vacant
 * FTE (O(posts)) is read once a day (MARKET_REFRESH_DAYS), when the rates
 * are recomputed, rather than at every change of a post: the matching rate
 * then lags the vacancies by under a day, against campaigns of months. And
 * it is counted only when a post changed since the last count
 * (model.posts_version): most days none does.
 *
 * Randomness: the market's own stream (STREAM_MARKET), so with the market
 * on the posts', workers' and cases' streams see the same draws as with it
 * off; a campaign's outcome uses its post's draw, as it does without. */

#define DAYS SCENARIO_DAYS_PER_YEAR

/* ---- lifecycle ------------------------------------------------------------------- */

bool market_on(const struct scenario *sc)
{
    return sc->market.on && sc->reg.p[sc->market.p_enabled].value != 0;
}

void market_create(struct model *m)
{
    if (market_on(m->sc))
        m->market = check_calloc(1, sizeof *m->market);
}

void market_destroy(struct model *m) { free(m->market); }

static double par(const struct model *m, size_t i) { return m->pv[i]; }

/* The pool's transition rates per day now: arrivals, exits, the region's
 * hires. */
static void pool_rates(const struct model *m, double *in, double *out, double *region)
{
    const struct market_spec *ms = &m->sc->market;
    const struct market *mk = m->market;
    *in = par(m, ms->p_inflow) / DAYS;
    *out = par(m, ms->p_exit) / DAYS * mk->pool;
    *region = mk->pool >= 1 ? mk->hazard * par(m, ms->p_region_vacancies) : 0;
}

/* The pool changed, or its rates did: move the next transition. */
static void pool_schedule(struct model *m)
{
    struct market *mk = m->market;
    double now = m->sim.now, in, out, region;
    pool_rates(m, &in, &out, &region);
    mk->acc += mk->rate * (now - mk->since);
    mk->since = now;
    mk->rate = in + out + region;
    if (mk->rate > 0) {
        double t = now + fmax(0.0, mk->threshold - mk->acc) / mk->rate;
        if (mk->ev_pool)
            sim_move(&m->sim, mk->ev_pool, t);
        else
            mk->ev_pool = sim_at(&m->sim, t, EV_POOL, 0);
    } else {
        sim_cancel(&m->sim, &mk->ev_pool);
    }
}

static void pool_threshold(struct market *mk)
{
    mk->threshold = -log(rng_uniform(&mk->rng));
    mk->acc = 0;
}

static double pay(const struct model *m) { return 1.0 + par(m, m->sc->market.p_supplement); }

/* The council's hazard per vacancy over the region's: pay and intensity. */
static double hire_factor(const struct model *m)
{
    return pow(pay(m), par(m, m->sc->market.p_hire_elasticity)) * par(m, m->sc->market.p_intensity);
}

double market_leave_factor(const struct model *m, uint32_t g)
{
    if (!market_recruits(m, g))
        return 1.0;
    /* pow is a twentieth of an event's cost and its inputs are parameters,
     * which change only at interventions: recomputed when they differ */
    struct market *mk = m->market;
    double p = pay(m), e = par(m, m->sc->market.p_leave_elasticity);
    if (p != mk->leave_pay || e != mk->leave_elasticity) {
        mk->leave_pay = p;
        mk->leave_elasticity = e;
        mk->leave_factor = pow(p, -e);
    }
    return mk->leave_factor;
}

double market_mark(struct model *m)
{
    struct market *mk = m->market;
    return mk ? mk->mark + mk->hazard * mk->pay_hire * (m->sim.now - mk->mark_since) : 0;
}

bool market_recruits(const struct model *m, uint32_t g) { return m->market && m->sc->market.grade[g]; }

/* Vacant funded FTE of the grades that recruit from the pool. */
static double vacancies(const struct model *m)
{
    double v = 0;
    for (size_t p = 0; p < m->n_posts; p++) {
        const struct post *po = &m->post[p];
        if (po->funded && po->holder == MODEL_NONE && m->sc->market.grade[po->grade])
            v += po->fte;
    }
    return v;
}

/* The rates from now on: the council's hazard integrated up to now at the
 * rate in force so far, then the hazard from the pool now and the
 * vacancies (read afresh when `read`, else as at the last refresh), and
 * the pool's next transition. */
static void rates_update(struct model *m, bool read)
{
    struct market *mk = m->market;
    const struct market_spec *ms = &m->sc->market;
    mk->mark = market_mark(m);
    mk->mark_since = m->sim.now;
    if (read && !(mk->vacancies_counted && mk->vacancies_version == m->posts_version)) {
        mk->vacancies = vacancies(m);
        mk->vacancies_version = m->posts_version;
        mk->vacancies_counted = true;
    }
    double v = mk->vacancies + par(m, ms->p_region_vacancies);
    mk->hazard = v > 0 ? par(m, ms->p_efficiency) / DAYS * pow(mk->pool / v, par(m, ms->p_alpha)) : 0;
    mk->pay_hire = hire_factor(m);
    pool_schedule(m);
}

void market_refresh(struct model *m)
{
    if (m->market)
        rates_update(m, true);
}

void market_reset(struct model *m)
{
    struct market *mk = m->market;
    if (!mk)
        return;
    *mk = (struct market){ 0 };
    rng_seed(&mk->rng, rng_key(m->rep_key, STREAM_MARKET, 0, 0));
    mk->pool = mk->pool0 = par(m, m->sc->market.p_pool_start);
    mk->pay_hire = hire_factor(m);
    mk->leave_pay = mk->leave_elasticity = NAN;
}

void market_start(struct model *m)
{
    struct market *mk = m->market;
    if (!mk)
        return;
    double heads = 0;
    for (size_t i = 0; i < m->n_worker_slots; i++)
        if (m->w[i].status != W_FREE && !m->w[i].agency)
            heads += 1;
    mk->council0 = heads - (mk->pool_to_council + mk->outside_to_council)
                   + (mk->council_to_pool + mk->council_to_outside);
    mk->since = m->sim.now;
    pool_threshold(mk);
    rates_update(m, true);
    mk->ev_tick = sim_after(&m->sim, MARKET_REFRESH_DAYS, EV_MARKET_TICK, 0);
}

void market_tick(struct model *m)
{
    struct market *mk = m->market;
    mk->ev_tick = sim_after(&m->sim, MARKET_REFRESH_DAYS, EV_MARKET_TICK, 0);
    rates_update(m, true);
}

void market_pool_event(struct model *m)
{
    struct market *mk = m->market;
    mk->ev_pool = 0;
    double in, out, region;
    pool_rates(m, &in, &out, &region);
    double u = rng_uniform(&mk->rng) * (in + out + region);
    if (u < in) {
        mk->pool += 1;
        mk->outside_to_pool += 1;
    } else if (mk->pool >= 1) {
        /* an exit, or a hire by another council: either way out of the
         * pool to outside */
        mk->pool -= 1;
        mk->pool_to_outside += 1;
    }
    mk->rate = 0;
    mk->since = m->sim.now;
    pool_threshold(mk);
    rates_update(m, false);
}

/* ---- the council's hires and leavers ---------------------------------------------- */

bool market_hires(struct model *m, uint32_t p, double u)
{
    struct market *mk = m->market;
    if (!m->sc->market.grade[m->post[p].grade]) {
        /* a grade outside the market: hired from outside, as without it */
        bool hired = u < par(m, m->sc->p_rec_success);
        mk->outside_to_council += hired;
        return hired;
    }
    double prob = 1.0 - exp(-(market_mark(m) - m->post[p].hire_mark));
    if (!(u < prob) || mk->pool < 1)
        return false;
    mk->pool -= 1;
    mk->pool_to_council += 1;
    if (m->counting)
        mk->hires_period += 1;
    rates_update(m, false);
    return true;
}

void market_leaver(struct model *m, uint32_t w)
{
    struct market *mk = m->market;
    if (!mk)
        return;
    if (!m->sc->market.grade[m->w[w].grade]) {
        mk->council_to_outside += 1;
        return;
    }
    if (rng_uniform(&mk->rng) < par(m, m->sc->market.p_leaver_share)) {
        mk->pool += 1;
        mk->council_to_pool += 1;
        rates_update(m, false);
    } else {
        mk->council_to_outside += 1;
    }
}

double market_cohort_places(struct model *m, double places, double vacant)
{
    struct market *mk = m->market;
    const struct market_spec *ms = &m->sc->market;
    rates_update(m, true);
    double output = par(m, ms->p_nq_output);
    double own = mk->vacancies * mk->pay_hire, region = par(m, ms->p_region_vacancies);
    double share = own + region > 0 ? own / (own + region) : 0;
    double won = 0;
    for (double i = 0; i < output; i++)
        if (rng_uniform(&mk->rng) < share)
            won += 1;
    double take = fmin(won, fmin(floor(places), floor(vacant)));
    mk->outside_to_council += take;
    mk->pool += output - take;
    mk->outside_to_pool += output - take;
    rates_update(m, false);
    return take;
}

/* ---- agency ------------------------------------------------------------------------ */

/* costs.c prices the same demand (costs_day_rate_factor). */
bool market_cover_found(struct model *m, double fte)
{
    struct market *mk = m->market;
    double supply = par(m, m->sc->market.p_agency_supply);
    double demand = par(m, m->sc->market.p_region_agency) + fmax(0.0, m->agency_fte) + fte;
    if (demand <= supply + MODEL_FTE_EPS)
        return true;
    if (rng_uniform(&mk->rng) < supply / demand)
        return true;
    if (m->counting)
        mk->not_found_period += fte;
    return false;
}

/* ---- reporting ----------------------------------------------------------------------- */

static const struct {
    const char *name, *unit;
    bool flow;
} metric_defs[MM_COUNT] = {
    [MM_POOL] = { "pool_size", "people", false },
    [MM_HIRES] = { "hires_from_pool", "people", true },
    [MM_COVER_NOT_FOUND] = { "cover_not_found_fte", "FTE", true },
    [MM_DAY_RATE] = { "agency_day_rate", "£ per day", false },
    [MM_FILL_RATE] = { "vacancy_fill_rate", "per year", false },
};

static const struct {
    const char *name, *unit, *descr;
    int better;
} kpi_defs[MK_COUNT] = {
    [MK_POOL_MEAN] = { "pool_size_mean", "people", "labour market pool, mean over period ends", 0 },
    [MK_HIRES] = { "hires_from_pool_total", "people", "permanent staff hired from the regional pool", 1 },
    [MK_COVER_NOT_FOUND] = { "cover_not_found_total", "FTE", "agency cover requests the region could not meet",
                             -1 },
    [MK_DAY_RATE_MEAN] = { "agency_day_rate_mean", "£ per day", "agency day rate, mean over period ends", -1 },
    [MK_FILL_RATE_MEAN] = { "vacancy_fill_rate_mean", "per year",
                            "the council's hazard of filling a vacancy, mean over period ends", 1 },
};

void market_metric_def(size_t i, const char **name, const char **unit, bool *flow)
{
    CHECK(i < MM_COUNT);
    *name = metric_defs[i].name;
    *unit = metric_defs[i].unit;
    *flow = metric_defs[i].flow;
}

void market_kpi_def(size_t i, const char **name, const char **unit, const char **descr, int *better)
{
    CHECK(i < MK_COUNT);
    *name = kpi_defs[i].name;
    *unit = kpi_defs[i].unit;
    *descr = kpi_defs[i].descr;
    *better = kpi_defs[i].better;
}

void market_reset_tallies(struct model *m)
{
    struct market *mk = m->market;
    if (!mk)
        return;
    mk->hires_period = mk->not_found_period = mk->hires_total = mk->not_found_total = 0;
    mk->sum_pool = mk->sum_day_rate = mk->sum_fill = 0;
    mk->period_ends = 0;
}

void market_period_end(struct model *m, double *cols, double day_rate)
{
    struct market *mk = m->market;
    cols[MM_POOL] = mk->pool;
    cols[MM_HIRES] = mk->hires_period;
    cols[MM_COVER_NOT_FOUND] = mk->not_found_period;
    cols[MM_DAY_RATE] = day_rate;
    cols[MM_FILL_RATE] = mk->hazard * mk->pay_hire * DAYS;
    mk->hires_total += mk->hires_period;
    mk->not_found_total += mk->not_found_period;
    mk->hires_period = mk->not_found_period = 0;
    mk->sum_pool += cols[MM_POOL];
    mk->sum_day_rate += cols[MM_DAY_RATE];
    mk->sum_fill += cols[MM_FILL_RATE];
    mk->period_ends++;
}

void market_kpis(struct model *m, double *k)
{
    struct market *mk = m->market;
    double n = mk->period_ends ? (double)mk->period_ends : NAN;
    k[MK_POOL_MEAN] = mk->sum_pool / n;
    k[MK_HIRES] = mk->hires_total + mk->hires_period;
    k[MK_COVER_NOT_FOUND] = mk->not_found_total + mk->not_found_period;
    k[MK_DAY_RATE_MEAN] = mk->sum_day_rate / n;
    k[MK_FILL_RATE_MEAN] = mk->sum_fill / n;
}

/* ---- conservation ------------------------------------------------------------------- */

const char *market_check(const struct model *m, char *buf, size_t size)
{
    const struct market *mk = m->market;
    if (!mk)
        return NULL;
    double heads = 0;
    for (size_t i = 0; i < m->n_worker_slots; i++)
        if (m->w[i].status != W_FREE && !m->w[i].agency)
            heads += 1;
    double council = mk->council0 + mk->pool_to_council + mk->outside_to_council - mk->council_to_pool
                     - mk->council_to_outside;
    double pool = mk->pool0 + mk->outside_to_pool + mk->council_to_pool - mk->pool_to_council
                  - mk->pool_to_outside;
    if (heads != council) {
        snprintf(buf, size, "labour market: the council has %.17g permanent staff, its ledger %.17g", heads,
                 council);
        return buf;
    }
    if (mk->pool != pool || mk->pool < 0 || mk->pool != floor(mk->pool)) {
        snprintf(buf, size, "labour market: the pool holds %.17g people, its ledger %.17g", mk->pool, pool);
        return buf;
    }
    /* a count kept because the posts did not change is what a count now gives */
    if (mk->vacancies_counted && mk->vacancies_version == m->posts_version && mk->vacancies != vacancies(m)) {
        snprintf(buf, size, "labour market: %.17g FTE vacant kept as counted at the posts' version %llu, but "
                 "a count now gives %.17g", mk->vacancies, (unsigned long long)mk->vacancies_version, vacancies(m));
        return buf;
    }
    return NULL;
}
