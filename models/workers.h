/* workers.h — workers: their load and cap, leaving, sickness.
 *
 * Each worker leaves with an annual hazard and falls sick at a rate per
 * FTE-year, both multiplied by pressure (1 + gain x max(0, load/ref - 1),
 * ref the worker's cap or the scenario's reference caseload) and by the
 * supervision multiplier (and leaving, for permanent staff, by the labour
 * market's pay factor). The hazards run by thinning (hazard.h): candidates
 * from the worker's own streams at a bound, the rate at the largest load
 * the worker can reach, each accepted with probability rate now / bound;
 * a change of load under that bound touches no hazard and moves no event.
 * This module owns each worker's status, FTE, cap, hazards,
 * allocation leaf (the tree's keys are its spare capacity) and the grade
 * tallies of FTE in post and off sick; its cases and load are binding.h's. */
#ifndef MODELS_WORKERS_H
#define MODELS_WORKERS_H

#include "models/model.h"

void workers_create(struct model *m);
void workers_destroy(struct model *m);
void workers_reset(struct model *m);

/* A new worker of grade g in post p (MODEL_NONE for none), at work from now, with
 * streams keyed by key. Agency workers have agency = true. */
uint32_t workers_hire(struct model *m, uint32_t g, uint32_t p, double fte, bool agency, uint64_t key);

/* Removing worker w takes three steps, so that its cases go back to the
 * queues through the pathway (a layer above): workers_stop (its events
 * cancelled, tallies updated, status W_FREE), then pathway_requeue_all, then
 * workers_free (its allocation leaf and slot given back; it must hold no
 * case). The post is the caller's business (posts.c: dismiss). */
void workers_stop(struct model *m, uint32_t w);
void workers_free(struct model *m, uint32_t w);

/* Worker w now belongs to grade g (progression): allocation tree, cap and
 * tallies move. Then the caller sends back the cases its new grade may not
 * hold (pathway_requeue_ineligible) and calls workers_regraded: allocation
 * entry, pressure and hazard rates for the new grade and load. */
void workers_change_grade(struct model *m, uint32_t w, uint32_t g);
void workers_regraded(struct model *m, uint32_t w);

/* Worker w now works fte: cap, tallies, allocation entry and hazard rates
 * follow; cases above the new cap stay. The caller updates cost rates. */
void workers_set_fte(struct model *m, uint32_t w, double fte);

/* After w's load changed: allocation entry; the hazards' bounds only when
 * the load passed the load they were set for. */
void workers_load_changed(struct model *m, uint32_t w);

/* After parameters changed: every worker's cap, allocation entry and hazard
 * rates are recomputed. */
void workers_refresh(struct model *m);

/* After the supervision multiplier rose: when it is the highest so far in
 * the replication, every worker's hazard bounds (an event moves only where
 * a bound rises). A fall needs no call: every rate falls with it, under
 * bounds set at the highest multiplier. */
void workers_rates_refresh(struct model *m);

/* Day 0, before any case is allocated, for each worker w at work in turn:
 * off sick with the probability of the sickness process's stationary state
 * (at the hazard now in force), with the equilibrium residual and elapsed
 * time of its episode; off longer than reallocate_after_days already, it
 * starts long-term sick. So the first month's sickness is the settled rate.
 * Returns whether w is now off; the caller pauses its cases and, when it is
 * off long-term, hands them back and asks for cover, as for
 * EV_REALLOCATE; then updates the cost rates (replication.c). */
bool workers_settle(struct model *m, uint32_t w);

/* w's hazards per day now: leaving, and sickness (0 while off). */
double workers_leave_rate(const struct model *m, uint32_t w);
double workers_sick_rate(const struct model *m, uint32_t w);

/* Event handlers. They change the worker alone; the dispatcher
 * (replication.c) then does what follows for its cases and post.
 * EV_LEAVE and EV_SICK_START are candidates: leave_due and sick_due
 * return whether the candidate is accepted (else the next one is drawn and
 * nothing else happens); accepted, leave_due is followed by posts_leave,
 * sick_due by sick_start (w now off; a candidate still pending is dropped)
 * and pathway_pause_all; reallocate (now off long-term):
 * pathway_requeue_all and posts_long_sick; sick_end (returns whether w was
 * off long-term), preceded by pathway_resume_all and, when it returns
 * true, followed by posts_returned. */
bool workers_leave_due(struct model *m, uint32_t w);
bool workers_sick_due(struct model *m, uint32_t w);
void workers_sick_start(struct model *m, uint32_t w);
bool workers_sick_end(struct model *m, uint32_t w);
void workers_reallocate(struct model *m, uint32_t w);

/* w, just gone off sick (sick_start or settle): the day it is back with
 * its cases, or NAN when it hands them back before (off long-term:
 * EV_REALLOCATE pending). pathway_pause_all takes it. */
double workers_back_at(const struct model *m, uint32_t w);

/* Case-holding FTE at work beyond what managers at work can supervise. */
double workers_unsupervised(const struct model *m, double *case_holders_at_work);

#endif
