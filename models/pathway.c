#include "models/pathway.h"

#include "models/binding.h"
#include "models/workers.h"
#include "sim/check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CASE_POOL_MIN 1024

/* ---- case pool ------------------------------------------------------------ */

void pathway_create(struct model *m)
{
    size_t n = m->sc->n_stages;
    m->queue = check_calloc(n, sizeof *m->queue);
    m->open_in_stage = check_calloc(n, sizeof *m->open_in_stage);
    m->queued_in_stage = check_calloc(n, sizeof *m->queued_in_stage);
    m->n_case_slots = CASE_POOL_MIN;
    m->cases = check_calloc(m->n_case_slots, sizeof *m->cases);
}

void pathway_destroy(struct model *m)
{
    for (size_t s = 0; m->queue && s < m->sc->n_stages; s++)
        queue_free(&m->queue[s]);
    free(m->queue);
    free(m->open_in_stage);
    free(m->queued_in_stage);
    free(m->cases);
}

void pathway_reset(struct model *m)
{
    for (size_t s = 0; s < m->sc->n_stages; s++) {
        queue_clear(&m->queue[s]);
        m->open_in_stage[s] = m->queued_in_stage[s] = 0;
    }
    m->n_queued = 0;
    m->open_cases = 0;
    m->free_case = MODEL_NONE;
    m->case_top = 0;
}

uint32_t pathway_new_case(struct model *m, uint64_t key)
{
    /* Freed slots first (last freed, first reused), then the next untouched
     * one. The pool grows by doubling without touching the new half (a
     * large realloc moves pages, it does not copy them), so no single event
     * stalls a run for long: Ctrl-C is answered within a simulated day. */
    uint32_t c;
    if (m->free_case != MODEL_NONE) {
        c = m->free_case;
        m->free_case = m->cases[c].next;
    } else {
        if (m->case_top == m->n_case_slots) {
            CHECK(m->n_case_slots < MODEL_NONE / 2);
            m->n_case_slots *= 2;
            m->cases = check_realloc(m->cases, m->n_case_slots * sizeof *m->cases);
        }
        c = (uint32_t)m->case_top++;
    }
    struct case_rec *cr = &m->cases[c];
    memset(cr, 0, sizeof *cr);
    rng_seed(&cr->rng, key);
    cr->worker = cr->prev = cr->next = MODEL_NONE;
    cr->stage = -1;
    return c;
}

static void free_case(struct model *m, uint32_t c)
{
    m->cases[c].state = CASE_FREE;
    m->cases[c].next = m->free_case;
    m->free_case = c;
}

/* ---- worker lists and clocks ---------------------------------------------- */

/* A case's time in stage runs only while its worker is at work: its clock
 * is an EV_CASE_DONE at `due`. When the worker goes off sick and its return
 * is known (the cases stay until then), each clock is moved, once, to the
 * return plus the work left (`remaining`, fixed at the absence's start),
 * and the return touches no case; when it is not known (the cases will be
 * handed back first), the clocks stop and the return restarts them. Either
 * way the stage ends at the times stopping and restarting every clock
 * gives, computed the same way. */

static void start_clock(struct model *m, uint32_t c)
{
    struct case_rec *cr = &m->cases[c];
    cr->due = m->sim.now + cr->remaining;
    cr->done = sim_at(&m->sim, cr->due, EV_CASE_DONE, c);
}

/* The clock of case c, whose worker w is off and back at w->back_at (a
 * number), set for then; its work left in remaining. */
static void clock_for_return(struct model *m, uint32_t c, const struct worker *w)
{
    struct case_rec *cr = &m->cases[c];
    cr->due = w->back_at + cr->remaining;
    if (cr->done)
        sim_move(&m->sim, cr->done, cr->due);
    else
        cr->done = sim_at(&m->sim, cr->due, EV_CASE_DONE, c);
}

static void stop_clock(struct model *m, uint32_t c)
{
    struct case_rec *cr = &m->cases[c];
    if (cr->done) {
        /* off: remaining was fixed when the absence began (pathway_pause_all) */
        if (!m->w[cr->worker].clocks_off)
            cr->remaining = fmax(0.0, cr->due - m->sim.now);
        sim_cancel(&m->sim, &cr->done);
    }
}

/* Case c now belongs to worker w; its clock runs while w is at work. */
static void attach(struct model *m, uint32_t c, uint32_t wi)
{
    binding_attach(m, c, wi);
    if (m->trace)
        model_trace(m, (struct trace_event){ .kind = TRACE_ALLOCATED, .subject = c, .who = m->w[wi].id });
    const struct worker *w = &m->w[wi];
    if (!w->clocks_off)
        start_clock(m, c);
    else if (!isnan(w->back_at))
        clock_for_return(m, c, w);
}

/* Take c off its worker (clock stopped, load reduced); the worker's derived
 * state is left for the caller to refresh. */
static inline uint32_t detach(struct model *m, uint32_t c)
{
    stop_clock(m, c);
    return binding_detach(m, c);
}

static void enqueue(struct model *m, uint32_t c)
{
    struct case_rec *cr = &m->cases[c];
    cr->state = CASE_QUEUED;
    cr->queued_at = m->sim.now;
    if (m->queue[cr->stage].n == 0)
        m->alloc_due = true; /* a new head for alloc_dispatch to try */
    queue_push(&m->queue[cr->stage], c);
    m->queued_in_stage[cr->stage]++;
    m->n_queued++;
}

/* ---- stages ----------------------------------------------------------------- */

static void trace_stage_start(const struct model *m, uint32_t c, double t0, uint32_t open_at_start)
{
    model_trace(m, (struct trace_event){ .kind = TRACE_STAGE_START, .subject = c, .stage = m->cases[c].stage,
                                         .t0 = t0, .n = open_at_start });
}

static void enter_stage(struct model *m, uint32_t c, int32_t s)
{
    struct case_rec *cr = &m->cases[c];
    cr->stage = s;
    m->open_in_stage[s]++;
    cr->remaining = dist_sample(&m->duration[s], &cr->rng);
    if (m->trace)
        trace_stage_start(m, c, m->sim.now, 0);
}

void pathway_referral(struct model *m, uint32_t c)
{
    struct case_rec *cr = &m->cases[c];
    m->flow.referrals++;
    bool screened = rng_uniform(&cr->rng) < m->pv[m->sc->p_screen_out];
    if (m->trace)
        model_trace(m, (struct trace_event){ .kind = TRACE_REFERRAL, .subject = c, .flag = screened,
                                             .n = cr->rereferrals });
    if (screened) {
        m->flow.screened_out++;
        free_case(m, c);
        return;
    }
    m->open_cases++;
    enter_stage(m, c, m->sc->entry);
    enqueue(m, c);
}

/* Case c open at the start in stage s, begun `ago` days before, with
 * `remaining` days of work left, queued for a worker (`how`: the trace's
 * open_at_start, as trace_stage_start takes it). */
static void open_at_start(struct model *m, uint32_t c, size_t s, double remaining, double ago, uint32_t how)
{
    struct case_rec *cr = &m->cases[c];
    m->open_cases++;
    cr->stage = (int32_t)s;
    m->open_in_stage[s]++;
    cr->remaining = remaining;
    if (m->trace)
        trace_stage_start(m, c, m->sim.now - ago, how);
    enqueue(m, c);
}

void pathway_initial(struct model *m, uint32_t c, size_t s)
{
    /* Part-way through its stage: the time left is the equilibrium residual
     * of the stage's duration (the service has been running for a while). */
    double age;
    double left = dist_sample_residual_age(&m->duration[s], &m->cases[c].rng, &age);
    open_at_start(m, c, s, left, age, 2);
}

void pathway_open_elapsed(struct model *m, uint32_t c, size_t s, double elapsed)
{
    open_at_start(m, c, s, dist_sample_after(&m->duration[s], elapsed, &m->cases[c].rng), elapsed, 2);
}

void pathway_open_waiting(struct model *m, uint32_t c, size_t s, double waited)
{
    struct case_rec *cr = &m->cases[c];
    open_at_start(m, c, s, dist_sample(&m->duration[s], &cr->rng), waited, 1);
    /* its wait counts from `waited` days ago: moved forward past the cases
     * that joined later, so queued_at stays non-decreasing along the queue */
    cr->queued_at = m->sim.now - waited;
    struct queue *q = &m->queue[s];
    size_t i = q->n - 1;
    for (; i > 0 && m->cases[queue_at(q, i - 1)].queued_at > cr->queued_at; i--)
        queue_set(q, i, queue_at(q, i - 1));
    queue_set(q, i, c);
    m->alloc_due = true;   /* perhaps a new head */
}

static int32_t draw_next(struct model *m, uint32_t c)
{
    const struct stage_spec *st = &m->sc->stage[m->cases[c].stage];
    double total = 0;
    for (size_t k = 0; k < st->n_next; k++)
        total += m->pv[st->next[k].p];
    double u = rng_uniform(&m->cases[c].rng) * total;
    for (size_t k = 0; k < st->n_next; k++) {
        double p = m->pv[st->next[k].p];
        if (u < p)
            return st->next[k].to;
        u -= p;
    }
    /* Rounding, or every probability set to 0: the last transition with
     * weight, else close. */
    for (size_t k = st->n_next; k-- > 0;)
        if (m->pv[st->next[k].p] > 0)
            return st->next[k].to;
    return STAGE_CLOSE;
}

static void close_case(struct model *m, uint32_t c)
{
    struct case_rec *cr = &m->cases[c];
    m->open_cases--;
    m->flow.closed++;
    m->kpi_cases_closed++;
    m->kpi_changes_closed += cr->changes;
    if (rng_uniform(&cr->rng) < m->pv[m->sc->p_reref_p]) {
        double delay = rng_uniform(&cr->rng) * m->pv[m->sc->p_reref_within];
        cr->state = CASE_REREFERRAL;
        cr->stage = -1;
        sim_at(&m->sim, m->sim.now + delay, EV_REREFERRAL, c);
    } else {
        free_case(m, c);
    }
}

void pathway_stage_done(struct model *m, uint32_t c)
{
    struct case_rec *cr = &m->cases[c];
    cr->done = 0;
    int32_t s = cr->stage;
    m->open_in_stage[s]--;
    int32_t ns = draw_next(m, c);
    if (m->trace)
        model_trace(m, (struct trace_event){ .kind = TRACE_STAGE_END, .subject = c, .stage = s, .next = ns });
    uint32_t wi = cr->worker;
    CHECK(wi != MODEL_NONE);
    if (ns == STAGE_CLOSE) {
        detach(m, c);
        workers_load_changed(m, wi);
        close_case(m, c);
        return;
    }
    const struct stage_spec *next = &m->sc->stage[ns];
    double dw = m->pv[next->p_weight] - binding_weight(m, (size_t)s);
    bool keep = !next->transfer && binding_fits(m, wi, (size_t)ns, dw);
    if (keep) {
        enter_stage(m, c, ns);
        if (m->trace)
            model_trace(m, (struct trace_event){ .kind = TRACE_ALLOCATED, .subject = c, .who = m->w[wi].id });
        binding_reweigh(m, c, dw);
        start_clock(m, c);
    } else {
        detach(m, c);
        enter_stage(m, c, ns);
        enqueue(m, c);
    }
    workers_load_changed(m, wi);
}

void pathway_rereferral(struct model *m, uint32_t c)
{
    struct case_rec *cr = &m->cases[c];
    cr->rereferrals++;
    uint64_t key = rng_mix(cr->rng.key, STREAM_REREFERRAL);
    uint32_t times = cr->rereferrals;
    memset(cr, 0, sizeof *cr);
    rng_seed(&cr->rng, key);
    cr->rereferrals = times;
    cr->worker = cr->prev = cr->next = MODEL_NONE;
    cr->stage = -1;
    pathway_referral(m, c);
}

void pathway_allocate_head(struct model *m, size_t s, uint32_t w)
{
    uint32_t c = queue_pop(&m->queue[s]);
    m->queued_in_stage[s]--;
    m->n_queued--;
    struct case_rec *cr = &m->cases[c];
    double now = m->sim.now;
    m->flow.allocations++;
    m->flow.wait_sum += now - cr->queued_at;
    double over_from = fmax(cr->queued_at + m->pv[m->sc->p_wait_threshold], m->warmup);
    if (now > over_from)
        m->kpi_wait_over += now - over_from;
    attach(m, c, w);
    workers_load_changed(m, w);
}

void pathway_transfer(struct model *m, uint32_t c, uint32_t w)
{
    uint32_t from = detach(m, c);
    workers_load_changed(m, from);
    attach(m, c, w);
    workers_load_changed(m, w);
}

void pathway_requeue(struct model *m, uint32_t c, bool count)
{
    uint32_t wi = detach(m, c);
    enqueue(m, c);
    if (count)
        m->flow.reallocations++;
    workers_load_changed(m, wi);
}

void pathway_requeue_all(struct model *m, uint32_t w)
{
    while (m->w[w].first_case != MODEL_NONE)
        pathway_requeue(m, m->w[w].first_case, true);
}

void pathway_requeue_ineligible(struct model *m, uint32_t w)
{
    for (uint32_t c = m->w[w].first_case; c != MODEL_NONE;) {
        uint32_t next = m->cases[c].next;
        if (!binding_eligible(m, (size_t)m->cases[c].stage, m->w[w].grade))
            pathway_requeue(m, c, true);
        c = next;
    }
}

void pathway_pause_all(struct model *m, uint32_t wi, double back_at)
{
    struct worker *w = &m->w[wi];
    CHECK(!w->clocks_off && !(back_at < m->sim.now));
    w->clocks_off = true;
    w->back_at = back_at;
    for (uint32_t c = w->first_case; c != MODEL_NONE; c = m->cases[c].next) {
        struct case_rec *cr = &m->cases[c];
        if (!cr->done)
            continue;
        cr->remaining = fmax(0.0, cr->due - m->sim.now); /* the work left */
        if (isnan(back_at))
            sim_cancel(&m->sim, &cr->done);
        else
            clock_for_return(m, c, w);
    }
}

void pathway_resume_all(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    CHECK(w->clocks_off);
    w->clocks_off = false;
    if (!isnan(w->back_at)) {
        CHECK(w->back_at == m->sim.now);   /* every clock already set for now */
        return;
    }
    for (uint32_t c = w->first_case; c != MODEL_NONE; c = m->cases[c].next)
        if (!m->cases[c].done)
            start_clock(m, c);
}

size_t pathway_waiting_over(const struct model *m, double threshold)
{
    double cutoff = m->sim.now - threshold;
    size_t total = 0;
    for (size_t s = 0; s < m->sc->n_stages; s++) {
        const struct queue *q = &m->queue[s];
        /* queued_at is non-decreasing along a queue: binary search */
        size_t lo = 0, hi = q->n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (m->cases[queue_at(q, mid)].queued_at < cutoff)
                lo = mid + 1;
            else
                hi = mid;
        }
        total += lo;
    }
    return total;
}

void pathway_close_wait_tally(struct model *m)
{
    double thr = m->pv[m->sc->p_wait_threshold];
    for (size_t s = 0; s < m->sc->n_stages; s++) {
        const struct queue *q = &m->queue[s];
        for (size_t i = 0; i < q->n; i++) {
            double from = fmax(m->cases[queue_at(q, i)].queued_at + thr, m->warmup);
            if (m->horizon > from)
                m->kpi_wait_over += m->horizon - from;
        }
    }
}
