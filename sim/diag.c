#include "diag.h"

#include "check.h"

#include <stdarg.h>
#include <string.h>

void diag_init(struct diag *d, size_t limit)
{
    CHECK(limit >= 1);
    d->count = 0;
    d->limit = limit;
    d->n = 0;
    d->msg = check_calloc(limit, sizeof *d->msg);
}

void diag_free(struct diag *d)
{
    if (!d || !d->msg)
        return;
    for (size_t i = 0; i < d->n; i++)
        free(d->msg[i]);
    free(d->msg);
    d->msg = NULL;
    d->n = d->count = 0;
}

void diag_error(struct diag *d, const char *file, int line, const char *path,
                const char *fmt, ...)
{
    d->count++;
    if (d->n >= d->limit)
        return;
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);

    char where[768] = "";
    size_t w = 0;
    if (file && line > 0)
        w = (size_t)snprintf(where, sizeof where, "%s:%d: ", file, line);
    else if (file)
        w = (size_t)snprintf(where, sizeof where, "%s: ", file);
    if (path && w < sizeof where)
        snprintf(where + w, sizeof where - w, "%s: ", path);

    size_t len = strlen(where) + strlen(text) + 1;
    char *m = check_malloc(len);
    snprintf(m, len, "%s%s", where, text);
    d->msg[d->n++] = m;
}

void diag_print(const struct diag *d, FILE *out, const char *prog)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(out, "%s: %s\n", prog, d->msg[i]);
    if (d->count > d->n)
        fprintf(out, "%s: ... and %zu more problem%s\n", prog, d->count - d->n,
                d->count - d->n == 1 ? "" : "s");
}

/* Levenshtein distance, two rows. Words are names or full parameter paths
 * ("workforce.grades.<grade>.turnover_per_year" easily passes 63 letters);
 * longer than 255 counts as no match. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 255 || lb > 255)
        return (size_t)-1;
    size_t prev[256], cur[256];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            size_t m = sub < del ? sub : del;
            cur[j] = m < ins ? m : ins;
        }
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

const char *diag_nearest(const char *word, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        size_t dist = edit_distance(word, names[i]);
        if (dist < best_d) {
            best_d = dist;
            best = names[i];
        }
    }
    /* A plausible typo changes at most a third of the word (and at least
     * one or two letters of a short one). */
    size_t len = strlen(word);
    size_t allowed = len / 3 > 2 ? len / 3 : 2;
    return best_d <= allowed ? best : NULL;
}
