/* testutil.h — small helpers shared by the unit tests (linked into every test
 * binary): death tests for CHECK, temporary directories, and a tolerance
 * assertion that prints the numbers when it fails. */
#ifndef TESTS_TESTUTIL_H
#define TESTS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>

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

/* Write text to dir/name, creating it; returns the malloc'd full path. */
char *tu_write(const char *dir, const char *name, const char *text);

/* Create dir/name as a directory; returns the malloc'd full path. */
char *tu_mkdir(const char *dir, const char *name);

/* Remove dir and everything under it. */
void tu_rmtree(const char *dir);

#endif
