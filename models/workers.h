/* workers.h — workers: their load and cap, leaving, sickness.
 *
 * Each worker leaves with an annual hazard and falls sick at a rate per
 * FTE-year, both multiplied by pressure (1 + gain x max(0, load/ref - 1),
 * ref the worker's cap or the scenario's reference caseload) and by the
 * supervision multiplier. The hazards are integrated exactly: the
 * event fires when the integrated rate reaches an Exp(1) threshold drawn
 * from the worker's own stream, and a change of rate moves the event. */
#ifndef MODELS_WORKFORCE_H
#define MODELS_WORKFORCE_H

#include "models/model.h"

void workers_create(struct model *m);
void workers_destroy(struct model *m);
void workers_reset(struct model *m);

/* A new worker of grade g in post p (NONE for none), at work from now, with
 * streams keyed by key. Agency workers have agency = true. */
uint32_t workers_hire(struct model *m, uint32_t g, uint32_t p, double fte, bool agency, uint64_t key);

/* Remove worker w: its cases go back to the queue (counted as
 * reallocations), its events are cancelled, tallies updated. The post is the
 * caller's business. */
void workers_release(struct model *m, uint32_t w);

/* Worker w now belongs to grade g (progression): tree, cap and tallies move;
 * cases its new grade may not hold go back to the queue. */
void workers_change_grade(struct model *m, uint32_t w, uint32_t g);

/* Worker w now works fte: cap, tallies, allocation entry and hazard rates
 * follow; cases above the new cap stay. The caller updates cost rates. */
void workers_set_fte(struct model *m, uint32_t w, double fte);

/* After w's load changed: allocation entry and pressure. */
void workers_load_changed(struct model *m, uint32_t w);

/* After parameters changed: every worker's cap, allocation entry and hazard
 * rates are recomputed. */
void workers_refresh(struct model *m);

/* After the supervision multiplier changed: every worker's hazard rates. */
void workers_rates_refresh(struct model *m);

/* Day 0, before any case is allocated: each worker at work is off sick
 * with the probability of the sickness process's stationary state (at the
 * hazard now in force), with the equilibrium residual and elapsed time of
 * its episode; off longer than reallocate_after_days already, they start
 * long-term sick. So the first month's sickness is the settled rate. */
void workers_settle(struct model *m);

/* Event handlers. */
void workers_sick_start(struct model *m, uint32_t w);
void workers_sick_end(struct model *m, uint32_t w);
void workers_reallocate(struct model *m, uint32_t w);

/* Case-holding FTE at work beyond what managers at work can supervise. */
double workers_unsupervised(const struct model *m, double *case_holders_at_work);

#endif
