/* allocation.h — matching unallocated cases to workers.
 *
 * A case goes to the eligible worker at work with the most spare capacity
 * (cap - load); cases of priority <= overload_priority may go above cap up to
 * overload_factor x cap. The queue is served by priority, then first come
 * first served. Each case-holding grade keeps a max-tree of its workers'
 * spare capacity (sim/maxtree.h; workers.c keeps each worker's leaf), so
 * finding and updating the best worker is O(log n). Whether a grade may
 * hold a stage is binding_eligible; that the best worker's spare capacity
 * is at least the weight (up to MODEL_LOAD_EPS) is binding_fits read off
 * the tree's keys. */
#ifndef MODELS_ALLOCATION_H
#define MODELS_ALLOCATION_H

#include "models/model.h"

/* The per-stage lists of grades that may hold it (model.h's alloc_*),
 * from the scenario / their memory freed (accepts a model without them). */
void alloc_create(struct model *m);
void alloc_destroy(struct model *m);

/* Allocate queued cases while some can be placed. */
void alloc_dispatch(struct model *m);

#endif
