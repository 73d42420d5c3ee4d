/* estimate.h — what one replication of a scenario will cost, before it runs.
 *
 * A cheap, rough estimate from the parameter values (and the largest values
 * the interventions give them): cases open at once, workers, events and the
 * memory of one thread's model. The front end multiplies it by replications
 * and threads and refuses runs that would exhaust memory or run for days
 * (docs/robustness.md), so a typo such as referrals_per_year = 4e9 is caught
 * before any work starts. Figures are expectations, not bounds: they are
 * meant to be right within a small factor. */
#ifndef MODELS_ESTIMATE_H
#define MODELS_ESTIMATE_H

#include "models/scenario.h"

struct estimate {
    double referrals;        /* referrals over the horizon (before screening) */
    double cases_peak;       /* cases open at once at the busiest, about */
    double workers_peak;     /* staff and agency workers at once, about */
    double events_per_rep;   /* events processed in one replication, about */
    double bytes_per_model;  /* memory of one thread's model workspace */
    double periods;          /* reporting periods */
};

void estimate_scenario(const struct scenario *sc, struct estimate *e);

#endif
