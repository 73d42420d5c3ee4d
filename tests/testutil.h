/* testutil.h — small helpers shared by the unit tests (linked into every test
 * binary): death tests for CHECK, temporary directories, and a tolerance
 * assertion that prints the numbers when it fails. */
#ifndef TESTS_TESTUTIL_H
#define TESTS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>

#include "sim/result.h"

/* Fail unless |x - target| <= tol, printing all three. */
#define TU_ASSERT_WITHIN(x, target, tol)                                        \
    do {                                                                       \
        double tu_x_ = (x), tu_t_ = (target), tu_e_ = (tol);                   \
        if (!(fabs(tu_x_ - tu_t_) <= tu_e_))                                   \
            fail_msg("%s = %.10g, expected %.10g within %.4g", #x, tu_x_,      \
                     tu_t_, tu_e_);                                            \
    } while (0)

/* Fail unless the string got (possibly NULL) equals want. */
#define TU_ASSERT_STR(got, want)                                                \
    do {                                                                       \
        const char *tu_g_ = (got), *tu_w_ = (want);                            \
        if (!tu_g_)                                                            \
            fail_msg("%s is NULL, expected \"%s\"", #got, tu_w_);              \
        assert_string_equal(tu_g_, tu_w_);                                     \
    } while (0)

/* Run fn(arg) in a child process and report whether it aborted (as CHECK
 * does) with a message on standard error containing needle (NULL: any). */
bool tu_dies(void (*fn)(void *), void *arg, const char *needle);

/* A fresh directory under /tmp (malloc'd path); aborts the test on failure. */
char *tu_tmpdir(void);

/* dir/name, malloc'd. */
char *tu_path(const char *dir, const char *name);

/* Replication rep (master seed seed) of sc run with the recorder on, its
 * records written into dir as the case system and HR would have them. */
struct scenario;
void tu_write_records(const struct scenario *sc, uint64_t seed, uint64_t rep, const char *dir);

/* Write text to dir/name, creating it; returns the malloc'd full path. */
char *tu_write(const char *dir, const char *name, const char *text);

/* Create dir/name as a directory; returns the malloc'd full path. */
char *tu_mkdir(const char *dir, const char *name);

/* Remove dir and everything under it. */
void tu_rmtree(const char *dir);

/* A cmocka setup/teardown pair giving each test a fresh temporary folder:
 * *state is a struct tu_dir, removed with everything in it afterwards. */
struct tu_dir {
    char *dir;
};
int tu_dir_setup(void **state);
int tu_dir_teardown(void **state);

/* ---- the caseload program --------------------------------------------------- */

/* The program under test: $CASELOAD, or ./caseload (tests run from the
 * repository root). */
const char *tu_caseload(void);

/* Run argv[0] with arguments argv[1..] (NULL-terminated), standard input
 * from /dev/null, and wait for it. Returns the exit status, or 128 + the
 * signal number when it was killed. When out / err are not NULL they receive
 * what it wrote to standard output / error (malloc'd, NUL-terminated). */
int tu_run(char *const argv[], char **out, char **err);

/* Wait for child pid (retrying on EINTR); its exit status, or 128 + the
 * signal that ended it, as a shell reports it. */
int tu_wait(pid_t pid);

/* Run the program under test with the arguments that follow (NULL-
 * terminated, at most TU_MAX_ARGS); as tu_run: the status, stderr in *err
 * and stdout in *out when they are not NULL. */
#define TU_MAX_ARGS 64
int tu_caseload_run(char **err, char **out, ...);

/* Fail unless needle occurs in text, printing both. */
void tu_assert_contains(const char *text, const char *needle);

/* Read a whole file (malloc'd, NUL-terminated; *len its size when len is not
 * NULL); fails the test when it cannot be read. */
char *tu_read(const char *path, size_t *len);

/* tu_read of dir/name (no length). */
char *tu_read_in(const char *dir, const char *name);

/* Whether path names anything (a file, folder or link: lstat). */
bool tu_exists(const char *path);

/* The path of a temporary of dir/name (".NAME.TAG.tmp", see afile.h),
 * malloc'd, or NULL when there is none. */
char *tu_find_tmp(const char *dir, const char *name);

/* ---- replications in this process ------------------------------------------- */

struct scenario;

/* Load a scenario with "PATH=VALUE" overrides, as the command line does;
 * fails the test, printing the problems, when it does not load. */
struct scenario *tu_load(const char *path, char *const *sets, size_t n_sets);

/* n replications of a scenario under one master seed, every result kept. */
struct tu_reps {
    struct result_layout layout;
    size_t n;
    struct rep_result *rep;   /* rep[r] is replication r */
};

/* Run replications 0..n-1 of sc (on every core) into r; free with
 * tu_reps_free. */
void tu_reps_run(struct tu_reps *r, const struct scenario *sc, uint64_t seed, size_t n);
void tu_reps_free(struct tu_reps *r);

/* Index of a metric / KPI by name; fails the test when there is none. */
size_t tu_metric(const struct tu_reps *r, const char *name);
size_t tu_kpi(const struct tu_reps *r, const char *name);

/* Value of metric m in period p of replication rep. */
double tu_value(const struct tu_reps *r, size_t rep, size_t p, size_t m);

#endif
