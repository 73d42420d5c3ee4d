/* test_stats.c — statistics across replications: moments against a two-pass
 * computation, exact KPI quantiles (R type 7), P² quantiles within a
 * tolerance derived from the sampling error, Student t critical values,
 * small counts and missing values; intervals kept inside the values a
 * metric can take, with the coverage unchanged, in a run's own files too. */
#include "output/stats.h"

#include "models/metrics.h"
#include "models/scenario.h"
#include "output/csv_in.h"
#include "sim/check.h"
#include "tests/testutil.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define TEST_SEED 20250131UL
#define REL_TOL 1e-9            /* streaming moments vs two-pass */
#define EXACT_TOL 1e-12         /* results that are exact up to rounding */
#define P2_REPS 10000
#define P2_SE_MULT 4.0          /* |error| < 4 standard errors: p ~ 6e-5 each */
#define MOMENT_REPS 1000

/* A layout of n_periods x n_metrics and n_kpis, names m0.., k0... */
static void make_layout(struct result_layout *l, size_t n_periods, size_t n_metrics, size_t n_kpis)
{
    char name[32];
    memset(l, 0, sizeof *l);
    l->n_periods = n_periods;
    l->n_metrics = n_metrics;
    l->n_kpis = n_kpis;
    l->metric = check_calloc(n_metrics, sizeof *l->metric);
    for (size_t m = 0; m < n_metrics; m++) {
        snprintf(name, sizeof name, "m%zu", m);
        l->metric[m].name = check_strdup(name);
        l->metric[m].unit = check_strdup("cases");
    }
    l->kpi = check_calloc(n_kpis, sizeof *l->kpi);
    for (size_t k = 0; k < n_kpis; k++) {
        snprintf(name, sizeof name, "k%zu", k);
        l->kpi[k].name = check_strdup(name);
        l->kpi[k].unit = check_strdup("days");
        l->kpi[k].descr = check_strdup("a test figure");
    }
    l->date = check_calloc(n_periods, sizeof *l->date);
    l->period_end = check_calloc(n_periods, sizeof *l->period_end);
    for (size_t p = 0; p < n_periods; p++) {
        snprintf(l->date[p], DATE_TEXT_SIZE, "2025-%02zu-28", p % 12 + 1);
        l->period_end[p] = 28.0 * (double)(p + 1);
    }
}

static void expect_rel(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol * fabs(want)))
        fail_msg("got %.17g, want %.17g (relative tolerance %g)", got, want, tol);
}

static void expect_abs(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, want %.17g (tolerance %g)", got, want, tol);
}

/* Reference mean and sd, two passes in long double. */
static void two_pass(const double *x, size_t n, double *mean, double *sd)
{
    long double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    long double m = s / (long double)n, ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    *mean = (double)m;
    *sd = (double)sqrtl(ss / (long double)(n - 1));
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* R's type 7 on sorted data, written independently of GSL. */
static double type7(const double *sorted, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t i = (size_t)floor(h);
    if (i + 1 >= n)
        return sorted[n - 1];
    return sorted[i] + (h - (double)i) * (sorted[i + 1] - sorted[i]);
}

/* The same of values in any order (copied, then sorted). */
static double type7_unsorted(const double *x, size_t n, double p)
{
    double *v = check_malloc(n * sizeof *v);
    memcpy(v, x, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_double);
    double q = type7(v, n, p);
    free(v);
    return q;
}

static void test_one_to_hundred(void **state)
{
    (void)state;
    enum { N = 100 };
    double x[N];
    for (int i = 0; i < N; i++)
        x[i] = i + 1;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, TEST_SEED);
    gsl_ran_shuffle(rng, x, N, sizeof x[0]);
    gsl_rng_free(rng);

    struct result_layout l;
    make_layout(&l, 1, 2, 1);
    struct stats *s = stats_create(&l);
    assert_non_null(s);
    struct rep_result r;
    rep_result_alloc(&r, &l);
    double scaled[N];
    for (int i = 0; i < N; i++) {
        r.rep = (uint64_t)i;
        scaled[i] = 2.385e6 + 31.7 * x[i];
        r.values[0] = x[i];
        r.values[1] = scaled[i];
        r.kpi[0] = x[i];
        stats_add(s, &r);
    }
    assert_int_equal(stats_count(s), N);

    /* KPI: exact. mean 50.5, sd sqrt(N(N+1)/12), type-7 quantiles. */
    struct summary k;
    stats_kpi(s, 0, &k);
    assert_int_equal(k.n, N);
    expect_rel(k.mean, 50.5, EXACT_TOL);
    expect_rel(k.sd, sqrt(N * (N + 1) / 12.0), EXACT_TOL);
    expect_abs(k.p05, 5.95, EXACT_TOL);
    expect_abs(k.p25, 25.75, EXACT_TOL);
    expect_abs(k.p50, 50.5, EXACT_TOL);
    expect_abs(k.p75, 75.25, EXACT_TOL);
    expect_abs(k.p95, 95.05, EXACT_TOL);
    const double t99 = 1.9842169515086827;   /* qt(0.975, 99) in R */
    expect_rel(k.ci_low, 50.5 - t99 * k.sd / 10.0, REL_TOL);
    expect_rel(k.ci_high, 50.5 + t99 * k.sd / 10.0, REL_TOL);
    const double *v = stats_kpi_values(s, 0);
    for (int i = 0; i < N; i++)
        assert_true(v[i] == x[i]);

    /* Metrics: streaming moments equal the two-pass ones. */
    double mean, sd;
    struct summary m;
    stats_metric(s, 0, 0, &m);
    two_pass(x, N, &mean, &sd);
    assert_int_equal(m.n, N);
    expect_rel(m.mean, mean, REL_TOL);
    expect_rel(m.sd, sd, REL_TOL);
    expect_rel(m.ci_high - m.ci_low, 2 * t99 * sd / 10.0, REL_TOL);
    assert_true(1 <= m.p05 && m.p05 <= m.p25 && m.p25 <= m.p50 && m.p50 <= m.p75 &&
                m.p75 <= m.p95 && m.p95 <= N);
    stats_metric(s, 0, 1, &m);
    two_pass(scaled, N, &mean, &sd);
    expect_rel(m.mean, mean, REL_TOL);
    expect_rel(m.sd, sd, REL_TOL);

    rep_result_free(&r);
    stats_destroy(s);
    result_layout_free(&l);
}

/* Large values with a small spread: Welford stays within 1e-9 of two-pass. */
static void test_moments_offset(void **state)
{
    (void)state;
    static const double centre[] = {2.385e6, 1e9, -7.5e4};
    static const double spread[] = {3.1e4, 0.29, 1.5};
    struct result_layout l;
    make_layout(&l, 1, 3, 0);
    struct stats *s = stats_create(&l);
    assert_non_null(s);
    struct rep_result r;
    rep_result_alloc(&r, &l);
    double *x = check_malloc(3 * MOMENT_REPS * sizeof *x);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, TEST_SEED + 1);
    for (size_t i = 0; i < MOMENT_REPS; i++) {
        r.rep = i;
        for (size_t j = 0; j < 3; j++) {
            x[j * MOMENT_REPS + i] = centre[j] + gsl_ran_gaussian(rng, spread[j]);
            r.values[j] = x[j * MOMENT_REPS + i];
        }
        stats_add(s, &r);
    }
    for (size_t j = 0; j < 3; j++) {
        double mean, sd;
        struct summary m, e;
        two_pass(x + j * MOMENT_REPS, MOMENT_REPS, &mean, &sd);
        stats_metric(s, 0, j, &m);
        expect_rel(m.mean, mean, REL_TOL);
        expect_rel(m.sd, sd, REL_TOL);
        stats_summary_of(x + j * MOMENT_REPS, MOMENT_REPS, &e);
        expect_rel(e.mean, mean, REL_TOL);
        expect_rel(e.sd, sd, REL_TOL);
    }
    gsl_rng_free(rng);
    free(x);
    rep_result_free(&r);
    stats_destroy(s);
    result_layout_free(&l);
}

/* P² on normal draws. The sample p-quantile has standard error
 * sqrt(p(1-p)/n) / f(x_p); the estimate must lie within P2_SE_MULT of them
 * of the true quantile and of the exact sample quantile. */
static void test_p2_normal(void **state)
{
    (void)state;
    const double mu = 2.385, sigma = 0.75;
    struct result_layout l;
    make_layout(&l, 2, 1, 1);
    struct stats *s = stats_create_bounded(&l, 0);   /* P² from the first value */
    assert_non_null(s);
    struct rep_result r;
    rep_result_alloc(&r, &l);
    double *x = check_malloc(P2_REPS * sizeof *x);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, TEST_SEED + 2);
    for (size_t i = 0; i < P2_REPS; i++) {
        r.rep = i;
        x[i] = mu + gsl_ran_gaussian(rng, sigma);
        r.values[0] = x[i];
        r.values[1] = -x[i];
        r.kpi[0] = x[i];
        stats_add(s, &r);
    }
    struct summary m, k;
    stats_metric(s, 0, 0, &m);
    stats_kpi(s, 0, &k);
    qsort(x, P2_REPS, sizeof *x, cmp_double);

    const double prob[] = {0.05, 0.25, 0.50, 0.75, 0.95};
    const double p2[] = {m.p05, m.p25, m.p50, m.p75, m.p95};
    const double exact[] = {k.p05, k.p25, k.p50, k.p75, k.p95};
    for (size_t j = 0; j < sizeof prob / sizeof prob[0]; j++) {
        double z = gsl_cdf_ugaussian_Pinv(prob[j]);
        double truth = mu + sigma * z;
        double se = sqrt(prob[j] * (1 - prob[j]) / P2_REPS) / (gsl_ran_ugaussian_pdf(z) / sigma);
        expect_abs(p2[j], truth, P2_SE_MULT * se);
        expect_abs(p2[j], exact[j], P2_SE_MULT * se);
        expect_abs(exact[j], type7(x, P2_REPS, prob[j]), EXACT_TOL);
    }
    /* The mirrored metric: its quantiles mirror too (within the same bound). */
    struct summary neg;
    stats_metric(s, 1, 0, &neg);
    double se50 = sqrt(0.25 / P2_REPS) / (gsl_ran_ugaussian_pdf(0) / sigma);
    expect_abs(neg.p50, -m.p50, 2 * P2_SE_MULT * se50);
    expect_rel(neg.mean, -m.mean, REL_TOL);

    gsl_rng_free(rng);
    free(x);
    rep_result_free(&r);
    stats_destroy(s);
    result_layout_free(&l);
}

/* While the values fit the bound the metric quantiles are exact; past it
 * the kept values go to P² in order, so the estimates are those of P² fed
 * every value from the start, bit for bit, and the moments do not change. */
static void test_exact_then_p2(void **state)
{
    (void)state;
    enum { CELLS = 2, KEPT = 50, ALL = 400 };
    struct result_layout l;
    make_layout(&l, 1, CELLS, 1);
    struct stats *s = stats_create_bounded(&l, CELLS * KEPT);
    struct stats *p2 = stats_create_bounded(&l, 0);
    assert_true(s && p2);
    assert_true(stats_exact(s));
    assert_false(stats_exact(p2));
    struct rep_result r;
    rep_result_alloc(&r, &l);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, TEST_SEED + 3);
    double x[ALL];
    for (size_t i = 0; i < ALL; i++) {
        r.rep = i;
        x[i] = gsl_ran_exponential(rng, 2.0);
        r.values[0] = x[i];
        r.values[1] = i % 7 == 3 ? NAN : -x[i];   /* some missing */
        r.kpi[0] = x[i];
        stats_add(s, &r);
        stats_add(p2, &r);
        if (i + 1 == KEPT) {
            assert_true(stats_exact(s));
            struct summary m, k;
            stats_metric(s, 0, 0, &m);
            stats_kpi(s, 0, &k);   /* exact type 7 of the same values */
            assert_true(m.p05 == k.p05 && m.p25 == k.p25 && m.p50 == k.p50 && m.p75 == k.p75 && m.p95 == k.p95);
            expect_abs(m.p50, type7_unsorted(x, KEPT, 0.5), EXACT_TOL);
        }
    }
    assert_false(stats_exact(s));
    for (size_t c = 0; c < CELLS; c++) {
        struct summary a, b;
        stats_metric(s, 0, c, &a);
        stats_metric(p2, 0, c, &b);
        assert_memory_equal(&a, &b, sizeof a);
    }
    gsl_rng_free(rng);
    rep_result_free(&r);
    stats_destroy(s);
    stats_destroy(p2);
    result_layout_free(&l);
}

static void expect_all_nan(const struct summary *s)
{
    assert_true(isnan(s->mean) && isnan(s->sd) && isnan(s->ci_low) && isnan(s->ci_high));
    assert_true(isnan(s->p05) && isnan(s->p25) && isnan(s->p50) && isnan(s->p75) &&
                isnan(s->p95));
}

/* No, one and four replications: NaN where undefined; exact quantiles while
 * P² has fewer than five values. */
static void test_small_counts(void **state)
{
    (void)state;
    struct result_layout l;
    make_layout(&l, 1, 1, 1);
    struct stats *s = stats_create(&l);
    assert_non_null(s);
    struct summary m;
    stats_metric(s, 0, 0, &m);
    assert_int_equal(m.n, 0);
    expect_all_nan(&m);
    stats_kpi(s, 0, &m);
    assert_int_equal(m.n, 0);
    expect_all_nan(&m);

    static const double x[] = {3.5, 1.25, 2.385, 7.0};
    struct rep_result r;
    rep_result_alloc(&r, &l);
    for (size_t i = 0; i < 4; i++) {
        r.rep = i;
        r.values[0] = r.kpi[0] = x[i];
        stats_add(s, &r);
        stats_metric(s, 0, 0, &m);
        assert_int_equal(m.n, i + 1);
        if (i == 0) {
            assert_true(m.mean == 3.5 && m.p05 == 3.5 && m.p50 == 3.5 && m.p95 == 3.5);
            assert_true(isnan(m.sd) && isnan(m.ci_low) && isnan(m.ci_high));
        }
    }
    struct summary e;
    stats_summary_of(x, 4, &e);
    stats_metric(s, 0, 0, &m);
    assert_true(m.p05 == e.p05 && m.p25 == e.p25 && m.p50 == e.p50 && m.p75 == e.p75 &&
                m.p95 == e.p95);
    expect_rel(m.mean, e.mean, REL_TOL);
    expect_rel(m.sd, e.sd, REL_TOL);
    /* Asking twice gives the same answer (the quantile state is not changed). */
    struct summary again;
    stats_metric(s, 0, 0, &again);
    assert_memory_equal(&again, &m, sizeof m);

    rep_result_free(&r);
    stats_destroy(s);
    result_layout_free(&l);
    stats_destroy(NULL);
}

/* NaN is missing: left out of the statistics, kept in the KPI values. */
static void test_missing_values(void **state)
{
    (void)state;
    struct result_layout l;
    make_layout(&l, 1, 1, 1);
    struct stats *s = stats_create(&l);
    assert_non_null(s);
    static const double x[] = {4.0, NAN, 6.5, 2.25, NAN, 9.0, 1.5};
    const size_t n = sizeof x / sizeof x[0];
    struct rep_result r;
    rep_result_alloc(&r, &l);
    for (size_t i = 0; i < n; i++) {
        r.rep = i;
        r.values[0] = r.kpi[0] = x[i];
        stats_add(s, &r);
    }
    static const double present[] = {4.0, 6.5, 2.25, 9.0, 1.5};
    double mean, sd;
    two_pass(present, 5, &mean, &sd);
    struct summary m, k;
    stats_metric(s, 0, 0, &m);
    stats_kpi(s, 0, &k);
    assert_int_equal(m.n, 5);
    assert_int_equal(k.n, 5);
    expect_rel(m.mean, mean, REL_TOL);
    expect_rel(k.sd, sd, REL_TOL);
    assert_true(k.p50 == 4.0);
    assert_true(isnan(stats_kpi_values(s, 0)[1]));
    rep_result_free(&r);
    stats_destroy(s);
    result_layout_free(&l);
}

static void test_summary_of(void **state)
{
    (void)state;
    double x[] = {2.385, -1.0, 7.5, 3.0, 3.0};
    double copy[5];
    memcpy(copy, x, sizeof x);
    struct summary e;
    stats_summary_of(x, 5, &e);
    assert_memory_equal(x, copy, sizeof x);       /* x is not changed */
    assert_int_equal(e.n, 5);
    /* sorted: -1, 2.385, 3, 3, 7.5; h = 4p */
    expect_abs(e.p05, -1.0 + 0.2 * 3.385, EXACT_TOL);
    expect_abs(e.p25, 2.385, EXACT_TOL);
    expect_abs(e.p50, 3.0, EXACT_TOL);
    expect_abs(e.p75, 3.0, EXACT_TOL);
    expect_abs(e.p95, 3.0 + 0.8 * 4.5, EXACT_TOL);
    double mean, sd;
    two_pass(x, 5, &mean, &sd);
    expect_rel(e.mean, mean, REL_TOL);
    expect_rel(e.sd, sd, REL_TOL);

    stats_summary_of(x, 0, &e);
    assert_int_equal(e.n, 0);
    expect_all_nan(&e);

    double same[] = {0.1, 0.1, 0.1};
    stats_summary_of(same, 3, &e);
    assert_true(e.sd == 0.0 && e.ci_low == e.mean && e.ci_high == e.mean);
}

static void test_t_critical(void **state)
{
    (void)state;
    assert_true(isnan(stats_t_critical(0)));
    assert_true(isnan(stats_t_critical(1)));
    expect_abs(stats_t_critical(2), 12.7062047, 1e-7);
    expect_abs(stats_t_critical(3), 4.30265273, 1e-8);
    expect_abs(stats_t_critical(100), 1.98421695, 1e-8);
    expect_abs(stats_t_critical(10000000), 1.959964, 1e-6);
}

static void add_first_as_second(void *arg)
{
    struct stats *s = arg;
    struct rep_result r;
    rep_result_alloc(&r, &(struct result_layout){.n_periods = 1, .n_metrics = 1, .n_kpis = 1});
    r.rep = 1;   /* the first must be 0 */
    stats_add(s, &r);
}

/* Adding replications out of order is a programming error: it aborts. */
static void test_out_of_order_aborts(void **state)
{
    (void)state;
    struct result_layout l;
    make_layout(&l, 1, 1, 1);
    struct stats *s = stats_create(&l);
    assert_non_null(s);
    assert_true(tu_dies(add_first_as_second, s, "r->rep == s->count"));
    stats_destroy(s);
    result_layout_free(&l);
}

/* ---- intervals inside the range --------------------------------------------- */

/* A count that is mostly 0 (a backlog that has cleared in three runs of
 * four), a share that is mostly 1, and an unbounded difference with the
 * same values as the count: the raw t interval of the count crosses 0 and
 * that of the share crosses 1. */
static const double rare[] = { 0.0, 2.385, 0.0, 0.0 };
static const double nearly_one[] = { 1.0, 1.0, 0.615, 1.0 };
#define N_RARE (sizeof rare / sizeof rare[0])

static void assert_contains_mean(const struct summary *s)
{
    if (!(s->ci_low <= s->mean && s->mean <= s->ci_high))
        fail_msg("interval [%.17g, %.17g] leaves out the mean %.17g", s->ci_low, s->ci_high, s->mean);
}

/* Metrics 0..2 and KPIs 0..2 of l get the ranges nonneg, unit, real, and
 * rep r the values rare[r], nearly_one[r], rare[r]. */
static void add_bounded_reps(struct result_layout *l, struct stats *s)
{
    static const enum value_range range[] = { RANGE_NONNEG, RANGE_UNIT, RANGE_REAL };
    for (size_t i = 0; i < 3; i++)
        l->metric[i].range = l->kpi[i].range = range[i];
    struct rep_result r;
    rep_result_alloc(&r, l);
    for (size_t rep = 0; rep < N_RARE; rep++) {
        r.rep = rep;
        const double v[] = { rare[rep], nearly_one[rep], rare[rep] };
        memcpy(r.values, v, sizeof v);
        memcpy(r.kpi, v, sizeof v);
        stats_add(s, &r);
    }
    rep_result_free(&r);
}

/* The interval of a bounded metric or KPI stays inside its range, moved
 * onto the bound only where the raw one crosses it, and still holds the
 * mean; an unbounded one keeps the raw Student t interval. The same whether
 * the quantiles are exact or P² estimates. */
static void test_bounded_interval_clipped(void **state)
{
    (void)state;
    struct summary raw_count, raw_share;
    stats_summary_of(rare, N_RARE, &raw_count);
    stats_summary_of(nearly_one, N_RARE, &raw_share);
    assert_true(raw_count.ci_low < 0.0);        /* the case this is about */
    assert_true(raw_share.ci_high > 1.0);

    for (int exact = 0; exact < 2; exact++) {
        struct result_layout l;
        make_layout(&l, 1, 3, 3);
        struct stats *s = stats_create_bounded(&l, exact ? STATS_EXACT_VALUES : 0);
        assert_non_null(s);
        add_bounded_reps(&l, s);
        for (int kpi = 0; kpi < 2; kpi++) {
            struct summary count, share, diff;
            if (kpi) {
                stats_kpi(s, 0, &count);
                stats_kpi(s, 1, &share);
                stats_kpi(s, 2, &diff);
            } else {
                stats_metric(s, 0, 0, &count);
                stats_metric(s, 0, 1, &share);
                stats_metric(s, 0, 2, &diff);
            }
            assert_true(count.ci_low == 0.0);
            expect_rel(count.ci_high, raw_count.ci_high, REL_TOL);
            assert_true(share.ci_high == 1.0);
            expect_rel(share.ci_low, raw_share.ci_low, REL_TOL);
            expect_rel(diff.ci_low, raw_count.ci_low, REL_TOL);
            expect_rel(diff.ci_high, raw_count.ci_high, REL_TOL);
            assert_contains_mean(&count);
            assert_contains_mean(&share);
            assert_contains_mean(&diff);
            /* the quantiles were inside already */
            assert_true(count.p05 >= 0.0 && share.p95 <= 1.0);
        }
        stats_destroy(s);
        result_layout_free(&l);
    }
}

/* A metric that is 0 in every replication: sd 0, interval [0, 0]. Fewer
 * than 2 values: the interval stays NaN (not the bound). A mean outside the
 * declared range (a wrong declaration) leaves the interval as it is. */
static void test_clip_edge_cases(void **state)
{
    (void)state;
    static const double zeros[] = { 0.0, 0.0, 0.0 };
    struct summary z;
    stats_summary_of(zeros, 3, &z);
    stats_summary_clip(&z, RANGE_NONNEG);
    assert_true(z.sd == 0.0 && z.ci_low == 0.0 && z.ci_high == 0.0);

    static const double one[] = { 2.385 };
    struct summary o;
    stats_summary_of(one, 1, &o);
    stats_summary_clip(&o, RANGE_UNIT);
    assert_true(isnan(o.ci_low) && isnan(o.ci_high));

    static const double over[] = { 1.5, 1.25, 0.9 };   /* mean 1.22 */
    struct summary raw, w;
    stats_summary_of(over, 3, &raw);
    w = raw;
    stats_summary_clip(&w, RANGE_UNIT);
    assert_true(w.ci_low == raw.ci_low && w.ci_high == raw.ci_high);
}

#define COVER_TRIALS 4000
#define COVER_N 5
#define COVER_MEAN 0.3          /* Poisson counts, mostly 0 */

/* The coverage argument, checked: for counts whose true mean (0.3) lies in
 * the range, the clipped interval covers it exactly when the raw one does,
 * trial by trial, although the raw one crosses 0 in most trials. */
static void test_clip_keeps_coverage(void **state)
{
    (void)state;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, TEST_SEED);
    size_t crossed = 0;
    for (size_t t = 0; t < COVER_TRIALS; t++) {
        double x[COVER_N];
        for (size_t i = 0; i < COVER_N; i++)
            x[i] = (double)gsl_ran_poisson(rng, COVER_MEAN);
        struct summary raw, clipped;
        stats_summary_of(x, COVER_N, &raw);
        clipped = raw;
        stats_summary_clip(&clipped, RANGE_NONNEG);
        crossed += raw.ci_low < 0.0;
        bool raw_covers = raw.ci_low <= COVER_MEAN && COVER_MEAN <= raw.ci_high;
        bool clipped_covers = clipped.ci_low <= COVER_MEAN && COVER_MEAN <= clipped.ci_high;
        assert_true(raw_covers == clipped_covers);
        assert_true(clipped.ci_low >= 0.0);
    }
    gsl_rng_free(rng);
    assert_true(crossed > COVER_TRIALS / 2);
}

#define P2_RANGE_REPS 2000

/* The quantiles need no clipping: P² estimates of a mostly-zero count and
 * of a share piled up at 1 stay inside [0, inf) and [0, 1] (the outer
 * markers are the extremes; inner ones move between their neighbours). */
static void test_p2_quantiles_in_range(void **state)
{
    (void)state;
    struct result_layout l;
    make_layout(&l, 1, 2, 1);
    l.metric[0].range = RANGE_NONNEG;
    l.metric[1].range = RANGE_UNIT;
    struct stats *s = stats_create_bounded(&l, 0);
    assert_non_null(s);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, TEST_SEED);
    struct rep_result r;
    rep_result_alloc(&r, &l);
    for (size_t rep = 0; rep < P2_RANGE_REPS; rep++) {
        r.rep = rep;
        r.values[0] = (double)gsl_ran_poisson(rng, COVER_MEAN);
        r.values[1] = fmax(0.0, fmin(1.0, 1.05 - gsl_ran_exponential(rng, 0.1)));
        r.kpi[0] = 0.0;
        stats_add(s, &r);
    }
    rep_result_free(&r);
    gsl_rng_free(rng);
    assert_false(stats_exact(s));
    struct summary count, share;
    stats_metric(s, 0, 0, &count);
    stats_metric(s, 0, 1, &share);
    const double qc[] = { count.p05, count.p25, count.p50, count.p75, count.p95 };
    const double qs[] = { share.p05, share.p25, share.p50, share.p75, share.p95 };
    for (size_t j = 0; j < sizeof qc / sizeof qc[0]; j++) {
        if (!(qc[j] >= 0.0))
            fail_msg("count quantile %zu = %.17g < 0", j, qc[j]);
        if (!(qs[j] >= 0.0 && qs[j] <= 1.0))
            fail_msg("share quantile %zu = %.17g outside [0, 1]", j, qs[j]);
    }
    assert_true(share.p95 == 1.0);     /* piled up at the bound: reached, not passed */
    stats_destroy(s);
    result_layout_free(&l);
}

#define RUN_REPS "4"
#define RUN_SEED "20261206"

/* Whether x lies in [lo, hi] (NaN: a missing value, allowed). */
static bool in_range(double x, double lo, double hi) { return isnan(x) || (x >= lo && x <= hi); }

/* Check every row of dir/file: the named column (metric or kpi) gives the
 * declared range in l, and mean, interval and quantiles must lie in it. */
static void check_file_ranges(const char *dir, const char *file, const char *key, const struct result_layout *l,
                              bool kpi)
{
    static const char *const cols[] = { "mean", "ci_low", "ci_high", "p05", "p50", "p95" };
    enum { N_COLS = sizeof cols / sizeof cols[0] };
    const char *need[N_COLS + 1] = { key };
    for (size_t i = 0; i < N_COLS; i++)
        need[i + 1] = cols[i];
    long col[N_COLS + 1];
    char *path = tu_path(dir, file), err[512];
    struct csv_in c;
    if (!csv_in_open(&c, path, need, col, N_COLS + 1, err, sizeof err))
        fail_msg("%s", err);
    size_t rows = 0;
    int rc;
    while ((rc = csv_in_next(&c)) == 1) {
        const char *name = csv_in_field(&c, col[0]);
        long i = kpi ? result_kpi_index(l, name) : result_metric_index(l, name);
        if (i < 0)
            fail_msg("%s:%ld: %s is not in the model's layout", path, c.line, name);
        enum value_range r = kpi ? l->kpi[i].range : l->metric[i].range;
        if (r == RANGE_REAL)
            fail_msg("%s: %s declares no range (every model metric is bounded)", path, name);
        double lo, hi;
        result_range_bounds(r, &lo, &hi);
        for (size_t j = 0; j < N_COLS; j++) {
            double x = csv_in_number(csv_in_field(&c, col[j + 1]));
            if (!in_range(x, lo, hi))
                fail_msg("%s:%ld: %s %s = %.17g is outside [%g, %g]", path, c.line, name, cols[j], x, lo, hi);
        }
        rows++;
    }
    assert_int_equal(rc, 0);
    assert_true(rows > 0);
    csv_in_free(&c);
    free(path);
}

/* A short run of a fixture: no row of summary.csv or kpis.csv has a
 * statistic outside its metric's range. (With 4 replications the raw t
 * intervals of rare counts cross 0 in these fixtures.) */
static void check_run_ranges(const char *scenario)
{
    char *dir = tu_tmpdir();
    char *out = tu_path(dir, "run"), *err = NULL;
    int status = tu_caseload_run(&err, NULL, "run", scenario, "-n", RUN_REPS, "-s", RUN_SEED, "-o", out, "-q",
                                 NULL);
    if (status != 0)
        fail_msg("caseload run %s exited %d: %s", scenario, status, err);
    free(err);
    struct scenario *sc = tu_load(scenario, NULL, 0);
    struct result_layout l;
    metrics_layout(sc, &l);
    check_file_ranges(out, "summary.csv", "metric", &l, false);
    check_file_ranges(out, "kpis.csv", "kpi", &l, true);
    result_layout_free(&l);
    scenario_free(sc);
    free(out);
    tu_rmtree(dir);
    free(dir);
}

static void test_run_files_in_range(void **state)
{
    (void)state;
    check_run_ranges("tests/scenarios/pressure.cfg");
    check_run_ranges("tests/scenarios/mmc-sweep.cfg");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_to_hundred),
        cmocka_unit_test(test_moments_offset),
        cmocka_unit_test(test_p2_normal),
        cmocka_unit_test(test_exact_then_p2),
        cmocka_unit_test(test_small_counts),
        cmocka_unit_test(test_missing_values),
        cmocka_unit_test(test_summary_of),
        cmocka_unit_test(test_t_critical),
        cmocka_unit_test(test_out_of_order_aborts),
        cmocka_unit_test(test_bounded_interval_clipped),
        cmocka_unit_test(test_clip_edge_cases),
        cmocka_unit_test(test_clip_keeps_coverage),
        cmocka_unit_test(test_p2_quantiles_in_range),
        cmocka_unit_test(test_run_files_in_range),
    };
    return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
