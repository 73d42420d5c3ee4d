/* records.c — reading and checking a council's records (see records.h).
 *
 * Each file is streamed once through output/csv_in.c (RFC 4180, no limit on
 * a line but memory). Identifiers go through an intern table (open
 * addressing, FNV-1a) that maps their text to a dense index; the tables are
 * freed before records_read returns, so only the indices remain. Checks
 * that need all rows (duplicate episodes, overlapping spells) sort an index
 * array once: O(n log n) time, O(n) memory. */
#include "fit/records.h"

#include "output/csv_in.h"
#include "sim/check.h"
#include "sim/date.h"
#include "sim/params.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- intern table: identifier text -> dense index ------------------------- */

/* One slot: 16 bytes, so that a probe touches one cache line. */
struct intern_slot {
    uint64_t hash;          /* the key's hash, compared before its text */
    uint32_t off;           /* offset of the key in text + 1; 0: empty */
    int32_t ix;
};

struct intern {
    char *text;             /* every key, NUL-terminated, back to back */
    size_t len, cap;
    struct intern_slot *slot;
    size_t n_slots, n;
    int32_t last_ix;        /* the key looked up last (rows of one case come */
    size_t last_off;        /* together): its index and offset + 1, 0 none */
};

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    /* the low bits of FNV-1a depend only on the low bits of each byte:
     * mixed (MurmurHash3's finaliser) before they pick a slot */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

static void intern_grow(struct intern *t)
{
    size_t ns = t->n_slots ? 2 * t->n_slots : 1024;
    struct intern_slot *sl = check_calloc(ns, sizeof *sl);
    for (size_t i = 0; i < t->n_slots; i++)
        if (t->slot[i].off) {
            size_t h = (size_t)t->slot[i].hash & (ns - 1);
            while (sl[h].off)
                h = (h + 1) & (ns - 1);
            sl[h] = t->slot[i];
        }
    free(t->slot);
    t->slot = sl;
    t->n_slots = ns;
}

/* The index of key (a new one if unseen; -1 when add is false and unseen). */
static int32_t intern_get(struct intern *t, const char *key, bool add)
{
    if (t->last_off && strcmp(t->text + t->last_off - 1, key) == 0)
        return t->last_ix;
    if (!add && t->n_slots == 0)
        return -1;
    if (add && 2 * (t->n + 1) > t->n_slots)
        intern_grow(t);
    uint64_t hk = fnv1a(key);
    size_t h = (size_t)hk & (t->n_slots - 1);
    for (; t->slot[h].off; h = (h + 1) & (t->n_slots - 1))
        if (t->slot[h].hash == hk && strcmp(t->text + t->slot[h].off - 1, key) == 0) {
            t->last_off = t->slot[h].off;
            t->last_ix = t->slot[h].ix;
            return t->slot[h].ix;
        }
    if (!add)
        return -1;
    size_t k = strlen(key) + 1;
    if (t->len + k > t->cap) {
        t->cap = t->cap ? 2 * t->cap : 4096;
        while (t->len + k > t->cap)
            t->cap *= 2;
        t->text = check_realloc(t->text, t->cap);
    }
    CHECK(t->len + k < UINT32_MAX && t->n < INT32_MAX);
    memcpy(t->text + t->len, key, k);
    t->slot[h] = (struct intern_slot){ hk, (uint32_t)(t->len + 1), (int32_t)t->n };
    t->last_off = t->len + 1;
    t->last_ix = (int32_t)t->n;
    t->len += k;
    return (int32_t)t->n++;
}

/* Forget every key; the memory holding identifier text is cleared first. */
static void intern_free(struct intern *t)
{
    if (t->text)
        memset(t->text, 0, t->cap);
    free(t->text);
    free(t->slot);
    memset(t, 0, sizeof *t);
}

/* ---- names ---------------------------------------------------------------- */

static const char *const file_names[RECORDS_FILE_COUNT] = {
    "referrals.csv", "episodes.csv", "staff.csv", "absences.csv", "vacancies.csv", "establishment.csv",
};

static const char *const reason_names[REASON_COUNT] = {
    "missing_field", "bad_date", "end_before_start", "unknown_stage", "unknown_grade", "bad_value",
    "next_not_in_pathway", "duplicate_episode", "overlapping_spell", "unknown_person",
};

const char *records_file_name(enum records_file f) { return file_names[f]; }
const char *records_reason_name(enum records_reason r) { return reason_names[r]; }

size_t records_dropped(const struct records *r)
{
    size_t n = 0;
    for (int f = 0; f < RECORDS_FILE_COUNT; f++)
        for (int k = 0; k < REASON_COUNT; k++)
            n += r->drops[f][k];
    return n;
}

/* ---- one file's reading context -------------------------------------------- */

struct reader {
    struct records *r;
    struct diag *d;
    const struct scenario *sc;
    bool drop_bad;
    enum records_file file;
    char path[4096];
    struct csv_in c;
    long col[8];
    const char *const *names;   /* column names, for messages */
    bool row_bad;               /* the current row has a problem already */
};

/* Report a problem with column k of the current row (k < 0: the row). Only
 * the first problem of a row is reported and counted. */
static void row_error(struct reader *rd, int k, enum records_reason why, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void row_error(struct reader *rd, int k, enum records_reason why, const char *fmt, ...)
{
    if (rd->row_bad)
        return;
    rd->row_bad = true;
    if (rd->drop_bad) {
        rd->r->drops[rd->file][why]++;
        return;
    }
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (k >= 0)
        diag_error(rd->d, NULL, 0, NULL, "%s:%ld:%ld: %s: %s", rd->path, rd->c.line, rd->col[k] + 1, rd->names[k],
                   text);
    else
        diag_error(rd->d, NULL, 0, NULL, "%s:%ld: %s", rd->path, rd->c.line, text);
}

/* A problem found after reading (duplicates, overlaps) with a row on line. */
static void late_error(struct reader *rd, long line, enum records_reason why, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void late_error(struct reader *rd, long line, enum records_reason why, const char *fmt, ...)
{
    if (rd->drop_bad) {
        rd->r->drops[rd->file][why]++;
        return;
    }
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    diag_error(rd->d, NULL, 0, NULL, "%s:%ld: %s", rd->path, line, text);
}

/* Open dir/FILE needing columns names[0..n_need) and optional ones
 * names[n_need..n_all) (col -1 when absent). False (with an error, unless
 * the file is optional and absent: *absent) on failure. */
static bool reader_open(struct reader *rd, const char *dir, enum records_file f, const char *const *names,
                        size_t n_need, size_t n_all, bool optional, bool *absent)
{
    rd->file = f;
    rd->names = names;
    snprintf(rd->path, sizeof rd->path, "%s/%s", dir, file_names[f]);
    if (absent)
        *absent = false;
    FILE *probe = fopen(rd->path, "rb");
    if (!probe && errno == ENOENT && optional) {
        *absent = true;
        return false;
    }
    if (probe)
        fclose(probe);
    char err[4200];
    if (!csv_in_open(&rd->c, rd->path, names, rd->col, n_need, err, sizeof err)) {
        diag_error(rd->d, NULL, 0, NULL, "%s", err);
        return false;
    }
    for (size_t k = n_need; k < n_all; k++)
        rd->col[k] = csv_in_column(&rd->c, names[k]);
    return true;
}

/* The next row (true), false at the end or on an unclosed quote (reported). */
static bool reader_next(struct reader *rd)
{
    rd->row_bad = false;
    int s = csv_in_next(&rd->c);
    if (s < 0)
        diag_error(rd->d, NULL, 0, NULL, "%s:%ld: a quoted field is not closed", rd->path, rd->c.line);
    return s > 0;
}

/* Field k of the row ("" when the row is short or the column absent). */
static const char *field(const struct reader *rd, int k)
{
    const char *v = rd->col[k] >= 0 ? csv_in_field(&rd->c, rd->col[k]) : NULL;
    return v ? v : "";
}

/* A required non-empty field; NULL (reported) when empty. */
static const char *need(struct reader *rd, int k)
{
    const char *v = field(rd, k);
    if (!*v) {
        row_error(rd, k, REASON_MISSING_FIELD, "empty (a value is required)");
        return NULL;
    }
    return v;
}

/* A date field: its day in *out; empty gives RECORDS_NONE when allowed. */
static bool date_field(struct reader *rd, int k, bool may_be_empty, int32_t *out)
{
    const char *v = field(rd, k);
    if (!*v) {
        if (may_be_empty) {
            *out = RECORDS_NONE;
            return true;
        }
        row_error(rd, k, REASON_MISSING_FIELD, "empty (a date YYYY-MM-DD is required)");
        return false;
    }
    struct date dt;
    if (!date_parse(v, &dt)) {
        row_error(rd, k, REASON_BAD_DATE, "not a date (allowed: YYYY-MM-DD, a real calendar date)");
        return false;
    }
    *out = (int32_t)date_to_days(dt);
    return true;
}

/* The index of the template's stage called name, or -1. */
static int stage_index(const struct scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->n_stages; i++)
        if (strcmp(sc->stage[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* A stage or grade by name; -1 (reported) when the template has none. */
static int name_field(struct reader *rd, int k, bool stage)
{
    const char *v = need(rd, k);
    if (!v)
        return -1;
    int ix = stage ? stage_index(rd->sc, v) : scenario_grade(rd->sc, v);
    if (ix < 0) {
        char list[1024] = "";
        size_t n = stage ? rd->sc->n_stages : rd->sc->n_grades;
        for (size_t i = 0; i < n; i++) {
            const char *nm = stage ? rd->sc->stage[i].name : rd->sc->grade[i].name;
            size_t len = strlen(list);
            snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", nm);
        }
        row_error(rd, k, stage ? REASON_UNKNOWN_STAGE : REASON_UNKNOWN_GRADE,
                  "not a %s of the template (allowed: %s)", stage ? "stage" : "grade", list);
    }
    return ix;
}

#define GROW(arr, n, cap)                                                    \
    do {                                                                     \
        if ((n) == (cap)) {                                                  \
            (cap) = (cap) ? 2 * (cap) : 1024;                                \
            (arr) = check_realloc((arr), (cap) * sizeof *(arr));             \
        }                                                                    \
    } while (0)

/* ---- the files ------------------------------------------------------------ */

static void read_referrals(struct reader *rd, const char *dir, struct intern *ids)
{
    static const char *const names[] = { "child_id", "referral_date", "outcome" };
    if (!reader_open(rd, dir, RECORDS_REFERRALS, names, 3, 3, false, NULL))
        return;
    struct records *r = rd->r;
    size_t cap = 0;
    while (reader_next(rd)) {
        struct records_referral x;
        const char *id = need(rd, 0);
        int32_t day;
        bool ok = id && date_field(rd, 1, false, &day);
        const char *out = ok ? need(rd, 2) : NULL;
        if (out) {
            if (strcmp(out, "accepted") == 0)
                x.screened_out = false;
            else if (strcmp(out, "screened_out") == 0)
                x.screened_out = true;
            else
                row_error(rd, 2, REASON_BAD_VALUE, "unknown outcome (allowed: accepted, screened_out)");
        }
        if (rd->row_bad)
            continue;
        x.day = day;
        x.child = intern_get(ids, id, true);
        GROW(r->ref, r->n_ref, cap);
        r->ref[r->n_ref++] = x;
    }
    csv_in_free(&rd->c);
}

static bool in_pathway(const struct stage_spec *st, int next)
{
    for (size_t k = 0; k < st->n_next; k++)
        if (st->next[k].to == next)
            return true;
    return false;
}

/* An episode's key for the duplicate check, with its row. */
struct ep_key {
    int32_t case_ix, start, line;
    int16_t stage;
    size_t i;
};

static int cmp_ep_key(const void *a, const void *b)
{
    const struct ep_key *x = a, *y = b;
    if (x->case_ix != y->case_ix)
        return x->case_ix < y->case_ix ? -1 : 1;
    if (x->stage != y->stage)
        return x->stage < y->stage ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Reports that next is not a transition of stage, listing those that are. */
static void episode_not_in_pathway(struct reader *rd, const struct scenario *sc, int stage)
{
    char list[1024] = "";
    const struct stage_spec *st = &sc->stage[stage];
    for (size_t k = 0; k < st->n_next; k++) {
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s", k ? ", " : "",
                 st->next[k].to == STAGE_CLOSE ? "close" : sc->stage[st->next[k].to].name);
    }
    row_error(rd, 4, REASON_NEXT_NOT_IN_PATHWAY, "not a transition of stage %s (allowed: %s)", st->name, list);
}

/* The next field of a row of stage stage ending on end (RECORDS_NONE: open):
 * a stage, STAGE_CLOSE or RECORDS_OPEN; a row error if it is missing, given
 * for an open episode, or not a transition of the stage. */
static int episode_next(struct reader *rd, const struct scenario *sc, int stage, int32_t end)
{
    int next = RECORDS_OPEN;
    const char *nx = field(rd, 4);
    if (end == RECORDS_NONE && *nx)
        row_error(rd, 4, REASON_MISSING_FIELD, "given for an open episode (end_date is empty)");
    else if (end != RECORDS_NONE && !*nx)
        row_error(rd, 4, REASON_MISSING_FIELD,
                  "empty for an ended episode (allowed: a stage the episode leads to, or close)");
    else if (*nx) {
        next = strcmp(nx, "close") == 0 ? STAGE_CLOSE : stage_index(sc, nx);
        if (next == -1 && strcmp(nx, "close") != 0)
            next = RECORDS_OPEN - 1;   /* no stage at all */
        if (!in_pathway(&sc->stage[stage], next))
            episode_not_in_pathway(rd, sc, stage);
    }
    return next;
}

/* Drops the duplicate episodes (same case, stage and start), reporting the
 * later row (a third copy is compared with the first); key[0..r->n_ep) is
 * sorted here. */
static void episode_drop_duplicates(struct reader *rd, struct ep_key *key)
{
    struct records *r = rd->r;
    if (r->n_ep > 1)
        qsort(key, r->n_ep, sizeof *key, cmp_ep_key);
    bool *gone = check_calloc(r->n_ep + 1, sizeof *gone);
    size_t n_gone = 0, first = 0;
    for (size_t i = 1; i < r->n_ep; i++) {
        const struct ep_key *a = &key[first], *b = &key[i];
        if (a->case_ix == b->case_ix && a->stage == b->stage && a->start == b->start) {
            late_error(rd, b->line, REASON_DUPLICATE_EPISODE,
                       "duplicate episode: same case, stage and start_date as line %ld", (long)a->line);
            gone[b->i] = true;
            n_gone++;
        } else {
            first = i;
        }
    }
    if (n_gone) {
        size_t k = 0;
        for (size_t i = 0; i < r->n_ep; i++)
            if (!gone[i])
                r->ep[k++] = r->ep[i];
        r->n_ep = k;
    }
    free(gone);
}

static void read_episodes(struct reader *rd, const char *dir, struct intern *ids)
{
    static const char *const names[] = { "case_id", "stage", "start_date", "end_date", "next", "allocated_date" };
    if (!reader_open(rd, dir, RECORDS_EPISODES, names, 5, 6, false, NULL))
        return;
    struct records *r = rd->r;
    r->has_allocated = rd->col[5] >= 0;
    const struct scenario *sc = rd->sc;
    size_t cap = 0, cap_key = 0;
    struct ep_key *key = NULL;
    while (reader_next(rd)) {
        struct records_episode x;
        const char *id = need(rd, 0);
        int stage = id ? name_field(rd, 1, true) : -1;
        int32_t start = 0, end = 0, alloc = RECORDS_NONE;
        bool ok = stage >= 0 && date_field(rd, 2, false, &start) && date_field(rd, 3, true, &end) &&
                  date_field(rd, 5, true, &alloc);
        if (ok && end != RECORDS_NONE && end < start)
            row_error(rd, 3, REASON_END_BEFORE_START, "before start_date");
        if (ok && alloc != RECORDS_NONE && alloc < start)
            row_error(rd, 5, REASON_END_BEFORE_START, "before start_date");
        if (ok && alloc != RECORDS_NONE && end != RECORDS_NONE && alloc > end)
            row_error(rd, 5, REASON_END_BEFORE_START, "after end_date");
        int next = RECORDS_OPEN;
        if (ok && !rd->row_bad)
            next = episode_next(rd, sc, stage, end);
        if (rd->row_bad)
            continue;
        x.case_ix = intern_get(ids, id, true);
        x.stage = (int16_t)stage;
        x.next = (int16_t)next;
        x.start = start;
        x.end = end;
        x.allocated = alloc;
        GROW(r->ep, r->n_ep, cap);
        GROW(key, r->n_ep, cap_key);
        key[r->n_ep] = (struct ep_key){ x.case_ix, start, (int32_t)rd->c.line, x.stage, r->n_ep };
        r->ep[r->n_ep++] = x;
    }
    csv_in_free(&rd->c);
    episode_drop_duplicates(rd, key);
    free(key);
}

/* The spells or absences of one person must not overlap: an index array
 * sorted by (person, start), then a scan. */
struct span { int32_t person, start, end, line; };
static int cmp_span(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    if (x->person != y->person)
        return x->person < y->person ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Report overlaps among spans[0..n) (ends exclusive; RECORDS_NONE open);
 * marks the later row of each in bad_line (a sorted list of lines). */
static size_t overlaps(struct reader *rd, struct span *s, size_t n, int32_t *bad_line, const char *what)
{
    if (n > 1)
        qsort(s, n, sizeof *s, cmp_span);
    size_t nb = 0;
    size_t open = SIZE_MAX;   /* the person's span with the latest end so far */
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || s[i].person != s[i - 1].person) {
            open = i;
            continue;
        }
        const struct span *p = &s[open];
        if (p->end == RECORDS_NONE || s[i].start < p->end) {
            late_error(rd, s[i].line, REASON_OVERLAP, "overlaps the %s on line %ld of the same person", what,
                       (long)p->line);
            bad_line[nb++] = s[i].line;   /* the earlier span stays the reference */
            continue;
        }
        open = i;
    }
    return nb;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return x < y ? -1 : x > y;
}

/* Report every row of rows (n of size bytes, the i-th read on line
 * sp[i].line) whose span overlaps another of the same person (overlaps,
 * which sorts sp), and keep the others in order; returns how many are kept. */
static size_t drop_overlapping(struct reader *rd, struct span *sp, void *rows, size_t n, size_t size,
                               const char *what)
{
    int32_t *bad = check_malloc((n + 1) * sizeof *bad);
    int32_t *lines = check_malloc((n + 1) * sizeof *lines);
    for (size_t i = 0; i < n; i++)
        lines[i] = sp[i].line;
    size_t nb = overlaps(rd, sp, n, bad, what);
    size_t k = n;
    if (nb) {
        qsort(bad, nb, sizeof *bad, cmp_i32);
        unsigned char *row = rows;
        k = 0;
        for (size_t i = 0; i < n; i++)
            if (!bsearch(&lines[i], bad, nb, sizeof *bad, cmp_i32))
                memmove(row + k++ * size, row + i * size, size);
    }
    free(lines);
    free(bad);
    return k;
}

static bool agency_value(const char *v, bool *out)
{
    static const char *const yes[] = { "true", "yes", "1", "y" }, *const no[] = { "false", "no", "0", "n", "" };
    for (size_t i = 0; i < 4; i++)
        if (strcasecmp(v, yes[i]) == 0)
            return *out = true;
    for (size_t i = 0; i < 5; i++)
        if (strcasecmp(v, no[i]) == 0) {
            *out = false;
            return true;
        }
    return false;
}

static void read_staff(struct reader *rd, const char *dir, struct intern *persons)
{
    static const char *const names[] = { "person_id", "grade", "fte", "start_date", "end_date", "agency" };
    if (!reader_open(rd, dir, RECORDS_STAFF, names, 6, 6, false, NULL))
        return;
    struct records *r = rd->r;
    size_t cap = 0, cap_span = 0;
    struct span *sp = NULL;
    while (reader_next(rd)) {
        struct records_spell x;
        const char *id = need(rd, 0);
        /* the person is known even if this row is bad: their absences are
         * not reported again as of nobody */
        int32_t person = id ? intern_get(persons, id, true) : -1;
        int g = id ? name_field(rd, 1, false) : -1;
        double fte = 0;
        if (g >= 0) {
            const char *f = need(rd, 2);
            if (f && !(params_parse_real(f, &fte) && fte > 0 && fte <= 1))
                row_error(rd, 2, REASON_BAD_VALUE, "not a number > 0 and <= 1 (full time is 1)");
        }
        int32_t start = 0, end = 0;
        bool ok = !rd->row_bad && g >= 0 && date_field(rd, 3, false, &start) && date_field(rd, 4, true, &end);
        if (ok && end != RECORDS_NONE && end < start)
            row_error(rd, 4, REASON_END_BEFORE_START, "before start_date");
        if (ok && !rd->row_bad && !agency_value(field(rd, 5), &x.agency))
            row_error(rd, 5, REASON_BAD_VALUE, "not a yes/no value (allowed: true, false, yes, no, 1, 0, empty)");
        if (rd->row_bad)
            continue;
        x.person = person;
        x.grade = (int16_t)g;
        x.fte = fte;
        x.start = start;
        x.end = end;
        GROW(r->spell, r->n_spell, cap);
        GROW(sp, r->n_spell, cap_span);
        sp[r->n_spell] = (struct span){ x.person, start, end, (int32_t)rd->c.line };
        r->spell[r->n_spell++] = x;
    }
    csv_in_free(&rd->c);
    r->n_spell = drop_overlapping(rd, sp, r->spell, r->n_spell, sizeof *r->spell, "spell");
    free(sp);
}

static void read_absences(struct reader *rd, const char *dir, struct intern *persons)
{
    static const char *const names[] = { "person_id", "start_date", "end_date" };
    if (!reader_open(rd, dir, RECORDS_ABSENCES, names, 3, 3, false, NULL))
        return;
    struct records *r = rd->r;
    size_t cap = 0, cap_span = 0;
    struct span *sp = NULL;
    while (reader_next(rd)) {
        struct records_absence x;
        const char *id = need(rd, 0);
        int32_t person = id ? intern_get(persons, id, false) : -1;
        if (id && person < 0)
            row_error(rd, 0, REASON_UNKNOWN_PERSON, "no spell of this person in staff.csv");
        int32_t start = 0, end = 0;
        bool ok = !rd->row_bad && date_field(rd, 1, false, &start) && date_field(rd, 2, true, &end);
        if (ok && end != RECORDS_NONE && end < start)
            row_error(rd, 2, REASON_END_BEFORE_START, "before start_date");
        if (rd->row_bad)
            continue;
        x.person = person;
        x.start = start;
        x.end = end;
        GROW(r->abs, r->n_abs, cap);
        GROW(sp, r->n_abs, cap_span);
        /* an absence's end date is its last day off: inclusive */
        sp[r->n_abs] = (struct span){ person, start, end == RECORDS_NONE ? end : end + 1, (int32_t)rd->c.line };
        r->abs[r->n_abs++] = x;
    }
    csv_in_free(&rd->c);
    r->n_abs = drop_overlapping(rd, sp, r->abs, r->n_abs, sizeof *r->abs, "absence");
    free(sp);
}

static void read_vacancies(struct reader *rd, const char *dir)
{
    static const char *const names[] = { "grade", "vacant_from", "filled_on" };
    bool absent;
    if (!reader_open(rd, dir, RECORDS_VACANCIES, names, 3, 3, true, &absent))
        return;
    struct records *r = rd->r;
    r->has_vacancies = true;
    size_t cap = 0;
    while (reader_next(rd)) {
        int g = name_field(rd, 0, false);
        int32_t from = 0, filled = 0;
        bool ok = g >= 0 && date_field(rd, 1, false, &from) && date_field(rd, 2, true, &filled);
        if (ok && filled != RECORDS_NONE && filled < from)
            row_error(rd, 2, REASON_END_BEFORE_START, "before vacant_from");
        if (rd->row_bad)
            continue;
        GROW(r->vac, r->n_vac, cap);
        r->vac[r->n_vac++] = (struct records_vacancy){ (int16_t)g, from, filled };
    }
    csv_in_free(&rd->c);
}

static void read_establishment(struct reader *rd, const char *dir)
{
    static const char *const names[] = { "grade", "date", "fte" };
    bool absent;
    if (!reader_open(rd, dir, RECORDS_ESTABLISHMENT, names, 3, 3, true, &absent))
        return;
    struct records *r = rd->r;
    r->has_establishment = true;
    size_t cap = 0;
    while (reader_next(rd)) {
        int g = name_field(rd, 0, false);
        int32_t day = 0;
        double fte = 0;
        if (g >= 0 && date_field(rd, 1, false, &day)) {
            const char *f = need(rd, 2);
            if (f && !(params_parse_real(f, &fte) && fte >= 0 && fte < 1e6))
                row_error(rd, 2, REASON_BAD_VALUE, "not a number of FTE >= 0");
        }
        if (rd->row_bad)
            continue;
        GROW(r->est, r->n_est, cap);
        r->est[r->n_est++] = (struct records_estab){ (int16_t)g, day, fte };
    }
    csv_in_free(&rd->c);
}

bool records_read(struct records *r, const char *dir, const struct scenario *sc, bool drop_bad, struct diag *d)
{
    memset(r, 0, sizeof *r);
    size_t before = d->count;
    struct intern ids = { 0 }, persons = { 0 };
    struct reader rd = { .r = r, .d = d, .sc = sc, .drop_bad = drop_bad };
    read_referrals(&rd, dir, &ids);
    read_episodes(&rd, dir, &ids);
    read_staff(&rd, dir, &persons);
    read_absences(&rd, dir, &persons);
    read_vacancies(&rd, dir);
    read_establishment(&rd, dir);
    r->n_ids = ids.n;
    r->n_persons = persons.n;
    intern_free(&ids);
    intern_free(&persons);
    return d->count == before;
}

void records_free(struct records *r)
{
    free(r->ref);
    free(r->ep);
    free(r->spell);
    free(r->abs);
    free(r->vac);
    free(r->est);
    memset(r, 0, sizeof *r);
}
