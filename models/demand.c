#include "models/demand.h"

#include "models/pathway.h"
#include "sim/check.h"

#include <math.h>
#include <stdlib.h>

void demand_create(struct model *m)
{
    /* Month of every day of the longest horizon the registry allows. */
    struct date d = m->sc->start;
    m->n_days = (size_t)scenario_horizon_days(m->sc, m->pv) + 1;
    m->day_month = check_malloc(m->n_days);
    long base = date_to_days(d);
    for (size_t i = 0; i < m->n_days; i++)
        m->day_month[i] = (uint8_t)(date_from_days(base + (long)i).month - 1);
}

void demand_destroy(struct model *m) { free(m->day_month); }

double demand_rate(const struct model *m, double t)
{
    const struct scenario *sc = m->sc;
    double rate = m->pv[sc->p_referrals] / SCENARIO_DAYS_PER_YEAR;
    double trend = m->pv[sc->p_trend];
    if (trend != 0)
        rate *= exp(t / SCENARIO_DAYS_PER_YEAR * log1p(trend));
    size_t day = t < 0 ? 0 : (size_t)t;
    if (day >= m->n_days)
        day = m->n_days - 1;
    rate *= m->season[m->day_month[day]];
    for (size_t i = 0; i < sc->n_shocks; i++)
        if (t >= sc->shock[i].from_day)
            rate *= m->pv[sc->shock[i].p_multiplier];
    return rate;
}

/* An upper bound on the rate over [now, horizon]. */
static double bound(const struct model *m)
{
    const struct scenario *sc = m->sc;
    double b = m->pv[sc->p_referrals] / SCENARIO_DAYS_PER_YEAR;
    double trend = m->pv[sc->p_trend];
    if (trend > 0)
        b *= exp(m->horizon / SCENARIO_DAYS_PER_YEAR * log1p(trend));
    double smax = 0;
    for (int k = 0; k < SCENARIO_MONTHS; k++)
        smax = fmax(smax, m->season[k]);
    b *= smax;
    for (size_t i = 0; i < sc->n_shocks; i++)
        b *= fmax(1.0, m->pv[sc->shock[i].p_multiplier]);
    return b;
}

static void next_candidate(struct model *m)
{
    if (m->arrival_bound > 0)
        m->ev_arrival = sim_after(&m->sim, rng_exponential(&m->rng_arrivals, 1.0 / m->arrival_bound),
                                  EV_ARRIVAL, 0);
}

void demand_start(struct model *m)
{
    rng_seed(&m->rng_arrivals, rng_key(m->rep_key, STREAM_ARRIVALS, 0, 0));
    m->n_arrivals = 0;
    m->ev_arrival = 0;
    m->arrival_bound = bound(m);
    next_candidate(m);
}

void demand_arrival(struct model *m)
{
    m->ev_arrival = 0;
    double u = rng_uniform(&m->rng_arrivals);
    if (u * m->arrival_bound < demand_rate(m, m->sim.now)) {
        uint32_t c = pathway_new_case(m, rng_key(m->rep_key, STREAM_CASE, m->n_arrivals++, 0));
        pathway_referral(m, c);
    }
    next_candidate(m);
}

void demand_refresh(struct model *m)
{
    double b = bound(m);
    if (b > m->arrival_bound) {
        /* a rejected-free restart from now is exact: the process is memoryless */
        m->arrival_bound = b;
        sim_cancel(&m->sim, &m->ev_arrival);
        next_candidate(m);
    }
}
