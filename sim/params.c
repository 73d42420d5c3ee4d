#include "params.h"

#include "check.h"
#include "date.h"
#include "diag.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void params_init(struct params *r)
{
    r->p = NULL;
    r->n = r->cap = 0;
    r->index = NULL;
    r->n_index = 0;
    r->epoch = 0;
}

/* FNV-1a: paths are short and share long prefixes. */
static size_t path_hash(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (size_t)h;
}

static void index_put(struct params *r, size_t i)
{
    size_t mask = r->n_index - 1;
    size_t k = path_hash(r->p[i].path) & mask;
    while (r->index[k])
        k = (k + 1) & mask;
    r->index[k] = i + 1;
}

/* Keep the index at most half full: lookups stay O(1) however many
 * parameters a scenario has (thousands of stages make tens of thousands). */
static void index_grow(struct params *r)
{
    if (2 * (r->n + 1) <= r->n_index)
        return;
    size_t n = r->n_index ? r->n_index : 64;
    while (2 * (r->n + 1) > n)
        n *= 2;
    free(r->index);
    r->index = check_calloc(n, sizeof *r->index);
    r->n_index = n;
    for (size_t i = 0; i < r->n; i++)
        index_put(r, i);
}

void params_free(struct params *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->p[i].path);
        free(r->p[i].descr);
    }
    free(r->p);
    free(r->index);
    params_init(r);
}

void params_copy(struct params *dst, const struct params *src)
{
    dst->n = dst->cap = src->n;
    dst->p = check_calloc(src->n, sizeof *dst->p);
    for (size_t i = 0; i < src->n; i++) {
        dst->p[i] = src->p[i];
        dst->p[i].path = check_strdup(src->p[i].path);
        dst->p[i].descr = check_strdup(src->p[i].descr);
    }
    dst->index = NULL;
    dst->n_index = 0;
    dst->epoch = src->epoch;
    index_grow(dst);
}

size_t params_add(struct params *r, const char *path, const char *unit,
                  enum param_kind kind, double lo, double hi, unsigned flags,
                  double value, const char *file, int line, const char *descr_fmt, ...)
{
    CHECK(params_find(r, path) < 0);
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->p = check_realloc(r->p, r->cap * sizeof *r->p);
    }
    char descr[512];
    va_list ap;
    va_start(ap, descr_fmt);
    vsnprintf(descr, sizeof descr, descr_fmt, ap);
    va_end(ap);
    struct param *p = &r->p[r->n];
    p->path = check_strdup(path);
    p->descr = check_strdup(descr);
    p->unit = unit;
    p->kind = kind;
    p->flags = flags;
    p->lo = kind == PARAM_BOOL ? 0 : lo;
    p->hi = kind == PARAM_BOOL ? 1 : hi;
    p->usual_lo = p->lo;
    p->usual_hi = p->hi;
    p->value = value;
    p->file = file;
    p->line = line;
    index_grow(r);
    index_put(r, r->n);
    return r->n++;
}

long params_find(const struct params *r, const char *path)
{
    if (r->n_index == 0)
        return -1;
    size_t mask = r->n_index - 1;
    for (size_t k = path_hash(path) & mask; r->index[k]; k = (k + 1) & mask)
        if (strcmp(r->p[r->index[k] - 1].path, path) == 0)
            return (long)(r->index[k] - 1);
    return -1;
}

const char *params_nearest(const struct params *r, const char *path)
{
    const char **names = check_calloc(r->n, sizeof *names);
    for (size_t i = 0; i < r->n; i++)
        names[i] = r->p[i].path;
    const char *best = diag_nearest(path, names, r->n);
    free(names);
    return best;
}

bool params_allowed(const struct params *r, size_t i, double v)
{
    CHECK(i < r->n);
    const struct param *p = &r->p[i];
    if (!isfinite(v))
        return false;
    if (p->kind != PARAM_REAL && v != floor(v))
        return false;
    if (p->flags & PARAM_LO_OPEN ? !(v > p->lo) : !(v >= p->lo))
        return false;
    if (p->flags & PARAM_HI_OPEN ? !(v < p->hi) : !(v <= p->hi))
        return false;
    return true;
}

static void fmt_bound(double b, char *buf, size_t size) { snprintf(buf, size, "%.10g", b); }

void params_set_usual(struct params *r, size_t i, double lo, double hi)
{
    CHECK(i < r->n && lo <= hi);
    r->p[i].usual_lo = lo;
    r->p[i].usual_hi = hi;
}

bool params_usual(const struct params *r, size_t i, double v)
{
    CHECK(i < r->n);
    return v >= r->p[i].usual_lo && v <= r->p[i].usual_hi;
}

void params_usual_text(const struct params *r, size_t i, char *buf, size_t size)
{
    CHECK(i < r->n);
    const struct param *p = &r->p[i];
    char lo[32], hi[32];
    fmt_bound(p->usual_lo, lo, sizeof lo);
    fmt_bound(p->usual_hi, hi, sizeof hi);
    bool plain = p->kind == PARAM_BOOL || !p->unit || !p->unit[0] || strcmp(p->unit, "share") == 0;
    snprintf(buf, size, "%s\u2013%s%s%s", lo, hi, plain ? "" : " ", plain ? "" : p->unit);
}

void params_range_text(const struct params *r, size_t i, char *buf, size_t size)
{
    CHECK(i < r->n);
    const struct param *p = &r->p[i];
    if (p->kind == PARAM_BOOL) {
        snprintf(buf, size, "true or false");
        return;
    }
    if (p->kind == PARAM_DATE) {
        snprintf(buf, size, "a date YYYY-MM-DD");
        return;
    }
    const char *what = p->kind == PARAM_INT ? "a whole number" : "a number";
    char lo[32], hi[32];
    fmt_bound(p->lo, lo, sizeof lo);
    fmt_bound(p->hi, hi, sizeof hi);
    bool has_lo = p->lo > -HUGE_VAL, has_hi = p->hi < HUGE_VAL;
    const char *lo_op = p->flags & PARAM_LO_OPEN ? ">" : ">=";
    const char *hi_op = p->flags & PARAM_HI_OPEN ? "<" : "<=";
    if (has_lo && has_hi && !(p->flags & (PARAM_LO_OPEN | PARAM_HI_OPEN)))
        snprintf(buf, size, "%s from %s to %s", what, lo, hi);
    else if (has_lo && has_hi)
        snprintf(buf, size, "%s %s %s and %s %s", what, lo_op, lo, hi_op, hi);
    else if (has_lo)
        snprintf(buf, size, "%s %s %s", what, lo_op, lo);
    else if (has_hi)
        snprintf(buf, size, "%s %s %s", what, hi_op, hi);
    else
        snprintf(buf, size, "%s", what);
}

static const char *digits(const char *p, bool *any)
{
    while (*p >= '0' && *p <= '9') {
        p++;
        *any = true;
    }
    return p;
}

bool params_parse_real(const char *text, double *out)
{
    const char *p = text;
    bool any = false;
    if (*p == '+' || *p == '-')
        p++;
    p = digits(p, &any);
    if (*p == '.')
        p = digits(p + 1, &any);
    if (!any)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        bool exp = false;
        p = digits(p, &exp);
        if (!exp)
            return false;
    }
    if (*p != '\0')
        return false;
    char *end;
    double v = strtod(text, &end);   /* underflow gives a subnormal or 0: kept */
    if (end != p || !isfinite(v))
        return false;   /* overflow */
    *out = v;
    return true;
}

bool params_parse_value(const struct params *r, size_t i, const char *text, double *out)
{
    CHECK(i < r->n);
    if (r->p[i].kind == PARAM_BOOL) {
        if (strcmp(text, "true") == 0 || strcmp(text, "1") == 0) {
            *out = 1;
            return true;
        }
        if (strcmp(text, "false") == 0 || strcmp(text, "0") == 0) {
            *out = 0;
            return true;
        }
        return false;
    }
    if (r->p[i].kind == PARAM_DATE) {
        struct date d;
        if (!date_parse(text, &d))
            return false;
        *out = (double)(date_to_days(d) - r->epoch);
        return true;
    }
    double v;
    if (!params_parse_real(text, &v))
        return false;
    if (r->p[i].kind == PARAM_INT && v != floor(v))
        return false;
    *out = v;
    return true;
}

void params_format_value(const struct params *r, size_t i, double v, char *buf, size_t size)
{
    CHECK(i < r->n);
    if (r->p[i].kind == PARAM_BOOL)
        snprintf(buf, size, "%s", v != 0 ? "true" : "false");
    else if (r->p[i].kind == PARAM_INT)
        snprintf(buf, size, "%.0f", v);
    else if (r->p[i].kind == PARAM_DATE && isfinite(v) && fabs(v) < 1e7) {
        char d[DATE_TEXT_SIZE];
        date_format(date_from_days(r->epoch + (long)v), d);
        snprintf(buf, size, "%s", d);
    }
    else
        snprintf(buf, size, "%.10g", v);
}
