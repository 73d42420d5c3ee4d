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
 * - Times map to 64-bit keys that sort as the times do (cal_key). `last` is a
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
 * A small calendar is all front heap: while no bucket is in use, `last` is
 * +infinity's key (so every event belongs to the front heap), as it is for
 * an empty calendar. The first push that would take the front heap past
 * CAL_FRONT_SPILL events spills it: its least key becomes last and the
 * later events go to their buckets. A calendar of a few events (an M/M/1
 * queue has two) thus pays for a binary heap of two or three, not for a
 * refill after every pop; a large one spills once and stays in the
 * buckets until it is empty again.
 *
 * A move that leaves an event in its bucket (the new key above last and
 * differing from it first at the same bit) rewrites the entry in place:
 * buckets are unordered, and a re-rated hazard moving a far event a little
 * is the common case in the model (95% of its moves).
 *
 * The common cases of push (a free slot, room in the bucket, or a front
 * heap not due to spill) and of pop (the front heap's top, a front heap of
 * one or two left) are inline in calendar.h, so that they compile into the
 * model's event loop; the rest is here.
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
#define SLOT_MASK CAL_SLOT_MASK
#define MAX_EVENTS CAL_MAX_EVENTS
#define MAX_SEQ CAL_MAX_SEQ
#define N_BUCKETS CAL_N_BUCKETS
#define FRONT 0u
#define WHERE_POS_BITS CAL_WHERE_POS_BITS
#define WHERE_POS_MASK ((1u << WHERE_POS_BITS) - 1)
#define FREE_WHERE CAL_FREE     /* slot free: bucket field 255, never real */
#define BUCKET_MIN_CAP 16

static inline uint32_t node_slot(const struct cal_node *n) { return (uint32_t)(n->key & SLOT_MASK); }

static inline uint32_t bucket_of(uint64_t key, uint64_t last)
{
    return (uint32_t)(63 ^ __builtin_clzll(key ^ last)) + 1; /* 64 - clz: one bsr */
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
    struct cal_slot *s = c->slots = check_realloc(c->slots, cap * sizeof *s);
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
    c->last = CAL_KEY_INF;
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
    struct cal_slot *s = &c->slots[slot];
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
    c->last = CAL_KEY_INF;
    c->n = 0;
    c->seq = 0;
}

size_t calendar_size(const struct calendar *c) { return c->n; }

/* ---- the front heap ----------------------------------------------------------- */

static inline bool before(const struct cal_node *a, const struct cal_node *b) { return cal_before(*a, *b); }

static inline void place(struct calendar *c, size_t i, struct cal_node nd)
{
    c->front[i] = nd;
    c->where[node_slot(&nd)] = where_of(FRONT, i);
}

static inline void sift_up(struct calendar *c, size_t i)
{
    struct cal_node nd = c->front[i];
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
    struct cal_node nd = c->front[i];
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

static void front_push(struct calendar *c, struct cal_node nd)
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
    struct cal_node last = c->front[c->n_front];
    bool up = i > 0 && before(&last, &c->front[(i - 1) / 2]);
    place(c, i, last);
    if (up)
        sift_up(c, i);
    else
        sift_down(c, i);
}

/* ---- the buckets ---------------------------------------------------------------- */

static void bucket_grow(struct cal_bucket *bk)
{
    uint32_t cap = bk->cap ? 2 * bk->cap : BUCKET_MIN_CAP;
    bk->e = check_realloc(bk->e, cap * sizeof *bk->e);
    bk->cap = cap;
}

static inline void bucket_append(struct calendar *c, uint32_t b, struct cal_node nd)
{
    struct cal_bucket *bk = &c->b[b];
    if (bk->n == bk->cap)
        bucket_grow(bk);
    bk->e[bk->n] = nd;
    c->where[node_slot(&nd)] = where_of(b, bk->n);
    bk->n++;
    c->nonempty |= 1ULL << (b - 1);
}

static void bucket_remove(struct calendar *c, uint32_t b, uint32_t i)
{
    struct cal_bucket *bk = &c->b[b];
    bk->n--;
    if (i != bk->n) {
        bk->e[i] = bk->e[bk->n];
        c->where[node_slot(&bk->e[i])] = where_of(b, i);
    }
    if (bk->n == 0)
        c->nonempty &= ~(1ULL << (b - 1));
}

/* File an event by its time: the front heap or its bucket. */
static inline void insert(struct calendar *c, struct cal_node nd)
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
    struct cal_bucket *bk = &c->b[b];
    uint32_t n = bk->n;
    struct cal_node *e = bk->e;
    bk->n = 0;
    if (n == 1) { /* the common case in a small calendar */
        c->last = e[0].time;
        c->nonempty &= ~(1ULL << (b - 1));
        place(c, 0, e[0]);
        c->n_front = 1;
        return;
    }
    uint64_t least = UINT64_MAX;
    for (uint32_t i = 0; i < n; i++)
        if (e[i].time < least)
            least = e[i].time;
    c->last = least;
    /* The loop keeps its state in locals: stores through the arrays could
     * otherwise alias them, and each would be reloaded. */
    uint64_t nonempty = c->nonempty & ~(1ULL << (b - 1));
    uint32_t *where = c->where;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t k = e[i].time, key = e[i].key; /* two words: not a vector copy */
        if (k == least) {
            front_push(c, (struct cal_node){ k, key });
            continue;
        }
        uint32_t to = bucket_of(k, least);
        struct cal_bucket *tk = &c->b[to];
        uint32_t j = tk->n;
        if (j == tk->cap)
            bucket_grow(tk);
        struct cal_node *d = &tk->e[j];
        d->time = k;
        d->key = key;
        tk->n = j + 1;
        where[key & SLOT_MASK] = where_of(to, j);
        nonempty |= 1ULL << (to - 1);
    }
    c->nonempty = nonempty;
}

/* Restore "the front heap holds the earliest event" after a change. */
static inline void settle(struct calendar *c)
{
    if (c->n_front == 0) {
        if (c->nonempty)
            refill(c);
        else
            c->last = CAL_KEY_INF; /* empty */
    }
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

/* A calendar whose buckets are empty has grown its front heap past
 * CAL_FRONT_SPILL: its least key becomes last, and the events after it go
 * to the buckets. */
static void spill(struct calendar *c)
{
    uint64_t least = c->front[0].time;
    size_t n = c->n_front, m = 0;
    c->last = least;
    for (size_t i = 0; i < n; i++) {
        struct cal_node nd = c->front[i];
        if (nd.time == least)
            place(c, m++, nd);
        else
            bucket_append(c, bucket_of(nd.time, least), nd);
    }
    c->n_front = m;
    for (size_t i = m / 2; i-- > 0;)
        sift_down(c, i);
}

cal_handle calendar_push_rare(struct calendar *c, double time, uint32_t type, uint32_t subject)
{
    CHECK(!isnan(time));
    if (c->free_head == FREE_WHERE)
        CHECK(grow(c, c->cap * 2));
    CHECK(c->seq < MAX_SEQ);
    uint32_t slot = c->free_head;
    struct cal_slot *s = &c->slots[slot];
    c->free_head = s->next_free;
    s->type = type;
    s->subject = subject;
    struct cal_node nd = { cal_key(time), (c->seq++ << CAL_SLOT_BITS) | slot };
    if (nd.time <= c->last && c->n_front >= CAL_FRONT_SPILL && !c->nonempty)
        spill(c);
    c->n++;
    /* The front heap is not empty unless the calendar is, and then last
     * is CAL_KEY_INF: nothing to settle. */
    insert(c, nd);
    return handle_of(c, slot);
}

/* The front heap's top was taken out (calendar_pop_until) and it held three
 * or more events, or one while buckets hold more: close the gap. */
void calendar_pop_rare(struct calendar *c)
{
    if (--c->n_front > 0) {
        c->front[0] = c->front[c->n_front];
        sift_down(c, 0);
    } else {
        settle(c);
    }
}

double calendar_peek_time(const struct calendar *c)
{
    return c->n_front ? cal_time(c->front[0].time) : INFINITY;
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
    CHECK(c->seq < MAX_SEQ);
    struct cal_node nd = { cal_key(time), (c->seq++ << CAL_SLOT_BITS) | slot };
    uint32_t w = c->where[slot], b = w >> WHERE_POS_BITS;
    if (b != FRONT && nd.time > c->last && bucket_of(nd.time, c->last) == b) {
        /* Still its bucket's (buckets are unordered): rewritten in place, as
         * a rate change that moves an event far ahead a little usually is. */
        c->b[b].e[w & WHERE_POS_MASK] = nd;
        return;
    }
    unlink_slot(c, slot);
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
    const struct cal_node *nd = b == FRONT ? &c->front[i] : &c->b[b].e[i];
    out->time = cal_time(nd->time);
    out->seq = nd->key >> CAL_SLOT_BITS;
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
static const char *check_entry(const struct calendar *c, const struct cal_node *nd, uint32_t b, size_t i,
                               char *buf, size_t size)
{
    uint32_t slot = node_slot(nd);
    if (slot >= c->cap)
        return broken(buf, size, "calendar: entry %zu of %s %u names slot %u of %zu", i,
                      b == FRONT ? "the front heap" : "bucket", b, slot, c->cap);
    if (c->where[slot] != where_of(b, i))
        return broken(buf, size, "calendar: slot %u is at %u/%zu but recorded at %u/%u", slot, b, i,
                      c->where[slot] >> WHERE_POS_BITS, c->where[slot] & WHERE_POS_MASK);
    if ((nd->key >> CAL_SLOT_BITS) >= c->seq)
        return broken(buf, size, "calendar: slot %u has sequence %llu, not below the next (%llu)", slot,
                      (unsigned long long)(nd->key >> CAL_SLOT_BITS), (unsigned long long)c->seq);
    if (isnan(cal_time(nd->time)))
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
        const struct cal_node *nd = &c->front[i];
        if ((why = check_entry(c, nd, FRONT, i, buf, size)))
            return why;
        if (i > 0 && before(nd, &c->front[(i - 1) / 2]))
            return broken(buf, size, "calendar: front heap entry %zu (day %.17g) is before its parent", i,
                          cal_time(nd->time));
        if (nd->time > c->last)
            return broken(buf, size, "calendar: front heap entry %zu (day %.17g) is after the last key", i,
                          cal_time(nd->time));
    }
    for (uint32_t b = 1; b < N_BUCKETS; b++) {
        const struct cal_bucket *bk = &c->b[b];
        if (((c->nonempty >> (b - 1)) & 1) != (bk->n > 0))
            return broken(buf, size, "calendar: bucket %u holds %u events but is marked %s", b, bk->n,
                          bk->n ? "empty" : "non-empty");
        total += bk->n;
        for (uint32_t i = 0; i < bk->n; i++) {
            const struct cal_node *nd = &bk->e[i];
            if ((why = check_entry(c, nd, b, i, buf, size)))
                return why;
            if (nd->time <= c->last || bucket_of(nd->time, c->last) != b)
                return broken(buf, size, "calendar: event at day %.17g is in bucket %u, not its own",
                              cal_time(nd->time), b);
        }
    }
    if (total != c->n)
        return broken(buf, size, "calendar: %zu events in the heap and buckets, %zu counted pending", total,
                      c->n);
    if (c->n > 0 && c->n_front == 0)
        return broken(buf, size, "calendar: %zu events pending, none in the front heap", c->n);
    if (c->n_front > 0 && cal_time(c->front[0].time) < now)
        return broken(buf, size, "calendar: event at day %.17g is pending before the clock (day %.17g)",
                      cal_time(c->front[0].time), now);
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
