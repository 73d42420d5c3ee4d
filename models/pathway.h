/* pathway.h — cases moving through the stages of the pathway.
 *
 * A case in a stage needs a worker. Its time in stage runs only while it is
 * allocated and its worker is at work; otherwise it waits (drift). At the end
 * of a stage it moves on (keeping its worker when the worker's grade may hold
 * the next stage and the new weight fits under the cap) or closes, and a
 * closed case may be referred again. Every draw for a case comes from the
 * case's own stream, in a fixed order, so two scenarios see the same case
 * histories. This module owns the case records, their clocks and the
 * per-stage queues; which worker holds a case, and workers' loads, are
 * binding.h's, and the pathway tells the worker (workers_load_changed)
 * after every change of load. */
#ifndef MODELS_PATHWAY_H
#define MODELS_PATHWAY_H

#include "models/model.h"

/* Memory for the pathway (once per model) and its reset per replication. */
void pathway_create(struct model *m);
void pathway_destroy(struct model *m);
void pathway_reset(struct model *m);

/* A new case record with stream key `key`, not yet in any stage. */
uint32_t pathway_new_case(struct model *m, uint64_t key);

/* A referral of case c arrives now: screening, then the entry stage. */
void pathway_referral(struct model *m, uint32_t c);

/* Case c starts in stage s at day 0, part-way through it. */
void pathway_initial(struct model *m, uint32_t c, size_t s);

/* Case c, observed open at the start in stage s (scenario.h), starts there
 * at day 0: allocated before the start and `elapsed` days into the stage,
 * its time left drawn conditional on that (dist_sample_after), queued for
 * allocation at day 0 like pathway_initial's cases; or unallocated,
 * waiting for `waited` days, with a fresh time in stage and its wait
 * counted from day -waited (placed in the queue by that, oldest first). */
void pathway_open_elapsed(struct model *m, uint32_t c, size_t s, double elapsed);
void pathway_open_waiting(struct model *m, uint32_t c, size_t s, double waited);

/* EV_CASE_DONE and EV_REREFERRAL. */
void pathway_stage_done(struct model *m, uint32_t c);
void pathway_rereferral(struct model *m, uint32_t c);

/* Allocate the case at the head of stage s's queue to worker w. */
void pathway_allocate_head(struct model *m, size_t s, uint32_t w);

/* Give case c (allocated) to worker w directly, without queueing (a hand-over). */
void pathway_transfer(struct model *m, uint32_t c, uint32_t w);

/* Take case c off its worker and put it at the back of its stage's queue;
 * counted as a reallocation when `count` is true. */
void pathway_requeue(struct model *m, uint32_t c, bool count);

/* Every case of worker w / those its grade may not hold (after a change of
 * grade) back to their queues, counted as reallocations. */
void pathway_requeue_all(struct model *m, uint32_t w);
void pathway_requeue_ineligible(struct model *m, uint32_t w);

/* Worker w's cases' clocks as its sickness starts / ends. At the start,
 * each case's work left is fixed and, when w will be back with its cases
 * at `back_at` (not before now, checked), its clock is set for back_at
 * plus the work left (one calendar move; the return then touches no
 * case: resume_all must be called at back_at, checked); with back_at NAN
 * (the cases will be handed back first: long-term sickness) the clocks
 * stop, and resume_all restarts those still there. A case given to w
 * while it is off gets its clock the same way. */
void pathway_pause_all(struct model *m, uint32_t w, double back_at);
void pathway_resume_all(struct model *m, uint32_t w);

/* Unallocated cases that have waited longer than the threshold. */
size_t pathway_waiting_over(const struct model *m, double threshold);

/* Add to the KPI tally the child-days beyond the threshold of every case still
 * waiting at the end of the horizon. */
void pathway_close_wait_tally(struct model *m);

#endif
