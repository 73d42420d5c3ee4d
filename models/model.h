/* model.h — the state of one replication of the children's social care model.
 *
 * One struct model is a whole simulated service: cases and their queues,
 * workers and the posts they fill, the allocation index, costs and tallies.
 * The modules of models/ each own a part of it (named in the comments) and
 * act on it through their own headers; replication.c wires them together.
 * A model is created once per thread and reset for each replication, so the
 * event loop allocates nothing in steady state. */
#ifndef MODELS_MODEL_H
#define MODELS_MODEL_H

#include "models/hazard.h"
#include "models/scenario.h"
#include "models/trace.h"
#include "sim/dist.h"
#include "sim/maxtree.h"
#include "sim/queue.h"
#include "sim/rng.h"
#include "sim/sim.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

/* No case, worker or post (an index that names nothing). */
#define MODEL_NONE UINT32_MAX

/* Tolerance for comparing loads with caps: sums of case weights in floating
 * point, far below any weight a scenario can give (binding.h). */
#define MODEL_LOAD_EPS 1e-9

/* Tolerance for comparing FTE (staff in post, vacancies, agency FTE against
 * the establishment and the ceiling): sums of fractions of posts in floating
 * point, far below any part-time fraction of a post (posts.c). */
#define MODEL_FTE_EPS 1e-9

enum ev_type {
    EV_ARRIVAL,          /* candidate referral (thinned) */
    EV_REREFERRAL,       /* subject: case */
    EV_CASE_DONE,        /* subject: case; its time in stage is over */
    EV_LEAVE,            /* subject: worker */
    EV_SICK_START,       /* subject: worker */
    EV_SICK_END,         /* subject: worker */
    EV_REALLOCATE,       /* subject: worker; off long enough to hand cases back */
    EV_PROGRESS,         /* subject: worker; newly qualified becomes full grade */
    EV_CAMPAIGN_START,   /* subject: post */
    EV_CAMPAIGN_END,     /* subject: post */
    EV_AGENCY_START,     /* subject: post */
    EV_COHORT,           /* the annual newly qualified intake */
    EV_IV_START,         /* subject: intervention */
    EV_IV_END,           /* subject: intervention */
    EV_WARMUP_END,       /* statistics start */
    EV_PERIOD_END,       /* subject: period */
    EV_YEAR_END,         /* subject: financial year (one that ends before the horizon) */
    EV_POOL,             /* the labour market's pool changes (market.c) */
    EV_MARKET_TICK,      /* the labour market re-reads vacancies (market.c) */
};

/* Stream kinds under a replication's key (see docs/randomness.md). */
enum stream_kind {
    STREAM_ARRIVALS = 1,
    STREAM_CASE = 2,
    STREAM_INITIAL_CASE = 3,
    STREAM_POST = 4,
    STREAM_REREFERRAL = 5,
    STREAM_MARKET = 6,
    STREAM_PARAMETERS = 7,   /* the replication's draw of uncertain parameters (scenario.h's draws) */
};

/* Streams derived from a post's key. */
enum post_stream { POST_HIRE = 1, POST_OCCUPANT = 2, POST_COVER = 3 };
/* Streams derived from a worker's key. */
enum worker_stream { WORKER_LEAVE = 1, WORKER_SICK = 2 };

/* ---- cases (pathway.c; the links to workers: binding.c) -------------------- */

enum case_state { CASE_FREE, CASE_QUEUED, CASE_ALLOCATED, CASE_REREFERRAL };

struct case_rec {
    struct rng rng;        /* the child's own stream */
    double queued_at;      /* when it joined the unallocated queue */
    double due;            /* end of its time in stage, while the clock runs */
    double remaining;      /* work days left in the stage while paused */
    cal_handle done;       /* EV_CASE_DONE while the clock runs */
    uint32_t worker;       /* MODEL_NONE unless allocated (binding.c) */
    uint32_t prev, next;   /* in the worker's list of cases */
    uint32_t rereferrals;  /* how many times this child came back */
    int32_t stage;
    uint32_t last_holder;  /* id of the worker it was last allocated to */
    uint16_t changes;      /* allocations to a worker other than the last */
    uint8_t state;
    bool had_worker;
};

/* ---- workers and posts (workers.c, posts.c; cases and load: binding.c) ---- */

enum worker_status { W_FREE, W_AT_WORK, W_SICK, W_SICK_LONG };

struct worker {
    struct rng rng_leave, rng_sick;
    struct hazard leave, sick;
    double fte;
    double load;           /* sum of weights of its cases (binding.c) */
    double cap;            /* effective cap: grade cap x FTE x direct-work factor */
    double press_sick, press_leave; /* pressure multipliers now in force */
    cal_handle ev_leave, ev_sick, ev_realloc, ev_progress;
    uint32_t grade, post, slot; /* slot in its grade's allocation tree, or MODEL_NONE */
    uint32_t id;           /* unique in the replication (slots are reused) */
    uint32_t first_case;   /* head of its list of cases (binding.c) */
    uint32_t n_cases;
    uint32_t next_free;
    uint8_t status;
    bool agency;
    bool ready;            /* due to progress, waiting for a vacant post */
    uint32_t ticket;       /* while ready: its place in the wait, unique in
                            * the model, to tell its entry from a former
                            * holder's of the same slot in any grade's wait */
};

struct post {
    uint64_t key;          /* stream key of the post */
    struct rng rng_hire;
    double fte;            /* its holder's, or the hours advertised */
    double cover_since;    /* when its agency cover started (for releases) */
    double hire_mark;      /* the labour market's mark when its campaign started (market.h) */
    cal_handle ev_campaign, ev_agency;
    uint32_t grade;
    uint32_t holder;       /* permanent worker, or MODEL_NONE */
    uint32_t cover;        /* agency worker covering it, or MODEL_NONE */
    uint32_t occupants, covers; /* counts, to key the workers' streams */
    bool funded;           /* vacant: advertised (else dormant); see posts.c */
    bool waiting_cover;    /* in the agency wait list */
};

struct grade_state {
    uint32_t *posts;       /* post indices, in the order they were created */
    size_t n_posts, cap_posts;
    double fte_in_post, fte_sick, fte_at_work_agency;
    struct queue progress_wait;  /* workers ready to progress into this grade */
    struct queue progress_ticket;/* their tickets, side by side */
    struct maxtree tree;   /* case-holding grades only: its workers by spare
                            * capacity (a) and overload spare (b); allocation.c */
};

/* ---- money (costs.c) -------------------------------------------------------- */

enum cost_cat { COST_STAFF, COST_AGENCY, COST_RECRUITMENT, COST_TRAINING, COST_INTERVENTIONS, COST_CATS };

struct costs {
    double rate[COST_CATS];  /* £ per day now (interventions' apart: iv_money) */
    double since;            /* rates integrated up to here */
    double period[COST_CATS];/* this period */
    double total[COST_CATS]; /* since statistics started */
    double year[COST_CATS];  /* this financial year */
    double year_pv;          /* this year's, discounted continuously to the origin */
    double sick_rate;        /* memo, part of staff cost: pay of staff off sick, £ per day */
    double sick_period, sick_total, sick_year;
    double log_discount;     /* ln(1 + r) per day */
    double origin;           /* day the NPV is taken at: the end of the warm-up */
};

/* One intervention's money: this financial year's one-off and recurring
 * cost, and the anniversary year of its start that the recurring cost is
 * accruing in ([lo, hi) in days; the k-th after the start). */
struct iv_money {
    double once, recurring;
    double lo, hi;
    int k;
};

/* ---- tallies for reports (metrics.c) --------------------------------------- */

/* The stocks summed at each period end for the KPIs (model.snapshots). */
enum kpi_snapshot { SNAP_CASELOAD_MEAN, SNAP_VACANCY_RATE, KPI_SNAPSHOTS };

struct flows {
    double referrals, screened_out, closed, reallocations, starters, leavers;
    double allocations, wait_sum;
    double agency_starts;
};

/* Time integrals of stocks since a mark. */
struct integrals {
    double since;
    double unallocated, in_post, sick, vacant, establishment, agency;
};

struct model {
    const struct scenario *sc;
    double *pv;              /* parameter values of this replication */
    struct sim sim;
    uint64_t rep_key;
    double horizon, warmup;
    volatile sig_atomic_t *stop;

    /* derived from pv by model_refresh */
    struct dist *duration;   /* per stage */
    size_t *stage_order;     /* stages by priority, then position */
    struct dist hire;
    double season[SCENARIO_MONTHS];  /* normalised to mean 1 */
    double overload_factor, direct_factor, sup_mult;
    int overload_priority;
    double agency_ceiling;   /* FTE */

    /* demand (demand.c) */
    struct rng rng_arrivals;
    double arrival_bound;    /* thinning bound, referrals per day */
    uint64_t n_arrivals;
    cal_handle ev_arrival;
    uint8_t *day_month;      /* calendar month (0-11) of each day of the horizon */
    size_t n_days;

    /* cases (pathway.c) */
    struct case_rec *cases;
    size_t n_case_slots;
    size_t case_top;         /* slots in use since the reset; those above are untouched */
    uint32_t free_case;
    struct queue *queue;     /* per stage: case indices, first come first */
    size_t n_queued;
    bool alloc_due;          /* a queue has a new head, a worker more room or a
                                parameter changed since alloc_dispatch last
                                found nothing to place (allocation.c) */
    size_t *open_in_stage, *queued_in_stage;
    size_t open_cases;

    /* workforce (workers.c, posts.c) */
    struct worker *w;
    size_t n_worker_slots;
    uint32_t free_worker;
    struct post *post;
    size_t n_posts, cap_posts;
    struct grade_state *g;
    double agency_fte, agency_fte_sick;
    struct queue cover_wait; /* posts waiting for agency cover (post indices) */
    double *scratch;         /* caseload quantiles */
    size_t n_scratch;

    struct market *market;   /* the labour market (market.c), NULL when off */

    /* money, interventions */
    struct costs cost;
    bool *iv_active;
    struct iv_money *iv_money; /* per intervention (costs.c) */

    /* reporting */
    struct flows flow;       /* this period; counted from day 0, and zeroed at
                                the end of the warm-up (metrics_reset) */
    struct flows flow_total; /* since statistics started */
    struct integrals in_period, in_total, in_year;
    const struct result_layout *years; /* the financial years reported */
    size_t year;             /* years closed so far */
    double year_vacant;      /* sum of the year's period-end vacancies */
    size_t year_periods;     /* ... over so many period ends */
    double year_referrals;   /* referrals counted before the year started */
    double years_cost[COST_CATS], years_sick, years_total, years_discounted; /* over closed years */
    double kpi_wait_over;    /* child-days beyond the wait threshold */
    double kpi_changes_closed, kpi_cases_closed;
    bool counting;           /* after warm-up: costs accrue (costs.c) */
    double *snapshots;       /* sum over periods of some stocks, for KPIs:
                                KPI_SNAPSHOTS of them (metrics.c) */
    struct rep_result *out;
    size_t period;           /* periods closed so far */
    uint32_t next_ticket;    /* places in the progression waits, model-wide */
    uint32_t next_worker_id; /* workers hired so far (workers.c) */

    /* When set: called once day 0 is set up (staff, cases, first
     * allocation), then after every event; tests check laws at every
     * instant, drift.c reads day 0. NULL in runs. */
    void (*after_event)(const struct model *m, void *arg);
    void *after_event_arg;
    /* When set: told of every case, staff and post event (trace.h), for
     * the synthetic records. NULL in runs. */
    const struct trace *trace;
    uint64_t invariants_next;/* event count of the next sparse invariant walk
                                (replication.c, checking builds only) */
};

/* Report e (its time set to now) to the model's trace. Call as
 * `if (m->trace) model_trace(m, (struct trace_event){ ... })`, so runs pay one test. */
static inline void model_trace(const struct model *m, struct trace_event e)
{
    e.t = m->sim.now;
    m->trace->event(m->trace->arg, &e);
}

#endif
