#include "models/workforce.h"

#include "models/allocation.h"
#include "models/costs.h"
#include "models/market.h"
#include "models/pathway.h"
#include "models/staffing.h"
#include "sim/check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WORKER_POOL_MIN 256

void workforce_create(struct model *m)
{
    m->n_worker_slots = WORKER_POOL_MIN;
    m->w = check_calloc(m->n_worker_slots, sizeof *m->w);
    m->g = check_calloc(m->sc->n_grades, sizeof *m->g);
    for (size_t g = 0; g < m->sc->n_grades; g++)
        maxtree_init(&m->g[g].tree);
}

void workforce_destroy(struct model *m)
{
    for (size_t g = 0; m->g && g < m->sc->n_grades; g++) {
        maxtree_free(&m->g[g].tree);
        free(m->g[g].posts);
        free(m->g[g].progress_wait.buf);
        free(m->g[g].progress_ticket.buf);
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

void workforce_reset(struct model *m)
{
    for (size_t g = 0; g < m->sc->n_grades; g++) {
        struct grade_state *gs = &m->g[g];
        maxtree_clear(&gs->tree);
        gs->n_posts = 0;
        gs->fte_in_post = gs->fte_sick = gs->fte_at_work_agency = 0;
        gs->progress_wait.head = gs->progress_wait.n = 0;
        gs->progress_ticket.head = gs->progress_ticket.n = 0;
    }
    m->agency_fte = m->agency_fte_sick = 0;
    m->next_ticket = 0;
    m->next_worker_id = 0;
    m->free_worker = NONE;
    link_free_workers(m, 0);
}

/* ---- hazards ---------------------------------------------------------------- */

static void hazard_start(struct model *m, struct hazard *h, struct rng *r)
{
    h->threshold = -log(rng_uniform(r));
    h->acc = 0;
    h->rate = 0;
    h->since = m->sim.now;
}

/* Set a hazard's rate from now on and move its event to match. */
static void hazard_rate(struct model *m, struct hazard *h, double rate, cal_handle *ev,
                        uint32_t type, uint32_t w)
{
    double now = m->sim.now;
    h->acc += h->rate * (now - h->since);
    h->since = now;
    h->rate = rate;
    if (rate > 0) {
        double t = now + fmax(0.0, h->threshold - h->acc) / rate;
        if (*ev)
            sim_move(&m->sim, *ev, t);
        else
            *ev = sim_at(&m->sim, t, type, w);
    } else {
        sim_cancel(&m->sim, ev);
    }
}

static double pressure(double load, double ref, double gain)
{
    return ref > 0 && load > ref ? 1.0 + gain * (load / ref - 1.0) : 1.0;
}

/* The load above which w feels pressure: the scenario's reference caseload
 * (per FTE, scaled like caps by the direct-work factor), else w's own cap. */
static double pressure_ref(const struct model *m, const struct worker *w)
{
    double ref = m->pv[m->sc->p_pressure_ref];
    return ref > 0 ? ref * w->fte * m->direct_factor : w->cap;
}

static void set_rates(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    const struct grade_spec *gs = &m->sc->grade[w->grade];
    double sup = gs->holds_cases ? m->sup_mult : 1.0;
    double leave = m->pv[gs->p_turnover] / SCENARIO_DAYS_PER_YEAR * w->press_leave * sup
                   * (w->agency ? 1.0 : market_leave_factor(m, w->grade));
    hazard_rate(m, &w->leave, leave, &w->ev_leave, EV_LEAVE, wi);
    if (w->status == W_AT_WORK) {
        double sick = m->pv[m->sc->p_sick_rate] / SCENARIO_DAYS_PER_YEAR * w->fte * w->press_sick * sup;
        hazard_rate(m, &w->sick, sick, &w->ev_sick, EV_SICK_START, wi);
    }
}

static double effective_cap(const struct model *m, const struct worker *w)
{
    return m->pv[m->sc->grade[w->grade].p_cap] * w->fte * m->direct_factor;
}

void workforce_load_changed(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    if (w->status == W_FREE)
        return;
    alloc_update(m, wi);
    double ref = pressure_ref(m, w);
    double ps = pressure(w->load, ref, m->pv[m->sc->p_gain_sick]);
    double pl = pressure(w->load, ref, m->pv[m->sc->p_gain_turnover]);
    if (ps != w->press_sick || pl != w->press_leave) {
        w->press_sick = ps;
        w->press_leave = pl;
        set_rates(m, wi);
    }
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
    }
}

uint32_t workforce_hire(struct model *m, uint32_t g, uint32_t p, double fte, bool agency, uint64_t key)
{
    if (m->free_worker == NONE) {
        size_t old = m->n_worker_slots;
        CHECK(old < NONE / 2);
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
    w->first_case = NONE;
    w->press_sick = w->press_leave = 1.0;
    w->cap = effective_cap(m, w);
    w->slot = m->sc->grade[g].holds_cases ? maxtree_insert(&m->g[g].tree, wi) : NONE;
    hazard_start(m, &w->leave, &w->rng_leave);
    hazard_start(m, &w->sick, &w->rng_sick);
    count_in(m, w, +1);
    alloc_update(m, wi);
    set_rates(m, wi);
    return wi;
}

void workforce_release(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    CHECK(w->status != W_FREE);
    sim_cancel(&m->sim, &w->ev_leave);
    sim_cancel(&m->sim, &w->ev_sick);
    sim_cancel(&m->sim, &w->ev_realloc);
    sim_cancel(&m->sim, &w->ev_progress);
    count_in(m, w, -1);
    w->status = W_FREE;
    while (w->first_case != NONE)
        pathway_requeue(m, w->first_case, true);
    if (w->slot != NONE)
        maxtree_remove(&m->g[w->grade].tree, w->slot);
    w->slot = NONE;
    w->next_free = m->free_worker;
    m->free_worker = wi;
}

void workforce_change_grade(struct model *m, uint32_t wi, uint32_t g)
{
    struct worker *w = &m->w[wi];
    count_in(m, w, -1);
    if (w->slot != NONE)
        maxtree_remove(&m->g[w->grade].tree, w->slot);
    w->grade = g;
    w->slot = m->sc->grade[g].holds_cases ? maxtree_insert(&m->g[g].tree, wi) : NONE;
    w->cap = effective_cap(m, w);
    count_in(m, w, +1);
    for (uint32_t c = w->first_case; c != NONE;) {
        uint32_t next = m->cases[c].next;
        if (!m->sc->stage[m->cases[c].stage].eligible[g])
            pathway_requeue(m, c, true);
        c = next;
    }
    workforce_load_changed(m, wi);
    set_rates(m, wi);
}

void workforce_set_fte(struct model *m, uint32_t wi, double fte)
{
    struct worker *w = &m->w[wi];
    count_in(m, w, -1);
    w->fte = fte;
    w->cap = effective_cap(m, w);
    count_in(m, w, +1);
    workforce_load_changed(m, wi);
    set_rates(m, wi);
}

void workforce_rates_refresh(struct model *m)
{
    for (size_t wi = 0; wi < m->n_worker_slots; wi++)
        if (m->w[wi].status != W_FREE)
            set_rates(m, (uint32_t)wi);
}

void workforce_refresh(struct model *m)
{
    for (size_t wi = 0; wi < m->n_worker_slots; wi++) {
        struct worker *w = &m->w[wi];
        if (w->status == W_FREE)
            continue;
        w->cap = effective_cap(m, w);
        /* weights may have changed: recompute the load from the cases */
        double load = 0;
        for (uint32_t c = w->first_case; c != NONE; c = m->cases[c].next)
            load += m->pv[m->sc->stage[m->cases[c].stage].p_weight];
        w->load = load;
        alloc_update(m, (uint32_t)wi);
        double ref = pressure_ref(m, w);
        w->press_sick = pressure(w->load, ref, m->pv[m->sc->p_gain_sick]);
        w->press_leave = pressure(w->load, ref, m->pv[m->sc->p_gain_turnover]);
        set_rates(m, (uint32_t)wi);
    }
}

/* ---- sickness --------------------------------------------------------------- */

void workforce_sick_start(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    w->ev_sick = 0;
    CHECK(w->status == W_AT_WORK);
    /* the hazard is spent: stop it (a new threshold is drawn on return) */
    w->sick.rate = 0;
    count_in(m, w, -1);
    w->status = W_SICK;
    count_in(m, w, +1);
    alloc_update(m, wi);
    pathway_pause_all(m, wi);
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
void workforce_settle(struct model *m)
{
    double q = m->pv[m->sc->p_sick_long_share];
    double s = m->pv[m->sc->p_sick_short_mean], L = m->pv[m->sc->p_sick_long_mean];
    double off_mean = (1 - q) * s + q * L;
    double after = m->pv[m->sc->p_realloc_after];
    for (size_t wi = 0; wi < m->n_worker_slots; wi++) {
        struct worker *w = &m->w[wi];
        if (w->status != W_AT_WORK)
            continue;
        double lambda_off = w->sick.rate * off_mean;   /* E[off] / E[on] */
        double p_off = lambda_off / (1 + lambda_off);
        if (!(rng_uniform(&w->rng_sick) < p_off))
            continue;
        bool long_term = rng_uniform(&w->rng_sick) * off_mean < q * L;
        double mean = long_term ? L : s;
        double residual = rng_exponential(&w->rng_sick, mean);
        double age = rng_exponential(&w->rng_sick, mean);
        sim_cancel(&m->sim, &w->ev_sick);
        w->sick.rate = 0;   /* a new threshold is drawn on return */
        count_in(m, w, -1);
        w->status = age >= after ? W_SICK_LONG : W_SICK;
        count_in(m, w, +1);
        alloc_update(m, (uint32_t)wi);
        pathway_pause_all(m, (uint32_t)wi);
        w->ev_sick = sim_at(&m->sim, m->sim.now + residual, EV_SICK_END, (uint32_t)wi);
        if (w->status == W_SICK && age + residual > after)
            w->ev_realloc = sim_at(&m->sim, m->sim.now + after - age, EV_REALLOCATE, (uint32_t)wi);
        if (w->status == W_SICK_LONG) {
            while (w->first_case != NONE)
                pathway_requeue(m, w->first_case, true);
            staffing_long_sick(m, (uint32_t)wi);
        }
    }
    costs_update_rates(m);
}

void workforce_reallocate(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    w->ev_realloc = 0;
    CHECK(w->status == W_SICK);
    w->status = W_SICK_LONG;
    while (w->first_case != NONE)
        pathway_requeue(m, w->first_case, true);
    staffing_long_sick(m, wi);
}

void workforce_sick_end(struct model *m, uint32_t wi)
{
    struct worker *w = &m->w[wi];
    w->ev_sick = 0;
    sim_cancel(&m->sim, &w->ev_realloc);
    bool was_long = w->status == W_SICK_LONG;
    count_in(m, w, -1);
    w->status = W_AT_WORK;
    count_in(m, w, +1);
    pathway_resume_all(m, wi);
    hazard_start(m, &w->sick, &w->rng_sick);
    alloc_update(m, wi);
    set_rates(m, wi);
    if (was_long)
        staffing_returned(m, wi);
    costs_update_rates(m);
}

double workforce_unsupervised(const struct model *m, double *case_holders_at_work)
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
