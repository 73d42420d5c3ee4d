/* diag.h — collected diagnostics for expected failures (bad input).
 *
 * Loaders report every problem they find, not only the first, up to a limit;
 * the front end prints them once, each as
 *     caseload: FILE:LINE: PATH: what is wrong (what is allowed)
 * A diag is plain data: embed it, diag_init it, diag_free it. */
#ifndef SIM_DIAG_H
#define SIM_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct diag {
    size_t count;    /* problems reported, including those beyond limit */
    size_t limit;    /* how many messages are kept */
    size_t n;        /* messages kept */
    char **msg;      /* "FILE:LINE: PATH: text", owned */
};

/* Start an empty list keeping at most limit messages (limit >= 1). */
void diag_init(struct diag *d, size_t limit);
void diag_free(struct diag *d);

/* Record one problem. file may be NULL and line 0 when unknown; path may be
 * NULL for problems that belong to no parameter. */
void diag_error(struct diag *d, const char *file, int line, const char *path,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static inline bool diag_failed(const struct diag *d) { return d->count > 0; }

/* Print every kept message as "PROG: message" and, if some were dropped,
 * a line saying how many more there were. */
void diag_print(const struct diag *d, FILE *out, const char *prog);

/* Bytes in the UTF-8 character at s (1 for ASCII; s NUL-terminated), or 0
 * when s does not start a valid one: a stray or truncated byte, an overlong
 * form, a surrogate or a code point above U+10FFFF. */
size_t diag_utf8_length(const unsigned char *s);

/* The name in names[0..n) closest to word by edit distance, or NULL when
 * none is close enough to be a plausible typo. */
const char *diag_nearest(const char *word, const char *const *names, size_t n);

#endif
