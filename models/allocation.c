#include "models/allocation.h"

#include "models/pathway.h"
#include "sim/check.h"

#include <math.h>
#include <stdlib.h>

#define TREE_MIN_LEAVES 16 /* a power of the fan-out (4) */

/* Loads and caps are never NaN, so a plain comparison (which the compiler
 * inlines, unlike fmax) is enough. */
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
    return (struct maxnode){ max2(max2(c[0].spare, c[1].spare), max2(c[2].spare, c[3].spare)),
                             max2(max2(c[0].ospare, c[1].ospare), max2(c[2].ospare, c[3].ospare)) };
}

/* Index of the first leaf of a tree with cap leaves (a power of FANOUT):
 * the number of inner nodes. */
static size_t leaf0_of(size_t cap) { return (cap - 1) / (FANOUT - 1); }

/* Room for a tree of cap leaves, every node empty (-inf). */
static struct maxnode *new_nodes(size_t cap, size_t leaf0)
{
    size_t n = PAD + leaf0 + cap;
    size_t bytes = (n * sizeof(struct maxnode) + TREE_ALIGN - 1) / TREE_ALIGN * TREE_ALIGN;
    struct maxnode *block = aligned_alloc(TREE_ALIGN, bytes);
    CHECK(block != NULL);
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
    t->worker = check_malloc(t->cap * sizeof *t->worker);
    t->free_slot = check_malloc(t->cap * sizeof *t->free_slot);
    maxtree_clear(t);
}

void maxtree_free(struct maxtree *t)
{
    free_nodes(t->node);
    free(t->worker);
    free(t->free_slot);
    t->node = NULL;
    t->worker = t->free_slot = NULL;
}

void maxtree_clear(struct maxtree *t)
{
    for (size_t i = 0; i < t->leaf0 + t->cap; i++)
        t->node[i] = (struct maxnode){ -HUGE_VAL, -HUGE_VAL };
    /* Free leaves are handed out lowest first. */
    t->n_free = t->cap;
    for (size_t i = 0; i < t->cap; i++) {
        t->free_slot[i] = (uint32_t)(t->cap - 1 - i);
        t->worker[i] = NONE;
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
    t->worker = check_realloc(t->worker, cap * sizeof *t->worker);
    t->free_slot = check_realloc(t->free_slot, cap * sizeof *t->free_slot);
    for (size_t i = old; i < cap; i++)
        t->worker[i] = NONE;
    /* new leaves old..cap-1, lowest on top of the stack */
    for (size_t i = 0; i < cap - old; i++)
        t->free_slot[t->n_free++] = (uint32_t)(cap - 1 - i);
    t->cap = cap;
}

uint32_t maxtree_insert(struct maxtree *t, uint32_t w)
{
    if (t->n_free == 0)
        grow(t);
    uint32_t slot = t->free_slot[--t->n_free];
    t->worker[slot] = w;
    t->used++;
    maxtree_set(t, slot, -HUGE_VAL, -HUGE_VAL);
    return slot;
}

void maxtree_remove(struct maxtree *t, uint32_t slot)
{
    CHECK(slot < t->cap && t->worker[slot] != NONE);
    maxtree_set(t, slot, -HUGE_VAL, -HUGE_VAL);
    t->worker[slot] = NONE;
    t->free_slot[t->n_free++] = slot;
    t->used--;
}

void maxtree_set(struct maxtree *t, uint32_t slot, double spare, double ospare)
{
    size_t i = t->leaf0 + slot;
    t->node[i].spare = spare;
    t->node[i].ospare = ospare;
    while (i > 0) {
        i = parent(i);
        struct maxnode p = combine(t->node, i);
        struct maxnode *q = &t->node[i];
        if (p.spare == q->spare && p.ospare == q->ospare)
            break; /* nothing above changes */
        *q = p;
    }
}

double maxtree_top(const struct maxtree *t, bool overload)
{
    return overload ? t->node[0].ospare : t->node[0].spare;
}

/* The first of the four children of node i whose value is v (one must be):
 * the four compared at once, without branches. */
#define FIRST_EQUAL(c, field, v)                                                     \
    ((size_t)__builtin_ctz((unsigned)((c)[0].field == (v))                           \
                           | (unsigned)((c)[1].field == (v)) << 1                    \
                           | (unsigned)((c)[2].field == (v)) << 2                    \
                           | (unsigned)((c)[3].field == (v)) << 3))

uint32_t maxtree_best(const struct maxtree *t, bool overload)
{
    /* Down from the root, always to the first child holding the maximum:
     * the leftmost leaf with the largest value. */
    const struct maxnode *node = t->node;
    size_t i = 0;
    if (overload) {
        double top = node[0].ospare;
        if (top == -HUGE_VAL)
            return NONE;
        while (i < t->leaf0)
            i = first_child(i) + FIRST_EQUAL(&node[first_child(i)], ospare, top);
    } else {
        double top = node[0].spare;
        if (top == -HUGE_VAL)
            return NONE;
        while (i < t->leaf0)
            i = first_child(i) + FIRST_EQUAL(&node[first_child(i)], spare, top);
    }
    return t->worker[i - t->leaf0];
}

const char *maxtree_check(const struct maxtree *t, size_t *at)
{
    if (t->used + t->n_free != t->cap || t->leaf0 != leaf0_of(t->cap)) {
        *at = t->cap;
        return "leaves in use plus free leaves are not the tree's leaves";
    }
    for (size_t i = 0; i < t->leaf0; i++) {
        struct maxnode p = combine(t->node, i);
        if (p.spare != t->node[i].spare || p.ospare != t->node[i].ospare) {
            *at = i;
            return "inner node is not the maximum of its children";
        }
    }
    size_t used = 0;
    for (size_t i = 0; i < t->cap; i++) {
        if (t->worker[i] != NONE) {
            used++;
            continue;
        }
        const struct maxnode *leaf = &t->node[t->leaf0 + i];
        if (leaf->spare != -HUGE_VAL || leaf->ospare != -HUGE_VAL) {
            *at = i;
            return "leaf without a worker is not empty";
        }
    }
    if (used != t->used) {
        *at = used;
        return "leaves with a worker differ from the count in use";
    }
    /* n_free distinct leaves without a worker: with the counts above, the
     * free stack is exactly the leaves without a worker. */
    unsigned char *seen = check_calloc(t->cap, 1);
    const char *why = NULL;
    for (size_t k = 0; k < t->n_free && !why; k++) {
        uint32_t slot = t->free_slot[k];
        *at = slot;
        if (slot >= t->cap || t->worker[slot] != NONE)
            why = "free leaf has a worker or is out of range";
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

void alloc_update(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    if (w->slot == NONE)
        return;
    struct maxtree *t = &m->g[w->grade].tree;
    double spare = -HUGE_VAL, ospare = -HUGE_VAL;
    if (w->status == W_AT_WORK) {
        spare = w->cap - w->load;
        ospare = m->overload_factor * w->cap - w->load;
    }
    /* More room somewhere may let a queued case in (alloc_dispatch). */
    const struct maxnode *leaf = &t->node[t->leaf0 + w->slot];
    if (spare > leaf->spare || ospare > leaf->ospare)
        m->alloc_due = true;
    maxtree_set(t, w->slot, spare, ospare);
}

/* Whether a case of stage s can be allocated now; if so, *grade and *over
 * name the tree (and which of its two values) whose best worker takes it.
 * Only the trees' roots are read: the walk down to the worker is left until
 * a stage has won. */
static bool placeable(const struct model *m, size_t s, size_t *grade, bool *over)
{
    const struct stage_spec *st = &m->sc->stage[s];
    double need = m->pv[st->p_weight] - LOAD_EPS;
    /* One sweep finds the best grade under the cap and under the overload
     * cap (the first of equals, as a sweep per kind would). */
    double best = -HUGE_VAL, obest = -HUGE_VAL;
    size_t g_best = SIZE_MAX, g_obest = SIZE_MAX;
    for (size_t g = 0; g < m->sc->n_grades; g++) {
        if (!st->eligible[g])
            continue;
        const struct maxtree *t = &m->g[g].tree;
        double top = maxtree_top(t, false), otop = maxtree_top(t, true);
        if (top > best) {
            best = top;
            g_best = g;
        }
        if (otop > obest) {
            obest = otop;
            g_obest = g;
        }
    }
    if (g_best != SIZE_MAX && best >= need) {
        *grade = g_best;
        *over = false;
        return true;
    }
    if ((int)m->pv[st->p_priority] <= m->overload_priority && g_obest != SIZE_MAX && obest >= need) {
        *grade = g_obest;
        *over = true;
        return true;
    }
    return false;
}

void alloc_dispatch(struct model *m)
{
    while (m->n_queued > 0) {
        size_t best_s = SIZE_MAX, best_g = SIZE_MAX;
        bool best_over = false;
        double best_pri = HUGE_VAL, best_time = HUGE_VAL;
        /* In priority order (then position, as ties between equal heads
         * go to the first stage), so that once a stage can be served no
         * stage of a later priority is looked at. */
        for (size_t k = 0; k < m->sc->n_stages; k++) {
            size_t s = m->stage_order[k];
            struct queue *q = &m->queue[s];
            if (q->n == 0)
                continue;
            double pri = m->pv[m->sc->stage[s].p_priority];
            if (pri > best_pri)
                break;
            double when = m->cases[q->buf[q->head]].queued_at;
            if (pri == best_pri && when >= best_time)
                continue;
            size_t g;
            bool over;
            if (!placeable(m, s, &g, &over))
                continue;
            best_s = s;
            best_g = g;
            best_over = over;
            best_pri = pri;
            best_time = when;
        }
        if (best_s == SIZE_MAX) {
            m->alloc_due = false; /* until a worker gains room or a queue a new head */
            return;
        }
        pathway_allocate_head(m, best_s, maxtree_best(&m->g[best_g].tree, best_over));
    }
    m->alloc_due = false;
}
