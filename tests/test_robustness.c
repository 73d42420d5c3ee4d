/* test_robustness.c — every bad input gets a clear error, nothing is lost,
 * nothing crashes (docs/robustness.md).
 *
 * Scenario errors: the program ($CASELOAD) on a small valid scenario with one
 * line made wrong at a time must exit 2 with one message per problem,
 *     caseload: FILE:LINE: PATH: what is wrong (what is allowed)
 * and write nothing. Odd inputs (empty lists, huge numbers, deep nesting,
 * odd names, NaN) end the same way, never in a crash. Inputs the fuzzer
 * found (tests/fuzz/crash-*.cfg) are replayed through the fuzz harness
 * itself and through `caseload check`.
 *
 * Command line: unknown options, bad --set, -n 0 and runs too big for the
 * machine (time, memory, disk) exit 2 before any work starts.
 *
 * Output: results in place are not overwritten without --force; a folder
 * that cannot be written, a full file system and a failed rename leave no
 * result file and no temporary behind (exit 1); Ctrl-C writes the finished
 * replications as a complete result marked partial, and a second Ctrl-C
 * exits at once (130) leaving nothing half written. On a terminal, Ctrl-C
 * erases the progress line before its message. */
#define _XOPEN_SOURCE 700   /* posix_openpt, grantpt, unlockpt, ptsname */
#include "tests/testutil.h"
#include "output/dirlock.h"

/* The fuzz harness, replayed on the inputs it once crashed on. */
#include "tests/fuzz/fuzz_scenario.c"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "output/json_in.h"
#include "output/runfolder.h"
#include "sim/diag.h"
#include "sim/sha256.h"

#define EXIT_RUN 1
#define EXIT_USAGE 2
#define EXIT_INTERRUPTED 130

/* A valid scenario, one line per element: line k of the file is lines[k-1].
 * 1.5 years reported monthly: 18 periods. */
static const char *const lines[] = {
    /*  1 */ "name = \"robust\";",
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
    /* 12 */ "    { name = \"assessment\"; weight = 1.0; priority = 2; initial = 20;",
    /* 13 */ "      duration = { dist = \"gamma\"; mean = 30.0; sd = 12.0; };",
    /* 14 */ "      grades = [ \"nqsw\", \"sw\" ];",
    /* 15 */ "      next = ( { to = \"cin\"; p = 0.4; }, { to = \"close\"; p = 0.6; } ); },",
    /* 16 */ "    { name = \"cin\"; weight = 1.0; priority = 3; initial = 40;",
    /* 17 */ "      duration = { dist = \"exponential\"; mean = 200.0; };",
    /* 18 */ "      grades = [ \"sw\" ];",
    /* 19 */ "      next = ( { to = \"close\"; p = 1.0; } ); }",
    /* 20 */ "  );",
    /* 21 */ "};",
    /* 22 */ "workforce: {",
    /* 23 */ "  admin_share = 0.6;",
    /* 24 */ "  grades = ( { name = \"sw\"; establishment = 40.0; in_post = 36.0; cap = 16.0;",
    /* 25 */ "               salary = 41000.0; turnover_per_year = 0.15; },",
    /* 26 */ "             { name = \"nqsw\"; establishment = 6.0; in_post = 5.0; cap = 10.0;",
    /* 27 */ "               salary = 33000.0; turnover_per_year = 0.15; becomes = \"sw\"; after_days = 365.0; } );",
    /* 28 */ "  sickness = { episodes_per_fte_year = 2.0; short_mean_days = 3.0; long_share = 0.1;",
    /* 29 */ "               long_mean_days = 40.0; reallocate_after_days = 28.0; };",
    /* 30 */ "  pressure = { sickness_gain = 1.0; turnover_gain = 1.0; };",
    /* 31 */ "  recruitment = { success = 0.5; retry_days = 60.0; cost_per_campaign = 5000.0;",
    /* 32 */ "                  time_to_hire = { dist = \"fixed\"; value = 90.0; }; };",
    /* 33 */ "};",
    /* 34 */ "interventions = ( { name = \"drive\"; from = \"2024-10-01\";",
    /* 35 */ "    param = \"workforce.grades.sw.establishment\"; add = 5.0; cost_once = 1000.0; } );",
};
#define N_LINES (sizeof lines / sizeof *lines)
#define PERIODS 18


/* The scenario with `from` on line `line` replaced by `to` (line 0:
 * unchanged; a second pair may follow, ending with 0), plus extra text at
 * the end, written to dir/name; returns its path. */
static char *scenario_ex(const char *dir, const char *name, const char *extra, int line, ...)
{
    int at_line[4] = { 0 };
    const char *from[4] = { NULL }, *to[4] = { NULL };
    va_list ap;
    va_start(ap, line);
    for (int k = 0; line && k < 4; k++) {
        at_line[k] = line;
        from[k] = va_arg(ap, const char *);
        to[k] = va_arg(ap, const char *);
        line = va_arg(ap, int);
    }
    va_end(ap);
    size_t cap = 16384, w = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (size_t i = 0; i < N_LINES; i++) {
        const char *l = lines[i];
        int k = 0;
        while (k < 4 && at_line[k] != (int)i + 1)
            k++;
        if (k < 4) {
            const char *at = strstr(l, from[k]);
            if (!at)
                fail_msg("line %zu has no \"%s\"", i + 1, from[k]);
            w += (size_t)snprintf(text + w, cap - w, "%.*s%s%s\n", (int)(at - l), l, to[k], at + strlen(from[k]));
        } else {
            w += (size_t)snprintf(text + w, cap - w, "%s\n", l);
        }
        assert_true(w < cap);
    }
    if (extra)
        w += (size_t)snprintf(text + w, cap - w, "%s", extra);
    assert_true(w < cap);
    char *path = tu_write(dir, name, text);
    free(text);
    return path;
}

static char *scenario(const char *dir, const char *name, int line, const char *from, const char *to)
{
    return line ? scenario_ex(dir, name, NULL, line, from, to, 0) : scenario_ex(dir, name, NULL, 0);
}

/* Every line of err is "caseload: ... (...)" — a message that ends with what
 * is allowed (or the count of problems beyond the limit). */
static void assert_form(const char *err)
{
    assert_true(err[0] != '\0');
    const char *l = err;
    while (*l) {
        const char *eol = strchr(l, '\n');
        size_t len = eol ? (size_t)(eol - l) : strlen(l);
        if (strncmp(l, "caseload: ", 10) != 0)
            fail_msg("a message without the \"caseload: \" prefix: %.*s", (int)len, l);
        bool more = strncmp(l, "caseload: ... and ", 18) == 0;
        if (!more && (len == 0 || l[len - 1] != ')' || !memchr(l, '(', len)))
            fail_msg("a message without \"(what is allowed)\" at its end: %.*s", (int)len, l);
        l += len + (eol ? 1 : 0);
    }
}

/* `caseload check FILE` and `caseload run FILE` both exit 2; err holds a
 * line starting "caseload: FILE:LINE: PATH: " (PATH NULL: none) that
 * contains what; every line has the form; run writes nothing. */
static void expect_bad(const char *dir, const char *file, int line, const char *path, const char *what)
{
    char prefix[4096];
    if (path)
        snprintf(prefix, sizeof prefix, "caseload: %s:%d: %s: ", file, line, path);
    else
        snprintf(prefix, sizeof prefix, "caseload: %s:%d: ", file, line);
    char out_dir[4096];
    snprintf(out_dir, sizeof out_dir, "%s/results", dir);
    for (int k = 0; k < 2; k++) {
        char *err;
        int rc = k == 0 ? tu_caseload_run(&err, NULL, "check", file, NULL)
                        : tu_caseload_run(&err, NULL, "run", file, "-q", "-n", "2", "-o", out_dir, NULL);
        if (rc != EXIT_USAGE)
            fail_msg("status %d (expected 2), stderr:\n%s", rc, err);
        bool found = false;
        for (const char *l = err; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
            if (strncmp(l, prefix, strlen(prefix)) == 0) {
                const char *eol = strchr(l, '\n');
                size_t len = eol ? (size_t)(eol - l) : strlen(l);
                char *one = strndup(l, len);
                found |= strstr(one, what) != NULL;
                free(one);
            }
        if (!found)
            fail_msg("expected a line starting \"%s\" containing \"%s\", got:\n%s", prefix, what, err);
        assert_form(err);
        free(err);
    }
    assert_false(tu_exists(out_dir));
}

/* ---- scenario errors, one class at a time ---------------------------------- */

static void test_valid(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "check", file, NULL), 0);
    assert_string_equal(err, "");
    free(err);
    free(file);
}

static void test_syntax_error(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "bad.cfg", 5, "812.5;", "812.5 x;");
    expect_bad(f->dir, file, 5, NULL, "syntax error (allowed: NAME = VALUE;");
    free(file);
}

static void test_wrong_type(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "bad.cfg", 3, "1.5", "\"five\"");
    expect_bad(f->dir, file, 3, "horizon_years", "is a string, not a number (allowed: a number > 0 and <= 100, in years)");
    free(file);
    /* a number where a group belongs, a group where a list belongs */
    file = scenario(f->dir, "bad.cfg", 30, "pressure = {", "pressure = 3; p2 = {");
    expect_bad(f->dir, file, 30, "workforce.pressure", "is a whole number, not a group (allowed: pressure = { ... })");
    free(file);
    file = scenario(f->dir, "bad.cfg", 14, "[ \"nqsw\", \"sw\" ]", "{ a = 1; }");
    expect_bad(f->dir, file, 14, "pathway.stages.assessment.grades",
               "is a group, not an array (allowed: a non-empty array of grade names");
    free(file);
}

static void test_unknown_key(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "bad.cfg", 6, "screen_out", "screen_ot");
    expect_bad(f->dir, file, 6, "demand.screen_ot", "unknown setting (did you mean screen_out?)");
    free(file);
    file = scenario(f->dir, "bad.cfg", 25, "salary", "salery");
    expect_bad(f->dir, file, 25, "workforce.grades.sw.salery", "unknown setting (did you mean salary?)");
    free(file);
}

static void test_missing_required(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "bad.cfg", 2, "start = \"2024-04-01\";", "");
    expect_bad(f->dir, file, 1, "start", "missing required setting (allowed: a date in double quotes, \"YYYY-MM-DD\")");
    free(file);
    file = scenario(f->dir, "bad.cfg", 25, "turnover_per_year = 0.15;", "");
    expect_bad(f->dir, file, 24, "workforce.grades.sw.turnover_per_year", "missing required setting (allowed: a number from 0 to 50");
    free(file);
}

/* Negative rates, shares outside 0..1, a cap of 0 for a case holder: three
 * problems in one file, all reported. */
static void test_out_of_range(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario_ex(f->dir, "bad.cfg", NULL, 5, "812.5", "-5.0", 6, "0.1", "1.5", 24, "cap = 16.0", "cap = 0.0",
                             0);
    expect_bad(f->dir, file, 5, "demand.referrals_per_year", "must not be negative: -5 (allowed: a number from 0 to");
    expect_bad(f->dir, file, 6, "demand.screen_out", "1.5 is out of range (allowed: a number from 0 to 1)");
    expect_bad(f->dir, file, 24, "workforce.grades.sw.cap", "0 leaves grade sw no room for cases, but stage assessment lists it (allowed: a cap > 0");
    free(file);
    file = scenario(f->dir, "bad.cfg", 29, "reallocate_after_days = 28.0", "reallocate_after_days = -28.0");
    expect_bad(f->dir, file, 29, "workforce.sickness.reallocate_after_days", "must not be negative: -28");
    free(file);
    file = scenario(f->dir, "bad.cfg", 27, "after_days = 365.0", "after_days = 365.0; after_months = 12");
    expect_bad(f->dir, file, 27, "workforce.grades.nqsw.after_days", "and after_months both say when staff progress");
    free(file);
    file = scenario(f->dir, "bad.cfg", 27, "after_days = 365.0", "after_months = 0");
    expect_bad(f->dir, file, 27, "workforce.grades.nqsw.after_months", "out of range");
    free(file);
}

static void test_probabilities(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "bad.cfg", 15, "p = 0.6", "p = 0.5");
    expect_bad(f->dir, file, 15, "pathway.stages.assessment.next", "transition probabilities sum to 0.9 (they must sum to 1)");
    free(file);
}

static void test_names_nothing(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "bad.cfg", 15, "\"cin\"", "\"cn\"");
    expect_bad(f->dir, file, 15, "pathway.stages.assessment.next.cn.to", "unknown stage \"cn\" (did you mean cin? allowed: assessment, cin, close)");
    free(file);
    file = scenario(f->dir, "bad.cfg", 18, "\"sw\"", "\"sww\"");
    expect_bad(f->dir, file, 18, "pathway.stages.cin.grades", "unknown grade \"sww\" (did you mean sw? allowed: sw, nqsw)");
    free(file);
    file = scenario(f->dir, "bad.cfg", 27, "becomes = \"sw\"", "becomes = \"senior\"");
    expect_bad(f->dir, file, 27, "workforce.grades.nqsw.becomes", "unknown grade \"senior\" (allowed: sw, nqsw)");
    free(file);
    file = scenario(f->dir, "bad.cfg", 9, "\"assessment\"", "\"asessment\"");
    expect_bad(f->dir, file, 9, "pathway.entry", "unknown stage \"asessment\" (did you mean assessment?");
    free(file);
}

static void test_close_unreachable(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "bad.cfg", 19, "to = \"close\"", "to = \"cin\"");
    expect_bad(f->dir, file, 19, "pathway.stages.cin.next",
               "cases in this stage can never reach close (allowed: every stage leads to close through transitions with p > 0)");
    free(file);
}

static void test_bad_dates(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario_ex(f->dir, "bad.cfg", NULL, 2, "2024-04-01", "2024-02-30", 34, "2024-10-01", "next week", 0);
    expect_bad(f->dir, file, 2, "start", "\"2024-02-30\" is not a date (allowed: YYYY-MM-DD, a real calendar day from 1900 on)");
    expect_bad(f->dir, file, 34, "interventions.drive.from", "\"next week\" is not a date (allowed: YYYY-MM-DD");
    free(file);
    file = scenario(f->dir, "bad.cfg", 34, "2024-10-01", "2023-10-01");
    expect_bad(f->dir, file, 34, "interventions.drive.from", "is before the scenario's start (allowed: 2024-04-01 or later)");
    free(file);
}

static void test_intervention_param(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "bad.cfg", 35, "establishment", "establisment");
    expect_bad(f->dir, file, 35, "interventions.drive.param",
               "\"workforce.grades.sw.establisment\" names no parameter (did you mean workforce.grades.sw.establishment?)");
    free(file);
    file = scenario(f->dir, "bad.cfg", 35, "workforce.grades.sw.establishment", "no.such.thing");
    expect_bad(f->dir, file, 35, "interventions.drive.param",
               "\"no.such.thing\" names no parameter (allowed: a path that caseload params SCENARIO lists)");
    free(file);
    /* an intervention that would take a value out of range */
    file = scenario(f->dir, "bad.cfg", 35, "add = 5.0", "add = -50.0");
    expect_bad(f->dir, file, 34, "interventions.drive",
               "would make workforce.grades.sw.establishment = -10 (allowed: a number from 0 to 100000)");
    free(file);
    /* ... or a distribution out of its valid range (a replication would stop
     * on a broken invariant when the intervention began) */
    file = scenario_ex(f->dir, "bad.cfg", NULL, 13, "gamma", "weibull", 35,
                       "param = \"workforce.grades.sw.establishment\"; add = 5.0",
                       "param = \"pathway.stages.assessment.duration.mean\"; set = 0.5", 0);
    expect_bad(f->dir, file, 34, "interventions.drive",
               "would make pathway.stages.assessment.duration.mean = 0.5, which the weibull duration of stage assessment "
               "does not allow (allowed: sd/mean must lie in 0.005..20 for weibull)");
    free(file);
}

static void test_include_errors(void **state)
{
    struct tu_dir *f = *state;
    char *good = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char *missing = tu_write(f->dir, "missing.cfg", "# a variant\n@include \"nope.cfg\"\nname = \"v\";\n");
    expect_bad(f->dir, missing, 2, NULL, "@include \"");
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "check", missing, NULL), EXIT_USAGE);
    tu_assert_contains(err, "nope.cfg\": cannot read it (No such file or directory)");
    free(err);
    char *self = tu_write(f->dir, "self.cfg", "@include \"self.cfg\"\nname = \"v\";\n");
    expect_bad(f->dir, self, 1, NULL, "includes itself (allowed: a base that does not include this file)");
    char *a = tu_write(f->dir, "a.cfg", "@include \"b.cfg\"\n");
    char *b = tu_write(f->dir, "b.cfg", "@include \"good.cfg\"\n@include \"a.cfg\"\n");
    char want[4200];
    snprintf(want, sizeof want, "@include \"%s/a.cfg\" includes itself through the files it includes", f->dir);
    snprintf(want, sizeof want, "includes itself through the files it includes");
    assert_int_equal(tu_caseload_run(&err, NULL, "check", a, NULL), EXIT_USAGE);
    snprintf(want, sizeof want, "caseload: %s:2: @include \"%s/a.cfg\" includes itself through", b, f->dir);
    tu_assert_contains(err, want);
    assert_form(err);
    free(err);
    /* a variant restating one setting is fine; its error points at itself */
    char *variant = tu_write(f->dir, "variant.cfg", "@include \"good.cfg\"\n\ndemand: { screen_out = 1.25; };\n");
    expect_bad(f->dir, variant, 3, "demand.screen_out", "1.25 is out of range");
    free(good);
    free(missing);
    free(self);
    free(a);
    free(b);
    free(variant);
}

/* Distributions: a misspelt family is one message, not one per setting it
 * then seems to lack; a variant may change a family (the base's settings of
 * the old one are dropped) but not state settings the new one lacks; a bad
 * empirical array is one message with its path. */
static size_t count_messages(const char *err)
{
    size_t n = 0;
    for (const char *p = err; (p = strstr(p, "caseload: ")) != NULL; p++)
        n++;
    return n;
}

static void test_distributions(void **state)
{
    struct tu_dir *f = *state;
    char *err;
    char *file = scenario(f->dir, "bad.cfg", 13, "\"gamma\"", "\"gamm\"");
    expect_bad(f->dir, file, 13, "pathway.stages.assessment.duration.dist",
               "unknown distribution \"gamm\" (allowed: fixed, exponential, uniform, lognormal, gamma, weibull, "
               "empirical)");
    assert_int_equal(tu_caseload_run(&err, NULL, "check", file, NULL), EXIT_USAGE);
    assert_int_equal(count_messages(err), 1);
    free(err);
    free(file);

    char *good = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char *variant = tu_write(f->dir, "variant.cfg",
                             "@include \"good.cfg\"\n"
                             "pathway: { stages = ( { name = \"assessment\";\n"
                             "  duration = { dist = \"exponential\"; }; } ); };\n");
    assert_int_equal(tu_caseload_run(&err, NULL, "check", variant, NULL), 0);
    free(err);
    char *out = NULL;
    assert_int_equal(tu_caseload_run(&err, &out, "params", variant, NULL), 0);
    tu_assert_contains(out, "pathway.stages.assessment.duration.mean");
    assert_null(strstr(out, "pathway.stages.assessment.duration.sd"));
    free(out);
    free(err);
    free(variant);

    variant = tu_write(f->dir, "variant.cfg",
                       "@include \"good.cfg\"\n"
                       "pathway: { stages = ( { name = \"assessment\";\n"
                       "  duration = { dist = \"exponential\"; sd = 3.0; }; } ); };\n");
    expect_bad(f->dir, variant, 3, "pathway.stages.assessment.duration.sd", "unknown setting");
    free(variant);
    /* the base's family kept, a setting of another family stated: reported */
    variant = tu_write(f->dir, "variant.cfg",
                       "@include \"good.cfg\"\n"
                       "pathway: { stages = ( { name = \"assessment\";\n"
                       "  duration = { min = 3.0; }; } ); };\n");
    expect_bad(f->dir, variant, 3, "pathway.stages.assessment.duration.min", "unknown setting");
    free(variant);

    file = scenario(f->dir, "bad.cfg", 17, "dist = \"exponential\"; mean = 200.0;",
                    "dist = \"empirical\"; values = \"abc\";");
    expect_bad(f->dir, file, 17, "pathway.stages.cin.duration.values",
               "is a string, not an array (allowed: a non-empty array of days from 0 to 36525");
    assert_int_equal(tu_caseload_run(&err, NULL, "check", file, NULL), EXIT_USAGE);
    assert_int_equal(count_messages(err), 1);
    free(err);
    free(file);
    free(good);
}

/* Every problem of a file is reported, up to the limit, then a count. */
static void test_all_errors_and_limit(void **state)
{
    struct tu_dir *f = *state;
    char extra[4096];
    size_t w = 0;
    for (int i = 0; i < 25; i++)
        w += (size_t)snprintf(extra + w, sizeof extra - w, "stray_%02d = %d;\n", i, i);
    char *file = scenario_ex(f->dir, "bad.cfg", extra, 0);
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "check", file, NULL), EXIT_USAGE);
    int n = 0;
    for (const char *l = err; (l = strstr(l, ": unknown setting")); l++)
        n++;
    assert_int_equal(n, 20);
    tu_assert_contains(err, "caseload: ... and 5 more problems\n");
    char first[4200];
    snprintf(first, sizeof first, "caseload: %s:36: stray_00: unknown setting (known here: ", file);
    tu_assert_contains(err, first);
    assert_form(err);
    free(err);
    free(file);
}

/* ---- odd inputs: a clean exit 2, never a crash ------------------------------- */

static void expect_clean_failure(const char *file, const char *needle)
{
    char *err;
    int rc = tu_caseload_run(&err, NULL, "check", file, NULL);
    if (rc != EXIT_USAGE)
        fail_msg("%s: status %d (expected 2), stderr:\n%s", file, rc, err);
    if (needle)
        tu_assert_contains(err, needle);
    assert_form(err);
    free(err);
}

static void test_odd_inputs(void **state)
{
    struct tu_dir *f = *state;
    char *file;
    /* empty lists */
    file = scenario_ex(f->dir, "bad.cfg", NULL, 11, "stages = (", "stages = (); old = (", 0);
    expect_clean_failure(file, "pathway.stages: is an empty list (allowed: at least one stage");
    free(file);
    file = scenario(f->dir, "bad.cfg", 15, "next = ( { to = \"cin\"; p = 0.4; }, { to = \"close\"; p = 0.6; } )", "next = ()");
    expect_clean_failure(file, "pathway.stages.assessment.next: is an empty list (allowed: at least one transition");
    free(file);
    /* strings where groups are expected */
    file = scenario(f->dir, "bad.cfg", 4, "demand: {", "demand = \"lots\"; d2: {");
    expect_clean_failure(file, "demand: is a string, not a group (allowed: demand = { ... })");
    free(file);
    /* huge numbers: read as they are (libconfig alone would wrap 4294967296 to 0) */
    file = scenario(f->dir, "bad.cfg", 16, "initial = 40", "initial = 4294967296");
    expect_clean_failure(file, "pathway.stages.cin.initial: 4294967296 is out of range (allowed: a whole number from 0 to 1000000)");
    free(file);
    file = scenario(f->dir, "bad.cfg", 5, "812.5", "1e400");
    expect_clean_failure(file, "demand.referrals_per_year: inf is out of range");
    free(file);
    file = scenario(f->dir, "bad.cfg", 5, "812.5", "99999999999999999999999");
    expect_clean_failure(file, "demand.referrals_per_year: 1e+23 is out of range");
    free(file);
    /* names with odd characters, duplicate names */
    file = scenario(f->dir, "bad.cfg", 16, "name = \"cin\"", "name = \"c,i n\"");
    expect_clean_failure(file, "\"c,i n\" cannot name a stage (allowed: 1 to 64 letters, digits, _ and -");
    free(file);
    file = scenario(f->dir, "bad.cfg", 26, "name = \"nqsw\"", "name = \"sw\"");
    expect_clean_failure(file, "grade \"sw\" is defined twice (allowed: each name once)");
    free(file);
    file = scenario(f->dir, "bad.cfg", 34, "name = \"drive\"", "name = \"a=b\"");
    expect_clean_failure(file, "\"a=b\" cannot name an intervention (allowed: 1 to 120 printable characters, no '=')");
    free(file);
    /* a string that spans lines: still one message per line */
    file = scenario(f->dir, "bad.cfg", 34, "name = \"drive\"", "name = \"dr\n\tive\"");
    expect_clean_failure(file, "\"dr\\n\\tive\" cannot name an intervention");
    free(file);
    /* deep nesting of groups and lists */
    size_t depth = 20000, cap = 8 * depth + 64, w = 0;
    char *deep = malloc(cap);
    assert_non_null(deep);
    w += (size_t)snprintf(deep + w, cap - w, "name = \"deep\";\n");
    for (size_t i = 0; i < depth; i++)
        w += (size_t)snprintf(deep + w, cap - w, "a = {");
    for (size_t i = 0; i < depth; i++)
        w += (size_t)snprintf(deep + w, cap - w, "};");
    deep[w] = '\0';
    file = tu_write(f->dir, "deep.cfg", deep);
    expect_clean_failure(file, "syntax error: groups and lists nested too deeply (allowed: a few hundred levels)");
    free(file);
    w = (size_t)snprintf(deep, cap, "name = \"deep\";\nb = ");
    for (size_t i = 0; i < depth; i++)
        w += (size_t)snprintf(deep + w, cap - w, "(");
    for (size_t i = 0; i < depth; i++)
        w += (size_t)snprintf(deep + w, cap - w, ")");
    snprintf(deep + w, cap - w, ";\n");
    file = tu_write(f->dir, "deep.cfg", deep);
    expect_clean_failure(file, "nested too deeply");
    free(file);
    free(deep);
    /* not a text file */
    expect_clean_failure("/dev/null", "/dev/null: cannot read the file (not a regular file: a scenario is a text file)");
    expect_clean_failure(f->dir, "cannot read the file (Is a directory)");
    char *nul = tu_write(f->dir, "nul.cfg", "name = \"x\";\n");
    FILE *fp = fopen(nul, "ab");
    assert_non_null(fp);
    fputc('\0', fp);
    fclose(fp);
    expect_clean_failure(nul, "cannot read the file (it holds a NUL byte: a scenario is a text file)");
    free(nul);
}

/* NaN and friends through --set. */
static void test_set_odd_values(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    const char *values[] = { "nan", "inf", "-inf", "1e400", "", "0x", "12abc" };
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        char set[128], want[200];
        snprintf(set, sizeof set, "demand.referrals_per_year=%s", values[i]);
        snprintf(want, sizeof want, "caseload: --set: demand.referrals_per_year: \"%s\" is not a valid value (allowed: a number from 0 to", values[i]);
        char *err;
        assert_int_equal(tu_caseload_run(&err, NULL, "check", file, "--set", set, NULL), EXIT_USAGE);
        tu_assert_contains(err, want);
        assert_form(err);
        free(err);
    }
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "check", file, "--set", "workforce.grades.sw.cap=0", NULL), EXIT_USAGE);
    tu_assert_contains(err, "caseload: --set: workforce.grades.sw.cap: 0 leaves grade sw no room for cases");
    free(err);
    free(file);
}

/* ---- fuzzing finds -------------------------------------------------------------- */

/* Copy the shipped scenarios into dir/include/ and dir/include/scenarios/, the
 * layout `make fuzz` gives the harness ("base.cfg" and "../base.cfg" both
 * resolve); returns dir/include/scenarios. */
static char *fuzz_layout(const char *dir)
{
    char *inc = tu_mkdir(dir, "include");
    char *sub = tu_mkdir(inc, "scenarios");
    DIR *d = opendir("scenarios");
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 4, ".cfg") != 0)
            continue;
        char src[4096];
        snprintf(src, sizeof src, "scenarios/%s", e->d_name);
        char *text = tu_read(src, NULL);
        free(tu_write(inc, e->d_name, text));
        free(tu_write(sub, e->d_name, text));
        free(text);
    }
    closedir(d);
    free(inc);
    return sub;
}

static void test_fuzz_regressions(void **state)
{
    struct tu_dir *f = *state;
    char *sub = fuzz_layout(f->dir);
    setenv("FUZZ_INCLUDE_DIR", sub, 1);
    DIR *d = opendir("tests/fuzz");
    assert_non_null(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, "crash-", 6) != 0)
            continue;
        char src[4096];
        snprintf(src, sizeof src, "tests/fuzz/%s", e->d_name);
        size_t len;
        char *text = tu_read(src, &len);
        /* the harness itself, in this process (a crash fails the test) */
        LLVMFuzzerTestOneInput((const uint8_t *)text, len);
        /* and the program: a clean load (0) or a clean refusal (2) */
        char *copy = tu_write(sub, e->d_name, text);
        char *err;
        int rc = tu_caseload_run(&err, NULL, "check", copy, NULL);
        if (rc != 0 && rc != EXIT_USAGE)
            fail_msg("%s: status %d, stderr:\n%s", src, rc, err);
        if (rc == EXIT_USAGE)
            assert_form(err);
        free(err);
        free(copy);
        free(text);
        n++;
    }
    closedir(d);
    assert_true(n >= 1);
    unsetenv("FUZZ_INCLUDE_DIR");
    free(sub);
}

/* ---- the command line ----------------------------------------------------------- */

static void test_cli_errors(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char out_dir[4096];
    snprintf(out_dir, sizeof out_dir, "%s/results", f->dir);
    struct {
        const char *args[6];
        const char *want;
    } cases[] = {
        { { "--bogus" }, "caseload: unknown option --bogus here (see caseload --help)" },
        { { "--set", "demand.referals_per_year=900" },
          "caseload: --set: demand.referals_per_year: unknown parameter (did you mean demand.referrals_per_year?)" },
        { { "--set", "demand.referrals_per_year=many" },
          "caseload: --set: demand.referrals_per_year: \"many\" is not a valid value (allowed: a number from 0 to 10000000)" },
        { { "-n", "0" }, "caseload: --reps 0: the number of replications must be a whole number >= 1" },
        { { "-n", "1000001" }, "caseload: --reps 1000001: more replications than this program allows" },
        { { "-j", "0" }, "caseload: --threads 0: threads must be a whole number from 1 to 1024" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *argv[16];
        int k = 0;
        argv[k++] = (char *)tu_caseload();
        argv[k++] = "run";
        argv[k++] = file;
        argv[k++] = "-q";
        argv[k++] = "-o";
        argv[k++] = out_dir;
        for (int j = 0; j < 6 && cases[i].args[j]; j++)
            argv[k++] = (char *)cases[i].args[j];
        argv[k] = NULL;
        char *err;
        int rc = tu_run(argv, NULL, &err);
        if (rc != EXIT_USAGE)
            fail_msg("case %zu: status %d, stderr:\n%s", i, rc, err);
        tu_assert_contains(err, cases[i].want);
        free(err);
        assert_false(tu_exists(out_dir));
    }
    /* a folder name so long that result paths would be cut short */
    char long_dir[4000];
    snprintf(long_dir, sizeof long_dir, "%s/", f->dir);
    memset(long_dir + strlen(long_dir), 'x', sizeof long_dir - strlen(long_dir) - 1);
    long_dir[sizeof long_dir - 1] = '\0';
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "run", file, "-q", "-o", long_dir, NULL), EXIT_USAGE);
    tu_assert_contains(err, "caseload: --out ...: the folder name is too long (allowed: at most 3800 characters)");
    free(err);
    free(file);
}

/* Runs too big for the machine are refused before any work starts. */
static void test_absurd_sizes(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char out_dir[4096];
    snprintf(out_dir, sizeof out_dir, "%s/results", f->dir);
    char *err;
    /* days of work */
    assert_int_equal(tu_caseload_run(&err, NULL, "run", file, "-q", "-o", out_dir, "-n", "1000000", "--set", "horizon_years=100",
                              "--set", "demand.referrals_per_year=2000000", NULL),
                     EXIT_USAGE);
    tu_assert_contains(err, "caseload: run: too long: about ");
    tu_assert_contains(err, "(allowed: an estimated 48 hours at most;");
    free(err);
    assert_false(tu_exists(out_dir));
    /* more memory than the machine has */
    assert_int_equal(tu_caseload_run(&err, NULL, "run", file, "-q", "-o", out_dir, "-n", "10", "--set", "horizon_years=100",
                              "--set", "demand.referrals_per_year=10000000", "--set", "workforce.grades.sw.cap=0.001",
                              NULL),
                     EXIT_USAGE);
    tu_assert_contains(err, "caseload: run: too big: it would need about ");
    tu_assert_contains(err, "of this machine's;");
    free(err);
    assert_false(tu_exists(out_dir));
    free(file);
}

/* ---- output safety ----------------------------------------------------------------- */

/* Names in dir that are temporary result files (".NAME.tmp"). */
static int count_tmp(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' && len > 4 && strcmp(e->d_name + len - 4, ".tmp") == 0)
            n++;
    }
    closedir(d);
    return n;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 && strcmp(e->d_name, DIRLOCK_NAME) != 0)
            n++;   /* the lock file stays: it is no result */
    closedir(d);
    return n;
}

static void test_no_overwrite_without_force(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char out_dir[4096], manifest[4200];
    snprintf(out_dir, sizeof out_dir, "%s/results", f->dir);
    snprintf(manifest, sizeof manifest, "%s/manifest.json", out_dir);
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "run", file, "-q", "-n", "2", "-o", out_dir, NULL), 0);
    free(err);
    char *before = tu_read(manifest, NULL);
    assert_int_equal(tu_caseload_run(&err, NULL, "run", file, "-q", "-n", "3", "-o", out_dir, NULL), EXIT_USAGE);
    tu_assert_contains(err, "already holds results (manifest.json); pass --force to replace them, or -o DIR");
    free(err);
    char *after = tu_read(manifest, NULL);
    assert_string_equal(before, after);
    free(after);
    assert_int_equal(tu_caseload_run(&err, NULL, "run", file, "-q", "-n", "3", "-o", out_dir, "--force", NULL), 0);
    free(err);
    after = tu_read(manifest, NULL);
    assert_non_null(strstr(after, "\"replications\": 3"));
    free(after);
    /* a result of another kind forced into the folder replaces the run's
     * files instead of standing beside them */
    assert_int_equal(tu_caseload_run(&err, NULL, "sweep", file, "--vary", "workforce.grades.sw.establishment=30:40:2",
                                     "-q", "-n", "2", "-o", out_dir, "--force", NULL), 0);
    free(err);
    assert_int_equal(count_entries(out_dir), 2);
    char sweep[4200];
    snprintf(sweep, sizeof sweep, "%s/sweep.csv", out_dir);
    assert_true(tu_exists(sweep));
    after = tu_read(manifest, NULL);
    assert_non_null(strstr(after, "\"kind\": \"sweep\""));
    free(after);
    free(before);
    free(file);
}

/* ---- a child with a hook before exec ------------------------------------------ */

typedef bool (*hook_fn)(void *arg);

/* Start argv with stdin and stdout on /dev/null and stderr into err_path;
 * hook (if any) runs in the child before exec: false makes it exit 126. */
static pid_t spawn(char *const argv[], const char *err_path, hook_fn hook, void *arg)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        fail_msg("fork: %s", strerror(errno));
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY), out = open("/dev/null", O_WRONLY);
        int er = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (in < 0 || out < 0 || er < 0)
            _exit(125);
        dup2(in, STDIN_FILENO);
        dup2(out, STDOUT_FILENO);
        dup2(er, STDERR_FILENO);
        if (hook && !hook(arg))
            _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

static int run_with(char *const argv[], const char *err_path, hook_fn hook, void *arg)
{
    return tu_wait(spawn(argv, err_path, hook, arg));
}

static bool become_nobody(void *arg)
{
    (void)arg;
    return setgroups(0, NULL) == 0 && setgid(65534) == 0 && setuid(65534) == 0 && geteuid() == 65534;
}

static bool limit_file_size(void *arg)
{
    struct rlimit rl = { *(rlim_t *)arg, *(rlim_t *)arg };
    signal(SIGXFSZ, SIG_IGN); /* an ignored signal stays ignored across exec */
    return setrlimit(RLIMIT_FSIZE, &rl) == 0;
}

/* How the read-only test keeps the program from writing: permissions (not
 * root), running it as nobody (root, when setuid works), or an immutable
 * folder (root without setuid: chattr +i). */
enum ro_method { RO_CHMOD, RO_NOBODY, RO_IMMUTABLE, RO_NONE };

static void set_immutable(const char *path, bool on)
{
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "chattr %ci '%s' 2>/dev/null", on ? '+' : '-', path);
    if (system(cmd) != 0 && on)
        fail_msg("chattr +i %s failed", path);
}

static enum ro_method ro_method(const char *probe_dir)
{
    if (geteuid() != 0)
        return RO_CHMOD;
    const char *err_path = "/dev/null";
    char *argv[] = { "/bin/true", NULL };
    if (run_with(argv, err_path, become_nobody, NULL) == 0)
        return RO_NOBODY;
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "chattr +i '%s' 2>/dev/null && chattr -i '%s'", probe_dir, probe_dir);
    return system(cmd) == 0 ? RO_IMMUTABLE : RO_NONE;
}

/* A folder the program cannot write: exit 1, a message naming it, nothing
 * left. Root ignores permissions, so as root the program runs as nobody. */
static void test_read_only_folder(void **state)
{
    struct tu_dir *f = *state;
    chmod(f->dir, 0755); /* nobody must read the scenario */
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char *ro = tu_mkdir(f->dir, "ro");
    enum ro_method how = ro_method(ro);
    if (how == RO_NONE) {
        print_message("skipped: running as root without setuid or chattr, no folder can be made read-only here\n");
        free(ro);
        free(file);
        return;
    }
    hook_fn hook = how == RO_NOBODY ? become_nobody : NULL;
    char out_dir[4200], err_path[4200], want[4400];
    snprintf(out_dir, sizeof out_dir, "%s/results", ro);
    snprintf(err_path, sizeof err_path, "%s/stderr.txt", f->dir);
    char *argv[] = { (char *)tu_caseload(), "run", file, "-q", "-n", "2", "-o", out_dir, NULL };

    /* the results folder cannot be created */
    chmod(ro, 0555);
    if (how == RO_IMMUTABLE)
        set_immutable(ro, true);
    int rc = run_with(argv, err_path, hook, NULL);
    if (how == RO_IMMUTABLE)
        set_immutable(ro, false);
    char *err = tu_read(err_path, NULL);
    if (rc != EXIT_RUN)
        fail_msg("status %d (expected 1), stderr:\n%s", rc, err);
    snprintf(want, sizeof want, "caseload: %s: cannot create the results folder (", out_dir);
    tu_assert_contains(err, want);
    free(err);
    assert_int_equal(count_entries(ro), 0);

    /* the results folder exists but cannot be written */
    chmod(ro, 0755);
    char *inner = tu_mkdir(ro, "results");
    chmod(inner, 0555);
    if (how == RO_IMMUTABLE)
        set_immutable(inner, true);
    rc = run_with(argv, err_path, hook, NULL);
    if (how == RO_IMMUTABLE)
        set_immutable(inner, false);
    err = tu_read(err_path, NULL);
    if (rc != EXIT_RUN)
        fail_msg("status %d (expected 1), stderr:\n%s", rc, err);
    snprintf(want, sizeof want, "caseload: %s: cannot write results (", out_dir);
    tu_assert_contains(err, want);
    free(err);
    assert_int_equal(count_entries(inner), 0);
    chmod(inner, 0755);
    free(inner);
    free(ro);
    free(file);
}

/* A file system that fills up. A tiny tmpfs when this sandbox may mount one:
 * the run is refused before it starts (the results would not fit), and a
 * file system that fills during the run stops it with exit 1, nothing left.
 * Everywhere: a file size limit makes writes fail (EFBIG) — during the run
 * and while the summary is written. */
static void test_full_file_system(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char err_path[4200], out_dir[4200];
    snprintf(err_path, sizeof err_path, "%s/stderr.txt", f->dir);
    char *mnt = tu_mkdir(f->dir, "mnt");
    if (mount("tmpfs", mnt, "tmpfs", 0, "size=256k") == 0) {
        snprintf(out_dir, sizeof out_dir, "%s/results", mnt);
        char *argv[] = { (char *)tu_caseload(), "run", file, "-q", "-n", "50", "-o", out_dir, NULL };
        int rc = run_with(argv, err_path, NULL, NULL);
        char *err = tu_read(err_path, NULL);
        if (rc != EXIT_USAGE)
            fail_msg("status %d (expected 2), stderr:\n%s", rc, err);
        char want[4400];
        snprintf(want, sizeof want, "caseload: run: %s: the results would take about ", out_dir);
        tu_assert_contains(err, want);
        free(err);
        assert_false(tu_exists(out_dir));

        /* full during the run: start a long run, then fill what is left */
        char *argv2[] = { (char *)tu_caseload(), "run", file, "-q", "-j", "1", "-n", "200", "-o", out_dir,
                          "--set", "horizon_years=0.1", NULL };
        umount(mnt);
        assert_int_equal(mount("tmpfs", mnt, "tmpfs", 0, "size=2m"), 0);
        pid_t pid = spawn(argv2, err_path, NULL, NULL);
        char filler[4400];
        snprintf(filler, sizeof filler, "%s/filler", mnt);
        for (int i = 0; i < 2000; i++) {
            char *series_tmp = tu_find_tmp(out_dir, "series.csv");
            free(series_tmp);
            if (series_tmp)
                break;
            usleep(1000);
        }
        int fd = open(filler, O_WRONLY | O_CREAT, 0644);
        char block[65536] = { 0 };
        while (fd >= 0 && write(fd, block, sizeof block) > 0)
            ;
        int rc2 = tu_wait(pid);
        err = tu_read(err_path, NULL);
        if (rc2 == EXIT_RUN) {
            assert_true(strstr(err, "No space left on device") != NULL);
            assert_int_equal(count_tmp(out_dir), 0);
            char manifest[4400];
            snprintf(manifest, sizeof manifest, "%s/manifest.json", out_dir);
            assert_false(tu_exists(manifest));
        } else {
            /* the run won the race and finished before the disk filled */
            assert_int_equal(rc2, 0);
            print_message("note: the run finished before the disk filled up\n");
        }
        free(err);
        if (fd >= 0)
            close(fd);
        umount(mnt);
    } else {
        print_message("note: cannot mount a tmpfs here (%s); testing with a file size limit only\n", strerror(errno));
    }

    /* series.csv cannot grow past 100 kB: the run stops at once, exit 1 */
    snprintf(out_dir, sizeof out_dir, "%s/limited", f->dir);
    char *argv3[] = { (char *)tu_caseload(), "run", file, "-q", "-n", "100", "-o", out_dir, NULL };
    rlim_t limit = 100 * 1024;
    int rc = run_with(argv3, err_path, limit_file_size, &limit);
    char *err = tu_read(err_path, NULL);
    if (rc != EXIT_RUN)
        fail_msg("status %d (expected 1), stderr:\n%s", rc, err);
    char want[4400];
    snprintf(want, sizeof want, "caseload: %s/series.csv: cannot write the results (File too large); nothing written there", out_dir);
    tu_assert_contains(err, want);
    free(err);
    assert_int_equal(count_entries(out_dir), 0);

    /* series fits, the summary does not: nothing is renamed into place */
    char *argv4[] = { (char *)tu_caseload(), "run", file, "-q", "-n", "2", "-o", out_dir, NULL };
    limit = 30 * 1024;
    rc = run_with(argv4, err_path, limit_file_size, &limit);
    err = tu_read(err_path, NULL);
    if (rc != EXIT_RUN)
        fail_msg("status %d (expected 1), stderr:\n%s", rc, err);
    snprintf(want, sizeof want, "caseload: %s: writing results failed (File too large); nothing written there", out_dir);
    tu_assert_contains(err, want);
    free(err);
    assert_int_equal(count_entries(out_dir), 0);
    free(mnt);
    free(file);
}

/* A rename that fails half way (kpis.csv is a folder): the files already
 * renamed are taken back, no manifest, no temporary: none of the set. */
static void test_two_phase_commit(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char *out = tu_mkdir(f->dir, "results");
    char *kpis = tu_mkdir(out, "kpis.csv");
    free(tu_write(kpis, "keep", "x"));
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "run", file, "-q", "-n", "2", "-o", out, "--force", NULL), EXIT_RUN);
    tu_assert_contains(err, "writing results failed (");
    free(err);
    assert_int_equal(count_entries(out), 1); /* the folder in the way, nothing else */
    assert_int_equal(count_tmp(out), 0);
    free(kpis);
    free(out);
    free(file);
}

/* ---- interruption ------------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Start a long run into out_dir and wait until replications are arriving. */
static pid_t start_long_run(const char *file, const char *out_dir, const char *err_path)
{
    char *argv[] = { (char *)tu_caseload(), "run", (char *)file, "-n", "20000", "-o", (char *)out_dir, NULL };
    char **copy = malloc(sizeof argv);
    assert_non_null(copy);
    memcpy(copy, argv, sizeof argv);
    pid_t pid = spawn(copy, err_path, NULL, NULL);
    free(copy);
    struct stat st;
    for (int i = 0; i < 30000; i++) {
        char *series_tmp = tu_find_tmp(out_dir, "series.csv");
        bool big = series_tmp && stat(series_tmp, &st) == 0 && st.st_size > 20000;
        free(series_tmp);
        if (big)
            break;
        usleep(1000);
    }
    return pid;
}

/* How many lines text has. */
static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

static unsigned long json_uint_field(const char *json, const char *key)
{
    char pat[128];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *at = strstr(json, pat);
    if (!at)
        fail_msg("no %s in the manifest:\n%s", key, json);
    return strtoul(at + strlen(pat), NULL, 10);
}

static void test_interrupt(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char out_dir[4200], err_path[4200];
    snprintf(out_dir, sizeof out_dir, "%s/results", f->dir);
    snprintf(err_path, sizeof err_path, "%s/stderr.txt", f->dir);
    pid_t pid = start_long_run(file, out_dir, err_path);
    double t0 = now_s();
    kill(pid, SIGINT);
    int rc = tu_wait(pid);
    double took = now_s() - t0;
    char *err = tu_read(err_path, NULL);
    if (rc != EXIT_RUN)
        fail_msg("status %d (expected 1), stderr:\n%s", rc, err);
    /* within a second (more under sanitizers or valgrind) */
    double allowed = getenv("ASAN_OPTIONS") ? 5.0 : 1.5;
    if (!(took < allowed))
        fail_msg("took %.2f s to stop (allowed %.1f)", took, allowed);
    tu_assert_contains(err, "caseload: stopping: writing the replications finished so far");
    tu_assert_contains(err, "replications written (marked partial)");
    free(err);
    assert_int_equal(count_tmp(out_dir), 0);
    char path[4400];
    snprintf(path, sizeof path, "%s/manifest.json", out_dir);
    char *manifest = tu_read(path, NULL);
    assert_non_null(strstr(manifest, "\"partial\": true"));
    unsigned long reps = json_uint_field(manifest, "replications");
    unsigned long periods = json_uint_field(manifest, "periods");
    assert_int_equal(periods, PERIODS);
    assert_true(reps > 0 && reps < 20000);
    snprintf(path, sizeof path, "%s/series.csv", out_dir);
    char *series = tu_read(path, NULL);
    assert_int_equal(count_lines(series), 1 + reps * periods);
    free(series);
    /* the summary counts the same replications */
    snprintf(path, sizeof path, "%s/kpis.csv", out_dir);
    char *kpis = tu_read(path, NULL);
    assert_true(count_lines(kpis) > 1);
    free(kpis);
    free(manifest);
    free(file);
}

/* A second Ctrl-C exits at once: status 130, no temporary left, and either
 * no result or a whole one (if it came while the files were being renamed). */
static void test_interrupt_twice(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char out_dir[4200], err_path[4200];
    snprintf(out_dir, sizeof out_dir, "%s/results", f->dir);
    snprintf(err_path, sizeof err_path, "%s/stderr.txt", f->dir);
    pid_t pid = start_long_run(file, out_dir, err_path);
    kill(pid, SIGINT);
    kill(pid, SIGINT);
    int rc = tu_wait(pid);
    char *err = tu_read(err_path, NULL);
    if (rc != EXIT_INTERRUPTED && rc != EXIT_RUN)
        fail_msg("status %d (expected 130), stderr:\n%s", rc, err);
    assert_int_equal(count_tmp(out_dir), 0);
    char manifest[4400];
    snprintf(manifest, sizeof manifest, "%s/manifest.json", out_dir);
    if (rc == EXIT_INTERRUPTED) {
        tu_assert_contains(err, "caseload: stopped at once; unfinished result files removed");
        if (tu_exists(manifest)) {
            /* the second signal waited for the renames: the set is whole */
            assert_int_equal(count_entries(out_dir), 4);
        } else {
            assert_int_equal(count_entries(out_dir), 0);
        }
    }
    free(err);
    free(file);
}

/* In the child: make the pseudo-terminal named by arg its controlling
 * terminal and standard error. */
static bool stderr_to_terminal(void *arg)
{
    if (setsid() < 0)
        return false;
    int fd = open((const char *)arg, O_RDWR);
    return fd >= 0 && dup2(fd, STDERR_FILENO) >= 0;
}

/* Read what the terminal shows into *buf (growing it) until stop is seen
 * (NULL: until the other side closes) or timeout_s passes. */
static void read_terminal(int master, char **buf, size_t *len, size_t *cap, const char *stop, double timeout_s)
{
    double t0 = now_s();
    while (now_s() - t0 < timeout_s) {
        if (stop && strstr(*buf, stop))
            return;
        struct pollfd pfd = { master, POLLIN, 0 };
        if (poll(&pfd, 1, 100) <= 0)
            continue;
        if (*len + 4096 + 1 > *cap) {
            *cap = 2 * *cap + 4096 + 1;
            *buf = realloc(*buf, *cap);
            assert_non_null(*buf);
        }
        ssize_t n = read(master, *buf + *len, 4096);
        if (n <= 0)
            return;   /* EIO: the child closed the terminal */
        for (ssize_t i = 0; i < n; i++)
            if ((*buf)[*len + (size_t)i] == '\0')
                (*buf)[*len + (size_t)i] = '?';
        *len += (size_t)n;
        (*buf)[*len] = '\0';
    }
}

static void test_interrupt_on_terminal(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char out_dir[4200];
    snprintf(out_dir, sizeof out_dir, "%s/results", f->dir);
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0) {
        print_message("no pseudo-terminal here (%s): skipped\n", strerror(errno));
        free(file);
        skip();
    }
    if (grantpt(master) != 0 || unlockpt(master) != 0)
        fail_msg("pseudo-terminal: %s", strerror(errno));
    char slave[256];
    snprintf(slave, sizeof slave, "%s", ptsname(master));
    char *argv[] = { (char *)tu_caseload(), "run", file, "-n", "20000", "-j", "1", "-o", out_dir, NULL };
    pid_t pid = spawn(argv, "/dev/null", stderr_to_terminal, slave);

    size_t len = 0, cap = 1;
    char *buf = calloc(1, cap);
    assert_non_null(buf);
    read_terminal(master, &buf, &len, &cap, " replications, ", 60.0);
    kill(pid, SIGINT);
    read_terminal(master, &buf, &len, &cap, NULL, 60.0);
    int rc = tu_wait(pid);
    close(master);
    if (rc != EXIT_RUN)
        fail_msg("status %d (expected 1), terminal:\n%s", rc, buf);

    /* The progress line was drawn ... */
    const char *msg = strstr(buf, "caseload: stopping:");
    if (!msg || !strstr(buf, " replications, "))
        fail_msg("no progress line or no stopping message on the terminal:\n%s", buf);
    /* ... and erased ("\r", spaces, "\r") right before the message, with at
     * least as many spaces as the last line drawn had characters. */
    const char *cr = msg - 1;
    const char *q = cr - 1;
    while (q > buf && *q == ' ')
        q--;
    const char *r = q - 1;
    while (r > buf && *r != '\r')
        r--;
    if (cr <= buf || *cr != '\r' || *q != '\r' || *r != '\r')
        fail_msg("the message does not follow an erased line:\n%s", buf);
    size_t spaces = (size_t)(cr - q - 1), drawn = (size_t)(q - r - 1);
    if (spaces < drawn || !strstr(r, " replications, "))
        fail_msg("%zu spaces erase a line of %zu characters:\n%s", spaces, drawn, buf);
    free(buf);
    free(file);
}

/* ---- hostile inputs: names, FIFOs, far dates, huge counts, provenance ---------- */

#define HANG_SECONDS "20"   /* a command that takes longer than this hangs */

/* The program under test with the arguments that follow (NULL-terminated),
 * killed after HANG_SECONDS: a hang is a failure (status 137), not a test
 * that never ends. As tu_caseload_run otherwise. */
static int run_limited(char **err, char **out, ...)
{
    static const char *const timeout_prog = "/usr/bin/timeout";
    if (access(timeout_prog, X_OK) != 0)
        skip();
    char *argv[TU_MAX_ARGS + 6] = { (char *)timeout_prog, "-s", "KILL", HANG_SECONDS, (char *)tu_caseload() };
    size_t n = 5;
    va_list ap;
    va_start(ap, out);
    for (char *a; (a = va_arg(ap, char *)) && n < TU_MAX_ARGS + 4;)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    int rc = tu_run(argv, out, err);
    if (rc == 128 + SIGKILL || rc == 124)
        fail_msg("caseload %s %s hung (killed after %s s)", argv[5], argv[6] ? argv[6] : "", HANG_SECONDS);
    return rc;
}

/* Scenario names: a safe set, checked by check and by every command before
 * it runs; no name that a results folder uses; never invalid UTF-8. */
static void test_scenario_names(void **state)
{
    struct tu_dir *f = *state;
    static const char *const bad[] = {
        "a/b", ".hidden", "..", "", "tab\there", "quote\\\"d", "Z\xc3\xbcrich", "bad\xff", "<(cmd)", "a=b", "x;y",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char to[64];
        snprintf(to, sizeof to, "name = \"%s\"", bad[i]);
        char *file = scenario(f->dir, "bad.cfg", 1, "name = \"robust\"", to);
        expect_bad(f->dir, file, 1, "name", "cannot name a scenario (allowed: 1 to 120 letters, digits, spaces and "
                                            "- _ . ( ), not starting with .;");
        free(file);
    }
    /* names a results folder uses: a comparison would make a folder of the
     * name beside its own files and fail only after every replication */
    static const char *const taken[] = { "compare.csv", "manifest.json", "plots.gp", "Summary.CSV", "kpis.csv",
                                         "differences.csv", "sweep.csv", "tornado.csv", "target.csv", "series.csv",
                                         "backlog.png", "cost.svg" };
    for (size_t i = 0; i < sizeof taken / sizeof *taken; i++) {
        char to[64];
        snprintf(to, sizeof to, "name = \"%s\"", taken[i]);
        char *file = scenario(f->dir, "taken.cfg", 1, "name = \"robust\"", to);
        expect_bad(f->dir, file, 1, "name", "is the name of a file that results are written to (allowed: ");
        free(file);
    }
    /* ... also in compare, before any replication, and from a variant */
    char *good = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char *variant = tu_write(f->dir, "variant.cfg", "@include \"good.cfg\"\n\nname = \"compare.csv\";\n");
    char out_dir[4096], *err;
    snprintf(out_dir, sizeof out_dir, "%s/cmp", f->dir);
    assert_int_equal(tu_caseload_run(&err, NULL, "compare", good, variant, "-q", "-n", "2", "-o", out_dir, NULL),
                     EXIT_USAGE);
    char want[4200];
    snprintf(want, sizeof want, "caseload: %s:3: name: \"compare.csv\" is the name of a file", variant);
    tu_assert_contains(err, want);
    free(err);
    assert_false(tu_exists(out_dir));
    /* the safe set itself is accepted; --set cannot name a scenario */
    char *ok = scenario(f->dir, "ok.cfg", 1, "name = \"robust\"", "name = \"Team A (2025) v1.2_x-y\"");
    assert_int_equal(tu_caseload_run(&err, NULL, "check", ok, NULL), 0);
    free(err);
    assert_int_equal(tu_caseload_run(&err, NULL, "check", good, "--set", "name=compare.csv", NULL), EXIT_USAGE);
    tu_assert_contains(err, "caseload: --set: name: unknown parameter");
    free(err);
    free(ok);
    free(variant);
    free(good);
}

/* Whether text is all valid UTF-8. */
static bool valid_utf8(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p;) {
        size_t n = diag_utf8_length(p);
        if (n == 0)
            return false;
        p += n;
    }
    return true;
}

/* manifest.json parses whatever bytes the command line held: a folder name
 * that is not UTF-8 (a surrogate and a stray byte) is written as \xHH. */
static void test_manifest_always_parses(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char out_dir[4096], *err;
    snprintf(out_dir, sizeof out_dir, "%s/r\xff\xed\xa0\x80-\xc3\xa9", f->dir);
    assert_int_equal(tu_caseload_run(&err, NULL, "run", file, "-q", "-n", "2", "-o", out_dir, NULL), 0);
    free(err);
    char *manifest = tu_read_in(out_dir, "manifest.json");
    assert_true(valid_utf8(manifest));
    struct json_in root;
    assert_true(json_in_parse(manifest, &root));
    const struct json_in *cl = json_in_get(&root, "command_line");
    assert_non_null(cl);
    bool found = false;
    for (size_t i = 0; i < cl->n; i++)
        found |= cl->kid[i].text && strstr(cl->kid[i].text, "/r\\xff\\xed\\xa0\\x80-\xc3\xa9") != NULL;
    if (!found)
        fail_msg("the folder's name, escaped, is not in the command line:\n%s", manifest);
    json_in_free(&root);
    free(manifest);
    free(file);
}

/* FIFOs (and other files that are not regular) are refused at once, never
 * waited on: a scenario, an @include, a results folder's manifest or CSV. */
static void test_fifo_inputs(void **state)
{
    struct tu_dir *f = *state;
    char *fifo = tu_path(f->dir, "fifo.cfg");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    char *err;
    assert_int_equal(run_limited(&err, NULL, "check", fifo, NULL), EXIT_USAGE);
    tu_assert_contains(err, "fifo.cfg: cannot read the file (not a regular file: a scenario is a text file)");
    free(err);
    char *inc = tu_write(f->dir, "inc.cfg", "@include \"fifo.cfg\"\nname = \"x\";\n");
    assert_int_equal(run_limited(&err, NULL, "check", inc, NULL), EXIT_USAGE);
    tu_assert_contains(err, "inc.cfg:1: @include \"");
    tu_assert_contains(err, "fifo.cfg\": cannot read it (not a regular file: a scenario is a text file)");
    free(err);
    /* a results folder whose manifest, then summary, is a FIFO */
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char out_dir[4096], path[4200];
    snprintf(out_dir, sizeof out_dir, "%s/results", f->dir);
    assert_int_equal(tu_caseload_run(&err, NULL, "run", file, "-q", "-n", "2", "-o", out_dir, NULL), 0);
    free(err);
    snprintf(path, sizeof path, "%s/manifest.json", out_dir);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(run_limited(&err, NULL, "plot", out_dir, NULL), EXIT_RUN);
    tu_assert_contains(err, "manifest.json: cannot read (not a regular file)");
    free(err);
    assert_int_equal(unlink(path), 0);
    snprintf(path, sizeof path, "%s/summary.csv", out_dir);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(run_limited(&err, NULL, "plot", out_dir, NULL), EXIT_USAGE);
    tu_assert_contains(err, "holds no results");
    free(err);
    free(file);
    free(inc);
    free(fifo);
}

/* Text after @include "FILE" on its line would be dropped: it is reported. */
static void test_include_trailing_text(void **state)
{
    struct tu_dir *f = *state;
    free(scenario(f->dir, "good.cfg", 0, NULL, NULL));
    char *v = tu_write(f->dir, "v.cfg", "@include \"good.cfg\" horizon_years = 3.0;\nname = \"v\";\n");
    expect_bad(f->dir, v, 1, NULL, "@include \"good.cfg\": text after the file name is not read: "
                                   "\"horizon_years = 3.0;\" (allowed: one @include \"FILE.cfg\" per line, then only "
                                   "a comment)");
    free(v);
    /* a comment there is fine */
    v = tu_write(f->dir, "v.cfg", "@include \"good.cfg\"   # the base\nname = \"v\";\n");
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "check", v, NULL), 0);
    free(err);
    free(v);
}

/* A valid scenario with no staff and no agency cover: nothing to draw in
 * the workforce chart, an empty frame with a note, never an abort. */
static void test_empty_chart(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario_ex(f->dir, "empty.cfg", NULL, 24, "establishment = 40.0; in_post = 36.0",
                             "establishment = 0.0; in_post = 0.0", 26, "establishment = 6.0; in_post = 5.0",
                             "establishment = 0.0; in_post = 0.0", 35, "add = 5.0", "add = 0.0", 0);
    char out_dir[4096], *err;
    snprintf(out_dir, sizeof out_dir, "%s/results", f->dir);
    assert_int_equal(tu_caseload_run(&err, NULL, "check", file, NULL), 0);
    free(err);
    int rc = tu_caseload_run(&err, NULL, "run", file, "-q", "-n", "2", "--plot", "-o", out_dir, NULL);
    if (rc != 0)
        fail_msg("status %d, stderr:\n%s", rc, err);
    free(err);
    char *gp = tu_read_in(out_dir, "plots.gp");
    tu_assert_contains(gp, "nothing to draw: every value here is zero or missing");
    free(gp);
    free(file);
}

/* Dates past 9999-12-31 cannot be written: a horizon that passes it is
 * refused, from the file or from --set. */
static void test_dates_past_9999(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario_ex(f->dir, "far.cfg", NULL, 2, "2024-04-01", "9999-01-01", 3, "1.5", "2.0", 34,
                             "2024-10-01", "9999-06-01", 0);
    expect_bad(f->dir, file, 3, "horizon_years", "2 years from 9999-01-01 run past 9999-12-31, the last date "
                                                 "results can carry (allowed: a horizon whose last day is "
                                                 "9999-12-31 or earlier)");
    free(file);
    file = scenario_ex(f->dir, "far.cfg", NULL, 2, "2024-04-01", "9999-01-01", 3, "1.5", "1.0", 34, "2024-10-01",
                       "9999-06-01", 0);
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "check", file, NULL), 0);   /* ends on 9999-12-31 */
    free(err);
    assert_int_equal(tu_caseload_run(&err, NULL, "check", file, "--set", "horizon_years=1.1", NULL), EXIT_USAGE);
    tu_assert_contains(err, "caseload: --set: horizon_years: 1.1 years from 9999-01-01 run past 9999-12-31");
    free(err);
    /* the last day of the horizon is written as it is */
    char out_dir[4096];
    snprintf(out_dir, sizeof out_dir, "%s/results", f->dir);
    assert_int_equal(tu_caseload_run(&err, NULL, "run", file, "-q", "-n", "2", "-o", out_dir, NULL), 0);
    free(err);
    char *series = tu_read_in(out_dir, "series.csv");
    tu_assert_contains(series, ",9999-12-31,");
    assert_null(strstr(series, ",0000-"));
    free(series);
    free(file);
}

/* Replace every ",OLD\n" line ending... : rewrite column `col` (0-based) of
 * every data row of dir/name to value. */
static void rewrite_column(const char *dir, const char *name, size_t col, const char *value)
{
    char *text = tu_read_in(dir, name);
    size_t cap = strlen(text) * 2 + 4096, w = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    bool header = true;
    for (char *line = text; *line;) {
        char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        size_t field = 0;
        for (size_t i = 0; i < len; i++) {
            if (line[i] == ',') {
                field++;
                out[w++] = ',';
                if (field == col && !header) {
                    w += (size_t)snprintf(out + w, cap - w, "%s", value);
                    while (i + 1 < len && line[i + 1] != ',')
                        i++;
                }
                continue;
            }
            out[w++] = line[i];
        }
        out[w++] = '\n';
        header = false;
        line = eol ? eol + 1 : line + len;
    }
    out[w] = '\0';
    free(tu_write(dir, name, out));
    free(out);
    free(text);
}

/* A count no run could write (n = 1e300 in summary.csv, a manifest's
 * replications_per_point = 1e300) is refused or taken as unknown before it
 * is converted: no undefined behaviour (check-asan: float-cast-overflow). */
static void test_huge_counts(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char out_dir[4096], *err;
    snprintf(out_dir, sizeof out_dir, "%s/results", f->dir);
    assert_int_equal(tu_caseload_run(&err, NULL, "run", file, "-q", "-n", "2", "-o", out_dir, NULL), 0);
    free(err);
    char *summary = tu_read_in(out_dir, "summary.csv");
    size_t col = 0;   /* the column n */
    for (const char *p = summary; *p != '\n'; p++)
        col += *p == ',';
    assert_true(strncmp(strrchr(strtok(summary, "\n"), ','), ",n", 2) == 0);
    free(summary);
    rewrite_column(out_dir, "summary.csv", col, "1e300");
    assert_int_equal(tu_caseload_run(&err, NULL, "plot", out_dir, NULL), EXIT_RUN);
    tu_assert_contains(err, "summary.csv:2: n: 1e+300 is not a number of replications (allowed: a whole number from "
                            "0 to 1000000000)");
    free(err);
    /* a sweep's manifest */
    snprintf(out_dir, sizeof out_dir, "%s/sweep", f->dir);
    assert_int_equal(tu_caseload_run(&err, NULL, "sweep", file, "--vary", "demand.screen_out=0.1:0.2:2", "-q", "-n",
                                     "2", "-o", out_dir, NULL),
                     0);
    free(err);
    char *manifest = tu_read_in(out_dir, "manifest.json");
    char *at = strstr(manifest, "\"replications_per_point\": ");
    assert_non_null(at);
    at += strlen("\"replications_per_point\": ");
    char *end = at + strspn(at, "0123456789");
    char edited[65536];
    snprintf(edited, sizeof edited, "%.*s1e300%s", (int)(at - manifest), manifest, end);
    free(tu_write(out_dir, "manifest.json", edited));
    free(manifest);
    assert_int_equal(tu_caseload_run(&err, NULL, "plot", out_dir, NULL), 0);
    free(err);
    free(file);
}

/* The SHA-256 in manifest.json is of the bytes parsed when the run started,
 * for the scenario and the file it includes, though both change during it. */
static void test_manifest_hash_at_start(void **state)
{
    struct tu_dir *f = *state;
    char *base = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char *base_text = tu_read(base, NULL);
    static const char variant_text[] = "@include \"good.cfg\"\nname = \"variant\";\n";
    char *variant = tu_write(f->dir, "variant.cfg", variant_text);
    char want_base[SHA256_HEX_SIZE], want_variant[SHA256_HEX_SIZE];
    struct sha256 h;
    sha256_start(&h);
    sha256_add(&h, base_text, strlen(base_text));
    sha256_final_hex(&h, want_base);
    sha256_start(&h);
    sha256_add(&h, variant_text, strlen(variant_text));
    sha256_final_hex(&h, want_variant);

    char out_dir[4200], err_path[4200];
    snprintf(out_dir, sizeof out_dir, "%s/results", f->dir);
    snprintf(err_path, sizeof err_path, "%s/stderr.txt", f->dir);
    pid_t pid = start_long_run(variant, out_dir, err_path);
    /* edited while it runs */
    FILE *fp = fopen(base, "a");
    assert_non_null(fp);
    fputs("# edited during the run\n", fp);
    fclose(fp);
    fp = fopen(variant, "a");
    assert_non_null(fp);
    fputs("# edited during the run\n", fp);
    fclose(fp);
    kill(pid, SIGINT);
    int rc = tu_wait(pid);
    char *err = tu_read(err_path, NULL);
    if (rc != EXIT_RUN)
        fail_msg("status %d (expected 1), stderr:\n%s", rc, err);
    free(err);
    char *manifest = tu_read_in(out_dir, "manifest.json");
    struct json_in root;
    assert_true(json_in_parse(manifest, &root));
    const struct json_in *files = json_in_get(json_in_get(&root, "scenario"), "files");
    assert_non_null(files);
    assert_int_equal(files->n, 2);
    TU_ASSERT_STR(json_in_text(json_in_get(&files->kid[0], "path")), variant);
    TU_ASSERT_STR(json_in_text(json_in_get(&files->kid[0], "sha256")), want_variant);
    TU_ASSERT_STR(json_in_text(json_in_get(&files->kid[1], "sha256")), want_base);
    json_in_free(&root);
    free(manifest);
    free(base_text);
    free(variant);
    free(base);
}

/* caseload plot does not say charts were drawn when the results hold
 * nothing the charts show. */
static void test_plot_nothing_drawn(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char out_dir[4096], *err, *out;
    snprintf(out_dir, sizeof out_dir, "%s/results", f->dir);
    assert_int_equal(tu_caseload_run(&err, NULL, "run", file, "-q", "-n", "2", "-o", out_dir, NULL), 0);
    free(err);
    /* only the referrals rows: no chart draws them */
    char *summary = tu_read_in(out_dir, "summary.csv");
    size_t cap = strlen(summary) + 1, w = 0;
    char *kept = malloc(cap);
    assert_non_null(kept);
    for (char *line = summary, *eol; line && *line; line = eol ? eol + 1 : NULL) {
        eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) + 1 : strlen(line);
        if (eol)
            *eol = '\0';
        bool keep = line == summary || strstr(line, ",referrals,");
        if (eol)
            *eol = '\n';
        if (keep) {
            memcpy(kept + w, line, len);
            w += len;
        }
    }
    kept[w] = '\0';
    free(tu_write(out_dir, "summary.csv", kept));
    free(kept);
    free(summary);
    assert_int_equal(tu_caseload_run(&err, &out, "plot", out_dir, NULL), 0);
    assert_null(strstr(out, "charts:"));
    char want[4400];
    snprintf(want, sizeof want, "caseload: warning: %s: no charts drawn: its results hold none of the series the "
             "charts show (plots.gp written)", out_dir);
    tu_assert_contains(err, want);
    free(err);
    free(out);
    free(file);
}

static bool limit_address_space(void *arg)
{
    struct rlimit rl = { *(rlim_t *)arg, *(rlim_t *)arg };
    return setrlimit(RLIMIT_AS, &rl) == 0;
}

/* Under ulimit -v the memory refusal names that limit, not the machine's. */
static void test_memory_limit_named(void **state)
{
    struct tu_dir *f = *state;
    if (getenv("ASAN_OPTIONS"))
        skip();   /* AddressSanitizer's shadow memory needs more address space than any such limit */
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char out_dir[4200], err_path[4200];
    snprintf(out_dir, sizeof out_dir, "%s/results", f->dir);
    snprintf(err_path, sizeof err_path, "%s/stderr.txt", f->dir);
    char *argv[] = { (char *)tu_caseload(), "run", file, "-q", "-o", out_dir, "-n", "10", "--set",
                     "horizon_years=100", "--set", "demand.referrals_per_year=10000000", "--set",
                     "workforce.grades.sw.cap=0.001", NULL };
    rlim_t limit = (rlim_t)2 << 30;   /* 2 GiB: less than any machine that runs the tests */
    int rc = tu_wait(spawn(argv, err_path, limit_address_space, &limit));
    char *err = tu_read(err_path, NULL);
    if (rc != EXIT_USAGE)
        fail_msg("status %d (expected 2), stderr:\n%s", rc, err);
    tu_assert_contains(err, "(allowed: 1.72 GB, 80% of the address space this process may use (ulimit -v);");
    free(err);
    assert_false(tu_exists(out_dir));
    free(file);
}

/* Fail unless every file in dir is a name runfolder_name_taken knows (the
 * one list scenario names are checked against); folders are a comparison's
 * scenario folders, checked in turn. */
static void assert_names_known(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *path = tu_path(dir, e->d_name);
        struct stat st;
        assert_int_equal(lstat(path, &st), 0);
        if (S_ISDIR(st.st_mode))
            assert_names_known(path);
        else if (!runfolder_name_taken(e->d_name))
            fail_msg("%s: a file results write, but a scenario could take its name (add it to the list in "
                     "output/runfolder.c)", path);
        free(path);
    }
    closedir(d);
}

/* The names a scenario may not take are every name a result folder holds:
 * a run's, a comparison's and a sweep's, with their charts. */
static void test_result_names_known(void **state)
{
    struct tu_dir *f = *state;
    char *file = scenario(f->dir, "good.cfg", 0, NULL, NULL);
    char *err;
    char *run = tu_path(f->dir, "run"), *cmp = tu_path(f->dir, "cmp"), *sweep = tu_path(f->dir, "sweep"),
         *target = tu_path(f->dir, "target");
    assert_int_equal(tu_caseload_run(&err, NULL, "run", file, "-q", "-n", "2", "--plot", "-o", run, NULL), 0);
    free(err);
    assert_int_equal(tu_caseload_run(&err, NULL, "compare", file, file, "-q", "-n", "2", "--plot", "-o", cmp, NULL),
                     0);
    free(err);
    assert_int_equal(tu_caseload_run(&err, NULL, "sweep", file, "--vary", "demand.screen_out=0.1:0.2:2", "-q", "-n",
                                     "2", "--plot", "-o", sweep, NULL),
                     0);
    free(err);
    assert_int_equal(tu_caseload_run(&err, NULL, "target", file, "--lever", "workforce.grades.sw.establishment",
                                     "--kpi", "backlog_end", "--below", "1000", "-q", "-n", "2", "-o", target, NULL),
                     0);
    free(err);
    assert_names_known(run);
    assert_names_known(cmp);
    assert_names_known(sweep);
    assert_names_known(target);
    free(run);
    free(cmp);
    free(sweep);
    free(target);
    free(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_syntax_error, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_wrong_type, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_key, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_missing_required, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_out_of_range, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_probabilities, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_names_nothing, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_close_unreachable, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_bad_dates, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_intervention_param, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_include_errors, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_distributions, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_all_errors_and_limit, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_odd_inputs, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_set_odd_values, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_fuzz_regressions, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_cli_errors, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_absurd_sizes, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_no_overwrite_without_force, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_read_only_folder, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_full_file_system, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_two_phase_commit, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_interrupt, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_interrupt_twice, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_interrupt_on_terminal, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_scenario_names, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_manifest_always_parses, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_fifo_inputs, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_include_trailing_text, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_empty_chart, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_dates_past_9999, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_huge_counts, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_manifest_hash_at_start, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_plot_nothing_drawn, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_memory_limit_named, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_result_names_known, tu_dir_setup, tu_dir_teardown),
    };
    return cmocka_run_group_tests_name("robustness", tests, NULL, NULL);
}
