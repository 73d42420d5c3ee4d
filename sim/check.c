#include "check.h"

#include <stdint.h>
#include <string.h>

static void *check_ok(void *p, size_t size)
{
    if (!p && size) {
        fprintf(stderr, "caseload: out of memory (asked for %zu bytes)\n", size);
        abort();
    }
    return p;
}

void *check_malloc(size_t size) { return check_ok(malloc(size ? size : 1), size); }

void *check_calloc(size_t n, size_t size)
{
    return check_ok(calloc(n ? n : 1, size ? size : 1), n * size);
}

void *check_realloc(void *p, size_t size)
{
    return check_ok(realloc(p, size ? size : 1), size);
}

void *check_aligned_alloc(size_t align, size_t size)
{
    if (size > SIZE_MAX - align)
        return check_ok(NULL, size);
    size_t bytes = (size + align - 1) / align * align;
    return check_ok(aligned_alloc(align, bytes ? bytes : align), bytes ? bytes : align);
}

char *check_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = check_malloc(n);
    memcpy(d, s, n);
    return d;
}
