/* sim.h — the simulation clock and event loop over a calendar.
 *
 * A model keeps its own state and gives the loop one handler that switches on
 * the event type. The loop is a stepping runner: sim_step processes one event
 * (tests drive it), sim_run_until loops. Nothing is ever scheduled in the past. */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include "calendar.h"
#include "check.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

struct sim {
    struct calendar *cal;
    double now;          /* time of the event being (or last) processed */
    uint64_t events;     /* events processed since sim_reset */
};

typedef void (*sim_handler)(struct sim *s, const struct cal_event *ev, void *model);

/* Set s up with an empty calendar (calendar_create). */
void sim_init(struct sim *s, size_t capacity);
void sim_free(struct sim *s);

/* Empty the calendar, set the clock to 0, keep the memory. */
void sim_reset(struct sim *s);

/* Schedule at absolute time (>= now, checked). */
static inline __attribute__((always_inline)) cal_handle sim_at(struct sim *s, double time, uint32_t type, uint32_t subject)
{
    CHECK(time >= s->now);
    return calendar_push(s->cal, time, type, subject);
}

/* Schedule after delay (>= 0, checked) from now. */
static inline __attribute__((always_inline)) cal_handle sim_after(struct sim *s, double delay, uint32_t type, uint32_t subject)
{
    CHECK(delay >= 0);
    return calendar_push(s->cal, s->now + delay, type, subject);
}

/* Cancel a pending event; h = 0 is allowed and does nothing. */
static inline void sim_cancel(struct sim *s, cal_handle *h)
{
    if (*h) {
        calendar_cancel(s->cal, *h);
        *h = 0;
    }
}

/* Move a pending event to absolute time (>= now). */
static inline void sim_move(struct sim *s, cal_handle h, double time)
{
    CHECK(time >= s->now);
    calendar_move(s->cal, h, time);
}

/* Process the earliest event; false when the calendar is empty. */
static inline bool sim_step(struct sim *s, sim_handler handler, void *model)
{
    struct cal_event ev;
    if (!calendar_pop(s->cal, &ev))
        return false;
    CHECK(ev.time >= s->now);
    s->now = ev.time;
    s->events++;
    handler(s, &ev, model);
    return true;
}

/* Process every event with time <= t_end, then set the clock to t_end
 * (if it is later). Returns the number of events processed. Inline, as is
 * sim_step: a handler named at the call site is then called directly (and
 * may be inlined into the loop), not through the pointer. */
static inline uint64_t sim_run_until(struct sim *s, double t_end, sim_handler handler, void *model)
{
    uint64_t before = s->events;
    struct cal_event ev;
    while (calendar_pop_until(s->cal, t_end, &ev)) {
        CHECK(ev.time >= s->now);
        s->now = ev.time;
        s->events++;
        handler(s, &ev, model);
    }
    if (t_end > s->now && !isinf(t_end))
        s->now = t_end;
    return s->events - before;
}

#endif
