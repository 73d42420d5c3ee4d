/* test_verdict.c — what compare.csv's value_for_money and cost_per_unit
 * (and the terminal, which prints the same verdict) say for every way an
 * outcome and the cost can move together, on synthetic replications: a
 * backlog (lower is better) and cost_total, each moved by a set amount in
 * every replication, with small noise so that the intervals are real; a
 * share moved the same way gets the same judgement but never a price. And
 * the ranking of options on the cost-effectiveness frontier
 * (compare_rank), on hand-made costs and gains. */
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

enum { K_BACKLOG, K_COST, K_REFERRALS, K_RATE, N_KPIS };

static void layout(struct result_layout *l)
{
    memset(l, 0, sizeof *l);
    l->n_kpis = N_KPIS;
    l->kpi = check_calloc(N_KPIS, sizeof *l->kpi);
    const char *names[N_KPIS] = { "backlog_mean", "cost_total", "referrals_total", "vacancy_rate_mean" };
    const char *units[N_KPIS] = { "cases", "£", "referrals", "share" };
    const int better[N_KPIS] = { -1, 0, 0, -1 };
    for (size_t k = 0; k < N_KPIS; k++) {
        l->kpi[k].name = check_strdup(names[k]);
        l->kpi[k].unit = check_strdup(units[k]);
        l->kpi[k].descr = check_strdup(names[k]);
        l->kpi[k].better = better[k];
        l->kpi[k].priceable = k == K_BACKLOG;
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
        r.kpi[K_RATE] = 0.2 + (d_backlog + e) / 1000;   /* moves as the backlog, in a share */
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
    /* a share moving as the backlog does: the same judgement, never a price */
    assert_true(compare_kpi(&l, base, &l, alt, "vacancy_rate_mean", &cost, &row));
    enum compare_verdict as_share = want == COMPARE_COST_PER_GAIN    ? COMPARE_BETTER_DEARER
                                    : want == COMPARE_SAVING_PER_LOSS ? COMPARE_WORSE_CHEAPER
                                                                      : want;
    if (row.verdict != as_share)
        fail_msg("share %+g: \"%s\", expected \"%s\"", db / 1000, compare_verdict_text(row.verdict),
                 compare_verdict_text(as_share));
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

/* ---- the cost-effectiveness frontier ------------------------------------- */

/* Seven options by hand (cost in £, gain in units), the base first:
 *
 *   A base            0       0
 *   B               120.5    10     ICER over A 12.05
 *   C               400      25     ICER over B 279.5 / 15 = 18.63
 *   D               900      30     strongly dominated by E (dearer, gains less)
 *   E               700      40     ICER over C 300 / 15 = 20
 *   F              1700      60     ICER over E 50
 *   G               300       8     strongly dominated by B (dearer, gains less)
 *
 * C's ICER over B, 279.5 / 15 = 18.63, is below E's over C, 300 / 15 = 20:
 * C stays. Move C to cost 450: its ICER over B is 21.97, E's over it 16.67,
 * so C is extendedly dominated and E's ICER is then over B: 579.5 / 30. */
static void test_frontier(void **state)
{
    (void)state;
    struct compare_option o[] = {
        { .cost = 0, .gain = 0 },      { .cost = 120.5, .gain = 10 }, { .cost = 450, .gain = 25 },
        { .cost = 900, .gain = 30 },   { .cost = 700, .gain = 40 },   { .cost = 1700, .gain = 60 },
        { .cost = 300, .gain = 8 },
    };
    compare_rank(o, 7);
    const enum compare_dominance dom[7] = { COMPARE_ON_FRONTIER, COMPARE_ON_FRONTIER, COMPARE_EXTENDEDLY,
                                            COMPARE_STRONGLY, COMPARE_ON_FRONTIER, COMPARE_ON_FRONTIER,
                                            COMPARE_STRONGLY };
    /* the frontier's gainers by cost per unit gained against A (B 12.05,
     * E 17.5, F 28.33), then A itself (it gains nothing), then C, then the
     * strongly dominated by cost per unit gained: D 30, G 37.5 */
    const size_t rank[7] = { 4, 1, 5, 6, 2, 3, 7 };
    for (size_t i = 0; i < 7; i++) {
        if (o[i].dominated != dom[i] || o[i].rank != rank[i])
            fail_msg("option %c: %s, rank %zu (expected %s, rank %zu)", (char)('A' + i),
                     compare_dominance_text(o[i].dominated), o[i].rank, compare_dominance_text(dom[i]), rank[i]);
    }
    assert_true(isnan(o[0].icer));
    TU_ASSERT_WITHIN(o[1].icer, 12.05, 1e-12);
    TU_ASSERT_WITHIN(o[4].icer, 579.5 / 30, 1e-12);
    TU_ASSERT_WITHIN(o[5].icer, 50, 1e-12);
    assert_true(isnan(o[2].icer) && isnan(o[3].icer) && isnan(o[6].icer));
    assert_string_equal(compare_dominance_text(o[2].dominated), "extendedly");
    assert_string_equal(compare_dominance_text(o[3].dominated), "strongly");
    assert_string_equal(compare_dominance_text(o[1].dominated), "");

    /* an option cheaper and worse than A (on the frontier: nothing is
     * cheaper; A's ICER over it, 900 / 40 = 22.5, is below the next's, 100)
     * ranks after A, which loses nothing */
    struct compare_option h[] = { { .cost = 0, .gain = 0 }, { .cost = -900, .gain = -40 }, { .cost = 1000, .gain = 10 } };
    compare_rank(h, 3);
    assert_int_equal(h[1].dominated, COMPARE_ON_FRONTIER);
    assert_int_equal(h[2].rank, 1);
    assert_int_equal(h[0].rank, 2);
    assert_int_equal(h[1].rank, 3);

    /* with C at 400 it is on the frontier, between B and E (16 per unit
     * gained against A) */
    o[2].cost = 400;
    compare_rank(o, 7);
    assert_int_equal(o[2].dominated, COMPARE_ON_FRONTIER);
    assert_int_equal(o[2].rank, 2);
    TU_ASSERT_WITHIN(o[2].icer, 279.5 / 15, 1e-12);
    TU_ASSERT_WITHIN(o[4].icer, 20, 1e-12);
}

/* An option that is cheaper and better than the base dominates it; two
 * identical options: the later is dominated; a NaN cost is unranked. */
static void test_frontier_edges(void **state)
{
    (void)state;
    struct compare_option o[] = {
        { .cost = 0, .gain = 0 }, { .cost = -50, .gain = 5 }, { .cost = -50, .gain = 5 }, { .cost = NAN, .gain = 1 },
    };
    compare_rank(o, 4);
    assert_int_equal(o[0].dominated, COMPARE_STRONGLY);
    assert_int_equal(o[1].dominated, COMPARE_ON_FRONTIER);
    assert_int_equal(o[2].dominated, COMPARE_STRONGLY);
    assert_int_equal(o[3].dominated, COMPARE_UNRANKED);
    assert_int_equal(o[1].rank, 1);
    assert_int_equal(o[3].rank, 0);
    assert_true(isnan(o[1].icer));   /* the first on the frontier has nothing before it */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdicts),
        cmocka_unit_test(test_frontier),
        cmocka_unit_test(test_frontier_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
