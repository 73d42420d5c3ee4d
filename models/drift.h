/* drift.h — how far a scenario's own dynamics move its key stocks in the
 * first year, with no intervention.
 *
 * A scenario's starting state comes from a council's data (staff in post,
 * open cases); the model then runs on its own rates. When the two disagree,
 * the stocks move at once, before any intervention does anything: a planner
 * must know whether a movement is their data or the model. drift_measure
 * runs a few replications of the scenario without its interventions over
 * its first year (or its horizon, if shorter) and compares four stocks at
 * the end with day 0 (after staff are placed and the opening cases
 * allocated), each measured against a scale:
 *
 *   vacancies_fte, agency_fte  against the funded establishment at day 0
 *   unallocated (the backlog)  against the open cases at day 0
 *   caseload_mean              against the mean caseload cap at day 0
 *
 * A move larger than the scenario's drift_notice (a share, default 0.05)
 * deserves a notice (check and run give it). */
#ifndef MODELS_DRIFT_H
#define MODELS_DRIFT_H

#include "models/scenario.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Replications of the quick run that check and run make: enough for the
 * mean of a year-end stock to be steady to about a third of its spread
 * across replications, few enough to take a fraction of a run. */
#define DRIFT_REPS 8
/* The span looked at, at most: the first year (a scenario's horizon in
 * years becomes days as scenario_horizon_days says). */
#define DRIFT_SPAN_YEARS 1.0
#define DRIFT_SPAN_DAYS 365.25

enum drift_stock { DRIFT_VACANCIES, DRIFT_AGENCY, DRIFT_BACKLOG, DRIFT_CASELOAD, DRIFT_STOCKS };

struct drift {
    double days;                      /* the span looked at */
    size_t reps;
    double day0[DRIFT_STOCKS];        /* means over the replications */
    double end[DRIFT_STOCKS];
    double scale[DRIFT_STOCKS];       /* what a move is measured against (mean at day 0) */
    double share[DRIFT_STOCKS];       /* |end - day0| / scale (0 when scale is 0) */
};

/* The stock's metric name, and the name of its scale, for messages. */
const char *drift_stock_name(enum drift_stock k);
const char *drift_scale_name(enum drift_stock k);

/* Run reps (> 0) replications of sc, seeded from seed, without its
 * interventions and warm-up, over min(1 year, horizon). */
void drift_measure(const struct scenario *sc, uint64_t seed, size_t reps, struct drift *out);

/* Whether stock k moved by more than the scenario's drift_notice. */
bool drift_notable(const struct scenario *sc, const struct drift *d, enum drift_stock k);

#endif
