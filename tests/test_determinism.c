/* test_determinism.c — same scenario and seed, same bytes.
 *
 * Runs the program ($CASELOAD) and compares series.csv, summary.csv and
 * kpis.csv byte for byte: two runs with the same seed, and runs on 1, 2 and
 * 3 threads (replications finish out of order on several threads; the
 * results must not depend on it). A different seed must give a different
 * series.csv. manifest.json records start and end times, so it differs. */
#include "tests/testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Enough replications that 3 threads interleave (and an odd count, so the
 * last thread's share differs from the others'). */
#define REPS "7"

static const char *const files[] = { "series.csv", "summary.csv", "kpis.csv" };
#define N_FILES (sizeof files / sizeof *files)

/* Run scenario with seed and threads into dir/name; the run must succeed. */
static char *run(const char *dir, const char *name, const char *scenario, const char *seed, const char *threads)
{
    char *out = tu_mkdir(dir, name);
    char *argv[] = { (char *)tu_caseload(), "run", (char *)scenario, "-n", REPS, "-s", (char *)seed,
                     "-j", (char *)threads, "-o", out, "-q", "--force", NULL };
    char *err;
    int status = tu_run(argv, NULL, &err);
    if (status != 0)
        fail_msg("caseload run %s -s %s -j %s exited %d: %s", scenario, seed, threads, status, err);
    free(err);
    return out;
}

static char *file_in(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return tu_read(path, len);
}

/* Whether dir a and dir b hold the same bytes in file name; where they first
 * differ goes to why. */
static bool same_file(const char *a, const char *b, const char *name, char *why, size_t size)
{
    size_t la, lb;
    char *x = file_in(a, name, &la), *y = file_in(b, name, &lb);
    assert_true(la > 0);
    size_t i = 0;
    while (i < la && i < lb && x[i] == y[i])
        i++;
    snprintf(why, size, "%s differs between %s and %s at byte %zu (sizes %zu, %zu)", name, a, b, i, la, lb);
    free(x);
    free(y);
    return i == la && la == lb;
}

static void assert_same(const char *a, const char *b, const char *name)
{
    char why[8192];
    if (!same_file(a, b, name, why, sizeof why))
        fail_msg("%s", why);
}

static void check_scenario(const char *scenario, const char *seed, const char *other_seed)
{
    char *dir = tu_tmpdir();
    char *first = run(dir, "first", scenario, seed, "1");
    char *again = run(dir, "again", scenario, seed, "1");
    char *two = run(dir, "two", scenario, seed, "2");
    char *three = run(dir, "three", scenario, seed, "3");
    char *other = run(dir, "other", scenario, other_seed, "2");
    for (size_t f = 0; f < N_FILES; f++) {
        assert_same(first, again, files[f]);
        assert_same(first, two, files[f]);
        assert_same(first, three, files[f]);
    }
    char why[8192];
    if (same_file(first, other, "series.csv", why, sizeof why))
        fail_msg("seeds %s and %s gave the same series.csv", seed, other_seed);
    free(first);
    free(again);
    free(two);
    free(three);
    free(other);
    tu_rmtree(dir);
    free(dir);
}

static void test_baseline(void **state)
{
    (void)state;
    check_scenario("scenarios/baseline.cfg", "20240401", "20240402");
}

/* Interventions, agency cover, overload, weekly periods. */
static void test_pressure(void **state)
{
    (void)state;
    check_scenario("tests/scenarios/pressure.cfg", "3", "0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baseline),
        cmocka_unit_test(test_pressure),
    };
    return cmocka_run_group_tests_name("determinism", tests, NULL, NULL);
}
