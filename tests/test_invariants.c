/* test_invariants.c — the invariant walker (models/invariants.h).
 *
 * The law: after every event of every replication, the model's state is
 * consistent — links both ways, counts equal to what they count, sums equal
 * to what they sum, no negative stock, a well-formed calendar (the list is
 * in invariants.h). This test binary is linked with a replication loop
 * compiled with CASELOAD_CHECK_INVARIANTS (Makefile), so every replication
 * run here walks the invariants after every event and aborts, naming the
 * broken one, if any fails.
 *
 * 1. Every shipped scenario (with its interventions) and every test fixture
 *    runs one replication over its whole horizon with the walker on. The
 *    walk is O(state) per event and a run is O(state) events, so each
 *    scenario runs as a miniature: every stock that sets its size (referrals,
 *    initial cases, establishment, in post, the cohort) divided by SHRINK
 *    and rounded, its structure, rules and interventions untouched.
 * 2. The walker detects what it claims to: a model run part-way, then one
 *    thing at a time corrupted (a worker's load, a case's holder link, a
 *    queue count, a waiting case that fits, a tree leaf, a hazard's bound,
 *    ...) and restored; the core function, invariants_find, must name each
 *    one, and find nothing once it is restored. The aborting wrapper dies
 *    with the description. The labour
 *    market's ledger likewise: a person made or lost is found, and so is a
 *    vacancy count kept as unchanged that a count now contradicts. */
#include "models/allocation.h"
#include "models/invariants.h"
#include "models/market.h"
#include "models/metrics.h"
#include "models/model.h"
#include "models/pathway.h"
#include "models/replication.h"
#include "models/scenario.h"
#include "models/workers.h"
#include "tests/testutil.h"

#include <glob.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define SEED 20261206
/* Miniatures: the shipped councils' sizes divided by SHRINK_SHIPPED (~10
 * to ~35 practitioners instead of ~200 to ~700), the fixtures' (already
 * small, but pressure.cfg has ~120) by SHRINK_FIXTURES. */
#define SHRINK_SHIPPED 20.0
#define SHRINK_FIXTURES 4.0

static bool ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

/* The scenario at path as a miniature (see the opening comment): the whole
 * part of each size divided by shrink and rounded, its fraction kept (so
 * 61.3 FTE in post still leaves a part-time worker). */
static struct scenario *load_miniature(const char *path, double shrink)
{
    static const char *const sizes[] = { ".establishment", ".in_post", ".initial", "referrals_per_year",
                                         "_cohort.size" };
    struct scenario *full = tu_load(path, NULL, 0);
    char **sets = calloc(full->reg.n + 1, sizeof *sets);
    assert_non_null(sets);
    size_t n = 0;
    for (size_t i = 0; i < full->reg.n; i++) {
        const struct param *p = &full->reg.p[i];
        /* cases observed open at the start are listed one by one: kept */
        bool observed = false;
        for (size_t s = 0; s < full->n_stages; s++)
            observed |= full->stage[s].observed && full->stage[s].p_initial == i;
        if (observed)
            continue;
        for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
            if (!ends_with(p->path, sizes[k]) || strncmp(p->path, "interventions", 13) == 0)
                continue;
            char buf[512];
            double frac = p->value - floor(p->value);
            snprintf(buf, sizeof buf, "%s=%.17g", p->path, round((p->value - frac) / shrink) + frac);
            sets[n++] = strdup(buf);
            break;
        }
    }
    scenario_free(full);
    struct scenario *sc = tu_load(path, sets, n);
    for (size_t i = 0; i < n; i++)
        free(sets[i]);
    free(sets);
    return sc;
}

static void test_this_build_walks_after_every_event(void **state)
{
    (void)state;
    assert_true(model_checks_invariants());
}

/* One replication of each scenario matching pattern, the walker on. */
static void run_all(const char *pattern, double shrink)
{
    glob_t g;
    assert_int_equal(glob(pattern, 0, NULL, &g), 0);
    assert_true(g.gl_pathc > 0);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        struct scenario *sc = load_miniature(g.gl_pathv[i], shrink);
        struct tu_reps r;
        tu_reps_run(&r, sc, SEED, 1);
        assert_true(r.rep[0].events > 0);
        tu_reps_free(&r);
        scenario_free(sc);
    }
    globfree(&g);
}

static void test_shipped_scenarios_keep_every_invariant(void **state)
{
    (void)state;
    run_all("scenarios/*.cfg", SHRINK_SHIPPED);
}

static void test_shipped_interventions_keep_every_invariant(void **state)
{
    (void)state;
    run_all("scenarios/interventions/*.cfg", SHRINK_SHIPPED);
}

static void test_fixtures_keep_every_invariant(void **state)
{
    (void)state;
    run_all("tests/scenarios/*.cfg", SHRINK_FIXTURES);
}

/* ---- detection: a model part-way through a run, corrupted ------------------------ */

struct world {
    struct scenario *sc;
    struct result_layout layout;
    struct rep_result out;
    struct model *m;
};

/* A model after a run of scenario path over horizon years: pressure.cfg
 * leaves cases queued and allocated, staff off sick and agency cover. */
static void world_open(struct world *w, const char *path, const char *horizon)
{
    char set[64];
    snprintf(set, sizeof set, "horizon_years=%s", horizon);
    char *sets[] = { set };
    w->sc = tu_load(path, sets, 1);
    metrics_layout(w->sc, &w->layout);
    rep_result_alloc(&w->out, &w->layout);
    w->m = model_create(w->sc);
    assert_non_null(w->m);
    assert_int_equal(model_run(w->m, SEED, 0, &w->layout, &w->out, NULL), 0);
}

static void world_close(struct world *w)
{
    model_destroy(w->m);
    rep_result_free(&w->out);
    result_layout_free(&w->layout);
    scenario_free(w->sc);
}

/* The walker's finding with laws, or NULL. */
static const char *finding(const struct model *m, unsigned laws)
{
    static char buf[INVARIANTS_WHY_SIZE];
    return invariants_find(m, laws, buf, sizeof buf);
}

/* Fail unless the walker finds something naming both fragments. */
static void assert_found(const struct model *m, unsigned laws, const char *a, const char *b)
{
    const char *why = finding(m, laws);
    if (!why)
        fail_msg("nothing found; expected %s ... %s", a, b);
    tu_assert_contains(why, a);
    if (b)
        tu_assert_contains(why, b);
    tu_assert_contains(why, "invariant broken");
}

static void assert_clean(const struct model *m, unsigned laws)
{
    const char *why = finding(m, laws);
    if (why)
        fail_msg("%s", why);
}

/* A worker at work with cases and a tree leaf. */
static uint32_t busy_worker(const struct model *m)
{
    for (uint32_t wi = 0; wi < m->n_worker_slots; wi++) {
        const struct worker *w = &m->w[wi];
        if (w->status == W_AT_WORK && w->n_cases >= 2 && w->slot != MODEL_NONE)
            return wi;
    }
    fail_msg("no busy worker");
    return MODEL_NONE;
}

static char *text(const char *fmt, ...)
{
    static char buf[4][128];
    static int k;
    va_list ap;
    va_start(ap, fmt);
    char *b = buf[k++ & 3];
    vsnprintf(b, sizeof buf[0], fmt, ap);
    va_end(ap);
    return b;
}

static void test_walker_finds_each_corruption(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "tests/scenarios/pressure.cfg", "0.5");
    struct model *m = w.m;
    assert_clean(m, 0);

    uint32_t wi = busy_worker(m);
    struct worker *wk = &m->w[wi];
    uint32_t c = wk->first_case, c2 = m->cases[c].next;

    /* a worker's load */
    double load = wk->load;
    wk->load += 2.385;
    assert_found(m, 0, text("worker %u", wi), "load");
    wk->load = load;
    assert_clean(m, 0);

    /* a case's holder link: it names another worker */
    uint32_t other = wi == 0 ? 1 : 0;
    while (m->w[other].status == W_FREE || other == wi)
        other++;
    m->cases[c2].worker = other;
    assert_found(m, 0, text("case %u", c2), NULL);
    m->cases[c2].worker = wi;
    assert_clean(m, 0);

    /* the back link of a worker's list */
    m->cases[c2].prev = MODEL_NONE;
    assert_found(m, 0, text("worker %u", wi), "back link");
    m->cases[c2].prev = c;
    assert_clean(m, 0);

    /* a queue count, and the total */
    size_t s = 0;
    while (s < w.sc->n_stages && m->queue[s].n == 0)
        s++;
    assert_true(s < w.sc->n_stages);
    m->queued_in_stage[s]++;
    assert_found(m, 0, text("stage %s", w.sc->stage[s].name), "counted");
    m->queued_in_stage[s]--;
    m->n_queued--;
    assert_found(m, 0, "counted unallocated", NULL);
    m->n_queued++;
    assert_clean(m, 0);

    /* a waiting case that fits: room made (every cap ten times over, each
     * worker's cap, load and leaf consistent with it) with no dispatch */
    double direct = m->direct_factor;
    m->direct_factor = direct * 10;
    workers_refresh(m);
    assert_found(m, 0, text("stage %s", w.sc->stage[s].name), "has room");
    m->direct_factor = direct;
    workers_refresh(m);
    assert_clean(m, 0);

    /* a tree leaf: set through the tree (inner nodes stay consistent), so
     * only the leaf disagrees with the worker's spare capacity */
    struct maxtree *t = &m->g[wk->grade].tree;
    struct maxnode leaf = maxtree_leaf(t, wk->slot);
    maxtree_set(t, wk->slot, leaf.a + 1.5, leaf.b);
    assert_found(m, 0, text("worker %u", wi), "tree leaf");
    maxtree_set(t, wk->slot, leaf.a, leaf.b);
    assert_clean(m, 0);

    /* an inner node of the tree */
    t->node[0].b += 0.75;
    assert_found(m, 0, "max-tree", "inner node");
    t->node[0].b -= 0.75;
    assert_clean(m, 0);

    /* a post's holder link */
    uint32_t p = wk->post;
    m->post[p].holder = MODEL_NONE;
    assert_found(m, 0, text("worker %u", wi), text("post %u", p));
    m->post[p].holder = wi;
    assert_clean(m, 0);

    /* a grade's FTE in post */
    double in_post = m->g[wk->grade].fte_in_post;
    m->g[wk->grade].fte_in_post += 0.3;
    assert_found(m, 0, text("grade %s", w.sc->grade[wk->grade].name), "FTE in post");
    m->g[wk->grade].fte_in_post = in_post;
    assert_clean(m, 0);

    /* the FTE sick over all grades, kept for the integrals (workers.c) */
    double sick_all = m->fte_sick_all;
    m->fte_sick_all = nextafter(sick_all, HUGE_VAL);
    assert_found(m, 0, "over all grades", "sick");
    m->fte_sick_all = sick_all;
    assert_clean(m, 0);

    /* a stale event handle: the same slot, a later generation */
    cal_handle h = m->cases[c].done;
    m->cases[c].done = h + (1ULL << 32);
    assert_found(m, 0, text("case %u", c), "no pending event");
    m->cases[c].done = h;
    assert_clean(m, 0);

    /* a case's clock stopped while its worker works */
    double due = m->cases[c].due;
    m->cases[c].due = due + 1.0;
    assert_found(m, 0, text("case %u", c), "due on day");
    m->cases[c].due = due;
    assert_clean(m, 0);

    /* cases conserved: one lost from the open count */
    m->open_cases--;
    assert_found(m, 0, "counted open", NULL);
    m->open_cases++;
    assert_clean(m, 0);

    /* thinning: a hazard's bound under its rate now (events would be
     * missed), and a bound with no candidate pending */
    double rate = workers_leave_rate(m, wi), bound = wk->leave.bound;
    assert_true(rate > 0);
    wk->leave.bound = rate / 2;
    assert_found(m, 0, text("worker %u", wi), "over their bounds");
    wk->leave.bound = bound;
    assert_clean(m, 0);
    cal_handle ev = wk->ev_sick;
    wk->ev_sick = 0;
    assert_found(m, 0, text("worker %u", wi), "without a candidate");
    wk->ev_sick = ev;
    assert_clean(m, 0);

    /* a negative flow */
    double closed = m->flow.closed;
    m->flow.closed = -2.385;
    assert_found(m, 0, "flow.closed", "below zero");
    m->flow.closed = closed;
    assert_clean(m, 0);

    world_close(&w);
}

/* The establishment law, switchable: a whole-FTE fixture keeps it; a vacant
 * funded post whose FTE no longer adds up breaks it, found only when the
 * law is asked for. */
static void test_establishment_law_is_switchable(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "tests/scenarios/chain.cfg", "0.5");
    struct model *m = w.m;
    assert_int_equal(invariants_laws(m), INVARIANTS_ESTABLISHMENT);
    assert_clean(m, INVARIANTS_ESTABLISHMENT);
    uint32_t p = MODEL_NONE;
    for (uint32_t q = 0; q < m->n_posts && p == MODEL_NONE; q++)
        if (m->post[q].funded && m->post[q].holder == MODEL_NONE)
            p = q;
    assert_true(p != MODEL_NONE);
    m->post[p].fte = 0.6;
    assert_clean(m, 0);
    assert_found(m, INVARIANTS_ESTABLISHMENT, text("grade %s", w.sc->grade[m->post[p].grade].name),
                 "establishment");
    m->post[p].fte = 1.0;
    assert_clean(m, INVARIANTS_ESTABLISHMENT);
    world_close(&w);

    /* fractional in post (12.5, 61.3): the law holds there too */
    world_open(&w, "tests/scenarios/pressure.cfg", "0.25");
    assert_int_equal(invariants_laws(w.m), INVARIANTS_ESTABLISHMENT);
    assert_clean(w.m, INVARIANTS_ESTABLISHMENT);
    world_close(&w);
}

/* People are conserved between the council, the labour market's pool and
 * outside: one person more in the pool, one permanent worker fewer on the
 * ledger, or a stale pool event is found; restored, nothing is. */
static void test_walker_finds_a_person_lost_or_made(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "tests/scenarios/market.cfg", "0.5");
    struct model *m = w.m;
    assert_non_null(m->market);
    assert_clean(m, 0);
    m->market->pool += 1;
    assert_found(m, 0, "labour market", "pool");
    m->market->pool -= 1;
    assert_clean(m, 0);
    m->market->council_to_outside += 1;
    assert_found(m, 0, "labour market", "permanent staff");
    m->market->council_to_outside -= 1;
    assert_clean(m, 0);
    cal_handle h = m->market->ev_tick;
    m->market->ev_tick = h + (1ULL << 32);
    assert_found(m, 0, "market", "tick");
    m->market->ev_tick = h;
    assert_clean(m, 0);
    /* the vacancy count kept while no post changed (market.c): freshly
     * counted it is clean; off by half an FTE with the posts unchanged, it
     * is found */
    market_refresh(m);
    assert_true(m->market->vacancies_counted && m->market->vacancies_version == m->posts_version);
    assert_clean(m, 0);
    m->market->vacancies += 0.5;
    assert_found(m, 0, "labour market", "vacant");
    m->market->vacancies -= 0.5;
    assert_clean(m, 0);
    world_close(&w);
}

static void corrupt_and_check(void *arg)
{
    struct model *m = arg;
    m->open_cases += 3;
    invariants_check(m, 0);
}

static void test_check_aborts_naming_the_invariant(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "tests/scenarios/edge.cfg", "0.25");
    invariants_check(w.m, invariants_laws(w.m)); /* returns: all hold */
    assert_true(tu_dies(corrupt_and_check, w.m, "invariants.c"));
    assert_true(tu_dies(corrupt_and_check, w.m, "invariant broken"));
    world_close(&w);
}

/* Busy workers go off sick one after another, as EV_SICK_START does it
 * (replication.c): those who will be back with their cases have every
 * clock set for their return plus the case's work left, the others'
 * clocks stop; the walker finds both states clean, and finds a clock that
 * does not add up, or a return that moved. */
static void test_walker_checks_the_clocks_of_sick_workers(void **state)
{
    (void)state;
    struct world w;
    world_open(&w, "tests/scenarios/pressure.cfg", "0.5");
    struct model *m = w.m;
    uint32_t wi = MODEL_NONE;
    double back = NAN;
    bool stopped = false;
    for (int k = 0; k < 50 && (isnan(back) || !stopped); k++) {
        wi = busy_worker(m);
        workers_sick_start(m, wi);
        struct cal_event ev;
        assert_true(calendar_event(m->sim.cal, m->w[wi].ev_sick, &ev));
        back = m->w[wi].ev_realloc ? NAN : ev.time;
        stopped |= isnan(back);
        pathway_pause_all(m, wi, back);
        assert_clean(m, 0);
        for (uint32_t c = m->w[wi].first_case; c != MODEL_NONE; c = m->cases[c].next)
            assert_true(isnan(back) ? m->cases[c].done == 0 : m->cases[c].due == back + m->cases[c].remaining);
    }
    assert_true(stopped && !isnan(back));   /* both kinds of absence met */
    struct worker *wk = &m->w[wi];
    uint32_t c = wk->first_case;

    /* a clock set for the return, but not with the work left */
    m->cases[c].remaining += 0.5;
    assert_found(m, 0, text("case %u", c), "work left");
    m->cases[c].remaining -= 0.5;
    assert_clean(m, 0);

    /* the clocks set for another day than the return */
    wk->back_at += 1.0;
    assert_found(m, 0, text("worker %u's return", wi), "work left");
    for (c = wk->first_case; c != MODEL_NONE; c = m->cases[c].next)
        sim_move(&m->sim, m->cases[c].done, m->cases[c].due += 1.0);
    assert_found(m, 0, text("worker %u ", wi), "returns on day");
    for (c = wk->first_case; c != MODEL_NONE; c = m->cases[c].next)
        sim_move(&m->sim, m->cases[c].done, m->cases[c].due -= 1.0);
    wk->back_at -= 1.0;
    assert_clean(m, 0);

    /* clocks said to run while off */
    wk->clocks_off = false;
    assert_found(m, 0, text("worker %u", wi), "clocks are on");
    wk->clocks_off = true;
    assert_clean(m, 0);

    world_close(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_this_build_walks_after_every_event),
        cmocka_unit_test(test_walker_finds_each_corruption),
        cmocka_unit_test(test_walker_checks_the_clocks_of_sick_workers),
        cmocka_unit_test(test_establishment_law_is_switchable),
        cmocka_unit_test(test_walker_finds_a_person_lost_or_made),
        cmocka_unit_test(test_check_aborts_naming_the_invariant),
        cmocka_unit_test(test_fixtures_keep_every_invariant),
        cmocka_unit_test(test_shipped_scenarios_keep_every_invariant),
        cmocka_unit_test(test_shipped_interventions_keep_every_invariant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
