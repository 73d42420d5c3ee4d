/* test_cli.c — the command line's contract for bad input.
 *
 * Runs the program ($CASELOAD) on a small valid scenario with one line made
 * wrong at a time. Every problem must end the program with status 2 and a
 * message "caseload: FILE:LINE: PATH: ..." naming the file as given, the
 * line of the bad setting and the parameter path; nothing may be written.
 * Usage errors (--set, -n, unknown options, missing files) also exit 2 with
 * a message naming what was wrong. check, --version and --help exit 0. */
#include "tests/testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#define EXIT_USAGE 2

/* A valid scenario, one line per element: line k of the file is lines[k-1]. */
static const char *const lines[] = {
    /*  1 */ "name = \"cli\";",
    /*  2 */ "start = \"2024-04-01\";",
    /*  3 */ "horizon_years = 1.5;",
    /*  4 */ "demand: {",
    /*  5 */ "  referrals_per_year = 812.5;",
    /*  6 */ "  screen_out = 0.1;",
    /*  7 */ "};",
    /*  8 */ "pathway: {",
    /*  9 */ "  entry = \"assessment\";",
    /* 10 */ "  wait_threshold_days = 60.0;",
    /* 11 */ "  stages = (",
    /* 12 */ "    { name = \"assessment\"; weight = 1.0; priority = 2;",
    /* 13 */ "      duration = { dist = \"gamma\"; mean = 30.0; sd = 12.0; };",
    /* 14 */ "      grades = [ \"sw\" ];",
    /* 15 */ "      next = ( { to = \"cin\"; p = 0.4; }, { to = \"close\"; p = 0.6; } ); },",
    /* 16 */ "    { name = \"cin\"; weight = 1.0; priority = 3;",
    /* 17 */ "      duration = { dist = \"exponential\"; mean = 200.0; };",
    /* 18 */ "      grades = [ \"sw\" ];",
    /* 19 */ "      next = ( { to = \"close\"; p = 1.0; } ); }",
    /* 20 */ "  );",
    /* 21 */ "};",
    /* 22 */ "workforce: {",
    /* 23 */ "  admin_share = 0.6;",
    /* 24 */ "  grades = ( { name = \"sw\"; establishment = 40.0; in_post = 36.0; cap = 16.0;",
    /* 25 */ "               salary = 41000.0; turnover_per_year = 0.15; } );",
    /* 26 */ "  sickness = { episodes_per_fte_year = 2.0; short_mean_days = 3.0; long_share = 0.1;",
    /* 27 */ "               long_mean_days = 40.0; reallocate_after_days = 28.0; };",
    /* 28 */ "  pressure = { sickness_gain = 1.0; turnover_gain = 1.0; };",
    /* 29 */ "  recruitment = { success = 0.5; retry_days = 60.0; cost_per_campaign = 5000.0;",
    /* 30 */ "                  time_to_hire = { dist = \"fixed\"; value = 90.0; }; };",
    /* 31 */ "};",
};
#define N_LINES (sizeof lines / sizeof *lines)


/* The scenario with the text `from` on line `line` replaced by `to` (line 0:
 * unchanged), written to dir/name; returns its path. */
static char *scenario(const char *dir, const char *name, int line, const char *from, const char *to)
{
    char text[8192];
    size_t w = 0;
    for (size_t i = 0; i < N_LINES; i++) {
        const char *l = lines[i];
        if ((int)i + 1 == line) {
            const char *at = strstr(l, from);
            if (!at)
                fail_msg("line %d has no \"%s\"", line, from);
            w += (size_t)snprintf(text + w, sizeof text - w, "%.*s%s%s\n", (int)(at - l), l, to,
                                  at + strlen(from));
        } else {
            w += (size_t)snprintf(text + w, sizeof text - w, "%s\n", l);
        }
        assert_true(w < sizeof text);
    }
    return tu_write(dir, name, text);
}

/* Both `check` and `run` on a scenario whose line `line` is wrong must exit 2
 * with "caseload: FILE:LINE: PATH: " then what, and run writes nothing. */
static void expect_bad(const char *dir, int line, const char *from, const char *to, const char *path,
                       const char *what)
{
    char *file = scenario(dir, "bad.cfg", line, from, to);
    char prefix[4096];
    if (path)
        snprintf(prefix, sizeof prefix, "caseload: %s:%d: %s: ", file, line, path);
    else
        snprintf(prefix, sizeof prefix, "caseload: %s:%d: ", file, line);
    char out_dir[4096];
    snprintf(out_dir, sizeof out_dir, "%s/results", dir);

    char *err, *out;
    assert_int_equal(tu_caseload_run(&err, &out, "check", file, NULL), EXIT_USAGE);
    if (strncmp(err, prefix, strlen(prefix)) != 0)
        fail_msg("expected the message to start \"%s\", got:\n%s", prefix, err);
    tu_assert_contains(err, what);
    assert_string_equal(out, "");
    free(err);
    free(out);

    assert_int_equal(tu_caseload_run(&err, NULL, "run", file, "-q", "-n", "2", "-o", out_dir, NULL), EXIT_USAGE);
    if (strncmp(err, prefix, strlen(prefix)) != 0)
        fail_msg("expected the message to start \"%s\", got:\n%s", prefix, err);
    tu_assert_contains(err, what);
    assert_false(tu_exists(out_dir));
    free(err);
    free(file);
}

/* The unchanged scenario is valid (so each failure below is the one line). */
static void test_valid(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char *err, *out;
    assert_int_equal(tu_caseload_run(&err, &out, "check", file, NULL), 0);
    assert_string_equal(err, "");
    tu_assert_contains(out, "is valid");
    free(err);
    free(out);
    free(file);
}

static void test_syntax_error(void **state)
{
    struct tu_dir *f = *state;
    expect_bad(f->dir, 5, "812.5;", "812.5 x;", NULL, "syntax error");
}

static void test_unknown_key_near(void **state)
{
    struct tu_dir *f = *state;
    expect_bad(f->dir, 6, "screen_out", "screen_ot", "demand.screen_ot",
               "unknown setting (did you mean screen_out?)");
}

/* No near name: the message lists the known ones instead. */
static void test_unknown_key_far(void **state)
{
    struct tu_dir *f = *state;
    expect_bad(f->dir, 6, "screen_out", "colour", "demand.colour", "unknown setting (known here: referrals_per_year");
}

static void test_unknown_stage(void **state)
{
    struct tu_dir *f = *state;
    expect_bad(f->dir, 15, "\"cin\"", "\"cn\"", "pathway.stages.assessment.next.cn.to",
               "unknown stage \"cn\" (did you mean cin?");
}

static void test_unknown_grade(void **state)
{
    struct tu_dir *f = *state;
    expect_bad(f->dir, 18, "\"sw\"", "\"sww\"", "pathway.stages.cin.grades", "unknown grade \"sww\" (did you mean sw?");
}

static void test_negative_rate(void **state)
{
    struct tu_dir *f = *state;
    expect_bad(f->dir, 5, "812.5", "-5.0", "demand.referrals_per_year", "must not be negative");
}

static void test_negative_size(void **state)
{
    struct tu_dir *f = *state;
    expect_bad(f->dir, 24, "in_post = 36.0", "in_post = -3.0", "workforce.grades.sw.in_post", "must not be negative");
}

static void test_probabilities(void **state)
{
    struct tu_dir *f = *state;
    expect_bad(f->dir, 15, "p = 0.6", "p = 0.5", "pathway.stages.assessment.next",
               "transition probabilities sum to 0.9 (they must sum to 1)");
}

/* A usage error: status 2 and a message containing each of needles. */
static void expect_usage(char **argv_tail, const char *const *needles, size_t n)
{
    char *argv[32];
    int k = 0;
    argv[k++] = (char *)tu_caseload();
    while (*argv_tail && k < 31)
        argv[k++] = *argv_tail++;
    argv[k] = NULL;
    char *err;
    assert_int_equal(tu_run(argv, NULL, &err), EXIT_USAGE);
    for (size_t i = 0; i < n; i++)
        tu_assert_contains(err, needles[i]);
    free(err);
}

/* Reporting starts on the warm-up rounded to a whole day. The 18-month
 * horizon ends on day 548 (2025-10-01); the last start that leaves a whole
 * month is day 518 (2025-09-01). */
static void test_warmup_in_file(void **state)
{
    struct tu_dir *f = *state;
    expect_bad(f->dir, 3, "1.5;", "1.5; warmup_days = 530.0;", "warmup_days",
               "warm-up of 530 days starts reporting on day 530, which leaves no whole month before the 548-day "
               "horizon (allowed: at most 518 days)");
}

/* 547.6 days passes "less than the horizon" but rounds to it: the only
 * period would be empty. */
static void test_warmup_rounds_to_horizon(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char out_dir[4096];
    snprintf(out_dir, sizeof out_dir, "%s/results", f->dir);
    char *argv[] = { "run", file, "-q", "-n", "2", "-o", out_dir, "--set", "warmup_days=547.6", NULL };
    const char *needles[] = { "caseload: --set: warmup_days: warm-up of 547.6 days starts reporting on day 548, "
                              "which leaves no whole month before the 548-day horizon (allowed: at most 518 days)" };
    expect_usage(argv, needles, 1);
    assert_false(tu_exists(out_dir));
    char *argv2[] = { "check", file, "--set", "warmup_days=518.5", NULL };
    expect_usage(argv2, needles, 0);
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "check", file, "--set", "warmup_days=518.4", NULL), 0);
    assert_string_equal(err, "");
    free(err);
    free(file);
}

static void test_set_unknown_path(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char out_dir[4096];
    snprintf(out_dir, sizeof out_dir, "%s/results", f->dir);
    char *argv[] = { "run", file, "-q", "-o", out_dir, "--set", "demand.referals_per_year=900", NULL };
    const char *needles[] = { "caseload: --set: demand.referals_per_year: unknown parameter",
                              "did you mean demand.referrals_per_year?" };
    expect_usage(argv, needles, 2);
    assert_false(tu_exists(out_dir));
    char *argv2[] = { "check", file, "--set", "no.such.thing=1", NULL };
    const char *needles2[] = { "caseload: --set: no.such.thing: unknown parameter" };
    expect_usage(argv2, needles2, 1);
    free(file);
}

static void test_set_not_a_number(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char *argv[] = { "check", file, "--set", "demand.referrals_per_year=many", NULL };
    const char *needles[] = { "caseload: --set: demand.referrals_per_year: \"many\" is not a valid value" };
    expect_usage(argv, needles, 1);
    char *argv2[] = { "check", file, "--set", "demand.screen_out=1.5", NULL };
    const char *needles2[] = { "caseload: --set: demand.screen_out: 1.5 is out of range" };
    expect_usage(argv2, needles2, 1);
    char *argv3[] = { "check", file, "--set", "demand.screen_out", NULL };
    const char *needles3[] = { "--set demand.screen_out: expects PATH=VALUE" };
    expect_usage(argv3, needles3, 1);
    free(file);
}

static void test_zero_reps(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char out_dir[4096];
    snprintf(out_dir, sizeof out_dir, "%s/results", f->dir);
    char *argv[] = { "run", file, "-q", "-o", out_dir, "-n", "0", NULL };
    const char *needles[] = { "caseload: --reps 0: the number of replications must be a whole number >= 1" };
    expect_usage(argv, needles, 1);
    char *argv2[] = { "run", file, "-q", "-o", out_dir, "-n", "-3", NULL };
    expect_usage(argv2, needles, 0);
    char *argv3[] = { "run", file, "-q", "-o", out_dir, "-j", "0", NULL };
    const char *needles3[] = { "threads must be a whole number" };
    expect_usage(argv3, needles3, 1);
    assert_false(tu_exists(out_dir));
    free(file);
}

static void test_unknown_option(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char *argv[] = { "run", file, "--bogus", NULL };
    const char *needles[] = { "caseload: unknown option --bogus" };
    expect_usage(argv, needles, 1);
    char *argv2[] = { "frobnicate", NULL };
    const char *needles2[] = { "unknown command \"frobnicate\"" };
    expect_usage(argv2, needles2, 1);
    char *argv3[] = { NULL };
    const char *needles3[] = { "usage:" };
    expect_usage(argv3, needles3, 1);
    free(file);
}

static void test_missing_file(void **state)
{
    struct tu_dir *f = *state;
    char missing[4096];
    snprintf(missing, sizeof missing, "%s/nothere.cfg", f->dir);
    char want[4200];
    snprintf(want, sizeof want, "caseload: %s: cannot read the file", missing);
    const char *needles[] = { want };
    char *argv[] = { "run", missing, "-q", NULL };
    expect_usage(argv, needles, 1);
    char *argv2[] = { "check", missing, NULL };
    expect_usage(argv2, needles, 1);
    char *argv3[] = { "check", NULL };
    const char *needles3[] = { "check needs one scenario file" };
    expect_usage(argv3, needles3, 1);
}

/* ---- values outside their usual range ---------------------------------------- */

#define UNUSUAL "tests/scenarios/unusual.cfg"

/* The warnings about tests/scenarios/unusual.cfg, one line each. */
static const char *const unusual_warnings[] = {
    "caseload: " UNUSUAL ":11: demand.trend_per_year: warning: 3 is outside the usual range -0.2\u20130.3 share "
    "per year\n",
    "caseload: " UNUSUAL ":24: workforce.grades.sw.turnover_per_year: warning: 15 is outside the usual range "
    "0\u20131.5 leavers per FTE-year\n",
    "caseload: " UNUSUAL ":26: workforce.grades.agency.day_rate: warning: 80600 is outside the usual range "
    "100\u20131500 \u00a3 per working day\n",
    "caseload: " UNUSUAL ":36: interventions.agency surge: warning: makes workforce.agency_cover.max_share = 1 "
    "from 2024-10-01, outside the usual range 0\u20130.6\n",
};
#define N_UNUSUAL (sizeof unusual_warnings / sizeof *unusual_warnings)

/* A turnover of 15 (meant 15%), a yearly sum as a day rate, a trend of 300%
 * a year and an intervention that takes the agency ceiling to 100%: each
 * is allowed, so check and run succeed, saying so once per value. */
static void test_unusual_values_warn(void **state)
{
    struct tu_dir *f = *state;
    char want[2048] = "";
    for (size_t i = 0; i < N_UNUSUAL; i++)
        strcat(want, unusual_warnings[i]);
    char *err, *out;
    assert_int_equal(tu_caseload_run(&err, &out, "check", UNUSUAL, NULL), 0);
    assert_string_equal(err, want);
    tu_assert_contains(out, "is valid");
    free(err);
    free(out);

    char out_dir[4096];
    snprintf(out_dir, sizeof out_dir, "%s/results", f->dir);
    assert_int_equal(tu_caseload_run(&err, NULL, "run", UNUSUAL, "-q", "-n", "2", "-o", out_dir, NULL), 0);
    assert_string_equal(err, want);
    free(err);
    char kpis[4200];
    snprintf(kpis, sizeof kpis, "%s/kpis.csv", out_dir);
    assert_true(tu_exists(kpis));
}

/* --strict: the same warnings, then status 2 and nothing written. */
static void test_unusual_values_strict(void **state)
{
    struct tu_dir *f = *state;
    char out_dir[4096];
    snprintf(out_dir, sizeof out_dir, "%s/results", f->dir);
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "run", UNUSUAL, "-q", "-n", "2", "-o", out_dir, "--strict", NULL),
                     EXIT_USAGE);
    for (size_t i = 0; i < N_UNUSUAL; i++)
        tu_assert_contains(err, unusual_warnings[i]);
    tu_assert_contains(err, "caseload: " UNUSUAL ": --strict: 4 warnings, so nothing was run");
    assert_false(tu_exists(out_dir));
    free(err);
    assert_int_equal(tu_caseload_run(&err, NULL, "check", UNUSUAL, "--strict", NULL), EXIT_USAGE);
    tu_assert_contains(err, unusual_warnings[1]);
    free(err);
}

/* Values given with --set are named as such; the scenario's own usual
 * values give no warning, with or without --strict. */
static void test_unusual_set(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "check", file, "--strict", NULL), 0);
    assert_string_equal(err, "");
    free(err);
    assert_int_equal(tu_caseload_run(&err, NULL, "check", file, "--set", "workforce.grades.sw.turnover_per_year=15",
                                     NULL), 0);
    assert_string_equal(err, "caseload: --set: workforce.grades.sw.turnover_per_year: warning: 15 is outside the "
                             "usual range 0\u20131.5 leavers per FTE-year\n");
    free(err);
    assert_int_equal(tu_caseload_run(&err, NULL, "check", file, "--strict", "--set", "demand.trend_per_year=3", NULL),
                     EXIT_USAGE);
    tu_assert_contains(err, "caseload: --set: demand.trend_per_year: warning: 3 is outside the usual range");
    free(err);
    free(file);
}

static void test_check_baseline(void **state)
{
    (void)state;
    char *err, *out;
    assert_int_equal(tu_caseload_run(&err, &out, "check", "scenarios/baseline.cfg", NULL), 0);
    assert_string_equal(err, "");
    tu_assert_contains(out, "scenarios/baseline.cfg: scenario \"baseline\" is valid");
    tu_assert_contains(out, "demand.referrals_per_year");
    free(err);
    free(out);
}

/* The drift notice: check and run report, on standard output, a key stock
 * that the scenario's own dynamics move by more than drift_notice in the
 * first year with no intervention (tests/scenarios/drift.cfg: vacancies
 * from 30% to about nothing, though its intervention would freeze
 * recruitment); not for a stationary service (tests/scenarios/sickness.cfg);
 * not above a threshold raised past the move. */
static void test_drift_notice(void **state)
{
    struct tu_dir *f = *state;
    char *err, *out;
    assert_int_equal(tu_caseload_run(&err, &out, "check", "tests/scenarios/drift.cfg", NULL), 0);
    assert_string_equal(err, "");
    tu_assert_contains(out, "notice: tests/scenarios/drift.cfg: with no intervention, the scenario's own "
                            "dynamics move vacancies_fte from 30 at day 0");
    free(err);
    free(out);
    char *dir = tu_path(f->dir, "run");
    assert_int_equal(tu_caseload_run(&err, &out, "run", "tests/scenarios/drift.cfg", "-n", "2", "-o", dir, NULL), 0);
    tu_assert_contains(out, "notice: tests/scenarios/drift.cfg: with no intervention");
    free(err);
    free(out);
    free(dir);
    assert_int_equal(tu_caseload_run(&err, &out, "check", "tests/scenarios/drift.cfg", "--set",
                                     "drift_notice=0.5", NULL), 0);
    assert_null(strstr(out, "notice: "));
    free(err);
    free(out);
    assert_int_equal(tu_caseload_run(&err, &out, "check", "tests/scenarios/sickness.cfg", NULL), 0);
    assert_string_equal(err, "");
    assert_null(strstr(out, "notice: "));
    free(err);
    free(out);
    /* a quick run that would not be quick is not made */
    assert_int_equal(tu_caseload_run(&err, &out, "check", "tests/scenarios/sickness.cfg", "--set",
                                     "demand.referrals_per_year=9000000", NULL), 0);
    tu_assert_contains(out, "notice: tests/scenarios/sickness.cfg: drift not measured: its quick run");
    free(err);
    free(out);
}

static void test_version_and_help(void **state)
{
    (void)state;
    char *err, *out;
    assert_int_equal(tu_caseload_run(&err, &out, "--version", NULL), 0);
    assert_string_equal(err, "");
    assert_true(strncmp(out, "caseload ", 9) == 0);
    free(err);
    free(out);
    assert_int_equal(tu_caseload_run(&err, &out, "--help", NULL), 0);
    assert_string_equal(err, "");
    tu_assert_contains(out, "usage:");
    tu_assert_contains(out, "caseload run SCENARIO.cfg");
    tu_assert_contains(out, "exit status");
    free(err);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_syntax_error, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_key_near, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_key_far, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_stage, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_grade, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_negative_rate, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_negative_size, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_probabilities, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_warmup_in_file, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_warmup_rounds_to_horizon, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_set_unknown_path, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_set_not_a_number, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_zero_reps, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_option, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_unusual_values_warn, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_unusual_values_strict, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_unusual_set, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test(test_check_baseline),
        cmocka_unit_test_setup_teardown(test_drift_notice, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test(test_version_and_help),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
