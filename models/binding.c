#include "models/binding.h"

#include "sim/check.h"

/* A worker's cases form a doubly linked list through the case records
 * (first_case, then next; prev back), newest first: attach and detach are
 * O(1), and walking a worker's cases costs its caseload. The load is kept
 * as a running sum and reset to exactly 0 when the list empties, so
 * rounding never leaves an empty worker with a load. */

bool binding_fits(const struct model *m, uint32_t wi, size_t s, double extra)
{
    const struct worker *w = &m->w[wi];
    return binding_eligible(m, s, w->grade) && w->load + extra <= w->cap + MODEL_LOAD_EPS;
}

void binding_attach(struct model *m, uint32_t c, uint32_t wi)
{
    struct case_rec *cr = &m->cases[c];
    struct worker *w = &m->w[wi];
    cr->worker = wi;
    cr->prev = MODEL_NONE;
    cr->next = w->first_case;
    if (w->first_case != MODEL_NONE)
        m->cases[w->first_case].prev = c;
    w->first_case = c;
    w->n_cases++;
    w->load += binding_weight(m, (size_t)cr->stage);
    cr->state = CASE_ALLOCATED;
    /* a change of worker: a case handed back to the worker who last held
     * it (back from sickness, or a cover's cases returned) has not changed
     * hands */
    if (cr->had_worker && cr->last_holder != w->id)
        cr->changes++;
    cr->had_worker = true;
    cr->last_holder = w->id;
}

uint32_t binding_detach(struct model *m, uint32_t c)
{
    struct case_rec *cr = &m->cases[c];
    uint32_t wi = cr->worker;
    CHECK(wi != MODEL_NONE);
    struct worker *w = &m->w[wi];
    if (cr->prev != MODEL_NONE)
        m->cases[cr->prev].next = cr->next;
    else
        w->first_case = cr->next;
    if (cr->next != MODEL_NONE)
        m->cases[cr->next].prev = cr->prev;
    w->n_cases--;
    w->load -= binding_weight(m, (size_t)cr->stage);
    if (w->n_cases == 0)
        w->load = 0; /* no drift from rounding */
    cr->worker = cr->prev = cr->next = MODEL_NONE;
    return wi;
}

void binding_reweigh(struct model *m, uint32_t c, double dw)
{
    uint32_t wi = m->cases[c].worker;
    CHECK(wi != MODEL_NONE);
    m->w[wi].load += dw;
}

void binding_recount(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    double load = 0;
    for (uint32_t c = w->first_case; c != MODEL_NONE; c = m->cases[c].next)
        load += binding_weight(m, (size_t)m->cases[c].stage);
    w->load = load;
}
