/* maxtree.h — a max-tree over items with two keys each: the item with the
 * largest first (or second) key is found and any item's keys are changed in
 * O(log n).
 *
 * Each item lives at a leaf (its slot, handed out by maxtree_insert); an
 * inner node keeps the maxima of both keys over its subtree. Ties go to the
 * leftmost leaf: the lowest slot. An empty leaf holds -inf in both keys, so
 * keys must be finite or -inf and never NaN. Slots are reused, lowest
 * first; the tree grows (fourfold) when all are taken and never shrinks.
 * Out of memory aborts (check.h). The allocation of cases to workers keeps
 * one tree per grade, its items workers, keyed by spare capacity under the
 * cap and under the overload cap (models/allocation.c). */
#ifndef SIM_MAXTREE_H
#define SIM_MAXTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* No item (an empty tree's best, an unused leaf's item). */
#define MAXTREE_NONE UINT32_MAX

/* A node's keys: an item's at a leaf, the maxima of its subtree above. */
struct maxnode {
    double a, b;
};

struct maxtree {
    size_t cap;            /* leaves (a power of 4) */
    struct maxnode *node;  /* root at 0, leaf i at leaf0 + i */
    size_t leaf0;
    uint32_t *item;        /* item at each leaf, or MAXTREE_NONE */
    uint32_t *free_slot;   /* stack of unused leaves */
    size_t n_free, used;
};

/* An empty tree (memory for a first few leaves) / its memory freed. */
void maxtree_init(struct maxtree *t);
void maxtree_free(struct maxtree *t);

/* Every leaf empty again, the memory kept. */
void maxtree_clear(struct maxtree *t);

/* A leaf for item x (keys -inf until set); returns its slot. */
uint32_t maxtree_insert(struct maxtree *t, uint32_t x);

/* Free the leaf at slot (which must hold an item; aborts otherwise). */
void maxtree_remove(struct maxtree *t, uint32_t slot);

/* The keys of the item at slot. */
void maxtree_set(struct maxtree *t, uint32_t slot, double a, double b);

/* The item with the largest key a (or b when `second`), leftmost on ties;
 * MAXTREE_NONE when every key is -inf. */
uint32_t maxtree_best(const struct maxtree *t, bool second);

/* That largest key (-inf for an empty tree). O(1). */
static inline double maxtree_top(const struct maxtree *t, bool second)
{
    return second ? t->node[0].b : t->node[0].a;
}

/* The keys at leaf slot. */
struct maxnode maxtree_leaf(const struct maxtree *t, uint32_t slot);

/* The tree's own invariants, for the invariant walker (models/invariants.h):
 * each inner node holds the maxima of its children, a leaf without an item
 * is empty (-inf), and the free leaves are exactly those without an item,
 * each once (cap = used + n_free). Returns a fixed description of the first
 * broken one, with its node or leaf in *at, or NULL when all hold. Reads
 * only; O(leaves). */
const char *maxtree_check(const struct maxtree *t, size_t *at);

#endif
