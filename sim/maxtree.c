#include "maxtree.h"

#include "check.h"

#include <math.h>
#include <stdlib.h>

/* Invariants: every inner node holds, for each key, the maximum of its
 * children's; a leaf without an item holds -inf in both keys; the free
 * leaves (a stack, lowest slot on top) are exactly those without an item,
 * so used + n_free = cap. An update rewrites the leaf and walks up while a
 * node changes (O(log n), often less); the best item is found by walking
 * down from the root to the first child holding the root's value (O(log
 * n)); the top is the root (O(1)). maxtree_check verifies all of it.
 *
 * Why a tree and not a heap: the allocation reads the top of several trees
 * before choosing one, and a worker's keys change at every allocation, so
 * both a cheap update of any leaf and a stable "leftmost on ties" order
 * (which a heap would not keep) are needed. */
#define TREE_MIN_LEAVES 16 /* a power of the fan-out (4) */

/* Keys are never NaN, so a plain comparison (which the compiler inlines,
 * unlike fmax) is enough. */
static inline double max2(double a, double b) { return a > b ? a : b; }

/* The tree is 4-ary, the root at 0 and the children of node i at 4i + 1 ..
 * 4i + 4; the array starts PAD nodes into a block aligned to a cache line,
 * so that four siblings share one line: half the levels of a binary tree,
 * and a level costs one line (bench: 4% off the whole model). Leaves are
 * in slot order, so "leftmost" means the lowest slot, as before. */
#define FANOUT 4
#define TREE_ALIGN 64
#define PAD (TREE_ALIGN / sizeof(struct maxnode) - 1)

static inline size_t first_child(size_t i) { return FANOUT * i + 1; }
static inline size_t parent(size_t i) { return (i - 1) / FANOUT; }

/* The maxima of the four children of node i. */
static inline struct maxnode combine(const struct maxnode *node, size_t i)
{
    const struct maxnode *c = &node[first_child(i)];
    return (struct maxnode){ max2(max2(c[0].a, c[1].a), max2(c[2].a, c[3].a)),
                             max2(max2(c[0].b, c[1].b), max2(c[2].b, c[3].b)) };
}

/* Index of the first leaf of a tree with cap leaves (a power of FANOUT):
 * the number of inner nodes. */
static size_t leaf0_of(size_t cap) { return (cap - 1) / (FANOUT - 1); }

/* Room for a tree of cap leaves, every node empty (-inf). */
static struct maxnode *new_nodes(size_t cap, size_t leaf0)
{
    size_t n = PAD + leaf0 + cap;
    struct maxnode *block = check_aligned_alloc(TREE_ALIGN, n * sizeof(struct maxnode));
    struct maxnode *node = block + PAD;
    for (size_t i = 0; i < leaf0 + cap; i++)
        node[i] = (struct maxnode){ -HUGE_VAL, -HUGE_VAL };
    return node;
}

static void free_nodes(struct maxnode *node)
{
    if (node)
        free(node - PAD);
}

void maxtree_init(struct maxtree *t)
{
    t->cap = TREE_MIN_LEAVES;
    t->leaf0 = leaf0_of(t->cap);
    t->node = new_nodes(t->cap, t->leaf0);
    t->item = check_malloc(t->cap * sizeof *t->item);
    t->free_slot = check_malloc(t->cap * sizeof *t->free_slot);
    maxtree_clear(t);
}

void maxtree_free(struct maxtree *t)
{
    free_nodes(t->node);
    free(t->item);
    free(t->free_slot);
    t->node = NULL;
    t->item = t->free_slot = NULL;
}

void maxtree_clear(struct maxtree *t)
{
    for (size_t i = 0; i < t->leaf0 + t->cap; i++)
        t->node[i] = (struct maxnode){ -HUGE_VAL, -HUGE_VAL };
    /* Free leaves are handed out lowest first. */
    t->n_free = t->cap;
    for (size_t i = 0; i < t->cap; i++) {
        t->free_slot[i] = (uint32_t)(t->cap - 1 - i);
        t->item[i] = MAXTREE_NONE;
    }
    t->used = 0;
}

static void grow(struct maxtree *t)
{
    size_t old = t->cap, cap = FANOUT * old, leaf0 = leaf0_of(cap);
    struct maxnode *node = new_nodes(cap, leaf0);
    for (size_t i = 0; i < old; i++)
        node[leaf0 + i] = t->node[t->leaf0 + i];
    for (size_t i = leaf0; i-- > 0;)
        node[i] = combine(node, i);
    free_nodes(t->node);
    t->node = node;
    t->leaf0 = leaf0;
    t->item = check_realloc(t->item, cap * sizeof *t->item);
    t->free_slot = check_realloc(t->free_slot, cap * sizeof *t->free_slot);
    for (size_t i = old; i < cap; i++)
        t->item[i] = MAXTREE_NONE;
    /* new leaves old..cap-1, lowest on top of the stack */
    for (size_t i = 0; i < cap - old; i++)
        t->free_slot[t->n_free++] = (uint32_t)(cap - 1 - i);
    t->cap = cap;
}

uint32_t maxtree_insert(struct maxtree *t, uint32_t x)
{
    if (t->n_free == 0)
        grow(t);
    uint32_t slot = t->free_slot[--t->n_free];
    t->item[slot] = x;
    t->used++;
    maxtree_set(t, slot, -HUGE_VAL, -HUGE_VAL);
    return slot;
}

void maxtree_remove(struct maxtree *t, uint32_t slot)
{
    CHECK(slot < t->cap && t->item[slot] != MAXTREE_NONE);
    maxtree_set(t, slot, -HUGE_VAL, -HUGE_VAL);
    t->item[slot] = MAXTREE_NONE;
    t->free_slot[t->n_free++] = slot;
    t->used--;
}

void maxtree_set(struct maxtree *t, uint32_t slot, double a, double b)
{
    size_t i = t->leaf0 + slot;
    t->node[i].a = a;
    t->node[i].b = b;
    while (i > 0) {
        i = parent(i);
        struct maxnode p = combine(t->node, i);
        struct maxnode *q = &t->node[i];
        if (p.a == q->a && p.b == q->b)
            break; /* nothing above changes */
        *q = p;
    }
}

/* The first of the four children of node i whose value is v (one must be):
 * the four compared at once, without branches. */
#define FIRST_EQUAL(c, field, v)                                                     \
    ((size_t)__builtin_ctz((unsigned)((c)[0].field == (v))                           \
                           | (unsigned)((c)[1].field == (v)) << 1                    \
                           | (unsigned)((c)[2].field == (v)) << 2                    \
                           | (unsigned)((c)[3].field == (v)) << 3))

uint32_t maxtree_best(const struct maxtree *t, bool second)
{
    /* Down from the root, always to the first child holding the maximum:
     * the leftmost leaf with the largest value. */
    const struct maxnode *node = t->node;
    size_t i = 0;
    if (second) {
        double top = node[0].b;
        if (top == -HUGE_VAL)
            return MAXTREE_NONE;
        while (i < t->leaf0)
            i = first_child(i) + FIRST_EQUAL(&node[first_child(i)], b, top);
    } else {
        double top = node[0].a;
        if (top == -HUGE_VAL)
            return MAXTREE_NONE;
        while (i < t->leaf0)
            i = first_child(i) + FIRST_EQUAL(&node[first_child(i)], a, top);
    }
    return t->item[i - t->leaf0];
}

const char *maxtree_check(const struct maxtree *t, size_t *at)
{
    if (t->used + t->n_free != t->cap || t->leaf0 != leaf0_of(t->cap)) {
        *at = t->cap;
        return "leaves in use plus free leaves are not the tree's leaves";
    }
    for (size_t i = 0; i < t->leaf0; i++) {
        struct maxnode p = combine(t->node, i);
        if (p.a != t->node[i].a || p.b != t->node[i].b) {
            *at = i;
            return "inner node is not the maximum of its children";
        }
    }
    size_t used = 0;
    for (size_t i = 0; i < t->cap; i++) {
        if (t->item[i] != MAXTREE_NONE) {
            used++;
            continue;
        }
        const struct maxnode *leaf = &t->node[t->leaf0 + i];
        if (leaf->a != -HUGE_VAL || leaf->b != -HUGE_VAL) {
            *at = i;
            return "leaf without an item is not empty";
        }
    }
    if (used != t->used) {
        *at = used;
        return "leaves with an item differ from the count in use";
    }
    /* n_free distinct leaves without an item: with the counts above, the
     * free stack is exactly the leaves without an item. */
    unsigned char *seen = check_calloc(t->cap, 1);
    const char *why = NULL;
    for (size_t k = 0; k < t->n_free && !why; k++) {
        uint32_t slot = t->free_slot[k];
        *at = slot;
        if (slot >= t->cap || t->item[slot] != MAXTREE_NONE)
            why = "free leaf has an item or is out of range";
        else if (seen[slot]++)
            why = "leaf is on the free stack twice";
    }
    free(seen);
    return why;
}

struct maxnode maxtree_leaf(const struct maxtree *t, uint32_t slot)
{
    return t->node[t->leaf0 + slot];
}

