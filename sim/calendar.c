#include "calendar.h"

#include "check.h"

#include <math.h>
#include <stdlib.h>

#define FREE_POS UINT32_MAX

/* Heap entries carry their keys inline so comparisons touch one array: the
 * time, and the scheduling sequence number with the slot in its low bits
 * (the sequence decides ties, the slot is unique, so comparing the packed
 * word compares sequences). 16 bytes, four to a cache line. */
#define SLOT_BITS 24
#define SLOT_MASK ((1ULL << SLOT_BITS) - 1)
#define MAX_EVENTS (1ULL << SLOT_BITS)
#define MAX_SEQ (1ULL << (64 - SLOT_BITS))

/* A binary heap: measured faster here than 4- and 8-ary ones, whose extra
 * comparisons per level cost more in mispredicted branches than the halved
 * depth saves (bench/hold). */
#define ARITY 2

struct node {
    double time;
    uint64_t key;   /* seq << SLOT_BITS | slot */
};

static inline uint32_t node_slot(const struct node *n) { return (uint32_t)(n->key & SLOT_MASK); }

struct slot {
    uint32_t pos;       /* index in heap, or FREE_POS */
    uint32_t gen;       /* bumped each time the slot is freed */
    uint32_t type;
    uint32_t subject;
    uint32_t next_free; /* free-list link while free */
};

struct calendar {
    struct node *heap;
    struct slot *slots;
    size_t n, cap;      /* pending events; room in both arrays */
    uint32_t free_head; /* FREE_POS when the free list is empty */
    uint64_t seq;
};

static bool grow(struct calendar *c, size_t cap)
{
    if (cap > MAX_EVENTS)
        return false;
    struct node *h = realloc(c->heap, cap * sizeof *h);
    if (!h)
        return false;
    c->heap = h;
    struct slot *s = realloc(c->slots, cap * sizeof *s);
    if (!s)
        return false;
    c->slots = s;
    for (size_t i = c->cap; i < cap; i++) {
        s[i].pos = FREE_POS;
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
    struct calendar *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->free_head = FREE_POS;
    if (!grow(c, capacity > 16 ? capacity : 16)) {
        calendar_destroy(c);
        return NULL;
    }
    return c;
}

void calendar_destroy(struct calendar *c)
{
    if (!c)
        return;
    free(c->heap);
    free(c->slots);
    free(c);
}

void calendar_clear(struct calendar *c)
{
    for (size_t i = 0; i < c->n; i++) {
        uint32_t slot = node_slot(&c->heap[i]);
        struct slot *s = &c->slots[slot];
        s->pos = FREE_POS;
        s->gen++;
        s->next_free = c->free_head;
        c->free_head = slot;
    }
    c->n = 0;
    c->seq = 0;
}

size_t calendar_size(const struct calendar *c) { return c->n; }

static inline bool before(const struct node *a, const struct node *b)
{
    return a->time < b->time || (a->time == b->time && a->key < b->key);
}

static inline void place(struct calendar *c, size_t i, struct node nd)
{
    c->heap[i] = nd;
    c->slots[node_slot(&nd)].pos = (uint32_t)i;
}

static void sift_up(struct calendar *c, size_t i)
{
    struct node nd = c->heap[i];
    while (i > 0) {
        size_t p = (i - 1) / ARITY;
        if (!before(&nd, &c->heap[p]))
            break;
        place(c, i, c->heap[p]);
        i = p;
    }
    place(c, i, nd);
}

static void sift_down(struct calendar *c, size_t i)
{
    struct node nd = c->heap[i];
    size_t n = c->n;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n)
            break;
        size_t m = l + (size_t)(l + 1 < n && before(&c->heap[l + 1], &c->heap[l]));
        if (!before(&c->heap[m], &nd))
            break;
        place(c, i, c->heap[m]);
        i = m;
    }
    place(c, i, nd);
}

static inline cal_handle handle_of(const struct calendar *c, uint32_t slot)
{
    return ((uint64_t)c->slots[slot].gen << 32) | (uint64_t)(slot + 1);
}

static inline uint32_t slot_of(const struct calendar *c, cal_handle h)
{
    uint32_t slot = (uint32_t)(h & 0xFFFFFFFFu) - 1;
    CHECK(h != 0 && slot < c->cap && c->slots[slot].gen == (uint32_t)(h >> 32)
          && c->slots[slot].pos != FREE_POS);
    return slot;
}

cal_handle calendar_push(struct calendar *c, double time, uint32_t type, uint32_t subject)
{
    CHECK(!isnan(time));
    if (c->free_head == FREE_POS)
        CHECK(grow(c, c->cap * 2));
    uint32_t slot = c->free_head;
    struct slot *s = &c->slots[slot];
    c->free_head = s->next_free;
    s->type = type;
    s->subject = subject;
    CHECK(c->seq < MAX_SEQ);
    struct node nd = { time, (c->seq++ << SLOT_BITS) | slot };
    c->heap[c->n] = nd;
    s->pos = (uint32_t)c->n;
    c->n++;
    sift_up(c, c->n - 1);
    return handle_of(c, slot);
}

static void release(struct calendar *c, uint32_t slot)
{
    struct slot *s = &c->slots[slot];
    s->pos = FREE_POS;
    s->gen++;
    s->next_free = c->free_head;
    c->free_head = slot;
}

/* Remove heap entry i, keeping the heap ordered. */
static void remove_at(struct calendar *c, size_t i)
{
    c->n--;
    if (i == c->n)
        return;
    struct node last = c->heap[c->n];
    bool up = i > 0 && before(&last, &c->heap[(i - 1) / ARITY]);
    place(c, i, last);
    if (up)
        sift_up(c, i);
    else
        sift_down(c, i);
}

bool calendar_pop(struct calendar *c, struct cal_event *out)
{
    if (c->n == 0)
        return false;
    struct node top = c->heap[0];
    uint32_t slot = node_slot(&top);
    const struct slot *s = &c->slots[slot];
    out->time = top.time;
    out->seq = top.key >> SLOT_BITS;
    out->type = s->type;
    out->subject = s->subject;
    release(c, slot);
    remove_at(c, 0);
    return true;
}

double calendar_peek_time(const struct calendar *c) { return c->n ? c->heap[0].time : INFINITY; }

bool calendar_pending(const struct calendar *c, cal_handle h)
{
    uint32_t slot = (uint32_t)(h & 0xFFFFFFFFu) - 1;
    return h != 0 && slot < c->cap && c->slots[slot].gen == (uint32_t)(h >> 32)
           && c->slots[slot].pos != FREE_POS;
}

void calendar_cancel(struct calendar *c, cal_handle h)
{
    uint32_t slot = slot_of(c, h);
    size_t i = c->slots[slot].pos;
    release(c, slot);
    remove_at(c, i);
}

void calendar_move(struct calendar *c, cal_handle h, double time)
{
    CHECK(!isnan(time));
    uint32_t slot = slot_of(c, h);
    size_t i = c->slots[slot].pos;
    struct node old = c->heap[i];
    c->heap[i].time = time;
    CHECK(c->seq < MAX_SEQ);
    c->heap[i].key = (c->seq++ << SLOT_BITS) | slot;
    if (before(&c->heap[i], &old))
        sift_up(c, i);
    else
        sift_down(c, i);
}
