#include "models/interventions.h"

#include "models/costs.h"
#include "models/replication.h"

#include <math.h>

void interventions_start(struct model *m)
{
    const struct scenario *sc = m->sc;
    for (size_t i = 0; i < sc->n_iv; i++) {
        m->iv_active[i] = false;
        if (sc->iv[i].from_day > m->horizon)
            continue;
        sim_at(&m->sim, sc->iv[i].from_day, EV_IV_START, (uint32_t)i);
        if (isfinite(sc->iv[i].until_day) && sc->iv[i].until_day <= m->horizon)
            sim_at(&m->sim, sc->iv[i].until_day, EV_IV_END, (uint32_t)i);
    }
    /* The cost rates were set up (by staffing) while the flags still held
     * the previous replication's interventions: recompute them without. */
    costs_update_rates(m);
}

void interventions_begin(struct model *m, uint32_t i)
{
    const struct intervention_spec *iv = &m->sc->iv[i];
    double *x = &m->pv[iv->param];
    double a = m->pv[iv->p_amount];
    m->iv_saved[i] = *x;
    *x = iv->op == IV_SET ? a : iv->op == IV_ADD ? *x + a : *x * a;
    m->iv_active[i] = true;
    costs_lump(m, COST_INTERVENTIONS, m->pv[iv->p_cost_once]);
    model_refresh(m);
}

void interventions_end(struct model *m, uint32_t i)
{
    const struct intervention_spec *iv = &m->sc->iv[i];
    double *x = &m->pv[iv->param];
    double a = m->pv[iv->p_amount];
    if (iv->op == IV_SET || (iv->op == IV_SCALE && a == 0))
        *x = m->iv_saved[i];
    else
        *x = iv->op == IV_ADD ? *x - a : *x / a;
    m->iv_active[i] = false;
    model_refresh(m);
}
