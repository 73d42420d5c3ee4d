/* check.h — invariants that stay checked in release builds.
 *
 * A broken invariant is a programming error, never a user error: CHECK prints
 * file, function and line and aborts, whatever NDEBUG says. Expected failures
 * (bad input, unwritable folders) go through diag.h instead. */
#ifndef SIM_CHECK_H
#define SIM_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "caseload: internal error: %s:%d: %s: %s\n",     \
                    __FILE__, __LINE__, __func__, #cond);                    \
            abort();                                                         \
        }                                                                    \
    } while (0)

/* The out-of-memory policy of sim/ and models/ (as Redis's zmalloc): every
 * allocation goes through these, which abort with a message naming the
 * size when memory runs out, so no caller has a NULL path to get wrong.
 * Sizes the user controls are checked before any allocation (the pre-run
 * estimate, models/estimate.h, and the front end's limits), so running out
 * is not a user error. */
void *check_malloc(size_t size);
void *check_calloc(size_t n, size_t size);
void *check_realloc(void *p, size_t size);
char *check_strdup(const char *s);
/* aligned_alloc(align, size), size rounded up to a multiple of align. */
void *check_aligned_alloc(size_t align, size_t size);

#endif
