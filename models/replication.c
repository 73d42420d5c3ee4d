#include "models/replication.h"

#include "models/allocation.h"
#include "models/costs.h"
#include "models/demand.h"
#include "models/interventions.h"
#include "models/market.h"
#include "models/metrics.h"
#include "models/model.h"
#include "models/pathway.h"
#include "models/posts.h"
#include "models/workers.h"
#include "sim/check.h"

/* The checking builds walk the model's invariants (invariants.h): after
 * every event; or, with CASELOAD_CHECK_SPARSE too, after an event once
 * enough have passed since the last walk that it costs a bounded amount per
 * event (INVARIANTS_SPARSE_SLOTS), so that whole test suites can run with
 * it (make check-asan). */
#ifdef CASELOAD_CHECK_INVARIANTS
#include "models/invariants.h"
#ifdef CASELOAD_CHECK_SPARSE
static void check_invariants(struct model *m)
{
    if (m->sim.events < m->invariants_next)
        return;
    invariants_check(m, invariants_laws(m));
    size_t slots = m->case_top + m->n_worker_slots + m->n_posts + calendar_size(m->sim.cal);
    m->invariants_next = m->sim.events + slots / INVARIANTS_SPARSE_SLOTS + 1;
}
#define CHECK_INVARIANTS(m) check_invariants(m)
#define CHECKS_INVARIANTS false
#else
#define CHECK_INVARIANTS(m) invariants_check((m), invariants_laws(m))
#define CHECKS_INVARIANTS true
#endif
#else
#define CHECK_INVARIANTS(m) ((void)0)
#define CHECKS_INVARIANTS false
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CALENDAR_CAPACITY 4096
/* How often (simulated days) a run looks at its stop flag. */
#define STOP_CHECK_DAYS 1.0

struct model *model_create(const struct scenario *sc)
{
    struct model *m = check_calloc(1, sizeof *m);
    m->sc = sc;
    m->pv = check_calloc(sc->reg.n, sizeof *m->pv);
    for (size_t i = 0; i < sc->reg.n; i++)
        m->pv[i] = sc->reg.p[i].value;
    sim_init(&m->sim, CALENDAR_CAPACITY);
    m->duration = check_calloc(sc->n_stages, sizeof *m->duration);
    m->stage_order = check_calloc(sc->n_stages ? sc->n_stages : 1, sizeof *m->stage_order);
    m->iv_active = check_calloc(sc->n_iv ? sc->n_iv : 1, sizeof *m->iv_active);
    m->iv_money = check_calloc(sc->n_iv ? sc->n_iv : 1, sizeof *m->iv_money);
    m->snapshots = check_calloc(KPI_SNAPSHOTS, sizeof *m->snapshots);
    pathway_create(m);
    workers_create(m);
    posts_create(m);
    demand_create(m);
    market_create(m);
    alloc_create(m);
    return m;
}

void model_destroy(struct model *m)
{
    if (!m)
        return;
    alloc_destroy(m);
    market_destroy(m);
    demand_destroy(m);
    posts_destroy(m);
    workers_destroy(m);
    pathway_destroy(m);
    sim_free(&m->sim);
    free(m->duration);
    free(m->stage_order);
    free(m->iv_active);
    free(m->iv_money);
    free(m->snapshots);
    free(m->scratch);
    free(m->pv);
    free(m);
}

static void init_dist(const struct model *m, const struct dist_spec *ds, struct dist *out)
{
    double p1 = ds->p1 != SIZE_MAX ? m->pv[ds->p1] : 0;
    double p2 = ds->p2 != SIZE_MAX ? m->pv[ds->p2] : 0;
    const char *why;
    CHECK(dist_init(out, ds->kind, p1, p2, ds->values, ds->n_values, &why));
}

/* Quantities derived from parameter values. */
static void derive(struct model *m)
{
    const struct scenario *sc = m->sc;
    for (size_t s = 0; s < sc->n_stages; s++)
        init_dist(m, &sc->stage[s].duration, &m->duration[s]);
    init_dist(m, &sc->time_to_hire, &m->hire);
    double sum = 0;
    for (int k = 0; k < SCENARIO_MONTHS; k++)
        sum += m->pv[sc->p_season[k]];
    for (int k = 0; k < SCENARIO_MONTHS; k++)
        m->season[k] = sum > 0 ? m->pv[sc->p_season[k]] * SCENARIO_MONTHS / sum : 0;
    m->overload_factor = m->pv[sc->p_overload_factor];
    m->overload_priority = (int)m->pv[sc->p_overload_priority];
    m->direct_factor = (1.0 - m->pv[sc->p_admin_share]) / (1.0 - m->pv[sc->p_admin_ref]);
    /* Stages by priority, then position (insertion sort: a handful). */
    for (size_t s = 0; s < sc->n_stages; s++) {
        size_t k = s;
        double pri = m->pv[sc->stage[s].p_priority];
        for (; k > 0 && m->pv[sc->stage[m->stage_order[k - 1]].p_priority] > pri; k--)
            m->stage_order[k] = m->stage_order[k - 1];
        m->stage_order[k] = s;
    }
    m->alloc_due = true; /* weights, priorities or caps may have changed */
}

/* Supervision multiplier from the staff at work now; true when it rose
 * (a fall leaves every hazard's bound above its rate: workers.h). */
static bool update_supervision(struct model *m)
{
    double holders;
    double unsupervised = workers_unsupervised(m, &holders);
    double share = holders > 0 ? unsupervised / holders : 0;
    double mult = 1.0 + m->pv[m->sc->p_gain_unsupervised] * share;
    bool rose = mult > m->sup_mult;
    m->sup_mult = mult;
    return rose;
}

/* Each permanent grade's establishment now, to the trace. */
static void trace_establishment(const struct model *m)
{
    for (size_t g = 0; g < m->sc->n_grades; g++)
        if (!m->sc->grade[g].agency)
            model_trace(m, (struct trace_event){ .kind = TRACE_ESTABLISHMENT, .grade = (int32_t)g,
                                                 .value = m->pv[m->sc->grade[g].p_establishment] });
}

void model_refresh(struct model *m)
{
    derive(m);
    if (m->trace)
        trace_establishment(m);
    workers_refresh(m);
    posts_refresh(m);
    demand_refresh(m);
    market_refresh(m);
    costs_update_rates(m);
}

/* The one event switch. Each handler changes its own module's part of the
 * model; where an event on a worker reaches its cases or its post, the
 * switch sequences the modules, lowest first (models/README.md), so that
 * no module calls one above it. */
static void handle(struct sim *s, const struct cal_event *ev, void *arg)
{
    struct model *m = arg;
    (void)s;
    metrics_advance(m);
    uint32_t x = ev->subject;
    switch ((enum ev_type)ev->type) {
    case EV_ARRIVAL: demand_arrival(m); break;
    case EV_REREFERRAL: pathway_rereferral(m, x); break;
    case EV_CASE_DONE: pathway_stage_done(m, x); break;
    case EV_LEAVE:
        if (workers_leave_due(m, x))
            posts_leave(m, x);
        break;
    case EV_SICK_START:
        if (workers_sick_due(m, x)) {
            workers_sick_start(m, x);
            pathway_pause_all(m, x, workers_back_at(m, x));
        }
        break;
    case EV_SICK_END:
        pathway_resume_all(m, x);
        if (workers_sick_end(m, x))
            posts_returned(m, x);
        break;
    case EV_REALLOCATE:
        workers_reallocate(m, x);
        pathway_requeue_all(m, x);
        posts_long_sick(m, x);
        break;
    case EV_PROGRESS: posts_progress(m, x); break;
    case EV_CAMPAIGN_START: posts_campaign_start(m, x); break;
    case EV_CAMPAIGN_END: posts_campaign_end(m, x); break;
    case EV_AGENCY_START: posts_agency_start(m, x); break;
    case EV_COHORT: posts_cohort(m); break;
    case EV_IV_START:
        interventions_begin(m, x);
        model_refresh(m);
        break;
    case EV_IV_END:
        interventions_end(m, x);
        model_refresh(m);
        break;
    case EV_WARMUP_END:
        costs_advance(m);
        m->counting = true;
        metrics_reset(m);
        break;
    case EV_PERIOD_END:
        metrics_period_end(m, x);
        if (update_supervision(m))
            workers_rates_refresh(m);
        break;
    case EV_YEAR_END: metrics_year_end(m, x); break;
    case EV_POOL: market_pool_event(m); break;
    case EV_MARKET_TICK: market_tick(m); break;
    default: CHECK(!"unknown event type");
    }
    /* Only when something changed that could let a queued case in: dispatch
     * would otherwise find, again, that nothing fits. */
    if (m->n_queued > 0 && m->alloc_due)
        alloc_dispatch(m);
    if (m->after_event)
        m->after_event(m, m->after_event_arg);
    CHECK_INVARIANTS(m);
}

bool model_checks_invariants(void) { return CHECKS_INVARIANTS; }

void model_set_trace(struct model *m, const struct trace *t) { m->trace = t; }

/* The cases open at day 0, each with its own stream (STREAM_INITIAL_CASE,
 * numbered across stages): a stage's `initial` cases part-way through (the
 * equilibrium residual), or the cases observed open (scenario.h) — the
 * allocated ones first, offered to workers at once, then the waiting ones
 * behind them, oldest first. False when *stop was raised. */
static bool place_open_cases(struct model *m, volatile sig_atomic_t *stop)
{
    const struct scenario *sc = m->sc;
    uint64_t initial = 0;
    bool waiting = false;
    for (size_t s = 0; s < sc->n_stages; s++) {
        const struct stage_spec *st = &sc->stage[s];
        double n = st->observed ? (double)st->n_open_elapsed : m->pv[st->p_initial];
        waiting |= st->n_open_waiting > 0;
        for (double i = 0; i < n; i++) {
            uint32_t c = pathway_new_case(m, rng_key(m->rep_key, STREAM_INITIAL_CASE, initial++, 0));
            if (st->observed)
                pathway_open_elapsed(m, c, s, st->open_elapsed[(size_t)i]);
            else
                pathway_initial(m, c, s);
            if ((initial & 0xffff) == 0 && stop && *stop)
                return false;
        }
    }
    alloc_dispatch(m);
    if (!waiting)
        return true;
    for (size_t s = 0; s < sc->n_stages; s++) {
        const struct stage_spec *st = &sc->stage[s];
        for (size_t i = 0; i < st->n_open_waiting; i++) {
            uint32_t c = pathway_new_case(m, rng_key(m->rep_key, STREAM_INITIAL_CASE, initial++, 0));
            pathway_open_waiting(m, c, s, st->open_waiting[i]);
        }
    }
    alloc_dispatch(m);
    return true;
}

int model_run(struct model *m, uint64_t master_seed, uint64_t rep, const struct result_layout *l,
              struct rep_result *out, volatile sig_atomic_t *stop)
{
    const struct scenario *sc = m->sc;
    for (size_t i = 0; i < sc->reg.n; i++)
        m->pv[i] = sc->reg.p[i].value;
    sim_reset(&m->sim);
    m->rep_key = rng_key(master_seed, rep, 0, 0);
    if (sc->draws) {
        /* parameter uncertainty: this replication's own values, from its
         * own stream, before anything reads them */
        struct rng r;
        rng_seed(&r, rng_key(m->rep_key, STREAM_PARAMETERS, 0, 0));
        pdraw_apply(sc->draws, m->pv, &r);
    }
    m->horizon = scenario_horizon_days(sc, m->pv);
    m->warmup = scenario_report_start(sc, m->pv);
    m->out = out;
    out->rep = rep;
    m->period = 0;
    CHECK(l->years && out->years);
    m->years = l->years;
    m->sup_mult = 1.0;
    m->counting = m->warmup <= 0;
    m->invariants_next = 0;
    derive(m);
    pathway_reset(m);
    workers_reset(m);
    costs_reset(m);
    market_reset(m);
    metrics_reset(m);

    /* Reporting events first, so at equal times a period closes before
     * anything else happens at its boundary. */
    if (m->warmup > 0)
        sim_at(&m->sim, m->warmup, EV_WARMUP_END, 0);
    for (size_t p = 0; p < l->n_periods; p++)
        sim_at(&m->sim, l->period_end[p], EV_PERIOD_END, (uint32_t)p);
    for (size_t y = 0; y + 1 < l->years->n_periods; y++)
        sim_at(&m->sim, l->years->period_end[y], EV_YEAR_END, (uint32_t)y);

    if (m->trace)
        trace_establishment(m);
    posts_start(m);
    market_start(m);
    for (uint32_t w = 0; w < m->n_worker_slots; w++) {
        if (!workers_settle(m, w))
            continue;
        pathway_pause_all(m, w, workers_back_at(m, w));
        if (m->w[w].status == W_SICK_LONG) {
            pathway_requeue_all(m, w);
            posts_long_sick(m, w);
        }
    }
    costs_update_rates(m);
    update_supervision(m);
    workers_refresh(m);
    if (!place_open_cases(m, stop))
        return 1;
    demand_start(m);
    interventions_start(m);
    if (m->after_event)
        m->after_event(m, m->after_event_arg);
    CHECK_INVARIANTS(m);

    /* The stop flag (Ctrl-C) is looked at every simulated day, so even a
     * large scenario stops within a fraction of a second. Running up to a
     * day's end processes exactly the events a run to the period's end
     * would, in the same order. */
    for (size_t p = 0; p < l->n_periods; p++) {
        double end = l->period_end[p];
        for (double t = floor(m->sim.now) + STOP_CHECK_DAYS; t < end; t += STOP_CHECK_DAYS) {
            sim_run_until(&m->sim, t, handle, m);
            if (stop && *stop)
                return 1;
        }
        if (p + 1 < l->n_periods) {
            sim_run_until(&m->sim, end, handle, m);
        } else {
            /* The run covers [start, horizon): everything before the horizon,
             * then the last period's end, the first event at its time (it
             * was scheduled first). What else falls on the horizon would
             * count in the KPIs but in no period, so it does not happen. */
            sim_run_until(&m->sim, nextafter(end, -INFINITY), handle, m);
            sim_step(&m->sim, handle, m);
        }
        if (stop && *stop)
            return 1;
    }
    metrics_finish(m);
    out->events = m->sim.events;
    return 0;
}
