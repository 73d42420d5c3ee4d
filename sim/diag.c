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

size_t diag_utf8_length(const unsigned char *s)
{
    size_t n = s[0] < 0x80 ? 1 : s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
             : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    /* no overlong forms, no surrogates, nothing above U+10FFFF */
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) || (s[0] == 0xf0 && s[1] < 0x90)
        || (s[0] == 0xf4 && s[1] >= 0x90))
        return 0;
    return n;
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

    /* One problem, one line of text: control characters from the file (a
     * string that spans lines, a tab) and bytes that are not UTF-8 are shown
     * escaped. */
    size_t len = strlen(where) + strlen(text);
    char *m = check_malloc(4 * len + 1);
    size_t k = 0;
    const char *parts[2] = { where, text };
    for (int i = 0; i < 2; i++)
        for (const unsigned char *c = (const unsigned char *)parts[i]; *c;) {
            size_t n = diag_utf8_length(c);
            if (*c == '\n')
                k += (size_t)sprintf(m + k, "\\n");
            else if (*c == '\t')
                k += (size_t)sprintf(m + k, "\\t");
            else if (*c < 0x20 || *c == 0x7f || n == 0)
                k += (size_t)sprintf(m + k, "\\x%02x", *c);
            else {
                memcpy(m + k, c, n);
                k += n;
                c += n;
                continue;
            }
            c++;
        }
    m[k] = '\0';
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

/* Levenshtein distance, two rows, or SIZE_MAX once it must exceed limit.
 * Words are names or full parameter paths ("workforce.grades.<grade>.
 * turnover_per_year" easily passes 63 letters); longer than 255 counts as no
 * match. */
static size_t edit_distance(const char *a, const char *b, size_t limit)
{
    /* a common prefix and suffix change nothing: leave them out */
    while (*a && *a == *b)
        a++, b++;
    size_t la = strlen(a), lb = strlen(b);
    while (la > 0 && lb > 0 && a[la - 1] == b[lb - 1])
        la--, lb--;
    if (la > 255 || lb > 255)
        return (size_t)-1;
    size_t prev[256], cur[256];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        size_t row_min = cur[0];
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            size_t m = sub < del ? sub : del;
            cur[j] = m < ins ? m : ins;
            row_min = cur[j] < row_min ? cur[j] : row_min;
        }
        if (row_min > limit)
            return (size_t)-1; /* no later row can come back under the limit */
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

const char *diag_nearest(const char *word, const char *const *names, size_t n)
{
    /* A plausible typo changes at most a third of the word (and at least
     * one or two letters of a short one). */
    size_t len = strlen(word);
    size_t allowed = len / 3 > 2 ? len / 3 : 2;
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        /* names whose length alone rules them out cost nothing (there may
         * be many thousands of parameter paths) */
        size_t ln = strlen(names[i]);
        if ((ln > len ? ln - len : len - ln) > allowed)
            continue;
        size_t dist = edit_distance(word, names[i], best_d < allowed ? best_d : allowed);
        if (dist < best_d) {
            best_d = dist;
            best = names[i];
        }
    }
    return best_d <= allowed ? best : NULL;
}
