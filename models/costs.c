#include "models/costs.h"

#include <math.h>
#include <string.h>

static const char *const cat_name[COST_CATS] = {
    "staff", "agency", "recruitment", "training", "interventions",
};

const char *costs_cat_name(enum cost_cat cat) { return cat_name[cat]; }

void costs_reset(struct model *m)
{
    struct costs *c = &m->cost;
    memset(c, 0, sizeof *c);
    c->log_discount = log1p(m->pv[m->sc->p_discount]) / SCENARIO_DAYS_PER_YEAR;
    c->origin = m->warmup > 0 ? m->warmup : 0;
}

/* Discount factor at day t: 1 at the reporting start, where the costs
 * counted start too. */
static double discount(const struct costs *c, double t) { return exp(-c->log_discount * (t - c->origin)); }

void costs_advance(struct model *m)
{
    struct costs *c = &m->cost;
    double now = m->sim.now, dt = now - c->since;
    if (dt <= 0)
        return;
    if (m->counting) {
        /* integral of e^(-d t) over [since, now] */
        double pv = c->log_discount > 0
                        ? (discount(c, c->since) - discount(c, now)) / c->log_discount
                        : dt;
        for (int k = 0; k < COST_CATS; k++) {
            double amount = c->rate[k] * dt;
            c->period[k] += amount;
            c->total[k] += amount;
            c->npv += c->rate[k] * pv;
        }
        c->sick_period += c->sick_rate * dt;
        c->sick_total += c->sick_rate * dt;
    }
    c->since = now;
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
        double pay = m->pv[gs->p_salary] * (1.0 + m->pv[gs->p_oncost]);
        staff += m->g[g].fte_in_post * pay;
        sick += m->g[g].fte_sick * pay;
    }
    double agency = 0;
    if (sc->agency_grade >= 0)
        agency = (m->agency_fte - m->agency_fte_sick) * m->pv[sc->grade[sc->agency_grade].p_day_rate]
                 * m->pv[sc->p_working_days];
    double iv = 0;
    for (size_t i = 0; i < sc->n_iv; i++)
        if (m->iv_active[i])
            iv += m->pv[sc->iv[i].p_cost_per_year];
    m->cost.rate[COST_STAFF] = staff / SCENARIO_DAYS_PER_YEAR;
    m->cost.sick_rate = sick / SCENARIO_DAYS_PER_YEAR;
    m->cost.rate[COST_AGENCY] = agency / SCENARIO_DAYS_PER_YEAR;
    m->cost.rate[COST_INTERVENTIONS] = iv / SCENARIO_DAYS_PER_YEAR;
}

void costs_lump(struct model *m, enum cost_cat cat, double amount)
{
    if (!m->counting)
        return;
    struct costs *c = &m->cost;
    c->period[cat] += amount;
    c->total[cat] += amount;
    c->npv += amount * discount(c, m->sim.now);
}
