#include "sim.h"

#include "check.h"

#include <math.h>

void sim_init(struct sim *s, size_t capacity)
{
    s->cal = calendar_create(capacity);
    s->now = 0;
    s->events = 0;
}

void sim_free(struct sim *s)
{
    if (!s)
        return;
    calendar_destroy(s->cal);
    s->cal = NULL;
}

void sim_reset(struct sim *s)
{
    calendar_clear(s->cal);
    s->now = 0;
    s->events = 0;
}

void sim_cancel(struct sim *s, cal_handle *h)
{
    if (*h) {
        calendar_cancel(s->cal, *h);
        *h = 0;
    }
}

void sim_move(struct sim *s, cal_handle h, double time)
{
    CHECK(time >= s->now);
    calendar_move(s->cal, h, time);
}

bool sim_step(struct sim *s, sim_handler handler, void *model)
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

uint64_t sim_run_until(struct sim *s, double t_end, sim_handler handler, void *model)
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
