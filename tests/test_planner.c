/* test_planner.c — the planner's questions: when the backlog clears, how
 * often it never does, and the risk that a metric passes a value. Laws:
 * the clearance day and every risk KPI of a replication are what its own
 * series says (recomputed here from the series, independently); a
 * replication that never clears is never averaged as if it had; a share's
 * interval is Wilson's and a paired difference of shares Newcombe's, both
 * equal to values worked out by hand; a risk's name is stable; an unknown
 * metric is a user error listing the valid names. */
#include "models/metrics.h"
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

#define SEED 20261206ULL
#define REPS 20
#define EXACT 1e-12   /* results exact up to rounding */
#define HAND 1e-9     /* hand-computed values, given to 10 decimals */
#define DRAIN "tests/scenarios/drain.cfg"
/* drain.cfg's bound: cleared by the 31 May 2024 period end (its header) */
#define DRAIN_CLEAR_BY_DAY 151.0

/* ---- the statistics ------------------------------------------------------- */

/* Wilson's interval: centre (p + z²/2n)/(1 + z²/n), half-width
 * z/(1 + z²/n) sqrt(p(1-p)/n + z²/4n²), z = 1.959963984540054 (z² =
 * 3.841458820694124). 0/10: upper z²/(n + z²) = 3.841458820694/13.841458820694
 * = 0.2775327999; 5/10: 0.5 -/+ 0.2634069095; 10/10 mirrors 0/10. */
static void test_wilson_matches_hand_computed_bounds(void **state)
{
    (void)state;
    double lo, hi;
    stats_wilson(0, 10, &lo, &hi);
    assert_true(lo == 0);
    TU_ASSERT_WITHIN(hi, 0.2775327999, HAND);
    stats_wilson(5, 10, &lo, &hi);
    TU_ASSERT_WITHIN(lo, 0.2365930905, HAND);
    TU_ASSERT_WITHIN(hi, 0.7634069095, HAND);
    stats_wilson(10, 10, &lo, &hi);
    TU_ASSERT_WITHIN(lo, 0.7224672001, HAND);
    assert_true(hi == 1);
    stats_wilson(3, 20, &lo, &hi);
    TU_ASSERT_WITHIN(lo, 0.0523687459, HAND);
    TU_ASSERT_WITHIN(hi, 0.3604188647, HAND);
}

/* Newcombe's paired interval for 30 pairs: 12 both, 3 the alternative
 * only, 8 the base only, 7 neither. pa = 15/30 = 0.5, pb = 20/30; Wilson:
 * (0.3315412564, 0.6684587436) and (0.4878005164, 0.8076950192). The
 * cross product 12x7 - 3x8 = 60 > n/2 = 15, so phi = (60 - 15) /
 * sqrt(15x15x20x10) = 0.2121320344. Lower: -1/6 - sqrt(d² - 2 phi d e +
 * e²) with d = 0.5 - 0.3315412564, e = 0.8076950192 - 2/3; upper likewise
 * with (2/3 - 0.4878005164) and (0.6684587436 - 0.5). */
static void test_paired_share_interval_matches_hand_computed_example(void **state)
{
    (void)state;
    double d, lo, hi;
    stats_paired_share_diff(12, 3, 8, 7, &d, &lo, &hi);
    TU_ASSERT_WITHIN(d, -1.0 / 6.0, EXACT);
    TU_ASSERT_WITHIN(lo, -0.3620839337, HAND);
    TU_ASSERT_WITHIN(hi, 0.0514794009, HAND);
    /* 1 both, 1 a only, 7 b only, 12 neither: the cross product 12 - 7 = 5
     * lies in [0, n/2], so phi = 0 and the interval is Newcombe's
     * square-and-add of the two Wilson intervals */
    stats_paired_share_diff(1, 1, 7, 12, &d, &lo, &hi);
    TU_ASSERT_WITHIN(d, -6.0 / 21.0, EXACT);
    TU_ASSERT_WITHIN(lo, -0.5069202267, HAND);
    TU_ASSERT_WITHIN(hi, -0.0255591242, HAND);
    /* every pair agrees (4 both, 6 neither): no difference, an interval
     * symmetric about it, narrowed by phi = (24 - 5)/24 */
    stats_paired_share_diff(4, 0, 0, 6, &d, &lo, &hi);
    assert_true(d == 0);
    TU_ASSERT_WITHIN(lo, -0.1755968627, HAND);
    TU_ASSERT_WITHIN(hi, 0.1755968627, HAND);
}

/* A time-to KPI: +INFINITY (never) sorts after every day; the median of 10
 * exists only when 6 or more are finite (type 7 interpolates the 5th and
 * 6th), the mean only when all are. */
static void test_time_to_quantiles_count_never_as_later(void **state)
{
    (void)state;
    double half[10] = { 40, 10, INFINITY, 30, INFINITY, 20, INFINITY, 50, INFINITY, INFINITY };
    struct summary s;
    stats_summary_time_to(half, 10, &s);
    assert_int_equal(s.n, 10);
    assert_true(isnan(s.mean) && isnan(s.sd) && isnan(s.ci_low) && isnan(s.ci_high));
    assert_true(isnan(s.p50) && isnan(s.p95));
    TU_ASSERT_WITHIN(s.p05, 14.5, EXACT);   /* 10 + 0.45 x (20 - 10) */
    double six[10] = { 40, 10, INFINITY, 30, 60, 20, INFINITY, 50, INFINITY, INFINITY };
    stats_summary_time_to(six, 10, &s);
    TU_ASSERT_WITHIN(s.p50, 55, EXACT);     /* between the 5th (50) and 6th (60) */
    assert_true(isnan(s.mean) && isnan(s.p75));
    double all[4] = { 10, 20, 30, NAN };   /* NaN: missing, left out */
    stats_summary_time_to(all, 4, &s);
    assert_int_equal(s.n, 3);
    TU_ASSERT_WITHIN(s.mean, 20, EXACT);
    TU_ASSERT_WITHIN(s.p50, 20, EXACT);
}

/* ---- the clearance rule ----------------------------------------------------- */

static void test_clear_period_is_the_first_long_enough_run(void **state)
{
    (void)state;
    /* at or below 10 at 2, 3 (a run of 2), then from 5 on: 10 counts */
    double b[] = { 50, 12, 9, 8, 11, 10, 9.5, 7, 30 };
    size_t n = sizeof b / sizeof *b;
    assert_int_equal(metrics_clear_period(b, n, 10, 3), 5);
    assert_int_equal(metrics_clear_period(b, n, 10, 2), 2);
    assert_int_equal(metrics_clear_period(b, n, 10, 1), 2);
    assert_int_equal(metrics_clear_period(b, n, 10, 4), n);     /* never: the longest run is 3 */
    assert_int_equal(metrics_clear_period(b, n, 5, 1), n);      /* never that low */
    assert_int_equal(metrics_clear_period(b, 7, 10, 3), n - 2); /* a run cut short by the horizon: never */
    /* need 0: the run that lasts to the end */
    assert_int_equal(metrics_clear_period(b, n, 10, 0), n);     /* 30 at the end: never */
    assert_int_equal(metrics_clear_period(b, 8, 10, 0), 5);
    assert_int_equal(metrics_clear_period(b, 5, 10, 0), 5);     /* 11 at the end */
    assert_int_equal(metrics_clear_period(b, 4, 10, 0), 2);
}

/* The clearance of replication r as its series says: the first period p
 * with unallocated <= below at p .. p + need - 1; the date series.csv gives
 * that period end, in days after the start (or +INFINITY). */
static double clear_day_from_series(const struct tu_reps *r, size_t rep, double below, size_t need)
{
    size_t m = tu_metric(r, "unallocated"), n = r->layout.n_periods;
    for (size_t p = 0; p + (need ? need : 1) <= n; p++) {
        bool ok = true;
        for (size_t q = p; q < (need ? p + need : n); q++)
            ok = ok && tu_value(r, rep, q, m) <= below;
        if (ok)
            return r->layout.period_end[p] - 1;
    }
    return INFINITY;
}

/* Whether metric name exceeds above in any period / the last, from the series. */
static void risk_from_series(const struct tu_reps *r, size_t rep, const char *name, double above, double *any,
                             double *end)
{
    size_t m = tu_metric(r, name);
    *any = 0;
    for (size_t p = 0; p < r->layout.n_periods; p++)
        if (tu_value(r, rep, p, m) > above)
            *any = 1;
    *end = tu_value(r, rep, r->layout.n_periods - 1, m) > above;
}

/* Run sc, then check every replication's clearance and risks against its
 * series; returns how many cleared. */
static size_t check_against_series(const struct scenario *sc, struct tu_reps *r, double below, size_t need)
{
    tu_reps_run(r, sc, SEED, REPS);
    size_t kd = tu_kpi(r, "backlog_clear_day"), kn = tu_kpi(r, "backlog_never_clears");
    size_t cleared = 0;
    for (size_t rep = 0; rep < r->n; rep++) {
        double want = clear_day_from_series(r, rep, below, need);
        double got = r->rep[rep].kpi[kd];
        if (!(got == want))
            fail_msg("replication %zu: backlog_clear_day %g, the series says %g", rep, got, want);
        assert_true(r->rep[rep].kpi[kn] == (isinf(want) ? 1 : 0));
        cleared += !isinf(want);
        for (size_t i = 0; i < sc->n_risks; i++) {
            char name[400];
            double any, end;
            risk_from_series(r, rep, sc->risk[i].metric, sc->risk[i].above, &any, &end);
            snprintf(name, sizeof name, "risk_any_%s", sc->risk[i].slug);
            assert_true(r->rep[rep].kpi[tu_kpi(r, name)] == any);
            snprintf(name, sizeof name, "risk_end_%s", sc->risk[i].slug);
            assert_true(r->rep[rep].kpi[tu_kpi(r, name)] == end);
        }
    }
    return cleared;
}

/* drain.cfg: every replication clears by day 151, on the day its series
 * says; unallocated > 50 at some month end (80 wait at the first) but not
 * at the last. */
static void test_drain_clears_when_its_series_says(void **state)
{
    (void)state;
    struct scenario *sc = tu_load(DRAIN, NULL, 0);
    assert_int_equal(sc->n_risks, 1);
    TU_ASSERT_STR(sc->risk[0].slug, "unallocated_gt_50");
    struct tu_reps r;
    assert_int_equal(check_against_series(sc, &r, 10, 3), REPS);
    size_t kd = tu_kpi(&r, "backlog_clear_day");
    for (size_t rep = 0; rep < r.n; rep++)
        assert_true(r.rep[rep].kpi[kd] <= DRAIN_CLEAR_BY_DAY);
    /* the run's summary: the median day is the median of the 20 days */
    struct stats *st = stats_create(&r.layout);
    for (size_t rep = 0; rep < r.n; rep++)
        stats_add(st, &r.rep[rep]);
    struct summary s;
    stats_kpi(st, kd, &s);
    assert_true(isfinite(s.mean) && isfinite(s.p50) && s.p50 <= DRAIN_CLEAR_BY_DAY);
    stats_kpi(st, tu_kpi(&r, "backlog_never_clears"), &s);
    assert_true(s.mean == 0 && s.ci_low == 0);
    TU_ASSERT_WITHIN(s.ci_high, 3.841458820694124 / (20 + 3.841458820694124), HAND);   /* Wilson 0/20 */
    stats_kpi(st, tu_kpi(&r, "risk_any_unallocated_gt_50"), &s);
    assert_true(s.mean == 1);
    stats_kpi(st, tu_kpi(&r, "risk_end_unallocated_gt_50"), &s);
    assert_true(s.mean == 0);
    stats_destroy(st);
    tu_reps_free(&r);
    scenario_free(sc);
}

/* Asking for more period ends in a row than the horizon has: it never
 * clears, the share is 1 with Wilson's interval for 20/20, and no day is
 * averaged or given as a quantile. */
static void test_never_clears_is_a_share_not_a_day(void **state)
{
    (void)state;
    char *sets[] = { "pathway.clear_periods=13" };
    struct scenario *sc = tu_load(DRAIN, sets, 1);
    struct tu_reps r;
    assert_int_equal(check_against_series(sc, &r, 10, 13), 0);
    struct stats *st = stats_create(&r.layout);
    for (size_t rep = 0; rep < r.n; rep++)
        stats_add(st, &r.rep[rep]);
    struct summary s;
    stats_kpi(st, tu_kpi(&r, "backlog_clear_day"), &s);
    assert_int_equal(s.n, REPS);
    assert_true(isnan(s.mean) && isnan(s.p05) && isnan(s.p50) && isnan(s.p95));
    stats_kpi(st, tu_kpi(&r, "backlog_never_clears"), &s);
    assert_true(s.mean == 1 && s.ci_high == 1);
    TU_ASSERT_WITHIN(s.ci_low, 20 / (20 + 3.841458820694124), HAND);
    stats_destroy(st);
    tu_reps_free(&r);
    scenario_free(sc);
}

/* Sickness hands cases back, so the backlog goes up and down at random:
 * still each replication's KPIs are its series', for a risk on another
 * metric and a value that is not whole too. */
static void test_random_backlog_matches_its_series(void **state)
{
    (void)state;
    char *sets[] = { "workforce.sickness.episodes_per_fte_year=20", "pathway.clear_below=1",
                     "demand.referrals_per_year=100" };
    struct scenario *sc = tu_load(DRAIN, sets, 3);
    struct diag d;
    diag_init(&d, 4);
    assert_true(scenario_add_risk(sc, "staff_sick_fte", 0.5, "test", 0, NULL, &d));
    assert_true(scenario_add_risk(sc, "unallocated", 50, "test", 0, NULL, &d));   /* already there: once */
    assert_int_equal(sc->n_risks, 2);
    struct tu_reps r;
    size_t cleared = check_against_series(sc, &r, 1, 3);
    assert_true(cleared > 0 && cleared < REPS);   /* both kinds of replication were checked */
    tu_reps_free(&r);
    /* clear_periods = 0: the run must last to the end of the horizon */
    scenario_free(sc);
    char *to_end[] = { sets[0], sets[1], sets[2], "pathway.clear_periods=0" };
    sc = tu_load(DRAIN, to_end, 4);
    assert_true(scenario_add_risk(sc, "staff_sick_fte", 0.5, "test", 0, NULL, &d));
    size_t to_end_cleared = check_against_series(sc, &r, 1, 0);
    assert_true(to_end_cleared > 0 && to_end_cleared < REPS);
    diag_free(&d);
    tu_reps_free(&r);
    scenario_free(sc);
}

/* ---- names and errors ------------------------------------------------------ */

static void test_risk_value_text_is_stable(void **state)
{
    (void)state;
    const struct {
        double v;
        const char *text;
    } cases[] = { { 100, "100" }, { 2.5, "2.5" }, { 0.1, "0.1" }, { -3, "-3" }, { 1500, "1500" },
                  { 1e-5, "1e-05" }, { 1234.5678, "1234.5678" }, { 0, "0" } };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[64];
        scenario_risk_value_text(cases[i].v, buf, sizeof buf);
        TU_ASSERT_STR(buf, cases[i].text);
    }
}

static void test_unknown_metric_is_a_user_error(void **state)
{
    struct tu_dir *t = *state;
    char *out = tu_path(t->dir, "r"), *err = NULL;
    int st = tu_caseload_run(&err, NULL, "run", DRAIN, "-n", "2", "-q", "-o", out, "--risk", "backlogg>3", NULL);
    assert_int_equal(st, 2);
    tu_assert_contains(err, "--risk: \"backlogg\" is not a metric");
    tu_assert_contains(err, "unallocated_work");   /* the valid names, per stage too */
    free(err);
    err = NULL;
    st = tu_caseload_run(&err, NULL, "run", DRAIN, "-n", "2", "-q", "-o", out, "--risk", "unallocated", NULL);
    assert_int_equal(st, 2);
    tu_assert_contains(err, "expects METRIC>VALUE");
    free(err);
    err = NULL;
    /* in a scenario file: where it was written */
    char *text = tu_read(DRAIN, NULL);
    char *at = strstr(text, "metric = \"unallocated\"");
    assert_non_null(at);
    memcpy(at, "metric = \"unallocxted\"", strlen("metric = \"unallocxted\""));
    char *bad = tu_write(t->dir, "bad.cfg", text);
    st = tu_caseload_run(&err, NULL, "check", bad, NULL);
    assert_int_equal(st, 2);
    tu_assert_contains(err, "bad.cfg:");
    tu_assert_contains(err, ": risks.1.metric: \"unallocxted\" is not a metric (allowed: a series.csv column: referrals,");
    free(err);
    free(bad);
    free(text);
    free(out);
}

/* A time-to KPI has no mean: the commands that judge a mean refuse it. */
static void test_mean_only_commands_refuse_a_date(void **state)
{
    struct tu_dir *t = *state;
    char *out = tu_path(t->dir, "r"), *err = NULL;
    int st = tu_caseload_run(&err, NULL, "sweep", DRAIN, "--tornado", "--kpi", "backlog_clear_day", "-n", "2", "-q",
                             "-o", out, NULL);
    assert_int_equal(st, 2);
    tu_assert_contains(err, "--kpi backlog_clear_day: a date that may not come within the horizon has no mean");
    free(err);
    err = NULL;
    st = tu_caseload_run(&err, NULL, "run", DRAIN, "--precision", "0.1", "--kpi", "backlog_clear_day", "-q", "-o",
                         out, NULL);
    assert_int_equal(st, 2);
    tu_assert_contains(err, "--kpi backlog_clear_day: a date that may not come within the horizon has no mean");
    free(err);
    free(out);
}

/* compare: no difference in days when a replication never cleared; the
 * never-cleared share's difference has Newcombe's interval. Here 4 of 4
 * never clear in both: phi = 0 (no replication cleared), Wilson's 4/4 lower
 * bound is 4/(4 + z²), so the interval is -/+ z²/(4 + z²) = 0.4898908365. */
static void test_compare_gives_no_days_for_never(void **state)
{
    struct tu_dir *t = *state;
    char *out = tu_path(t->dir, "c"), *err = NULL;
    int st = tu_caseload_run(&err, NULL, "compare", DRAIN, DRAIN, "-n", "4", "-q", "-o", out, "--set",
                             "pathway.clear_periods=13", NULL);
    if (st != 0)
        fail_msg("exit %d: %s", st, err ? err : "");
    char *cmp = tu_read_in(out, "compare.csv");
    tu_assert_contains(cmp, "\ndrain,drain-2,backlog_clear_day,days from start,NA,NA,NA,NA,NA,NA,no,4,");
    tu_assert_contains(cmp, "not judged: in some replication it never happened within the horizon,");
    tu_assert_contains(cmp, "\ndrain,drain-2,backlog_never_clears,share,1,1,0,0,-0.4898908365,0.4898908365,no,4,");
    free(cmp);
    free(err);
    free(out);
}

/* The options reach kpis.csv: --clear-below sets pathway.clear_below,
 * --risk adds its two rows. */
static void test_options_reach_kpis_csv(void **state)
{
    struct tu_dir *t = *state;
    char *out = tu_path(t->dir, "r"), *err = NULL;
    int st = tu_caseload_run(&err, NULL, "run", DRAIN, "-n", "3", "-q", "-o", out, "--risk", "open_cases>2.5",
                             "--clear-below", "0", NULL);
    if (st != 0)
        fail_msg("exit %d: %s", st, err ? err : "");
    char *kpis = tu_read_in(out, "kpis.csv");
    tu_assert_contains(kpis, "\ndrain,risk_any_open_cases_gt_2.5,probability,");
    tu_assert_contains(kpis, "\ndrain,risk_end_open_cases_gt_2.5,probability,");
    tu_assert_contains(kpis, "\ndrain,risk_any_unallocated_gt_50,probability,1,");
    tu_assert_contains(kpis, "\ndrain,backlog_never_clears,share,0,");
    char *man = tu_read_in(out, "manifest.json");
    tu_assert_contains(man, "pathway.clear_below=0");
    free(man);
    free(kpis);
    free(err);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wilson_matches_hand_computed_bounds),
        cmocka_unit_test(test_paired_share_interval_matches_hand_computed_example),
        cmocka_unit_test(test_time_to_quantiles_count_never_as_later),
        cmocka_unit_test(test_clear_period_is_the_first_long_enough_run),
        cmocka_unit_test(test_drain_clears_when_its_series_says),
        cmocka_unit_test(test_never_clears_is_a_share_not_a_day),
        cmocka_unit_test(test_random_backlog_matches_its_series),
        cmocka_unit_test(test_risk_value_text_is_stable),
        cmocka_unit_test_setup_teardown(test_unknown_metric_is_a_user_error, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_mean_only_commands_refuse_a_date, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_compare_gives_no_days_for_never, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_options_reach_kpis_csv, tu_dir_setup, tu_dir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
