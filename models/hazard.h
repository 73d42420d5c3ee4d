/* hazard.h — a time-varying hazard simulated by thinning, and the pressure
 * that scales it.
 *
 * The owner's rate may change at any moment (a worker's load changes with
 * each case). The hazard runs as candidates of a Poisson process at a
 * bound B >= the rate, each gap an Exp(B) draw from the owner's own stream;
 * at a candidate the event happens with probability rate(now) / B (one
 * uniform from the same stream), else the next candidate is drawn. A change
 * of rate that stays under B moves nothing; when the rate may rise above B
 * the owner restarts the hazard from now at a higher bound, which is exact
 * because candidates are memoryless (Lewis & Shedler 1979, Ogata 1981;
 * docs/model.md, "Hazards by thinning", derives it). Two scenarios that
 * differ only in a rate under the same bound see the same candidates and
 * the same uniforms: the one with the higher rate accepts every candidate
 * the other does, until their histories part. Workers leave and fall sick
 * this way (models/workers.h). */
#ifndef MODELS_HAZARD_H
#define MODELS_HAZARD_H

#include "sim/rng.h"
#include "sim/sim.h"

#include <stdbool.h>
#include <stdint.h>

struct hazard {
    double bound;      /* candidates per day; 0 when off (none pending) */
};

/* The hazard from now on at bound b (>= 0): the next candidate is drawn
 * from r, Exp(b) after now, and the event *ev (type, subject) scheduled or
 * moved there; b = 0 cancels it (the hazard is off). The owner keeps its
 * rate <= b until the next restart. */
void hazard_restart(struct sim *s, struct hazard *h, struct rng *r, double b, cal_handle *ev, uint32_t type,
                     uint32_t subject);

/* At a candidate of h (its event has fired and the owner cleared its
 * handle): whether the event happens, with probability rate / h->bound, on
 * one uniform from r. 0 <= rate <= h->bound (aborts otherwise: the owner
 * let its rate pass the bound). After false, the owner restarts h. */
bool hazard_accept(const struct hazard *h, struct rng *r, double rate);

/* The hazard is off: its pending candidate *ev, if any, cancelled. */
void hazard_stop(struct sim *s, struct hazard *h, cal_handle *ev);

/* The multiplier pressure puts on a hazard: 1 + gain x (load / ref - 1)
 * above the reference load ref, 1 at or below it (and when ref <= 0).
 * Nondecreasing in load (gain >= 0), so its value at the largest load
 * reachable bounds it. */
double hazard_pressure(double load, double ref, double gain);

#endif
