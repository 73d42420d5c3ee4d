#include "models/allocation.h"

#include "models/pathway.h"
#include "sim/check.h"

#include <math.h>
#include <stdlib.h>

#define TREE_MIN_LEAVES 16

/* Loads and caps are never NaN, so a plain comparison (which the compiler
 * inlines, unlike fmax) is enough. */
static inline double max2(double a, double b) { return a > b ? a : b; }

void maxtree_init(struct maxtree *t)
{
    t->cap = TREE_MIN_LEAVES;
    t->spare = check_malloc(2 * t->cap * sizeof *t->spare);
    t->ospare = check_malloc(2 * t->cap * sizeof *t->ospare);
    t->worker = check_malloc(t->cap * sizeof *t->worker);
    t->free_slot = check_malloc(t->cap * sizeof *t->free_slot);
    maxtree_clear(t);
}

void maxtree_free(struct maxtree *t)
{
    free(t->spare);
    free(t->ospare);
    free(t->worker);
    free(t->free_slot);
    t->spare = t->ospare = NULL;
    t->worker = t->free_slot = NULL;
}

void maxtree_clear(struct maxtree *t)
{
    for (size_t i = 0; i < 2 * t->cap; i++)
        t->spare[i] = t->ospare[i] = -HUGE_VAL;
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
    size_t old = t->cap, cap = 2 * old;
    double *spare = check_malloc(2 * cap * sizeof *spare);
    double *ospare = check_malloc(2 * cap * sizeof *ospare);
    for (size_t i = 0; i < 2 * cap; i++)
        spare[i] = ospare[i] = -HUGE_VAL;
    for (size_t i = 0; i < old; i++) {
        spare[cap + i] = t->spare[old + i];
        ospare[cap + i] = t->ospare[old + i];
    }
    for (size_t i = cap - 1; i >= 1; i--) {
        spare[i] = max2(spare[2 * i], spare[2 * i + 1]);
        ospare[i] = max2(ospare[2 * i], ospare[2 * i + 1]);
    }
    free(t->spare);
    free(t->ospare);
    t->spare = spare;
    t->ospare = ospare;
    t->worker = check_realloc(t->worker, cap * sizeof *t->worker);
    t->free_slot = check_realloc(t->free_slot, cap * sizeof *t->free_slot);
    for (size_t i = old; i < cap; i++)
        t->worker[i] = NONE;
    /* new leaves old..cap-1, lowest on top of the stack */
    for (size_t i = 0; i < old; i++)
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
    size_t i = t->cap + slot;
    t->spare[i] = spare;
    t->ospare[i] = ospare;
    for (i /= 2; i >= 1; i /= 2) {
        double s = max2(t->spare[2 * i], t->spare[2 * i + 1]);
        double o = max2(t->ospare[2 * i], t->ospare[2 * i + 1]);
        if (s == t->spare[i] && o == t->ospare[i])
            break; /* nothing above changes */
        t->spare[i] = s;
        t->ospare[i] = o;
    }
}

double maxtree_top(const struct maxtree *t, bool overload)
{
    return overload ? t->ospare[1] : t->spare[1];
}

uint32_t maxtree_best(const struct maxtree *t, bool overload)
{
    const double *v = overload ? t->ospare : t->spare;
    if (v[1] == -HUGE_VAL)
        return NONE;
    size_t i = 1;
    while (i < t->cap)
        i = v[2 * i] >= v[2 * i + 1] ? 2 * i : 2 * i + 1;
    return t->worker[i - t->cap];
}

void alloc_update(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    if (w->slot == NONE)
        return;
    struct maxtree *t = &m->g[w->grade].tree;
    if (w->status == W_AT_WORK)
        maxtree_set(t, w->slot, w->cap - w->load, m->overload_factor * w->cap - w->load);
    else
        maxtree_set(t, w->slot, -HUGE_VAL, -HUGE_VAL);
}

/* The worker who would take a case of stage s now, or NONE. */
static uint32_t candidate(struct model *m, size_t s)
{
    const struct stage_spec *st = &m->sc->stage[s];
    double weight = m->pv[st->p_weight];
    bool may_overload = (int)m->pv[st->p_priority] <= m->overload_priority;
    for (int pass = 0; pass < 1 + may_overload; pass++) {
        bool over = pass == 1;
        double best = -HUGE_VAL;
        size_t best_g = SIZE_MAX;
        for (size_t g = 0; g < m->sc->n_grades; g++) {
            if (!st->eligible[g])
                continue;
            double top = maxtree_top(&m->g[g].tree, over);
            if (top > best) {
                best = top;
                best_g = g;
            }
        }
        if (best_g != SIZE_MAX && best >= weight - LOAD_EPS)
            return maxtree_best(&m->g[best_g].tree, over);
    }
    return NONE;
}

void alloc_dispatch(struct model *m)
{
    while (m->n_queued > 0) {
        size_t best_s = SIZE_MAX;
        uint32_t best_w = NONE;
        double best_pri = HUGE_VAL, best_time = HUGE_VAL;
        for (size_t s = 0; s < m->sc->n_stages; s++) {
            struct queue *q = &m->queue[s];
            if (q->n == 0)
                continue;
            double pri = m->pv[m->sc->stage[s].p_priority];
            double when = m->cases[q->buf[q->head]].queued_at;
            if (pri > best_pri || (pri == best_pri && when >= best_time))
                continue;
            uint32_t w = candidate(m, s);
            if (w == NONE)
                continue;
            best_s = s;
            best_w = w;
            best_pri = pri;
            best_time = when;
        }
        if (best_s == SIZE_MAX)
            return;
        pathway_allocate_head(m, best_s, best_w);
    }
}
