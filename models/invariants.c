#include "models/invariants.h"

#include "models/binding.h"
#include "models/market.h"
#include "models/workers.h"
#include "sim/calendar.h"
#include "sim/check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The walk: the model, what to check, where to write, and marks of what has
 * been met (a case in a queue, in a worker's list; a post in a grade's
 * list, in the cover wait), so that "exactly once" is checked both ways. */
struct walk {
    const struct model *m;
    unsigned laws;
    char *buf;
    size_t size;
    unsigned char *case_seen;  /* SEEN_QUEUE | SEEN_LIST per case slot */
    unsigned char *post_seen;  /* SEEN_GRADE | SEEN_WAIT per post */
    size_t *per_stage;         /* scratch: 2 x n_stages */
};

enum { SEEN_QUEUE = 1, SEEN_LIST = 2, SEEN_GRADE = 1, SEEN_WAIT = 2 };

static const char *broken(const struct walk *wk, int line, const char *fmt, ...)
{
    int n = snprintf(wk->buf, wk->size, "%s:%d: day %.17g: invariant broken: ", __FILE__, line,
                     wk->m->sim.now);
    if (n < 0 || (size_t)n >= wk->size)
        return wk->buf;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(wk->buf + n, wk->size - (size_t)n, fmt, ap);
    va_end(ap);
    return wk->buf;
}

/* Describe the broken invariant and return it from the enclosing walk. */
#define BROKEN(...) return broken(wk, __LINE__, __VA_ARGS__)
/* Run a part of the walk; return what it found broken. */
#define WALK(call)                                                           \
    do {                                                                     \
        const char *why_ = (call);                                           \
        if (why_)                                                            \
            return why_;                                                     \
    } while (0)

static bool near(double x, double want)
{
    return fabs(x - want) <= INVARIANTS_SUM_TOL * (1.0 + fabs(want));
}

static double weight_of(const struct model *m, int32_t s) { return m->pv[m->sc->stage[s].p_weight]; }

/* A handle held by entity `kind subject` (e.g. "worker 12"): 0, or a
 * pending event of type t1 or t2 on subject. The event into *ev when ev is
 * not NULL. */
static const char *check_handle(const struct walk *wk, cal_handle h, uint32_t t1, uint32_t t2,
                                uint32_t subject, const char *kind, const char *what, struct cal_event *ev)
{
    struct cal_event e;
    if (!h)
        return NULL;
    if (!calendar_event(wk->m->sim.cal, h, &e))
        BROKEN("%s %u: its %s handle names no pending event (stale or cancelled)", kind, subject, what);
    if ((e.type != t1 && e.type != t2) || e.subject != subject)
        BROKEN("%s %u: its %s handle names event type %u on subject %u, not type %u on %u", kind, subject,
               what, e.type, e.subject, t1, subject);
    if (ev)
        *ev = e;
    return NULL;
}

/* ---- cases ------------------------------------------------------------------ */

static const char *walk_cases(struct walk *wk)
{
    const struct model *m = wk->m;
    const struct scenario *sc = m->sc;
    size_t n_st = sc->n_stages;
    size_t *queued = wk->per_stage, *open = wk->per_stage + n_st;
    size_t n_free = 0;
    if (m->case_top > m->n_case_slots)
        BROKEN("%zu case slots in use, %zu in the pool", m->case_top, m->n_case_slots);
    for (uint32_t c = 0; c < m->case_top; c++) {
        const struct case_rec *cr = &m->cases[c];
        switch ((enum case_state)cr->state) {
        case CASE_FREE:
            n_free++;
            continue;
        case CASE_REREFERRAL:
            if (cr->stage != -1 || cr->worker != MODEL_NONE || cr->done)
                BROKEN("case %u awaits re-referral but has stage %d, worker %u or a clock", c, cr->stage,
                       cr->worker);
            continue;
        case CASE_QUEUED:
        case CASE_ALLOCATED: break;
        default: BROKEN("case %u: state %u is none of free, queued, allocated, re-referral", c, cr->state);
        }
        if (cr->stage < 0 || (size_t)cr->stage >= n_st)
            BROKEN("case %u is open but in stage %d of %zu", c, cr->stage, n_st);
        open[cr->stage]++;
        if (cr->state == CASE_QUEUED) {
            queued[cr->stage]++;
            if (cr->worker != MODEL_NONE || cr->done)
                BROKEN("case %u is queued but has worker %u or a running clock", c, cr->worker);
            continue;
        }
        if (cr->worker >= m->n_worker_slots || m->w[cr->worker].status == W_FREE)
            BROKEN("case %u is allocated to worker %u, who is not on the staff", c, cr->worker);
        const struct worker *w = &m->w[cr->worker];
        if (w->grade >= sc->n_grades)
            BROKEN("case %u: its worker %u has grade %u of %zu", c, cr->worker, w->grade, sc->n_grades);
        if (!binding_eligible(m, (size_t)cr->stage, w->grade))
            BROKEN("case %u in stage %s is held by worker %u of grade %s, which may not hold it", c,
                   sc->stage[cr->stage].name, cr->worker, sc->grade[w->grade].name);
        /* its clock runs while its worker is at work, and while it is off
         * with a known return, set for the return plus its work left */
        bool off = w->status != W_AT_WORK;
        if (w->clocks_off != off)
            BROKEN("case %u: its worker %u has status %u but its cases' clocks are %s", c, cr->worker,
                   w->status, w->clocks_off ? "off" : "on");
        if (!off || !isnan(w->back_at)) {
            struct cal_event ev;
            if (!cr->done)
                BROKEN("case %u: its worker %u is %s but its clock is stopped", c, cr->worker,
                       off ? "back on a known day" : "at work");
            WALK(check_handle(wk, cr->done, EV_CASE_DONE, EV_CASE_DONE, c, "case", "end-of-stage", &ev));
            if (ev.time != cr->due)
                BROKEN("case %u: its stage ends on day %.17g but is due on day %.17g", c, ev.time, cr->due);
            if (off && !(cr->remaining >= 0 && cr->due == w->back_at + cr->remaining))
                BROKEN("case %u: due on day %.17g, not its worker %u's return on day %.17g plus its "
                       "%.17g days of work left", c, cr->due, cr->worker, w->back_at, cr->remaining);
        } else if (cr->done) {
            BROKEN("case %u: its worker %u is off (status %u) with no known return but its clock runs", c,
                   cr->worker, w->status);
        }
    }
    size_t chain = 0;
    for (uint32_t c = m->free_case; c != MODEL_NONE; c = m->cases[c].next) {
        if (c >= m->case_top || chain >= n_free)
            BROKEN("the free list of cases runs past the %zu free slots (at case %u)", n_free, c);
        if (m->cases[c].state != CASE_FREE)
            BROKEN("case %u is on the free list but in state %u", c, m->cases[c].state);
        chain++;
    }
    if (chain != n_free)
        BROKEN("%zu cases are free but %zu on the free list", n_free, chain);

    size_t total_queued = 0, total_open = 0;
    for (size_t s = 0; s < n_st; s++) {
        const struct queue *q = &m->queue[s];
        const char *name = sc->stage[s].name;
        if (q->n > q->cap || (q->cap & (q->cap - 1)) || (q->cap && q->head >= q->cap))
            BROKEN("stage %s: queue of %zu with head %zu and room %zu", name, q->n, q->head, q->cap);
        if (queued[s] != q->n || m->queued_in_stage[s] != q->n)
            BROKEN("stage %s: %zu cases queued, %zu in its queue, %zu counted", name, queued[s], q->n,
                   m->queued_in_stage[s]);
        if (open[s] != m->open_in_stage[s])
            BROKEN("stage %s: %zu cases open in it, %zu counted", name, open[s], m->open_in_stage[s]);
        double last = -HUGE_VAL;
        for (size_t i = 0; i < q->n; i++) {
            uint32_t c = q->buf[(q->head + i) & (q->cap - 1)];
            if (c >= m->case_top || m->cases[c].state != CASE_QUEUED || m->cases[c].stage != (int32_t)s)
                BROKEN("stage %s: queue entry %zu is case %u, not a case queued in the stage", name, i, c);
            if (wk->case_seen[c] & SEEN_QUEUE)
                BROKEN("stage %s: case %u is in the queue twice", name, c);
            wk->case_seen[c] |= SEEN_QUEUE;
            const struct case_rec *cr = &m->cases[c];
            if (cr->queued_at < last || cr->queued_at > m->sim.now)
                BROKEN("stage %s: case %u joined the queue on day %.17g, out of order", name, c,
                       cr->queued_at);
            last = cr->queued_at;
        }
        total_queued += q->n;
        total_open += open[s];
    }
    if (total_queued != m->n_queued)
        BROKEN("%zu cases queued, %zu counted unallocated", total_queued, m->n_queued);
    if (total_open != m->open_cases)
        BROKEN("%zu cases open, %zu counted open", total_open, m->open_cases);
    return NULL;
}

/* ---- workers ---------------------------------------------------------------- */

static const char *walk_worker(struct walk *wk, uint32_t wi, size_t *ready)
{
    const struct model *m = wk->m;
    const struct scenario *sc = m->sc;
    const struct worker *w = &m->w[wi];
    if (w->status > W_SICK_LONG)
        BROKEN("worker %u: status %u is none of the four", wi, w->status);
    if (w->grade >= sc->n_grades)
        BROKEN("worker %u: grade %u of %zu", wi, w->grade, sc->n_grades);
    const struct grade_spec *gs = &sc->grade[w->grade];
    if (w->agency != gs->agency)
        BROKEN("worker %u (grade %s): agency %d in a grade with agency %d",
               wi, gs->name, w->agency, gs->agency);
    if (!(w->fte > 0) || !isfinite(w->fte))
        BROKEN("worker %u (grade %s): FTE %.17g", wi, gs->name, w->fte);
    if (w->post >= m->n_posts)
        BROKEN("worker %u (grade %s): post %u of %zu", wi, gs->name, w->post, m->n_posts);
    const struct post *po = &m->post[w->post];
    if (w->agency ? po->cover != wi : po->holder != wi)
        BROKEN("worker %u (grade %s): its post %u names %s %u",
               wi, gs->name, w->post, w->agency ? "cover" : "holder",
               w->agency ? po->cover : po->holder);
    if (!w->agency && po->grade != w->grade)
        BROKEN("worker %u (grade %s): holds post %u of grade %u", wi, gs->name, w->post, po->grade);
    double cap = m->pv[gs->p_cap] * w->fte * m->direct_factor;
    if (!near(w->cap, cap))
        BROKEN("worker %u (grade %s): cap %.17g, grade cap x FTE x direct-work factor = %.17g",
               wi, gs->name, w->cap, cap);

    /* its cases */
    size_t n = 0;
    double load = 0;
    uint32_t prev = MODEL_NONE;
    for (uint32_t c = w->first_case; c != MODEL_NONE; c = m->cases[c].next) {
        if (c >= m->case_top || n >= w->n_cases)
            BROKEN("worker %u (grade %s): its list of cases runs past its %u cases (at case %u)",
                   wi, gs->name, w->n_cases, c);
        const struct case_rec *cr = &m->cases[c];
        if (cr->state != CASE_ALLOCATED || cr->worker != wi)
            BROKEN("worker %u (grade %s): case %u is in its list but has state %u and worker %u",
                   wi, gs->name, c, cr->state,
                   cr->worker);
        if (cr->prev != prev)
            BROKEN("worker %u (grade %s): case %u's back link is %u, not %u",
                   wi, gs->name, c, cr->prev, prev);
        if (wk->case_seen[c] & SEEN_LIST)
            BROKEN("worker %u (grade %s): case %u is in a worker's list twice", wi, gs->name, c);
        wk->case_seen[c] |= SEEN_LIST;
        load += weight_of(m, cr->stage);
        prev = c;
        n++;
    }
    if (n != w->n_cases)
        BROKEN("worker %u (grade %s): %zu cases in its list, %u counted", wi, gs->name, n, w->n_cases);
    if (!near(w->load, load) || w->load < 0)
        BROKEN("worker %u (grade %s): load %.17g, its cases weigh %.17g", wi, gs->name, w->load, load);
    if (w->status == W_SICK_LONG && n > 0)
        BROKEN("worker %u (grade %s): off long-term sick with %zu cases", wi, gs->name, n);

    /* its leaf in the grade's max-tree */
    if (gs->holds_cases) {
        const struct maxtree *t = &m->g[w->grade].tree;
        if (w->slot >= t->cap || t->item[w->slot] != wi)
            BROKEN("worker %u (grade %s): its tree leaf %u does not name it", wi, gs->name, w->slot);
        struct maxnode leaf = maxtree_leaf(t, w->slot);
        if (w->status == W_AT_WORK) {
            if (!near(leaf.a, w->cap - w->load)
                || !near(leaf.b, m->overload_factor * w->cap - w->load))
                BROKEN("worker %u (grade %s): tree leaf (%.17g, %.17g), spare capacity (%.17g, %.17g)",
                       wi, gs->name, leaf.a,
                       leaf.b, w->cap - w->load, m->overload_factor * w->cap - w->load);
        } else if (leaf.a != -HUGE_VAL || leaf.b != -HUGE_VAL) {
            BROKEN("worker %u (grade %s): off (status %u) but its tree leaf offers (%.17g, %.17g)",
                   wi, gs->name, w->status, leaf.a,
                   leaf.b);
        }
    } else if (w->slot != MODEL_NONE) {
        BROKEN("worker %u (grade %s): a tree leaf %u in a grade that holds no cases", wi, gs->name, w->slot);
    }

    /* its events */
    WALK(check_handle(wk, w->ev_leave, EV_LEAVE, EV_LEAVE, wi, "worker", "leaving", NULL));
    if (w->status == W_AT_WORK) {
        WALK(check_handle(wk, w->ev_sick, EV_SICK_START, EV_SICK_START, wi, "worker", "sickness", NULL));
    } else {
        if (!w->ev_sick)
            BROKEN("worker %u (grade %s): off sick with no return scheduled", wi, gs->name);
        struct cal_event ev;
        WALK(check_handle(wk, w->ev_sick, EV_SICK_END, EV_SICK_END, wi, "worker", "return", &ev));
        /* its cases' clocks are set for its return when it will be back with them */
        if (!isnan(w->back_at) && (w->ev_realloc || ev.time != w->back_at))
            BROKEN("worker %u (grade %s): its cases' clocks are set for day %.17g, but it returns on day "
                   "%.17g%s", wi, gs->name, w->back_at, ev.time, w->ev_realloc ? " after a reallocation" : "");
        if (isnan(w->back_at) && !w->ev_realloc && w->n_cases > 0)
            BROKEN("worker %u (grade %s): off with %u cases, no reallocation pending and no day of return "
                   "for their clocks", wi, gs->name, w->n_cases);
    }
    if (w->ev_realloc && w->status != W_SICK)
        BROKEN("worker %u (grade %s): a reallocation pending while not off sick short-term (status %u)",
               wi, gs->name, w->status);
    WALK(check_handle(wk, w->ev_realloc, EV_REALLOCATE, EV_REALLOCATE, wi, "worker", "reallocation", NULL));
    if (w->ev_progress && gs->becomes < 0)
        BROKEN("worker %u (grade %s): progression pending in a grade that progresses to none", wi, gs->name);
    WALK(check_handle(wk, w->ev_progress, EV_PROGRESS, EV_PROGRESS, wi, "worker", "progression", NULL));
    if (w->ready) {
        if (gs->becomes < 0 || w->ev_progress || w->ticket >= m->next_ticket)
            BROKEN("worker %u (grade %s): ready to progress, but to grade %d, with progression "
                   "pending or ticket %u of %u",
                   wi, gs->name, gs->becomes, w->ticket, m->next_ticket);
        (*ready)++;
    }
    /* thinning (hazard.h): a candidate pending while a bound is set, each
     * rate under its bound, the load under the load the bounds hold to */
    double leave = workers_leave_rate(m, wi), sick = workers_sick_rate(m, wi);
    bool sick_on = w->status == W_AT_WORK && w->sick.bound > 0;
    if (!(leave >= 0 && leave <= w->leave.bound) || !(sick >= 0 && sick <= w->sick.bound)
        || !(w->load <= w->load_bound))
        BROKEN("worker %u (grade %s): hazard rates %.17g (leaving), %.17g (sickness) over their bounds "
               "%.17g, %.17g, or load %.17g over %.17g",
               wi, gs->name, leave, sick, w->leave.bound, w->sick.bound, w->load, w->load_bound);
    if ((w->leave.bound > 0) != (w->ev_leave != 0)
        || (w->status == W_AT_WORK && sick_on != (w->ev_sick != 0)))
        BROKEN("worker %u (grade %s): hazard bounds %.17g (leaving), %.17g (sickness) without a candidate "
               "pending, or a candidate with none", wi, gs->name, w->leave.bound, w->sick.bound);
    return NULL;
}

static const char *walk_workers(struct walk *wk)
{
    const struct model *m = wk->m;
    const struct scenario *sc = m->sc;
    size_t n_free = 0, ready = 0;
    double *in_post = check_calloc(2 * sc->n_grades, sizeof *in_post), *sick = in_post + sc->n_grades;
    double agency = 0, agency_sick = 0;
    const char *why = NULL;
    for (uint32_t wi = 0; wi < m->n_worker_slots && !why; wi++) {
        const struct worker *w = &m->w[wi];
        if (w->status == W_FREE) {
            n_free++;
            continue;
        }
        if ((why = walk_worker(wk, wi, &ready)))
            break;
        bool off = w->status == W_SICK || w->status == W_SICK_LONG;
        if (w->agency) {
            agency += w->fte;
            agency_sick += off ? w->fte : 0;
        } else {
            in_post[w->grade] += w->fte;
            sick[w->grade] += off ? w->fte : 0;
        }
    }
    for (size_t g = 0; g < sc->n_grades && !why; g++) {
        const struct grade_state *gs = &m->g[g];
        if (!near(gs->fte_in_post, in_post[g]) || !near(gs->fte_sick, sick[g]))
            why = broken(wk, __LINE__,
                         "grade %s: FTE in post %.17g and sick %.17g, its workers %.17g and %.17g",
                         sc->grade[g].name, gs->fte_in_post, gs->fte_sick, in_post[g], sick[g]);
        else if (gs->fte_sick > gs->fte_in_post + INVARIANTS_SUM_TOL * (1 + gs->fte_in_post))
            why = broken(wk, __LINE__, "grade %s: %.17g FTE sick of %.17g in post", sc->grade[g].name,
                         gs->fte_sick, gs->fte_in_post);
    }
    free(in_post);
    if (why)
        return why;
    if (!near(m->agency_fte, agency) || !near(m->agency_fte_sick, agency_sick))
        BROKEN("agency FTE %.17g and sick %.17g, the agency workers %.17g and %.17g", m->agency_fte,
               m->agency_fte_sick, agency, agency_sick);
    /* the sums over grades kept for metrics_advance: exactly the sums in
     * grade order (the same additions, so the same rounding) */
    double all_in_post = 0, all_sick = 0;
    for (size_t g = 0; g < sc->n_grades; g++) {
        all_in_post += m->g[g].fte_in_post;
        all_sick += m->g[g].fte_sick;
    }
    if (m->fte_in_post_all != all_in_post || m->fte_sick_all != all_sick)
        BROKEN("FTE in post %.17g and sick %.17g over all grades, the grades' sums %.17g and %.17g",
               m->fte_in_post_all, m->fte_sick_all, all_in_post, all_sick);

    size_t chain = 0;
    for (uint32_t wi = m->free_worker; wi != MODEL_NONE; wi = m->w[wi].next_free) {
        if (wi >= m->n_worker_slots || chain >= n_free)
            BROKEN("the free list of workers runs past the %zu free slots (at worker %u)", n_free, wi);
        if (m->w[wi].status != W_FREE)
            BROKEN("worker %u is on the free list but on the staff", wi);
        chain++;
    }
    if (chain != n_free)
        BROKEN("%zu worker slots are free but %zu on the free list", n_free, chain);

    /* Each ready worker has its entry (its own ticket) in the wait of the
     * grade it progresses to; entries of workers gone since are allowed. */
    size_t matched = 0;
    for (size_t g = 0; g < sc->n_grades; g++) {
        const struct queue *q = &m->g[g].progress_wait, *t = &m->g[g].progress_ticket;
        if (q->n != t->n)
            BROKEN("grade %s: %zu waiting to progress into it, %zu tickets", sc->grade[g].name, q->n, t->n);
        for (size_t i = 0; i < q->n; i++) {
            uint32_t wi = q->buf[(q->head + i) & (q->cap - 1)];
            uint32_t ticket = t->buf[(t->head + i) & (t->cap - 1)];
            if (wi >= m->n_worker_slots)
                BROKEN("grade %s: progression wait entry %zu names worker %u", sc->grade[g].name, i, wi);
            const struct worker *w = &m->w[wi];
            if (w->status == W_FREE || !w->ready || w->ticket != ticket)
                continue;
            if (sc->grade[w->grade].becomes != (int)g)
                BROKEN("grade %s: worker %u of grade %s waits to progress into it", sc->grade[g].name, wi,
                       sc->grade[w->grade].name);
            matched++;
        }
    }
    if (matched != ready)
        BROKEN("%zu workers ready to progress, %zu entries for them in the waits", ready, matched);
    return NULL;
}

/* After both walks: every queued case was in its queue, every allocated one
 * in its worker's list. */
static const char *walk_case_marks(struct walk *wk)
{
    const struct model *m = wk->m;
    for (uint32_t c = 0; c < m->case_top; c++) {
        uint8_t st = m->cases[c].state;
        if (st == CASE_QUEUED && !(wk->case_seen[c] & SEEN_QUEUE))
            BROKEN("case %u is queued in stage %d but not in its queue", c, m->cases[c].stage);
        if (st == CASE_ALLOCATED && !(wk->case_seen[c] & SEEN_LIST))
            BROKEN("case %u is allocated to worker %u but not in its list", c, m->cases[c].worker);
    }
    return NULL;
}

/* ---- posts and trees --------------------------------------------------------- */

static const char *walk_grades(struct walk *wk)
{
    const struct model *m = wk->m;
    const struct scenario *sc = m->sc;
    size_t listed = 0;
    for (size_t g = 0; g < sc->n_grades; g++) {
        const struct grade_state *gs = &m->g[g];
        const struct grade_spec *spec = &sc->grade[g];
        size_t at;
        const char *what = maxtree_check(&gs->tree, &at);
        if (what)
            BROKEN("grade %s: max-tree: %s (at %zu)", spec->name, what, at);
        if (!spec->holds_cases && gs->tree.used)
            BROKEN("grade %s holds no cases but has %zu tree leaves", spec->name, gs->tree.used);
        for (uint32_t i = 0; i < gs->tree.cap; i++) {
            uint32_t wi = gs->tree.item[i];
            if (wi != MODEL_NONE && (wi >= m->n_worker_slots || m->w[wi].status == W_FREE
                               || m->w[wi].grade != g || m->w[wi].slot != i))
                BROKEN("grade %s: tree leaf %u names worker %u, whose leaf it is not", spec->name, i, wi);
        }
        if (spec->agency && gs->n_posts)
            BROKEN("agency grade %s has %zu posts", spec->name, gs->n_posts);
        double in_post = 0, vacant = 0;
        for (size_t i = 0; i < gs->n_posts; i++) {
            uint32_t p = gs->posts[i];
            if (p >= m->n_posts || m->post[p].grade != g)
                BROKEN("grade %s: its post %zu is post %u of another grade or none", spec->name, i, p);
            if (wk->post_seen[p] & SEEN_GRADE)
                BROKEN("grade %s: post %u is listed twice", spec->name, p);
            wk->post_seen[p] |= SEEN_GRADE;
            const struct post *po = &m->post[p];
            if (po->holder >= m->n_worker_slots && po->holder != MODEL_NONE)
                BROKEN("grade %s: post %u's holder is %u of %zu worker slots", spec->name, p, po->holder,
                       m->n_worker_slots);
            if (po->holder != MODEL_NONE) {
                in_post += m->w[po->holder].fte;
                if (!near(po->fte, m->w[po->holder].fte))
                    BROKEN("grade %s: post %u is %.17g FTE, its holder %.17g", spec->name, p, po->fte,
                           m->w[po->holder].fte);
            } else if (po->funded) {
                vacant += po->fte;
            }
        }
        listed += gs->n_posts;
        /* posts.c: FTE in post + vacant FTE = establishment + supernumerary
         * FTE, so vacant FTE = max(0, establishment - FTE in post) */
        double want = fmax(0.0, m->pv[spec->p_establishment] - in_post);
        if ((wk->laws & INVARIANTS_ESTABLISHMENT) && !spec->agency && !near(vacant, want))
            BROKEN("grade %s: %.17g FTE vacant, but establishment %.17g less %.17g FTE in post leaves %.17g",
                   spec->name, vacant, m->pv[spec->p_establishment], in_post, want);
    }
    if (listed != m->n_posts)
        BROKEN("%zu posts in the grades' lists, %zu posts", listed, m->n_posts);
    return NULL;
}

static const char *walk_posts(struct walk *wk)
{
    const struct model *m = wk->m;
    const struct scenario *sc = m->sc;
    size_t waiting = 0;
    for (uint32_t p = 0; p < m->n_posts; p++) {
        const struct post *po = &m->post[p];
        const char *gname = po->grade < sc->n_grades ? sc->grade[po->grade].name : "?";
        if (!(wk->post_seen[p] & SEEN_GRADE))
            BROKEN("post %u (grade %s) is in no grade's list", p, gname);
        if (!(po->fte > 0) || !isfinite(po->fte))
            BROKEN("post %u (grade %s): FTE %.17g", p, gname, po->fte);
        if (po->holder != MODEL_NONE) {
            const struct worker *w = po->holder < m->n_worker_slots ? &m->w[po->holder] : NULL;
            if (!w || w->status == W_FREE || w->agency || w->post != p)
                BROKEN("post %u (grade %s): its holder %u is not a permanent worker holding it",
                       p, gname, po->holder);
        }
        if (po->cover != MODEL_NONE) {
            const struct worker *w = po->cover < m->n_worker_slots ? &m->w[po->cover] : NULL;
            if (!w || w->status == W_FREE || !w->agency || w->post != p)
                BROKEN("post %u (grade %s): its cover %u is not an agency worker covering it",
                       p, gname, po->cover);
        }
        struct cal_event ev;
        WALK(check_handle(wk, po->ev_campaign, EV_CAMPAIGN_START, EV_CAMPAIGN_END, p, "post", "campaign",
             &ev));
        if (po->ev_campaign && ev.type == EV_CAMPAIGN_END && (!po->funded || po->holder != MODEL_NONE))
            BROKEN("post %u (grade %s): a campaign runs but the post is %s",
                   p, gname, po->funded ? "held" : "unfunded");
        WALK(check_handle(wk, po->ev_agency, EV_AGENCY_START, EV_AGENCY_START, p, "post", "agency", NULL));
        waiting += po->waiting_cover;
    }
    const struct queue *q = &m->cover_wait;
    if (q->n != waiting)
        BROKEN("%zu posts marked waiting for cover, %zu in the wait", waiting, q->n);
    for (size_t i = 0; i < q->n; i++) {
        uint32_t p = q->buf[(q->head + i) & (q->cap - 1)];
        if (p >= m->n_posts || !m->post[p].waiting_cover || (wk->post_seen[p] & SEEN_WAIT))
            BROKEN("cover wait entry %zu is post %u: not marked waiting, or twice", i, p);
        wk->post_seen[p] |= SEEN_WAIT;
    }
    if (sc->agency_grade >= 0 && m->agency_fte > m->agency_ceiling + MODEL_FTE_EPS)
        BROKEN("%.17g FTE of agency cover, above the ceiling of %.17g", m->agency_fte, m->agency_ceiling);
    return NULL;
}

/* ---- stocks, tallies, the calendar ------------------------------------------- */

static const char *nonnegative_within(const struct walk *wk, const char *what, const double *x,
                                      const char *const *names, size_t n, double slack)
{
    for (size_t i = 0; i < n; i++)
        if (!(x[i] >= -slack))
            return broken(wk, __LINE__, "%s.%s is %.17g, below zero", what, names[i], x[i]);
    return NULL;
}

static const char *nonnegative(const struct walk *wk, const char *what, const double *x,
                               const char *const *names,
                               size_t n)
{
    return nonnegative_within(wk, what, x, names, n, 0);
}

static const char *walk_stocks(struct walk *wk)
{
    const struct model *m = wk->m;
    static const char *const flows[] = { "referrals", "screened_out", "closed", "reallocations", "starters",
                                         "leavers", "allocations", "wait_sum", "agency_starts" };
    static const char *const integrals[] = { "since", "unallocated", "in_post", "sick", "vacant",
                                             "establishment", "agency" };
    static const char *const cats[] = { "staff", "agency", "recruitment", "training", "interventions" };
    _Static_assert(sizeof(struct flows) == sizeof flows / sizeof *flows * sizeof(double), "flows");
    _Static_assert(sizeof(struct integrals) == sizeof integrals / sizeof *integrals * sizeof(double),
                   "integrals");
    _Static_assert(sizeof cats / sizeof *cats == COST_CATS, "cost categories");
    double f[sizeof flows / sizeof *flows], in[sizeof integrals / sizeof *integrals];
    memcpy(f, &m->flow, sizeof f);
    WALK(nonnegative(wk, "flow", f, flows, sizeof flows / sizeof *flows));
    memcpy(f, &m->flow_total, sizeof f);
    WALK(nonnegative(wk, "flow_total", f, flows, sizeof flows / sizeof *flows));
    /* The stocks' time integrals: agency FTE may lie below zero by rounding
     * (down to -INVARIANTS_SUM_TOL, checked below), and so may its integral,
     * by that much a day at most. */
    double slack = INVARIANTS_SUM_TOL * (m->sim.now > 0 ? m->sim.now : 0);
    memcpy(in, &m->in_period, sizeof in);
    WALK(nonnegative_within(wk, "in_period", in, integrals, sizeof integrals / sizeof *integrals, slack));
    memcpy(in, &m->in_total, sizeof in);
    WALK(nonnegative_within(wk, "in_total", in, integrals, sizeof integrals / sizeof *integrals, slack));
    memcpy(in, &m->in_year, sizeof in);
    WALK(nonnegative_within(wk, "in_year", in, integrals, sizeof integrals / sizeof *integrals, slack));
    WALK(nonnegative(wk, "cost.rate", m->cost.rate, cats, COST_CATS));
    WALK(nonnegative(wk, "cost.period", m->cost.period, cats, COST_CATS));
    WALK(nonnegative(wk, "cost.total", m->cost.total, cats, COST_CATS));
    WALK(nonnegative(wk, "cost.year", m->cost.year, cats, COST_CATS));
    if (!(m->kpi_wait_over >= 0) || !(m->kpi_changes_closed >= 0) || !(m->kpi_cases_closed >= 0))
        BROKEN("KPI tallies below zero: child-days over %.17g, changes %.17g, closed %.17g", m->kpi_wait_over,
               m->kpi_changes_closed, m->kpi_cases_closed);
    if (!(m->agency_fte >= -INVARIANTS_SUM_TOL) || m->agency_fte_sick > m->agency_fte + INVARIANTS_SUM_TOL)
        BROKEN("agency FTE %.17g, of which sick %.17g", m->agency_fte, m->agency_fte_sick);
    return NULL;
}

static const char *walk_calendar(struct walk *wk)
{
    const struct model *m = wk->m;
    const char *why = calendar_check(m->sim.cal, m->sim.now, wk->buf, wk->size);
    if (why) {
        char copy[INVARIANTS_WHY_SIZE];
        snprintf(copy, sizeof copy, "%s", why);
        BROKEN("%s", copy);
    }
    WALK(check_handle(wk, m->ev_arrival, EV_ARRIVAL, EV_ARRIVAL, 0, "demand", "arrival", NULL));
    if (m->market) {
        WALK(check_handle(wk, m->market->ev_pool, EV_POOL, EV_POOL, 0, "market", "pool", NULL));
        WALK(check_handle(wk, m->market->ev_tick, EV_MARKET_TICK, EV_MARKET_TICK, 0, "market", "tick", NULL));
    }
    return NULL;
}

/* ---- allocation -------------------------------------------------------------------- */

/* Nothing placeable is left once dispatch returns, and nothing makes a case
 * placeable without a dispatch following (alloc_due): no stage's head fits
 * the best worker, under the cap or (at an overload priority) the overload
 * cap, of any grade that may hold it. Read off the trees' roots, whose
 * agreement with the workers the walks above checked. */
static const char *walk_allocation(struct walk *wk)
{
    const struct model *m = wk->m;
    const struct scenario *sc = m->sc;
    for (size_t s = 0; s < sc->n_stages; s++) {
        if (m->queue[s].n == 0)
            continue;
        double need = m->pv[sc->stage[s].p_weight] - MODEL_LOAD_EPS;
        bool over = (int)m->pv[sc->stage[s].p_priority] <= m->overload_priority;
        for (uint32_t g = 0; g < sc->n_grades; g++) {
            if (!binding_eligible(m, s, g))
                continue;
            double top = maxtree_top(&m->g[g].tree, false), otop = maxtree_top(&m->g[g].tree, true);
            if (top >= need || (over && otop >= need))
                BROKEN("stage %s: %zu cases wait, but a worker of grade %s has room %.17g (overload %.17g) "
                       "for its %.17g points",
                       sc->stage[s].name, m->queue[s].n, sc->grade[g].name, top, otop, need + MODEL_LOAD_EPS);
        }
    }
    return NULL;
}

/* ---- the labour market ----------------------------------------------------------- */

/* People are conserved between the council, the pool and outside (market.h). */
static const char *walk_market(struct walk *wk)
{
    char why[INVARIANTS_WHY_SIZE];
    if (market_check(wk->m, why, sizeof why))
        BROKEN("%s", why);
    return NULL;
}

/* ---- the interface ------------------------------------------------------------- */

const char *invariants_find(const struct model *m, unsigned laws, char *buf, size_t size)
{
    struct walk wk = {
        .m = m, .laws = laws, .buf = buf, .size = size,
        .case_seen = check_calloc(m->case_top ? m->case_top : 1, 1),
        .post_seen = check_calloc(m->n_posts ? m->n_posts : 1, 1),
        .per_stage = check_calloc(2 * m->sc->n_stages + 1, sizeof(size_t)),
    };
    const char *why = walk_calendar(&wk);
    if (!why)
        why = walk_cases(&wk);
    if (!why)
        why = walk_workers(&wk);
    if (!why)
        why = walk_case_marks(&wk);
    if (!why)
        why = walk_grades(&wk);
    if (!why)
        why = walk_posts(&wk);
    if (!why)
        why = walk_stocks(&wk);
    if (!why)
        why = walk_market(&wk);
    if (!why)
        why = walk_allocation(&wk);
    free(wk.case_seen);
    free(wk.post_seen);
    free(wk.per_stage);
    return why;
}

void invariants_check(const struct model *m, unsigned laws)
{
    char buf[INVARIANTS_WHY_SIZE];
    const char *why = invariants_find(m, laws, buf, sizeof buf);
    if (why) {
        fprintf(stderr, "caseload: internal error: %s\n", why);
        abort();
    }
}

unsigned invariants_laws(const struct model *m)
{
    (void)m;   /* the establishment law holds for every scenario (posts.c) */
    return INVARIANTS_ESTABLISHMENT;
}
