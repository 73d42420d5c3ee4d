#include "models/hazard.h"

#include "sim/check.h"

/* Invariant (the owner's to keep): while bound > 0 one candidate is
 * pending, and the owner's rate never exceeds bound. Each candidate costs
 * two draws (its gap, then its acceptance uniform) and one calendar event;
 * a change of the owner's rate under the bound costs nothing here. */

void hazard_restart(struct sim *s, struct hazard *h, struct rng *r, double b, cal_handle *ev, uint32_t type,
                     uint32_t subject)
{
    CHECK(b >= 0);
    h->bound = b;
    if (b > 0) {
        double t = s->now + rng_exponential(r, 1.0 / b);
        if (*ev)
            sim_move(s, *ev, t);
        else
            *ev = sim_at(s, t, type, subject);
    } else {
        sim_cancel(s, ev);
    }
}

bool hazard_accept(const struct hazard *h, struct rng *r, double rate)
{
    CHECK(rate >= 0 && rate <= h->bound);
    return rng_uniform(r) * h->bound < rate;
}

void hazard_stop(struct sim *s, struct hazard *h, cal_handle *ev)
{
    h->bound = 0;
    sim_cancel(s, ev);
}

double hazard_pressure(double load, double ref, double gain)
{
    return ref > 0 && load > ref ? 1.0 + gain * (load / ref - 1.0) : 1.0;
}
