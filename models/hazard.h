/* hazard.h — a time-varying hazard integrated exactly, and the pressure
 * that scales it.
 *
 * The event happens when the hazard's integrated rate reaches a threshold
 * drawn once, Exp(1), from the owner's own stream; changing the rate moves
 * the pending event and never wastes a draw, so two scenarios that differ
 * only in a rate see the same thresholds. Workers leave and fall sick this
 * way (models/workers.h). */
#ifndef MODELS_HAZARD_H
#define MODELS_HAZARD_H

#include "sim/rng.h"
#include "sim/sim.h"

#include <stdint.h>

struct hazard {
    double threshold;  /* Exp(1) */
    double acc;        /* rate integrated from the start up to `since` */
    double rate;       /* per day, in force since `since` */
    double since;
};

/* A fresh hazard from now: a new threshold drawn from r, rate 0. */
void hazard_start(struct hazard *h, struct rng *r, double now);

/* The hazard's rate from now on is `rate` (>= 0): the integral so far is
 * kept and the event *ev (type, subject) is scheduled, moved, or (rate 0)
 * cancelled to fire when the integral reaches the threshold. */
void hazard_set_rate(struct sim *s, struct hazard *h, double rate, cal_handle *ev, uint32_t type,
                     uint32_t subject);

/* The multiplier pressure puts on a hazard: 1 + gain x (load / ref - 1)
 * above the reference load ref, 1 at or below it (and when ref <= 0). */
double hazard_pressure(double load, double ref, double gain);

#endif
