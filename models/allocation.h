/* allocation.h — matching unallocated cases to workers.
 *
 * A case goes to the eligible worker at work with the most spare capacity
 * (cap - load); cases of priority <= overload_priority may go above cap up to
 * overload_factor x cap. The queue is served by priority, then first come
 * first served. Each case-holding grade keeps a max-tree of its workers'
 * spare capacity, so finding and updating the best worker is O(log n). */
#ifndef MODELS_ALLOCATION_H
#define MODELS_ALLOCATION_H

#include "models/model.h"

/* Refresh worker w's entry in its grade's tree after its load, cap or
 * status changed. */
void alloc_update(struct model *m, uint32_t w);

/* Allocate queued cases while some can be placed. */
void alloc_dispatch(struct model *m);

#endif
