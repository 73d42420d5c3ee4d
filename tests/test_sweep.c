/* test_sweep.c — sweeps and goal seeking against queueing theory, and their
 * argument errors. tests/scenarios/mmc-sweep.cfg reduces the model to an
 * M/M/c queue (offered load a = 4 Erlangs, c = in_post servers). */
#include "tests/testutil.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MMC "tests/scenarios/mmc-sweep.cfg"
#define OFFERED_LOAD 4.0

/* Erlang C: the probability an arrival waits, C(c, a) = T / (S + T) with
 * S = sum_{k<c} a^k / k! and T = a^c / c! * c / (c - a); the mean queue
 * length is Lq = C(c, a) * a / (c - a). */
static double erlang_lq(int c, double a)
{
    double s = 0;
    for (int k = 0; k < c; k++)
        s += pow(a, k) / gsl_sf_fact((unsigned)k);
    double t = pow(a, c) / gsl_sf_fact((unsigned)c) * c / (c - a);
    return t / (s + t) * a / (c - a);
}

/* Column index of name in a CSV header line. */
static int column(const char *header, const char *name)
{
    int col = 0;
    size_t len = strlen(name);
    for (const char *p = header; p && *p && *p != '\n'; col++) {
        if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\n'))
            return col;
        p = strchr(p, ',');
        if (p)
            p++;
    }
    fail_msg("no column %s", name);
    return -1;
}

static double field(const char *line, int col)
{
    const char *p = line;
    for (int k = 0; k < col; k++)
        p = strchr(p, ',') + 1;
    return strtod(p, NULL);
}

#define SWEEP_REPS 20

/* Each point's mean backlog (the time-average queue) must match Erlang C
 * within 4 standard errors of the replications' mean (SE = CI half-width /
 * t(0.975, n - 1)): a wrong curve by more than that fails, a right one fails
 * with probability 7.7e-4 per point (Student t, 19 degrees of freedom), 0.004
 * over the five points. */
static void test_sweep_reproduces_erlang_c(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *out = tu_path(dir, "sweep");
    char *argv[] = { (char *)tu_caseload(), "sweep", MMC, "--vary", "workforce.grades.w.in_post=5:9:5", "-n", "20",
                     "-q", "-o", out, NULL };
    char *err = NULL;
    int st = tu_run(argv, NULL, &err);
    if (st != 0)
        fail_msg("sweep failed (%d): %s", st, err);
    free(err);
    char *p = tu_path(out, "sweep.csv");
    char *csv = tu_read(p, NULL);
    int c_col = column(csv, "workforce.grades.w.in_post");
    int m_col = column(csv, "backlog_mean_mean");
    int lo_col = column(csv, "backlog_mean_ci_low");
    int hi_col = column(csv, "backlog_mean_ci_high");
    double t = gsl_cdf_tdist_Pinv(0.975, SWEEP_REPS - 1);
    int points = 0;
    for (const char *line = strchr(csv, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        int c = (int)field(line, c_col);
        double mean = field(line, m_col);
        double se = (field(line, hi_col) - field(line, lo_col)) / 2 / t;
        double lq = erlang_lq(c, OFFERED_LOAD);
        print_message("c = %d: backlog %.4f, Erlang C %.4f, SE %.4f\n", c, mean, lq, se);
        assert_true(se > 0);
        TU_ASSERT_WITHIN(mean, lq, 4 * se);
        points++;
    }
    assert_int_equal(points, 5);
    free(csv);
    free(p);
    free(out);
    tu_rmtree(dir);
    free(dir);
}

/* The service level: a mean queue below 0.3 cases (a mean wait below
 * 0.3 / 4 = 0.075 days). Erlang C gives Lq(6) = 0.570 and Lq(7) = 0.180, so
 * 7 servers is the smallest staffing that meets it. Over two years a
 * replication's mean queue has mean 0.583 and sd 0.144 at c = 6, mean 0.181
 * and sd 0.050 at c = 7 (`caseload run tests/scenarios/mmc-sweep.cfg --set
 * horizon_years=2 --set workforce.grades.w.in_post=6 -n 30`, and =7), so
 * 0.3 is 2.0 sd below the one and 2.4 sd above the other: about 2% of
 * replications meet the level at 6 and 99% at 7. Out of 30, 27 meeting it
 * at 6, or fewer than 27 at 7, are both ~1e-4 events, so the search answers
 * 7 at probability 0.9. */
static void test_target_finds_erlang_c_staffing(void **state)
{
    (void)state;
    assert_true(erlang_lq(6, OFFERED_LOAD) > 0.3 && erlang_lq(7, OFFERED_LOAD) < 0.3);
    char *dir = tu_tmpdir();
    char *out = tu_path(dir, "target");
    char *argv[] = { (char *)tu_caseload(), "target", MMC, "--lever", "workforce.grades.w.in_post",
                     "--kpi", "backlog_mean", "--below", "0.3", "--probability", "0.9", "--range", "4:12",
                     "--step", "1", "-n", "30", "-q", "-o", out, "--set", "horizon_years=2", NULL };
    char *err = NULL;
    int st = tu_run(argv, NULL, &err);
    if (st != 0)
        fail_msg("target failed (%d): %s", st, err);
    free(err);
    char *p = tu_path(out, "manifest.json");
    char *m = tu_read(p, NULL);
    assert_non_null(strstr(m, "\"found\": true"));
    const char *v = strstr(m, "\"value\": ");
    assert_non_null(v);
    assert_int_equal((int)strtol(v + strlen("\"value\": "), NULL, 10), 7);
    free(m);
    free(p);
    free(out);
    tu_rmtree(dir);
    free(dir);
}

/* Tornado: the arrival rate must matter more to the queue than the cost of
 * a campaign (which changes nothing in this model), and the file is ranked. */
static void test_tornado_ranks_swings(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    char text[sizeof cwd + 512];
    snprintf(text, sizeof text,
             "@include \"%s/" MMC "\"\n"
             "uncertain = [ \"workforce.recruitment.cost_per_campaign\", \"demand.referrals_per_year\" ];\n"
             "workforce: { recruitment: { cost_per_campaign = 100.0; }; };\n",
             cwd);
    char *cfg = tu_write(dir, "mmc.cfg", text);
    char *out = tu_path(dir, "tornado");
    char *argv[] = { (char *)tu_caseload(), "sweep", cfg, "--tornado", "--spread", "0.1", "-n", "8", "-q", "-o", out,
                     "--set", "workforce.grades.w.in_post=5", NULL };
    char *err = NULL;
    int st = tu_run(argv, NULL, &err);
    if (st != 0)
        fail_msg("tornado failed (%d): %s", st, err);
    free(err);
    char *p = tu_path(out, "tornado.csv");
    char *csv = tu_read(p, NULL);
    const char *first = strchr(csv, '\n') + 1;
    assert_true(strncmp(first, "1,demand.referrals_per_year,", 28) == 0);
    const char *second = strchr(first, '\n') + 1;
    assert_true(strncmp(second, "2,workforce.recruitment.cost_per_campaign,", 42) == 0);
    /* a campaign's cost cannot move the queue: a swing of exactly zero */
    assert_true(field(second, column(csv, "swing")) == 0.0);
    free(csv);
    free(p);
    free(out);
    free(cfg);
    tu_rmtree(dir);
    free(dir);
}

/* Bad arguments: exit status 2 and a message that names the problem. */
static void expect_usage(const char *needle, char *const argv[])
{
    char *err = NULL;
    int st = tu_run(argv, NULL, &err);
    if (st != 2 || !strstr(err, needle))
        fail_msg("wanted status 2 and \"%s\", got %d: %s", needle, st, err ? err : "");
    free(err);
}

/* "Start in May, July or September?" is one sweep over an intervention's
 * start. tests/scenarios/overlap.cfg's grade m never has anyone in post, so
 * a period's vacancy rate is 195 / 199 before the cut sets its
 * establishment to 0 and 0 after: the mean over the 18 months is k x
 * (195 / 199) / 18 with k the months ended before the start (1, 3, 5 for
 * 2024-05-01, the midpoint 2024-07-02 rounded to a whole day, 2024-09-01).
 * sweep.csv (and the manifest the charts read) hold the start as days from
 * 2024-04-01; the terminal as dates.
 * A date that is not one, and a point whose start comes before the
 * scenario's, are refused; so is a date as the lever of a goal search. */
static void test_sweep_over_dates(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    char text[sizeof cwd + 512];
    snprintf(text, sizeof text,
             "@include \"%s/tests/scenarios/overlap.cfg\"\n"
             "interventions = ( { name = \"cut\"; from = \"2024-06-01\"; "
             "param = \"workforce.grades.m.establishment\"; set = 0.0; } );\n", cwd);
    char *cfg = tu_write(dir, "cut.cfg", text);
    char *out = tu_path(dir, "sweep");
    char *err = NULL, *so = NULL;
    int st = tu_caseload_run(&err, &so, "sweep", cfg, "--vary", "interventions.cut.from=2024-05-01:2024-09-01:3",
                             "-n", "2", "-o", out, "--kpi", "vacancy_rate_mean", NULL);
    if (st != 0)
        fail_msg("exit %d: %s", st, err);
    tu_assert_contains(so, "interventions.cut.from = 2024-07-02");
    char *csv = tu_read_in(out, "sweep.csv");
    int col = column(csv, "vacancy_rate_mean_mean");
    const double days[3] = { 30, 92, 153 }, months[3] = { 1, 3, 5 };
    const char *line = csv;
    for (int pt = 0; pt < 3; pt++) {
        line = strchr(line, '\n') + 1;
        double lever = field(line, 1), rate = field(line, col);
        assert_true(lever == days[pt]);
        TU_ASSERT_WITHIN(rate, months[pt] * (195.0 / 199.0) / 18, 1e-10);   /* sweep.csv: 10 digits */
    }
    free(csv);
    char *man = tu_read_in(out, "manifest.json");
    tu_assert_contains(man, "\"unit\": \"days from 2024-04-01\"");   /* the charts' axis */
    free(man);
    free(err);
    free(so);
    st = tu_caseload_run(&err, NULL, "sweep", cfg, "--vary", "interventions.cut.from=2024-05-01:30:3", "-n", "2",
                         "-q", "-o", out, "--force", NULL);
    assert_int_equal(st, 2);
    tu_assert_contains(err, "with dates (YYYY-MM-DD) FROM and TO");
    free(err);
    st = tu_caseload_run(&err, NULL, "sweep", cfg, "--vary", "interventions.cut.from=2024-01-01:2024-09-01:3", "-n",
                         "2", "-q", "-o", out, "--force", NULL);
    assert_int_equal(st, 2);
    tu_assert_contains(err, "interventions.cut.from: is before the scenario's start (allowed: 2024-04-01 or later)");
    free(err);
    /* goal seeking looks for the smallest value: a date is swept instead */
    st = tu_caseload_run(&err, NULL, "target", cfg, "--lever", "interventions.cut.from", "--kpi",
                         "vacancy_rate_mean", "--below", "0.1", "-n", "2", "-q", "-o", out, "--force", NULL);
    assert_int_equal(st, 2);
    tu_assert_contains(err, "caseload: --lever interventions.cut.from is a date (allowed: a number; compare dates "
                            "with caseload sweep");
    free(err);
    free(out);
    free(cfg);
    tu_rmtree(dir);
    free(dir);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    const char *cl = tu_caseload();
    char *dir = tu_tmpdir();
    char *never = tu_path(dir, "never");
    char *a1[] = { (char *)cl, "sweep", MMC, "--vary", "workforce.grades.w.in_post=5:9", NULL };
    expect_usage("FROM:TO:STEPS", a1);
    char *a2[] = { (char *)cl, "sweep", MMC, "--vary", "workforce.grades.w.in_post=5:9:1", NULL };
    expect_usage("steps from 2", a2);
    char *a3[] = { (char *)cl, "sweep", MMC, "--vary", "workforce.grades.w.in_pots=5:9:3", NULL };
    expect_usage("did you mean workforce.grades.w.in_post", a3);
    char *a4[] = { (char *)cl, "sweep", MMC, "--vary", "workforce.grades.w.in_post=-2:4:3", NULL };
    expect_usage("out of range", a4);
    char *a5[] = { (char *)cl, "sweep", MMC, NULL };
    expect_usage("--vary", a5);
    char *a6[] = { (char *)cl, "sweep", MMC, "--tornado", "--vary", "demand.screen_out=0:0.5:3", NULL };
    expect_usage("either", a6);
    char *a7[] = { (char *)cl, "sweep", MMC, "--vary", "demand.screen_out=0:0.5:3", "--spread", "0.2", NULL };
    expect_usage("--tornado", a7);
    char *a8[] = { (char *)cl, "sweep", MMC, "--tornado", "--spread", "1.5", NULL };
    expect_usage("spread", a8);
    char *a9[] = { (char *)cl, "sweep", MMC, "--vary", "demand.screen_out=0:0.5:3", "--vary", "demand.trend_per_year=0:0.1:2",
                   "--vary", "workforce.admin_share=0.4:0.6:2", NULL };
    expect_usage("at most 2", a9);
    char *b1[] = { (char *)cl, "target", MMC, "--lever", "workforce.grades.w.in_post", "--kpi", "backlog_mean", NULL };
    expect_usage("--below", b1);
    char *b2[] = { (char *)cl, "target", MMC, "--lever", "workforce.grades.w.in_post", "--kpi", "backlog_mean",
                   "--below", "1", "--probability", "1.5", NULL };
    expect_usage("probability", b2);
    char *b3[] = { (char *)cl, "target", MMC, "--lever", "workforce.grades.w.in_post", "--kpi", "unallocated",
                   "--below", "1", "--at", "2024-13-01", NULL };
    expect_usage("not a date", b3);
    char *b4[] = { (char *)cl, "target", MMC, "--lever", "workforce.grades.w.in_post", "--kpi", "unallocated",
                   "--below", "1", NULL };
    expect_usage("needs --at", b4);
    char *b5[] = { (char *)cl, "target", MMC, "--lever", "workforce.grades.w.in_pot", "--kpi", "backlog_mean",
                   "--below", "1", NULL };
    expect_usage("did you mean", b5);
    char *b6[] = { (char *)cl, "target", MMC, "--lever", "workforce.grades.w.in_post", "--kpi", "unallocated",
                   "--below", "1", "--at", "2031-01-01", "-n", "2", "-q", "-o", never, NULL };
    expect_usage("after the last reported day", b6);
    /* refused before anything was created */
    assert_int_equal(access(never, F_OK), -1);
    free(never);
    tu_rmtree(dir);
    free(dir);
    char *b7[] = { (char *)cl, "target", MMC, "--lever", "workforce.grades.w.in_post", "--kpi", "backlog_mean",
                   "--below", "1", "--range", "9:3", NULL };
    expect_usage("LO < HI", b7);
    /* numbers are decimal only, as everywhere on the command line */
    char *b8[] = { (char *)cl, "target", MMC, "--lever", "workforce.grades.w.in_post", "--kpi", "backlog_mean",
                   "--below", "1", "--range", "4:0x9", NULL };
    expect_usage("LO < HI", b8);
    char *a10[] = { (char *)cl, "sweep", MMC, "--vary", "workforce.grades.w.in_post=0x5:7:2", NULL };
    expect_usage("FROM:TO:STEPS", a10);
    char *a11[] = { (char *)cl, "sweep", MMC, "--vary", "workforce.grades.w.in_post=5:7:2.5", NULL };
    expect_usage("whole number of steps", a11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweep_reproduces_erlang_c),
        cmocka_unit_test(test_target_finds_erlang_c_staffing),
        cmocka_unit_test(test_tornado_ranks_swings),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_sweep_over_dates),
    };
    return cmocka_run_group_tests_name("sweep and target", tests, NULL, NULL);
}
