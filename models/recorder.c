/* recorder.c — trace events into the rows of the records files.
 *
 * Identities: a child keeps its id across re-referrals (the model keeps a
 * child's case slot while it may come back, trace.h's n counts its
 * referrals), and its episodes carry it as their case_id, so that a
 * closure links to a later referral of the same child; each case open at
 * day 0 is a new child; a worker's id (unique in the replication) is the
 * person. State per
 * case slot, worker and post says which row is open, so each event touches
 * one row: O(1) per event, memory linear in the rows. */
#include "models/recorder.h"

#include "sim/check.h"
#include "sim/date.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_ROW SIZE_MAX
/* The next-stage value of an episode still open. */
#define NEXT_OPEN (-2)

struct referral_row { double t; uint32_t child; bool screened; };
struct episode_row {
    double start, end, allocated;   /* end, allocated: NAN while none */
    uint32_t child, worker;         /* worker: 0 while unallocated (ids count from 1) */
    int32_t stage, next;
    bool allocated_before;          /* open at day 0, allocated before it */
};
struct spell_row { double start, end, fte; uint32_t person; int32_t grade; bool agency; };
/* Days (floor of the model's time); `end` the last day off, inclusive (the
 * day of the return is a day at work, but an absence is at least its first
 * day): so that days off counted inclusive, end - start + 1, average the
 * time off but for absences that begin and end on one day. */
struct absence_row { double start, end; uint32_t person; bool open; };
struct vacancy_row { double from, filled; int32_t grade; bool withdrawn; };
struct estab_row { double t, fte; int32_t grade; };

struct slot { uint32_t child; size_t episode; };
struct person { size_t spell, absence, last_absence; };

/* A growable array of rows of one type. */
#define VEC(T) struct { T *v; size_t n, cap; }
#define VEC_PUSH(vec) \
    ((vec).n == (vec).cap ? ((vec).cap = (vec).cap ? 2 * (vec).cap : 64, \
                             (vec).v = check_realloc((vec).v, (vec).cap * sizeof *(vec).v)) : (vec).v, \
     &(vec).v[(vec).n++])

struct recorder {
    const struct scenario *sc;
    struct trace trace;
    long day0;                       /* the start date as days since 1970 */
    VEC(struct referral_row) referral;
    VEC(struct episode_row) episode;
    VEC(struct spell_row) spell;
    VEC(struct absence_row) absence;
    VEC(struct vacancy_row) vacancy;
    VEC(struct estab_row) estab;
    struct slot *slot;               /* by case slot */
    size_t n_slots;
    struct person *person;           /* by worker id */
    size_t n_persons;
    size_t *post;                    /* by post: its open vacancy row, or NO_ROW */
    size_t n_posts;
    double *estab_now;               /* by grade: the last recorded, NAN before any */
    uint32_t children;
};

/* Grow an index array to hold i (new entries set by init). */
static void *grow(void *a, size_t *n, size_t i, size_t size, void (*init)(void *at, size_t k))
{
    if (i < *n)
        return a;
    size_t m = *n ? *n : 64;
    while (m <= i)
        m *= 2;
    a = check_realloc(a, m * size);
    for (size_t k = *n; k < m; k++)
        init((char *)a + k * size, k);
    *n = m;
    return a;
}

static void slot_init(void *at, size_t k) { (void)k; *(struct slot *)at = (struct slot){ 0, NO_ROW }; }
static void person_init(void *at, size_t k) { (void)k; *(struct person *)at = (struct person){ NO_ROW, NO_ROW, NO_ROW }; }
static void post_init(void *at, size_t k) { (void)k; *(size_t *)at = NO_ROW; }

static struct slot *slot_of(struct recorder *r, uint32_t c)
{
    r->slot = grow(r->slot, &r->n_slots, c, sizeof *r->slot, slot_init);
    return &r->slot[c];
}

static struct person *person_of(struct recorder *r, uint32_t id)
{
    r->person = grow(r->person, &r->n_persons, id, sizeof *r->person, person_init);
    return &r->person[id];
}

static void on_case(struct recorder *r, const struct trace_event *e)
{
    struct slot *s = slot_of(r, e->subject);
    switch (e->kind) {
    case TRACE_REFERRAL: {
        if (e->n == 0)
            s->child = ++r->children;
        struct referral_row *row = VEC_PUSH(r->referral);
        *row = (struct referral_row){ e->t, s->child, e->flag };
        break;
    }
    case TRACE_STAGE_START: {
        if (e->n > 0)   /* open at day 0: a child the records meet now */
            s->child = ++r->children;
        CHECK(s->child > 0);
        s->episode = r->episode.n;
        struct episode_row *row = VEC_PUSH(r->episode);
        *row = (struct episode_row){ .start = e->t0, .end = NAN, .allocated = NAN, .child = s->child,
                                     .worker = 0, .stage = e->stage, .next = NEXT_OPEN,
                                     .allocated_before = e->n == 2 };
        break;
    }
    case TRACE_ALLOCATED: {
        CHECK(s->episode != NO_ROW);
        struct episode_row *row = &r->episode.v[s->episode];
        if (isnan(row->allocated)) {
            row->allocated = row->allocated_before && e->t == 0 ? row->start : e->t;
            row->worker = e->who + 1;
        }
        break;
    }
    case TRACE_STAGE_END: {
        CHECK(s->episode != NO_ROW);
        struct episode_row *row = &r->episode.v[s->episode];
        row->end = e->t;
        row->next = e->next;
        s->episode = NO_ROW;
        break;
    }
    default:
        CHECK(!"not a case event");
    }
}

static void end_absence(struct recorder *r, struct person *p, double t)
{
    if (p->absence != NO_ROW) {
        struct absence_row *a = &r->absence.v[p->absence];
        a->end = fmax(a->start, floor(t) - 1);
        a->open = false;
        p->absence = NO_ROW;
    }
}

static void on_staff(struct recorder *r, const struct trace_event *e)
{
    struct person *p = person_of(r, e->subject);
    switch (e->kind) {
    case TRACE_STAFF_START: {
        p->spell = r->spell.n;
        struct spell_row *row = VEC_PUSH(r->spell);
        *row = (struct spell_row){ e->t, NAN, e->value, e->subject + 1, e->grade, e->flag };
        break;
    }
    case TRACE_STAFF_GRADE: {
        CHECK(p->spell != NO_ROW);
        struct spell_row prev = r->spell.v[p->spell];
        r->spell.v[p->spell].end = e->t;
        p->spell = r->spell.n;
        struct spell_row *row = VEC_PUSH(r->spell);
        *row = (struct spell_row){ e->t, NAN, prev.fte, prev.person, e->grade, prev.agency };
        break;
    }
    case TRACE_STAFF_END:
        CHECK(p->spell != NO_ROW);
        r->spell.v[p->spell].end = e->t;
        p->spell = NO_ROW;
        end_absence(r, p, e->t);
        break;
    case TRACE_SICK_START: {
        CHECK(p->absence == NO_ROW);
        double day = floor(e->t0);
        if (p->last_absence != NO_ROW && r->absence.v[p->last_absence].end >= day) {
            /* off again on the day of the last absence's end: one absence,
             * as HR would record it (their rows never overlap) */
            p->absence = p->last_absence;
            r->absence.v[p->absence].open = true;
            break;
        }
        p->absence = p->last_absence = r->absence.n;
        struct absence_row *row = VEC_PUSH(r->absence);
        *row = (struct absence_row){ day, NAN, e->subject + 1, true };
        break;
    }
    case TRACE_SICK_END:
        end_absence(r, p, e->t);
        break;
    default:
        CHECK(!"not a staff event");
    }
}

static void on_post(struct recorder *r, const struct trace_event *e)
{
    r->post = grow(r->post, &r->n_posts, e->subject, sizeof *r->post, post_init);
    size_t *open = &r->post[e->subject];
    if (e->kind == TRACE_VACANCY_OPEN) {
        CHECK(*open == NO_ROW);
        *open = r->vacancy.n;
        struct vacancy_row *row = VEC_PUSH(r->vacancy);
        *row = (struct vacancy_row){ e->t, NAN, e->grade, false };
        return;
    }
    if (*open == NO_ROW)   /* a post taken at day 0, never vacant */
        return;
    if (e->kind == TRACE_VACANCY_FILLED)
        r->vacancy.v[*open].filled = e->t;
    else
        r->vacancy.v[*open].withdrawn = true;
    *open = NO_ROW;
}

static void on_event(void *arg, const struct trace_event *e)
{
    struct recorder *r = arg;
    switch (e->kind) {
    case TRACE_REFERRAL:
    case TRACE_STAGE_START:
    case TRACE_ALLOCATED:
    case TRACE_STAGE_END:
        on_case(r, e);
        break;
    case TRACE_STAFF_START:
    case TRACE_STAFF_GRADE:
    case TRACE_STAFF_END:
    case TRACE_SICK_START:
    case TRACE_SICK_END:
        on_staff(r, e);
        break;
    case TRACE_VACANCY_OPEN:
    case TRACE_VACANCY_FILLED:
    case TRACE_VACANCY_CLOSED:
        on_post(r, e);
        break;
    case TRACE_ESTABLISHMENT: {
        double *now = &r->estab_now[e->grade];
        if (*now == e->value)
            break;
        *now = e->value;
        struct estab_row *row = VEC_PUSH(r->estab);
        *row = (struct estab_row){ e->t, e->value, e->grade };
        break;
    }
    default:
        CHECK(!"unknown trace event");
    }
}

struct recorder *recorder_create(const struct scenario *sc)
{
    struct recorder *r = check_calloc(1, sizeof *r);
    r->sc = sc;
    r->trace = (struct trace){ on_event, r };
    r->day0 = date_to_days(sc->start);
    r->estab_now = check_calloc(sc->n_grades ? sc->n_grades : 1, sizeof *r->estab_now);
    for (size_t g = 0; g < sc->n_grades; g++)
        r->estab_now[g] = NAN;
    return r;
}

void recorder_destroy(struct recorder *r)
{
    if (!r)
        return;
    free(r->referral.v);
    free(r->episode.v);
    free(r->spell.v);
    free(r->absence.v);
    free(r->vacancy.v);
    free(r->estab.v);
    free(r->slot);
    free(r->person);
    free(r->post);
    free(r->estab_now);
    free(r);
}

const struct trace *recorder_trace(struct recorder *r) { return &r->trace; }

static const char *const file_names[RECORDER_FILES] = {
    "referrals.csv", "episodes.csv", "staff.csv", "absences.csv", "vacancies.csv", "establishment.csv",
};

const char *recorder_file_name(enum recorder_file f)
{
    CHECK(f < RECORDER_FILES);
    return file_names[f];
}

size_t recorder_rows(const struct recorder *r, enum recorder_file f)
{
    switch (f) {
    case RECORDER_REFERRALS: return r->referral.n;
    case RECORDER_EPISODES: return r->episode.n;
    case RECORDER_STAFF: return r->spell.n;
    case RECORDER_ABSENCES: return r->absence.n;
    case RECORDER_VACANCIES: {
        size_t n = 0;
        for (size_t i = 0; i < r->vacancy.n; i++)
            n += !r->vacancy.v[i].withdrawn;
        return n;
    }
    case RECORDER_ESTABLISHMENT: return r->estab.n;
    default: CHECK(!"unknown records file");
    }
    return 0;
}

/* The date of day t ("" for NAN: not yet). */
static void day_text(const struct recorder *r, double t, char buf[DATE_TEXT_SIZE])
{
    if (isnan(t)) {
        buf[0] = '\0';
        return;
    }
    date_format(date_from_days(r->day0 + (long)floor(t)), buf);
}

#define LINE_MAX_BYTES 512

void recorder_write(const struct recorder *r, enum recorder_file f, void (*put)(void *arg, const char *line), void *arg)
{
    const struct scenario *sc = r->sc;
    char line[LINE_MAX_BYTES], a[DATE_TEXT_SIZE], b[DATE_TEXT_SIZE];
    switch (f) {
    case RECORDER_REFERRALS:
        put(arg, "child_id,referral_date,outcome\n");
        for (size_t i = 0; i < r->referral.n; i++) {
            const struct referral_row *x = &r->referral.v[i];
            day_text(r, x->t, a);
            snprintf(line, sizeof line, "C%06u,%s,%s\n", x->child, a, x->screened ? "screened_out" : "accepted");
            put(arg, line);
        }
        break;
    case RECORDER_EPISODES:
        put(arg, "case_id,stage,start_date,end_date,next,allocated_date,worker_id\n");
        for (size_t i = 0; i < r->episode.n; i++) {
            const struct episode_row *x = &r->episode.v[i];
            char c[DATE_TEXT_SIZE], who[16] = "";
            day_text(r, x->start, a);
            day_text(r, x->end, b);
            day_text(r, x->allocated, c);
            if (x->worker)
                snprintf(who, sizeof who, "P%05u", x->worker);
            const char *next = x->next == NEXT_OPEN ? "" : x->next == STAGE_CLOSE ? "close" : sc->stage[x->next].name;
            snprintf(line, sizeof line, "C%06u,%s,%s,%s,%s,%s,%s\n", x->child, sc->stage[x->stage].name, a, b,
                     next, c, who);
            put(arg, line);
        }
        break;
    case RECORDER_STAFF:
        put(arg, "person_id,grade,fte,start_date,end_date,agency\n");
        for (size_t i = 0; i < r->spell.n; i++) {
            const struct spell_row *x = &r->spell.v[i];
            day_text(r, x->start, a);
            day_text(r, x->end, b);
            snprintf(line, sizeof line, "P%05u,%s,%.10g,%s,%s,%d\n", x->person, sc->grade[x->grade].name, x->fte, a,
                     b, x->agency ? 1 : 0);
            put(arg, line);
        }
        break;
    case RECORDER_ABSENCES:
        put(arg, "person_id,start_date,end_date\n");
        for (size_t i = 0; i < r->absence.n; i++) {
            const struct absence_row *x = &r->absence.v[i];
            day_text(r, x->start, a);
            day_text(r, x->open ? NAN : x->end, b);
            snprintf(line, sizeof line, "P%05u,%s,%s\n", x->person, a, b);
            put(arg, line);
        }
        break;
    case RECORDER_VACANCIES:
        put(arg, "grade,vacant_from,filled_on\n");
        for (size_t i = 0; i < r->vacancy.n; i++) {
            const struct vacancy_row *x = &r->vacancy.v[i];
            if (x->withdrawn)
                continue;
            day_text(r, x->from, a);
            day_text(r, x->filled, b);
            snprintf(line, sizeof line, "%s,%s,%s\n", sc->grade[x->grade].name, a, b);
            put(arg, line);
        }
        break;
    case RECORDER_ESTABLISHMENT:
        put(arg, "grade,date,fte\n");
        for (size_t i = 0; i < r->estab.n; i++) {
            const struct estab_row *x = &r->estab.v[i];
            day_text(r, x->t, a);
            snprintf(line, sizeof line, "%s,%s,%.10g\n", sc->grade[x->grade].name, a, x->fte);
            put(arg, line);
        }
        break;
    default:
        CHECK(!"unknown records file");
    }
}
