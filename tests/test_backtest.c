/* test_backtest.c — scoring a forecast against what happened
 * (output/backtest.h).
 *
 *   - coverage and MASE by hand on a small case, and months with a missing
 *     value left out;
 *   - a calibrated forecast covers at the nominal rate: N = 4000 months
 *     drawn from the very distribution whose quantiles the forecast gives
 *     (standard normal), so the count inside the 50% and 90% intervals is
 *     Binomial(N, p); each must lie between that law's 0.05% and 99.95%
 *     quantiles (gsl_cdf_binomial_P), which a correct scorer leaves with
 *     probability 0.001; an interval scored as open, or the 90% test made
 *     against the 50% interval, moves the count by far more;
 *   - backtest.csv and forecast.csv hold exactly the documented columns;
 *   - caseload backtest on synthetic records covers at the rate its
 *     intervals promise. tests/scenarios/backtest.cfg is simulated R_BT
 *     times (its records written in this process), each history
 *     backtested from the end of its sixth year over the seventh, every
 *     replication of the forecast drawing the fitted parameters from the
 *     fit's sampling distribution. A history's coverage c_r is pooled over
 *     the months of the three series of large counts (referrals, open
 *     assessments, open cin; small counts such as staff in post tie with
 *     the interval's ends and cover more). The rate promised: an interval
 *     between the type-7 quantiles p_lo and p_hi of n replications holds a
 *     new value exchangeable with them with probability (h_hi - h_lo) /
 *     (n + 1), h = 1 + p (n - 1) (the value is below the j-th smallest of
 *     the n with probability j / (n + 1)), that is the nominal share times
 *     (n - 1) / (n + 1): 0.476 and 0.856 for n = 40. The months of one
 *     history are correlated (a stock carries its errors from month to
 *     month; the series share the referrals), so the months are not
 *     independent trials; the histories are. The test is that the mean of
 *     c_r lies within t(0.9995, R_BT - 1) standard errors of that rate, the
 *     standard error from the spread of c_r between histories, which holds
 *     whatever the correlation within one: a forecast as good as the model
 *     fails it with probability 0.001. Measured: docs/fitting.md. */
#include "models/metrics.h"
#include "models/model.h"
#include "models/recorder.h"
#include "models/replication.h"
#include "models/scenario.h"
#include "output/backtest.h"
#include "output/plot.h"
#include "output/plot_script.h"
#include "sim/rng.h"
#include "tests/testutil.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_scores_by_hand(void **state)
{
    (void)state;
    const double y[] = { 10, 12, 9, NAN }, p05[] = { 4, 4, 9.5, 1 }, p25[] = { 10, 12.5, 10, 1 },
                 p50[] = { 11, 13, 11, 1 }, p75[] = { 12, 14, 12, 1 }, p95[] = { 15, 15, 13, 1 };
    const double h[] = { 5, 8, 6, 6 };
    struct bt_series s = { "open_cin", 4, y, { p05, p25, p50, p75, p95 }, h, 4 };
    struct bt_score sc;
    backtest_score(&s, &sc);
    assert_int_equal(sc.n, 3);          /* the month without an observation is left out */
    assert_int_equal(sc.covered50, 1);  /* 10 on the interval's end counts; 12 < 12.5; 9 < 10 */
    assert_int_equal(sc.covered90, 2);
    TU_ASSERT_WITHIN(sc.mae, (1.0 + 1.0 + 2.0) / 3, 1e-12);
    TU_ASSERT_WITHIN(sc.naive_mae, (3.0 + 2.0 + 0.0) / 3, 1e-12);
    TU_ASSERT_WITHIN(sc.mase, (4.0 / 3) / (5.0 / 3), 1e-12);
    /* a window that never moved, or of one month: no scale */
    const double flat[] = { 7, 7, 7 };
    s.h = flat;
    s.m = 3;
    backtest_score(&s, &sc);
    assert_true(isnan(sc.mase));
    s.m = 1;
    backtest_score(&s, &sc);
    assert_true(isnan(sc.naive_mae) && isnan(sc.mase));
}

enum { N_CAL = 4000 };

static void test_calibrated_forecast_covers_nominally(void **state)
{
    (void)state;
    static double y[N_CAL], q[BT_QUANTILES][N_CAL];
    const double p[BT_QUANTILES] = { 0.05, 0.25, 0.5, 0.75, 0.95 };
    struct rng r;
    rng_seed(&r, 0xBAC7);
    for (size_t k = 0; k < N_CAL; k++) {
        y[k] = gsl_cdf_ugaussian_Pinv(rng_uniform(&r));
        for (int j = 0; j < BT_QUANTILES; j++)
            q[j][k] = gsl_cdf_ugaussian_Pinv(p[j]);
    }
    struct bt_series s = { "x", N_CAL, y, { q[0], q[1], q[2], q[3], q[4] }, y, N_CAL };
    struct bt_score sc;
    backtest_score(&s, &sc);
    const double cover[2] = { 0.5, 0.9 };
    const size_t got[2] = { sc.covered50, sc.covered90 };
    for (int i = 0; i < 2; i++) {
        unsigned lo = 0, hi = N_CAL;
        while (lo < N_CAL && gsl_cdf_binomial_P(lo, cover[i], N_CAL) < 0.0005)
            lo++;
        while (hi > 0 && gsl_cdf_binomial_P(hi - 1, cover[i], N_CAL) > 0.9995)
            hi--;
        if (got[i] < lo || got[i] > hi)
            fail_msg("%zu of %d months in the %.0f%% interval (allowed %u to %u)", got[i], N_CAL, 100 * cover[i], lo,
                     hi);
    }
}

static void test_csv_columns(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *path = tu_path(dir, "backtest.csv");
    const double y[] = { 10, 12 }, a[] = { 9, 9 }, b[] = { 10, 10 }, c[] = { 11, 11 }, d[] = { 12, 12 },
                 e[] = { 13, 13 };
    struct bt_series s = { "referrals", 2, y, { a, b, c, d, e }, y, 2 };
    struct bt_score sc;
    backtest_score(&s, &sc);
    struct afile f;
    assert_true(afile_open(&f, path));
    backtest_csv(&f, &s, &sc, 1);
    assert_true(afile_commit(&f));
    char *text = tu_read(path, NULL);
    assert_string_equal(text, "series,months,covered_50,coverage_50,covered_90,coverage_90,mae,naive_mae,mase\n"
                              "referrals,2,2,1,2,1,1,2,0.5\n");
    free(text);
    char *fpath = tu_path(dir, "forecast.csv");
    assert_true(afile_open(&f, fpath));
    const char *const dates[] = { "2025-04-30", "2025-05-31" };
    backtest_forecast_csv(&f, &s, 1, dates);
    assert_true(afile_commit(&f));
    text = tu_read(fpath, NULL);
    assert_string_equal(text, "series,month,date,observed,p05,p25,p50,p75,p95\n"
                              "referrals,1,2025-04-30,10,9,10,11,12,13\n"
                              "referrals,2,2025-05-31,12,9,10,11,12,13\n");
    free(text);
    free(fpath);
    free(path);
    tu_rmtree(dir);
    free(dir);
}

/* The charts: one per series, named by the series when that is a safe
 * file name (else by its place); any text in a series name stays inert in
 * the script (gp_script_inert), and plot_folder takes the folder as a
 * backtest and writes the script. */
static void test_charts_per_series(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    free(tu_write(dir, "forecast.csv",
                  "series,month,date,observed,p05,p25,p50,p75,p95\n"
                  "referrals,1,2025-04-30,10,5,8,10,12,15\n"
                  "\"open_x`rm -rf /`@'\"\"\",1,2025-04-30,3,1,2,3,4,5\n"));
    free(tu_write(dir, "backtest.csv", "series\nreferrals\n"));
    struct plot_backtest_facts f;
    char err[512], why[512];
    assert_true(plot_backtest_facts_read(dir, &f, err, sizeof err));
    assert_int_equal(f.n, 2);
    struct plot_charts charts;
    char *script = plot_backtest_script(&f, &charts);
    assert_int_equal(charts.n, 2);
    assert_string_equal(charts.name[0], "backtest_referrals");
    assert_string_equal(charts.name[1], "backtest_2");
    if (!gp_script_inert(script, why, sizeof why))
        fail_msg("not inert: %s", why);
    free(script);
    plot_backtest_facts_free(&f);
    assert_int_equal(plot_kind_of(dir), PLOT_KIND_BACKTEST);
    struct plot_opts o = { NULL, true };
    assert_int_equal(plot_folder(dir, &o, err, sizeof err), PLOT_OK);
    char *gp = tu_path(dir, "plots.gp");
    assert_true(tu_exists(gp));
    free(gp);
    tu_rmtree(dir);
    free(dir);
}

#define BT_FIXTURE "tests/scenarios/backtest.cfg"
#define BT_SEED 4242
#ifndef R_BT
#define R_BT 10   /* histories (more to measure: docs/fitting.md) */
#endif
#define BT_REPS "40"
#define BT_FROM "2028-04-01"


/* Covered months of the large-count series in dir/backtest.csv: at 50%
 * and 90%, out of *months. */
static void pooled(const char *dir, double *c50, double *c90, double *months)
{
    char *text = tu_read_in(dir, "backtest.csv");
    *c50 = *c90 = *months = 0;
    static const char *const large[] = { "referrals,", "open_assessment,", "open_cin," };
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        for (size_t k = 0; k < 3; k++)
            if (strncmp(line, large[k], strlen(large[k])) == 0) {
                double n, a, b;
                assert_int_equal(sscanf(line + strlen(large[k]), "%lf,%lf,%*f,%lf", &n, &a, &b), 3);
                *months += n;
                *c50 += a;
                *c90 += b;
            }
    free(text);
}

static void test_backtest_covers_near_nominal(void **state)
{
    (void)state;
    struct scenario *sc = tu_load(BT_FIXTURE, NULL, 0);
    char *tmp = tu_tmpdir();
    char *rec = tu_mkdir(tmp, "records");
    double c[2][R_BT];
    for (size_t r = 0; r < R_BT; r++) {
        tu_write_records(sc, BT_SEED, r, rec);
        char name[32];
        snprintf(name, sizeof name, "bt%zu", r);
        char *out = tu_path(tmp, name), *err;
        int rc = tu_caseload_run(&err, NULL, "backtest", rec, "--template", BT_FIXTURE, "--fit-until", BT_FROM,
                                 "-n", BT_REPS, "-o", out, "-q", NULL);
        if (rc != 0)
            fail_msg("caseload backtest exited %d: %s", rc, err);
        free(err);
        double months;
        pooled(out, &c[0][r], &c[1][r], &months);
        assert_true(months == 36);
        c[0][r] /= months;
        c[1][r] /= months;
        free(out);
    }
    const double nominal[2] = { 0.5, 0.9 };
    double t = gsl_cdf_tdist_Pinv(0.9995, R_BT - 1), n = atof(BT_REPS);
    for (int i = 0; i < 2; i++) {
        double promised = nominal[i] * (n - 1) / (n + 1);   /* type-7 quantiles of n (above) */
        double mean = 0, var = 0;
        for (size_t r = 0; r < R_BT; r++)
            mean += c[i][r] / R_BT;
        for (size_t r = 0; r < R_BT; r++)
            var += (c[i][r] - mean) * (c[i][r] - mean) / (R_BT - 1);
        double se = sqrt(var / R_BT);
        print_message("%.0f%% intervals: mean coverage %.3f over %d histories (se %.3f; promised %.3f, allowed %.3f to "
                      "%.3f)\n",
                      100 * nominal[i], mean, R_BT, se, promised, promised - t * se, promised + t * se);
        if (!(fabs(mean - promised) <= t * se))
            fail_msg("the %.0f%% intervals cover %.3f of months, not near %.3f", 100 * nominal[i], mean, promised);
    }
    tu_rmtree(tmp);
    free(rec);
    free(tmp);
    scenario_free(sc);
}

/* Usage errors are exit status 2, saying what is missing. */
static void test_backtest_usage(void **state)
{
    (void)state;
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "backtest", "scenarios/records-example", "--template",
                                     "scenarios/records-example/small-council.cfg", NULL), 2);
    tu_assert_contains(err, "--fit-until DATE is missing");
    free(err);
    assert_int_equal(tu_caseload_run(&err, NULL, "backtest", "scenarios/records-example", "--template",
                                     "scenarios/records-example/small-council.cfg", "--fit-until", "2026-03-15",
                                     NULL), 2);
    tu_assert_contains(err, "no whole month from 2026-03-15");
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scores_by_hand),
        cmocka_unit_test(test_calibrated_forecast_covers_nominally),
        cmocka_unit_test(test_csv_columns),
        cmocka_unit_test(test_charts_per_series),
        cmocka_unit_test(test_backtest_usage),
        cmocka_unit_test(test_backtest_covers_near_nominal),
    };
    return cmocka_run_group_tests_name("backtest", tests, NULL, NULL);
}
