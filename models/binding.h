/* binding.h — the links between cases and workers: who holds which case.
 *
 * This module is the only writer of a case's worker and its place in the
 * worker's list (case_rec.worker, prev, next, and the change-of-hands
 * history: had_worker, last_holder, changes), of a worker's list of cases
 * (first_case, n_cases) and of its load (the sum of its cases' weights).
 * It owns the laws: a case is allocated exactly when it is in its worker's
 * list, once; n_cases counts the list; load is the sum of the weights of
 * the stages of the cases in it (0 exactly when the list is empty). And
 * the one rule for whether a worker may hold a case (binding_eligible,
 * binding_fits).
 *
 * It changes nothing else: a case's clock and queue are the pathway's
 * (pathway.h); a worker's allocation entry and pressure follow a change of
 * load when the caller says so (workers_load_changed). */
#ifndef MODELS_BINDING_H
#define MODELS_BINDING_H

#include "models/model.h"

/* Whether a worker of grade g may hold a case in stage s (the scenario's
 * stages.*.grades). */
static inline bool binding_eligible(const struct model *m, size_t s, uint32_t g)
{
    return m->sc->stage[s].eligible[g];
}

/* Whether worker w may hold a case in stage s that adds `extra` to its
 * load: eligible, and the load stays within its cap (up to MODEL_LOAD_EPS). */
bool binding_fits(const struct model *m, uint32_t w, size_t s, double extra);

/* The weight of a case in stage s now (a parameter). */
static inline double binding_weight(const struct model *m, size_t s)
{
    return m->pv[m->sc->stage[s].p_weight];
}

/* Case c (unallocated, in a stage) now belongs to worker w: first in w's
 * list, its weight added to w's load, a change of hands counted when w is
 * not the worker who last held it. */
void binding_attach(struct model *m, uint32_t c, uint32_t w);

/* Case c (allocated) leaves its worker, whose index is returned. */
uint32_t binding_detach(struct model *m, uint32_t c);

/* Case c, kept by its worker, moved to a stage whose weight is `dw` more. */
void binding_reweigh(struct model *m, uint32_t c, double dw);

/* Worker w's load recomputed from its cases (after weights changed). */
void binding_recount(struct model *m, uint32_t w);

#endif
