#include "models/allocation.h"

#include "models/binding.h"
#include "models/pathway.h"
#include "sim/check.h"

#include <math.h>
#include <stdlib.h>

/* Whether a case of stage s can be allocated now; if so, *grade and *over
 * name the tree (and which of its two values) whose best worker takes it.
 * Only the trees' roots are read: the walk down to the worker is left until
 * a stage has won. */
static bool placeable(const struct model *m, size_t s, size_t *grade, bool *over)
{
    const struct stage_spec *st = &m->sc->stage[s];
    double need = binding_weight(m, s) - MODEL_LOAD_EPS;
    /* One sweep finds the best grade under the cap and under the overload
     * cap (the first of equals, as a sweep per kind would). */
    double best = -HUGE_VAL, obest = -HUGE_VAL;
    size_t g_best = SIZE_MAX, g_obest = SIZE_MAX;
    for (size_t g = 0; g < m->sc->n_grades; g++) {
        if (!binding_eligible(m, s, (uint32_t)g))
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
