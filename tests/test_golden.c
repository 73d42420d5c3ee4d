/* test_golden.c — golden outputs: the whole program, byte for byte.
 *
 * Every shipped scenario (the .cfg files in scenarios/ and its folders) and
 * every test fixture (the .cfg files in tests/scenarios/) is run small and fixed
 * (GOLDEN_REPS replications, seed GOLDEN_SEED, the full horizon), and its
 * kpis.csv must hold exactly the bytes kept in tests/golden/ — and, for a
 * fixture whose summary.csv is small (at most GOLDEN_SUMMARY_MAX bytes when
 * the files were made), its summary.csv too. A refactor that changes no
 * result passes; one that moves a single digit fails, naming the first line
 * that differs and the commands that reproduce and regenerate it.
 *
 * When a change of results is intended, `make golden` rewrites every file
 * (this program with --regenerate) and the diff of tests/golden/ goes into
 * the commit, where a reviewer sees which figures moved.
 *
 * Only files that depend on nothing but the scenario, the seed and the code
 * are compared: manifest.json (times, paths, version) and the charts are
 * not. The files are made on one thread and checked on GOLDEN_CHECK_THREADS,
 * so the test also holds the program to its promise that the thread count
 * changes no byte.
 *
 * Golden folders: scenarios/X.cfg -> tests/golden/scenarios/X/,
 * tests/scenarios/X.cfg -> tests/golden/fixtures/X/. */
#include "tests/testutil.h"

#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

/* Three replications: the smallest number that gives every statistic a
 * distinct meaning (sd and interval need 2; with 3 the median is an
 * observed value, not the mean, and the 5% and 95% points interpolate), and
 * an odd count, so replications end out of order on the checking threads. */
#define GOLDEN_REPS "3"
#define GOLDEN_SEED "20261206"
#define GOLDEN_MAKE_THREADS "1"
#define GOLDEN_CHECK_THREADS "3"
#define GOLDEN_DIR "tests/golden"
#define GOLDEN_SUMMARY_MAX (128 * 1024)
#define FIXTURE_PREFIX "tests/scenarios/"

static const char *const patterns[] = { "scenarios/*.cfg", "scenarios/*/*.cfg", "tests/scenarios/*.cfg" };
#define N_PATTERNS (sizeof patterns / sizeof patterns[0])

struct golden_case {
    char *cfg;       /* the scenario, from the repository root */
    char *dir;       /* its golden folder */
    bool fixture;
};

static bool regenerate;

/* The golden folder of scenario cfg (malloc'd). */
static char *golden_dir(const char *cfg, bool fixture)
{
    const char *rest = fixture ? cfg + strlen(FIXTURE_PREFIX) : cfg;
    size_t len = strlen(rest) - strlen(".cfg");
    size_t size = sizeof GOLDEN_DIR + sizeof "/fixtures/" + len;
    char *dir = malloc(size);
    if (!dir)
        abort();
    snprintf(dir, size, "%s/%s%.*s", GOLDEN_DIR, fixture ? "fixtures/" : "", (int)len, rest);
    return dir;
}

/* mkdir -p path. */
static void make_dirs(const char *path)
{
    char *p = strdup(path);
    assert_non_null(p);
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            fail_msg("mkdir %s: %s", p, strerror(errno));
        *s = c;
        if (!c)
            break;
    }
    free(p);
}

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("%s: %s", path, strerror(errno));
    if (fwrite(text, 1, len, f) != len || fclose(f) != 0)
        fail_msg("%s: cannot write", path);
}

/* Line number (from 1) of the first line where a and b differ, its start in
 * each going to *ia and *ib; 0 when they are equal. */
static size_t first_difference(const char *a, size_t la, const char *b, size_t lb, size_t *ia, size_t *ib)
{
    size_t line = 1, start = 0, i = 0;
    while (i < la && i < lb && a[i] == b[i]) {
        if (a[i] == '\n') {
            line++;
            start = i + 1;
        }
        i++;
    }
    if (i == la && la == lb)
        return 0;
    *ia = *ib = start;
    return line;
}

#define END_OF_FILE "(end of file)"

/* The line of text that starts at offset i, for a message: its start, and
 * its length in *n. */
static const char *line_at(const char *text, size_t len, size_t i, int *n)
{
    if (i >= len) {
        *n = (int)strlen(END_OF_FILE);
        return END_OF_FILE;
    }
    const char *nl = memchr(text + i, '\n', len - i);
    *n = (int)((nl ? (size_t)(nl - text) : len) - i);
    return text + i;
}

/* Compare the run's file name with its golden copy, or write the copy. */
static void golden_file(const struct golden_case *c, const char *run_dir, const char *name, bool optional)
{
    char *golden = tu_path(c->dir, name), *made = tu_path(run_dir, name);
    size_t lm, lg;
    char *m = tu_read(made, &lm);
    if (regenerate) {
        if (!optional || lm <= GOLDEN_SUMMARY_MAX) {
            make_dirs(c->dir);
            write_file(golden, m, lm);
        }
    } else if (!tu_exists(golden)) {
        if (!optional)
            fail_msg("%s: no golden file; `make golden` makes it", golden);
    } else {
        char *g = tu_read(golden, &lg);
        size_t ig, im, line = first_difference(g, lg, m, lm, &ig, &im);
        if (line) {
            int ng, nm;
            const char *tg = line_at(g, lg, ig, &ng), *tm = line_at(m, lm, im, &nm);
            print_error("%s of %s differs from %s at line %zu:\n"
                        "  golden: %.*s\n"
                        "  now:    %.*s\n"
                        "reproduce: %s run %s -n %s -s %s -j %s -o DIR\n"
                        "if the change of results is intended: make golden (and commit %s/)\n",
                        name, c->cfg, golden, line, ng, tg, nm, tm, tu_caseload(), c->cfg, GOLDEN_REPS,
                        GOLDEN_SEED, GOLDEN_CHECK_THREADS, GOLDEN_DIR);
            fail_msg("%s: not the golden bytes", golden);
        }
        free(g);
    }
    free(m);
    free(made);
    free(golden);
}

static void test_golden(void **state)
{
    const struct golden_case *c = *state;
    char *tmp = tu_tmpdir();
    char *out = tu_path(tmp, "run"), *err = NULL;
    int status = tu_caseload_run(&err, NULL, "run", c->cfg, "-n", GOLDEN_REPS, "-s", GOLDEN_SEED, "-j",
                                 regenerate ? GOLDEN_MAKE_THREADS : GOLDEN_CHECK_THREADS, "-q", "-o", out,
                                 NULL);
    if (status != 0)
        fail_msg("caseload run %s exited %d: %s", c->cfg, status, err);
    free(err);
    /* the KPIs are written (test_scenarios leaves this to the run here) */
    char *kpis = tu_read_in(out, "kpis.csv");
    tu_assert_contains(kpis, "backlog_mean");
    free(kpis);
    golden_file(c, out, "kpis.csv", false);
    if (c->fixture)
        golden_file(c, out, "summary.csv", true);
    free(out);
    tu_rmtree(tmp);
    free(tmp);
}

/* Every golden folder belongs to a scenario or fixture that still exists
 * (a stale one would go unnoticed otherwise; make golden removes it). */
static void test_no_stale_golden(void **state)
{
    const glob_t *cfgs = *state;
    static const char *const kept[] = { GOLDEN_DIR "/*/*/kpis.csv", GOLDEN_DIR "/*/*/*/kpis.csv" };
    glob_t g;
    memset(&g, 0, sizeof g);
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
        int rc = glob(kept[i], i ? GLOB_APPEND : 0, NULL, &g);
        assert_true(rc == 0 || rc == GLOB_NOMATCH);
    }
    for (size_t i = 0; i < g.gl_pathc; i++) {
        bool found = false;
        for (size_t j = 0; j < cfgs->gl_pathc && !found; j++) {
            const char *cfg = cfgs->gl_pathv[j];
            bool fixture = strncmp(cfg, FIXTURE_PREFIX, strlen(FIXTURE_PREFIX)) == 0;
            char *dir = golden_dir(cfg, fixture), *kpis = tu_path(dir, "kpis.csv");
            found = strcmp(kpis, g.gl_pathv[i]) == 0;
            free(kpis);
            free(dir);
        }
        if (!found)
            fail_msg("%s belongs to no scenario or fixture; `make golden` removes it", g.gl_pathv[i]);
    }
    globfree(&g);
}

int main(int argc, char **argv)
{
    regenerate = argc > 1 && strcmp(argv[1], "--regenerate") == 0;
    if (argc > 1 && !regenerate) {
        fprintf(stderr, "usage: %s [--regenerate]\n", argv[0]);
        return 2;
    }
    glob_t g;
    memset(&g, 0, sizeof g);
    for (size_t i = 0; i < N_PATTERNS; i++) {
        int rc = glob(patterns[i], i ? GLOB_APPEND : 0, NULL, &g);
        if (rc != 0 && rc != GLOB_NOMATCH) {
            fprintf(stderr, "test_golden: glob %s failed\n", patterns[i]);
            return 1;
        }
    }
    if (g.gl_pathc == 0) {
        fprintf(stderr, "test_golden: no scenarios found (run from the repository root)\n");
        return 1;
    }
    struct golden_case *cases = calloc(g.gl_pathc, sizeof *cases);
    struct CMUnitTest *tests = calloc(g.gl_pathc + 1, sizeof *tests);
    if (!cases || !tests)
        return 1;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        struct golden_case *c = &cases[i];
        c->cfg = g.gl_pathv[i];
        c->fixture = strncmp(c->cfg, FIXTURE_PREFIX, strlen(FIXTURE_PREFIX)) == 0;
        c->dir = golden_dir(c->cfg, c->fixture);
        tests[i] = (struct CMUnitTest){ .name = c->cfg, .test_func = test_golden, .initial_state = c };
    }
    size_t n = g.gl_pathc;
    if (!regenerate)
        tests[n++] = (struct CMUnitTest){ .name = "test_no_stale_golden", .test_func = test_no_stale_golden,
                                          .initial_state = &g };
    int failed = _cmocka_run_group_tests(regenerate ? "golden (regenerating)" : "golden", tests, n, NULL, NULL);
    for (size_t i = 0; i < g.gl_pathc; i++)
        free(cases[i].dir);
    free(cases);
    free(tests);
    globfree(&g);
    return failed;
}
