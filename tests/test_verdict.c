/* test_verdict.c — what compare.csv's value_for_money and cost_per_unit
 * (and the terminal, which prints the same verdict) say for every way an
 * outcome and the cost can move together, on synthetic replications: a
 * backlog (lower is better) and cost_total, each moved by a set amount in
 * every replication, with small noise so that the intervals are real. */
#include "output/compare.h"
#include "output/stats.h"

#include "sim/check.h"
#include "tests/testutil.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define REPS 10
#define NOISE 0.01      /* +-, alternating: far below the moves of 4 and more */
#define PER_UNIT_REL_TOL 1e-9

enum { K_BACKLOG, K_COST, K_REFERRALS, N_KPIS };

static void layout(struct result_layout *l)
{
    memset(l, 0, sizeof *l);
    l->n_kpis = N_KPIS;
    l->kpi = check_calloc(N_KPIS, sizeof *l->kpi);
    const char *names[N_KPIS] = { "backlog_mean", "cost_total", "referrals_total" };
    const int better[N_KPIS] = { -1, 0, 0 };
    for (size_t k = 0; k < N_KPIS; k++) {
        l->kpi[k].name = check_strdup(names[k]);
        l->kpi[k].unit = check_strdup(k == K_COST ? "£" : "cases");
        l->kpi[k].descr = check_strdup(names[k]);
        l->kpi[k].better = better[k];
    }
    l->date = check_calloc(1, sizeof *l->date);
    l->period_end = check_calloc(1, sizeof *l->period_end);
}

static double noise(size_t i, int phase)
{
    return ((i + (size_t)phase) % 2 ? NOISE : -NOISE) * (double)(i + 1);
}

/* Replications whose backlog and cost are base + the given moves, with a
 * noise whose phase differs between base (0) and alternative (1), so that
 * the paired differences vary (sd about 0.12) and a move of 0 is not
 * significant. */
static struct stats *runs(const struct result_layout *l, double d_backlog, double d_cost, int phase)
{
    struct stats *s = stats_create(l);
    assert_non_null(s);
    struct rep_result r;
    rep_result_alloc(&r, l);
    for (size_t i = 0; i < REPS; i++) {
        double e = noise(i, phase);
        r.rep = i;
        r.kpi[K_BACKLOG] = 100 + d_backlog + e;
        r.kpi[K_COST] = 1e6 + d_cost + e;
        r.kpi[K_REFERRALS] = 500;
        stats_add(s, &r);
    }
    rep_result_free(&r);
    return s;
}

/* The verdict on the backlog when it moves by db and the cost by dc. */
static void expect(double db, double dc, enum compare_verdict want, double want_per_unit)
{
    struct result_layout l;
    layout(&l);
    struct stats *base = runs(&l, 0, 0, 0), *alt = runs(&l, db, dc, 1);
    struct compare_row cost, row;
    assert_true(compare_kpi(&l, base, &l, alt, "cost_total", NULL, &cost));
    assert_true(compare_kpi(&l, base, &l, alt, "backlog_mean", &cost, &row));
    if (row.verdict != want)
        fail_msg("backlog %+g, cost %+g: \"%s\", expected \"%s\"", db, dc, compare_verdict_text(row.verdict),
                 compare_verdict_text(want));
    if (isnan(want_per_unit)) {
        assert_true(isnan(row.cost_per_unit));
    } else {
        /* the mean differences include the noise's, m: (dc + m) / -(db + m) */
        double m = 0;
        for (size_t i = 0; i < REPS; i++)
            m += (noise(i, 1) - noise(i, 0)) / REPS;
        double exact = (dc + m) / -(db + m);
        TU_ASSERT_WITHIN(exact, want_per_unit, 0.01 * want_per_unit);   /* the case is as described */
        TU_ASSERT_WITHIN(row.cost_per_unit, exact, PER_UNIT_REL_TOL * exact);
    }
    assert_true(compare_kpi(&l, base, &l, alt, "referrals_total", &cost, &row));
    assert_int_equal(row.verdict, COMPARE_NEUTRAL);
    assert_true(isnan(row.cost_per_unit));
    stats_destroy(base);
    stats_destroy(alt);
    result_layout_free(&l);
}

static void test_verdicts(void **state)
{
    (void)state;
    /* backlog down by 10 (better), cost up by £5,000: £500 per case gained */
    expect(-10, 5000, COMPARE_COST_PER_GAIN, 500);
    /* backlog up by 4 (worse), cost down by £2,000: £500 saved per case lost */
    expect(4, -2000, COMPARE_SAVING_PER_LOSS, 500);
    expect(-10, -5000, COMPARE_BETTER_CHEAPER, NAN);
    expect(10, 5000, COMPARE_WORSE_DEARER, NAN);
    /* the cost moves within its noise: no price per case, whatever the ratio */
    expect(-10, 0, COMPARE_BETTER_SAME_COST, NAN);
    expect(10, 0, COMPARE_WORSE_SAME_COST, NAN);
    /* the backlog moves within its noise */
    expect(0, 5000, COMPARE_NO_CHANGE, NAN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdicts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
