/* test_conservation.c — accounting identities that hold in every replication
 * and every period, whatever the randomness. The model's conservation laws,
 * which compare stocks with the flows counted where cases and staff move:
 *
 *   open_cases(p) - open_cases(p-1) = referrals(p) - screened_out(p) - closed(p)
 *   staff_in_post_fte(p) - staff_in_post_fte(p-1) = starters(p) - leavers(p)
 *   sum of open_<stage> = open_cases, sum of unallocated_<stage> = unallocated
 *     (per-stage counts kept apart from the totals)
 *   cost_cumulative = running sum of cost_total
 *   staff_in_post_fte + vacancies_fte = establishment_fte + supernumerary_fte
 *     (and, checked after every event and per grade, from the posts and
 *     workers themselves: see law_check below)
 *   KPIs referrals_total, closed_total, cost_total = sums of the periods
 *
 * and checks of the output's consistency, which metrics.c makes true by how
 * it writes the row (allocated is open - unallocated; in_post of the agency
 * grade is agency_fte; staff_in_post_fte and cost_total are sums of the
 * same values): they guard the writer against a change that breaks them,
 * not the model:
 *
 *   allocated + unallocated = open_cases
 *   sum of in_post_<grade> over permanent grades = staff_in_post_fte
 *   in_post_<agency grade> = agency_fte
 *   cost_total = sum of the cost categories
 *
 * Period 1 is compared with day 0: the sum of the stages' initial cases and
 * of the grades' in_post. Case counts are whole numbers held in doubles, so
 * they must match exactly. FTE are sums of fractions (in_post = 61.3 gives a
 * worker of 0.3 FTE), so they match to rounding: 1e-9 FTE. Costs are sums
 * of thousands of products: relative 1e-12 for a sum of five, 1e-9 for the
 * running sum over a horizon.
 *
 * The replications run in this process (the library, as the command line
 * does), so the identities are checked on full-precision values, not on the
 * 10 significant digits of the CSV files. Scenarios: the shipped baseline,
 * and tests/scenarios/pressure.cfg, which sends cases through overload,
 * transfers, long sickness with reallocation and agency cover, re-referrals,
 * progression, a cohort, and interventions that raise then lower
 * establishment, cut the agency ceiling and change caps and weights; and
 * tests/scenarios/fractional.cfg, whose establishments and staff in post
 * are fractions of an FTE, raised, cut and scaled by interventions. */
#include "models/metrics.h"
#include "models/model.h"
#include "models/replication.h"
#include "models/scenario.h"
#include "tests/testutil.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define SEED 4242
#define FTE_TOL 1e-9
#define SUM_REL_TOL 1e-12
#define RUNNING_REL_TOL 1e-9

static const char *const cost_cats[] = {
    "cost_staff", "cost_agency", "cost_recruitment", "cost_training", "cost_interventions",
};

#define WHY_SIZE 1024

/* Report the first broken identity into why and return false from the
 * enclosing function. */
#define FAIL_AT(rep, p, ...)                                                     \
    do {                                                                         \
        int w_ = snprintf(why, WHY_SIZE, "replication %zu, period %zu: ", (size_t)(rep) + 1, \
                          (size_t)(p) + 1);                                     \
        snprintf(why + w_, WHY_SIZE - (size_t)w_, __VA_ARGS__);                 \
        ok = false;                                                              \
        goto done;                                                               \
    } while (0)

/* Check every identity in every replication and period; false with the
 * first broken one in why (WHY_SIZE bytes). first_period: the first period
 * compared with its predecessor (1 after a warm-up, whose stocks at its end
 * are not reported; 0 compares period 1 with day 0). */
static bool identities_hold(const struct scenario *sc, const struct tu_reps *r, size_t first_period,
                            char *why)
{
    bool ok = true;
    const struct result_layout *l = &r->layout;
    size_t m_ref = tu_metric(r, "referrals"), m_scr = tu_metric(r, "screened_out");
    size_t m_open = tu_metric(r, "open_cases"), m_alloc = tu_metric(r, "allocated");
    size_t m_unalloc = tu_metric(r, "unallocated"), m_closed = tu_metric(r, "closed");
    size_t m_post = tu_metric(r, "staff_in_post_fte"), m_start = tu_metric(r, "starters");
    size_t m_leave = tu_metric(r, "leavers"), m_agency = tu_metric(r, "agency_fte");
    size_t m_total = tu_metric(r, "cost_total"), m_cum = tu_metric(r, "cost_cumulative");
    size_t m_vac = tu_metric(r, "vacancies_fte"), m_est = tu_metric(r, "establishment_fte");
    size_t m_super = tu_metric(r, "supernumerary_fte");
    size_t m_cat[5];
    for (size_t k = 0; k < 5; k++)
        m_cat[k] = tu_metric(r, cost_cats[k]);
    size_t *m_open_s = calloc(sc->n_stages, sizeof *m_open_s);
    size_t *m_unalloc_s = calloc(sc->n_stages, sizeof *m_unalloc_s);
    size_t *m_grade = calloc(sc->n_grades, sizeof *m_grade);
    assert_true(m_open_s && m_unalloc_s && m_grade);
    char name[300];
    double open0 = 0, post0 = 0;
    for (size_t s = 0; s < sc->n_stages; s++) {
        snprintf(name, sizeof name, "open_%s", sc->stage[s].name);
        m_open_s[s] = tu_metric(r, name);
        snprintf(name, sizeof name, "unallocated_%s", sc->stage[s].name);
        m_unalloc_s[s] = tu_metric(r, name);
        open0 += sc->reg.p[sc->stage[s].p_initial].value;
    }
    for (size_t g = 0; g < sc->n_grades; g++) {
        snprintf(name, sizeof name, "in_post_%s", sc->grade[g].name);
        m_grade[g] = tu_metric(r, name);
        if (!sc->grade[g].agency)
            post0 += sc->reg.p[sc->grade[g].p_in_post].value;
    }
    size_t k_ref = tu_kpi(r, "referrals_total"), k_closed = tu_kpi(r, "closed_total");
    size_t k_cost = tu_kpi(r, "cost_total");

    double moved = 0; /* some cases did flow: the check is not vacuous */
    for (size_t i = 0; i < r->n; i++) {
        double cumulative = 0, referrals = 0, closed = 0;
        for (size_t p = 0; p < l->n_periods; p++) {
#define V(m) tu_value(r, i, p, (m))
            double prev_open = p > 0 ? tu_value(r, i, p - 1, m_open) : open0;
            double prev_post = p > 0 ? tu_value(r, i, p - 1, m_post) : post0;
            double flow = V(m_ref) - V(m_scr) - V(m_closed);
            moved += V(m_ref) + V(m_closed);
            if (p >= first_period) {
                if (V(m_open) - prev_open != flow)
                    FAIL_AT(i, p, "open cases went from %.17g to %.17g, but referrals %.17g - screened out "
                            "%.17g - closed %.17g = %.17g", prev_open, V(m_open), V(m_ref), V(m_scr),
                            V(m_closed), flow);
                double staff = V(m_start) - V(m_leave);
                if (!(fabs(V(m_post) - prev_post - staff) <= FTE_TOL))
                    FAIL_AT(i, p, "staff in post went from %.17g to %.17g, but starters %.17g - leavers %.17g",
                            prev_post, V(m_post), V(m_start), V(m_leave));
            }
            double open = 0, unalloc = 0, in_post = 0;
            for (size_t s = 0; s < sc->n_stages; s++) {
                open += V(m_open_s[s]);
                unalloc += V(m_unalloc_s[s]);
            }
            for (size_t g = 0; g < sc->n_grades; g++) {
                if (!sc->grade[g].agency)
                    in_post += V(m_grade[g]);
                else if (V(m_grade[g]) != V(m_agency))
                    FAIL_AT(i, p, "in_post_%s = %.17g but agency_fte = %.17g", sc->grade[g].name,
                            V(m_grade[g]), V(m_agency));
            }
            if (open != V(m_open))
                FAIL_AT(i, p, "open cases by stage sum to %.17g, open_cases = %.17g", open, V(m_open));
            if (unalloc != V(m_unalloc))
                FAIL_AT(i, p, "unallocated by stage sum to %.17g, unallocated = %.17g", unalloc, V(m_unalloc));
            if (V(m_alloc) + V(m_unalloc) != V(m_open))
                FAIL_AT(i, p, "allocated %.17g + unallocated %.17g != open_cases %.17g", V(m_alloc),
                        V(m_unalloc), V(m_open));
            if (V(m_alloc) < 0 || V(m_unalloc) < 0)
                FAIL_AT(i, p, "negative stock: allocated %.17g, unallocated %.17g", V(m_alloc), V(m_unalloc));
            if (!(fabs(V(m_post) + V(m_vac) - V(m_est) - V(m_super)) <= FTE_TOL))
                FAIL_AT(i, p, "staff in post %.17g + vacant %.17g != establishment %.17g + supernumerary %.17g",
                        V(m_post), V(m_vac), V(m_est), V(m_super));
            if (!(fabs(in_post - V(m_post)) <= FTE_TOL))
                FAIL_AT(i, p, "in post by permanent grade sums to %.17g, staff_in_post_fte = %.17g", in_post,
                        V(m_post));
            double costs = 0;
            for (size_t k = 0; k < 5; k++)
                costs += V(m_cat[k]);
            if (!(fabs(costs - V(m_total)) <= SUM_REL_TOL * fabs(costs)))
                FAIL_AT(i, p, "cost categories sum to %.17g, cost_total = %.17g", costs, V(m_total));
            cumulative += V(m_total);
            if (!(fabs(cumulative - V(m_cum)) <= RUNNING_REL_TOL * fabs(cumulative)))
                FAIL_AT(i, p, "running sum of cost_total is %.17g, cost_cumulative = %.17g", cumulative,
                        V(m_cum));
            referrals += V(m_ref);
            closed += V(m_closed);
#undef V
        }
        const double *k = r->rep[i].kpi;
        if (k[k_ref] != referrals || k[k_closed] != closed)
            FAIL_AT(i, l->n_periods - 1, "KPIs referrals_total %.17g, closed_total %.17g; periods sum to "
                    "%.17g, %.17g", k[k_ref], k[k_closed], referrals, closed);
        if (!(fabs(k[k_cost] - cumulative) <= RUNNING_REL_TOL * fabs(cumulative)))
            FAIL_AT(i, l->n_periods - 1, "KPI cost_total %.17g, periods sum to %.17g", k[k_cost], cumulative);
    }
    if (!(moved > 0)) {
        snprintf(why, WHY_SIZE, "nothing flowed: the identities were not exercised");
        ok = false;
    }
done:
    free(m_open_s);
    free(m_unalloc_s);
    free(m_grade);
    return ok;
}

static void run_and_check(const char *path, char *const *sets, size_t n_sets, size_t reps, size_t first)
{
    struct scenario *sc = tu_load(path, sets, n_sets);
    struct tu_reps r;
    tu_reps_run(&r, sc, SEED, reps);
    char why[WHY_SIZE];
    bool ok = identities_hold(sc, &r, first, why);
    tu_reps_free(&r);
    scenario_free(sc);
    if (!ok)
        fail_msg("%s: %s", path, why);
}

/* Events on the horizon date, a recruitment freeze (see the fixture). */
static void test_edge(void **state)
{
    (void)state;
    run_and_check("tests/scenarios/edge.cfg", NULL, 0, 12, 0);
}

static void test_baseline(void **state)
{
    (void)state;
    run_and_check("scenarios/baseline.cfg", NULL, 0, 24, 0);
}

/* Three years of weekly periods under pressure: every path that moves cases
 * or staff (see the fixture's header). */
static void test_pressure(void **state)
{
    (void)state;
    run_and_check("tests/scenarios/pressure.cfg", NULL, 0, 24, 0);
}

/* The same with a warm-up: flows and costs count only from its end, where
 * period 1 starts; the stocks at that moment are not reported, so the
 * differences are checked from period 2 on. */
static void test_pressure_warmup(void **state)
{
    (void)state;
    char *sets[] = { "warmup_days=91.5" };
    run_and_check("tests/scenarios/pressure.cfg", sets, 1, 12, 1);
}

/* With continuous discounting (costs.discounting = "continuous"; the
 * default, annual, is tests/test_years.c's), the NPV is taken at the
 * reporting start (the end of the warm-up), where
 * the costs counted start: each week's cost discounted from its midpoint
 * adds up to the KPI within NPV_MID_REL_TOL (the midpoint rule's error on
 * weekly periods, r x 7 days / 2 at worst, 3e-4). Discounting from day 0
 * instead would make it 0.86% smaller (ln 1.035 x 91.5 / 365.25). */
#define NPV_MID_REL_TOL 1e-3
#define DAYS_PER_YEAR 365.25

static void test_npv_from_reporting_start(void **state)
{
    (void)state;
    char *sets[] = { "warmup_days=91.5" };
    struct diag d;
    diag_init(&d, 20);
    struct scenario *sc = scenario_load_text("@include \"pressure.cfg\"\ncosts = { discounting = \"continuous\"; };\n",
                                             "continuous.cfg", "tests/scenarios", sets, 1, &d);
    if (!sc)
        diag_print(&d, stderr, "scenario");
    diag_free(&d);
    assert_non_null(sc);
    assert_int_equal(sc->discounting, DISCOUNT_CONTINUOUS);
    struct tu_reps r;
    tu_reps_run(&r, sc, SEED, 4);
    double warmup = sc->reg.p[sc->p_warmup_days].value;
    double per_day = log1p(sc->reg.p[sc->p_discount].value) / DAYS_PER_YEAR;
    size_t m_cost = tu_metric(&r, "cost_total"), k_npv = tu_kpi(&r, "cost_npv");
    for (size_t i = 0; i < r.n; i++) {
        double npv = 0, from = warmup;
        for (size_t p = 0; p < r.layout.n_periods; p++) {
            double to = r.layout.period_end[p];
            npv += tu_value(&r, i, p, m_cost) * exp(-per_day * ((from + to) / 2 - warmup));
            from = to;
        }
        double got = r.rep[i].kpi[k_npv];
        if (!(fabs(got - npv) <= NPV_MID_REL_TOL * npv))
            fail_msg("replication %zu: cost_npv %.10g, the weeks discounted from the reporting start give %.10g",
                     i + 1, got, npv);
    }
    tu_reps_free(&r);
    scenario_free(sc);
}

/* The check is not vacuous: one case too many closed in one period, one
 * staff member's leaving lost, or a cost not carried into the running sum,
 * and it fails. */
static void test_detects(void **state)
{
    (void)state;
    struct scenario *sc = tu_load("tests/scenarios/pressure.cfg", NULL, 0);
    struct tu_reps r;
    tu_reps_run(&r, sc, SEED, 2);
    char why[WHY_SIZE];
    assert_true(identities_hold(sc, &r, 0, why));
    /* (a cost is changed by a millionth of itself: 1000 x the tolerance) */
    const struct {
        const char *metric;
        double add, scale;
    } change[] = {
        { "closed", 1, 1 }, { "leavers", 0.5, 1 }, { "unallocated_cp", 1, 1 },
        { "in_post_senior", 1e-6, 1 }, { "cost_staff", 0, 1 + 1e-6 }, { "cost_cumulative", 0, 1 + 1e-6 },
    };
    for (size_t k = 0; k < sizeof change / sizeof *change; k++) {
        double *v = &r.rep[1].values[7 * r.layout.n_metrics + tu_metric(&r, change[k].metric)];
        double saved = *v;
        *v = *v * change[k].scale + change[k].add;
        assert_true(*v != saved);
        if (identities_hold(sc, &r, 0, why))
            fail_msg("changing %s in period 8 went unnoticed", change[k].metric);
        *v = saved;
    }
    assert_true(identities_hold(sc, &r, 0, why));
    tu_reps_free(&r);
    scenario_free(sc);
}

/* ---- posts against the establishment, at every instant ------------------------
 *
 * After every event of a run, for every permanent grade, counted from the
 * workers and posts themselves (not from the model's tallies):
 *
 *   vacant FTE = max(0, establishment - FTE in post)
 *
 * that is, FTE in post + vacant FTE = establishment + supernumerary FTE,
 * supernumerary FTE = max(0, FTE in post - establishment): no funded hour is
 * left unadvertised, none advertised twice, nobody recruited while staff
 * above a cut establishment are still there. And each post is the hours of
 * its holder (a part-time post is filled part-time). Sums of fractions of
 * FTE: to 1e-9 FTE (FTE_TOL). */
struct law_watch {
    size_t events, broken;
    double when;
    char why[WHY_SIZE];
    double supernumerary_seen;   /* the fixture did cut below the staff in post */
};

static void law_check(const struct model *m, void *arg)
{
    struct law_watch *lw = arg;
    lw->events++;
    const struct scenario *sc = m->sc;
    for (size_t g = 0; g < sc->n_grades; g++) {
        if (sc->grade[g].agency)
            continue;
        double in_post = 0, vacant = 0;
        for (size_t wi = 0; wi < m->n_worker_slots; wi++) {
            const struct worker *w = &m->w[wi];
            if (w->status != W_FREE && !w->agency && w->grade == g)
                in_post += w->fte;
        }
        const struct grade_state *gs = &m->g[g];
        for (size_t i = 0; i < gs->n_posts; i++) {
            const struct post *po = &m->post[gs->posts[i]];
            if (po->holder == MODEL_NONE) {
                if (po->funded)
                    vacant += po->fte;
            } else if (po->fte != m->w[po->holder].fte && lw->broken++ == 0) {
                lw->when = m->sim.now;
                snprintf(lw->why, WHY_SIZE, "grade %s: a post of %.17g FTE held by a worker of %.17g FTE",
                         sc->grade[g].name, po->fte, m->w[po->holder].fte);
            }
        }
        double est = m->pv[sc->grade[g].p_establishment];
        double want = in_post < est ? est - in_post : 0;
        if (in_post - est > lw->supernumerary_seen)
            lw->supernumerary_seen = in_post - est;
        if (!(fabs(vacant - want) <= FTE_TOL) && lw->broken++ == 0) {
            lw->when = m->sim.now;
            snprintf(lw->why, WHY_SIZE, "grade %s: %.17g FTE in post, %.17g vacant, establishment %.17g",
                     sc->grade[g].name, in_post, vacant, est);
        }
    }
}

static void law_holds(const char *path, size_t reps, bool expect_supernumerary)
{
    struct scenario *sc = tu_load(path, NULL, 0);
    struct model *m = model_create(sc);
    struct law_watch lw = { 0 };
    m->after_event = law_check;
    m->after_event_arg = &lw;
    struct result_layout l;
    metrics_layout(sc, &l);
    struct rep_result out;
    rep_result_alloc(&out, &l);
    for (size_t i = 0; i < reps && lw.broken == 0; i++) {
        assert_int_equal(model_run(m, SEED, i, &l, &out, NULL), 0);
        if (lw.broken)
            fail_msg("%s, replication %zu, day %.6g: %s (%zu such instants)", path, i + 1, lw.when, lw.why,
                     lw.broken);
    }
    assert_true(lw.events > 0);
    if (expect_supernumerary)
        assert_true(lw.supernumerary_seen > FTE_TOL);
    rep_result_free(&out);
    result_layout_free(&l);
    model_destroy(m);
    scenario_free(sc);
}

static void test_posts_match_establishment_fractional(void **state)
{
    (void)state;
    law_holds("tests/scenarios/fractional.cfg", 6, true);
}

static void test_posts_match_establishment_pressure(void **state)
{
    (void)state;
    law_holds("tests/scenarios/pressure.cfg", 4, true);
}

static void test_posts_match_establishment_baseline(void **state)
{
    (void)state;
    law_holds("scenarios/baseline.cfg", 4, false);
}

/* The defect's three cases, in the fractional fixture: 8.5 in post against
 * 10 with nobody leaving reaches 10; 10.5 raised by 2 reaches 12.5; 10 cut
 * to 9.5 never has more than 9.5 in post again once someone has left (and
 * someone does within the last year: 10 staff at 0.9 a year). */
static void test_fractional_posts_fill(void **state)
{
    (void)state;
    struct scenario *sc = tu_load("tests/scenarios/fractional.cfg", NULL, 0);
    struct tu_reps r;
    tu_reps_run(&r, sc, SEED, 8);
    size_t last = r.layout.n_periods - 1;
    size_t m_part = tu_metric(&r, "in_post_part"), m_full = tu_metric(&r, "in_post_full");
    size_t m_cut = tu_metric(&r, "in_post_cut");
    for (size_t i = 0; i < r.n; i++) {
        double part = tu_value(&r, i, last, m_part), full = tu_value(&r, i, last, m_full);
        double cut = tu_value(&r, i, last, m_cut);
        if (!(fabs(part - 10.0) <= FTE_TOL) || !(fabs(full - 12.5) <= FTE_TOL) || !(cut <= 9.5 + FTE_TOL))
            fail_msg("replication %zu at the horizon: part %.17g (10 funded), full %.17g (12.5 funded), "
                     "cut %.17g (9.5 funded)", i + 1, part, full, cut);
    }
    tu_reps_free(&r);
    scenario_free(sc);
}

static void test_fractional(void **state)
{
    (void)state;
    run_and_check("tests/scenarios/fractional.cfg", NULL, 0, 8, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baseline),
        cmocka_unit_test(test_edge),
        cmocka_unit_test(test_pressure),
        cmocka_unit_test(test_pressure_warmup),
        cmocka_unit_test(test_npv_from_reporting_start),
        cmocka_unit_test(test_detects),
        cmocka_unit_test(test_fractional),
        cmocka_unit_test(test_posts_match_establishment_fractional),
        cmocka_unit_test(test_posts_match_establishment_pressure),
        cmocka_unit_test(test_posts_match_establishment_baseline),
        cmocka_unit_test(test_fractional_posts_fill),
    };
    return cmocka_run_group_tests_name("conservation", tests, NULL, NULL);
}
