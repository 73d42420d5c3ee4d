#include "calendar.h"

#include "check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The calendar is a radix heap on the bits of the event times, with a small
 * binary heap in front of it (bench/hold at 10^5 pending events: 2.5 times
 * the rate of the indexed binary heap it replaced; 4- and 8-ary heaps and a
 * bottom-up delete had been no faster than that):
 *
 * - Times map to 64-bit keys that sort as the times do (rkey). `last` is a
 *   key; every event with key <= last is in the front heap, ordered by
 *   (time, sequence); every later event is in bucket b = 64 - clz(key ^
 *   last), 1..64: one more than the highest bit where it differs from last.
 * - Whenever the front heap runs empty while buckets hold events, the lowest
 *   non-empty bucket is emptied (refill): its least key becomes last, its
 *   events with that key go to the front heap and the rest to lower buckets
 *   (they agreed with last above the bit that put them in b, and now agree
 *   with the new last at that bit too). An event thus moves at most 64 times
 *   in its life, in practice a handful: push is O(1), pop O(1) amortized,
 *   cancel and move O(1) (O(log n) for an event in the front heap).
 *
 * In a simulation nothing is scheduled before the clock, so the front heap
 * holds the next event and the few scheduled since that fall no later:
 * usually one or two. Pushes before the last event popped (the calendar
 * has no clock of its own, so they are allowed) go there too and cost
 * O(log n), as in a plain binary heap.
 *
 * Heap and bucket entries carry their keys inline: the time as its key, and
 * the scheduling sequence number with the slot in its low bits (the
 * sequence decides ties, the slot is unique, so comparing the packed word
 * compares sequences); (time key, packed word) compares as one 128-bit
 * integer. 16 bytes, four to a cache line. Per slot, `where` says where
 * its event is (bucket, 0 for the front heap, and index); it is kept apart
 * from the rest of the slot, as it is the only part written when events
 * move. Bucket arrays grow to their high-water mark and stay, so in steady
 * state nothing allocates. */
#define SLOT_BITS 24
#define SLOT_MASK ((1ULL << SLOT_BITS) - 1)
#define MAX_EVENTS (1ULL << SLOT_BITS)
#define MAX_SEQ (1ULL << (64 - SLOT_BITS))

#define N_BUCKETS 65            /* 1..64; 0 names the front heap */
#define FRONT 0u
#define WHERE_POS_BITS 24       /* index within the heap or bucket */
#define WHERE_POS_MASK ((1u << WHERE_POS_BITS) - 1)
#define FREE_WHERE UINT32_MAX   /* slot free: bucket field 255, never real */
#define BUCKET_MIN_CAP 16

struct node {
    uint64_t time;  /* the time as a key (rkey): compared as an integer */
    uint64_t key;   /* seq << SLOT_BITS | slot */
};

static inline uint32_t node_slot(const struct node *n) { return (uint32_t)(n->key & SLOT_MASK); }

struct slot {
    uint32_t gen;       /* bumped each time the slot is freed */
    uint32_t type;
    uint32_t subject;
    uint32_t next_free; /* free-list link while free */
};

struct bucket {
    struct node *e;
    uint32_t n, cap;
};

struct calendar {
    struct node *front;          /* binary heap of the events with key <= last */
    size_t n_front;
    struct bucket b[N_BUCKETS];  /* b[1..64] */
    uint64_t nonempty;           /* bit b - 1 set while bucket b holds events */
    uint64_t last;
    uint32_t *where;             /* per slot: bucket << 24 | index, or FREE_WHERE */
    struct slot *slots;
    size_t n, cap;               /* pending events; slots (and front heap room) */
    uint32_t free_head;          /* FREE_WHERE when the free list is empty */
    uint64_t seq;
};

/* A key that sorts as the time does (NaN excluded), equal for equal times. */
static inline uint64_t rkey(double t)
{
    uint64_t u;
    t += 0.0; /* -0 becomes +0, so that the two tie */
    memcpy(&u, &t, sizeof u);
    return (u >> 63) ? ~u : u | (1ULL << 63);
}

/* The time back from its key. */
static inline double time_of(uint64_t k)
{
    uint64_t u = (k >> 63) ? k & ~(1ULL << 63) : ~k;
    double t;
    memcpy(&t, &u, sizeof t);
    return t;
}

static inline uint32_t bucket_of(uint64_t key, uint64_t last)
{
    return (uint32_t)(64 - __builtin_clzll(key ^ last));
}

static inline uint32_t where_of(uint32_t bucket, size_t pos)
{
    return bucket << WHERE_POS_BITS | (uint32_t)pos;
}

static bool grow(struct calendar *c, size_t cap)
{
    if (cap > MAX_EVENTS)
        return false;
    c->front = check_realloc(c->front, cap * sizeof *c->front);
    uint32_t *w = c->where = check_realloc(c->where, cap * sizeof *w);
    struct slot *s = c->slots = check_realloc(c->slots, cap * sizeof *s);
    for (size_t i = c->cap; i < cap; i++) {
        w[i] = FREE_WHERE;
        s[i].gen = 1;
        s[i].next_free = i + 1 < cap ? (uint32_t)(i + 1) : c->free_head;
    }
    if (cap > c->cap)
        c->free_head = (uint32_t)c->cap;
    c->cap = cap;
    return true;
}

struct calendar *calendar_create(size_t capacity)
{
    struct calendar *c = check_calloc(1, sizeof *c);
    c->free_head = FREE_WHERE;
    CHECK(grow(c, capacity > 16 ? capacity : 16));
    return c;
}

void calendar_destroy(struct calendar *c)
{
    if (!c)
        return;
    for (int b = 1; b < N_BUCKETS; b++)
        free(c->b[b].e);
    free(c->front);
    free(c->where);
    free(c->slots);
    free(c);
}

static void release(struct calendar *c, uint32_t slot)
{
    struct slot *s = &c->slots[slot];
    c->where[slot] = FREE_WHERE;
    s->gen++;
    s->next_free = c->free_head;
    c->free_head = slot;
}

void calendar_clear(struct calendar *c)
{
    for (size_t i = 0; i < c->n_front; i++)
        release(c, node_slot(&c->front[i]));
    c->n_front = 0;
    for (int b = 1; b < N_BUCKETS; b++) {
        for (uint32_t i = 0; i < c->b[b].n; i++)
            release(c, node_slot(&c->b[b].e[i]));
        c->b[b].n = 0;
    }
    c->nonempty = 0;
    c->last = 0;
    c->n = 0;
    c->seq = 0;
}

size_t calendar_size(const struct calendar *c) { return c->n; }

/* ---- the front heap ----------------------------------------------------------- */

/* (time, sequence) order, as one 128-bit comparison without branches. */
static inline bool before(const struct node *a, const struct node *b)
{
    unsigned __int128 x = (unsigned __int128)a->time << 64 | a->key;
    unsigned __int128 y = (unsigned __int128)b->time << 64 | b->key;
    return x < y;
}

static inline void place(struct calendar *c, size_t i, struct node nd)
{
    c->front[i] = nd;
    c->where[node_slot(&nd)] = where_of(FRONT, i);
}

static inline void sift_up(struct calendar *c, size_t i)
{
    struct node nd = c->front[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!before(&nd, &c->front[p]))
            break;
        place(c, i, c->front[p]);
        i = p;
    }
    place(c, i, nd);
}

static inline void sift_down(struct calendar *c, size_t i)
{
    struct node nd = c->front[i];
    size_t n = c->n_front;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n)
            break;
        size_t m = l + (size_t)(l + 1 < n && before(&c->front[l + 1], &c->front[l]));
        if (!before(&c->front[m], &nd))
            break;
        place(c, i, c->front[m]);
        i = m;
    }
    place(c, i, nd);
}

static void front_push(struct calendar *c, struct node nd)
{
    size_t i = c->n_front++;
    c->front[i] = nd;
    sift_up(c, i);
}

/* Remove front heap entry i, keeping the heap ordered. */
static void front_remove(struct calendar *c, size_t i)
{
    c->n_front--;
    if (i == c->n_front)
        return;
    struct node last = c->front[c->n_front];
    bool up = i > 0 && before(&last, &c->front[(i - 1) / 2]);
    place(c, i, last);
    if (up)
        sift_up(c, i);
    else
        sift_down(c, i);
}

/* ---- the buckets ---------------------------------------------------------------- */

static inline void bucket_append(struct calendar *c, uint32_t b, struct node nd)
{
    struct bucket *bk = &c->b[b];
    if (bk->n == bk->cap) {
        uint32_t cap = bk->cap ? 2 * bk->cap : BUCKET_MIN_CAP;
        bk->e = check_realloc(bk->e, cap * sizeof *bk->e);
        bk->cap = cap;
    }
    bk->e[bk->n] = nd;
    c->where[node_slot(&nd)] = where_of(b, bk->n);
    bk->n++;
    c->nonempty |= 1ULL << (b - 1);
}

static void bucket_remove(struct calendar *c, uint32_t b, uint32_t i)
{
    struct bucket *bk = &c->b[b];
    bk->n--;
    if (i != bk->n) {
        bk->e[i] = bk->e[bk->n];
        c->where[node_slot(&bk->e[i])] = where_of(b, i);
    }
    if (bk->n == 0)
        c->nonempty &= ~(1ULL << (b - 1));
}

/* File an event by its time: the front heap or its bucket. */
static inline void insert(struct calendar *c, struct node nd)
{
    uint64_t k = nd.time;
    if (k <= c->last)
        front_push(c, nd);
    else
        bucket_append(c, bucket_of(k, c->last), nd);
}

/* The front heap is empty and a bucket is not: empty the lowest bucket. */
static void refill(struct calendar *c)
{
    uint32_t b = (uint32_t)__builtin_ctzll(c->nonempty) + 1;
    struct bucket *bk = &c->b[b];
    uint32_t n = bk->n;
    bk->n = 0;
    c->nonempty &= ~(1ULL << (b - 1));
    if (n == 1) { /* the common case in a small calendar */
        c->last = bk->e[0].time;
        place(c, 0, bk->e[0]);
        c->n_front = 1;
        return;
    }
    uint64_t least = UINT64_MAX;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t k = bk->e[i].time;
        if (k < least)
            least = k;
    }
    c->last = least;
    for (uint32_t i = 0; i < n; i++) {
        struct node nd = bk->e[i];
        uint64_t k = nd.time;
        if (k == least)
            front_push(c, nd);
        else
            bucket_append(c, bucket_of(k, least), nd);
    }
}

/* Restore "the front heap holds the earliest event" after a change. */
static inline void settle(struct calendar *c)
{
    if (c->n_front == 0 && c->nonempty)
        refill(c);
}

/* ---- the interface --------------------------------------------------------------- */

static inline cal_handle handle_of(const struct calendar *c, uint32_t slot)
{
    return ((uint64_t)c->slots[slot].gen << 32) | (uint64_t)(slot + 1);
}

bool calendar_pending(const struct calendar *c, cal_handle h)
{
    uint32_t slot = (uint32_t)(h & 0xFFFFFFFFu) - 1;
    return h != 0 && slot < c->cap && c->slots[slot].gen == (uint32_t)(h >> 32)
           && c->where[slot] != FREE_WHERE;
}

static inline uint32_t slot_of(const struct calendar *c, cal_handle h)
{
    CHECK(calendar_pending(c, h));
    return (uint32_t)(h & 0xFFFFFFFFu) - 1;
}

/* Take a pending event out of the heap or bucket that holds it. */
static void unlink_slot(struct calendar *c, uint32_t slot)
{
    uint32_t w = c->where[slot];
    uint32_t b = w >> WHERE_POS_BITS, i = w & WHERE_POS_MASK;
    if (b == FRONT)
        front_remove(c, i);
    else
        bucket_remove(c, b, i);
}

cal_handle calendar_push(struct calendar *c, double time, uint32_t type, uint32_t subject)
{
    CHECK(!isnan(time));
    if (c->free_head == FREE_WHERE)
        CHECK(grow(c, c->cap * 2));
    uint32_t slot = c->free_head;
    struct slot *s = &c->slots[slot];
    c->free_head = s->next_free;
    s->type = type;
    s->subject = subject;
    CHECK(c->seq < MAX_SEQ);
    struct node nd = { rkey(time), (c->seq++ << SLOT_BITS) | slot };
    if (c->n++ == 0) {
        /* Into an empty calendar: the event is the front heap, its key the
         * new last (no bucket holds anything to be placed against it). */
        c->last = nd.time;
        c->n_front = 1;
        place(c, 0, nd);
    } else {
        insert(c, nd); /* the front heap is not empty, so nothing to settle */
    }
    return handle_of(c, slot);
}

/* Remove the front heap's top (there is one) into *out. */
static inline void pop_front(struct calendar *c, struct cal_event *out)
{
    struct node top = c->front[0];
    uint32_t slot = node_slot(&top);
    const struct slot *s = &c->slots[slot];
    out->time = time_of(top.time);
    out->seq = top.key >> SLOT_BITS;
    out->type = s->type;
    out->subject = s->subject;
    release(c, slot);
    if (--c->n_front > 0) {
        c->front[0] = c->front[c->n_front];
        sift_down(c, 0);
    }
    c->n--;
    settle(c);
}

bool calendar_pop(struct calendar *c, struct cal_event *out)
{
    if (c->n_front == 0)
        return false;
    pop_front(c, out);
    return true;
}

bool calendar_pop_until(struct calendar *c, double t_end, struct cal_event *out)
{
    /* Compared as keys: rkey is monotone, so key <= rkey(t_end) is time <= t_end. */
    if (c->n_front == 0 || c->front[0].time > rkey(t_end))
        return false;
    pop_front(c, out);
    return true;
}

double calendar_peek_time(const struct calendar *c)
{
    return c->n_front ? time_of(c->front[0].time) : INFINITY;
}

void calendar_cancel(struct calendar *c, cal_handle h)
{
    uint32_t slot = slot_of(c, h);
    unlink_slot(c, slot);
    release(c, slot);
    c->n--;
    settle(c);
}

void calendar_move(struct calendar *c, cal_handle h, double time)
{
    CHECK(!isnan(time));
    uint32_t slot = slot_of(c, h);
    unlink_slot(c, slot);
    CHECK(c->seq < MAX_SEQ);
    struct node nd = { rkey(time), (c->seq++ << SLOT_BITS) | slot };
    insert(c, nd);
    settle(c);
}

bool calendar_event(const struct calendar *c, cal_handle h, struct cal_event *out)
{
    if (!calendar_pending(c, h))
        return false;
    uint32_t slot = (uint32_t)(h & 0xFFFFFFFFu) - 1;
    uint32_t w = c->where[slot];
    uint32_t b = w >> WHERE_POS_BITS, i = w & WHERE_POS_MASK;
    const struct node *nd = b == FRONT ? &c->front[i] : &c->b[b].e[i];
    out->time = time_of(nd->time);
    out->seq = nd->key >> SLOT_BITS;
    out->type = c->slots[slot].type;
    out->subject = c->slots[slot].subject;
    return true;
}

/* ---- the structure's own check --------------------------------------------------- */

static const char *broken(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return buf;
}

/* One heap or bucket entry: a slot in range, recorded where it is, with a
 * sequence number already handed out. */
static const char *check_entry(const struct calendar *c, const struct node *nd, uint32_t b, size_t i,
                               char *buf, size_t size)
{
    uint32_t slot = node_slot(nd);
    if (slot >= c->cap)
        return broken(buf, size, "calendar: entry %zu of %s %u names slot %u of %zu", i,
                      b == FRONT ? "the front heap" : "bucket", b, slot, c->cap);
    if (c->where[slot] != where_of(b, i))
        return broken(buf, size, "calendar: slot %u is at %u/%zu but recorded at %u/%u", slot, b, i,
                      c->where[slot] >> WHERE_POS_BITS, c->where[slot] & WHERE_POS_MASK);
    if ((nd->key >> SLOT_BITS) >= c->seq)
        return broken(buf, size, "calendar: slot %u has sequence %llu, not below the next (%llu)", slot,
                      (unsigned long long)(nd->key >> SLOT_BITS), (unsigned long long)c->seq);
    if (isnan(time_of(nd->time)))
        return broken(buf, size, "calendar: slot %u has time NaN", slot);
    return NULL;
}

const char *calendar_check(const struct calendar *c, double now, char *buf, size_t size)
{
    const char *why;
    if (c->n_front > c->cap || c->n > c->cap)
        return broken(buf, size, "calendar: %zu pending, %zu in the front heap, room for %zu", c->n,
                      c->n_front, c->cap);
    size_t total = c->n_front;
    for (size_t i = 0; i < c->n_front; i++) {
        const struct node *nd = &c->front[i];
        if ((why = check_entry(c, nd, FRONT, i, buf, size)))
            return why;
        if (i > 0 && before(nd, &c->front[(i - 1) / 2]))
            return broken(buf, size, "calendar: front heap entry %zu (day %.17g) is before its parent", i,
                          time_of(nd->time));
        if (nd->time > c->last)
            return broken(buf, size, "calendar: front heap entry %zu (day %.17g) is after the last key", i,
                          time_of(nd->time));
    }
    for (uint32_t b = 1; b < N_BUCKETS; b++) {
        const struct bucket *bk = &c->b[b];
        if (((c->nonempty >> (b - 1)) & 1) != (bk->n > 0))
            return broken(buf, size, "calendar: bucket %u holds %u events but is marked %s", b, bk->n,
                          bk->n ? "empty" : "non-empty");
        total += bk->n;
        for (uint32_t i = 0; i < bk->n; i++) {
            const struct node *nd = &bk->e[i];
            if ((why = check_entry(c, nd, b, i, buf, size)))
                return why;
            if (nd->time <= c->last || bucket_of(nd->time, c->last) != b)
                return broken(buf, size, "calendar: event at day %.17g is in bucket %u, not its own",
                              time_of(nd->time), b);
        }
    }
    if (total != c->n)
        return broken(buf, size, "calendar: %zu events in the heap and buckets, %zu counted pending", total,
                      c->n);
    if (c->n > 0 && c->n_front == 0)
        return broken(buf, size, "calendar: %zu events pending, none in the front heap", c->n);
    if (c->n_front > 0 && time_of(c->front[0].time) < now)
        return broken(buf, size, "calendar: event at day %.17g is pending before the clock (day %.17g)",
                      time_of(c->front[0].time), now);
    /* Every slot is pending (counted above, each entry recorded where it
     * is) or on the free list, once: the free list's length closes the
     * count, and a slot on it must be marked free. */
    size_t pending = 0;
    for (size_t s = 0; s < c->cap; s++)
        pending += c->where[s] != FREE_WHERE;
    if (pending != c->n)
        return broken(buf, size, "calendar: %zu slots marked pending, %zu events pending", pending, c->n);
    size_t n_free = 0;
    for (uint32_t s = c->free_head; s != FREE_WHERE; s = c->slots[s].next_free) {
        if (s >= c->cap || n_free >= c->cap - c->n)
            return broken(buf, size, "calendar: the free list runs past its %zu slots", c->cap - c->n);
        if (c->where[s] != FREE_WHERE)
            return broken(buf, size, "calendar: slot %u is on the free list but pending", s);
        n_free++;
    }
    if (n_free != c->cap - c->n)
        return broken(buf, size, "calendar: %zu slots on the free list, %zu free", n_free, c->cap - c->n);
    return NULL;
}
