/* calendar.h — the event calendar: a priority queue of pending events.
 *
 * Events are ordered by time, then by scheduling order (an increasing sequence
 * number), so equal times come out first-scheduled-first and a run is
 * deterministic. It is a radix heap on the bits of the times with a binary
 * heap in front (calendar.c): push, cancel and move are O(1), pop O(1)
 * amortized, when times are scheduled no earlier than the last one popped, as
 * in a simulation; an earlier push is allowed and costs O(log n). A
 * calendar of up to CAL_FRONT_SPILL events is a plain binary heap. Slots and
 * bucket arrays are recycled, so in steady state no operation allocates.
 * Push and pop are inline in their common cases (below), so that a model's
 * event loop has no call into the calendar for them.
 * Limits (checked): 2^24 pending events, 2^40 events scheduled between
 * clears. A handle names a pending event for cancel/move; it carries a
 * generation so a stale handle is caught, not silently obeyed. */
#ifndef SIM_CALENDAR_H
#define SIM_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

typedef uint64_t cal_handle; /* 0 is "no event" */

struct cal_event {
    double time;
    uint64_t seq;       /* scheduling order, unique within a calendar */
    uint32_t type;      /* what happens: the model's own code */
    uint32_t subject;   /* to whom: the model's own index */
};

/* ---- the representation ---------------------------------------------------------
 * Public only so that the common cases of push and pop (below) compile inline
 * into a model's event loop; calendar.c explains the design. No other module
 * reads or writes these fields (tests/test_calendar.c reads them to show
 * which paths it took, and sets the sequence counter near its bound). */
#define CAL_SLOT_BITS 24                            /* slot index in a node's key */
#define CAL_SLOT_MASK ((1ULL << CAL_SLOT_BITS) - 1)
#define CAL_MAX_EVENTS (1ULL << CAL_SLOT_BITS)
#define CAL_MAX_SEQ (1ULL << (64 - CAL_SLOT_BITS))
#define CAL_N_BUCKETS 65                            /* 1..64; 0 names the front heap */
#define CAL_WHERE_POS_BITS 24                       /* index within the heap or bucket */
#define CAL_FREE UINT32_MAX                         /* free slot; empty free list */
#define CAL_KEY_INF 0xFFF0000000000000ULL           /* the key of +infinity */
/* A calendar with no bucket in use keeps up to this many events in its front
 * heap (calendar.c): more than an M/M/1 queue's two or three, few enough
 * that a pop's sift stays within four levels. */
#define CAL_FRONT_SPILL 16

struct cal_node {
    uint64_t time;  /* the time as a key (cal_key): compared as an integer */
    uint64_t key;   /* seq << CAL_SLOT_BITS | slot */
};

struct cal_slot {
    uint32_t gen;       /* bumped each time the slot is freed */
    uint32_t type;
    uint32_t subject;
    uint32_t next_free; /* free-list link while free */
};

struct cal_bucket {
    struct cal_node *e;
    uint32_t n, cap;
};

struct calendar {
    struct cal_node *front;      /* binary heap of the events with key <= last */
    size_t n_front;
    uint64_t last;               /* CAL_KEY_INF while the buckets are unused */
    uint64_t nonempty;           /* bit b - 1 set while bucket b holds events */
    uint32_t *where;             /* per slot: bucket << 24 | index, or CAL_FREE */
    struct cal_slot *slots;
    size_t n, cap;               /* pending events; slots (and front heap room) */
    uint32_t free_head;          /* CAL_FREE when the free list is empty */
    uint64_t seq;
    struct cal_bucket b[CAL_N_BUCKETS]; /* b[1..64] */
};

/* A key that sorts as the time does (NaN excluded), equal for equal times. */
static inline uint64_t cal_key(double t)
{
    uint64_t u;
    t += 0.0; /* -0 becomes +0, so that the two tie */
    memcpy(&u, &t, sizeof u);
    /* Negative: all bits flipped; else the sign bit set. */
    return u ^ ((uint64_t)((int64_t)u >> 63) | (1ULL << 63));
}

/* The time back from its key. */
static inline double cal_time(uint64_t k)
{
    uint64_t u = k ^ (~(uint64_t)((int64_t)k >> 63) | (1ULL << 63));
    double t;
    memcpy(&t, &u, sizeof t);
    return t;
}

/* (time, sequence) order, as one 128-bit comparison without branches. */
static inline bool cal_before(struct cal_node a, struct cal_node b)
{
    unsigned __int128 x = (unsigned __int128)a.time << 64 | a.key;
    unsigned __int128 y = (unsigned __int128)b.time << 64 | b.key;
    return x < y;
}

/* The rare cases of calendar_push and calendar_pop_until, out of line. */
cal_handle calendar_push_rare(struct calendar *c, double time, uint32_t type, uint32_t subject);
void calendar_pop_rare(struct calendar *c);

/* An empty calendar with room for capacity events (at most 2^24) before it
 * first grows. Out of memory aborts (check.h). */
struct calendar *calendar_create(size_t capacity);
void calendar_destroy(struct calendar *c);

/* Drop every pending event (handles become stale) and restart the sequence,
 * keeping the memory for reuse by the next replication. */
void calendar_clear(struct calendar *c);

size_t calendar_size(const struct calendar *c);

/* Schedule (time, type, subject); time must be a number (not NaN). The
 * returned handle may be ignored (an event never cancelled or moved). Inline
 * but for the rare cases: a full slot table or bucket, a small calendar
 * outgrowing its front heap (calendar.c). */
static inline __attribute__((always_inline)) cal_handle calendar_push(struct calendar *c, double time, uint32_t type, uint32_t subject)
{
    uint64_t k = cal_key(time), last = c->last;
    uint32_t slot = c->free_head;
    if (isnan(time) || slot == CAL_FREE || c->seq >= CAL_MAX_SEQ)
        return calendar_push_rare(c, time, type, subject);
    struct cal_slot *s = &c->slots[slot];
    struct cal_node nd = { k, (c->seq << CAL_SLOT_BITS) | slot };
    uint32_t i;
    if (k > last) { /* into a bucket */
        uint32_t b = (uint32_t)(63 ^ __builtin_clzll(k ^ last)) + 1; /* 64 - clz */
        struct cal_bucket *bk = &c->b[b];
        i = bk->n;
        if (i == bk->cap)
            return calendar_push_rare(c, time, type, subject);
        bk->e[i] = nd;
        bk->n = i + 1;
        c->nonempty |= 1ULL << (b - 1);
        i |= b << CAL_WHERE_POS_BITS;
    } else { /* into the front heap: sift up */
        i = (uint32_t)c->n_front;
        if (i >= CAL_FRONT_SPILL && !c->nonempty)
            return calendar_push_rare(c, time, type, subject);
        struct cal_node *f = c->front;
        c->n_front = i + 1;
        while (i > 0) {
            uint32_t p = (i - 1) / 2;
            if (!cal_before(nd, f[p]))
                break;
            f[i] = f[p];
            c->where[f[i].key & CAL_SLOT_MASK] = i;
            i = p;
        }
        f[i] = nd;
    }
    c->where[slot] = i;
    c->free_head = s->next_free;
    s->type = type;
    s->subject = subject;
    c->seq++;
    c->n++;
    return ((uint64_t)s->gen << 32) | (uint64_t)(slot + 1);
}

/* Remove the earliest event into *out if its time is <= t_end; false when
 * there is none (calendar_peek_time and calendar_pop in one call, for event
 * loops). Inline but for re-ordering a front heap of three or more and
 * refilling it. */
static inline bool calendar_pop_until(struct calendar *c, double t_end, struct cal_event *out)
{
    /* Compared as keys: cal_key is monotone, so key <= cal_key(t_end) is
     * time <= t_end. */
    if (c->n_front == 0 || c->front[0].time > cal_key(t_end))
        return false;
    struct cal_node top = c->front[0];
    uint32_t slot = (uint32_t)(top.key & CAL_SLOT_MASK);
    struct cal_slot *s = &c->slots[slot];
    out->time = cal_time(top.time);
    out->seq = top.key >> CAL_SLOT_BITS;
    out->type = s->type;
    out->subject = s->subject;
    c->where[slot] = CAL_FREE;
    s->gen++;
    s->next_free = c->free_head;
    c->free_head = slot;
    c->n--;
    if (c->n_front == 2) { /* the other one takes the top */
        c->n_front = 1;
        c->front[0] = c->front[1];
        c->where[c->front[0].key & CAL_SLOT_MASK] = 0;
    } else if (c->n_front == 1 && !c->nonempty) { /* now empty */
        c->n_front = 0;
        c->last = CAL_KEY_INF;
    } else {
        calendar_pop_rare(c);
    }
    return true;
}

/* Remove the earliest event into *out; false when empty. */
static inline bool calendar_pop(struct calendar *c, struct cal_event *out)
{
    return calendar_pop_until(c, INFINITY, out);
}

/* Time of the earliest event, or +infinity when empty. */
double calendar_peek_time(const struct calendar *c);

/* Whether h names an event still pending. */
bool calendar_pending(const struct calendar *c, cal_handle h);

/* The event h names into *out (time, sequence, type, subject); false when h
 * is not pending. Reads only. */
bool calendar_event(const struct calendar *c, cal_handle h, struct cal_event *out);

/* Walk the whole structure (O(capacity)) and describe its first broken
 * invariant into buf (size bytes), returning buf; NULL when all hold. The
 * invariants: heap order of the front heap, every front event no later than
 * every bucketed one and each bucketed event in the bucket its time names,
 * the count of pending events, each slot's recorded place (a free slot is
 * on the free list exactly once, a pending one where its entry is),
 * sequence numbers below the next, and nothing pending before `now` (pass
 * -INFINITY to skip that one). The handles a model holds are its own to
 * check, with calendar_event: a stale generation is not pending. For tests
 * and the invariant walker (models/invariants.h). */
const char *calendar_check(const struct calendar *c, double now, char *buf, size_t size);

/* Remove a pending event. h must be pending (checked). */
void calendar_cancel(struct calendar *c, cal_handle h);

/* Give a pending event a new time; it takes a fresh sequence number, exactly
 * as if cancelled and pushed again, and keeps its handle. */
void calendar_move(struct calendar *c, cal_handle h, double time);

#endif
