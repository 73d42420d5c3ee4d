/* market.h — the regional labour market: who is there to hire.
 *
 * Optional (the scenario's labour_market section; sc->market.on). With it
 * on, the council recruits from a regional pool of qualified social
 * workers open to offers, in competition with the region's other councils
 * (an aggregate of vacancies, not simulated councils); its leavers join the
 * pool in a stated share; a campaign's success follows from the matching
 * rate per vacancy (Cobb-Douglas, Petrongolo & Pissarides 2001); pay above
 * the market raises hiring and cuts leaving; agency supply is finite, its
 * day rate rising when the region's demand exceeds it; the newly qualified
 * cohort is a share of local output. With it off, nothing here is called
 * but the factors, which are then exactly 1 (market.c says why and how).
 *
 * The section is read by scenario_load.c (sc->market); this module calls
 * no other module of models/ (it reads model.h's posts and workers), so
 * posts, workers and costs may call it. The state is public so that the
 * invariant walker (invariants.c) can check the conservation of people;
 * only market.c writes it. */
#ifndef MODELS_MARKET_H
#define MODELS_MARKET_H

#include "models/model.h"

#include <stdbool.h>
#include <stddef.h>

/* How often (simulated days) the market re-reads the council's vacancies
 * and recomputes its rates: vacancies move over weeks, so a day is fine
 * grained enough, and it costs one event a day. */
#define MARKET_REFRESH_DAYS 1.0

/* Series columns the market adds after the per-grade ones, and KPIs after
 * the risks' (in this order). */
enum market_metric {
    MM_POOL, MM_HIRES, MM_COVER_NOT_FOUND, MM_DAY_RATE, MM_FILL_RATE,
    MM_COUNT
};
enum market_kpi {
    MK_POOL_MEAN, MK_HIRES, MK_COVER_NOT_FOUND, MK_DAY_RATE_MEAN, MK_FILL_RATE_MEAN,
    MK_COUNT
};

struct market {
    struct rng rng;            /* the market's own stream (pool, cover, cohort) */
    double pool;               /* people in the pool now (whole) */
    /* the pool's next transition: an exponential race whose total rate is
     * integrated until it reaches an Exp(1) threshold */
    double threshold, acc, rate, since;
    cal_handle ev_pool, ev_tick;
    double vacancies;          /* the council's vacant funded FTE at the last refresh */
    uint64_t vacancies_version;/* model.posts_version when it was counted, */
    bool vacancies_counted;    /* if it was: a refresh with the posts unchanged
                                * keeps the count rather than redo it */
    double hazard;             /* matching rate per vacancy, per day, before pay */
    double pay_hire;           /* the council's factor over the region's hazard in force
                                * (pay effect x intensity) */
    double mark, mark_since;   /* integral of the council's hazard per vacancy up to mark_since */
    /* memo of market_leave_factor: its value at this supplement and
     * elasticity (NaN: none yet), read at every change of a worker's rates */
    double leave_pay, leave_elasticity, leave_factor;
    /* The ledger of people since day 0, for conservation: council, pool
     * and outside (everyone else) exchange people only through these. */
    double council0, pool0;
    double outside_to_pool, pool_to_outside;
    double pool_to_council, outside_to_council;
    double council_to_pool, council_to_outside;
    /* reporting */
    double hires_period, not_found_period, hires_total, not_found_total;
    double sum_pool, sum_day_rate, sum_fill;  /* over period ends */
    size_t period_ends;
};

/* Whether sc has a labour market and it is enabled (labour_market.enabled,
 * read once: it may not change during a run). */
bool market_on(const struct scenario *sc);

void market_create(struct model *m);
void market_destroy(struct model *m);

/* Before day 0 is set up: the pool at its start, the ledger at zero. */
void market_reset(struct model *m);

/* Day 0, after the staff in post and the first vacancies are set up: the
 * pool, the ledger, the first transition and the daily refresh. */
void market_start(struct model *m);

/* After parameters changed, and on its daily event: rates from now on. */
void market_refresh(struct model *m);

/* Event handlers: EV_POOL (a transition of the pool), EV_MARKET_TICK. */
void market_pool_event(struct model *m);
void market_tick(struct model *m);

/* The integral of the council's hazard of filling a vacancy, per vacancy,
 * up to now: a campaign keeps it at its start (post.hire_mark). */
double market_mark(struct model *m);

/* Campaign for post p ends with uniform draw u: whether it hires. It does
 * with probability 1 - exp(-(mark now - mark at its start)), and only if
 * someone is in the pool, who then leaves it for the post; in a grade
 * outside the market, with recruitment.success as without it. */
bool market_hires(struct model *m, uint32_t p, double u);

/* Permanent worker w is leaving the council: into the pool in the stated
 * share, else out of the region's market (always, from a grade outside
 * it). */
void market_leaver(struct model *m, uint32_t w);

/* A post needing cover of fte asks the agencies: whether a worker is found
 * (always while the region's demand leaves room; else with probability
 * supply / demand). Not found is counted. */
bool market_cover_found(struct model *m, double fte);

/* The newly qualified cohort can fill at most `places` posts: how many it
 * fills, the council's share of the local output (the rest join the pool),
 * at most `vacant` (the cohort grade's vacant posts). */
double market_cohort_places(struct model *m, double places, double vacant);

/* Whether permanent grade g recruits from the pool (false with the market
 * off). */
bool market_recruits(const struct model *m, uint32_t g);

/* Multiplier of permanent grade g's leaving hazard: 1 / (1 + supplement)^
 * leave_elasticity, 1 for a grade outside the market or with it off. (The
 * market's prices, pay and the agency day rate, are costs.c's.) */
double market_leave_factor(const struct model *m, uint32_t g);

/* Reporting: zero the tallies (day 0, end of warm-up); the market's
 * columns of a period's row (the agency day rate in force given); its
 * KPIs. Names and kinds for the layout. */
void market_reset_tallies(struct model *m);
void market_period_end(struct model *m, double *cols, double day_rate);
void market_kpis(struct model *m, double *kpis);
void market_metric_def(size_t i, const char **name, const char **unit, bool *flow);
void market_kpi_def(size_t i, const char **name, const char **unit, const char **descr, int *better);

/* Conservation of people: the council's permanent staff (heads), the pool
 * and the ledger agree; and a vacancy count kept while the posts did not
 * change equals a count now. Describes the first disagreement into buf and
 * returns it, or NULL. */
const char *market_check(const struct model *m, char *buf, size_t size);

#endif
