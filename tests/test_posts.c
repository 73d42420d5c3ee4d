/* test_posts.c — posts and recruitment, on fixtures built to reach their
 * edge cases (tests/scenarios/chain.cfg, tests/scenarios/edge.cfg):
 *
 *   - progression never puts more staff in a grade than its posts, even when
 *     staff leave while waiting for a vacancy in the next grade and their
 *     worker records are reused by new starters, who may be waiting for
 *     another grade;
 *   - vacancies left while recruitment could not succeed (success 0) are
 *     advertised again when it can;
 *   - what falls exactly on the horizon date (an intervention with a one-off
 *     cost, a cohort) belongs to no period and counts in no KPI;
 *   - a first year in practice is a calendar year: newly qualified staff
 *     progress on the anniversary of their start, the day the next cohort
 *     arrives, so no month-end falls between the two, whatever the start
 *     date, leap years included (tests/scenarios/cohort.cfg).
 *
 * Each property is checked in every replication and period; the fixtures'
 * headers say why each one would fail without the rule it tests. */
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

#define SEED 2718
#define REPS 12
#define FTE_TOL 1e-9
#define COST_REL_TOL 1e-9
#define NAME_MAX_LEN 300

static void test_progression_keeps_to_posts(void **state)
{
    (void)state;
    struct scenario *sc = tu_load("tests/scenarios/chain.cfg", NULL, 0);
    struct tu_reps r;
    tu_reps_run(&r, sc, SEED, REPS);
    double waited = 0;   /* the senior grade was full at times: the rule was exercised */
    for (size_t g = 0; g < sc->n_grades; g++) {
        char name[NAME_MAX_LEN];
        snprintf(name, sizeof name, "in_post_%s", sc->grade[g].name);
        size_t m = tu_metric(&r, name);
        double posts = sc->reg.p[sc->grade[g].p_establishment].value;
        for (size_t i = 0; i < r.n; i++)
            for (size_t p = 0; p < r.layout.n_periods; p++) {
                double v = tu_value(&r, i, p, m);
                if (!(v <= posts + FTE_TOL))
                    fail_msg("replication %zu, period %zu: %s = %g on %g posts", i + 1, p + 1, name, v, posts);
                if (sc->grade[g].becomes < 0 && v >= posts - FTE_TOL)
                    waited++;   /* a top grade full: others wait */
            }
    }
    assert_true(waited > 0);
    tu_reps_free(&r);
    scenario_free(sc);
}

/* The freeze (March and April 2024) leaves vacancies; after it nobody
 * leaves and hiring succeeds within weeks, so by December every post is
 * filled again. */
static void test_recruitment_resumes(void **state)
{
    (void)state;
    struct scenario *sc = tu_load("tests/scenarios/edge.cfg", NULL, 0);
    struct tu_reps r;
    tu_reps_run(&r, sc, SEED, REPS);
    size_t m = tu_metric(&r, "vacancies_fte");
    const size_t april = 3, last = r.layout.n_periods - 1;
    for (size_t i = 0; i < r.n; i++) {
        double frozen = tu_value(&r, i, april, m), end = tu_value(&r, i, last, m);
        if (!(frozen > 0))
            fail_msg("replication %zu: no vacancy at the end of the freeze: the fixture does not test", i + 1);
        if (!(fabs(end) <= FTE_TOL))
            fail_msg("replication %zu: %g FTE still vacant in December (%g at the end of the freeze)", i + 1, end,
                     frozen);
    }
    tu_reps_free(&r);
    scenario_free(sc);
}

/* The intervention "late" starts on the horizon date with a one-off cost of
 * £1m, and the January cohort arrives that day: neither may count. */
static void test_horizon_edge(void **state)
{
    (void)state;
    struct scenario *sc = tu_load("tests/scenarios/edge.cfg", NULL, 0);
    struct tu_reps r;
    tu_reps_run(&r, sc, SEED, REPS);
    size_t m_cost = tu_metric(&r, "cost_total"), m_start = tu_metric(&r, "starters");
    size_t k_cost = tu_kpi(&r, "cost_total"), k_iv = tu_kpi(&r, "cost_interventions_total");
    size_t k_training = tu_kpi(&r, "cost_training_total"), m_training = tu_metric(&r, "cost_training");
    for (size_t i = 0; i < r.n; i++) {
        double cost = 0, training = 0, starters = 0;
        for (size_t p = 0; p < r.layout.n_periods; p++) {
            cost += tu_value(&r, i, p, m_cost);
            training += tu_value(&r, i, p, m_training);
            starters += tu_value(&r, i, p, m_start);
        }
        const double *k = r.rep[i].kpi;
        assert_true(starters > 0);
        if (k[k_iv] != 0)
            fail_msg("replication %zu: interventions cost %g, but the only one with a cost starts on the horizon",
                     i + 1, k[k_iv]);
        if (!(fabs(k[k_cost] - cost) <= COST_REL_TOL * cost))
            fail_msg("replication %zu: KPI cost_total %.17g, the periods sum to %.17g", i + 1, k[k_cost], cost);
        if (!(fabs(k[k_training] - training) <= COST_REL_TOL * training))
            fail_msg("replication %zu: KPI cost_training_total %.17g, the periods sum to %.17g", i + 1,
                     k[k_training], training);
    }
    tu_reps_free(&r);
    scenario_free(sc);
}

/* The cohort fixture with its start moved to April of each year from 2023
 * to 2030: each run spans three cohorts, and two first years in practice
 * that hold a 29 February (those of the 2027 and 2031 cohorts) are met
 * from several starts. Nobody leaves and only the cohort fills the nqsw
 * posts, so from the first cohort on every month-end must find the nqsw
 * grade full; the sw grade must grow by a cohort each year (staff did
 * progress: the check is not vacuous). */
#define COHORT_SIZE 6.0
#define FIRST_YEAR 2023
#define LAST_YEAR 2030

static void test_first_year_is_a_calendar_year(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    size_t len;
    char *text = tu_read("tests/scenarios/cohort.cfg", &len);
    const char *needle = "start = \"2024-04-01\";";
    char *at = strstr(text, needle);
    assert_non_null(at);
    for (int year = FIRST_YEAR; year <= LAST_YEAR; year++) {
        char start[32];
        snprintf(start, sizeof start, "start = \"%d-04-01\";", year);
        assert_int_equal(strlen(start), strlen(needle));
        memcpy(at, start, strlen(start));
        char *path = tu_write(dir, "cohort.cfg", text);
        struct scenario *sc = tu_load(path, NULL, 0);
        struct tu_reps r;
        tu_reps_run(&r, sc, SEED, 2);
        size_t m_nqsw = tu_metric(&r, "in_post_nqsw"), m_sw = tu_metric(&r, "in_post_sw");
        const size_t september = 5;   /* the sixth month from April */
        for (size_t i = 0; i < r.n; i++) {
            for (size_t p = september; p < r.layout.n_periods; p++) {
                double v = tu_value(&r, i, p, m_nqsw);
                if (!(fabs(v - COHORT_SIZE) <= FTE_TOL))
                    fail_msg("start %d-04-01, replication %zu: in_post_nqsw = %g at the end of %s (a "
                             "cohort of %g, nobody leaves)", year, i + 1, v, r.layout.date[p],
                             COHORT_SIZE);
            }
            double sw0 = sc->reg.p[sc->grade[1].p_in_post].value;
            double sw = tu_value(&r, i, r.layout.n_periods - 1, m_sw);
            if (!(fabs(sw - sw0 - 2 * COHORT_SIZE) <= FTE_TOL))
                fail_msg("start %d-04-01: in_post_sw went from %g to %g, not by two cohorts", year, sw0, sw);
        }
        tu_reps_free(&r);
        scenario_free(sc);
        free(path);
    }
    free(text);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_progression_keeps_to_posts),
        cmocka_unit_test(test_recruitment_resumes),
        cmocka_unit_test(test_horizon_edge),
        cmocka_unit_test(test_first_year_is_a_calendar_year),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
