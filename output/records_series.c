/* records_series.c — monthly series from records (see records_series.h).
 *
 * Each stock is a sum over rows of a weight over the months whose last day
 * falls in [start, end): found by binary search on the months' last days
 * and added to a difference array, so a row costs O(log months). */
#include "output/records_series.h"

#include "output/csv_in.h"
#include "sim/check.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPEN_END LONG_MAX
#define MAX_COLS 8

struct reader {
    struct csv_in c;
    long col[MAX_COLS];
    const char *file;
    char path[4096];
};

static bool reader_open(struct reader *r, const char *dir, const char *file, const char *const *need, size_t n,
                        bool optional, bool *absent, char *err, size_t size)
{
    r->file = file;
    snprintf(r->path, sizeof r->path, "%s/%s", dir, file);
    if (optional) {
        FILE *f = fopen(r->path, "r");
        *absent = !f;
        if (!f)
            return false;
        fclose(f);
    }
    return csv_in_open(&r->c, r->path, need, r->col, n, err, size);
}

/* Field k's date as a day number; empty allowed when may_be_empty
 * (OPEN_END then). False with err set otherwise. */
static bool field_day(struct reader *r, size_t k, const char *column, bool may_be_empty, long *out, char *err,
                      size_t size)
{
    const char *t = csv_in_field(&r->c, r->col[k]);
    if ((!t || !*t) && may_be_empty) {
        *out = OPEN_END;
        return true;
    }
    struct date d;
    if (!t || !date_parse(t, &d)) {
        snprintf(err, size, "%s:%ld: %s: \"%.40s\" is not a date (allowed: YYYY-MM-DD%s)", r->path, r->c.line,
                 column, t ? t : "", may_be_empty ? ", or empty while open" : "");
        return false;
    }
    *out = date_to_days(d);
    return true;
}

static bool check_order(struct reader *r, long start, long end, const char *column, char *err, size_t size)
{
    if (end != OPEN_END && end < start) {
        snprintf(err, size, "%s:%ld: %s: before the start (allowed: on or after it)", r->path, r->c.line, column);
        return false;
    }
    return true;
}

/* ---- the table being built ----------------------------------------------------- */

struct build {
    struct recseries *s;
    double *diff;        /* [n_series][n_months + 1] */
    size_t cap;
};

static size_t series_index(struct build *b, const char *name)
{
    struct recseries *s = b->s;
    for (size_t i = 0; i < s->n_series; i++)
        if (strcmp(s->name[i], name) == 0)
            return i;
    if (s->n_series == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 16;
        s->name = check_realloc(s->name, b->cap * sizeof *s->name);
        b->diff = check_realloc(b->diff, b->cap * (s->n_months + 1) * sizeof *b->diff);
    }
    size_t i = s->n_series++;
    snprintf(s->name[i], RECSERIES_NAME_MAX, "%s", name);
    memset(b->diff + i * (s->n_months + 1), 0, (s->n_months + 1) * sizeof *b->diff);
    return i;
}

/* The first month whose last day is >= day (n_months when none). */
static size_t month_from(const struct recseries *s, long day)
{
    size_t lo = 0, hi = s->n_months;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->last_day[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Add w to series i in the months whose last day is in [start, end). */
static void add_stock(struct build *b, size_t i, long start, long end, double w)
{
    size_t k0 = month_from(b->s, start), k1 = end == OPEN_END ? b->s->n_months : month_from(b->s, end);
    if (k0 >= k1)
        return;
    double *d = b->diff + i * (b->s->n_months + 1);
    d[k0] += w;
    d[k1] -= w;
}

/* Add 1 to flow series i in the month of day (nothing outside them). */
static void add_flow(struct build *b, size_t i, long day, long first_day)
{
    if (day < first_day)
        return;
    size_t k = month_from(b->s, day);
    if (k < b->s->n_months) {
        double *d = b->diff + i * (b->s->n_months + 1);
        d[k] += 1;
        d[k + 1] -= 1;
    }
}

/* A spell, for the FTE of a person off sick. */
struct spell {
    char *person;
    long start, end;
    double fte;
    bool agency;
};

static int spell_cmp(const void *a, const void *b)
{
    const struct spell *x = a, *y = b;
    int c = strcmp(x->person, y->person);
    return c ? c : (x->start > y->start) - (x->start < y->start);
}

static bool read_referrals(struct build *b, const char *dir, long first_day, char *err, size_t size)
{
    static const char *const need[] = { "referral_date" };
    struct reader r;
    if (!reader_open(&r, dir, "referrals.csv", need, 1, false, NULL, err, size))
        return false;
    size_t i = series_index(b, "referrals");
    int rc;
    bool ok = true;
    while (ok && (rc = csv_in_next(&r.c)) > 0) {
        long d;
        ok = field_day(&r, 0, "referral_date", false, &d, err, size);
        if (ok)
            add_flow(b, i, d, first_day);
    }
    csv_in_free(&r.c);
    return ok;
}

static bool read_episodes(struct build *b, const char *dir, char *err, size_t size)
{
    static const char *const need[] = { "stage", "start_date", "end_date", "allocated_date" };
    struct reader r;
    if (!reader_open(&r, dir, "episodes.csv", need, 4, false, NULL, err, size))
        return false;
    size_t un = series_index(b, "unallocated");
    bool ok = true;
    while (ok && csv_in_next(&r.c) > 0) {
        long start, end, alloc;
        const char *stage = csv_in_field(&r.c, r.col[0]);
        ok = field_day(&r, 1, "start_date", false, &start, err, size) &&
             field_day(&r, 2, "end_date", true, &end, err, size) &&
             field_day(&r, 3, "allocated_date", true, &alloc, err, size) &&
             check_order(&r, start, end, "end_date", err, size);
        if (!ok)
            break;
        char name[RECSERIES_NAME_MAX];
        snprintf(name, sizeof name, "open_%s", stage ? stage : "");
        add_stock(b, series_index(b, name), start, end, 1.0);
        /* unallocated until the day it was allocated (its month's end on) */
        long until = alloc == OPEN_END ? end : (end == OPEN_END || alloc < end ? alloc : end);
        add_stock(b, un, start, until, 1.0);
    }
    csv_in_free(&r.c);
    return ok;
}

static bool read_staff(struct build *b, const char *dir, struct spell **spells, size_t *n_spells, char *err,
                       size_t size)
{
    static const char *const need[] = { "person_id", "grade", "fte", "start_date", "end_date", "agency" };
    struct reader r;
    if (!reader_open(&r, dir, "staff.csv", need, 6, false, NULL, err, size))
        return false;
    size_t cap = 0;
    bool ok = true;
    while (ok && csv_in_next(&r.c) > 0) {
        long start, end;
        ok = field_day(&r, 3, "start_date", false, &start, err, size) &&
             field_day(&r, 4, "end_date", true, &end, err, size) &&
             check_order(&r, start, end, "end_date", err, size);
        double fte = csv_in_number(csv_in_field(&r.c, r.col[2]));
        if (ok && !(fte >= 0)) {
            snprintf(err, size, "%s:%ld: fte: not a number >= 0", r.path, r.c.line);
            ok = false;
        }
        if (!ok)
            break;
        const char *grade = csv_in_field(&r.c, r.col[1]), *ag = csv_in_field(&r.c, r.col[5]);
        char name[RECSERIES_NAME_MAX];
        snprintf(name, sizeof name, "in_post_%s", grade ? grade : "");
        add_stock(b, series_index(b, name), start, end, fte);
        if (*n_spells == cap) {
            cap = cap ? 2 * cap : 256;
            *spells = check_realloc(*spells, cap * sizeof **spells);
        }
        const char *who = csv_in_field(&r.c, r.col[0]);
        (*spells)[(*n_spells)++] = (struct spell){ check_strdup(who ? who : ""), start, end, fte,
                                                   ag && (strcmp(ag, "1") == 0 || strcmp(ag, "true") == 0 ||
                                                          strcmp(ag, "yes") == 0) };
    }
    csv_in_free(&r.c);
    return ok;
}

/* The spell of person covering day (start <= day < end), or NULL. */
static const struct spell *spell_at(const struct spell *sp, size_t n, const char *person, long day)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(sp[mid].person, person) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    const struct spell *hit = NULL;
    for (size_t i = lo; i < n && strcmp(sp[i].person, person) == 0 && sp[i].start <= day; i++)
        if (sp[i].end == OPEN_END || sp[i].end > day)
            hit = &sp[i];
    return hit;
}

static bool read_absences(struct build *b, const char *dir, const struct spell *sp, size_t n_sp, char *err,
                          size_t size)
{
    static const char *const need[] = { "person_id", "start_date", "end_date" };
    struct reader r;
    if (!reader_open(&r, dir, "absences.csv", need, 3, false, NULL, err, size))
        return false;
    size_t i = series_index(b, "staff_sick_fte");
    bool ok = true;
    while (ok && csv_in_next(&r.c) > 0) {
        long start, end;
        ok = field_day(&r, 1, "start_date", false, &start, err, size) &&
             field_day(&r, 2, "end_date", true, &end, err, size) &&
             check_order(&r, start, end, "end_date", err, size);
        if (!ok)
            break;
        const char *who = csv_in_field(&r.c, r.col[0]);
        /* end_date is the last day off (inclusive) */
        size_t k1 = end == OPEN_END ? b->s->n_months : month_from(b->s, end + 1);
        for (size_t k = month_from(b->s, start); k < k1; k++) {
            const struct spell *s = spell_at(sp, n_sp, who ? who : "", b->s->last_day[k]);
            if (s && !s->agency)
                add_stock(b, i, b->s->last_day[k], b->s->last_day[k] + 1, s->fte);
        }
    }
    csv_in_free(&r.c);
    return ok;
}

static bool read_vacancies(struct build *b, const char *dir, char *err, size_t size)
{
    static const char *const need[] = { "vacant_from", "filled_on" };
    struct reader r;
    bool absent = false;
    if (!reader_open(&r, dir, "vacancies.csv", need, 2, true, &absent, err, size))
        return absent;   /* optional: no file, no series */
    size_t i = series_index(b, "vacancies_fte");
    bool ok = true;
    while (ok && csv_in_next(&r.c) > 0) {
        long from, filled;
        ok = field_day(&r, 0, "vacant_from", false, &from, err, size) &&
             field_day(&r, 1, "filled_on", true, &filled, err, size) &&
             check_order(&r, from, filled, "filled_on", err, size);
        if (ok)
            add_stock(b, i, from, filled, 1.0);
    }
    csv_in_free(&r.c);
    return ok;
}

bool recseries_build(struct recseries *out, const char *dir, struct date from, size_t n_months, char *err,
                     size_t size)
{
    memset(out, 0, sizeof *out);
    out->n_months = n_months;
    out->last_day = check_calloc(n_months ? n_months : 1, sizeof *out->last_day);
    for (size_t k = 0; k < n_months; k++)
        out->last_day[k] = date_to_days(date_add_months(from, (int)k + 1)) - 1;
    struct build b = { out, NULL, 0 };
    struct spell *sp = NULL;
    size_t n_sp = 0;
    bool ok = read_referrals(&b, dir, date_to_days(from), err, size) && read_episodes(&b, dir, err, size) &&
              read_staff(&b, dir, &sp, &n_sp, err, size);
    if (ok) {
        qsort(sp, n_sp, sizeof *sp, spell_cmp);
        ok = read_absences(&b, dir, sp, n_sp, err, size) && read_vacancies(&b, dir, err, size);
    }
    for (size_t i = 0; i < n_sp; i++)
        free(sp[i].person);
    free(sp);
    if (ok) {
        out->v = check_calloc(out->n_series * (n_months ? n_months : 1), sizeof *out->v);
        for (size_t i = 0; i < out->n_series; i++) {
            double acc = 0;
            for (size_t k = 0; k < n_months; k++) {
                acc += b.diff[i * (n_months + 1) + k];
                /* sums of whole numbers and of FTEs: round off the drift */
                out->v[i * n_months + k] = round(acc * 1e9) / 1e9;
            }
        }
    }
    free(b.diff);
    if (!ok)
        recseries_free(out);
    return ok;
}

void recseries_free(struct recseries *s)
{
    free(s->last_day);
    free(s->name);
    free(s->v);
    memset(s, 0, sizeof *s);
}

const double *recseries_get(const struct recseries *s, const char *name)
{
    for (size_t i = 0; i < s->n_series; i++)
        if (strcmp(s->name[i], name) == 0)
            return s->v + i * s->n_months;
    return NULL;
}

bool recseries_first_date(const char *dir, struct date *first, char *err, size_t size)
{
    static const struct { const char *file, *column; } src[] = {
        { "referrals.csv", "referral_date" }, { "episodes.csv", "start_date" }, { "staff.csv", "start_date" },
    };
    long best = OPEN_END;
    for (size_t f = 0; f < sizeof src / sizeof *src; f++) {
        struct reader r;
        const char *const need[] = { src[f].column };
        if (!reader_open(&r, dir, src[f].file, need, 1, false, NULL, err, size))
            return false;
        bool ok = true;
        while (ok && csv_in_next(&r.c) > 0) {
            long d;
            ok = field_day(&r, 0, src[f].column, false, &d, err, size);
            if (ok && d < best)
                best = d;
        }
        csv_in_free(&r.c);
        if (!ok)
            return false;
    }
    if (best == OPEN_END) {
        snprintf(err, size, "%s: the records hold no dated row", dir);
        return false;
    }
    *first = date_from_days(best);
    return true;
}
