/* test_years.c — financial years (years.csv) and Green Book discounting.
 *
 * The laws: the financial years are April to March (costs.year_start_month),
 * labelled "2024-25" ("2024" from January), the first and last clipped to
 * the reporting span, and their days add up to it. In every replication the
 * years' cost_total add up to the run's cost_total exactly (the KPI is
 * their sum), each year's categories add up to its cost_total, and
 * cost_npv is the sum of the years' discounted cost_total. An
 * intervention's recurring cost accrues by anniversary year of its start,
 * so each whole year of its span costs exactly cost_per_year. With annual
 * (Green Book) discounting year t from the base year costs 1 / (1 + r)^t.
 *
 * tests/scenarios/years.cfg has deterministic costs; its table is worked
 * out by hand below and must come out to the penny. The sums are checked
 * on a stochastic scenario with a warm-up (tests/scenarios/pressure.cfg). */
#include "models/metrics.h"
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
#define REPS 3
#define FIXTURE "tests/scenarios/years.cfg"
#define PENNY 0.005
/* Sums of many accruals differ from a total kept alongside them only by
 * rounding: a few units in the 12th significant digit at most. */
#define ROUNDING_REL 1e-9
#define N_YEARS 5

static double year_value(const struct tu_reps *r, size_t rep, size_t y, const char *metric)
{
    const struct result_layout *ys = r->layout.years;
    long m = result_metric_index(ys, metric);
    if (m < 0)
        fail_msg("years.csv has no metric %s", metric);
    return r->rep[rep].years[y * ys->n_metrics + (size_t)m];
}

/* The fixture by hand: £1,200 a day of staff; the package £50,000 on
 * 2025-04-01 and £1.2m in each of its three anniversary years (365, 365
 * and 366 days: still £1.2m each); the second, from 2026-10-01, £1,000 a day
 * in its first year (365 days) and £365,000 / 366 a day in its second
 * (2027-10-01 to 2028-10-01, which holds 29 February 2028). */
static const struct {
    const char *label;
    double days, staff, once, recurring, recurring2, total, factor;
} want[N_YEARS] = {
    { "2024-25", 182, 218400, 0, 0, 0, 218400, 1 },
    { "2025-26", 365, 438000, 50000, 1200000, 0, 1688000, 1 / 1.035 },
    /* 182 days at £1,000 */
    { "2026-27", 365, 438000, 0, 1200000, 182000, 1820000, 1 / (1.035 * 1.035) },
    /* 183 days at £1,000, 183 at £365,000 / 366 */
    { "2027-28", 366, 439200, 0, 1200000, 365500, 2004700, 1 / (1.035 * 1.035 * 1.035) },
    { "2028-29", 183, 219600, 0, 0, 182500, 402100, 1 / (1.035 * 1.035 * 1.035 * 1.035) },
};
/* 218,400 + 1,688,000 / 1.035 + 1,820,000 / 1.035^2 + 2,004,700 / 1.035^3
 * + 402,100 / 1.035^4 */
#define WANT_NPV 5706838.81
#define WANT_TOTAL 6133200.0

static void test_hand_computed_table(void **state)
{
    (void)state;
    struct scenario *sc = tu_load(FIXTURE, NULL, 0);
    struct tu_reps r;
    tu_reps_run(&r, sc, SEED, REPS);
    const struct result_layout *ys = r.layout.years;
    assert_non_null(ys);
    assert_int_equal(ys->n_periods, N_YEARS);
    for (size_t i = 0; i < r.n; i++) {
        for (size_t y = 0; y < N_YEARS; y++) {
            TU_ASSERT_STR(ys->date[y], want[y].label);
            assert_true(ys->days[y] == want[y].days);
            TU_ASSERT_WITHIN(year_value(&r, i, y, "cost_staff"), want[y].staff, PENNY);
            TU_ASSERT_WITHIN(year_value(&r, i, y, "cost_once_retention___recruitment_package"), want[y].once, PENNY);
            TU_ASSERT_WITHIN(year_value(&r, i, y, "cost_recurring_retention___recruitment_package"),
                             want[y].recurring, PENNY);
            TU_ASSERT_WITHIN(year_value(&r, i, y, "cost_once_retention___recruitment_package_2"), 0, PENNY);
            TU_ASSERT_WITHIN(year_value(&r, i, y, "cost_recurring_retention___recruitment_package_2"),
                             want[y].recurring2, PENNY);
            TU_ASSERT_WITHIN(year_value(&r, i, y, "cost_interventions"),
                             want[y].once + want[y].recurring + want[y].recurring2, PENNY);
            TU_ASSERT_WITHIN(year_value(&r, i, y, "cost_total"), want[y].total, PENNY);
            TU_ASSERT_WITHIN(year_value(&r, i, y, "discount_factor"), want[y].factor, 1e-12);
            TU_ASSERT_WITHIN(year_value(&r, i, y, "cost_total_discounted"), want[y].total * want[y].factor, PENNY);
            TU_ASSERT_WITHIN(year_value(&r, i, y, "staff_in_post_fte_mean"), 10, 1e-9);
            TU_ASSERT_WITHIN(year_value(&r, i, y, "vacancies_fte_mean"), 0, 1e-9);
            TU_ASSERT_WITHIN(year_value(&r, i, y, "agency_fte_mean"), 0, 1e-9);
        }
        TU_ASSERT_WITHIN(r.rep[i].kpi[tu_kpi(&r, "cost_total")], WANT_TOTAL, PENNY);
        TU_ASSERT_WITHIN(r.rep[i].kpi[tu_kpi(&r, "cost_npv")], WANT_NPV, PENNY);
    }
    tu_reps_free(&r);
    scenario_free(sc);
}

/* The base year moved on by one: every factor is 1.035 times larger. The
 * years from January: labels "2024" ... "2028", the first 92 days. */
static void test_base_year_and_calendar_years(void **state)
{
    (void)state;
    char *base[] = { "costs.discount_base_year=2025" };
    struct scenario *sc = tu_load(FIXTURE, base, 1);
    struct tu_reps r;
    tu_reps_run(&r, sc, SEED, 1);
    for (size_t y = 0; y < N_YEARS; y++)
        TU_ASSERT_WITHIN(year_value(&r, 0, y, "discount_factor"), want[y].factor * 1.035, 1e-12);
    TU_ASSERT_WITHIN(r.rep[0].kpi[tu_kpi(&r, "cost_npv")], WANT_NPV * 1.035, 2 * PENNY);
    tu_reps_free(&r);
    scenario_free(sc);

    char *jan[] = { "costs.year_start_month=1" };
    sc = tu_load(FIXTURE, jan, 1);
    tu_reps_run(&r, sc, SEED, 1);
    const struct result_layout *ys = r.layout.years;
    const char *labels[] = { "2024", "2025", "2026", "2027", "2028" };
    const double days[] = { 92, 365, 365, 365, 274 };
    assert_int_equal(ys->n_periods, 5);
    for (size_t y = 0; y < 5; y++) {
        TU_ASSERT_STR(ys->date[y], labels[y]);
        assert_true(ys->days[y] == days[y]);
        TU_ASSERT_WITHIN(year_value(&r, 0, y, "cost_staff"), 1200 * days[y], PENNY);
    }
    /* the package's second anniversary year, 2027-04-01 to 2028-04-01,
     * falls in 2027 for 275 days and in 2028 for 91 of its 366 */
    TU_ASSERT_WITHIN(year_value(&r, 0, 4, "cost_recurring_retention___recruitment_package"), 1200000.0 * 91 / 366,
                     PENNY);
    TU_ASSERT_WITHIN(r.rep[0].kpi[tu_kpi(&r, "cost_total")], WANT_TOTAL, PENNY);
    tu_reps_free(&r);
    scenario_free(sc);
}

/* The sums, in every replication of a scenario with turnover, sickness,
 * agency cover, recruitment and a warm-up: exact for the KPIs (their sum in
 * year order), exact for the categories of each year, within rounding for
 * the periods of summary.csv. The days add up to the reporting span. */
static void test_years_add_up(void **state)
{
    (void)state;
    char *sets[] = { "warmup_days=91.5" };
    struct scenario *sc = tu_load("tests/scenarios/pressure.cfg", sets, 1);
    struct tu_reps r;
    tu_reps_run(&r, sc, SEED, REPS);
    const struct result_layout *ys = r.layout.years;
    double span = 0;
    for (size_t y = 0; y < ys->n_periods; y++)
        span += ys->days[y];
    assert_true(span == scenario_horizon_days(sc, NULL) - scenario_report_start(sc, NULL));
    static const char *const cats[] = { "cost_staff", "cost_agency", "cost_recruitment", "cost_training",
                                        "cost_interventions" };
    size_t m_total = tu_metric(&r, "cost_total");
    for (size_t i = 0; i < r.n; i++) {
        double total = 0, npv = 0, periods = 0, sick = 0;
        double cat[5] = { 0 };
        for (size_t y = 0; y < ys->n_periods; y++) {
            double sum = 0;
            for (size_t c = 0; c < 5; c++) {
                double v = year_value(&r, i, y, cats[c]);
                sum += v;
                cat[c] += v;
            }
            assert_true(sum == year_value(&r, i, y, "cost_total"));
            assert_true(year_value(&r, i, y, "cost_staff") > 0);
            total += year_value(&r, i, y, "cost_total");
            npv += year_value(&r, i, y, "cost_total_discounted");
            sick += year_value(&r, i, y, "cost_sickness");
        }
        assert_true(total == r.rep[i].kpi[tu_kpi(&r, "cost_total")]);
        assert_true(npv == r.rep[i].kpi[tu_kpi(&r, "cost_npv")]);
        assert_true(sick == r.rep[i].kpi[tu_kpi(&r, "cost_sickness_total")]);
        assert_true(cat[0] == r.rep[i].kpi[tu_kpi(&r, "cost_staff_total")]);
        assert_true(cat[1] == r.rep[i].kpi[tu_kpi(&r, "cost_agency_total")]);
        for (size_t p = 0; p < r.layout.n_periods; p++)
            periods += tu_value(&r, i, p, m_total);
        TU_ASSERT_WITHIN(periods, total, ROUNDING_REL * total);
        /* the year's referrals add up to the run's */
        double referrals = 0;
        for (size_t y = 0; y < ys->n_periods; y++)
            referrals += year_value(&r, i, y, "referrals");
        assert_true(referrals == r.rep[i].kpi[tu_kpi(&r, "referrals_total")]);
        /* the last year's backlog is the backlog at the horizon */
        assert_true(year_value(&r, i, ys->n_periods - 1, "backlog_end") == r.rep[i].kpi[tu_kpi(&r, "backlog_end")]);
    }
    tu_reps_free(&r);
    scenario_free(sc);
}

/* years.csv is written by run, with its header, labels and days. */
static void test_years_csv(void **state)
{
    struct tu_dir *t = *state;
    char *out = tu_path(t->dir, "res");
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "run", FIXTURE, "-q", "-n", "2", "-o", out, NULL), 0);
    free(err);
    char *text = tu_read_in(out, "years.csv");
    const char *header = "scenario,year,metric,mean,sd,ci_low,ci_high,p05,p50,p95,n,days\n";
    assert_true(strncmp(text, header, strlen(header)) == 0);
    tu_assert_contains(text, "\nyears,2024-25,cost_staff,218400,");
    tu_assert_contains(text, ",2,182\n");
    tu_assert_contains(text, "\nyears,2027-28,cost_total,2004700,");
    tu_assert_contains(text, "\nyears,2028-29,cost_recurring_retention___recruitment_package_2,182500,");
    free(text);
    free(out);
}

/* The number in the mean column of the row of csv that starts with
 * prefix ("ALT,YEAR,METRIC,"); fails when there is none. */
static double csv_mean(const char *csv, const char *prefix)
{
    char needle[256];
    snprintf(needle, sizeof needle, "\n%s", prefix);
    const char *at = strstr(csv, needle);
    if (!at)
        fail_msg("no row %s", prefix);
    return strtod(at + strlen(needle), NULL);
}

/* compare_years.csv: an alternative whose second package costs twice as
 * much (£730,000 a year) differs by exactly that package's cost in each
 * year, saves nothing on agency, and its net present cost (the "total"
 * row's discounted difference) is the hand-computed one. The terminal
 * table prints the net present cost. */
static void test_compare_years(void **state)
{
    struct tu_dir *t = *state;
    char *text = tu_read(FIXTURE, NULL);
    char *at = strstr(text, "cost_per_year = 365000.0");
    assert_non_null(at);
    memcpy(at, "cost_per_year = 730000.0", strlen("cost_per_year = 730000.0"));
    at = strstr(text, "name = \"years\";");
    assert_non_null(at);
    memcpy(at, "name = \"dearr\";", strlen("name = \"dearr\";"));
    char *alt = tu_write(t->dir, "dearer.cfg", text);
    free(text);
    char *out = tu_path(t->dir, "cmp");
    char *err, *stdout_text;
    assert_int_equal(tu_caseload_run(&err, &stdout_text, "compare", FIXTURE, alt, "-n", "2", "-o", out, NULL), 0);
    free(err);
    char *csv = tu_read_in(out, "compare_years.csv");
    const double extra[N_YEARS] = { 0, 0, 182000, 365500, 182500 };
    double npc = 0;
    for (size_t y = 0; y < N_YEARS; y++) {
        char prefix[128];
        snprintf(prefix, sizeof prefix, "dearr,%s,cost_total,", want[y].label);
        TU_ASSERT_WITHIN(csv_mean(csv, prefix), extra[y], PENNY);
        snprintf(prefix, sizeof prefix, "dearr,%s,cost_recurring_retention___recruitment_package_2,", want[y].label);
        TU_ASSERT_WITHIN(csv_mean(csv, prefix), extra[y], PENNY);
        snprintf(prefix, sizeof prefix, "dearr,%s,cost_agency,", want[y].label);
        TU_ASSERT_WITHIN(csv_mean(csv, prefix), 0, PENNY);
        npc += extra[y] * want[y].factor;
    }
    TU_ASSERT_WITHIN(csv_mean(csv, "dearr,total,cost_total,"), 730000, PENNY);
    TU_ASSERT_WITHIN(csv_mean(csv, "dearr,total,cost_total_discounted,"), npc, PENNY);
    tu_assert_contains(csv, "\ndearr,total,staff_in_post_fte_mean,NA,");
    tu_assert_contains(stdout_text, "net present cost of the option");
    free(csv);
    free(stdout_text);
    free(out);
    free(alt);
}

/* A discounting method that does not exist is an error naming both. */
static void test_bad_discounting(void **state)
{
    (void)state;
    struct diag d;
    diag_init(&d, 20);
    struct scenario *sc = scenario_load_text("@include \"years.cfg\"\ncosts = { discounting = \"hyperbolic\"; };\n",
                                             "bad.cfg", "tests/scenarios", NULL, 0, &d);
    assert_null(sc);
    assert_true(d.n >= 1);
    tu_assert_contains(d.msg[0], "costs.discounting: \"hyperbolic\" is not a discounting method (allowed: annual or "
                                 "continuous)");
    diag_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed_table),
        cmocka_unit_test(test_base_year_and_calendar_years),
        cmocka_unit_test(test_years_add_up),
        cmocka_unit_test_setup_teardown(test_years_csv, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_compare_years, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test(test_bad_discounting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
