#include "models/hazard.h"

#include <math.h>

/* Invariant: at any instant t >= since, the integral of the rate from the
 * start is acc + rate (t - since); the event, while rate > 0, is pending at
 * the time that integral reaches threshold (at once when it already has).
 * Each change of rate is O(1) plus one move in the calendar. */

void hazard_start(struct hazard *h, struct rng *r, double now)
{
    h->threshold = -log(rng_uniform(r));
    h->acc = 0;
    h->rate = 0;
    h->since = now;
}

void hazard_set_rate(struct sim *s, struct hazard *h, double rate, cal_handle *ev, uint32_t type,
                     uint32_t subject)
{
    double now = s->now;
    h->acc += h->rate * (now - h->since);
    h->since = now;
    h->rate = rate;
    if (rate > 0) {
        double t = now + fmax(0.0, h->threshold - h->acc) / rate;
        if (*ev)
            sim_move(s, *ev, t);
        else
            *ev = sim_at(s, t, type, subject);
    } else {
        sim_cancel(s, ev);
    }
}

double hazard_pressure(double load, double ref, double gain)
{
    return ref > 0 && load > ref ? 1.0 + gain * (load / ref - 1.0) : 1.0;
}
