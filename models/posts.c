#include "models/posts.h"

#include "models/binding.h"
#include "models/costs.h"
#include "models/market.h"
#include "models/pathway.h"
#include "models/workers.h"
#include "sim/check.h"

#include <math.h>
#include <stdlib.h>

#define POST_POOL_MIN 256

void posts_create(struct model *m)
{
    m->cap_posts = POST_POOL_MIN;
    m->post = check_calloc(m->cap_posts, sizeof *m->post);
}

void posts_destroy(struct model *m)
{
    free(m->post);
    queue_free(&m->cover_wait);
}

static uint32_t new_post(struct model *m, uint32_t g, double fte, bool funded)
{
    if (m->n_posts == m->cap_posts) {
        m->cap_posts *= 2;
        m->post = check_realloc(m->post, m->cap_posts * sizeof *m->post);
    }
    struct grade_state *gs = &m->g[g];
    if (gs->n_posts == gs->cap_posts) {
        gs->cap_posts = gs->cap_posts ? 2 * gs->cap_posts : 32;
        gs->posts = check_realloc(gs->posts, gs->cap_posts * sizeof *gs->posts);
    }
    uint32_t p = (uint32_t)m->n_posts++;
    struct post *po = &m->post[p];
    *po = (struct post){ 0 };
    m->posts_version++;
    po->key = rng_key(m->rep_key, STREAM_POST, rng_hash_text(m->sc->grade[g].name), gs->n_posts);
    rng_seed(&po->rng_hire, rng_mix(po->key, POST_HIRE));
    po->fte = fte;
    po->grade = g;
    po->holder = po->cover = MODEL_NONE;
    po->funded = funded;
    gs->posts[gs->n_posts++] = p;
    return p;
}

/* Post p is vacant and advertised (funded: a campaign, agency cover) /
 * vacant and dormant. */
static bool advertised(const struct model *m, uint32_t p)
{
    return m->post[p].funded && m->post[p].holder == MODEL_NONE;
}

static bool dormant(const struct model *m, uint32_t p)
{
    return !m->post[p].funded && m->post[p].holder == MODEL_NONE;
}

/* Worker w goes (leaves, or its cover ends): its cases back to the queues,
 * counted as reallocations; the post is the caller's. */
static void dismiss(struct model *m, uint32_t w)
{
    workers_stop(m, w);
    pathway_requeue_all(m, w);
    workers_free(m, w);
}

/* A new permanent worker, keyed by the post's next occupant, takes vacant
 * post p at fte; returns it. The one place a post is filled by hiring
 * (day 0's staff, a successful campaign, a cohort place). */
static uint32_t occupy(struct model *m, uint32_t p, double fte)
{
    struct post *po = &m->post[p];
    CHECK(po->holder == MODEL_NONE);
    uint64_t key = rng_key(po->key, POST_OCCUPANT, po->occupants++, 0);
    uint32_t w = workers_hire(m, po->grade, p, fte, false, key);
    m->post[p].holder = w;
    m->posts_version++;
    return w;
}

/* ---- agency cover ------------------------------------------------------------- */

static bool needs_cover(const struct model *m, uint32_t p)
{
    const struct post *po = &m->post[p];
    if (po->cover != MODEL_NONE || m->sc->agency_grade < 0 || !m->sc->grade[po->grade].holds_cases)
        return false;
    if (po->holder == MODEL_NONE)
        return po->funded && m->pv[m->sc->p_agency_vacancies] != 0;
    return m->w[po->holder].status == W_SICK_LONG && m->pv[m->sc->p_agency_long_sick] != 0;
}

static bool fits_ceiling(const struct model *m, double fte)
{
    return m->agency_fte + fte <= m->agency_ceiling + MODEL_FTE_EPS;
}

static void engage(struct model *m, uint32_t p)
{
    struct post *po = &m->post[p];
    uint64_t key = rng_key(po->key, POST_COVER, po->covers++, 0);
    uint32_t w = workers_hire(m, (uint32_t)m->sc->agency_grade, p, po->fte, true, key);
    po = &m->post[p];
    po->cover = w;
    po->cover_since = m->sim.now;
    m->flow.agency_starts += po->fte;
    costs_update_rates(m);
}

/* Engage cover for waiting posts, first come first served, while the ceiling
 * allows. */
static void serve_wait(struct model *m)
{
    while (m->cover_wait.n > 0) {
        uint32_t p = queue_at(&m->cover_wait, 0);
        if (!needs_cover(m, p)) {
            queue_pop(&m->cover_wait);
            m->post[p].waiting_cover = false;
            continue;
        }
        if (!fits_ceiling(m, m->post[p].fte))
            return;
        queue_pop(&m->cover_wait);
        m->post[p].waiting_cover = false;
        engage(m, p);
    }
}

static void cover_request(struct model *m, uint32_t p, bool at_once)
{
    struct post *po = &m->post[p];
    if (!needs_cover(m, p) || po->ev_agency || po->waiting_cover)
        return;
    if (at_once)
        posts_agency_start(m, p);
    else
        po->ev_agency = sim_after(&m->sim, m->pv[m->sc->p_agency_delay], EV_AGENCY_START, p);
}

void posts_agency_start(struct model *m, uint32_t p)
{
    struct post *po = &m->post[p];
    po->ev_agency = 0;
    if (!needs_cover(m, p))
        return;
    /* with the labour market on, the region may have no one to send: ask
     * again after the delay (at least a day, so a region with none never
     * loops) */
    if (m->market && !market_cover_found(m, po->fte)) {
        double again = fmax(m->pv[m->sc->p_agency_delay], MARKET_REFRESH_DAYS);
        po->ev_agency = sim_after(&m->sim, again, EV_AGENCY_START, p);
        return;
    }
    if (m->cover_wait.n == 0 && fits_ceiling(m, po->fte)) {
        engage(m, p);
    } else {
        po->waiting_cover = true;
        queue_push(&m->cover_wait, p);
    }
}

/* The agency worker covering p leaves; heir (or MODEL_NONE) takes over the cases
 * that its grade may hold and that fit under its cap, unless it is off
 * long-term sick; the rest re-queue. */
static void release_cover(struct model *m, uint32_t p, uint32_t heir)
{
    uint32_t a = m->post[p].cover;
    if (a == MODEL_NONE)
        return;
    m->post[p].cover = MODEL_NONE;
    /* A heir off long-term sick (a worker who progresses while off) takes
     * none: its cases would wait, allocated, until it came back. */
    if (heir != MODEL_NONE && m->w[heir].status != W_SICK_LONG) {
        for (uint32_t c = m->w[a].first_case; c != MODEL_NONE;) {
            uint32_t next = m->cases[c].next;
            size_t s = (size_t)m->cases[c].stage;
            if (binding_fits(m, heir, s, binding_weight(m, s)))
                pathway_transfer(m, c, heir);
            c = next;
        }
    }
    dismiss(m, a);
    costs_update_rates(m);
    serve_wait(m);
}

/* ---- recruitment ---------------------------------------------------------------- */

static void campaign(struct model *m, uint32_t p)
{
    struct post *po = &m->post[p];
    if (po->ev_campaign || (m->pv[m->sc->p_rec_success] <= 0 && !market_recruits(m, po->grade)))
        return;
    costs_lump(m, COST_RECRUITMENT, m->pv[m->sc->p_rec_cost]);
    po->hire_mark = market_mark(m);
    double delay = dist_sample(&m->hire, &po->rng_hire);
    po->ev_campaign = sim_after(&m->sim, delay, EV_CAMPAIGN_END, p);
}

/* When a member of staff who started in grade g at time `from` (days) is
 * due to progress: after_days later, or the calendar anniversary after
 * after_months (the same day of the month, clamped to the month's end: a
 * start on 31 January is a month later on the last day of February; the
 * time of day is kept). */
static double progress_due(const struct model *m, uint32_t g, double from)
{
    const struct grade_spec *gs = &m->sc->grade[g];
    double after = m->pv[gs->p_after];
    if (gs->after_in_days)
        return from + after;
    double day = floor(from);
    struct date d = date_from_days(date_to_days(m->sc->start) + (long)day);
    struct date due = date_add_months(d, (int)after);
    return (double)date_diff(m->sc->start, due) + (from - day);
}

/* Worker w, in its grade since `since`, progresses when due (if its grade
 * progresses). */
static void schedule_progress(struct model *m, uint32_t w, double since)
{
    uint32_t g = m->w[w].grade;
    if (m->sc->grade[g].becomes >= 0)
        m->w[w].ev_progress = sim_at(&m->sim, progress_due(m, g, since), EV_PROGRESS, w);
}

/* A new permanent worker takes post p (vacant). */
static void fill(struct model *m, uint32_t p)
{
    struct post *po = &m->post[p];
    uint32_t g = po->grade;
    sim_cancel(&m->sim, &po->ev_campaign);
    sim_cancel(&m->sim, &po->ev_agency);
    uint32_t w = occupy(m, p, po->fte);
    po = &m->post[p];
    po->holder = w;
    m->posts_version++;
    if (m->trace)
        model_trace(m, (struct trace_event){ .kind = TRACE_VACANCY_FILLED, .subject = p });
    m->flow.starters += po->fte;
    if ((int)g == m->sc->cohort_grade)
        costs_lump(m, COST_TRAINING, m->pv[m->sc->p_training_cost]);
    schedule_progress(m, w, m->sim.now);
    release_cover(m, p, w);
    costs_update_rates(m);
}

static void progress_into(struct model *m, uint32_t w, uint32_t q);

/* ---- posts against the establishment --------------------------------------------
 *
 * The law, for every permanent grade at every instant (between events):
 *
 *     FTE in post + vacant FTE = establishment + supernumerary FTE,
 *     supernumerary FTE = max(0, FTE in post - establishment),
 *
 * so vacant FTE = max(0, establishment - FTE in post). A post's FTE is its
 * holder's; a vacant post is advertised (funded: a campaign, agency cover)
 * or dormant. rebalance() restores the law after anything that changes the
 * establishment or the FTE in post other than a vacancy being filled: it
 * shrinks or lapses advertised vacancies (the last first) when there are
 * too many, and advertises dormant or new posts when there are too few —
 * the post a leaver just left first, at its own FTE (a part-time post is
 * recruited part-time), others whole, the last one fractional. Staff above
 * a cut establishment stay as supernumeraries until enough leave; nobody
 * is recruited while they are. */

static double grade_vacant(const struct model *m, uint32_t g)
{
    const struct grade_state *gs = &m->g[g];
    double v = 0;
    for (size_t i = 0; i < gs->n_posts; i++) {
        const struct post *po = &m->post[gs->posts[i]];
        if (advertised(m, gs->posts[i]))
            v += po->fte;
    }
    return v;
}

/* Vacant post p is now fte; its agency cover, if any, works those hours. */
static void resize(struct model *m, uint32_t p, double fte)
{
    struct post *po = &m->post[p];
    po->fte = fte;
    m->posts_version++;
    if (po->cover != MODEL_NONE && m->w[po->cover].fte != fte) {
        workers_set_fte(m, po->cover, fte);
        costs_update_rates(m);
    }
}

/* Advertised vacancy p is withdrawn: campaign, cover and its request end. */
static void lapse(struct model *m, uint32_t p)
{
    struct post *po = &m->post[p];
    po->funded = false;
    m->posts_version++;
    if (m->trace)
        model_trace(m, (struct trace_event){ .kind = TRACE_VACANCY_CLOSED, .subject = p });
    sim_cancel(&m->sim, &po->ev_campaign);
    sim_cancel(&m->sim, &po->ev_agency);
    release_cover(m, p, MODEL_NONE);
}

/* Post p has just been advertised: staff due to progress into its grade
 * take it first (an entry whose worker has left since, its slot perhaps
 * holding someone else now, is passed); else a campaign and a request for
 * cover (at once on day 0). */
static void advertise(struct model *m, uint32_t p, bool at_once)
{
    struct grade_state *gs = &m->g[m->post[p].grade];
    struct queue *wait = &gs->progress_wait;
    while (wait->n > 0) {
        uint32_t w = queue_pop(wait);
        uint32_t ticket = queue_pop(&gs->progress_ticket);
        if (m->w[w].status != W_FREE && m->w[w].ready && m->w[w].ticket == ticket) {
            progress_into(m, w, p);
            return;
        }
    }
    campaign(m, p);
    cover_request(m, p, at_once);
}

/* Restore the law for grade g; prefer: a dormant post to advertise first
 * (the one just left), or MODEL_NONE. Each step recomputes the state, as
 * advertising may move staff between grades. */
static void rebalance(struct model *m, uint32_t g, uint32_t prefer, bool at_once)
{
    struct grade_state *gs = &m->g[g];
    for (;;) {
        double target = fmax(0.0, m->pv[m->sc->grade[g].p_establishment] - gs->fte_in_post);
        double vacant = grade_vacant(m, g);
        if (vacant > target + MODEL_FTE_EPS) {
            uint32_t p = MODEL_NONE;
            for (size_t i = gs->n_posts; i-- > 0 && p == MODEL_NONE;)
                if (advertised(m, gs->posts[i]))
                    p = gs->posts[i];
            CHECK(p != MODEL_NONE);
            double excess = vacant - target;
            if (m->post[p].fte <= excess + MODEL_FTE_EPS)
                lapse(m, p);
            else
                resize(m, p, m->post[p].fte - excess);
        } else if (vacant < target - MODEL_FTE_EPS) {
            double need = target - vacant, fte = fmin(1.0, need);
            uint32_t p = MODEL_NONE;
            if (prefer != MODEL_NONE && dormant(m, prefer)) {
                p = prefer;
                fte = fmin(m->post[p].fte, need);
            }
            for (size_t i = 0; i < gs->n_posts && p == MODEL_NONE; i++)
                if (dormant(m, gs->posts[i]))
                    p = gs->posts[i];
            if (p == MODEL_NONE)
                p = new_post(m, g, fte, false);
            prefer = MODEL_NONE;
            resize(m, p, fte);
            m->post[p].funded = true;
            m->posts_version++;
            if (m->trace)
                model_trace(m, (struct trace_event){ .kind = TRACE_VACANCY_OPEN, .subject = p, .grade = (int32_t)g });
            advertise(m, p, at_once);
        } else {
            return;
        }
    }
}

void posts_campaign_start(struct model *m, uint32_t p)
{
    m->post[p].ev_campaign = 0;
    if (advertised(m, p))
        campaign(m, p);
}

void posts_campaign_end(struct model *m, uint32_t p)
{
    struct post *po = &m->post[p];
    po->ev_campaign = 0;
    CHECK(advertised(m, p));
    /* with the labour market on, the success follows from the matching
     * rate over the campaign (market.h), with the same draw */
    double u = rng_uniform(&po->rng_hire);
    if (m->market ? market_hires(m, p, u) : u < m->pv[m->sc->p_rec_success])
        fill(m, p);
    else
        po->ev_campaign = sim_after(&m->sim, m->pv[m->sc->p_rec_retry], EV_CAMPAIGN_START, p);
}

/* ---- staff leaving, sickness ----------------------------------------------------- */

void posts_leave(struct model *m, uint32_t w)
{
    struct worker *wk = &m->w[w];
    wk->ev_leave = 0;
    uint32_t p = wk->post;
    bool agency = wk->agency;
    if (!agency)
        m->flow.leavers += wk->fte;
    if (!agency)
        market_leaver(m, w);
    dismiss(m, w);
    struct post *po = &m->post[p];
    if (agency) {
        po->cover = MODEL_NONE;
        serve_wait(m);
        cover_request(m, p, false);
    } else {
        po->holder = MODEL_NONE;
        po->funded = false;
        m->posts_version++;
        rebalance(m, po->grade, p, false);
        po = &m->post[p];
        /* a long-sick leaver's cover now covers the vacancy, if allowed */
        if (po->cover != MODEL_NONE && !(m->pv[m->sc->p_agency_vacancies] != 0 && po->funded))
            release_cover(m, p, MODEL_NONE);
    }
    costs_update_rates(m);
}

void posts_long_sick(struct model *m, uint32_t w)
{
    if (!m->w[w].agency)
        cover_request(m, m->w[w].post, false);
}

void posts_returned(struct model *m, uint32_t w)
{
    if (m->w[w].agency)
        return;
    struct post *po = &m->post[m->w[w].post];
    sim_cancel(&m->sim, &po->ev_agency);
    if (po->cover != MODEL_NONE)
        release_cover(m, m->w[w].post, w);
}

/* ---- progression and cohorts ------------------------------------------------------- */

/* Worker w, due to progress, takes vacant funded post q of its next grade;
 * its old post falls vacant. */
static void progress_into(struct model *m, uint32_t w, uint32_t q)
{
    uint32_t g_old = m->w[w].grade;
    uint32_t g_new = (uint32_t)m->sc->grade[g_old].becomes;
    uint32_t p_old = m->w[w].post;
    sim_cancel(&m->sim, &m->post[q].ev_campaign);
    sim_cancel(&m->sim, &m->post[q].ev_agency);
    m->post[q].holder = w;
    m->post[q].fte = m->w[w].fte;   /* the post takes its holder's hours */
    m->posts_version++;
    if (m->trace)
        model_trace(m, (struct trace_event){ .kind = TRACE_VACANCY_FILLED, .subject = q });
    m->w[w].post = q;
    m->w[w].ready = false;
    workers_change_grade(m, w, g_new);
    pathway_requeue_ineligible(m, w);
    workers_regraded(m, w);
    schedule_progress(m, w, m->sim.now);
    release_cover(m, q, w);

    m->post[p_old].holder = MODEL_NONE;
    m->post[p_old].funded = false;
    m->posts_version++;
    rebalance(m, g_old, p_old, false);
    rebalance(m, g_new, MODEL_NONE, false);
    costs_update_rates(m);
}

void posts_progress(struct model *m, uint32_t w)
{
    m->w[w].ev_progress = 0;
    uint32_t g_new = (uint32_t)m->sc->grade[m->w[w].grade].becomes;
    struct grade_state *gs = &m->g[g_new];
    for (size_t i = 0; i < gs->n_posts; i++)
        if (advertised(m, gs->posts[i])) {
            progress_into(m, w, gs->posts[i]);
            return;
        }
    /* no vacancy: stay in post, as now, until one opens (first come first
     * served) */
    m->w[w].ready = true;
    m->w[w].ticket = m->next_ticket++;   /* unique in the model: no other wait's entry matches */
    queue_push(&gs->progress_wait, w);
    queue_push(&gs->progress_ticket, m->w[w].ticket);
}

static double next_cohort_day(const struct model *m, double after)
{
    int month = (int)m->pv[m->sc->p_cohort_month];
    struct date d = m->sc->start;
    d.day = 1;
    d = date_add_months(d, (month - d.month + SCENARIO_MONTHS) % SCENARIO_MONTHS);
    double day = (double)date_diff(m->sc->start, d);
    while (day < after) {
        d = date_add_months(d, SCENARIO_MONTHS);
        day = (double)date_diff(m->sc->start, d);
    }
    return day;
}

void posts_cohort(struct model *m)
{
    uint32_t g = (uint32_t)m->sc->cohort_grade;
    struct grade_state *gs = &m->g[g];
    double places = m->pv[m->sc->p_cohort_size];
    if (m->market) {
        double vacant = 0;
        for (size_t i = 0; i < gs->n_posts; i++)
            vacant += advertised(m, gs->posts[i]);
        places = market_cohort_places(m, places, vacant);
    }
    for (size_t i = 0; i < gs->n_posts && places >= 1; i++) {
        uint32_t p = gs->posts[i];
        if (advertised(m, (uint32_t)p)) {
            fill(m, p);
            places -= 1;
        }
    }
    sim_at(&m->sim, next_cohort_day(m, m->sim.now + 1), EV_COHORT, 0);
}

/* ---- establishment ---------------------------------------------------------------- */

static void apply_ceiling(struct model *m)
{
    double case_holding = 0;
    for (size_t g = 0; g < m->sc->n_grades; g++)
        if (!m->sc->grade[g].agency && m->sc->grade[g].holds_cases)
            case_holding += m->pv[m->sc->grade[g].p_establishment];
    m->agency_ceiling = m->pv[m->sc->p_agency_max_share] * case_holding;
    /* over the ceiling: the most recently engaged cover goes first */
    while (m->agency_fte > m->agency_ceiling + MODEL_FTE_EPS) {
        uint32_t latest = MODEL_NONE;
        for (size_t p = 0; p < m->n_posts; p++)
            if (m->post[p].cover != MODEL_NONE
                && (latest == MODEL_NONE || m->post[p].cover_since >= m->post[latest].cover_since))
                latest = (uint32_t)p;
        if (latest == MODEL_NONE)
            break;
        release_cover(m, latest, MODEL_NONE);
        cover_request(m, latest, false);
    }
}

void posts_refresh(struct model *m)
{
    for (size_t g = 0; g < m->sc->n_grades; g++) {
        if (m->sc->grade[g].agency)
            continue;
        rebalance(m, (uint32_t)g, MODEL_NONE, false);
    }
    apply_ceiling(m);
    serve_wait(m);
    for (size_t p = 0; p < m->n_posts; p++) {
        /* a vacancy left without a campaign while recruitment could not
         * succeed (success 0) is advertised again once it can */
        if (advertised(m, (uint32_t)p))
            campaign(m, (uint32_t)p);
        cover_request(m, (uint32_t)p, false);
    }
    costs_update_rates(m);
}

void posts_start(struct model *m)
{
    m->n_posts = 0;
    m->posts_version++;
    queue_clear(&m->cover_wait);
    for (size_t g = 0; g < m->sc->n_grades; g++) {
        if (m->sc->grade[g].agency)
            continue;
        const struct grade_spec *gs = &m->sc->grade[g];
        /* staff in post: whole posts, the last one part-time */
        double in_post = m->pv[gs->p_in_post];
        for (size_t i = 0; (double)i < in_post - MODEL_FTE_EPS; i++) {
            double fte = in_post - (double)i >= 1.0 ? 1.0 : in_post - (double)i;
            uint32_t p = new_post(m, (uint32_t)g, fte, true);
            uint32_t w = occupy(m, p, fte);
            /* staff part-way through their first year progress at a uniform
             * time within the first span from day 0 */
            if (gs->becomes >= 0) {
                double t = rng_uniform(&m->post[p].rng_hire) * progress_due(m, (uint32_t)g, 0);
                m->w[w].ev_progress = sim_at(&m->sim, t, EV_PROGRESS, w);
            }
        }
    }
    apply_ceiling(m);
    /* the vacancies, with the service's agency cover at the start */
    for (size_t g = 0; g < m->sc->n_grades; g++)
        if (!m->sc->grade[g].agency)
            rebalance(m, (uint32_t)g, MODEL_NONE, true);
    if (m->sc->cohort_grade >= 0)
        sim_at(&m->sim, next_cohort_day(m, 0), EV_COHORT, 0);
    costs_update_rates(m);
}

double posts_vacancies(const struct model *m)
{
    double v = 0;
    for (size_t g = 0; g < m->sc->n_grades; g++) {
        const struct grade_state *gs = &m->g[g];
        for (size_t i = 0; i < gs->n_posts; i++)
            if (advertised(m, gs->posts[i]))
                v += m->post[gs->posts[i]].fte;
    }
    return v;
}

double posts_vacancies_uncovered(const struct model *m)
{
    double v = 0;
    for (size_t g = 0; g < m->sc->n_grades; g++) {
        const struct grade_state *gs = &m->g[g];
        for (size_t i = 0; i < gs->n_posts; i++) {
            const struct post *po = &m->post[gs->posts[i]];
            if (advertised(m, gs->posts[i]) && po->cover == MODEL_NONE)
                v += po->fte;
        }
    }
    return v;
}

double posts_establishment(const struct model *m)
{
    double e = 0;
    for (size_t g = 0; g < m->sc->n_grades; g++)
        if (!m->sc->grade[g].agency)
            e += m->pv[m->sc->grade[g].p_establishment];
    return e;
}

double posts_supernumerary(const struct model *m)
{
    double s = 0;
    for (size_t g = 0; g < m->sc->n_grades; g++)
        if (!m->sc->grade[g].agency)
            s += fmax(0.0, m->g[g].fte_in_post - m->pv[m->sc->grade[g].p_establishment]);
    return s;
}
