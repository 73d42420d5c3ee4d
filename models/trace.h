/* trace.h — what happened to whom in a replication, for the records a case
 * system and HR would hold (models/recorder.h writes them).
 *
 * A model's trace is NULL in runs: each hook is one test of that pointer,
 * takes no random draw and changes no state, so results are the same bytes
 * with or without it. With a trace, every hook reports one event, in the
 * order the model does things, at the model's time `t` (days from day 0). */
#ifndef MODELS_TRACE_H
#define MODELS_TRACE_H

#include <stdbool.h>
#include <stdint.h>

enum trace_kind {
    TRACE_REFERRAL,       /* case; flag: screened out; n: its child's referrals before (0: a new child) */
    TRACE_STAGE_START,    /* case, stage; t0: when it entered the stage (before day 0 for a case open at
                           * the start); n: 1 when it is open at the start, 2 when, as well, it was
                           * allocated before it (its allocation on day 0 dates from t0) */
    TRACE_ALLOCATED,      /* case, who: the worker's id */
    TRACE_STAGE_END,      /* case, stage; next: the next stage or STAGE_CLOSE */
    TRACE_STAFF_START,    /* subject: worker id; grade, value: FTE, flag: agency */
    TRACE_STAFF_GRADE,    /* worker id, grade: the new one (a spell ends, the next starts) */
    TRACE_STAFF_END,      /* worker id: leaves (or an agency worker is released) */
    TRACE_SICK_START,     /* worker id; t0: when the absence began (before now for staff off at the start) */
    TRACE_SICK_END,       /* worker id */
    TRACE_VACANCY_OPEN,   /* subject: post; grade */
    TRACE_VACANCY_FILLED, /* post */
    TRACE_VACANCY_CLOSED, /* post: withdrawn unfilled */
    TRACE_ESTABLISHMENT,  /* grade, value: its establishment (FTE) now */
};

struct trace_event {
    enum trace_kind kind;
    double t, t0;
    uint32_t subject, who, n;
    int32_t stage, next, grade;
    double value;
    bool flag;
};

/* The receiver of a model's events: event(arg, e) for each. */
struct trace {
    void (*event)(void *arg, const struct trace_event *e);
    void *arg;
};

#endif
