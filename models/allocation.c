#include "models/allocation.h"

#include "models/binding.h"
#include "models/pathway.h"
#include "sim/check.h"

#include <math.h>
#include <stdlib.h>

/* Cost. A dispatch looks at the queues' heads in priority order and, for
 * each, at the roots of the trees of the grades that may hold it: a list
 * per stage built once (eligibility is the scenario's, not a parameter),
 * so ineligible grades cost nothing. Before any stage's grades are swept,
 * the largest roots over every case-holding grade, read once per dispatch,
 * bound what any stage could get: a stage whose weight is above the bound
 * is passed over at the cost of a comparison. Every dispatch ends with a
 * pass that places nothing (no worker has room for any head), and most
 * place nothing at all (a worker gained room, but not enough): those
 * passes now cost one read of the roots, not a sweep per stage. The
 * choices are exactly those of a full sweep: the bound only skips stages
 * the sweep would have found unplaceable (birmingham-2009: 5% of the
 * instructions of a run). */

void alloc_create(struct model *m)
{
    const struct scenario *sc = m->sc;
    size_t n = 0;
    for (size_t s = 0; s < sc->n_stages; s++)
        for (size_t g = 0; g < sc->n_grades; g++)
            n += binding_eligible(m, s, (uint32_t)g);
    m->alloc_grade = check_calloc(n ? n : 1, sizeof *m->alloc_grade);
    m->alloc_first = check_calloc(sc->n_stages + 1, sizeof *m->alloc_first);
    m->alloc_holder = check_calloc(sc->n_grades ? sc->n_grades : 1, sizeof *m->alloc_holder);
    n = 0;
    for (size_t s = 0; s < sc->n_stages; s++) {
        m->alloc_first[s] = n;
        for (size_t g = 0; g < sc->n_grades; g++)
            if (binding_eligible(m, s, (uint32_t)g))
                m->alloc_grade[n++] = (uint32_t)g;
    }
    m->alloc_first[sc->n_stages] = n;
    m->n_alloc_holders = 0;
    for (size_t g = 0; g < sc->n_grades; g++) {
        bool holds = false;
        for (size_t s = 0; s < sc->n_stages; s++)
            holds |= binding_eligible(m, s, (uint32_t)g);
        if (holds)
            m->alloc_holder[m->n_alloc_holders++] = (uint32_t)g;
    }
}

void alloc_destroy(struct model *m)
{
    free(m->alloc_grade);
    free(m->alloc_first);
    free(m->alloc_holder);
}

/* Whether a case of stage s (priority pri) can be allocated now; if so,
 * *grade and *over name the tree (and which of its two values) whose best
 * worker takes it. Only the trees' roots are read: the walk down to the
 * worker is left until a stage has won. */
static bool placeable(const struct model *m, size_t s, double pri, double need, size_t *grade, bool *over)
{
    /* One sweep finds the best grade under the cap and under the overload
     * cap (the first of equals, as a sweep per kind would). */
    double best = -HUGE_VAL, obest = -HUGE_VAL;
    size_t g_best = SIZE_MAX, g_obest = SIZE_MAX;
    for (size_t k = m->alloc_first[s]; k < m->alloc_first[s + 1]; k++) {
        size_t g = m->alloc_grade[k];
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
    if ((int)pri <= m->overload_priority && g_obest != SIZE_MAX && obest >= need) {
        *grade = g_obest;
        *over = true;
        return true;
    }
    return false;
}

void alloc_dispatch(struct model *m)
{
    /* Within one dispatch the trees' roots only fall (an allocation adds a
     * positive weight to one worker's load), so the largest roots read once
     * bound them from above for the whole dispatch. */
    bool bounded = false;
    double bound = -HUGE_VAL, obound = -HUGE_VAL;
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
            if (!bounded) {
                for (size_t i = 0; i < m->n_alloc_holders; i++) {
                    const struct maxtree *t = &m->g[m->alloc_holder[i]].tree;
                    double top = maxtree_top(t, false), otop = maxtree_top(t, true);
                    bound = top > bound ? top : bound; /* never NaN (maxtree.h) */
                    obound = otop > obound ? otop : obound;
                }
                bounded = true;
            }
            double need = binding_weight(m, s) - MODEL_LOAD_EPS;
            size_t g;
            bool over;
            /* past the bound no grade has room: placeable would say no */
            if ((need > bound && (need > obound || (int)pri > m->overload_priority))
                || !placeable(m, s, pri, need, &g, &over))
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
