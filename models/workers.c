#include "models/workers.h"

#include "models/binding.h"
#include "models/costs.h"
#include "models/hazard.h"
#include "models/market.h"
#include "sim/check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WORKER_POOL_MIN 256

void workers_create(struct model *m)
{
    m->n_worker_slots = WORKER_POOL_MIN;
    m->w = check_calloc(m->n_worker_slots, sizeof *m->w);
    m->g = check_calloc(m->sc->n_grades, sizeof *m->g);
    for (size_t g = 0; g < m->sc->n_grades; g++)
        maxtree_init(&m->g[g].tree);
}

void workers_destroy(struct model *m)
{
    for (size_t g = 0; m->g && g < m->sc->n_grades; g++) {
        maxtree_free(&m->g[g].tree);
        free(m->g[g].posts);
        queue_free(&m->g[g].progress_wait);
        queue_free(&m->g[g].progress_ticket);
    }
    free(m->g);
    free(m->w);
}

static void link_free_workers(struct model *m, size_t from)
{
    for (size_t i = from; i < m->n_worker_slots; i++) {
        m->w[i].status = W_FREE;
        m->w[i].next_free = i + 1 < m->n_worker_slots ? (uint32_t)(i + 1) : m->free_worker;
    }
    m->free_worker = (uint32_t)from;
}

void workers_reset(struct model *m)
{
    for (size_t g = 0; g < m->sc->n_grades; g++) {
        struct grade_state *gs = &m->g[g];
        maxtree_clear(&gs->tree);
        gs->n_posts = 0;
        gs->fte_in_post = gs->fte_sick = gs->fte_at_work_agency = 0;
        queue_clear(&gs->progress_wait);
        queue_clear(&gs->progress_ticket);
    }
    m->agency_fte = m->agency_fte_sick = 0;
    m->fte_in_post_all = m->fte_sick_all = 0;
    m->sup_bound = m->sup_mult;   /* set for the replication before this */
    m->next_ticket = 0;
    m->next_worker_id = 0;
    m->free_worker = MODEL_NONE;
    link_free_workers(m, 0);
}

/* Worker w's leaf in its grade's allocation tree (allocation.c): its spare
 * capacity under the cap and under the overload cap while at work, else
 * empty. */
static void tree_update(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    if (w->slot == MODEL_NONE)
        return;
    struct maxtree *t = &m->g[w->grade].tree;
    double spare = -HUGE_VAL, ospare = -HUGE_VAL;
    if (w->status == W_AT_WORK) {
        spare = w->cap - w->load;
        ospare = m->overload_factor * w->cap - w->load;
    }
    /* More room somewhere may let a queued case in (alloc_dispatch). */
    const struct maxnode *leaf = &t->node[t->leaf0 + w->slot];
    if (spare > leaf->a || ospare > leaf->b)
        m->alloc_due = true;
    maxtree_set(t, w->slot, spare, ospare);
}

/* ---- hazards ---------------------------------------------------------------- */

/* The load above which w feels pressure: the scenario's reference caseload
 * (per FTE, scaled like caps by the direct-work factor), else w's own cap. */
static double pressure_ref(const struct model *m, const struct worker *w)
{
    double ref = m->pv[m->sc->p_pressure_ref];
    return ref > 0 ? ref * w->fte * m->direct_factor : w->cap;
}

/* w's hazards per day at load `load` with supervision multiplier `sup`,
 * all else as now: base rate x pressure x the multiplier (case-holders) x
 * the market's leave factor (permanent staff), and for sickness x FTE, 0
 * while off. */
static double leave_rate(const struct model *m, const struct worker *w, double load, double sup)
{
    const struct grade_spec *gs = &m->sc->grade[w->grade];
    double press = hazard_pressure(load, pressure_ref(m, w), m->pv[m->sc->p_gain_turnover]);
    return m->pv[gs->p_turnover] / SCENARIO_DAYS_PER_YEAR * press * (gs->holds_cases ? sup : 1.0)
           * (w->agency ? 1.0 : market_leave_factor(m, w->grade));
}

static double sick_rate(const struct model *m, const struct worker *w, double load, double sup)
{
    if (w->status != W_AT_WORK)
        return 0;
    double press = hazard_pressure(load, pressure_ref(m, w), m->pv[m->sc->p_gain_sick]);
    return m->pv[m->sc->p_sick_rate] / SCENARIO_DAYS_PER_YEAR * w->fte * press
           * (m->sc->grade[w->grade].holds_cases ? sup : 1.0);
}

/* The rates now, and the bounds: at the load bound and the largest
 * supervision multiplier so far. */
static double leave_now(const struct model *m, const struct worker *w)
{
    return leave_rate(m, w, w->load, m->sup_mult);
}

static double sick_now(const struct model *m, const struct worker *w) { return sick_rate(m, w, w->load, m->sup_mult); }

double workers_leave_rate(const struct model *m, uint32_t wi) { return leave_now(m, &m->w[wi]); }

double workers_sick_rate(const struct model *m, uint32_t wi) { return sick_now(m, &m->w[wi]); }

static double leave_bound(const struct model *m, const struct worker *w)
{
    return leave_rate(m, w, w->load_bound, m->sup_bound);
}

static double sick_bound(const struct model *m, const struct worker *w)
{
    return sick_rate(m, w, w->load_bound, m->sup_bound);
}

/* Thinning (hazard.h). Each hazard's bound is its rate at w's load bound
 * and at the largest supervision multiplier so far (sup_bound: it moves up
 * and down from one period to the next, and a ratchet restarts the hazards
 * only at a new high). The load bound is the largest load w reaches in
 * normal work (its overload cap: allocation goes no further), or its load
 * now if above that (cases kept through a cut in FTE or a regrading, a
 * change of weights). Pressure grows with load, so the rate stays under the
 * bound while the load stays under the load bound, the multiplier under
 * sup_bound, and the rest (parameters, FTE, cap, status) as it was. Each
 * change of those calls rebound; a load above the load bound does
 * (workers_load_changed). A hazard whose bound rises draws its next
 * candidate from now; one whose bound would fall keeps the higher bound
 * until its next candidate, which draws the gap after it at the bound then
 * in force: either is exact. */
static void rebound(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    w->load_bound = fmax(m->overload_factor * w->cap, w->load);
    double b = leave_bound(m, w);
    if (b > w->leave.bound)
        hazard_restart(&m->sim, &w->leave, &w->rng_leave, b, &w->ev_leave, EV_LEAVE, wi);
    if (w->status == W_AT_WORK) {
        b = sick_bound(m, w);
        if (b > w->sick.bound)
            hazard_restart(&m->sim, &w->sick, &w->rng_sick, b, &w->ev_sick, EV_SICK_START, wi);
    }
}

bool workers_leave_due(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    w->ev_leave = 0;
    if (hazard_accept(&w->leave, &w->rng_leave, leave_now(m, w)))
        return true;
    hazard_restart(&m->sim, &w->leave, &w->rng_leave, leave_bound(m, w), &w->ev_leave, EV_LEAVE, wi);
    return false;
}

static double effective_cap(const struct model *m, const struct worker *w)
{
    return m->pv[m->sc->grade[w->grade].p_cap] * w->fte * m->direct_factor;
}

void workers_load_changed(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    if (w->status == W_FREE)
        return;
    tree_update(m, wi);
    if (w->load > w->load_bound)
        rebound(m, wi);
}

/* ---- staff coming and going ----------------------------------------------- */

static void count_in(struct model *m, const struct worker *w, double sign)
{
    if (w->agency) {
        m->agency_fte += sign * w->fte;
        if (w->status == W_SICK || w->status == W_SICK_LONG)
            m->agency_fte_sick += sign * w->fte;
    } else {
        struct grade_state *gs = &m->g[w->grade];
        gs->fte_in_post += sign * w->fte;
        if (w->status == W_SICK || w->status == W_SICK_LONG)
            gs->fte_sick += sign * w->fte;
        /* the sums over grades, redone in grade order: read before every
         * event (metrics_advance), changed here far less often */
        double in_post = 0, sick = 0;
        for (size_t g = 0; g < m->sc->n_grades; g++) {
            in_post += m->g[g].fte_in_post;
            sick += m->g[g].fte_sick;
        }
        m->fte_in_post_all = in_post;
        m->fte_sick_all = sick;
    }
}

uint32_t workers_hire(struct model *m, uint32_t g, uint32_t p, double fte, bool agency, uint64_t key)
{
    if (m->free_worker == MODEL_NONE) {
        size_t old = m->n_worker_slots;
        CHECK(old < MODEL_NONE / 2);
        m->n_worker_slots = 2 * old;
        m->w = check_realloc(m->w, m->n_worker_slots * sizeof *m->w);
        memset(m->w + old, 0, (m->n_worker_slots - old) * sizeof *m->w);
        link_free_workers(m, old);
    }
    uint32_t wi = m->free_worker;
    struct worker *w = &m->w[wi];
    m->free_worker = w->next_free;
    memset(w, 0, sizeof *w);
    rng_seed(&w->rng_leave, rng_mix(key, WORKER_LEAVE));
    rng_seed(&w->rng_sick, rng_mix(key, WORKER_SICK));
    w->id = m->next_worker_id++;
    w->fte = fte;
    w->grade = g;
    w->post = p;
    w->agency = agency;
    w->status = W_AT_WORK;
    w->first_case = MODEL_NONE;
    w->cap = effective_cap(m, w);
    w->slot = m->sc->grade[g].holds_cases ? maxtree_insert(&m->g[g].tree, wi) : MODEL_NONE;
    count_in(m, w, +1);
    if (m->trace)
        model_trace(m, (struct trace_event){ .kind = TRACE_STAFF_START, .subject = w->id, .grade = (int32_t)g,
                                             .value = fte, .flag = agency });
    tree_update(m, wi);
    rebound(m, wi);
    return wi;
}

void workers_stop(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    CHECK(w->status != W_FREE);
    if (m->trace)
        model_trace(m, (struct trace_event){ .kind = TRACE_STAFF_END, .subject = w->id });
    sim_cancel(&m->sim, &w->ev_leave);
    sim_cancel(&m->sim, &w->ev_sick);
    sim_cancel(&m->sim, &w->ev_realloc);
    sim_cancel(&m->sim, &w->ev_progress);
    count_in(m, w, -1);
    w->status = W_FREE;
}

void workers_free(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    CHECK(w->status == W_FREE && w->first_case == MODEL_NONE);
    if (w->slot != MODEL_NONE)
        maxtree_remove(&m->g[w->grade].tree, w->slot);
    w->slot = MODEL_NONE;
    w->next_free = m->free_worker;
    m->free_worker = wi;
}

void workers_change_grade(struct model *m, uint32_t wi, uint32_t g)
{
    struct worker *w = &m->w[wi];
    count_in(m, w, -1);
    if (w->slot != MODEL_NONE)
        maxtree_remove(&m->g[w->grade].tree, w->slot);
    w->grade = g;
    if (m->trace)
        model_trace(m, (struct trace_event){ .kind = TRACE_STAFF_GRADE, .subject = w->id, .grade = (int32_t)g });
    w->slot = m->sc->grade[g].holds_cases ? maxtree_insert(&m->g[g].tree, wi) : MODEL_NONE;
    w->cap = effective_cap(m, w);
    count_in(m, w, +1);
}

void workers_regraded(struct model *m, uint32_t wi)
{
    tree_update(m, wi);
    rebound(m, wi);
}

void workers_set_fte(struct model *m, uint32_t wi, double fte)
{
    struct worker *w = &m->w[wi];
    count_in(m, w, -1);
    w->fte = fte;
    w->cap = effective_cap(m, w);
    count_in(m, w, +1);
    tree_update(m, wi);
    rebound(m, wi);
}

/* The ratchet: sup_bound follows the multiplier up, never down. */
static bool sup_bound_rises(struct model *m)
{
    if (!(m->sup_mult > m->sup_bound))
        return false;
    m->sup_bound = m->sup_mult;
    return true;
}

void workers_rates_refresh(struct model *m)
{
    if (!sup_bound_rises(m))
        return;
    for (size_t wi = 0; wi < m->n_worker_slots; wi++)
        if (m->w[wi].status != W_FREE)
            rebound(m, (uint32_t)wi);
}

void workers_refresh(struct model *m)
{
    sup_bound_rises(m);
    for (size_t wi = 0; wi < m->n_worker_slots; wi++) {
        struct worker *w = &m->w[wi];
        if (w->status == W_FREE)
            continue;
        w->cap = effective_cap(m, w);
        /* weights may have changed: recompute the load from the cases */
        binding_recount(m, (uint32_t)wi);
        tree_update(m, (uint32_t)wi);
        rebound(m, (uint32_t)wi);
    }
}

/* ---- sickness --------------------------------------------------------------- */

bool workers_sick_due(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    w->ev_sick = 0;
    CHECK(w->status == W_AT_WORK);
    if (hazard_accept(&w->sick, &w->rng_sick, sick_now(m, w)))
        return true;
    hazard_restart(&m->sim, &w->sick, &w->rng_sick, sick_bound(m, w), &w->ev_sick, EV_SICK_START, wi);
    return false;
}

void workers_sick_start(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    CHECK(w->status == W_AT_WORK);
    /* the hazard is spent (a candidate still pending, when called outside
     * its event, is dropped): off until the return, which restarts it */
    hazard_stop(&m->sim, &w->sick, &w->ev_sick);
    count_in(m, w, -1);
    w->status = W_SICK;
    count_in(m, w, +1);
    if (m->trace)
        model_trace(m, (struct trace_event){ .kind = TRACE_SICK_START, .subject = w->id, .t0 = m->sim.now });
    tree_update(m, wi);
    bool long_term = rng_uniform(&w->rng_sick) < m->pv[m->sc->p_sick_long_share];
    double mean = m->pv[long_term ? m->sc->p_sick_long_mean : m->sc->p_sick_short_mean];
    double days = rng_exponential(&w->rng_sick, mean);
    w->ev_sick = sim_after(&m->sim, days, EV_SICK_END, wi);
    double after = m->pv[m->sc->p_realloc_after];
    if (days > after)
        w->ev_realloc = sim_after(&m->sim, after, EV_REALLOCATE, wi);
    costs_update_rates(m);
}

/* Sickness is an alternating renewal process: spells at work of mean
 * E[on] = 1/rate (the sickness hazard now in force), episodes off of mean
 * E[off] = (1 - q) s + q L (a mixture of exponentials: short mean s, long
 * mean L with probability q). At a time chosen independently of the
 * process, a worker is off with probability E[off] / (E[on] + E[off]), and
 * the episode found is length-biased: long with probability q L / E[off].
 * Given its kind, its elapsed time (age) and its time left (residual) are
 * independent exponentials of the kind's mean (the joint density of age a
 * and residual r is f(a + r) / E[off]). docs/model.md derives it. */
bool workers_settle(struct model *m, uint32_t wi)
{
    double q = m->pv[m->sc->p_sick_long_share];
    double s = m->pv[m->sc->p_sick_short_mean], L = m->pv[m->sc->p_sick_long_mean];
    double off_mean = (1 - q) * s + q * L;
    double after = m->pv[m->sc->p_realloc_after];
    struct worker *w = &m->w[wi];
    if (w->status != W_AT_WORK)
        return false;
    double lambda_off = sick_now(m, w) * off_mean;   /* E[off] / E[on] */
    double p_off = lambda_off / (1 + lambda_off);
    if (!(rng_uniform(&w->rng_sick) < p_off))
        return false;
    bool long_term = rng_uniform(&w->rng_sick) * off_mean < q * L;
    double mean = long_term ? L : s;
    double residual = rng_exponential(&w->rng_sick, mean);
    double age = rng_exponential(&w->rng_sick, mean);
    hazard_stop(&m->sim, &w->sick, &w->ev_sick);   /* restarted on return */
    count_in(m, w, -1);
    w->status = age >= after ? W_SICK_LONG : W_SICK;
    count_in(m, w, +1);
    if (m->trace)
        model_trace(m, (struct trace_event){ .kind = TRACE_SICK_START, .subject = w->id, .t0 = m->sim.now - age });
    tree_update(m, wi);
    w->ev_sick = sim_at(&m->sim, m->sim.now + residual, EV_SICK_END, wi);
    if (w->status == W_SICK && age + residual > after)
        w->ev_realloc = sim_at(&m->sim, m->sim.now + after - age, EV_REALLOCATE, wi);
    return true;
}

double workers_back_at(const struct model *m, uint32_t wi)
{
    const struct worker *w = &m->w[wi];
    struct cal_event e;
    if (w->ev_realloc || !calendar_event(m->sim.cal, w->ev_sick, &e))
        return NAN;
    CHECK(e.type == EV_SICK_END);
    return e.time;
}

void workers_reallocate(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    w->ev_realloc = 0;
    CHECK(w->status == W_SICK);
    w->status = W_SICK_LONG;
}

bool workers_sick_end(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    w->ev_sick = 0;
    sim_cancel(&m->sim, &w->ev_realloc);
    bool was_long = w->status == W_SICK_LONG;
    if (m->trace)
        model_trace(m, (struct trace_event){ .kind = TRACE_SICK_END, .subject = w->id });
    count_in(m, w, -1);
    w->status = W_AT_WORK;
    count_in(m, w, +1);
    tree_update(m, wi);
    rebound(m, wi);
    costs_update_rates(m);
    return was_long;
}

double workers_unsupervised(const struct model *m, double *case_holders_at_work)
{
    double holders = 0, span = 0;
    for (size_t wi = 0; wi < m->n_worker_slots; wi++) {
        const struct worker *w = &m->w[wi];
        if (w->status != W_AT_WORK)
            continue;
        const struct grade_spec *gs = &m->sc->grade[w->grade];
        if (gs->holds_cases)
            holders += w->fte;
        span += w->fte * m->pv[gs->p_supervises];
    }
    if (case_holders_at_work)
        *case_holders_at_work = holders;
    return holders > span ? holders - span : 0.0;
}
