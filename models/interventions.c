#include "models/interventions.h"

#include "models/costs.h"

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
    /* The cost rates were set up (by posts.c) while the flags still held
     * the previous replication's interventions: recompute them without. */
    costs_update_rates(m);
}

/* The parameter of intervention i takes the fold of every intervention on
 * it in force now (scenario_value_at), never a value saved at a start: an
 * overlapping one that started or ended since is not lost. */
static void update(struct model *m, uint32_t i)
{
    size_t p = m->sc->iv[i].param;
    m->pv[p] = scenario_value_at(m->sc, p, m->sim.now);
}

void interventions_begin(struct model *m, uint32_t i)
{
    costs_iv_begin(m, i);
    m->iv_active[i] = true;
    update(m, i);
}

void interventions_end(struct model *m, uint32_t i)
{
    costs_advance(m);   /* its recurring cost up to now */
    m->iv_active[i] = false;
    update(m, i);
}
