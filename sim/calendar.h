/* calendar.h — the event calendar: a priority queue of pending events.
 *
 * Events are ordered by time, then by scheduling order (an increasing sequence
 * number), so equal times come out first-scheduled-first and a run is
 * deterministic. It is a radix heap on the bits of the times with a binary
 * heap in front (calendar.c): push, cancel and move are O(1), pop O(1)
 * amortized, when times are scheduled no earlier than the last one popped, as
 * in a simulation; an earlier push is allowed and costs O(log n). Slots and
 * bucket arrays are recycled, so in steady state no operation allocates.
 * Limits (checked): 2^24 pending events, 2^40 events scheduled between
 * clears. A handle names a pending event for cancel/move; it carries a
 * generation so a stale handle is caught, not silently obeyed. */
#ifndef SIM_CALENDAR_H
#define SIM_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t cal_handle; /* 0 is "no event" */

struct cal_event {
    double time;
    uint64_t seq;       /* scheduling order, unique within a calendar */
    uint32_t type;      /* what happens: the model's own code */
    uint32_t subject;   /* to whom: the model's own index */
};

struct calendar;

/* An empty calendar with room for capacity events (at most 2^24) before it
 * first grows. Out of memory aborts (check.h). */
struct calendar *calendar_create(size_t capacity);
void calendar_destroy(struct calendar *c);

/* Drop every pending event (handles become stale) and restart the sequence,
 * keeping the memory for reuse by the next replication. */
void calendar_clear(struct calendar *c);

size_t calendar_size(const struct calendar *c);

/* Schedule (time, type, subject); time must be a number (not NaN). */
cal_handle calendar_push(struct calendar *c, double time, uint32_t type, uint32_t subject);

/* Remove the earliest event into *out; false when empty. */
bool calendar_pop(struct calendar *c, struct cal_event *out);

/* Remove the earliest event into *out if its time is <= t_end; false when
 * there is none (calendar_peek_time and calendar_pop in one call, for event
 * loops). */
bool calendar_pop_until(struct calendar *c, double t_end, struct cal_event *out);

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
