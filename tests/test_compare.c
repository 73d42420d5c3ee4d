/* test_compare.c — paired comparisons, common random numbers, thread-count
 * independence and precision-driven replications, through the program. */
#include "tests/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- small readers for the result files ----------------------------------- */

/* Field i (0-based) of a CSV line without quoted fields before it. */
static double field(const char *line, int i)
{
    const char *p = line;
    for (int k = 0; k < i; k++) {
        p = strchr(p, ',');
        assert_non_null(p);
        p++;
    }
    if (strncmp(p, "NA", 2) == 0)
        return NAN;
    return strtod(p, NULL);
}

/* The line of a CSV text whose field `col` equals key (first match after
 * skipping lines that do not); NULL when none. Returns a pointer into text. */
static const char *find_row(const char *text, int col, const char *key)
{
    size_t klen = strlen(key);
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        const char *p = line;
        for (int k = 0; k < col && p; k++) {
            p = strchr(p, ',');
            if (p)
                p++;
        }
        if (p && strncmp(p, key, klen) == 0 && (p[klen] == ',' || p[klen] == '\n'))
            return line;
    }
    return NULL;
}

/* Run caseload with the arguments (NULL-terminated), expecting status want. */
static void run_ok(int want, char *const argv[])
{
    char *err = NULL;
    int st = tu_run(argv, NULL, &err);
    if (st != want)
        fail_msg("exit status %d (wanted %d): %s", st, want, err ? err : "");
    free(err);
}

/* ---- a scenario compared with itself --------------------------------------- */

static void test_self_comparison_is_zero(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *out = tu_path(dir, "cmp");
    char *argv[] = { (char *)tu_caseload(), "compare", "scenarios/baseline.cfg", "scenarios/baseline.cfg",
                     "-n", "4", "-q", "-o", out, "--set", "horizon_years=1", NULL };
    run_ok(0, argv);

    /* every KPI's paired difference, its sd and interval are exactly 0;
     * for a share of replications (backlog_never_clears) the interval is
     * Newcombe's for paired proportions, which from 4 pairs that all agree
     * cannot exclude a difference: it is symmetric about 0 instead */
    char *cmp = tu_read_in(out, "compare.csv");
    size_t rows = 0;
    for (const char *line = strchr(cmp, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        const char *kpi = strchr(strchr(line, ',') + 1, ',') + 1;
        bool share = strncmp(kpi, "backlog_never_clears,", 21) == 0;
        for (int col = 6; col <= (share ? 7 : 9); col++)
            if (field(line, col) != 0)
                fail_msg("non-zero difference in: %.*s", (int)(strchr(line, '\n') - line), line);
        if (share && !(field(line, 8) < 0 && field(line, 8) == -field(line, 9)))
            fail_msg("not an interval symmetric about 0: %.*s", (int)(strchr(line, '\n') - line), line);
        assert_non_null(strstr(line, ",no,"));
        rows++;
    }
    assert_true(rows >= 20);

    /* and so is every metric in every period */
    char *diff = tu_read_in(out, "differences.csv");
    rows = 0;
    for (const char *line = strchr(diff, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        for (int col = 4; col <= 12; col++) {
            double v = field(line, col);
            if (!isnan(v) && v != 0)
                fail_msg("non-zero period difference in: %.*s", (int)(strchr(line, '\n') - line), line);
        }
        rows++;
    }
    assert_true(rows >= 12 * 40);
    free(diff);
    free(cmp);
    free(out);
    tu_rmtree(dir);
    free(dir);
}

/* ---- common random numbers reduce the variance of a difference --------------- */

/* A staffing change: more social workers in post at the start (same posts,
 * same establishment), on a service short enough of staff to have a backlog. */
static const char base_cfg[] =
    "@include \"%s/scenarios/baseline.cfg\"\n"
    "name = \"short\";\n"
    "horizon_years = 2.0;\n"
    "workforce: { grades = ( { name = \"sw\"; establishment = 90.0; in_post = 72.0; } ); };\n";
static const char alt_cfg[] =
    "@include \"short.cfg\"\n"
    "name = \"more\";\n"
    "workforce: { grades = ( { name = \"sw\"; in_post = 80.0; } ); };\n";

#define CRN_REPS "30"

/* The paired difference of backlog_mean must have under a quarter of the
 * variance of the difference of independent runs (var_a + var_b): CRN has to
 * make the runs at least ~75% correlated to be worth having. The observed
 * ratio is about 0.07. With 30 replications a sample variance exceeds twice
 * its expectation with probability 0.001 (chi-square, 29 df, 0.999 quantile
 * 58.3 = 2.0 x 29) and falls below 0.38 of it with probability 0.001 (0.001
 * quantile 10.99 = 0.38 x 29). A true ratio of 0.07 reaches 0.25 only if
 * the paired variance, relative to its expectation, comes out 3.7 times the
 * independent one's (say 1.9 times and under 0.5 at once): the ratio of the
 * two is F(29, 29) at most (the independent variance has more degrees of
 * freedom), beyond 3.7 with probability 0.0003, so the test fails only if
 * CRN has really degraded. */
static void test_common_random_numbers(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    char text[sizeof cwd + sizeof base_cfg];
    snprintf(text, sizeof text, base_cfg, cwd);
    char *base = tu_write(dir, "short.cfg", text);
    char *alt = tu_write(dir, "more.cfg", alt_cfg);
    char *cmp = tu_path(dir, "cmp"), *ra = tu_path(dir, "a"), *rb = tu_path(dir, "b");
    char *argv1[] = { (char *)tu_caseload(), "compare", base, alt, "-n", CRN_REPS, "-s", "7", "-q", "-o", cmp, NULL };
    run_ok(0, argv1);
    char *argv2[] = { (char *)tu_caseload(), "run", base, "-n", CRN_REPS, "-s", "7", "-q", "-o", rb, NULL };
    run_ok(0, argv2);
    char *argv3[] = { (char *)tu_caseload(), "run", alt, "-n", CRN_REPS, "-s", "8", "-q", "-o", ra, NULL };
    run_ok(0, argv3);

    char *c = tu_read_in(cmp, "compare.csv"), *kb = tu_read_in(rb, "kpis.csv"), *ka = tu_read_in(ra, "kpis.csv");
    const char *row = find_row(c, 2, "backlog_mean");
    assert_non_null(row);
    double sd_paired = field(row, 7);
    double sd_b = field(find_row(kb, 1, "backlog_mean"), 4);
    double sd_a = field(find_row(ka, 1, "backlog_mean"), 4);
    double ratio = sd_paired * sd_paired / (sd_a * sd_a + sd_b * sd_b);
    print_message("variance ratio paired / independent (backlog_mean): %.4f\n", ratio);
    assert_true(sd_b > 0 && sd_a > 0);
    assert_true(ratio < 0.25);
    /* the staffing change itself is detected: more staff, smaller backlog */
    assert_true(field(row, 9) < 0);
    free(c);
    free(kb);
    free(ka);
    free(cmp);
    free(ra);
    free(rb);
    free(base);
    free(alt);
    tu_rmtree(dir);
    free(dir);
}

/* ---- thread count does not change a byte ------------------------------------ */

static void test_threads_identical(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *o1 = tu_path(dir, "j1"), *o4 = tu_path(dir, "j4");
    char *argv1[] = { (char *)tu_caseload(), "compare", "scenarios/baseline.cfg", "scenarios/baseline.cfg",
                      "-n", "7", "-q", "-j", "1", "-o", o1, "--set", "horizon_years=1",
                      "--set", "workforce.grades.sw.in_post=70", NULL };
    char *argv4[] = { (char *)tu_caseload(), "compare", "scenarios/baseline.cfg", "scenarios/baseline.cfg",
                      "-n", "7", "-q", "-j", "4", "-o", o4, "--set", "horizon_years=1",
                      "--set", "workforce.grades.sw.in_post=70", NULL };
    run_ok(0, argv1);
    run_ok(0, argv4);
    const char *files[] = { "compare.csv", "differences.csv", "scenario-1/series.csv", "scenario-1/summary.csv",
                            "scenario-1/kpis.csv", "scenario-2/series.csv" };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        size_t n1, n4;
        char *p1 = tu_path(o1, files[i]), *p4 = tu_path(o4, files[i]);
        char *a = tu_read(p1, &n1), *b = tu_read(p4, &n4);
        if (n1 != n4 || memcmp(a, b, n1) != 0)
            fail_msg("%s differs between -j 1 and -j 4", files[i]);
        free(a);
        free(b);
        free(p1);
        free(p4);
    }
    free(o1);
    free(o4);
    tu_rmtree(dir);
    free(dir);
}

/* ---- precision-driven replications ------------------------------------------ */

static unsigned long manifest_reps(const char *dir)
{
    char *m = tu_read_in(dir, "manifest.json");
    const char *p = strstr(m, "\"replications\": ");
    assert_non_null(p);
    unsigned long n = strtoul(p + strlen("\"replications\": "), NULL, 10);
    free(m);
    return n;
}

static bool manifest_met(const char *dir)
{
    char *m = tu_read_in(dir, "manifest.json");
    bool met = strstr(m, "\"met\": true") != NULL;
    free(m);
    return met;
}

static void test_precision(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *o = tu_path(dir, "p");
    /* stops when the interval is narrow enough ... */
    char *argv1[] = { (char *)tu_caseload(), "run", "scenarios/baseline.cfg", "-q", "-o", o, "--precision",
                      "0.004", "--kpi", "cost_total", "--set", "horizon_years=1", NULL };
    run_ok(0, argv1);
    unsigned long n = manifest_reps(o);
    assert_true(manifest_met(o));
    char *k = tu_read_in(o, "kpis.csv");
    const char *row = find_row(k, 1, "cost_total");
    double mean = field(row, 3), lo = field(row, 5), hi = field(row, 6);
    assert_true(0.5 * (hi - lo) <= 0.004 * mean);
    free(k);
    print_message("replications needed for 0.4%% on cost_total: %lu\n", n);
    assert_true(n >= 2);

    /* ... never below 2 replications, however loose the rule ... */
    char *argv2[] = { (char *)tu_caseload(), "run", "scenarios/baseline.cfg", "-q", "-o", o, "--force", "-n", "1",
                      "--precision", "0.9", "--kpi", "cost_total", "--set", "horizon_years=1", NULL };
    run_ok(0, argv2);
    assert_int_equal(manifest_reps(o), 2);
    assert_true(manifest_met(o));

    /* ... and stops at the limit when the rule cannot be met */
    char *argv3[] = { (char *)tu_caseload(), "run", "scenarios/baseline.cfg", "-q", "-o", o, "--force",
                      "--precision", "0.0000001", "--kpi", "cost_total", "--max-reps", "6",
                      "--set", "horizon_years=1", NULL };
    run_ok(0, argv3);
    assert_int_equal(manifest_reps(o), 6);
    assert_false(manifest_met(o));
    free(o);
    tu_rmtree(dir);
    free(dir);
}

/* ---- which option: the ranking and prices only for priceable units ---------- */

/* compare.csv's rank and dominated: on the ranking KPI's row of each
 * alternative (ranks distinct, the base taking one of them too), empty on
 * every other row; no row of a KPI in a share, score, rate or ratio has a
 * cost per unit or a verdict that speaks of one; and ranking by such a KPI
 * is refused, listing those one can rank by. */
static void test_ranking(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *out = tu_path(dir, "cmp");
    char *err = NULL, *so = NULL;
    int st = tu_caseload_run(&err, &so, "compare", "scenarios/baseline.cfg",
                             "scenarios/interventions/baseline-sickness-wellbeing.cfg",
                             "scenarios/interventions/baseline-agency-cap.cfg", "-n", "5", "-o", out, "--set",
                             "horizon_years=3", NULL);
    if (st != 0)
        fail_msg("exit status %d: %s", st, err ? err : "");
    tu_assert_contains(so, "Options ranked by net present cost per unit of child_days_unallocated gained");
    char *cmp = tu_read_in(out, "compare.csv");
    assert_non_null(strstr(cmp, ",value_for_money,rank,dominated\n"));
    static const char *const unpriced[] = { ",share,", ",caseload points,", ",per year,", ",changes," };
    int ranks = 0, unpriced_trades = 0;
    bool seen[4] = { false };
    for (const char *line = strchr(cmp, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        const char *end = strchr(line, '\n');
        int len = (int)(end - line);
        /* the last two fields: rank, dominated */
        const char *c2 = end, *c1;
        while (*--c2 != ',')
            ;
        c1 = c2;
        while (*--c1 != ',')
            ;
        bool ranked_row = strncmp(strchr(strchr(line, ',') + 1, ',') + 1, "child_days_unallocated,", 23) == 0;
        if (ranked_row) {
            int r = atoi(c1 + 1);
            if (r < 1 || r > 3 || seen[r])
                fail_msg("rank %d in: %.*s", r, len, line);
            seen[r] = true;
            ranks++;
        } else if (c2 != c1 + 1 || c2 + 1 != end) {
            fail_msg("rank or dominated on a row of another KPI: %.*s", len, line);
        }
        for (size_t u = 0; u < sizeof unpriced / sizeof *unpriced; u++) {
            const char *at = strstr(line, unpriced[u]);
            if (!at || at > end)
                continue;
            if (!isnan(field(line, 14)) || (strstr(line, "cost_per_unit is") && strstr(line, "cost_per_unit is") < end))
                fail_msg("a price per unit of a %s: %.*s", unpriced[u], len, line);
            const char *t = strstr(line, "(no cost per unit");
            unpriced_trades += t && t < end;
        }
    }
    assert_int_equal(ranks, 2);
    /* the wellbeing programme buys lower sickness absence (a share) and a
     * lower mean caseload (a score) for money: the test sees such rows */
    assert_true(unpriced_trades >= 1);
    free(cmp);
    char *man = tu_read_in(out, "manifest.json");
    tu_assert_contains(man, "\"rank_kpi\": \"child_days_unallocated\"");
    free(man);
    free(err);
    free(so);

    /* a share cannot rank options; an unknown KPI neither */
    st = tu_caseload_run(&err, NULL, "compare", "scenarios/baseline.cfg", "scenarios/baseline.cfg", "-n", "2", "-q",
                         "-o", out, "--force", "--rank", "vacancy_rate_mean", NULL);
    assert_int_equal(st, 2);
    tu_assert_contains(err, "caseload: --rank vacancy_rate_mean: the KPI is in share, not a count one can put a "
                            "price on");
    tu_assert_contains(err, "(allowed: backlog_mean, backlog_end, child_days_unallocated,");
    free(err);
    st = tu_caseload_run(&err, NULL, "compare", "scenarios/baseline.cfg", "scenarios/baseline.cfg", "-n", "2", "-q",
                         "-o", out, "--force", "--rank", "nope", NULL);
    assert_int_equal(st, 2);
    tu_assert_contains(err, "caseload: --rank nope: no such KPI (allowed: backlog_mean,");
    free(err);
    free(out);
    tu_rmtree(dir);
    free(dir);
}

/* A variant that @includes the base and sets no name of its own is told,
 * in one line naming its file, that it is labelled name-2; a scenario
 * compared with itself (its own name) is not. */
static void test_unnamed_variant_notice(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    char text[sizeof cwd + 64];
    snprintf(text, sizeof text, "@include \"%s/scenarios/baseline.cfg\"\nhorizon_years = 0.5;\n", cwd);
    char *variant = tu_write(dir, "variant.cfg", text);
    char *out = tu_path(dir, "out");
    char *err = NULL;
    int st = tu_caseload_run(&err, NULL, "compare", "scenarios/baseline.cfg", variant, "-n", "2", "-q", "-o", out,
                             "--set", "horizon_years=0.5", NULL);
    assert_int_equal(st, 0);
    char want[8192];
    snprintf(want, sizeof want, "caseload: notice: %s sets no name of its own (it has \"baseline\" from %s/"
             "scenarios/baseline.cfg), so its results are labelled baseline-2 (allowed: name = \"...\"; in %s)\n",
             variant, cwd, variant);
    tu_assert_contains(err, want);
    free(err);
    st = tu_caseload_run(&err, NULL, "compare", "scenarios/baseline.cfg", "scenarios/baseline.cfg", "-n", "2", "-q",
                         "-o", out, "--force", "--set", "horizon_years=0.5", NULL);
    assert_int_equal(st, 0);
    assert_null(strstr(err ? err : "", "notice"));
    free(err);
    free(out);
    free(variant);
    tu_rmtree(dir);
    free(dir);
}

static void test_usage_errors(void **state)
{
    (void)state;
    char *a1[] = { (char *)tu_caseload(), "compare", "scenarios/baseline.cfg", NULL };
    run_ok(2, a1);
    char *a2[] = { (char *)tu_caseload(), "run", "scenarios/baseline.cfg", "--kpi", "cost_total", NULL };
    run_ok(2, a2);
    char *a3[] = { (char *)tu_caseload(), "run", "scenarios/baseline.cfg", "--precision", "0.1", "--kpi", "nope", NULL };
    run_ok(2, a3);
    char *a4[] = { (char *)tu_caseload(), "run", "scenarios/baseline.cfg", "--precision", "2", NULL };
    run_ok(2, a4);
    char *a5[] = { (char *)tu_caseload(), "run", "scenarios/baseline.cfg", "--max-reps", "5", NULL };
    run_ok(2, a5);
    /* a base and an alternative over different spans: refused, naming both
     * and the way out; with the same horizon for both, it runs */
    char *dir = tu_tmpdir();
    char *out = tu_path(dir, "out");
    char *err = NULL;
    int st = tu_caseload_run(&err, NULL, "compare", "scenarios/birmingham-2009.cfg",
                             "scenarios/birmingham-2015-improvement.cfg", "-n", "2", "-q", "-o", out, NULL);
    assert_int_equal(st, 2);
    tu_assert_contains(err, "caseload: compare: scenarios/birmingham-2015-improvement.cfg runs from 2008-04-01 for "
                            "13 years");
    tu_assert_contains(err, "but the base scenarios/birmingham-2009.cfg from 2008-04-01 for 7 years");
    tu_assert_contains(err, "e.g. --set horizon_years=13");
    free(err);
    st = tu_caseload_run(&err, NULL, "compare", "scenarios/baseline.cfg", "scenarios/baseline.cfg", "-n", "2", "-q",
                         "-o", out, "--set", "horizon_years=0.5", NULL);
    assert_int_equal(st, 0);
    free(err);
    free(out);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_self_comparison_is_zero),
        cmocka_unit_test(test_common_random_numbers),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_precision),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_ranking),
        cmocka_unit_test(test_unnamed_variant_notice),
    };
    return cmocka_run_group_tests_name("compare", tests, NULL, NULL);
}
