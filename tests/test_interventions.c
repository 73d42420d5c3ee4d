/* test_interventions.c — interventions that overlap on one parameter.
 *
 * The law: the value of a parameter on day t is its base value folded
 * through every intervention on it in force at t (from <= t < until), in
 * order of start, file order for equal starts: set replaces, add adds,
 * scale multiplies. One ending on t and another starting on t: only the new
 * one is in force at t. The run, `check`'s validation and the pre-run
 * estimate all follow it.
 *
 * The run is observed through tests/scenarios/overlap.cfg, where grade m's
 * vacancies at each period end are its establishment just before that day
 * (nobody in post, nobody hired). Each case appends interventions on that
 * establishment: nested, overlapping, abutting, equal starts, open-ended,
 * a scale by 0; every period is checked against a reference fold written
 * here from the law, and every day against scenario_value_at. Warnings
 * about unusual values (scenario_warnings) follow the same fold. */
#include "models/estimate.h"
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

#define SEED 1618
#define REPS 2
#define FTE_TOL 1e-9
#define PATH "workforce.grades.m.establishment"
#define FIXTURE_DIR "tests/scenarios"

/* The fixture with interventions ivs appended; NULL when it does not load
 * (the problems in d, which the caller frees). */
static struct scenario *load_set(const char *ivs, char *const *sets, size_t n_sets, struct diag *d)
{
    char text[8192];
    int n = (int)strlen(ivs) - 1;   /* each IV ends with a comma: not the last */
    snprintf(text, sizeof text, "@include \"overlap.cfg\"\ninterventions = (\n%.*s\n);\n", n, ivs);
    return scenario_load_text(text, "overlap-case.cfg", FIXTURE_DIR, sets, n_sets, d);
}

static struct scenario *load_with(const char *ivs, struct diag *d) { return load_set(ivs, NULL, 0, d); }

/* The case with the overrides sets (--set); fails the test if it does not
 * load. */
static struct scenario *must_load_set(const char *ivs, char *const *sets, size_t n_sets)
{
    struct diag d;
    diag_init(&d, 20);
    struct scenario *sc = load_set(ivs, sets, n_sets, &d);
    if (!sc) {
        diag_print(&d, stderr, "scenario");
        fail_msg("the case does not load:\n%s", ivs);
    }
    diag_free(&d);
    return sc;
}

static struct scenario *must_load(const char *ivs) { return must_load_set(ivs, NULL, 0); }

/* The law, written out: interventions on parameter i in force at t, taken
 * by start (selection of the earliest not yet taken; file order on ties). */
static double reference(const struct scenario *sc, size_t i, double t)
{
    double v = sc->reg.p[i].value;
    bool taken[64] = { false };
    assert_true(sc->n_iv <= 64);
    for (;;) {
        size_t k = SIZE_MAX;
        for (size_t j = 0; j < sc->n_iv; j++)
            if (!taken[j] && (k == SIZE_MAX || sc->iv[j].from_day < sc->iv[k].from_day))
                k = j;
        if (k == SIZE_MAX)
            return v;
        taken[k] = true;
        const struct intervention_spec *iv = &sc->iv[k];
        if (iv->param != i || t < iv->from_day || t >= iv->until_day)
            continue;
        double a = sc->reg.p[iv->p_amount].value;
        v = iv->op == IV_SET ? a : iv->op == IV_ADD ? v + a : v * a;
    }
}

/* Run the case; check every day's scenario_value_at and every period's
 * vacancies against the reference, and the first n_want periods against
 * want (worked by hand). */
static void check_case_set(const char *ivs, char *const *sets, size_t n_sets, const double *want, size_t n_want)
{
    struct scenario *sc = must_load_set(ivs, sets, n_sets);
    size_t p_est = (size_t)params_find(&sc->reg, PATH);
    double horizon = scenario_horizon_days(sc, NULL);
    for (double t = 0; t <= horizon; t++)
        if (scenario_value_at(sc, p_est, t) != reference(sc, p_est, t))
            fail_msg("day %g: scenario_value_at gives %g, the law %g\n%s", t, scenario_value_at(sc, p_est, t),
                     reference(sc, p_est, t), ivs);
    struct tu_reps r;
    tu_reps_run(&r, sc, SEED, REPS);
    size_t m = tu_metric(&r, "vacancies_fte");
    for (size_t i = 0; i < r.n; i++)
        for (size_t p = 0; p < r.layout.n_periods; p++) {
            /* a period's stock is taken before anything else on its end day */
            double t = r.layout.period_end[p] - 1;
            double got = tu_value(&r, i, p, m), law = reference(sc, p_est, t);
            if (!(fabs(got - law) <= FTE_TOL))
                fail_msg("replication %zu, period %zu (%s): establishment %g, the law gives %g\n%s", i + 1, p + 1,
                         r.layout.date[p], got, law, ivs);
            if (p < n_want && !(fabs(got - want[p]) <= FTE_TOL))
                fail_msg("period %zu (%s): establishment %g, expected %g\n%s", p + 1, r.layout.date[p], got,
                         want[p], ivs);
        }
    tu_reps_free(&r);
    scenario_free(sc);
}

static void check_case(const char *ivs, const double *want, size_t n_want)
{
    check_case_set(ivs, NULL, 0, want, n_want);
}

#define IV(name, from, until, op, amount)                                                   \
    "{ name = \"" name "\"; from = \"" from "\"; " until " param = \"" PATH "\"; " op " = " amount "; },"
#define UNTIL(d) "until = \"" d "\";"

/* The reported case: set 30 from May to September, add 2 from July to
 * January on 195: 195, 30, 32, then 197 (the add outlives the set), 195. */
static void test_set_then_add(void **state)
{
    (void)state;
    const double want[] = { 195, 30, 30, 32, 32, 197, 197, 197, 197, 195, 195 };
    check_case(IV("set", "2024-05-01", UNTIL("2024-09-01"), "set", "30.0")
               IV("add", "2024-07-01", UNTIL("2025-01-01"), "add", "2.0"),
               want, sizeof want / sizeof *want);
}

/* Nested: an add inside a scale, and a set inside both. */
static void test_nested(void **state)
{
    (void)state;
    const double want[] = { 195, 195, 292.5, 292.5, 302.5, 45, 302.5, 292.5, 292.5, 195 };
    check_case(IV("outer", "2024-06-01", UNTIL("2025-01-01"), "scale", "1.5")
               IV("inner", "2024-08-01", UNTIL("2024-11-01"), "add", "10.0")
               IV("innermost", "2024-09-01", UNTIL("2024-10-01"), "set", "45.0"),
               want, sizeof want / sizeof *want);
}

/* Overlapping: each starts while the one before is in force and ends after
 * it; and the same starts listed in another order in the file. */
static void test_overlapping(void **state)
{
    (void)state;
    check_case(IV("add", "2024-05-01", UNTIL("2024-09-01"), "add", "10.0")
               IV("scale", "2024-07-01", UNTIL("2025-01-01"), "scale", "2.0")
               IV("set", "2024-08-15", UNTIL("2024-11-01"), "set", "50.0")
               IV("add again", "2024-10-01", UNTIL("2025-03-01"), "add", "-7.25"),
               NULL, 0);
    check_case(IV("add again", "2024-10-01", UNTIL("2025-03-01"), "add", "-7.25")
               IV("set", "2024-08-15", UNTIL("2024-11-01"), "set", "50.0")
               IV("scale", "2024-07-01", UNTIL("2025-01-01"), "scale", "2.0")
               IV("add", "2024-05-01", UNTIL("2024-09-01"), "add", "10.0"),
               NULL, 0);
}

/* Abutting: one ends the day the next starts (on a period boundary and
 * mid-month); on that day only the new one is in force. */
static void test_abutting(void **state)
{
    (void)state;
    const char *ivs = IV("later", "2024-08-01", UNTIL("2024-11-15"), "add", "5.0")
                      IV("first", "2024-05-01", UNTIL("2024-08-01"), "set", "80.0")
                      IV("last", "2024-11-15", "", "scale", "0.5");
    const double want[] = { 195, 80, 80, 80, 200, 200, 200, 97.5, 97.5, 97.5 };
    check_case(ivs, want, sizeof want / sizeof *want);
    struct scenario *sc = must_load(ivs);
    size_t p_est = (size_t)params_find(&sc->reg, PATH);
    double aug1 = 122, nov15 = 228;   /* days from 2024-04-01 */
    assert_true(scenario_value_at(sc, p_est, aug1) == 200);
    assert_true(scenario_value_at(sc, p_est, aug1 - 1) == 80);
    assert_true(scenario_value_at(sc, p_est, nov15) == 97.5);
    assert_true(scenario_value_at(sc, p_est, nov15 - 1) == 200);
    scenario_free(sc);
}

/* Equal starts fold in file order: (195 + 10) x 2, then 195 x 2 + 10. */
static void test_equal_starts(void **state)
{
    (void)state;
    const double want1[] = { 195, 195, 410, 410, 390 };
    check_case(IV("add", "2024-06-01", UNTIL("2024-08-01"), "add", "10.0")
               IV("scale", "2024-06-01", UNTIL("2024-09-01"), "scale", "2.0"),
               want1, sizeof want1 / sizeof *want1);
    const double want2[] = { 195, 195, 400, 400, 390 };
    check_case(IV("scale", "2024-06-01", UNTIL("2024-09-01"), "scale", "2.0")
               IV("add", "2024-06-01", UNTIL("2024-08-01"), "add", "10.0"),
               want2, sizeof want2 / sizeof *want2);
}

/* A scale by 0 that ends, under an add that outlives it; an open-ended
 * add under a set. */
static void test_scale_zero_and_open_ended(void **state)
{
    (void)state;
    const double want[] = { 195, 0, 4, 199, 199, 20, 20, 199, 199 };
    check_case(IV("zero", "2024-05-01", UNTIL("2024-07-01"), "scale", "0.0")
               IV("add", "2024-06-01", "", "add", "4.0")
               IV("set", "2024-09-01", UNTIL("2024-11-01"), "set", "20.0"),
               want, sizeof want / sizeof *want);
}

/* check: a set of 300 ends while an add of -250 goes on, leaving 195 - 250
 * = -55 (an establishment cannot be negative): an error. Restoring the
 * value saved when the set started would have hidden it. */
static void test_check_follows_the_fold(void **state)
{
    (void)state;
    struct diag d;
    diag_init(&d, 20);
    struct scenario *sc = load_with(IV("set", "2024-05-01", UNTIL("2024-09-01"), "set", "300.0")
                                    IV("cut", "2024-07-01", UNTIL("2025-01-01"), "add", "-250.0"),
                                    &d);
    assert_null(sc);
    assert_true(d.n >= 1);
    tu_assert_contains(d.msg[0], "would make " PATH " = -55 (allowed:");
    diag_free(&d);

    /* Abutting cuts of 120 each, the later one listed first: each alone
     * leaves 75, and they are never in force together (on the day one ends
     * and the other starts, only the new one is), so nothing is wrong. */
    sc = must_load(IV("second cut", "2024-08-01", "", "add", "-120.0")
                   IV("first cut", "2024-05-01", UNTIL("2024-08-01"), "add", "-120.0"));
    scenario_free(sc);
}

/* The estimate takes the largest value of the fold: two adds of 100 that
 * are never in force together make 295 at most, not 395. */
static void test_estimate_follows_the_fold(void **state)
{
    (void)state;
    struct scenario *sc = must_load(IV("spring", "2024-05-01", UNTIL("2024-06-01"), "add", "100.0")
                                    IV("autumn", "2024-09-01", "", "add", "100.0"));
    char *sets[] = { PATH "=295" };
    struct scenario *flat = tu_load(FIXTURE_DIR "/overlap.cfg", sets, 1);
    struct estimate e, ef;
    estimate_scenario(sc, &e);
    estimate_scenario(flat, &ef);
    assert_true(e.workers_peak == ef.workers_peak);
    scenario_free(flat);
    scenario_free(sc);
}

/* Warnings about unusual values follow the fold too: a set that ends
 * leaves the add under it, 195 + 1850 = 2045 FTE, beyond the usual 2,000;
 * while the set was in force the add gave 1,950, which is usual. */
static void test_warnings_follow_the_fold(void **state)
{
    (void)state;
    struct scenario *sc = must_load(IV("freeze", "2024-05-01", UNTIL("2024-09-01"), "set", "100.0")
                                    IV("expansion", "2024-06-01", "", "add", "1850.0"));
    struct diag w;
    diag_init(&w, 20);
    assert_int_equal(scenario_warnings(sc, &w), 1);
    tu_assert_contains(w.msg[0], "overlap-case.cfg:");
    tu_assert_contains(w.msg[0], ": interventions.freeze: warning: leaves " PATH " = 2045 when it ends on "
                                 "2024-09-01, outside the usual range 0\u20132000 FTE");
    diag_free(&w);
    scenario_free(sc);
}

/* An intervention's dates are parameters: --set moves one, and the fold
 * follows it. The set of 30 moved from May to August now starts after
 * the add (July): in August the set replaces 197 with 30, and in July the
 * add alone gives 197. A sweep's way (scenario_set_value) re-sorts too. */
static void test_dates_are_parameters(void **state)
{
    (void)state;
    const char *ivs = IV("set", "2024-05-01", UNTIL("2024-09-01"), "set", "30.0")
                      IV("add", "2024-07-01", UNTIL("2025-01-01"), "add", "2.0");
    char *sets[] = { "interventions.set.from=2024-08-01" };
    const double want[] = { 195, 195, 195, 197, 30, 197, 197, 197, 197, 195, 195 };
    check_case_set(ivs, sets, 1, want, sizeof want / sizeof *want);

    struct scenario *sc = must_load(ivs);
    size_t p_est = (size_t)params_find(&sc->reg, PATH);
    long from = params_find(&sc->reg, "interventions.set.from");
    long until = params_find(&sc->reg, "interventions.set.until");
    assert_true(from >= 0 && until >= 0);
    assert_true(sc->reg.p[from].kind == PARAM_DATE);
    double aug15 = 136;   /* days from 2024-04-01 */
    assert_true(scenario_value_at(sc, p_est, aug15) == 32);   /* set, then add */
    scenario_set_value(sc, (size_t)from, 122);                 /* 2024-08-01 */
    assert_true(scenario_value_at(sc, p_est, aug15) == 30);   /* add, then set */
    assert_true(sc->iv[0].from_day == 122);
    scenario_set_value(sc, (size_t)until, 130);
    assert_true(scenario_value_at(sc, p_est, aug15) == 197);  /* the set is over */
    scenario_free(sc);
}

/* Dates set on the command line are checked as the file's are, naming
 * --set: a start before the scenario's, an end not after the start, and
 * something that is not a date. */
static void test_date_errors_name_the_set(void **state)
{
    (void)state;
    const char *ivs = IV("set", "2024-05-01", UNTIL("2024-09-01"), "set", "30.0");
    const struct {
        const char *set, *want;
    } bad[] = {
        { "interventions.set.from=2024-03-31",
          "--set: interventions.set.from: is before the scenario's start (allowed: 2024-04-01 or later)" },
        { "interventions.set.until=2024-05-01",
          "--set: interventions.set.until: is not after from, 2024-05-01 (allowed: a date after from)" },
        { "interventions.set.from=2024-10-01",
          "overlap-case.cfg:3: interventions.set.until: is not after from, 2024-10-01 (allowed: a date after from)" },
        { "interventions.set.from=2024-9-01",
          "--set: interventions.set.from: \"2024-9-01\" is not a valid value (allowed: a date YYYY-MM-DD)" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        struct diag d;
        diag_init(&d, 20);
        char *sets[] = { (char *)bad[k].set };
        assert_null(load_set(ivs, sets, 1, &d));
        assert_int_equal(d.n, 1);
        tu_assert_contains(d.msg[0], bad[k].want);
        diag_free(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_then_add),
        cmocka_unit_test(test_nested),
        cmocka_unit_test(test_overlapping),
        cmocka_unit_test(test_abutting),
        cmocka_unit_test(test_equal_starts),
        cmocka_unit_test(test_scale_zero_and_open_ended),
        cmocka_unit_test(test_check_follows_the_fold),
        cmocka_unit_test(test_estimate_follows_the_fold),
        cmocka_unit_test(test_warnings_follow_the_fold),
        cmocka_unit_test(test_dates_are_parameters),
        cmocka_unit_test(test_date_errors_name_the_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
