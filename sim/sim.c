#include "sim.h"

#include "check.h"


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
