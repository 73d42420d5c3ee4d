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

void maxtree_init(struct maxtree *t);
void maxtree_free(struct maxtree *t);
void maxtree_clear(struct maxtree *t);

/* A leaf for worker w (value -inf until set); returns the slot. */
uint32_t maxtree_insert(struct maxtree *t, uint32_t w);
void maxtree_remove(struct maxtree *t, uint32_t slot);
void maxtree_set(struct maxtree *t, uint32_t slot, double spare, double ospare);

/* Worker with the largest spare (or overload spare) capacity, leftmost on
 * ties; NONE when the tree is empty. */
uint32_t maxtree_best(const struct maxtree *t, bool overload);
double maxtree_top(const struct maxtree *t, bool overload);

/* The tree's own invariants, for the invariant walker (models/invariants.h):
 * each inner node holds the maxima of its children, a leaf without a worker
 * is empty (-inf), and the free leaves are exactly those without a worker,
 * each once (cap = used + n_free). Returns a fixed description of the first
 * broken one, with its node or leaf in *at, or NULL when all hold. Reads
 * only; O(leaves). */
const char *maxtree_check(const struct maxtree *t, size_t *at);

/* The values at leaf slot (its worker's spare and overload spare). */
struct maxnode maxtree_leaf(const struct maxtree *t, uint32_t slot);

/* Refresh worker w's entry in its grade's tree after its load, cap or
 * status changed. */
void alloc_update(struct model *m, uint32_t w);

/* Allocate queued cases while some can be placed. */
void alloc_dispatch(struct model *m);

#endif
