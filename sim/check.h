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

/* Allocation that cannot be handled locally: abort with a message on failure.
 * Used for fixed-size set-up allocations; sizes the user controls are checked
 * before any allocation (see the absurd-size limits in the front end). */
void *check_malloc(size_t size);
void *check_calloc(size_t n, size_t size);
void *check_realloc(void *p, size_t size);
char *check_strdup(const char *s);

#endif
