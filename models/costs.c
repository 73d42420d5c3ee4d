#include "models/costs.h"

#include "sim/check.h"

#include <math.h>
#include <string.h>

void costs_reset(struct model *m)
{
    struct costs *c = &m->cost;
    memset(c, 0, sizeof *c);
    c->log_discount = log1p(m->pv[m->sc->p_discount]) / SCENARIO_DAYS_PER_YEAR;
    c->origin = m->warmup > 0 ? m->warmup : 0;
    memset(m->iv_money, 0, (m->sc->n_iv ? m->sc->n_iv : 1) * sizeof *m->iv_money);
}

/* Discount factor at day t: 1 at the reporting start, where the costs
 * counted start too. */
static double discount(const struct costs *c, double t) { return exp(-c->log_discount * (t - c->origin)); }

/* Integral of the discount factor over [a, b]. */
static double discount_integral(const struct costs *c, double a, double b)
{
    return c->log_discount > 0 ? (discount(c, a) - discount(c, b)) / c->log_discount : b - a;
}

/* Day (from the scenario's start) of the k-th anniversary of intervention
 * i's start: the same day of the month k years on (29 February: the 28th). */
static double anniversary(const struct model *m, uint32_t i, int k)
{
    const struct scenario *sc = m->sc;
    struct date from = date_from_days(date_to_days(sc->start) + (long)sc->iv[i].from_day);
    return (double)date_diff(sc->start, date_add_months(from, 12 * k));
}

/* Recurring cost of intervention i (active throughout) over [a, b]: a piece
 * per anniversary year, each at cost_per_year / its days. pv gets the
 * continuously discounted amount. */
static double iv_recurring(struct model *m, uint32_t i, double a, double b, double *pv)
{
    struct iv_money *v = &m->iv_money[i];
    double per_year = m->pv[m->sc->iv[i].p_cost_per_year], amount = 0;
    *pv = 0;
    while (a < b) {
        while (a >= v->hi) {
            v->k++;
            v->lo = v->hi;
            v->hi = anniversary(m, i, v->k + 1);
        }
        double end = b < v->hi ? b : v->hi, per_day = per_year / (v->hi - v->lo);
        amount += per_day * (end - a);
        *pv += per_day * discount_integral(&m->cost, a, end);
        a = end;
    }
    return amount;
}

void costs_advance(struct model *m)
{
    struct costs *c = &m->cost;
    double now = m->sim.now, dt = now - c->since;
    if (dt <= 0)
        return;
    if (m->counting) {
        double pv = discount_integral(c, c->since, now);
        for (int k = 0; k < COST_CATS; k++) {
            double amount = c->rate[k] * dt;
            c->period[k] += amount;
            c->total[k] += amount;
            c->year[k] += amount;
            c->year_pv += c->rate[k] * pv;
        }
        for (uint32_t i = 0; i < m->sc->n_iv; i++) {
            if (!m->iv_active[i])
                continue;
            double ipv, amount = iv_recurring(m, i, c->since, now, &ipv);
            m->iv_money[i].recurring += amount;
            c->period[COST_INTERVENTIONS] += amount;
            c->total[COST_INTERVENTIONS] += amount;
            c->year[COST_INTERVENTIONS] += amount;
            c->year_pv += ipv;
        }
        c->sick_period += c->sick_rate * dt;
        c->sick_total += c->sick_rate * dt;
        c->sick_year += c->sick_rate * dt;
    }
    c->since = now;
}

double costs_pay_factor(const struct model *m, uint32_t g)
{
    return m->market && m->sc->market.grade[g] ? 1.0 + m->pv[m->sc->market.p_supplement] : 1.0;
}

double costs_day_rate_factor(const struct model *m)
{
    if (!m->market)
        return 1.0;
    const struct market_spec *ms = &m->sc->market;
    double supply = m->pv[ms->p_agency_supply];
    double demand = m->pv[ms->p_region_agency] + fmax(0.0, m->agency_fte);
    return demand > supply && supply > 0 ? pow(demand / supply, m->pv[ms->p_day_rate_elasticity]) : 1.0;
}

void costs_update_rates(struct model *m)
{
    costs_advance(m);
    const struct scenario *sc = m->sc;
    double staff = 0, sick = 0;
    for (size_t g = 0; g < sc->n_grades; g++) {
        const struct grade_spec *gs = &sc->grade[g];
        if (gs->agency)
            continue;
        double pay = m->pv[gs->p_salary] * (1.0 + m->pv[gs->p_oncost]) * costs_pay_factor(m, (uint32_t)g);
        staff += m->g[g].fte_in_post * pay;
        sick += m->g[g].fte_sick * pay;
    }
    double agency = 0;
    /* agency FTE at work, which sums of fractional FTE can leave a rounding
     * error below zero when none are (never a negative cost) */
    double at_work = fmax(0.0, m->agency_fte - m->agency_fte_sick);
    if (sc->agency_grade >= 0)
        agency = at_work * m->pv[sc->grade[sc->agency_grade].p_day_rate] * costs_day_rate_factor(m)
                 * m->pv[sc->p_working_days];
    m->cost.rate[COST_STAFF] = staff / SCENARIO_DAYS_PER_YEAR;
    m->cost.sick_rate = sick / SCENARIO_DAYS_PER_YEAR;
    m->cost.rate[COST_AGENCY] = agency / SCENARIO_DAYS_PER_YEAR;
    /* interventions' recurring costs accrue by anniversary year (iv_recurring) */
    m->cost.rate[COST_INTERVENTIONS] = 0;
}

void costs_lump(struct model *m, enum cost_cat cat, double amount)
{
    if (!m->counting)
        return;
    struct costs *c = &m->cost;
    c->period[cat] += amount;
    c->total[cat] += amount;
    c->year[cat] += amount;
    c->year_pv += amount * discount(c, m->sim.now);
}

void costs_iv_begin(struct model *m, uint32_t i)
{
    costs_advance(m);
    CHECK(!m->iv_active[i]);
    struct iv_money *v = &m->iv_money[i];
    v->k = 0;
    v->lo = anniversary(m, i, 0);
    v->hi = anniversary(m, i, 1);
    double once = m->pv[m->sc->iv[i].p_cost_once];
    costs_lump(m, COST_INTERVENTIONS, once);
    if (m->counting)
        v->once += once;
}
