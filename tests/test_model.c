/* test_model.c — white-box cases with hand-computed answers, reached through
 * the model modules' own interfaces (pathway, workforce, metrics, costs,
 * demand, interventions) rather than through whole runs.
 *
 * Each test runs one replication of tests/scenarios/white.cfg (a tiny
 * service whose every rate is fixed or zero; its header gives the figures),
 * then drives the model one call at a time from the horizon on, with a
 * handler of its own that only closes cases: nothing else happens unless
 * the test makes it happen. Every expected value is worked out in the
 * comments from the fixture's figures; tolerances are for rounding only. */
#include "models/costs.h"
#include "models/demand.h"
#include "models/hazard.h"
#include "models/interventions.h"
#include "models/metrics.h"
#include "models/model.h"
#include "models/pathway.h"
#include "models/replication.h"
#include "models/allocation.h"
#include "models/scenario.h"
#include "models/workers.h"
#include "sim/calendar.h"
#include "sim/date.h"
#include "sim/result.h"
#include "tests/testutil.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#define FIXTURE "tests/scenarios/white.cfg"
#define SEED 20261206
#define TOL 1e-9          /* rounding of sums of a few doubles */
#define CASE_KEY 0xC0FFEE /* any key: the stage's duration is fixed */

struct wb {
    struct scenario *sc;
    struct result_layout l;
    struct model *m;
    struct rep_result out;
    double t0;            /* the horizon, where the test takes over */
    uint32_t watch;       /* the case whose closing time is kept */
    double closed_at;     /* when the handler closed it */
};

/* Closes cases, ignores every other event (arrivals, period ends). */
static void only_closures(struct sim *s, const struct cal_event *ev, void *arg)
{
    struct wb *w = arg;
    if (ev->type == EV_CASE_DONE) {
        if (ev->subject == w->watch)
            w->closed_at = s->now;
        pathway_stage_done(w->m, ev->subject);
    }
}

static void run_to(struct wb *w, double t) { sim_run_until(&w->m->sim, t, only_closures, w); }

static void wb_open(struct wb *w, char *const *sets, size_t n_sets)
{
    w->sc = tu_load(FIXTURE, sets, n_sets);
    metrics_layout(w->sc, &w->l);
    rep_result_alloc(&w->out, &w->l);
    w->m = model_create(w->sc);
    assert_non_null(w->m);
    assert_int_equal(model_run(w->m, SEED, 0, &w->l, &w->out, NULL), 0);
    w->t0 = w->m->sim.now;
    w->closed_at = NAN;
    w->watch = MODEL_NONE;
}

static void wb_close(struct wb *w)
{
    model_destroy(w->m);
    rep_result_free(&w->out);
    result_layout_free(&w->l);
    scenario_free(w->sc);
}

/* The workers in post, in slot order. */
static size_t workers(const struct model *m, uint32_t *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < m->n_worker_slots && n < max; i++)
        if (m->w[i].status != W_FREE)
            out[n++] = (uint32_t)i;
    return n;
}

/* A fixed 10-day case allocated at t0, its worker's cases paused at day 4
 * and resumed at day 9, closes at day 10 + (9 - 4) = 15: the pause keeps
 * the time left (6 days), it does not restart it. With the return not
 * known at the pause (back_at NAN) the clock stops and the return restarts
 * it; with the return known, the clock is set at the pause for day 9 + 6
 * and the return touches nothing. */
static void pause_case(bool known)
{
    struct wb w;
    wb_open(&w, NULL, 0);
    struct model *m = w.m;
    uint32_t c = pathway_new_case(m, CASE_KEY);
    w.watch = c;
    pathway_referral(m, c);
    alloc_dispatch(m);
    assert_int_equal(m->cases[c].state, CASE_ALLOCATED);
    uint32_t wi = m->cases[c].worker;
    assert_true(fabs(m->cases[c].due - (w.t0 + 10)) <= TOL);
    run_to(&w, w.t0 + 4);
    pathway_pause_all(m, wi, known ? w.t0 + 9 : NAN);
    assert_true(fabs(m->cases[c].remaining - 6) <= TOL);
    if (known)
        assert_true(m->cases[c].done && m->cases[c].due == w.t0 + 9 + m->cases[c].remaining);
    else
        assert_true(!m->cases[c].done);
    run_to(&w, w.t0 + 9);
    assert_true(isnan(w.closed_at));           /* nothing closes while paused */
    pathway_resume_all(m, wi);
    run_to(&w, w.t0 + 30);
    if (!(fabs(w.closed_at - (w.t0 + 15)) <= TOL))
        fail_msg("the paused case closed on day %g of 15", w.closed_at - w.t0);
    wb_close(&w);
}

static void test_pause_keeps_time_left(void **state)
{
    (void)state;
    pause_case(false);
}

static void test_pause_sets_clock_for_return(void **state)
{
    (void)state;
    pause_case(true);
}

/* Effective cap = grade cap x FTE x (1 - admin_share) / (1 - admin_share_ref):
 * 8 x 1 x 0.4 / 0.8 = 4 at the fixture's shares; at admin_share 0.2 (the
 * reference) the cap is 8 as stated, and at 0.5 it is 8 x 0.5 / 0.8 = 5.
 * The mean cap is reported as caseload_cap. */
static void test_admin_share_scales_cap(void **state)
{
    (void)state;
    static const struct {
        const char *set;
        double cap;
    } cases[] = { { NULL, 4.0 }, { "workforce.admin_share=0.2", 8.0 }, { "workforce.admin_share=0.5", 5.0 } };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct wb w;
        char *set = (char *)cases[k].set;
        wb_open(&w, set ? &set : NULL, set ? 1 : 0);
        uint32_t ws[16];
        size_t n = workers(w.m, ws, 16);
        assert_int_equal(n, 10);
        for (size_t i = 0; i < n; i++)
            if (!(fabs(w.m->w[ws[i]].cap - cases[k].cap) <= TOL))
                fail_msg("%s: effective cap %g, expected %g", set ? set : "fixture", w.m->w[ws[i]].cap,
                         cases[k].cap);
        for (size_t p = 0; p < w.l.n_periods; p++)
            assert_true(fabs(w.out.values[p * w.l.n_metrics + M_CASELOAD_CAP] - cases[k].cap) <= TOL);
        wb_close(&w);
    }
}

/* Pressure multiplies the sickness rate by 1 + gain x (load / ref - 1) above
 * the reference load, and by 1 below it (it never lowers the base rate).
 * ref = 3 points per FTE x the direct-work factor 0.5 = 1.5: a load of 1
 * gives 1, a load of 3 gives 1 + 1 x (3 / 1.5 - 1) = 2. */
static void test_pressure_above_reference_only(void **state)
{
    (void)state;
    struct wb w;
    wb_open(&w, NULL, 0);
    uint32_t ws[16];
    assert_int_equal(workers(w.m, ws, 16), 10);
    struct worker *x = &w.m->w[ws[0]];
    static const double load[] = { 0.0, 1.0, 1.5, 3.0, 4.5 }, want[] = { 1.0, 1.0, 1.0, 2.0, 3.0 };
    /* the fixture's workers never fall sick: a base rate to read the
     * multiplier off (the worker is at work: nobody is ever off) */
    w.m->pv[w.m->sc->p_sick_rate] = 2.385;
    x->load = 0;
    double base = workers_sick_rate(w.m, ws[0]);
    assert_true(base > 0);
    for (size_t k = 0; k < sizeof load / sizeof load[0]; k++) {
        x->load = load[k];
        workers_load_changed(w.m, ws[0]);
        double press = workers_sick_rate(w.m, ws[0]) / base;
        if (!(fabs(press - want[k]) <= TOL))
            fail_msg("load %g: sickness pressure %g, expected %g", load[k], press, want[k]);
    }
    wb_close(&w);
}

/* Thinning (models/hazard.h): a change of load under a worker's load bound
 * changes its sickness rate but moves no event and keeps the bound; a load
 * above it raises the bound to the rate there and draws the next candidate
 * afresh. The fixture's workers never fall sick: a base rate of 2.385
 * episodes per FTE-year, put in force by a refresh (as an intervention
 * does), starts the hazard at the rate at the overload cap, 4 points
 * (overload factor 1): 2.385 / 365.25 x (1 + (4 / 1.5 - 1)) a day. */
static void test_load_under_the_bound_moves_no_event(void **state)
{
    (void)state;
    struct wb w;
    wb_open(&w, NULL, 0);
    struct model *m = w.m;
    uint32_t ws[16];
    assert_int_equal(workers(m, ws, 16), 10);
    uint32_t wi = ws[0];
    struct worker *x = &m->w[wi];
    assert_int_equal(x->status, W_AT_WORK);
    assert_true(x->load <= 4.0 && m->overload_factor == 1.0);
    assert_int_equal(x->ev_sick, 0);
    m->pv[m->sc->p_sick_rate] = 2.385;
    workers_refresh(m);
    double base = 2.385 / 365.25, bound = base * (4.0 / 1.5);
    if (!(fabs(x->sick.bound - bound) <= TOL * bound))
        fail_msg("sickness bound %g a day, expected %g", x->sick.bound, bound);
    struct cal_event before, after;
    assert_true(calendar_event(m->sim.cal, x->ev_sick, &before));

    static const double loads[] = { 0.0, 1.2, 3.3, 4.0, 2.5 };
    for (size_t k = 0; k < sizeof loads / sizeof loads[0]; k++) {
        x->load = loads[k];
        workers_load_changed(m, wi);
        double want = base * hazard_pressure(loads[k], 1.5, 1.0);
        assert_true(fabs(workers_sick_rate(m, wi) - want) <= TOL * want);
        assert_true(x->sick.bound == bound);
        assert_true(calendar_event(m->sim.cal, x->ev_sick, &after));
        assert_true(after.time == before.time);
    }

    x->load = 5.1;   /* above the overload cap: cases kept through a cut */
    workers_load_changed(m, wi);
    double raised = base * (5.1 / 1.5);
    if (!(fabs(x->sick.bound - raised) <= TOL * raised))
        fail_msg("sickness bound %g a day after the load passed the cap, expected %g", x->sick.bound, raised);
    assert_true(calendar_event(m->sim.cal, x->ev_sick, &after));
    assert_true(after.time != before.time);
    wb_close(&w);
}

/* caseload_mean and caseload_p90 of ten case-holders with loads 3, 7, 1, 9,
 * 4, 10, 2, 8, 6, 5 (any order): mean 5.5; the 90th percentile with linear
 * interpolation sits at position 0.9 x (10 - 1) = 8.1 of the sorted loads
 * 1..10, i.e. 9 + 0.1 x (10 - 9) = 9.1. */
static void test_caseload_quantile(void **state)
{
    (void)state;
    struct wb w;
    wb_open(&w, NULL, 0);
    uint32_t ws[16];
    assert_int_equal(workers(w.m, ws, 16), 10);
    static const double load[10] = { 3, 7, 1, 9, 4, 10, 2, 8, 6, 5 };
    for (size_t i = 0; i < 10; i++)
        w.m->w[ws[i]].load = load[i];
    metrics_period_end(w.m, 0);
    const double *row = w.out.values;
    assert_true(fabs(row[M_CASELOAD_MEAN] - 5.5) <= TOL);
    if (!(fabs(row[M_CASELOAD_P90] - 9.1) <= TOL))
        fail_msg("caseload_p90 %g, expected 9.1", row[M_CASELOAD_P90]);
    wb_close(&w);
}

/* Costs by period: from a reset at t0, 10 days at a sickness cost of 100 a
 * day and a staff cost of 1200 a day close period 1 at 1000 and 12000; 5
 * more days close period 2 at 500 and 6000 (each period starts from zero),
 * while cost_cumulative reaches 12000 + 6000 = 18000. */
static void test_period_costs_reset(void **state)
{
    (void)state;
    struct wb w;
    wb_open(&w, NULL, 0);
    struct model *m = w.m;
    metrics_reset(m);
    assert_true(m->counting);
    for (int k = 0; k < COST_CATS; k++)
        m->cost.rate[k] = 0;
    m->cost.rate[COST_STAFF] = 1200;
    m->cost.sick_rate = 100;
    run_to(&w, w.t0 + 10);
    metrics_period_end(m, 0);
    run_to(&w, w.t0 + 15);
    metrics_period_end(m, 1);
    const double *r1 = w.out.values, *r2 = w.out.values + w.l.n_metrics;
    assert_true(fabs(r1[M_COST_SICKNESS] - 1000) <= TOL);
    assert_true(fabs(r1[M_COST_STAFF] - 12000) <= TOL);
    assert_true(fabs(r1[M_COST_TOTAL] - 12000) <= TOL);
    assert_true(isnan(r1[M_MEAN_WAIT]));   /* no allocation in the period: NA, not 0 */
    if (!(fabs(r2[M_COST_SICKNESS] - 500) <= TOL))
        fail_msg("period 2 sickness cost %g, expected 500", r2[M_COST_SICKNESS]);
    assert_true(fabs(r2[M_COST_STAFF] - 6000) <= TOL);
    assert_true(fabs(r2[M_COST_CUMULATIVE] - 18000) <= TOL);
    wb_close(&w);
}

/* Discounting at r = 50% a year from the end of the 30-day warm-up: a
 * one-off cost A on day t is worth A x 1.5^(-(t - 30) / 365.25), and a
 * constant rate R over [a, b] is worth R x (1.5^(-(a-30)/Y) - 1.5^(-(b-30)/Y))
 * / (ln 1.5 / Y), Y = 365.25 (the integral of the discount factor). */
static void test_discounting_closed_form(void **state)
{
    (void)state;
    struct wb w;
    wb_open(&w, NULL, 0);
    struct model *m = w.m;
    const double Y = 365.25, r = 0.5, origin = 30, R = 1000, A = 500;
    metrics_reset(m);
    for (int k = 0; k < COST_CATS; k++)
        m->cost.rate[k] = 0;
    m->cost.rate[COST_STAFF] = R;
    /* year_pv: the continuously discounted cost of the year in progress
     * (discounting = "continuous" takes it as the year's discounted cost) */
    double a = w.t0, b = w.t0 + Y, pv0 = m->cost.year_pv;
    run_to(&w, b);
    costs_advance(m);
    double d = log(1 + r) / Y;
    double want = R * (pow(1 + r, -(a - origin) / Y) - pow(1 + r, -(b - origin) / Y)) / d;
    if (!(fabs(m->cost.year_pv - pv0 - want) <= TOL * want))
        fail_msg("NPV of a year at %g a day: %.6f, expected %.6f", R, m->cost.year_pv - pv0, want);
    double before = m->cost.year_pv;
    costs_lump(m, COST_TRAINING, A);
    double lump = A * pow(1 + r, -(b - origin) / Y);
    assert_true(fabs(m->cost.year_pv - before - lump) <= TOL * lump);
    assert_true(fabs(m->cost.total[COST_TRAINING] - A) <= TOL);
    wb_close(&w);
}

/* Moves the clock to day t, as the event loop would before an intervention
 * starts or ends there (the fixture's interventions lie after its horizon,
 * so the run itself never reaches them). */
static void clock_at(struct model *m, double t)
{
    assert_true(t >= m->sim.now);
    m->sim.now = t;
}

/* Each kind of intervention acts on its parameter as documented and ending
 * it restores the value (scale multiplies, add adds, set replaces), nested
 * in time: referrals 36.525 -> x2 = 73.05 -> +100 = 173.05 -> set 50; the
 * ends in reverse order give 173.05, 73.05, 36.525 back. The first one's
 * one-off cost (500) is charged once, its yearly cost (3652.5) runs at 10 a
 * day while it is active and stops with it. */
static void test_intervention_kinds(void **state)
{
    (void)state;
    struct wb w;
    wb_open(&w, NULL, 0);
    struct model *m = w.m;
    metrics_reset(m);
    double *x = &m->pv[m->sc->iv[0].param];
    const double base = 36.525;
    assert_true(fabs(*x - base) <= TOL);
    static const double after[3] = { 73.05, 173.05, 50.0 };
    for (uint32_t i = 0; i < 3; i++) {
        clock_at(m, m->sc->iv[i].from_day);
        interventions_begin(m, i);
        model_refresh(m);
        if (!(fabs(*x - after[i]) <= TOL))
            fail_msg("intervention %s: referrals %g, expected %g", m->sc->iv[i].name, *x, after[i]);
    }
    /* the one-off 500 on its first day, then 3652.5 a year spread over the
     * 365 days of its first anniversary year (2025-01-01 to 2026-01-01)
     * until the third starts (costs are brought up to date at each lump) */
    double spent = 500 + 3652.5 / 365 * (m->sc->iv[2].from_day - m->sc->iv[0].from_day);
    if (!(fabs(m->cost.total[COST_INTERVENTIONS] - spent) <= TOL))
        fail_msg("intervention cost %.6f, expected %.6f", m->cost.total[COST_INTERVENTIONS], spent);
    for (uint32_t i = 3; i-- > 0;) {
        clock_at(m, m->sc->iv[i].until_day);
        interventions_end(m, i);
        model_refresh(m);
        double want = i > 0 ? after[i - 1] : base;
        if (!(fabs(*x - want) <= TOL))
            fail_msg("end of %s: referrals %g, expected %g", m->sc->iv[i].name, *x, want);
    }
    /* its yearly cost ran until it ended, and stops there */
    costs_advance(m);
    double ended = m->cost.total[COST_INTERVENTIONS];
    spent = 500 + 3652.5 / 365 * (m->sc->iv[0].until_day - m->sc->iv[0].from_day);
    if (!(fabs(ended - spent) <= TOL))
        fail_msg("intervention cost at its end %.6f, expected %.6f", ended, spent);
    clock_at(m, m->sim.now + 30);
    costs_advance(m);
    assert_true(m->cost.total[COST_INTERVENTIONS] == ended);
    wb_close(&w);
}

/* Opens a case now and allocates it; returns it (MODEL_NONE if screened out). */
static uint32_t new_case(struct model *m, uint64_t key)
{
    size_t open = m->open_cases;
    uint32_t c = pathway_new_case(m, key);
    pathway_referral(m, c);
    if (m->open_cases == open)
        return MODEL_NONE;
    alloc_dispatch(m);
    assert_int_equal(m->cases[c].state, CASE_ALLOCATED);
    return c;
}

static void check_caps(const struct model *m, double want, const char *when)
{
    uint32_t ws[16];
    size_t n = workers(m, ws, 16);
    for (size_t i = 0; i < n; i++)
        if (!(fabs(m->w[ws[i]].cap - want) <= TOL))
            fail_msg("%s: effective cap %g, expected %g", when, m->w[ws[i]].cap, want);
}

/* Each kind of parameter an intervention can move acts at once, by the
 * stated amount, and is undone when the intervention ends (the fixture's
 * interventions 3 to 8):
 *   - admin share set to 0.2: caps 8 x 0.8/0.8 = 8, then 4 again;
 *   - caps scaled by 1.5: 12 x 0.4/0.8 = 6, then 4;
 *   - stage duration set to 20 days: a case allocated now is due in 20 days
 *     (then 10 again);
 *   - case weight set to 2: every worker's load is 2 points per case (then 1);
 *   - screen-out set to 1: a referral opens no case (then it does);
 *   - sickness episodes + 73.05 a year: the sickness hazard of a worker
 *     under no pressure is 73.05 / 365.25 = 0.2 a day (then 0). */
static void test_intervention_levers(void **state)
{
    (void)state;
    struct wb w;
    wb_open(&w, NULL, 0);
    struct model *m = w.m;
    enum { ADMIN = 3, CAPS, LONGER, HEAVIER, SCREEN, SICKER };
    assert_string_equal(m->sc->iv[SICKER].name, "sicker");
    uint64_t key = CASE_KEY;
    /* each lever starts on one day and ends on a later one: the clock
     * goes back and forth between them (white-box: nothing runs between) */
    const double on = m->sc->iv[ADMIN].from_day, off = m->sc->iv[ADMIN].until_day;
#define BEGIN(i) (m->sim.now = on, interventions_begin(m, (i)), model_refresh(m))
#define END(i) (m->sim.now = off, interventions_end(m, (i)), model_refresh(m))

    BEGIN(ADMIN);
    check_caps(m, 8, "admin share 0.2");
    END(ADMIN);
    check_caps(m, 4, "admin share back to 0.6");

    BEGIN(CAPS);
    check_caps(m, 6, "caps x 1.5");
    END(CAPS);
    check_caps(m, 4, "caps back");

    BEGIN(LONGER);
    uint32_t c = new_case(m, key++);
    assert_true(fabs(m->cases[c].due - (m->sim.now + 20)) <= TOL);
    END(LONGER);
    c = new_case(m, key++);
    assert_true(fabs(m->cases[c].due - (m->sim.now + 10)) <= TOL);

    uint32_t ws[16];
    size_t n = workers(m, ws, 16);
    BEGIN(HEAVIER);
    for (size_t i = 0; i < n; i++)
        assert_true(fabs(m->w[ws[i]].load - 2.0 * m->w[ws[i]].n_cases) <= TOL);
    END(HEAVIER);
    for (size_t i = 0; i < n; i++)
        assert_true(fabs(m->w[ws[i]].load - 1.0 * m->w[ws[i]].n_cases) <= TOL);

    BEGIN(SCREEN);
    assert_int_equal(new_case(m, key++), MODEL_NONE);
    END(SCREEN);
    assert_int_not_equal(new_case(m, key++), MODEL_NONE);

    /* a worker with no cases feels no pressure */
    uint32_t idle = MODEL_NONE;
    for (size_t i = 0; i < n; i++)
        if (m->w[ws[i]].n_cases == 0)
            idle = ws[i];
    assert_int_not_equal(idle, MODEL_NONE);
    BEGIN(SICKER);
    if (!(fabs(workers_sick_rate(m, idle) - 0.2) <= TOL))
        fail_msg("sickness hazard %g a day, expected 0.2", workers_sick_rate(m, idle));
    END(SICKER);
    assert_true(workers_sick_rate(m, idle) == 0);
#undef BEGIN
#undef END
    wb_close(&w);
}

/* Days waited over the threshold count from the end of the warm-up only
 * (30 days here; threshold 5): a case queued on day 20 and allocated at t0
 * was over the threshold from day 25, but only t0 - 30 of those days count
 * in child_days_over_threshold; its whole wait, t0 - 20, counts in the mean
 * wait (allocations after the warm-up count whole). */
static void test_wait_over_threshold_from_warmup(void **state)
{
    (void)state;
    struct wb w;
    wb_open(&w, NULL, 0);
    struct model *m = w.m;
    metrics_reset(m);
    assert_int_equal(m->n_queued, 0);
    assert_true(fabs(m->warmup - 30) <= TOL && fabs(m->pv[m->sc->p_wait_threshold] - 5) <= TOL);
    uint32_t c = pathway_new_case(m, CASE_KEY);
    pathway_referral(m, c);
    assert_int_equal(m->n_queued, 1);
    m->cases[c].queued_at = 20;
    alloc_dispatch(m);
    assert_int_equal(m->cases[c].state, CASE_ALLOCATED);
    if (!(fabs(m->kpi_wait_over - (w.t0 - 30)) <= TOL))
        fail_msg("child-days over the threshold %g, expected %g", m->kpi_wait_over, w.t0 - 30);
    assert_true(m->flow.allocations == 1);
    assert_true(fabs(m->flow.wait_sum - (w.t0 - 20)) <= TOL);
    wb_close(&w);
}

/* Cases still waiting at the horizon: with threshold 5 and a warm-up of 30
 * days, pathway_close_wait_tally adds, for each, the days from
 * max(queued + 5, 30) to the horizon H: a case queued on day 20 adds
 * H - 30, one queued at H - 5.5 adds 0.5 (half a day over counts). And a
 * case that has waited exactly the threshold is not over it ("longer
 * than"), one that has waited a day more is. */
static void test_wait_tally_at_horizon(void **state)
{
    (void)state;
    struct wb w;
    wb_open(&w, NULL, 0);
    struct model *m = w.m;
    const double H = m->horizon;
    assert_int_equal(m->n_queued, 0);
    uint32_t a = pathway_new_case(m, CASE_KEY), b = pathway_new_case(m, CASE_KEY + 1);
    pathway_referral(m, a);
    pathway_referral(m, b);
    m->cases[a].queued_at = 20;       /* queue order kept: a before b */
    m->cases[b].queued_at = H - 5.5;
    m->kpi_wait_over = 0;
    pathway_close_wait_tally(m);
    if (!(fabs(m->kpi_wait_over - ((H - 30) + 0.5)) <= TOL))
        fail_msg("child-days over the threshold at the horizon %g, expected %g", m->kpi_wait_over, H - 30 + 0.5);
    m->cases[b].queued_at = m->sim.now - 5;
    assert_int_equal(pathway_waiting_over(m, 5), 1);   /* a only */
    m->cases[b].queued_at = m->sim.now - 6;
    assert_int_equal(pathway_waiting_over(m, 5), 2);
    wb_close(&w);
}

/* A falling trend: at -20% a year the rate on day t is 0.8^(t / 365.25)
 * times the rest (here 10 April 2024: after the x3 shock, month weight
 * 12/13). */
static void test_demand_falling_trend(void **state)
{
    (void)state;
    struct wb w;
    char *set = "demand.trend_per_year=-0.2";
    wb_open(&w, &set, 1);
    const double t = 100.5;
    double want = 36.525 / 365.25 * pow(0.8, t / 365.25) * 12.0 / 13.0 * 3.0;
    double got = demand_rate(w.m, t);
    if (!(fabs(got - want) <= TOL * want))
        fail_msg("rate %.9f at a falling trend, expected %.9f", got, want);
    wb_close(&w);
}

/* The referral rate on day t: referrals_per_year / 365.25 x 1.5^(t / 365.25)
 * (compound trend) x the month's weight (normalised to mean 1: February
 * 2 x 12/13, other months 12/13) x 3 from the shock on 2024-03-01. The days
 * checked are the first and last of months, where an off-by-one in the
 * calendar would take the neighbouring month's weight. */
static void test_demand_rate_by_day(void **state)
{
    (void)state;
    struct wb w;
    wb_open(&w, NULL, 0);
    const struct date start = { 2024, 1, 1 };
    static const struct {
        struct date d;
        double season, shock;
    } days[] = {
        { { 2024, 1, 31 }, 1, 1 }, { { 2024, 2, 1 }, 2, 1 }, { { 2024, 2, 29 }, 2, 1 },
        { { 2024, 3, 1 }, 1, 3 },  { { 2024, 1, 1 }, 1, 1 },
    };
    for (size_t k = 0; k < sizeof days / sizeof days[0]; k++) {
        double t = (double)date_diff(start, days[k].d) + 0.5;
        double want = 36.525 / 365.25 * pow(1.5, t / 365.25) * days[k].season * 12.0 / 13.0 * days[k].shock;
        double got = demand_rate(w.m, t);
        if (!(fabs(got - want) <= TOL * want))
            fail_msg("%04d-%02d-%02d: rate %.9f, expected %.9f", days[k].d.year, days[k].d.month, days[k].d.day,
                     got, want);
    }
    wb_close(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pause_keeps_time_left),
        cmocka_unit_test(test_pause_sets_clock_for_return),
        cmocka_unit_test(test_admin_share_scales_cap),
        cmocka_unit_test(test_pressure_above_reference_only),
        cmocka_unit_test(test_load_under_the_bound_moves_no_event),
        cmocka_unit_test(test_caseload_quantile),
        cmocka_unit_test(test_period_costs_reset),
        cmocka_unit_test(test_discounting_closed_form),
        cmocka_unit_test(test_intervention_kinds),
        cmocka_unit_test(test_intervention_levers),
        cmocka_unit_test(test_wait_over_threshold_from_warmup),
        cmocka_unit_test(test_wait_tally_at_horizon),
        cmocka_unit_test(test_demand_falling_trend),
        cmocka_unit_test(test_demand_rate_by_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
