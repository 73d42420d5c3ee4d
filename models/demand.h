/* demand.h — referrals: a non-homogeneous Poisson process.
 *
 * rate(t) = referrals_per_year / 365.25 x (1 + trend)^(t / 365.25)
 *           x seasonality[month(t)] (rescaled to average 1)
 *           x the multipliers of every shock in force at t.
 * Arrivals are drawn by thinning against a bound over the horizon, from the
 * replication's arrival stream; the n-th referral's case stream is keyed by
 * n, so two scenarios with the same demand see the same children. */
#ifndef MODELS_DEMAND_H
#define MODELS_DEMAND_H

#include "models/model.h"

void demand_create(struct model *m);
void demand_destroy(struct model *m);

/* Day 0: the arrival stream and the first candidate arrival. */
void demand_start(struct model *m);

/* Referrals per day at time t. */
double demand_rate(const struct model *m, double t);

/* EV_ARRIVAL: accept or reject the candidate, schedule the next. */
void demand_arrival(struct model *m);

/* After parameters changed: a new bound (and a fresh candidate if it rose). */
void demand_refresh(struct model *m);

#endif
