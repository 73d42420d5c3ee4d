/* test_feedback.c — the loop from caseloads to sickness and leaving.
 *
 * A worker's sickness and leaving hazards are multiplied by
 * 1 + gain * max(0, load/cap - 1). In a service short of staff, where
 * overload lets loads exceed caps, raising workforce.pressure.sickness_gain
 * and turnover_gain (as --set does) must raise the sickness rate and the
 * turnover rate. The runs are paired: the same master seed, so replication r
 * sees the same referrals, case durations and staff draws in both settings
 * (common random numbers), and the difference d_r between the settings
 * varies far less than either. The increase must exceed 3 standard errors of
 * the paired differences: mean(d) > 3 sd(d) / sqrt(n) (a one-sided test at
 * p = 0.0045 with Student t at n = 16 — so it fails if the effect is
 * absent, reversed or lost in noise).
 *
 * With both gains 0 the multiplier is exactly 1 whatever the load, so the
 * hazards never depend on the cases: the staff's history (starters, leavers,
 * sickness, agency cover, vacancies, costs) is a function of the staff
 * streams alone. Cases never change a worker's rates, and no staff event is
 * scheduled by a case event, so the same seed must give bit-identical staff
 * stocks, flows and costs under very different loads. (This holds because
 * every random draw of a worker or post comes from its own stream, and staff
 * and case events never fall at the same instant: case times are
 * continuous.) Time averages of staff stocks (sickness rate, mean staff in
 * post) are the exception in the last bits only: they are integrated at
 * every event, cases' included, so they match to rounding (see
 * INTEGRAL_REL_TOL). */
#include "models/scenario.h"
#include "output/stats.h"
#include "tests/testutil.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define SEED 8675309
#define REPS 16
#define SE_MULT 3.0
#define MAX_SETS 16

/* The baseline council with about two thirds of its case-holding staff, every
 * stage allowed 60% over cap rather than wait: loads sit well above caps. */
static const char *const short_staffed[] = {
    "workforce.grades.nqsw.establishment=12", "workforce.grades.nqsw.in_post=11",
    "workforce.grades.sw.establishment=72",   "workforce.grades.sw.in_post=66.5",
    "workforce.grades.senior.establishment=26", "workforce.grades.senior.in_post=24",
    "allocation.overload_priority=3",          "allocation.overload_factor=1.6",
};
#define N_SHORT (sizeof short_staffed / sizeof *short_staffed)

/* Run the short-staffed baseline with extra overrides. */
static void run(struct tu_reps *r, const char *const *extra, size_t n_extra)
{
    char *sets[MAX_SETS];
    size_t n = 0;
    for (size_t i = 0; i < N_SHORT; i++)
        sets[n++] = (char *)short_staffed[i];
    for (size_t i = 0; i < n_extra; i++)
        sets[n++] = (char *)extra[i];
    struct scenario *sc = tu_load("scenarios/baseline.cfg", sets, n);
    tu_reps_run(r, sc, SEED, REPS);
    scenario_free(sc);
}

/* Paired differences hi - lo of KPI name. */
static void paired(const struct tu_reps *lo, const struct tu_reps *hi, const char *name, struct summary *out)
{
    size_t k = tu_kpi(lo, name);
    double d[REPS];
    for (size_t i = 0; i < REPS; i++)
        d[i] = hi->rep[i].kpi[k] - lo->rep[i].kpi[k];
    stats_summary_of(d, REPS, out);
}

static void assert_increase(const struct tu_reps *lo, const struct tu_reps *hi, const char *name)
{
    struct summary s;
    paired(lo, hi, name, &s);
    double se = s.sd / sqrt((double)s.n);
    print_message("%s: paired increase %.5g (se %.3g)\n", name, s.mean, se);
    if (!(s.mean > SE_MULT * se))
        fail_msg("%s rose by %.6g, not more than %.1f standard errors (%.6g)", name, s.mean, SE_MULT, SE_MULT * se);
}

/* Raising the gains raises sickness and leaving; so does raising only the
 * matching gain. */
static void test_gains_raise_sickness_and_turnover(void **state)
{
    (void)state;
    const char *none[] = { "workforce.pressure.sickness_gain=0", "workforce.pressure.turnover_gain=0" };
    const char *high[] = { "workforce.pressure.sickness_gain=3.5", "workforce.pressure.turnover_gain=4.25" };
    const char *sick_only[] = { "workforce.pressure.sickness_gain=3.5", "workforce.pressure.turnover_gain=0" };
    const char *leave_only[] = { "workforce.pressure.sickness_gain=0", "workforce.pressure.turnover_gain=4.25" };
    struct tu_reps r0, r1, rs, rl;
    run(&r0, none, 2);
    run(&r1, high, 2);
    run(&rs, sick_only, 2);
    run(&rl, leave_only, 2);

    /* The premise: case-holders are over their caps. */
    size_t m_cl = tu_metric(&r0, "caseload_mean"), m_cap = tu_metric(&r0, "caseload_cap");
    double over = 0;
    for (size_t i = 0; i < REPS; i++)
        for (size_t p = 0; p < r0.layout.n_periods; p++)
            over += tu_value(&r0, i, p, m_cl) / tu_value(&r0, i, p, m_cap) - 1;
    over /= (double)(REPS * r0.layout.n_periods);
    print_message("mean load / cap - 1 with gains 0: %.3f\n", over);
    assert_true(over > 0.1); /* about 0.43 */

    assert_increase(&r0, &r1, "sickness_rate_mean");
    assert_increase(&r0, &r1, "turnover_rate");
    assert_increase(&r0, &rs, "sickness_rate_mean");
    assert_increase(&r0, &rl, "turnover_rate");
    /* and leaving more, sickness more: fewer staff in post */
    assert_increase(&r1, &r0, "staff_in_post_mean");
    tu_reps_free(&r0);
    tu_reps_free(&r1);
    tu_reps_free(&rs);
    tu_reps_free(&rl);
}

/* Staff values that are time averages: stocks integrated over time at every
 * event (metrics_advance), so the sum is cut into more pieces under a
 * heavier load and rounds differently. Over a period of n events the
 * rounding is at most n x 2^-53 of the value (n < 10^5 here: under 1e-11). */
#define INTEGRAL_REL_TOL 1e-9

static const char *const integral_metrics[] = { "sickness_rate" };
static const char *const integral_kpis[] = {
    "staff_in_post_mean", "sickness_rate_mean", "agency_fte_mean", "turnover_rate",
};

/* Stocks, flows and costs of the staff: counted at staff events only. */
static const char *const exact_metrics[] = {
    "staff_in_post_fte", "staff_sick_fte", "vacancies_fte", "agency_fte", "unsupervised_fte",
    "starters", "leavers", "cost_staff", "cost_agency", "cost_recruitment", "cost_training",
    "cost_interventions", "cost_total", "cost_cumulative", "establishment_fte", "agency_starts",
};
static const char *const exact_kpis[] = {
    "vacancy_rate_mean", "cost_total", "cost_npv", "cost_staff_total", "cost_agency_total",
    "cost_recruitment_total", "cost_training_total", "agency_share_of_staff_cost",
};

#define COUNT(a) (sizeof a / sizeof *a)

static bool differ(double x, double y, bool exact)
{
    return exact ? x != y : !(fabs(x - y) <= INTEGRAL_REL_TOL * fmax(fabs(x), fabs(y)));
}

/* Count the staff values (metrics in every period, KPIs) that differ
 * between a and b: exactly, or beyond rounding for time averages. */
static size_t staff_differences(const struct tu_reps *a, const struct tu_reps *b, size_t *compared)
{
    size_t diff = 0;
    *compared = 0;
    for (size_t m = 0; m < a->layout.n_metrics; m++) /* in_post_<grade>: exact */
        if (strncmp(a->layout.metric[m].name, "in_post_", 8) == 0)
            for (size_t i = 0; i < REPS; i++)
                for (size_t p = 0; p < a->layout.n_periods; p++) {
                    (*compared)++;
                    diff += differ(tu_value(a, i, p, m), tu_value(b, i, p, m), true);
                }
    for (int exact = 0; exact < 2; exact++) {
        const char *const *names = exact ? exact_metrics : integral_metrics;
        size_t n = exact ? COUNT(exact_metrics) : COUNT(integral_metrics);
        for (size_t j = 0; j < n; j++) {
            size_t m = tu_metric(a, names[j]);
            for (size_t i = 0; i < REPS; i++)
                for (size_t p = 0; p < a->layout.n_periods; p++) {
                    (*compared)++;
                    diff += differ(tu_value(a, i, p, m), tu_value(b, i, p, m), exact);
                }
        }
        names = exact ? exact_kpis : integral_kpis;
        n = exact ? COUNT(exact_kpis) : COUNT(integral_kpis);
        for (size_t j = 0; j < n; j++) {
            size_t k = tu_kpi(a, names[j]);
            for (size_t i = 0; i < REPS; i++) {
                (*compared)++;
                diff += differ(a->rep[i].kpi[k], b->rep[i].kpi[k], exact);
            }
        }
    }
    return diff;
}

/* With gains 0, the staff's history is the same under a much heavier load;
 * with gains above 0 it is not (so the comparison can fail). */
static void test_no_gain_no_feedback(void **state)
{
    (void)state;
    const char *light[] = { "workforce.pressure.sickness_gain=0", "workforce.pressure.turnover_gain=0" };
    const char *heavy[] = { "workforce.pressure.sickness_gain=0", "workforce.pressure.turnover_gain=0",
                            "demand.referrals_per_year=4437.5" };
    const char *light_g[] = { "workforce.pressure.sickness_gain=0.8", "workforce.pressure.turnover_gain=0" };
    const char *heavy_g[] = { "workforce.pressure.sickness_gain=0.8", "workforce.pressure.turnover_gain=0",
                              "demand.referrals_per_year=4437.5" };
    struct tu_reps a, b, c, d;
    run(&a, light, 2);
    run(&b, heavy, 3);

    /* the loads do differ */
    size_t k_cl = tu_kpi(&a, "caseload_mean"), k_bl = tu_kpi(&a, "backlog_mean");
    for (size_t i = 0; i < REPS; i++) {
        assert_true(b.rep[i].kpi[k_cl] > a.rep[i].kpi[k_cl]);
        assert_true(b.rep[i].kpi[k_bl] > a.rep[i].kpi[k_bl]);
    }
    size_t compared;
    size_t diff = staff_differences(&a, &b, &compared);
    if (diff)
        fail_msg("with gains 0, %zu of %zu staff values changed with the load", diff, compared);

    run(&c, light_g, 2);
    run(&d, heavy_g, 3);
    diff = staff_differences(&c, &d, &compared);
    print_message("with sickness_gain 0.8: %zu of %zu staff values change with the load\n", diff, compared);
    assert_true(diff > 0);
    tu_reps_free(&a);
    tu_reps_free(&b);
    tu_reps_free(&c);
    tu_reps_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gains_raise_sickness_and_turnover),
        cmocka_unit_test(test_no_gain_no_feedback),
    };
    return cmocka_run_group_tests_name("feedback", tests, NULL, NULL);
}
